//! The ISMS year: the organisation's cycles (how often patches, password changes and key
//! inspections fall due; how early a certificate's expiry is warned of) and the rules of the annual
//! plan's duties, which make a fiscal year's tasks.

use time::{Date, Month};

use crate::{FieldError, FiscalYear};

/// How often the recurring checks fall due, in days, and how early an expiry is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cycles {
    /// A device's patches are checked at least this often.
    pub patch_days: i64,
    /// A device's password is changed at least this often.
    pub password_days: i64,
    /// A customer's key in custody is inspected at least this often.
    pub inspection_days: i64,
    /// A certificate's expiry is warned of this many days before …
    pub certificate_first_days: i64,
    /// … and again this many days before.
    pub certificate_last_days: i64,
    /// A task's owner is written to this many days before it falls due (and on the day, and
    /// weekly while it is late) …
    pub reminder_days: i64,
    /// … and, once it is this many days late, their department's manager.
    pub escalation_days: i64,
}

impl Cycles {
    /// Every organisation's until it sets its own: the reference company's monthly checks, and a
    /// certificate's expiry told 90 and 30 days before.
    pub const DEFAULT: Cycles = Cycles {
        patch_days: 31,
        password_days: 31,
        inspection_days: 31,
        certificate_first_days: 90,
        certificate_last_days: 30,
        reminder_days: 7,
        escalation_days: 14,
    };

    /// The settings' names (in the profile, the form and messages), each with its range.
    pub const NAMES: [(&'static str, std::ops::RangeInclusive<i64>); 7] = [
        ("patch_days", 1..=366),
        ("password_days", 1..=366),
        ("inspection_days", 1..=366),
        ("certificate_first_days", 1..=366),
        ("certificate_last_days", 1..=366),
        ("reminder_days", 1..=90),
        ("escalation_days", 1..=366),
    ];

    pub fn values(&self) -> [i64; 7] {
        [
            self.patch_days,
            self.password_days,
            self.inspection_days,
            self.certificate_first_days,
            self.certificate_last_days,
            self.reminder_days,
            self.escalation_days,
        ]
    }

    fn from_values(v: [i64; 7]) -> Cycles {
        Cycles {
            patch_days: v[0],
            password_days: v[1],
            inspection_days: v[2],
            certificate_first_days: v[3],
            certificate_last_days: v[4],
            reminder_days: v[5],
            escalation_days: v[6],
        }
    }

    /// The cycles a profile sets; a value missing or out of range keeps the default.
    pub fn of(profile: &serde_json::Value) -> Cycles {
        let defaults = Self::DEFAULT.values();
        let mut v = defaults;
        for (i, (name, range)) in Self::NAMES.iter().enumerate() {
            v[i] = profile
                .get(*name)
                .and_then(serde_json::Value::as_i64)
                .filter(|d| range.contains(d))
                .unwrap_or(defaults[i]);
        }
        Self::from_values(v)
    }

    /// Cycles from numbers a person typed, each checked against its range; the second warning of
    /// an expiry comes after the first.
    pub fn new(v: [i64; 7]) -> Result<Cycles, Vec<FieldError>> {
        let mut errors: Vec<FieldError> = Self::NAMES
            .iter()
            .zip(v)
            .filter(|((_, range), d)| !range.contains(d))
            .map(|((name, range), _)| {
                FieldError::with(
                    name,
                    "int-range",
                    format!("{}–{}", range.start(), range.end()),
                )
            })
            .collect();
        if errors.is_empty() && v[4] >= v[3] {
            errors.push(FieldError::new("certificate_last_days", "warning-order"));
        }
        if errors.is_empty() {
            Ok(Self::from_values(v))
        } else {
            Err(errors)
        }
    }
}

impl Default for Cycles {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// How a duty recurs: monthly, yearly, N days before a date a record holds, on a person joining,
/// or once for each internal audit of the year's programme (on its planned date, falling to its
/// lead auditor).
pub const DUTY_CYCLES: &[&str] = &[
    "monthly",
    "yearly",
    "before_date",
    "on_joining",
    "audit_programme",
];

/// The dates a duty of cycle `before_date` is counted back from: a certificate's expiry, the end
/// of an auditor's membership, the fifth anniversary of an identity guarantee.
pub const DUTY_ANCHORS: &[&str] = &["certificate_expiry", "membership_end", "guarantee_renewal"];

/// What completes a task: a register's record, named as a duty names it (`completed_by`), placed
/// by a date field, counting only when its fields hold the values given (a test passed, an audit
/// done, and for a certification audit, of the third party).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Completer {
    pub name: &'static str,
    pub collection: &'static str,
    pub date: &'static str,
    pub when: &'static [(&'static str, &'static str)],
}

const fn completer_of(
    name: &'static str,
    collection: &'static str,
    date: &'static str,
    when: &'static [(&'static str, &'static str)],
) -> Completer {
    Completer {
        name,
        collection,
        date,
        when,
    }
}

/// Every completer. Of one register, the narrower come first: an internal audit completes the
/// programme's task before any audit's.
pub const COMPLETERS: &[Completer] = &[
    completer_of("meetings", "meetings", "held_on", &[]),
    completer_of("key-inspections", "key-inspections", "inspected_on", &[]),
    completer_of("devices", "devices", "patched_on", &[]),
    completer_of(
        "internal-audits",
        "audits",
        "started_on",
        &[("kind", "internal"), ("status", "done")],
    ),
    completer_of(
        "certification-audits",
        "audits",
        "started_on",
        &[("party", "third"), ("status", "done")],
    ),
    completer_of("audits", "audits", "started_on", &[("status", "done")]),
    completer_of("management-reviews", "management-reviews", "held_on", &[]),
    completer_of(
        "requirement-reviews",
        "requirement-reviews",
        "reviewed_on",
        &[],
    ),
    completer_of("training-sessions", "training-sessions", "held_on", &[]),
    completer_of(
        "test-attempts",
        "test-attempts",
        "started_on",
        &[("result", "passed")],
    ),
    completer_of("drills", "drills", "held_on", &[]),
    completer_of("self-assessments", "self-assessments", "answered_on", &[]),
    completer_of(
        "identity-guarantees",
        "identity-guarantees",
        "received_on",
        &[],
    ),
    completer_of("pledges", "pledges", "signed_on", &[]),
    completer_of("certificates", "certificates", "valid_from", &[]),
    completer_of("objective-results", "objective-results", "measured_on", &[]),
];

/// The names of `COMPLETERS`, as a duty's choice.
pub const COMPLETER_NAMES: &[&str] = &[
    "meetings",
    "key-inspections",
    "devices",
    "internal-audits",
    "certification-audits",
    "audits",
    "management-reviews",
    "requirement-reviews",
    "training-sessions",
    "test-attempts",
    "drills",
    "self-assessments",
    "identity-guarantees",
    "pledges",
    "certificates",
    "objective-results",
];

/// The completer a duty or task names.
pub fn completer(name: &str) -> Option<&'static Completer> {
    COMPLETERS.iter().find(|c| c.name == name)
}

/// The completers of a register, the narrower first.
pub fn completers_of(collection: &str) -> impl Iterator<Item = &'static Completer> + '_ {
    COMPLETERS
        .iter()
        .filter(move |c| c.collection == collection)
}

/// Whether a register's records complete tasks.
pub fn completes_tasks(collection: &str) -> bool {
    completers_of(collection).next().is_some()
}

/// Whether a register's record completes a task by being edited (a device's patch date, a planned
/// audit recorded as done) rather than added.
pub fn completed_by_editing(collection: &str) -> bool {
    matches!(collection, "devices" | "audits")
}

/// One occurrence of a duty: from when a record counts towards it, and when it is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    pub opens_on: Date,
    pub due_on: Date,
}

/// The day `day` of a month, or its last day when the month is shorter (or `day` is `None`).
fn day_of(year: i32, month: Month, day: Option<u8>) -> Date {
    let last = time::util::days_in_month(month, year);
    let d = day.map_or(last, |d| d.clamp(1, last));
    Date::from_calendar_date(year, month, d).expect("a day within the month")
}

/// The occurrences in fiscal year `fy` of a duty that recurs by the calendar: monthly (due on
/// `day` of each month, its last day when none is given), or yearly (in `month`, on `day`). A
/// record counts from the first of the occurrence's month.
pub fn calendar_occurrences(
    cycle: &str,
    day: Option<u8>,
    month: Option<u8>,
    fy: FiscalYear,
) -> Vec<Occurrence> {
    let months = (0..12).map(|i| {
        let first = fy.start();
        let m0 = first.month() as i32 - 1 + i;
        let year = first.year() + m0.div_euclid(12);
        let month = Month::try_from((m0.rem_euclid(12) + 1) as u8).expect("a month");
        (year, month)
    });
    let of = |(year, month): (i32, Month)| Occurrence {
        opens_on: day_of(year, month, Some(1)),
        due_on: day_of(year, month, day),
    };
    match cycle {
        "monthly" => months.map(of).collect(),
        "yearly" => months
            .filter(|(_, m)| Some(*m as u8) == month)
            .map(of)
            .collect(),
        _ => Vec::new(),
    }
}

/// The occurrence of a duty counted back `days` from `date` (a certificate's expiry): due that many
/// days before, a record counting from a further `days` before.
pub fn before(date: Date, days: i64) -> Occurrence {
    let due_on = date - time::Duration::days(days);
    Occurrence {
        opens_on: due_on - time::Duration::days(days.max(30)),
        due_on,
    }
}

/// The occurrence of a duty set off by a person joining on `date`: due `days` after it.
pub fn after_joining(date: Date, days: i64) -> Occurrence {
    Occurrence {
        opens_on: date,
        due_on: date + time::Duration::days(days),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_completers_names_are_the_duties_choice() {
        let names: Vec<&str> = COMPLETERS.iter().map(|c| c.name).collect();
        assert_eq!(names, COMPLETER_NAMES);
    }
    use crate::Calendar;
    use time::macros::date;

    #[test]
    fn a_monthly_duty_falls_due_in_each_month_of_the_fiscal_year() {
        let fy = Calendar::new(4).year(2017);
        let o = calendar_occurrences("monthly", Some(31), None, fy);
        assert_eq!(o.len(), 12);
        assert_eq!(o[0].opens_on, date!(2017 - 04 - 01));
        assert_eq!(o[0].due_on, date!(2017 - 04 - 30), "April has 30 days");
        assert_eq!(o[10].due_on, date!(2018 - 02 - 28));
        assert_eq!(o[11].due_on, date!(2018 - 03 - 31));
        let o = calendar_occurrences("monthly", None, None, fy);
        assert_eq!(
            o[9].due_on,
            date!(2018 - 01 - 31),
            "no day: the month's last"
        );
    }

    #[test]
    fn a_yearly_duty_falls_in_its_month_of_the_fiscal_year() {
        let fy = Calendar::new(4).year(2017);
        let o = calendar_occurrences("yearly", Some(20), Some(3), fy);
        assert_eq!(
            o,
            vec![Occurrence {
                opens_on: date!(2018 - 03 - 01),
                due_on: date!(2018 - 03 - 20)
            }]
        );
        let o = calendar_occurrences("yearly", None, Some(10), Calendar::new(1).year(2017));
        assert_eq!(o[0].due_on, date!(2017 - 10 - 31));
        assert!(calendar_occurrences("yearly", None, None, fy).is_empty());
        assert!(calendar_occurrences("before_date", None, None, fy).is_empty());
    }

    #[test]
    fn cycles_are_read_from_the_profile_and_checked_when_typed() {
        let c = Cycles::of(&serde_json::json!({"patch_days": 90, "password_days": 0}));
        assert_eq!(c.patch_days, 90);
        assert_eq!(c.password_days, 31, "out of range keeps the default");
        assert!(Cycles::new([31, 31, 31, 90, 30, 7, 14]).is_ok());
        let e = Cycles::new([0, 31, 31, 90, 30, 7, 14]).unwrap_err();
        assert_eq!(e[0].field, "patch_days");
        let e = Cycles::new([31, 31, 31, 30, 90, 7, 14]).unwrap_err();
        assert_eq!(e[0].code, "warning-order");
    }

    #[test]
    fn every_completer_is_a_register_with_its_date_field() {
        assert_eq!(COMPLETERS.len(), COMPLETER_NAMES.len());
        for c in COMPLETERS {
            let (collection, date) = (c.collection, c.date);
            let reg = crate::registers::by_collection(collection).expect(collection);
            let f = reg
                .field(date)
                .unwrap_or_else(|| panic!("{collection}.{date}"));
            assert_eq!(f.kind, crate::FieldKind::Date, "{collection}.{date}");
            for (field, value) in c.when {
                // Each condition is a choice the field offers.
                let f = reg
                    .field(field)
                    .unwrap_or_else(|| panic!("{collection}.{field}"));
                assert!(
                    matches!(f.kind, crate::FieldKind::Choice(values) if values.contains(value)),
                    "{collection}.{field} = {value}"
                );
            }
        }
    }
}
