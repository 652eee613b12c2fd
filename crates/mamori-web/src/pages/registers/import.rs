//! Imports into a register from XLSX or CSV, starter data and the controls' titles.

#[allow(unused_imports)]
use super::*;

pub(super) async fn import_page(
    ctx: &Ctx,
    reg: &Register,
    errors: Vec<Value>,
    done: Option<(String, String)>,
    status: StatusCode,
) -> Result<Response, AppError> {
    render::page(
        ctx,
        "import.html",
        context! {
            title => i18n::register_name(ctx.lang, reg),
            collection => reg.collection,
            columns => headers(ctx.lang, reg),
            codes => reg.fields.iter().map(|f| f.name).collect::<Vec<_>>(),
            layouts => !mamori_io::layouts::for_register(reg).is_empty(),
            starter => mamori_io::starter::REGISTERS.contains(&reg.collection),
            done => done.map(|(message, href)| context! { message, href }),
            errors,
        },
        status,
    )
}

pub async fn import_form(
    ctx: Ctx,
    Path((_, collection)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    if !can_create(&ctx.access, reg) {
        return Err(AppError::Forbidden);
    }
    import_page(&ctx, reg, Vec::new(), None, StatusCode::OK).await
}

/// Adds a register's reference data (`mamori_io::starter::REGISTERS`); what the organisation
/// already has is skipped.
pub async fn import_starter(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    if !mamori_io::starter::REGISTERS.contains(&reg.collection) {
        return Err(AppError::NotFound);
    }
    ctx.viewer.form(&body)?;
    if !can_create(&ctx.access, reg) {
        return Err(AppError::Forbidden);
    }
    let list = format!("/o/{}/{}", ctx.org(), reg.collection);
    let result = mamori_io::starter::load_register(&state.store, &ctx.access, reg)
        .await
        .map(|added| {
            let (records, related) = added.unwrap_or_default();
            let message = i18n::t_args(
                ctx.lang,
                &format!("{}-starter-done", reg.collection),
                &[
                    ("records", records.to_string()),
                    ("related", related.to_string()),
                ],
            );
            // What came in is reference data to confirm: the list of it, where there is a status.
            let href = match reg.field("status") {
                Some(_) => format!("{list}?status=reference"),
                None => list,
            };
            (message, href)
        });
    imported(&ctx, reg, result).await
}

pub async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection)): Path<(String, String)>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    let mut sheet = upload(&ctx, reg, multipart).await?;
    choices_by_name(reg, &mut sheet);
    let alias = header_alias(reg);
    let result =
        mamori_io::sheet::import(&state.store, &ctx.access, reg, &sheet, &alias, &|_, _| {}).await;
    imported(&ctx, reg, result.map(|n| rows_done(&ctx, reg, n))).await
}

/// Sets the controls' Japanese titles from the organisation's own file (code and title columns).
pub async fn import_titles(
    State(state): State<AppState>,
    ctx: Ctx,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let reg = &registers::CONTROLS;
    let sheet = upload(&ctx, reg, multipart).await?;
    let alias = header_alias(reg);
    let result = mamori_io::catalogue::load_titles(&state.store, &ctx.access, &sheet, &alias).await;
    imported(&ctx, reg, result.map(|n| rows_done(&ctx, reg, n))).await
}

/// The uploaded file of an import form (XLSX or CSV), once the form's token and the writer's
/// permission are checked. The body is held only up to the app's body limit (a little over
/// `MAX_IMPORT_BYTES`); past it, the answer is 413 naming the limit. The file is read off the
/// async workers: checking an archive inflates up to its limits.
pub(super) async fn upload(
    ctx: &Ctx,
    reg: &Register,
    mut multipart: Multipart,
) -> Result<Sheet, AppError> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::OverLimit(
                "file-too-large",
                (mamori_io::sheet::MAX_IMPORT_BYTES / (1024 * 1024)) as u64,
            )
        } else {
            AppError::Refused(StatusCode::BAD_REQUEST, "file-unreadable")
        }
    };
    let mut csrf = None;
    let mut file: Option<(String, Bytes)> = None;
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name() {
            Some("csrf") => csrf = Some(field.text().await.map_err(bad)?),
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_lowercase();
                file = Some((name, field.bytes().await.map_err(bad)?));
            }
            _ => {}
        }
    }
    ctx.viewer.check_csrf(csrf.as_deref())?;
    if !can_create(&ctx.access, reg) {
        return Err(AppError::Forbidden);
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(AppError::Refused(StatusCode::BAD_REQUEST, "file-missing"));
    };
    let read = move || {
        if name.ends_with(".csv") || !bytes.starts_with(b"PK") {
            Sheet::from_csv(&bytes)
        } else {
            Sheet::from_xlsx(&bytes)
        }
    };
    Ok(tokio::task::spawn_blocking(read)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??)
}

/// What an import of `n` rows says, and the list it went into.
pub(super) fn rows_done(ctx: &Ctx, reg: &Register, n: usize) -> (String, String) {
    (
        i18n::t_args(ctx.lang, "import-done", &[("count", n.to_string())]),
        format!("/o/{}/{}", ctx.org(), reg.collection),
    )
}

/// The import page after an import: what came in (a message and the list to see it), or every
/// refused cell.
pub(super) async fn imported(
    ctx: &Ctx,
    reg: &'static Register,
    result: Result<(String, String), mamori_io::IoError>,
) -> Result<Response, AppError> {
    match result {
        Ok(done) => import_page(ctx, reg, Vec::new(), Some(done), StatusCode::OK).await,
        Err(mamori_io::IoError::Rows(rows)) => {
            let errors = rows
                .iter()
                .map(|r| {
                    let fe = FieldError { field: r.column.clone(), code: r.code, detail: r.detail.clone() };
                    let column = reg.field(&r.column).map(|f| i18n::field_label(ctx.lang, reg, f.name)).unwrap_or(r.column.clone());
                    context! { row => r.row, column, message => i18n::field_error(ctx.lang, Some(reg), &fe) }
                })
                .collect();
            import_page(ctx, reg, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Choices typed as their names in either language (社員, Employee), as a template's lists offer
/// them, are read as their codes; a code stays as it is.
fn choices_by_name(reg: &'static Register, sheet: &mut mamori_io::sheet::Sheet) {
    let alias = header_alias(reg);
    let normalize = mamori_domain::input::normalize;
    for (c, header) in sheet.headers.iter().enumerate() {
        let Some(field) = alias(&normalize(header)).and_then(|name| reg.field(name)) else {
            continue;
        };
        let FieldKind::Choice(choices) = field.kind else {
            continue;
        };
        let names: Vec<(String, &str)> = choices
            .iter()
            .flat_map(|code| {
                i18n::LANGS
                    .iter()
                    .map(move |l| (normalize(&i18n::choice_label(*l, field.name, code)), *code))
            })
            .collect();
        for row in &mut sheet.rows {
            if let Some(cell) = row.get_mut(c) {
                let typed = normalize(cell);
                if let Some((_, code)) = names.iter().find(|(name, _)| *name == typed) {
                    *cell = code.to_string();
                }
            }
        }
    }
}
