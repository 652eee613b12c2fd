//! The report's figures on one page: the sections of the yearly report that hold figures, computed
//! by the report model itself (the same queries, the same rounding, the same ― and 無し), for the
//! fiscal year chosen and the previous one. Every figure opens the records it counts.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
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

/// A near miss in two taps (ヒヤリハット): from home or My page on a phone, a short form asks what
/// happened, when (today unless changed), in which department (one's own unless changed), what it
/// concerned and, if known, the cause; the number, the reporter, the date reported and the status
/// are filled in, and the secretariat completes the rest when assessing.
pub async fn near_miss_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    near_miss_page(&state, &ctx, &[], &[], StatusCode::OK).await
}

async fn near_miss_page(
    state: &AppState,
    ctx: &Ctx,
    form: &[(String, String)],
    errors: &[mamori_domain::FieldError],
    status: StatusCode,
) -> Result<Response, AppError> {
    use mamori_domain::registers::{CAUSES, DEPARTMENTS, SECURITY_EVENTS};
    if !mamori_store::records::can_create(&ctx.access, &SECURITY_EVENTS) {
        return Err(AppError::Forbidden);
    }
    let typed = |k: &str| crate::pages::get(form, k).map(str::to_string);
    // One's own department first, as the register would default it: the member's, or their
    // person's.
    let own = crate::pages::own_department(state, ctx).await;
    let chosen = typed("department").or(own).unwrap_or_default();
    let departments: Vec<_> = state
        .store
        .ref_options(&ctx.access, &DEPARTMENTS)
        .await?
        .unwrap_or_default()
        .into_iter()
        .map(|(code, name)| context! { selected => code == chosen, value => code, label => name })
        .collect();
    let cause = typed("cause").unwrap_or_else(|| "other".into());
    let causes: Vec<_> = CAUSES
        .iter()
        .map(|c| context! { value => c, label => i18n::choice_label(ctx.lang, "cause", c), checked => *c == cause })
        .collect();
    let message = |field: &str| {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| i18n::field_error(ctx.lang, Some(&SECURITY_EVENTS), e))
    };
    let today =
        mamori_domain::dates::format_date(mamori_domain::dates::today(), ctx.style, ctx.lang);
    let other: Vec<String> = errors
        .iter()
        .filter(|e| {
            !["description", "occurred_on", "department", "related"].contains(&e.field.as_str())
        })
        .map(|e| i18n::field_error(ctx.lang, Some(&SECURITY_EVENTS), e))
        .collect();
    render::page(
        ctx,
        "near_miss.html",
        context! {
            description => typed("description").unwrap_or_default(),
            occurred_on => typed("occurred_on").unwrap_or(today),
            related => typed("related").unwrap_or_default(),
            departments, causes, other,
            description_error => message("description"),
            occurred_on_error => message("occurred_on"),
            department_error => message("department"),
            related_error => message("related"),
        },
        status,
    )
}

pub async fn report_near_miss(
    State(state): State<AppState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    use mamori_domain::registers::SECURITY_EVENTS;
    let form = ctx.viewer.form(&body)?;
    let mut input = mamori_store::Input::new();
    input.insert("kind".into(), "near_miss".into());
    for k in [
        "description",
        "occurred_on",
        "department",
        "related",
        "cause",
    ] {
        if let Some(v) = crate::pages::get(&form, k) {
            input.insert(k.into(), v.to_string());
        }
    }
    if input.get("cause").is_none_or(|c| c.trim().is_empty()) {
        input.insert("cause".into(), "other".into());
    }
    match state
        .store
        .create(&ctx.access, &SECURITY_EVENTS, &input)
        .await
    {
        Ok(record) => Ok(axum::response::Redirect::to(&format!(
            "/o/{}/near-miss/thanks?id={}",
            ctx.org(),
            record.id
        ))
        .into_response()),
        Err(mamori_store::StoreError::Invalid(errors)) => {
            near_miss_page(
                &state,
                &ctx,
                &form,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The thank-you page after a near miss: its number, and what happens next.
pub async fn near_miss_thanks(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Result<Response, AppError> {
    use mamori_domain::registers::SECURITY_EVENTS;
    let params = crate::pages::pairs(raw.unwrap_or_default().as_bytes())?;
    let id = crate::pages::get(&params, "id")
        .and_then(|i| i.parse::<i64>().ok())
        .ok_or(AppError::NotFound)?;
    let record = state.store.get(&ctx.access, &SECURITY_EVENTS, id).await?;
    let code = record
        .value(&SECURITY_EVENTS, "code")
        .map(|v| v.to_plain())
        .unwrap_or_default();
    render::page(
        &ctx,
        "near_miss_thanks.html",
        context! { code, href => format!("/o/{}/security-events/{id}", ctx.org()) },
        StatusCode::OK,
    )
}
