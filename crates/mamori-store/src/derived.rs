//! What the store computes from a declaration, and what follows a write: ratings on the
//! organisation's risk method and their levels, a drill's target met and previous date, roll-ups
//! (an average score, a total), an objective's yearly result (`objectives.rs`), stamps (a rule's
//! current version from its latest revision), proposals (a new asset's risk review) and the
//! corrective action a missed drill target raises.

use mamori_domain::register::{FieldKind, Register, RollupKind, Value};
use mamori_domain::risk::{RiskMethod, Scale};
use mamori_domain::{FieldError, Role, registers};

use crate::areas::hooks_for;
use crate::audit::{self, Entry};
use crate::db::{P, Tx};
use crate::error::StoreError;
use crate::org::Access;
use crate::records::{Input, Record, insert_in, record_from, select_sql, update_in};
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
        let method = RiskMethod::of(&access.org.profile);
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
        levels(reg, &method, values);
    }
    hooks_for(reg)
        .before_write(tx, access, reg, values, ids, self_id)
        .await?;
    Ok(errors)
}

/// The levels the method's matrix gives the rated fields, and whether the last level set is
/// within the acceptance criteria.
fn levels(reg: &Register, method: &RiskMethod, values: &mut [Value]) {
    for (level, likelihood, impact) in reg.levels {
        let computed = method
            .level(&reg.text(values, likelihood), &reg.text(values, impact))
            .map_or(Value::Null, |l| Value::Text(l.to_string()));
        if let Some(i) = reg.position(level) {
            values[i] = computed;
        }
    }
    if let Some((field, levels)) = reg.acceptance {
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

/// What follows a write: roll-ups, an objective's yearly result, stamps, proposals and a missed
/// drill's corrective action.
pub(crate) async fn after_write(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    id: i64,
    values: &[Value],
    ids: &[Option<i64>],
    before: Option<&Record>,
) -> Result<(), StoreError> {
    roll_up(tx, access, reg, id).await?;
    if let Some(s) = reg.stamps
        && let Some(target) = reg.position(s.via).and_then(|i| ids[i])
    {
        stamp(tx, access, reg, s, target).await?;
    }
    if let Some(p) = reg.proposes
        && let Some(i) = reg.position(p.on_change)
        && before.is_none_or(|b| b.values[i] != values[i])
        // Past records loaded from the command line propose nothing.
        && access.actor.user_id.is_some()
    {
        let key = reg.natural_key.unwrap_or("id");
        let mut input: Input = p
            .values
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        input.insert(p.field.into(), reg.text(values, key));
        let target = registers::by_collection(p.collection)
            .ok_or_else(|| StoreError::Data(format!("unknown register {}", p.collection)))?;
        insert_in(tx, &recorder(access), target, &input, None).await?;
    }
    hooks_for(reg)
        .after_write(tx, access, reg, id, values, before)
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
    hooks_for(reg).after_withdrawal(tx, access, id).await
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

/// Copies the stamped fields of the latest record pointing to `target` onto it.
async fn stamp(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    s: mamori_domain::register::Stamps,
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
    for reg in registers::ALL.iter().filter(|r| !r.levels.is_empty()) {
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
