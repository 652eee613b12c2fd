//! First run over a real socket: a new installation is set up once, only with the token `mamori
//! serve` printed; bad input changes nothing; two set-ups at the same moment found one
//! organisation.

use mamori_domain::{Capability, Role};
use mamori_store::testing::TestDb;
use mamori_store::{Policy, Store};

use crate::common::{field_value, serve, text_of};

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The set-up form's page for `token`: its status and text.
async fn open(client: &reqwest::Client, url: &str, token: &str) -> (u16, String) {
    let res = client
        .get(format!("{url}/setup?token={token}"))
        .send()
        .await
        .expect("setup page");
    (res.status().as_u16(), res.text().await.expect("text"))
}

/// The form as a founder fills it, with `changes` applied.
fn filled<'a>(
    csrf: &'a str,
    token: &'a str,
    changes: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("csrf", csrf),
        ("token", token),
        ("org_name", "株式会社マイコープ"),
        ("slug", "mycorp"),
        ("legal_name", "株式会社マイコープ"),
        ("address", "東京都千代田区丸の内１－１－１"),
        ("fiscal_year_start_month", "4"),
        ("date_style", "era"),
        ("lang", "ja"),
        ("starter", "on"),
        ("display_name", "創業 花子"),
        ("email", "hanako@mycorp.example"),
        ("password", "correct horse battery"),
        ("password_confirm", "correct horse battery"),
    ];
    for (k, v) in changes {
        match form.iter_mut().find(|(f, _)| f == k) {
            Some(f) => f.1 = v,
            None => form.push((k, v)),
        }
    }
    form
}

async fn post(client: &reqwest::Client, url: &str, form: &[(&str, &str)]) -> (u16, String, String) {
    let res = client
        .post(format!("{url}/setup"))
        .form(form)
        .send()
        .await
        .expect("setup post");
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap_or("").to_string())
        .unwrap_or_default();
    (status, location, res.text().await.unwrap_or_default())
}

#[tokio::test]
async fn a_new_installation_is_set_up_once_with_the_token_serve_printed() {
    let db = TestDb::new().await.unwrap();
    let store = Store::open(&db.url, Policy::default()).await.unwrap();
    let url = serve(store.clone()).await;
    let client = browser();

    // Nothing yet: sign-in says where to go; set-up without the printed token is refused.
    let login = client
        .get(format!("{url}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        login.contains("id=\"no-organisation\""),
        "{}",
        text_of(&login)
    );
    let token = store
        .setup_token()
        .await
        .unwrap()
        .expect("a token while there is no organisation");
    for wrong in ["", "0000", &token[1..]] {
        let (status, page) = open(&client, &url, wrong).await;
        assert_eq!(status, 403, "token {wrong:?}");
        assert!(
            text_of(&page).contains("設定用のアドレスが正しくありません"),
            "{}",
            text_of(&page)
        );
    }
    // A NUL is refused at the edge, as everywhere.
    assert_eq!(open(&client, &url, "%00").await.0, 422);
    let (status, page) = open(&client, &url, &token).await;
    assert_eq!(status, 200, "{}", text_of(&page));
    assert!(text_of(&page).contains("組織の設定"));
    // Each page the form comes back on carries its own CSRF token.
    let mut csrf = field_value(&page, "csrf");

    // Bad input gets its message beside what was typed, and founds nothing.
    for (changes, says) in [
        (
            vec![("password_confirm", "something else")],
            "確認用のパスワードが一致しません",
        ),
        (vec![("slug", "My Corp")], "組織の識別子は英小文字"),
        (vec![("org_name", "")], "組織名を入力してください"),
        (
            vec![("password", "short"), ("password_confirm", "short")],
            "パスワードは10文字以上",
        ),
        (vec![("email", "not an address")], "メールアドレス"),
        (
            vec![("date_style", "western\u{0}")],
            "日付の表示に使えない制御文字",
        ),
        (
            vec![("date_style", "heisei")],
            "日付の表示は選択肢から選んでください",
        ),
        (vec![("org_name", &"株".repeat(201))], "組織名は200文字以内"),
        (
            vec![("fiscal_year_start_month", "13")],
            "年度の開始月は選択肢から選んでください",
        ),
    ] {
        let form = filled(&csrf, &token, &changes);
        let (status, _, page) = post(&client, &url, &form).await;
        assert_eq!(status, 422, "{changes:?}: {}", text_of(&page));
        assert!(
            text_of(&page).contains(says),
            "{changes:?}: {}",
            text_of(&page)
        );
        assert_eq!(store.organization_count().await.unwrap(), 0, "{changes:?}");
        if page.contains("name=\"csrf\"") {
            csrf = field_value(&page, "csrf");
        }
    }
    // The form keeps what was typed (not the password).
    let (_, _, page) = post(
        &client,
        &url,
        &filled(&csrf, &token, &[("password_confirm", "x")]),
    )
    .await;
    assert!(page.contains("value=\"東京都千代田区丸の内１－１－１\""));
    assert!(!page.contains("correct horse battery"));
    csrf = field_value(&page, "csrf");
    // Without the page's CSRF token: refused.
    let (status, _, _) = post(&browser(), &url, &filled("forged", &token, &[])).await;
    assert_eq!(status, 403);

    // Set up: the founder is signed in and lands in the new organisation.
    let (status, location, page) = post(&client, &url, &filled(&csrf, &token, &[])).await;
    assert_eq!(status, 303, "{}", text_of(&page));
    assert_eq!(location, "/o/mycorp?welcome=1");
    let home = client.get(format!("{url}{location}")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    let home = text_of(&home.text().await.unwrap());
    assert!(home.contains("株式会社マイコープ"), "{home}");
    assert!(home.contains("組織を作成しました"), "{home}");
    // The home says what is left to set the ISMS up, each step a link to where it is done.
    assert!(home.contains("ISMSの準備（0&#x2f;8）"), "{home}");
    let members = text_of(
        &client
            .get(format!("{url}/o/mycorp/members"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        members.contains("ISO事務局・管理者"),
        "the founder also administers: {members}"
    );
    let founder = store.user_by_email("hanako@mycorp.example").await.unwrap();
    let access = store.access(&founder, Some("mycorp")).await.unwrap();
    let department: mamori_store::Input = [
        ("code", "SOUMU"),
        ("name", "総務部"),
        ("valid_from", "2026-04-01"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    store
        .create(&access, &mamori_domain::registers::DEPARTMENTS, &department)
        .await
        .unwrap();
    let home = client
        .get(format!("{url}/o/mycorp"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        home.contains("ISMS の準備（1&#x2f;8）"),
        "{}",
        text_of(&home)
    );
    assert!(home.contains("<li data-step=\"departments\" class=\"done\">"));
    assert!(home.contains(
        "<li data-step=\"people\" class=\"todo\"><a href=\"&#x2f;o&#x2f;mycorp&#x2f;people\">社員等を登録する</a>"
    ));
    let founder = store.user_by_email("hanako@mycorp.example").await.unwrap();
    assert_eq!(founder.date_style.code(), "era");
    let access = store.access(&founder, Some("mycorp")).await.unwrap();
    assert_eq!(access.role, Role::IsmsManager);
    assert!(access.administers && access.may(Capability::ManageMembers));
    assert_eq!(access.org.profile["address"], "東京都千代田区丸の内1－1－1");
    assert!(
        store
            .count(
                &access,
                &mamori_domain::registers::IPA_QUESTIONS,
                &Default::default()
            )
            .await
            .unwrap()
            > 0
    );

    // Once: the same token, a new one, a second post all answer 409, and nothing more is made.
    let (status, page) = open(&client, &url, &token).await;
    assert_eq!(status, 409);
    assert!(
        text_of(&page).contains("すでに設定済み"),
        "{}",
        text_of(&page)
    );
    let (status, _, _) = post(&client, &url, &filled(&csrf, &token, &[("slug", "again")])).await;
    assert_eq!(status, 409);
    assert_eq!(store.setup_token().await.unwrap(), None);
    assert_eq!(store.organization_count().await.unwrap(), 1);
    assert!(store.verify_audit(&|_, _| {}).await.unwrap().intact());

    // An empty register says what it is for and how to start it; one with the starter content
    // loaded lists it.
    let assets = client
        .get(format!("{url}/o/mycorp/assets"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(assets.contains("id=\"empty-register\""));
    assert!(
        text_of(&assets).contains("情報資産を分類"),
        "{}",
        text_of(&assets)
    );
    assert!(
        !assets.contains("id=\"empty-starter\""),
        "assets have no starter content"
    );
    let questions = client
        .get(format!("{url}/o/mycorp/ipa-questions"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!questions.contains("id=\"empty-register\""));
    let people = client
        .get(format!("{url}/o/mycorp/people?q=nobody"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(people.contains("id=\"empty-register\""), "no people at all");
}

#[tokio::test]
async fn two_set_ups_at_the_same_moment_found_one_organisation() {
    let db = TestDb::new().await.unwrap();
    let store = Store::open(&db.url, Policy::default()).await.unwrap();
    // Two instances started on the new database, each with the token it printed.
    let (url_a, url_b) = (
        serve(store.clone()).await,
        serve(db.store().await.unwrap()).await,
    );
    let (token_a, token_b) = (
        store.setup_token().await.unwrap().unwrap(),
        store.setup_token().await.unwrap().unwrap(),
    );
    let (a, b) = (browser(), browser());
    let (status_a, page_a) = open(&a, &url_a, &token_a).await;
    let (status_b, page_b) = open(&b, &url_b, &token_b).await;
    assert_eq!((status_a, status_b), (200, 200), "{}", text_of(&page_a));
    let (csrf_a, csrf_b) = (field_value(&page_a, "csrf"), field_value(&page_b, "csrf"));
    let form_a = filled(
        &csrf_a,
        &token_a,
        &[("slug", "first"), ("email", "a@first.example")],
    );
    let form_b = filled(
        &csrf_b,
        &token_b,
        &[("slug", "second"), ("email", "b@second.example")],
    );
    let (ra, rb) = tokio::join!(post(&a, &url_a, &form_a), post(&b, &url_b, &form_b));
    let mut statuses = [ra.0, rb.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [303, 409],
        "{} / {}",
        text_of(&ra.2),
        text_of(&rb.2)
    );
    assert_eq!(store.organization_count().await.unwrap(), 1);
    // The one who lost has no account either.
    let losers = [("a@first.example", ra.0), ("b@second.example", rb.0)];
    for (email, status) in losers {
        assert_eq!(
            store.user_by_email(email).await.is_ok(),
            status == 303,
            "{email}"
        );
    }
}

/// The link a members page shows after an invitation.
fn invite_link(page: &str) -> String {
    let start = page
        .find("id=\"invite-link\">")
        .expect("an invitation link")
        + 17;
    page[start..]
        .split('<')
        .next()
        .unwrap_or("")
        .replace("&#x2f;", "/")
}

#[tokio::test]
async fn an_administrator_invites_a_member_who_joins_once_from_the_link() {
    let app = crate::common::spawn_app().await;
    let admin = app.browser("admin").await;

    // Only administrators invite.
    let staff = app.browser("staff").await;
    let res = app
        .post_form(
            &staff,
            "/o/sajeco/me",
            "/o/sajeco/invitations",
            &[("email", "x@sajeco.example"), ("role", "staff")],
        )
        .await;
    assert_eq!(res.status(), 403);

    // What a member needs is checked as for a member added directly.
    let res = app
        .post_form(
            &admin,
            "/o/sajeco/members",
            "/o/sajeco/invitations",
            &[
                ("email", "new.hire@sajeco.example"),
                ("role", "department_manager"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(text_of(&res.text().await.unwrap()).contains("所属部門を入力してください"));
    let res = app
        .post_form(
            &admin,
            "/o/sajeco/members",
            "/o/sajeco/invitations",
            &[("email", "isms@sajeco.example"), ("role", "staff")],
        )
        .await;
    assert_eq!(res.status(), 422, "a member already");

    // The link is shown once, and the invitation waits on the members page.
    let res = app
        .post_form(
            &admin,
            "/o/sajeco/members",
            "/o/sajeco/invitations",
            &[
                ("email", "New.Hire@sajeco.example"),
                ("role", "department_manager"),
                ("department", "SOUMU"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    let link = invite_link(&page);
    assert!(link.starts_with(&format!("{}/invite/", app.url)), "{link}");
    let members = app.page(&admin, "/o/sajeco/members").await;
    assert!(
        members.contains("id=\"pending-invitations\"")
            && members.contains("new.hire@sajeco.example")
    );
    assert!(!members.contains(&link), "the link is shown once");

    // The page switches language in place.
    let en = browser()
        .get(format!("{link}?lang=en"))
        .send()
        .await
        .unwrap();
    assert_eq!(en.status(), 200);
    assert!(
        en.headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap_or("").starts_with("mamori_lang=en"))
    );
    let en = text_of(&en.text().await.unwrap());
    assert!(
        en.contains("Youareinvitedto株式会社サジェコas&quot;Departmentinformationmanager&quot;"),
        "{en}"
    );
    // The invited person, in another browser: the page says where and as what.
    let invited = browser();
    let res = invited.get(&link).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap();
    assert!(
        text_of(&page).contains("株式会社サジェコに「部門情報管理責任者」として招待されています"),
        "{}",
        text_of(&page)
    );
    let csrf = field_value(&page, "csrf");
    let accept = |csrf: String, name: &'static str, pw: &'static str, confirm: &'static str| {
        let invited = invited.clone();
        let link = link.clone();
        async move {
            invited
                .post(&link)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("display_name", name),
                    ("password", pw),
                    ("password_confirm", confirm),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let res = accept(csrf, "新人 次郎", "correct horse battery", "different").await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(text_of(&page).contains("確認用のパスワードが一致しません"));
    let res = accept(
        field_value(&page, "csrf"),
        "",
        "correct horse battery",
        "correct horse battery",
    )
    .await;
    assert_eq!(res.status(), 422, "a name is needed");
    let page = res.text().await.unwrap();
    let res = accept(
        field_value(&page, "csrf"),
        "新人 次郎",
        "correct horse battery",
        "correct horse battery",
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/o/sajeco");
    assert_eq!(
        invited
            .get(format!("{}/o/sajeco", app.url))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let user = app
        .store
        .user_by_email("new.hire@sajeco.example")
        .await
        .unwrap();
    let access = app.store.access(&user, Some("sajeco")).await.unwrap();
    assert_eq!(access.role, Role::DepartmentManager);
    assert!(access.department_id.is_some() && !access.administers);

    // Used: the link is refused with a page that says so, and makes no second member.
    let res = browser().get(&link).send().await.unwrap();
    assert_eq!(res.status(), 410);
    assert!(text_of(&res.text().await.unwrap()).contains("すでに使われています"));
    let res = invited
        .post(&link)
        .form(&[
            ("csrf", "x"),
            ("display_name", "別人"),
            ("password", "correct horse battery"),
            ("password_confirm", "correct horse battery"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 410);

    // Expired after seven days; a link that is none is not found.
    let res = app
        .post_form(
            &admin,
            "/o/sajeco/members",
            "/o/sajeco/invitations",
            &[("email", "late@sajeco.example"), ("role", "staff")],
        )
        .await;
    let late = invite_link(&res.text().await.unwrap());
    app.store
        .pool()
        .execute(
            "UPDATE invitations SET expires_at = created_at WHERE email = 'late@sajeco.example'",
            &[],
        )
        .await
        .unwrap();
    let res = browser().get(&late).send().await.unwrap();
    assert_eq!(res.status(), 410);
    assert!(text_of(&res.text().await.unwrap()).contains("有効期限"));
    let members = app.page(&admin, "/o/sajeco/members").await;
    assert!(
        !members.contains("late@sajeco.example"),
        "an expired invitation no longer waits"
    );
    let res = browser()
        .get(format!("{}/invite/{}", app.url, "0".repeat(64)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert!(app.store.verify_audit(&|_, _| {}).await.unwrap().intact());
}

#[tokio::test]
async fn a_running_isms_shows_no_set_up_checklist() {
    let app = crate::common::spawn_app().await;
    let isms = app.browser("isms").await;
    let home = app.page(&isms, "/o/sajeco").await;
    let steps = app
        .store
        .setup_checklist(
            &app.store
                .access(
                    &app.store
                        .user_by_email("isms@sajeco.example")
                        .await
                        .unwrap(),
                    Some("sajeco"),
                )
                .await
                .unwrap(),
        )
        .await
        .unwrap();
    let left: Vec<&str> = steps.iter().filter(|s| !s.done).map(|s| s.key).collect();
    assert!(left.is_empty(), "the demo has not done {left:?}");
    assert!(!home.contains("id=\"setup-checklist\""));
    // Staff never see it, and may not ask for it.
    let staff = app.browser("staff").await;
    assert!(
        !app.page(&staff, "/o/sajeco")
            .await
            .contains("id=\"setup-checklist\"")
    );
}

#[tokio::test]
async fn an_installation_administrator_founds_another_organisation_from_the_web() {
    let app = crate::common::spawn_app().await;
    // The secretariat of one organisation does not found others.
    let isms = app.browser("isms").await;
    let res = isms
        .get(format!("{}/organizations/new", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(!app.page(&isms, "/account").await.contains("id=\"org-new\""));

    let admin = app.browser("admin").await;
    assert!(
        app.page(&admin, "/account")
            .await
            .contains("id=\"org-new\"")
    );
    let res = app
        .post_form(
            &admin,
            "/organizations/new",
            "/organizations/new",
            &[
                ("org_name", "株式会社クライアント"),
                ("slug", "sajeco"),
                ("fiscal_year_start_month", "10"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422, "a taken identifier");
    assert!(text_of(&res.text().await.unwrap()).contains("すでに登録されています"));
    let res = app
        .post_form(
            &admin,
            "/organizations/new",
            "/organizations/new",
            &[
                ("org_name", "株式会社クライアント"),
                ("slug", "client-b"),
                ("fiscal_year_start_month", "10"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/o/client-b?welcome=1");

    // The administrator is its secretariat, switches between the two in the header, and finds it
    // empty (no starter content was asked for).
    let home = app.page(&admin, "/o/client-b").await;
    assert!(
        home.contains("株式会社クライアント") && home.contains("href=\"/o/sajeco\""),
        "{}",
        text_of(&home)
    );
    let user = app
        .store
        .user_by_email("admin@sajeco.example")
        .await
        .unwrap();
    let access = app.store.access(&user, Some("client-b")).await.unwrap();
    assert_eq!(access.role, Role::IsmsManager);
    assert!(access.administers);
    assert_eq!(access.org.calendar.start_month(), 10);
    assert_eq!(
        app.store
            .count(
                &access,
                &mamori_domain::registers::CONTROLS,
                &Default::default()
            )
            .await
            .unwrap(),
        0
    );
    // Records stay apart: the demo's people are not the new organisation's.
    assert_eq!(
        app.store
            .count(
                &access,
                &mamori_domain::registers::PEOPLE,
                &Default::default()
            )
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn the_secretariat_edits_the_organisations_details_and_is_told_it_saved() {
    let app = crate::common::spawn_app().await;
    let isms = app.browser("isms").await;
    let res = app
        .post_form(
            &isms,
            "/o/sajeco/settings",
            "/o/sajeco/settings/details",
            &[
                ("name", "株式会社サジェコ"),
                ("name_en", "Sajeco Co., Ltd."),
                ("legal_name", "株式会社サジェコ"),
                ("postal_code", "０６３－０８６９"),
                ("address", "北海道札幌市西区八軒9条東5丁目1番28号"),
                ("phone", ""),
                ("certification_scope", "業務アプリケーション開発"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        "/o/sajeco/settings?saved=1#profile"
    );
    let page = app.page(&isms, "/o/sajeco/settings?saved=1").await;
    assert!(page.contains("id=\"saved\""));
    let text = text_of(&page);
    assert!(text.contains("正式名称株式会社サジェコ"), "{text}");
    assert!(
        !text.contains("011-788-7505電話番号") && !text.contains("電話番号011"),
        "an emptied detail is removed: {text}"
    );
    let user = app
        .store
        .user_by_email("isms@sajeco.example")
        .await
        .unwrap();
    let org = app.store.access(&user, Some("sajeco")).await.unwrap().org;
    assert_eq!(org.name_en.as_deref(), Some("Sajeco Co., Ltd."));
    assert_eq!(org.profile["postal_code"], "063-0869");
    // Bad input: a name left empty, a detail too long; nothing changes.
    let long = "あ".repeat(501);
    for (field, value, says) in [
        ("name", "", "組織名"),
        ("address", long.as_str(), "500文字以内"),
    ] {
        let mut form = vec![("name", "株式会社サジェコ"), ("name_en", "")];
        form.retain(|(f, _)| *f != field);
        form.push((field, value));
        let res = app
            .post_form(
                &isms,
                "/o/sajeco/settings",
                "/o/sajeco/settings/details",
                &form,
            )
            .await;
        assert_eq!(res.status(), 422, "{field}");
        assert!(
            text_of(&res.text().await.unwrap()).contains(says),
            "{field}"
        );
    }
    let org = app.store.access(&user, Some("sajeco")).await.unwrap().org;
    assert_eq!(org.name_en.as_deref(), Some("Sajeco Co., Ltd."));
    // Staff may not, and their menu does not offer the page.
    let staff = app.browser("staff").await;
    assert!(
        !app.page(&staff, "/o/sajeco/me")
            .await
            .contains("href=\"&#x2f;o&#x2f;sajeco&#x2f;settings\"")
    );
    assert!(
        app.page(&isms, "/o/sajeco/me")
            .await
            .contains("href=\"&#x2f;o&#x2f;sajeco&#x2f;settings\"")
    );
    let res = app
        .post_form(
            &staff,
            "/o/sajeco/me",
            "/o/sajeco/settings/details",
            &[("name", "乗っ取り")],
        )
        .await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn an_administrator_changes_a_members_role_and_removes_them_which_ends_their_sessions() {
    let app = crate::common::spawn_app().await;
    let admin = app.browser("admin").await;
    let staff = app.browser("staff").await;
    let token = app.token("staff").await;
    // Not as staff, and not one's own membership.
    let res = app
        .post_form(
            &staff,
            "/o/sajeco/me",
            "/o/sajeco/members/change",
            &[("email", "staff@sajeco.example"), ("role", "isms_manager")],
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = app
        .post_form(
            &admin,
            "/o/sajeco/members",
            "/o/sajeco/members/change",
            &[("email", "admin@sajeco.example"), ("role", "staff")],
        )
        .await;
    assert_eq!(res.status(), 409);

    // A manager needs a department; then the change is made and said.
    let res = app
        .post_form(
            &admin,
            "/o/sajeco/members",
            "/o/sajeco/members/change",
            &[
                ("email", "staff@sajeco.example"),
                ("role", "department_manager"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .post_form(
            &admin,
            "/o/sajeco/members",
            "/o/sajeco/members/change",
            &[
                ("email", "staff@sajeco.example"),
                ("role", "department_manager"),
                ("department", "SOUMU"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/o/sajeco/members?done=changed");
    assert!(
        app.page(&admin, "/o/sajeco/members?done=changed")
            .await
            .contains("id=\"members-done\"")
    );
    let user = app
        .store
        .user_by_email("staff@sajeco.example")
        .await
        .unwrap();
    let access = app.store.access(&user, Some("sajeco")).await.unwrap();
    assert_eq!(access.role, Role::DepartmentManager);

    // Removed: the membership goes, the browser's session ends and the API token stops working.
    let res = app
        .post_form(
            &admin,
            "/o/sajeco/members",
            "/o/sajeco/members/remove",
            &[("email", "staff@sajeco.example")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert!(app.store.access(&user, Some("sajeco")).await.is_err());
    let res = staff
        .get(format!("{}/o/sajeco/me", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "signed out");
    let res = app
        .http
        .get(format!("{}/api/v1/me", app.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    // The audit trail names both, and holds.
    let trail = text_of(&app.page(&admin, "/o/sajeco/audit").await);
    assert!(
        trail.contains("メンバー#4削除") && trail.contains("メンバー#4修正"),
        "{trail}"
    );
    assert!(
        !trail.contains("action-") && !trail.contains("entity-"),
        "{trail}"
    );
    assert!(app.store.verify_audit(&|_, _| {}).await.unwrap().intact());
}

#[tokio::test]
async fn a_template_with_japanese_headers_and_lists_imports_back_with_names_for_choices() {
    let app = crate::common::spawn_app().await;
    let isms = app.browser("isms").await;
    let res = isms
        .get(format!("{}/o/sajeco/people/template.xlsx", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let bytes = res.bytes().await.unwrap().to_vec();
    // Real XLSX bytes: the headers read back in Japanese, with a dropdown of the employment types.
    let sheet = mamori_io::sheet::Sheet::from_xlsx(&bytes).unwrap();
    assert!(
        sheet.headers.contains(&"社員番号".to_string()),
        "{:?}",
        sheet.headers
    );
    assert!(sheet.rows.is_empty(), "the first sheet is to fill in");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut xml,
    )
    .unwrap();
    assert!(
        xml.contains("<dataValidation") && xml.contains("社員"),
        "{xml}"
    );
    let mut example = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet2.xml").unwrap(),
        &mut example,
    )
    .unwrap();
    assert!(example.contains("<row r=\"2\""), "an example row");
    // Its department is one of the organisation's own.
    let mut strings = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/sharedStrings.xml").unwrap(),
        &mut strings,
    )
    .unwrap();
    let codes = app
        .store
        .list(
            &app.store
                .access(
                    &app.store
                        .user_by_email("isms@sajeco.example")
                        .await
                        .unwrap(),
                    Some("sajeco"),
                )
                .await
                .unwrap(),
            &mamori_domain::registers::DEPARTMENTS,
            &mamori_store::ListQuery {
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        codes.items.iter().any(|d| {
            let code = d
                .value(&mamori_domain::registers::DEPARTMENTS, "code")
                .unwrap()
                .to_plain();
            strings.contains(&format!(">{code}<"))
        }),
        "{strings}"
    );

    // Filled in as a person would, choices by their names: imported, and read as codes.
    let position = |h: &str| sheet.headers.iter().position(|x| x == h).unwrap();
    let mut row = vec![String::new(); sheet.headers.len()];
    row[position("社員番号")] = "9901".into();
    row[position("氏名")] = "新入 花子".into();
    row[position("雇用区分")] = "社員".into();
    row[position("所属部門")] = "SOUMU".into();
    row[position("入社日")] = "2026-04-01".into();
    let filled = mamori_io::sheet::Sheet {
        headers: sheet.headers.clone(),
        rows: vec![row],
    };
    let upload = filled
        .to_xlsx(&mamori_domain::registers::PEOPLE, "社員等")
        .unwrap();
    let res = app
        .upload(&isms, "people", upload, "people.xlsx")
        .await
        .unwrap();
    let page = res.text().await.unwrap();
    assert!(page.contains("id=\"import-done\""), "{}", text_of(&page));
    let user = app
        .store
        .user_by_email("isms@sajeco.example")
        .await
        .unwrap();
    let access = app.store.access(&user, Some("sajeco")).await.unwrap();
    let id = app
        .store
        .id_by_key(&access, &mamori_domain::registers::PEOPLE, "9901")
        .await
        .unwrap();
    let person = app
        .store
        .get(&access, &mamori_domain::registers::PEOPLE, id)
        .await
        .unwrap();
    assert_eq!(
        mamori_domain::registers::PEOPLE.text(&person.values, "employment_type"),
        "employee"
    );

    // Staff do not add people, and get no template.
    let staff = app.browser("staff").await;
    let res = staff
        .get(format!("{}/o/sajeco/people/template.xlsx", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn the_statement_of_applicability_says_where_a_title_is_the_english_one() {
    let app = crate::common::spawn_app().await;
    let isms = app.browser("isms").await;
    let user = app
        .store
        .user_by_email("isms@sajeco.example")
        .await
        .unwrap();
    let access = app.store.access(&user, Some("sajeco")).await.unwrap();
    // The demo's controls have only their English titles: the summary says so, once.
    let page = app.page(&isms, "/o/sajeco/soa").await;
    let text = text_of(&page);
    assert!(text.contains("管理策の名称は英語です"), "{text}");
    assert!(
        !text.contains("（英語）"),
        "nothing to mark one by one when all are English"
    );
    assert!(page.contains("id=\"soa-english\"") && page.contains("/controls/import#titles"));
    let pdf = isms
        .get(format!("{}/o/sajeco/soa.pdf", app.url))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(crate::common::pdftotext(&pdf).contains("管理策の名称は英語です"));

    // With one Japanese title, the others are marked one by one.
    let controls = &mamori_domain::registers::CONTROLS;
    let id = app
        .store
        .id_by_key(&access, controls, "A.5.1")
        .await
        .unwrap();
    let input: mamori_store::Input = [(
        "title_ja".to_string(),
        "情報セキュリティのための方針群".to_string(),
    )]
    .into_iter()
    .collect();
    app.store
        .update(&access, controls, id, &input)
        .await
        .unwrap();
    let lines = app.store.soa(&access).await.unwrap();
    let english = lines
        .iter()
        .filter(|l| l.title_ja.as_deref().is_none_or(str::is_empty))
        .count();
    let text = text_of(&app.page(&isms, "/o/sajeco/soa").await);
    assert!(
        text.contains(&format!("（英語）の{english}件は日本語の名称が未登録です")),
        "{text}"
    );
    assert!(text.contains("情報セキュリティのための方針群"));
    assert_eq!(
        text.matches("（英語）").count(),
        english + 1,
        "each English title is marked"
    );
}

/// Writers at the same moment (two browsers, on PostgreSQL several at once): one invitation link
/// used twice makes one member, and one member changed and removed at once ends removed; nobody
/// gets a 500.
#[tokio::test]
async fn one_link_used_twice_and_one_member_changed_and_removed_at_once() {
    let app = crate::common::spawn_app().await;
    let admin = app.browser("admin").await;
    let res = app
        .post_form(
            &admin,
            "/o/sajeco/members",
            "/o/sajeco/invitations",
            &[("email", "twice@sajeco.example"), ("role", "staff")],
        )
        .await;
    let link = invite_link(&res.text().await.unwrap());
    let (a, b) = (browser(), browser());
    let page_a = a.get(&link).send().await.unwrap().text().await.unwrap();
    let page_b = b.get(&link).send().await.unwrap().text().await.unwrap();
    let post = |client: reqwest::Client, csrf: String, name: &'static str| {
        let link = link.clone();
        async move {
            client
                .post(&link)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("display_name", name),
                    ("password", "correct horse battery"),
                    ("password_confirm", "correct horse battery"),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let (ra, rb) = tokio::join!(
        post(a, field_value(&page_a, "csrf"), "一人目"),
        post(b, field_value(&page_b, "csrf"), "二人目")
    );
    let mut statuses = [ra, rb];
    statuses.sort();
    assert_eq!(statuses, [303, 410]);

    let other = app.browser("admin").await;
    let change = app.post_form(
        &admin,
        "/o/sajeco/members",
        "/o/sajeco/members/change",
        &[
            ("email", "twice@sajeco.example"),
            ("role", "auditor"),
            ("valid_until", "2027-03-31"),
        ],
    );
    let remove = app.post_form(
        &other,
        "/o/sajeco/members",
        "/o/sajeco/members/remove",
        &[("email", "twice@sajeco.example")],
    );
    let (rc, rr) = tokio::join!(change, remove);
    for status in [rc.status().as_u16(), rr.status().as_u16()] {
        assert!(status == 303 || status == 404, "{status}");
    }
    assert_eq!(
        rr.status(),
        303,
        "the removal is made whichever comes first"
    );
    let user = app
        .store
        .user_by_email("twice@sajeco.example")
        .await
        .unwrap();
    assert!(app.store.access(&user, Some("sajeco")).await.is_err());
    assert!(app.store.verify_audit(&|_, _| {}).await.unwrap().intact());
}

/// The report's responsible persons are edited as rows; the date style and language new members
/// start with, and the numbered registers' code patterns, are the organisation's settings.
#[tokio::test]
async fn the_secretariat_sets_contacts_dates_and_codes_and_new_members_start_with_them() {
    let app = crate::common::spawn_app().await;
    let isms = app.browser("isms").await;
    let page = app.page(&isms, "/o/sajeco/settings").await;
    assert!(
        page.contains("id=\"contact-0-name\" value=\"伊藤 直樹\""),
        "the demo's first contact"
    );
    assert!(
        page.contains("id=\"contact-3-name\" value=\"\""),
        "blank rows to add more"
    );

    // Rows: the first renamed, the second cleared (removed), a third added with a full-width phone.
    let details = [
        ("name", "株式会社サジェコ"),
        ("contact_title", "代表取締役社長"),
        ("contact_name", "伊藤 直樹"),
        ("contact_phone", "011-788-7505"),
        ("contact_title", ""),
        ("contact_name", ""),
        ("contact_phone", ""),
        ("contact_title", "ISO事務局"),
        ("contact_name", "佐藤 花子"),
        ("contact_phone", "０１１－７８８－７５００"),
        ("contact_title", ""),
        ("contact_name", ""),
        ("contact_phone", ""),
    ];
    let res = app
        .post_form(
            &isms,
            "/o/sajeco/settings",
            "/o/sajeco/settings/details",
            &details,
        )
        .await;
    assert_eq!(res.status(), 303);
    let user = app
        .store
        .user_by_email("isms@sajeco.example")
        .await
        .unwrap();
    let org = app.store.access(&user, Some("sajeco")).await.unwrap().org;
    let contacts = mamori_store::org::Contact::of(&org);
    assert_eq!(
        contacts
            .iter()
            .map(|c| (c.title.as_str(), c.name.as_str(), c.phone.as_str()))
            .collect::<Vec<_>>(),
        [
            ("代表取締役社長", "伊藤 直樹", "011-788-7505"),
            ("ISO事務局", "佐藤 花子", "011-788-7500")
        ]
    );
    // The report's contacts are these.
    let report = app.page(&isms, "/o/sajeco/reports/2026").await;
    assert!(
        text_of(&report).contains("ISO事務局佐藤花子"),
        "{}",
        text_of(&report)
    );
    // A row with a phone and no name is refused, and changes nothing.
    let res = app
        .post_form(
            &isms,
            "/o/sajeco/settings",
            "/o/sajeco/settings/details",
            &[
                ("name", "株式会社サジェコ"),
                ("contact_title", "窓口"),
                ("contact_name", ""),
                ("contact_phone", "011"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(text_of(&res.text().await.unwrap()).contains("氏名を入力してください"));
    let org = app.store.access(&user, Some("sajeco")).await.unwrap().org;
    assert_eq!(mamori_store::org::Contact::of(&org).len(), 2);

    // Dates and language: new members start in era style and English.
    let res = app
        .post_form(
            &isms,
            "/o/sajeco/settings",
            "/o/sajeco/settings",
            &[
                ("fiscal_year_start_month", "4"),
                ("date_style", "era"),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let res = app
        .post_form(
            &isms,
            "/o/sajeco/settings",
            "/o/sajeco/settings",
            &[
                ("fiscal_year_start_month", "4"),
                ("date_style", "roman"),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422, "a style that is none");
    let admin = app.browser("admin").await;
    let res = app
        .post_form(
            &admin,
            "/o/sajeco/members",
            "/o/sajeco/invitations",
            &[("email", "era@sajeco.example"), ("role", "staff")],
        )
        .await;
    let link = invite_link(&res.text().await.unwrap());
    let invited = browser();
    let page = invited
        .get(&link)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let res = invited
        .post(&link)
        .form(&[
            ("csrf", field_value(&page, "csrf").as_str()),
            ("display_name", "年号 太郎"),
            ("password", "correct horse battery"),
            ("password_confirm", "correct horse battery"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let member = app.store.user_by_email("era@sajeco.example").await.unwrap();
    assert_eq!(
        (member.lang.as_str(), member.date_style),
        ("en", mamori_domain::DateStyle::Era)
    );

    // Codes: assets numbered IA-00001 on; a prefix another register has is refused.
    let mut codes = vec![("prefix-asset", "ＩＡ－"), ("digits-asset", "5")];
    let res = app
        .post_form(
            &isms,
            "/o/sajeco/settings",
            "/o/sajeco/settings/codes",
            &codes,
        )
        .await;
    assert_eq!(res.status(), 303);
    let token = app.token("isms").await;
    let (status, asset) = app
        .api(
            &token,
            reqwest::Method::POST,
            "/api/v1/assets",
            Some(serde_json::json!({
                "name": "採番の確認", "kind": "document", "classification": "general",
                "department": "SOUMU", "customer_owned": "no",
            })),
        )
        .await;
    assert_eq!(status, 201, "{asset}");
    assert!(
        asset["code"]
            .as_str()
            .is_some_and(|c| c.starts_with("IA-") && c.len() == 8),
        "{asset}"
    );
    let form = app.page(&isms, "/o/sajeco/assets/new").await;
    assert!(
        form.contains("IA-00001"),
        "the form says how codes are made"
    );
    codes = vec![("prefix-asset", "E-")];
    let res = app
        .post_form(
            &isms,
            "/o/sajeco/settings",
            "/o/sajeco/settings/codes",
            &codes,
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(text_of(&res.text().await.unwrap()).contains("他の台帳と重なります"));
    let res = app
        .post_form(
            &isms,
            "/o/sajeco/settings",
            "/o/sajeco/settings/codes",
            &[("prefix-asset", "A B")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let org = app.store.access(&user, Some("sajeco")).await.unwrap().org;
    assert_eq!(
        org.settings
            .code_pattern(&mamori_domain::registers::ASSETS)
            .unwrap()
            .code(2),
        "IA-00002",
        "a refused pattern changes nothing"
    );
    // Staff may not.
    let staff = app.browser("staff").await;
    let res = app
        .post_form(
            &staff,
            "/o/sajeco/me",
            "/o/sajeco/settings/codes",
            &[("prefix-asset", "X-")],
        )
        .await;
    assert_eq!(res.status(), 403);
}
