//! Mail through a real SMTP server the test starts (aiosmtpd from PyPI, writing a maildir): the
//! demo's reminders arrive once, each in its reader's language with the link to the task, and the
//! department's manager is told of a late one; a reader of the daily digest gets one message; two
//! `mamori serve` on one database send each queued message once; a forgotten password's link and
//! an invitation arrive through the same sender and work. SQLite, or PostgreSQL when
//! MAMORI_TEST_DATABASE_URL is set.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mamori_store::mail::NewMail;
use mamori_store::testing::TestDb;

/// An SMTP server on a free port, writing what it receives to a maildir; stopped when dropped.
struct Smtp {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Smtp {
    fn start() -> Smtp {
        let port = free_port();
        let dir = tempfile::tempdir().unwrap();
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m aiosmtpd runs (pip install aiosmtpd)");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "aiosmtpd listens (pip install aiosmtpd)"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Smtp { child, port, dir }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received: (to, subject, body), decoded.
    fn received(&self) -> Vec<(String, String, String)> {
        let new: PathBuf = self.dir.path().join("mail").join("new");
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&new).into_iter().flatten() {
            let raw = std::fs::read(entry.unwrap().path()).unwrap();
            let m = mailparse::parse_mail(&raw).unwrap();
            let get = |h: &str| {
                m.headers
                    .iter()
                    .find(|x| x.get_key().eq_ignore_ascii_case(h))
                    .map(|x| x.get_value())
                    .unwrap_or_default()
            };
            out.push((get("To"), get("Subject"), m.get_body().unwrap()));
        }
        out
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn mamori(url: &str, smtp: &Smtp, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_mamori"))
        .args(args)
        .env("MAMORI_DATABASE_URL", url)
        .env("MAMORI_LOG", "warn")
        .env("MAMORI_SMTP_URL", smtp.url())
        .env("MAMORI_MAIL_FROM", "Mamori <isms@sajeco.example>")
        .env("MAMORI_PUBLIC_URL", "https://isms.sajeco.example")
        .env_remove("MAMORI_CONFIG")
        .output()
        .expect("mamori runs")
}

fn text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `mamori serve` on a free port of the database `url`, sending through `smtp` each second; stopped
/// when dropped, the test passed or not.
struct Serve {
    child: Child,
    port: u16,
}

impl Serve {
    fn start(url: &str, smtp: &Smtp) -> Serve {
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_mamori"))
            .args(["serve", "--bind"])
            .arg(format!("127.0.0.1:{port}"))
            .env("MAMORI_DATABASE_URL", url)
            .env("MAMORI_LOG", "warn")
            .env("MAMORI_SMTP_URL", smtp.url())
            .env("MAMORI_MAIL_INTERVAL_SECONDS", "1")
            .env_remove("MAMORI_CONFIG")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Serve { child, port }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn reminders_arrive_once_in_each_reader_s_language_with_the_link_and_the_manager_is_told() {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let org = mamori_io::demo::load(&store, &|_, _, _| {}).await.unwrap();
    let access = mamori_store::Access::system(org.clone(), "test");
    // The year the newest joiner (2026-10-01) has their onboarding test in, due 2026-10-31.
    store
        .plan_year(&access, org.calendar.year(2026), &|_, _| {})
        .await
        .unwrap();
    // The manager reads English.
    let manager = store.user_by_email("manager@sajeco.example").await.unwrap();
    store
        .set_preferences(manager.id, Some("en"), None, None)
        .await
        .unwrap();
    let smtp = Smtp::start();
    // A fortnight late: the owner's weekly reminder, and their department's manager told.
    let dry = mamori(
        &db.url,
        &smtp,
        &["remind", "--as-of", "2026-11-14", "--dry-run"],
    );
    assert!(dry.status.success(), "{}", text(&dry));
    let listed = String::from_utf8_lossy(&dry.stdout).to_string();
    assert!(
        listed.contains("late\t2026-10-31\tstaff@sajeco.example"),
        "{listed}"
    );
    assert!(smtp.received().is_empty(), "a dry run sends nothing");
    let o = mamori(&db.url, &smtp, &["remind", "--as-of", "2026-11-14"]);
    assert!(o.status.success(), "{}", text(&o));
    let mails = smtp.received();
    let to = |who: &str| {
        mails
            .iter()
            .filter(|(to, _, _)| to.contains(who))
            .cloned()
            .collect::<Vec<_>>()
    };
    let staff = to("staff@sajeco.example");
    assert_eq!(staff.len(), 1, "{mails:?}");
    let (_, subject, body) = &staff[0];
    assert!(
        subject.contains("期日を過ぎています") && subject.contains("初任時の理解度テスト"),
        "{subject}"
    );
    assert!(body.contains("新井 翔太 様"), "{body}");
    assert!(
        body.contains("https://isms.sajeco.example/o/sajeco/tasks/"),
        "{body}"
    );
    let manager = to("manager@sajeco.example");
    assert!(
        manager.iter().any(
            |(_, s, b)| s.starts_with("[Mamori] Overdue in your department")
                && b.contains("department manager")
        ),
        "{manager:?}"
    );
    // Run again: every reminder of the day is sent already.
    let o = mamori(&db.url, &smtp, &["remind", "--as-of", "2026-11-14"]);
    assert!(text(&o).contains("0 queued now; 0 sent"), "{}", text(&o));
    assert_eq!(smtp.received().len(), mails.len());
    // The secretariat chooses the daily digest: the next day, one message lists all of its
    // tasks due soon or late, each with its link, instead of one message each.
    let isms = store.user_by_email("isms@sajeco.example").await.unwrap();
    store
        .set_preferences(isms.id, None, None, Some(true))
        .await
        .unwrap();
    let before = smtp.received().len();
    let o = mamori(&db.url, &smtp, &["remind", "--as-of", "2026-11-15"]);
    assert!(o.status.success(), "{}", text(&o));
    let day: Vec<_> = smtp.received();
    let isms: Vec<_> = day
        .iter()
        .filter(|(to, _, _)| to.contains("isms@sajeco.example"))
        .collect();
    let digests: Vec<_> = isms
        .iter()
        .filter(|(_, s, _)| s.contains("今日のやること"))
        .collect();
    // The day before's message, and today's digest only.
    assert_eq!((isms.len(), digests.len()), (2, 1), "{isms:?}");
    let (_, subject, body) = digests[0];
    assert!(subject.contains("今日のやること"), "{subject}");
    let lines = body.lines().filter(|l| l.starts_with("・")).count();
    assert!(lines > 1, "{body}");
    assert!(
        body.contains("【期日超過】") && body.contains("/o/sajeco/tasks/"),
        "{body}"
    );
    assert!(day.len() > before);
    // Once a day.
    let o = mamori(&db.url, &smtp, &["remind", "--as-of", "2026-11-15"]);
    assert!(text(&o).contains("0 queued now; 0 sent"), "{}", text(&o));
}

#[tokio::test]
async fn two_instances_send_each_queued_message_once() {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let mails: Vec<NewMail> = (0..30)
        .map(|i| NewMail {
            org_id: None,
            user_id: None,
            to: format!("person{i}@example.jp"),
            kind: "test".into(),
            subject: format!("確認 {i}"),
            body: "本文".into(),
            key: format!("test:{i}"),
        })
        .collect();
    assert_eq!(store.queue_mail(&mails).await.unwrap(), 30);
    assert_eq!(store.queue_mail(&mails).await.unwrap(), 0, "queued once");
    let smtp = Smtp::start();
    let both = [Serve::start(&db.url, &smtp), Serve::start(&db.url, &smtp)];
    let started = Instant::now();
    while smtp.received().len() < 30 && started.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // A few more ticks of both: nothing is sent twice.
    tokio::time::sleep(Duration::from_secs(3)).await;
    drop(both);
    let mut to: Vec<String> = smtp.received().into_iter().map(|(t, _, _)| t).collect();
    to.sort();
    let n = to.len();
    to.dedup();
    assert_eq!((n, to.len()), (30, 30), "each message once");
}

/// The value of the hidden `csrf` input of a page.
fn csrf_of(html: &str) -> String {
    let input = "name=\"csrf\" value=\"";
    let at = html.find(input).expect("a csrf input") + input.len();
    html[at..].split('"').next().unwrap().to_string()
}

/// Opens the page `from` as `client` does and submits its form to `to` with the page's CSRF token
/// and `fields`.
async fn submit(
    client: &reqwest::Client,
    from: &str,
    to: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let page = client.get(from).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&page);
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    client.post(to).form(&form).send().await.unwrap()
}

/// The first link in a message's body that starts with `prefix`.
fn link_in(body: &str, prefix: &str) -> Option<String> {
    body.split_whitespace()
        .find(|w| w.starts_with(prefix))
        .map(str::to_string)
}

#[tokio::test]
async fn a_forgotten_password_s_link_and_an_invitation_arrive_by_mail_and_work() {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    mamori_io::demo::load(&store, &|_, _, _| {}).await.unwrap();
    let smtp = Smtp::start();
    let serve = Serve::start(&db.url, &smtp);
    let base = format!("http://127.0.0.1:{}", serve.port);
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", serve.port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(30), "serve listens");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let browser = || {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    };
    let wait_for = |to: &'static str, prefix: String| {
        let smtp = &smtp;
        async move {
            let started = Instant::now();
            loop {
                let found = smtp
                    .received()
                    .into_iter()
                    .filter(|(t, _, _)| t.contains(to))
                    .find_map(|(_, s, b)| link_in(&b, &prefix).map(|l| (s, l)));
                if let Some(found) = found {
                    return found;
                }
                assert!(started.elapsed() < Duration::from_secs(30), "mail to {to}");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    };

    // The sign-in page offers the reset; an unknown address is answered as a known one.
    let person = browser();
    let login = person.get(format!("{base}/login")).send().await.unwrap();
    let login = login.text().await.unwrap();
    assert!(login.contains("href=\"/password-reset\""), "{login}");
    let reset = format!("{base}/password-reset");
    for email in ["nobody@example.jp", "staff@sajeco.example"] {
        let res = submit(&person, &reset, &reset, &[("email", email)]).await;
        let status = res.status();
        let text = res.text().await.unwrap();
        assert_eq!(status, 200, "{text}");
        assert!(text.contains("id=\"reset-sent\""), "{text}");
    }
    let (subject, link) = wait_for("staff@sajeco.example", format!("{reset}/")).await;
    assert!(subject.contains("パスワードの再設定"), "{subject}");
    assert!(
        !smtp
            .received()
            .iter()
            .any(|(t, _, _)| t.contains("nobody@example.jp")),
        "nothing to an unknown address"
    );
    // A weak password and a mismatch are refused and leave the link working; a good one is set,
    // signs in, and the link is used up.
    let new = "長くて強い合言葉その一";
    for (password, confirm, status) in [
        ("password", "password", 422),
        (new, "違う", 422),
        (new, new, 303),
    ] {
        let fields = [("password", password), ("password_confirm", confirm)];
        let res = submit(&person, &link, &link, &fields).await;
        assert_eq!(res.status(), status, "{password} / {confirm}");
    }
    let used = person.get(&link).send().await.unwrap();
    assert_eq!(used.status(), 410);
    let sign_in = |who: &'static str, password: &'static str| {
        let login = format!("{base}/login");
        async move {
            let client = browser();
            let fields = [("email", who), ("password", password)];
            let res = submit(&client, &login, &login, &fields).await;
            (client, res.status())
        }
    };
    let (_, status) = sign_in("staff@sajeco.example", new).await;
    assert_eq!(status, 303, "the new password signs in");

    // The administrator invites a member: the link arrives by mail too.
    let (admin, status) = sign_in("admin@sajeco.example", mamori_io::demo::PASSWORD).await;
    assert_eq!(status, 303);
    let res = submit(
        &admin,
        &format!("{base}/o/sajeco/members"),
        &format!("{base}/o/sajeco/invitations"),
        &[("email", "new.member@example.jp"), ("role", "staff")],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("id=\"invite-link\""));
    let (subject, link) = wait_for("new.member@example.jp", format!("{base}/invite/")).await;
    assert!(subject.contains("株式会社サジェコ"), "{subject}");
    let invited = browser().get(link).send().await.unwrap();
    assert_eq!(invited.status(), 200);
}
