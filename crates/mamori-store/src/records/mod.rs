//! One repository for every declared register: list, read, create, update, withdraw and reinstate,
//! with the permission table applied here, where records are read and written, and an audit entry
//! in the same transaction as every write.

use std::collections::BTreeMap;

use serde::Serialize;
use time::{Date, OffsetDateTime};

use mamori_domain::register::{FieldKind, ReadScope, Register, Value, WriteScope};
use mamori_domain::{FieldError, Role, registers};

use crate::Store;
use crate::areas::{Written, hooks_for};
use crate::audit::{self, Entry};
use crate::db::{P, Row, Tx};
use crate::error::StoreError;
use crate::org::Access;
use crate::schema::column_of;

mod access;
pub(crate) mod derived;
mod prepare;
mod query;
mod write;

pub use access::*;
#[allow(unused_imports)]
pub(crate) use access::{and_scope, scope_condition};
#[allow(unused_imports)]
use prepare::*;
pub use query::*;
pub(crate) use query::{employee_no, record_from, select_sql};
#[allow(unused_imports)]
use write::*;
pub(crate) use write::{Batch, Periods, append_audit, insert_in, update_in, write_withdrawal};

/// What a user typed, by field name; every source (form, API, file) arrives as text.
pub type Input = BTreeMap<String, String>;

#[derive(Clone, Debug, Serialize)]
pub struct Record {
    pub id: i64,
    /// Field values in declaration order; references as the referenced record's natural key.
    pub values: Vec<Value>,
    /// For references, the referenced record's title (a department's name); otherwise `None`.
    pub labels: Vec<Option<String>>,
    pub withdrawn_at: Option<OffsetDateTime>,
    pub withdrawn_reason: Option<String>,
}

impl Record {
    pub fn value(&self, reg: &Register, field: &str) -> Option<&Value> {
        reg.fields
            .iter()
            .position(|f| f.name == field)
            .and_then(|i| self.values.get(i))
    }

    /// Field values by name, as the API and the audit trail show them.
    pub fn fields_json(&self, reg: &Register) -> serde_json::Map<String, serde_json::Value> {
        reg.fields
            .iter()
            .zip(&self.values)
            .map(|(f, v)| {
                let json = match v {
                    Value::Null => serde_json::Value::Null,
                    other => serde_json::Value::String(other.to_plain()),
                };
                (f.name.to_string(), json)
            })
            .collect()
    }

    /// The record as the API shows it: its fields, `id` and `withdrawn`, serialised without building
    /// an intermediate map (lists of a thousand records are common).
    pub fn json<'a>(&'a self, reg: &'a Register) -> RecordJson<'a> {
        RecordJson { reg, record: self }
    }
}

pub struct RecordJson<'a> {
    reg: &'a Register,
    record: &'a Record,
}

impl Serialize for RecordJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.reg.fields.len() + 2))?;
        map.serialize_entry("id", &self.record.id)?;
        for (f, v) in self.reg.fields.iter().zip(&self.record.values) {
            match v {
                Value::Null => map.serialize_entry(f.name, &None::<&str>)?,
                Value::Text(t) => map.serialize_entry(f.name, t)?,
                Value::Int(n) => map.serialize_entry(f.name, n)?,
                other => map.serialize_entry(f.name, &other.to_plain())?,
            }
        }
        match &self.record.withdrawn_at {
            Some(at) => map.serialize_entry(
                "withdrawn",
                &serde_json::json!({
                    "at": at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
                    "reason": self.record.withdrawn_reason,
                }),
            )?,
            None => map.serialize_entry("withdrawn", &None::<()>)?,
        }
        map.end()
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Status {
    #[default]
    Active,
    Withdrawn,
    All,
}

impl Status {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" | "" => Some(Status::Active),
            "withdrawn" => Some(Status::Withdrawn),
            "all" => Some(Status::All),
            _ => None,
        }
    }
    pub fn code(&self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Withdrawn => "withdrawn",
            Status::All => "all",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Page {
    pub items: Vec<Record>,
    pub total: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use mamori_domain::registers as r;

    /// `to_params` is the exact inverse of `from_params`: a query parsed from the parameters a
    /// query gives is that query, for every kind of parameter a figure or a list uses.
    #[test]
    fn list_parameters_give_back_the_query_they_were_made_from() {
        let p = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        for (reg, params) in [
            (
                &r::SECURITY_EVENTS,
                p(&[
                    ("occurred_on_from", "2017-04-01"),
                    ("occurred_on_to", "2018-03-31"),
                    ("department", "SOUMU"),
                    ("kind", "near_miss"),
                    ("q", "メール 誤送信"),
                    ("sort", "occurred_on"),
                    ("dir", "desc"),
                ]),
            ),
            (
                &r::FINDINGS,
                p(&[
                    ("audit.started_on_from", "2017-04-01"),
                    ("audit.started_on_to", "2018-03-31"),
                    ("audit.party", "third"),
                    ("grade", "major,minor"),
                    ("status", "all"),
                ]),
            ),
            (
                &r::ATTENDANCES,
                p(&[
                    ("session.held_on_from", "2017-04-01"),
                    ("session.course.kind", "onboarding,periodic"),
                    ("status", "attended"),
                    ("status", "withdrawn"),
                ]),
            ),
            (&r::PEOPLE, p(&[("occurred_on_to", "")][..0])),
        ] {
            let q = ListQuery::from_params(reg, &params, &[]).unwrap();
            let again = ListQuery::from_params(reg, &q.to_params(), &[]).unwrap();
            assert_eq!(again, q, "{}: {:?}", reg.code, q.to_params());
        }
        // A misspelt filter is named, not ignored.
        let err = ListQuery::from_params(
            &r::SECURITY_EVENTS,
            &p(&[("occured_on_from", "2017-04-01")]),
            &[],
        )
        .unwrap_err();
        assert!(format!("{err:?}").contains("occured_on_from"), "{err:?}");
        // Two references deep takes a choice of the inner register only.
        assert!(
            ListQuery::from_params(&r::ATTENDANCES, &p(&[("session.course.kind", "nope")]), &[])
                .is_err()
        );
        assert!(
            ListQuery::from_params(&r::ATTENDANCES, &p(&[("session.course.name", "x")]), &[])
                .is_err()
        );
    }
}
