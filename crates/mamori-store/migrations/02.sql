
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
