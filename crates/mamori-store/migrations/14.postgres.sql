
CREATE FUNCTION mamori_audit_extends_head() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE last_seq BIGINT; last_hash TEXT; head_seq BIGINT;
BEGIN
  SELECT seq, hash INTO last_seq, last_hash FROM audit_events ORDER BY seq DESC LIMIT 1;
  SELECT seq INTO head_seq FROM audit_head WHERE id = 1;
  IF NEW.seq <> COALESCE(last_seq, 0) + 1 OR NEW.seq > head_seq
     OR NEW.prev_hash <> COALESCE(last_hash, repeat('0', 64)) THEN
    RAISE EXCEPTION 'an audit entry must extend the head of the trail';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_events_extend_head BEFORE INSERT ON audit_events
FOR EACH ROW EXECUTE FUNCTION mamori_audit_extends_head();
CREATE FUNCTION mamori_audit_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit checkpoints are append-only'; END $$;
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE OR DELETE ON audit_checkpoints
FOR EACH ROW EXECUTE FUNCTION mamori_audit_checkpoints_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
FOR EACH STATEMENT EXECUTE FUNCTION mamori_audit_checkpoints_append_only();
