//! How an information security objective is judged: its results over the fiscal year make one
//! yearly result (their sum, the latest, the average, the lowest or the highest), and that result
//! is achieved when it compares with the numeric target as the objective says (at least, at most,
//! equal).

use time::Date;

use crate::registers::parse_number;

/// The choice values of `aggregation`, as stored.
pub const AGGREGATIONS: &[&str] = &["sum", "latest", "average", "minimum", "maximum"];
/// The choice values of `comparison`, as stored.
pub const COMPARISONS: &[&str] = &["at_least", "at_most", "equal"];

/// How the results of the year make the yearly result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregation {
    /// Counts per period add up (near misses reported in each half year).
    Sum,
    /// The last measurement stands for the year.
    Latest,
    Average,
    /// The worst period of a rate that must hold all year (a patch rate).
    Minimum,
    Maximum,
}

impl Aggregation {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "sum" => Self::Sum,
            "latest" => Self::Latest,
            "average" => Self::Average,
            "minimum" => Self::Minimum,
            "maximum" => Self::Maximum,
            _ => return None,
        })
    }

    /// The yearly result of `results` (measured on, value), or `None` without results. The value
    /// is rounded as it is shown (`yearly_text`), so what is judged is what is printed.
    pub fn of(self, results: &[(Date, f64)]) -> Option<f64> {
        let values = results.iter().map(|(_, v)| *v);
        let n = results.len();
        if n == 0 {
            return None;
        }
        let raw = match self {
            Self::Sum => values.sum(),
            Self::Average => values.sum::<f64>() / n as f64,
            Self::Minimum => values.fold(f64::INFINITY, f64::min),
            Self::Maximum => values.fold(f64::NEG_INFINITY, f64::max),
            // The later measurement; of two on one day, the one given later.
            Self::Latest => results
                .iter()
                .enumerate()
                .max_by_key(|(i, (on, _))| (*on, *i))
                .map(|(_, (_, v))| *v)?,
        };
        parse_number(&number_text(raw))
    }
}

/// How the yearly result is judged against the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// The result reaches the target or more (以上).
    AtLeast,
    /// The result stays at the target or below (以下): zero accidents.
    AtMost,
    Equal,
}

impl Comparison {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "at_least" => Self::AtLeast,
            "at_most" => Self::AtMost,
            "equal" => Self::Equal,
            _ => return None,
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::AtLeast => "at_least",
            Self::AtMost => "at_most",
            Self::Equal => "equal",
        }
    }

    pub fn met(self, result: f64, target: f64) -> bool {
        match self {
            Self::AtLeast => result >= target,
            Self::AtMost => result <= target,
            Self::Equal => (result - target).abs() < 1e-9,
        }
    }
}

/// A number as the result field keeps it: whole numbers without decimals (`13`), others to at
/// most two decimal places (`97.5`).
pub fn number_text(n: f64) -> String {
    // `+ 0.0` turns a rounded -0 into 0.
    let rounded = (n * 100.0).round() / 100.0 + 0.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        let s = format!("{rounded:.2}");
        s.trim_end_matches('0').to_string()
    }
}

/// The yearly result as text and whether it achieves the target: `(None, None)` without results;
/// achievement only when the target is a number and the choices are known.
pub fn judge(
    aggregation: &str,
    comparison: &str,
    target: &str,
    results: &[(Date, f64)],
) -> (Option<String>, Option<bool>) {
    let result = Aggregation::parse(aggregation).and_then(|a| a.of(results));
    let achieved = match (result, parse_number(target), Comparison::parse(comparison)) {
        (Some(r), Some(t), Some(c)) => Some(c.met(r, t)),
        _ => None,
    };
    (result.map(number_text), achieved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn halves(first: f64, second: f64) -> Vec<(Date, f64)> {
        vec![
            (date!(2017 - 09 - 30), first),
            (date!(2018 - 03 - 31), second),
        ]
    }

    #[test]
    fn near_misses_add_up_over_the_year_and_reach_the_target() {
        assert_eq!(
            judge("sum", "at_least", "12", &halves(6.0, 7.0)),
            (Some("13".into()), Some(true))
        );
        assert_eq!(
            judge("sum", "at_least", "14", &halves(6.0, 7.0)),
            (Some("13".into()), Some(false))
        );
    }

    #[test]
    fn a_patch_rate_is_judged_on_its_worst_half_year() {
        assert_eq!(
            judge("minimum", "at_least", "100", &halves(95.0, 100.0)),
            (Some("95".into()), Some(false))
        );
        assert_eq!(
            judge("latest", "at_least", "100", &halves(95.0, 100.0)),
            (Some("100".into()), Some(true))
        );
        assert_eq!(
            judge("maximum", "at_most", "99", &halves(95.0, 100.0)),
            (Some("100".into()), Some(false))
        );
    }

    #[test]
    fn zero_accidents_is_at_most_or_equal_to_zero() {
        for comparison in ["at_most", "equal"] {
            assert_eq!(
                judge("sum", comparison, "0", &halves(0.0, 0.0)),
                (Some("0".into()), Some(true))
            );
        }
        assert_eq!(
            judge("sum", "at_most", "0", &halves(0.0, 1.0)).1,
            Some(false)
        );
    }

    #[test]
    fn the_average_is_judged_as_it_is_shown() {
        let thirds = vec![
            (date!(2017 - 06 - 30), 100.0),
            (date!(2017 - 09 - 30), 100.0),
            (date!(2017 - 12 - 31), 99.99),
        ];
        // 99.9966… is shown as 100 and so reaches 100.
        assert_eq!(
            judge("average", "at_least", "100", &thirds),
            (Some("100".into()), Some(true))
        );
        assert_eq!(
            judge("average", "equal", "97.5", &halves(95.0, 100.0)),
            (Some("97.5".into()), Some(true))
        );
    }

    #[test]
    fn the_latest_is_the_last_measured_whatever_the_order_given() {
        let given = vec![(date!(2018 - 03 - 31), 7.0), (date!(2017 - 09 - 30), 6.0)];
        assert_eq!(judge("latest", "at_least", "7", &given).0, Some("7".into()));
    }

    #[test]
    fn without_results_or_a_numeric_target_nothing_is_judged() {
        assert_eq!(judge("sum", "at_least", "12", &[]), (None, None));
        assert_eq!(
            judge("latest", "at_least", "", &halves(4.0, 9.0)),
            (Some("9".into()), None)
        );
    }

    #[test]
    fn results_are_kept_with_at_most_two_decimals() {
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(97.5), "97.5");
        assert_eq!(number_text(2.0 / 3.0), "0.67");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(number_text(1000.0), "1000");
        assert_eq!(number_text(-0.001), "0");
    }
}
