//! The yearly report over HTTP: the page with its figures as links, the files, the workflow and
//! the narratives' editing, and bad input refused with a translated message, changing nothing.

use crate::common;

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
                ("record_codes", "on"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let page = app.page(&isms, base).await;
    assert!(!page.contains("id=\"s5-2-9\""), "items not ticked are off");
    assert!(page.contains("id=\"s1-1\""));
    assert!(
        app.page(&isms, &edit)
            .await
            .contains(r#"name="record_codes" checked"#),
        "the choice to show record codes is kept"
    );

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
    // Before publication the page lists what to look at, in words, each with its link: a law
    // change of the year still pending names its register, not its collection.
    let token = app.token("isms").await;
    let (status, body) = app
        .api(
            &token,
            reqwest::Method::POST,
            "/api/v1/law-changes",
            Some(
                serde_json::json!({"requirement": "RQ-0001", "effective_on": "2017-12-01",
                                    "summary": "改正の施行（確認待ち）"}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let page = app.page(&isms, base).await;
    let checks = page
        .split("id=\"report-checks\"")
        .nth(1)
        .and_then(|rest| rest.split("</div>").next())
        .expect("the checks before publication");
    assert!(checks.contains("法令改正 1件"), "{checks}");
    assert!(
        checks.contains("law-changes?effective_on_from=2017-04-01"),
        "{checks}"
    );
    assert!(!checks.contains("law-changes:"), "{checks}");
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

/// The report through `/api/v1/reports`, as a program of the secretariat uses it: the revisions,
/// the model and files the pages give, and the workflow with the pages' permissions and refusals.
#[tokio::test]
async fn the_report_api_reads_and_publishes_the_report_as_the_pages_allow() {
    use reqwest::Method;
    use serde_json::{Value, json};
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    let staff = app.token("staff").await;
    let manager = app.token("manager").await;
    let admin = app.token("admin").await;

    // The revisions: the demo's FY2017 draft.
    let (status, list) = app.api(&isms, Method::GET, "/api/v1/reports", None).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["fiscal_year"], 2017);
    assert_eq!(list["items"][0]["revision"], 1);
    assert_eq!(list["items"][0]["status"], "draft");
    assert_eq!(list["items"][0]["published_by"], Value::Null);

    // The model is the page's report.json; the PDF is the page's too.
    let (status, model) = app
        .api(&isms, Method::GET, "/api/v1/reports/2017", None)
        .await;
    assert_eq!(status, 200, "{model}");
    assert_eq!(model["fiscal_year"], 2017);
    assert_eq!(model["status"], "draft");
    assert_eq!(model["figures"]["events.near_miss.ISO事務局"]["current"], 5);
    let browser = app.browser("isms").await;
    let page_json: Value = browser
        .get(format!(
            "{}/o/sajeco/reports/2017/files/report.json",
            app.url
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(model, page_json);
    let (_, en) = app
        .api(&isms, Method::GET, "/api/v1/reports/2017?lang=en", None)
        .await;
    assert_eq!(en["lang"], "en");
    let pdf = app
        .http
        .get(format!("{}/api/v1/reports/2017/report.pdf", app.url))
        .bearer_auth(&isms)
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    assert!(pdftotext(&bytes).contains("情報セキュリティ報告書"));
    for (path, status, code) in [
        ("/api/v1/reports/2017?lang=fr", 422, "invalid"),
        ("/api/v1/reports/2017?langue=en", 422, "invalid"),
        ("/api/v1/reports/2017/report.exe", 404, "not-found"),
        ("/api/v1/reports/abc", 404, "not-found"),
        ("/api/v1/reports/99999", 404, "not-found"),
    ] {
        let (got, body) = app.api(&isms, Method::GET, path, None).await;
        assert_eq!((got, body["code"].as_str()), (status, Some(code)), "{path}");
    }

    // Staff read no draft and take no step; nor does a department manager.
    let (_, theirs) = app.api(&staff, Method::GET, "/api/v1/reports", None).await;
    assert_eq!(theirs["total"], 0, "{theirs}");
    for path in ["/api/v1/reports/2017", "/api/v1/reports/2017/report.pdf"] {
        let (status, body) = app.api(&staff, Method::GET, path, None).await;
        assert_eq!(status, 403, "{path}: {body}");
    }
    for step in ["start", "submit", "approve", "send-back", "publish"] {
        let path = format!("/api/v1/reports/2017/{step}");
        for token in [&staff, &manager] {
            let (status, body) = app.api(token, Method::POST, &path, None).await;
            assert_eq!(status, 403, "{path}: {body}");
            assert_eq!(body["code"], "forbidden");
        }
    }

    // A step out of order is refused with the page's message; a draft is not published.
    let (status, body) = app
        .api(&isms, Method::POST, "/api/v1/reports/2017/publish", None)
        .await;
    assert_eq!(status, 409);
    assert_eq!(body["code"], "report-wrong-step");
    assert_eq!(body["message"], "この操作は今の状態ではできません。");
    // review → approved (by top management: the head of the secretariat, not the administrator)
    // → published.
    let (status, body) = app
        .api(&isms, Method::POST, "/api/v1/reports/2017/submit", None)
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("review")),
        "{body}"
    );
    let (status, body) = app
        .api(&admin, Method::POST, "/api/v1/reports/2017/approve", None)
        .await;
    assert_eq!(status, 409);
    assert_eq!(body["code"], "report-approve-top-management");
    let (status, body) = app
        .api(&isms, Method::POST, "/api/v1/reports/2017/approve", None)
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("approved")),
        "{body}"
    );
    assert!(body["approved_by"].is_string() && body["approved_on"].is_string());
    let (status, body) = app
        .api(&isms, Method::POST, "/api/v1/reports/2017/publish", None)
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("published")),
        "{body}"
    );
    assert!(body["published_on"].is_string() && body["published_by"].is_string());

    // Published: the files are the frozen ones the page gives, and staff read them.
    let frozen = |token: &str, url: String| {
        let req = app.http.get(url).bearer_auth(token);
        async move { req.send().await.unwrap().bytes().await.unwrap() }
    };
    let api_pdf = frozen(&isms, format!("{}/api/v1/reports/2017/report.pdf", app.url)).await;
    let page_pdf = browser
        .get(format!(
            "{}/o/sajeco/reports/2017/files/report.pdf",
            app.url
        ))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(api_pdf, page_pdf);
    let staff_pdf = frozen(
        &staff,
        format!("{}/api/v1/reports/2017/report.pdf", app.url),
    )
    .await;
    assert_eq!(staff_pdf, page_pdf);
    let (_, theirs) = app.api(&staff, Method::GET, "/api/v1/reports", None).await;
    assert_eq!(theirs["items"][0]["status"], "published", "{theirs}");

    // A correction needs its note; with it, revision 2 starts as a draft.
    let (status, body) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/reports/2017/start",
            Some(json!({"change_note": "  "})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["details"][0]["field"], "change_note");
    let (status, body) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/reports/2017/start",
            Some(json!({"change_note": "誤字を訂正"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["revision"], 2);
    assert_eq!(body["status"], "draft");
    assert_eq!(body["change_note"], "誤字を訂正");
    let (_, list) = app.api(&isms, Method::GET, "/api/v1/reports", None).await;
    assert_eq!(list["total"], 2);
}

/// Follows every figure's `records` (and, for a share, `of`) through the API and compares the
/// list's `total` with the figure, for both years of a report. The figures are the model's own:
/// each one the report JSON holds, none listed here.
async fn every_figure_is_its_records(app: &common::App, token: &str, year: i32) -> usize {
    use reqwest::Method;
    let (status, report) = app
        .api(token, Method::GET, &format!("/api/v1/reports/{year}"), None)
        .await;
    assert_eq!(status, 200, "{report}");
    let total = |path: String| async move {
        let (status, list) = app
            .api(token, Method::GET, &format!("{path}&limit=1"), None)
            .await;
        assert_eq!(status, 200, "{path}: {list}");
        list["total"]
            .as_i64()
            .unwrap_or_else(|| panic!("{path}: {list}"))
    };
    let figures = report["figures"].as_object().expect("figures");
    assert!(figures.len() > 40, "{} figures", figures.len());
    let mut walked = 0;
    for (id, figure) in figures {
        let links = &report["drill_down"][id];
        for year in ["current", "previous"] {
            let value = &figure[year];
            // ― : nothing applies (a department no second party audited, a year before the
            // records begin); such a figure counts nothing.
            if value == "n/a" {
                continue;
            }
            let records = links["records"][year]
                .as_str()
                .unwrap_or_else(|| panic!("{id}: no records to verify it by: {links}"));
            assert!(records.starts_with("/api/v1/"), "{id}: {records}");
            let n = total(records.to_string()).await;
            let expected = match links["of"][year].as_str() {
                // A share: the part's total of the whole's, one decimal, as the report rounds.
                Some(of) => {
                    let all = total(of.to_string()).await;
                    if all == 0 {
                        None
                    } else {
                        Some(((n as f64) * 1000.0 / all as f64).round() / 10.0)
                    }
                }
                None => Some(n as f64),
            };
            match (value.as_f64(), expected) {
                (Some(v), Some(e)) => assert_eq!(v, e, "{id} {year}: {value} but {records} → {n}"),
                // 無し: a count of nothing, or a share of no records.
                (None, e) => assert!(
                    e.is_none() || e == Some(0.0),
                    "{id} {year}: {value} but {records} → {n}"
                ),
                (Some(v), None) => panic!("{id} {year}: {v} of nothing"),
            }
            walked += 1;
        }
    }
    walked
}

#[tokio::test]
async fn every_figure_of_the_report_lists_exactly_what_it_counts() {
    let app = spawn_app().await;
    // FY2017, the reference year.
    let isms = app.token("isms").await;
    let walked = every_figure_is_its_records(&app, &isms, 2017).await;
    assert!(walked > 80, "{walked} figures walked");

    // A synthetic organisation's last whole year: events, findings of the three parties' audits,
    // training sessions and their attendances, drawn at random.
    let options = mamori_io::synth::Options {
        people: 60,
        departments: 4,
        years: 3,
        seed: 7,
        slug: "walk".into(),
        events: 400,
        findings: 120,
        risks: 20,
        ..Default::default()
    };
    mamori_io::synth::build(&app.store, &options, &|_, _, _| {})
        .await
        .expect("synthetic organisation");
    let res = app
        .http
        .post(format!("{}/api/v1/auth/token", app.url))
        .json(&serde_json::json!({"email": "isms-manager@walk.example", "password": common::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let token = res.json::<serde_json::Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let today = mamori_domain::dates::today();
    let last = mamori_domain::Calendar::APRIL.containing(today).previous();
    let walked = every_figure_is_its_records(&app, &token, last.year()).await;
    assert!(walked > 40, "{walked} figures walked");
}
