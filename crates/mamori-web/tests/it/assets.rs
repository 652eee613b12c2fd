//! Confidential assets stay hidden through every path: the list page, search, the detail page, the
//! API, the XLSX and CSV exports and the choices of a form, over HTTP against the demo.

use crate::common;

use common::spawn_app;

/// The demo's ICT customer data (strictly confidential) and source code (confidential).
const HIDDEN: &[&str] = &["A-101", "A-102", "ミライソフト社"];

#[tokio::test]
async fn a_confidential_asset_is_hidden_from_everyone_but_those_who_must_see_it() {
    let app = spawn_app().await;
    let isms_token = app.token("isms").await;
    let all: serde_json::Value = app
        .http
        .get(format!("{}/api/v1/assets?limit=100&status=all", app.url))
        .bearer_auth(&isms_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id_of = |code: &str| {
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["code"] == code)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (secret, general) = (id_of("A-101"), id_of("A-001"));
    // Staff (no grant), the SOUMU manager and the administrator see none of ICT's confidential assets.
    for who in ["staff", "manager", "admin", "auditor"] {
        let browser = app.browser(who).await;
        let token = app.token(who).await;
        let get = |url: String| {
            let browser = browser.clone();
            async move { browser.get(url).send().await.unwrap() }
        };
        let page = get(format!("{}/o/sajeco/assets", app.url))
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("就業規則"), "{who} sees general assets");
        let searched = get(format!("{}/o/sajeco/assets?q=ミライ", app.url))
            .await
            .text()
            .await
            .unwrap();
        let csv = get(format!("{}/o/sajeco/assets/export.csv", app.url))
            .await
            .bytes()
            .await
            .unwrap();
        let xlsx = get(format!("{}/o/sajeco/assets/export.xlsx", app.url))
            .await
            .bytes()
            .await
            .unwrap();
        let xlsx_text = mamori_io::sheet::Sheet::from_xlsx(&xlsx)
            .unwrap()
            .rows
            .concat()
            .join(" ");
        let grants = get(format!("{}/o/sajeco/asset-handlers", app.url))
            .await
            .text()
            .await
            .unwrap();
        let new_grant = get(format!("{}/o/sajeco/asset-handlers/new", app.url))
            .await
            .text()
            .await
            .unwrap();
        let api: serde_json::Value = app
            .http
            .get(format!("{}/api/v1/assets?limit=100&q=A-10", app.url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for hidden in HIDDEN {
            assert!(!page.contains(hidden), "{who}: list shows {hidden}");
            assert!(!searched.contains(hidden), "{who}: search shows {hidden}");
            assert!(
                !String::from_utf8_lossy(&csv).contains(hidden),
                "{who}: CSV has {hidden}"
            );
            assert!(!xlsx_text.contains(hidden), "{who}: XLSX has {hidden}");
            assert!(!grants.contains(hidden), "{who}: grants show {hidden}");
            assert!(
                !new_grant.contains(hidden),
                "{who}: the grant form offers {hidden}"
            );
            assert!(
                !api.to_string().contains(hidden),
                "{who}: API lists {hidden}"
            );
        }
        assert_eq!(
            get(format!("{}/o/sajeco/assets/{secret}", app.url))
                .await
                .status(),
            404,
            "{who}"
        );
        assert_eq!(
            get(format!("{}/o/sajeco/assets/{general}", app.url))
                .await
                .status(),
            200,
            "{who}"
        );
        for path in [
            format!("/api/v1/assets/{secret}"),
            format!("/api/v1/assets/{secret}/history"),
        ] {
            let res = app
                .http
                .get(format!("{}{path}", app.url))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 404, "{who} {path}");
        }
    }
    // The SOUMU manager sees SOUMU's confidential assets; the secretariat sees everything.
    let manager = app.browser("manager").await;
    let page = manager
        .get(format!("{}/o/sajeco/assets", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("給与・賞与データ") && page.contains("従業員名簿"));
    let isms = app.browser("isms").await;
    let csv = isms
        .get(format!("{}/o/sajeco/assets/export.csv?status=all", app.url))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(
        HIDDEN
            .iter()
            .all(|h| String::from_utf8_lossy(&csv).contains(h))
    );
    assert_eq!(all["total"], 13, "two of them disposed");
}

/// A grant is refused, with the reason beside the field, for someone who has not passed the
/// onboarding test: the demo's new joiner.
#[tokio::test]
async fn the_new_joiner_cannot_be_made_a_handler_until_the_test_is_passed() {
    let app = spawn_app().await;
    let token = app.token("isms").await;
    let res = app
        .http
        .post(format!("{}/api/v1/asset-handlers", app.url))
        .bearer_auth(&token)
        .json(&serde_json::json!({"asset": "A-002", "person": "2601", "approved_by": "0005", "approved_on": "2026-11-01", "valid_until": "2027-03-31"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["details"][0]["field"], "person");
    assert!(
        body["details"][0]["message"]
            .as_str()
            .unwrap()
            .contains("理解度テストの合格")
    );
    // Approved by someone who does not manage the asset's department.
    let res = app
        .http
        .post(format!("{}/api/v1/asset-handlers", app.url))
        .bearer_auth(&token)
        .json(&serde_json::json!({"asset": "A-002", "person": "0010", "approved_by": "0006", "approved_on": "2026-11-01", "valid_until": "2027-03-31"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["details"][0]["field"], "approved_by");
}

/// Leaving: the person's page lists every asset they are responsible for until each is handed over.
#[tokio::test]
async fn the_leaving_checklist_lists_the_assets_to_hand_over() {
    let app = spawn_app().await;
    let token = app.token("isms").await;
    let person = app.id_of(&token, "people", "0009").await;
    let (status, _) = app
        .api(
            &token,
            reqwest::Method::PATCH,
            &format!("/api/v1/people/{person}"),
            Some(serde_json::json!({"left_on": "2026-12-31"})),
        )
        .await;
    assert_eq!(status, 200);
    let isms = app.browser("isms").await;
    let path = format!("/o/sajeco/people/{person}");
    let page = || app.page(&isms, &path);
    let html = page().await;
    assert!(
        html.contains("従業員名簿（個人情報） (A-002)</a>: 取扱者"),
        "{html}"
    );
    assert!(html.contains("給与・賞与データ (A-003)</a>: 取扱者"));
    let (_, grants) = app
        .api(
            &token,
            reqwest::Method::GET,
            "/api/v1/asset-handlers?person=0009",
            None,
        )
        .await;
    for g in grants["items"].as_array().unwrap() {
        let id = g["id"].as_i64().unwrap();
        app.api(
            &token,
            reqwest::Method::POST,
            &format!("/api/v1/asset-handlers/{id}/withdraw"),
            Some(serde_json::json!({"reason": "退職"})),
        )
        .await;
    }
    let html = page().await;
    assert!(html.contains("担当している情報資産はありません"), "{html}");
}

/// The overdue page lists the demo's late take-out, device and key; staff do not see the
/// take-out of an asset hidden from them.
#[tokio::test]
async fn the_overdue_page_lists_what_is_late() {
    let app = spawn_app().await;
    let page = |who: &'static str| {
        let app = &app;
        async move {
            app.browser(who)
                .await
                .get(format!("{}/o/sajeco/overdue", app.url))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let isms = page("isms").await;
    assert!(
        isms.contains("ミライソフト社 受託開発ソースコード (A-101)"),
        "{isms}"
    );
    assert!(isms.contains("PC-ICT-11") && isms.contains("K-2018-001"));
    let staff = page("staff").await;
    assert!(!staff.contains("A-101") && staff.contains("PC-ICT-11"));
}
