
ALTER TABLE api_tokens ADD COLUMN expires_at {{ts}};
CREATE INDEX api_tokens_user ON api_tokens (user_id);
