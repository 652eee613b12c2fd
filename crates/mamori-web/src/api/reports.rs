//! `/api/v1/reports`: the yearly information security report for programs: its revisions, its model
//! (the JSON rendering), its files and its workflow. Every answer comes from the same library
//! functions as the report's pages, so who may do what, and every check of a step, are theirs.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use mamori_domain::{FieldError, FiscalYear, Lang};
use mamori_report::output::{self, Format};
use mamori_store::reports::{ReportRevision, ReportStatus};
use serde_json::{Value, json};

use crate::AppState;
use crate::error::AppError;
use crate::pages::report::{file_format, fiscal_year, output_error, send};
use crate::session::ApiCtx;

/// The query parameters of a report request: those named in `known` (and `org`, which chooses the
/// organisation), each at most once; anything else is refused, as on the registers' lists.
fn params(raw: Option<String>, known: &[&str]) -> Result<Vec<(String, String)>, AppError> {
    let params = crate::pages::pairs(raw.unwrap_or_default().as_bytes())?;
    for (i, (k, _)) in params.iter().enumerate() {
        if k != "org" && !known.contains(&k.as_str()) {
            return Err(AppError::Invalid(vec![FieldError::with(
                k,
                "unknown-parameter",
                k.clone(),
            )]));
        }
        if params[..i].iter().any(|(earlier, _)| earlier == k) {
            return Err(AppError::Invalid(vec![FieldError::new(
                k,
                "repeated-parameter",
            )]));
        }
    }
    Ok(params)
}

/// `?lang=ja|en`: the language of the rendering; Japanese, the published one, when not given.
fn lang(raw: Option<String>) -> Result<Lang, AppError> {
    let params = params(raw, &["lang"])?;
    match crate::pages::get(&params, "lang") {
        None => Ok(Lang::Ja),
        Some(code) => Lang::parse(code)
            .ok_or_else(|| AppError::Invalid(vec![FieldError::new("lang", "invalid-choice")])),
    }
}

/// A revision as the API shows it.
fn revision_json(r: &ReportRevision) -> Value {
    let iso = mamori_domain::dates::iso;
    json!({
        "fiscal_year": r.fiscal_year,
        "revision": r.revision,
        "status": r.status,
        "issued_on": iso(r.issued_on),
        "change_note": r.change_note,
        "approved_by": r.approved_by,
        "approved_on": r.approved_on.map(iso),
        "published_on": r.published_on.map(iso),
        "published_by": r.published_by,
    })
}

/// The year's latest revision after a step, as the answer to it.
async fn latest(state: &AppState, ctx: &ApiCtx, fy: FiscalYear) -> Result<Value, AppError> {
    let revisions = state.store.report_revisions(&ctx.access, fy.year()).await?;
    let latest = revisions.first().ok_or(AppError::NotFound)?;
    Ok(revision_json(latest))
}

/// Every year's revisions, the latest year first (staff: the published ones).
pub async fn list(
    State(state): State<AppState>,
    ctx: ApiCtx,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    params(raw, &[])?;
    let revisions = state.store.report_list(&ctx.access).await?;
    let items: Vec<Value> = revisions.iter().map(revision_json).collect();
    Ok(Json(json!({"total": items.len(), "items": items})).into_response())
}

/// The report model of a year: the bytes of the page's `report.json`.
pub async fn model(
    State(state): State<AppState>,
    ctx: ApiCtx,
    Path(year): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let fy = fiscal_year(&ctx.access, &year)?;
    let lang = lang(raw)?;
    let bytes = output::produce(&state.store, &ctx.access, fy, lang, Format::Json)
        .await
        .map_err(output_error)?;
    Ok(([(header::CONTENT_TYPE, Format::Json.content_type())], bytes).into_response())
}

/// `report.pdf`, `report.docx`, `report.html`, `report.json`: the page's downloads.
pub async fn file(
    State(state): State<AppState>,
    ctx: ApiCtx,
    Path((year, name)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let fy = fiscal_year(&ctx.access, &year)?;
    let format = file_format(&name)?;
    let lang = lang(raw)?;
    send(&state, &ctx.access, fy, format, lang).await
}

/// Starts the year's report, or a correction of the published one:
/// `{"change_note": "…"}` (required for a correction), or no body for a year's first revision.
pub async fn start(
    State(state): State<AppState>,
    ctx: ApiCtx,
    Path(year): Path<String>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response, AppError> {
    let fy = fiscal_year(&ctx.access, &year)?;
    params(raw, &[])?;
    let mut note = None;
    if !body.iter().all(u8::is_ascii_whitespace) {
        let map = match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(m)) => m,
            _ => return Err(AppError::Refused(StatusCode::BAD_REQUEST, "bad-json")),
        };
        for (k, v) in map {
            match (k.as_str(), v) {
                ("change_note", Value::String(s)) => note = Some(s),
                ("change_note", Value::Null) => {}
                ("change_note", _) => {
                    return Err(AppError::Invalid(vec![FieldError::new(
                        "change_note",
                        "invalid-type",
                    )]));
                }
                _ => {
                    return Err(AppError::Invalid(vec![FieldError::new(
                        &k,
                        "unknown-field",
                    )]));
                }
            }
        }
    }
    output::start(&state.store, &ctx.access, fy, note.as_deref()).await?;
    let location = format!("/api/v1/reports/{}", fy.year());
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(latest(&state, &ctx, fy).await?),
    )
        .into_response())
}

/// A step of the workflow, as the page's buttons take it.
async fn step(
    state: AppState,
    ctx: ApiCtx,
    year: String,
    raw: Option<String>,
    to: ReportStatus,
) -> Result<Response, AppError> {
    let fy = fiscal_year(&ctx.access, &year)?;
    params(raw, &[])?;
    output::advance(&state.store, &ctx.access, fy, to).await?;
    Ok(Json(latest(&state, &ctx, fy).await?).into_response())
}

/// Sends the draft for review; its figures are remembered, to show what changes before publication.
pub async fn submit(
    State(state): State<AppState>,
    ctx: ApiCtx,
    Path(year): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    step(state, ctx, year, raw, ReportStatus::Review).await
}

/// Approves the revision in review: top management only.
pub async fn approve(
    State(state): State<AppState>,
    ctx: ApiCtx,
    Path(year): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    step(state, ctx, year, raw, ReportStatus::Approved).await
}

/// Sends the revision in review or approved back to draft.
pub async fn send_back(
    State(state): State<AppState>,
    ctx: ApiCtx,
    Path(year): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    step(state, ctx, year, raw, ReportStatus::Draft).await
}

/// Publishes the approved revision: its renderings in every language are frozen, their SHA-256 in
/// the audit trail.
pub async fn publish(
    State(state): State<AppState>,
    ctx: ApiCtx,
    Path(year): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let fy = fiscal_year(&ctx.access, &year)?;
    params(raw, &[])?;
    output::publish_latest(&state.store, &ctx.access, fy)
        .await
        .map_err(output_error)?;
    Ok(Json(latest(&state, &ctx, fy).await?).into_response())
}
