-- The internal audit programme: each audit's team (lead, members, observers) and its checklist;
-- the training plan, the sessions planned for a fiscal year against those held; a user's choice
-- of one daily digest instead of a message per reminder; and password resets by e-mail (a
-- single-use token, like an invitation's, kept only as its hash; not backed up).
CREATE TABLE audit_team (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    audit_id BIGINT NOT NULL REFERENCES audits(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    team_role TEXT NOT NULL,
    note TEXT,
    {{record}},
    UNIQUE (org_id, audit_id, person_id)
);
CREATE INDEX audit_team_person ON audit_team (person_id);
CREATE TABLE audit_checks (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    audit_id BIGINT NOT NULL REFERENCES audits(id),
    no BIGINT NOT NULL,
    reference TEXT,
    question TEXT NOT NULL,
    conformity TEXT,
    evidence TEXT,
    finding_id BIGINT REFERENCES findings(id),
    {{record}},
    UNIQUE (org_id, audit_id, no)
);
CREATE TABLE training_plans (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    course_id BIGINT NOT NULL REFERENCES courses(id),
    planned_on {{date}} NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    note TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX training_plans_year ON training_plans (org_id, planned_on);
ALTER TABLE users ADD COLUMN reminder_digest BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE password_resets (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at {{ts}} NOT NULL,
    expires_at {{ts}} NOT NULL,
    used_at {{ts}}
);
CREATE INDEX password_resets_user ON password_resets (user_id, created_at);
