-- Mail: the outbox every message goes through (reminders, escalations, invitations), each once
-- by its key; and leases, which decide the one instance that sends.
CREATE TABLE mail_outbox (
    id {{id}},
    org_id BIGINT REFERENCES organizations(id),
    user_id BIGINT REFERENCES users(id),
    to_addr TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    dedupe_key TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    last_error TEXT,
    created_at {{ts}} NOT NULL,
    next_attempt_at {{ts}} NOT NULL,
    sent_at {{ts}}
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
CREATE INDEX mail_outbox_org ON mail_outbox (org_id, created_at);
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at {{ts}} NOT NULL
);
-- A member's private calendar address: the hash of its secret, one a user (a new one revokes the
-- old).
CREATE TABLE calendar_tokens (
    user_id BIGINT PRIMARY KEY REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at {{ts}} NOT NULL
);
