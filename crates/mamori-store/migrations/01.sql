
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
