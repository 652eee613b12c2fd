
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
