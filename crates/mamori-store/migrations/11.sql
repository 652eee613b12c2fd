
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
