//! A real server per test: a fresh database (SQLite file, or PostgreSQL when
//! MAMORI_TEST_DATABASE_URL is set) with the demo organisation, served on a random port.

#![allow(dead_code)]

use std::sync::Arc;

use mamori_store::Store;
use mamori_store::testing::TestDb;
use serde_json::Value;

pub const PASSWORD: &str = "mamori-demo";
pub const ROLES: [&str; 5] = ["admin", "isms", "manager", "staff", "auditor"];

pub struct App {
    pub url: String,
    pub store: Store,
    pub http: reqwest::Client,
    _db: TestDb,
}

/// The demo organisation, loaded once per test run and copied for each test.
static DEMO: tokio::sync::OnceCell<TestDb> = tokio::sync::OnceCell::const_new();

/// A fresh copy of the database with the demo organisation.
pub async fn demo_db() -> TestDb {
    TestDb::copy_of(&DEMO, |store| async move {
        mamori_io::demo::load(&store, &|_, _, _| {})
            .await
            .map(|_| ())
            .map_err(|e| mamori_store::StoreError::Config(format!("the demo loads: {e:?}")))
    })
    .await
    .expect("the demo database")
}

pub async fn spawn_app() -> App {
    let db = demo_db().await;
    let store = db.store().await.expect("store");
    let url = serve(store.clone()).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    App {
        url,
        store,
        http,
        _db: db,
    }
}

/// Serves `store` on a random port; its address.
pub async fn serve(store: Store) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let state = mamori_web::AppState {
        store,
        config: Arc::new(mamori_web::Config::default()),
    };
    tokio::spawn(async move { mamori_web::serve(listener, state).await });
    url
}

impl App {
    /// A second instance of the app on the same database (its own pool and port), as behind a load
    /// balancer; its address.
    pub async fn second_instance(&self) -> String {
        let store = self._db.store().await.expect("second store");
        serve(store).await
    }

    /// A bearer token for a demo account (`isms` → isms@sajeco.example).
    pub async fn token(&self, who: &str) -> String {
        let res = self
            .http
            .post(format!("{}/api/v1/auth/token", self.url))
            .json(&serde_json::json!({"email": format!("{who}@sajeco.example"), "password": PASSWORD}))
            .send()
            .await
            .expect("token request");
        assert_eq!(res.status(), 200, "token for {who}");
        res.json::<Value>().await.expect("json")["token"]
            .as_str()
            .expect("token")
            .to_string()
    }

    /// An API call with a bearer token: the status and the JSON body (null when there is none).
    /// Posts `body` to an API collection and asserts it is refused (422) naming `field` (a field
    /// or an error code).
    pub async fn refused(&self, token: &str, path: &str, body: Value, field: &str) {
        let (status, err) = self
            .api(token, reqwest::Method::POST, path, Some(body))
            .await;
        assert_eq!(status, 422, "{err}");
        assert!(err.to_string().contains(field), "{field}: {err}");
    }

    pub async fn api(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("api request");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// The id of the first record of `collection` that the search `q` finds.
    pub async fn id_of(&self, token: &str, collection: &str, q: &str) -> i64 {
        let (_, found) = self
            .api(
                token,
                reqwest::Method::GET,
                &format!("/api/v1/{collection}?q={q}"),
                None,
            )
            .await;
        found["items"][0]["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("{collection} {q}: {found}"))
    }

    /// A page's HTML, as a signed-in browser gets it.
    pub async fn page(&self, browser: &reqwest::Client, path: &str) -> String {
        browser
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .expect("page request")
            .text()
            .await
            .expect("page text")
    }

    /// A browser-like client with a cookie jar, signed in through the sign-in form.
    pub async fn browser(&self, who: &str) -> reqwest::Client {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let page = client
            .get(format!("{}/login", self.url))
            .send()
            .await
            .expect("login page")
            .text()
            .await
            .expect("text");
        let csrf = field_value(&page, "csrf");
        let res = client
            .post(format!("{}/login", self.url))
            .form(&[
                ("email", format!("{who}@sajeco.example").as_str()),
                ("password", PASSWORD),
                ("csrf", &csrf),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("sign in");
        assert_eq!(res.status(), 303, "sign-in of {who}");
        client
    }
}

impl App {
    /// A form posted by a signed-in browser, with the CSRF token of the page `from`.
    pub async fn post_form(
        &self,
        browser: &reqwest::Client,
        from: &str,
        to: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let page = self.page(browser, from).await;
        let csrf = field_value(&page, "csrf");
        let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf)];
        form.extend_from_slice(fields);
        browser
            .post(format!("{}{to}", self.url))
            .form(&form)
            .send()
            .await
            .expect("form post")
    }

    /// Uploads a file through a register's import page, as a signed-in browser does.
    pub async fn upload(
        &self,
        browser: &reqwest::Client,
        collection: &str,
        bytes: Vec<u8>,
        name: &'static str,
    ) -> reqwest::Result<reqwest::Response> {
        let path = format!("/o/sajeco/{collection}/import");
        let csrf = field_value(&self.page(browser, &path).await, "csrf");
        let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name),
        );
        browser
            .post(format!("{}{path}", self.url))
            .multipart(form)
            .send()
            .await
    }

    /// Chooses the fiscal year the browser's pages show.
    pub async fn select_fiscal_year(&self, browser: &reqwest::Client, fy: &str) {
        let res = self
            .post_form(
                browser,
                "/o/sajeco",
                "/o/sajeco/fiscal-year",
                &[("fy", fy), ("back", "/o/sajeco")],
            )
            .await;
        assert_eq!(res.status(), 303, "fiscal year {fy}");
    }
}

/// The text of an HTML fragment: its tags and whitespace left out.
pub fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside && !c.is_whitespace() => out.push(c),
            _ => {}
        }
    }
    out
}

/// The value an input of a form shows.
pub fn input_value(html: &str, name: &str) -> String {
    let input = html
        .split("<input ")
        .find(|i| i.contains(&format!("name=\"{name}\"")))
        .unwrap_or_else(|| panic!("no {name} input"));
    input
        .split_once("value=\"")
        .and_then(|(_, v)| v.split('"').next())
        .unwrap_or_default()
        .to_string()
}

/// The value of a hidden input in a page.
pub fn field_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .map(|i| i + marker.len())
        .unwrap_or_else(|| panic!("no {name} field"));
    html[start..].split('"').next().unwrap_or("").to_string()
}

/// The text `pdftotext` (poppler-utils) reads from PDF bytes, without whitespace: pdftotext spaces
/// Latin from Japanese and keeps the layout's line breaks.
pub fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    // Reading order (not -layout), so a label's wrapped lines stay together.
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success());
    // pdftotext spaces Latin from Japanese and keeps the layout's line breaks: compare without.
    String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The cell of a report figure in a page (the report or the figures page): its text (`7(6)件`,
/// without the arrow that opens the previous year's records) and its HTML.
pub fn figure_cell(page: &str, id: &str) -> (String, String) {
    let at = page
        .find(&format!("data-figure=\"{id}\""))
        .unwrap_or_else(|| panic!("figure {id} not on the page"));
    let start = page[..at].rfind('<').unwrap();
    let end = at
        + page[at..]
            .find("</td>")
            .or_else(|| page[at..].find("</th>"))
            .unwrap();
    let html = &page[start..end];
    (
        text_of(html).trim_end_matches('←').to_string(),
        html.to_string(),
    )
}
