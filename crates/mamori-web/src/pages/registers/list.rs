//! A register's list page: filters, search, sorting and paging.

#[allow(unused_imports)]
use super::*;

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    let mut params = pairs(raw.unwrap_or_default().as_bytes())?;
    if get(&params, "year").is_some_and(|y| !y.is_empty() && y != "all") {
        return Err(AppError::Invalid(vec![FieldError::new(
            "year",
            "invalid-choice",
        )]));
    }
    let year = year_filter(&ctx, reg, &mut params);
    let mut query = list_query(reg, &params, &["page", "year"])?;
    let page_no = crate::pages::page_number(&params);
    query.offset = (page_no - 1) * PER_PAGE;
    let page = state.store.list(&ctx.access, reg, &query).await?;
    // A register whose records come from one of several sources (a corrective action from an
    // event, a finding, …) shows one column naming the source record, not one column a source.
    let folded: Vec<&str> = reg
        .sources
        .map(|s| s.refs.iter().map(|(_, r)| *r).collect())
        .unwrap_or_default();
    let list_fields: Vec<usize> = (0..reg.fields.len())
        .filter(|i| reg.fields[*i].list && !folded.contains(&reg.fields[*i].name))
        .collect();
    let sort = query
        .sort
        .clone()
        .unwrap_or_else(|| reg.default_sort.to_string());
    let columns: Vec<Value> = list_fields
        .iter()
        .map(|i| {
            let f = &reg.fields[*i];
            let active = sort == f.name;
            let dir = if active && !query.desc { "desc" } else { "asc" };
            let href = format!("?{}", with_params(&params, &[("sort", f.name), ("dir", dir)]));
            context! { label => i18n::field_label(ctx.lang, reg, f.name), href, active, desc => active && query.desc }
        })
        .collect();
    let rows: Vec<Value> = page
        .items
        .iter()
        .map(|r| {
            context! {
                href => record_href(ctx.org(), reg, r.id),
                cells => list_fields.iter().map(|i| source_cell(&ctx, reg, r, *i).unwrap_or_else(|| cell_text(&ctx, reg, r, *i))).collect::<Vec<_>>(),
                title_index => list_fields.iter().position(|i| reg.fields[*i].name == reg.title_field).unwrap_or(0),
                withdrawn => r.withdrawn_at.is_some(),
            }
        })
        .collect();
    let pages = ((page.total + PER_PAGE - 1) / PER_PAGE).max(1);
    let export_query = serde_urlencoded::to_string(
        params
            .iter()
            // The year's filter is in the parameters already (`year` itself is the page's).
            .filter(|(k, _)| k != "page" && k != "year")
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    let filters = filter_options(&state, &ctx, reg, &params).await?;
    // A register with no record at all (none withdrawn either) says what it is for and how to
    // start it.
    let empty_register = page.total == 0
        && state
            .store
            .count(
                &ctx.access,
                reg,
                &mamori_store::ListQuery {
                    status: mamori_store::Status::All,
                    ..Default::default()
                },
            )
            .await?
            == 0;
    render::page(
        &ctx,
        "list.html",
        context! {
            title => i18n::register_name(ctx.lang, reg),
            collection => reg.collection,
            total => page.total,
            shown_from => if page.total == 0 { 0 } else { query.offset + 1 },
            shown_to => query.offset + page.items.len() as i64,
            columns, rows, filters, year,
            // Conditions the filter form has no field for (`completed_on_empty=1`, `latest=1`, a
            // referenced record's date such as the year's `session.held_on_from`) travel hidden.
            kept => params.iter().filter(|(k, _)| k.ends_with("_empty") || k == "latest" || k.contains('.')).map(|(k, v)| context! { name => k, value => v }).collect::<Vec<_>>(),
            q => get(&params, "q").unwrap_or(""),
            searchable => !reg.search.is_empty(),
            status => query.status.code(),
            page_no, pages,
            prev_href => (page_no > 1).then(|| format!("?{}", with_params(&params, &[("page", &(page_no - 1).to_string())]))),
            next_href => (page_no < pages).then(|| format!("?{}", with_params(&params, &[("page", &(page_no + 1).to_string())]))),
            export_query,
            has_labels => !reg.labels.is_empty(),
            can_create => can_create(&ctx.access, reg),
            empty_register, about => i18n::t(ctx.lang, &format!("about-{}", reg.code)),
            starter => mamori_io::starter::REGISTERS.contains(&reg.collection),
        },
        StatusCode::OK,
    )
}

/// The source column of a register with sources: the kind of source and the record it names
/// (「セキュリティ事象: E-2017-04」). `None` for any other column.
fn source_cell(ctx: &Ctx, reg: &Register, rec: &Record, i: usize) -> Option<String> {
    let sources = reg.sources.filter(|s| s.field == reg.fields[i].name)?;
    let kind = cell_text(ctx, reg, rec, i);
    let chosen = rec.values[i].to_plain();
    let named = sources
        .refs
        .iter()
        .find(|(choice, _)| *choice == chosen)
        .and_then(|(_, field)| reg.position(field))
        .map(|r| cell_text(ctx, reg, rec, r))
        .filter(|t| !t.is_empty());
    Some(match named {
        Some(n) => format!("{kind}: {n}"),
        None => kind,
    })
}

/// The year selector on a register's list: opened plainly (from the menu, with no filter), a
/// register with a year field lists the selected fiscal year's records, its filter written into
/// the list's parameters so paging, exports and the filter form keep it. `year=all` lists every
/// year. What is returned says which year, by which field, and links to the other view; `None`
/// for a standing register.
fn year_filter(ctx: &Ctx, reg: &Register, params: &mut Vec<(String, String)>) -> Option<Value> {
    let field = reg.year_field?;
    let fy_params = reg.year_params(ctx.fy);
    let all = get(params, "year") == Some("all");
    let plain = params
        .iter()
        .all(|(k, _)| ["page", "sort", "dir", "year"].contains(&k.as_str()));
    if plain && !all {
        params.extend(fy_params.iter().cloned());
    }
    let on = fy_params.iter().all(|p| params.contains(p));
    // The year's parameters and any other bound on the same field give way to the other view.
    let keys: Vec<&str> = fy_params.iter().map(|(k, _)| k.as_str()).collect();
    let rest: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| !keys.contains(&k.as_str()) && k != "year" && k != "page")
        .cloned()
        .collect();
    let mut all_params = rest.clone();
    all_params.push(("year".into(), "all".into()));
    let mut fy_only = rest;
    fy_only.extend(fy_params.iter().cloned());
    let href =
        |p: &[(String, String)]| format!("?{}", serde_urlencoded::to_string(p).unwrap_or_default());
    let label = match field.split_once('.') {
        Some((via, sub)) => {
            let target = registers::target_of(reg, via)?;
            i18n::t_args(
                ctx.lang,
                "year-field-through",
                &[
                    ("field", i18n::field_label(ctx.lang, reg, via)),
                    ("related", i18n::field_label(ctx.lang, target, sub)),
                ],
            )
        }
        None => i18n::field_label(ctx.lang, reg, field),
    };
    Some(context! {
        on,
        period => ctx.fy.label(ctx.style, ctx.lang),
        field => label,
        all_href => href(&all_params),
        fy_href => href(&fy_only),
    })
}
