//! The annual plan (年間計画): the ISMS year's recurring duties, the tasks they make, and the
//! comments on a task.

use super::*;
use crate::plan::{COMPLETER_NAMES, DUTY_ANCHORS, DUTY_CYCLES};

/// Who a duty falls to when it names no person: the secretariat, or each department's manager
/// (one task per department, or the named department's).
pub const OWNER_ROLES: &[&str] = &["isms_manager", "department_manager"];

pub const TASK_STATUSES: &[&str] = &["open", "done", "cancelled"];

/// 年間計画の業務: a recurring duty of the ISMS year (the monthly secretariat meeting, the autumn
/// internal audit, the management review in March, renewing a certificate 90 days before it
/// expires, the onboarding test within 30 days of joining): its rule, who it falls to, and the
/// register whose record completes it. Each fiscal year's tasks are made from the duties.
pub static DUTIES: Register = Register {
    code: "duty",
    collection: "duties",
    table: "duties",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        required(field("title", FieldKind::Text { max: 200 })),
        filter(required(field("cycle", FieldKind::Choice(DUTY_CYCLES)))),
        field("due_month", FieldKind::Int { min: 1, max: 12 }),
        field("due_day", FieldKind::Int { min: 1, max: 31 }),
        field("anchor", FieldKind::Choice(DUTY_ANCHORS)),
        field("days", FieldKind::Int { min: 1, max: 366 }),
        filter(field("owner_role", FieldKind::Choice(OWNER_ROLES))),
        filter(field("department", FieldKind::Ref("departments"))),
        filter(field("owner", FieldKind::Ref("people"))),
        filter(field("completed_by", FieldKind::Choice(COMPLETER_NAMES))),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "title",
    default_sort: "code",
    search: &["code", "title", "note"],
    numbered: Some("PL-"),
    read: ReadScope::NotStaff,
    validate: Some(check_duty),
    applies: &[
        ("due_month", "cycle", &["yearly"]),
        ("due_day", "cycle", &["monthly", "yearly"]),
        ("anchor", "cycle", &["before_date"]),
        ("days", "cycle", &["before_date", "on_joining"]),
    ],
    ..REGISTER
};

/// A duty says what its rule needs: a yearly one its month, one before a date its anchor and
/// days, one on joining its days; and whom it falls to (a person, or a role).
pub(super) fn check_duty(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| DUTIES.text(values, name);
    let needs: &[&str] = match get("cycle").as_str() {
        "yearly" => &["due_month"],
        "before_date" => &["anchor", "days"],
        "on_joining" => &["days"],
        _ => &[],
    };
    let mut errors: Vec<FieldError> = needs
        .iter()
        .filter(|f| get(f).is_empty())
        .map(|f| FieldError::new(f, "required"))
        .collect();
    // A person joining, or an audit's lead auditor, is whom the others fall to.
    let owned_by_record = matches!(get("cycle").as_str(), "on_joining" | "audit_programme");
    if !owned_by_record && get("owner").is_empty() && get("owner_role").is_empty() {
        errors.push(FieldError::new("owner_role", "duty-owner"));
    }
    errors
}

/// やること: a task of the annual plan, made from a duty for a fiscal year (or set off by a record,
/// such as a person joining), or added by hand. It falls to a person, or to a role (in a
/// department); recording the register's record it names between `opens_on` and on completes it,
/// with a link to that record. The secretariat, and a department's manager for its tasks,
/// reassign, cancel or complete it by hand.
pub static TASKS: Register = Register {
    code: "task",
    collection: "tasks",
    table: "tasks",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        required(field("title", FieldKind::Text { max: 200 })),
        filter(field("duty", FieldKind::Ref("duties"))),
        detail_only(field("opens_on", FieldKind::Date)),
        filter(required(field("due_on", FieldKind::Date))),
        filter(field("owner", FieldKind::Ref("people"))),
        filter(field("owner_role", FieldKind::Choice(OWNER_ROLES))),
        filter(field("department", FieldKind::Ref("departments"))),
        detail_only(field("completed_by", FieldKind::Choice(COMPLETER_NAMES))),
        filter(required(field(
            "task_status",
            FieldKind::Choice(TASK_STATUSES),
        ))),
        field("done_on", FieldKind::Date),
        detail_only(field("done_record", FieldKind::Text { max: 100 })),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "title",
    department_field: Some("department"),
    write: WriteScope::SecretariatOrOwnDepartment,
    default_sort: "due_on",
    search: &["code", "title", "note"],
    not_before: &[("due_on", "opens_on")],
    numbered: Some("T-"),
    initial: &[("task_status", "open")],
    read: ReadScope::Members,
    year_field: Some("due_on"),
    validate: Some(check_task),
    ..REGISTER
};

/// A task falls to someone: a person or a role; a completed one says when.
pub(super) fn check_task(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| TASKS.text(values, name);
    let mut errors = Vec::new();
    if get("owner").is_empty() && get("owner_role").is_empty() {
        errors.push(FieldError::new("owner", "duty-owner"));
    }
    if get("task_status") == "done" && get("done_on").is_empty() {
        errors.push(FieldError::new("done_on", "required"));
    }
    // The completing record, by its place (`key-inspections/12`), as the store writes it.
    let done = get("done_record");
    let place = done.split_once('/').is_some_and(|(c, id)| {
        super::by_collection(c).is_some()
            && !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_digit())
    });
    if !done.is_empty() && !place {
        errors.push(FieldError::new("done_record", "invalid"));
    }
    errors
}

/// A comment on a task, by the member who writes it (its owner asking, the secretariat answering).
pub static TASK_COMMENTS: Register = Register {
    code: "task_comment",
    collection: "task-comments",
    table: "task_comments",
    fields: &[
        filter(required(field("task", FieldKind::Ref("tasks")))),
        filter(field("author", FieldKind::Ref("people"))),
        filter(required(field("commented_on", FieldKind::Date))),
        required(field("body", FieldKind::Text { max: 1000 })),
    ],
    natural_key: None,
    title_field: "task",
    write: WriteScope::Reporters,
    default_sort: "commented_on",
    search: &["body"],
    read: ReadScope::Members,
    writer_person: Some("author"),
    initial: &[("commented_on", "today")],
    year_field: Some("commented_on"),
    ..REGISTER
};
