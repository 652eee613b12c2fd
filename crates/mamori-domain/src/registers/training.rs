//! Training: courses, sessions and attendance, external seminars, comprehension tests and their attempts.

#[allow(unused_imports)]
use super::*;

pub const COURSE_KINDS: &[&str] = &[
    "onboarding",
    "periodic",
    "remedial",
    "mental_health",
    "internal_auditor",
    "other",
];
pub const COURSE_AUDIENCES: &[&str] = &["everyone", "new_joiners", "department", "named"];

/// 研修: a course, the management systems and clauses it serves, its content and audience.
pub static COURSES: Register = Register {
    code: "course",
    collection: "courses",
    table: "courses",
    fields: &[
        unique(field("code", FieldKind::Text { max: 20 })),
        required(field("name", FieldKind::Text { max: 200 })),
        filter(required(field("kind", FieldKind::Choice(COURSE_KINDS)))),
        field("management_systems", FieldKind::Text { max: 100 }),
        field("clauses", FieldKind::Text { max: 200 }),
        filter(required(field(
            "audience",
            FieldKind::Choice(COURSE_AUDIENCES),
        ))),
        detail_only(field("audience_department", FieldKind::Ref("departments"))),
        detail_only(field("exclude_new_joiners", FieldKind::Choice(YES_NO))),
        detail_only(field("content", FieldKind::Text { max: 2000 })),
        detail_only(field("pass_mark", FieldKind::Int { min: 1, max: 100 })),
        detail_only(field("test_minutes", FieldKind::Int { min: 1, max: 240 })),
        detail_only(field("show_answers", FieldKind::Choice(YES_NO))),
    ],
    natural_key: Some("code"),
    title_field: "name",
    default_sort: "code",
    search: &["code", "name", "clauses", "content"],
    validate: Some(check_course),
    ..REGISTER
};

/// A course for a department names the department; no other audience does.
pub(super) fn check_course(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| COURSES.position(name).and_then(|i| values.get(i));
    let department = get("audience_department").is_some_and(|v| !v.is_null());
    match get("audience").map(Value::to_plain).as_deref() {
        Some("department") if !department => {
            vec![FieldError::new("audience_department", "required")]
        }
        Some(a) if a != "department" && !a.is_empty() && department => {
            vec![FieldError::new(
                "audience_department",
                "only-for-department",
            )]
        }
        _ => Vec::new(),
    }
}

pub const ATTENDANCE_STATUSES: &[&str] = &["expected", "attended", "absent", "excused"];

/// 研修実施: one holding of a course.
pub static TRAINING_SESSIONS: Register = Register {
    code: "training_session",
    collection: "training-sessions",
    table: "training_sessions",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field("course", FieldKind::Ref("courses")))),
        filter(required(field("held_on", FieldKind::Date))),
        field("instructor", FieldKind::Text { max: 100 }),
        field("material", FieldKind::Text { max: 200 }),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "code",
    default_sort: "held_on",
    search: &["code", "instructor", "material", "note"],
    year_field: Some("held_on"),
    ..REGISTER
};

/// 研修計画: a session planned for a fiscal year (seed 4(2)): its course, when, and for which
/// department if not everyone. The plan counts as held once as many sessions of the course have
/// been held in the year, in date order; the annual plan and the report show planned against held.
pub static TRAINING_PLANS: Register = Register {
    code: "training_plan",
    collection: "training-plans",
    table: "training_plans",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field("course", FieldKind::Ref("courses")))),
        filter(required(field("planned_on", FieldKind::Date))),
        filter(field("department", FieldKind::Ref("departments"))),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "code",
    default_sort: "planned_on",
    search: &["code", "note"],
    numbered: Some("TP-"),
    year_field: Some("planned_on"),
    ..REGISTER
};

/// 受講: a person expected at a session, and whether they attended, were absent or excused. Who is
/// expected is data (partner staff included, onboarding trainees left out of the periodic course, …).
pub static ATTENDANCES: Register = Register {
    code: "attendance",
    collection: "attendances",
    table: "attendances",
    fields: &[
        filter(required(field(
            "session",
            FieldKind::Ref("training-sessions"),
        ))),
        filter(required(field("person", FieldKind::Ref("people")))),
        filter(required(field(
            "status",
            FieldKind::Choice(ATTENDANCE_STATUSES),
        ))),
        filter(field("department", FieldKind::Ref("departments"))),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: None,
    title_field: "person",
    default_sort: "session",
    search: &["note"],
    unique_together: &[&["session", "person"]],
    read: ReadScope::OwnForStaff("person"),
    defaults: &[("department", "person", "department")],
    year_field: Some("session.held_on"),
    ..REGISTER
};

pub const YES_NO: &[&str] = &["yes", "no"];

/// 社外研修: a seminar held by another organisation (e.g. IPA), and whether it is security training.
pub static EXTERNAL_SEMINARS: Register = Register {
    code: "external_seminar",
    collection: "external-seminars",
    table: "external_seminars",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        required(field("title", FieldKind::Text { max: 200 })),
        required(field("organiser", FieldKind::Text { max: 100 })),
        filter(required(field("held_on", FieldKind::Date))),
        filter(required(field("security", FieldKind::Choice(YES_NO)))),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "title",
    default_sort: "held_on",
    search: &["code", "title", "organiser", "note"],
    year_field: Some("held_on"),
    ..REGISTER
};

/// 社外研修の受講者: who attended an external seminar.
pub static SEMINAR_ATTENDEES: Register = Register {
    code: "seminar_attendee",
    collection: "seminar-attendees",
    table: "seminar_attendees",
    fields: &[
        filter(required(field(
            "seminar",
            FieldKind::Ref("external-seminars"),
        ))),
        filter(required(field("person", FieldKind::Ref("people")))),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: None,
    title_field: "person",
    default_sort: "seminar",
    search: &["note"],
    unique_together: &[&["seminar", "person"]],
    read: ReadScope::OwnForStaff("person"),
    year_field: Some("seminar.held_on"),
    ..REGISTER
};

pub const QUESTION_KINDS: &[&str] = &["single", "multiple", "true_false"];
/// Most choices a question offers.
pub const MAX_CHOICES: usize = 10;

/// 理解度テストの設問: a question of a course's comprehension test. Choices are one per line; the
/// answer names the correct ones by number (`2`, or `1,3` for multiple choice) or is `true`/`false`.
pub static TEST_QUESTIONS: Register = Register {
    code: "test_question",
    collection: "test-questions",
    table: "test_questions",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field("course", FieldKind::Ref("courses")))),
        filter(required(field("kind", FieldKind::Choice(QUESTION_KINDS)))),
        required(field("text", FieldKind::Text { max: 1000 })),
        detail_only(field("choices", FieldKind::Text { max: 2000 })),
        detail_only(required(field("answer", FieldKind::Text { max: 50 }))),
        detail_only(field("explanation", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "code",
    default_sort: "code",
    search: &["code", "text", "choices"],
    read: ReadScope::NotStaff,
    validate: Some(check_question),
    applies: &[("choices", "kind", &["single", "multiple"])],
    ..REGISTER
};

/// A question's choices, one per line.
pub fn question_choices(choices: &str) -> Vec<&str> {
    choices
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

/// The correct answer of a question as a set of choice numbers (1-based); `true` is 1 and `false`
/// is 2 for a true/false question. `None` when the answer does not fit the question.
pub fn parse_answer(kind: &str, answer: &str, choices: usize) -> Option<Vec<usize>> {
    if kind == "true_false" {
        return match answer.to_lowercase().as_str() {
            "true" | "○" | "〇" => Some(vec![1]),
            "false" | "×" => Some(vec![2]),
            _ => None,
        };
    }
    let mut picked = Vec::new();
    for part in answer
        .split([',', '，', '、', ' '])
        .filter(|p| !p.is_empty())
    {
        let n: usize = part.trim().parse().ok()?;
        if n == 0 || n > choices || picked.contains(&n) {
            return None;
        }
        picked.push(n);
    }
    picked.sort_unstable();
    match (kind, picked.len()) {
        (_, 0) => None,
        ("single", 1) | ("multiple", _) => Some(picked),
        _ => None,
    }
}

pub(super) fn check_question(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| TEST_QUESTIONS.text(values, name);
    let kind = get("kind");
    let choices = get("choices");
    let n = question_choices(&choices).len();
    let mut errors = Vec::new();
    match kind.as_str() {
        "true_false" if n > 0 => {
            errors.push(FieldError::new("choices", "no-choices-for-true-false"))
        }
        "single" | "multiple" if !(2..=MAX_CHOICES).contains(&n) => errors.push(FieldError::with(
            "choices",
            "choice-count",
            format!("2–{MAX_CHOICES}"),
        )),
        "" => return errors,
        _ => {}
    }
    let answer = get("answer");
    if errors.is_empty() && !answer.is_empty() && parse_answer(&kind, &answer, n).is_none() {
        errors.push(FieldError::with("answer", "invalid-answer", kind));
    }
    errors
}

pub const ATTEMPT_RESULTS: &[&str] = &["in_progress", "passed", "failed", "expired"];

choice_enum!(
    /// A test attempt's result: open until it is submitted (passed or failed) or its time runs
    /// out (expired).
    AttemptResult,
    ATTEMPT_RESULTS,
    [InProgress, Passed, Failed, Expired]
);

/// 理解度テストの受験: one attempt at a course's test, with its score. Written by taking the test,
/// never by hand, and kept: the reference company uses the results in personnel decisions.
pub static TEST_ATTEMPTS: Register = Register {
    code: "test_attempt",
    collection: "test-attempts",
    table: "test_attempts",
    fields: &[
        filter(required(field("course", FieldKind::Ref("courses")))),
        filter(required(field("person", FieldKind::Ref("people")))),
        filter(required(field("started_on", FieldKind::Date))),
        filter(required(field(
            "result",
            FieldKind::Choice(ATTEMPT_RESULTS),
        ))),
        field("score", FieldKind::Int { min: 0, max: 100 }),
        field("pass_mark", FieldKind::Int { min: 1, max: 100 }),
    ],
    natural_key: None,
    title_field: "person",
    write: WriteScope::Nobody,
    default_sort: "started_on",
    search: &[],
    read: ReadScope::OwnForStaff("person"),
    year_field: Some("started_on"),
    ..REGISTER
};
