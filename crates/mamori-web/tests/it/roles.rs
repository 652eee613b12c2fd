//! Least privilege for staff, over a real socket: they read what DESIGN's permission table gives
//! them and no more, get a directory instead of the people register, and their menu offers only
//! what they may open.

use reqwest::Method;

use crate::common::{spawn_app, text_of};

#[tokio::test]
async fn staff_read_their_own_person_and_a_directory_but_not_the_isms_records() {
    let app = spawn_app().await;
    let staff = app.browser("staff").await;
    let token = app.token("staff").await;

    // The people register: their own record only, in the page, the API and the export.
    let (status, people) = app
        .api(&token, Method::GET, "/api/v1/people?limit=100", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(people["total"], 1, "{people}");
    let export = staff
        .get(format!("{}/o/sajeco/people/export.csv", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        export.lines().count(),
        2,
        "a header and their own row: {export}"
    );
    assert_eq!(
        export.matches('@').count(),
        1,
        "one e-mail address, their own"
    );
    let isms = app.token("isms").await;
    let (_, all) = app
        .api(&isms, Method::GET, "/api/v1/people?limit=1", None)
        .await;
    assert!(
        all["total"].as_i64().unwrap() > 50,
        "the secretariat reads everyone"
    );

    // The directory names everyone working today, with no export.
    let directory = app.page(&staff, "/o/sajeco/directory").await;
    let text = text_of(&directory);
    assert!(
        text.contains("伊藤直樹") && text.contains("総務経理部門"),
        "{text}"
    );
    assert!(!directory.contains("export"), "no export of the directory");
    let narrowed = text_of(&app.page(&staff, "/o/sajeco/directory?q=伊藤").await);
    assert!(
        narrowed.contains("伊藤直樹") && !narrowed.contains("飯高司"),
        "{narrowed}"
    );

    // The registers of running the ISMS are not staff's.
    for collection in [
        "findings",
        "audits",
        "management-reviews",
        "meetings",
        "requirements",
    ] {
        let (status, _) = app
            .api(&token, Method::GET, &format!("/api/v1/{collection}"), None)
            .await;
        assert_eq!(status, 403, "{collection}");
    }
    // Nor through a list's filters: the corrective actions' page offers no finding, complaint or
    // review output to filter by.
    let page = app.page(&staff, "/o/sajeco/corrective-actions").await;
    for code in ["value=\"F-", "value=\"CP-", "value=\"RO-", "value=\"MT-"] {
        assert!(!page.contains(code), "staff's filters offer {code}");
    }
    // A corrective action is read by its owner only among staff: none is the demo staff's.
    let (status, actions) = app
        .api(&token, Method::GET, "/api/v1/corrective-actions", None)
        .await;
    assert_eq!(
        (status, actions["total"].as_i64()),
        (200, Some(0)),
        "{actions}"
    );

    // The menu offers only what they may open.
    let me = app.page(&staff, "/o/sajeco/me").await;
    for hidden in [
        "findings",
        "audit",
        "members",
        "training&#x2f;completion",
        "settings",
        "event-figures",
    ] {
        assert!(
            !me.contains(&format!("&#x2f;o&#x2f;sajeco&#x2f;{hidden}\"")),
            "staff's menu offers {hidden}"
        );
    }
    assert!(me.contains("&#x2f;o&#x2f;sajeco&#x2f;directory\""));
    // A page they may not open answers 403 inside the organisation's frame, saying why.
    let res = staff
        .get(format!("{}/o/sajeco/findings", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let refused = res.text().await.unwrap();
    assert!(
        refused.contains("id=\"refused-why\"")
            && refused.contains("&#x2f;o&#x2f;sajeco&#x2f;directory\""),
        "{refused}"
    );
    assert!(
        text_of(&refused).contains("あなたの役割（社員）では開けません"),
        "{}",
        text_of(&refused)
    );
    // The API answers as before, in JSON.
    let (status, body) = app.api(&token, Method::GET, "/api/v1/findings", None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("forbidden")),
        "{body}"
    );
    // The secretariat's offers them.
    let isms_browser = app.browser("isms").await;
    let theirs = app.page(&isms_browser, "/o/sajeco/me").await;
    assert!(theirs.contains("&#x2f;o&#x2f;sajeco&#x2f;findings\""));
}

/// The auditor's trail: filtered by who, register, record, action and dates, counted so the counts
/// agree, and exported as the filter shows it.
#[tokio::test]
async fn the_auditor_filters_the_trail_and_exports_what_it_shows() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    let (status, dept) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/departments",
            Some(serde_json::json!({"code": "AUDITX", "name": "監査確認部", "valid_from": "2026-04-01"})),
        )
        .await;
    assert_eq!(status, 201, "{dept}");
    let id = dept["id"].as_i64().unwrap();
    let user = app
        .store
        .user_by_email("isms@sajeco.example")
        .await
        .unwrap();
    let auditor = app.browser("auditor").await;

    let all = app.page(&auditor, "/o/sajeco/audit").await;
    assert!(all.contains("id=\"audit-filters\""));
    let count = |page: &str| -> i64 {
        let t = text_of(page);
        let at = t
            .find("条件に合う記録")
            .or_else(|| t.find("この組織の記録全"))
            .expect("a count");
        t[at..]
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(|c| c.is_ascii_digit())
            .collect::<String>()
            .parse()
            .unwrap()
    };
    let total = count(&all);
    assert!(total > 100, "{total}");

    // One record's history: its creation, by the secretariat, today.
    let today = mamori_domain::dates::iso(mamori_domain::dates::today());
    let one = app
        .page(
            &auditor,
            &format!(
                "/o/sajeco/audit?entity=department&record={id}&user={}&action=create&from={today}&to={today}",
                user.id
            ),
        )
        .await;
    assert_eq!(count(&one), 1, "{}", text_of(&one));
    assert!(text_of(&one).contains("部門"), "the entity by its name");
    // Days with nothing: none, said so.
    let none = app.page(&auditor, "/o/sajeco/audit?from=2099-01-01").await;
    assert!(none.contains("条件に合う記録はありません"));
    // Era dates and full-width digits are read; a date that is none is refused, naming it.
    let era = app
        .page(&auditor, "/o/sajeco/audit?from=令和８年４月１日")
        .await;
    assert!(count(&era) >= 1);
    let res = auditor
        .get(format!("{}/o/sajeco/audit?from=someday", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);

    // The export is the filtered view: a header and the department registers' entries.
    let csv = auditor
        .get(format!("{}/o/sajeco/audit.csv?entity=department", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    let body = csv.text().await.unwrap();
    let filtered = count(
        &app.page(&auditor, "/o/sajeco/audit?entity=department")
            .await,
    );
    assert_eq!(body.lines().count() as i64, filtered + 1, "{body}");
    assert!(body.lines().skip(1).all(|l| l.contains(",部門,")), "{body}");
    // Staff do not read the trail.
    let staff = app.browser("staff").await;
    let res = staff
        .get(format!("{}/o/sajeco/audit.csv", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

/// Staff report a near miss in two taps: My page's button, a short form with today's date and their
/// department already chosen, and a thank-you page; the rest is filled in for the secretariat.
#[tokio::test]
async fn staff_report_a_near_miss_in_two_taps_and_are_thanked() {
    let app = spawn_app().await;
    let staff = app.browser("staff").await;
    let me = app.page(&staff, "/o/sajeco/me").await;
    assert!(me.contains("id=\"report-event\" href=\"/o/sajeco/near-miss\""));
    let form = app.page(&staff, "/o/sajeco/near-miss").await;
    let today = mamori_domain::dates::format_date(
        mamori_domain::dates::today(),
        mamori_domain::DateStyle::Western,
        mamori_domain::Lang::Ja,
    );
    assert!(
        form.contains(&format!("value=\"{today}\"")),
        "today by default"
    );
    let select = form
        .split("id=\"nm-department\"")
        .nth(1)
        .and_then(|r| r.split("</select>").next())
        .unwrap();
    assert!(
        select.contains(" selected>"),
        "their department chosen: {select}"
    );

    // Nothing said: refused, nothing written.
    let isms = app.token("isms").await;
    let count = || async {
        let (_, events) = app
            .api(&isms, Method::GET, "/api/v1/security-events?limit=1", None)
            .await;
        events["total"].as_i64().unwrap()
    };
    let before = count().await;
    let res = app
        .post_form(
            &staff,
            "/o/sajeco/near-miss",
            "/o/sajeco/near-miss",
            &[("description", "  ")],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(text_of(&res.text().await.unwrap()).contains("を入力してください"));
    assert_eq!(count().await, before);
    // Hostile input is refused with a message, never a 500: a NUL, a text too long, a date that is
    // none, a department that is not one.
    let long = "あ".repeat(1001);
    for (field, value) in [
        ("description", "a\0b"),
        ("description", long.as_str()),
        ("occurred_on", "きのう"),
        ("department", "NOWHERE"),
    ] {
        let mut form = vec![("description", "置き忘れ")];
        form.retain(|(f, _)| *f != field);
        form.push((field, value));
        let res = app
            .post_form(&staff, "/o/sajeco/near-miss", "/o/sajeco/near-miss", &form)
            .await;
        assert_eq!(res.status(), 422, "{field}");
    }
    assert_eq!(count().await, before);
    // The directory takes any query: a NUL is refused (422) as everywhere, the rest are searched.
    let res = staff
        .get(format!("{}/o/sajeco/directory?q=%00", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    for q in [&"あ".repeat(5000), "％"] {
        let res = staff
            .get(format!("{}/o/sajeco/directory?q={q}", app.url))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{q}");
    }

    // What happened, and one tap.
    let res = app
        .post_form(
            &staff,
            "/o/sajeco/near-miss",
            "/o/sajeco/near-miss",
            &[
                ("description", "ＵＳＢメモリを会議室に置き忘れかけた"),
                ("occurred_on", &today),
                ("related", "USBメモリ"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let thanks = res.headers()["location"].to_str().unwrap().to_string();
    assert!(
        thanks.starts_with("/o/sajeco/near-miss/thanks?id="),
        "{thanks}"
    );
    let page = text_of(&app.page(&staff, &thanks).await);
    assert!(
        page.contains("報告ありがとうございました") && page.contains("として受け付けました"),
        "{page}"
    );
    assert_eq!(count().await, before + 1);
    let id = thanks.rsplit('=').next().unwrap();
    let (_, event) = app
        .api(
            &isms,
            Method::GET,
            &format!("/api/v1/security-events/{id}"),
            None,
        )
        .await;
    assert_eq!(event["kind"], "near_miss");
    assert_eq!(event["status"], "reported");
    assert_eq!(
        event["cause"], "other",
        "the secretariat assesses the cause"
    );
    assert!(
        event["reporter"].as_str().is_some_and(|r| !r.is_empty()),
        "{event}"
    );
    assert!(
        event["department"].as_str().is_some_and(|d| !d.is_empty()),
        "{event}"
    );
    assert!(event["code"].as_str().unwrap().starts_with("E-"));

    // The auditor reports nothing.
    let auditor = app.browser("auditor").await;
    let res = auditor
        .get(format!("{}/o/sajeco/near-miss", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

/// Each role's home: staff land on My page; the secretariat and a manager see what they have to
/// do, as counts that open the records; the auditor where an audit starts.
#[tokio::test]
async fn each_role_lands_on_its_own_home() {
    let app = spawn_app().await;
    let staff = app.browser("staff").await;
    let res = staff
        .get(format!("{}/o/sajeco", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/o/sajeco/me");

    let isms = app.browser("isms").await;
    let home = app.page(&isms, "/o/sajeco").await;
    let text = text_of(&home);
    assert!(
        home.contains("id=\"todo\"") && text.contains("評価待ちのセキュリティ事象"),
        "{text}"
    );
    assert!(home.contains("security-events?status=reported"));
    // The count is the list's: the link opens as many records.
    let token = app.token("isms").await;
    let (_, reported) = app
        .api(
            &token,
            Method::GET,
            "/api/v1/security-events?status=reported&limit=1",
            None,
        )
        .await;
    let n = reported["total"].as_i64().unwrap();
    assert!(
        text.contains(&format!("{n}評価待ちのセキュリティ事象")),
        "{n}: {text}"
    );

    let manager = app.browser("manager").await;
    let text = text_of(&app.page(&manager, "/o/sajeco").await);
    assert!(
        text.contains("部門の評価待ちの事象") && text.contains("部門の秘密保持誓約書のない人"),
        "{text}"
    );

    let auditor = app.browser("auditor").await;
    let home = app.page(&auditor, "/o/sajeco").await;
    assert!(home.contains("id=\"auditor-start\"") && !home.contains("id=\"todo\""));
}

/// A picker names a record by its code and what names it, once: an event by its code and what
/// happened, a person by their number and name.
#[tokio::test]
async fn pickers_show_the_code_and_what_names_the_record() {
    let app = spawn_app().await;
    let isms = app.browser("isms").await;
    let form = app.page(&isms, "/o/sajeco/corrective-actions/new").await;
    let labels: Vec<&str> = form
        .split("<option value=\"E-")
        .skip(1)
        .map(|o| o.split("</option>").next().unwrap_or(""))
        .collect();
    assert!(!labels.is_empty(), "the form offers events");
    for l in &labels {
        let label = l.split('>').nth(1).unwrap_or("");
        assert!(label.starts_with("E-") && label.contains(' '), "{label}");
        assert!(!label.contains("(E-"), "the code twice: {label}");
    }
    assert!(form.contains(">0001 "), "a person by number and name");
}

/// The corrective actions' list has one 発端 column naming the source record, not a column for
/// each kind of source.
#[tokio::test]
async fn the_corrective_actions_list_names_each_source_in_one_column() {
    let app = spawn_app().await;
    let isms = app.browser("isms").await;
    let list = app.page(&isms, "/o/sajeco/corrective-actions").await;
    let head = list
        .split("<thead>")
        .nth(1)
        .unwrap()
        .split("</thead>")
        .next()
        .unwrap();
    let heads = text_of(head);
    assert!(heads.contains("発端"), "{heads}");
    assert!(
        !heads.contains("指摘事項") && !heads.contains("セキュリティ事象"),
        "{heads}"
    );
    let text = text_of(&list);
    assert!(
        text.contains("監査の指摘:F-") || text.contains("セキュリティ事象:E-"),
        "{text}"
    );
}

/// The menu's report link opens for staff too: the chosen year's report if published, else the
/// latest published one, else a page saying none is published yet; never 403.
#[tokio::test]
async fn staff_open_the_published_report_from_the_menu() {
    let app = spawn_app().await;
    let staff = app.browser("staff").await;
    let res = staff
        .get(format!("{}/o/sajeco/report", app.url))
        .send()
        .await
        .unwrap();
    match res.status().as_u16() {
        303 => {
            let to = res.headers()["location"].to_str().unwrap().to_string();
            let page = staff.get(format!("{}{to}", app.url)).send().await.unwrap();
            assert_eq!(page.status(), 200, "{to}");
        }
        200 => assert!(res.text().await.unwrap().contains("id=\"report-none\"")),
        other => panic!("the report link answered {other} to staff"),
    }
    // The secretariat goes to the chosen year's, published or not.
    let isms = app.browser("isms").await;
    let res = isms
        .get(format!("{}/o/sajeco/report", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
}
