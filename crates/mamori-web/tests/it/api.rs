//! The JSON API over a real socket: shapes, and bad input of every kind answered with a clear 4xx.

use crate::common;

use common::spawn_app;
use serde_json::{Value, json};

#[tokio::test]
async fn people_are_listed_paginated_created_edited_withdrawn_and_have_history() {
    let app = spawn_app().await;
    let token = app.token("isms").await;
    let get = |path: String| {
        app.http
            .get(format!("{}{path}", app.url))
            .bearer_auth(&token)
            .send()
    };

    let res = get("/api/v1/people?limit=10&offset=5".into())
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let page: Value = res.json().await.unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 10);
    let total = page["total"].as_i64().unwrap();
    assert!(total >= 40);

    let res = app
        .http
        .post(format!("{}/api/v1/people", app.url))
        .bearer_auth(&token)
        .json(&json!({"employee_no": "９９０１", "name": "新入　太郎", "employment_type": "employee", "department": "SOUMU", "joined_on": "令和元年5月1日"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    assert_eq!(created["employee_no"], "9901");
    assert_eq!(created["name"], "新入 太郎");
    assert_eq!(created["joined_on"], "2019-05-01");
    let id = created["id"].as_i64().unwrap();

    let res = app
        .http
        .patch(format!("{}/api/v1/people/{id}", app.url))
        .bearer_auth(&token)
        .json(&json!({"name_kana": "シンニュウ タロウ"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = app
        .http
        .post(format!("{}/api/v1/people/{id}/withdraw", app.url))
        .bearer_auth(&token)
        .json(&json!({"reason": "二重登録"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let after: Value = get(format!("/api/v1/people/{id}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(after["withdrawn"]["reason"], "二重登録");
    let history: Value = get(format!("/api/v1/people/{id}/history"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["create", "update", "withdraw"]);
    let listed: Value = get("/api/v1/people?limit=1".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["total"].as_i64().unwrap(),
        total,
        "a withdrawn record leaves the default list"
    );
    let res = app
        .http
        .post(format!("{}/api/v1/people/{id}/reinstate", app.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let verify: Value = get("/api/v1/audit/verify".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(verify["intact"], true);
}

#[tokio::test]
async fn bad_input_gets_a_translated_4xx_and_changes_nothing() {
    let app = spawn_app().await;
    let token = app.token("isms").await;
    let count = || async {
        let v: Value = app
            .http
            .get(format!("{}/api/v1/people?limit=1&status=all", app.url))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        v["total"].as_i64().unwrap()
    };
    let before = count().await;
    let huge = "長".repeat(100_000);
    let cases: Vec<(&str, &str, String, u16, &str)> = vec![
        ("POST", "/api/v1/people", "".into(), 400, "bad-json"),
        ("POST", "/api/v1/people", "{not json".into(), 400, "bad-json"),
        ("POST", "/api/v1/people", "[1,2]".into(), 400, "bad-json"),
        ("POST", "/api/v1/people", "{}".into(), 422, "invalid"),
        ("POST", "/api/v1/people", json!({"employee_no": "0001", "name": "重複", "employment_type": "employee", "department": "SOUMU", "joined_on": "2020-01-01"}).to_string(), 422, "invalid"),
        ("POST", "/api/v1/people", json!({"employee_no": "8001", "name": huge, "employment_type": "employee", "department": "SOUMU", "joined_on": "2020-01-01"}).to_string(), 422, "invalid"),
        ("POST", "/api/v1/people", json!({"employee_no": "8001", "name": "x", "employment_type": "employee", "department": "NOPE", "joined_on": "2020-02-30"}).to_string(), 422, "invalid"),
        ("POST", "/api/v1/people", json!({"employee_no": ["8001"], "name": true}).to_string(), 422, "invalid"),
        ("POST", "/api/v1/people", json!({"employee_no": "8002", "name": "x", "employment_type": "employee", "department": "SOUMU", "joined_on": "2020-01-01", "salary": "1"}).to_string(), 422, "invalid"),
        ("PATCH", "/api/v1/people/999999", "{}".into(), 404, "not-found"),
        ("PATCH", "/api/v1/people/abc", "{}".into(), 404, "not-found"),
        ("PATCH", "/api/v1/people/-1", "{}".into(), 404, "not-found"),
        ("GET", "/api/v1/people?limit=0", "".into(), 422, "invalid"),
        ("GET", "/api/v1/people?limit=abc", "".into(), 422, "invalid"),
        ("GET", "/api/v1/people?limit=100000", "".into(), 422, "invalid"),
        ("GET", "/api/v1/people?status=gone", "".into(), 422, "invalid"),
        ("GET", "/api/v1/people?joined_on_from=yesterday", "".into(), 422, "invalid"),
        ("GET", "/api/v1/widgets", "".into(), 404, "not-found"),
        ("POST", "/api/v1/people/1/withdraw", "{}".into(), 422, "invalid"),
        ("POST", "/api/v1/people/1/reinstate", "".into(), 409, "record-not-withdrawn"),
        ("DELETE", "/api/v1/people/1", "".into(), 405, "method-not-allowed"),
    ];
    for (method, path, body, status, code) in cases {
        let res = app
            .http
            .request(method.parse().unwrap(), format!("{}{path}", app.url))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .header("accept-language", "ja")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status().as_u16(),
            status,
            "{method} {path} {}",
            &body.chars().take(80).collect::<String>()
        );
        let v: Value = res
            .json()
            .await
            .unwrap_or_else(|_| panic!("{method} {path}: JSON error body"));
        assert_eq!(v["code"], code, "{method} {path}");
        assert!(!v["message"].as_str().unwrap().is_empty());
        assert!(v["details"].is_array());
    }
    assert_eq!(count().await, before);

    // Messages come in the language asked for, naming the field.
    let res = app
        .http
        .post(format!("{}/api/v1/people", app.url))
        .bearer_auth(&token)
        .header("accept-language", "en")
        .json(&json!({"employee_no": "0001"}))
        .send()
        .await
        .unwrap();
    let v: Value = res.json().await.unwrap();
    let messages: Vec<&str> = v["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("already registered")),
        "{messages:?}"
    );
    let res = app
        .http
        .post(format!("{}/api/v1/people", app.url))
        .bearer_auth(&token)
        .header("accept-language", "ja")
        .json(&json!({"employee_no": "0001"}))
        .send()
        .await
        .unwrap();
    let v: Value = res.json().await.unwrap();
    assert!(v["details"].as_array().unwrap().iter().any(|d| {
        d["message"]
            .as_str()
            .unwrap()
            .contains("すでに登録されています")
    }));
}

#[tokio::test]
async fn tokens_are_refused_when_wrong_and_another_organisations_records_are_not_found() {
    let app = spawn_app().await;
    let res = app
        .http
        .post(format!("{}/api/v1/auth/token", app.url))
        .json(&json!({"email": "isms@sajeco.example", "password": "wrong-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["code"], "bad-credentials");
    let res = app
        .http
        .get(format!("{}/api/v1/people", app.url))
        .bearer_auth("mamori_not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);

    // Another organisation with a person of its own: sajeco's secretariat cannot reach it by id.
    let other = app
        .store
        .create_organization(
            &mamori_store::Actor::cli("t"),
            "other",
            "他社",
            None,
            json!({}),
            4,
        )
        .await
        .unwrap();
    let access = mamori_store::Access::system(other, "t");
    let dept_input = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<mamori_store::Input>()
    };
    app.store
        .create(
            &access,
            &mamori_domain::registers::DEPARTMENTS,
            &dept_input(&[("code", "X"), ("name", "X部"), ("valid_from", "2020-04-01")]),
        )
        .await
        .unwrap();
    let theirs = app
        .store
        .create(
            &access,
            &mamori_domain::registers::PEOPLE,
            &dept_input(&[
                ("employee_no", "1"),
                ("name", "他社 一郎"),
                ("employment_type", "employee"),
                ("department", "X"),
                ("joined_on", "2020-04-01"),
            ]),
        )
        .await
        .unwrap();
    let token = app.token("isms").await;
    for (method, path) in [
        ("GET", format!("/api/v1/people/{}", theirs.id)),
        ("PATCH", format!("/api/v1/people/{}", theirs.id)),
        ("GET", format!("/o/sajeco/people/{}", theirs.id)),
    ] {
        let res = app
            .http
            .request(method.parse().unwrap(), format!("{}{path}", app.url))
            .bearer_auth(&token)
            .json(&json!({"name": "乗っ取り"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{method} {path}");
    }
    let res = app
        .http
        .get(format!("{}/api/v1/people", app.url))
        .bearer_auth(&token)
        .header("x-mamori-organization", "other")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // A department code of another organisation is unknown here.
    let res = app.http.post(format!("{}/api/v1/people", app.url)).bearer_auth(&token).json(&json!({"employee_no": "7777", "name": "x", "employment_type": "employee", "department": "X", "joined_on": "2020-04-01"})).send().await.unwrap();
    assert_eq!(res.status(), 422);
}

#[tokio::test]
async fn the_openapi_document_lists_every_register_and_health_endpoints_answer() {
    let app = spawn_app().await;
    let doc: Value = app
        .http
        .get(format!("{}/api/v1/openapi.json", app.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for reg in mamori_domain::registers::ALL {
        assert!(
            doc["paths"][format!("/api/v1/{}", reg.collection)]["get"].is_object(),
            "{}",
            reg.collection
        );
        assert!(doc["paths"][format!("/api/v1/{}/{{id}}", reg.collection)]["patch"].is_object());
    }
    assert!(doc["paths"]["/api/v1/auth/token"]["post"].is_object());
    let routes = mamori_web::routes();
    for (method, path) in routes
        .iter()
        .filter(|(_, p)| p.starts_with("/api/v1/") && *p != "/api/v1/openapi.json")
    {
        let any_collection = mamori_domain::registers::ALL.iter().any(|r| {
            let concrete = path.replace("{collection}", r.collection);
            doc["paths"][&concrete][method.as_str().to_lowercase()].is_object()
        });
        assert!(any_collection, "{method} {path} is not documented");
    }
    assert_eq!(
        app.http
            .get(format!("{}/healthz", app.url))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        app.http
            .get(format!("{}/readyz", app.url))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}
