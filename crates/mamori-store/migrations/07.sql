
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
