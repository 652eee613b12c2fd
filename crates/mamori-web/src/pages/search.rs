//! Search across registers: the header's box and its results page, grouped by register.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{Value, context};

use mamori_domain::Register;
use mamori_store::Record;
use mamori_store::search::Hits;

use super::{get, pairs};
use crate::AppState;
use crate::error::AppError;
use crate::i18n;
use crate::render;
use crate::session::Ctx;

/// What names a found record: its code and title as a picker shows them, else its title, else its
/// number.
pub(crate) fn found_label(reg: &Register, rec: &Record, title: &str) -> String {
    let key = reg
        .natural_key
        .and_then(|k| reg.position(k))
        .map(|i| rec.values[i].to_plain())
        .unwrap_or_default();
    let label = super::registers::option_label(&key, title);
    if label.is_empty() {
        format!("#{}", rec.id)
    } else {
        label
    }
}

/// The part of a found record's searchable text that holds the words, cut to about 80 characters
/// around them; none when the words are in its code or title.
pub(crate) fn excerpt(reg: &Register, rec: &Record, q: &str) -> Option<String> {
    let q = mamori_store::search::fold(q);
    if q.is_empty() {
        return None;
    }
    for name in reg.search {
        if *name == reg.title_field || Some(*name) == reg.natural_key {
            continue;
        }
        let Some(i) = reg.position(name) else {
            continue;
        };
        let text = mamori_domain::input::normalize_strict(&rec.values[i].to_plain());
        let chars: Vec<char> = text.chars().collect();
        let lower: Vec<char> = text.to_lowercase().chars().collect();
        if lower.len() != chars.len() {
            continue;
        }
        let needle: Vec<char> = q.chars().collect();
        let Some(at) = (0usize..lower.len().saturating_sub(needle.len() - 1))
            .find(|s| lower[*s..].starts_with(&needle))
        else {
            continue;
        };
        let from = at.saturating_sub(30);
        let to = (at + needle.len() + 50).min(chars.len());
        let mut out: String = chars[from..to].iter().collect();
        if from > 0 {
            out.insert(0, '…');
        }
        if to < chars.len() {
            out.push('…');
        }
        return Some(out);
    }
    None
}

/// What a record found by its code or title is about, when its title is its code (an event):
/// the first of its searchable texts, cut to 80 characters.
fn gist(reg: &Register, rec: &Record) -> Option<String> {
    if reg.natural_key != Some(reg.title_field) {
        return None;
    }
    let text = reg
        .search
        .iter()
        .filter(|n| Some(**n) != reg.natural_key)
        .filter_map(|n| reg.position(n))
        .map(|i| rec.values[i].to_plain())
        .find(|t| !t.is_empty())?;
    let mut short: String = text.chars().take(80).collect();
    if text.chars().count() > 80 {
        short.push('…');
    }
    Some(short)
}

fn groups(ctx: &Ctx, hits: &[Hits], q: &str) -> Vec<Value> {
    hits.iter()
        .map(|h| {
            let reg = h.register;
            let items: Vec<Value> = h
                .records
                .iter()
                .map(|r| {
                    let title = super::registers::field_text(ctx, reg, r, reg.title_field);
                    context! {
                        href => format!("/o/{}/{}/{}", ctx.org(), reg.collection, r.id),
                        label => found_label(reg, r, &title),
                        excerpt => excerpt(reg, r, q).or_else(|| gist(reg, r)),
                    }
                })
                .collect();
            context! {
                register => i18n::register_name(ctx.lang, reg),
                collection => reg.collection,
                total => h.total,
                capped => h.capped,
                more => h.capped || h.total > h.records.len() as i64,
                list_href => format!("/o/{}/{}?q={}&year=all", ctx.org(), reg.collection, crate::error::url_escape(q)),
                searchable => !reg.search.is_empty(),
                items,
            }
        })
        .collect()
}

/// `GET /o/{org}/search?q=`: the records of every register the reader may read that hold the words.
pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let params = pairs(raw.unwrap_or_default().as_bytes())?;
    let q = get(&params, "q").unwrap_or("").trim().to_string();
    let hits = state.store.search(&ctx.access, &q).await?;
    let found: i64 = hits.iter().map(|h| h.total).sum();
    render::page(
        &ctx,
        "search.html",
        context! { q, groups => groups(&ctx, &hits, &q), found },
        StatusCode::OK,
    )
}
