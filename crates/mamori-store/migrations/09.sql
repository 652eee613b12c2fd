
CREATE TABLE controls (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    ordinal BIGINT,
    source TEXT NOT NULL,
    theme TEXT,
    title TEXT NOT NULL,
    title_ja TEXT,
    predecessors_2013 TEXT,
    new_in_2022 TEXT,
    description TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX controls_org_no ON controls (org_id, ordinal);
CREATE TABLE controls_2013 (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    ordinal BIGINT,
    title TEXT NOT NULL,
    ids_2022 TEXT NOT NULL,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX controls_2013_org_no ON controls_2013 (org_id, ordinal);
