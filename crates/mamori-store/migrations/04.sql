
CREATE TABLE assets (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    owner_id BIGINT REFERENCES people(id),
    classification TEXT NOT NULL,
    confidentiality BIGINT,
    integrity BIGINT,
    availability BIGINT,
    customer_owned TEXT NOT NULL,
    customer TEXT,
    location TEXT,
    locked TEXT,
    key_holder_id BIGINT REFERENCES people(id),
    label TEXT,
    labelled_on {{date}},
    retain_until {{date}},
    related_devices TEXT,
    note TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX assets_org_active ON assets (org_id, withdrawn_at);
CREATE INDEX assets_org_class_dept ON assets (org_id, classification, department_id);
CREATE TABLE asset_handlers (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    asset_id BIGINT NOT NULL REFERENCES assets(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    approved_by_id BIGINT NOT NULL REFERENCES people(id),
    approved_on {{date}} NOT NULL,
    valid_until {{date}} NOT NULL,
    note TEXT,
    {{record}},
    UNIQUE (org_id, asset_id, person_id)
);
CREATE INDEX asset_handlers_org_active ON asset_handlers (org_id, withdrawn_at);
CREATE INDEX asset_handlers_person ON asset_handlers (person_id, asset_id);
CREATE INDEX asset_handlers_asset ON asset_handlers (asset_id);
CREATE TABLE handling_records (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    asset_id BIGINT NOT NULL REFERENCES assets(id),
    person_id BIGINT REFERENCES people(id),
    kind TEXT NOT NULL,
    occurred_on {{date}} NOT NULL,
    method TEXT,
    protection TEXT,
    recipient TEXT,
    due_back {{date}},
    note TEXT,
    {{record}}
);
CREATE INDEX handling_records_org_active ON handling_records (org_id, withdrawn_at);
CREATE INDEX handling_records_asset ON handling_records (asset_id, occurred_on);
CREATE INDEX handling_records_org_occurred ON handling_records (org_id, occurred_on);
CREATE TABLE approved_contractors (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    certification TEXT NOT NULL,
    certificate_no TEXT,
    evaluated_on {{date}} NOT NULL,
    note TEXT,
    {{record}},
    UNIQUE (org_id, code)
);
CREATE INDEX approved_contractors_org_active ON approved_contractors (org_id, withdrawn_at);
CREATE TABLE disposals (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    asset_id BIGINT NOT NULL REFERENCES assets(id),
    disposed_on {{date}} NOT NULL,
    method TEXT NOT NULL,
    contractor_id BIGINT REFERENCES approved_contractors(id),
    certificate_no TEXT,
    certificate_on {{date}},
    consent_by TEXT,
    consent_on {{date}},
    consent_form TEXT,
    note TEXT,
    {{record}}
);
CREATE INDEX disposals_org_active ON disposals (org_id, withdrawn_at);
CREATE INDEX disposals_asset ON disposals (asset_id);
CREATE TABLE devices (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    label TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    location TEXT,
    user_id BIGINT REFERENCES people(id),
    os TEXT,
    patched_on {{date}},
    password_changed_on {{date}},
    note TEXT,
    {{record}},
    UNIQUE (org_id, label)
);
CREATE INDEX devices_org_active ON devices (org_id, withdrawn_at);
CREATE TABLE cables (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    label TEXT NOT NULL,
    from_device_id BIGINT NOT NULL REFERENCES devices(id),
    from_port TEXT,
    to_device_id BIGINT NOT NULL REFERENCES devices(id),
    to_port TEXT,
    note TEXT,
    {{record}},
    UNIQUE (org_id, label)
);
CREATE INDEX cables_org_active ON cables (org_id, withdrawn_at);
CREATE TABLE custody_keys (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    receipt_no TEXT NOT NULL,
    customer TEXT NOT NULL,
    building TEXT NOT NULL,
    description TEXT NOT NULL,
    count BIGINT NOT NULL,
    custodian_id BIGINT NOT NULL REFERENCES people(id),
    storage TEXT,
    received_on {{date}} NOT NULL,
    returned_on {{date}},
    note TEXT,
    {{record}},
    UNIQUE (org_id, receipt_no)
);
CREATE INDEX custody_keys_org_active ON custody_keys (org_id, withdrawn_at);
CREATE TABLE key_inspections (
    id {{id}},
    org_id BIGINT NOT NULL REFERENCES organizations(id),
    key_id BIGINT NOT NULL REFERENCES custody_keys(id),
    inspected_on {{date}} NOT NULL,
    inspector_id BIGINT NOT NULL REFERENCES people(id),
    result TEXT NOT NULL,
    discrepancies TEXT,
    {{record}},
    UNIQUE (org_id, key_id, inspected_on)
);
CREATE INDEX key_inspections_org_active ON key_inspections (org_id, withdrawn_at);
CREATE INDEX key_inspections_key ON key_inspections (key_id, inspected_on);
