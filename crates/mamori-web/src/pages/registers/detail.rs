//! A record's page: its fields, related records, the panels of its area, withdrawal and reinstatement.

#[allow(unused_imports)]
use super::*;

/// The records of other registers that refer to this one (a session's attendance, a person's NDAs),
/// each group counted and linked as a filtered list: found from the declarations, not written per page.
pub(super) async fn related_records(
    state: &AppState,
    ctx: &Ctx,
    reg: &Register,
    record: &Record,
) -> Result<Vec<Value>, AppError> {
    let Some(key) = reg
        .natural_key
        .and_then(|k| record.value(reg, k))
        .map(FieldValue::to_plain)
    else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for other in registers::ALL {
        if !mamori_store::records::can_read(&ctx.access, other) {
            continue;
        }
        for f in other
            .fields
            .iter()
            .filter(|f| f.filter && f.kind == FieldKind::Ref(reg.collection))
        {
            let query = ListQuery {
                filters: vec![(f.name.to_string(), key.clone())],
                limit: 1,
                ..Default::default()
            };
            let total = state.store.list(&ctx.access, other, &query).await?.total;
            let key = crate::error::url_escape(&key);
            // A new one comes from here: the reference filled in, and where the other register
            // names what a record comes from (a corrective action's source), that too.
            let source = other
                .sources
                .and_then(|s| {
                    let (choice, _) = s.refs.iter().find(|(_, field)| *field == f.name)?;
                    Some(format!("&{}={choice}", s.field))
                })
                .unwrap_or_default();
            out.push(context! {
                label => i18n::register_name(ctx.lang, other),
                total,
                href => format!("/o/{}/{}?{}={key}", ctx.org(), other.collection, f.name),
                new_href => (can_create(&ctx.access, other) && record.withdrawn_at.is_none()).then(|| {
                    format!("/o/{}/{}/new?{}={key}{source}", ctx.org(), other.collection, f.name)
                }),
                id => format!("related-{}-{}", other.collection, f.name),
            });
        }
    }
    Ok(out)
}

/// The panels of a record's page that belong to its ISMS area, which each area's page module
/// adds (`pages::{org, training, assets, events, operations, risk}::panel`).
pub(super) async fn panels(
    state: &AppState,
    ctx: &Ctx,
    reg: &Register,
    record: &Record,
) -> Result<Value, AppError> {
    use crate::pages::{assets, events, operations, org, risk, training};
    if let Some(p) = org::panel(state, ctx, reg, record).await? {
        return Ok(p);
    }
    if let Some(p) = training::panel(state, ctx, reg, record).await? {
        return Ok(p);
    }
    if let Some(p) = assets::panel(state, ctx, reg, record).await? {
        return Ok(p);
    }
    if let Some(p) = events::panel(state, ctx, reg, record).await? {
        return Ok(p);
    }
    if let Some(p) = operations::panel(state, ctx, reg, record).await? {
        return Ok(p);
    }
    Ok(risk::panel(state, ctx, reg, record)
        .await?
        .unwrap_or_else(|| context! {}))
}

/// Some records of a register as a small table: the headings of `columns`, and per record its
/// cells (as the list shows them) and the address of its page; with the total matched.
pub async fn record_table(
    state: &AppState,
    ctx: &Ctx,
    reg: &'static Register,
    query: &ListQuery,
    columns: &[&str],
) -> Result<(Vec<String>, Vec<Value>, i64), AppError> {
    let page = state.store.list(&ctx.access, reg, query).await?;
    let heads = columns
        .iter()
        .map(|c| i18n::field_label(ctx.lang, reg, c))
        .collect();
    let rows = page
        .items
        .iter()
        .map(|r| {
            let cells: Vec<String> = columns
                .iter()
                .filter_map(|c| reg.position(c))
                .map(|i| cell_text(ctx, reg, r, i))
                .collect();
            context! { cells, href => record_href(ctx.org(), reg, r.id) }
        })
        .collect();
    Ok((heads, rows, page.total))
}

pub(crate) async fn detail_page(
    state: &AppState,
    ctx: &Ctx,
    reg: &Register,
    id: i64,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let record = state.store.get(&ctx.access, reg, id).await?;
    let history = state.store.history(&ctx.access, reg, id).await?;
    let related = related_records(state, ctx, reg, &record).await?;
    let warnings: Vec<String> = reg
        .warn
        .map(|warn| {
            warn(&record.values)
                .iter()
                .map(|e| i18n::field_error(ctx.lang, Some(reg), e))
                .collect()
        })
        .unwrap_or_default();
    let panels = panels(state, ctx, reg, &record).await?;
    let fields: Vec<Value> = reg
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            // A record named by its place (`key-inspections/12`: the record that completed a
            // task) links to it, named by its register.
            let named = match &record.values[i] {
                FieldValue::Text(v) => v.split_once('/').and_then(|(c, id)| {
                    let other = mamori_domain::registers::by_collection(c)?;
                    let id = crate::pages::parse_id(id).ok()?;
                    Some((
                        format!("/o/{}/{c}/{id}", ctx.org()),
                        format!("{} #{id}", i18n::register_name(ctx.lang, other)),
                    ))
                }),
                _ => None,
            };
            let href = match (f.kind, &record.values[i]) {
                _ if named.is_some() => named.as_ref().map(|(h, _)| h.clone()),
                (FieldKind::Ref(target), FieldValue::Text(key)) => Some(format!(
                    "/o/{}/{}?q={}",
                    ctx.org(),
                    target,
                    crate::error::url_escape(key)
                )),
                _ => None,
            };
            let text = named.map_or_else(|| cell_text(ctx, reg, &record, i), |(_, t)| t);
            context! { label => i18n::field_label(ctx.lang, reg, f.name), text, href }
        })
        .collect();
    // The names of the records the history's references name, as the record's own page shows them
    // (「総務経理部門 (SOUMU)」); a register too large for a list, or a record the reader may not see,
    // keeps its code.
    let mut names: std::collections::HashMap<(&str, String), String> = Default::default();
    let targets: std::collections::BTreeSet<&str> = history
        .iter()
        .flat_map(|h| h.changes.iter())
        .filter_map(|c| match reg.field(&c.field).map(|f| f.kind) {
            Some(FieldKind::Ref(target)) => Some(target),
            _ => None,
        })
        .collect();
    for target in targets {
        let Ok(target_reg) = register(target) else {
            continue;
        };
        for (key, title) in state
            .store
            .ref_options(&ctx.access, target_reg)
            .await?
            .unwrap_or_default()
        {
            names.insert((target, key), title);
        }
    }
    let history: Vec<Value> = history
        .iter()
        .map(|h| {
            // In the form's order; a field left empty on both sides is no change to show.
            let mut changes: Vec<(usize, Value)> = h
                .changes
                .iter()
                .filter_map(|c| {
                    let show = |v: &Option<serde_json::Value>| match v {
                        Some(serde_json::Value::String(s)) => match reg.field(&c.field).map(|f| f.kind) {
                            Some(FieldKind::Choice(_)) => i18n::choice_label(ctx.lang, &c.field, s),
                            Some(FieldKind::Date) => mamori_domain::dates::parse_date(s)
                                .map(|d| mamori_domain::dates::format_date(d, ctx.style, ctx.lang))
                                .unwrap_or(s.clone()),
                            Some(FieldKind::Ref(target)) => match names.get(&(target, s.clone())) {
                                Some(name) if name != s => format!("{name} ({s})"),
                                _ => s.clone(),
                            },
                            _ => s.clone(),
                        },
                        _ => String::new(),
                    };
                    let (before, after) = (show(&c.before), show(&c.after));
                    if before == after {
                        return None;
                    }
                    let order = reg.fields.iter().position(|f| f.name == c.field).unwrap_or(usize::MAX);
                    Some((order, context! { field => i18n::field_label(ctx.lang, reg, &c.field), before, after }))
                })
                .collect();
            changes.sort_by_key(|(order, _)| *order);
            let changes: Vec<Value> = changes.into_iter().map(|(_, v)| v).collect();
            context! {
                seq => h.seq,
                at => crate::pages::org::format_at(ctx, &h.at),
                actor => h.actor.clone(),
                action => i18n::t(ctx.lang, &format!("action-{}", h.action)),
                reason => h.reason.clone(),
                changes,
            }
        })
        .collect();
    render::page(
        ctx,
        "detail.html",
        context! {
            title => i18n::register_name(ctx.lang, reg),
            collection => reg.collection,
            id => record.id,
            record_title => title_of(ctx, reg, &record),
            fields, history, error,
            // What was just done to it (`?saved=`): said once, after the redirect.
            saved => crate::pages::query_says(&ctx.query, "saved").filter(|s| matches!(s.as_str(), "created" | "updated" | "withdrawn" | "reinstated")),
            decided => crate::pages::query_says(&ctx.query, "decided").filter(|s| matches!(s.as_str(), "approved" | "rejected")),
            copied => crate::pages::query_says(&ctx.query, "copied").and_then(|n| n.parse::<u32>().ok()),
            withdrawn => record.withdrawn_at.is_some(),
            withdrawn_reason => record.withdrawn_reason.clone(),
            withdrawn_at => record.withdrawn_at.map(|t| mamori_domain::dates::format_date(t.to_offset(mamori_domain::dates::JST).date(), ctx.style, ctx.lang)),
            can_write => state.store.may_write(&ctx.access, reg, &record).await?,
            documents => documents(ctx, reg, record.id),
            related, panels, warnings,
        },
        status,
    )
}

/// The PDFs a record prints as: its label, and those of its area (a key's receipt).
pub(super) fn documents(ctx: &Ctx, reg: &Register, id: i64) -> Vec<Value> {
    let mut docs = Vec::new();
    if !reg.labels.is_empty() {
        docs.push(context! { id => "label-pdf", label => i18n::t(ctx.lang, "action-labels"), href => format!("/o/{}/{}/labels.pdf?id={id}", ctx.org(), reg.collection) });
    }
    docs.extend(crate::pages::assets::documents(ctx, reg, id));
    docs
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection, id)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    detail_page(&state, &ctx, reg, parse_id(&id)?, None, StatusCode::OK).await
}

pub async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection, id)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    let id = parse_id(&id)?;
    let input = form_input(&ctx, &body)?;
    let reason = input.get("reason").map(String::as_str).unwrap_or("");
    match state.store.withdraw(&ctx.access, reg, id, reason).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "{}?saved=withdrawn",
            record_href(ctx.org(), reg, id)
        ))
        .into_response()),
        Err(mamori_store::StoreError::Invalid(errors)) => {
            let msg = errors
                .first()
                .map(|e| i18n::field_error(ctx.lang, Some(reg), e));
            detail_page(&state, &ctx, reg, id, msg, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn reinstate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection, id)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    let id = parse_id(&id)?;
    form_input(&ctx, &body)?;
    state.store.reinstate(&ctx.access, reg, id).await?;
    Ok(Redirect::to(&format!(
        "{}?saved=reinstated",
        record_href(ctx.org(), reg, id)
    ))
    .into_response())
}
