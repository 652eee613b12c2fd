//! What the store computes from a declaration before and after a write: ratings checked against the
//! organisation's risk method's scales, and roll-ups (an average score, a total); then the
//! register's area's rules (`areas.rs`), which compute and set off the rest.

use mamori_domain::register::{FieldKind, Register, RollupKind, Value};
use mamori_domain::risk::Scale;
use mamori_domain::{FieldError, Role, registers};

use crate::areas::{Written, hooks_for};
use crate::audit::{self, Entry};
use crate::db::{P, Tx};
use crate::error::StoreError;
use crate::org::Access;
use crate::records::{Batch, Record, record_from, select_sql};
use crate::schema::column_of;

/// Checks rated fields against the method's scales and computes what the declaration says is
/// computed. Runs in `prepare`, after references are resolved.
pub(crate) async fn compute(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    values: &mut [Value],
    ids: &[Option<i64>],
    self_id: i64,
) -> Result<Vec<FieldError>, StoreError> {
    let mut errors = Vec::new();
    let rated = reg
        .fields
        .iter()
        .any(|f| matches!(f.kind, FieldKind::Scale(_)));
    if rated {
        let method = &access.org.settings.risk_method;
        for (i, f) in reg.fields.iter().enumerate() {
            if let (FieldKind::Scale(scale), Value::Text(v)) = (f.kind, &values[i])
                && scale != Scale::Level
                && !method.scale(scale).contains(v)
            {
                errors.push(FieldError::with(
                    f.name,
                    "not-on-scale",
                    method.scale(scale).join(" / "),
                ));
            }
        }
    }
    hooks_for(reg)
        .before_write(tx, access, reg, values, ids, self_id)
        .await?;
    Ok(errors)
}

/// What follows a write: the roll-up it counts in, then its area's rules.
pub(crate) async fn after_write(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    written: &Written<'_>,
    batch: Option<&mut Batch>,
) -> Result<(), StoreError> {
    roll_up(tx, access, reg, written.id).await?;
    crate::search::index(tx, access.org_id(), reg, written.id, written.values).await?;
    crate::plan::complete_tasks(tx, access, reg, written).await?;
    crate::plan::on_joining(tx, access, reg, written).await?;
    crate::plan::on_planned_audit(tx, access, reg, written).await?;
    hooks_for(reg)
        .after_write(tx, access, reg, written, batch)
        .await
}

/// The secretariat's hand, for what the store writes on a user's behalf.
pub(crate) fn recorder(access: &Access) -> Access {
    Access {
        role: Role::IsmsManager,
        ..access.clone()
    }
}

/// What follows a withdrawal or reinstatement: a withdrawn score no longer counts in its
/// assessment's average, a withdrawn result no longer in its objective's yearly result.
pub(crate) async fn after_withdrawal(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    id: i64,
) -> Result<(), StoreError> {
    roll_up(tx, access, reg, id).await?;
    hooks_for(reg).after_withdrawal(tx, access, reg, id).await
}

/// Recomputes the roll-up the record of `id` counts in, if its register declares one.
async fn roll_up(tx: &mut Tx, access: &Access, reg: &Register, id: i64) -> Result<(), StoreError> {
    let Some(r) = reg.rollup else {
        return Ok(());
    };
    let (Some(via_field), Some(target_reg)) = (reg.field(r.via), registers::target_of(reg, r.via))
    else {
        return Ok(());
    };
    let via_col = column_of(via_field.kind, via_field.name);
    let Some(row) = tx
        .fetch_optional(
            &format!("SELECT {via_col} FROM {} WHERE id = $1", reg.table),
            &[P::Int(id)],
        )
        .await?
    else {
        return Ok(());
    };
    let target_id = row.i64(0)?;
    let rows = tx
        .fetch_all(
            &format!(
                "SELECT {} FROM {} WHERE {via_col} = $1 AND withdrawn_at IS NULL",
                r.field, reg.table
            ),
            &[P::Int(target_id)],
        )
        .await?;
    let mut numbers = Vec::with_capacity(rows.len());
    for row in &rows {
        let n = match reg.field(r.field).map(|f| f.kind) {
            Some(FieldKind::Int { .. }) => row.i64(0)?,
            _ => row.text(0)?.parse::<i64>().unwrap_or(0),
        };
        numbers.push(n);
    }
    let value = match (r.how, numbers.len()) {
        (_, 0) => Value::Null,
        (RollupKind::Sum, _) => Value::Int(numbers.iter().sum()),
        (RollupKind::Average, n) => Value::Text(format!(
            "{:.1}",
            numbers.iter().sum::<i64>() as f64 / n as f64
        )),
    };
    let current = fetch(tx, target_reg, target_id).await?;
    let mut values = current.values.clone();
    if let Some(i) = target_reg.position(r.target) {
        values[i] = value;
    }
    set_computed(tx, access, target_reg, &current, &values).await
}

/// Sets computed fields of a record to `values` (in declaration order), with one audit entry
/// naming those that change.
pub(crate) async fn set_computed(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    current: &Record,
    values: &[Value],
) -> Result<(), StoreError> {
    let changed: Vec<usize> = (0..reg.fields.len())
        .filter(|i| reg.computed.contains(&reg.fields[*i].name) && current.values[*i] != values[*i])
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    let mut params: Vec<P> = changed
        .iter()
        .map(|i| match &values[*i] {
            Value::Null => P::OptText(None),
            Value::Int(n) => P::Int(*n),
            Value::Date(d) => P::Date(*d),
            Value::Text(t) => P::Text(t.clone()),
        })
        .collect();
    let sets: Vec<String> = changed
        .iter()
        .enumerate()
        .map(|(n, i)| {
            format!(
                "{} = ${}",
                column_of(reg.fields[*i].kind, reg.fields[*i].name),
                n + 1
            )
        })
        .collect();
    params.push(P::Ts(time::OffsetDateTime::now_utc()));
    params.push(P::Int(current.id));
    tx.execute(
        &format!(
            "UPDATE {} SET {}, updated_at = ${} WHERE id = ${}",
            reg.table,
            sets.join(", "),
            params.len() - 1,
            params.len()
        ),
        &params,
    )
    .await?;
    let json = |of: &[Value]| -> serde_json::Value {
        changed
            .iter()
            .map(|i| {
                let v = if of[*i].is_null() {
                    serde_json::Value::Null
                } else {
                    of[*i].to_plain().into()
                };
                (reg.fields[*i].name.to_string(), v)
            })
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    audit::append(
        tx,
        &access.actor,
        Entry::new(Some(access.org_id()), reg.code, Some(current.id), "update")
            .before(&json(&current.values))
            .after(&json(values)),
    )
    .await?;
    Ok(())
}

pub(crate) async fn fetch(tx: &mut Tx, reg: &Register, id: i64) -> Result<Record, StoreError> {
    let row = tx
        .fetch_optional(
            &format!("{} WHERE t.id = $1", select_sql(reg)),
            &[P::Int(id)],
        )
        .await?
        .ok_or(StoreError::NotFound)?;
    record_from(reg, &row)
}
