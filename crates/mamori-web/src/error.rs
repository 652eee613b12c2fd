//! The one mapping from errors to HTTP: a status and a translated message, as a page for people and
//! as `{"code","message","details"}` for the API. Handlers return `AppError`; the `render` layer
//! turns it into a body in the request's language, so no handler formats an error itself.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use mamori_domain::FieldError;
use mamori_domain::Lang;
use mamori_io::ImportError;
use mamori_store::{Contention, StoreError};
use serde::Serialize;

use crate::i18n;

#[derive(Debug, Clone)]
pub enum AppError {
    SignInRequired,
    Forbidden,
    NotFound,
    Invalid(Vec<FieldError>),
    Import(Vec<ImportError>),
    /// A refusal with its translation key (`error-<key>`).
    Refused(StatusCode, &'static str),
    /// A refusal whose message names a limit (`error-<key>` with `$limit`).
    OverLimit(&'static str, u64),
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Forbidden => AppError::Forbidden,
            StoreError::Invalid(errors) => AppError::Invalid(errors),
            StoreError::Refused(key) => AppError::Refused(StatusCode::CONFLICT, key),
            StoreError::Auth(key) => AppError::Refused(StatusCode::UNAUTHORIZED, key),
            other => match other.contention() {
                Some(Contention::Busy) => {
                    AppError::Refused(StatusCode::SERVICE_UNAVAILABLE, "busy")
                }
                Some(Contention::Conflict) => AppError::Refused(StatusCode::CONFLICT, "conflict"),
                None => AppError::Internal(other.to_string()),
            },
        }
    }
}

impl From<mamori_io::IoError> for AppError {
    fn from(e: mamori_io::IoError) -> Self {
        match e {
            mamori_io::IoError::Rows(rows) => AppError::Import(rows),
            mamori_io::IoError::Unreadable(_) | mamori_io::IoError::Xlsx(_) => {
                AppError::Refused(StatusCode::BAD_REQUEST, "file-unreadable")
            }
            mamori_io::IoError::Limit { code, limit } => AppError::OverLimit(code, limit),
            mamori_io::IoError::Encoding => {
                AppError::Refused(StatusCode::BAD_REQUEST, "file-encoding")
            }
            mamori_io::IoError::Store(s) => s.into(),
        }
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::SignInRequired => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid(_) | AppError::Import(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Refused(s, _) => *s,
            AppError::OverLimit(..) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::SignInRequired => "sign-in-required",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not-found",
            AppError::Invalid(_) => "invalid",
            AppError::Import(_) => "import-rows",
            AppError::Refused(_, key) | AppError::OverLimit(key, _) => key,
            AppError::Internal(_) => "internal",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            AppError::OverLimit(key, limit) => i18n::t_args(
                lang,
                &format!("error-{key}"),
                &[("limit", i18n::thousands(*limit))],
            ),
            _ => i18n::t(lang, &format!("error-{}", self.code())),
        }
    }

    /// Per-field or per-row details, translated.
    pub fn details(&self, lang: Lang) -> Vec<Detail> {
        match self {
            AppError::Invalid(errors) => errors
                .iter()
                .map(|e| Detail {
                    field: Some(e.field.clone()),
                    row: None,
                    code: e.code.to_string(),
                    message: i18n::field_error(lang, None, e),
                })
                .collect(),
            AppError::Import(rows) => rows
                .iter()
                .map(|r| {
                    let fe = FieldError {
                        field: r.column.clone(),
                        code: r.code,
                        detail: r.detail.clone(),
                    };
                    Detail {
                        field: Some(r.column.clone()),
                        row: Some(r.row),
                        code: r.code.to_string(),
                        message: i18n::t_args(
                            lang,
                            "import-row",
                            &[
                                ("row", r.row.to_string()),
                                ("message", i18n::field_error(lang, None, &fe)),
                            ],
                        ),
                    }
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Detail {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    pub code: String,
    pub message: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            tracing::error!(error = %e, "internal error");
        }
        let mut res = self.status().into_response();
        res.extensions_mut().insert(self);
        res
    }
}

/// Builds the body of an error response for the request it answers.
pub fn render(err: &AppError, api: bool, lang: Lang, path_and_query: &str, hx: bool) -> Response {
    let mut res = render_body(err, api, lang, path_and_query, hx);
    if err.status() == StatusCode::SERVICE_UNAVAILABLE {
        res.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("2"));
    }
    res
}

fn render_body(err: &AppError, api: bool, lang: Lang, path_and_query: &str, hx: bool) -> Response {
    if api {
        let body = serde_json::json!({"code": err.code(), "message": err.message(lang), "details": err.details(lang)});
        return (
            err.status(),
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response();
    }
    if matches!(err, AppError::SignInRequired) {
        let next = url_escape(path_and_query);
        if hx {
            return (
                StatusCode::OK,
                [("hx-redirect", format!("/login?next={next}"))],
            )
                .into_response();
        }
        return Redirect::to(&format!("/login?next={next}")).into_response();
    }
    let html = crate::render::error_page(lang, err);
    (
        err.status(),
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response()
}

pub fn url_escape(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .map(|q| q[1..].to_string())
        .unwrap_or_default()
}

/// A generic error for statuses that axum or tower produce themselves (405, 413, …).
pub fn from_status(status: StatusCode) -> AppError {
    match status {
        StatusCode::NOT_FOUND => AppError::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => AppError::Refused(status, "method-not-allowed"),
        StatusCode::PAYLOAD_TOO_LARGE => AppError::Refused(status, "too-large"),
        s if s.is_client_error() => AppError::Refused(s, "bad-request"),
        _ => AppError::Internal(status.to_string()),
    }
}

/// What ends a single-use link (used, expired) answers 410 Gone with its message; anything else as
/// usual.
pub fn link_gone(e: StoreError) -> AppError {
    match e {
        StoreError::Refused(code) => AppError::Refused(StatusCode::GONE, code),
        e => e.into(),
    }
}
