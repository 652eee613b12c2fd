-- PostgreSQL: a trigram index (pg_trgm) answers substring searches, Japanese included.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX search_entries_body ON search_entries USING gin (body gin_trgm_ops);
