//! Other tools' column layouts that imports also read, by register: the IPA 情報資産管理台帳 for the
//! asset register, and the same sheet's risk columns (the IPA リスク分析シート) for the risk
//! register. A file with such a layout imports as it is; its columns are mapped to the register's
//! fields and its values turned into ours.

use std::collections::BTreeMap;

use mamori_domain::registers::{ASSETS, RISKS};
use mamori_domain::{OrgSettings, Register};

/// Another tool's column layout that imports also read. It is recognised by its `marker` header,
/// found in the first rows (title rows above the header, and a second header row under grouped
/// headers, are allowed). `columns` map its headers to fields; `fill` turns its values into ours
/// and supplies what it lacks, on one row's cells by field name, with the organisation's settings
/// (its risk method's scales).
#[derive(Debug)]
pub struct Layout {
    pub marker: &'static str,
    pub columns: &'static [(&'static str, &'static str)],
    /// Its headers that carry nothing of ours: read and left aside.
    pub ignored: &'static [&'static str],
    pub fill: fn(&mut BTreeMap<String, String>, &OrgSettings),
}

/// The layouts an import of `reg` also reads.
pub fn for_register(reg: &Register) -> &'static [Layout] {
    if reg.code == ASSETS.code {
        &[IPA_ASSET_LEDGER]
    } else if reg.code == RISKS.code {
        &[IPA_RISK_SHEET]
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
        "対策目標",
        "対策後に想定されるリスク",
        // The risk columns some companies add to the same sheet (read by `IPA_RISK_SHEET`).
        "脅威",
        "想定される脅威",
        "脅威の内容",
        "脆弱性の内容",
        "想定される脆弱性",
        "現在の対策",
        "既存の対策",
        "対策内容",
        "対策の内容",
        "リスク対応",
        "担当者",
        "期限",
    ],
    fill: fill_ipa_asset,
};

fn fill_ipa_asset(row: &mut BTreeMap<String, String>, _: &OrgSettings) {
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
    let rating = |row: &BTreeMap<String, String>, f: &str| {
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

/// The IPA リスク分析シート: its 情報資産管理台帳 with the risk columns 付録7 computes
/// (現状から想定されるリスク), one risk a row. The asset is found by its name (import the assets
/// from the same sheet first); the likelihood is its 被害発生可能性 and the impact its 重要度, each
/// 1 to 3, put on the organisation's scales (3 is the highest value); the level follows from the
/// organisation's matrix, so the sheet's リスク値 is left aside. A row with no threat or no
/// vulnerability written out is a proposed risk, to be assessed in Mamori.
pub const IPA_RISK_SHEET: Layout = Layout {
    marker: "リスク値",
    columns: &[
        ("情報資産名称", "asset"),
        ("管理部署", "department"),
        ("被害発生可能性", "likelihood"),
        ("重要度", "impact"),
        ("脅威", "threat"),
        ("想定される脅威", "threat"),
        ("脅威の内容", "threat"),
        ("脆弱性の内容", "vulnerability"),
        ("想定される脆弱性", "vulnerability"),
        ("現在の対策", "existing_controls"),
        ("既存の対策", "existing_controls"),
        ("対策内容", "plan"),
        ("対策の内容", "plan"),
        ("リスク対応", "plan"),
        ("担当者", "owner"),
        ("期限", "due_on"),
    ],
    ignored: &[
        "No.",
        "No",
        "NO",
        "業務分類",
        "備考",
        "利用者範囲",
        "媒体・保存先",
        "媒体・保存場所",
        "個人情報",
        "個人情報の有無",
        "要配慮個人情報",
        "特定個人情報",
        "個人情報の種類",
        "評価値",
        "機密性",
        "完全性",
        "可用性",
        "保存期限",
        "保存期間",
        "登録日",
        "現状から想定されるリスク",
        "脅威の発生頻度",
        "脆弱性",
        "リスク値",
        "対策",
        "対策を講じる場合",
        "対策目標",
        "対策後に想定されるリスク",
        // The asset layout's own columns, which a risk leaves to its asset.
        "管理者",
        "情報資産の種類",
        "お客様資産",
    ],
    fill: fill_ipa_risk,
};

fn fill_ipa_risk(row: &mut BTreeMap<String, String>, settings: &OrgSettings) {
    let method = &settings.risk_method;
    for (field, scale) in [
        ("likelihood", &method.likelihood),
        ("impact", &method.impact),
    ] {
        if let Some(v) = row.get_mut(field)
            && let Some(label) = on_scale(v, scale)
        {
            *v = label;
        }
    }
    let written = |f: &str| row.get(f).is_some_and(|v| !v.trim().is_empty());
    if !row.contains_key("status") {
        let status = if written("threat") && written("vulnerability") {
            "assessed"
        } else {
            "proposed"
        };
        row.insert("status".into(), status.into());
    }
}

/// An IPA rating (1 to 3, 3 the highest) as a value of a scale listed highest first: the top, the
/// middle and the bottom of a scale of any length. A value that is no rating is left as it is.
fn on_scale(value: &str, scale: &[String]) -> Option<String> {
    let rating = mamori_domain::input::normalize(value)
        .trim()
        .parse::<usize>()
        .ok()?;
    if !(1..=3).contains(&rating) || scale.is_empty() {
        return None;
    }
    let last = scale.len() - 1;
    // The middle of an even scale is its upper value: a risk is not rated lower than it was.
    let at = (3 - rating) * last / 2;
    scale.get(at.min(last)).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipa_rating_goes_on_the_organisation_s_scale() {
        let abc: Vec<String> = ["A", "B", "C"].map(String::from).to_vec();
        assert_eq!(on_scale("3", &abc).as_deref(), Some("A"));
        assert_eq!(on_scale("２", &abc).as_deref(), Some("B"));
        assert_eq!(on_scale("1", &abc).as_deref(), Some("C"));
        assert_eq!(on_scale("B", &abc), None);
        assert_eq!(on_scale("4", &abc), None);
        let five: Vec<String> = ["5", "4", "3", "2", "1"].map(String::from).to_vec();
        assert_eq!(on_scale("3", &five).as_deref(), Some("5"));
        assert_eq!(on_scale("2", &five).as_deref(), Some("3"));
        assert_eq!(on_scale("1", &five).as_deref(), Some("1"));
        let two: Vec<String> = ["高", "低"].map(String::from).to_vec();
        assert_eq!(on_scale("2", &two).as_deref(), Some("高"));
        assert_eq!(on_scale("1", &two).as_deref(), Some("低"));
    }

    #[test]
    fn a_row_without_its_threat_written_out_is_proposed() {
        let settings = OrgSettings::default();
        let mut row: BTreeMap<String, String> =
            [("asset", "顧客名簿"), ("likelihood", "3"), ("impact", "2")]
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .into();
        fill_ipa_risk(&mut row, &settings);
        assert_eq!(row["status"], "proposed");
        assert_eq!(
            (row["likelihood"].as_str(), row["impact"].as_str()),
            ("A", "B")
        );
        row.insert("threat".into(), "漏えい".into());
        row.insert("vulnerability".into(), "施錠なし".into());
        row.remove("status");
        fill_ipa_risk(&mut row, &settings);
        assert_eq!(row["status"], "assessed");
    }
}
