//! Security-event figures: events per department and kind for the fiscal year and the previous one
//! (5.2(9) of the report, `7(6)`), and the human-error share per department over five years, with a
//! chart. Every figure opens the events it counts.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use mamori_domain::FiscalYear;
use mamori_domain::registers::EVENT_KINDS;
use minijinja::{Value, context};

use crate::error::{AppError, url_escape};
use crate::session::Ctx;
use crate::{AppState, i18n, render};

/// The list of the events a figure counts.
fn href(ctx: &Ctx, fy: FiscalYear, department: &str, extra: &str) -> String {
    let iso = mamori_domain::dates::iso;
    format!(
        "/o/{}/security-events?department={}&occurred_on_from={}&occurred_on_to={}{extra}",
        ctx.org(),
        url_escape(department),
        iso(fy.start()),
        iso(fy.last_day())
    )
}

pub async fn figures(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let fy = ctx.fy;
    // This year and the four before: the counts use the first two, the share all five; one query.
    let mut years = vec![fy];
    for _ in 0..4 {
        let last = *years.last().expect("one year");
        years.push(last.previous());
    }
    years.reverse();
    let tally = state.store.event_tally(&ctx.access, &years).await?;
    let previous = fy.previous();
    // Departments with an event in this year or the previous one, in code order.
    let mut departments: Vec<(String, String)> = tally
        .iter()
        .filter(|t| t.year == fy.year || t.year == previous.year)
        .map(|t| (t.department.clone(), t.department_name.clone()))
        .collect();
    departments.sort();
    departments.dedup_by(|a, b| a.0 == b.0);
    let count = |year: i32, d: &str, k: &str| -> i64 {
        tally
            .iter()
            .filter(|t| t.year == year && t.department == d && t.kind == k)
            .map(|t| t.count)
            .sum()
    };
    let rows: Vec<_> = departments
        .iter()
        .map(|(code, name)| {
            let cells: Vec<_> = EVENT_KINDS
                .iter()
                .map(|k| {
                    context! {
                        now => count(fy.year, code, k), before => count(previous.year, code, k),
                        href => href(&ctx, fy, code, &format!("&kind={k}")),
                        p_href => href(&ctx, previous, code, &format!("&kind={k}")),
                    }
                })
                .collect();
            context! { department => name, code, cells }
        })
        .collect();
    let kinds: Vec<_> = EVENT_KINDS
        .iter()
        .map(|k| i18n::choice_label(ctx.lang, "kind", k))
        .collect();

    // Human-error share per year, per department and overall.
    let percent = |h: i64, t: i64| {
        (t > 0).then(|| mamori_domain::FigureValue::share(h, t).with_unit("%", ctx.lang))
    };
    let share = |year: i32, department: Option<&str>| -> (i64, i64) {
        tally
            .iter()
            .filter(|t| t.year == year && department.is_none_or(|d| t.department == d))
            .fold((0, 0), |(h, all), t| {
                (h + if t.human_error { t.count } else { 0 }, all + t.count)
            })
    };
    let share_rows: Vec<_> = years
        .iter()
        .map(|y| {
            let mut in_year: Vec<(String, String)> = tally
                .iter()
                .filter(|t| t.year == y.year)
                .map(|t| (t.department.clone(), t.department_name.clone()))
                .collect();
            in_year.sort();
            in_year.dedup_by(|a, b| a.0 == b.0);
            let by_department: Vec<_> = in_year
                .iter()
                .map(|(code, name)| {
                    let (h, t) = share(y.year, Some(code));
                    context! {
                        department => name, human => h, total => t, percent => percent(h, t),
                        href => href(&ctx, *y, code, "&cause=human_error"),
                    }
                })
                .collect();
            let (h, t) = share(y.year, None);
            context! {
                year => y.label(ctx.style, ctx.lang),
                human => h, total => t, percent => percent(h, t),
                by_department,
            }
        })
        .collect();
    let points: Vec<(String, mamori_domain::FigureValue)> = years
        .iter()
        .map(|y| {
            let (h, t) = share(y.year, None);
            (
                y.label(ctx.style, ctx.lang),
                mamori_domain::FigureValue::share(h, t),
            )
        })
        .collect();
    let chart = mamori_report::chart::share_svg(
        &points,
        &i18n::t(ctx.lang, "events-share-chart"),
        ctx.lang,
    );
    let (findings, complaints) = improvement(&state, &ctx).await?;
    let reviews = reviews(&state, &ctx).await?;
    let drills = drills(&state, &ctx).await?;
    render::page(
        &ctx,
        "events.html",
        context! {
            kinds, rows, share_rows, chart, findings, complaints, reviews, drills,
            previous_label => previous.label(ctx.style, ctx.lang),
        },
        StatusCode::OK,
    )
}

/// Reviews and assessments the report counts (5.2(3)(4)(5)): this year's with the previous
/// year's, each figure opening the records it counts.
async fn reviews(state: &AppState, ctx: &Ctx) -> Result<Vec<Value>, AppError> {
    use mamori_domain::registers::{
        CHANGE_ASSESSMENTS, EXTERNAL_INCIDENT_REVIEWS, FACILITY_ASSESSMENTS, RELAXATION_REVIEWS,
    };
    let rows = [
        (
            "figures-external-reviewed",
            &EXTERNAL_INCIDENT_REVIEWS,
            "reviewed_on",
            None,
        ),
        (
            "figures-external-implemented",
            &EXTERNAL_INCIDENT_REVIEWS,
            "reviewed_on",
            Some(("decision", "implement")),
        ),
        (
            "figures-relaxation-reviewed",
            &RELAXATION_REVIEWS,
            "reviewed_on",
            None,
        ),
        (
            "figures-relaxation-relaxed",
            &RELAXATION_REVIEWS,
            "reviewed_on",
            Some(("decision", "relax")),
        ),
        (
            "figures-change-assessed",
            &CHANGE_ASSESSMENTS,
            "assessed_on",
            None,
        ),
        (
            "figures-change-confirmed",
            &CHANGE_ASSESSMENTS,
            "assessed_on",
            Some(("controls_confirmed", "yes")),
        ),
        (
            "figures-facility-assessed",
            &FACILITY_ASSESSMENTS,
            "surveyed_on",
            None,
        ),
        (
            "figures-facility-selected",
            &FACILITY_ASSESSMENTS,
            "surveyed_on",
            Some(("decision", "selected")),
        ),
    ];
    let mut out = Vec::with_capacity(rows.len());
    for (key, reg, date, filter) in rows {
        let mut figures = Vec::with_capacity(2);
        for y in [ctx.fy, ctx.fy.previous()] {
            let query = mamori_store::ListQuery {
                ranges: vec![(date.to_string(), Some(y.start()), Some(y.last_day()))],
                filters: filter
                    .iter()
                    .map(|(f, v)| (f.to_string(), v.to_string()))
                    .collect(),
                limit: 1,
                ..Default::default()
            };
            let total = state.store.list(&ctx.access, reg, &query).await?.total;
            let extra = filter.map(|(f, v)| format!("&{f}={v}")).unwrap_or_default();
            figures.push(context! {
                text => total.to_string(),
                href => list_href(ctx, reg.collection, y, date, &extra),
            });
        }
        let before = figures.pop();
        let now = figures.pop();
        out.push(context! { label => i18n::t(ctx.lang, key), id => key, now, before });
    }
    Ok(out)
}

/// The continuity drills of the year (5.2(7)): the date, the scenario with its likelihood,
/// priority and target, the recovery time, whether the target was met, the follow-up and the
/// previous drill's date, each drill a link to its record.
async fn drills(state: &AppState, ctx: &Ctx) -> Result<Vec<Value>, AppError> {
    use mamori_domain::registers::{CONTINUITY_SCENARIOS as SCENARIOS, DRILLS};
    let query = mamori_store::ListQuery {
        ranges: vec![(
            "held_on".to_string(),
            Some(ctx.fy.start()),
            Some(ctx.fy.last_day()),
        )],
        limit: 100,
        ..Default::default()
    };
    let drills = state.store.list(&ctx.access, &DRILLS, &query).await?;
    let every = mamori_store::ListQuery {
        status: mamori_store::Status::All,
        ..Default::default()
    };
    let scenarios = state
        .store
        .list_all(&ctx.access, &SCENARIOS, &every)
        .await?;
    let date = |v: Option<&mamori_domain::Value>| {
        v.and_then(|v| v.as_date())
            .map(|d| mamori_domain::dates::format_date(d, ctx.style, ctx.lang))
    };
    let mut out = Vec::new();
    for d in &drills.items {
        let text = |f: &str| {
            d.value(&DRILLS, f)
                .map(|v| v.to_plain())
                .unwrap_or_default()
        };
        let scenario = scenarios
            .iter()
            .find(|s| s.value(&SCENARIOS, "code").map(|v| v.to_plain()) == Some(text("scenario")));
        let sc = |f: &str| {
            scenario
                .and_then(|s| s.value(&SCENARIOS, f))
                .map(|v| v.to_plain())
                .unwrap_or_default()
        };
        let minutes: i64 = text("actual_minutes").parse().unwrap_or(0);
        out.push(context! {
            href => format!("/o/{}/drills/{}", ctx.org(), d.id),
            held_on => date(d.value(&DRILLS, "held_on")),
            event => sc("event"),
            likelihood => sc("likelihood"),
            priority => sc("priority"),
            target => i18n::t_args(ctx.lang, "figures-drill-hours", &[("count", sc("target_hours"))]),
            actual => i18n::t_args(ctx.lang, "figures-drill-minutes", &[("count", minutes.to_string())]),
            met => i18n::choice_label(ctx.lang, "target_met", &text("target_met")),
            follow_up => text("follow_up"),
            previous => date(d.value(&DRILLS, "previous_on")),
        });
    }
    Ok(out)
}

/// The list of the findings or complaints a figure counts.
fn list_href(ctx: &Ctx, collection: &str, fy: FiscalYear, date: &str, extra: &str) -> String {
    let iso = mamori_domain::dates::iso;
    format!(
        "/o/{}/{collection}?{date}_from={}&{date}_to={}{extra}",
        ctx.org(),
        iso(fy.start()),
        iso(fy.last_day())
    )
}

/// Corrective requests (nonconformities) per audit party and observations of third parties, per
/// department; and claims and complaints per department: this year's count with the previous
/// year's, `無し` where no audit of the party was held that year. Each figure opens what it counts
/// (the findings of the audits started that year, of the department and grades).
async fn improvement(state: &AppState, ctx: &Ctx) -> Result<(Value, Value), AppError> {
    use mamori_domain::registers::{COMPLAINT_KINDS, NONCONFORMITIES};
    let fy = ctx.fy;
    let previous = fy.previous();
    let f = state.store.improvement_figures(&ctx.access, fy).await?;
    let not_held = i18n::t(ctx.lang, "figures-not-held");
    let rows_of = [
        ("figures-first-party", "first", NONCONFORMITIES),
        ("figures-second-party", "second", NONCONFORMITIES),
        ("figures-third-party", "third", NONCONFORMITIES),
        (
            "figures-third-observations",
            "third",
            &["observation", "improvement"][..],
        ),
    ];
    let findings_rows: Vec<Value> = rows_of
        .iter()
        .map(|(key, party, grades)| {
            let cells: Vec<Value> = f
                .departments
                .iter()
                .map(|(code, _)| {
                    let figure = |y: FiscalYear| {
                        let held = f.held.iter().any(|(year, p)| *year == y.year && p == party);
                        let n: i64 = f
                            .findings
                            .iter()
                            .filter(|t| {
                                t.year == y.year
                                    && t.party == *party
                                    && t.department == *code
                                    && grades.contains(&t.grade.as_str())
                            })
                            .map(|t| t.count)
                            .sum();
                        let grade_filter = format!("&grade={}", grades.join(","));
                        context! {
                            text => if held || n > 0 { n.to_string() } else { not_held.clone() },
                            href => format!(
                                "{}&department={}{grade_filter}",
                                list_href(ctx, "findings", y, "audit.started_on", &format!("&audit.party={party}")),
                                url_escape(code)
                            ),
                        }
                    };
                    context! { now => figure(fy), before => figure(previous) }
                })
                .collect();
            context! { label => i18n::t(ctx.lang, key), cells }
        })
        .collect();
    let complaint_rows: Vec<Value> = COMPLAINT_KINDS
        .iter()
        .map(|kind| {
            let cells: Vec<Value> = f
                .departments
                .iter()
                .map(|(code, _)| {
                    let figure = |y: FiscalYear| {
                        let n: i64 = f
                            .complaints
                            .iter()
                            .filter(|t| t.year == y.year && t.kind == *kind && t.department == *code)
                            .map(|t| t.count)
                            .sum();
                        context! {
                            text => n.to_string(),
                            href => format!(
                                "{}&department={}",
                                list_href(ctx, "complaints", y, "received_on", &format!("&kind={kind}")),
                                url_escape(code)
                            ),
                        }
                    };
                    context! { now => figure(fy), before => figure(previous) }
                })
                .collect();
            let label = if *kind == "claim" { "figures-claims" } else { "figures-complaints" };
            context! { label => i18n::t(ctx.lang, label), cells }
        })
        .collect();
    let departments: Vec<String> = f.departments.iter().map(|(_, n)| n.clone()).collect();
    Ok((
        context! { departments => departments.clone(), rows => findings_rows },
        context! { departments, rows => complaint_rows },
    ))
}
