//! The organisation's dashboard, the areas not built yet, the audit trail page and settings.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use mamori_domain::{DateStyle, Lang};
use minijinja::context;

use mamori_domain::Role;
use mamori_domain::register::HandlingRule;
use mamori_domain::registers::{APPOINTMENTS, DEPARTMENTS, IDENTITY_GUARANTEES, NOTICES, PEOPLE};
use mamori_domain::registers::{
    AssetRules, CLASSIFICATIONS, LevelNames, PROTECTIONS, TRANSFER_METHODS,
};
use mamori_store::ListQuery;

use super::{get, pairs};
use crate::AppState;
use crate::error::AppError;
use crate::i18n;
use crate::render;
use crate::session::{Ctx, FY_COOKIE, set_cookie};

/// An audit timestamp (RFC 3339, UTC) shown as a date and time in Japan.
pub fn format_at(ctx: &Ctx, at: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    match time::OffsetDateTime::parse(at, &Rfc3339) {
        Ok(t) => {
            let jst = t.to_offset(mamori_domain::dates::JST);
            format!(
                "{} {:02}:{:02}:{:02}",
                mamori_domain::dates::format_date(jst.date(), ctx.style, ctx.lang),
                jst.hour(),
                jst.minute(),
                jst.second()
            )
        }
        Err(_) => at.to_string(),
    }
}

pub async fn dashboard(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    // Staff's home is My page: their notices, tests and near-miss button, also on a phone.
    if ctx.access.role == Role::Staff {
        return Ok(Redirect::to(&format!("/o/{}/me", ctx.org())).into_response());
    }
    let count = |reg, q: ListQuery| {
        let state = state.clone();
        let access = ctx.access.clone();
        async move {
            state
                .store
                .list(&access, reg, &ListQuery { limit: 1, ..q })
                .await
                .map(|p| p.total)
        }
    };
    let (from, to) = (ctx.fy.start(), ctx.fy.last_day());
    let range = |field: &str| ListQuery {
        ranges: vec![(field.to_string(), Some(from), Some(to))],
        ..Default::default()
    };
    let iso = mamori_domain::dates::iso;
    let base = format!("/o/{}", ctx.org());
    // Japanese law limits an identity guarantee to five years: warn 90 days before.
    let today = mamori_domain::dates::today();
    let five_years_ago = today
        .replace_year(today.year() - 5)
        .or_else(|_| {
            today
                .replace_day(28)
                .and_then(|d| d.replace_year(today.year() - 5))
        })
        .unwrap_or(today);
    let guarantee_warn = five_years_ago + time::Duration::days(90);
    let figures = vec![
        context! { label => i18n::t(ctx.lang, "dashboard-people"), value => count(&PEOPLE, ListQuery::default()).await?, href => format!("{base}/people") },
        context! { label => i18n::t(ctx.lang, "dashboard-joined"), value => count(&PEOPLE, range("joined_on")).await?, href => format!("{base}/people?joined_on_from={}&joined_on_to={}", iso(from), iso(to)) },
        context! { label => i18n::t(ctx.lang, "dashboard-departments"), value => count(&DEPARTMENTS, ListQuery::default()).await?, href => format!("{base}/departments") },
        context! { label => i18n::t(ctx.lang, "dashboard-appointments-started"), value => count(&APPOINTMENTS, range("starts_on")).await?, href => format!("{base}/appointments?starts_on_from={}&starts_on_to={}", iso(from), iso(to)) },
        context! { label => i18n::t(ctx.lang, "dashboard-no-pledge"), value => count(&PEOPLE, ListQuery { lacks: vec!["pledges".into()], ..Default::default() }).await?, href => format!("{base}/people?lacks=pledges") },
        context! { label => i18n::t(ctx.lang, "dashboard-guarantee-limit"), value => count(&IDENTITY_GUARANTEES, ListQuery { ranges: vec![("received_on".into(), None, Some(guarantee_warn))], latest: true, ..Default::default() }).await?, href => format!("{base}/identity-guarantees?received_on_to={}&latest=1", iso(guarantee_warn)) },
    ];
    let todo = things_to_do(&state, &ctx, &base).await?;
    let my_tasks = super::plan::my_task_items(&state, &ctx, 10).await?;
    // Until the ISMS is set up, the secretariat's home shows what is left, each step linking to
    // where it is done.
    let checklist = if ctx.access.may(mamori_domain::Capability::ChangeSettings) {
        let steps = state.store.setup_checklist(&ctx.access).await?;
        let done = steps.iter().filter(|s| s.done).count();
        (done < steps.len()).then(|| {
            let items: Vec<_> = steps
                .iter()
                .map(|s| context! { key => s.key, done => s.done, label => i18n::t(ctx.lang, &format!("setup-step-{}", s.key)), href => format!("{base}/{}", s.path) })
                .collect();
            context! { items, done, total => steps.len() }
        })
    } else {
        None
    };
    render::page(
        &ctx,
        "dashboard.html",
        context! {
            checklist, todo, my_tasks,
            auditor => ctx.access.role == Role::Auditor,
            figures, period => format!("{} – {}", mamori_domain::dates::format_date(from, ctx.style, ctx.lang), mamori_domain::dates::format_date(to, ctx.style, ctx.lang)),
            // Just founded (`/setup`): what was made, and where to start.
            welcome => super::query_says(&ctx.query, "welcome").is_some(),
        },
        StatusCode::OK,
    )
}

/// What the member has to do, as their role sees it, each a count opening its records: the
/// secretariat's events to assess, late corrective actions, take-outs and risks to review; a
/// department manager's events to assess and people without an NDA in their department.
async fn things_to_do(
    state: &AppState,
    ctx: &Ctx,
    base: &str,
) -> Result<Vec<minijinja::Value>, AppError> {
    use mamori_domain::registers::{HANDLER_REQUESTS, SECURITY_EVENTS};
    let count = |reg, q: ListQuery| async move {
        state
            .store
            .list(&ctx.access, reg, &ListQuery { limit: 1, ..q })
            .await
            .map(|p| p.total)
    };
    let item = |key: &str, value: i64, href: String| {
        context! { label => i18n::t(ctx.lang, key), value, href, urgent => value > 0 }
    };
    let reported = || vec![("status".to_string(), "reported".to_string())];
    let waiting = || vec![("request_status".to_string(), "requested".to_string())];
    let mut todo = Vec::new();
    match ctx.access.role {
        Role::IsmsManager | Role::Admin => {
            let events = count(
                &SECURITY_EVENTS,
                ListQuery {
                    filters: reported(),
                    ..Default::default()
                },
            )
            .await?;
            todo.push(item(
                "todo-events",
                events,
                format!("{base}/security-events?status=reported"),
            ));
            let requests = count(
                &HANDLER_REQUESTS,
                ListQuery {
                    filters: waiting(),
                    ..Default::default()
                },
            )
            .await?;
            todo.push(item(
                "todo-requests",
                requests,
                format!("{base}/handler-requests?request_status=requested"),
            ));
            // Notices of the last 90 days fewer than four in five of their audience have read.
            let since = mamori_domain::dates::today() - time::Duration::days(90);
            let recent = state
                .store
                .list(
                    &ctx.access,
                    &NOTICES,
                    &ListQuery {
                        ranges: vec![("published_on".into(), Some(since), None)],
                        limit: 50,
                        ..Default::default()
                    },
                )
                .await?;
            let mut unread = 0;
            for n in &recent.items {
                let status = state.store.notice_status(&ctx.access, n.id).await?;
                if status.total > 0 && status.read * 5 < status.total * 4 {
                    unread += 1;
                }
            }
            todo.push(item(
                "todo-notices-unread",
                unread,
                format!(
                    "{base}/notices?published_on_from={}",
                    mamori_domain::dates::iso(since)
                ),
            ));
            let late = state
                .store
                .overdue(&ctx.access, mamori_domain::dates::today())
                .await?;
            todo.push(item(
                "todo-actions",
                late.actions.len() as i64,
                format!("{base}/overdue"),
            ));
            todo.push(item(
                "todo-take-outs",
                late.take_outs.len() as i64,
                format!("{base}/overdue"),
            ));
            todo.push(item(
                "todo-risks",
                late.risks.len() as i64,
                format!("{base}/overdue"),
            ));
            todo.push(item(
                "todo-certificates",
                late.certificates.len() as i64,
                format!("{base}/overdue#overdue-certificates"),
            ));
            // The chosen year's report: where it stands (a word, not a count).
            let revisions = state
                .store
                .report_revisions(&ctx.access, ctx.fy.year())
                .await?;
            let status = revisions
                .first()
                .map_or("report-status-none".to_string(), |r| {
                    format!("report-status-{}", r.status.code())
                });
            todo.push(context! {
                label => i18n::t_args(ctx.lang, "todo-report", &[("period", ctx.fy.label(ctx.style, ctx.lang))]),
                value => i18n::t(ctx.lang, &status),
                href => format!("{base}/reports/{}", ctx.fy.year()),
                urgent => false,
                word => true,
            });
        }
        Role::DepartmentManager => {
            let department = super::own_department(state, ctx).await;
            if let Some(code) = department {
                let ours = |mut filters: Vec<(String, String)>| {
                    filters.push(("department".to_string(), code.clone()));
                    filters
                };
                let people_lacking = |lack: &str| ListQuery {
                    filters: ours(Vec::new()),
                    lacks: vec![lack.to_string()],
                    ..Default::default()
                };
                // Each a count of their department's records, linked to the list of exactly those
                // (the link made from the query, as a report figure's is).
                let asks: Vec<(&str, &'static mamori_domain::Register, ListQuery)> = vec![
                    (
                        "todo-department-events",
                        &SECURITY_EVENTS,
                        ListQuery {
                            filters: ours(reported()),
                            ..Default::default()
                        },
                    ),
                    // Corrective actions not yet completed.
                    (
                        "todo-department-actions",
                        &mamori_domain::registers::CORRECTIVE_ACTIONS,
                        ListQuery {
                            filters: ours(Vec::new()),
                            empty: vec!["completed_on".into()],
                            ..Default::default()
                        },
                    ),
                    // The grants asked of them: requests for their department's assets.
                    (
                        "todo-requests",
                        &HANDLER_REQUESTS,
                        ListQuery {
                            filters: ours(waiting()),
                            ..Default::default()
                        },
                    ),
                    (
                        "todo-department-no-test",
                        &PEOPLE,
                        people_lacking("test-attempts"),
                    ),
                    (
                        "todo-department-no-guarantee",
                        &PEOPLE,
                        people_lacking("identity-guarantees"),
                    ),
                    (
                        "todo-department-no-pledge",
                        &PEOPLE,
                        people_lacking("pledges"),
                    ),
                ];
                for (key, reg, query) in asks {
                    let value = count(reg, query.clone()).await?;
                    let params = serde_urlencoded::to_string(query.to_params()).unwrap_or_default();
                    todo.push(item(
                        key,
                        value,
                        format!("{base}/{}?{params}", reg.collection),
                    ));
                }
            }
        }
        _ => {}
    }
    Ok(todo)
}

/// An area's landing page (`/o/{org}/areas/{group}`): what the area is for, and each of its
/// registers and pages the member may open, with a register's count and the way to add a record.
/// The phone's menu lists the areas only, so each is one tap from its landing page.
pub async fn area(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, key)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let items = crate::render::menu(&ctx)
        .into_iter()
        .filter(|a| a.group == key)
        .collect::<Vec<_>>();
    // My page is a page, not an area.
    if items.is_empty() || key == "mine" {
        return Err(AppError::NotFound);
    }
    let mut out = Vec::new();
    for a in items {
        let reg = mamori_domain::registers::by_collection(a.path);
        let count = match reg {
            Some(r) => Some(
                state
                    .store
                    .count(&ctx.access, r, &ListQuery::default())
                    .await?,
            ),
            None => None,
        };
        out.push(context! {
            label => i18n::t(ctx.lang, a.key),
            href => format!("/o/{}/{}", ctx.org(), a.path),
            about => reg.map(|r| i18n::t(ctx.lang, &format!("about-{}", r.code))),
            count,
            // The count is of every year's records: it opens them all.
            count_href => reg.map(|r| format!("/o/{}/{}{}", ctx.org(), a.path, if r.year_field.is_some() { "?year=all" } else { "" })),
            new_href => reg.filter(|r| mamori_store::records::can_create(&ctx.access, r)).map(|r| format!("/o/{}/{}/new", ctx.org(), r.collection)),
        });
    }
    render::page(
        &ctx,
        "area.html",
        context! { title => i18n::t(ctx.lang, &format!("group-{key}")), lead => i18n::t(ctx.lang, &format!("group-{key}-lead")), items => out },
        StatusCode::OK,
    )
}

/// The trail's filters from a query: who, which register, which record, which action, from and
/// to (days in Japan, era or full-width accepted). A value that is none is refused, naming it.
fn trail_filter(params: &[(String, String)]) -> Result<mamori_store::audit::TrailFilter, AppError> {
    use mamori_domain::FieldError;
    let text = |k: &str| {
        get(params, k)
            .map(mamori_domain::input::normalize_strict)
            .filter(|v| !v.is_empty())
    };
    let number = |k: &str| -> Result<Option<i64>, AppError> {
        text(k)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| AppError::Invalid(vec![FieldError::new(k, "not-a-number")]))
            })
            .transpose()
    };
    let date = |k: &str| -> Result<Option<time::Date>, AppError> {
        text(k)
            .map(|v| {
                mamori_domain::dates::parse_date(&v)
                    .ok_or_else(|| AppError::Invalid(vec![FieldError::new(k, "invalid-date")]))
            })
            .transpose()
    };
    Ok(mamori_store::audit::TrailFilter {
        user_id: number("user")?,
        entity: text("entity"),
        entity_id: number("record")?,
        action: text("action"),
        from: date("from")?,
        to: date("to")?,
    })
}

/// The audit trail, the auditor's main tool: filtered by who, register, record, action and dates
/// (the filters stay in the URL), counted as the organisation's entries and as the filter's, with
/// the verification of the whole installation's chain.
pub async fn audit(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let raw = raw.unwrap_or_default();
    let params = pairs(raw.as_bytes())?;
    let page_no = super::page_number(&params);
    let filter = trail_filter(&params)?;
    let (rows, total, all) = state
        .store
        .audit_trail(&ctx.access, &filter, 100, (page_no - 1) * 100)
        .await?;
    let (users, entities, actions) = state.store.audit_trail_facets(&ctx.access).await?;
    let selected = |k: &str| get(&params, k).unwrap_or("").to_string();
    let users: Vec<_> = users
        .into_iter()
        .map(|(id, name)| context! { value => id.to_string(), label => name, selected => selected("user") == id.to_string() })
        .collect();
    let entities: Vec<_> = entities
        .into_iter()
        .map(|e| context! { label => i18n::t(ctx.lang, &format!("entity-{e}")), selected => selected("entity") == e, value => e })
        .collect();
    let actions: Vec<_> = actions
        .into_iter()
        .map(|a| context! { label => i18n::t(ctx.lang, &format!("action-{a}")), selected => selected("action") == a, value => a })
        .collect();
    // The filter's query, for the pager and the export.
    let query: String = params
        .iter()
        .filter(|(k, v)| k != "page" && !v.is_empty())
        .map(|(k, v)| {
            format!(
                "{}={}",
                crate::error::url_escape(k),
                crate::error::url_escape(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&");
    let verification = state.store.audit_verify(&ctx.access).await?;
    let checkpoints = state.store.audit_checkpoint_status(&ctx.access).await?;
    // Each as a translation key with the seq (and the head a cut trail now ends at).
    let checkpoint_problems: Vec<minijinja::Value> = checkpoints
        .problems
        .iter()
        .filter_map(|p| {
            use mamori_store::integrity::Problem as Pr;
            let (key, seq, head) = match *p {
                Pr::Signature { seq, .. } => ("audit-checkpoint-signature", seq, None),
                Pr::OtherKey { seq, .. } => ("audit-checkpoint-other-key", seq, None),
                Pr::Truncated { seq, head, .. } => ("audit-checkpoint-truncated", seq, Some(head)),
                Pr::Rewritten { seq, .. } => ("audit-checkpoint-rewritten", seq, None),
                _ => return None,
            };
            Some(context! { key, seq, head })
        })
        .collect();
    let entries: Vec<_> = rows
        .iter()
        .map(|r| {
            let href = mamori_domain::registers::ALL
                .iter()
                .find(|reg| reg.code == r.entity)
                .and_then(|reg| {
                    r.entity_id
                        .map(|id| format!("/o/{}/{}/{id}", ctx.org(), reg.collection))
                });
            context! {
                seq => r.seq, at => format_at(&ctx, &r.at), actor => r.actor.clone(),
                entity => i18n::t(ctx.lang, &format!("entity-{}", r.entity)),
                entity_id => r.entity_id, href,
                action => i18n::t(ctx.lang, &format!("action-{}", r.action)),
                reason => r.reason.clone(), hash => r.hash[..12].to_string(),
            }
        })
        .collect();
    let pages = ((total + 99) / 100).max(1);
    render::page(
        &ctx,
        "audit.html",
        context! {
            entries, total, all, page_no, pages, users, entities, actions, query,
            record => selected("record"), from => selected("from"), to => selected("to"),
            filtered => !query.is_empty(),
            intact => verification.intact(),
            rows => verification.rows,
            first_broken => verification.first_broken,
            checkpoint_count => checkpoints.count,
            checkpoint_seq => checkpoints.latest.as_ref().map(|c| c.seq),
            checkpoint_at => checkpoints.latest.as_ref().map(|c| format_at(&ctx, &c.at)),
            checkpoint_problems,
        },
        StatusCode::OK,
    )
}

/// The filtered trail as CSV (UTF-8 with BOM, for Excel): every entry the filter selects, with
/// its time in Japan, who, the register and record, the action and reason, and the full hash.
pub async fn audit_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let params = pairs(raw.unwrap_or_default().as_bytes())?;
    let filter = trail_filter(&params)?;
    let (rows, _, _) = state
        .store
        .audit_trail(&ctx.access, &filter, i64::MAX, 0)
        .await?;
    let t = |k: &str| i18n::t(ctx.lang, k);
    let sheet = mamori_io::sheet::Sheet {
        headers: vec![
            "#".into(),
            t("history-at"),
            t("history-actor"),
            t("audit-entity"),
            t("audit-record"),
            t("history-action"),
            t("audit-reason"),
            t("audit-hash"),
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.seq.to_string(),
                    format_at(&ctx, &r.at),
                    r.actor.clone(),
                    t(&format!("entity-{}", r.entity)),
                    r.entity_id.map(|i| i.to_string()).unwrap_or_default(),
                    t(&format!("action-{}", r.action)),
                    r.reason.clone().unwrap_or_default(),
                    r.hash.clone(),
                ]
            })
            .collect(),
    };
    let bytes = sheet
        .to_csv()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(super::registers::send_file(
        bytes,
        "text/csv; charset=utf-8",
        &format!("{}.csv", t("nav-audit")),
        "attachment",
    ))
}

/// The organisation's settings: for those who may change them (issue 18: staff, managers and
/// auditors do not open the page).
pub async fn settings(ctx: Ctx) -> Result<Response, AppError> {
    if !ctx.access.may(mamori_domain::Capability::ChangeSettings) {
        return Err(AppError::Forbidden);
    }
    settings_page(&ctx, None, StatusCode::OK)
}

fn settings_page(
    ctx: &Ctx,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let months = super::month_options(ctx.lang, ctx.access.org.calendar.start_month());
    // The profile as the organisation file gives it: texts, lists (management systems) and the
    // responsible persons with their phones.
    let profile: Vec<_> = ctx
        .access
        .org
        .profile
        .as_object()
        .map(|o| {
            o.iter()
                // The details and the report's contacts and systems; the settings held beside
                // them have their own sections.
                .filter(|(k, _)| {
                    mamori_store::org::DETAILS.iter().any(|(d, _)| d == k)
                        || matches!(k.as_str(), "contacts" | "management_systems")
                })
                .filter_map(|(k, v)| {
                    let value = match v {
                        serde_json::Value::String(s) => s.clone(),
                        serde_json::Value::Array(items) => items
                            .iter()
                            .map(|i| match i {
                                serde_json::Value::String(s) => s.to_uppercase(),
                                serde_json::Value::Object(c) => ["title", "name", "phone"]
                                    .iter()
                                    .filter_map(|f| c.get(*f).and_then(|x| x.as_str()))
                                    .collect::<Vec<_>>()
                                    .join("　"),
                                other => other.to_string(),
                            })
                            .collect::<Vec<_>>()
                            .join(" / "),
                        _ => return None,
                    };
                    Some(context! { label => i18n::t(ctx.lang, &format!("profile-{k}")), value })
                })
                .collect()
        })
        .unwrap_or_default();
    let can_edit = ctx.access.may(mamori_domain::Capability::ChangeSettings);
    // The details the secretariat edits here; the contacts and management systems come from the
    // organisation file.
    let text = |k: &str| {
        ctx.access
            .org
            .profile
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    let details: Vec<_> = mamori_store::org::DETAILS
        .iter()
        .map(|(k, max)| context! { name => *k, label => i18n::t(ctx.lang, &format!("profile-{k}")), value => text(k), max => *max })
        .collect();
    // The report's responsible persons, with blank rows to add more.
    let mut contacts = mamori_store::org::Contact::of(&ctx.access.org);
    let blanks = 2.min(mamori_store::org::MAX_CONTACTS.saturating_sub(contacts.len()));
    contacts.extend(std::iter::repeat_n(Default::default(), blanks));
    let styles: Vec<_> = [DateStyle::Western, DateStyle::Era, DateStyle::EraShort]
        .iter()
        .map(|s| context! { value => s.code(), label => mamori_domain::dates::format_date(time::macros::date!(2026 - 04 - 01), *s, ctx.lang), selected => *s == ctx.access.org.settings.date_style })
        .collect();
    let langs: Vec<_> = Lang::ALL
        .iter()
        .map(|l| context! { value => l.code(), label => i18n::t(ctx.lang, &format!("language-{}", l.code())), selected => *l == ctx.access.org.settings.lang })
        .collect();
    // The numbered registers' code patterns, with the next code each would give.
    let codes: Vec<_> = mamori_domain::registers::ALL
        .iter()
        .filter_map(|reg| {
            let p = ctx.access.org.settings.code_pattern(reg)?;
            Some(context! { code => reg.code, name => i18n::register_name(ctx.lang, reg), prefix => p.prefix.clone(), digits => p.digits, example => p.of_year(ctx.fy.year()).code(1) })
        })
        .collect();
    let saved = super::query_says(&ctx.query, "saved").is_some();
    let rules = ctx.access.org.settings.asset_rules.clone();
    let choices: Vec<_> = rule_choices()
        .into_iter()
        .map(|(value, protections)| {
            let label = match value.as_str() {
                "allowed" => i18n::t(ctx.lang, "rule-allowed"),
                "forbidden" => i18n::t(ctx.lang, "rule-forbidden"),
                _ => i18n::t_args(
                    ctx.lang,
                    "rule-needs",
                    &[(
                        "protections",
                        protections
                            .iter()
                            .map(|p| i18n::choice_label(ctx.lang, "protection", p))
                            .collect::<Vec<_>>()
                            .join(" / "),
                    )],
                ),
            };
            context! { value, label }
        })
        .collect();
    let matrix: Vec<_> = CLASSIFICATIONS
        .iter()
        .map(|c| {
            let cells: Vec<_> = TRANSFER_METHODS
                .iter()
                .map(|m| context! { name => format!("rule-{c}-{m}"), value => rule_value(&rules, c, m) })
                .collect();
            let names = rules.names.get(*c).cloned().unwrap_or_default();
            context! {
                level => c,
                label => i18n::choice_label(ctx.lang, "classification", c),
                name_ja => names.ja, name_en => names.en,
                default_ja => i18n::t(Lang::Ja, &format!("classification-{c}")),
                default_en => i18n::t(Lang::En, &format!("classification-{c}")),
                guarantee => rules.needs_guarantee(c),
                cells,
            }
        })
        .collect();
    let methods: Vec<_> = TRANSFER_METHODS
        .iter()
        .map(|m| i18n::choice_label(ctx.lang, "method", m))
        .collect();
    let method = ctx.access.org.settings.risk_method.clone();
    let risk_matrix: Vec<_> = method
        .likelihood
        .iter()
        .enumerate()
        .map(|(l, label)| {
            let cells: Vec<_> = method
                .impact
                .iter()
                .enumerate()
                .map(|(i, _)| context! { name => format!("cell-{l}-{i}"), value => method.matrix[l][i].clone() })
                .collect();
            context! { label, cells }
        })
        .collect();
    // Each scale as a list of its values and blank rows for new ones.
    let list = |values: &[String]| -> Vec<String> {
        values
            .iter()
            .cloned()
            .chain(std::iter::repeat_n(String::new(), NEW_SCALE_ROWS))
            .collect()
    };
    let scales: Vec<_> = [
        ("likelihood", &method.likelihood),
        ("impact", &method.impact),
        ("priority", &method.priority),
        ("levels", &method.levels),
    ]
    .into_iter()
    .map(|(name, values)| context! { name, values => list(values), kept => values.len() })
    .collect();
    let levels: Vec<_> = method
        .levels
        .iter()
        .map(|l| context! { value => l, accepted => method.acceptable.contains(l) })
        .collect();
    let risk_method = context! {
        scales,
        levels,
        impacts => method.impact.clone(),
        level_options => method.levels.clone(),
        matrix => risk_matrix,
    };
    let remedial = ctx.access.org.settings.remedial;
    let cycles: Vec<_> = mamori_domain::plan::Cycles::NAMES
        .iter()
        .zip(ctx.access.org.settings.cycles.values())
        .map(|((name, _), value)| context! { name, value, label => i18n::t(ctx.lang, &format!("settings-{}", name.replace('_', "-"))) })
        .collect();
    render::page(
        ctx,
        "settings.html",
        context! {
            months, profile, can_edit, error, risk_method, details, saved, contacts, styles, langs, codes, cycles, report_year => ctx.fy.year(),
            name_en => ctx.access.org.name_en.clone().unwrap_or_default(),
            remedial_days => remedial.period_days, remedial_within_days => remedial.within_days, take_out_days => rules.take_out_days, matrix, methods, choices,
        },
        status,
    )
}

/// What a cell of the handling-rule table may say: allowed, forbidden, or allowed with one of a
/// set of protections (every non-empty set of the three).
fn rule_choices() -> Vec<(String, Vec<&'static str>)> {
    let kinds: Vec<&str> = PROTECTIONS
        .iter()
        .copied()
        .filter(|p| *p != "none")
        .collect();
    let mut out = vec![
        ("allowed".to_string(), Vec::new()),
        ("forbidden".to_string(), Vec::new()),
    ];
    for mask in 1..(1u32 << kinds.len()) {
        let set: Vec<&str> = kinds
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, p)| *p)
            .collect();
        out.push((set.join(","), set));
    }
    out
}

/// The cell's value for a classification and method: the first rule that applies.
fn rule_value(rules: &AssetRules, classification: &str, method: &str) -> String {
    match rules
        .handling_rules
        .iter()
        .find(|r| r.classification == classification && r.kind == "transfer" && r.method == method)
    {
        Some(r) if !r.allowed => "forbidden".into(),
        Some(r) if !r.protections.is_empty() => r.protections.join(","),
        _ => "allowed".into(),
    }
}

/// Saves the asset rules: the take-out limit and the handling-rule table.
pub async fn save_asset_rules(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = ctx.viewer.form(&body)?;
    let take_out_days = get(&form, "take_out_days")
        .and_then(|d| mamori_domain::input::normalize(d).parse::<i64>().ok())
        .unwrap_or(0);
    let valid: Vec<String> = rule_choices().into_iter().map(|(v, _)| v).collect();
    let mut handling_rules = Vec::new();
    for c in CLASSIFICATIONS {
        for m in TRANSFER_METHODS {
            let value = get(&form, &format!("rule-{c}-{m}")).unwrap_or("allowed");
            if !valid.iter().any(|v| v == value) {
                return settings_page(
                    &ctx,
                    Some(i18n::field_error(
                        ctx.lang,
                        None,
                        &mamori_domain::FieldError::new("handling_rules", "invalid-choice"),
                    )),
                    StatusCode::UNPROCESSABLE_ENTITY,
                );
            }
            if value == "allowed" {
                continue;
            }
            handling_rules.push(HandlingRule {
                classification: c.to_string(),
                kind: "transfer".into(),
                method: m.to_string(),
                allowed: value != "forbidden",
                protections: if value == "forbidden" {
                    Vec::new()
                } else {
                    value.split(',').map(str::to_string).collect()
                },
            });
        }
    }
    let mut names = std::collections::BTreeMap::new();
    for c in CLASSIFICATIONS {
        let name = |lang: Lang| {
            get(&form, &format!("name-{c}-{lang}"))
                .map(mamori_domain::input::normalize)
                .unwrap_or_default()
        };
        let level = LevelNames {
            ja: name(Lang::Ja),
            en: name(Lang::En),
        };
        if !level.ja.is_empty() || !level.en.is_empty() {
            names.insert(c.to_string(), level);
        }
    }
    let guarantee = CLASSIFICATIONS
        .iter()
        .filter(|c| get(&form, &format!("guarantee-{c}")).is_some())
        .map(|c| c.to_string())
        .collect();
    let rules = AssetRules {
        take_out_days,
        handling_rules,
        names,
        guarantee,
    };
    saved(
        &ctx,
        state.store.set_asset_rules(&ctx.access, &rules).await,
        "#asset-rules",
    )
}

/// After a settings form: back to its section of the page, or the page again with the message of
/// what was refused.
fn saved(
    ctx: &Ctx,
    result: Result<(), mamori_store::StoreError>,
    anchor: &str,
) -> Result<Response, AppError> {
    match result {
        // The page says what was saved (`saved=1`), at the section saved.
        Ok(()) => {
            Ok(Redirect::to(&format!("/o/{}/settings?saved=1{anchor}", ctx.org())).into_response())
        }
        Err(mamori_store::StoreError::Invalid(e)) => settings_page(
            ctx,
            e.first().map(|e| i18n::field_error(ctx.lang, None, e)),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => Err(e.into()),
    }
}

/// The blank rows each scale of the risk method offers for new values.
const NEW_SCALE_ROWS: usize = 2;

/// One scale of the risk method as the form gives it: its values `name-0`, `name-1`, … in order,
/// the first `before.len()` being the values it had (a value cleared is removed, one changed is
/// renamed) and the rest the blank rows (a value typed there is added). Each value comes with
/// the position it had, `None` for a new one.
fn scale_from_form(
    form: &[(String, String)],
    name: &str,
    before: &[String],
) -> Vec<(Option<usize>, String)> {
    (0..before.len() + NEW_SCALE_ROWS)
        .filter_map(|i| {
            let v = mamori_domain::input::normalize_strict(get(form, &format!("{name}-{i}"))?);
            (!v.is_empty()).then(|| ((i < before.len()).then_some(i), v))
        })
        .collect()
}

/// Saves the risk method: each scale edited as a list, the matrix (its cells named by the
/// positions the scales had, so a renamed value keeps its row), the accepted levels (ticked),
/// the levels renamed everywhere they are used. A cell of a new value takes the lowest level, to
/// be set next.
pub async fn save_risk_method(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    use mamori_domain::risk::RiskMethod;
    let form = ctx.viewer.form(&body)?;
    let before = &ctx.access.org.settings.risk_method;
    let likelihood = scale_from_form(&form, "likelihood", &before.likelihood);
    let impact = scale_from_form(&form, "impact", &before.impact);
    let priority = scale_from_form(&form, "priority", &before.priority);
    let levels = scale_from_form(&form, "levels", &before.levels);
    let values = |items: &[(Option<usize>, String)]| -> Vec<String> {
        items.iter().map(|(_, v)| v.clone()).collect()
    };
    // A level as the form names it (as it was), as it is now.
    let level_now = |old: &str| -> Option<String> {
        let was = before.levels.iter().position(|l| l == old);
        levels
            .iter()
            .find(|(from, v)| (was.is_some() && *from == was) || (was.is_none() && v == old))
            .map(|(_, v)| v.clone())
    };
    let lowest = levels.last().map(|(_, v)| v.clone()).unwrap_or_default();
    let matrix = likelihood
        .iter()
        .map(|(l, _)| {
            impact
                .iter()
                .map(|(i, _)| {
                    l.zip(*i)
                        .and_then(|(l, i)| get(&form, &format!("cell-{l}-{i}")))
                        .and_then(|v| level_now(&mamori_domain::input::normalize_strict(v)))
                        .unwrap_or_else(|| lowest.clone())
                })
                .collect()
        })
        .collect();
    let acceptable = form
        .iter()
        .filter(|(k, _)| k == "acceptable")
        .filter_map(|(_, v)| level_now(v))
        .collect();
    let method = RiskMethod {
        likelihood: values(&likelihood),
        impact: values(&impact),
        priority: values(&priority),
        acceptable,
        levels: values(&levels),
        matrix,
    };
    saved(
        &ctx,
        state.store.set_risk_method(&ctx.access, &method).await,
        "#risk-method",
    )
}

/// The remedial-training rule: the period within which a second human-error event puts its person
/// on the remedial course, and the days after it within which they are trained. A number the form
/// does not send keeps the organisation's; one that is no number is refused.
pub async fn save_remedial(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    use mamori_domain::registers::RemedialRule;
    let form = ctx.viewer.form(&body)?;
    let current = ctx.access.org.settings.remedial;
    let days = |name: &str, current: i64| {
        get(&form, name).map_or(current, |d| {
            mamori_domain::input::normalize(d)
                .parse::<i64>()
                .unwrap_or(0)
        })
    };
    let rule = RemedialRule::new(
        days("remedial_days", current.period_days),
        days("remedial_within_days", current.within_days),
    );
    let result = match rule {
        Ok(rule) => state.store.set_remedial_rule(&ctx.access, rule).await,
        Err(errors) => Err(mamori_store::StoreError::Invalid(errors)),
    };
    saved(&ctx, result, "#remedial")
}

/// Saves the cycles: how often the recurring checks fall due and how early an expiry is told. A
/// number the form does not send keeps the organisation's; one that is no number is refused.
pub async fn save_cycles(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    use mamori_domain::plan::Cycles;
    let form = ctx.viewer.form(&body)?;
    let current = ctx.access.org.settings.cycles.values();
    let mut values = current;
    for (i, (name, _)) in Cycles::NAMES.iter().enumerate() {
        if let Some(d) = get(&form, name) {
            values[i] = mamori_domain::input::normalize(d)
                .parse::<i64>()
                .unwrap_or(0);
        }
    }
    let result = match Cycles::new(values) {
        Ok(c) => state.store.set_cycles(&ctx.access, c).await,
        Err(errors) => Err(mamori_store::StoreError::Invalid(errors)),
    };
    saved(&ctx, result, "#cycles")
}

/// Saves the code patterns of the numbered registers: a prefix and the digits of each; one left
/// as the register's own is not kept.
pub async fn save_code_patterns(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    use mamori_domain::CodePattern;
    let form = ctx.viewer.form(&body)?;
    let mut patterns = std::collections::BTreeMap::new();
    for reg in mamori_domain::registers::ALL {
        let Some(own) = reg.numbered else { continue };
        let current = ctx.access.org.settings.code_pattern(reg).expect("numbered");
        let prefix = get(&form, &format!("prefix-{}", reg.code)).unwrap_or(&current.prefix);
        let digits = current.digits.to_string();
        let digits = get(&form, &format!("digits-{}", reg.code)).unwrap_or(&digits);
        let pattern = match CodePattern::new(prefix, digits) {
            Ok(p) => p,
            Err(mut e) => {
                // Named by the register whose pattern it is.
                e.field = format!("code_{}", e.field);
                e.detail = Some(i18n::register_name(ctx.lang, reg));
                let code = e.code;
                e.code = if code == "too-long" {
                    "code-prefix-too-long"
                } else {
                    "code-pattern-invalid"
                };
                return saved(
                    &ctx,
                    Err(mamori_store::StoreError::Invalid(vec![e])),
                    "#codes",
                );
            }
        };
        if pattern.prefix != own || pattern.digits != CodePattern::DIGITS {
            patterns.insert(reg.code.to_string(), pattern);
        }
    }
    saved(
        &ctx,
        state.store.set_code_patterns(&ctx.access, &patterns).await,
        "#codes",
    )
}

/// Saves the organisation's names and details (`Store::set_organization_details`).
pub async fn save_details(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = ctx.viewer.form(&body)?;
    let details: Vec<(&str, &str)> = mamori_store::org::DETAILS
        .iter()
        .map(|(k, _)| (*k, get(&form, k).unwrap_or("")))
        .collect();
    // The contacts' rows: each row's three fields, in the form's order.
    let column = |name: &str| -> Vec<String> {
        form.iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    let (titles, names, phones) = (
        column("contact_title"),
        column("contact_name"),
        column("contact_phone"),
    );
    let rows = titles.len().max(names.len()).max(phones.len());
    let at = |c: &[String], i: usize| c.get(i).cloned().unwrap_or_default();
    let contacts: Vec<mamori_store::org::Contact> = (0..rows)
        .map(|i| mamori_store::org::Contact {
            title: at(&titles, i),
            name: at(&names, i),
            phone: at(&phones, i),
        })
        .collect();
    saved(
        &ctx,
        state
            .store
            .set_organization_details(
                &ctx.access,
                get(&form, "name").unwrap_or(""),
                get(&form, "name_en").unwrap_or(""),
                &details,
                // A form without the contacts' rows leaves them as they are.
                (rows > 0).then_some(contacts.as_slice()),
            )
            .await,
        "#profile",
    )
}

/// Saves the fiscal year's first month, and the date style and language new members start with;
/// each only when it changed.
pub async fn save_settings(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = ctx.viewer.form(&body)?;
    let month = get(&form, "fiscal_year_start_month")
        .and_then(|m| mamori_domain::input::normalize(m).parse::<u8>().ok())
        .unwrap_or(0);
    let org = &ctx.access.org;
    let style = match get(&form, "date_style") {
        None => Some(org.settings.date_style),
        Some(s) => DateStyle::parse(s),
    };
    let lang = match get(&form, "lang") {
        None => Some(org.settings.lang),
        Some(l) => Lang::parse(l),
    };
    let (Some(style), Some(lang)) = (style, lang) else {
        let field = if style.is_none() {
            "date_style"
        } else {
            "lang"
        };
        return saved(
            &ctx,
            Err(mamori_store::StoreError::invalid(field, "invalid-choice")),
            "",
        );
    };
    if month != org.calendar.start_month()
        && let Err(e) = state.store.set_fiscal_year_start(&ctx.access, month).await
    {
        return saved(&ctx, Err(e), "");
    }
    let result = if (style, lang) != (org.settings.date_style, org.settings.lang) {
        state
            .store
            .set_member_defaults(&ctx.access, style, lang)
            .await
    } else {
        Ok(())
    };
    saved(&ctx, result, "")
}

/// Selects the fiscal year the pages show, and goes back where the user was.
pub async fn select_fiscal_year(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = ctx.viewer.form(&body)?;
    let year = get(&form, "fy")
        .and_then(|y| mamori_domain::input::normalize(y).parse::<i32>().ok())
        .filter(|y| (1990..=2100).contains(y))
        .ok_or_else(|| {
            AppError::Invalid(vec![mamori_domain::FieldError::new("fy", "invalid-choice")])
        })?;
    let back = get(&form, "back")
        .filter(|b| b.starts_with(&format!("/o/{}", ctx.org())) && !b.starts_with("//"))
        .map(str::to_string)
        .unwrap_or(format!("/o/{}", ctx.org()));
    Ok((
        [(
            header::SET_COOKIE,
            set_cookie(&state, FY_COOKIE, &year.to_string(), 60 * 60 * 24 * 365),
        )],
        Redirect::to(&back),
    )
        .into_response())
}

/// Who may sign in to the organisation, with which role and until when; administrators add and stop members here.
pub async fn members(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    members_page(&state, &ctx, &[], &[], StatusCode::OK, None).await
}

async fn members_page(
    state: &AppState,
    ctx: &Ctx,
    form: &[(String, String)],
    errors: &[mamori_domain::FieldError],
    status: StatusCode,
    invite_link: Option<String>,
) -> Result<Response, AppError> {
    let can_manage = ctx.access.may(mamori_domain::Capability::ManageMembers);
    let pending: Vec<_> = if can_manage {
        state
            .store
            .pending_invitations(&ctx.access)
            .await?
            .into_iter()
            .map(|p| context! {
                email => p.email,
                role => i18n::t(ctx.lang, &format!("role-{}", p.role.code())),
                expires => mamori_domain::dates::format_date(p.expires_at.to_offset(mamori_domain::dates::JST).date(), ctx.style, ctx.lang),
            })
            .collect()
    } else {
        Vec::new()
    };
    let members: Vec<_> = state
        .store
        .members(&ctx.access)
        .await?
        .into_iter()
        .map(|m| {
            context! {
                email => m.email,
                name => m.display_name,
                role => if m.administers {
                    i18n::t_args(ctx.lang, "members-role-administers", &[("role", i18n::t(ctx.lang, &format!("role-{}", m.role.code())))])
                } else {
                    i18n::t(ctx.lang, &format!("role-{}", m.role.code()))
                },
                department => m.department,
                person => m.person,
                valid_until => m.valid_until.map(|d| mamori_domain::dates::format_date(d, ctx.style, ctx.lang)),
                valid_until_iso => m.valid_until.map(mamori_domain::dates::iso),
                role_code => m.role.code(),
                disabled => m.disabled,
            }
        })
        .collect();
    let roles: Vec<_> = Role::ALL
        .iter()
        .map(|r| context! { value => r.code(), label => i18n::t(ctx.lang, &format!("role-{}", r.code())) })
        .collect();
    let departments: Vec<_> = state
        .store
        .ref_options(&ctx.access, &DEPARTMENTS)
        .await?
        .unwrap_or_default()
        .into_iter()
        .map(|(k, t)| context! { value => k.clone(), label => format!("{t} ({k})") })
        .collect();
    let value = |k: &str| get(form, k).unwrap_or("").to_string();
    let error = |k: &str| {
        errors
            .iter()
            .filter(|e| e.field == k)
            .map(|e| i18n::field_error(ctx.lang, None, e))
            .next()
    };
    let fields: Vec<_> = ["email", "display_name", "password", "role", "department", "person", "valid_until"]
        .iter()
        .map(|k| context! { name => k, value => if *k == "password" { String::new() } else { value(k) }, error => error(k) })
        .collect();
    render::page(
        ctx,
        "members.html",
        context! {
            members, roles, departments, fields, can_manage, has_errors => !errors.is_empty(), pending, invite_link,
            mailed => crate::mail::configured(),
            // What the last change did (`done=changed|removed`), said at the top.
            done => super::query_says(&ctx.query, "done").filter(|d| ["changed", "removed"].contains(&d.as_str())).map(|d| i18n::t(ctx.lang, &format!("members-{d}"))),
        },
        status,
    )
}

pub async fn add_member(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = ctx.viewer.form(&body)?;
    let new = new_member(&form);
    match state.store.add_member(&ctx.access, &new).await {
        Ok(()) => Ok(Redirect::to(&format!("/o/{}/members", ctx.org())).into_response()),
        Err(mamori_store::StoreError::Invalid(errors)) => {
            members_page(
                &state,
                &ctx,
                &form,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// Invites a member from the same form (its name and password left to the invited person): the
/// page shows the single-use link to copy, once.
pub async fn invite(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = ctx.viewer.form(&body)?;
    let new = new_member(&form);
    match state.store.invite(&ctx.access, &new).await {
        Ok(token) => {
            let link = format!(
                "{}/invite/{token}",
                crate::pages::assets::public_base(&state, &headers)
            );
            // With a mail server set, the invitation goes through the sender too.
            if crate::mail::configured()
                && let Ok(email) = mamori_store::auth::normalize_email(&new.email)
            {
                let mail = crate::mail::invitation(&ctx.access.org, &email, &link, &token);
                state.store.queue_mail(&[mail]).await?;
            }
            members_page(&state, &ctx, &[], &[], StatusCode::OK, Some(link)).await
        }
        Err(mamori_store::StoreError::Invalid(errors)) => {
            members_page(
                &state,
                &ctx,
                &form,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// A new member as the members form gives one.
fn new_member(form: &[(String, String)]) -> mamori_store::org::NewMember {
    let text = |k: &str| get(form, k).unwrap_or("").to_string();
    let optional = |k: &str| {
        get(form, k)
            .map(str::to_string)
            .filter(|v| !v.trim().is_empty())
    };
    mamori_store::org::NewMember {
        email: text("email"),
        display_name: text("display_name"),
        password: text("password"),
        role: text("role"),
        department: optional("department"),
        person: optional("person"),
        valid_until: optional("valid_until"),
    }
}

/// Changes a member's role, department, person and end date (administrators).
pub async fn change_member(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = ctx.viewer.form(&body)?;
    match state
        .store
        .change_member(&ctx.access, &new_member(&form))
        .await
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/o/{}/members?done=changed", ctx.org())).into_response())
        }
        Err(mamori_store::StoreError::Invalid(errors)) => {
            members_page(
                &state,
                &ctx,
                &[],
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// Removes a member from the organisation (administrators): their sessions end and tokens are
/// revoked.
pub async fn remove_member(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = ctx.viewer.form(&body)?;
    state
        .store
        .remove_member(&ctx.access, get(&form, "email").unwrap_or(""))
        .await?;
    Ok(Redirect::to(&format!("/o/{}/members?done=removed", ctx.org())).into_response())
}

pub async fn set_member_disabled(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = ctx.viewer.form(&body)?;
    let disabled = get(&form, "disabled") == Some("true");
    state
        .store
        .set_member_disabled(&ctx.access, get(&form, "email").unwrap_or(""), disabled)
        .await?;
    Ok(Redirect::to(&format!("/o/{}/members", ctx.org())).into_response())
}

/// Completion per course for the selected fiscal year, with the previous year in brackets as the
/// report prints it (`34(9)`); each figure opens the sessions behind it.
pub async fn completion(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let current = state.store.completion(&ctx.access, ctx.fy).await?;
    let previous = state
        .store
        .completion(&ctx.access, ctx.fy.previous())
        .await?;
    let iso = mamori_domain::dates::iso;
    // Each figure opens the attendance records it counts.
    let link = |code: &str, fy: mamori_domain::FiscalYear, department: Option<&str>| {
        let mut href = format!(
            "/o/{}/attendances?session.course={}&session.held_on_from={}&session.held_on_to={}",
            ctx.org(),
            crate::error::url_escape(code),
            iso(fy.start()),
            iso(fy.last_day())
        );
        if let Some(d) = department {
            href.push_str(&format!("&department={}", crate::error::url_escape(d)));
        }
        href
    };
    let rate = |attended: i64, expected: i64| {
        (expected > 0).then(|| format!("{:.0}%", attended as f64 * 100.0 / expected as f64))
    };
    let rows: Vec<_> = current
        .iter()
        .map(|c| {
            let p = previous.iter().find(|p| p.code == c.code);
            let (p_sessions, p_expected, p_attended) =
                p.map_or((0, 0, 0), |p| (p.sessions, p.expected, p.attended));
            context! {
                name => c.name.clone(),
                kind => i18n::t(ctx.lang, &format!("kind-{}", c.kind)),
                sessions => c.sessions, p_sessions,
                expected => c.expected, p_expected,
                attended => c.attended, p_attended,
                rate => rate(c.attended, c.expected),
                href => link(&c.code, ctx.fy, None),
                p_href => link(&c.code, ctx.fy.previous(), None),
            }
        })
        .collect();
    // The report's headline rate: onboarding and periodic courses together.
    let (expected, attended) = current
        .iter()
        .filter(|c| c.kind == "onboarding" || c.kind == "periodic")
        .fold((0, 0), |(e, a), c| (e + c.expected, a + c.attended));
    let by_department: Vec<_> = state
        .store
        .completion_by_department(&ctx.access, ctx.fy)
        .await?
        .iter()
        .map(|d| {
            let course = current
                .iter()
                .find(|c| c.code == d.course)
                .map(|c| c.name.clone())
                .unwrap_or(d.course.clone());
            context! {
                course, department => d.department_name.clone(),
                expected => d.expected, attended => d.attended,
                rate => rate(d.attended, d.expected),
                href => link(&d.course, ctx.fy, Some(&d.department)),
            }
        })
        .collect();
    render::page(
        &ctx,
        "completion.html",
        context! { rows, by_department, overall => rate(attended, expected), previous_label => ctx.fy.previous().label(ctx.style, ctx.lang) },
        StatusCode::OK,
    )
}

/// The organisation chart on the last day of the selected fiscal year (or today, within the current one).
pub async fn chart(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let today = mamori_domain::dates::today();
    let day = if ctx.fy.contains(today) {
        today
    } else {
        ctx.fy.last_day()
    };
    let holders = state.store.appointments_on(&ctx.access, day).await?;
    let title = i18n::t(ctx.lang, "chart-title");
    let svg = crate::chart::svg(
        &holders,
        &|role| i18n::t(ctx.lang, &format!("role-{role}")),
        &title,
    );
    render::page(
        &ctx,
        "chart.html",
        context! {
            svg => minijinja::Value::from_safe_string(svg),
            on => mamori_domain::dates::format_date(day, ctx.style, ctx.lang),
            holders => holders.len(),
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
    use {crate::i18n, mamori_domain::registers, minijinja::context};
    Ok(Some(match reg.code {
        "person" => {
            let eligibility = match state.store.eligibility(&ctx.access, record.id).await {
                Ok(e) => Some(crate::pages::training::eligibility_view(ctx, &e)),
                Err(mamori_store::StoreError::NotFound) => None,
                Err(e) => return Err(e.into()),
            };
            let leaving = match state.store.leaving(&ctx.access, record.id).await {
                Ok(l) => Some(context! {
                    left_on => l.left_on.map(|d| mamori_domain::dates::format_date(d, ctx.style, ctx.lang)),
                    accounts => l.accounts.iter().map(|a| context! { email => a.email.clone(), disabled => a.disabled }).collect::<Vec<_>>(),
                    all_disabled => l.accounts.iter().all(|a| a.disabled),
                    pledge_on_file => l.pledge_on_file,
                    assets => l.assets.iter().map(|a| context! {
                        code => a.code.clone(), name => a.name.clone(),
                        role => i18n::t(ctx.lang, &format!("held-{}", a.role)),
                        href => format!("/o/{}/assets/{}", ctx.org(), a.asset_id),
                    }).collect::<Vec<_>>(),
                    members_href => format!("/o/{}/members", ctx.org()),
                }),
                Err(mamori_store::StoreError::Forbidden) => None,
                Err(e) => return Err(e.into()),
            };
            let no = crate::error::url_escape(&reg.text(&record.values, "employee_no"));
            let links = if mamori_store::records::can_read(&ctx.access, &registers::TEST_ATTEMPTS)
                && ctx.access.may(mamori_domain::Capability::ReadAboutOthers)
            {
                vec![
                    crate::pages::registers::link(
                        ctx,
                        "person-export-attempts-xlsx",
                        format!("/o/{}/test-attempts/export.xlsx?person={no}", ctx.org()),
                    ),
                    crate::pages::registers::link(
                        ctx,
                        "person-export-attempts-csv",
                        format!("/o/{}/test-attempts/export.csv?person={no}", ctx.org()),
                    ),
                ]
            } else {
                Vec::new()
            };
            context! { eligibility, leaving, links }
        }
        _ => return Ok(None),
    }))
}

/// The directory: who works here today, in which department, at which address; every member's to
/// read (staff read no more of the people register than their own record). `?q=` narrows it by
/// name, reading or department. No export: it is not a way to take personal data in bulk.
pub async fn directory(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let params = pairs(raw.unwrap_or_default().as_bytes())?;
    let q = get(&params, "q")
        .map(mamori_domain::input::normalize)
        .unwrap_or_default();
    let everyone = state.store.directory(&ctx.access).await?;
    let total = everyone.len();
    let people: Vec<_> = everyone
        .into_iter()
        .filter(|p| {
            q.is_empty()
                || p.name.contains(&q)
                || p.name.replace(' ', "").contains(&q.replace(' ', ""))
                || p.name_kana.as_deref().is_some_and(|k| k.contains(&q))
                || p.department.contains(&q)
        })
        .collect();
    render::page(
        &ctx,
        "directory.html",
        context! { people, q, total },
        StatusCode::OK,
    )
}
