//! Information assets: the ledger, handlers and handling records, approved contractors, disposals, devices, cables, keys in custody and their inspections.

#[allow(unused_imports)]
use super::*;

pub const ASSET_KINDS: &[&str] = &[
    "document",
    "electronic_data",
    "software",
    "physical_media",
    "device",
    "service",
    "facility",
];
/// The reference company's scheme: 一般 / 重要(秘密) / 最重要(極秘).
pub const CLASSIFICATIONS: &[&str] = &["general", "confidential", "strictly_confidential"];
/// The label applied to the asset: 秘密 or 機密.
pub const ASSET_LABELS: &[&str] = &["none", "himitsu", "kimitsu"];

/// 情報資産台帳: an information asset, its owner, CIA ratings and classification. Confidential and
/// strictly confidential assets are seen only by those who must (see `ReadScope::Classified`).
pub static ASSETS: Register = Register {
    code: "asset",
    collection: "assets",
    table: "assets",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        detail_only(field("business", FieldKind::Text { max: 200 })),
        required(field("name", FieldKind::Text { max: 200 })),
        filter(required(field("kind", FieldKind::Choice(ASSET_KINDS)))),
        filter(required(field("department", FieldKind::Ref("departments")))),
        detail_only(field("users", FieldKind::Text { max: 200 })),
        filter(field("owner", FieldKind::Ref("people"))),
        filter(required(field(
            "classification",
            FieldKind::Choice(CLASSIFICATIONS),
        ))),
        field("confidentiality", FieldKind::Int { min: 1, max: 3 }),
        field("integrity", FieldKind::Int { min: 1, max: 3 }),
        field("availability", FieldKind::Int { min: 1, max: 3 }),
        detail_only(field("importance", FieldKind::Int { min: 1, max: 3 })),
        filter(field("personal_data", FieldKind::Choice(YES_NO))),
        detail_only(field("sensitive_data", FieldKind::Choice(YES_NO))),
        detail_only(field("my_number", FieldKind::Choice(YES_NO))),
        filter(required(field("customer_owned", FieldKind::Choice(YES_NO)))),
        detail_only(field("customer", FieldKind::Text { max: 100 })),
        detail_only(field("medium", FieldKind::Text { max: 200 })),
        detail_only(field("location", FieldKind::Text { max: 200 })),
        detail_only(field("locked", FieldKind::Choice(YES_NO))),
        detail_only(field("key_holder", FieldKind::Ref("people"))),
        detail_only(field("label", FieldKind::Choice(ASSET_LABELS))),
        detail_only(field("labelled_on", FieldKind::Date)),
        detail_only(field("retention", FieldKind::Text { max: 100 })),
        detail_only(field("retain_until", FieldKind::Date)),
        detail_only(field("related_devices", FieldKind::Text { max: 200 })),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "name",
    department_field: Some("department"),
    write: WriteScope::SecretariatOrOwnDepartment,
    default_sort: "code",
    search: &["code", "name", "business", "customer", "location", "note"],
    read: ReadScope::Classified(None),
    validate: Some(check_asset),
    numbered: Some("A-"),
    ..REGISTER
};

/// A customer's asset names the customer.
pub(super) fn check_asset(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| ASSETS.position(name).and_then(|i| values.get(i));
    let customer = get("customer").is_some_and(|v| !v.is_null());
    match get("customer_owned").map(Value::to_plain).as_deref() {
        Some("yes") if !customer => vec![FieldError::new("customer", "required")],
        _ => Vec::new(),
    }
}

/// 取扱者: a person authorized to handle an asset, approved by the department's manager, until an
/// end date. Only an eligible person can be granted; a strictly confidential asset also needs the
/// person's identity guarantee on file.
pub static ASSET_HANDLERS: Register = Register {
    code: "asset_handler",
    collection: "asset-handlers",
    table: "asset_handlers",
    fields: &[
        filter(required(field("asset", FieldKind::Ref("assets")))),
        filter(required(field("person", FieldKind::Ref("people")))),
        required(field("approved_by", FieldKind::Ref("people"))),
        filter(required(field("approved_on", FieldKind::Date))),
        filter(required(field("valid_until", FieldKind::Date))),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: None,
    title_field: "person",
    default_sort: "asset",
    search: &["note"],
    not_before: &[("valid_until", "approved_on")],
    unique_together: &[&["asset", "person"]],
    read: ReadScope::Classified(Some("asset")),
    ..REGISTER
};

pub const REQUEST_STATUSES: &[&str] = &["requested", "approved", "rejected"];

/// 取扱者の申請: a request that a person be granted an asset, made by the person themselves or by
/// the secretariat, and decided (approved or rejected, with a comment) by the asset's department's
/// appointed manager. Approving it writes the grant (`ASSET_HANDLERS`); the decision is the
/// manager's own action, not a field anyone fills in.
pub static HANDLER_REQUESTS: Register = Register {
    code: "handler_request",
    collection: "handler-requests",
    table: "handler_requests",
    fields: &[
        unique(field("code", FieldKind::Text { max: 40 })),
        filter(required(field("asset", FieldKind::Ref("assets")))),
        filter(required(field("person", FieldKind::Ref("people")))),
        filter(field("department", FieldKind::Ref("departments"))),
        filter(field("requested_by", FieldKind::Ref("people"))),
        filter(required(field("requested_on", FieldKind::Date))),
        required(field("valid_until", FieldKind::Date)),
        required(field("reason", FieldKind::Text { max: 1000 })),
        filter(required(field(
            "request_status",
            FieldKind::Choice(REQUEST_STATUSES),
        ))),
        filter(field("decided_by", FieldKind::Ref("people"))),
        field("decided_on", FieldKind::Date),
        detail_only(field("comment", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "code",
    department_field: Some("department"),
    write: WriteScope::Reporters,
    default_sort: "requested_on",
    search: &["code", "reason", "comment"],
    not_before: &[
        ("valid_until", "requested_on"),
        ("decided_on", "requested_on"),
    ],
    read: ReadScope::Classified(Some("asset")),
    defaults: &[("department", "asset", "department")],
    writer_person: Some("requested_by"),
    initial: &[("request_status", "requested"), ("requested_on", "today")],
    assessed: &["request_status", "decided_by", "decided_on", "comment"],
    computed: &["request_status", "decided_by", "decided_on", "comment"],
    numbered: Some("GR-"),
    year_field: Some("requested_on"),
    validate: Some(check_request),
    ..REGISTER
};

/// A request once decided is a record of the decision: it is no longer edited (withdrawn, if
/// need be, with a reason).
pub(super) fn check_request(values: &[Value]) -> Vec<FieldError> {
    match HANDLER_REQUESTS.text(values, "request_status").as_str() {
        "" | "requested" => Vec::new(),
        _ => vec![FieldError::new("request_status", "request-decided")],
    }
}

pub const HANDLING_KINDS: &[&str] = &[
    "viewing", "take_out", "return", "transfer", "copy", "disposal",
];
pub const TRANSFER_METHODS: &[&str] = &[
    "email",
    "registered_mail",
    "approved_courier",
    "hand_delivery",
];
pub const PROTECTIONS: &[&str] = &["none", "password", "encryption", "double_envelope"];

/// The reference company's handling rules, every organisation's until it sets its own: 秘密
/// (confidential) by e-mail needs password protection or encryption; 極秘 (strictly confidential)
/// goes only by hand.
pub fn default_handling_rules() -> Vec<HandlingRule> {
    let rule =
        |classification: &str, method: &str, allowed: bool, protections: &[&str]| HandlingRule {
            classification: classification.into(),
            kind: "transfer".into(),
            method: method.into(),
            allowed,
            protections: protections.iter().map(|p| p.to_string()).collect(),
        };
    vec![
        rule("confidential", "email", true, &["password", "encryption"]),
        rule("strictly_confidential", "email", false, &[]),
        rule("strictly_confidential", "registered_mail", false, &[]),
        rule("strictly_confidential", "approved_courier", false, &[]),
    ]
}

/// Days a take-out may stay out before it is listed as overdue, unless the organisation sets it.
pub const TAKE_OUT_DAYS: i64 = 7;

/// The organisation's asset rules (組織の設定), kept in its profile under `asset_rules`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AssetRules {
    #[serde(default = "AssetRules::take_out_days")]
    pub take_out_days: i64,
    #[serde(default = "default_handling_rules")]
    pub handling_rules: Vec<HandlingRule>,
    /// The organisation's own names for its classification levels (社外秘 for 重要, …), by level
    /// code; a name left empty keeps the default.
    #[serde(default)]
    pub names: std::collections::BTreeMap<String, LevelNames>,
    /// The levels whose handlers must have an identity guarantee on file: by default 最重要（極秘）;
    /// the reference company asks it for 重要（秘密） too (seed 6.1(2)②, the demo's setting).
    #[serde(default = "AssetRules::guarantee_levels")]
    pub guarantee: Vec<String>,
}

/// A classification level's name in each language the organisation sets.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LevelNames {
    #[serde(default)]
    pub ja: String,
    #[serde(default)]
    pub en: String,
}

impl AssetRules {
    /// The rules an organisation's profile sets, or the reference company's.
    pub fn of(profile: &serde_json::Value) -> AssetRules {
        profile
            .get("asset_rules")
            .and_then(|r| serde_json::from_value::<AssetRules>(r.clone()).ok())
            .filter(|r| (1..=365).contains(&r.take_out_days))
            .unwrap_or_else(|| AssetRules {
                take_out_days: TAKE_OUT_DAYS,
                handling_rules: default_handling_rules(),
                names: Default::default(),
                guarantee: Self::guarantee_levels(),
            })
    }

    /// The levels whose handlers need an identity guarantee, by default.
    pub fn guarantee_levels() -> Vec<String> {
        vec!["strictly_confidential".into()]
    }

    fn take_out_days() -> i64 {
        TAKE_OUT_DAYS
    }

    /// Whether a handler of an asset of `classification` needs an identity guarantee.
    pub fn needs_guarantee(&self, classification: &str) -> bool {
        self.guarantee.iter().any(|c| c == classification)
    }

    /// Whether a field error is a handling rule's refusal (the codes `refusals` gives).
    pub fn is_refusal(code: &str) -> bool {
        matches!(code, "rule-forbidden" | "rule-needs-protection")
    }

    /// Why a record of `kind` by `method` with `protection` is refused for an asset of
    /// `classification`, as field errors naming the rule.
    pub fn refusals(
        &self,
        classification: &str,
        kind: &str,
        method: &str,
        protection: &str,
    ) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for rule in &self.handling_rules {
            if rule.classification != classification || rule.kind != kind || rule.method != method {
                continue;
            }
            if !rule.allowed {
                errors.push(FieldError::with(
                    "method",
                    "rule-forbidden",
                    format!("{classification}|{method}"),
                ));
            } else if !rule.protections.is_empty()
                && !rule.protections.iter().any(|p| p == protection)
            {
                errors.push(FieldError::with(
                    "protection",
                    "rule-needs-protection",
                    format!("{classification}|{method}|{}", rule.protections.join(",")),
                ));
            }
        }
        errors
    }
}

/// 取扱い履歴: what a handler did with an asset. Append-only; the handling rules are enforced.
pub static HANDLING_RECORDS: Register = Register {
    code: "handling_record",
    collection: "handling-records",
    table: "handling_records",
    fields: &[
        filter(required(field("asset", FieldKind::Ref("assets")))),
        filter(field("person", FieldKind::Ref("people"))),
        filter(required(field("kind", FieldKind::Choice(HANDLING_KINDS)))),
        filter(required(field("occurred_on", FieldKind::Date))),
        field("method", FieldKind::Choice(TRANSFER_METHODS)),
        field("protection", FieldKind::Choice(PROTECTIONS)),
        field("recipient", FieldKind::Text { max: 200 }),
        detail_only(field("due_back", FieldKind::Date)),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: None,
    title_field: "asset",
    write: WriteScope::Handlers,
    default_sort: "occurred_on",
    search: &["recipient", "note"],
    not_before: &[("due_back", "occurred_on")],
    read: ReadScope::Classified(Some("asset")),
    validate: Some(check_handling),
    writer_person: Some("person"),
    year_field: Some("occurred_on"),
    applies: &[
        ("method", "kind", &["transfer"]),
        ("recipient", "kind", &["transfer"]),
        ("due_back", "kind", &["take_out"]),
    ],
    ..REGISTER
};

/// A transfer names its method and recipient; only a transfer has a method.
pub(super) fn check_handling(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| HANDLING_RECORDS.text(values, name);
    let mut errors = Vec::new();
    if get("kind") == "transfer" {
        for f in ["method", "recipient"] {
            if get(f).is_empty() {
                errors.push(FieldError::new(f, "required"));
            }
        }
    } else if !get("method").is_empty() && !get("kind").is_empty() {
        errors.push(FieldError::new("method", "only-for-transfer"));
    }
    errors
}

pub const CONTRACTOR_KINDS: &[&str] = &["disposal", "courier", "other"];
pub const CERTIFICATIONS: &[&str] = &["isms", "privacy_mark", "isms_and_privacy_mark", "none"];

/// 承認済み委託先: disposal contractors and couriers, with their certification and evaluation.
pub static APPROVED_CONTRACTORS: Register = Register {
    code: "approved_contractor",
    collection: "approved-contractors",
    table: "approved_contractors",
    fields: &[
        unique(field("code", FieldKind::Text { max: 20 })),
        required(field("name", FieldKind::Text { max: 200 })),
        filter(required(field("kind", FieldKind::Choice(CONTRACTOR_KINDS)))),
        filter(required(field(
            "certification",
            FieldKind::Choice(CERTIFICATIONS),
        ))),
        field("certificate_no", FieldKind::Text { max: 100 }),
        filter(required(field("evaluated_on", FieldKind::Date))),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("code"),
    title_field: "name",
    default_sort: "code",
    search: &["code", "name", "certificate_no", "note"],
    ..REGISTER
};

pub const DISPOSAL_METHODS: &[&str] = &[
    "shredding",
    "dissolution",
    "physical_destruction",
    "data_erasure",
    "degaussing",
    "returned_to_customer",
];
pub const CONSENT_FORMS: &[&str] = &["document", "email", "contract"];

/// 廃棄: how an asset was disposed of, by whom, with the certificate; a customer's asset only with
/// the customer's consent. Writing it closes the asset, whose history stays.
pub static DISPOSALS: Register = Register {
    code: "disposal",
    collection: "disposals",
    table: "disposals",
    fields: &[
        filter(required(field("asset", FieldKind::Ref("assets")))),
        filter(required(field("disposed_on", FieldKind::Date))),
        filter(required(field(
            "method",
            FieldKind::Choice(DISPOSAL_METHODS),
        ))),
        filter(field("contractor", FieldKind::Ref("approved-contractors"))),
        field("certificate_no", FieldKind::Text { max: 100 }),
        detail_only(field("certificate_on", FieldKind::Date)),
        detail_only(field("consent_by", FieldKind::Text { max: 200 })),
        detail_only(field("consent_on", FieldKind::Date)),
        detail_only(field("consent_form", FieldKind::Choice(CONSENT_FORMS))),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: None,
    title_field: "asset",
    default_sort: "disposed_on",
    search: &["certificate_no", "consent_by", "note"],
    not_before: &[("certificate_on", "disposed_on")],
    unique_together: &[&["asset"]],
    read: ReadScope::Classified(Some("asset")),
    year_field: Some("disposed_on"),
    ..REGISTER
};

pub const DEVICE_KINDS: &[&str] = &[
    "pc", "server", "network", "phone", "printer", "storage", "other",
];

/// 情報機器: a device with its label, place, user and OS, and when its patches and forced password
/// change were last done (the reference company does both at least monthly).
pub static DEVICES: Register = Register {
    code: "device",
    collection: "devices",
    table: "devices",
    fields: &[
        unique(field("label", FieldKind::Text { max: 40 })),
        required(field("name", FieldKind::Text { max: 200 })),
        filter(required(field("kind", FieldKind::Choice(DEVICE_KINDS)))),
        filter(required(field("department", FieldKind::Ref("departments")))),
        field("location", FieldKind::Text { max: 200 }),
        filter(field("user", FieldKind::Ref("people"))),
        field("os", FieldKind::Text { max: 100 }),
        filter(field("patched_on", FieldKind::Date)),
        filter(field("password_changed_on", FieldKind::Date)),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("label"),
    title_field: "label",
    department_field: Some("department"),
    write: WriteScope::SecretariatOrOwnDepartment,
    default_sort: "label",
    search: &["label", "name", "location", "os", "note"],
    labels: &["name", "department", "location", "user"],
    read: ReadScope::OwnForStaff("user"),
    ..REGISTER
};

/// LANケーブル・接続: a labelled cable from one device's port to another's.
pub static CABLES: Register = Register {
    code: "cable",
    collection: "cables",
    table: "cables",
    fields: &[
        unique(field("label", FieldKind::Text { max: 40 })),
        filter(required(field("from_device", FieldKind::Ref("devices")))),
        field("from_port", FieldKind::Text { max: 40 }),
        filter(required(field("to_device", FieldKind::Ref("devices")))),
        field("to_port", FieldKind::Text { max: 40 }),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("label"),
    title_field: "label",
    default_sort: "label",
    search: &["label", "from_port", "to_port", "note"],
    labels: &["from_device", "from_port", "to_device", "to_port"],
    read: ReadScope::NotStaff,
    ..REGISTER
};

/// お預り鍵: keys to a customer's building in custody; the custodian must have an identity
/// guarantee on file. The receipt number is the key's code.
pub static CUSTODY_KEYS: Register = Register {
    code: "custody_key",
    collection: "custody-keys",
    table: "custody_keys",
    fields: &[
        unique(field("receipt_no", FieldKind::Text { max: 40 })),
        filter(required(field("customer", FieldKind::Text { max: 200 }))),
        required(field("building", FieldKind::Text { max: 200 })),
        required(field("description", FieldKind::Text { max: 200 })),
        required(field("count", FieldKind::Int { min: 1, max: 1000 })),
        filter(required(field("custodian", FieldKind::Ref("people")))),
        detail_only(field("storage", FieldKind::Text { max: 200 })),
        filter(required(field("received_on", FieldKind::Date))),
        filter(field("returned_on", FieldKind::Date)),
        detail_only(field("note", FieldKind::Text { max: 1000 })),
    ],
    natural_key: Some("receipt_no"),
    numbered: Some("K-"),
    title_field: "receipt_no",
    default_sort: "receipt_no",
    search: &[
        "receipt_no",
        "customer",
        "building",
        "description",
        "storage",
    ],
    not_before: &[("returned_on", "received_on")],
    read: ReadScope::OwnForStaff("custodian"),
    ..REGISTER
};

pub const INSPECTION_RESULTS: &[&str] = &["ok", "discrepancy"];

/// 鍵の点検: the monthly inspection of a key in custody.
pub static KEY_INSPECTIONS: Register = Register {
    code: "key_inspection",
    collection: "key-inspections",
    table: "key_inspections",
    fields: &[
        filter(required(field("key", FieldKind::Ref("custody-keys")))),
        filter(required(field("inspected_on", FieldKind::Date))),
        filter(required(field("inspector", FieldKind::Ref("people")))),
        filter(required(field(
            "result",
            FieldKind::Choice(INSPECTION_RESULTS),
        ))),
        field("discrepancies", FieldKind::Text { max: 1000 }),
    ],
    natural_key: None,
    title_field: "key",
    default_sort: "inspected_on",
    search: &["discrepancies"],
    unique_together: &[&["key", "inspected_on"]],
    validate: Some(check_inspection),
    read: ReadScope::OwnForStaff("inspector"),
    year_field: Some("inspected_on"),
    ..REGISTER
};

/// A discrepancy is described.
pub(super) fn check_inspection(values: &[Value]) -> Vec<FieldError> {
    let get = |name: &str| KEY_INSPECTIONS.text(values, name);
    if get("result") == "discrepancy" && get("discrepancies").is_empty() {
        vec![FieldError::new("discrepancies", "required")]
    } else {
        Vec::new()
    }
}
