//! Operation and improvement: audits and findings, complaints, certificates, management reviews, meetings, notices, objectives, requirements and law changes.

#[allow(unused_imports)]
use super::*;

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
pub(super) const AUDIT_KIND_NAMES: &[&str] = &[
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
    // The audited department (its manager still writes no audit: the secretariat does).
    department_field: Some("department"),
    default_sort: "started_on",
    search: &["code", "auditing_body", "scope", "summary"],
    not_before: &[("ended_on", "started_on")],
    initial: &[("status", "planned")],
    validate: Some(check_audit),
    numbered: Some("AU-"),
    read: ReadScope::NotStaff,
    year_field: Some("started_on"),
    ..REGISTER
};

/// A kind belongs to its party; an internal audit names the department and its auditor, a second or
/// third party's the auditing organisation; a time range is `HH:MM`, the end after the start.
pub(super) fn check_audit(values: &[Value]) -> Vec<FieldError> {
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
    read: ReadScope::NotStaff,
    year_field: Some("audit.started_on"),
    ..REGISTER
};

/// A closed finding has its closing date; an open one has none.
pub(super) fn check_finding(values: &[Value]) -> Vec<FieldError> {
    let status = FINDINGS.text(values, "status");
    let closed = !FINDINGS.text(values, "closed_on").is_empty();
    match (status.as_str(), closed) {
        ("closed", false) => vec![FieldError::with("closed_on", "needed-for-step", status)],
        ("open", true) => vec![FieldError::new("closed_on", "only-when-closed")],
        _ => Vec::new(),
    }
}

/// A member of an audit's team beyond its lead (the audit's own `auditor`): who audits with them,
/// who observes (an auditor in training).
pub const TEAM_ROLES: &[&str] = &["member", "observer"];

/// 監査チーム: the auditors of an internal audit beyond its lead, each with their part. Nobody audits
/// their own department (independence); auditing or observing counts towards an auditor's
/// competence, with the internal auditors' course.
pub static AUDIT_TEAM: Register = Register {
    code: "audit_team_member",
    collection: "audit-team",
    table: "audit_team",
    fields: &[
        filter(required(field("audit", FieldKind::Ref("audits")))),
        filter(required(field("person", FieldKind::Ref("people")))),
        filter(required(field("team_role", FieldKind::Choice(TEAM_ROLES)))),
        detail_only(field("note", FieldKind::Text { max: 500 })),
    ],
    natural_key: None,
    title_field: "person",
    default_sort: "audit",
    search: &["note"],
    unique_together: &[&["audit", "person"]],
    read: ReadScope::NotStaff,
    year_field: Some("audit.started_on"),
    ..REGISTER
};

/// What a checklist question found: conforming, a nonconformity, an observation, or not applicable;
/// empty while not yet checked.
pub const CONFORMITIES: &[&str] = &["conform", "nonconform", "observation", "not_applicable"];

/// 監査チェックリスト: the questions an audit asks, numbered, each with the clause or control it
/// concerns, what was found and the evidence seen; a nonconformity names its finding.
pub static AUDIT_CHECKS: Register = Register {
    code: "audit_check",
    collection: "audit-checks",
    table: "audit_checks",
    fields: &[
        filter(required(field("audit", FieldKind::Ref("audits")))),
        // Left empty, the next number of the audit's checklist.
        field("no", FieldKind::Int { min: 1, max: 999 }),
        filter(field("reference", FieldKind::Text { max: 50 })),
        required(field("question", FieldKind::Text { max: 500 })),
        filter(field("conformity", FieldKind::Choice(CONFORMITIES))),
        field("evidence", FieldKind::Text { max: 1000 }),
        filter(field("finding", FieldKind::Ref("findings"))),
    ],
    natural_key: None,
    title_field: "question",
    default_sort: "no",
    search: &["reference", "question", "evidence"],
    unique_together: &[&["audit", "no"]],
    read: ReadScope::NotStaff,
    year_field: Some("audit.started_on"),
    ..REGISTER
};

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
    read: ReadScope::NotStaff,
    year_field: Some("received_on"),
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
pub(super) fn check_certificate(values: &[Value]) -> Vec<FieldError> {
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
    read: ReadScope::NotStaff,
    year_field: Some("held_on"),
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
    read: ReadScope::NotStaff,
    year_field: Some("review.held_on"),
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
    read: ReadScope::NotStaff,
    year_field: Some("review.held_on"),
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
    read: ReadScope::NotStaff,
    year_field: Some("held_on"),
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
    read: ReadScope::NotStaff,
    year_field: Some("meeting.held_on"),
    ..REGISTER
};

/// An action item names its owner and due date.
pub(super) fn check_meeting_item(values: &[Value]) -> Vec<FieldError> {
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
    year_field: Some("published_on"),
    ..REGISTER
};

/// A notice for a department names it; a notice for everyone names none.
pub(super) fn check_notice(values: &[Value]) -> Vec<FieldError> {
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
    year_field: Some("read_on"),
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
    year_field: Some("fiscal_year"),
    ..REGISTER
};

/// A number as people write one: `95`, `95.5`, `1,000`, `-3`; `%` and the unit go in `unit`.
pub fn parse_number(s: &str) -> Option<f64> {
    let s = s.replace(',', "");
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

pub(super) fn number_error(values: &[Value], at: Option<usize>, field: &str) -> Vec<FieldError> {
    match at.and_then(|i| values.get(i)) {
        Some(Value::Text(t)) if parse_number(t).is_none() => {
            vec![FieldError::new(field, "not-a-number")]
        }
        _ => Vec::new(),
    }
}

/// A target, when given, is a number.
pub(super) fn check_objective(values: &[Value]) -> Vec<FieldError> {
    number_error(values, OBJECTIVES.position("target_value"), "target_value")
}

/// An objective without a numeric target cannot be judged achieved.
pub(super) fn warn_objective(values: &[Value]) -> Vec<FieldError> {
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
    year_field: Some("measured_on"),
    ..REGISTER
};

pub(super) fn check_result(values: &[Value]) -> Vec<FieldError> {
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
    read: ReadScope::NotStaff,
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
    read: ReadScope::NotStaff,
    year_field: Some("reviewed_on"),
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
    read: ReadScope::NotStaff,
    year_field: Some("effective_on"),
    ..REGISTER
};

/// A decision has its date and what the review found; a pending change has neither date nor decision.
pub(super) fn check_law_change(values: &[Value]) -> Vec<FieldError> {
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
