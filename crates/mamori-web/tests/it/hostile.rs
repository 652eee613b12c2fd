//! Hostile and malformed input over HTTP: control characters anywhere, invisible names, bodies past
//! the limit, references out of their dates. Each is refused with a translated message and changes
//! nothing; answers that hold records are never cached.

use crate::common;

use common::spawn_app;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn control_characters_are_refused_everywhere_and_change_nothing() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    let person = app.id_of(&isms, "people", "0004").await;
    let (_, before) = app
        .api(
            &isms,
            Method::GET,
            &format!("/api/v1/people/{person}"),
            None,
        )
        .await;

    // A search, a reference filter and a date filter.
    for query in [
        "/api/v1/people?q=%00",
        "/api/v1/people?department=SOU%00MU",
        "/api/v1/security-events?occurred_on_from=2017%1B-04-01",
        "/api/v1/people?q=%C2%85",
    ] {
        let (status, body) = app.api(&isms, Method::GET, query, None).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert_eq!(body["details"][0]["code"], "control-characters", "{body}");
    }
    // A field of a create and an edit, a withdrawal's reason.
    app.refused(
        &isms,
        "/api/v1/departments",
        json!({"code": "NUL", "name": "総務\u{0}部", "valid_from": "2020-04-01"}),
        "name",
    )
    .await;
    let (status, body) = app
        .api(
            &isms,
            Method::PATCH,
            &format!("/api/v1/people/{person}"),
            Some(json!({"name": "西田\u{7}健一"})),
        )
        .await;
    assert_eq!(
        (status, body["details"][0]["field"].clone()),
        (422, json!("name")),
        "{body}"
    );
    let (status, body) = app
        .api(
            &isms,
            Method::POST,
            &format!("/api/v1/people/{person}/withdraw"),
            Some(json!({"reason": "二重\u{0}登録"})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["details"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("制御文字")),
        "a translated message: {body}"
    );
    let (_, after) = app
        .api(
            &isms,
            Method::GET,
            &format!("/api/v1/people/{person}"),
            None,
        )
        .await;
    assert_eq!(before, after, "nothing changed");
    // A path with one is simply not found.
    let (status, _) = app.api(&isms, Method::GET, "/api/v1/peo%00ple", None).await;
    assert_eq!(status, 404);

    // A form: the sign-in page's fields.
    let res = app
        .http
        .post(format!("{}/login", app.url))
        .form(&[("email", "isms@sajeco.example\u{0}"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn a_value_of_only_invisible_characters_is_empty() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    app.refused(
        &isms,
        "/api/v1/departments",
        json!({"code": "ZW", "name": "\u{200B}\u{200B}\u{FEFF}", "valid_from": "2020-04-01"}),
        "required",
    )
    .await;
}

#[tokio::test]
async fn a_body_past_the_limit_is_answered_413() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    let big = vec![b'a'; 50 * 1024 * 1024];
    let res = app
        .http
        .post(format!("{}/api/v1/people", app.url))
        .bearer_auth(&isms)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .expect("an answer, not a reset connection");
    assert_eq!(res.status(), 413);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "too-large", "{body}");
}

#[tokio::test]
async fn answers_that_hold_records_are_not_cached_and_times_are_rfc3339() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    let browser = app.browser("isms").await;
    for (client, path) in [
        (&app.http, "/api/v1/people"),
        (&browser, "/o/sajeco/people/export.csv"),
        (&browser, "/o/sajeco/people/export.xlsx"),
        (&browser, "/o/sajeco/people"),
    ] {
        let res = client
            .get(format!("{}{path}", app.url))
            .bearer_auth(&isms)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(
            res.headers()
                .get("cache-control")
                .map(|v| v.to_str().unwrap()),
            Some("no-store"),
            "{path}"
        );
    }

    let person = app.id_of(&isms, "people", "0004").await;
    let (status, body) = app
        .api(
            &isms,
            Method::POST,
            &format!("/api/v1/people/{person}/withdraw"),
            Some(json!({"reason": "二重登録"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let at = body["withdrawn"]["at"].as_str().unwrap();
    assert!(
        time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).is_ok(),
        "{at}"
    );
}

#[tokio::test]
async fn a_reference_is_checked_against_the_records_date() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    // 営業部門 was founded in the 2018 reorganisation.
    let (status, body) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/security-events",
            Some(json!({
                "kind": "near_miss", "occurred_on": "2016-06-01", "cause": "human_error",
                "description": "改組前の事象", "department": "EIGYO", "reporter": "0001",
            })),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    let detail = &body["details"][0];
    assert_eq!(detail["field"], "department", "{body}");
    assert_eq!(detail["code"], "department-not-in-force");
    let message = detail["message"].as_str().unwrap();
    assert!(
        message.contains("2016年6月1日") && message.contains("2018年4月1日"),
        "the message names the dates: {message}"
    );
    // 菅原 達也 (0019) left on 2016-12-31: not at a session in 2017.
    let (status, body) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/attendances",
            Some(json!({"session": "2016-INIT-0110", "person": "0019", "status": "attended", "department": "ITEIGYO"})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["details"][0]["code"], "person-not-in-force", "{body}");
    assert!(
        body["details"][0]["message"]
            .as_str()
            .unwrap()
            .contains("2016年12月31日"),
        "{body}"
    );
    // In force that day: accepted.
    let (status, body) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/security-events",
            Some(json!({
                "kind": "near_miss", "occurred_on": "2016-06-01", "cause": "human_error",
                "description": "改組前の事象", "department": "ITEIGYO", "reporter": "0001",
            })),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn what_the_openapi_document_does_not_allow_is_refused() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    let long = "あ".repeat(201);
    for (query, field) in [
        (format!("/api/v1/people?q={long}"), "q"),
        ("/api/v1/people?sort=shoe_size".to_string(), "sort"),
        (
            "/api/v1/objectives?fiscal_year=-5".to_string(),
            "fiscal_year",
        ),
    ] {
        let (status, body) = app.api(&isms, Method::GET, &query, None).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert_eq!(body["details"][0]["field"], field, "{body}");
    }
    // A number where the document says text; a whole-number field takes one.
    app.refused(
        &isms,
        "/api/v1/departments",
        json!({"code": 42, "name": "数字の部門", "valid_from": "2020-04-01"}),
        "invalid-type",
    )
    .await;
    let (status, body) = app
        .api(
            &isms,
            Method::GET,
            "/api/v1/people?sort=&dir=&status=",
            None,
        )
        .await;
    assert_eq!(status, 200, "empty means the default: {body}");
    let (status, body) = app
        .api(&isms, Method::GET, "/api/v1/findings?status=", None)
        .await;
    assert_eq!(status, 200, "also where status is a field: {body}");
}

/// Counting through the API must never count the whole register because a filter was misspelt:
/// a parameter the list does not take is refused, named, on the API and on the pages alike.
#[tokio::test]
async fn a_misspelt_list_filter_is_refused_naming_it_never_ignored() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    for (query, name) in [
        (
            "/api/v1/security-events?occured_on_from=2017-04-01",
            "occured_on_from",
        ),
        // A through filter and a date range of a field that is not a date, also blank.
        (
            "/api/v1/attendances?session.cours=ISO-INIT",
            "session.cours",
        ),
        ("/api/v1/attendances?session.cours=", "session.cours"),
        (
            "/api/v1/security-events?description_from=",
            "description_from",
        ),
        ("/api/v1/people?page=2", "page"),
    ] {
        let (status, body) = app.api(&isms, Method::GET, query, None).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert_eq!(body["details"][0]["field"], name, "{body}");
        assert_eq!(body["details"][0]["code"], "unknown-parameter", "{body}");
    }
    let res = app
        .http
        .get(format!(
            "{}/api/v1/security-events?occured_on_from=2017-04-01",
            app.url
        ))
        .bearer_auth(&isms)
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["details"][0]["message"],
        "\"occured_on_from\" is not a parameter of this list; check its spelling."
    );
    // Every parameter the document names is still taken, blank or not, and `org`.
    let (status, body) = app
        .api(
            &isms,
            Method::GET,
            "/api/v1/security-events?occurred_on_from=2017-04-01&occurred_on_to=&q=&sort=&dir=&status=&limit=5&offset=0&org=sajeco",
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app
        .api(
            &isms,
            Method::GET,
            "/api/v1/attendances?session.course=ISO-INIT&session.held_on_from=2017-04-01",
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");

    // The list page says which parameter it does not take, in the reader's language; so does its
    // export, which would otherwise hand over the whole register.
    let browser = app.browser("isms").await;
    for path in [
        "/o/sajeco/security-events?occured_on_from=2017-04-01",
        "/o/sajeco/security-events/export.csv?occured_on_from=2017-04-01",
    ] {
        let res = browser
            .get(format!("{}{path}", app.url))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422, "{path}");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let page = res.text().await.unwrap();
        assert!(
            page.contains("「occured_on_from」はこの一覧で指定できる条件ではありません。"),
            "{page}"
        );
    }
    // The page's own parameters still work: paging, sorting, filters left blank.
    let res = browser
        .get(format!(
            "{}/o/sajeco/security-events?page=2&sort=occurred_on&dir=desc&occurred_on_from=&status=all&q=",
            app.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}
