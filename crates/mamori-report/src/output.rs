//! The report of a fiscal year as a reader gets it: a published revision from its frozen files,
//! anything else computed from the records now; and publication, which freezes the four renderings
//! in each language.

use mamori_domain::FiscalYear;
use mamori_domain::Lang;
use mamori_store::reports::{self, ReportRevision, ReportStatus};
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
    lang: Lang,
    revision: Option<&ReportRevision>,
) -> Result<Report, StoreError> {
    let (narratives, issued_on) = match revision {
        Some(r) => (r.narratives.clone(), r.issued_on),
        None => (
            store.report_previous_narratives(access, fy.year()).await?,
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

/// The name a frozen rendering is kept under: the format's code for Japanese (as publications
/// always were), `code.lang` for another language.
pub fn frozen_name(format: Format, lang: Lang) -> String {
    if lang == Lang::Ja {
        format.code().to_string()
    } else {
        format!("{}.{lang}", format.code())
    }
}

/// The revision a reader gets: the latest published one, so a correction in the making is not
/// read until it is published; else the latest (a first revision still being prepared).
pub fn readable(revisions: &[ReportRevision]) -> Option<&ReportRevision> {
    revisions
        .iter()
        .find(|r| r.status == ReportStatus::Published)
        .or(revisions.first())
}

/// The report of `fy` in `format` and `lang` as a reader gets it (links, downloads, `mamori
/// report`): the frozen file of the latest published revision, else computed now from the latest.
/// Staff read it once it is published.
pub async fn produce(
    store: &Store,
    access: &Access,
    fy: FiscalYear,
    lang: Lang,
    format: Format,
) -> Result<Vec<u8>, OutputError> {
    let revisions = store.report_revisions(access, fy.year()).await?;
    let readable = readable(&revisions);
    reports::may_read(access, readable)?;
    match readable {
        Some(r) => produce_revision(store, access, fy, r, lang, format).await,
        None => {
            let report = compute(store, access, fy, lang, None).await?;
            Ok(render(&report, format, mamori_domain::dates::today())?)
        }
    }
}

/// One revision in `format` and `lang`: a published revision's frozen file (not found in a
/// language it was not published in), any other computed from the records now.
pub async fn produce_revision(
    store: &Store,
    access: &Access,
    fy: FiscalYear,
    revision: &ReportRevision,
    lang: Lang,
    format: Format,
) -> Result<Vec<u8>, OutputError> {
    if revision.status == ReportStatus::Published {
        let name = frozen_name(format, lang);
        return Ok(store.report_file(access, revision.id, &name).await?.0);
    }
    let report = compute(store, access, fy, lang, Some(revision)).await?;
    Ok(render(&report, format, mamori_domain::dates::today())?)
}

/// Publishes an approved revision: computes the report once more in every language, renders each
/// in every format and hands the files to the store, which keeps them with their SHA-256 in the
/// audit trail. Each JSON carries the trail's head it was computed at. Returns the Japanese report.
pub async fn publish(store: &Store, access: &Access, id: i64) -> Result<Report, OutputError> {
    let revision = store.report_revision(access, id).await?;
    let fy = access.org.calendar.year(revision.fiscal_year);
    let mut published = revision.clone();
    published.status = ReportStatus::Published;
    // The head first: the report shows the records of the trail up to it (or later ones).
    let head = store.audit_head().await?;
    let today = mamori_domain::dates::today();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut japanese = None;
    for lang in Lang::ALL {
        let mut report = compute(store, access, fy, lang, Some(&published)).await?;
        report.audit_head = Some(head.clone());
        for format in [Format::Json, Format::Html, Format::Pdf, Format::Docx] {
            files.push((frozen_name(format, lang), render(&report, format, today)?));
        }
        if lang == Lang::Ja {
            japanese = Some(report);
        }
    }
    let files: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    store.report_publish(access, id, &files, &head).await?;
    Ok(japanese.expect("Japanese is among the languages"))
}

/// The year's latest revision, for those who prepare the report (checked before any lookup).
pub async fn latest_to_prepare(
    store: &Store,
    access: &Access,
    fy: FiscalYear,
) -> Result<ReportRevision, StoreError> {
    reports::may_prepare(access)?;
    let revisions = store.report_revisions(access, fy.year()).await?;
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
    let narratives = store.report_previous_narratives(access, fy.year()).await?;
    store
        .report_start(
            access,
            fy.year(),
            mamori_domain::dates::today(),
            narratives,
            change_note,
        )
        .await
}

/// Moves the year's latest revision along: to `review` (its figures remembered, to show what
/// changed before publication), back to `draft`, or to `approved` (by top management).
pub async fn advance(
    store: &Store,
    access: &Access,
    fy: FiscalYear,
    to: ReportStatus,
) -> Result<(), StoreError> {
    reports::may_prepare(access)?;
    if to == ReportStatus::Published {
        return Err(StoreError::invalid("to", "invalid-choice"));
    }
    let latest = latest_to_prepare(store, access, fy).await?;
    let figures = if to == ReportStatus::Review {
        let report = compute(store, access, fy, Lang::Ja, Some(&latest)).await?;
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
) -> Result<Vec<Check>, StoreError> {
    use mamori_domain::registers as r;
    let org = &access.org.slug;
    let edit = |id: &str| {
        Some(format!(
            "/o/{org}/reports/{}/edit#n-{id}",
            report.fiscal_year
        ))
    };
    let mut out = Vec::new();
    if let Some(before) = revision.review_figures.as_ref().and_then(|v| v.as_object()) {
        for (id, figure) in &report.figures {
            let now = serde_json::to_value(figure).unwrap_or_default();
            if before.get(id) != Some(&now) {
                // As the report prints them: 1(0) → 2(0).
                let was = before
                    .get(id)
                    .and_then(|v| serde_json::from_value::<mamori_domain::Figure>(v.clone()).ok())
                    .map(|f| f.text("", report.lang))
                    .unwrap_or_else(|| "―".into());
                let now = figure.text("", report.lang);
                out.push(Check {
                    key: "r-check-changed".into(),
                    detail: format!("{id}: {was} → {now}"),
                    href: report.drill_down.get(id).and_then(|l| l.current.clone()),
                    register: None,
                });
            }
        }
    }
    // The previous year's published text, to find passages carried over unchanged.
    let last_year = store
        .report_revisions(access, report.fiscal_year - 1)
        .await?
        .into_iter()
        .find(|r| r.status == ReportStatus::Published)
        .map(|r| r.narratives)
        .unwrap_or_default();
    for id in &report.items {
        let Some(text) = report.narratives.get(id) else {
            continue;
        };
        let title = report
            .document
            .sections
            .iter()
            .find(|s| &s.id == id)
            .map(|s| format!("{} {}", s.number, s.title))
            .unwrap_or_else(|| id.clone());
        if text.trim().is_empty() {
            out.push(Check {
                key: "r-check-empty".into(),
                detail: title,
                href: edit(id),
                register: None,
            });
            continue;
        }
        out.extend(
            narrative_checks(report, text, last_year.get(id).and_then(|v| v.as_str()))
                .into_iter()
                .map(|(key, detail)| Check {
                    key,
                    detail: match detail.is_empty() {
                        true => title.clone(),
                        false => format!("{title}: {detail}"),
                    },
                    href: edit(id),
                    register: None,
                }),
        );
    }
    let fy = access.org.calendar.year(report.fiscal_year);
    let objectives = store
        .list_all(
            access,
            &r::OBJECTIVES,
            &mamori_store::ListQuery {
                filters: vec![("fiscal_year".into(), fy.year().to_string())],
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
            out.push(Check {
                key: "r-check-objective".into(),
                detail: title,
                href: Some(format!("/o/{org}/objectives/{}", o.id)),
                register: None,
            });
        }
    }
    // Open items dated in the year: events not closed, findings and corrective actions open.
    let open_events: Vec<&str> = r::EventStatus::open().map(|s| s.code()).collect();
    for (reg, date, field, open) in [
        (
            &r::SECURITY_EVENTS,
            "occurred_on",
            "status",
            &open_events[..],
        ),
        (&r::FINDINGS, "audit.started_on", "status", &["open"][..]),
        (
            &r::LAW_CHANGES,
            "effective_on",
            "decision",
            &["pending"][..],
        ),
    ] {
        let open = open.join(",");
        let q = crate::figures::Query::dated(reg, date, fy, &[(field, open.as_str())])?;
        let n = q.count(store, access).await?;
        if n > 0 {
            out.push(Check {
                key: "r-check-open".into(),
                detail: n.to_string(),
                href: Some(q.page(org)),
                register: Some(reg.code),
            });
        }
    }
    Ok(out)
}

/// A point to look at before publication: what (a translation key), about what, and where to fix
/// or see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub key: String,
    pub detail: String,
    pub href: Option<String>,
    /// The code of the register whose records the detail counts (the app names it in the reader's
    /// language).
    pub register: Option<&'static str>,
}

/// The year words a narrative may hold besides figures.
const YEAR_WORDS: &[&str] = &["report_year", "next_year", "previous_year", "year"];
const MORE: &[&str] = &["増加", "増え", "上昇", "向上"];
const LESS: &[&str] = &["減少", "漸減", "減っ", "低下", "減り"];

/// What may no longer be true in a narrative: a placeholder naming no figure, a passage carried
/// over unchanged from last year's published report, a percentage typed by hand that no figure
/// of the report has this year, and a trend word that the figures it names contradict. Each is
/// (translation key, detail).
fn narrative_checks(report: &Report, text: &str, last_year: Option<&str>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let named: Vec<String> = crate::model::placeholders(text)
        .into_iter()
        .filter(|p| !YEAR_WORDS.contains(p))
        .map(|p| crate::model::placeholder_parts(p).0.to_string())
        .collect();
    for name in &named {
        if !report.figures.contains_key(name) {
            out.push(("r-check-placeholder".into(), format!("{{{name}}}")));
        }
    }
    if last_year.is_some_and(|t| t.trim() == text.trim()) {
        out.push(("r-check-unchanged".into(), String::new()));
    }
    // Percentages typed by hand: each must be a share or rate this year's figures have.
    let rates: Vec<f64> = report
        .figures
        .values()
        .filter_map(|f| f.current.number())
        .collect();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            if i < chars.len() && matches!(chars[i], '%' | '％') {
                let typed: String = chars[start..i].iter().collect();
                if let Ok(n) = typed.parse::<f64>()
                    && !rates.iter().any(|r| (r - n).abs() < 0.05)
                {
                    out.push(("r-check-typed-percent".into(), format!("{typed}%")));
                }
            }
        } else {
            i += 1;
        }
    }
    // A trend word beside figures named in the passage that went the other way.
    let says_more = MORE.iter().any(|w| text.contains(w));
    let says_less = LESS.iter().any(|w| text.contains(w));
    for name in &named {
        let Some(f) = report.figures.get(name) else {
            continue;
        };
        let (Some(now), Some(before)) = (f.current.number(), f.previous.number()) else {
            continue;
        };
        let (now_s, before_s) = (f.current.text(report.lang), f.previous.text(report.lang));
        if (says_less && !says_more && now > before) || (says_more && !says_less && now < before) {
            out.push((
                "r-check-trend".into(),
                format!("{{{name}}} {before_s} → {now_s}"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use mamori_domain::{Figure, FigureValue};

    fn report(figures: &[(&str, f64, f64)]) -> Report {
        Report {
            organisation: "サンプル".into(),
            fiscal_year: 2018,
            previous_year: 2017,
            period: ["2018-04-01".into(), "2019-03-31".into()],
            issued_on: "2019-06-28".into(),
            revision: 1,
            status: ReportStatus::Review,
            lang: Lang::Ja,
            figures: figures
                .iter()
                .map(|(id, now, before)| {
                    let f = Figure {
                        current: FigureValue::Number(*now),
                        previous: FigureValue::Number(*before),
                    };
                    (id.to_string(), f)
                })
                .collect(),
            drill_down: Default::default(),
            narratives: Default::default(),
            items: vec![],
            document: crate::document::Document::sample(),
            audit_head: None,
        }
    }

    fn keys(found: Vec<(String, String)>) -> Vec<String> {
        found.into_iter().map(|(k, _)| k).collect()
    }

    #[test]
    fn narratives_that_no_longer_hold_are_listed() {
        let r = report(&[
            ("training.completion_rate", 97.6, 100.0),
            ("human_error.share", 85.7, 84.6),
        ]);
        // A typed 100% beside a computed 97.6%; the same passage with the placeholder holds.
        assert_eq!(
            keys(narrative_checks(
                &r,
                "受講率が100%となり全員の受講を達成した。",
                None
            )),
            ["r-check-typed-percent"]
        );
        assert!(
            narrative_checks(&r, "受講率は{training.completion_rate}だった。", None).is_empty()
        );
        // 減少傾向 beside a share that rose.
        assert_eq!(
            keys(narrative_checks(
                &r,
                "{human_error.share}と、引き続き減少傾向にある。",
                None
            )),
            ["r-check-trend"]
        );
        assert!(narrative_checks(&r, "{human_error.share}と、やや増加した。", None).is_empty());
        // A placeholder naming no figure, and last year's text carried over.
        assert_eq!(
            keys(narrative_checks(&r, "{training.rate}", None)),
            ["r-check-placeholder"]
        );
        assert_eq!(
            keys(narrative_checks(
                &r,
                "前年と同じ文章。",
                Some("前年と同じ文章。")
            )),
            ["r-check-unchanged"]
        );
    }
}
