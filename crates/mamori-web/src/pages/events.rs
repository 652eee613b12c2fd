//! The report's figures on one page: the sections of the yearly report that hold figures, computed
//! by the report model itself (the same queries, the same rounding, the same ― and 無し), for the
//! fiscal year chosen and the previous one. Every figure opens the records it counts.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::context;

use crate::error::AppError;
use crate::session::Ctx;
use crate::{AppState, i18n, render};

pub async fn figures(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let fy = ctx.fy;
    let mut report =
        mamori_report::output::compute(&state.store, &ctx.access, fy, ctx.lang, None).await?;
    report.document.sections.retain(|s| !s.figures.is_empty());
    let article =
        mamori_report::html::sections(&report.document, &i18n::t(ctx.lang, "report-previous-link"))
            .map_err(|e| AppError::Internal(e.to_string()))?;
    render::page(
        &ctx,
        "events.html",
        context! {
            article,
            previous_label => fy.previous().label(ctx.style, ctx.lang),
        },
        StatusCode::OK,
    )
}
