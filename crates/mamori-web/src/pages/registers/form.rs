//! A register's forms: new and edit, and the writes they post.

#[allow(unused_imports)]
use super::*;

pub(super) async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    reg: &Register,
    record: Option<&Record>,
    input: &Input,
    errors: &[FieldError],
    status: StatusCode,
) -> Result<Response, AppError> {
    let mut fields = Vec::new();
    for (i, f) in reg.fields.iter().enumerate() {
        // A reporter's form leaves out what the secretariat assesses.
        if reg.assessed.contains(&f.name) && !mamori_store::records::can_edit(&ctx.access, reg) {
            continue;
        }
        // What the store computes is shown on the record's page, not asked for.
        if reg.computed.contains(&f.name) {
            continue;
        }
        let value = match (input.get(f.name), record) {
            (Some(v), _) => v.clone(),
            (None, Some(r)) => r.values[i].to_plain(),
            (None, None) => String::new(),
        };
        let error = errors
            .iter()
            .find(|e| e.field == f.name)
            .map(|e| i18n::field_error(ctx.lang, Some(reg), e));
        let max = match f.kind {
            FieldKind::Text { max } => Some(max),
            _ => None,
        };
        fields.push(context! {
            name => f.name,
            label => i18n::field_label(ctx.lang, reg, f.name),
            kind => f.kind.code(),
            required => reg.must_give(f),
            numbered => ctx.access.org.settings.code_pattern(reg).filter(|_| record.is_none() && reg.natural_key == Some(f.name)).map(|p| p.of_year(ctx.fy.year()).code(1)),
            value, error, max,
            long => max.is_some_and(|m| m > 200),
            // A source's reference applies only when the record comes from that source (a corrective
            // action's finding, when its 発端 is a finding): the page hides it otherwise.
            // The same for a field that applies for some values of a choice (a handling record's
            // recipient, a transfer's): `kind=transfer`, values comma-separated.
            shown_when => reg.sources.and_then(|s| s.refs.iter().find(|(_, r)| *r == f.name).map(|(choice, _)| format!("{}={choice}", s.field)))
                .or_else(|| reg.applies.iter().find(|(n, _, _)| *n == f.name).map(|(_, by, values)| format!("{by}={}", values.join(",")))),
            options => options_for(state, ctx, f.kind, f.name).await?,
        });
    }
    let other_errors: Vec<String> = errors
        .iter()
        .filter(|e| reg.field(&e.field).is_none())
        .map(|e| i18n::field_error(ctx.lang, Some(reg), e))
        .collect();
    let action = match record {
        Some(r) => record_href(ctx.org(), reg, r.id),
        None => format!("/o/{}/{}", ctx.org(), reg.collection),
    };
    render::page(
        ctx,
        "form.html",
        context! {
            title => i18n::register_name(ctx.lang, reg),
            collection => reg.collection,
            editing => record.is_some(),
            record_title => record.map(|r| title_of(ctx, reg, r)),
            action, fields, other_errors,
            has_errors => !errors.is_empty(),
        },
        status,
    )
}

pub(super) fn title_of(ctx: &Ctx, reg: &Register, r: &Record) -> String {
    let i = reg
        .fields
        .iter()
        .position(|f| f.name == reg.title_field)
        .unwrap_or(0);
    cell_text(ctx, reg, r, i)
}

/// The form for a new record; declared fields in the query string fill it in
/// (`/handling-records/new?asset=A-002`).
pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    if !can_create(&ctx.access, reg) {
        return Err(AppError::Forbidden);
    }
    let prefill: Input = pairs(raw.unwrap_or_default().as_bytes())?
        .into_iter()
        .filter(|(k, v)| reg.field(k).is_some() && v.chars().count() <= 200)
        .collect();
    form_page(&state, &ctx, reg, None, &prefill, &[], StatusCode::OK).await
}

/// The page of one record.
pub(super) fn record_href(org: &str, reg: &Register, id: i64) -> String {
    format!("/o/{org}/{}/{id}", reg.collection)
}

/// The form's fields; the CSRF token is checked and dropped.
pub(super) fn form_input(ctx: &Ctx, body: &[u8]) -> Result<Input, AppError> {
    Ok(ctx
        .viewer
        .form(body)?
        .into_iter()
        .filter(|(k, _)| k != "csrf")
        .collect())
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    let input = form_input(&ctx, &body)?;
    match state.store.create(&ctx.access, reg, &input).await {
        Ok(r) => Ok(Redirect::to(&format!(
            "{}?saved=created",
            record_href(ctx.org(), reg, r.id)
        ))
        .into_response()),
        Err(mamori_store::StoreError::Invalid(errors)) => {
            form_page(
                &state,
                &ctx,
                reg,
                None,
                &input,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection, id)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    let record = state.store.get(&ctx.access, reg, parse_id(&id)?).await?;
    if !mamori_store::records::can_edit(&ctx.access, reg) {
        return Err(AppError::Forbidden);
    }
    form_page(
        &state,
        &ctx,
        reg,
        Some(&record),
        &Input::new(),
        &[],
        StatusCode::OK,
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection, id)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    let id = parse_id(&id)?;
    let input = form_input(&ctx, &body)?;
    match state.store.update(&ctx.access, reg, id, &input).await {
        Ok(r) => Ok(Redirect::to(&format!(
            "{}?saved=updated",
            record_href(ctx.org(), reg, r.id)
        ))
        .into_response()),
        Err(mamori_store::StoreError::Invalid(errors)) => {
            let record = state.store.get(&ctx.access, reg, id).await?;
            form_page(
                &state,
                &ctx,
                reg,
                Some(&record),
                &input,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
