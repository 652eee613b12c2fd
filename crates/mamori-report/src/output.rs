//! The report of a fiscal year as a reader gets it: a published revision from its frozen files,
//! anything else computed from the records now; and publication, which freezes the four renderings.

use mamori_domain::FiscalYear;
use mamori_store::reports::{self, ReportRevision};
use mamori_store::{Access, Store, StoreError};

use crate::ReportError;
use crate::model::{self, Report, Request};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Html,
    Pdf,
    Docx,
}

impl Format {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "json" => Some(Self::Json),
            "html" => Some(Self::Html),
            "pdf" => Some(Self::Pdf),
            "docx" => Some(Self::Docx),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Html => "html",
            Self::Pdf => "pdf",
            Self::Docx => "docx",
        }
    }
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Json => "application/json",
            Self::Html => "text/html; charset=utf-8",
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Render(#[from] ReportError),
}

/// The report of `fy` computed now: from its latest revision (narratives, issue date, status), or,
/// for a year not started, from the latest earlier year's narratives with today as issue date.
pub async fn compute(
    store: &Store,
    access: &Access,
    fy: FiscalYear,
    lang: &str,
    revision: Option<&ReportRevision>,
) -> Result<Report, StoreError> {
    let (narratives, issued_on) = match revision {
        Some(r) => (r.narratives.clone(), r.issued_on),
        None => (
            store.report_previous_narratives(access, fy.year).await?,
            mamori_domain::dates::today(),
        ),
    };
    model::build(
        store,
        access,
        Request {
            fy,
            lang,
            revision,
            narratives,
            issued_on,
        },
    )
    .await
}

/// Renders a report in one format.
pub fn render(report: &Report, format: Format, today: time::Date) -> Result<Vec<u8>, ReportError> {
    Ok(match format {
        Format::Json => {
            serde_json::to_vec_pretty(report).map_err(|e| ReportError::Typeset(e.to_string()))?
        }
        Format::Html => crate::html::standalone(&report.document)?.into_bytes(),
        Format::Pdf => crate::report_pdf(&report.document, today)?,
        Format::Docx => crate::docx::report_docx(&report.document)?,
    })
}

/// The report of `fy` in `format`: the frozen file of its latest revision if that is published
/// (and asked for in the language it was published in, Japanese), else computed now. Staff read
/// it once it is published.
pub async fn produce(
    store: &Store,
    access: &Access,
    fy: FiscalYear,
    lang: &str,
    format: Format,
) -> Result<Vec<u8>, OutputError> {
    let revisions = store.report_revisions(access, fy.year).await?;
    let latest = revisions.first();
    reports::may_read(access, latest)?;
    if let Some(r) = latest.filter(|r| r.status == "published" && lang != "en") {
        return Ok(store.report_file(access, r.id, format.code()).await?.0);
    }
    let report = compute(store, access, fy, lang, latest).await?;
    Ok(render(&report, format, mamori_domain::dates::today())?)
}

/// Publishes an approved revision: computes the report once more, renders it in every format (in
/// Japanese) and hands the files to the store, which keeps them with their SHA-256 in the audit
/// trail. The JSON carries the trail's head it was computed at. Returns the frozen JSON's report.
pub async fn publish(store: &Store, access: &Access, id: i64) -> Result<Report, OutputError> {
    let revision = store.report_revision(access, id).await?;
    let fy = FiscalYear::new(revision.fiscal_year, access.org.fiscal_year_start_month);
    let mut published = revision.clone();
    published.status = "published".to_string();
    // The head first: the report shows the records of the trail up to it (or later ones).
    let head = mamori_store::audit::head(&store.pool).await?;
    let mut report = compute(store, access, fy, "ja", Some(&published)).await?;
    report.audit_head = Some(head.clone());
    let today = mamori_domain::dates::today();
    let files: Vec<(&str, Vec<u8>)> = [Format::Json, Format::Html, Format::Pdf, Format::Docx]
        .into_iter()
        .map(|f| render(&report, f, today).map(|bytes| (f.code(), bytes)))
        .collect::<Result<_, _>>()?;
    store.report_publish(access, id, &files, &head).await?;
    Ok(report)
}

/// The year's latest revision, for those who prepare the report (checked before any lookup).
pub async fn latest_to_prepare(
    store: &Store,
    access: &Access,
    fy: FiscalYear,
) -> Result<ReportRevision, StoreError> {
    reports::may_prepare(access)?;
    let revisions = store.report_revisions(access, fy.year).await?;
    revisions.into_iter().next().ok_or(StoreError::NotFound)
}

/// Starts the year's report (a copy of the latest earlier year's narratives, issued today), or a
/// correction of the published one with its change note. Returns the new revision's id.
pub async fn start(
    store: &Store,
    access: &Access,
    fy: FiscalYear,
    change_note: Option<&str>,
) -> Result<i64, StoreError> {
    reports::may_prepare(access)?;
    let narratives = store.report_previous_narratives(access, fy.year).await?;
    store
        .report_start(
            access,
            fy.year,
            mamori_domain::dates::today(),
            narratives,
            change_note,
        )
        .await
}

/// The steps `advance` takes a revision to; publication is `publish_latest`.
pub const STEPS: &[&str] = &["review", "draft", "approved"];

/// Moves the year's latest revision along: to `review` (its figures remembered, to show what
/// changed before publication), back to `draft`, or to `approved` (by top management).
pub async fn advance(
    store: &Store,
    access: &Access,
    fy: FiscalYear,
    to: &str,
) -> Result<(), StoreError> {
    reports::may_prepare(access)?;
    if !STEPS.contains(&to) {
        return Err(StoreError::invalid("to", "invalid-choice"));
    }
    let latest = latest_to_prepare(store, access, fy).await?;
    let figures = if to == "review" {
        let report = compute(store, access, fy, "ja", Some(&latest)).await?;
        serde_json::to_value(&report.figures)?
    } else {
        serde_json::Value::Null
    };
    store.report_advance(access, latest.id, to, &figures).await
}

/// Publishes the year's latest revision, once approved (see `publish`).
pub async fn publish_latest(
    store: &Store,
    access: &Access,
    fy: FiscalYear,
) -> Result<Report, OutputError> {
    let latest = latest_to_prepare(store, access, fy).await?;
    publish(store, access, latest.id).await
}

/// What to look at before publishing: figures changed since the revision went to review, empty
/// narratives of items switched on, objectives without a numeric target, and open items of the
/// year's registers. Each is (translation key, detail).
pub async fn checks(
    store: &Store,
    access: &Access,
    report: &Report,
    revision: &ReportRevision,
) -> Result<Vec<(String, String)>, StoreError> {
    use mamori_domain::registers as r;
    let mut out = Vec::new();
    if let Some(before) = revision.review_figures.as_ref().and_then(|v| v.as_object()) {
        for (id, figure) in &report.figures {
            let now = serde_json::to_value(figure).unwrap_or_default();
            if before.get(id) != Some(&now) {
                let was = before
                    .get(id)
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "―".into());
                out.push(("r-check-changed".into(), format!("{id}: {was} → {now}")));
            }
        }
    }
    for id in &report.items {
        let empty = report
            .narratives
            .get(id)
            .is_some_and(|t| t.trim().is_empty());
        if empty {
            let title = report
                .document
                .sections
                .iter()
                .find(|s| &s.id == id)
                .map(|s| format!("{} {}", s.number, s.title))
                .unwrap_or_else(|| id.clone());
            out.push(("r-check-empty".into(), title));
        }
    }
    let fy = FiscalYear::new(report.fiscal_year, access.org.fiscal_year_start_month);
    let objectives = store
        .list_all(
            access,
            &r::OBJECTIVES,
            &mamori_store::ListQuery {
                filters: vec![("fiscal_year".into(), fy.year.to_string())],
                ..Default::default()
            },
        )
        .await?;
    for o in objectives {
        let target = o
            .value(&r::OBJECTIVES, "target_value")
            .map(|v| v.to_plain())
            .unwrap_or_default();
        if mamori_domain::registers::parse_number(&target).is_none() {
            let title = o
                .value(&r::OBJECTIVES, "title")
                .map(|v| v.to_plain())
                .unwrap_or_default();
            out.push(("r-check-objective".into(), title));
        }
    }
    // Open items dated in the year: events not closed, findings and corrective actions open.
    for (reg, date, field, open) in [
        (
            &r::SECURITY_EVENTS,
            "occurred_on",
            "status",
            &["reported", "assessed", "responded"][..],
        ),
        (&r::FINDINGS, "audit.started_on", "status", &["open"][..]),
        (
            &r::LAW_CHANGES,
            "effective_on",
            "decision",
            &["pending"][..],
        ),
    ] {
        let iso = mamori_domain::dates::iso;
        let mut q = mamori_store::ListQuery::from_params(
            reg,
            &[
                (format!("{date}_from"), iso(fy.start())),
                (format!("{date}_to"), iso(fy.last_day())),
                (field.to_string(), open.join(",")),
            ],
            &[],
        )?;
        q.limit = 1;
        let n = store.list(access, reg, &q).await?.total;
        if n > 0 {
            out.push(("r-check-open".into(), format!("{}: {n}", reg.collection)));
        }
    }
    Ok(out)
}
