-- Handler requests (取扱者の申請): asked by the person or the secretariat, decided by the asset's
-- department's appointed manager; approving one writes the grant.
CREATE TABLE handler_requests (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    asset_id BIGINT NOT NULL REFERENCES assets(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    department_id BIGINT REFERENCES departments(id),
    requested_by_id BIGINT REFERENCES people(id),
    requested_on {{date}} NOT NULL,
    valid_until {{date}} NOT NULL,
    reason TEXT NOT NULL,
    request_status TEXT NOT NULL,
    decided_by_id BIGINT REFERENCES people(id),
    decided_on {{date}},
    comment TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX handler_requests_org_status ON handler_requests (org_id, request_status, department_id);
CREATE INDEX handler_requests_asset ON handler_requests (asset_id);
