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

/// The panels this area adds to its records' pages (the generic record page asks each area).
pub(crate) async fn panel(
    state: &crate::AppState,
    ctx: &crate::session::Ctx,
    reg: &mamori_domain::register::Register,
    record: &mamori_store::Record,
) -> Result<Option<minijinja::Value>, crate::error::AppError> {
    use {
        crate::i18n,
        mamori_domain::registers,
        minijinja::{Value, context},
    };
    Ok(Some(match reg.code {
        "security_event" => {
            // The workflow as steps: where the event is, and what the next step asks for.
            let status = reg.text(&record.values, "status");
            let at =
                registers::EventStatus::parse(&status).unwrap_or(registers::EventStatus::Reported);
            let steps: Vec<Value> = registers::EventStatus::ALL
                .iter()
                .copied()
                .map(|s| {
                    context! {
                        label => i18n::choice_label(ctx.lang, "status", s.code()),
                        done => s < at, current => s == at,
                    }
                })
                .collect();
            context! {
                steps => context! {
                    steps,
                    hint => i18n::t(ctx.lang, &format!("event-step-hint-{status}")),
                    edit_href => state.store.may_write(&ctx.access, reg, record).await?.then(|| format!("/o/{}/{}/{}/edit", ctx.org(), reg.collection, record.id)),
                },
            }
        }
        _ => return Ok(None),
    }))
}
