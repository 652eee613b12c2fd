//! The registers of the ISMS, each declared once. A new register is a new constant here, a table in
//! the migrations and its translations.

use crate::objective;
use crate::register::{
    Ends, Field, FieldError, FieldKind, HandlingRule, Layout, Proposes, ReadScope, Register,
    Repeats, Requirement, Rollup, RollupKind, Sources, Stamps, Value, WriteScope,
};
use crate::risk::Scale;

const fn field(name: &'static str, kind: FieldKind) -> Field {
    Field {
        name,
        kind,
        required: false,
        unique: false,
        list: true,
        filter: false,
    }
}
const fn required(mut f: Field) -> Field {
    f.required = true;
    f
}
const fn unique(mut f: Field) -> Field {
    f.unique = true;
    f.required = true;
    f
}
const fn filter(mut f: Field) -> Field {
    f.filter = true;
    f
}
const fn detail_only(mut f: Field) -> Field {
    f.list = false;
    f
}

/// What a declaration leaves out: written by the secretariat, read by every member, with no
/// cross-field or cross-record rules. Each register below states only where it differs.
const REGISTER: Register = Register {
    code: "",
    collection: "",
    table: "",
    fields: &[],
    natural_key: None,
    title_field: "",
    department_field: None,
    write: WriteScope::Secretariat,
    default_sort: "",
    search: &[],
    not_before: &[],
    lacks: &[],
    unique_together: &[],
    read: ReadScope::Members,
    validate: None,
    labels: &[],
    ends: None,
    assessed: &[],
    initial: &[],
    numbered: None,
    layouts: &[],
    defaults: &[],
    requires: &[],
    writer_person: None,
    closes: None,
    repeats: None,
    warn: None,
    sources: None,
    levels: &[],
    acceptance: None,
    rollup: None,
    stamps: None,
    proposes: None,
    computed: &[],
};

pub const EMPLOYMENT_TYPES: &[&str] = &[
    "officer",
    "employee",
    "temporary",
    "dispatched",
    "contractor",
];
pub const APPOINTMENT_ROLES: &[&str] = &[
    "top_management",
    "isms_manager_lead",
    "department_info_manager",
    "system_admin",
    "system_admin_deputy",
    "internal_audit_lead",
    "external_advisor",
];

/// 部門: departments have validity dates, so a reorganisation keeps its history.
pub static DEPARTMENTS: Register = Register {
    code: "department",
    collection: "departments",
    table: "departments",
    fields: &[
        unique(field("code", FieldKind::Text { max: 20 })),
        required(field("name", FieldKind::Text { max: 100 })),
        field("name_en", FieldKind::Text { max: 100 }),
        required(field("valid_from", FieldKind::Date)),
        field("valid_to", FieldKind::Date),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "name",
    default_sort: "code",
    search: &["code", "name", "name_en"],
    not_before: &[("valid_to", "valid_from")],
    ..REGISTER
};

/// 社員等: officers, employees, temporary and dispatched staff and on-site contractors.
pub static PEOPLE: Register = Register {
    code: "person",
    collection: "people",
    table: "people",
    fields: &[
        unique(field("employee_no", FieldKind::Text { max: 20 })),
        required(field("name", FieldKind::Text { max: 100 })),
        field("name_kana", FieldKind::Text { max: 100 }),
        detail_only(field("email", FieldKind::Email)),
        filter(required(field(
            "employment_type",
            FieldKind::Choice(EMPLOYMENT_TYPES),
        ))),
        filter(required(field("department", FieldKind::Ref("departments")))),
        filter(required(field("joined_on", FieldKind::Date))),
        field("left_on", FieldKind::Date),
    ],
    natural_key: Some("employee_no"),
    title_field: "name",
    department_field: Some("department"),
    write: WriteScope::SecretariatOrOwnDepartment,
    default_sort: "employee_no",
    search: &["employee_no", "name", "name_kana", "email"],
    not_before: &[("left_on", "joined_on")],
    ends: Some(Ends {
        field: "left_on",
        ties: &[("asset-handlers", "person", "valid_until")],
    }),
    requires: &[Requirement::NothingOut("left_on")],
    lacks: &[("pledges", "person"), ("identity-guarantees", "person")],
    ..REGISTER
};

/// 任命: ISO事務局長, 部門情報管理責任者, システム管理責任者 and the others, each with a term.
pub static APPOINTMENTS: Register = Register {
    code: "appointment",
    collection: "appointments",
    table: "appointments",
    fields: &[
        filter(required(field("person", FieldKind::Ref("people")))),
        filter(required(field(
            "role",
            FieldKind::Choice(APPOINTMENT_ROLES),
        ))),
        filter(field("department", FieldKind::Ref("departments"))),
        filter(required(field("starts_on", FieldKind::Date))),
        field("ends_on", FieldKind::Date),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: None,
    title_field: "role",
    default_sort: "starts_on",
    search: &["note"],
    not_before: &[("ends_on", "starts_on")],
    ..REGISTER
};

pub const COURSE_KINDS: &[&str] = &[
    "onboarding",
    "periodic",
    "remedial",
    "mental_health",
    "other",
];
pub const COURSE_AUDIENCES: &[&str] = &["everyone", "new_joiners", "department", "named"];

/// 秘密保持誓約書: the date a person signed the pledge and the version of its text.
pub static PLEDGES: Register = Register {
    code: "pledge",
    collection: "pledges",
    table: "pledges",
    fields: &[
        filter(required(field("person", FieldKind::Ref("people")))),
        filter(required(field("signed_on", FieldKind::Date))),
        required(field("version", FieldKind::Text { max: 50 })),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: None,
    title_field: "person",
    default_sort: "signed_on",
    search: &["version", "note"],
    read: ReadScope::OwnForStaff("person"),
    ..REGISTER
};

/// 身元保証書: when the paper was received and where it is kept; nothing more about the guarantor.
pub static IDENTITY_GUARANTEES: Register = Register {
    code: "identity_guarantee",
    collection: "identity-guarantees",
    table: "identity_guarantees",
    fields: &[
        filter(required(field("person", FieldKind::Ref("people")))),
        filter(required(field("received_on", FieldKind::Date))),
        required(field("kept_at", FieldKind::Text { max: 200 })),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: None,
    title_field: "person",
    default_sort: "received_on",
    search: &["kept_at", "note"],
    read: ReadScope::OwnForStaff("person"),
    ..REGISTER
};

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
    ],
    natural_key: Some("code"),
    title_field: "name",
    default_sort: "code",
    search: &["code", "name", "clauses", "content"],
    validate: Some(check_course),
    ..REGISTER
};

/// A course for a department names the department; no other audience does.
fn check_course(values: &[Value]) -> Vec<FieldError> {
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
    requires: &[Requirement::InForceOn {
        on: "held_on",
        via: Some("session"),
    }],
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

fn check_question(values: &[Value]) -> Vec<FieldError> {
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
    ..REGISTER
};

pub const ASSET_KINDS: &[&str] = &[
    "document",
    "electronic_data",
    "software",
    "physical_media",
    "device",
    "service",
    "facility",
];
/// The reference company's scheme: 一般 / 重要(秘密) / 最重要(極秘).
pub const CLASSIFICATIONS: &[&str] = &["general", "confidential", "strictly_confidential"];
/// The label applied to the asset: 秘密 or 機密.
pub const ASSET_LABELS: &[&str] = &["none", "himitsu", "kimitsu"];

/// 情報資産台帳: an information asset, its owner, CIA ratings and classification. Confidential and
/// strictly confidential assets are seen only by those who must (see `ReadScope::Classified`).
pub static ASSETS: Register = Register {
    code: "asset",
    collection: "assets",
    table: "assets",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        detail_only(field("business", FieldKind::Text { max: 200 })),
        required(field("name", FieldKind::Text { max: 200 })),
        filter(required(field("kind", FieldKind::Choice(ASSET_KINDS)))),
        filter(required(field("department", FieldKind::Ref("departments")))),
        detail_only(field("users", FieldKind::Text { max: 200 })),
        filter(field("owner", FieldKind::Ref("people"))),
        filter(required(field(
            "classification",
            FieldKind::Choice(CLASSIFICATIONS),
        ))),
        field("confidentiality", FieldKind::Int { min: 1, max: 3 }),
        field("integrity", FieldKind::Int { min: 1, max: 3 }),
        field("availability", FieldKind::Int { min: 1, max: 3 }),
        detail_only(field("importance", FieldKind::Int { min: 1, max: 3 })),
        filter(field("personal_data", FieldKind::Choice(YES_NO))),
        detail_only(field("sensitive_data", FieldKind::Choice(YES_NO))),
        detail_only(field("my_number", FieldKind::Choice(YES_NO))),
        filter(required(field("customer_owned", FieldKind::Choice(YES_NO)))),
        detail_only(field("customer", FieldKind::Text { max: 100 })),
        detail_only(field("medium", FieldKind::Text { max: 200 })),
        detail_only(field("location", FieldKind::Text { max: 200 })),
        detail_only(field("locked", FieldKind::Choice(YES_NO))),
        detail_only(field("key_holder", FieldKind::Ref("people"))),
        detail_only(field("label", FieldKind::Choice(ASSET_LABELS))),
        detail_only(field("labelled_on", FieldKind::Date)),
        detail_only(field("retention", FieldKind::Text { max: 100 })),
        detail_only(field("retain_until", FieldKind::Date)),
        detail_only(field("related_devices", FieldKind::Text { max: 200 })),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "name",
    department_field: Some("department"),
    write: WriteScope::SecretariatOrOwnDepartment,
    default_sort: "code",
    search: &["code", "name", "business", "customer", "location", "note"],
    read: ReadScope::Classified(None),
    validate: Some(check_asset),
    numbered: Some("A-"),
    proposes: Some(Proposes {
        collection: "risks",
        field: "asset",
        on_change: "classification",
        values: &[("status", "proposed")],
    }),
    layouts: &[IPA_ASSET_LEDGER],
    ..REGISTER
};

/// The IPA 中小企業の情報セキュリティ対策ガイドライン risk analysis sheet's 情報資産管理台帳: its
/// columns, and what our register needs that it does not have. The asset's kind comes from its
/// medium, its classification from its confidentiality (3 → 極秘, 2 → 秘密, 1 → 一般), its
/// importance, when empty, from the highest of the three ratings; it is not a customer's asset
/// unless a column says so; the code is numbered.
pub const IPA_ASSET_LEDGER: Layout = Layout {
    marker: "情報資産名称",
    columns: &[
        ("業務分類", "business"),
        ("情報資産名称", "name"),
        ("備考", "note"),
        ("利用者範囲", "users"),
        ("管理部署", "department"),
        ("媒体・保存先", "medium"),
        ("媒体・保存場所", "medium"),
        ("個人情報", "personal_data"),
        ("個人情報の有無", "personal_data"),
        ("要配慮個人情報", "sensitive_data"),
        ("特定個人情報", "my_number"),
        ("機密性", "confidentiality"),
        ("完全性", "integrity"),
        ("可用性", "availability"),
        ("重要度", "importance"),
        ("保存期限", "retention"),
        ("保存期間", "retention"),
        ("管理者", "owner"),
        ("情報資産の種類", "kind"),
        ("お客様資産", "customer_owned"),
    ],
    // Its row number, date of entry, group headers and the risk columns it computes itself.
    ignored: &[
        "No.",
        "No",
        "NO",
        "登録日",
        "評価値",
        "個人情報の種類",
        "現状から想定されるリスク",
        "脅威の発生頻度",
        "脆弱性",
        "被害発生可能性",
        "リスク値",
        "対策",
        "対策を講じる場合",
    ],
    fill: fill_ipa_asset,
};

fn fill_ipa_asset(row: &mut std::collections::BTreeMap<String, String>) {
    for f in [
        "personal_data",
        "sensitive_data",
        "my_number",
        "customer_owned",
    ] {
        if let Some(v) = row.get_mut(f) {
            let t = v.trim();
            *v = match t {
                "有" | "あり" | "有り" | "○" | "〇" | "◯" | "●" | "✓" | "✔" | "はい" | "yes"
                | "Yes" | "YES" => "yes".into(),
                "無" | "なし" | "無し" | "-" | "－" | "×" | "いいえ" | "no" | "No" | "NO" => {
                    "no".into()
                }
                _ => t.to_string(),
            };
        }
    }
    let rating = |row: &std::collections::BTreeMap<String, String>, f: &str| {
        row.get(f)
            .and_then(|v| crate::input::normalize(v).parse::<i64>().ok())
    };
    if row
        .get("classification")
        .is_none_or(|v| v.trim().is_empty())
    {
        let class = match rating(row, "confidentiality") {
            Some(3) => "strictly_confidential",
            Some(2) => "confidential",
            _ => "general",
        };
        row.insert("classification".into(), class.into());
    }
    if row.get("importance").is_none_or(|v| v.trim().is_empty()) {
        let top = ["confidentiality", "integrity", "availability"]
            .iter()
            .filter_map(|f| rating(row, f))
            .max();
        if let Some(top) = top {
            row.insert("importance".into(), top.to_string());
        }
    }
    if row.get("kind").is_none_or(|v| v.trim().is_empty()) {
        let medium = row.get("medium").cloned().unwrap_or_default();
        row.insert("kind".into(), kind_of_medium(&medium).into());
    }
    if row
        .get("customer_owned")
        .is_none_or(|v| v.trim().is_empty())
    {
        row.insert("customer_owned".into(), "no".into());
    }
}

/// An asset's kind from the IPA sheet's 媒体・保存先: paper is a document; removable media and
/// mobile devices are what they are; anything stored on a computer or a service is electronic data.
pub fn kind_of_medium(medium: &str) -> &'static str {
    let has = |words: &[&str]| words.iter().any(|w| medium.contains(w));
    if has(&["書類", "紙", "帳票", "ファイリング", "キャビネット", "書庫"]) {
        "document"
    } else if has(&[
        "USB",
        "ＵＳＢ",
        "可搬",
        "DVD",
        "CD",
        "外付",
        "媒体",
        "テープ",
    ]) {
        "physical_media"
    } else if has(&["モバイル", "スマート", "携帯", "タブレット"]) {
        "device"
    } else {
        "electronic_data"
    }
}

/// A customer's asset names the customer.
fn check_asset(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| ASSETS.position(name).and_then(|i| values.get(i));
    let customer = get("customer").is_some_and(|v| !v.is_null());
    match get("customer_owned").map(Value::to_plain).as_deref() {
        Some("yes") if !customer => vec![FieldError::new("customer", "required")],
        _ => Vec::new(),
    }
}

/// 取扱者: a person authorized to handle an asset, approved by the department's manager, until an
/// end date. Only an eligible person can be granted; a strictly confidential asset also needs the
/// person's identity guarantee on file.
pub static ASSET_HANDLERS: Register = Register {
    code: "asset_handler",
    collection: "asset-handlers",
    table: "asset_handlers",
    fields: &[
        filter(required(field("asset", FieldKind::Ref("assets")))),
        filter(required(field("person", FieldKind::Ref("people")))),
        required(field("approved_by", FieldKind::Ref("people"))),
        filter(required(field("approved_on", FieldKind::Date))),
        filter(required(field("valid_until", FieldKind::Date))),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: None,
    title_field: "person",
    default_sort: "asset",
    search: &["note"],
    not_before: &[("valid_until", "approved_on")],
    unique_together: &[&["asset", "person"]],
    read: ReadScope::Classified(Some("asset")),
    requires: &[
        Requirement::Eligible("person"),
        Requirement::GuaranteeWhen {
            person: "person",
            via: "asset",
            field: "classification",
            value: "strictly_confidential",
        },
        Requirement::ApprovedByManager {
            person: "approved_by",
            via: "asset",
            on: "approved_on",
        },
    ],
    ..REGISTER
};

pub const HANDLING_KINDS: &[&str] = &[
    "viewing", "take_out", "return", "transfer", "copy", "disposal",
];
pub const TRANSFER_METHODS: &[&str] = &[
    "email",
    "registered_mail",
    "approved_courier",
    "hand_delivery",
];
pub const PROTECTIONS: &[&str] = &["none", "password", "encryption", "double_envelope"];

/// The reference company's handling rules, every organisation's until it sets its own: 秘密
/// (confidential) by e-mail needs password protection or encryption; 極秘 (strictly confidential)
/// goes only by hand.
pub fn default_handling_rules() -> Vec<HandlingRule> {
    let rule =
        |classification: &str, method: &str, allowed: bool, protections: &[&str]| HandlingRule {
            classification: classification.into(),
            kind: "transfer".into(),
            method: method.into(),
            allowed,
            protections: protections.iter().map(|p| p.to_string()).collect(),
        };
    vec![
        rule("confidential", "email", true, &["password", "encryption"]),
        rule("strictly_confidential", "email", false, &[]),
        rule("strictly_confidential", "registered_mail", false, &[]),
        rule("strictly_confidential", "approved_courier", false, &[]),
    ]
}

/// Days a take-out may stay out before it is listed as overdue, unless the organisation sets it.
pub const TAKE_OUT_DAYS: i64 = 7;

/// The organisation's asset rules (組織の設定), kept in its profile under `asset_rules`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AssetRules {
    pub take_out_days: i64,
    pub handling_rules: Vec<HandlingRule>,
    /// The organisation's own names for its classification levels (社外秘 for 重要, …), by level
    /// code; a name left empty keeps the default.
    #[serde(default)]
    pub names: std::collections::BTreeMap<String, LevelNames>,
}

/// A classification level's name in each language the organisation sets.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LevelNames {
    #[serde(default)]
    pub ja: String,
    #[serde(default)]
    pub en: String,
}

impl AssetRules {
    /// The rules an organisation's profile sets, or the reference company's.
    pub fn of(profile: &serde_json::Value) -> AssetRules {
        profile
            .get("asset_rules")
            .and_then(|r| serde_json::from_value::<AssetRules>(r.clone()).ok())
            .filter(|r| (1..=365).contains(&r.take_out_days))
            .unwrap_or_else(|| AssetRules {
                take_out_days: TAKE_OUT_DAYS,
                handling_rules: default_handling_rules(),
                names: Default::default(),
            })
    }

    /// Whether a field error is a handling rule's refusal (the codes `refusals` gives).
    pub fn is_refusal(code: &str) -> bool {
        matches!(code, "rule-forbidden" | "rule-needs-protection")
    }

    /// Why a record of `kind` by `method` with `protection` is refused for an asset of
    /// `classification`, as field errors naming the rule.
    pub fn refusals(
        &self,
        classification: &str,
        kind: &str,
        method: &str,
        protection: &str,
    ) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for rule in &self.handling_rules {
            if rule.classification != classification || rule.kind != kind || rule.method != method {
                continue;
            }
            if !rule.allowed {
                errors.push(FieldError::with(
                    "method",
                    "rule-forbidden",
                    format!("{classification}|{method}"),
                ));
            } else if !rule.protections.is_empty()
                && !rule.protections.iter().any(|p| p == protection)
            {
                errors.push(FieldError::with(
                    "protection",
                    "rule-needs-protection",
                    format!("{classification}|{method}|{}", rule.protections.join(",")),
                ));
            }
        }
        errors
    }
}

/// 取扱い履歴: what a handler did with an asset. Append-only; the handling rules are enforced.
pub static HANDLING_RECORDS: Register = Register {
    code: "handling_record",
    collection: "handling-records",
    table: "handling_records",
    fields: &[
        filter(required(field("asset", FieldKind::Ref("assets")))),
        filter(field("person", FieldKind::Ref("people"))),
        filter(required(field("kind", FieldKind::Choice(HANDLING_KINDS)))),
        filter(required(field("occurred_on", FieldKind::Date))),
        field("method", FieldKind::Choice(TRANSFER_METHODS)),
        field("protection", FieldKind::Choice(PROTECTIONS)),
        field("recipient", FieldKind::Text { max: 200 }),
        detail_only(field("due_back", FieldKind::Date)),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: None,
    title_field: "asset",
    write: WriteScope::Handlers,
    default_sort: "occurred_on",
    search: &["recipient", "note"],
    not_before: &[("due_back", "occurred_on")],
    read: ReadScope::Classified(Some("asset")),
    validate: Some(check_handling),
    requires: &[
        Requirement::ByHandler {
            asset: "asset",
            person: "person",
            on: "occurred_on",
        },
        Requirement::HandlingRules { asset: "asset" },
    ],
    writer_person: Some("person"),
    ..REGISTER
};

/// A transfer names its method and recipient; only a transfer has a method.
fn check_handling(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| HANDLING_RECORDS.text(values, name);
    let mut errors = Vec::new();
    if get("kind") == "transfer" {
        for f in ["method", "recipient"] {
            if get(f).is_empty() {
                errors.push(FieldError::new(f, "required"));
            }
        }
    } else if !get("method").is_empty() && !get("kind").is_empty() {
        errors.push(FieldError::new("method", "only-for-transfer"));
    }
    errors
}

pub const CONTRACTOR_KINDS: &[&str] = &["disposal", "courier", "other"];
pub const CERTIFICATIONS: &[&str] = &["isms", "privacy_mark", "isms_and_privacy_mark", "none"];

/// 承認済み委託先: disposal contractors and couriers, with their certification and evaluation.
pub static APPROVED_CONTRACTORS: Register = Register {
    code: "approved_contractor",
    collection: "approved-contractors",
    table: "approved_contractors",
    fields: &[
        unique(field("code", FieldKind::Text { max: 20 })),
        required(field("name", FieldKind::Text { max: 200 })),
        filter(required(field("kind", FieldKind::Choice(CONTRACTOR_KINDS)))),
        filter(required(field(
            "certification",
            FieldKind::Choice(CERTIFICATIONS),
        ))),
        field("certificate_no", FieldKind::Text { max: 100 }),
        filter(required(field("evaluated_on", FieldKind::Date))),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "name",
    default_sort: "code",
    search: &["code", "name", "certificate_no", "note"],
    ..REGISTER
};

pub const DISPOSAL_METHODS: &[&str] = &[
    "shredding",
    "dissolution",
    "physical_destruction",
    "data_erasure",
    "degaussing",
    "returned_to_customer",
];
pub const CONSENT_FORMS: &[&str] = &["document", "email", "contract"];

/// 廃棄: how an asset was disposed of, by whom, with the certificate; a customer's asset only with
/// the customer's consent. Writing it closes the asset, whose history stays.
pub static DISPOSALS: Register = Register {
    code: "disposal",
    collection: "disposals",
    table: "disposals",
    fields: &[
        filter(required(field("asset", FieldKind::Ref("assets")))),
        filter(required(field("disposed_on", FieldKind::Date))),
        filter(required(field(
            "method",
            FieldKind::Choice(DISPOSAL_METHODS),
        ))),
        filter(field("contractor", FieldKind::Ref("approved-contractors"))),
        field("certificate_no", FieldKind::Text { max: 100 }),
        detail_only(field("certificate_on", FieldKind::Date)),
        detail_only(field("consent_by", FieldKind::Text { max: 200 })),
        detail_only(field("consent_on", FieldKind::Date)),
        detail_only(field("consent_form", FieldKind::Choice(CONSENT_FORMS))),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: None,
    title_field: "asset",
    default_sort: "disposed_on",
    search: &["certificate_no", "consent_by", "note"],
    not_before: &[("certificate_on", "disposed_on")],
    unique_together: &[&["asset"]],
    read: ReadScope::Classified(Some("asset")),
    requires: &[
        Requirement::RequiredWhen {
            via: "asset",
            field: "customer_owned",
            value: "yes",
            fields: &["consent_by", "consent_on", "consent_form"],
        },
        Requirement::RefIs {
            via: "contractor",
            field: "kind",
            values: &["disposal"],
        },
    ],
    closes: Some("asset"),
    ..REGISTER
};

pub const DEVICE_KINDS: &[&str] = &[
    "pc", "server", "network", "phone", "printer", "storage", "other",
];

/// 情報機器: a device with its label, place, user and OS, and when its patches and forced password
/// change were last done (the reference company does both at least monthly).
pub static DEVICES: Register = Register {
    code: "device",
    collection: "devices",
    table: "devices",
    fields: &[
        unique(field("label", FieldKind::Text { max: 40 })),
        required(field("name", FieldKind::Text { max: 200 })),
        filter(required(field("kind", FieldKind::Choice(DEVICE_KINDS)))),
        filter(required(field("department", FieldKind::Ref("departments")))),
        field("location", FieldKind::Text { max: 200 }),
        filter(field("user", FieldKind::Ref("people"))),
        field("os", FieldKind::Text { max: 100 }),
        filter(field("patched_on", FieldKind::Date)),
        filter(field("password_changed_on", FieldKind::Date)),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("label"),
    title_field: "label",
    department_field: Some("department"),
    write: WriteScope::SecretariatOrOwnDepartment,
    default_sort: "label",
    search: &["label", "name", "location", "os", "note"],
    labels: &["name", "department", "location", "user"],
    ..REGISTER
};

/// LANケーブル・接続: a labelled cable from one device's port to another's.
pub static CABLES: Register = Register {
    code: "cable",
    collection: "cables",
    table: "cables",
    fields: &[
        unique(field("label", FieldKind::Text { max: 40 })),
        filter(required(field("from_device", FieldKind::Ref("devices")))),
        field("from_port", FieldKind::Text { max: 40 }),
        filter(required(field("to_device", FieldKind::Ref("devices")))),
        field("to_port", FieldKind::Text { max: 40 }),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("label"),
    title_field: "label",
    default_sort: "label",
    search: &["label", "from_port", "to_port", "note"],
    labels: &["from_device", "from_port", "to_device", "to_port"],
    ..REGISTER
};

/// お預り鍵: keys to a customer's building in custody; the custodian must have an identity
/// guarantee on file. The receipt number is the key's code.
pub static CUSTODY_KEYS: Register = Register {
    code: "custody_key",
    collection: "custody-keys",
    table: "custody_keys",
    fields: &[
        unique(field("receipt_no", FieldKind::Text { max: 40 })),
        filter(required(field("customer", FieldKind::Text { max: 200 }))),
        required(field("building", FieldKind::Text { max: 200 })),
        required(field("description", FieldKind::Text { max: 200 })),
        required(field("count", FieldKind::Int { min: 1, max: 1000 })),
        filter(required(field("custodian", FieldKind::Ref("people")))),
        detail_only(field("storage", FieldKind::Text { max: 200 })),
        filter(required(field("received_on", FieldKind::Date))),
        filter(field("returned_on", FieldKind::Date)),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("receipt_no"),
    numbered: Some("K-"),
    title_field: "receipt_no",
    default_sort: "receipt_no",
    search: &[
        "receipt_no",
        "customer",
        "building",
        "description",
        "storage",
    ],
    not_before: &[("returned_on", "received_on")],
    requires: &[Requirement::Guarantee("custodian")],
    ..REGISTER
};

pub const INSPECTION_RESULTS: &[&str] = &["ok", "discrepancy"];

/// 鍵の点検: the monthly inspection of a key in custody.
pub static KEY_INSPECTIONS: Register = Register {
    code: "key_inspection",
    collection: "key-inspections",
    table: "key_inspections",
    fields: &[
        filter(required(field("key", FieldKind::Ref("custody-keys")))),
        filter(required(field("inspected_on", FieldKind::Date))),
        filter(required(field("inspector", FieldKind::Ref("people")))),
        filter(required(field(
            "result",
            FieldKind::Choice(INSPECTION_RESULTS),
        ))),
        field("discrepancies", FieldKind::Text { max: 1000 }),
    ],
    natural_key: None,
    title_field: "key",
    default_sort: "inspected_on",
    search: &["discrepancies"],
    unique_together: &[&["key", "inspected_on"]],
    validate: Some(check_inspection),
    ..REGISTER
};

/// A discrepancy is described.
fn check_inspection(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| KEY_INSPECTIONS.text(values, name);
    if get("result") == "discrepancy" && get("discrepancies").is_empty() {
        vec![FieldError::new("discrepancies", "required")]
    } else {
        Vec::new()
    }
}

/// Every register, in navigation order.
pub const EVENT_KINDS: &[&str] = &["incident", "near_miss", "weakness"];
pub const CAUSES: &[&str] = &[
    "human_error",
    "technical_failure",
    "external_attack",
    "disaster",
    "other",
];
pub const SEVERITIES: &[&str] = &["low", "medium", "high"];
pub const EVENT_STATUSES: &[&str] = &["reported", "assessed", "responded", "closed"];

/// セキュリティ事象: an incident (事故・事件), a near miss (ヒヤリハット) or a weakness, reported by
/// anyone from a phone; the secretariat assesses it (is it an incident?), responds and closes it
/// with the lessons learned. Staff read their own reports.
pub static SECURITY_EVENTS: Register = Register {
    code: "security_event",
    collection: "security-events",
    table: "security_events",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field("kind", FieldKind::Choice(EVENT_KINDS)))),
        filter(required(field("occurred_on", FieldKind::Date))),
        filter(required(field("reported_on", FieldKind::Date))),
        filter(field("department", FieldKind::Ref("departments"))),
        filter(field("reporter", FieldKind::Ref("people"))),
        required(field("description", FieldKind::Text { max: 1000 })),
        filter(required(field("cause", FieldKind::Choice(CAUSES)))),
        filter(field("person", FieldKind::Ref("people"))),
        detail_only(field("related", FieldKind::Text { max: 200 })),
        detail_only(field("impact_confidentiality", FieldKind::Choice(YES_NO))),
        detail_only(field("impact_integrity", FieldKind::Choice(YES_NO))),
        detail_only(field("impact_availability", FieldKind::Choice(YES_NO))),
        filter(field("severity", FieldKind::Choice(SEVERITIES))),
        filter(required(field("status", FieldKind::Choice(EVENT_STATUSES)))),
        detail_only(field("response", FieldKind::Text { max: 1000 })),
        detail_only(field("lessons", FieldKind::Text { max: 1000 })),
        filter(field("closed_on", FieldKind::Date)),
    ],
    natural_key: Some("code"),
    title_field: "code",
    department_field: Some("department"),
    write: WriteScope::Reporters,
    default_sort: "occurred_on",
    search: &["code", "description", "related", "response", "lessons"],
    not_before: &[("reported_on", "occurred_on"), ("closed_on", "occurred_on")],
    read: ReadScope::OwnForStaff("reporter"),
    defaults: &[("department", "reporter", "department")],
    requires: &[
        Requirement::Yourself("reporter"),
        Requirement::InForceOn {
            on: "occurred_on",
            via: None,
        },
    ],
    writer_person: Some("reporter"),
    initial: &[("status", "reported"), ("reported_on", "today")],
    assessed: &[
        "person",
        "severity",
        "status",
        "response",
        "lessons",
        "closed_on",
    ],
    numbered: Some("E-"),
    validate: Some(check_event),
    repeats: Some(Repeats {
        person: "person",
        field: "cause",
        value: "human_error",
        on: "occurred_on",
        course_kind: "remedial",
    }),
    ..REGISTER
};

pub const ACTION_SOURCES: &[&str] = &[
    "event",
    "finding",
    "complaint",
    "management_review",
    "meeting",
    "drill",
];

/// 是正処置: what is done about an event, a finding, a complaint, a management review's output or a
/// meeting's decision: the root cause, the action, who owns it and by when, its completion and the
/// check of its effectiveness. An action past its due date and not completed is overdue.
pub static CORRECTIVE_ACTIONS: Register = Register {
    code: "corrective_action",
    collection: "corrective-actions",
    table: "corrective_actions",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field("source", FieldKind::Choice(ACTION_SOURCES)))),
        filter(field("event", FieldKind::Ref("security-events"))),
        filter(field("finding", FieldKind::Ref("findings"))),
        filter(field("complaint", FieldKind::Ref("complaints"))),
        filter(field("review_output", FieldKind::Ref("review-outputs"))),
        filter(field("meeting", FieldKind::Ref("meetings"))),
        filter(field("drill", FieldKind::Ref("drills"))),
        required(field("title", FieldKind::Text { max: 200 })),
        filter(field("department", FieldKind::Ref("departments"))),
        detail_only(field("root_cause", FieldKind::Text { max: 1000 })),
        detail_only(field("action", FieldKind::Text { max: 1000 })),
        filter(field("owner", FieldKind::Ref("people"))),
        filter(required(field("due_on", FieldKind::Date))),
        filter(field("completed_on", FieldKind::Date)),
        filter(field("checked_on", FieldKind::Date)),
        filter(field("effective", FieldKind::Choice(YES_NO))),
        detail_only(field("check_note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "title",
    department_field: Some("department"),
    write: WriteScope::SecretariatOrOwnDepartment,
    default_sort: "due_on",
    search: &["code", "title", "root_cause", "action", "check_note"],
    not_before: &[("checked_on", "completed_on")],
    defaults: &[
        ("department", "event", "department"),
        ("department", "finding", "department"),
        ("department", "complaint", "department"),
        ("department", "meeting", "department"),
    ],
    validate: Some(check_corrective_action),
    sources: Some(Sources {
        field: "source",
        refs: &[
            ("event", "event"),
            ("finding", "finding"),
            ("complaint", "complaint"),
            ("management_review", "review_output"),
            ("meeting", "meeting"),
            ("drill", "drill"),
        ],
    }),
    numbered: Some("CA-"),
    ..REGISTER
};

/// An action's effectiveness is judged once it is checked.
fn check_corrective_action(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| CORRECTIVE_ACTIONS.text(values, name);
    let mut errors = Vec::new();
    if !get("effective").is_empty() && get("checked_on").is_empty() {
        errors.push(FieldError::new("checked_on", "required"));
    }
    errors
}

/// An event's workflow runs reported → assessed → responded → closed; each step asks
/// for what it decides: an assessment its severity, a response what was done, a closing its date
/// and the lessons learned.
fn check_event(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| SECURITY_EVENTS.text(values, name);
    let step = EVENT_STATUSES
        .iter()
        .position(|s| *s == get("status"))
        .unwrap_or(0);
    let mut errors = Vec::new();
    for (from, field) in [
        (1, "severity"),
        (2, "response"),
        (3, "closed_on"),
        (3, "lessons"),
    ] {
        if step >= from && get(field).is_empty() {
            errors.push(FieldError::with(field, "needed-for-step", get("status")));
        }
    }
    if step < 3 && !get("closed_on").is_empty() {
        errors.push(FieldError::new("closed_on", "only-when-closed"));
    }
    errors
}

/// The organisation's remedial-training rule (臨時教育訓練), kept in its profile as `remedial_days`
/// and `remedial_within_days`: a person's human-error event that follows another of theirs within
/// `period_days` puts them on the remedial course, at its next session held within `within_days`
/// on or after that second event (a new session on the last of those days when none is held then).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemedialRule {
    pub period_days: i64,
    pub within_days: i64,
}

impl RemedialRule {
    /// Every organisation's rule until it sets its own: a repeat within a year, trained within a
    /// month.
    pub const DEFAULT: RemedialRule = RemedialRule {
        period_days: 365,
        within_days: 30,
    };
    pub const PERIOD_DAYS: std::ops::RangeInclusive<i64> = 1..=3650;
    pub const WITHIN_DAYS: std::ops::RangeInclusive<i64> = 1..=365;

    /// The rule an organisation's profile sets; a value missing or out of range keeps the default.
    pub fn of(profile: &serde_json::Value) -> RemedialRule {
        let read = |key: &str, range: std::ops::RangeInclusive<i64>, default: i64| {
            profile
                .get(key)
                .and_then(serde_json::Value::as_i64)
                .filter(|d| range.contains(d))
                .unwrap_or(default)
        };
        RemedialRule {
            period_days: read(
                "remedial_days",
                Self::PERIOD_DAYS,
                Self::DEFAULT.period_days,
            ),
            within_days: read(
                "remedial_within_days",
                Self::WITHIN_DAYS,
                Self::DEFAULT.within_days,
            ),
        }
    }

    /// A rule from the numbers a person typed, each checked against its range.
    pub fn new(period_days: i64, within_days: i64) -> Result<RemedialRule, Vec<FieldError>> {
        let mut errors = Vec::new();
        for (field, days, range) in [
            ("remedial_days", period_days, Self::PERIOD_DAYS),
            ("remedial_within_days", within_days, Self::WITHIN_DAYS),
        ] {
            if !range.contains(&days) {
                errors.push(FieldError::with(
                    field,
                    "int-range",
                    format!("{}–{}", range.start(), range.end()),
                ));
            }
        }
        if errors.is_empty() {
            Ok(RemedialRule {
                period_days,
                within_days,
            })
        } else {
            Err(errors)
        }
    }
}

pub const AUDIT_PARTIES: &[&str] = &["first", "second", "third"];
/// The kinds of audit, each of one party: internal (first); customer and regulator (second);
/// certification audits (third).
pub const AUDIT_KINDS: &[(&str, &str)] = &[
    ("internal", "first"),
    ("customer", "second"),
    ("regulator", "second"),
    ("initial_stage1", "third"),
    ("initial_stage2", "third"),
    ("surveillance_1", "third"),
    ("surveillance_2", "third"),
    ("recertification", "third"),
    ("special", "third"),
];
const AUDIT_KIND_NAMES: &[&str] = &[
    "internal",
    "customer",
    "regulator",
    "initial_stage1",
    "initial_stage2",
    "surveillance_1",
    "surveillance_2",
    "recertification",
    "special",
];
pub const AUDIT_STATUSES: &[&str] = &["planned", "done", "cancelled"];

/// 監査: an internal audit of a department (the programme is the year's planned audits), a customer's
/// or regulator's audit (possibly unannounced), or a certification body's audit of a certificate.
pub static AUDITS: Register = Register {
    code: "audit",
    collection: "audits",
    table: "audits",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field("party", FieldKind::Choice(AUDIT_PARTIES)))),
        filter(required(field("kind", FieldKind::Choice(AUDIT_KIND_NAMES)))),
        filter(required(field("started_on", FieldKind::Date))),
        detail_only(field("ended_on", FieldKind::Date)),
        detail_only(field("time_from", FieldKind::Text { max: 5 })),
        detail_only(field("time_to", FieldKind::Text { max: 5 })),
        filter(field("department", FieldKind::Ref("departments"))),
        filter(field("auditor", FieldKind::Ref("people"))),
        field("auditing_body", FieldKind::Text { max: 200 }),
        detail_only(field("auditors", FieldKind::Int { min: 1, max: 100 })),
        filter(field("unannounced", FieldKind::Choice(YES_NO))),
        filter(field("certificate", FieldKind::Ref("certificates"))),
        filter(required(field("status", FieldKind::Choice(AUDIT_STATUSES)))),
        detail_only(field("scope", FieldKind::Text { max: 1000 })),
        detail_only(field("summary", FieldKind::Text { max: 2000 })),
    ],
    natural_key: Some("code"),
    title_field: "code",
    default_sort: "started_on",
    search: &["code", "auditing_body", "scope", "summary"],
    not_before: &[("ended_on", "started_on")],
    requires: &[Requirement::NotOwnDepartment {
        person: "auditor",
        department: "department",
    }],
    initial: &[("status", "planned")],
    validate: Some(check_audit),
    numbered: Some("AU-"),
    ..REGISTER
};

/// A kind belongs to its party; an internal audit names the department and its auditor, a second or
/// third party's the auditing organisation; a time range is `HH:MM`, the end after the start.
fn check_audit(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| AUDITS.text(values, name);
    let mut errors = Vec::new();
    let party = get("party");
    if let Some((_, p)) = AUDIT_KINDS.iter().find(|(k, _)| *k == get("kind"))
        && !party.is_empty()
        && *p != party
    {
        errors.push(FieldError::with("kind", "wrong-party", *p));
    }
    let needed: &[&str] = match party.as_str() {
        "first" => &["department", "auditor"],
        "second" | "third" => &["auditing_body"],
        _ => &[],
    };
    for f in needed {
        if get(f).is_empty() {
            errors.push(FieldError::new(f, "required"));
        }
    }
    let minutes = |f: &str| -> Option<Option<u32>> {
        let t = get(f);
        if t.is_empty() {
            return Some(None);
        }
        let (h, m) = t.split_once(':')?;
        let (h, m) = (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
        (h < 24 && m < 60 && m.to_string().len() <= 2).then_some(Some(h * 60 + m))
    };
    let (from, to) = (minutes("time_from"), minutes("time_to"));
    for (f, v) in [("time_from", from), ("time_to", to)] {
        if v.is_none() {
            errors.push(FieldError::new(f, "invalid-time"));
        }
    }
    if let (Some(Some(a)), Some(Some(b))) = (from, to)
        && b < a
    {
        errors.push(FieldError::with("time_to", "not-before", "time_from"));
    }
    errors
}

pub const FINDING_GRADES: &[&str] = &["major", "minor", "observation", "improvement"];
/// The grades that are nonconformities: each asks for correction (是正要求).
pub const NONCONFORMITIES: &[&str] = &["major", "minor"];
pub const OPEN_CLOSED: &[&str] = &["open", "closed"];

/// 指摘事項: what an audit found in a department, graded, with the clause or control it concerns; a
/// nonconformity is a corrective request (是正要求) and its corrective action refers to it.
pub static FINDINGS: Register = Register {
    code: "finding",
    collection: "findings",
    table: "findings",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field("audit", FieldKind::Ref("audits")))),
        filter(required(field("grade", FieldKind::Choice(FINDING_GRADES)))),
        filter(field("department", FieldKind::Ref("departments"))),
        field("reference", FieldKind::Text { max: 50 }),
        required(field("description", FieldKind::Text { max: 1000 })),
        filter(required(field("status", FieldKind::Choice(OPEN_CLOSED)))),
        filter(field("closed_on", FieldKind::Date)),
    ],
    natural_key: Some("code"),
    title_field: "code",
    default_sort: "code",
    search: &["code", "reference", "description"],
    defaults: &[("department", "audit", "department")],
    initial: &[("status", "open")],
    validate: Some(check_finding),
    numbered: Some("F-"),
    ..REGISTER
};

/// A closed finding has its closing date; an open one has none.
fn check_finding(values: &[Value]) -> Vec<FieldError> {
    let status = FINDINGS.text(values, "status");
    let closed = !FINDINGS.text(values, "closed_on").is_empty();
    match (status.as_str(), closed) {
        ("closed", false) => vec![FieldError::with("closed_on", "needed-for-step", status)],
        ("open", true) => vec![FieldError::new("closed_on", "only-when-closed")],
        _ => Vec::new(),
    }
}

pub const COMPLAINT_KINDS: &[&str] = &["claim", "complaint"];

/// 苦情・クレーム: what a customer or another party raised, its response and closing.
pub static COMPLAINTS: Register = Register {
    code: "complaint",
    collection: "complaints",
    table: "complaints",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field("received_on", FieldKind::Date))),
        required(field("from_whom", FieldKind::Text { max: 200 })),
        filter(field("department", FieldKind::Ref("departments"))),
        filter(required(field("kind", FieldKind::Choice(COMPLAINT_KINDS)))),
        required(field("content", FieldKind::Text { max: 1000 })),
        detail_only(field("response", FieldKind::Text { max: 1000 })),
        filter(field("closed_on", FieldKind::Date)),
    ],
    natural_key: Some("code"),
    title_field: "code",
    department_field: Some("department"),
    write: WriteScope::SecretariatOrOwnDepartment,
    default_sort: "received_on",
    search: &["code", "from_whom", "content", "response"],
    not_before: &[("closed_on", "received_on")],
    numbered: Some("CP-"),
    ..REGISTER
};

pub const MANAGEMENT_SYSTEMS: &[&str] = &["isms", "pms", "qms", "ems", "itsms", "bcms", "other"];

/// 認証: a certificate of a management system: what it covers, since when, who certified it (the
/// certification body, 認証機関) and who accredited that body (the accreditation body, 認定機関).
pub static CERTIFICATES: Register = Register {
    code: "certificate",
    collection: "certificates",
    table: "certificates",
    fields: &[
        unique(field("registration_no", FieldKind::Text { max: 40 })),
        filter(required(field(
            "management_system",
            FieldKind::Choice(MANAGEMENT_SYSTEMS),
        ))),
        required(field("standard", FieldKind::Text { max: 100 })),
        detail_only(required(field("scope", FieldKind::Text { max: 1000 }))),
        required(field("first_registered_on", FieldKind::Date)),
        field("valid_from", FieldKind::Date),
        field("valid_to", FieldKind::Date),
        required(field("certification_body", FieldKind::Text { max: 200 })),
        required(field("accreditation_body", FieldKind::Text { max: 200 })),
    ],
    natural_key: Some("registration_no"),
    title_field: "registration_no",
    default_sort: "first_registered_on",
    search: &[
        "registration_no",
        "standard",
        "scope",
        "certification_body",
        "accreditation_body",
    ],
    not_before: &[
        ("valid_to", "valid_from"),
        ("valid_from", "first_registered_on"),
    ],
    validate: Some(check_certificate),
    ..REGISTER
};

/// The certification body and the accreditation body are two organisations.
fn check_certificate(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| CERTIFICATES.text(values, name).to_lowercase();
    let (c, a) = (get("certification_body"), get("accreditation_body"));
    if !c.is_empty() && c == a {
        vec![FieldError::new("accreditation_body", "same-body")]
    } else {
        Vec::new()
    }
}

/// マネジメントレビュー: when top management reviewed the ISMS (a date, and a period such as
/// 2018年3月期) and who attended; its inputs and outputs are records of their own, counted.
pub static MANAGEMENT_REVIEWS: Register = Register {
    code: "management_review",
    collection: "management-reviews",
    table: "management_reviews",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        required(field("period", FieldKind::Text { max: 50 })),
        filter(required(field("held_on", FieldKind::Date))),
        detail_only(field("attendees", FieldKind::Text { max: 500 })),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "period",
    default_sort: "held_on",
    search: &["code", "period", "attendees", "note"],
    numbered: Some("MR-"),
    ..REGISTER
};

/// The inputs of ISO/IEC 27001:2022 9.3.2 a)–g), d) in its four parts.
pub const REVIEW_INPUT_CATEGORIES: &[&str] = &[
    "previous_actions",
    "issue_changes",
    "party_need_changes",
    "nonconformities",
    "monitoring",
    "audit_results",
    "objectives",
    "party_feedback",
    "risk_results",
    "improvement",
];

/// A management review's input, by its 9.3.2 category.
pub static REVIEW_INPUTS: Register = Register {
    code: "review_input",
    collection: "review-inputs",
    table: "review_inputs",
    fields: &[
        filter(required(field(
            "review",
            FieldKind::Ref("management-reviews"),
        ))),
        filter(required(field(
            "category",
            FieldKind::Choice(REVIEW_INPUT_CATEGORIES),
        ))),
        required(field("content", FieldKind::Text { max: 1000 })),
    ],
    title_field: "category",
    default_sort: "review",
    search: &["content"],
    ..REGISTER
};

pub const REVIEW_OUTPUT_KINDS: &[&str] = &["decision", "change", "resource_need", "improvement"];

/// A management review's output: a decision, a change to the ISMS, a resource need or an
/// improvement; a corrective action or an objective may come from it.
pub static REVIEW_OUTPUTS: Register = Register {
    code: "review_output",
    collection: "review-outputs",
    table: "review_outputs",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field(
            "review",
            FieldKind::Ref("management-reviews"),
        ))),
        filter(required(field(
            "kind",
            FieldKind::Choice(REVIEW_OUTPUT_KINDS),
        ))),
        required(field("content", FieldKind::Text { max: 1000 })),
        filter(field("owner", FieldKind::Ref("people"))),
        filter(field("due_on", FieldKind::Date)),
    ],
    natural_key: Some("code"),
    title_field: "code",
    default_sort: "code",
    search: &["code", "content"],
    numbered: Some("RO-"),
    ..REGISTER
};

pub const MEETING_KINDS: &[&str] = &["secretariat", "department", "other"];

/// 会議: the secretariat's monthly meeting or a department's, its attendees, agenda and minutes;
/// its agenda items, decisions and action items are records of their own. Minutes are published as
/// a notice.
pub static MEETINGS: Register = Register {
    code: "meeting",
    collection: "meetings",
    table: "meetings",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field("kind", FieldKind::Choice(MEETING_KINDS)))),
        filter(field("department", FieldKind::Ref("departments"))),
        filter(required(field("held_on", FieldKind::Date))),
        required(field("title", FieldKind::Text { max: 200 })),
        detail_only(field("attendees", FieldKind::Text { max: 500 })),
        detail_only(field("minutes", FieldKind::Text { max: 2000 })),
    ],
    natural_key: Some("code"),
    title_field: "title",
    department_field: Some("department"),
    write: WriteScope::SecretariatOrOwnDepartment,
    default_sort: "held_on",
    search: &["code", "title", "attendees", "minutes"],
    numbered: Some("MT-"),
    ..REGISTER
};

pub const MEETING_ITEM_KINDS: &[&str] = &["agenda", "decision", "action"];

/// A meeting's agenda item, decision or action item (with its owner and due date); it may concern
/// a security event or a management review.
pub static MEETING_ITEMS: Register = Register {
    code: "meeting_item",
    collection: "meeting-items",
    table: "meeting_items",
    fields: &[
        filter(required(field("meeting", FieldKind::Ref("meetings")))),
        filter(required(field(
            "kind",
            FieldKind::Choice(MEETING_ITEM_KINDS),
        ))),
        required(field("content", FieldKind::Text { max: 1000 })),
        filter(field("event", FieldKind::Ref("security-events"))),
        filter(field("review", FieldKind::Ref("management-reviews"))),
        filter(field("risk", FieldKind::Ref("risks"))),
        filter(field("owner", FieldKind::Ref("people"))),
        filter(field("due_on", FieldKind::Date)),
        filter(field("done_on", FieldKind::Date)),
    ],
    title_field: "kind",
    default_sort: "meeting",
    search: &["content"],
    validate: Some(check_meeting_item),
    ..REGISTER
};

/// An action item names its owner and due date.
fn check_meeting_item(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| MEETING_ITEMS.text(values, name);
    if get("kind") != "action" {
        return Vec::new();
    }
    ["owner", "due_on"]
        .iter()
        .filter(|f| get(f).is_empty())
        .map(|f| FieldError::new(f, "required"))
        .collect()
}

pub const NOTICE_KINDS: &[&str] = &["alert", "minutes", "incident", "risk", "general"];
pub const NOTICE_AUDIENCES: &[&str] = &["everyone", "department"];

/// 電子掲示板: a security alert, minutes or incident information for everyone or one department;
/// each reader acknowledges it (`NOTICE_READS`), and sees what they have not yet read.
pub static NOTICES: Register = Register {
    code: "notice",
    collection: "notices",
    table: "notices",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field("kind", FieldKind::Choice(NOTICE_KINDS)))),
        required(field("title", FieldKind::Text { max: 200 })),
        detail_only(required(field("body", FieldKind::Text { max: 2000 }))),
        filter(required(field(
            "audience",
            FieldKind::Choice(NOTICE_AUDIENCES),
        ))),
        filter(field("department", FieldKind::Ref("departments"))),
        filter(required(field("published_on", FieldKind::Date))),
        filter(field("meeting", FieldKind::Ref("meetings"))),
        filter(field("event", FieldKind::Ref("security-events"))),
    ],
    natural_key: Some("code"),
    title_field: "title",
    department_field: Some("department"),
    write: WriteScope::SecretariatOrOwnDepartment,
    default_sort: "published_on",
    search: &["code", "title", "body"],
    initial: &[("published_on", "today"), ("audience", "everyone")],
    validate: Some(check_notice),
    numbered: Some("N-"),
    ..REGISTER
};

/// A notice for a department names it; a notice for everyone names none.
fn check_notice(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| NOTICES.text(values, name);
    match (get("audience").as_str(), get("department").is_empty()) {
        ("department", true) => vec![FieldError::new("department", "required")],
        ("everyone", false) => vec![FieldError::new("department", "only-for-department")],
        _ => Vec::new(),
    }
}

/// 既読: a reader's acknowledgement of a notice, written by acknowledging it.
pub static NOTICE_READS: Register = Register {
    code: "notice_read",
    collection: "notice-reads",
    table: "notice_reads",
    fields: &[
        filter(required(field("notice", FieldKind::Ref("notices")))),
        filter(required(field("person", FieldKind::Ref("people")))),
        filter(required(field("read_on", FieldKind::Date))),
    ],
    title_field: "person",
    write: WriteScope::Nobody,
    default_sort: "read_on",
    unique_together: &[&["notice", "person"]],
    read: ReadScope::OwnForStaff("person"),
    ..REGISTER
};

/// 情報セキュリティ目標: a fiscal year's objective, its metric and numeric target, how it is measured,
/// who owns it, its results per period (`OBJECTIVE_RESULTS`) and the evaluation. Its yearly result
/// (the results of its fiscal year taken together as `aggregation` says) and whether that achieves
/// the target (by `comparison`) are computed (see `objective`). One without a numeric target is
/// warned about: the policy promises quantified ones.
pub static OBJECTIVES: Register = Register {
    code: "objective",
    collection: "objectives",
    table: "objectives",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field(
            "fiscal_year",
            FieldKind::Int {
                min: 1990,
                max: 2100,
            },
        ))),
        required(field("title", FieldKind::Text { max: 200 })),
        detail_only(field("metric", FieldKind::Text { max: 200 })),
        field("target_value", FieldKind::Text { max: 30 }),
        field("unit", FieldKind::Text { max: 20 }),
        detail_only(required(field(
            "comparison",
            FieldKind::Choice(objective::COMPARISONS),
        ))),
        detail_only(required(field(
            "aggregation",
            FieldKind::Choice(objective::AGGREGATIONS),
        ))),
        detail_only(field("method", FieldKind::Text { max: 500 })),
        filter(field("owner", FieldKind::Ref("people"))),
        filter(field("department", FieldKind::Ref("departments"))),
        field("result", FieldKind::Text { max: 30 }),
        filter(field("achieved", FieldKind::Choice(YES_NO))),
        detail_only(field("evaluation", FieldKind::Text { max: 1000 })),
        filter(field("review_output", FieldKind::Ref("review-outputs"))),
    ],
    natural_key: Some("code"),
    title_field: "title",
    default_sort: "fiscal_year",
    search: &["code", "title", "metric", "method", "evaluation"],
    validate: Some(check_objective),
    warn: Some(warn_objective),
    numbered: Some("OB-"),
    initial: &[("comparison", "at_least"), ("aggregation", "latest")],
    computed: &["result", "achieved"],
    ..REGISTER
};

/// A number as people write one: `95`, `95.5`, `1,000`, `-3`; `%` and the unit go in `unit`.
pub fn parse_number(s: &str) -> Option<f64> {
    let s = s.replace(',', "");
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

fn number_error(values: &[Value], at: Option<usize>, field: &str) -> Vec<FieldError> {
    match at.and_then(|i| values.get(i)) {
        Some(Value::Text(t)) if parse_number(t).is_none() => {
            vec![FieldError::new(field, "not-a-number")]
        }
        _ => Vec::new(),
    }
}

/// A target, when given, is a number.
fn check_objective(values: &[Value]) -> Vec<FieldError> {
    number_error(values, OBJECTIVES.position("target_value"), "target_value")
}

/// An objective without a numeric target cannot be judged achieved.
fn warn_objective(values: &[Value]) -> Vec<FieldError> {
    match OBJECTIVES
        .position("target_value")
        .and_then(|i| values.get(i))
    {
        Some(Value::Null) | None => vec![FieldError::new("target_value", "no-numeric-target")],
        _ => Vec::new(),
    }
}

/// A measurement of an objective for a period (a month, a half year).
pub static OBJECTIVE_RESULTS: Register = Register {
    code: "objective_result",
    collection: "objective-results",
    table: "objective_results",
    fields: &[
        filter(required(field("objective", FieldKind::Ref("objectives")))),
        required(field("period", FieldKind::Text { max: 50 })),
        filter(required(field("measured_on", FieldKind::Date))),
        required(field("value", FieldKind::Text { max: 30 })),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    title_field: "period",
    default_sort: "measured_on",
    search: &["period", "note"],
    validate: Some(check_result),
    ..REGISTER
};

fn check_result(values: &[Value]) -> Vec<FieldError> {
    number_error(values, OBJECTIVE_RESULTS.position("value"), "value")
}

pub const REQUIREMENT_KINDS: &[&str] = &["law", "regulation", "contract", "standard", "other"];
/// `reference`: from Mamori's starter list, for the organisation to confirm.
pub const REQUIREMENT_STATUSES: &[&str] = &["reference", "confirmed", "not_applicable"];

/// 要求事項一覧表: a law, regulation, contract or other requirement, its obligations and owner; its
/// yearly reviews and amendments are records of their own.
pub static REQUIREMENTS: Register = Register {
    code: "requirement",
    collection: "requirements",
    table: "requirements",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field(
            "kind",
            FieldKind::Choice(REQUIREMENT_KINDS),
        ))),
        required(field("name", FieldKind::Text { max: 200 })),
        detail_only(field("obligations", FieldKind::Text { max: 2000 })),
        filter(field("owner", FieldKind::Ref("people"))),
        filter(field("department", FieldKind::Ref("departments"))),
        filter(required(field(
            "status",
            FieldKind::Choice(REQUIREMENT_STATUSES),
        ))),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "name",
    default_sort: "code",
    search: &["code", "name", "obligations", "note"],
    unique_together: &[&["name"]],
    initial: &[("status", "confirmed")],
    numbered: Some("RQ-"),
    ..REGISTER
};

/// A yearly review of a requirement: when, by whom, what was found and whether action is needed.
pub static REQUIREMENT_REVIEWS: Register = Register {
    code: "requirement_review",
    collection: "requirement-reviews",
    table: "requirement_reviews",
    fields: &[
        filter(required(field(
            "requirement",
            FieldKind::Ref("requirements"),
        ))),
        filter(required(field("reviewed_on", FieldKind::Date))),
        filter(field("reviewer", FieldKind::Ref("people"))),
        required(field("result", FieldKind::Text { max: 1000 })),
        filter(field("action_needed", FieldKind::Choice(YES_NO))),
    ],
    title_field: "reviewed_on",
    default_sort: "reviewed_on",
    search: &["result"],
    ..REGISTER
};

/// `pending`: the amendment still asks for a review decision.
pub const LAW_CHANGE_DECISIONS: &[&str] = &["pending", "acted", "no_action"];

/// 法令改正: an amendment of a law (法令名 by its requirement), its effective date (施行期日), main
/// changes (主な改正点) and what the review decided (見直し内容). One effective within the fiscal year
/// and still pending is listed for a decision; one acted on is counted in the yearly report.
pub static LAW_CHANGES: Register = Register {
    code: "law_change",
    collection: "law-changes",
    table: "law_changes",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field(
            "requirement",
            FieldKind::Ref("requirements"),
        ))),
        filter(required(field("effective_on", FieldKind::Date))),
        required(field("summary", FieldKind::Text { max: 1000 })),
        detail_only(field("review", FieldKind::Text { max: 1000 })),
        filter(required(field(
            "decision",
            FieldKind::Choice(LAW_CHANGE_DECISIONS),
        ))),
        filter(field("decided_on", FieldKind::Date)),
    ],
    natural_key: Some("code"),
    title_field: "code",
    default_sort: "effective_on",
    search: &["code", "summary", "review"],
    initial: &[("decision", "pending")],
    validate: Some(check_law_change),
    numbered: Some("LC-"),
    ..REGISTER
};

/// A decision has its date and what the review found; a pending change has neither date nor decision.
fn check_law_change(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| LAW_CHANGES.text(values, name);
    let decision = get("decision");
    let mut errors = Vec::new();
    if !decision.is_empty() && decision != "pending" {
        for f in ["decided_on", "review"] {
            if get(f).is_empty() {
                errors.push(FieldError::with(f, "needed-for-step", decision.clone()));
            }
        }
    }
    errors
}

pub const CONTROL_SOURCES: &[&str] = &["annex_a_2022", "custom"];
pub const CONTROL_THEMES: &[&str] = &["organizational", "people", "physical", "technological"];

/// 管理策: the ISO/IEC 27001:2022 Annex A catalogue (ids, themes, English titles; the Japanese title is
/// the organisation's own, from its JIS copy) and the organisation's custom controls. `ordinal` keeps the
/// catalogue's order (A.5.2 before A.5.10).
pub static CONTROLS: Register = Register {
    code: "control",
    collection: "controls",
    table: "controls",
    fields: &[
        unique(field("code", FieldKind::Text { max: 20 })),
        detail_only(field("ordinal", FieldKind::Int { min: 1, max: 9999 })),
        filter(required(field(
            "source",
            FieldKind::Choice(CONTROL_SOURCES),
        ))),
        filter(field("theme", FieldKind::Choice(CONTROL_THEMES))),
        required(field("title", FieldKind::Text { max: 200 })),
        field("title_ja", FieldKind::Text { max: 200 }),
        field("predecessors_2013", FieldKind::Text { max: 200 }),
        filter(field("new_in_2022", FieldKind::Choice(YES_NO))),
        detail_only(field("description", FieldKind::Text { max: 2000 })),
    ],
    natural_key: Some("code"),
    title_field: "title",
    default_sort: "ordinal",
    search: &[
        "code",
        "title",
        "title_ja",
        "predecessors_2013",
        "description",
    ],
    initial: &[("source", "custom")],
    validate: Some(check_control),
    ..REGISTER
};

/// An Annex A control is named `A.5.1` … `A.8.34` under its theme; a custom control takes no name
/// of the catalogue's form, so the two never meet.
fn check_control(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| CONTROLS.text(values, name);
    let code = get("code");
    let annex = |c: &str| -> Option<(u32, u32)> {
        let rest = c.strip_prefix("A.")?;
        let (a, b) = rest.split_once('.')?;
        Some((a.parse().ok()?, b.parse().ok()?))
    };
    let error = match (get("source").as_str(), annex(&code)) {
        ("annex_a_2022", Some((5..=8, 1..))) if get("theme").is_empty() => {
            Some(FieldError::new("theme", "required"))
        }
        ("annex_a_2022", Some((5..=8, 1..))) => None,
        ("annex_a_2022", _) if !code.is_empty() => Some(FieldError::new("code", "not-annex-a")),
        ("custom", _) if code.starts_with("A.") => {
            Some(FieldError::new("code", "reserved-for-annex-a"))
        }
        _ => None,
    };
    error.into_iter().collect()
}

/// The ISO/IEC 27001:2013 Annex A controls and where each went in 2022, so that records kept against
/// the 2013 ids can be found.
pub static CONTROLS_2013: Register = Register {
    code: "control_2013",
    collection: "controls-2013",
    table: "controls_2013",
    fields: &[
        unique(field("code", FieldKind::Text { max: 20 })),
        detail_only(field("ordinal", FieldKind::Int { min: 1, max: 9999 })),
        required(field("title", FieldKind::Text { max: 200 })),
        required(field("ids_2022", FieldKind::Text { max: 100 })),
    ],
    natural_key: Some("code"),
    title_field: "title",
    default_sort: "ordinal",
    search: &["code", "title", "ids_2022"],
    ..REGISTER
};

pub const REVIEW_SOURCES: &[&str] = &["news", "ipa", "jpcert", "vendor", "other"];
pub const REVIEW_DECISIONS: &[&str] = &["pending", "implement", "no_action"];

/// 社外インシデント検討: an incident elsewhere (in the news, IPA's 10大脅威, a JPCERT/CC alert, a vendor's
/// advisory), the meeting that reviewed it and whether something was implemented. Counted per
/// fiscal year, with the implemented ones (5.2(3) of the report).
pub static EXTERNAL_INCIDENT_REVIEWS: Register = Register {
    code: "external_incident_review",
    collection: "external-incident-reviews",
    table: "external_incident_reviews",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field("source", FieldKind::Choice(REVIEW_SOURCES)))),
        field("source_on", FieldKind::Date),
        required(field("summary", FieldKind::Text { max: 1000 })),
        filter(field("meeting", FieldKind::Ref("meetings"))),
        filter(required(field("reviewed_on", FieldKind::Date))),
        filter(required(field(
            "decision",
            FieldKind::Choice(REVIEW_DECISIONS),
        ))),
        detail_only(field("implemented", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "summary",
    default_sort: "reviewed_on",
    search: &["code", "summary", "implemented"],
    not_before: &[("reviewed_on", "source_on")],
    initial: &[("decision", "pending")],
    validate: Some(check_external_review),
    numbered: Some("XR-"),
    ..REGISTER
};

/// What was implemented is written down when the decision is to implement.
fn check_external_review(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| EXTERNAL_INCIDENT_REVIEWS.text(values, name);
    if get("decision") == "implement" && get("implemented").is_empty() {
        vec![FieldError::with(
            "implemented",
            "needed-for-step",
            "implement",
        )]
    } else {
        Vec::new()
    }
}

pub const CHANGE_KINDS: &[&str] = &["new_business", "new_critical_asset", "other"];

/// 新たな業務開始・重要資産の取得: a risk assessment a change asked for (a new business, a new critical
/// asset), and whether the controls were confirmed. Counted per fiscal year (5.2(5)).
pub static CHANGE_ASSESSMENTS: Register = Register {
    code: "change_assessment",
    collection: "change-assessments",
    table: "change_assessments",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field("assessed_on", FieldKind::Date))),
        filter(required(field(
            "change_kind",
            FieldKind::Choice(CHANGE_KINDS),
        ))),
        filter(field("department", FieldKind::Ref("departments"))),
        required(field("description", FieldKind::Text { max: 1000 })),
        detail_only(field("assessment", FieldKind::Text { max: 2000 })),
        filter(field("controls_confirmed", FieldKind::Choice(YES_NO))),
    ],
    natural_key: Some("code"),
    title_field: "description",
    default_sort: "assessed_on",
    search: &["code", "description", "assessment"],
    numbered: Some("CH-"),
    ..REGISTER
};

pub const RELAXATION_DECISIONS: &[&str] = &["pending", "relax", "keep"];

/// 管理策の過剰による緩和: a control found excessive, the reason, the risk assessed again, and the
/// decision with its approver. Counted per fiscal year, with the relaxed ones (5.2(4)).
pub static RELAXATION_REVIEWS: Register = Register {
    code: "relaxation_review",
    collection: "relaxation-reviews",
    table: "relaxation_reviews",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field("reviewed_on", FieldKind::Date))),
        filter(required(field("control", FieldKind::Ref("controls")))),
        required(field("reason", FieldKind::Text { max: 1000 })),
        detail_only(field("reassessment", FieldKind::Text { max: 2000 })),
        filter(required(field(
            "decision",
            FieldKind::Choice(RELAXATION_DECISIONS),
        ))),
        filter(field("approver", FieldKind::Ref("people"))),
        field("decided_on", FieldKind::Date),
    ],
    natural_key: Some("code"),
    title_field: "code",
    default_sort: "reviewed_on",
    search: &["code", "reason", "reassessment"],
    not_before: &[("decided_on", "reviewed_on")],
    initial: &[("decision", "pending")],
    validate: Some(check_relaxation),
    numbered: Some("RX-"),
    ..REGISTER
};

/// A decision names who approved it and when.
fn check_relaxation(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| RELAXATION_REVIEWS.text(values, name);
    let decision = get("decision");
    if decision.is_empty() || decision == "pending" {
        return Vec::new();
    }
    ["approver", "decided_on"]
        .iter()
        .filter(|f| get(f).is_empty())
        .map(|f| FieldError::with(f, "needed-for-step", decision.clone()))
        .collect()
}

pub const RULE_KINDS: &[&str] = &["policy", "rule", "procedure", "form"];

/// 規程・手順書: the organisation's policies, rules and procedures. The version, revision date and
/// approver shown are the latest revision's; the controls a rule implements are linked in
/// `RULE_CONTROLS`.
pub static INTERNAL_RULES: Register = Register {
    code: "internal_rule",
    collection: "internal-rules",
    table: "internal_rules",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        required(field("title", FieldKind::Text { max: 200 })),
        filter(required(field("kind", FieldKind::Choice(RULE_KINDS)))),
        filter(field("department", FieldKind::Ref("departments"))),
        field("version", FieldKind::Text { max: 20 }),
        filter(field("revised_on", FieldKind::Date)),
        filter(field("approver", FieldKind::Ref("people"))),
        field("approved_on", FieldKind::Date),
        detail_only(field("location", FieldKind::Text { max: 500 })),
        detail_only(field("summary", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "title",
    default_sort: "code",
    search: &["code", "title", "summary", "location"],
    numbered: Some("RL-"),
    ..REGISTER
};

/// 改訂履歴: one revision of a rule (版, 改訂日, 改訂内容, 承認者). A revision without an approver is a
/// draft. The latest revision stamps its rule.
pub static RULE_REVISIONS: Register = Register {
    code: "rule_revision",
    collection: "rule-revisions",
    table: "rule_revisions",
    fields: &[
        filter(required(field("rule", FieldKind::Ref("internal-rules")))),
        required(field("version", FieldKind::Text { max: 20 })),
        filter(required(field("revised_on", FieldKind::Date))),
        required(field("content", FieldKind::Text { max: 1000 })),
        filter(field("approver", FieldKind::Ref("people"))),
        field("approved_on", FieldKind::Date),
    ],
    title_field: "version",
    default_sort: "revised_on",
    search: &["version", "content"],
    unique_together: &[&["rule", "version"]],
    validate: Some(check_revision),
    stamps: Some(Stamps {
        via: "rule",
        order: "revised_on",
        fields: &[
            ("version", "version"),
            ("revised_on", "revised_on"),
            ("approver", "approver"),
            ("approved_on", "approved_on"),
        ],
    }),
    ..REGISTER
};

/// An approval names its approver and date together.
fn check_revision(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| RULE_REVISIONS.text(values, name);
    both_or_neither(
        &get("approver"),
        &get("approved_on"),
        "approver",
        "approved_on",
    )
}

fn both_or_neither(a: &str, b: &str, a_name: &str, b_name: &str) -> Vec<FieldError> {
    match (a.is_empty(), b.is_empty()) {
        (false, true) => vec![FieldError::new(b_name, "required")],
        (true, false) => vec![FieldError::new(a_name, "required")],
        _ => Vec::new(),
    }
}

/// Which controls a rule implements.
pub static RULE_CONTROLS: Register = Register {
    code: "rule_control",
    collection: "rule-controls",
    table: "rule_controls",
    fields: &[
        filter(required(field("rule", FieldKind::Ref("internal-rules")))),
        filter(required(field("control", FieldKind::Ref("controls")))),
        field("note", FieldKind::Text { max: 500 }),
    ],
    title_field: "control",
    default_sort: "rule",
    search: &["note"],
    unique_together: &[&["rule", "control"]],
    ..REGISTER
};

pub const TREATMENTS: &[&str] = &["modify", "retain", "avoid", "share"];
pub const RISK_STATUSES: &[&str] = &["proposed", "assessed", "treating", "accepted", "closed"];

/// リスク: a risk to an asset or a group of assets, from a threat exploiting a vulnerability, rated
/// on the organisation's method, with its treatment, the residual risk and its owner's acceptance.
/// A risk staff must know is briefed in a notice, whose reads are tracked. A new asset, or one whose
/// classification changes, gets a risk proposed (status `proposed`).
pub static RISKS: Register = Register {
    code: "risk",
    collection: "risks",
    table: "risks",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(field("asset", FieldKind::Ref("assets"))),
        field("asset_group", FieldKind::Text { max: 200 }),
        filter(field("department", FieldKind::Ref("departments"))),
        field("threat", FieldKind::Text { max: 500 }),
        detail_only(field("vulnerability", FieldKind::Text { max: 500 })),
        detail_only(field("existing_controls", FieldKind::Text { max: 1000 })),
        detail_only(field("likelihood", FieldKind::Scale(Scale::Likelihood))),
        detail_only(field("impact", FieldKind::Scale(Scale::Impact))),
        filter(field("level", FieldKind::Scale(Scale::Level))),
        filter(field("treatment", FieldKind::Choice(TREATMENTS))),
        detail_only(field("plan", FieldKind::Text { max: 1000 })),
        detail_only(filter(field("owner", FieldKind::Ref("people")))),
        detail_only(filter(field("due_on", FieldKind::Date))),
        detail_only(field(
            "residual_likelihood",
            FieldKind::Scale(Scale::Likelihood),
        )),
        detail_only(field("residual_impact", FieldKind::Scale(Scale::Impact))),
        filter(field("residual_level", FieldKind::Scale(Scale::Level))),
        filter(field("acceptable", FieldKind::Choice(YES_NO))),
        detail_only(field("accepted_by", FieldKind::Ref("people"))),
        detail_only(field("accepted_on", FieldKind::Date)),
        detail_only(filter(field("staff_must_know", FieldKind::Choice(YES_NO)))),
        detail_only(field("notice", FieldKind::Ref("notices"))),
        filter(required(field("status", FieldKind::Choice(RISK_STATUSES)))),
    ],
    natural_key: Some("code"),
    title_field: "threat",
    department_field: Some("department"),
    write: WriteScope::SecretariatOrOwnDepartment,
    read: ReadScope::NotStaff,
    default_sort: "code",
    search: &[
        "code",
        "asset_group",
        "threat",
        "vulnerability",
        "existing_controls",
        "plan",
    ],
    defaults: &[("department", "asset", "department")],
    initial: &[("status", "assessed")],
    validate: Some(check_risk),
    numbered: Some("R-"),
    levels: &[
        ("level", "likelihood", "impact"),
        ("residual_level", "residual_likelihood", "residual_impact"),
    ],
    acceptance: Some(("acceptable", &["level", "residual_level"])),
    computed: &["level", "residual_level", "acceptable"],
    ..REGISTER
};

/// A risk names an asset or a group; once assessed it has a threat, a vulnerability and its
/// ratings; a treatment to modify it has a plan, an owner and a due date; an accepted risk names
/// who accepted it and when; residual ratings come in pairs.
fn check_risk(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| RISKS.text(values, name);
    let mut errors = Vec::new();
    if get("asset").is_empty() && get("asset_group").is_empty() {
        errors.push(FieldError::new("asset", "asset-or-group"));
    }
    let status = get("status");
    if status != "proposed" {
        for f in ["threat", "vulnerability", "likelihood", "impact"] {
            if get(f).is_empty() {
                errors.push(FieldError::with(f, "needed-for-step", status.clone()));
            }
        }
    }
    if get("treatment") == "modify" {
        for f in ["plan", "owner", "due_on"] {
            if get(f).is_empty() {
                errors.push(FieldError::new(f, "needed-for-modify"));
            }
        }
    }
    if status == "accepted" || status == "closed" {
        for f in ["accepted_by", "accepted_on"] {
            if get(f).is_empty() {
                errors.push(FieldError::with(f, "needed-for-step", status.clone()));
            }
        }
    }
    errors.extend(both_or_neither(
        &get("accepted_by"),
        &get("accepted_on"),
        "accepted_by",
        "accepted_on",
    ));
    errors.extend(both_or_neither(
        &get("residual_likelihood"),
        &get("residual_impact"),
        "residual_likelihood",
        "residual_impact",
    ));
    errors
}

pub const CONTROL_ROLES: &[&str] = &["existing", "planned"];

/// The controls a risk relies on (existing) or its treatment adds (planned).
pub static RISK_CONTROLS: Register = Register {
    code: "risk_control",
    collection: "risk-controls",
    table: "risk_controls",
    fields: &[
        filter(required(field("risk", FieldKind::Ref("risks")))),
        filter(required(field("control", FieldKind::Ref("controls")))),
        filter(required(field("role", FieldKind::Choice(CONTROL_ROLES)))),
        field("note", FieldKind::Text { max: 500 }),
    ],
    title_field: "control",
    read: ReadScope::NotStaff,
    default_sort: "risk",
    search: &["note"],
    unique_together: &[&["risk", "control"]],
    initial: &[("role", "existing")],
    ..REGISTER
};

pub const SOA_STATUSES: &[&str] = &["implemented", "partial", "planned", "not_implemented"];

/// 適用宣言書: one line per control: applicable or not, why, how far it is implemented and the
/// evidence. Its rules and risks are those linked to the control; its revision history is its
/// record's history.
pub static SOA_ENTRIES: Register = Register {
    code: "soa_entry",
    collection: "soa-entries",
    table: "soa_entries",
    fields: &[
        filter(required(field("control", FieldKind::Ref("controls")))),
        filter(required(field("applicable", FieldKind::Choice(YES_NO)))),
        required(field("justification", FieldKind::Text { max: 1000 })),
        filter(field("status", FieldKind::Choice(SOA_STATUSES))),
        filter(field("department", FieldKind::Ref("departments"))),
        detail_only(field("evidence", FieldKind::Text { max: 1000 })),
        filter(field("reviewed_on", FieldKind::Date)),
    ],
    title_field: "control",
    default_sort: "control",
    search: &["justification", "evidence"],
    unique_together: &[&["control"]],
    validate: Some(check_soa),
    ..REGISTER
};

/// An applicable control states its implementation; an excluded one has none.
fn check_soa(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| SOA_ENTRIES.text(values, name);
    match (get("applicable").as_str(), get("status").is_empty()) {
        ("yes", true) => vec![FieldError::new("status", "required")],
        ("no", false) => vec![FieldError::new("status", "only-when-applicable")],
        _ => Vec::new(),
    }
}

/// 事業継続計画のシナリオ: an event, its likelihood and priority, the target recovery time and the
/// procedure.
pub static CONTINUITY_SCENARIOS: Register = Register {
    code: "continuity_scenario",
    collection: "continuity-scenarios",
    table: "continuity_scenarios",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        required(field("event", FieldKind::Text { max: 200 })),
        filter(field("likelihood", FieldKind::Scale(Scale::Likelihood))),
        filter(field("priority", FieldKind::Scale(Scale::Priority))),
        required(field("target_hours", FieldKind::Int { min: 0, max: 8760 })),
        filter(field("department", FieldKind::Ref("departments"))),
        detail_only(field("procedure", FieldKind::Text { max: 2000 })),
    ],
    natural_key: Some("code"),
    title_field: "event",
    default_sort: "code",
    search: &["code", "event", "procedure"],
    numbered: Some("BC-"),
    ..REGISTER
};

/// 事業継続計画訓練: a drill of a scenario, who took part, how long recovery took and whether the
/// scenario's target was met (computed), what was found and the follow-up. A drill that misses its
/// target raises a corrective action; the previous drill's date is kept with it.
pub static DRILLS: Register = Register {
    code: "drill",
    collection: "drills",
    table: "drills",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field("held_on", FieldKind::Date))),
        filter(required(field(
            "scenario",
            FieldKind::Ref("continuity-scenarios"),
        ))),
        detail_only(field("participants", FieldKind::Text { max: 500 })),
        required(field(
            "actual_minutes",
            FieldKind::Int {
                min: 0,
                max: 525_600,
            },
        )),
        filter(field("target_met", FieldKind::Choice(YES_NO))),
        field("previous_on", FieldKind::Date),
        detail_only(field("findings", FieldKind::Text { max: 2000 })),
        detail_only(field("follow_up", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "code",
    default_sort: "held_on",
    search: &["code", "participants", "findings", "follow_up"],
    validate: Some(check_drill),
    numbered: Some("DR-"),
    computed: &["target_met", "previous_on"],
    ..REGISTER
};

/// A drill that missed its target says what follows.
fn check_drill(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| DRILLS.text(values, name);
    if get("target_met") == "no" && get("follow_up").is_empty() {
        return vec![FieldError::new("follow_up", "needed-when-missed")];
    }
    Vec::new()
}

/// 施設の選定の評価項目: the organisation's checklist for choosing a facility.
pub static FACILITY_CRITERIA: Register = Register {
    code: "facility_criterion",
    collection: "facility-criteria",
    table: "facility_criteria",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        required(field("title", FieldKind::Text { max: 200 })),
        detail_only(field("guidance", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "title",
    default_sort: "code",
    search: &["code", "title", "guidance"],
    numbered: Some("FC-"),
    ..REGISTER
};

pub const FACILITY_DECISIONS: &[&str] = &["pending", "selected", "rejected"];

/// 施設の選定: a building surveyed, scored on the checklist (the average computed from its scores)
/// and the decision.
pub static FACILITY_ASSESSMENTS: Register = Register {
    code: "facility_assessment",
    collection: "facility-assessments",
    table: "facility_assessments",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        required(field("building", FieldKind::Text { max: 200 })),
        field("address", FieldKind::Text { max: 300 }),
        filter(required(field("surveyed_on", FieldKind::Date))),
        field("average_score", FieldKind::Text { max: 10 }),
        filter(required(field(
            "decision",
            FieldKind::Choice(FACILITY_DECISIONS),
        ))),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "building",
    default_sort: "surveyed_on",
    search: &["code", "building", "address", "note"],
    initial: &[("decision", "pending")],
    numbered: Some("FA-"),
    computed: &["average_score"],
    ..REGISTER
};

/// One criterion's score (1–5) in a facility assessment.
pub static FACILITY_SCORES: Register = Register {
    code: "facility_score",
    collection: "facility-scores",
    table: "facility_scores",
    fields: &[
        filter(required(field(
            "assessment",
            FieldKind::Ref("facility-assessments"),
        ))),
        filter(required(field(
            "criterion",
            FieldKind::Ref("facility-criteria"),
        ))),
        required(field("score", FieldKind::Int { min: 1, max: 5 })),
        field("note", FieldKind::Text { max: 500 }),
    ],
    title_field: "criterion",
    default_sort: "assessment",
    search: &["note"],
    unique_together: &[&["assessment", "criterion"]],
    rollup: Some(Rollup {
        via: "assessment",
        field: "score",
        target: "average_score",
        how: RollupKind::Average,
    }),
    ..REGISTER
};

pub const IPA_PARTS: &[&str] = &["basic", "employee", "organization"];

/// The 25 questions of IPA's 5分でできる！情報セキュリティ自社診断, each with the controls it
/// concerns (Annex A ids).
pub static IPA_QUESTIONS: Register = Register {
    code: "ipa_question",
    collection: "ipa-questions",
    table: "ipa_questions",
    fields: &[
        unique(field("code", FieldKind::Text { max: 10 })),
        filter(required(field("part", FieldKind::Choice(IPA_PARTS)))),
        required(field("question", FieldKind::Text { max: 500 })),
        field("controls", FieldKind::Text { max: 200 }),
    ],
    natural_key: Some("code"),
    title_field: "question",
    default_sort: "code",
    search: &["code", "question", "controls"],
    ..REGISTER
};

/// A self-assessment: one fiscal year's answers, for the organisation or a department; its total
/// (out of 100) is computed from its answers.
pub static SELF_ASSESSMENTS: Register = Register {
    code: "self_assessment",
    collection: "self-assessments",
    table: "self_assessments",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field(
            "fiscal_year",
            FieldKind::Int {
                min: 1990,
                max: 2100,
            },
        ))),
        filter(field("department", FieldKind::Ref("departments"))),
        filter(required(field("answered_on", FieldKind::Date))),
        field("total", FieldKind::Int { min: -25, max: 100 }),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "code",
    default_sort: "fiscal_year",
    search: &["code", "note"],
    unique_together: &[&["fiscal_year", "department"]],
    initial: &[("answered_on", "today")],
    numbered: Some("SA-"),
    computed: &["total"],
    ..REGISTER
};

/// The answers' scores: 実施している 4, 一部実施している 2, 実施していない 0, わからない −1.
pub const IPA_ANSWERS: &[&str] = &["4", "2", "0", "-1"];

pub static SELF_ASSESSMENT_ANSWERS: Register = Register {
    code: "self_assessment_answer",
    collection: "self-assessment-answers",
    table: "self_assessment_answers",
    fields: &[
        filter(required(field(
            "assessment",
            FieldKind::Ref("self-assessments"),
        ))),
        filter(required(field("question", FieldKind::Ref("ipa-questions")))),
        filter(required(field("answer", FieldKind::Choice(IPA_ANSWERS)))),
        field("note", FieldKind::Text { max: 500 }),
    ],
    title_field: "question",
    default_sort: "question",
    search: &["note"],
    unique_together: &[&["assessment", "question"]],
    rollup: Some(Rollup {
        via: "assessment",
        field: "answer",
        target: "total",
        how: RollupKind::Sum,
    }),
    ..REGISTER
};

pub static ALL: &[&Register] = &[
    &DEPARTMENTS,
    &PEOPLE,
    &APPOINTMENTS,
    &PLEDGES,
    &IDENTITY_GUARANTEES,
    &COURSES,
    &TRAINING_SESSIONS,
    &ATTENDANCES,
    &EXTERNAL_SEMINARS,
    &SEMINAR_ATTENDEES,
    &TEST_QUESTIONS,
    &TEST_ATTEMPTS,
    &ASSETS,
    &ASSET_HANDLERS,
    &HANDLING_RECORDS,
    &APPROVED_CONTRACTORS,
    &DISPOSALS,
    &DEVICES,
    &CABLES,
    &CUSTODY_KEYS,
    &KEY_INSPECTIONS,
    &SECURITY_EVENTS,
    &CERTIFICATES,
    &AUDITS,
    &FINDINGS,
    &COMPLAINTS,
    &MANAGEMENT_REVIEWS,
    &REVIEW_INPUTS,
    &REVIEW_OUTPUTS,
    &MEETINGS,
    &NOTICES,
    &NOTICE_READS,
    &OBJECTIVES,
    &OBJECTIVE_RESULTS,
    &REQUIREMENTS,
    &REQUIREMENT_REVIEWS,
    &LAW_CHANGES,
    &CONTROLS,
    &CONTROLS_2013,
    &INTERNAL_RULES,
    &RULE_REVISIONS,
    &RULE_CONTROLS,
    &RISKS,
    &RISK_CONTROLS,
    // After risks: an agenda item may be about a risk.
    &MEETING_ITEMS,
    &SOA_ENTRIES,
    &EXTERNAL_INCIDENT_REVIEWS,
    &CHANGE_ASSESSMENTS,
    &RELAXATION_REVIEWS,
    &CONTINUITY_SCENARIOS,
    &DRILLS,
    &FACILITY_CRITERIA,
    &FACILITY_ASSESSMENTS,
    &FACILITY_SCORES,
    &IPA_QUESTIONS,
    &SELF_ASSESSMENTS,
    &SELF_ASSESSMENT_ANSWERS,
    // Last: an action may come from an event, a finding, a complaint, a review's output or a meeting.
    &CORRECTIVE_ACTIONS,
];

pub fn by_collection(collection: &str) -> Option<&'static Register> {
    ALL.iter().copied().find(|r| r.collection == collection)
}

/// The register a reference field of `reg` points to.
pub fn target_of(reg: &Register, field: &str) -> Option<&'static Register> {
    match reg.field(field)?.kind {
        FieldKind::Ref(collection) => by_collection(collection),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_remedial_rule_reads_its_two_periods_and_keeps_the_defaults_otherwise() {
        let none = serde_json::json!({});
        assert_eq!(RemedialRule::of(&none), RemedialRule::DEFAULT);
        let set = serde_json::json!({"remedial_days": 1000, "remedial_within_days": 14});
        assert_eq!(
            RemedialRule::of(&set),
            RemedialRule {
                period_days: 1000,
                within_days: 14
            }
        );
        let odd = serde_json::json!({"remedial_days": "一年", "remedial_within_days": 0});
        assert_eq!(RemedialRule::of(&odd), RemedialRule::DEFAULT);
        assert_eq!(
            RemedialRule::new(365, 30),
            Ok(RemedialRule::DEFAULT),
            "in range"
        );
        let refused: Vec<String> = RemedialRule::new(0, 366)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(refused, ["remedial_days", "remedial_within_days"]);
    }

    #[test]
    fn answers_must_fit_their_question() {
        assert_eq!(parse_answer("single", "2", 3), Some(vec![2]));
        assert_eq!(parse_answer("single", "4", 3), None);
        assert_eq!(parse_answer("single", "1,2", 3), None);
        assert_eq!(parse_answer("multiple", "3,1", 3), Some(vec![1, 3]));
        assert_eq!(parse_answer("multiple", "1,1", 3), None);
        assert_eq!(parse_answer("true_false", "FALSE", 0), Some(vec![2]));
        assert_eq!(parse_answer("true_false", "maybe", 0), None);
        let mut values: Vec<Value> = TEST_QUESTIONS.fields.iter().map(|_| Value::Null).collect();
        let pos = |n: &str| TEST_QUESTIONS.position(n).unwrap();
        values[pos("kind")] = Value::Text("single".into());
        values[pos("choices")] = Value::Text("施錠する\n放置する".into());
        values[pos("answer")] = Value::Text("3".into());
        let errors = TEST_QUESTIONS.check(&values);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, "invalid-answer");
        values[pos("choices")] = Value::Text("一つだけ".into());
        assert_eq!(TEST_QUESTIONS.check(&values)[0].code, "choice-count");
    }

    #[test]
    fn every_reference_names_a_declared_register_with_a_natural_key() {
        for reg in ALL {
            assert!(reg.field(reg.title_field).is_some(), "{}", reg.code);
            assert!(reg.field(reg.default_sort).is_some(), "{}", reg.code);
            for name in reg.search.iter().chain(reg.labels) {
                assert!(reg.field(name).is_some(), "{}.{name}", reg.code);
            }
            if !reg.labels.is_empty() {
                assert!(reg.natural_key.is_some(), "{} labels need a code", reg.code);
            }
            for f in reg.fields {
                if let FieldKind::Ref(target) = f.kind {
                    let target = by_collection(target).expect("declared target");
                    assert!(
                        target.natural_key.is_some(),
                        "{} refers to {}",
                        reg.code,
                        target.code
                    );
                }
            }
        }
    }
}
