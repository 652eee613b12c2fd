
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
