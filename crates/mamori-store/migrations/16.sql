-- A member who also administers the organisation (its members and settings) besides their role:
-- the founder, who is its ISMS secretariat too.
ALTER TABLE memberships ADD COLUMN administers BOOLEAN NOT NULL DEFAULT FALSE;
