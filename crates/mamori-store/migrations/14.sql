
CREATE TABLE audit_checkpoints (
    id {{id}},
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    public_key TEXT NOT NULL,
    signature TEXT NOT NULL
);
ALTER TABLE reports ADD COLUMN audit_seq BIGINT;
ALTER TABLE reports ADD COLUMN audit_hash TEXT;
