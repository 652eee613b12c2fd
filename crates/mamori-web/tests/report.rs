//! The yearly report over HTTP: the page with its figures as links, the files, the workflow and
//! the narratives' editing, and bad input refused with a translated message, changing nothing.

mod common;

use common::{pdftotext, spawn_app, text_of};

#[tokio::test]
async fn the_report_page_files_workflow_and_bad_input() {
    let app = spawn_app().await;
    let isms = app.browser("isms").await;
    let base = "/o/sajeco/reports/2017";

    // The page: figures as links to their records, the draft's workflow.
    let page = app.page(&isms, base).await;
    assert!(page.contains("data-figure=\"events.near_miss.総務経理部門\""));
    assert!(page.contains("security-events?occurred_on_from=2017-04-01"));
    assert!(text_of(&page).contains("7(6)件"));
    assert!(page.contains("id=\"report-to-review\""));
    // Its style is a file of the app (the content security policy allows no inline style).
    assert!(
        page.contains("href=\"&#x2f;static&#x2f;report.css\"")
            || page.contains("href=\"/static/report.css\"")
    );
    let css = isms
        .get(format!("{}/static/report.css", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200);
    assert!(css.text().await.unwrap().contains(".report-table"));
    // The selected year's report is one click from the menu.
    let res = isms
        .get(format!("{}/o/sajeco/report", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);

    // Files: PDF (Japanese and English), DOCX, JSON.
    let get = |path: String| {
        let isms = isms.clone();
        let url = format!("{}{path}", app.url);
        async move { isms.get(url).send().await.unwrap() }
    };
    let pdf = get(format!("{base}/files/report.pdf")).await;
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let text = pdftotext(&pdf.bytes().await.unwrap());
    assert!(text.contains("情報セキュリティ報告書"));
    let en = pdftotext(
        &get(format!("{base}/files/report.pdf?lang=en"))
            .await
            .bytes()
            .await
            .unwrap(),
    );
    assert!(en.contains("InformationSecurityReport") && en.contains("FY2017"));
    let docx = get(format!("{base}/files/report.docx"))
        .await
        .bytes()
        .await
        .unwrap();
    assert!(docx.starts_with(b"PK"));
    let json: serde_json::Value = get(format!("{base}/files/report.json"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(json["figures"]["events.near_miss.ISO事務局"]["current"], 5);
    assert_eq!(get(format!("{base}/files/report.exe")).await.status(), 404);
    assert_eq!(get("/o/sajeco/reports/abc".into()).await.status(), 404);
    assert_eq!(get("/o/sajeco/reports/99999".into()).await.status(), 404);

    // Staff read published reports only; a draft is not theirs.
    let staff = app.browser("staff").await;
    let res = staff
        .get(format!("{}{base}", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    // Editing: a bad issue date is refused with a message, and nothing changes.
    let edit = format!("{base}/edit");
    let before = app.page(&isms, &edit).await;
    assert!(before.contains("id=\"n-s1-1\""));
    let res = app
        .post_form(
            &isms,
            &edit,
            &edit,
            &[("issued_on", "来年"), ("s1-1", "変えてはならない")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("発行日を日付で入力してください"));
    assert!(body.contains("変えてはならない"), "what was typed is kept");
    assert!(!app.page(&isms, &edit).await.contains("変えてはならない"));
    // Full-width date accepted; the narrative saved, in the report.
    let res = app
        .post_form(
            &isms,
            &edit,
            &edit,
            &[
                ("issued_on", "２０１８年６月３０日"),
                ("s1-1", "目的の文を直した。"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert!(text_of(&app.page(&isms, base).await).contains("目的の文を直した。"));
    // Too long a narrative is refused.
    let long = "あ".repeat(20_001);
    let res = app
        .post_form(
            &isms,
            &edit,
            &edit,
            &[("issued_on", "2018-06-30"), ("s1-1", &long)],
        )
        .await;
    assert_eq!(res.status(), 422);
    // A bad date style in the settings is refused.
    let res = app
        .post_form(
            &isms,
            &edit,
            &format!("{base}/settings"),
            &[("date_style", "roman")],
        )
        .await;
    assert_eq!(res.status(), 422);
    // Switching an item off takes it out of the report.
    let res = app
        .post_form(
            &isms,
            &edit,
            &format!("{base}/settings"),
            &[
                ("date_style", "western"),
                ("item-s1", "on"),
                ("item-s1-1", "on"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let page = app.page(&isms, base).await;
    assert!(!page.contains("id=\"s5-2-9\""), "items not ticked are off");
    assert!(page.contains("id=\"s1-1\""));

    // Workflow: a wrong step is refused; review → approve (the secretariat's head is top
    // management) → publish; the published page reads from the frozen files.
    let res = app
        .post_form(
            &isms,
            base,
            &format!("{base}/advance"),
            &[("to", "published")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .post_form(&isms, base, &format!("{base}/publish"), &[])
        .await;
    assert_eq!(res.status(), 409);
    for to in ["review", "approved"] {
        let res = app
            .post_form(&isms, base, &format!("{base}/advance"), &[("to", to)])
            .await;
        assert_eq!(res.status(), 303, "to {to}");
    }
    let res = app
        .post_form(&isms, base, &format!("{base}/publish"), &[])
        .await;
    assert_eq!(res.status(), 303);
    let page = app.page(&isms, base).await;
    assert!(page.contains("data-status=\"published\""));
    // Now staff read it.
    let res = staff
        .get(format!("{}{base}", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // A correction needs its note; with it, revision 2 starts as a draft.
    let res = app
        .post_form(
            &isms,
            base,
            &format!("{base}/start"),
            &[("change_note", "")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .post_form(
            &isms,
            base,
            &format!("{base}/start"),
            &[("change_note", "誤字を訂正")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let page = app.page(&isms, base).await;
    assert!(page.contains("第2版"));
    // The secretariat sees the draft correction, told that readers get revision 1; staff still
    // read revision 1 and cannot open the draft, in the page or its files.
    assert!(page.contains("id=\"report-other-revision\""), "{page}");
    assert!(page.contains("files/report.pdf?revision=2"));
    let res = staff
        .get(format!("{}{base}", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let staff_page = res.text().await.unwrap();
    assert!(!staff_page.contains("report-other-revision"));
    assert!(!staff_page.contains("revision=2"));
    for path in [
        format!("{base}?revision=2"),
        format!("{base}/files/report.json?revision=2"),
    ] {
        let res = staff
            .get(format!("{}{path}", app.url))
            .send()
            .await
            .unwrap();
        // Staff are not shown revisions that are not published: not found.
        assert_eq!(res.status(), 404, "{path}");
    }
    let json = |body: &str| serde_json::from_str::<serde_json::Value>(body).unwrap();
    let res = staff
        .get(format!("{}{base}/files/report.json?lang=en", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let read = json(&res.text().await.unwrap());
    assert_eq!(
        (read["revision"].as_i64(), read["lang"].as_str()),
        (Some(1), Some("en"))
    );
    let res = isms
        .get(format!("{}{base}/files/report.json?revision=2", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let draft = json(&res.text().await.unwrap());
    assert_eq!(
        (draft["revision"].as_i64(), draft["status"].as_str()),
        (Some(2), Some("draft"))
    );
}
