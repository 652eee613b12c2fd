//! Fiscal years (April start by default, configurable) and Japanese era dates (平成/令和, 元年).

use crate::Lang;
use serde::{Deserialize, Serialize};
use time::{Date, Month, OffsetDateTime, UtcOffset};

/// Japan Standard Time: UTC+9 all year round.
pub const JST: UtcOffset = match UtcOffset::from_hms(9, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

/// Today in Japan: the day records are dated by (a report at 07:00 JST is dated that day, not the
/// day before as in UTC).
pub fn today() -> Date {
    OffsetDateTime::now_utc().to_offset(JST).date()
}

/// An organisation's fiscal calendar: the month its fiscal years start in (April unless it says
/// otherwise). Every fiscal year is made from one, so the month never travels on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Calendar {
    start_month: u8,
}

impl Calendar {
    /// April, as most Japanese companies (and the demo) count.
    pub const APRIL: Calendar = Calendar { start_month: 4 };

    pub fn new(start_month: u8) -> Self {
        Self {
            start_month: start_month.clamp(1, 12),
        }
    }

    /// The fiscal year that starts in the calendar year `year`.
    pub fn year(&self, year: i32) -> FiscalYear {
        FiscalYear {
            year,
            start_month: self.start_month,
        }
    }

    /// The fiscal year a day falls in.
    pub fn containing(&self, date: Date) -> FiscalYear {
        let year = if (date.month() as u8) >= self.start_month {
            date.year()
        } else {
            date.year() - 1
        };
        self.year(year)
    }

    pub fn start_month(&self) -> u8 {
        self.start_month
    }
}

/// A fiscal year named by the calendar year it starts in: FY2017 with an April start is
/// 2017-04-01 … 2018-03-31 (平成29年度). Made by a `Calendar`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FiscalYear {
    year: i32,
    start_month: u8,
}

impl FiscalYear {
    /// The calendar year it starts in (2017 for 平成29年度 with an April start).
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The calendar it belongs to.
    pub fn calendar(&self) -> Calendar {
        Calendar {
            start_month: self.start_month,
        }
    }

    pub fn next(&self) -> Self {
        Self {
            year: self.year + 1,
            start_month: self.start_month,
        }
    }

    pub fn start(&self) -> Date {
        let month = Month::try_from(self.start_month).unwrap_or(Month::April);
        Date::from_calendar_date(self.year, month, 1).unwrap_or(Date::MIN)
    }

    /// The first day after the fiscal year (exclusive end), convenient for `date < end` queries.
    pub fn end_exclusive(&self) -> Date {
        FiscalYear {
            year: self.year + 1,
            start_month: self.start_month,
        }
        .start()
    }

    pub fn last_day(&self) -> Date {
        self.end_exclusive().previous_day().unwrap_or(Date::MIN)
    }

    pub fn contains(&self, date: Date) -> bool {
        date >= self.start() && date < self.end_exclusive()
    }

    pub fn previous(&self) -> Self {
        Self {
            year: self.year - 1,
            start_month: self.start_month,
        }
    }

    /// `2017年度` / `FY2017`, or `平成29年度` in era style.
    pub fn label(&self, style: DateStyle, lang: Lang) -> String {
        if lang == Lang::En {
            return format!("FY{}", self.year);
        }
        match style {
            DateStyle::Western => format!("{}年度", self.year),
            DateStyle::Era | DateStyle::EraShort => {
                // A fiscal year is named by the era in force on its first day.
                let (era, y) = era_of(self.start());
                format!("{}{}年度", era.name, year_text(y))
            }
        }
    }
}

/// How dates are shown to a user (a per-user setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DateStyle {
    #[default]
    Western,
    Era,
    EraShort,
}

impl DateStyle {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "western" => Some(Self::Western),
            "era" => Some(Self::Era),
            "era_short" => Some(Self::EraShort),
            _ => None,
        }
    }
    pub fn code(&self) -> &'static str {
        match self {
            Self::Western => "western",
            Self::Era => "era",
            Self::EraShort => "era_short",
        }
    }
}

pub struct Era {
    pub name: &'static str,
    pub letter: &'static str,
    pub first_day: (i32, u8, u8),
}

/// The eras since 明治, newest first. 明治 counts its years from 1868 (明治元年 was declared to run from
/// the first day of that year); dates before the 1873 calendar reform are read as Gregorian dates.
pub const ERAS: &[Era] = &[
    Era {
        name: "令和",
        letter: "R",
        first_day: (2019, 5, 1),
    },
    Era {
        name: "平成",
        letter: "H",
        first_day: (1989, 1, 8),
    },
    Era {
        name: "昭和",
        letter: "S",
        first_day: (1926, 12, 25),
    },
    Era {
        name: "大正",
        letter: "T",
        first_day: (1912, 7, 30),
    },
    Era {
        name: "明治",
        letter: "M",
        first_day: (1868, 1, 1),
    },
];

fn era_start(era: &Era) -> Date {
    let (y, m, d) = era.first_day;
    Date::from_calendar_date(y, Month::try_from(m).unwrap_or(Month::January), d)
        .unwrap_or(Date::MIN)
}

/// The era a date falls in and the year within it (1 = 元年).
pub fn era_of(date: Date) -> (&'static Era, i32) {
    for era in ERAS {
        if date >= era_start(era) {
            return (era, date.year() - era.first_day.0 + 1);
        }
    }
    let last = &ERAS[ERAS.len() - 1];
    (last, date.year() - last.first_day.0 + 1)
}

fn year_text(y: i32) -> String {
    if y == 1 {
        "元".to_string()
    } else {
        y.to_string()
    }
}

/// Formats a date for display: `2017年11月25日`, `平成29年11月25日`, `H29.11.25`, or `2017-11-25` in English.
pub fn format_date(date: Date, style: DateStyle, lang: Lang) -> String {
    let (m, d) = (date.month() as u8, date.day());
    match (style, lang) {
        (DateStyle::EraShort, _) => {
            let (era, y) = era_of(date);
            format!("{}{}.{}.{}", era.letter, y, m, d)
        }
        (_, Lang::En) => format!("{:04}-{:02}-{:02}", date.year(), m, d),
        (DateStyle::Western, _) => format!("{}年{}月{}日", date.year(), m, d),
        (DateStyle::Era, _) => {
            let (era, y) = era_of(date);
            format!("{}{}年{}月{}日", era.name, year_text(y), m, d)
        }
    }
}

/// Parses a date typed by a user: `2017-11-25`, `2017/11/25`, `2017年11月25日`, `平成29年11月25日`,
/// `令和元年5月1日`, `H29.11.25`, with full-width digits accepted.
pub fn parse_date(raw: &str) -> Option<Date> {
    let s = crate::input::normalize_strict(raw);
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    for era in ERAS {
        let rest = s.strip_prefix(era.name).or_else(|| {
            s.strip_prefix(era.letter)
                .or_else(|| s.strip_prefix(&era.letter.to_lowercase()))
        });
        if let Some(rest) = rest {
            let rest = rest.replacen('元', "1", 1);
            let (y, m, d) = split_ymd(&rest)?;
            let date = ymd(era.first_day.0 + y - 1, m, d)?;
            // The date must lie within the named era (平成31年5月1日 does not exist).
            let (e, _) = era_of(date);
            return if e.name == era.name { Some(date) } else { None };
        }
    }
    let (y, m, d) = split_ymd(s)?;
    if !(1000..=9999).contains(&y) {
        return None;
    }
    ymd(y, m, d)
}

fn ymd(y: i32, m: i32, d: i32) -> Option<Date> {
    let month = Month::try_from(u8::try_from(m).ok()?).ok()?;
    Date::from_calendar_date(y, month, u8::try_from(d).ok()?).ok()
}

fn split_ymd(s: &str) -> Option<(i32, i32, i32)> {
    let parts: Vec<&str> = s
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() != 3 {
        return None;
    }
    let n = |p: &str| -> Option<i32> {
        if p.chars().all(|c| c.is_ascii_digit()) && p.len() <= 4 {
            p.parse().ok()
        } else {
            None
        }
    };
    Some((n(parts[0])?, n(parts[1])?, n(parts[2])?))
}

/// ISO 8601 form used in storage, files and the API.
pub fn iso(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        date.month() as u8,
        date.day()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn fiscal_year_2017_runs_from_april_2017_to_march_2018() {
        let fy = Calendar::new(4).containing(date!(2018 - 03 - 31));
        assert_eq!(fy.year, 2017);
        assert_eq!(fy.start(), date!(2017 - 04 - 01));
        assert_eq!(fy.last_day(), date!(2018 - 03 - 31));
        assert!(!fy.contains(date!(2018 - 04 - 01)));
        assert_eq!(
            Calendar::new(4).containing(date!(2017 - 04 - 01)).year,
            2017
        );
        assert_eq!(fy.label(DateStyle::Era, Lang::Ja), "平成29年度");
        assert_eq!(fy.label(DateStyle::Western, Lang::Ja), "2017年度");
        assert_eq!(fy.label(DateStyle::Western, Lang::En), "FY2017");
    }

    #[test]
    fn fiscal_year_start_month_is_configurable() {
        let fy = Calendar::new(1).containing(date!(2017 - 12 - 31));
        assert_eq!(
            (fy.start(), fy.last_day()),
            (date!(2017 - 01 - 01), date!(2017 - 12 - 31))
        );
        let fy = Calendar::new(10).containing(date!(2017 - 09 - 30));
        assert_eq!(fy.year, 2016);
    }

    #[test]
    fn era_dates_switch_from_heisei_to_reiwa_with_gannen() {
        assert_eq!(
            format_date(date!(2017 - 11 - 25), DateStyle::Era, Lang::Ja),
            "平成29年11月25日"
        );
        assert_eq!(
            format_date(date!(2019 - 04 - 30), DateStyle::Era, Lang::Ja),
            "平成31年4月30日"
        );
        assert_eq!(
            format_date(date!(2019 - 05 - 01), DateStyle::Era, Lang::Ja),
            "令和元年5月1日"
        );
        assert_eq!(
            format_date(date!(2017 - 11 - 25), DateStyle::EraShort, Lang::Ja),
            "H29.11.25"
        );
        assert_eq!(
            format_date(date!(2017 - 11 - 25), DateStyle::Western, Lang::Ja),
            "2017年11月25日"
        );
        assert_eq!(
            Calendar::APRIL.year(2019).label(DateStyle::Era, Lang::Ja),
            "平成31年度"
        );
        assert_eq!(
            Calendar::APRIL.year(2020).label(DateStyle::Era, Lang::Ja),
            "令和2年度"
        );
    }

    #[test]
    fn dates_are_parsed_from_western_era_and_full_width_forms() {
        assert_eq!(parse_date("2017-11-25"), Some(date!(2017 - 11 - 25)));
        assert_eq!(
            parse_date("２０１７／１１／２５"),
            Some(date!(2017 - 11 - 25))
        );
        assert_eq!(parse_date("2017年11月25日"), Some(date!(2017 - 11 - 25)));
        assert_eq!(parse_date("平成29年11月25日"), Some(date!(2017 - 11 - 25)));
        assert_eq!(parse_date("令和元年5月1日"), Some(date!(2019 - 05 - 01)));
        assert_eq!(parse_date("H29.11.25"), Some(date!(2017 - 11 - 25)));
        assert_eq!(parse_date("平成31年5月1日"), None);
        assert_eq!(parse_date("明治1年1月1日"), Some(date!(1868 - 01 - 01)));
        assert_eq!(parse_date("明治45年7月29日"), Some(date!(1912 - 07 - 29)));
        assert_eq!(parse_date("大正元年7月30日"), Some(date!(1912 - 07 - 30)));
        assert_eq!(parse_date("明治45年7月30日"), None, "大正 began that day");
        assert_eq!(parse_date("昭和元年12月25日"), Some(date!(1926 - 12 - 25)));
        assert_eq!(parse_date("昭和64年1月7日"), Some(date!(1989 - 01 - 07)));
        assert_eq!(parse_date("平成元年1月8日"), Some(date!(1989 - 01 - 08)));
        assert_eq!(parse_date("2017-02-30"), None);
        assert_eq!(parse_date("tomorrow"), None);
        assert_eq!(parse_date(""), None);
    }
}
