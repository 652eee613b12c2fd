//! Security-event figures: events per department and kind for the fiscal year and the previous one
//! (5.2(9) of the report, `7(6)`), and the human-error share per department over five years, with a
//! chart. Every figure opens the events it counts.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use mamori_domain::FiscalYear;
use mamori_domain::registers::EVENT_KINDS;
use mamori_store::events::{CauseShare, EventCount};
use minijinja::context;

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
    let current = state.store.event_counts(&ctx.access, fy).await?;
    let previous = state.store.event_counts(&ctx.access, fy.previous()).await?;
    // Departments with an event in either year, in code order.
    let mut departments: Vec<(String, String)> = current
        .iter()
        .chain(&previous)
        .map(|c| (c.department.clone(), c.department_name.clone()))
        .collect();
    departments.sort();
    departments.dedup_by(|a, b| a.0 == b.0);
    let count = |list: &[EventCount], d: &str, k: &str| {
        list.iter()
            .find(|c| c.department == d && c.kind == k)
            .map_or(0, |c| c.count)
    };
    let rows: Vec<_> = departments
        .iter()
        .map(|(code, name)| {
            let cells: Vec<_> = EVENT_KINDS
                .iter()
                .map(|k| {
                    context! {
                        now => count(&current, code, k), before => count(&previous, code, k),
                        href => href(&ctx, fy, code, &format!("&kind={k}")),
                        p_href => href(&ctx, fy.previous(), code, &format!("&kind={k}")),
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

    // Human-error share over the last five fiscal years, per department and overall.
    let mut years = vec![fy];
    for _ in 0..4 {
        let last = *years.last().expect("one year");
        years.push(last.previous());
    }
    years.reverse();
    let mut shares: Vec<(FiscalYear, Vec<CauseShare>)> = Vec::new();
    for y in &years {
        shares.push((*y, state.store.human_error_share(&ctx.access, *y).await?));
    }
    let percent = |h: i64, t: i64| (t > 0).then(|| format!("{:.0}%", h as f64 * 100.0 / t as f64));
    let share_rows: Vec<_> = shares
        .iter()
        .map(|(y, list)| {
            let (h, t) = list
                .iter()
                .fold((0, 0), |(h, t), s| (h + s.human_error, t + s.total));
            let by_department: Vec<_> = list
                .iter()
                .map(|s| {
                    context! {
                        department => s.department_name.clone(),
                        human => s.human_error, total => s.total,
                        percent => percent(s.human_error, s.total),
                        href => href(&ctx, *y, &s.department, "&cause=human_error"),
                    }
                })
                .collect();
            context! {
                year => y.label(ctx.style, ctx.lang),
                human => h, total => t, percent => percent(h, t),
                by_department,
            }
        })
        .collect();
    let points: Vec<(String, Option<f64>)> = shares
        .iter()
        .map(|(y, list)| {
            let (h, t) = list
                .iter()
                .fold((0, 0), |(h, t), s| (h + s.human_error, t + s.total));
            (
                y.label(ctx.style, ctx.lang),
                (t > 0).then(|| h as f64 / t as f64),
            )
        })
        .collect();
    let chart = share_chart(&points, &i18n::t(ctx.lang, "events-share-chart"));
    render::page(
        &ctx,
        "events.html",
        context! {
            kinds, rows, share_rows, chart,
            previous_label => fy.previous().label(ctx.style, ctx.lang),
        },
        StatusCode::OK,
    )
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A bar chart of the human-error share per fiscal year (0–100%), as SVG.
fn share_chart(points: &[(String, Option<f64>)], title: &str) -> String {
    let (w, h, left, bottom, top) = (560.0, 220.0, 44.0, 30.0, 16.0);
    let plot_h = h - bottom - top;
    let slot = (w - left - 10.0) / points.len().max(1) as f64;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\" class=\"share-chart\">",
        esc(title)
    );
    for pct in [0.0, 0.5, 1.0] {
        let y = top + plot_h * (1.0 - pct);
        svg.push_str(&format!(
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#d5dbe1\"/><text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{:.0}%</text>",
            w - 10.0,
            left - 6.0,
            y + 4.0,
            pct * 100.0
        ));
    }
    for (i, (label, value)) in points.iter().enumerate() {
        let x = left + slot * i as f64 + slot * 0.2;
        let bw = slot * 0.6;
        if let Some(v) = value {
            let bh = plot_h * v;
            svg.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"{bh:.1}\" fill=\"#1a5fb4\"><title>{} {:.0}%</title></rect><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{:.0}%</text>",
                top + plot_h - bh,
                esc(label),
                v * 100.0,
                x + bw / 2.0,
                top + plot_h - bh - 3.0,
                v * 100.0
            ));
        }
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            x + bw / 2.0,
            h - 10.0,
            esc(label)
        ));
    }
    svg.push_str("</svg>");
    svg
}
