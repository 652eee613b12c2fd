//! A figure of the yearly report: a count or a rate, `無し` (the activity did not take place that
//! year) or `―` (not applicable: the figure does not concern that department, or the year is before
//! the organisation's records begin), with the same figure for the previous fiscal year.

use crate::Lang;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One year's value of a figure. In JSON a number, `"none"` (無し) or `"n/a"` (―).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FigureValue {
    Number(f64),
    /// 無し: the activity was not done that year.
    None,
    /// ―: not applicable.
    NotApplicable,
}

impl FigureValue {
    /// A count; for an activity (a drill, an audit) no records means it was not done (無し).
    pub fn activity(count: i64) -> Self {
        if count == 0 {
            Self::None
        } else {
            Self::Number(count as f64)
        }
    }

    pub fn count(count: i64) -> Self {
        Self::Number(count as f64)
    }

    /// A share in percent, `part` of `whole`, rounded to one decimal: the one rounding rule of
    /// every share and rate, in the text, the tables, the chart and every rendering; 無し when there
    /// is nothing to share.
    pub fn share(part: i64, whole: i64) -> Self {
        if whole == 0 {
            Self::None
        } else {
            Self::Number(((part as f64) * 1000.0 / whole as f64).round() / 10.0)
        }
    }

    /// `84.6%`, `2件`, or `無し`/`―` without a unit.
    pub fn with_unit(&self, unit: &str, lang: Lang) -> String {
        match self {
            Self::Number(_) => format!("{}{unit}", self.text(lang)),
            other => other.text(lang),
        }
    }

    pub fn number(&self) -> Option<f64> {
        match self {
            Self::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// `7`, `無し`/`none` or `―`; a rate keeps one decimal when it has one.
    pub fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (Self::Number(n), _) if n.fract() == 0.0 => format!("{n:.0}"),
            (Self::Number(n), _) => format!("{n:.1}"),
            (Self::None, Lang::En) => "none".to_string(),
            (Self::None, _) => "無し".to_string(),
            (Self::NotApplicable, _) => "―".to_string(),
        }
    }
}

impl Serialize for FigureValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => s.serialize_i64(*n as i64),
            Self::Number(n) => s.serialize_f64(*n),
            Self::None => s.serialize_str("none"),
            Self::NotApplicable => s.serialize_str("n/a"),
        }
    }
}

impl<'de> Deserialize<'de> for FigureValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Number(n) => Ok(Self::Number(n.as_f64().unwrap_or_default())),
            serde_json::Value::String(s) if s == "none" => Ok(Self::None),
            serde_json::Value::String(s) if s == "n/a" => Ok(Self::NotApplicable),
            other => Err(serde::de::Error::custom(format!(
                "a figure is a number, \"none\" or \"n/a\", not {other}"
            ))),
        }
    }
}

/// A figure: this fiscal year's value and the previous year's, from the same query.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub current: FigureValue,
    pub previous: FigureValue,
}

impl Figure {
    /// `7(6)件` as the report prints it (`7 (6)` in English); `―` alone when neither year applies.
    pub fn text(&self, unit: &str, lang: Lang) -> String {
        if self.current == FigureValue::NotApplicable && self.previous == FigureValue::NotApplicable
        {
            return FigureValue::NotApplicable.text(lang);
        }
        let (c, p) = (self.current.text(lang), self.previous.text(lang));
        if lang == Lang::En {
            format!("{c} ({p}){unit}")
        } else {
            format!("{c}({p}){unit}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_to_one_decimal_once() {
        assert_eq!(FigureValue::share(11, 13), FigureValue::Number(84.6));
        assert_eq!(FigureValue::share(6, 6).with_unit("%", Lang::Ja), "100%");
        assert_eq!(FigureValue::share(11, 13).with_unit("%", Lang::Ja), "84.6%");
        assert_eq!(FigureValue::share(0, 0).with_unit("%", Lang::Ja), "無し");
    }

    #[test]
    fn three_kinds_of_nothing_stay_apart() {
        let f = Figure {
            current: FigureValue::count(0),
            previous: FigureValue::None,
        };
        assert_eq!(f.text("件", Lang::Ja), "0(無し)件");
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(json, r#"{"current":0,"previous":"none"}"#);
        let back: Figure = serde_json::from_str(&json).unwrap();
        assert_eq!(back, f);
        let na = Figure {
            current: FigureValue::NotApplicable,
            previous: FigureValue::NotApplicable,
        };
        assert_eq!(na.text("件", Lang::Ja), "―");
        assert_eq!(
            serde_json::to_string(&na).unwrap(),
            r#"{"current":"n/a","previous":"n/a"}"#
        );
        assert_eq!(FigureValue::activity(0), FigureValue::None);
        assert_eq!(FigureValue::Number(66.7).text(Lang::Ja), "66.7");
        assert!(serde_json::from_str::<FigureValue>("\"zero\"").is_err());
    }
}
