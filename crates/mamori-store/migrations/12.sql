
CREATE TABLE reports (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    fiscal_year BIGINT NOT NULL,
    revision BIGINT NOT NULL,
    status TEXT NOT NULL,
    issued_on {{date}} NOT NULL,
    narratives TEXT NOT NULL,
    change_note TEXT,
    review_figures TEXT,
    approved_by TEXT,
    approved_on {{date}},
    published_on {{date}},
    created_at {{ts}} NOT NULL,
    updated_at {{ts}} NOT NULL,
    UNIQUE (org_id, fiscal_year, revision)
);
CREATE TABLE report_files (
    report_id BIGINT NOT NULL REFERENCES reports(id),
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    format TEXT NOT NULL,
    content TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (report_id, format)
);
