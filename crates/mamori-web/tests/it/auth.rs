//! Who may use the API and how (issue 15, item 6), over a real socket: a session cookie writes only
//! with the CSRF header and JSON, tokens expire and die with their account's standing, and a sign-in
//! never tells which addresses exist.

use crate::common;
use mamori_domain::Lang;

use common::{App, PASSWORD, field_value, spawn_app};
use mamori_store::db::P;
use reqwest::header::{CONTENT_TYPE, ORIGIN};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

/// The status and JSON body of `GET /api/v1/me` with a bearer token.
async fn me(app: &App, token: &str) -> (u16, Value) {
    app.api(token, reqwest::Method::GET, "/api/v1/me", None)
        .await
}

/// `POST /api/v1/auth/token`: the status and JSON body.
async fn mint(app: &App, body: Value) -> (u16, Value) {
    let res = app
        .http
        .post(format!("{}/api/v1/auth/token", app.url))
        .json(&body)
        .send()
        .await
        .unwrap();
    (
        res.status().as_u16(),
        res.json().await.unwrap_or(Value::Null),
    )
}

async fn count(app: &App, sql: &str, params: Vec<P>) -> i64 {
    app.store
        .pool()
        .fetch_one(sql, &params)
        .await
        .unwrap()
        .i64(0)
        .unwrap()
}

#[tokio::test]
async fn a_session_cookie_alone_cannot_write_through_the_api() {
    let app = spawn_app().await;
    let browser = app.browser("isms").await;
    let csrf = field_value(&app.page(&browser, "/account").await, "csrf");
    let person = json!({"employee_no": "8801", "name": "越境 太郎", "employment_type": "employee", "department": "SOUMU", "joined_on": "2020-04-01"});
    let people = |employee_no: &str| {
        count(
            &app,
            "SELECT COUNT(*) FROM people WHERE employee_no = $1",
            vec![P::Text(employee_no.to_string())],
        )
    };
    let url = format!("{}/api/v1/people", app.url);

    // What a hostile page can send: a form-like body from another origin, riding on the cookie.
    let res = browser
        .post(&url)
        .header(CONTENT_TYPE, "text/plain")
        .header(ORIGIN, "http://evil.example")
        .body(person.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["code"], "api-cookie-write");
    assert!(
        err["message"].as_str().unwrap().contains("X-CSRF-Token"),
        "{err}"
    );
    // JSON without the token, the token without JSON, and a wrong token are refused alike.
    let refused = [
        browser.post(&url).json(&person),
        browser
            .post(&url)
            .header("x-csrf-token", &csrf)
            .header(CONTENT_TYPE, "text/plain")
            .body(person.to_string()),
        browser
            .post(&url)
            .header("x-csrf-token", "0".repeat(csrf.len()))
            .json(&person),
    ];
    for req in refused {
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 403);
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["code"], "api-cookie-write");
    }
    // Every write path is guarded, not only creation.
    let token = app.token("isms").await;
    let (_, first) = app
        .api(&token, reqwest::Method::GET, "/api/v1/people?limit=1", None)
        .await;
    let someone = first["items"][0]["id"].as_i64().unwrap();
    let res = browser
        .patch(format!("{url}/{someone}"))
        .header(CONTENT_TYPE, "text/plain")
        .body(json!({"name": "書き換え"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    assert_eq!(people("8801").await, 0, "nothing was created");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM people WHERE name = $1",
            vec![P::Text("書き換え".into())]
        )
        .await,
        0,
        "nothing was changed"
    );

    // Reads with the cookie stay allowed; a write with the page's token and JSON goes through.
    let res = browser.get(&url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let res = browser
        .post(&url)
        .header("x-csrf-token", &csrf)
        .json(&person)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(people("8801").await, 1);
    // A bearer token needs neither.
    let (status, _) = app
        .api(
            &token,
            reqwest::Method::POST,
            "/api/v1/people",
            Some(json!({"employee_no": "8802", "name": "持参 花子", "employment_type": "employee", "department": "SOUMU", "joined_on": "2020-04-01"})),
        )
        .await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn tokens_are_named_and_expired_tokens_are_refused() {
    let app = spawn_app().await;
    let (status, made) = mint(
        &app,
        json!({"email": "staff@sajeco.example", "password": PASSWORD, "name": "勤怠連携"}),
    )
    .await;
    assert_eq!(status, 200, "{made}");
    assert_eq!(made["name"], "勤怠連携");
    let expires = OffsetDateTime::parse(
        made["expires_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let days = (expires - OffsetDateTime::now_utc()).whole_hours();
    assert!((89 * 24..=90 * 24).contains(&days), "{made}");
    let token = made["token"].as_str().unwrap().to_string();
    assert_eq!(me(&app, &token).await.0, 200);

    // No name: a default one, not an empty one.
    let (status, unnamed) = mint(
        &app,
        json!({"email": "staff@sajeco.example", "password": PASSWORD}),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        unnamed["name"]
            .as_str()
            .unwrap()
            .starts_with("APIトークン "),
        "{unnamed}"
    );
    let (status, err) = mint(
        &app,
        json!({"email": "staff@sajeco.example", "password": PASSWORD, "name": 7}),
    )
    .await;
    assert_eq!(status, 422, "{err}");

    // Past its expiry the token is refused, with a message that says so.
    let id = made["id"].as_i64().unwrap();
    let past = OffsetDateTime::now_utc() - Duration::minutes(1);
    app.store
        .pool()
        .execute(
            "UPDATE api_tokens SET expires_at = $1 WHERE id = $2",
            &[P::Ts(past), P::Int(id)],
        )
        .await
        .unwrap();
    let (status, err) = me(&app, &token).await;
    assert_eq!(status, 401);
    assert_eq!(err["code"], "token-expired");
    assert!(
        err["message"].as_str().unwrap().contains("有効期限"),
        "{err}"
    );
    // A token made before tokens had an expiry lives the setting's 90 days from its creation.
    let old = unnamed["token"].as_str().unwrap().to_string();
    app.store
        .pool()
        .execute(
            "UPDATE api_tokens SET expires_at = NULL, created_at = $1 WHERE id = $2",
            &[
                P::Ts(OffsetDateTime::now_utc() - Duration::days(91)),
                P::Int(unnamed["id"].as_i64().unwrap()),
            ],
        )
        .await
        .unwrap();
    assert_eq!(me(&app, &old).await.1["code"], "token-expired");
}

#[tokio::test]
async fn a_locked_or_disabled_accounts_tokens_are_refused() {
    let app = spawn_app().await;
    let token = app.token("staff").await;
    assert_eq!(me(&app, &token).await.0, 200);
    for _ in 0..5 {
        let (status, _) = mint(
            &app,
            json!({"email": "staff@sajeco.example", "password": "guess-guess"}),
        )
        .await;
        assert_eq!(status, 401);
    }
    let (status, err) = me(&app, &token).await;
    assert_eq!(status, 401);
    assert_eq!(err["code"], "account-locked");
    let (status, _) = app
        .api(
            &token,
            reqwest::Method::POST,
            "/api/v1/security-events",
            Some(json!({"title": "ロック中の報告", "kind": "near_miss", "occurred_on": "2020-04-01"})),
        )
        .await;
    assert_eq!(status, 401);
    // When the lock ends, the token works again.
    app.store
        .pool()
        .execute(
            "UPDATE users SET locked_until = $1 WHERE email = 'staff@sajeco.example'",
            &[P::OptTs(Some(
                OffsetDateTime::now_utc() - Duration::minutes(1),
            ))],
        )
        .await
        .unwrap();
    assert_eq!(me(&app, &token).await.0, 200);

    // A disabled account's token is refused too, even if it was somehow left unrevoked.
    app.store
        .pool()
        .execute(
            "UPDATE users SET disabled = $1 WHERE email = 'staff@sajeco.example'",
            &[P::Bool(true)],
        )
        .await
        .unwrap();
    let (status, err) = me(&app, &token).await;
    assert_eq!(status, 401);
    assert_eq!(err["code"], "account-disabled");
}

#[tokio::test]
async fn a_password_past_its_maximum_age_mints_no_token_and_its_tokens_are_refused() {
    let app = spawn_app().await;
    let token = app.token("manager").await;
    let tokens = || {
        count(
            &app,
            "SELECT COUNT(*) FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.email = 'manager@sajeco.example'",
            vec![],
        )
    };
    assert_eq!(tokens().await, 1);
    let browser = app.browser("manager").await;
    app.store
        .pool()
        .execute(
            "UPDATE users SET password_changed_at = $1 WHERE email = 'manager@sajeco.example'",
            &[P::Ts(OffsetDateTime::now_utc() - Duration::days(181))],
        )
        .await
        .unwrap();
    let (status, err) = me(&app, &token).await;
    assert_eq!(status, 401);
    assert_eq!(err["code"], "password-expired");
    let (status, err) = mint(
        &app,
        json!({"email": "manager@sajeco.example", "password": PASSWORD}),
    )
    .await;
    assert_eq!(status, 401, "{err}");
    assert_eq!(err["code"], "password-expired");
    // Nor from the account page, which the password change screen leaves reachable.
    let res = app
        .post_form(&browser, "/account", "/account/tokens", &[("name", "裏口")])
        .await;
    assert_eq!(res.status(), 403);
    assert!(!res.text().await.unwrap().contains("new-token"));
    assert_eq!(tokens().await, 1, "no token was made");
}

/// The sign-in page's answer without what differs by design: the typed address (echoed back into
/// the form) and the fresh form token.
fn page_reply(html: &str, email: &str) -> String {
    let csrf = field_value(html, "csrf");
    html.replace(&csrf, "CSRF").replace(email, "EMAIL")
}

#[tokio::test]
async fn sign_in_replies_do_not_tell_which_addresses_exist() {
    let app = spawn_app().await;
    let known = "staff@sajeco.example";
    let unknown = "nobody@sajeco.example";
    // The API: the same status and body for every try, also after the known account is locked, and
    // also with the right password while it is locked.
    for attempt in 0..8 {
        let password = if attempt == 7 {
            PASSWORD
        } else {
            "guess-guess"
        };
        let a = mint(&app, json!({"email": known, "password": password})).await;
        let b = mint(&app, json!({"email": unknown, "password": password})).await;
        assert_eq!(a.0, 401, "attempt {attempt}: {}", a.1);
        assert_eq!(a, b, "attempt {attempt}");
    }
    // The lockout still protects the real account: the right password was refused above, and the
    // audit trail recorded the lock.
    assert!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE entity = 'user' AND action = 'locked'",
            vec![]
        )
        .await
            >= 1
    );

    // The sign-in page, the same way, for another account.
    let known = "auditor@sajeco.example";
    let client = || {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    };
    let (ka, ua) = (client(), client());
    let form = |c: &reqwest::Client| {
        let c = c.clone();
        let url = app.url.clone();
        async move {
            c.get(format!("{url}/login"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let (mut kl, mut ul) = (form(&ka).await, form(&ua).await);
    for attempt in 0..8 {
        let password = if attempt == 7 {
            PASSWORD
        } else {
            "guess-guess"
        };
        let mut replies = Vec::new();
        for (c, email, last) in [(&ka, known, &mut kl), (&ua, unknown, &mut ul)] {
            let csrf = field_value(last.as_str(), "csrf");
            let res = c
                .post(format!("{}/login", app.url))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("email", email),
                    ("password", password),
                ])
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            *last = res.text().await.unwrap();
            replies.push((status, page_reply(last.as_str(), email)));
        }
        assert_eq!(replies[0].0, 401, "attempt {attempt}");
        assert_eq!(replies[0], replies[1], "attempt {attempt}");
    }
}

#[tokio::test]
async fn tokens_are_listed_and_revoked_on_the_account_page() {
    let app = spawn_app().await;
    let (_, made) = mint(
        &app,
        json!({"email": "isms@sajeco.example", "password": PASSWORD, "name": "CI連携"}),
    )
    .await;
    let token = made["token"].as_str().unwrap().to_string();
    assert_eq!(me(&app, &token).await.0, 200);
    let browser = app.browser("isms").await;

    // Made on the page without a name: named for its time, its secret shown this once.
    let res = app
        .post_form(&browser, "/account", "/account/tokens", &[("name", "")])
        .await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    let secret = html
        .split("<code id=\"new-token\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(me(&app, &secret).await.0, 200);

    let page = app.page(&browser, "/account").await;
    assert!(!page.contains(&secret), "the secret is shown only once");
    let expiry = mamori_domain::dates::format_date(
        mamori_domain::dates::today() + Duration::days(90),
        mamori_domain::DateStyle::Western,
        Lang::Ja,
    );
    let row = page
        .split("<tr>")
        .find(|r| r.contains("CI連携"))
        .expect("the token is listed");
    assert!(row.contains(&expiry), "expiry {expiry}: {row}");
    assert!(row.contains("失効させる"), "{row}");
    assert!(page.contains("APIトークン "), "the unnamed token: {page}");
    assert!(page.contains("有効期限") && page.contains("最終使用"));

    // Someone else cannot revoke it; its owner can, and the revocation is audited.
    let id = made["id"].as_i64().unwrap();
    let other = app.browser("manager").await;
    let res = app
        .post_form(
            &other,
            "/account",
            &format!("/account/tokens/{id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(me(&app, &token).await.0, 200);
    let res = app
        .post_form(
            &browser,
            "/account",
            &format!("/account/tokens/{id}/revoke"),
            &[],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(me(&app, &token).await.0, 401);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE entity = 'api_token' AND entity_id = $1 AND action = 'revoke'",
            vec![P::Int(id)]
        )
        .await,
        1
    );
    let page = app.page(&browser, "/account").await;
    let row = page.split("<tr>").find(|r| r.contains("CI連携")).unwrap();
    assert!(
        row.contains("失効済み") && !row.contains("失効させる"),
        "{row}"
    );
    // Without the page's token the revocation is refused.
    let res = browser
        .post(format!("{}/account/tokens/{id}/revoke", app.url))
        .form(&[("csrf", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}
