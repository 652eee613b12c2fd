//! Operations beyond a register's own pages: acknowledging a notice, and publishing a meeting's
//! minutes as a notice.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use mamori_domain::Lang;
use mamori_domain::registers::{MEETINGS, NOTICES, RISKS};

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

/// Publishes a meeting's minutes on the bulletin board (`Store::publish_minutes`), titled in the
/// reader's language; again opens the notice already published.
pub async fn publish_minutes(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    ctx.viewer.form(&body)?;
    let meeting_id = parse_id(&id)?;
    let title = minutes_title(&state, &ctx.access, ctx.lang, ctx.style, meeting_id).await?;
    let minutes = state
        .store
        .publish_minutes(&ctx.access, meeting_id, &title)
        .await?;
    Ok(Redirect::to(&format!("/o/{}/notices/{}", ctx.org(), minutes.notice)).into_response())
}

/// Starts an audit's checklist from the last one, then shows the audit, saying how many questions
/// it has now (its checklist is among its related records).
pub async fn copy_checklist(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    ctx.viewer.form(&body)?;
    let audit = parse_id(&id)?;
    let copied = state.store.copy_checklist(&ctx.access, audit).await?;
    Ok(Redirect::to(&format!("/o/{}/audits/{audit}?copied={copied}", ctx.org())).into_response())
}

/// The title of a meeting's minutes: 「{title}」の議事録（{date}）.
pub(crate) async fn minutes_title(
    state: &AppState,
    access: &mamori_store::Access,
    lang: Lang,
    style: mamori_domain::DateStyle,
    meeting_id: i64,
) -> Result<String, AppError> {
    let meeting = state.store.get(access, &MEETINGS, meeting_id).await?;
    let value = |name: &str| meeting.value(&MEETINGS, name);
    let held_on = value("held_on")
        .and_then(|v| v.as_date())
        .map(|d| mamori_domain::dates::format_date(d, style, lang))
        .unwrap_or_default();
    let title = value("title").map(|v| v.to_plain()).unwrap_or_default();
    Ok(i18n::t_args(
        lang,
        "meeting-minutes-title",
        &[("title", title), ("date", held_on)],
    ))
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

/// The panels this area adds to its records' pages (the generic record page asks each area).
pub(crate) async fn panel(
    state: &crate::AppState,
    ctx: &crate::session::Ctx,
    reg: &mamori_domain::register::Register,
    record: &mamori_store::Record,
) -> Result<Option<minijinja::Value>, crate::error::AppError> {
    use {mamori_domain::registers, mamori_store::records::can_create, minijinja::context};
    Ok(Some(match reg.code {
        "notice" => {
            let status = state.store.notice_status(&ctx.access, record.id).await?;
            context! {
                notice => context! {
                    can_acknowledge => status.in_audience && status.read_on.is_none() && record.withdrawn_at.is_none(),
                    read_on => status.read_on.map(|d| mamori_domain::dates::format_date(d, ctx.style, ctx.lang)),
                    action => format!("/o/{}/notices/{}/read", ctx.org(), record.id),
                    read => status.read, total => status.total,
                    unread => status.unread,
                },
            }
        }
        "meeting" => {
            // Minutes are published once; the notice is then among the related records.
            let publishable = can_create(&ctx.access, &registers::NOTICES)
                && state.store.may_write(&ctx.access, reg, record).await?
                && !reg.text(&record.values, "minutes").is_empty()
                && record.withdrawn_at.is_none()
                && state
                    .store
                    .minutes_notice(&ctx.access, record.id)
                    .await?
                    .is_none();
            context! {
                publish => publishable
                    .then(|| format!("/o/{}/meetings/{}/publish", ctx.org(), record.id)),
            }
        }
        "audit" => {
            // An audit with no checklist starts from the last one (see `Store::copy_checklist`).
            let empty = state
                .store
                .count(
                    &ctx.access,
                    &registers::AUDIT_CHECKS,
                    &mamori_store::ListQuery {
                        filters: vec![("audit".into(), reg.text(&record.values, "code"))],
                        ..Default::default()
                    },
                )
                .await?
                == 0;
            context! {
                copy_checklist => (empty
                    && record.withdrawn_at.is_none()
                    && reg.text(&record.values, "kind") == "internal"
                    && can_create(&ctx.access, &registers::AUDIT_CHECKS))
                    .then(|| format!("/o/{}/audits/{}/checklist", ctx.org(), record.id)),
            }
        }
        _ => return Ok(None),
    }))
}

/// The internal audit programme of the fiscal year (監査プログラム, seed 2.1(7)): each department's
/// audit by planned date with its team, independence, checklist and findings; the departments the
/// year does not audit; and the auditors' competence (the internal auditors' course, audits led,
/// audited in or observed).
pub async fn audit_programme(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    use axum::http::StatusCode;
    use minijinja::context;
    let fy = ctx.fy;
    let programme = state.store.audit_programme(&ctx.access, fy).await?;
    let date = |d: time::Date| mamori_domain::dates::format_date(d, ctx.style, ctx.lang);
    let audits: Vec<minijinja::Value> = programme
        .audits
        .iter()
        .map(|a| {
            context! {
                href => format!("/o/{}/audits/{}", ctx.org(), a.id),
                code => a.code, department => a.department, lead => a.lead,
                month => i18n::month(ctx.lang, a.started_on.month() as u8),
                started_on => date(a.started_on),
                status => i18n::t(ctx.lang, &format!("status-{}", a.status)),
                done => a.status == "done",
                team => a.team.iter().map(|(name, part)| format!("{name}（{}）", i18n::t(ctx.lang, &format!("team_role-{part}")))).collect::<Vec<_>>(),
                independent => a.independent, lead_competent => a.lead_competent,
                checks => a.checks, checked => a.checked,
                checks_href => format!("/o/{}/audit-checks?audit={}", ctx.org(), a.code),
                findings => a.findings, nonconformities => a.nonconformities,
                findings_href => format!("/o/{}/findings?audit={}", ctx.org(), a.code),
            }
        })
        .collect();
    let auditors: Vec<minijinja::Value> = programme
        .auditors
        .iter()
        .map(|p| {
            context! {
                href => format!("/o/{}/people/{}", ctx.org(), p.person_id),
                name => p.name, department => p.department,
                trained_on => p.trained_on.map(date),
                led => p.led, member => p.member, observed => p.observed,
                competent => p.trained_on.is_some() || p.led > 0,
            }
        })
        .collect();
    let can_plan =
        mamori_store::records::can_write(&ctx.access, &mamori_domain::registers::AUDITS, None);
    crate::render::page(
        &ctx,
        "audit_programme.html",
        context! {
            audits, auditors, can_plan,
            unaudited => programme.unaudited,
            period => fy.label(ctx.style, ctx.lang),
        },
        StatusCode::OK,
    )
}
