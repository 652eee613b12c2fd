//! Security events and corrective actions.

#[allow(unused_imports)]
use super::*;

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

choice_enum!(
    /// Where an event is in its workflow, in order: reported → assessed → responded → closed. The
    /// register's choice is `EVENT_STATUSES`, these codes.
    EventStatus,
    EVENT_STATUSES,
    [Reported, Assessed, Responded, Closed]
);

impl EventStatus {
    /// What reaching this step asks for: an assessment its severity, a response what was done, a
    /// closing its date and the lessons learned.
    pub fn asks(self) -> &'static [&'static str] {
        match self {
            EventStatus::Reported => &[],
            EventStatus::Assessed => &["severity"],
            EventStatus::Responded => &["response"],
            EventStatus::Closed => &["closed_on", "lessons"],
        }
    }

    /// The steps of an event still open (not closed).
    pub fn open() -> impl Iterator<Item = EventStatus> {
        Self::ALL
            .iter()
            .copied()
            .filter(|s| *s != EventStatus::Closed)
    }
}

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
    // What each step asks for (`EventStatus::asks`), shown from that step on.
    applies: &[
        ("severity", "status", &["assessed", "responded", "closed"]),
        ("response", "status", &["responded", "closed"]),
        ("lessons", "status", &["closed"]),
        ("closed_on", "status", &["closed"]),
    ],
    year_field: Some("occurred_on"),
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
    read: ReadScope::OwnForStaff("owner"),
    year_field: Some("due_on"),
    ..REGISTER
};

/// An action's effectiveness is judged once it is checked.
pub(super) fn check_corrective_action(values: &[Value]) -> Vec<FieldError> {
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
pub(super) fn check_event(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| SECURITY_EVENTS.text(values, name);
    let step = EventStatus::parse(&get("status")).unwrap_or(EventStatus::Reported);
    let mut errors = Vec::new();
    // Every step up to this one has what it asks for.
    for field in EventStatus::ALL
        .iter()
        .copied()
        .filter(|s| *s <= step)
        .flat_map(|s| s.asks().iter())
    {
        if get(field).is_empty() {
            errors.push(FieldError::with(field, "needed-for-step", get("status")));
        }
    }
    if step < EventStatus::Closed && !get("closed_on").is_empty() {
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
