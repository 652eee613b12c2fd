//! Exports of a register's list as XLSX and CSV, and sending files.

#[allow(unused_imports)]
use super::*;

/// Every record the list's filters select (not just one page), for export.
pub async fn all_matching(
    state: &AppState,
    access: &mamori_store::Access,
    reg: &Register,
    params: &[(String, String)],
) -> Result<Vec<Record>, AppError> {
    // `year` is the list page's own (its filter is in the parameters already).
    let query = list_query(reg, params, &["year"])?;
    Ok(state.store.list_all(access, reg, &query).await?)
}

/// The code of the first record of the register `collection` the member may read, or nothing.
async fn first_key(state: &AppState, ctx: &Ctx, collection: &str) -> String {
    let Some(target) = mamori_domain::registers::by_collection(collection) else {
        return String::new();
    };
    let query = mamori_store::ListQuery {
        limit: 1,
        ..Default::default()
    };
    match state.store.list(&ctx.access, target, &query).await {
        Ok(page) => page
            .items
            .first()
            .and_then(|r| r.value(target, target.natural_key.unwrap_or("id")))
            .map(|v| v.to_plain())
            .unwrap_or_default(),
        Err(_) => String::new(),
    }
}

pub(super) fn download(bytes: Vec<u8>, content_type: &str, filename: &str) -> Response {
    send_file(bytes, content_type, filename, "attachment")
}

/// A file as a response: `attachment` to save it, `inline` to open it (a PDF), named in ASCII and
/// in full (RFC 6266).
pub(crate) fn send_file(
    bytes: Vec<u8>,
    content_type: &str,
    filename: &str,
    disposition: &str,
) -> Response {
    let disposition = format!(
        "{disposition}; filename=\"{}\"; filename*=UTF-8''{}",
        filename.replace(
            |c: char| !c.is_ascii_alphanumeric() && c != '.' && c != '-',
            "_"
        ),
        crate::error::url_escape(filename)
    );
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

pub async fn export_xlsx(
    state: State<AppState>,
    ctx: Ctx,
    path: Path<(String, String)>,
    raw: RawQuery,
) -> Result<Response, AppError> {
    export(state, ctx, path, raw, "xlsx").await
}

pub async fn export_csv(
    state: State<AppState>,
    ctx: Ctx,
    path: Path<(String, String)>,
    raw: RawQuery,
) -> Result<Response, AppError> {
    export(state, ctx, path, raw, "csv").await
}

pub(super) async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    format: &str,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    let params = pairs(raw.unwrap_or_default().as_bytes())?;
    let records = all_matching(&state, &ctx.access, reg, &params).await?;
    let sheet = Sheet::from_records(headers(ctx.lang, reg), &records);
    let name = format!(
        "{}-{}",
        reg.collection,
        mamori_domain::dates::iso(mamori_domain::dates::today())
    );
    match format {
        "xlsx" => Ok(download(
            sheet.to_xlsx(reg, &i18n::register_name(ctx.lang, reg))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &format!("{name}.xlsx"),
        )),
        "csv" => Ok(download(
            sheet.to_csv()?,
            "text/csv; charset=utf-8",
            &format!("{name}.csv"),
        )),
        _ => Err(AppError::NotFound),
    }
}

/// A template to fill in and import (`template.xlsx`), for those who add records: the register's
/// headers in the reader's language, each choice a dropdown of its names (read back as codes on
/// import), and a second sheet with an example row.
pub async fn template(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    if !can_create(&ctx.access, reg) {
        return Err(AppError::Forbidden);
    }
    let fields: Vec<&mamori_domain::Field> = reg
        .fields
        .iter()
        .filter(|f| !reg.computed.contains(&f.name))
        .collect();
    let headers: Vec<String> = fields
        .iter()
        .map(|f| i18n::field_label(ctx.lang, reg, f.name))
        .collect();
    let lists: Vec<Option<Vec<String>>> = fields
        .iter()
        .map(|f| match f.kind {
            FieldKind::Choice(choices) => Some(
                choices
                    .iter()
                    .map(|c| i18n::choice_label(ctx.lang, f.name, c))
                    .collect(),
            ),
            _ => None,
        })
        .collect();
    let today = mamori_domain::dates::today();
    let mut example = Vec::with_capacity(fields.len());
    for f in &fields {
        example.push(match f.kind {
            FieldKind::Choice(choices) => choices
                .first()
                .map(|c| i18n::choice_label(ctx.lang, f.name, c))
                .unwrap_or_default(),
            FieldKind::Date => mamori_domain::dates::format_date(today, ctx.style, ctx.lang),
            FieldKind::Int { min, .. } => min.max(1).to_string(),
            // A reference names one of the organisation's own records (its department SOUMU),
            // where the member may read one.
            FieldKind::Ref(target) => first_key(&state, &ctx, target).await,
            _ => String::new(),
        });
    }
    let name = i18n::register_name(ctx.lang, reg);
    let bytes = mamori_io::sheet::Sheet::template_xlsx(
        &headers,
        &lists,
        &example,
        &name,
        &i18n::t(ctx.lang, "template-example-sheet"),
    )
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(send_file(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("{name}-{}.xlsx", i18n::t(ctx.lang, "template-file")),
        "attachment",
    ))
}
