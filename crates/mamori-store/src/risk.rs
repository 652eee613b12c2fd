//! The risk area (リスク): a risk's levels from the organisation's risk matrix and whether it is
//! within the acceptance criteria, computed again when the method changes; and an internal rule's
//! current version, date and approver, stamped from its latest revision.

use mamori_domain::registers::{self, RISKS, RULE_REVISIONS};
use mamori_domain::risk::{Rating, RiskMethod};
use mamori_domain::{Register, Value};

use crate::areas::{Area, Written};
use crate::db::{P, Tx};
use crate::error::StoreError;
use crate::org::Access;
use crate::records::derived::{fetch, recorder, set_computed};
use crate::records::{Batch, Input, record_from, select_sql, update_in};
use crate::schema::column_of;

/// The risk area's rules.
pub(crate) struct Risk;

/// A risk's levels from the method's matrix: (level, likelihood, impact), its level from its
/// likelihood and impact, its residual level from the residual ones.
const LEVELS: [Rating; 2] = [
    ("level", "likelihood", "impact"),
    ("residual_level", "residual_likelihood", "residual_impact"),
];

/// A risk's yes/no field set from the method's acceptance criteria: (field, level fields, the last
/// one set deciding): its residual level, or its level while it has none.
const ACCEPTANCE: (&str, [&str; 2]) = ("acceptable", ["level", "residual_level"]);

/// Fields copied onto the record `via` points to from its latest record here (by `order`), as
/// (field here, field there) pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamps {
    via: &'static str,
    order: &'static str,
    fields: &'static [(&'static str, &'static str)],
}

/// A rule's current version, date and approver come from its latest revision.
const STAMPS: Stamps = Stamps {
    via: "rule",
    order: "revised_on",
    fields: &[
        ("version", "version"),
        ("revised_on", "revised_on"),
        ("approver", "approver"),
        ("approved_on", "approved_on"),
    ],
};

impl Area for Risk {
    const REGISTERS: &'static [&'static Register] = &[&RISKS, &RULE_REVISIONS];

    async fn before_write(
        &self,
        _tx: &mut Tx,
        access: &Access,
        reg: &Register,
        values: &mut [Value],
        _ids: &[Option<i64>],
        _self_id: i64,
    ) -> Result<(), StoreError> {
        if reg.code == RISKS.code {
            levels(reg, &access.org.settings.risk_method, values);
        }
        Ok(())
    }

    async fn after_write(
        &self,
        tx: &mut Tx,
        access: &Access,
        reg: &Register,
        written: &Written<'_>,
        _batch: Option<&mut Batch>,
    ) -> Result<(), StoreError> {
        if reg.code == RULE_REVISIONS.code
            && let Some(target) = reg.position(STAMPS.via).and_then(|i| written.ids[i])
        {
            stamp(tx, access, reg, STAMPS, target).await?;
        }
        Ok(())
    }

    fn follows_writes(&self, reg: &Register, _: &[Value], _: &[Option<i64>]) -> bool {
        reg.code == RULE_REVISIONS.code
    }

    #[cfg(test)]
    fn names(&self) -> Vec<(&'static Register, &'static str)> {
        let mut names: Vec<(&'static Register, &'static str)> = LEVELS
            .iter()
            .flat_map(|(a, b, c)| [*a, *b, *c])
            .chain([ACCEPTANCE.0])
            .map(|f| (&RISKS, f))
            .collect();
        names.push((&RULE_REVISIONS, STAMPS.via));
        names.push((&RULE_REVISIONS, STAMPS.order));
        names.extend(
            STAMPS
                .fields
                .iter()
                .map(|(here, _)| (&RULE_REVISIONS, *here)),
        );
        names
    }
}

/// The levels the method's matrix gives the rated fields, and whether the last level set is
/// within the acceptance criteria.
fn levels(reg: &Register, method: &RiskMethod, values: &mut [Value]) {
    for (level, likelihood, impact) in LEVELS {
        let computed = method
            .level(&reg.text(values, likelihood), &reg.text(values, impact))
            .map_or(Value::Null, |l| Value::Text(l.to_string()));
        if let Some(i) = reg.position(level) {
            values[i] = computed;
        }
    }
    {
        let (field, levels) = ACCEPTANCE;
        let last = levels
            .iter()
            .map(|l| reg.text(values, l))
            .rfind(|l| !l.is_empty());
        if let Some(i) = reg.position(field) {
            values[i] = match last {
                Some(l) if method.accepts(&l) => Value::Text("yes".into()),
                Some(_) => Value::Text("no".into()),
                None => Value::Null,
            };
        }
    }
}

/// Copies the stamped fields of the latest record pointing to `target` onto it.
async fn stamp(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    s: Stamps,
    target: i64,
) -> Result<(), StoreError> {
    let (Some(via), Some(target_reg)) = (reg.field(s.via), registers::target_of(reg, s.via)) else {
        return Ok(());
    };
    let latest = tx
        .fetch_optional(
            &format!(
                "{} WHERE t.{} = $1 AND t.withdrawn_at IS NULL ORDER BY t.{} DESC, t.id DESC LIMIT 1",
                select_sql(reg),
                column_of(via.kind, via.name),
                s.order
            ),
            &[P::Int(target)],
        )
        .await?;
    let Some(latest) = latest else {
        return Ok(());
    };
    let latest = record_from(reg, &latest)?;
    let current = fetch(tx, target_reg, target).await?;
    let mut input = Input::new();
    for (here, there) in s.fields {
        let (Some(h), Some(t)) = (reg.position(here), target_reg.position(there)) else {
            continue;
        };
        if latest.values[h] != current.values[t] {
            input.insert(there.to_string(), latest.values[h].to_plain());
        }
    }
    if input.is_empty() {
        return Ok(());
    }
    update_in(tx, &recorder(access), target_reg, &current, &input).await
}

/// Computes every active record's levels again on a new risk method (its scales, matrix or
/// acceptance changed), with an audit entry for each record whose levels change.
pub(crate) async fn relevel(
    tx: &mut Tx,
    access: &Access,
    method: &RiskMethod,
) -> Result<usize, StoreError> {
    let mut changed = 0;
    {
        let reg = &RISKS;
        let rows = tx
            .fetch_all(
                &format!(
                    "{} WHERE t.org_id = $1 AND t.withdrawn_at IS NULL",
                    select_sql(reg)
                ),
                &[access.org_id().into()],
            )
            .await?;
        for row in &rows {
            let record = record_from(reg, row)?;
            let mut values = record.values.clone();
            levels(reg, method, &mut values);
            if values != record.values {
                set_computed(tx, access, reg, &record, &values).await?;
                changed += 1;
            }
        }
    }
    Ok(changed)
}
