//! The registers of the ISMS, each declared once. A new register is a new constant here, a table in
//! the migrations and its translations.

use crate::objective;
use crate::register::{
    Field, FieldError, FieldKind, HandlingRule, ReadScope, Register, Rollup, RollupKind, Sources,
    Value, WriteScope,
};
use crate::risk::Scale;

/// A status that code compares, as an enum whose codes are a register's choice list, in order:
/// `code()` and `parse()` go through the list, so the two cannot drift apart, and it serialises as
/// its code.
macro_rules! choice_enum {
    ($(#[$meta:meta])* $name:ident, $codes:ident, [$($variant:ident),+ $(,)?]) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                $codes[self as usize]
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|x| x.code() == s)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }
    };
}

mod assets;
mod events;
mod operations;
mod people;
mod plan;
mod risk;
mod training;

pub use assets::*;
pub use events::*;
pub use operations::*;
pub use people::*;
pub use plan::*;
pub use risk::*;
pub use training::*;

const fn field(name: &'static str, kind: FieldKind) -> Field {
    Field {
        name,
        kind,
        required: false,
        unique: false,
        list: true,
        filter: false,
    }
}
const fn required(mut f: Field) -> Field {
    f.required = true;
    f
}
const fn unique(mut f: Field) -> Field {
    f.unique = true;
    f.required = true;
    f
}
const fn filter(mut f: Field) -> Field {
    f.filter = true;
    f
}
const fn detail_only(mut f: Field) -> Field {
    f.list = false;
    f
}

/// What a declaration leaves out: written by the secretariat, read by every member, with no
/// cross-field or cross-record rules. Each register below states only where it differs.
const REGISTER: Register = Register {
    code: "",
    collection: "",
    table: "",
    fields: &[],
    natural_key: None,
    title_field: "",
    department_field: None,
    write: WriteScope::Secretariat,
    default_sort: "",
    search: &[],
    not_before: &[],
    lacks: &[],
    unique_together: &[],
    read: ReadScope::Members,
    validate: None,
    labels: &[],
    assessed: &[],
    initial: &[],
    numbered: None,
    defaults: &[],
    writer_person: None,
    warn: None,
    sources: None,
    rollup: None,
    computed: &[],
    year_field: None,
    applies: &[],
    latest_per: None,
};

pub static ALL: &[&Register] = &[
    &DEPARTMENTS,
    &PEOPLE,
    &APPOINTMENTS,
    &PLEDGES,
    &IDENTITY_GUARANTEES,
    &COURSES,
    &TRAINING_PLANS,
    &TRAINING_SESSIONS,
    &ATTENDANCES,
    &EXTERNAL_SEMINARS,
    &SEMINAR_ATTENDEES,
    &TEST_QUESTIONS,
    &TEST_ATTEMPTS,
    &ASSETS,
    &ASSET_HANDLERS,
    &HANDLER_REQUESTS,
    &HANDLING_RECORDS,
    &APPROVED_CONTRACTORS,
    &DISPOSALS,
    &DEVICES,
    &CABLES,
    &CUSTODY_KEYS,
    &KEY_INSPECTIONS,
    &SECURITY_EVENTS,
    &CERTIFICATES,
    &AUDITS,
    &FINDINGS,
    &AUDIT_TEAM,
    &AUDIT_CHECKS,
    &COMPLAINTS,
    &MANAGEMENT_REVIEWS,
    &REVIEW_INPUTS,
    &REVIEW_OUTPUTS,
    &MEETINGS,
    &NOTICES,
    &NOTICE_READS,
    &OBJECTIVES,
    &OBJECTIVE_RESULTS,
    &REQUIREMENTS,
    &REQUIREMENT_REVIEWS,
    &LAW_CHANGES,
    &CONTROLS,
    &CONTROLS_2013,
    &INTERNAL_RULES,
    &RULE_REVISIONS,
    &RULE_CONTROLS,
    &RISKS,
    &RISK_CONTROLS,
    // After risks: an agenda item may be about a risk.
    &MEETING_ITEMS,
    &SOA_ENTRIES,
    &EXTERNAL_INCIDENT_REVIEWS,
    &CHANGE_ASSESSMENTS,
    &RELAXATION_REVIEWS,
    &CONTINUITY_SCENARIOS,
    &DRILLS,
    &FACILITY_CRITERIA,
    &FACILITY_ASSESSMENTS,
    &FACILITY_SCORES,
    &IPA_QUESTIONS,
    &SELF_ASSESSMENTS,
    &SELF_ASSESSMENT_ANSWERS,
    // Last: an action may come from an event, a finding, a complaint, a review's output or a meeting.
    &CORRECTIVE_ACTIONS,
    // The annual plan: a task may be completed by any of the above.
    &DUTIES,
    &TASKS,
    &TASK_COMMENTS,
];

pub fn by_collection(collection: &str) -> Option<&'static Register> {
    ALL.iter().copied().find(|r| r.collection == collection)
}

/// The register a reference field of `reg` points to.
pub fn target_of(reg: &Register, field: &str) -> Option<&'static Register> {
    match reg.field(field)?.kind {
        FieldKind::Ref(collection) => by_collection(collection),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field a register's settings name is one of its fields: a misspelt name would be a
    /// setting that silently does nothing.
    #[test]
    fn every_field_a_setting_names_is_declared() {
        for reg in ALL {
            let mut named: Vec<(&str, &str)> = vec![
                ("title_field", reg.title_field),
                ("default_sort", reg.default_sort),
            ];
            let mut add = |setting: &'static str, names: &[&'static str]| {
                named.extend(names.iter().map(|n| (setting, *n)));
            };
            add(
                "natural_key",
                &reg.natural_key.into_iter().collect::<Vec<_>>(),
            );
            add(
                "department_field",
                &reg.department_field.into_iter().collect::<Vec<_>>(),
            );
            add(
                "writer_person",
                &reg.writer_person.into_iter().collect::<Vec<_>>(),
            );
            add("search", reg.search);
            add("labels", reg.labels);
            add("assessed", reg.assessed);
            add("computed", reg.computed);
            add(
                "initial",
                &reg.initial.iter().map(|(f, _)| *f).collect::<Vec<_>>(),
            );
            add(
                "not_before",
                &reg.not_before
                    .iter()
                    .flat_map(|(a, b)| [*a, *b])
                    .collect::<Vec<_>>(),
            );
            add("unique_together", &reg.unique_together.concat());
            add(
                "defaults",
                &reg.defaults
                    .iter()
                    .flat_map(|(a, b, _)| [*a, *b])
                    .collect::<Vec<_>>(),
            );
            if let Some(s) = reg.sources {
                add("sources", &[s.field]);
                add(
                    "sources",
                    &s.refs.iter().map(|(_, f)| *f).collect::<Vec<_>>(),
                );
            }
            for (setting, name) in named {
                assert!(
                    reg.field(name).is_some(),
                    "{}: {setting} names {name}, which is not a field",
                    reg.code
                );
            }
        }
    }

    /// A field that applies for some values of a choice names a field and that choice's own
    /// values; a year field is a filterable date or fiscal-year number, here or one reference away.
    #[test]
    fn applies_and_year_fields_name_what_is_declared() {
        for reg in ALL {
            for (name, by, values) in reg.applies {
                assert!(reg.field(name).is_some(), "{}: applies {name}", reg.code);
                let Some(FieldKind::Choice(choices)) = reg.field(by).map(|f| f.kind) else {
                    panic!("{}: {by} is not a choice", reg.code)
                };
                assert!(
                    values.iter().all(|v| choices.contains(v)),
                    "{}: {by}",
                    reg.code
                );
            }
            let Some(year) = reg.year_field else { continue };
            let (owner, name) = match year.split_once('.') {
                Some((via, sub)) => {
                    assert!(reg.field(via).is_some_and(|f| f.filter), "{}", reg.code);
                    (target_of(reg, via).expect("a reference"), sub)
                }
                None => (*reg, year),
            };
            let f = owner
                .field(name)
                .unwrap_or_else(|| panic!("{}: {year}", reg.code));
            assert!(f.filter, "{}: {year} is not a filter", reg.code);
            assert!(
                matches!(f.kind, FieldKind::Date | FieldKind::Int { .. }),
                "{}: {year}",
                reg.code
            );
        }
    }

    #[test]
    fn the_event_workflow_is_the_registers_choice_in_order() {
        let codes: Vec<&str> = EventStatus::ALL.iter().map(|s| s.code()).collect();
        let risks: Vec<&str> = RiskStatus::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(risks, RISK_STATUSES);
        let results: Vec<&str> = AttemptResult::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(results, ATTEMPT_RESULTS);
        assert_eq!(
            serde_json::to_string(&AttemptResult::InProgress).unwrap(),
            "\"in_progress\""
        );
        assert_eq!(codes, EVENT_STATUSES);
        assert!(EventStatus::Reported < EventStatus::Closed);
        assert_eq!(
            EventStatus::parse("responded"),
            Some(EventStatus::Responded)
        );
        assert_eq!(EventStatus::parse("done"), None);
        assert_eq!(EventStatus::open().count(), 3);
        // A closed event has what every step asked for.
        let mut values: Vec<Value> = SECURITY_EVENTS.fields.iter().map(|_| Value::Null).collect();
        let at = |name: &str| {
            SECURITY_EVENTS
                .fields
                .iter()
                .position(|f| f.name == name)
                .unwrap()
        };
        values[at("status")] = Value::Text("closed".into());
        let missing: Vec<String> = check_event(&values).into_iter().map(|e| e.field).collect();
        assert_eq!(missing, ["severity", "response", "closed_on", "lessons"]);
    }

    #[test]
    fn the_remedial_rule_reads_its_two_periods_and_keeps_the_defaults_otherwise() {
        let none = serde_json::json!({});
        assert_eq!(RemedialRule::of(&none), RemedialRule::DEFAULT);
        let set = serde_json::json!({"remedial_days": 1000, "remedial_within_days": 14});
        assert_eq!(
            RemedialRule::of(&set),
            RemedialRule {
                period_days: 1000,
                within_days: 14
            }
        );
        let odd = serde_json::json!({"remedial_days": "一年", "remedial_within_days": 0});
        assert_eq!(RemedialRule::of(&odd), RemedialRule::DEFAULT);
        assert_eq!(
            RemedialRule::new(365, 30),
            Ok(RemedialRule::DEFAULT),
            "in range"
        );
        let refused: Vec<String> = RemedialRule::new(0, 366)
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(refused, ["remedial_days", "remedial_within_days"]);
    }

    #[test]
    fn answers_must_fit_their_question() {
        assert_eq!(parse_answer("single", "2", 3), Some(vec![2]));
        assert_eq!(parse_answer("single", "4", 3), None);
        assert_eq!(parse_answer("single", "1,2", 3), None);
        assert_eq!(parse_answer("multiple", "3,1", 3), Some(vec![1, 3]));
        assert_eq!(parse_answer("multiple", "1,1", 3), None);
        assert_eq!(parse_answer("true_false", "FALSE", 0), Some(vec![2]));
        assert_eq!(parse_answer("true_false", "maybe", 0), None);
        let mut values: Vec<Value> = TEST_QUESTIONS.fields.iter().map(|_| Value::Null).collect();
        let pos = |n: &str| TEST_QUESTIONS.position(n).unwrap();
        values[pos("kind")] = Value::Text("single".into());
        values[pos("choices")] = Value::Text("施錠する\n放置する".into());
        values[pos("answer")] = Value::Text("3".into());
        let errors = TEST_QUESTIONS.check(&values);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, "invalid-answer");
        values[pos("choices")] = Value::Text("一つだけ".into());
        assert_eq!(TEST_QUESTIONS.check(&values)[0].code, "choice-count");
    }

    #[test]
    fn every_reference_names_a_declared_register_with_a_natural_key() {
        for reg in ALL {
            assert!(reg.field(reg.title_field).is_some(), "{}", reg.code);
            assert!(reg.field(reg.default_sort).is_some(), "{}", reg.code);
            for name in reg.search.iter().chain(reg.labels) {
                assert!(reg.field(name).is_some(), "{}.{name}", reg.code);
            }
            if !reg.labels.is_empty() {
                assert!(reg.natural_key.is_some(), "{} labels need a code", reg.code);
            }
            for f in reg.fields {
                if let FieldKind::Ref(target) = f.kind {
                    let target = by_collection(target).expect("declared target");
                    assert!(
                        target.natural_key.is_some(),
                        "{} refers to {}",
                        reg.code,
                        target.code
                    );
                }
            }
        }
    }
}
