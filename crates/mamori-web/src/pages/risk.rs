//! Risk and controls beyond single records: the statement of applicability (適用宣言書) as one page
//! with its XLSX and PDF, and the IPA self-assessment (自社診断) with its answer sheet, totals, bands
//! and trend.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};

use mamori_domain::Lang;
use mamori_domain::registers::{
    IPA_ANSWERS, IPA_QUESTIONS, SELF_ASSESSMENT_ANSWERS, SELF_ASSESSMENTS,
};
use mamori_io::sheet::Sheet;
use mamori_store::operations::SoaLine;
use mamori_store::{Input, ListQuery, Status};

use super::parse_id;
use super::registers::send_file;
use crate::error::AppError;
use crate::session::Ctx;
use crate::{AppState, i18n, render};

/// A control's name in the reader's language: the organisation's Japanese title where it has one.
/// Mamori cannot ship the JIS text, so a Japanese reader is told where a title is the English one:
/// each such title is marked when only some are, and the summary says it either way.
fn control_title(ctx: &Ctx, line: &SoaLine, mark: bool) -> String {
    match (&line.title_ja, ctx.lang) {
        (Some(ja), Lang::Ja) if !ja.is_empty() => ja.clone(),
        (_, Lang::Ja) if mark => format!("{}{}", line.title, i18n::t(ctx.lang, "soa-english-mark")),
        _ => line.title.clone(),
    }
}

/// How many controls a Japanese reader sees by their English title, and whether the titles are to
/// be marked one by one (only some are English).
fn english_titles(ctx: &Ctx, lines: &[SoaLine]) -> (usize, bool) {
    if ctx.lang != Lang::Ja {
        return (0, false);
    }
    let english = lines
        .iter()
        .filter(|l| l.title_ja.as_deref().is_none_or(str::is_empty))
        .count();
    (english, english > 0 && english < lines.len())
}

/// The statement's summary line: its counts, and where its titles are English.
fn summary(ctx: &Ctx, lines: &[SoaLine]) -> String {
    let (applicable, excluded, missing) = counts(lines);
    let mut text = i18n::t_args(
        ctx.lang,
        "soa-summary",
        &[
            ("applicable", applicable.to_string()),
            ("excluded", excluded.to_string()),
            ("missing", missing.to_string()),
        ],
    );
    match english_titles(ctx, lines) {
        (0, _) => {}
        (n, _) if n == lines.len() => text.push_str(&i18n::t(ctx.lang, "soa-english-all")),
        (n, _) => text.push_str(&i18n::t_args(
            ctx.lang,
            "soa-english-some",
            &[("count", n.to_string())],
        )),
    }
    text
}

fn choice(ctx: &Ctx, field: &str, value: &Option<String>) -> String {
    value
        .as_deref()
        .map(|v| i18n::choice_label(ctx.lang, field, v))
        .unwrap_or_default()
}

/// The statement of applicability: every control, its line, and the rules and risks linked to it.
pub async fn soa(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let lines = state.store.soa(&ctx.access).await?;
    let org = ctx.org().to_string();
    let can_edit =
        mamori_store::records::can_create(&ctx.access, &mamori_domain::registers::SOA_ENTRIES);
    let mark = english_titles(&ctx, &lines).1;
    let rows: Vec<Value> = lines
        .iter()
        .map(|l| {
            let link = |collection: &str, code: &String| {
                context! { code, href => format!("/o/{org}/{collection}?q={}", crate::error::url_escape(code)) }
            };
            context! {
                code => l.code.clone(),
                control_href => format!("/o/{org}/controls?q={}", crate::error::url_escape(&l.code)),
                title => control_title(&ctx, l, mark),
                applicable => choice(&ctx, "applicable", &l.applicable),
                excluded => l.applicable.as_deref() == Some("no"),
                justification => l.justification.clone().unwrap_or_default(),
                status => choice(&ctx, "status", &l.status),
                evidence => l.evidence.clone().unwrap_or_default(),
                rules => l.rules.iter().take(SHOWN).map(|c| link("internal-rules", c)).collect::<Vec<_>>(),
                risks => l.risks.iter().take(SHOWN).map(|c| link("risks", c)).collect::<Vec<_>>(),
                more_rules => more(&ctx, &l.rules),
                more_risks => more(&ctx, &l.risks).map(|text| context! {
                    text, href => format!("/o/{org}/risk-controls?control={}", crate::error::url_escape(&l.code)),
                }),
                href => l.entry_id.map(|id| format!("/o/{org}/soa-entries/{id}")),
                edit_href => can_edit.then(|| match l.entry_id {
                    Some(id) => format!("/o/{org}/soa-entries/{id}/edit"),
                    None => format!("/o/{org}/soa-entries/new?control={}", crate::error::url_escape(&l.code)),
                }),
            }
        })
        .collect();
    render::page(
        &ctx,
        "soa.html",
        context! {
            rows,
            summary => summary(&ctx, &lines),
            english_titles => english_titles(&ctx, &lines).0 > 0,
            xlsx => format!("/o/{org}/soa.xlsx"),
            pdf => format!("/o/{org}/soa.pdf"),
        },
        StatusCode::OK,
    )
}

/// Codes of linked records shown per control; the rest are counted (a large register links
/// hundreds of risks to one control).
const SHOWN: usize = 10;

fn more(ctx: &Ctx, codes: &[String]) -> Option<String> {
    (codes.len() > SHOWN).then(|| {
        i18n::t_args(
            ctx.lang,
            "soa-more",
            &[("count", (codes.len() - SHOWN).to_string())],
        )
    })
}

fn shortened(ctx: &Ctx, codes: &[String]) -> String {
    let shown = codes
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    match more(ctx, codes) {
        Some(more) => format!("{shown} {more}"),
        None => shown,
    }
}

fn counts(lines: &[SoaLine]) -> (usize, usize, usize) {
    let count = |v: Option<&str>| {
        lines
            .iter()
            .filter(|l| l.applicable.as_deref() == v)
            .count()
    };
    (count(Some("yes")), count(Some("no")), count(None))
}

/// The statement's columns (translation keys), in order; the PDF leaves out the last (evidence).
pub const COLUMNS: &[&str] = &[
    "soa-col-control",
    "soa-col-title",
    "soa-col-applicable",
    "soa-col-justification",
    "soa-col-status",
    "soa-col-rules",
    "soa-col-risks",
    "soa-col-evidence",
];

/// The statement's table in the reader's language: headers and one row per control.
fn table(ctx: &Ctx, lines: &[SoaLine], with_evidence: bool) -> (Vec<String>, Vec<Vec<String>>) {
    let shown = if with_evidence {
        COLUMNS.len()
    } else {
        COLUMNS.len() - 1
    };
    let headers: Vec<String> = COLUMNS[..shown]
        .iter()
        .map(|k| i18n::t(ctx.lang, k))
        .collect();
    let mark = english_titles(ctx, lines).1;
    let rows = lines
        .iter()
        .map(|l| {
            let mut row = vec![
                l.code.clone(),
                control_title(ctx, l, mark),
                choice(ctx, "applicable", &l.applicable),
                l.justification.clone().unwrap_or_default(),
                choice(ctx, "status", &l.status),
                shortened(ctx, &l.rules),
                shortened(ctx, &l.risks),
            ];
            if with_evidence {
                row.push(l.evidence.clone().unwrap_or_default());
            }
            row
        })
        .collect();
    (headers, rows)
}

fn file_name(ext: &str) -> String {
    format!(
        "statement-of-applicability-{}.{ext}",
        mamori_domain::dates::iso(mamori_domain::dates::today())
    )
}

pub async fn soa_xlsx(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let lines = state.store.soa(&ctx.access).await?;
    let (headers, rows) = table(&ctx, &lines, true);
    let bytes = Sheet { headers, rows }.to_xlsx_report(
        &i18n::t(ctx.lang, "soa-title"),
        &[9.0, 36.0, 8.0, 44.0, 12.0, 16.0, 16.0, 36.0],
    )?;
    Ok(send_file(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &file_name("xlsx"),
        "attachment",
    ))
}

pub async fn soa_pdf(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let lines = state.store.soa(&ctx.access).await?;
    let (headers, rows) = table(&ctx, &lines, false);
    let today = mamori_domain::dates::today();
    let statement = mamori_report::Statement {
        lang: ctx.lang,
        title: i18n::t(ctx.lang, "soa-title"),
        org: ctx.org_name(ctx.lang),
        issued: mamori_domain::dates::format_date(today, ctx.style, ctx.lang),
        summary: summary(&ctx, &lines),
        headers,
        rows,
    };
    let bytes = tokio::task::spawn_blocking(move || {
        mamori_report::statement_of_applicability(&statement, today)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(send_file(
        bytes,
        "application/pdf",
        &file_name("pdf"),
        "inline",
    ))
}

/// The self-assessments year by year (organisation-wide first, then departments) with their bands
/// and the change from the year before, and the selected fiscal year's answers with the controls
/// each question concerns.
pub async fn self_assessment(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Response, AppError> {
    let org = ctx.org().to_string();
    let every = ListQuery {
        status: Status::Active,
        ..Default::default()
    };
    let assessments = state
        .store
        .list_all(&ctx.access, &SELF_ASSESSMENTS, &every)
        .await?;
    let text = |r: &mamori_store::Record, f: &str| {
        r.value(&SELF_ASSESSMENTS, f)
            .map(|v| v.to_plain())
            .unwrap_or_default()
    };
    let mut keyed: Vec<(String, i64, Option<i64>, &mamori_store::Record)> = assessments
        .iter()
        .map(|r| {
            let department = r.labels[SELF_ASSESSMENTS.position("department").unwrap_or(0)]
                .clone()
                .unwrap_or_default();
            let year = text(r, "fiscal_year").parse().unwrap_or(0);
            let total = text(r, "total").parse().ok();
            (department, year, total, r)
        })
        .collect();
    keyed.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    let mut rows = Vec::new();
    for (i, (department, year, total, r)) in keyed.iter().enumerate() {
        let previous = i
            .checked_sub(1)
            .map(|p| &keyed[p])
            .filter(|p| p.0 == *department)
            .and_then(|p| p.2);
        let change = match (total, previous) {
            (Some(t), Some(p)) => Some(format!("{:+}", t - p)),
            _ => None,
        };
        rows.push(context! {
            department => if department.is_empty() { i18n::t(ctx.lang, "self-assessment-whole") } else { department.clone() },
            year => ctx.access.org.calendar.year(*year as i32).label(ctx.style, ctx.lang),
            total, change,
            band => total.map(|t| i18n::t(ctx.lang, &format!("self-assessment-band-{}", mamori_domain::risk::self_assessment_band(t)))),
            href => format!("/o/{org}/self-assessments/{}", r.id),
            answers_href => format!("/o/{org}/self-assessments/{}/answers", r.id),
        });
    }
    let can_create = mamori_store::records::can_create(&ctx.access, &SELF_ASSESSMENTS);
    render::page(
        &ctx,
        "self_assessment.html",
        context! {
            rows,
            new_href => can_create.then(|| format!("/o/{org}/self-assessments/new?fiscal_year={}", ctx.fy.year())),
            questions_href => format!("/o/{org}/ipa-questions"),
        },
        StatusCode::OK,
    )
}

/// The answer sheet of one self-assessment: the 25 questions with their answers, all saved at once.
pub async fn answers(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    answers_page(
        &state,
        &ctx,
        parse_id(&id)?,
        &Input::new(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

async fn answers_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    input: &Input,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let assessment = state.store.get(&ctx.access, &SELF_ASSESSMENTS, id).await?;
    let code = assessment
        .value(&SELF_ASSESSMENTS, "code")
        .map(|v| v.to_plain())
        .unwrap_or_default();
    let every = ListQuery {
        status: Status::Active,
        ..Default::default()
    };
    let questions = state
        .store
        .list_all(&ctx.access, &IPA_QUESTIONS, &every)
        .await?;
    let mut query = every.clone();
    query.filters.push(("assessment".into(), code.clone()));
    let given = state
        .store
        .list_all(&ctx.access, &SELF_ASSESSMENT_ANSWERS, &query)
        .await?;
    let answer_of = |q: &str| {
        given.iter().find_map(|a| {
            let value = |f: &str| {
                a.value(&SELF_ASSESSMENT_ANSWERS, f)
                    .map(|v| v.to_plain())
                    .unwrap_or_default()
            };
            (value("question") == q).then(|| value("answer"))
        })
    };
    let org = ctx.org();
    let mut parts: Vec<(String, Vec<Value>)> = Vec::new();
    for q in &questions {
        let value = |f: &str| {
            q.value(&IPA_QUESTIONS, f)
                .map(|v| v.to_plain())
                .unwrap_or_default()
        };
        let qcode = value("code");
        let selected = input
            .get(&format!("q-{qcode}"))
            .cloned()
            .or_else(|| answer_of(&qcode))
            .unwrap_or_default();
        let controls: Vec<Value> = value("controls")
            .split([',', ' ', '、'])
            .filter(|c| !c.is_empty())
            .map(|c| context! { code => c, href => format!("/o/{org}/controls?q={}", crate::error::url_escape(c)) })
            .collect();
        let part = i18n::choice_label(ctx.lang, "part", &value("part"));
        let item = context! {
            code => qcode.clone(), question => value("question"), selected, controls,
            choices => IPA_ANSWERS.iter().map(|a| context! { value => a, label => i18n::choice_label(ctx.lang, "answer", a) }).collect::<Vec<_>>(),
        };
        match parts.last_mut() {
            Some((p, items)) if *p == part => items.push(item),
            _ => parts.push((part, vec![item])),
        }
    }
    let parts: Vec<Value> = parts
        .into_iter()
        .map(|(title, items)| context! { title, items })
        .collect();
    let can_edit = state
        .store
        .may_write(&ctx.access, &SELF_ASSESSMENTS, &assessment)
        .await?;
    render::page(
        ctx,
        "self_assessment_answers.html",
        context! {
            code, parts, errors, can_edit,
            total => assessment.value(&SELF_ASSESSMENTS, "total").map(|v| v.to_plain()),
            action => format!("/o/{org}/self-assessments/{id}/answers"),
            back => format!("/o/{org}/self-assessment"),
            no_questions => questions.is_empty(),
            starter_href => format!("/o/{org}/ipa-questions/import"),
        },
        status,
    )
}

/// Saves the answer sheet: every answer given is written (created or changed) in one transaction;
/// a wrong answer refuses them all.
pub async fn save_answers(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = ctx.viewer.form(&body)?;
    if !mamori_store::records::can_create(&ctx.access, &SELF_ASSESSMENT_ANSWERS) {
        return Err(AppError::Forbidden);
    }
    let id = parse_id(&id)?;
    let input: Input = form
        .iter()
        .filter(|(k, _)| k.starts_with("q-"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let answers: Vec<(String, String)> = input
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k.trim_start_matches("q-").to_string(), v.clone()))
        .collect();
    match state
        .store
        .save_self_assessment(&ctx.access, id, &answers)
        .await
    {
        Ok(()) => Ok(
            Redirect::to(&format!("/o/{}/self-assessments/{id}/answers", ctx.org()))
                .into_response(),
        ),
        Err(mamori_store::StoreError::Invalid(errors)) => {
            let messages = errors
                .iter()
                .map(|e| {
                    let question = e.detail.clone().unwrap_or_default();
                    let e = mamori_domain::FieldError::new(&e.field, e.code);
                    format!(
                        "{} {question}: {}",
                        i18n::field_label(ctx.lang, &SELF_ASSESSMENT_ANSWERS, "question"),
                        i18n::field_error(ctx.lang, Some(&SELF_ASSESSMENT_ANSWERS), &e)
                    )
                })
                .collect();
            answers_page(
                &state,
                &ctx,
                id,
                &input,
                messages,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The panels this area adds to its records' pages (the generic record page asks each area).
pub(crate) async fn panel(
    state: &crate::AppState,
    ctx: &crate::session::Ctx,
    reg: &mamori_domain::register::Register,
    record: &mamori_store::Record,
) -> Result<Option<minijinja::Value>, crate::error::AppError> {
    use {mamori_domain::registers, mamori_store::records::can_create, minijinja::context};
    Ok(Some(match reg.code {
        "risk" => {
            // A risk staff must know is briefed in a notice; then its reads are shown here.
            let briefing = match state.store.risk_notice(&ctx.access, record.id).await? {
                Some(id) => {
                    let status = state.store.notice_status(&ctx.access, id).await?;
                    Some(context! {
                        href => format!("/o/{}/notices/{id}", ctx.org()),
                        read => status.read, total => status.total,
                    })
                }
                None => None,
            };
            let can_brief = briefing.is_none()
                && record.withdrawn_at.is_none()
                && can_create(&ctx.access, &registers::NOTICES)
                && state.store.may_write(&ctx.access, reg, record).await?;
            context! {
                briefing,
                brief => can_brief.then(|| format!("/o/{}/risks/{}/brief", ctx.org(), record.id)),
            }
        }
        _ => return Ok(None),
    }))
}
