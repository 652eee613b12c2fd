//! Other tools' column layouts that imports also read, by register: the IPA 情報資産管理台帳 for the
//! asset register. A file with such a layout imports as it is; its columns are mapped to the
//! register's fields and its values turned into ours.

use mamori_domain::Register;
use mamori_domain::registers::ASSETS;

/// Another tool's column layout that imports also read. It is recognised by its `marker` header,
/// found in the first rows (title rows above the header, and a second header row under grouped
/// headers, are allowed). `columns` map its headers to fields; `fill` turns its values into ours
/// and supplies what it lacks, on one row's cells by field name.
#[derive(Debug)]
pub struct Layout {
    pub marker: &'static str,
    pub columns: &'static [(&'static str, &'static str)],
    /// Its headers that carry nothing of ours: read and left aside.
    pub ignored: &'static [&'static str],
    pub fill: fn(&mut std::collections::BTreeMap<String, String>),
}

/// The layouts an import of `reg` also reads.
pub fn for_register(reg: &Register) -> &'static [Layout] {
    if reg.code == ASSETS.code {
        &[IPA_ASSET_LEDGER]
    } else {
        &[]
    }
}

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

fn fill_ipa_asset(row: &mut std::collections::BTreeMap<String, String>) {
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
            .and_then(|v| mamori_domain::input::normalize(v).parse::<i64>().ok())
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
fn kind_of_medium(medium: &str) -> &'static str {
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
