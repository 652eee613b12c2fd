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
