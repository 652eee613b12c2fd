//! The one schema definition: versioned migrations written once with type placeholders, expanded
//! per backend, and the column catalogue that backup and restore read.

use mamori_domain::register::{FieldKind, Register};
use mamori_domain::registers;

use crate::db::{Backend, Pool, Tx};
use crate::error::StoreError;

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    /// SQL for both backends, with `{{id}}`, `{{ts}}` and `{{date}}` placeholders, and `{{record}}` for
    /// the system columns every register table carries (see `REGISTER_SYSTEM_COLUMNS`).
    pub common: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        common: r#"
CREATE TABLE organizations (
    id {{id}},
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT,
    profile TEXT NOT NULL,
    fiscal_year_start_month BIGINT NOT NULL,
    created_at {{ts}} NOT NULL
);
CREATE TABLE users (
    id {{id}},
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    password_changed_at {{ts}} NOT NULL,
    failed_logins BIGINT NOT NULL,
    locked_until {{ts}},
    disabled BOOLEAN NOT NULL,
    lang TEXT NOT NULL,
    date_style TEXT NOT NULL,
    created_at {{ts}} NOT NULL
);
CREATE TABLE departments (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT,
    valid_from {{date}} NOT NULL,
    valid_to {{date}},
    note TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE TABLE people (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    employee_no TEXT NOT NULL,
    name TEXT NOT NULL,
    name_kana TEXT,
    email TEXT,
    employment_type TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    joined_on {{date}} NOT NULL,
    left_on {{date}},
    {{record}},
    UNIQUE (org_id, employee_no)
);
CREATE INDEX departments_org_active ON departments (org_id, withdrawn_at);
CREATE INDEX people_org_active ON people (org_id, withdrawn_at);
CREATE INDEX people_org_department ON people (org_id, department_id);
CREATE INDEX people_org_name ON people (org_id, name);
CREATE TABLE appointments (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    role TEXT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    starts_on {{date}} NOT NULL,
    ends_on {{date}},
    note TEXT,
    {{record}}
);
CREATE INDEX appointments_org_active ON appointments (org_id, withdrawn_at);
CREATE INDEX appointments_org_starts ON appointments (org_id, starts_on);
CREATE TABLE register_totals (
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    register TEXT NOT NULL,
    active BIGINT NOT NULL,
    withdrawn BIGINT NOT NULL,
    PRIMARY KEY (org_id, register)
);
CREATE TABLE memberships (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users(id),
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    role TEXT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    person_id BIGINT REFERENCES people(id),
    valid_until {{date}},
    created_at {{ts}} NOT NULL,
    UNIQUE (user_id, org_id)
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at {{ts}} NOT NULL,
    expires_at {{ts}} NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE TABLE api_tokens (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at {{ts}} NOT NULL,
    last_used_at {{ts}},
    revoked_at {{ts}}
);
CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    org_id BIGINT,
    actor_user_id BIGINT,
    actor TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT,
    action TEXT NOT NULL,
    reason TEXT,
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_events_entity ON audit_events (org_id, entity, entity_id);
"#,
        sqlite: r#"
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"#,
        postgres: r#"
CREATE FUNCTION mamori_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION mamori_audit_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
FOR EACH STATEMENT EXECUTE FUNCTION mamori_audit_append_only();
"#,
    },
    Migration {
        version: 2,
        name: "staff obligations, courses, sessions and attendance",
        common: r#"
CREATE TABLE pledges (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    signed_on {{date}} NOT NULL,
    version TEXT NOT NULL,
    note TEXT,
    {{record}}
);
CREATE INDEX pledges_org_active ON pledges (org_id, withdrawn_at);
CREATE INDEX pledges_org_person ON pledges (org_id, person_id);
CREATE TABLE identity_guarantees (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    received_on {{date}} NOT NULL,
    kept_at TEXT NOT NULL,
    note TEXT,
    {{record}}
);
CREATE INDEX identity_guarantees_org_active ON identity_guarantees (org_id, withdrawn_at);
CREATE INDEX identity_guarantees_org_person ON identity_guarantees (org_id, person_id);
CREATE TABLE courses (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    management_systems TEXT,
    clauses TEXT,
    audience TEXT NOT NULL,
    content TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX courses_org_active ON courses (org_id, withdrawn_at);
CREATE TABLE training_sessions (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    course_id BIGINT NOT NULL REFERENCES courses(id),
    held_on {{date}} NOT NULL,
    instructor TEXT,
    material TEXT,
    note TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX training_sessions_org_active ON training_sessions (org_id, withdrawn_at);
CREATE INDEX training_sessions_course ON training_sessions (org_id, course_id, held_on);
CREATE TABLE attendances (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    session_id BIGINT NOT NULL REFERENCES training_sessions(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    status TEXT NOT NULL,
    note TEXT,
    {{record}},
    UNIQUE (org_id, session_id, person_id)
);
CREATE INDEX attendances_org_active ON attendances (org_id, withdrawn_at);
CREATE INDEX attendances_session ON attendances (session_id);
CREATE INDEX attendances_person ON attendances (org_id, person_id);
CREATE TABLE external_seminars (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    organiser TEXT NOT NULL,
    held_on {{date}} NOT NULL,
    security TEXT NOT NULL,
    note TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX external_seminars_org_active ON external_seminars (org_id, withdrawn_at);
CREATE TABLE seminar_attendees (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    seminar_id BIGINT NOT NULL REFERENCES external_seminars(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    note TEXT,
    {{record}},
    UNIQUE (org_id, seminar_id, person_id)
);
CREATE INDEX seminar_attendees_org_active ON seminar_attendees (org_id, withdrawn_at);
CREATE INDEX seminar_attendees_seminar ON seminar_attendees (seminar_id);
"#,
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 3,
        name: "comprehension tests",
        common: r#"
ALTER TABLE courses ADD COLUMN pass_mark BIGINT;
ALTER TABLE courses ADD COLUMN test_minutes BIGINT;
ALTER TABLE courses ADD COLUMN audience_department_id BIGINT REFERENCES departments(id);
ALTER TABLE courses ADD COLUMN exclude_new_joiners TEXT;
ALTER TABLE attendances ADD COLUMN department_id BIGINT REFERENCES departments(id);
UPDATE attendances SET department_id = (SELECT p.department_id FROM people p WHERE p.id = attendances.person_id);
CREATE TABLE test_questions (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    course_id BIGINT NOT NULL REFERENCES courses(id),
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    choices TEXT,
    answer TEXT NOT NULL,
    explanation TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX test_questions_org_active ON test_questions (org_id, withdrawn_at);
CREATE INDEX test_questions_course ON test_questions (course_id);
CREATE TABLE test_attempts (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    course_id BIGINT NOT NULL REFERENCES courses(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    started_on {{date}} NOT NULL,
    result TEXT NOT NULL,
    score BIGINT,
    pass_mark BIGINT,
    {{record}}
);
CREATE INDEX test_attempts_org_active ON test_attempts (org_id, withdrawn_at);
CREATE INDEX test_attempts_org_started ON test_attempts (org_id, started_on);
CREATE INDEX test_attempts_person ON test_attempts (person_id, course_id);
CREATE INDEX test_attempts_course ON test_attempts (course_id);
CREATE TABLE attempt_papers (
    attempt_id BIGINT PRIMARY KEY REFERENCES test_attempts(id),
    user_id BIGINT REFERENCES users(id),
    started_at {{ts}} NOT NULL,
    deadline_at {{ts}} NOT NULL,
    submitted_at {{ts}},
    paper TEXT NOT NULL,
    answers TEXT,
    correct BIGINT,
    total BIGINT NOT NULL
);
"#,
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 4,
        name: "information assets and their handlers",
        common: r#"
CREATE TABLE assets (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    owner_id BIGINT REFERENCES people(id),
    classification TEXT NOT NULL,
    confidentiality BIGINT,
    integrity BIGINT,
    availability BIGINT,
    customer_owned TEXT NOT NULL,
    customer TEXT,
    location TEXT,
    locked TEXT,
    key_holder_id BIGINT REFERENCES people(id),
    label TEXT,
    labelled_on {{date}},
    retain_until {{date}},
    related_devices TEXT,
    note TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX assets_org_active ON assets (org_id, withdrawn_at);
CREATE INDEX assets_org_class_dept ON assets (org_id, classification, department_id);
CREATE TABLE asset_handlers (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    asset_id BIGINT NOT NULL REFERENCES assets(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    approved_by_id BIGINT NOT NULL REFERENCES people(id),
    approved_on {{date}} NOT NULL,
    valid_until {{date}} NOT NULL,
    note TEXT,
    {{record}},
    UNIQUE (org_id, asset_id, person_id)
);
CREATE INDEX asset_handlers_org_active ON asset_handlers (org_id, withdrawn_at);
CREATE INDEX asset_handlers_person ON asset_handlers (person_id, asset_id);
CREATE INDEX asset_handlers_asset ON asset_handlers (asset_id);
CREATE TABLE handling_records (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    asset_id BIGINT NOT NULL REFERENCES assets(id),
    person_id BIGINT REFERENCES people(id),
    kind TEXT NOT NULL,
    occurred_on {{date}} NOT NULL,
    method TEXT,
    protection TEXT,
    recipient TEXT,
    due_back {{date}},
    note TEXT,
    {{record}}
);
CREATE INDEX handling_records_org_active ON handling_records (org_id, withdrawn_at);
CREATE INDEX handling_records_asset ON handling_records (asset_id, occurred_on);
CREATE INDEX handling_records_org_occurred ON handling_records (org_id, occurred_on);
CREATE TABLE approved_contractors (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    certification TEXT NOT NULL,
    certificate_no TEXT,
    evaluated_on {{date}} NOT NULL,
    note TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX approved_contractors_org_active ON approved_contractors (org_id, withdrawn_at);
CREATE TABLE disposals (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    asset_id BIGINT NOT NULL REFERENCES assets(id),
    disposed_on {{date}} NOT NULL,
    method TEXT NOT NULL,
    contractor_id BIGINT REFERENCES approved_contractors(id),
    certificate_no TEXT,
    certificate_on {{date}},
    consent_by TEXT,
    consent_on {{date}},
    consent_form TEXT,
    note TEXT,
    {{record}}
);
CREATE INDEX disposals_org_active ON disposals (org_id, withdrawn_at);
CREATE INDEX disposals_asset ON disposals (asset_id);
CREATE TABLE devices (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    label TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    location TEXT,
    user_id BIGINT REFERENCES people(id),
    os TEXT,
    patched_on {{date}},
    password_changed_on {{date}},
    note TEXT,
    {{record}},
    UNIQUE (org_id, label)
);
CREATE INDEX devices_org_active ON devices (org_id, withdrawn_at);
CREATE TABLE cables (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    label TEXT NOT NULL,
    from_device_id BIGINT NOT NULL REFERENCES devices(id),
    from_port TEXT,
    to_device_id BIGINT NOT NULL REFERENCES devices(id),
    to_port TEXT,
    note TEXT,
    {{record}},
    UNIQUE (org_id, label)
);
CREATE INDEX cables_org_active ON cables (org_id, withdrawn_at);
CREATE TABLE custody_keys (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    receipt_no TEXT NOT NULL,
    customer TEXT NOT NULL,
    building TEXT NOT NULL,
    description TEXT NOT NULL,
    count BIGINT NOT NULL,
    custodian_id BIGINT NOT NULL REFERENCES people(id),
    storage TEXT,
    received_on {{date}} NOT NULL,
    returned_on {{date}},
    note TEXT,
    {{record}},
    UNIQUE (org_id, receipt_no)
);
CREATE INDEX custody_keys_org_active ON custody_keys (org_id, withdrawn_at);
CREATE TABLE key_inspections (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    key_id BIGINT NOT NULL REFERENCES custody_keys(id),
    inspected_on {{date}} NOT NULL,
    inspector_id BIGINT NOT NULL REFERENCES people(id),
    result TEXT NOT NULL,
    discrepancies TEXT,
    {{record}},
    UNIQUE (org_id, key_id, inspected_on)
);
CREATE INDEX key_inspections_org_active ON key_inspections (org_id, withdrawn_at);
CREATE INDEX key_inspections_key ON key_inspections (key_id, inspected_on);
"#,
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 5,
        name: "the IPA asset ledger's columns",
        common: r#"
ALTER TABLE assets ADD COLUMN business TEXT;
ALTER TABLE assets ADD COLUMN users TEXT;
ALTER TABLE assets ADD COLUMN importance BIGINT;
ALTER TABLE assets ADD COLUMN personal_data TEXT;
ALTER TABLE assets ADD COLUMN sensitive_data TEXT;
ALTER TABLE assets ADD COLUMN my_number TEXT;
ALTER TABLE assets ADD COLUMN medium TEXT;
ALTER TABLE assets ADD COLUMN retention TEXT;
"#,
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 6,
        name: "security events",
        common: r#"
CREATE TABLE security_events (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    kind TEXT NOT NULL,
    occurred_on {{date}} NOT NULL,
    reported_on {{date}} NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    reporter_id BIGINT REFERENCES people(id),
    description TEXT NOT NULL,
    cause TEXT NOT NULL,
    related TEXT,
    impact_confidentiality TEXT,
    impact_integrity TEXT,
    impact_availability TEXT,
    severity TEXT,
    status TEXT NOT NULL,
    response TEXT,
    lessons TEXT,
    closed_on {{date}},
    {{record}},
    UNIQUE (org_id, code)
);
-- Covers the figures: a fiscal year's events are counted from the index alone.
CREATE INDEX security_events_org_occurred ON security_events (org_id, occurred_on, department_id, kind, cause, withdrawn_at);
CREATE INDEX security_events_org_dept ON security_events (org_id, department_id, kind);
"#,
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 7,
        name: "corrective actions",
        common: r#"
CREATE TABLE corrective_actions (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    source TEXT NOT NULL,
    event_id BIGINT REFERENCES security_events(id),
    title TEXT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    root_cause TEXT,
    action TEXT,
    owner_id BIGINT REFERENCES people(id),
    due_on {{date}} NOT NULL,
    completed_on {{date}},
    checked_on {{date}},
    effective TEXT,
    check_note TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX corrective_actions_org_due ON corrective_actions (org_id, due_on);
CREATE INDEX corrective_actions_event ON corrective_actions (event_id);
"#,
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 8,
        name: "audits, complaints, certificates, reviews, meetings, notices, objectives, requirements",
        common: r#"
CREATE TABLE certificates (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    registration_no TEXT NOT NULL,
    management_system TEXT NOT NULL,
    standard TEXT NOT NULL,
    scope TEXT NOT NULL,
    first_registered_on {{date}} NOT NULL,
    valid_from {{date}},
    valid_to {{date}},
    certification_body TEXT NOT NULL,
    accreditation_body TEXT NOT NULL,
    {{record}},
    UNIQUE (org_id, registration_no)
);
CREATE TABLE audits (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    party TEXT NOT NULL,
    kind TEXT NOT NULL,
    started_on {{date}} NOT NULL,
    ended_on {{date}},
    time_from TEXT,
    time_to TEXT,
    department_id BIGINT REFERENCES departments(id),
    auditor_id BIGINT REFERENCES people(id),
    auditing_body TEXT,
    auditors BIGINT,
    unannounced TEXT,
    certificate_id BIGINT REFERENCES certificates(id),
    status TEXT NOT NULL,
    scope TEXT,
    summary TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX audits_org_started ON audits (org_id, started_on);
CREATE TABLE findings (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    audit_id BIGINT NOT NULL REFERENCES audits(id),
    grade TEXT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    reference TEXT,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    closed_on {{date}},
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX findings_audit ON findings (audit_id, department_id, grade, withdrawn_at);
CREATE TABLE complaints (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    received_on {{date}} NOT NULL,
    from_whom TEXT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    kind TEXT NOT NULL,
    content TEXT NOT NULL,
    response TEXT,
    closed_on {{date}},
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX complaints_org_received ON complaints (org_id, received_on, department_id, kind, withdrawn_at);
CREATE TABLE management_reviews (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    period TEXT NOT NULL,
    held_on {{date}} NOT NULL,
    attendees TEXT,
    note TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE TABLE review_inputs (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    review_id BIGINT NOT NULL REFERENCES management_reviews(id),
    category TEXT NOT NULL,
    content TEXT NOT NULL,
    {{record}}
);
CREATE INDEX review_inputs_review ON review_inputs (review_id);
CREATE TABLE review_outputs (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    review_id BIGINT NOT NULL REFERENCES management_reviews(id),
    kind TEXT NOT NULL,
    content TEXT NOT NULL,
    owner_id BIGINT REFERENCES people(id),
    due_on {{date}},
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX review_outputs_review ON review_outputs (review_id);
CREATE TABLE meetings (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    kind TEXT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    held_on {{date}} NOT NULL,
    title TEXT NOT NULL,
    attendees TEXT,
    minutes TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX meetings_org_held ON meetings (org_id, held_on);
CREATE TABLE meeting_items (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    kind TEXT NOT NULL,
    content TEXT NOT NULL,
    event_id BIGINT REFERENCES security_events(id),
    review_id BIGINT REFERENCES management_reviews(id),
    owner_id BIGINT REFERENCES people(id),
    due_on {{date}},
    done_on {{date}},
    {{record}}
);
CREATE INDEX meeting_items_meeting ON meeting_items (meeting_id);
CREATE TABLE notices (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    audience TEXT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    published_on {{date}} NOT NULL,
    meeting_id BIGINT REFERENCES meetings(id),
    event_id BIGINT REFERENCES security_events(id),
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX notices_org_published ON notices (org_id, published_on);
CREATE TABLE notice_reads (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    notice_id BIGINT NOT NULL REFERENCES notices(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    read_on {{date}} NOT NULL,
    {{record}},
    UNIQUE (notice_id, person_id)
);
CREATE INDEX notice_reads_person ON notice_reads (person_id, notice_id);
CREATE TABLE objectives (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    fiscal_year BIGINT NOT NULL,
    title TEXT NOT NULL,
    metric TEXT,
    target_value TEXT,
    unit TEXT,
    method TEXT,
    owner_id BIGINT REFERENCES people(id),
    department_id BIGINT REFERENCES departments(id),
    achieved TEXT,
    evaluation TEXT,
    review_output_id BIGINT REFERENCES review_outputs(id),
    {{record}},
    UNIQUE (org_id, code)
);
CREATE TABLE objective_results (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    objective_id BIGINT NOT NULL REFERENCES objectives(id),
    period TEXT NOT NULL,
    measured_on {{date}} NOT NULL,
    value TEXT NOT NULL,
    note TEXT,
    {{record}}
);
CREATE INDEX objective_results_objective ON objective_results (objective_id);
CREATE TABLE requirements (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    obligations TEXT,
    owner_id BIGINT REFERENCES people(id),
    department_id BIGINT REFERENCES departments(id),
    status TEXT NOT NULL,
    note TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE TABLE requirement_reviews (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    requirement_id BIGINT NOT NULL REFERENCES requirements(id),
    reviewed_on {{date}} NOT NULL,
    reviewer_id BIGINT REFERENCES people(id),
    result TEXT NOT NULL,
    action_needed TEXT,
    {{record}}
);
CREATE INDEX requirement_reviews_requirement ON requirement_reviews (requirement_id);
CREATE TABLE law_changes (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    requirement_id BIGINT NOT NULL REFERENCES requirements(id),
    effective_on {{date}} NOT NULL,
    summary TEXT NOT NULL,
    review TEXT,
    decision TEXT NOT NULL,
    decided_on {{date}},
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX law_changes_org_effective ON law_changes (org_id, effective_on);
ALTER TABLE security_events ADD COLUMN person_id BIGINT REFERENCES people(id);
CREATE INDEX security_events_person ON security_events (person_id, cause);
ALTER TABLE corrective_actions ADD COLUMN finding_id BIGINT REFERENCES findings(id);
ALTER TABLE corrective_actions ADD COLUMN complaint_id BIGINT REFERENCES complaints(id);
ALTER TABLE corrective_actions ADD COLUMN review_output_id BIGINT REFERENCES review_outputs(id);
ALTER TABLE corrective_actions ADD COLUMN meeting_id BIGINT REFERENCES meetings(id);
"#,
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 9,
        name: "the Annex A catalogue and custom controls, the 2013 controls and their mapping",
        common: r#"
CREATE TABLE controls (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    ordinal BIGINT,
    source TEXT NOT NULL,
    theme TEXT,
    title TEXT NOT NULL,
    title_ja TEXT,
    predecessors_2013 TEXT,
    new_in_2022 TEXT,
    description TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX controls_org_no ON controls (org_id, ordinal);
CREATE TABLE controls_2013 (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    ordinal BIGINT,
    title TEXT NOT NULL,
    ids_2022 TEXT NOT NULL,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX controls_2013_org_no ON controls_2013 (org_id, ordinal);
"#,
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 10,
        name: "external-incident reviews, change-triggered assessments, relaxation reviews",
        common: r#"
CREATE TABLE external_incident_reviews (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    source TEXT NOT NULL,
    source_on {{date}},
    summary TEXT NOT NULL,
    meeting_id BIGINT REFERENCES meetings(id),
    reviewed_on {{date}} NOT NULL,
    decision TEXT NOT NULL,
    implemented TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX external_incident_reviews_org_on ON external_incident_reviews (org_id, reviewed_on);
CREATE INDEX external_incident_reviews_meeting ON external_incident_reviews (meeting_id);
CREATE TABLE change_assessments (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    assessed_on {{date}} NOT NULL,
    change_kind TEXT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    description TEXT NOT NULL,
    assessment TEXT,
    controls_confirmed TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX change_assessments_org_on ON change_assessments (org_id, assessed_on);
CREATE TABLE relaxation_reviews (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    reviewed_on {{date}} NOT NULL,
    control_id BIGINT NOT NULL REFERENCES controls(id),
    reason TEXT NOT NULL,
    reassessment TEXT,
    decision TEXT NOT NULL,
    approver_id BIGINT REFERENCES people(id),
    decided_on {{date}},
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX relaxation_reviews_org_on ON relaxation_reviews (org_id, reviewed_on);
"#,
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 11,
        name: "internal rules, risks, the statement of applicability, continuity, facilities, the IPA self-assessment",
        common: r#"
CREATE TABLE internal_rules (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    version TEXT,
    revised_on {{date}},
    approver_id BIGINT REFERENCES people(id),
    approved_on {{date}},
    location TEXT,
    summary TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE TABLE rule_revisions (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    rule_id BIGINT NOT NULL REFERENCES internal_rules(id),
    version TEXT NOT NULL,
    revised_on {{date}} NOT NULL,
    content TEXT NOT NULL,
    approver_id BIGINT REFERENCES people(id),
    approved_on {{date}},
    {{record}}
);
CREATE INDEX rule_revisions_rule ON rule_revisions (rule_id, revised_on);
CREATE TABLE rule_controls (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    rule_id BIGINT NOT NULL REFERENCES internal_rules(id),
    control_id BIGINT NOT NULL REFERENCES controls(id),
    note TEXT,
    {{record}}
);
CREATE INDEX rule_controls_rule ON rule_controls (rule_id);
CREATE INDEX rule_controls_control ON rule_controls (control_id);
CREATE TABLE risks (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    asset_id BIGINT REFERENCES assets(id),
    asset_group TEXT,
    department_id BIGINT REFERENCES departments(id),
    threat TEXT,
    vulnerability TEXT,
    existing_controls TEXT,
    likelihood TEXT,
    impact TEXT,
    level TEXT,
    treatment TEXT,
    plan TEXT,
    owner_id BIGINT REFERENCES people(id),
    due_on {{date}},
    residual_likelihood TEXT,
    residual_impact TEXT,
    residual_level TEXT,
    acceptable TEXT,
    accepted_by_id BIGINT REFERENCES people(id),
    accepted_on {{date}},
    staff_must_know TEXT,
    notice_id BIGINT REFERENCES notices(id),
    status TEXT NOT NULL,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX risks_org_code ON risks (org_id, withdrawn_at, code);
CREATE INDEX risks_asset ON risks (asset_id);
CREATE INDEX risks_department ON risks (department_id, level);
CREATE TABLE risk_controls (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    risk_id BIGINT NOT NULL REFERENCES risks(id),
    control_id BIGINT NOT NULL REFERENCES controls(id),
    role TEXT NOT NULL,
    note TEXT,
    {{record}}
);
CREATE INDEX risk_controls_risk ON risk_controls (risk_id);
CREATE INDEX risk_controls_control ON risk_controls (control_id);
ALTER TABLE meeting_items ADD COLUMN risk_id BIGINT REFERENCES risks(id);
CREATE TABLE soa_entries (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    control_id BIGINT NOT NULL REFERENCES controls(id),
    applicable TEXT NOT NULL,
    justification TEXT NOT NULL,
    status TEXT,
    department_id BIGINT REFERENCES departments(id),
    evidence TEXT,
    reviewed_on {{date}},
    {{record}}
);
CREATE INDEX soa_entries_control ON soa_entries (org_id, control_id);
CREATE TABLE continuity_scenarios (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    event TEXT NOT NULL,
    likelihood TEXT,
    priority TEXT,
    target_hours BIGINT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    procedure TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE TABLE drills (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    held_on {{date}} NOT NULL,
    scenario_id BIGINT NOT NULL REFERENCES continuity_scenarios(id),
    participants TEXT,
    actual_minutes BIGINT NOT NULL,
    target_met TEXT,
    previous_on {{date}},
    findings TEXT,
    follow_up TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX drills_org_on ON drills (org_id, held_on);
ALTER TABLE corrective_actions ADD COLUMN drill_id BIGINT REFERENCES drills(id);
CREATE TABLE facility_criteria (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    guidance TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE TABLE facility_assessments (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    building TEXT NOT NULL,
    address TEXT,
    surveyed_on {{date}} NOT NULL,
    average_score TEXT,
    decision TEXT NOT NULL,
    note TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE TABLE facility_scores (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    assessment_id BIGINT NOT NULL REFERENCES facility_assessments(id),
    criterion_id BIGINT NOT NULL REFERENCES facility_criteria(id),
    score BIGINT NOT NULL,
    note TEXT,
    {{record}}
);
CREATE INDEX facility_scores_assessment ON facility_scores (assessment_id);
CREATE TABLE ipa_questions (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    part TEXT NOT NULL,
    question TEXT NOT NULL,
    controls TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE TABLE self_assessments (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    fiscal_year BIGINT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    answered_on {{date}} NOT NULL,
    total BIGINT,
    note TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE TABLE self_assessment_answers (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    assessment_id BIGINT NOT NULL REFERENCES self_assessments(id),
    question_id BIGINT NOT NULL REFERENCES ipa_questions(id),
    answer TEXT NOT NULL,
    note TEXT,
    {{record}}
);
CREATE INDEX self_assessment_answers_assessment ON self_assessment_answers (assessment_id);
"#,
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 12,
        name: "the yearly report: revisions and their frozen renderings",
        common: r#"
CREATE TABLE reports (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    fiscal_year BIGINT NOT NULL,
    revision BIGINT NOT NULL,
    status TEXT NOT NULL,
    issued_on {{date}} NOT NULL,
    narratives TEXT NOT NULL,
    change_note TEXT,
    review_figures TEXT,
    approved_by TEXT,
    approved_on {{date}},
    published_on {{date}},
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL,
    UNIQUE (org_id, fiscal_year, revision)
);
CREATE TABLE report_files (
    report_id BIGINT NOT NULL REFERENCES reports(id),
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    format TEXT NOT NULL,
    content TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (report_id, format)
);
"#,
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 13,
        name: "API tokens expire",
        // Tokens made before keep NULL: they expire `token_days` after they were made (auth.rs).
        common: r#"
ALTER TABLE api_tokens ADD COLUMN expires_at {{ts}};
CREATE INDEX api_tokens_user ON api_tokens (user_id);
"#,
        sqlite: "",
        postgres: "",
    },
    Migration {
        version: 14,
        name: "signed checkpoints of the audit trail; an entry must extend the head",
        common: r#"
CREATE TABLE audit_checkpoints (
    id {{id}},
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    public_key TEXT NOT NULL,
    signature TEXT NOT NULL
);
ALTER TABLE reports ADD COLUMN audit_seq BIGINT;
ALTER TABLE reports ADD COLUMN audit_hash TEXT;
"#,
        // `INSERT OR REPLACE` deletes the row it replaces without firing the DELETE trigger (unless
        // recursive triggers are on), so inserts are checked too: each must be the next seq, within
        // the head taken by its appender, and linked to the last entry's hash.
        sqlite: r#"
CREATE TRIGGER audit_events_extend_head BEFORE INSERT ON audit_events
WHEN NEW.seq <> COALESCE((SELECT MAX(seq) FROM audit_events), 0) + 1
  OR NEW.seq > (SELECT seq FROM audit_head WHERE id = 1)
  OR NEW.prev_hash <> COALESCE((SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1), '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN SELECT RAISE(ABORT, 'an audit entry must extend the head of the trail'); END;
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
"#,
        postgres: r#"
CREATE FUNCTION mamori_audit_extends_head() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE last_seq BIGINT; last_hash TEXT; head_seq BIGINT;
BEGIN
  SELECT seq, hash INTO last_seq, last_hash FROM audit_events ORDER BY seq DESC LIMIT 1;
  SELECT seq INTO head_seq FROM audit_head WHERE id = 1;
  IF NEW.seq <> COALESCE(last_seq, 0) + 1 OR NEW.seq > head_seq
     OR NEW.prev_hash <> COALESCE(last_hash, repeat('0', 64)) THEN
    RAISE EXCEPTION 'an audit entry must extend the head of the trail';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_events_extend_head BEFORE INSERT ON audit_events
FOR EACH ROW EXECUTE FUNCTION mamori_audit_extends_head();
CREATE FUNCTION mamori_audit_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit checkpoints are append-only'; END $$;
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE OR DELETE ON audit_checkpoints
FOR EACH ROW EXECUTE FUNCTION mamori_audit_checkpoints_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
FOR EACH STATEMENT EXECUTE FUNCTION mamori_audit_checkpoints_append_only();
"#,
    },
    Migration {
        version: 15,
        name: "objectives: a comparison, an aggregation and the computed yearly result",
        // The objectives already held get their values in the same transaction (`after`).
        common: r#"
ALTER TABLE objectives ADD COLUMN comparison TEXT;
ALTER TABLE objectives ADD COLUMN aggregation TEXT;
ALTER TABLE objectives ADD COLUMN result TEXT;
"#,
        sqlite: "",
        postgres: "",
    },
];

/// What a migration does beyond its SQL, in its transaction: work on the records it gives new
/// fields, with their audit entries.
async fn after(tx: &mut Tx, version: i64) -> Result<(), StoreError> {
    match version {
        15 => crate::objectives::migrate(tx).await,
        _ => Ok(()),
    }
}

fn expand(sql: &str, backend: Backend) -> String {
    let (id, ts, date) = match backend {
        Backend::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "TEXT", "TEXT"),
        Backend::Postgres => ("BIGSERIAL PRIMARY KEY", "TIMESTAMPTZ", "DATE"),
    };
    sql.replace(
        "{{record}}",
        "created_at {{ts}} NOT NULL, updated_at {{ts}} NOT NULL, withdrawn_at {{ts}}, withdrawn_reason TEXT",
    )
    .replace("{{id}}", id)
    .replace("{{ts}}", ts)
    .replace("{{date}}", date)
}

/// Applies the migrations not yet applied, each in its own transaction. Returns how many ran.
pub async fn migrate(pool: &Pool) -> Result<usize, StoreError> {
    let mut conn = pool.acquire().await?;
    conn.execute_script(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL)",
    )
    .await?;
    drop(conn);
    let mut ran = 0;
    for m in MIGRATIONS {
        let mut tx = pool.begin_migration().await?;
        let done = tx
            .fetch_optional(
                "SELECT version FROM schema_migrations WHERE version = $1",
                &[m.version.into()],
            )
            .await?;
        if done.is_some() {
            continue;
        }
        let backend = pool.backend();
        let specific = match backend {
            Backend::Sqlite => m.sqlite,
            Backend::Postgres => m.postgres,
        };
        tx.execute_script(&expand(m.common, backend)).await?;
        tx.execute_script(specific).await?;
        after(&mut tx, m.version).await?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[m.version.into(), m.name.into()],
        )
        .await?;
        tx.commit().await?;
        tracing::info!(version = m.version, name = m.name, "migration applied");
        ran += 1;
    }
    Ok(ran)
}

pub fn schema_version() -> i64 {
    MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
}

/// Column types as backup and restore see them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Col {
    Int,
    Text,
    Bool,
    Date,
    Ts,
}

pub struct Table {
    pub name: &'static str,
    pub columns: Vec<(String, Col)>,
    pub has_serial_id: bool,
}

/// System columns every register table carries besides its declared fields.
pub const REGISTER_SYSTEM_COLUMNS: &[(&str, Col)] = &[
    ("id", Col::Int),
    ("org_id", Col::Int),
    ("created_at", Col::Ts),
    ("updated_at", Col::Ts),
    ("withdrawn_at", Col::Ts),
    ("withdrawn_reason", Col::Text),
];

/// The column a declared field is stored in: references are stored as `<name>_id`.
pub fn column_of(kind: FieldKind, name: &'static str) -> String {
    match kind {
        FieldKind::Ref(_) => format!("{name}_id"),
        _ => name.to_string(),
    }
}

pub fn register_table(reg: &Register) -> Table {
    let mut columns = cols(REGISTER_SYSTEM_COLUMNS);
    for f in reg.fields {
        let col = match f.kind {
            FieldKind::Date => Col::Date,
            FieldKind::Ref(_) | FieldKind::Int { .. } => Col::Int,
            _ => Col::Text,
        };
        columns.push((column_of(f.kind, f.name), col));
    }
    Table {
        name: reg.table,
        columns,
        has_serial_id: true,
    }
}

fn cols(columns: &[(&str, Col)]) -> Vec<(String, Col)> {
    columns.iter().map(|(n, c)| (n.to_string(), *c)).collect()
}

/// Every table in foreign-key order (parents first): the order restore writes them in.
pub fn catalogue() -> Vec<Table> {
    use Col::*;
    let mut tables = vec![
        Table {
            name: "organizations",
            columns: cols(&[
                ("id", Int),
                ("slug", Text),
                ("name", Text),
                ("name_en", Text),
                ("profile", Text),
                ("fiscal_year_start_month", Int),
                ("created_at", Ts),
            ]),
            has_serial_id: true,
        },
        Table {
            name: "users",
            columns: cols(&[
                ("id", Int),
                ("email", Text),
                ("display_name", Text),
                ("password_hash", Text),
                ("password_changed_at", Ts),
                ("failed_logins", Int),
                ("locked_until", Ts),
                ("disabled", Bool),
                ("lang", Text),
                ("date_style", Text),
                ("created_at", Ts),
            ]),
            has_serial_id: true,
        },
    ];
    for reg in registers::ALL {
        tables.push(register_table(reg));
    }
    tables.extend([
        Table {
            name: "attempt_papers",
            columns: cols(&[
                ("attempt_id", Int),
                ("user_id", Int),
                ("started_at", Ts),
                ("deadline_at", Ts),
                ("submitted_at", Ts),
                ("paper", Text),
                ("answers", Text),
                ("correct", Int),
                ("total", Int),
            ]),
            has_serial_id: false,
        },
        Table {
            name: "register_totals",
            columns: cols(&[
                ("org_id", Int),
                ("register", Text),
                ("active", Int),
                ("withdrawn", Int),
            ]),
            has_serial_id: false,
        },
        Table {
            name: "memberships",
            columns: cols(&[
                ("id", Int),
                ("user_id", Int),
                ("org_id", Int),
                ("role", Text),
                ("department_id", Int),
                ("person_id", Int),
                ("valid_until", Date),
                ("created_at", Ts),
            ]),
            has_serial_id: true,
        },
        Table {
            name: "api_tokens",
            columns: cols(&[
                ("id", Int),
                ("user_id", Int),
                ("name", Text),
                ("token_hash", Text),
                ("created_at", Ts),
                ("last_used_at", Ts),
                ("revoked_at", Ts),
                ("expires_at", Ts),
            ]),
            has_serial_id: true,
        },
        Table {
            name: "reports",
            columns: cols(&[
                ("id", Int),
                ("org_id", Int),
                ("fiscal_year", Int),
                ("revision", Int),
                ("status", Text),
                ("issued_on", Date),
                ("narratives", Text),
                ("change_note", Text),
                ("review_figures", Text),
                ("approved_by", Text),
                ("approved_on", Date),
                ("published_on", Date),
                ("created_at", Ts),
                ("updated_at", Ts),
                ("audit_seq", Int),
                ("audit_hash", Text),
            ]),
            has_serial_id: true,
        },
        Table {
            name: "report_files",
            columns: cols(&[
                ("report_id", Int),
                ("org_id", Int),
                ("format", Text),
                ("content", Text),
                ("sha256", Text),
            ]),
            has_serial_id: false,
        },
        Table {
            name: "audit_events",
            columns: cols(&[
                ("seq", Int),
                ("at", Text),
                ("org_id", Int),
                ("actor_user_id", Int),
                ("actor", Text),
                ("entity", Text),
                ("entity_id", Int),
                ("action", Text),
                ("reason", Text),
                ("before_json", Text),
                ("after_json", Text),
                ("prev_hash", Text),
                ("hash", Text),
            ]),
            has_serial_id: false,
        },
        Table {
            name: "audit_checkpoints",
            columns: cols(&[
                ("id", Int),
                ("seq", Int),
                ("hash", Text),
                ("at", Text),
                ("kind", Text),
                ("public_key", Text),
                ("signature", Text),
            ]),
            has_serial_id: true,
        },
    ]);
    tables
}
