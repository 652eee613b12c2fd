-- A member who also administers the organisation (its members and settings) besides their role:
-- the founder, who is its ISMS secretariat too.
ALTER TABLE memberships ADD COLUMN administers BOOLEAN NOT NULL DEFAULT FALSE;

-- The one-time set-up tokens `mamori serve` prints while the installation has no organisation
-- (their hashes): founding the first organisation spends them all.
CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    created_at {{ts}} NOT NULL
);
