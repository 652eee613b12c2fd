//! An organisation's settings, parsed from its profile once, when its access is built, so code reads
//! typed values instead of JSON. What a profile lacks, or holds in a form that does not parse, takes
//! the default (the reference company's rules).

use crate::registers::{AssetRules, RemedialRule};
use crate::risk::RiskMethod;

#[derive(Debug, Clone, PartialEq)]
pub struct OrgSettings {
    /// What each classification allows (take-outs, transfers, protection) and how long a take-out
    /// may last.
    pub asset_rules: AssetRules,
    /// The risk method: scales, matrix and acceptance criteria.
    pub risk_method: RiskMethod,
    /// When a repeated human error puts its person on the remedial course.
    pub remedial: RemedialRule,
}

impl OrgSettings {
    pub fn of(profile: &serde_json::Value) -> Self {
        OrgSettings {
            asset_rules: AssetRules::of(profile),
            risk_method: RiskMethod::of(profile),
            remedial: RemedialRule::of(profile),
        }
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
    }
}
