//! An organisation's settings, parsed from its profile once, when its access is built, so code reads
//! typed values instead of JSON. What a profile lacks, or holds in a form that does not parse, takes
//! the default (the reference company's rules).

use std::collections::BTreeMap;

use crate::registers::{AssetRules, RemedialRule};
use crate::risk::RiskMethod;
use crate::{DateStyle, FieldError, Lang, Register};

#[derive(Debug, Clone, PartialEq)]
pub struct OrgSettings {
    /// What each classification allows (take-outs, transfers, protection) and how long a take-out
    /// may last.
    pub asset_rules: AssetRules,
    /// The risk method: scales, matrix and acceptance criteria.
    pub risk_method: RiskMethod,
    /// When a repeated human error puts its person on the remedial course.
    pub remedial: RemedialRule,
    /// How a new member's dates are shown and the language they start in (each member changes
    /// their own on their account page).
    pub date_style: DateStyle,
    pub lang: Lang,
    /// The organisation's own code patterns of numbered registers, by register code.
    pub codes: BTreeMap<String, CodePattern>,
    /// How often the recurring checks fall due, and how early an expiry is told.
    pub cycles: crate::plan::Cycles,
}

impl OrgSettings {
    pub fn of(profile: &serde_json::Value) -> Self {
        let text = |k: &str| profile.get(k).and_then(|v| v.as_str());
        OrgSettings {
            asset_rules: AssetRules::of(profile),
            risk_method: RiskMethod::of(profile),
            remedial: RemedialRule::of(profile),
            date_style: text("date_style")
                .and_then(DateStyle::parse)
                .unwrap_or_default(),
            lang: text("lang").and_then(Lang::parse).unwrap_or(Lang::Ja),
            codes: profile
                .get("codes")
                .and_then(|c| serde_json::from_value(c.clone()).ok())
                .unwrap_or_default(),
            cycles: crate::plan::Cycles::of(profile),
        }
    }

    /// The pattern of a numbered register's codes: the organisation's, or the register's own
    /// prefix with four digits. `None` for a register that is not numbered.
    pub fn code_pattern(&self, reg: &Register) -> Option<CodePattern> {
        let prefix = reg.numbered?;
        Some(self.codes.get(reg.code).cloned().unwrap_or(CodePattern {
            prefix: prefix.to_string(),
            digits: CodePattern::DIGITS,
        }))
    }
}

/// How a numbered register's codes are made: a prefix and a zero-padded number (`A-0001`,
/// `INC-00001`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CodePattern {
    pub prefix: String,
    pub digits: u8,
}

impl CodePattern {
    pub const DIGITS: u8 = 4;
    pub const MAX_PREFIX: usize = 20;

    /// A pattern from a form: the prefix folded (full-width letters and digits to ASCII), of
    /// letters, digits, `-`, `_`, `.` and `/` only, with a letter, up to 20; the digits 1 to 8.
    pub fn new(prefix: &str, digits: &str) -> Result<Self, FieldError> {
        let prefix = crate::input::normalize_strict(prefix);
        if prefix.chars().count() > Self::MAX_PREFIX {
            return Err(FieldError::with(
                "prefix",
                "too-long",
                Self::MAX_PREFIX.to_string(),
            ));
        }
        // A letter at least: a prefix of digits could not be told from a date or a figure (the
        // public report takes codes out of its text by their prefixes). `{fiscal_year}` is the
        // year's number (`E-{fiscal_year}-` gives E-2017-01).
        let prefix = prefix.replace("{fiscal-year}", Self::YEAR);
        let bare = prefix.replace(Self::YEAR, "");
        if !bare
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
            || !bare.chars().any(|c| c.is_ascii_alphabetic())
        {
            return Err(FieldError::new("prefix", "invalid"));
        }
        let digits = crate::input::normalize(digits)
            .parse::<u8>()
            .ok()
            .filter(|d| (1..=8).contains(d))
            .ok_or_else(|| FieldError::new("digits", "invalid-choice"))?;
        Ok(CodePattern { prefix, digits })
    }

    /// The place of the fiscal year's number in a prefix.
    pub const YEAR: &'static str = "{fiscal_year}";

    /// Whether the codes count again each fiscal year (the prefix holds `{fiscal_year}`).
    pub fn yearly(&self) -> bool {
        self.prefix.contains(Self::YEAR)
    }

    /// The pattern of fiscal year `year`: its number in place of `{fiscal_year}`.
    pub fn of_year(&self, year: i32) -> CodePattern {
        CodePattern {
            prefix: self.prefix.replace(Self::YEAR, &year.to_string()),
            digits: self.digits,
        }
    }

    /// The `n`th code: `A-0001`.
    pub fn code(&self, n: i64) -> String {
        format!("{}{:0width$}", self.prefix, n, width = self.digits as usize)
    }
}

impl Default for OrgSettings {
    fn default() -> Self {
        Self::of(&serde_json::Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_s_settings_are_read_and_the_rest_default() {
        let profile = serde_json::json!({ "remedial_days": 90, "remedial_within_days": 14 });
        let s = OrgSettings::of(&profile);
        assert_eq!(s.remedial.period_days, 90);
        assert_eq!(s.remedial.within_days, 14);
        assert_eq!(s.asset_rules, OrgSettings::default().asset_rules);
        assert_eq!(s.risk_method, OrgSettings::default().risk_method);
        assert_eq!(s.date_style, DateStyle::Western);
        assert_eq!(s.lang, Lang::Ja);
    }

    #[test]
    fn a_code_pattern_is_the_organisation_s_or_the_register_s() {
        use crate::registers::{ASSETS, DEPARTMENTS};
        let s = OrgSettings::of(&serde_json::json!({
            "date_style": "era", "lang": "en",
            "codes": { "asset": { "prefix": "IA-", "digits": 5 } },
        }));
        assert_eq!((s.date_style, s.lang), (DateStyle::Era, Lang::En));
        assert_eq!(s.code_pattern(&ASSETS).unwrap().code(7), "IA-00007");
        assert_eq!(
            OrgSettings::default()
                .code_pattern(&ASSETS)
                .unwrap()
                .code(7),
            "A-0007"
        );
        assert_eq!(s.code_pattern(&DEPARTMENTS), None);
        // Full-width input folds; what would break a code is refused.
        assert_eq!(
            CodePattern::new("ＩＮＣ－", "３").unwrap().code(12),
            "INC-012"
        );
        assert_eq!(CodePattern::new("A B", "4").unwrap_err().code, "invalid");
        let yearly = CodePattern::new("E-{fiscal_year}-", "2").unwrap();
        assert!(yearly.yearly());
        assert_eq!(yearly.of_year(2017).code(4), "E-2017-04");
        assert_eq!(
            CodePattern::new("{fiscal_year}-", "4").unwrap_err().code,
            "invalid"
        );
        assert_eq!(CodePattern::new("2026-", "4").unwrap_err().code, "invalid");
        assert_eq!(CodePattern::new("A-", "9").unwrap_err().field, "digits");
        assert_eq!(
            CodePattern::new(&"X".repeat(21), "4").unwrap_err().code,
            "too-long"
        );
    }
}
