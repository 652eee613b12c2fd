//! Continuity (事業継続): a drill's computed values (target met, previous drill) and the corrective
//! action a missed target raises.

use mamori_domain::register::{Register, Value};
use mamori_domain::registers;
use time::{Date, Duration};

use crate::areas::{Area, Written};
use crate::db::{P, Tx};
use crate::error::StoreError;
use crate::org::Access;
use crate::records::Batch;
use crate::records::derived::recorder;
use crate::records::{Input, insert_in};

/// A drill's target is met when recovery took no longer than its scenario's target; its previous
/// drill is the latest one held before it.
async fn drill(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    values: &mut [Value],
    ids: &[Option<i64>],
    self_id: i64,
) -> Result<(), StoreError> {
    let at = |name: &str| reg.position(name).unwrap_or(0);
    let (scenario, held_on) = (ids[at("scenario")], values[at("held_on")].as_date());
    if let (Some(scenario), Value::Int(actual)) = (scenario, &values[at("actual_minutes")]) {
        let target = tx
            .fetch_optional(
                "SELECT target_hours FROM continuity_scenarios WHERE id = $1",
                &[P::Int(scenario)],
            )
            .await?;
        if let Some(row) = target {
            let met = *actual <= row.i64(0)? * 60;
            values[at("target_met")] = Value::Text(if met { "yes" } else { "no" }.into());
        }
    }
    if let Some(held_on) = held_on {
        let previous = tx
            .fetch_optional(
                "SELECT held_on FROM drills WHERE org_id = $1 AND id <> $2 AND held_on < $3 \
                 AND withdrawn_at IS NULL ORDER BY held_on DESC LIMIT 1",
                &[access.org_id().into(), P::Int(self_id), P::Date(held_on)],
            )
            .await?;
        values[at("previous_on")] = match previous {
            Some(r) => Value::Date(r.get::<Date>(0)?),
            None => Value::Null,
        };
    }
    Ok(())
}

/// A drill that missed its target raises a corrective action (once), from its follow-up.
async fn raise_action(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    id: i64,
    values: &[Value],
) -> Result<(), StoreError> {
    let raised = tx
        .fetch_optional(
            "SELECT 1 FROM corrective_actions WHERE drill_id = $1 AND withdrawn_at IS NULL",
            &[P::Int(id)],
        )
        .await?
        .is_some();
    if raised {
        return Ok(());
    }
    let follow_up = reg.text(values, "follow_up");
    let title: String = follow_up
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect();
    let held_on = reg
        .position("held_on")
        .and_then(|i| values[i].as_date())
        .unwrap_or_else(mamori_domain::dates::today);
    let due = held_on + Duration::days(30);
    let input: Input = [
        ("source", "drill".to_string()),
        ("drill", reg.text(values, "code")),
        ("title", title),
        ("action", follow_up),
        ("due_on", mamori_domain::dates::iso(due)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    insert_in(
        tx,
        &recorder(access),
        &registers::CORRECTIVE_ACTIONS,
        &input,
        None,
    )
    .await?;
    Ok(())
}

/// The continuity area's rules: a drill's computed values, and the action a missed target raises.
pub(crate) struct Continuity;

impl Area for Continuity {
    const REGISTERS: &'static [&'static Register] = &[&registers::DRILLS];

    async fn before_write(
        &self,
        tx: &mut Tx,
        access: &Access,
        reg: &Register,
        values: &mut [Value],
        ids: &[Option<i64>],
        self_id: i64,
    ) -> Result<(), StoreError> {
        drill(tx, access, reg, values, ids, self_id).await
    }

    async fn after_write(
        &self,
        tx: &mut Tx,
        access: &Access,
        reg: &Register,
        written: &Written<'_>,
        _batch: Option<&mut Batch>,
    ) -> Result<(), StoreError> {
        if reg.text(written.values, "target_met") == "no" {
            raise_action(tx, access, reg, written.id, written.values).await?;
        }
        Ok(())
    }

    fn follows_writes(&self, _: &Register, _: &[Value], _: &[Option<i64>]) -> bool {
        true
    }

    #[cfg(test)]
    fn names(&self) -> Vec<(&'static Register, &'static str)> {
        [
            "scenario",
            "held_on",
            "actual_minutes",
            "target_met",
            "previous_on",
            "follow_up",
            "code",
        ]
        .into_iter()
        .map(|f| (&registers::DRILLS, f))
        .collect()
    }
}
