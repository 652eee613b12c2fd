//! People and the organisation: departments, people, appointments, non-disclosure pledges and identity guarantees.

#[allow(unused_imports)]
use super::*;

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
    // Test attempts: a passed attempt at an onboarding course's test (what makes a person
    // eligible to handle assets), as the store counts them.
    lacks: &[
        ("pledges", "person"),
        ("identity-guarantees", "person"),
        ("test-attempts", "person"),
    ],
    read: ReadScope::SelfForStaff,
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
    // A renewed guarantee supersedes the old: the five-year warning is about each person's latest.
    latest_per: Some(("person", "received_on")),
    ..REGISTER
};
