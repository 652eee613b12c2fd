//! The pages of every declared register, written once: list (filter, sort, paginate, counts),
//! detail with history, create, edit, withdraw and reinstate, export (XLSX, CSV) and import.

use axum::body::Bytes;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use mamori_domain::Lang;
use minijinja::{Value, context};

use mamori_domain::register::{FieldKind, Register, Value as FieldValue};
use mamori_domain::{FieldError, registers};
use mamori_io::Sheet;
use mamori_store::records::can_create;
use mamori_store::{Input, ListQuery, Record};

use super::{get, pairs, parse_id};
use crate::AppState;
use crate::error::AppError;
use crate::i18n;
use crate::render;
use crate::session::Ctx;

mod detail;
mod export;
mod form;
mod import;
mod list;

pub(crate) use detail::detail_page;
pub use detail::*;
#[allow(unused_imports)]
use detail::*;
pub(crate) use export::send_file;
pub use export::*;
#[allow(unused_imports)]
use export::*;
pub use form::*;
#[allow(unused_imports)]
use form::*;
pub use import::*;
pub use list::*;

const PER_PAGE: i64 = 50;

pub fn register(collection: &str) -> Result<&'static Register, AppError> {
    registers::by_collection(collection).ok_or(AppError::NotFound)
}

/// Turns list parameters (from a page URL or the API) into a store query, a page at a time;
/// `own` names the parameters the caller reads itself, any other unknown one is refused.
pub fn list_query(
    reg: &Register,
    params: &[(String, String)],
    own: &[&str],
) -> Result<ListQuery, AppError> {
    let mut q = ListQuery::from_params(reg, params, own)?;
    q.limit = PER_PAGE;
    Ok(q)
}

/// A named field of a record as a person reads it.
pub(crate) fn field_text(ctx: &Ctx, reg: &Register, rec: &Record, name: &str) -> String {
    cell_text(ctx, reg, rec, reg.position(name).expect("declared field"))
}

fn cell_text(ctx: &Ctx, reg: &Register, rec: &Record, i: usize) -> String {
    let f = &reg.fields[i];
    i18n::display(
        ctx.lang,
        ctx.style,
        f.kind,
        f.name,
        &rec.values[i],
        rec.labels[i].as_deref(),
    )
}

/// Headers in the user's language; import accepts them in either language, or as field codes.
pub fn headers(lang: Lang, reg: &Register) -> Vec<String> {
    reg.fields
        .iter()
        .map(|f| i18n::field_label(lang, reg, f.name))
        .collect()
}

pub fn header_alias(reg: &'static Register) -> impl Fn(&str) -> Option<&'static str> + Sync {
    move |h: &str| {
        reg.fields
            .iter()
            .find(|f| {
                i18n::LANGS.iter().any(|l| {
                    mamori_domain::input::normalize(&i18n::field_label(*l, reg, f.name)) == h
                })
            })
            .map(|f| f.name)
    }
}

async fn filter_options(
    state: &AppState,
    ctx: &Ctx,
    reg: &Register,
    params: &[(String, String)],
) -> Result<Vec<Value>, AppError> {
    let mut out = Vec::new();
    for f in reg.fields.iter().filter(|f| f.filter) {
        let label = i18n::field_label(ctx.lang, reg, f.name);
        match f.kind {
            FieldKind::Date => {
                out.push(context! {
                    name => f.name, label, kind => "date",
                    from => get(params, &format!("{}_from", f.name)).unwrap_or(""),
                    to => get(params, &format!("{}_to", f.name)).unwrap_or(""),
                    from_hint => mamori_domain::dates::iso(ctx.fy.start()),
                    to_hint => mamori_domain::dates::iso(ctx.fy.last_day()),
                });
            }
            _ => {
                let selected = get(params, f.name).unwrap_or("");
                let options = options_for(state, ctx, f.kind, f.name).await?;
                let kind = if options.is_some() { "select" } else { "text" };
                out.push(context! { name => f.name, label, kind, selected, options });
            }
        }
    }
    if !reg.lacks.is_empty() {
        let selected = get(params, "lacks").unwrap_or("");
        let options: Vec<Value> = reg
            .lacks
            .iter()
            .map(
                |(c, _)| context! { value => c, label => i18n::t(ctx.lang, &format!("lacks-{c}")) },
            )
            .collect();
        out.push(context! { name => "lacks", label => i18n::t(ctx.lang, "filter-lacks"), kind => "select", selected, options });
    }
    Ok(out)
}

/// A record as a picker offers it: its code and what names it (「E-2017-04 入力作業用PCの更新延期」),
/// the name cut at 60 characters; the code alone when nothing else names it.
pub(crate) fn option_label(key: &str, title: &str) -> String {
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() || title == key {
        return key.to_string();
    }
    let mut short: String = title.chars().take(60).collect();
    if title.chars().count() > 60 {
        short.push('…');
    }
    format!("{key} {short}")
}

/// The choices of a field; `None` for a reference to a register too large for a list.
async fn options_for(
    state: &AppState,
    ctx: &Ctx,
    kind: FieldKind,
    name: &str,
) -> Result<Option<Vec<Value>>, AppError> {
    Ok(match kind {
        FieldKind::Choice(choices) => Some(
            choices
                .iter()
                .map(|c| context! { value => c, label => i18n::choice_label(ctx.lang, name, c) })
                .collect(),
        ),
        FieldKind::Ref(target) => {
            let target = register(target)?;
            state
                .store
                .ref_options(&ctx.access, target)
                .await?
                .map(|options| {
                    options
                        .into_iter()
                        .map(
                            |(k, t)| context! { value => k.clone(), label => option_label(&k, &t) },
                        )
                        .collect()
                })
        }
        FieldKind::Scale(scale) => Some(
            ctx.access
                .org
                .settings
                .risk_method
                .clone()
                .scale(scale)
                .iter()
                .map(|v| context! { value => v, label => v })
                .collect(),
        ),
        _ => Some(Vec::new()),
    })
}

/// The list's query string with some parameters replaced; any change but paging goes back to page 1.
fn with_params(query: &[(String, String)], set: &[(&str, &str)]) -> String {
    let paging = set.iter().all(|(k, _)| *k == "page");
    let mut q: Vec<(String, String)> = query
        .iter()
        .filter(|(k, _)| !set.iter().any(|(s, _)| s == k) && (paging || k != "page"))
        .cloned()
        .collect();
    q.extend(set.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    serde_urlencoded::to_string(&q).unwrap_or_default()
}

/// A link with a translated label, as the record pages' panels list them.
pub(crate) fn link(ctx: &Ctx, label: &str, href: String) -> Value {
    context! { label => i18n::t(ctx.lang, label), href }
}
