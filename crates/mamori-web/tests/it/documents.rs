//! The PDFs, the asset rules of the settings page and leaving, over HTTP against the demo: label
//! sheets and key receipts are real PDF bytes whose text `pdftotext` reads back.

use crate::common;

use common::{field_value, pdftotext, spawn_app};

#[tokio::test]
async fn label_sheets_and_key_receipts_are_pdfs_with_the_records_in_them() {
    let app = spawn_app().await;
    let browser = app.browser("isms").await;
    let get = |url: String| {
        let browser = browser.clone();
        async move { browser.get(url).send().await.unwrap() }
    };
    // Every device the list shows, filtered by department: the LAN hub of the drill among them.
    let res = get(format!(
        "{}/o/sajeco/devices/labels.pdf?department=ICT",
        app.url
    ))
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let text = pdftotext(&res.bytes().await.unwrap());
    assert!(text.contains("HUB-ICT-01"), "{text}");
    assert!(text.contains("LANハブ（サーバ室）"), "{text}");
    assert!(
        !text.contains("HUB-SOUMU-01"),
        "filtered by department: {text}"
    );
    // Cables name both ends.
    let cables = get(format!("{}/o/sajeco/cables/labels.pdf", app.url)).await;
    let text = pdftotext(&cables.bytes().await.unwrap());
    assert!(text.contains("CBL-003"), "{text}");
    assert!(text.contains("HUB-SOUMU-01"), "{text}");
    // One device's label from its page.
    let token = app.token("isms").await;
    let hub = app.id_of(&token, "devices", "HUB-ICT-01").await;
    let page = get(format!("{}/o/sajeco/devices/{hub}", app.url))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("labels.pdf?id={hub}")));
    let one = get(format!("{}/o/sajeco/devices/labels.pdf?id={hub}", app.url)).await;
    let text = pdftotext(&one.bytes().await.unwrap());
    assert!(
        text.contains("HUB-ICT-01") && !text.contains("ICT-SV01"),
        "{text}"
    );
    // Registers without labels, and unknown records, have none.
    for url in [
        format!("{}/o/sajeco/assets/labels.pdf", app.url),
        format!("{}/o/sajeco/devices/labels.pdf?id=999999", app.url),
        format!("{}/o/sajeco/devices/labels.pdf?id=abc", app.url),
    ] {
        let status = get(url.clone()).await.status();
        assert!(status == 404 || status == 400, "{url}: {status}");
    }
    // A filter that is not one answers with a message, not a PDF.
    let bad = get(format!(
        "{}/o/sajeco/devices/labels.pdf?patched_on_from=xx",
        app.url
    ))
    .await;
    assert_eq!(bad.status(), 422);

    // The key receipt carries its number, the customer, the keys and the custodian.
    let key = app.id_of(&token, "custody-keys", "K-2017-001").await;
    let page = get(format!("{}/o/sajeco/custody-keys/{key}", app.url))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"receipt-pdf\"") && page.contains("receipt.pdf"));
    let receipt = get(format!(
        "{}/o/sajeco/custody-keys/{key}/receipt.pdf",
        app.url
    ))
    .await;
    assert_eq!(receipt.status(), 200);
    let text = pdftotext(&receipt.bytes().await.unwrap());
    for needle in [
        "鍵預り証",
        "K-2017-001",
        "東和ビルメンテナンス株式会社御中",
        "東和第一ビル（管理受託先）",
        "機械室・中央監視室の鍵",
        "2本",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    assert!(
        get(format!(
            "{}/o/sajeco/custody-keys/999999/receipt.pdf",
            app.url
        ))
        .await
        .status()
            == 404
    );
}

#[tokio::test]
async fn the_isms_manager_sets_the_handling_rules_and_they_are_enforced() {
    let app = spawn_app().await;
    let isms = app.browser("isms").await;
    let page = app.page(&isms, "/o/sajeco/settings").await;
    assert!(page.contains("id=\"handling-rules\""));
    let csrf = field_value(&page, "csrf");
    let post =
        |client: reqwest::Client, fields: Vec<(&'static str, &'static str)>, csrf: String| {
            let url = format!("{}/o/sajeco/settings/asset-rules", app.url);
            async move {
                let mut form: Vec<(&str, String)> = vec![("csrf", csrf)];
                form.extend(fields.into_iter().map(|(k, v)| (k, v.to_string())));
                client.post(url).form(&form).send().await.unwrap()
            }
        };
    // Bad values change nothing.
    for fields in [
        vec![("take_out_days", "0")],
        vec![("take_out_days", "abc")],
        vec![
            ("take_out_days", "3"),
            ("rule-confidential-email", "telepathy"),
        ],
        vec![("take_out_days", "3"), ("rule-confidential-email", "none")],
        vec![
            ("take_out_days", "3"),
            (
                "name-confidential-ja",
                "とても長い名前とても長い名前とても長い名前とても長い名前とても長い名前とても長い名前",
            ),
        ],
    ] {
        let res = post(isms.clone(), fields.clone(), csrf.clone()).await;
        assert_eq!(res.status(), 422, "{fields:?}");
    }
    // Staff may not set them.
    let staff = app.browser("staff").await;
    let staff_page = app.page(&staff, "/o/sajeco/me").await;
    let staff_csrf = field_value(&staff_page, "csrf");
    let res = post(staff, vec![("take_out_days", "3")], staff_csrf).await;
    assert_eq!(res.status(), 403);

    // 秘密 may no longer go by e-mail at all; full-width digits are read.
    let res = post(
        isms.clone(),
        vec![
            ("take_out_days", "３"),
            ("rule-confidential-email", "forbidden"),
            ("rule-strictly_confidential-email", "forbidden"),
            ("rule-strictly_confidential-registered_mail", "forbidden"),
            ("rule-strictly_confidential-approved_courier", "forbidden"),
            ("rule-general-email", "password,encryption"),
            ("name-confidential-ja", "社外秘"),
            ("name-confidential-en", "Internal"),
        ],
        csrf.clone(),
    )
    .await;
    assert_eq!(res.status(), 303);
    let page = app.page(&isms, "/o/sajeco/settings").await;
    assert!(page.contains("value=\"3\""), "the take-out limit is kept");
    // The handler's password-protected e-mail of a 秘密 asset is now refused, naming the rule.
    let handler = app.token("handler").await;
    let res = app
        .http
        .post(format!("{}/api/v1/handling-records", app.url))
        .bearer_auth(&handler)
        .json(&serde_json::json!({
            "asset": "A-002", "kind": "transfer", "occurred_on": "2026-11-27",
            "method": "email", "protection": "password", "recipient": "顧問税理士事務所",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(
        body.to_string()
            .contains("社外秘の資産は、電子メールでは送れません"),
        "the organisation's name for the level: {body}"
    );
    // The level's name is the organisation's wherever it shows.
    let list = app
        .page(&isms, "/o/sajeco/assets?classification=confidential")
        .await;
    assert!(
        list.contains("社外秘") && !list.contains("重要（秘密）</td>"),
        "{list}"
    );
    // The change is in the audit trail.
    let audit = app.page(&isms, "/o/sajeco/audit").await;
    assert!(
        audit.contains("organization") || audit.contains("組織"),
        "audit trail"
    );
}

#[tokio::test]
async fn leaving_withdraws_handler_grants_and_waits_for_assets_taken_out() {
    let app = spawn_app().await;
    let token = app.token("isms").await;
    let patch = |id: i64, left_on: &'static str| {
        let (app, token) = (&app, &token);
        async move {
            let path = format!("/api/v1/people/{id}");
            let body = serde_json::json!({ "left_on": left_on });
            app.api(token, reqwest::Method::PATCH, &path, Some(body))
                .await
        }
    };
    let grants = |person: &'static str| {
        let (app, token) = (&app, &token);
        async move {
            let path = format!("/api/v1/asset-handlers?person={person}");
            let (_, v) = app.api(token, reqwest::Method::GET, &path, None).await;
            v["total"].as_i64().unwrap()
        }
    };
    // 0012 took A-101 out and has not brought it back: the leaving date is refused.
    let holder = app.id_of(&token, "people", "0012").await;
    let (status, body) = patch(holder, "2026-11-30").await;
    assert_eq!(status, 422);
    assert!(body.to_string().contains("A-101"), "{body}");
    assert!(grants("0012").await > 0, "nothing changed");

    // 1703 holds a grant: leaving withdraws it, and it can no longer be granted.
    let leaver = app.id_of(&token, "people", "1703").await;
    assert!(grants("1703").await > 0);
    let (status, body) = patch(leaver, "2026-11-20").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(grants("1703").await, 0, "grants withdrawn on leaving");
    let (status, body) = app
        .api(
            &token,
            reqwest::Method::POST,
            "/api/v1/asset-handlers",
            Some(serde_json::json!({
                "asset": "A-001", "person": "1703", "approved_by": "0005",
                "approved_on": "2026-11-27", "valid_until": "2027-03-31",
            })),
        )
        .await;
    assert_eq!(status, 422);
    assert!(body.to_string().contains("has-left"));
}
