//! The controls register over HTTP against the demo: the Annex A catalogue is there in its order,
//! custom controls take ids of their own, the catalogue is imported once from the import page, and
//! the 2013 controls show where they went.

use crate::common;

use common::{field_value, spawn_app};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn the_catalogue_is_in_order_and_custom_controls_keep_their_own_ids() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    let (status, page) = app
        .api(&isms, Method::GET, "/api/v1/controls?limit=12", None)
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"], 93);
    assert_eq!(page["items"][9]["code"], "A.5.10", "{page}");
    assert_eq!(page["items"][0]["theme"], "organizational");
    let (_, cloud) = app
        .api(&isms, Method::GET, "/api/v1/controls?q=A.5.23", None)
        .await;
    assert_eq!(cloud["items"][0]["new_in_2022"], "yes", "{cloud}");

    for (body, code) in [
        (
            json!({"code": "A.9.1", "title": "x"}),
            "reserved-for-annex-a",
        ),
        (
            json!({"code": "X-1", "source": "annex_a_2022", "theme": "people", "title": "x"}),
            "not-annex-a",
        ),
        (
            json!({"code": "A.6.9", "source": "annex_a_2022", "title": "x"}),
            "theme",
        ),
        (json!({"code": "C-01", "title": ""}), "title"),
    ] {
        app.refused(&isms, "/api/v1/controls", body, code).await;
    }
    let (status, custom) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/controls",
            Some(json!({"code": "C-01", "title": "Customer key custody", "title_ja": "お客様の鍵の預り管理",
                        "theme": "physical"})),
        )
        .await;
    assert_eq!(status, 201, "{custom}");
    assert_eq!(custom["source"], "custom");
    // Staff read the catalogue and change nothing.
    let staff = app.token("staff").await;
    let (status, _) = app
        .api(&staff, Method::GET, "/api/v1/controls?q=C-01", None)
        .await;
    assert_eq!(status, 200);
    let (status, _) = app
        .api(
            &staff,
            Method::POST,
            "/api/v1/controls",
            Some(json!({"code": "C-02", "title": "x"})),
        )
        .await;
    assert_eq!(status, 403);

    // Where a 2013 control went.
    let (_, old) = app
        .api(&isms, Method::GET, "/api/v1/controls-2013?q=A.6.2.1", None)
        .await;
    assert_eq!(old["items"][0]["ids_2022"], "A.8.1", "{old}");

    // The demo has the catalogue: importing it again adds nothing.
    let browser = app.browser("isms").await;
    let import = app.page(&browser, "/o/sajeco/controls/import").await;
    // Both forms are in the page, not in its title.
    let (head, body) = import.split_once("</title>").unwrap();
    assert!(!head.contains("<section"), "{head}");
    for id in ["controls-starter", "import-titles"] {
        assert_eq!(body.matches(&format!("id=\"{id}\"")).count(), 1, "{id}");
    }
    let res = browser
        .post(format!("{}/o/sajeco/controls/starter", app.url))
        .form(&[("csrf", field_value(&import, "csrf"))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let done = res.text().await.unwrap();
    assert!(
        done.contains("0件の管理策と0件の2013年版の管理策"),
        "{done}"
    );
    assert!(done.contains("href=\"/o/sajeco/controls\""), "{done}");
    // A register without reference data has no such button and no such import.
    let people = app.page(&browser, "/o/sajeco/people/import").await;
    assert!(!people.contains("-starter\""));
    let res = browser
        .post(format!("{}/o/sajeco/people/starter", app.url))
        .form(&[("csrf", field_value(&import, "csrf"))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

/// Posts a CSV to the controls' Japanese-titles form as the secretariat's browser.
async fn post_titles(app: &common::App, browser: &reqwest::Client, csv: &str) -> (u16, String) {
    let me = app.page(browser, "/o/sajeco/me").await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", field_value(&me, "csrf"))
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("titles.csv"),
        );
    let res = browser
        .post(format!("{}/o/sajeco/controls/titles", app.url))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

#[tokio::test]
async fn japanese_titles_come_from_the_organisations_own_file_all_or_nothing() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    let browser = app.browser("isms").await;
    let title_of = |code: &'static str| {
        let app = &app;
        let isms = isms.clone();
        async move {
            let (_, found) = app
                .api(
                    &isms,
                    Method::GET,
                    &format!("/api/v1/controls?q={code}"),
                    None,
                )
                .await;
            // The search also finds controls whose 2013 predecessors mention the id.
            found["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["code"] == code)
                .map(|c| c["title_ja"].clone())
                .unwrap_or_else(|| panic!("{code}: {found}"))
        }
    };
    // One unknown id: nothing changes, and the row is named.
    let (status, page) = post_titles(
        &app,
        &browser,
        "管理策番号,名称（日本語）\nA.5.1,情報セキュリティのための方針群\nA.9.9,存在しない管理策\n",
    )
    .await;
    assert_eq!(status, 422, "{page}");
    let table = page
        .split("id=\"import-errors\"")
        .nth(1)
        .expect("the errors");
    let table = table.split("</table>").next().unwrap();
    assert!(
        table.contains("<td>3</td>") && table.contains("A.9.9"),
        "{table}"
    );
    assert_eq!(
        table.matches("<tr>").count(),
        2,
        "one heading, one refused row"
    );
    assert!(title_of("A.5.1").await.is_null());
    // Labels or field codes as headings, full-width ids accepted.
    let (status, page) = post_titles(
        &app,
        &browser,
        "code,title_ja\nＡ.５.１,情報セキュリティのための方針群\nA.8.1,利用者エンドポイント機器\n",
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(title_of("A.5.1").await, "情報セキュリティのための方針群");
    assert_eq!(title_of("A.8.1").await, "利用者エンドポイント機器");
    // The standard's own numbering (5.2) is read as the catalogue's; an id twice is refused.
    let (status, page) = post_titles(
        &app,
        &browser,
        "管理策番号,名称（日本語）\n5.2,情報セキュリティの役割及び責任\n",
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(title_of("A.5.2").await, "情報セキュリティの役割及び責任");
    let (status, page) = post_titles(&app, &browser, "code,title_ja\nA.5.3,x\nA.5.3,y\n").await;
    assert_eq!(status, 422, "{page}");
    assert!(title_of("A.5.3").await.is_null());
    // A file without the title column is refused.
    let (status, page) = post_titles(&app, &browser, "code\nA.5.1\n").await;
    assert_eq!(status, 422, "{page}");
    // Staff may not.
    let staff = app.browser("staff").await;
    let (status, _) = post_titles(&app, &staff, "code,title_ja\nA.5.1,x\n").await;
    assert_eq!(status, 403);
    assert_eq!(title_of("A.5.1").await, "情報セキュリティのための方針群");
}

/// How many records of a collection a query finds.
async fn total(app: &common::App, token: &str, path: &str) -> i64 {
    let (status, page) = app.api(token, Method::GET, path, None).await;
    assert_eq!(status, 200, "{path}: {page}");
    page["total"].as_i64().unwrap()
}

#[tokio::test]
async fn the_demo_reviews_and_assessments_are_the_reports_figures() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    let fy = |year: i32| format!("from={year}-04-01&_to={}-03-31", year + 1);
    let counted =
        |collection: &'static str, date: &'static str, year: i32, filter: &'static str| {
            let app = &app;
            let isms = isms.clone();
            let range = fy(year)
                .replace("from=", &format!("{date}_from="))
                .replace("_to=", &format!("{date}_to="));
            async move {
                total(
                    app,
                    &isms,
                    &format!("/api/v1/{collection}?{range}{filter}&limit=1"),
                )
                .await
            }
        };
    // 5.2(3): external incidents reviewed 15(23), implemented 1(2).
    let reviews = "external-incident-reviews";
    assert_eq!(counted(reviews, "reviewed_on", 2017, "").await, 15);
    assert_eq!(counted(reviews, "reviewed_on", 2016, "").await, 23);
    assert_eq!(
        counted(reviews, "reviewed_on", 2017, "&decision=implement").await,
        1
    );
    assert_eq!(
        counted(reviews, "reviewed_on", 2016, "&decision=implement").await,
        2
    );
    // 5.2(4): no relaxation review, none relaxed.
    for year in [2017, 2016] {
        assert_eq!(
            counted("relaxation-reviews", "reviewed_on", year, "").await,
            0
        );
    }
    // 5.2(5): change-triggered assessments 7(0), controls confirmed 2(0).
    let changes = "change-assessments";
    assert_eq!(counted(changes, "assessed_on", 2017, "").await, 7);
    assert_eq!(counted(changes, "assessed_on", 2016, "").await, 0);
    assert_eq!(
        counted(changes, "assessed_on", 2017, "&controls_confirmed=yes").await,
        2
    );
    // Each review names the meeting that reviewed it, on the meeting's day.
    let (_, one) = app
        .api(
            &isms,
            Method::GET,
            "/api/v1/external-incident-reviews?decision=implement&limit=10",
            None,
        )
        .await;
    assert!(
        one["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["meeting"] == "MT-2017-09"),
        "{one}"
    );
}

#[tokio::test]
async fn a_decision_says_what_was_done_and_who_approved_it() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    app.refused(
        &isms,
        "/api/v1/external-incident-reviews",
        json!({"source": "jpcert", "summary": "x", "reviewed_on": "2026-11-20", "decision": "implement"}),
        "implemented",
    )
    .await;
    app.refused(
        &isms,
        "/api/v1/external-incident-reviews",
        json!({"source": "news", "source_on": "2026-11-21", "summary": "x", "reviewed_on": "2026-11-20"}),
        "reviewed_on",
    )
    .await;
    let (status, review) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/external-incident-reviews",
            Some(json!({"source": "ipa", "summary": "ランサムウェアの注意喚起", "reviewed_on": "２０２６年１１月２０日"})),
        )
        .await;
    assert_eq!(status, 201, "{review}");
    assert_eq!(review["decision"], "pending");
    for body in [
        json!({"reviewed_on": "2026-11-20", "control": "A.7.7", "reason": "x", "decision": "relax"}),
        json!({"reviewed_on": "2026-11-20", "control": "A.7.7", "reason": "x", "decision": "keep", "approver": "0001"}),
    ] {
        app.refused(&isms, "/api/v1/relaxation-reviews", body, "needed-for-step")
            .await;
    }
    let (status, kept) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/relaxation-reviews",
            Some(json!({"reviewed_on": "2026-11-20", "control": "A.7.7", "reason": "在宅勤務で机上の書類が少ない",
                        "decision": "keep", "approver": "0001", "decided_on": "2026-11-27"})),
        )
        .await;
    assert_eq!(status, 201, "{kept}");
    app.refused(
        &isms,
        "/api/v1/relaxation-reviews",
        json!({"reviewed_on": "2026-11-20", "control": "A.99", "reason": "x"}),
        "control",
    )
    .await;
}

#[tokio::test]
async fn the_figures_page_counts_the_reviews_with_links() {
    let app = spawn_app().await;
    let browser = app.browser("isms").await;
    app.select_fiscal_year(&browser, "2017").await;
    let page = app.page(&browser, "/o/sajeco/event-figures").await;
    for (id, figure) in [
        ("external_incident_reviews.reviewed", "15(23)件"),
        ("external_incident_reviews.implemented", "1(2)件"),
        ("relaxation_reviews.reviewed", "0(0)件"),
        ("relaxation_reviews.relaxed", "0(0)件"),
        ("change_assessments.assessed", "7(0)件"),
        ("change_assessments.controls_confirmed", "2(0)件"),
    ] {
        let (text, html) = common::figure_cell(&page, id);
        assert_eq!(text, figure, "{id}");
        // This year's records and the previous year's.
        assert_eq!(html.matches("<a ").count(), 2, "{html}");
    }
    // The figure opens the records it counts.
    let (_, html) = common::figure_cell(&page, "external_incident_reviews.implemented");
    let href = html
        .split("href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    // minijinja escapes `/` in attributes.
    let href = href.replace("&#x2f;", "/").replace("&amp;", "&");
    let list = app.page(&browser, &href).await;
    assert!(list.contains("全 1 件"), "{href}");
    // Sections whose figures are in their text are there too: the year's drill (5.2(7)) and the
    // facilities (5.2(8)), from the report model.
    let text = common::text_of(&page);
    assert!(text.contains("LAN-HUB"), "{text}");
    assert!(
        page.contains("id=\"s5-2-7\"") && page.contains("id=\"s5-2-8\""),
        "{page}"
    );
}
