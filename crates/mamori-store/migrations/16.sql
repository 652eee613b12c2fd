-- A member who also administers the organisation (its members and settings) besides their role:
-- the founder, who is its ISMS secretariat too.
ALTER TABLE memberships ADD COLUMN administers BOOLEAN NOT NULL DEFAULT FALSE;

-- The one-time set-up tokens `mamori serve` prints while the installation has no organisation
-- (their hashes): founding the first organisation spends them all.
CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    created_at {{ts}} NOT NULL
);

-- Invitations: a single-use link (its token's hash) that makes its holder a member, with the role,
-- department, person and end date the administrator chose, for seven days.
CREATE TABLE invitations (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    person_id BIGINT REFERENCES people(id),
    valid_until {{date}},
    token_hash TEXT NOT NULL UNIQUE,
    created_at {{ts}} NOT NULL,
    expires_at {{ts}} NOT NULL,
    accepted_at {{ts}},
    user_id BIGINT REFERENCES users(id)
);

-- An installation's administrator founds further organisations from the web: the founder of its
-- first organisation.
ALTER TABLE users ADD COLUMN installation_admin BOOLEAN NOT NULL DEFAULT FALSE;
