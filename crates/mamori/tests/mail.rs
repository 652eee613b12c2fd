//! Mail through a real SMTP server the test starts (aiosmtpd from PyPI, writing a maildir): the
//! demo's reminders arrive once, each in its reader's language with the link to the task, and the
//! department's manager is told of a late one; two `mamori serve` on one database send each queued
//! message once. SQLite, or PostgreSQL when MAMORI_TEST_DATABASE_URL is set.

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
        .set_preferences(manager.id, Some("en"), None)
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
    let serve = |port: u16| {
        Command::new(env!("CARGO_BIN_EXE_mamori"))
            .args(["serve", "--bind"])
            .arg(format!("127.0.0.1:{port}"))
            .env("MAMORI_DATABASE_URL", &db.url)
            .env("MAMORI_LOG", "warn")
            .env("MAMORI_SMTP_URL", smtp.url())
            .env("MAMORI_MAIL_INTERVAL_SECONDS", "1")
            .env_remove("MAMORI_CONFIG")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut a = serve(free_port());
    let mut b = serve(free_port());
    let started = Instant::now();
    while smtp.received().len() < 30 && started.elapsed() < Duration::from_secs(60) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // A few more ticks of both: nothing is sent twice.
    tokio::time::sleep(Duration::from_secs(3)).await;
    for c in [&mut a, &mut b] {
        let _ = c.kill();
        let _ = c.wait();
    }
    let mut to: Vec<String> = smtp.received().into_iter().map(|(t, _, _)| t).collect();
    to.sort();
    let n = to.len();
    to.dedup();
    assert_eq!((n, to.len()), (30, 30), "each message once");
}
