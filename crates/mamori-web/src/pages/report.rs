//! The yearly information security report in the app: the report of a fiscal year with every figure
//! a link to its records, its revisions and workflow (draft → review → approved → published), the
//! narratives' editing, the report's settings, and its files (PDF, DOCX, JSON, HTML).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mamori_domain::FiscalYear;
use mamori_domain::Lang;
use mamori_report::model::{ITEMS, Report, Settings};
use mamori_report::output::{self, Format};
use mamori_store::Access;
use mamori_store::reports::ReportRevision;
use mamori_store::reports::ReportStatus;
use minijinja::{Value, context};

use super::{get, pairs};
use crate::error::AppError;
use crate::session::Ctx;
use crate::{AppState, i18n, render};

/// The years a report can be asked for.
pub const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// The fiscal year a URL names (`2017`: four ASCII digits, as the app's links write it), in the
/// organisation's calendar; anything else is no report.
pub(crate) fn fiscal_year(access: &Access, year: &str) -> Result<FiscalYear, AppError> {
    Some(year)
        .filter(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|y| y.parse::<i32>().ok())
        .filter(|y| YEARS.contains(y))
        .map(|y| access.org.calendar.year(y))
        .ok_or(AppError::NotFound)
}

fn year_of(ctx: &Ctx, year: &str) -> Result<FiscalYear, AppError> {
    fiscal_year(&ctx.access, year)
}

pub(crate) fn output_error(e: output::OutputError) -> AppError {
    match e {
        output::OutputError::Store(e) => e.into(),
        other => AppError::Internal(other.to_string()),
    }
}

/// Whether the reader prepares the report (the store's rule).
fn writer(ctx: &Ctx) -> bool {
    mamori_store::reports::may_prepare(&ctx.access).is_ok()
}

/// The year's latest revision, for those who prepare the report (checked before any lookup).
async fn latest_to_write(
    state: &AppState,
    ctx: &Ctx,
    fy: FiscalYear,
) -> Result<ReportRevision, AppError> {
    Ok(output::latest_to_prepare(&state.store, &ctx.access, fy).await?)
}

/// `/o/{org}/report`: the report of the selected fiscal year.
pub async fn current(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    // Those who read published reports only (staff) go to the chosen year's if it is published,
    // else to the latest published one; with none published yet, a page says so (the menu's link
    // never answers 403).
    if !ctx
        .access
        .may(mamori_domain::Capability::ReadUnpublishedReports)
    {
        let published = state.store.report_list(&ctx.access).await?;
        let year = published
            .iter()
            .find(|r| r.fiscal_year == ctx.fy.year())
            .or(published.first())
            .map(|r| r.fiscal_year);
        return match year {
            Some(y) => Ok(Redirect::to(&format!("/o/{}/reports/{y}", ctx.org())).into_response()),
            None => render::page(&ctx, "report_none.html", context! {}, StatusCode::OK),
        };
    }
    Ok(Redirect::to(&format!("/o/{}/reports/{}", ctx.org(), ctx.fy.year())).into_response())
}

/// Those who prepare or approve the report: they see a correction in the making; everyone else
/// reads the published revision.
async fn editor(state: &AppState, ctx: &Ctx) -> Result<bool, AppError> {
    Ok(writer(ctx) || state.store.is_top_management(&ctx.access).await?)
}

/// The revision shown: the one named by `?revision=` (a revision not published only to its
/// editors), else the latest for its editors and the published one for everyone else. Staff read
/// published revisions only.
async fn shown<'a>(
    state: &AppState,
    ctx: &Ctx,
    revisions: &'a [ReportRevision],
    params: &[(String, String)],
) -> Result<Option<&'a ReportRevision>, AppError> {
    let editor = editor(state, ctx).await?;
    let shown = match get(params, "revision").filter(|v| !v.trim().is_empty()) {
        Some(n) => {
            let n: i64 = n.trim().parse().map_err(|_| AppError::NotFound)?;
            let r = revisions
                .iter()
                .find(|r| r.revision == n)
                .ok_or(AppError::NotFound)?;
            Some(r)
        }
        None if editor => revisions.first(),
        None => output::readable(revisions),
    };
    let published = shown.is_some_and(|r| r.status == ReportStatus::Published);
    let hidden = !editor
        && revisions
            .iter()
            .any(|r| r.status == ReportStatus::Published);
    if !published
        && (!ctx
            .access
            .may(mamori_domain::Capability::ReadUnpublishedReports)
            || hidden)
    {
        return Err(AppError::Forbidden);
    }
    Ok(shown)
}

/// The report of a revision as it reads now: a published one from its frozen JSON in the
/// language asked for (Japanese where it was not published in that language), any other computed
/// from the records.
async fn report_of(
    state: &AppState,
    ctx: &Ctx,
    fy: FiscalYear,
    revision: Option<&ReportRevision>,
    lang: Lang,
) -> Result<Report, AppError> {
    if let Some(r) = revision.filter(|r| r.status == ReportStatus::Published) {
        let name = output::frozen_name(Format::Json, lang);
        let bytes = match state.store.report_file(&ctx.access, r.id, &name).await {
            Err(mamori_store::StoreError::NotFound) => {
                state.store.report_file(&ctx.access, r.id, "json").await?.0
            }
            other => other?.0,
        };
        return serde_json::from_slice(&bytes).map_err(|e| AppError::Internal(e.to_string()));
    }
    Ok(output::compute(&state.store, &ctx.access, fy, lang, revision).await?)
}

pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, year)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let fy = year_of(&ctx, &year)?;
    let params = pairs(raw.unwrap_or_default().as_bytes())?;
    let revisions = state.store.report_revisions(&ctx.access, fy.year()).await?;
    let latest = revisions.first();
    let shown = shown(&state, &ctx, &revisions, &params).await?;
    let report = report_of(&state, &ctx, fy, shown, ctx.lang).await?;
    let article = mamori_report::html::article(
        &report.document,
        true,
        &i18n::t(ctx.lang, "report-previous-link"),
    )
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let checks = match shown {
        Some(r)
            if writer(&ctx)
                && latest.is_some_and(|l| l.id == r.id)
                && matches!(r.status, ReportStatus::Review | ReportStatus::Approved) =>
        {
            output::checks(&state.store, &ctx.access, &report, r)
                .await?
                .into_iter()
                .map(|c| {
                    let detail = match c.register {
                        Some(reg) => crate::i18n::t_args(
                            ctx.lang,
                            "report-check-count",
                            &[("register", crate::i18n::t(ctx.lang, &format!("register-{reg}"))), ("n", c.detail)],
                        ),
                        None => c.detail,
                    };
                    context! { text => mamori_report::text::t(ctx.lang, &c.key), detail, href => c.href }
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let date = |d: time::Date| mamori_domain::dates::format_date(d, ctx.style, ctx.lang);
    let revs: Vec<Value> = revisions
        .iter()
        .map(|r| {
            context! {
                revision => r.revision,
                status => i18n::t(ctx.lang, &format!("report-status-{}", r.status)),
                issued_on => date(r.issued_on),
                change_note => r.change_note.clone().unwrap_or_default(),
                approved_by => r.approved_by.clone().unwrap_or_default(),
                approved_on => r.approved_on.map(date),
                published_on => r.published_on.map(date),
            }
        })
        .collect();
    let base = format!("/o/{}/reports/{}", ctx.org(), fy.year());
    // The files of the revision shown: a reader's links name no revision (they get the published
    // one); an editor looking at another revision gets that one's.
    let readable = output::readable(&revisions);
    let revision_param = match shown {
        Some(r) if readable.is_none_or(|p| p.id != r.id) => format!("revision={}", r.revision),
        _ => String::new(),
    };
    let english = match shown.filter(|r| r.status == ReportStatus::Published) {
        Some(r) => state
            .store
            .report_file_names(&ctx.access, r.id)
            .await?
            .iter()
            .any(|n| n == &output::frozen_name(Format::Pdf, Lang::En)),
        None => true,
    };
    // An editor is told when what they see is not what readers get, with a link to the other.
    let other = match (shown, readable) {
        (Some(s), Some(p)) if s.id != p.id => Some(context! {
            text => i18n::t_args(ctx.lang, "report-readers-get", &[("n", p.revision.to_string())]),
            href => format!("{base}?revision={}", p.revision),
        }),
        (Some(s), Some(_)) if latest.is_some_and(|l| l.id != s.id) => latest.map(|l| context! {
            text => i18n::t_args(ctx.lang, "report-correction-in-progress", &[("n", l.revision.to_string())]),
            href => format!("{base}?revision={}", l.revision),
        }),
        _ => None,
    };
    render::page(
        &ctx,
        "report.html",
        context! {
            article, checks, revisions => revs, base, other, english,
            files_query => revision_param,
            year_label => fy.label(ctx.style, ctx.lang),
            previous_year => fy.year() - 1, next_year => fy.year() + 1,
            status => latest.map(|r| r.status),
            status_label => latest.map(|r| i18n::t(ctx.lang, &format!("report-status-{}", r.status))),
            revision => latest.map(|r| r.revision),
            shown_revision => shown.map(|r| r.revision),
            writer => writer(&ctx),
            top => state.store.is_top_management(&ctx.access).await?,
        },
        StatusCode::OK,
    )
}

/// `report.pdf`, `report.docx`, `report.json`, `report.html` (`?lang=en` for the English rendering,
/// `?revision=N` for another revision than the one readers get).
pub async fn file(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, year, name)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let fy = year_of(&ctx, &year)?;
    let format = file_format(&name)?;
    let params = pairs(raw.unwrap_or_default().as_bytes())?;
    let lang = i18n::pick(get(&params, "lang").or(Some("ja")));
    if get(&params, "revision").is_some_and(|v| !v.trim().is_empty()) {
        let revisions = state.store.report_revisions(&ctx.access, fy.year()).await?;
        let revision = shown(&state, &ctx, &revisions, &params)
            .await?
            .ok_or(AppError::NotFound)?;
        let bytes = output::produce_revision(&state.store, &ctx.access, fy, revision, lang, format)
            .await
            .map_err(output_error)?;
        return Ok(download(&ctx.access, fy, format, bytes));
    }
    send(&state, &ctx.access, fy, format, lang).await
}

/// The format a file name (`report.pdf`) asks for.
pub(crate) fn file_format(name: &str) -> Result<Format, AppError> {
    name.strip_prefix("report.")
        .and_then(Format::parse)
        .ok_or(AppError::NotFound)
}

/// The report of a year as a reader gets it, as a file to download (a PDF or the HTML to open in
/// place), for the page's links and the API alike.
pub(crate) async fn send(
    state: &AppState,
    access: &Access,
    fy: FiscalYear,
    format: Format,
    lang: Lang,
) -> Result<Response, AppError> {
    let bytes = output::produce(&state.store, access, fy, lang, format)
        .await
        .map_err(output_error)?;
    Ok(download(access, fy, format, bytes))
}

fn download(access: &Access, fy: FiscalYear, format: Format, bytes: Vec<u8>) -> Response {
    let filename = format!(
        "isms-report-{}-{}.{}",
        access.org.slug,
        fy.year(),
        format.code()
    );
    let disposition = if matches!(format, Format::Pdf | Format::Html) {
        "inline"
    } else {
        "attachment"
    };
    super::registers::send_file(bytes, format.content_type(), &filename, disposition)
}

fn back(ctx: &Ctx, fy: FiscalYear, anchor: &str) -> Response {
    Redirect::to(&format!("/o/{}/reports/{}{anchor}", ctx.org(), fy.year())).into_response()
}

/// Starts the year's report (a copy of the previous year's narratives), or a correction of the
/// published one (with its change note).
pub async fn start(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, year)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let fy = year_of(&ctx, &year)?;
    let form = ctx.viewer.form(&body)?;
    output::start(&state.store, &ctx.access, fy, get(&form, "change_note")).await?;
    Ok(back(&ctx, fy, ""))
}

/// Sends the revision to review (its figures remembered), back to draft, or approves it.
pub async fn advance(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, year)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let fy = year_of(&ctx, &year)?;
    let form = ctx.viewer.form(&body)?;
    // Who may not prepare the report learns nothing about the form first.
    mamori_store::reports::may_prepare(&ctx.access)?;
    let to = get(&form, "to")
        .and_then(ReportStatus::parse)
        .ok_or_else(|| {
            AppError::Invalid(vec![mamori_domain::FieldError::new("to", "invalid-choice")])
        })?;
    output::advance(&state.store, &ctx.access, fy, to).await?;
    Ok(back(&ctx, fy, ""))
}

pub async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, year)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let fy = year_of(&ctx, &year)?;
    ctx.viewer.form(&body)?;
    output::publish_latest(&state.store, &ctx.access, fy)
        .await
        .map_err(output_error)?;
    Ok(back(&ctx, fy, ""))
}

/// The narratives of the draft, and the report's settings.
pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, year)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let fy = year_of(&ctx, &year)?;
    let latest = &latest_to_write(&state, &ctx, fy).await?;
    edit_page(&ctx, fy, latest, None, Vec::new(), StatusCode::OK)
}

fn edit_page(
    ctx: &Ctx,
    fy: FiscalYear,
    revision: &ReportRevision,
    typed: Option<&[(String, String)]>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let settings = Settings::of(&ctx.access.org.profile);
    let value = |key: &str| -> String {
        match typed {
            Some(form) => get(form, key).unwrap_or_default().to_string(),
            None => revision
                .narratives
                .get(key)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string(),
        }
    };
    let title = |id: &str| {
        mamori_report::text::ta(
            ctx.lang,
            &format!("r-{id}"),
            &[("year", fy.label(ctx.style, ctx.lang))],
        )
    };
    let blocks: Vec<Value> = ITEMS
        .iter()
        .filter(|i| i.narrative)
        .map(|i| context! { id => i.id, number => i.number, title => title(i.id), text => value(i.id), on => settings.enabled(i) })
        .collect();
    let items: Vec<Value> = ITEMS
        .iter()
        .map(|i| context! { id => i.id, number => i.number, title => title(i.id), level => i.level, on => settings.enabled(i) })
        .collect();
    let issued = match typed {
        Some(form) => get(form, "issued_on").unwrap_or_default().to_string(),
        None => mamori_domain::dates::iso(revision.issued_on),
    };
    render::page(
        ctx,
        "report_edit.html",
        context! {
            blocks, items, errors, issued,
            editable => revision.status == ReportStatus::Draft,
            base => format!("/o/{}/reports/{}", ctx.org(), fy.year()),
            year_label => fy.label(ctx.style, ctx.lang),
            date_style => settings.date_style.map(|s| s.code()).unwrap_or("era"),
            records_since => settings.records_since.clone().unwrap_or_default(),
            record_codes => settings.record_codes,
        },
        status,
    )
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, year)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let fy = year_of(&ctx, &year)?;
    let form = ctx.viewer.form(&body)?;
    let latest = &latest_to_write(&state, &ctx, fy).await?;
    let issued = get(&form, "issued_on").and_then(mamori_domain::dates::parse_date);
    let Some(issued) = issued else {
        let msg = i18n::t(ctx.lang, "report-issued-invalid");
        return edit_page(
            &ctx,
            fy,
            latest,
            Some(&form),
            vec![msg],
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let narratives: serde_json::Map<String, serde_json::Value> = ITEMS
        .iter()
        .filter(|i| i.narrative)
        .filter_map(|i| {
            get(&form, i.id).map(|t| {
                // Line ends as typed in a browser (CRLF) are kept as LF.
                (
                    i.id.to_string(),
                    serde_json::Value::String(t.replace("\r\n", "\n")),
                )
            })
        })
        .collect();
    match state
        .store
        .report_edit(&ctx.access, latest.id, issued, narratives)
        .await
    {
        Ok(()) => Ok(back(&ctx, fy, "")),
        Err(mamori_store::StoreError::Invalid(errors)) => {
            let msgs = errors
                .iter()
                .map(|e| format!("{}: {}", e.field, i18n::field_error(ctx.lang, None, e)))
                .collect();
            edit_page(
                &ctx,
                fy,
                latest,
                Some(&form),
                msgs,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// The report's settings: items on or off, the date style, the day the records begin.
pub async fn save_settings(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, year)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let fy = year_of(&ctx, &year)?;
    let form = ctx.viewer.form(&body)?;
    if !writer(&ctx) {
        return Err(AppError::Forbidden);
    }
    let mut settings = Settings::of(&ctx.access.org.profile);
    for item in ITEMS {
        let on = get(&form, &format!("item-{}", item.id)).is_some();
        if on == item.default_on {
            settings.items.remove(item.id);
        } else {
            settings.items.insert(item.id.to_string(), on);
        }
    }
    settings.record_codes = get(&form, "record_codes").is_some();
    let style = get(&form, "date_style").unwrap_or("era");
    settings.date_style = Some(mamori_domain::DateStyle::parse(style).ok_or_else(|| {
        AppError::Invalid(vec![mamori_domain::FieldError::new(
            "date_style",
            "invalid-choice",
        )])
    })?);
    let since = get(&form, "records_since")
        .map(str::trim)
        .unwrap_or_default();
    settings.records_since = if since.is_empty() {
        None
    } else {
        let d = mamori_domain::dates::parse_date(since).ok_or_else(|| {
            AppError::Invalid(vec![mamori_domain::FieldError::new(
                "records_since",
                "invalid-date",
            )])
        })?;
        Some(mamori_domain::dates::iso(d))
    };
    state
        .store
        .set_report_settings(
            &ctx.access,
            serde_json::to_value(&settings).map_err(|e| AppError::Internal(e.to_string()))?,
        )
        .await?;
    Ok(Redirect::to(&format!(
        "/o/{}/reports/{}/edit#settings",
        ctx.org(),
        fy.year()
    ))
    .into_response())
}
