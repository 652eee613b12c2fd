//! HTTP for Mamori: server-rendered pages (htmx), the `/api/v1` JSON API with its OpenAPI document,
//! sign-in, sessions and CSRF, translations and the embedded static files.

pub mod api;
pub mod chart;
pub mod error;
pub mod guard;
pub mod i18n;
pub mod mail;
pub mod pages;
pub mod render;
pub mod session;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Request};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, on};

use mamori_store::Store;

use crate::error::AppError;
use crate::pages::{
    account, assets, events, invite, operations, org, plan, registers, report, reset, risk, search,
    setup, training,
};

#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Mark cookies `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// The address people reach Mamori at (`https://isms.example.jp`), for links printed on paper
    /// (the QR codes of labels). When unset, the request's `Host` is used.
    pub public_url: Option<String>,
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
}

/// Every route, declared in one list: the router is built from it and the permission test walks it.
pub struct RouteBook {
    router: Router<AppState>,
    routes: Vec<(Method, &'static str)>,
}

impl RouteBook {
    fn add<H, T>(mut self, method: Method, path: &'static str, handler: H) -> Self
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        let filter = match method {
            Method::POST => MethodFilter::POST,
            Method::PATCH => MethodFilter::PATCH,
            Method::DELETE => MethodFilter::DELETE,
            _ => MethodFilter::GET,
        };
        self.routes.push((method, path));
        self.router = self.router.route(path, on(filter, handler));
        self
    }
}

fn book() -> RouteBook {
    let b = RouteBook {
        router: Router::new(),
        routes: Vec::new(),
    };
    use Method as M;
    b.add(M::GET, "/healthz", api::healthz)
        .add(M::GET, "/readyz", api::readyz)
        .add(M::GET, "/static/{file}", static_file)
        .add(M::GET, "/", account::home)
        .add(M::GET, "/login", account::login_form)
        .add(M::POST, "/login", account::login)
        .add(M::POST, "/logout", account::logout)
        .add(M::GET, "/password-reset", reset::request_form)
        .add(M::POST, "/password-reset", reset::request)
        .add(M::GET, "/password-reset/{token}", reset::reset_form)
        .add(M::POST, "/password-reset/{token}", reset::reset)
        .add(M::GET, "/setup", setup::form)
        .add(M::POST, "/setup", setup::found)
        .add(M::GET, "/organizations/new", setup::new_form)
        .add(M::POST, "/organizations/new", setup::create)
        .add(M::GET, "/invite/{token}", invite::form)
        .add(M::POST, "/invite/{token}", invite::accept)
        .add(M::GET, "/account", account::account)
        .add(M::POST, "/account/preferences", account::preferences)
        .add(M::GET, "/account/password", account::password_form)
        .add(M::POST, "/account/password", account::change_password)
        .add(M::POST, "/account/tokens", account::create_token)
        .add(M::POST, "/account/calendar", account::create_calendar)
        .add(
            M::POST,
            "/account/calendar/revoke",
            account::revoke_calendar,
        )
        .add(
            M::POST,
            "/account/tokens/{id}/revoke",
            account::revoke_token,
        )
        .add(M::GET, "/o/{org}", org::dashboard)
        .add(M::GET, "/o/{org}/areas/{area}", org::area)
        .add(M::GET, "/o/{org}/audit", org::audit)
        .add(M::GET, "/o/{org}/audit.csv", org::audit_csv)
        .add(M::GET, "/o/{org}/members", org::members)
        .add(M::GET, "/o/{org}/training/completion", org::completion)
        .add(M::GET, "/o/{org}/organization-chart", org::chart)
        .add(M::GET, "/o/{org}/me", training::me)
        .add(M::GET, "/o/{org}/directory", org::directory)
        .add(M::GET, "/o/{org}/search", search::page)
        .add(M::GET, "/o/{org}/near-miss", events::near_miss_form)
        .add(M::POST, "/o/{org}/near-miss", events::report_near_miss)
        .add(
            M::GET,
            "/o/{org}/near-miss/thanks",
            events::near_miss_thanks,
        )
        .add(M::GET, "/o/{org}/overdue", assets::overdue)
        .add(M::GET, "/o/{org}/todo", plan::todo)
        .add(M::GET, "/o/{org}/plan", plan::plan)
        .add(M::POST, "/o/{org}/plan/generate", plan::generate)
        .add(M::GET, "/o/{org}/plan/calendar", plan::calendar)
        .add(M::GET, "/o/{org}/outbox", plan::outbox)
        .add(M::GET, "/o/{org}/plan.pdf", plan::plan_pdf)
        .add(
            M::GET,
            "/o/{org}/audit-programme",
            operations::audit_programme,
        )
        .add(
            M::POST,
            "/o/{org}/audits/{id}/checklist",
            operations::copy_checklist,
        )
        .add(M::GET, "/o/{org}/event-figures", events::figures)
        .add(
            M::GET,
            "/o/{org}/custody-keys/{id}/receipt.pdf",
            assets::key_receipt,
        )
        .add(
            M::POST,
            "/o/{org}/training/sessions/{id}/expected",
            training::add_expected,
        )
        .add(
            M::POST,
            "/o/{org}/training/sessions/{id}/roll-call",
            training::roll_call,
        )
        .add(M::POST, "/o/{org}/tests/{course}", training::start)
        .add(M::GET, "/o/{org}/tests/attempts/{id}", training::paper)
        .add(M::POST, "/o/{org}/tests/attempts/{id}", training::submit)
        .add(M::POST, "/o/{org}/members", org::add_member)
        .add(M::POST, "/o/{org}/invitations", org::invite)
        .add(M::POST, "/o/{org}/members/change", org::change_member)
        .add(M::POST, "/o/{org}/members/remove", org::remove_member)
        .add(
            M::POST,
            "/o/{org}/members/disable",
            org::set_member_disabled,
        )
        .add(M::GET, "/o/{org}/settings", org::settings)
        .add(M::POST, "/o/{org}/settings", org::save_settings)
        .add(M::POST, "/o/{org}/settings/details", org::save_details)
        .add(
            M::POST,
            "/o/{org}/settings/asset-rules",
            org::save_asset_rules,
        )
        .add(M::POST, "/o/{org}/settings/remedial", org::save_remedial)
        .add(M::POST, "/o/{org}/settings/cycles", org::save_cycles)
        .add(M::POST, "/o/{org}/settings/codes", org::save_code_patterns)
        .add(
            M::POST,
            "/o/{org}/settings/risk-method",
            org::save_risk_method,
        )
        .add(
            M::POST,
            "/o/{org}/notices/{id}/read",
            operations::acknowledge,
        )
        .add(
            M::POST,
            "/o/{org}/meetings/{id}/publish",
            operations::publish_minutes,
        )
        .add(M::POST, "/o/{org}/risks/{id}/brief", operations::brief_risk)
        .add(
            M::POST,
            "/o/{org}/handler-requests/{id}/decide",
            assets::decide_request,
        )
        .add(M::GET, "/o/{org}/report", report::current)
        .add(M::GET, "/o/{org}/reports/{year}", report::page)
        .add(M::GET, "/o/{org}/reports/{year}/edit", report::edit_form)
        .add(M::POST, "/o/{org}/reports/{year}/edit", report::save)
        .add(
            M::POST,
            "/o/{org}/reports/{year}/settings",
            report::save_settings,
        )
        .add(M::POST, "/o/{org}/reports/{year}/start", report::start)
        .add(M::POST, "/o/{org}/reports/{year}/advance", report::advance)
        .add(M::POST, "/o/{org}/reports/{year}/publish", report::publish)
        .add(M::GET, "/o/{org}/reports/{year}/files/{file}", report::file)
        .add(M::GET, "/o/{org}/soa", risk::soa)
        .add(M::GET, "/o/{org}/soa.xlsx", risk::soa_xlsx)
        .add(M::GET, "/o/{org}/soa.pdf", risk::soa_pdf)
        .add(M::GET, "/o/{org}/self-assessment", risk::self_assessment)
        .add(
            M::GET,
            "/o/{org}/self-assessments/{id}/answers",
            risk::answers,
        )
        .add(
            M::POST,
            "/o/{org}/self-assessments/{id}/answers",
            risk::save_answers,
        )
        .add(
            M::POST,
            "/o/{org}/controls/titles",
            registers::import_titles,
        )
        .add(
            M::POST,
            "/o/{org}/{collection}/starter",
            registers::import_starter,
        )
        .add(M::POST, "/o/{org}/fiscal-year", org::select_fiscal_year)
        .add(M::GET, "/o/{org}/{collection}", registers::list)
        .add(M::POST, "/o/{org}/{collection}", registers::create)
        .add(M::GET, "/o/{org}/{collection}/new", registers::new_form)
        .add(
            M::GET,
            "/o/{org}/{collection}/template.xlsx",
            registers::template,
        )
        .add(M::GET, "/o/{org}/{collection}/labels.pdf", assets::labels)
        .add(
            M::GET,
            "/o/{org}/{collection}/export.xlsx",
            registers::export_xlsx,
        )
        .add(
            M::GET,
            "/o/{org}/{collection}/export.csv",
            registers::export_csv,
        )
        .add(
            M::GET,
            "/o/{org}/{collection}/import",
            registers::import_form,
        )
        .add(M::POST, "/o/{org}/{collection}/import", registers::import)
        .add(M::GET, "/o/{org}/{collection}/{id}", registers::detail)
        .add(M::POST, "/o/{org}/{collection}/{id}", registers::update)
        .add(
            M::GET,
            "/o/{org}/{collection}/{id}/edit",
            registers::edit_form,
        )
        .add(
            M::POST,
            "/o/{org}/{collection}/{id}/withdraw",
            registers::withdraw,
        )
        .add(
            M::POST,
            "/o/{org}/{collection}/{id}/reinstate",
            registers::reinstate,
        )
        .add(M::GET, "/api/v1/openapi.json", api::openapi::serve)
        .add(M::POST, "/api/v1/auth/token", api::token)
        .add(M::GET, "/api/v1/me", api::me)
        .add(
            M::POST,
            "/api/v1/me/calendar-token",
            api::calendar::create_token,
        )
        .add(
            M::DELETE,
            "/api/v1/me/calendar-token",
            api::calendar::revoke_token,
        )
        .add(M::GET, "/calendar/{file}", api::calendar::feed)
        .add(M::GET, "/api/v1/search", api::search)
        .add(M::GET, "/api/v1/audit/verify", api::audit_verify)
        .add(
            M::POST,
            "/api/v1/tests/{course}/attempts",
            api::start_attempt,
        )
        .add(M::GET, "/api/v1/tests/attempts/{id}", api::get_attempt)
        .add(
            M::POST,
            "/api/v1/tests/attempts/{id}/answers",
            api::submit_attempt,
        )
        .add(M::GET, "/api/v1/people/{id}/eligibility", api::eligibility)
        .add(M::POST, "/api/v1/notices/{id}/read", api::acknowledge)
        .add(
            M::POST,
            "/api/v1/meetings/{id}/minutes",
            api::publish_minutes,
        )
        .add(M::GET, "/api/v1/notices/unread", api::unread_notices)
        .add(M::GET, "/api/v1/reports", api::reports::list)
        .add(M::GET, "/api/v1/reports/{year}", api::reports::model)
        .add(M::GET, "/api/v1/reports/{year}/{file}", api::reports::file)
        .add(M::POST, "/api/v1/reports/{year}/start", api::reports::start)
        .add(
            M::POST,
            "/api/v1/reports/{year}/submit",
            api::reports::submit,
        )
        .add(
            M::POST,
            "/api/v1/reports/{year}/approve",
            api::reports::approve,
        )
        .add(
            M::POST,
            "/api/v1/reports/{year}/send-back",
            api::reports::send_back,
        )
        .add(
            M::POST,
            "/api/v1/reports/{year}/publish",
            api::reports::publish,
        )
        .add(M::GET, "/api/v1/{collection}", api::list)
        .add(M::POST, "/api/v1/{collection}", api::create)
        .add(M::GET, "/api/v1/{collection}/{id}", api::get)
        .add(M::PATCH, "/api/v1/{collection}/{id}", api::update)
        .add(M::GET, "/api/v1/{collection}/{id}/history", api::history)
        .add(M::POST, "/api/v1/{collection}/{id}/withdraw", api::withdraw)
        .add(
            M::POST,
            "/api/v1/{collection}/{id}/reinstate",
            api::reinstate,
        )
}

/// The routes as (method, path pattern), for the permission walk.
pub fn routes() -> Vec<(Method, &'static str)> {
    book().routes
}

pub fn app(state: AppState) -> Router {
    book()
        .router
        .fallback(|| async { AppError::NotFound })
        .layer(DefaultBodyLimit::max(guard::MAX_BODY))
        .layer(middleware::from_fn(guard::guard))
        .layer(middleware::from_fn_with_state(state.clone(), finish))
        .with_state(state)
}

/// Answers the request with room for its organisation's own names (see `i18n::with_org_names`).
async fn finish(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    i18n::with_org_names(finish_request(state, req, next)).await
}

/// Turns every error into a translated body (page or JSON) and adds the security headers.
async fn finish_request(state: AppState, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let api = path.starts_with("/api/") || path == "/healthz" || path == "/readyz";
    // A page of an organisation refused to its member is answered inside the organisation's
    // frame (its menu, the member's name): kept to build it, for a page opened (GET) only.
    let page = (!api && req.method() == Method::GET && path.starts_with("/o/"))
        .then(|| (req.uri().clone(), req.headers().clone()));
    let lang = session::request_lang(req.headers());
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or(path.clone());
    let hx = req.headers().contains_key("hx-request");
    let mut res = next.run(req).await;
    let err = res.extensions_mut().remove::<AppError>();
    // Statuses that axum or tower answer by themselves come without a body worth showing.
    let bare = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|c| c.as_bytes().starts_with(b"text/plain"));
    let err = match err {
        Some(e) => Some(e),
        None if res.status().as_u16() >= 400 && bare => Some(error::from_status(res.status())),
        None => None,
    };
    if let Some(err) = err {
        let cookies: Vec<HeaderValue> = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .cloned()
            .collect();
        let framed = match (&err, page) {
            (AppError::Forbidden, Some((uri, headers))) if !hx => {
                pages::refused(&state, uri, headers, &err).await
            }
            _ => None,
        };
        res = if let (false, "password-expired") = (api, err.code()) {
            axum::response::Redirect::to("/account/password").into_response()
        } else if let Some(framed) = framed {
            framed
        } else {
            error::render(&err, api, lang, &path_and_query, hx)
        };
        for c in cookies {
            res.headers_mut().append(header::SET_COOKIE, c);
        }
    }
    let h = res.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    // Pages, API answers and exports hold the organisation's records: no cache keeps a copy.
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"),
    );
    res
}

const STATIC: &[(&str, &str, &[u8])] = &[
    (
        "report.css",
        "text/css; charset=utf-8",
        mamori_report::html::CSS.as_bytes(),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/app.js"),
    ),
    (
        "htmx.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/htmx.min.js"),
    ),
];

async fn static_file(Path(file): Path<String>) -> Response {
    match STATIC.iter().find(|(name, ..)| *name == file) {
        Some((_, ctype, bytes)) => (
            [
                (header::CONTENT_TYPE, *ctype),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            *bytes,
        )
            .into_response(),
        None => AppError::NotFound.into_response(),
    }
}

/// Serves until the process is told to stop (Ctrl-C or SIGTERM), then finishes requests in flight.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown())
        .await
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
