//! The pages as a browser uses them: cookies, CSRF, forms that keep what was typed, files in and out.

use crate::common;
use mamori_domain::Lang;

use common::{field_value, spawn_app};

#[tokio::test]
async fn a_form_with_mistakes_keeps_what_was_typed_and_a_good_one_lands_with_history() {
    let app = spawn_app().await;
    let browser = app.browser("isms").await;
    let form = browser
        .get(format!("{}/o/sajeco/people/new", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = field_value(&form, "csrf");

    // Without the CSRF token nothing happens.
    let res = browser
        .post(format!("{}/o/sajeco/people", app.url))
        .form(&[("employee_no", "7100"), ("name", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("画面の有効期限が切れました")
    );

    let res = browser
        .post(format!("{}/o/sajeco/people", app.url))
        .form(&[
            ("csrf", csrf.as_str()),
            ("employee_no", "７１００"),
            ("name", "山川 花子"),
            ("employment_type", "employee"),
            ("department", "SOUMU"),
            ("joined_on", "平成31年5月1日"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("value=\"山川 花子\""),
        "typed values are kept"
    );
    assert!(
        page.contains("入社日は日付として読み取れません"),
        "the field is named in the message"
    );
    assert!(page.contains("aria-invalid=\"true\""));

    let res = browser
        .post(format!("{}/o/sajeco/people", app.url))
        .form(&[
            ("csrf", csrf.as_str()),
            ("employee_no", "７１００"),
            ("name", "山川 花子"),
            ("employment_type", "employee"),
            ("department", "SOUMU"),
            ("joined_on", "令和元年5月1日"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let saved = res.headers()["location"].to_str().unwrap().to_string();
    assert!(saved.ends_with("?saved=created"), "{saved}");
    let location = saved.trim_end_matches("?saved=created").to_string();
    let detail = browser
        .get(format!("{}{saved}", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(detail.contains("7100") && detail.contains("2019年5月1日"));
    assert!(
        detail.contains("id=\"saved\"") && detail.contains("登録しました"),
        "a message after the save"
    );
    // The history names the department, not only its code.
    let history = detail.split("変更履歴").nth(1).unwrap_or("");
    assert!(history.contains("総務経理部門 (SOUMU)"), "{history}");
    assert!(detail.contains("変更履歴") && detail.contains("登録"));

    // Withdraw needs a reason; with one, the record stays, marked.
    let res = browser
        .post(format!("{}{location}/withdraw", app.url))
        .form(&[("csrf", csrf.as_str()), ("reason", "　")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let res = browser
        .post(format!("{}{location}/withdraw", app.url))
        .form(&[("csrf", csrf.as_str()), ("reason", "誤登録")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let withdrawn = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(withdrawn, format!("{location}?saved=withdrawn"));
    let detail = browser
        .get(format!("{}{withdrawn}", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(detail.contains("取り下げられました") && detail.contains("誤登録"));
    // The message offers to undo it, once.
    assert!(detail.contains("id=\"undo-withdrawal\"") && detail.contains("取り下げました"));
    let res = browser
        .post(format!("{}{location}/reinstate", app.url))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["location"].to_str().unwrap(),
        format!("{location}?saved=reinstated")
    );
    let detail = browser
        .get(format!("{}{location}", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !detail.contains("取り下げられました") && !detail.contains("id=\"saved\""),
        "undone, said once"
    );
}

#[tokio::test]
async fn people_export_to_xlsx_and_csv_and_an_import_is_all_or_nothing() {
    let app = spawn_app().await;
    let browser = app.browser("isms").await;
    let res = browser
        .get(format!(
            "{}/o/sajeco/people/export.xlsx?department=SOUMU",
            app.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".xlsx")
    );
    let sheet = mamori_io::Sheet::from_xlsx(&res.bytes().await.unwrap()).unwrap();
    assert_eq!(sheet.headers[0], "社員番号");
    assert!(!sheet.rows.is_empty());
    assert!(
        sheet.rows.iter().all(|r| r[5] == "SOUMU"),
        "the export holds what the filter shows"
    );
    let csv = browser
        .get(format!("{}/o/sajeco/people/export.csv", app.url))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));

    let upload = |bytes: Vec<u8>, name: &'static str| app.upload(&browser, "people", bytes, name);
    // The exported file, imported again, is all duplicates: every row is named and nothing changes.
    let exported = browser
        .get(format!(
            "{}/o/sajeco/people/export.xlsx?department=SOUMU",
            app.url
        ))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let res = upload(exported.to_vec(), "people.xlsx").await.unwrap();
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("すでに登録されています"));
    assert_eq!(html.matches("<tr><td>").count(), sheet.rows.len());

    // Japanese headings, full-width digits and era dates import.
    let csv = "社員番号,氏名,雇用区分,所属部門,入社日\n７２０１,新人 一郎,employee,SOUMU,令和2年4月1日\n7202,新人 二郎,temporary,ISO,2020/4/1\n";
    let res = upload(csv.as_bytes().to_vec(), "new.csv").await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("2 件を取り込みました"));
    let res = upload(Vec::new(), "empty.csv").await.unwrap();
    assert_eq!(res.status(), 400);
    let res = upload(b"PK\x03\x04garbage".to_vec(), "bad.xlsx")
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("ファイルを読み取れませんでした")
    );
}

#[tokio::test]
async fn an_upload_over_the_row_limit_is_refused_naming_it_and_a_shift_jis_csv_imports() {
    let app = spawn_app().await;
    let browser = app.browser("isms").await;
    let token = app.token("isms").await;
    let people = || async {
        let (_, list) = app
            .api(&token, reqwest::Method::GET, "/api/v1/people?limit=1", None)
            .await;
        list["total"].as_i64().unwrap()
    };
    let before = people().await;
    let upload = |bytes: Vec<u8>, name: &'static str| app.upload(&browser, "people", bytes, name);

    // A CSV one row over the limit: the message names the limit.
    let mut csv = String::from("社員番号,氏名,雇用区分,所属部門,入社日\n");
    for i in 0..=100_000 {
        csv.push_str(&format!("{},名前,employee,SOUMU,2024-04-01\n", 100_000 + i));
    }
    let res = upload(csv.into_bytes(), "many.csv").await.unwrap();
    assert_eq!(res.status(), 413);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("行数が上限の 100,000 行を超えています"),
        "{html}"
    );
    // Neither UTF-8 nor Shift_JIS.
    let res = upload(b"\x82\xa0\xff\xfd,1\n".to_vec(), "bad.csv")
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert!(res.text().await.unwrap().contains("CSVの文字コード"));
    assert_eq!(people().await, before, "nothing was imported");

    // What Japanese Excel saves as "CSV (Comma delimited)": Shift_JIS (CP932).
    let text =
        "社員番号,氏名,雇用区分,所属部門,入社日\r\n8201,髙橋 ①子,employee,SOUMU,2024-04-01\r\n";
    let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
    assert!(!unmappable);
    let res = upload(sjis.into_owned(), "excel.csv").await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("1 件を取り込みました"));
    assert_eq!(people().await, before + 1);
    assert!(
        app.page(&browser, "/o/sajeco/people?q=8201")
            .await
            .contains("髙橋 ①子")
    );

    // English names the limit too.
    let en = mamori_web::error::AppError::from(mamori_io::IoError::Limit {
        code: "file-too-many-rows",
        limit: 100_000,
    });
    assert_eq!(
        en.message(Lang::En),
        "The file has more rows than the limit of 100,000. Split it and import the parts."
    );
}

/// A name that a spreadsheet would run as a formula is exported with a protective quote, in CSV
/// and XLSX, and imported back as it was.
#[tokio::test]
async fn an_export_neutralises_formulas_and_imports_back_unchanged() {
    let app = spawn_app().await;
    let browser = app.browser("isms").await;
    let evil = r#"=HYPERLINK("http://evil.example","x")"#;
    let res = app
        .post_form(
            &browser,
            "/o/sajeco/people/new",
            "/o/sajeco/people",
            &[
                ("employee_no", "8301"),
                ("name", evil),
                ("employment_type", "employee"),
                ("department", "SOUMU"),
                ("joined_on", "2024-04-01"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let export = |format: &'static str| {
        browser
            .get(format!(
                "{}/o/sajeco/people/export.{format}?q=8301",
                app.url
            ))
            .send()
    };
    let csv = export("csv").await.unwrap().bytes().await.unwrap();
    let text = std::str::from_utf8(&csv).unwrap();
    assert!(
        text.contains(r#""'=HYPERLINK(""http://evil.example"",""x"")""#),
        "{text}"
    );
    let xlsx = export("xlsx").await.unwrap().bytes().await.unwrap();
    for back in [
        mamori_io::Sheet::from_csv(&csv).unwrap(),
        mamori_io::Sheet::from_xlsx(&xlsx).unwrap(),
    ] {
        assert_eq!(back.rows.len(), 1);
        assert_eq!(back.rows[0][1], evil);
        assert_eq!(back.rows[0][0], "8301");
    }
}

#[tokio::test]
async fn sign_in_locks_after_repeated_failures_and_an_expired_password_must_be_changed() {
    let app = spawn_app().await;
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = client
        .get(format!("{}/login", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut last = login;
    for _ in 0..5 {
        // Each answer carries a fresh sign-in form token, as a browser would resubmit it.
        let csrf = field_value(&last, "csrf");
        let res = client
            .post(format!("{}/login", app.url))
            .form(&[
                ("csrf", csrf.as_str()),
                ("email", "staff@sajeco.example"),
                ("password", "guess-guess"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        last = res.text().await.unwrap();
    }
    // Locked: even the right password is refused, with the answer every failure gets (which says
    // that repeated failures block signing in for a while).
    let csrf = field_value(&last, "csrf");
    let res = client
        .post(format!("{}/login", app.url))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "staff@sajeco.example"),
            ("password", common::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let last = res.text().await.unwrap();
    assert!(
        last.contains("しばらくサインインできなくなります"),
        "{last}"
    );

    // The secretariat's password is old: everything leads to the change screen until it is changed.
    app.store
        .pool()
        .execute(
            "UPDATE users SET password_changed_at = $1 WHERE email = 'isms@sajeco.example'",
            &[mamori_store::db::P::Ts(
                time::OffsetDateTime::now_utc() - time::Duration::days(400),
            )],
        )
        .await
        .unwrap();
    let browser = app.browser("isms").await;
    let res = browser
        .get(format!("{}/o/sajeco/people", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/account/password");
    let page = browser
        .get(format!("{}/account/password", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("有効期限が切れました"));
    let csrf = field_value(&page, "csrf");
    let change = |new: &'static str, confirm: &'static str| {
        browser
            .post(format!("{}/account/password", app.url))
            .form(&[
                ("csrf", csrf.as_str()),
                ("current_password", common::PASSWORD),
                ("password", new),
                ("password_confirm", confirm),
            ])
            .send()
    };
    assert_eq!(
        change("password123", "password123").await.unwrap().status(),
        422
    );
    assert_eq!(change("short", "short").await.unwrap().status(), 422);
    assert_eq!(
        change("a new long phrase", "another phrase")
            .await
            .unwrap()
            .status(),
        422
    );
    assert_eq!(
        change("a new long phrase", "a new long phrase")
            .await
            .unwrap()
            .status(),
        303
    );
    assert_eq!(
        browser
            .get(format!("{}/o/sajeco/people", app.url))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn english_is_one_click_away_and_remembered_and_error_pages_are_translated() {
    let app = spawn_app().await;
    let browser = app.browser("staff").await;
    let page = browser
        .get(format!("{}/o/sajeco/people", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<html lang=\"ja\">") && page.contains("社員等"));
    let csrf = field_value(&page, "csrf");
    let res = browser
        .post(format!("{}/account/preferences", app.url))
        .form(&[
            ("csrf", csrf.as_str()),
            ("lang", "en"),
            ("back", "/o/sajeco/people"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let page = browser
        .get(format!("{}/o/sajeco/people", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<html lang=\"en\">")
            && page.contains("People")
            && page.contains("Employee no.")
    );
    let missing = browser
        .get(format!("{}/o/sajeco/people/999999", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("does not exist"));

    // Remembered per user: a new sign-in comes back in English.
    let again = app.browser("staff").await;
    let page = again
        .get(format!("{}/o/sajeco/me", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Dashboard"));
    // Era dates are a user setting.
    let res = again
        .post(format!("{}/account/preferences", app.url))
        .form(&[
            ("csrf", field_value(&page, "csrf").as_str()),
            ("lang", "ja"),
            ("date_style", "era"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let people = again
        .get(format!("{}/o/sajeco/departments?q=SOUMU", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(people.contains("平成17年4月1日"), "era dates are shown");
}

#[tokio::test]
async fn an_htmx_request_gets_only_the_content_and_filters_stay_in_the_url() {
    let app = spawn_app().await;
    let browser = app.browser("auditor").await;
    let res = browser
        .get(format!(
            "{}/o/sajeco/people?q=伊藤&employment_type=officer",
            app.url
        ))
        .header("hx-request", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(!body.contains("<html"));
    assert!(body.contains("伊藤 直樹") && body.contains("全 1 件"));
    let full = browser
        .get(format!(
            "{}/o/sajeco/people?sort=name&dir=desc&page=2",
            app.url
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(full.contains("<html") && full.contains("2 &#x2f; 2"));
    // The auditor reads but is offered no writing.
    assert!(!full.contains("id=\"new-record\""));
    let audit = browser
        .get(format!("{}/o/sajeco/audit", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(audit.contains("改ざんされていません"));
}

#[tokio::test]
async fn a_personal_api_token_is_made_on_the_account_page_works_and_can_be_revoked() {
    let app = spawn_app().await;
    let browser = app.browser("manager").await;
    let page = browser
        .get(format!("{}/account", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = field_value(&page, "csrf");
    let res = browser
        .post(format!("{}/account/tokens", app.url))
        .form(&[("csrf", csrf.as_str()), ("name", "長".repeat(101).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let res = browser
        .post(format!("{}/account/tokens", app.url))
        .form(&[("csrf", csrf.as_str()), ("name", "Excel連携")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    let token = html
        .split("<code id=\"new-token\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    let me = |t: String| {
        app.http
            .get(format!("{}/api/v1/me", app.url))
            .bearer_auth(t)
            .send()
    };
    assert_eq!(me(token.clone()).await.unwrap().status(), 200);
    // Only the hash is stored.
    let stored = app
        .store
        .pool()
        .fetch_one(
            "SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1",
            &[token.clone().into()],
        )
        .await
        .unwrap()
        .i64(0)
        .unwrap();
    assert_eq!(stored, 0);
    let id = app
        .store
        .api_tokens(
            app.store
                .user_by_email("manager@sajeco.example")
                .await
                .unwrap()
                .id,
        )
        .await
        .unwrap()[0]
        .id;
    let res = browser
        .post(format!("{}/account/tokens/{id}/revoke", app.url))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(me(token).await.unwrap().status(), 401);
}

#[tokio::test]
async fn an_administrator_adds_and_disables_members_and_nobody_else_can() {
    let app = spawn_app().await;
    let admin = app.browser("admin").await;
    let page = admin
        .get(format!("{}/o/sajeco/members", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("staff@sajeco.example") && page.contains("id=\"m-email\""));
    let csrf = field_value(&page, "csrf");
    let add = |fields: Vec<(&'static str, &'static str)>| {
        let mut form = vec![("csrf", csrf.clone())];
        form.extend(fields.into_iter().map(|(k, v)| (k, v.to_string())));
        admin
            .post(format!("{}/o/sajeco/members", app.url))
            .form(&form)
            .send()
    };
    // Mistakes are named and what was typed stays.
    let res = add(vec![
        ("email", "新人@例"),
        ("display_name", "新人 花子"),
        ("password", "password"),
        ("role", "department_manager"),
        ("person", "0000"),
    ])
    .await
    .unwrap();
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    assert!(html.contains("value=\"新人 花子\""));
    assert!(
        html.contains("メールアドレスの形式")
            && html.contains("所属部門を入力してください")
            && html.contains("「0000」は登録されていません")
    );
    let res = add(vec![
        ("email", "auditor2@audit.example"),
        ("display_name", "外部 監査員"),
        ("password", "a long enough phrase"),
        ("role", "auditor"),
    ])
    .await
    .unwrap();
    assert_eq!(res.status(), 422, "an auditor needs an end date");
    let res = add(vec![
        ("email", "ＮＥＷ＠sajeco.example"),
        ("display_name", "新人 花子"),
        ("password", "a long enough phrase"),
        ("role", "staff"),
        ("person", "1704"),
    ])
    .await
    .unwrap();
    assert_eq!(res.status(), 303);
    assert!(
        app.store
            .sign_in("new@sajeco.example", "a long enough phrase")
            .await
            .is_ok()
    );
    let res = add(vec![("email", "new@sajeco.example"), ("role", "staff")])
        .await
        .unwrap();
    assert_eq!(res.status(), 422, "already a member");

    let res = admin
        .post(format!("{}/o/sajeco/members/disable", app.url))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "new@sajeco.example"),
            ("disabled", "true"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert!(
        app.store
            .sign_in("new@sajeco.example", "a long enough phrase")
            .await
            .is_err()
    );
    let res = admin
        .post(format!("{}/o/sajeco/members/disable", app.url))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "admin@sajeco.example"),
            ("disabled", "true"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409, "not one's own account");

    let isms = app.browser("isms").await;
    let page = isms
        .get(format!("{}/o/sajeco/members", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("id=\"m-email\""),
        "no form for the secretariat"
    );
    let res = isms
        .post(format!("{}/o/sajeco/members", app.url))
        .form(&[
            ("csrf", field_value(&page, "csrf").as_str()),
            ("email", "x@sajeco.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn who_lacks_an_nda_or_identity_guarantee_is_one_click_from_the_dashboard() {
    let app = spawn_app().await;
    let browser = app.browser("isms").await;
    let dashboard = browser
        .get(format!("{}/o/sajeco", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(dashboard.contains("people?lacks=pledges"));
    assert!(dashboard.contains("identity-guarantees?received_on_to="));
    let lacking = browser
        .get(format!("{}/o/sajeco/people?lacks=pledges", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(lacking.contains("全 0 件"), "everyone has signed the NDA");
    // Withdrawing an NDA puts its person on the list; a person on file with both is on neither.
    let token = app.token("isms").await;
    let ndas: serde_json::Value = app
        .http
        .get(format!("{}/api/v1/pledges?q=", app.url))
        .bearer_auth(&token)
        .query(&[("person", "0009")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = ndas["items"][0]["id"].as_i64().unwrap();
    let res = app
        .http
        .post(format!("{}/api/v1/pledges/{id}/withdraw", app.url))
        .bearer_auth(&token)
        .json(&serde_json::json!({"reason": "再提出のため"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let lacking: serde_json::Value = app
        .http
        .get(format!("{}/api/v1/people?lacks=pledges", app.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(lacking["total"], 1);
    assert_eq!(lacking["items"][0]["employee_no"], "0009");
    let both: serde_json::Value = app
        .http
        .get(format!(
            "{}/api/v1/people?lacks=pledges&lacks=identity-guarantees",
            app.url
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        both["code"], "invalid",
        "a repeated API parameter is refused"
    );
    let res = app
        .http
        .get(format!("{}/api/v1/people?lacks=salary", app.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    // Empty, as the OpenAPI document says: no such filter.
    let total = |query: &'static str| {
        let (http, token, url) = (app.http.clone(), token.clone(), app.url.clone());
        async move {
            let page: serde_json::Value = http
                .get(format!("{url}/api/v1/people{query}"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            page["total"].clone()
        }
    };
    assert_eq!(total("?lacks=").await, total("").await);
}

#[tokio::test]
async fn the_completion_page_shows_the_fiscal_year_with_the_previous_one_and_links_to_the_sessions()
{
    let app = spawn_app().await;
    let browser = app.browser("auditor").await;
    let page = browser
        .get(format!("{}/o/sajeco", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let res = browser
        .post(format!("{}/o/sajeco/fiscal-year", app.url))
        .form(&[
            ("csrf", field_value(&page, "csrf").as_str()),
            ("fy", "2017"),
            ("back", "/o/sajeco/training/completion"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let html = browser
        .get(format!("{}/o/sajeco/training/completion", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("2017年度"));
    assert!(
        html.contains(">34</a>(<a") && html.contains(">9</a>)"),
        "onboarding 34(9)"
    );
    assert!(
        html.contains(">27</a>(<a") && html.contains(">37</a>)"),
        "periodic 27(37)"
    );
    assert!(html.contains("<strong>100%</strong>"));
    assert!(html.contains("session.course=ISO-INIT&amp;session.held_on_from=2017-04-01&amp;session.held_on_to=2018-03-31"));
    // The figure's link opens exactly the attendance records it counts.
    let get = |path: String| {
        let request = browser.get(format!("{}{path}", app.url));
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    let periodic = "/o/sajeco/attendances?session.course=ISO-PERIODIC&session.held_on_from=2017-04-01&session.held_on_to=2018-03-31";
    assert!(get(periodic.to_string()).await.contains("全 27 件"));
    let previous = "/o/sajeco/attendances?session.course=ISO-PERIODIC&session.held_on_from=2016-04-01&session.held_on_to=2017-03-31";
    assert!(get(previous.to_string()).await.contains("全 37 件"));
    // By department: the table's figure and the list behind it agree.
    let token = app.token("isms").await;
    let soumu: serde_json::Value = app
        .http
        .get(format!("{}/api/v1/attendances?session.course=ISO-PERIODIC&session.held_on_from=2017-04-01&session.held_on_to=2018-03-31&department=SOUMU", app.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let n = soumu["total"].as_i64().unwrap();
    assert!(n > 0 && n < 27);
    assert!(
        html.contains(&format!("&amp;department=SOUMU\">{n}</a>")),
        "by-department figure {n}"
    );
    // Moving a person to another department later does not move their past attendance.
    let person = soumu["items"][0]["person"].as_str().unwrap().to_string();
    let found: serde_json::Value = app
        .http
        .get(format!("{}/api/v1/people?q={person}", app.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pid = found["items"][0]["id"].as_i64().unwrap();
    let res = app
        .http
        .patch(format!("{}/api/v1/people/{pid}", app.url))
        .bearer_auth(&token)
        .json(&serde_json::json!({"department": "ISO"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let html = get("/o/sajeco/training/completion".to_string()).await;
    assert!(
        html.contains(&format!("&amp;department=SOUMU\">{n}</a>")),
        "still {n} after the move"
    );
    let bad = browser
        .get(format!("{}/o/sajeco/attendances?session.salary=1", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
}

#[tokio::test]
async fn a_record_links_to_the_records_that_refer_to_it() {
    let app = spawn_app().await;
    let browser = app.browser("isms").await;
    let token = app.token("isms").await;
    let sessions: serde_json::Value = app
        .http
        .get(format!(
            "{}/api/v1/training-sessions?q=2017-PERIODIC",
            app.url
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = sessions["items"][0]["id"].as_i64().unwrap();
    let html = browser
        .get(format!("{}/o/sajeco/training-sessions/{id}", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("attendances?session=2017-PERIODIC")
            && html.contains("受講 <span class=\"count\">27 件"),
        "{html}"
    );
    let people: serde_json::Value = app
        .http
        .get(format!("{}/api/v1/people?q=0009", app.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let html = browser
        .get(format!(
            "{}/o/sajeco/people/{}",
            app.url, people["items"][0]["id"]
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for related in [
        "pledges?person=0009",
        "identity-guarantees?person=0009",
        "attendances?person=0009",
        "appointments?person=0009",
    ] {
        assert!(html.contains(related), "{related}");
    }
}

#[tokio::test]
async fn the_organisation_chart_is_drawn_from_the_appointments_of_the_chosen_year() {
    let app = spawn_app().await;
    let browser = app.browser("staff").await;
    let page = browser
        .get(format!("{}/o/sajeco/me", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let select = |fy: &'static str| {
        browser
            .post(format!("{}/o/sajeco/fiscal-year", app.url))
            .form(&[
                ("csrf", field_value(&page, "csrf")),
                ("fy", fy.to_string()),
                ("back", "/o/sajeco".to_string()),
            ])
            .send()
    };
    select("2017").await.unwrap();
    let html = browser
        .get(format!("{}/o/sajeco/organization-chart", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<svg") && html.contains("2018年3月31日時点"));
    assert!(html.contains("ISO事務局長") && html.contains("伊藤 直樹") && html.contains("飯高 司"));
    assert!(
        html.contains(">IT営業・業務部門<"),
        "the department before the 2018 reorganisation"
    );
    assert!(!html.contains(">営業部門<"));
    select("2018").await.unwrap();
    let html = browser
        .get(format!("{}/o/sajeco/organization-chart", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(">営業部門<") && !html.contains(">IT営業・業務部門<"));
}

#[tokio::test]
async fn the_audit_page_shows_the_signed_checkpoints_and_names_a_cut_tail() {
    let app = spawn_app().await;
    let browser = app.browser("auditor").await;
    let page = |browser: reqwest::Client| {
        let url = format!("{}/o/sajeco/audit", app.url);
        async move { browser.get(url).send().await.unwrap().text().await.unwrap() }
    };
    assert!(
        page(browser.clone())
            .await
            .contains("署名付きチェックポイントはまだありません")
    );
    let dir = tempfile::tempdir().unwrap();
    let key = mamori_store::checkpoint::AuditKey::create(&dir.path().join("audit.key")).unwrap();
    let keyed = app.store.clone().with_audit_key(std::sync::Arc::new(key));
    let c = keyed.audit_checkpoint("cli").await.unwrap().unwrap();
    let shown = page(browser.clone()).await;
    assert!(
        shown.contains("署名付きチェックポイント 1 件") && shown.contains("一致しています"),
        "{shown}"
    );
    // The newest entries removed and the head moved back behind the application's back.
    let drop = match app.store.pool().backend() {
        mamori_store::Backend::Sqlite => "DROP TRIGGER audit_events_no_delete",
        mamori_store::Backend::Postgres => "DROP TRIGGER audit_events_no_update ON audit_events",
    };
    app.store.pool().execute(drop, &[]).await.unwrap();
    let keep = mamori_store::db::P::Int(c.seq - 2);
    app.store
        .pool()
        .execute(
            "DELETE FROM audit_events WHERE seq > $1",
            std::slice::from_ref(&keep),
        )
        .await
        .unwrap();
    app.store
        .pool()
        .execute(
            "UPDATE audit_head SET seq = $1, hash = (SELECT hash FROM audit_events WHERE seq = $1) WHERE id = 1",
            &[keep],
        )
        .await
        .unwrap();
    let shown = page(browser).await;
    assert!(shown.contains("以降の記録が削除されています"), "{shown}");
}

/// The hrefs of a page that carry a query into the organisation (relative ones resolved against
/// `from`), unescaped as a browser reads them.
fn query_links(html: &str, from: &str) -> Vec<String> {
    let base = from.split('?').next().unwrap_or(from);
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|h| h.replace("&#x2f;", "/").replace("&amp;", "&"))
        .filter_map(|h| {
            if h.starts_with('?') {
                Some(format!("{base}{h}"))
            } else {
                h.starts_with("/o/sajeco/").then_some(h)
            }
        })
        .filter(|h| h.contains('?') && !h.contains("/files/"))
        .collect()
}

/// A list refuses parameters it does not take, so every link the pages make into a list (a
/// dashboard's count, a report's figure, a record's related records, sorting, paging, exports)
/// must carry only parameters it takes.
#[tokio::test]
async fn every_link_the_pages_make_with_a_query_is_taken() {
    let app = spawn_app().await;
    let browser = app.browser("isms").await;
    let token = app.token("isms").await;
    let mut pages: Vec<String> = vec!["/o/sajeco".into(), "/o/sajeco/reports/2017".into()];
    pages.extend(
        mamori_web::pages::AREAS
            .iter()
            .map(|a| format!("/o/sajeco/{}", a.path)),
    );
    for reg in mamori_domain::registers::ALL {
        let (_, first) = app
            .api(
                &token,
                reqwest::Method::GET,
                &format!("/api/v1/{}?limit=1", reg.collection),
                None,
            )
            .await;
        if let Some(id) = first["items"][0]["id"].as_i64() {
            pages.push(format!("/o/sajeco/{}/{id}", reg.collection));
        }
    }
    let mut links = std::collections::BTreeSet::new();
    for page in &pages {
        let res = browser
            .get(format!("{}{page}", app.url))
            .send()
            .await
            .unwrap();
        // `/o/sajeco/report` sends the reader on to the selected year's, walked already.
        if res.status() == 303 {
            continue;
        }
        assert_eq!(res.status(), 200, "{page}");
        links.extend(query_links(&res.text().await.unwrap(), page));
    }
    assert!(links.len() > 100, "{links:?}");
    let mut refused = Vec::new();
    for link in &links {
        let res = browser
            .get(format!("{}{link}", app.url))
            .send()
            .await
            .unwrap();
        if res.status() != 200 {
            refused.push(format!("{link}: {}", res.status()));
        }
    }
    assert!(refused.is_empty(), "{}", refused.join("\n"));
}
