//! Asset pages beyond the generic register pages: what is overdue.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::context;

use crate::AppState;
use crate::error::AppError;
use crate::render;
use crate::session::Ctx;

/// Take-outs not returned, devices late for patches or password changes, keys due for inspection.
pub async fn overdue(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let today = time::OffsetDateTime::now_utc().date();
    let o = state.store.overdue(&ctx.access, today).await?;
    let date = |d: time::Date| mamori_domain::dates::format_date(d, ctx.style, ctx.lang);
    let org = ctx.org();
    let take_outs: Vec<_> = o
        .take_outs
        .iter()
        .map(|r| {
            context! {
                asset => format!("{} ({})", r.asset_name, r.asset),
                href => format!("/o/{org}/assets/{}", r.asset_id),
                record_href => format!("/o/{org}/handling-records/{}", r.record_id),
                person => r.person_name.as_ref().map(|n| format!("{n} ({})", r.person.clone().unwrap_or_default())),
                taken_on => date(r.taken_on),
                due_back => r.due_back.map(date),
            }
        })
        .collect();
    let devices: Vec<_> = o
        .devices
        .iter()
        .map(|d| {
            context! {
                label => d.label.clone(), name => d.name.clone(), user => d.user.clone(),
                href => format!("/o/{org}/devices/{}", d.id),
                patched_on => d.patched_on.map(date), password_changed_on => d.password_changed_on.map(date),
                patch_late => d.patch_late, password_late => d.password_late,
            }
        })
        .collect();
    let keys: Vec<_> = o
        .keys
        .iter()
        .map(|k| {
            context! {
                receipt_no => k.receipt_no.clone(), customer => k.customer.clone(), building => k.building.clone(),
                href => format!("/o/{org}/custody-keys/{}", k.id),
                last => k.last_inspected_on.map(date),
            }
        })
        .collect();
    render::page(
        &ctx,
        "overdue.html",
        context! {
            today => date(today),
            take_out_days => mamori_store::overdue::TAKE_OUT_DAYS,
            monthly_days => mamori_store::overdue::MONTHLY_DAYS,
            take_outs, devices, keys,
        },
        StatusCode::OK,
    )
}
