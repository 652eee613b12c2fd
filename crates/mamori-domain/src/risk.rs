//! The organisation's risk method (リスクアセスメント手法): its likelihood, impact and priority
//! scales, the matrix that turns a likelihood and an impact into a risk level, and the levels it
//! accepts. Kept in the organisation's profile under `risk_method`; the reference company rates with
//! letters, A the highest.

use serde::{Deserialize, Serialize};

use crate::register::FieldError;

/// Which of the method's scales a field is rated on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Likelihood,
    Impact,
    Priority,
    /// A risk level: computed from the matrix, never typed.
    Level,
}

impl Scale {
    pub fn code(self) -> &'static str {
        match self {
            Scale::Likelihood => "likelihood",
            Scale::Impact => "impact",
            Scale::Priority => "priority",
            Scale::Level => "level",
        }
    }
}

/// A level computed from two rated fields: (level field, likelihood field, impact field).
pub type Rating = (&'static str, &'static str, &'static str);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskMethod {
    /// Each scale from the highest to the lowest.
    pub likelihood: Vec<String>,
    pub impact: Vec<String>,
    pub priority: Vec<String>,
    /// Risk levels from the highest to the lowest.
    pub levels: Vec<String>,
    /// `matrix[l][i]`: the level of the `l`-th likelihood and the `i`-th impact.
    pub matrix: Vec<Vec<String>>,
    /// The levels a risk may be retained at without treatment (the acceptance criteria).
    pub acceptable: Vec<String>,
}

impl Default for RiskMethod {
    /// The reference company's method: A/B/C on each scale, three levels, level III accepted.
    fn default() -> Self {
        let abc = || vec!["A".to_string(), "B".into(), "C".into()];
        let row = |r: [&str; 3]| r.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        RiskMethod {
            likelihood: abc(),
            impact: abc(),
            priority: abc(),
            levels: vec!["I".into(), "II".into(), "III".into()],
            matrix: vec![
                row(["I", "I", "II"]),
                row(["I", "II", "III"]),
                row(["II", "III", "III"]),
            ],
            acceptable: vec!["III".into()],
        }
    }
}

/// Longest value a scale may hold.
pub const MAX_SCALE_VALUE: usize = 10;

impl RiskMethod {
    /// The method an organisation's profile sets, or the reference company's.
    pub fn of(profile: &serde_json::Value) -> RiskMethod {
        profile
            .get("risk_method")
            .and_then(|r| serde_json::from_value::<RiskMethod>(r.clone()).ok())
            .filter(|m| m.check().is_empty())
            .unwrap_or_default()
    }

    pub fn scale(&self, scale: Scale) -> &[String] {
        match scale {
            Scale::Likelihood => &self.likelihood,
            Scale::Impact => &self.impact,
            Scale::Priority => &self.priority,
            Scale::Level => &self.levels,
        }
    }

    /// The level of a likelihood and an impact.
    pub fn level(&self, likelihood: &str, impact: &str) -> Option<&str> {
        let l = self.likelihood.iter().position(|v| v == likelihood)?;
        let i = self.impact.iter().position(|v| v == impact)?;
        self.matrix.get(l)?.get(i).map(String::as_str)
    }

    pub fn accepts(&self, level: &str) -> bool {
        self.acceptable.iter().any(|a| a == level)
    }

    /// What is wrong with the method: each scale has 1–9 distinct short values, the matrix has a
    /// level of the list in every cell, and the accepted levels are levels.
    pub fn check(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let bad_scale = |values: &[String]| {
            let mut seen = std::collections::BTreeSet::new();
            values.is_empty()
                || values.len() > 9
                || values.iter().any(|v| {
                    v.is_empty()
                        || v.chars().count() > MAX_SCALE_VALUE
                        || v.chars().any(|c| c.is_control() || c == ',')
                        || !seen.insert(v.as_str())
                })
        };
        for (name, values) in [
            ("likelihood", &self.likelihood),
            ("impact", &self.impact),
            ("priority", &self.priority),
            ("levels", &self.levels),
        ] {
            if bad_scale(values) {
                errors.push(FieldError::new(name, "invalid-scale"));
            }
        }
        let matrix_ok = self.matrix.len() == self.likelihood.len()
            && self.matrix.iter().all(|row| {
                row.len() == self.impact.len() && row.iter().all(|c| self.levels.contains(c))
            });
        if !matrix_ok {
            errors.push(FieldError::new("matrix", "invalid-matrix"));
        }
        if self.acceptable.iter().any(|a| !self.levels.contains(a)) {
            errors.push(FieldError::new("acceptable", "invalid-choice"));
        }
        errors
    }
}

/// The band of an IPA self-assessment's total (out of 100): IPA's guide reads a total below 50 as
/// needing urgent work, and 80 or more as a good level to keep. `good`, `fair` or `poor`.
pub fn self_assessment_band(total: i64) -> &'static str {
    match total {
        t if t >= 80 => "good",
        t if t >= 50 => "fair",
        _ => "poor",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_self_assessment_is_banded_at_50_and_80() {
        let bands: Vec<&str> = [-100, 0, 49, 50, 79, 80, 100]
            .into_iter()
            .map(self_assessment_band)
            .collect();
        assert_eq!(
            bands,
            ["poor", "poor", "poor", "fair", "fair", "good", "good"]
        );
    }

    #[test]
    fn the_reference_method_rates_with_letters() {
        let m = RiskMethod::default();
        assert!(m.check().is_empty());
        assert_eq!(m.level("A", "A"), Some("I"));
        assert_eq!(m.level("C", "B"), Some("III"));
        assert_eq!(m.level("D", "A"), None);
        assert!(m.accepts("III"));
        assert!(!m.accepts("II"));
        assert_eq!(
            RiskMethod::of(&serde_json::json!({"risk_method": {"bad": 1}})),
            m
        );
    }

    #[test]
    fn a_broken_method_is_refused() {
        let mut m = RiskMethod::default();
        m.matrix[0].pop();
        m.acceptable = vec!["IV".into()];
        m.priority = vec!["A".into(), "A".into()];
        let codes: Vec<_> = m.check().iter().map(|e| e.field.clone()).collect();
        assert_eq!(codes, ["priority", "matrix", "acceptable"]);
    }
}
