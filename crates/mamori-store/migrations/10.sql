
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
