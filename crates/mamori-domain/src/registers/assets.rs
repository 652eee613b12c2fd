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
    layouts: &[IPA_ASSET_LEDGER],
    ..REGISTER
};

/// The IPA 中小企業の情報セキュリティ対策ガイドライン risk analysis sheet's 情報資産管理台帳: its
/// columns, and what our register needs that it does not have. The asset's kind comes from its
/// medium, its classification from its confidentiality (3 → 極秘, 2 → 秘密, 1 → 一般), its
/// importance, when empty, from the highest of the three ratings; it is not a customer's asset
/// unless a column says so; the code is numbered.
pub const IPA_ASSET_LEDGER: Layout = Layout {
    marker: "情報資産名称",
    columns: &[
        ("業務分類", "business"),
        ("情報資産名称", "name"),
        ("備考", "note"),
        ("利用者範囲", "users"),
        ("管理部署", "department"),
        ("媒体・保存先", "medium"),
        ("媒体・保存場所", "medium"),
        ("個人情報", "personal_data"),
        ("個人情報の有無", "personal_data"),
        ("要配慮個人情報", "sensitive_data"),
        ("特定個人情報", "my_number"),
        ("機密性", "confidentiality"),
        ("完全性", "integrity"),
        ("可用性", "availability"),
        ("重要度", "importance"),
        ("保存期限", "retention"),
        ("保存期間", "retention"),
        ("管理者", "owner"),
        ("情報資産の種類", "kind"),
        ("お客様資産", "customer_owned"),
    ],
    // Its row number, date of entry, group headers and the risk columns it computes itself.
    ignored: &[
        "No.",
        "No",
        "NO",
        "登録日",
        "評価値",
        "個人情報の種類",
        "現状から想定されるリスク",
        "脅威の発生頻度",
        "脆弱性",
        "被害発生可能性",
        "リスク値",
        "対策",
        "対策を講じる場合",
    ],
    fill: fill_ipa_asset,
};

pub(super) fn fill_ipa_asset(row: &mut std::collections::BTreeMap<String, String>) {
    for f in [
        "personal_data",
        "sensitive_data",
        "my_number",
        "customer_owned",
    ] {
        if let Some(v) = row.get_mut(f) {
            let t = v.trim();
            *v = match t {
                "有" | "あり" | "有り" | "○" | "〇" | "◯" | "●" | "✓" | "✔" | "はい" | "yes"
                | "Yes" | "YES" => "yes".into(),
                "無" | "なし" | "無し" | "-" | "－" | "×" | "いいえ" | "no" | "No" | "NO" => {
                    "no".into()
                }
                _ => t.to_string(),
            };
        }
    }
    let rating = |row: &std::collections::BTreeMap<String, String>, f: &str| {
        row.get(f)
            .and_then(|v| crate::input::normalize(v).parse::<i64>().ok())
    };
    if row
        .get("classification")
        .is_none_or(|v| v.trim().is_empty())
    {
        let class = match rating(row, "confidentiality") {
            Some(3) => "strictly_confidential",
            Some(2) => "confidential",
            _ => "general",
        };
        row.insert("classification".into(), class.into());
    }
    if row.get("importance").is_none_or(|v| v.trim().is_empty()) {
        let top = ["confidentiality", "integrity", "availability"]
            .iter()
            .filter_map(|f| rating(row, f))
            .max();
        if let Some(top) = top {
            row.insert("importance".into(), top.to_string());
        }
    }
    if row.get("kind").is_none_or(|v| v.trim().is_empty()) {
        let medium = row.get("medium").cloned().unwrap_or_default();
        row.insert("kind".into(), kind_of_medium(&medium).into());
    }
    if row
        .get("customer_owned")
        .is_none_or(|v| v.trim().is_empty())
    {
        row.insert("customer_owned".into(), "no".into());
    }
}

/// An asset's kind from the IPA sheet's 媒体・保存先: paper is a document; removable media and
/// mobile devices are what they are; anything stored on a computer or a service is electronic data.
pub fn kind_of_medium(medium: &str) -> &'static str {
    let has = |words: &[&str]| words.iter().any(|w| medium.contains(w));
    if has(&["書類", "紙", "帳票", "ファイリング", "キャビネット", "書庫"]) {
        "document"
    } else if has(&[
        "USB",
        "ＵＳＢ",
        "可搬",
        "DVD",
        "CD",
        "外付",
        "媒体",
        "テープ",
    ]) {
        "physical_media"
    } else if has(&["モバイル", "スマート", "携帯", "タブレット"]) {
        "device"
    } else {
        "electronic_data"
    }
}

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
    pub take_out_days: i64,
    pub handling_rules: Vec<HandlingRule>,
    /// The organisation's own names for its classification levels (社外秘 for 重要, …), by level
    /// code; a name left empty keeps the default.
    #[serde(default)]
    pub names: std::collections::BTreeMap<String, LevelNames>,
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
            })
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
