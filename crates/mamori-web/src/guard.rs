//! What every request must be before a handler sees it: a body within the limit (answered 413 even
//! when the client is still sending), and no control characters (NUL, escape, …) in its path, query,
//! form or JSON body, so no reason, filter or search ever carries one into the database.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use mamori_domain::FieldError;
use mamori_domain::input::has_control;

use crate::error::AppError;

/// The largest body any route takes: an import file and its form.
pub const MAX_BODY: usize = mamori_io::sheet::MAX_IMPORT_BYTES + 64 * 1024;

/// How much of a too-large body is read and dropped so that the client hears the 413 instead of a
/// reset connection; past this the connection is closed.
const DRAIN_LIMIT: u64 = 256 * 1024 * 1024;

pub async fn guard(req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        drain(req.into_body()).await;
        return too_large();
    }
    let path = percent_encoding::percent_decode_str(req.uri().path()).decode_utf8_lossy();
    if has_control(&path) {
        return AppError::NotFound.into_response();
    }
    if let Some(query) = req.uri().query()
        && let Some(name) = control_in_form(query.as_bytes())
    {
        return refused(name);
    }
    let kind = body_kind(&req);
    if kind == BodyKind::Other {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return too_large(),
    };
    let found = match kind {
        BodyKind::Form => control_in_form(&bytes),
        BodyKind::Json => serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| control_in_json("body", &v)),
        BodyKind::Other => None,
    };
    if let Some(name) = found {
        return refused(name);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[derive(PartialEq, Eq)]
enum BodyKind {
    Form,
    Json,
    Other,
}

fn body_kind(req: &Request) -> BodyKind {
    let ctype = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ctype.starts_with("application/x-www-form-urlencoded") {
        BodyKind::Form
    } else if ctype.starts_with("application/json") || ctype.contains("+json") {
        BodyKind::Json
    } else {
        BodyKind::Other
    }
}

/// The name of the first form or query field whose name or value holds a control character.
fn control_in_form(bytes: &[u8]) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(bytes).ok()?;
    pairs
        .into_iter()
        .find(|(k, v)| has_control(k) || has_control(v))
        .map(|(k, _)| if has_control(&k) { "query".into() } else { k })
}

/// The name of the first JSON member (its top-level field) holding a control character.
fn control_in_json(field: &str, v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if has_control(s) => Some(field.to_string()),
        serde_json::Value::Array(items) => items.iter().find_map(|i| control_in_json(field, i)),
        serde_json::Value::Object(members) => members.iter().find_map(|(k, v)| {
            if has_control(k) {
                return Some(field.to_string());
            }
            let name = if field == "body" { k.as_str() } else { field };
            control_in_json(name, v)
        }),
        _ => None,
    }
}

fn refused(field: String) -> Response {
    AppError::Invalid(vec![FieldError {
        field,
        code: "control-characters",
        detail: None,
    }])
    .into_response()
}

fn too_large() -> Response {
    let mut res = AppError::Refused(StatusCode::PAYLOAD_TOO_LARGE, "too-large").into_response();
    res.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    res
}

/// Reads and drops a body (up to `DRAIN_LIMIT`), so the client has sent it all when the answer comes.
async fn drain(body: Body) {
    use http_body_util::BodyExt;
    let mut body = body;
    let mut read = 0u64;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    while read < DRAIN_LIMIT {
        match tokio::time::timeout_at(deadline, body.frame()).await {
            Ok(Some(Ok(frame))) => {
                read += frame.data_ref().map_or(0, |d| d.len() as u64);
            }
            _ => break,
        }
    }
}
