//! My page (マイページ) and taking a comprehension test (理解度テスト) in the browser.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};

use mamori_domain::registers::{ATTENDANCES, PEOPLE, PLEDGES, SEMINAR_ATTENDEES, TEST_ATTEMPTS};
use mamori_domain::{FieldError, Register};
use mamori_store::attempts::{Answers, Paper};
use mamori_store::people::Eligibility;
use mamori_store::{ListQuery, StoreError};

use super::parse_id;
use crate::AppState;
use crate::error::AppError;
use crate::i18n;
use crate::render;
use crate::session::Ctx;

fn date(ctx: &Ctx, d: time::Date) -> String {
    mamori_domain::dates::format_date(d, ctx.style, ctx.lang)
}

/// The three steps before a person may handle information assets, for a page.
pub fn eligibility_view(ctx: &Ctx, e: &Eligibility) -> Value {
    let step = |key: &str, on: Option<time::Date>| context! { label => i18n::t(ctx.lang, key), done => on.is_some(), on => on.map(|d| date(ctx, d)) };
    context! {
        eligible => e.eligible,
        steps => vec![
            step("eligibility-pledge", e.pledge),
            step("eligibility-onboarding", e.onboarding),
            step("eligibility-test", e.test_passed),
        ],
    }
}

/// Records of a register about one person, newest first, as a small table.
async fn rows_about(
    state: &AppState,
    ctx: &Ctx,
    reg: &'static Register,
    person: &str,
    columns: &[&str],
) -> Result<(Vec<String>, Vec<Value>, i64), AppError> {
    let query = ListQuery {
        filters: vec![("person".into(), person.to_string())],
        limit: 100,
        desc: true,
        ..Default::default()
    };
    super::registers::record_table(state, ctx, reg, &query, columns).await
}

/// My page: what is due, the tests to take, the pledges on file and the training history of the
/// person the signed-in user is.
pub async fn me(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let Some(person_id) = ctx.access.person_id else {
        return render::page(
            &ctx,
            "me.html",
            context! { person => Value::UNDEFINED },
            StatusCode::OK,
        );
    };
    // The person's own record, read as the system would: staff may read the people register.
    let person = state.store.get(&ctx.access, &PEOPLE, person_id).await?;
    let no = person
        .value(&PEOPLE, "employee_no")
        .map(|v| v.to_plain())
        .unwrap_or_default();
    let eligibility = state.store.eligibility(&ctx.access, person_id).await?;
    let tests = state.store.tests_for(&ctx.access, person_id).await?;
    let tests: Vec<Value> = tests
        .iter()
        .map(|t| {
            context! {
                course => t.course.clone(), name => t.name.clone(),
                kind => i18n::t(ctx.lang, &format!("kind-{}", t.kind)),
                questions => t.questions, pass_mark => t.pass_mark, minutes => t.minutes,
                passed_on => t.passed_on.map(|d| date(&ctx, d)),
                due => t.passed_on.is_none() && t.kind == "onboarding",
                attempts => t.attempts,
                open_attempt => t.open_attempt,
            }
        })
        .collect();
    let today = mamori_domain::dates::today();
    let (a_heads, attendance, _) =
        rows_about(&state, &ctx, &ATTENDANCES, &no, &["session", "status"]).await?;
    // Sessions still to come that the person is expected at.
    let upcoming = state
        .store
        .list(
            &ctx.access,
            &ATTENDANCES,
            &ListQuery {
                filters: vec![("person".into(), no.clone())],
                through: vec![mamori_store::records::Through {
                    field: "session".into(),
                    target_field: "held_on".into(),
                    value: mamori_store::records::ThroughValue::Between(Some(today), None),
                }],
                limit: 20,
                ..Default::default()
            },
        )
        .await?
        .items
        .iter()
        .map(|r| {
            let i = ATTENDANCES.position("session").unwrap_or(0);
            i18n::display(
                ctx.lang,
                ctx.style,
                ATTENDANCES.fields[i].kind,
                "session",
                &r.values[i],
                r.labels[i].as_deref(),
            )
        })
        .collect::<Vec<_>>();
    // The corrective actions they own and have not completed, the late ones said so.
    let actions: Vec<Value> = state
        .store
        .list(
            &ctx.access,
            &mamori_domain::registers::CORRECTIVE_ACTIONS,
            &ListQuery {
                filters: vec![("owner".into(), no.clone())],
                empty: vec!["completed_on".into()],
                sort: Some("due_on".into()),
                limit: 20,
                ..Default::default()
            },
        )
        .await?
        .items
        .iter()
        .map(|r| {
            let reg = &mamori_domain::registers::CORRECTIVE_ACTIONS;
            let due = r.value(reg, "due_on").and_then(|v| v.as_date());
            context! {
                label => crate::pages::registers::option_label(&reg.text(&r.values, "code"), &reg.text(&r.values, "title")),
                due => due.map(|d| date(&ctx, d)),
                late => due.is_some_and(|d| d < today),
                href => format!("/o/{}/{}/{}", ctx.org(), reg.collection, r.id),
            }
        })
        .collect();
    let my_tasks = crate::pages::plan::my_task_items(&state, &ctx, 20).await?;
    let unread: Vec<Value> = state
        .store
        .unread_notices(&ctx.access)
        .await?
        .iter()
        .map(|n| {
            context! {
                title => n.title.clone(), code => n.code.clone(),
                kind => i18n::choice_label(ctx.lang, "kind", &n.kind),
                published_on => date(&ctx, n.published_on),
                href => format!("/o/{}/notices/{}", ctx.org(), n.id),
                action => format!("/o/{}/notices/{}/read", ctx.org(), n.id),
            }
        })
        .collect();
    let (p_heads, pledges, _) =
        rows_about(&state, &ctx, &PLEDGES, &no, &["signed_on", "version"]).await?;
    let (s_heads, seminars, _) =
        rows_about(&state, &ctx, &SEMINAR_ATTENDEES, &no, &["seminar"]).await?;
    let (t_heads, attempts, _) = rows_about(
        &state,
        &ctx,
        &TEST_ATTEMPTS,
        &no,
        &["course", "started_on", "result", "score"],
    )
    .await?;
    render::page(
        &ctx,
        "me.html",
        context! {
            person => context! {
                no => no.clone(),
                name => person.value(&PEOPLE, "name").map(|v| v.to_plain()),
                department => person.labels[PEOPLE.position("department").unwrap_or(0)].clone(),
                href => format!("/o/{}/people/{}", ctx.org(), person_id),
            },
            eligibility => eligibility_view(&ctx, &eligibility),
            tests, upcoming, unread, actions, my_tasks,
            a_heads, attendance, p_heads, pledges, s_heads, seminars, t_heads, attempts,
        },
        StatusCode::OK,
    )
}

/// Starts (or resumes) an attempt at a course's test and opens its paper.
pub async fn start(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, course)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    ctx.viewer.form(&body)?;
    let course = mamori_domain::input::normalize_strict(&course);
    let id = state.store.start_attempt(&ctx.access, &course).await?;
    Ok(Redirect::to(&format!("/o/{}/tests/attempts/{id}", ctx.org())).into_response())
}

/// The paper of an attempt: the questions to answer while it is open, the result after.
pub async fn paper(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let paper = state.store.paper(&ctx.access, id).await?;
    paper_page(&ctx, &paper, &BTreeMap::new(), &[], StatusCode::OK)
}

/// Reads a paper's answers from a form: `q<question id>` = choice number, repeated for multiple choice.
pub fn answers_from(form: &[(String, String)]) -> Result<Answers, Vec<FieldError>> {
    let mut answers = Answers::new();
    let mut errors = Vec::new();
    for (k, v) in form {
        let Some(id) = k.strip_prefix('q').and_then(|i| i.parse::<i64>().ok()) else {
            continue;
        };
        match mamori_domain::input::normalize_strict(v).parse::<usize>() {
            Ok(n) if n <= mamori_domain::registers::MAX_CHOICES => {
                answers.entry(id).or_default().push(n)
            }
            _ => errors.push(FieldError::with(k, "answer-out-of-range", id.to_string())),
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let form = ctx.viewer.form(&body)?;
    let answers = match answers_from(&form) {
        Ok(a) => a,
        Err(errors) => {
            let paper = state.store.paper(&ctx.access, id).await?;
            return paper_page(
                &ctx,
                &paper,
                &BTreeMap::new(),
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    match state.store.submit_attempt(&ctx.access, id, &answers).await {
        Ok(_) => Ok(Redirect::to(&format!("/o/{}/tests/attempts/{id}", ctx.org())).into_response()),
        Err(StoreError::Invalid(errors)) => {
            let paper = state.store.paper(&ctx.access, id).await?;
            paper_page(
                &ctx,
                &paper,
                &answers,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// The text of a choice as shown: true/false questions show 正しい/誤り.
fn choice_text(ctx: &Ctx, kind: &str, text: &str) -> String {
    if kind == "true_false" {
        i18n::t(ctx.lang, &format!("answer-{text}"))
    } else {
        text.to_string()
    }
}

fn paper_page(
    ctx: &Ctx,
    paper: &Paper,
    typed: &Answers,
    errors: &[FieldError],
    status: StatusCode,
) -> Result<Response, AppError> {
    let open = paper.open();
    // While open, the paper shows no answers; once closed it shows what was chosen and what was right.
    let answers = if open { typed } else { &paper.answers };
    let questions: Vec<Value> = paper
        .questions
        .iter()
        .enumerate()
        .map(|(n, q)| {
            let chosen = answers.get(&q.id).cloned().unwrap_or_default();
            let error = errors
                .iter()
                .find(|e| e.field == format!("q{}", q.id))
                .map(|e| i18n::field_error(ctx.lang, None, e));
            let choices: Vec<Value> = q
                .choices
                .iter()
                .map(|(k, text)| {
                    context! {
                        value => k, text => choice_text(ctx, &q.kind, text),
                        checked => chosen.contains(k),
                        right => !open && paper.reveals && q.answer.contains(k),
                    }
                })
                .collect();
            let correct = !open && !chosen.is_empty() && {
                let mut c = chosen.clone();
                c.sort_unstable();
                c == q.answer
            };
            context! {
                id => q.id, number => n + 1, text => q.text.clone(),
                multiple => q.kind == "multiple",
                kind => i18n::choice_label(ctx.lang, "kind", &q.kind),
                choices, error, correct,
                explanation => if open || !paper.reveals { None } else { q.explanation.clone() },
            }
        })
        .collect();
    // Errors about no question on this paper (an unknown question id) show above the questions.
    let other_errors: Vec<String> = errors
        .iter()
        .filter(|e| {
            !paper
                .questions
                .iter()
                .any(|q| e.field == format!("q{}", q.id))
        })
        .map(|e| i18n::field_error(ctx.lang, None, e))
        .collect();
    let deadline = time::OffsetDateTime::now_utc();
    let minutes_left = ((paper.deadline_at - deadline).whole_minutes()).max(0);
    render::page(
        ctx,
        "paper.html",
        context! {
            id => paper.attempt_id,
            course => paper.course.clone(),
            course_name => paper.course_name.clone(),
            person => format!("{} ({})", paper.person_name, paper.person),
            own => ctx.access.person_id == Some(paper.person_id),
            open, minutes_left, reveals => paper.reveals,
            deadline => crate::pages::org::format_at(ctx, &paper.deadline_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()),
            result => paper.result.clone(),
            result_label => i18n::choice_label(ctx.lang, "result", paper.result.code()),
            score => paper.score, pass_mark => paper.pass_mark,
            correct => paper.correct, total => paper.total,
            questions,
            has_errors => !errors.is_empty(),
            other_errors,
        },
        status,
    )
}

/// Lists the people a session's course is for as expected at it, then shows the session's roll.
pub async fn add_expected(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    ctx.viewer.form(&body)?;
    state.store.add_expected(&ctx.access, id).await?;
    Ok(Redirect::to(&format!(
        "/o/{}/training-sessions/{id}#roll-call",
        ctx.org()
    ))
    .into_response())
}

/// Records the roll call of a session: `a<attendance id>` = attended / absent / excused / expected.
/// Every row is checked before any is changed; each change lands in the audit trail.
pub async fn roll_call(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let form = ctx.viewer.form(&body)?;
    // Permission first: someone who may not write learns nothing from validation messages.
    if !mamori_store::records::can_create(&ctx.access, &ATTENDANCES) {
        return Err(AppError::Forbidden);
    }
    let session = state
        .store
        .get(
            &ctx.access,
            &mamori_domain::registers::TRAINING_SESSIONS,
            id,
        )
        .await?;
    let code = session
        .value(&mamori_domain::registers::TRAINING_SESSIONS, "code")
        .map(|v| v.to_plain())
        .unwrap_or_default();
    let roll = state
        .store
        .list(
            &ctx.access,
            &ATTENDANCES,
            &ListQuery {
                filters: vec![("session".into(), code)],
                limit: mamori_store::records::MAX_LIMIT,
                ..Default::default()
            },
        )
        .await?;
    let status_at = ATTENDANCES.position("status").unwrap_or(2);
    let mut changes = Vec::new();
    let mut errors = Vec::new();
    for (k, v) in &form {
        let Some(aid) = k.strip_prefix('a').and_then(|i| i.parse::<i64>().ok()) else {
            continue;
        };
        let Some(record) = roll.items.iter().find(|r| r.id == aid) else {
            errors.push(FieldError::with(k, "unknown-ref", aid.to_string()));
            continue;
        };
        let status = mamori_domain::input::normalize_strict(v);
        if !mamori_domain::registers::ATTENDANCE_STATUSES.contains(&status.as_str()) {
            errors.push(FieldError::new("status", "invalid-choice"));
            continue;
        }
        if record.values[status_at].to_plain() != status {
            changes.push((aid, status));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    for (aid, status) in changes {
        let input: mamori_store::Input = [("status".to_string(), status)].into_iter().collect();
        state
            .store
            .update(&ctx.access, &ATTENDANCES, aid, &input)
            .await?;
    }
    Ok(Redirect::to(&format!(
        "/o/{}/training-sessions/{id}#roll-call",
        ctx.org()
    ))
    .into_response())
}

/// The panels this area adds to its records' pages (the generic record page asks each area).
pub(crate) async fn panel(
    state: &crate::AppState,
    ctx: &crate::session::Ctx,
    reg: &mamori_domain::register::Register,
    record: &mamori_store::Record,
) -> Result<Option<minijinja::Value>, crate::error::AppError> {
    use {
        crate::i18n,
        mamori_domain::registers,
        mamori_store::ListQuery,
        mamori_store::records::can_create,
        minijinja::{Value, context},
    };
    Ok(Some(match reg.code {
        "training_session" => {
            let roll = state
                .store
                .list(
                    &ctx.access,
                    &registers::ATTENDANCES,
                    &ListQuery {
                        filters: vec![("session".into(), reg.text(&record.values, "code"))],
                        limit: mamori_store::records::MAX_LIMIT,
                        ..Default::default()
                    },
                )
                .await?;
            let person_at = registers::ATTENDANCES.position("person").unwrap_or(1);
            let status_at = registers::ATTENDANCES.position("status").unwrap_or(2);
            let statuses: Vec<Value> = registers::ATTENDANCE_STATUSES
                .iter()
                .map(
                    |s| context! { value => s, label => i18n::choice_label(ctx.lang, "status", s) },
                )
                .collect();
            let rows: Vec<Value> = roll
                .items
                .iter()
                .map(|r| {
                    context! {
                        id => r.id,
                        person => i18n::display(ctx.lang, ctx.style, registers::ATTENDANCES.fields[person_at].kind, "person", &r.values[person_at], r.labels[person_at].as_deref()),
                        status => r.values[status_at].to_plain(),
                    }
                })
                .collect();
            context! {
                roll_call => context! {
                    rows, statuses,
                    can_write => can_create(&ctx.access, &registers::ATTENDANCES),
                    expected_action => format!("/o/{}/training/sessions/{}/expected", ctx.org(), record.id),
                    action => format!("/o/{}/training/sessions/{}/roll-call", ctx.org(), record.id),
                },
            }
        }
        "test_attempt" => context! {
            links => vec![crate::pages::registers::link(ctx, "attempt-open-paper", format!("/o/{}/tests/attempts/{}", ctx.org(), record.id))],
        },
        "course" => {
            let mut links = Vec::new();
            if mamori_store::records::can_read(&ctx.access, &registers::TEST_QUESTIONS) {
                links.push(crate::pages::registers::link(
                    ctx,
                    "course-questions",
                    format!(
                        "/o/{}/test-questions?course={}",
                        ctx.org(),
                        crate::error::url_escape(&reg.text(&record.values, "code"))
                    ),
                ));
            }
            if ctx.access.person_id.is_some() {
                links.push(crate::pages::registers::link(
                    ctx,
                    "me-title",
                    format!("/o/{}/me", ctx.org()),
                ));
            }
            context! { links }
        }
        _ => return Ok(None),
    }))
}
