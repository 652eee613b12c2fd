//! Comprehension tests (理解度テスト): a person starts an attempt at a course's test, gets its
//! questions and choices in a shuffled order, and submits once, before the deadline. The paper
//! keeps the questions as they were asked, so the result stays evidence after the bank changes.

use mamori_domain::registers::AttemptResult;
use std::collections::BTreeMap;

use mamori_domain::FieldError;
use mamori_domain::registers::{TEST_ATTEMPTS, parse_answer, question_choices};
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::Store;
use crate::audit::{self, Entry};
use crate::db::{P, Tx};
use crate::error::StoreError;
use crate::org::Access;

/// Pass mark (percent) and time limit (minutes) of a course that names none.
pub const DEFAULT_PASS_MARK: i64 = 80;
pub const DEFAULT_MINUTES: i64 = 30;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PaperQuestion {
    /// The question's id in the bank.
    pub id: i64,
    pub code: String,
    pub kind: String,
    pub text: String,
    /// The choices in the order shown: (choice number in the bank, 1-based; text).
    pub choices: Vec<(usize, String)>,
    /// The correct choice numbers.
    pub answer: Vec<usize>,
    pub explanation: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Paper {
    pub attempt_id: i64,
    pub course: String,
    pub course_name: String,
    pub person_id: i64,
    pub person: String,
    pub person_name: String,
    pub started_at: OffsetDateTime,
    pub deadline_at: OffsetDateTime,
    pub submitted_at: Option<OffsetDateTime>,
    /// `in_progress`, `passed`, `failed` or `expired`.
    pub result: AttemptResult,
    pub score: Option<i64>,
    pub pass_mark: i64,
    pub correct: Option<i64>,
    pub total: i64,
    pub questions: Vec<PaperQuestion>,
    /// What was answered, per question id.
    pub answers: BTreeMap<i64, Vec<usize>>,
    /// Whether the reader sees the right answers and explanations: after a pass when the course
    /// shows them, and always for those who read about others (the secretariat, an auditor)
    /// reading someone else's paper. After a failed attempt its person learns which answers were
    /// wrong, not which were right.
    pub reveals: bool,
}

impl Paper {
    pub fn open(&self) -> bool {
        self.result == AttemptResult::InProgress && self.deadline_at > OffsetDateTime::now_utc()
    }
}

/// What a person answered: per question id, the chosen choice numbers.
pub type Answers = BTreeMap<i64, Vec<usize>>;

impl Store {
    /// Starts an attempt at a course's test for the person the user is, or returns the one still
    /// open. Attempts whose time ran out are marked expired first.
    pub async fn start_attempt(&self, access: &Access, course: &str) -> Result<i64, StoreError> {
        let person = access.person_id.ok_or(StoreError::Refused("no-person"))?;
        let mut tx = self.pool.begin().await?;
        let (course_id, pass_mark, minutes) = course_test(&mut tx, access, course).await?;
        let now = OffsetDateTime::now_utc();
        expire_overdue(&mut tx, access, person, Some(course_id), now).await?;
        if let Some(open) = tx
            .fetch_optional(
                "SELECT a.id FROM test_attempts a JOIN attempt_papers p ON p.attempt_id = a.id \
                 WHERE a.org_id = $1 AND a.person_id = $2 AND a.course_id = $3 AND a.result = 'in_progress'",
                &[access.org_id().into(), person.into(), course_id.into()],
            )
            .await?
        {
            tx.commit().await?;
            return open.i64(0);
        }
        let questions = build_paper(&mut tx, access, course_id).await?;
        let id = insert_attempt(
            &mut tx, access, person, course_id, course, pass_mark, now, minutes, &questions,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records an attempt taken earlier, on paper or in another system, with the answers given
    /// (`choose` answers each question of the paper). It is graded like any other. Only the
    /// secretariat records attempts this way; the audit trail names who did.
    pub async fn record_attempt(
        &self,
        access: &Access,
        course: &str,
        person: i64,
        taken_at: OffsetDateTime,
        choose: &(dyn Fn(&PaperQuestion) -> Vec<usize> + Sync),
    ) -> Result<i64, StoreError> {
        let ids = self
            .record_attempts(access, course, &[(person, taken_at)], &|_, q| choose(q))
            .await?;
        ids.first().copied().ok_or(StoreError::NotFound)
    }

    /// Records many earlier attempts at one course's test in one transaction (all or none):
    /// `takers` are (person id, when), and `choose(i, question)` gives taker `i`'s answer.
    pub async fn record_attempts(
        &self,
        access: &Access,
        course: &str,
        takers: &[(i64, OffsetDateTime)],
        choose: &(dyn Fn(usize, &PaperQuestion) -> Vec<usize> + Sync),
    ) -> Result<Vec<i64>, StoreError> {
        if !access.may(mamori_domain::Capability::RecordPastAttempts) {
            return Err(StoreError::Forbidden);
        }
        let mut tx = self.pool.begin().await?;
        let (course_id, pass_mark, minutes) = course_test(&mut tx, access, course).await?;
        let mut ids = Vec::with_capacity(takers.len());
        for (i, (person, taken_at)) in takers.iter().enumerate() {
            let questions = build_paper(&mut tx, access, course_id).await?;
            let id = insert_attempt(
                &mut tx, access, *person, course_id, course, pass_mark, *taken_at, minutes,
                &questions,
            )
            .await?;
            let answers: Answers = questions.iter().map(|q| (q.id, choose(i, q))).collect();
            let correct = grade(&questions, &answers).map_err(StoreError::Invalid)?;
            close_attempt(
                &mut tx,
                access,
                id,
                &questions,
                pass_mark,
                &answers,
                correct,
                *taken_at + Duration::minutes(minutes / 2),
            )
            .await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// An attempt's paper. Staff see only their own; the others who read test results see any.
    pub async fn paper(&self, access: &Access, attempt: i64) -> Result<Paper, StoreError> {
        let row = self
            .pool
            .fetch_optional(
                "SELECT a.id, c.code, c.name, a.person_id, p.employee_no, p.name, x.started_at, x.deadline_at, \
                        x.submitted_at, a.result, a.score, COALESCE(a.pass_mark, $3), x.correct, x.total, x.paper, x.answers, \
                        c.show_answers \
                 FROM test_attempts a JOIN attempt_papers x ON x.attempt_id = a.id \
                 JOIN courses c ON c.id = a.course_id JOIN people p ON p.id = a.person_id \
                 WHERE a.org_id = $1 AND a.id = $2",
                &[access.org_id().into(), attempt.into(), DEFAULT_PASS_MARK.into()],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let person_id = row.i64(3)?;
        if !access.may(mamori_domain::Capability::ReadAboutOthers)
            && access.person_id != Some(person_id)
        {
            return Err(StoreError::NotFound);
        }
        let answers: Option<String> = row.get(15)?;
        let result = AttemptResult::parse(&row.text(9)?).ok_or_else(|| {
            StoreError::Data("an attempt's result is not one of its choices".into())
        })?;
        let shows = row.opt_text(16)?.as_deref() != Some("no");
        let reveals =
            (result == AttemptResult::Passed && shows) || access.person_id != Some(person_id);
        Ok(Paper {
            attempt_id: row.i64(0)?,
            course: row.text(1)?,
            course_name: row.text(2)?,
            person_id,
            person: row.text(4)?,
            person_name: row.text(5)?,
            started_at: row.get(6)?,
            deadline_at: row.get(7)?,
            submitted_at: row.get(8)?,
            result,
            score: row.get(10)?,
            pass_mark: row.i64(11)?,
            correct: row.get(12)?,
            total: row.i64(13)?,
            questions: serde_json::from_str(&row.text(14)?)?,
            answers: match answers {
                Some(a) => serde_json::from_str(&a)?,
                None => BTreeMap::new(),
            },
            reveals,
        })
    }

    /// Submits the answers of an open attempt, once, before its deadline, by the person it is for.
    /// Every question must be answered with choices it offers. Returns the graded paper.
    pub async fn submit_attempt(
        &self,
        access: &Access,
        attempt: i64,
        answers: &Answers,
    ) -> Result<Paper, StoreError> {
        let paper = self.paper(access, attempt).await?;
        if access.person_id != Some(paper.person_id) {
            return Err(StoreError::Forbidden);
        }
        if paper.result != AttemptResult::InProgress {
            return Err(StoreError::Refused("attempt-closed"));
        }
        let now = OffsetDateTime::now_utc();
        if paper.deadline_at <= now {
            let mut tx = self.pool.begin().await?;
            expire_overdue(&mut tx, access, paper.person_id, None, now).await?;
            tx.commit().await?;
            return Err(StoreError::Refused("attempt-expired"));
        }
        let correct = grade(&paper.questions, answers).map_err(StoreError::Invalid)?;
        let mut tx = self.pool.begin().await?;
        close_attempt(
            &mut tx,
            access,
            attempt,
            &paper.questions,
            paper.pass_mark,
            answers,
            correct,
            now,
        )
        .await?;
        tx.commit().await?;
        self.paper(access, attempt).await
    }
}

/// A course's id, pass mark and time limit (the defaults where it names none).
async fn course_test(
    tx: &mut Tx,
    access: &Access,
    course: &str,
) -> Result<(i64, i64, i64), StoreError> {
    let row = tx
        .fetch_optional(
            "SELECT id, COALESCE(pass_mark, $3), COALESCE(test_minutes, $4) FROM courses \
             WHERE org_id = $1 AND code = $2 AND withdrawn_at IS NULL",
            &[
                access.org_id().into(),
                course.into(),
                DEFAULT_PASS_MARK.into(),
                DEFAULT_MINUTES.into(),
            ],
        )
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((row.i64(0)?, row.i64(1)?, row.i64(2)?))
}

/// The questions of a course's test, in a shuffled order with shuffled choices.
async fn build_paper(
    tx: &mut Tx,
    access: &Access,
    course_id: i64,
) -> Result<Vec<PaperQuestion>, StoreError> {
    let rows = tx
        .fetch_all(
            "SELECT id, code, kind, text, choices, answer, explanation FROM test_questions \
                 WHERE org_id = $1 AND course_id = $2 AND withdrawn_at IS NULL ORDER BY code",
            &[access.org_id().into(), course_id.into()],
        )
        .await?;
    let mut questions = Vec::with_capacity(rows.len());
    for r in &rows {
        let kind = r.text(2)?;
        let choices: Option<String> = r.get(4)?;
        let choices: Vec<String> = if kind == "true_false" {
            Vec::new()
        } else {
            question_choices(choices.as_deref().unwrap_or(""))
                .into_iter()
                .map(str::to_string)
                .collect()
        };
        let code = r.text(1)?;
        let answer = parse_answer(&kind, &r.text(5)?, choices.len())
            .ok_or_else(|| StoreError::Data(format!("question {code} has a bad answer")))?;
        let mut numbered: Vec<(usize, String)> = if kind == "true_false" {
            vec![(1, "true".into()), (2, "false".into())]
        } else {
            choices
                .into_iter()
                .enumerate()
                .map(|(i, c)| (i + 1, c))
                .collect()
        };
        let mut answer = answer;
        if kind != "true_false" {
            numbered.shuffle(&mut rand::thread_rng());
            // Choices are numbered in the order shown, so a choice's number tells nothing about the
            // author's order (where the right answer is often first).
            answer = answer
                .iter()
                .filter_map(|a| numbered.iter().position(|(k, _)| k == a).map(|p| p + 1))
                .collect();
            answer.sort_unstable();
            numbered = numbered
                .into_iter()
                .enumerate()
                .map(|(p, (_, text))| (p + 1, text))
                .collect();
        }
        questions.push(PaperQuestion {
            id: r.i64(0)?,
            code,
            kind,
            text: r.text(3)?,
            choices: numbered,
            answer,
            explanation: r.get(6)?,
        });
    }
    if questions.is_empty() {
        return Err(StoreError::Refused("no-questions"));
    }
    questions.shuffle(&mut rand::thread_rng());
    Ok(questions)
}

/// Writes a new attempt (in progress) with its paper, its count and its audit entry.
#[allow(clippy::too_many_arguments)]
async fn insert_attempt(
    tx: &mut Tx,
    access: &Access,
    person: i64,
    course_id: i64,
    course: &str,
    pass_mark: i64,
    now: OffsetDateTime,
    minutes: i64,
    questions: &[PaperQuestion],
) -> Result<i64, StoreError> {
    let id = tx
            .fetch_one(
                "INSERT INTO test_attempts (org_id, course_id, person_id, started_on, result, pass_mark, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, 'in_progress', $5, $6, $6) RETURNING id",
                &[
                    access.org_id().into(),
                    course_id.into(),
                    person.into(),
                    P::Date(now.to_offset(mamori_domain::dates::JST).date()),
                    pass_mark.into(),
                    P::Ts(now),
                ],
            )
            .await?
            .i64(0)?;
    tx.execute(
        "INSERT INTO attempt_papers (attempt_id, user_id, started_at, deadline_at, paper, total) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            id.into(),
            P::OptInt(access.actor.user_id),
            P::Ts(now),
            P::Ts(now + Duration::minutes(minutes)),
            P::Text(serde_json::to_string(questions)?),
            P::Int(questions.len() as i64),
        ],
    )
    .await?;
    tx.execute(
        "INSERT INTO register_totals (org_id, register, active, withdrawn) VALUES ($1, $2, 1, 0) \
             ON CONFLICT (org_id, register) DO UPDATE SET active = register_totals.active + 1",
        &[access.org_id().into(), TEST_ATTEMPTS.code.into()],
    )
    .await?;
    // Every field of the record, so that `audit verify` can compare it with its history.
    let person_no = crate::records::employee_no(tx, person).await?;
    let after = serde_json::json!({
        "course": course, "person": person_no,
        "started_on": mamori_domain::dates::iso(now.to_offset(mamori_domain::dates::JST).date()),
        "result": "in_progress", "pass_mark": pass_mark,
        "questions": questions.len(), "deadline_minutes": minutes,
    });
    audit::append(
        tx,
        &access.actor,
        Entry::new(
            Some(access.org_id()),
            TEST_ATTEMPTS.code,
            Some(id),
            "create",
        )
        .after(&after),
    )
    .await?;
    Ok(id)
}

/// Counts the right answers; every question must be answered with choices it offers.
fn grade(questions: &[PaperQuestion], answers: &Answers) -> Result<i64, Vec<FieldError>> {
    let mut errors = Vec::new();
    for id in answers.keys() {
        if !questions.iter().any(|q| q.id == *id) {
            errors.push(FieldError::with(
                &format!("q{id}"),
                "unknown-question",
                id.to_string(),
            ));
        }
    }
    let mut correct = 0;
    for (n, q) in questions.iter().enumerate() {
        let name = format!("q{}", q.id);
        let position = (n + 1).to_string();
        let mut chosen = answers.get(&q.id).cloned().unwrap_or_default();
        chosen.sort_unstable();
        chosen.dedup();
        if chosen.is_empty() {
            errors.push(FieldError::with(&name, "unanswered", position));
        } else if chosen
            .iter()
            .any(|c| !q.choices.iter().any(|(k, _)| k == c))
        {
            errors.push(FieldError::with(&name, "answer-out-of-range", position));
        } else if q.kind != "multiple" && chosen.len() > 1 {
            errors.push(FieldError::with(&name, "one-answer", position));
        } else if chosen == q.answer {
            correct += 1;
        }
    }
    if errors.is_empty() {
        Ok(correct)
    } else {
        Err(errors)
    }
}

/// Records the graded answers of an open attempt. The condition on the result makes a second,
/// concurrent submission change nothing.
#[allow(clippy::too_many_arguments)]
async fn close_attempt(
    tx: &mut Tx,
    access: &Access,
    attempt: i64,
    questions: &[PaperQuestion],
    pass_mark: i64,
    answers: &Answers,
    correct: i64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let total = questions.len() as i64;
    let score = correct * 100 / total.max(1);
    let result = if score >= pass_mark {
        "passed"
    } else {
        "failed"
    };
    let changed = tx
        .execute(
            "UPDATE test_attempts SET result = $1, score = $2, updated_at = $3 \
             WHERE org_id = $4 AND id = $5 AND result = 'in_progress'",
            &[
                result.into(),
                score.into(),
                P::Ts(now),
                access.org_id().into(),
                attempt.into(),
            ],
        )
        .await?;
    if changed != 1 {
        return Err(StoreError::Refused("attempt-closed"));
    }
    if result == "passed" {
        crate::plan::attempt_passed(tx, access, attempt).await?;
    }
    tx.execute(
        "UPDATE attempt_papers SET submitted_at = $1, answers = $2, correct = $3 WHERE attempt_id = $4",
        &[
            P::Ts(now),
            P::Text(serde_json::to_string(answers)?),
            correct.into(),
            attempt.into(),
        ],
    )
    .await?;
    audit::append(
        tx,
        &access.actor,
        Entry::new(
            Some(access.org_id()),
            TEST_ATTEMPTS.code,
            Some(attempt),
            "submit",
        )
        .before(&serde_json::json!({"result": "in_progress"}))
        .after(&serde_json::json!({
            "result": result, "score": score, "correct": correct, "total": total,
            "pass_mark": pass_mark,
        })),
    )
    .await?;
    Ok(())
}

/// Marks a person's open attempts whose deadline has passed as expired.
async fn expire_overdue(
    tx: &mut Tx,
    access: &Access,
    person: i64,
    course: Option<i64>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let rows = tx
        .fetch_all(
            "SELECT a.id FROM test_attempts a JOIN attempt_papers p ON p.attempt_id = a.id \
             WHERE a.org_id = $1 AND a.person_id = $2 AND a.result = 'in_progress' AND p.deadline_at <= $3 \
               AND ($4 = 0 OR a.course_id = $4)",
            &[
                access.org_id().into(),
                person.into(),
                P::Ts(now),
                course.unwrap_or(0).into(),
            ],
        )
        .await?;
    for r in rows {
        let id = r.i64(0)?;
        tx.execute(
            "UPDATE test_attempts SET result = 'expired', updated_at = $1 WHERE id = $2 AND result = 'in_progress'",
            &[P::Ts(now), id.into()],
        )
        .await?;
        audit::append(
            tx,
            &access.actor,
            Entry::new(
                Some(access.org_id()),
                TEST_ATTEMPTS.code,
                Some(id),
                "expire",
            )
            .before(&serde_json::json!({"result": "in_progress"}))
            .after(&serde_json::json!({"result": "expired"})),
        )
        .await?;
    }
    Ok(())
}

/// A course's test as one person sees it.
#[derive(Clone, Debug, Serialize)]
pub struct TestStatus {
    pub course: String,
    pub name: String,
    pub kind: String,
    pub questions: i64,
    pub pass_mark: i64,
    pub minutes: i64,
    /// The first day the person passed.
    pub passed_on: Option<time::Date>,
    pub attempts: i64,
    /// An attempt still open (started, not submitted, before its deadline).
    pub open_attempt: Option<i64>,
}

impl Store {
    /// The courses that have a test, with where a person stands on each.
    pub async fn tests_for(
        &self,
        access: &Access,
        person: i64,
    ) -> Result<Vec<TestStatus>, StoreError> {
        if !access.may(mamori_domain::Capability::ReadAboutOthers)
            && access.person_id != Some(person)
        {
            return Err(StoreError::NotFound);
        }
        let rows = self
            .pool
            .fetch_all(
                "SELECT c.code, c.name, c.kind, \
                   (SELECT COUNT(*) FROM test_questions q WHERE q.course_id = c.id AND q.withdrawn_at IS NULL), \
                   COALESCE(c.pass_mark, $3), COALESCE(c.test_minutes, $4), \
                   (SELECT MIN(a.started_on) FROM test_attempts a WHERE a.course_id = c.id AND a.person_id = $2 AND a.result = 'passed'), \
                   (SELECT COUNT(*) FROM test_attempts a WHERE a.course_id = c.id AND a.person_id = $2), \
                   (SELECT MAX(a.id) FROM test_attempts a JOIN attempt_papers p ON p.attempt_id = a.id \
                    WHERE a.course_id = c.id AND a.person_id = $2 AND a.result = 'in_progress' AND p.deadline_at > $5) \
                 FROM courses c WHERE c.org_id = $1 AND c.withdrawn_at IS NULL \
                   AND EXISTS (SELECT 1 FROM test_questions q WHERE q.course_id = c.id AND q.withdrawn_at IS NULL) \
                 ORDER BY c.code",
                &[
                    access.org_id().into(),
                    P::Int(person),
                    DEFAULT_PASS_MARK.into(),
                    DEFAULT_MINUTES.into(),
                    P::Ts(OffsetDateTime::now_utc()),
                ],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(TestStatus {
                    course: r.text(0)?,
                    name: r.text(1)?,
                    kind: r.text(2)?,
                    questions: r.i64(3)?,
                    pass_mark: r.i64(4)?,
                    minutes: r.i64(5)?,
                    passed_on: r.get(6)?,
                    attempts: r.i64(7)?,
                    open_attempt: r.get(8)?,
                })
            })
            .collect()
    }
}
