//! An information security objective's yearly result and achievement, computed from its results
//! measured in its fiscal year (the rule is `mamori_domain::objective`): when the objective is
//! written, when one of its results is created, edited, withdrawn or reinstated, when the
//! organisation's fiscal year moves, and once for the objectives a database had before they were
//! computed (schema version 15).

use time::Date;

use mamori_domain::objective::judge;
use mamori_domain::registers::{OBJECTIVE_RESULTS, OBJECTIVES, parse_number};
use mamori_domain::{FiscalYear, Value};

use crate::areas::{Area, Written};
use crate::audit::{self, Actor, Entry};
use crate::db::{P, Tx};
use crate::error::StoreError;
use crate::org::Access;
use crate::records::{Batch, Record};

/// The values of the active results of the objective `id` measured in the fiscal year.
async fn results_in(tx: &mut Tx, id: i64, fy: FiscalYear) -> Result<Vec<(Date, f64)>, StoreError> {
    let rows = tx
        .fetch_all(
            "SELECT measured_on, value FROM objective_results WHERE objective_id = $1 \
             AND withdrawn_at IS NULL AND measured_on >= $2 AND measured_on < $3 ORDER BY id",
            &[P::Int(id), P::Date(fy.start()), P::Date(fy.end_exclusive())],
        )
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        // A value is a number (`check_result`); one that is not does not count.
        if let Some(n) = parse_number(&row.text(1)?) {
            out.push((row.get::<Date>(0)?, n));
        }
    }
    Ok(out)
}

/// Computes the result and achievement of the objective being written into `values` (in
/// declaration order); `self_id` is 0 for a new objective, which has no results yet.
async fn compute(
    tx: &mut Tx,
    access: &Access,
    values: &mut [Value],
    self_id: i64,
) -> Result<(), StoreError> {
    let get = |name: &str| OBJECTIVES.text(values, name);
    let results = match values[at("fiscal_year")] {
        Value::Int(year) if self_id != 0 => {
            let fy = access.org.calendar.year(year as i32);
            results_in(tx, self_id, fy).await?
        }
        _ => Vec::new(),
    };
    let (result, achieved) = judge(
        &get("aggregation"),
        &get("comparison"),
        &get("target_value"),
        &results,
    );
    values[at("result")] = result.map_or(Value::Null, Value::Text);
    values[at("achieved")] = achieved.map_or(Value::Null, yes_no);
    Ok(())
}

fn at(name: &str) -> usize {
    OBJECTIVES.position(name).unwrap_or(0)
}

fn yes_no(yes: bool) -> Value {
    Value::Text(if yes { "yes" } else { "no" }.into())
}

/// Computes an objective again, with an audit entry when its result or achievement changes.
async fn recompute(tx: &mut Tx, access: &Access, id: i64) -> Result<(), StoreError> {
    let current = crate::records::derived::fetch(tx, &OBJECTIVES, id).await?;
    let mut values = current.values.clone();
    compute(tx, access, &mut values, id).await?;
    crate::records::derived::set_computed(tx, access, &OBJECTIVES, &current, &values).await
}

/// After a result of `id` is written, withdrawn or reinstated: the objective it counts for, and
/// the one it counted for before an edit moved it.
async fn after_result(
    tx: &mut Tx,
    access: &Access,
    id: i64,
    before: Option<&Record>,
) -> Result<(), StoreError> {
    let mut objectives = Vec::new();
    if let Some(row) = tx
        .fetch_optional(
            "SELECT objective_id FROM objective_results WHERE id = $1",
            &[P::Int(id)],
        )
        .await?
    {
        objectives.push(row.i64(0)?);
    }
    if let Some(before) = before {
        let code = OBJECTIVE_RESULTS.text(&before.values, "objective");
        if let Some(row) = tx
            .fetch_optional(
                "SELECT id FROM objectives WHERE org_id = $1 AND code = $2",
                &[access.org_id().into(), code.into()],
            )
            .await?
        {
            let old = row.i64(0)?;
            if !objectives.contains(&old) {
                objectives.push(old);
            }
        }
    }
    for objective in objectives {
        recompute(tx, access, objective).await?;
    }
    Ok(())
}

/// Computes every objective of the organisation again (its fiscal year now starts in another
/// month), with an audit entry for each that changes.
pub(crate) async fn recompute_all(tx: &mut Tx, access: &Access) -> Result<(), StoreError> {
    let rows = tx
        .fetch_all(
            "SELECT id FROM objectives WHERE org_id = $1 ORDER BY id",
            &[access.org_id().into()],
        )
        .await?;
    for row in &rows {
        recompute(tx, access, row.i64(0)?).await?;
    }
    Ok(())
}

/// Schema version 15: the objectives a database already holds get their comparison (a unit
/// written `件以上` or `件以下` becomes `件` compared at least or at most; otherwise at least), the
/// aggregation `latest` (the last result, as the report showed it before) and their computed result
/// and achievement in place of the one typed by hand; each change with its audit entry. Written
/// against the columns of that version, so later declarations do not change what it does.
pub(crate) async fn migrate(tx: &mut Tx) -> Result<(), StoreError> {
    let actor = Actor::cli("migrate");
    let objectives = tx
        .fetch_all(
            "SELECT o.id, o.org_id, g.fiscal_year_start_month, o.fiscal_year, o.target_value, \
             o.unit, o.achieved FROM objectives o JOIN organizations g ON g.id = o.org_id ORDER BY o.id",
            &[],
        )
        .await?;
    for row in &objectives {
        let (id, org_id) = (row.i64(0)?, row.i64(1)?);
        let calendar = mamori_domain::Calendar::new(u8::try_from(row.i64(2)?).unwrap_or(4));
        let year = i32::try_from(row.i64(3)?).unwrap_or_default();
        let target = row.opt_text(4)?.unwrap_or_default();
        let unit = row.opt_text(5)?;
        let achieved_before = row.opt_text(6)?;
        let (comparison, plain_unit) = match unit.as_deref() {
            Some(u) if u.ends_with("以上") => ("at_least", Some(u.trim_end_matches("以上"))),
            Some(u) if u.ends_with("以下") => ("at_most", Some(u.trim_end_matches("以下"))),
            u => ("at_least", u),
        };
        let plain_unit = plain_unit.filter(|u| !u.is_empty()).map(str::to_string);
        let results = results_in(tx, id, calendar.year(year)).await?;
        let (result, achieved) = judge("latest", comparison, &target, &results);
        let achieved = achieved.map(|a| if a { "yes" } else { "no" }.to_string());
        tx.execute(
            "UPDATE objectives SET unit = $1, comparison = $2, aggregation = $3, result = $4, \
             achieved = $5 WHERE id = $6",
            &[
                P::OptText(plain_unit.clone()),
                P::Text(comparison.into()),
                P::Text("latest".into()),
                P::OptText(result.clone()),
                P::OptText(achieved.clone()),
                P::Int(id),
            ],
        )
        .await?;
        let mut before = serde_json::Map::new();
        let mut after = serde_json::Map::new();
        if plain_unit != unit {
            before.insert("unit".into(), unit.into());
            after.insert("unit".into(), plain_unit.into());
        }
        before.insert("comparison".into(), serde_json::Value::Null);
        after.insert("comparison".into(), comparison.into());
        before.insert("aggregation".into(), serde_json::Value::Null);
        after.insert("aggregation".into(), "latest".into());
        before.insert("result".into(), serde_json::Value::Null);
        after.insert("result".into(), result.into());
        if achieved != achieved_before {
            before.insert("achieved".into(), achieved_before.into());
            after.insert("achieved".into(), achieved.into());
        }
        audit::append(
            tx,
            &actor,
            Entry::new(Some(org_id), OBJECTIVES.code, Some(id), "update")
                .before(&before.into())
                .after(&after.into()),
        )
        .await?;
    }
    Ok(())
}

/// The objectives area's rules: an objective's yearly result and achievement, from its results of
/// the year, computed when it is written and again when one of its results is.
pub(crate) struct Objectives;

impl Area for Objectives {
    const REGISTERS: &'static [&'static mamori_domain::Register] =
        &[&OBJECTIVES, &OBJECTIVE_RESULTS];

    async fn before_write(
        &self,
        tx: &mut Tx,
        access: &Access,
        reg: &mamori_domain::Register,
        values: &mut [Value],
        _ids: &[Option<i64>],
        self_id: i64,
    ) -> Result<(), StoreError> {
        if reg.code == OBJECTIVES.code {
            compute(tx, access, values, self_id).await?;
        }
        Ok(())
    }

    async fn after_write(
        &self,
        tx: &mut Tx,
        access: &Access,
        reg: &mamori_domain::Register,
        written: &Written<'_>,
        _batch: Option<&mut Batch>,
    ) -> Result<(), StoreError> {
        if reg.code == OBJECTIVE_RESULTS.code {
            after_result(tx, access, written.id, written.before).await?;
        }
        Ok(())
    }

    async fn after_withdrawal(
        &self,
        tx: &mut Tx,
        access: &Access,
        reg: &mamori_domain::Register,
        id: i64,
    ) -> Result<(), StoreError> {
        if reg.code == OBJECTIVE_RESULTS.code {
            after_result(tx, access, id, None).await?;
        }
        Ok(())
    }

    fn follows_writes(
        &self,
        reg: &mamori_domain::Register,
        _: &[Value],
        _: &[Option<i64>],
    ) -> bool {
        reg.code == OBJECTIVE_RESULTS.code
    }

    #[cfg(test)]
    fn names(&self) -> Vec<(&'static mamori_domain::Register, &'static str)> {
        vec![
            (&OBJECTIVES, "fiscal_year"),
            (&OBJECTIVE_RESULTS, "objective"),
            (&OBJECTIVE_RESULTS, "measured_on"),
            (&OBJECTIVE_RESULTS, "value"),
        ]
    }
}
