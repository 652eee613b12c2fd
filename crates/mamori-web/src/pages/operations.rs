//! Operations beyond a register's own pages: acknowledging a notice, and publishing a meeting's
//! minutes as a notice.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamori_domain::registers::{MEETINGS, NOTICES, RISKS};
use mamori_store::Input;

use super::{get, parse_id};
use crate::error::AppError;
use crate::session::Ctx;
use crate::{AppState, i18n};

/// The reader acknowledges a notice, from its page or from their own page (`back=me`).
pub async fn acknowledge(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = ctx.viewer.form(&body)?;
    let id = parse_id(&id)?;
    state.store.acknowledge(&ctx.access, id).await?;
    let back = match get(&form, "back") {
        Some("me") => format!("/o/{}/me#unread-notices", ctx.org()),
        _ => format!("/o/{}/notices/{id}", ctx.org()),
    };
    Ok(Redirect::to(&back).into_response())
}

/// Publishes a meeting's minutes on the bulletin board: a notice of kind minutes, for the
/// meeting's department or (a secretariat meeting) for everyone, naming the meeting.
pub async fn publish_minutes(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    ctx.viewer.form(&body)?;
    if !mamori_store::records::can_create(&ctx.access, &NOTICES) {
        return Err(AppError::Forbidden);
    }
    let meeting = state
        .store
        .get(&ctx.access, &MEETINGS, parse_id(&id)?)
        .await?;
    // Who may change the meeting publishes its minutes (a department's manager, their own).
    if !state
        .store
        .may_write(&ctx.access, &MEETINGS, &meeting)
        .await?
    {
        return Err(AppError::Forbidden);
    }
    if meeting.withdrawn_at.is_some() {
        return Err(mamori_store::StoreError::Refused("record-withdrawn").into());
    }
    let value = |name: &str| {
        meeting
            .value(&MEETINGS, name)
            .map(|v| v.to_plain())
            .unwrap_or_default()
    };
    let held_on = meeting
        .value(&MEETINGS, "held_on")
        .and_then(|v| v.as_date())
        .map(|d| mamori_domain::dates::format_date(d, ctx.style, ctx.lang))
        .unwrap_or_default();
    let title = i18n::t_args(
        ctx.lang,
        "meeting-minutes-title",
        &[("title", value("title")), ("date", held_on)],
    );
    // Published once: again opens the notice already published.
    if let Some(notice) = minutes_notice(&state, &ctx, &value("code")).await? {
        return Ok(Redirect::to(&format!("/o/{}/notices/{notice}", ctx.org())).into_response());
    }
    let department = value("department");
    let audience = if department.is_empty() {
        "everyone"
    } else {
        "department"
    };
    let input: Input = [
        ("kind", "minutes".to_string()),
        ("title", title.chars().take(200).collect()),
        ("body", value("minutes")),
        ("audience", audience.to_string()),
        ("department", department),
        ("meeting", value("code")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let notice = state.store.create(&ctx.access, &NOTICES, &input).await?;
    Ok(Redirect::to(&format!("/o/{}/notices/{}", ctx.org(), notice.id)).into_response())
}

/// The notice (its id) that published a meeting's minutes, if there is one.
pub(crate) async fn minutes_notice(
    state: &AppState,
    ctx: &Ctx,
    meeting: &str,
) -> Result<Option<i64>, AppError> {
    let query = mamori_store::ListQuery {
        filters: vec![
            ("meeting".into(), meeting.to_string()),
            ("kind".into(), "minutes".into()),
        ],
        limit: 1,
        ..Default::default()
    };
    let page = state.store.list(&ctx.access, &NOTICES, &query).await?;
    Ok(page.items.first().map(|r| r.id))
}

/// Briefs staff on a residual risk they must know: a notice for everyone naming the risk, whose
/// reads are then tracked on the risk's page.
pub async fn brief_risk(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    ctx.viewer.form(&body)?;
    if !mamori_store::records::can_create(&ctx.access, &RISKS)
        || !mamori_store::records::can_create(&ctx.access, &NOTICES)
    {
        return Err(AppError::Forbidden);
    }
    let id = parse_id(&id)?;
    let risk = state.store.get(&ctx.access, &RISKS, id).await?;
    let value = |name: &str| {
        risk.value(&RISKS, name)
            .map(|v| v.to_plain())
            .unwrap_or_default()
    };
    let subject = match (
        value("asset_group"),
        risk.labels[RISKS.position("asset").unwrap_or(0)].clone(),
    ) {
        (group, _) if !group.is_empty() => group,
        (_, Some(asset)) => asset,
        _ => value("code"),
    };
    let title = i18n::t_args(
        ctx.lang,
        "risk-brief-title",
        &[("subject", subject), ("threat", value("threat"))],
    );
    let mut lines = vec![
        format!(
            "{}: {}",
            i18n::field_label(ctx.lang, &RISKS, "threat"),
            value("threat")
        ),
        format!(
            "{}: {}",
            i18n::field_label(ctx.lang, &RISKS, "vulnerability"),
            value("vulnerability")
        ),
    ];
    for f in ["residual_level", "level", "plan", "existing_controls"] {
        let v = value(f);
        if !v.is_empty() {
            lines.push(format!("{}: {v}", i18n::field_label(ctx.lang, &RISKS, f)));
        }
    }
    lines.push(i18n::t(ctx.lang, "risk-brief-footer"));
    let notice = state
        .store
        .brief_risk(&ctx.access, id, &title, &lines.join("\n"))
        .await?;
    Ok(Redirect::to(&format!("/o/{}/notices/{notice}", ctx.org())).into_response())
}
