-- Search across registers: one entry a record, the text its register declares searchable (its
-- code, its title and the fields of the list's own search), folded as input is folded. Derived
-- from the records (`search::reindex` rebuilds it), so a backup does not hold it.
CREATE TABLE search_entries (
  id {{id}},
  org_id BIGINT NOT NULL REFERENCES organizations(id),
  register TEXT NOT NULL,
  record_id BIGINT NOT NULL,
  body TEXT NOT NULL,
  UNIQUE (register, record_id)
);
CREATE INDEX search_entries_org ON search_entries (org_id, register);
