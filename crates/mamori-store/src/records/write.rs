//! Writing records: create (one or many), update, withdraw and reinstate, each with its audit entry in the same transaction; numbering and the kept totals.

#[allow(unused_imports)]
use super::*;

impl Store {
    pub async fn create(
        &self,
        access: &Access,
        reg: &Register,
        input: &Input,
    ) -> Result<Record, StoreError> {
        if !can_create(access, reg) {
            return Err(StoreError::Forbidden);
        }
        let mut tx = self.pool.begin().await?;
        let id = match insert_in(&mut tx, access, reg, input, None).await {
            Ok(id) => id,
            Err(StoreError::Invalid(errors)) => {
                drop(tx);
                hooks_for(reg)
                    .refused(self, access, reg, input, &errors)
                    .await?;
                return Err(StoreError::Invalid(errors));
            }
            Err(e) => return Err(e),
        };
        tx.commit().await?;
        self.get(access, reg, id).await
    }

    /// Creates many records in one transaction: all of them, or (on any bad row) none. Errors come
    /// back per row (1-based, as in the file).
    pub async fn create_many(
        &self,
        access: &Access,
        reg: &Register,
        rows: &[Input],
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<usize, Vec<(usize, Vec<FieldError>)>> {
        let fail = |e: StoreError| vec![(0, vec![FieldError::with("", "database", e.to_string())])];
        if !can_create(access, reg) {
            return Err(vec![(0, vec![FieldError::new("", "forbidden")])]);
        }
        // Every row is checked first without the write lock, so a large file holds up other writers
        // only while it is written (and a file with errors never holds them up). The write below
        // checks each row again, for what changed in between.
        let started = std::time::Instant::now();
        let errors = self
            .validate_many(access, reg, rows, progress)
            .await
            .map_err(fail)?;
        if !errors.is_empty() {
            return Err(errors);
        }
        let checked = started.elapsed();
        let mut tx = self.pool.begin_bulk().await.map_err(fail)?;
        let locked = std::time::Instant::now();
        let mut errors = Vec::new();
        let mut batch = Batch::default();
        batch
            .prefetch(&mut tx, access, reg, rows)
            .await
            .map_err(fail)?;
        let mut added = 0;
        // Rows that set nothing else off are written many to a statement; a row that does (closes
        // another record, puts a person on a course, …) is written on its own, after those before it.
        let mut plain: Vec<(Vec<Value>, Vec<Option<i64>>)> = Vec::new();
        for (i, input) in rows.iter().enumerate() {
            let row = match prepare(&mut tx, access, reg, input, None, 0, Some(&mut batch)).await {
                Ok((values, ids)) if !may_create_with(access, reg, &ids) => {
                    Err(StoreError::Forbidden).map(|()| (values, ids))
                }
                other => other,
            };
            match row {
                Ok((values, ids)) if !errors.is_empty() => drop((values, ids)),
                Ok((values, ids)) if sets_nothing_off(reg, &values, &ids) => {
                    plain.push((values, ids));
                    if plain.len() >= INSERT_CHUNK {
                        added += insert_plain(&mut tx, access, reg, &mut plain, &mut batch)
                            .await
                            .map_err(fail)?;
                    }
                }
                Ok((values, ids)) => {
                    added += insert_plain(&mut tx, access, reg, &mut plain, &mut batch)
                        .await
                        .map_err(fail)?;
                    match write_prepared(&mut tx, access, reg, values, ids, Some(&mut batch)).await
                    {
                        Ok(_) => added += 1,
                        Err(StoreError::Invalid(e)) => errors.push((i + 1, e)),
                        Err(e) => return Err(fail(e)),
                    }
                    batch.forget_numbers_read();
                }
                Err(StoreError::Invalid(e)) => errors.push((i + 1, e)),
                Err(StoreError::Forbidden) => {
                    errors.push((i + 1, vec![FieldError::new("", "forbidden")]))
                }
                Err(e) => return Err(fail(e)),
            }
            if i % 500 == 0 {
                progress((rows.len() + i) as u64 / 2, rows.len() as u64);
            }
        }
        progress(rows.len() as u64, rows.len() as u64);
        if !errors.is_empty() {
            return Err(errors);
        }
        added += insert_plain(&mut tx, access, reg, &mut plain, &mut batch)
            .await
            .map_err(fail)?;
        add_to_totals(&mut tx, access, reg, added as i64)
            .await
            .map_err(fail)?;
        audit::append_all(&mut tx, batch.audit)
            .await
            .map_err(fail)?;
        tx.commit().await.map_err(fail)?;
        tracing::info!(
            register = reg.code,
            rows = rows.len(),
            checked_ms = checked.as_millis() as u64,
            waited_ms = (locked - started - checked).as_millis() as u64,
            written_ms = locked.elapsed().as_millis() as u64,
            "imported"
        );
        if rows.len() >= 1000 {
            self.analyze().await.map_err(fail)?;
        }
        Ok(rows.len())
    }

    /// Checks every row as `create_many` would write it, in a transaction that only reads: the
    /// errors of each row (numbered from 1).
    pub(super) async fn validate_many(
        &self,
        access: &Access,
        reg: &Register,
        rows: &[Input],
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<Vec<(usize, Vec<FieldError>)>, StoreError> {
        let mut tx = self.pool.begin_read().await?;
        let mut batch = Batch::default();
        batch.prefetch(&mut tx, access, reg, rows).await?;
        let mut errors = Vec::new();
        for (i, input) in rows.iter().enumerate() {
            match prepare(&mut tx, access, reg, input, None, 0, Some(&mut batch)).await {
                Ok(_) => {}
                Err(StoreError::Invalid(e)) => errors.push((i + 1, e)),
                Err(e) => return Err(e),
            }
            if i % 500 == 0 {
                progress(i as u64 / 2, rows.len() as u64);
            }
        }
        Ok(errors)
    }

    /// Updates the fields present in `input`; the others keep their values.
    pub async fn update(
        &self,
        access: &Access,
        reg: &Register,
        id: i64,
        input: &Input,
    ) -> Result<Record, StoreError> {
        let before = self.get(access, reg, id).await?;
        let mut tx = self.pool.begin().await?;
        update_in(&mut tx, access, reg, &before, input).await?;
        tx.commit().await?;
        self.get(access, reg, id).await
    }

    /// Updates several records in one transaction: all of them, or none (the first refusal is
    /// returned). Returns how many.
    pub async fn update_many(
        &self,
        access: &Access,
        reg: &Register,
        changes: &[(i64, Input)],
    ) -> Result<usize, StoreError> {
        let mut befores = Vec::with_capacity(changes.len());
        for (id, _) in changes {
            befores.push(self.get(access, reg, *id).await?);
        }
        let mut tx = self.pool.begin().await?;
        for (before, (_, input)) in befores.iter().zip(changes) {
            update_in(&mut tx, access, reg, before, input).await?;
        }
        tx.commit().await?;
        Ok(changes.len())
    }

    /// Withdraws a record: it stays, marked with when and why, and leaves the default lists.
    pub async fn withdraw(
        &self,
        access: &Access,
        reg: &Register,
        id: i64,
        reason: &str,
    ) -> Result<Record, StoreError> {
        self.set_withdrawn(access, reg, id, Some(reason)).await
    }

    /// Undoes a withdrawal.
    pub async fn reinstate(
        &self,
        access: &Access,
        reg: &Register,
        id: i64,
    ) -> Result<Record, StoreError> {
        self.set_withdrawn(access, reg, id, None).await
    }

    pub(super) async fn set_withdrawn(
        &self,
        access: &Access,
        reg: &Register,
        id: i64,
        reason: Option<&str>,
    ) -> Result<Record, StoreError> {
        let before = self.get(access, reg, id).await?;
        let mut tx = self.pool.begin().await?;
        // Permission first: someone who may not write learns nothing from validation messages.
        let dept = department_of(&mut tx, access, reg, &before).await?;
        if !can_write(access, reg, dept) {
            return Err(StoreError::Forbidden);
        }
        let reason = match reason {
            Some(r) => {
                let raw = r;
                let r = mamori_domain::input::normalize(r);
                if r.is_empty() {
                    return Err(StoreError::invalid("reason", "required"));
                }
                if mamori_domain::input::too_long(raw, &r, 500) {
                    return Err(StoreError::Invalid(vec![FieldError::with(
                        "reason", "too-long", "500",
                    )]));
                }
                if before.withdrawn_at.is_some() {
                    return Err(StoreError::Refused("record-withdrawn"));
                }
                Some(r)
            }
            None => {
                if before.withdrawn_at.is_none() {
                    return Err(StoreError::Refused("record-not-withdrawn"));
                }
                None
            }
        };
        write_withdrawal(&mut tx, access, reg, id, reason.as_deref(), None).await?;
        derived::after_withdrawal(&mut tx, access, reg, id).await?;
        tx.commit().await?;
        self.get(access, reg, id).await
    }

    pub async fn history(
        &self,
        access: &Access,
        reg: &Register,
        id: i64,
    ) -> Result<Vec<audit::HistoryEntry>, StoreError> {
        self.get(access, reg, id).await?;
        audit::history(&self.pool, access.org_id(), reg.code, id).await
    }
}

/// References already resolved in this transaction: (table, natural key) → id.
pub(super) type RefCache = std::collections::HashMap<(&'static str, String), i64>;

/// What a default takes from a referenced record: (table, id, field) → (id, natural key).
pub(super) type DefaultCache =
    std::collections::HashMap<(&'static str, i64, &'static str), Option<(i64, String)>>;

/// The period a person or department is in force (joined–left, valid from–to), by table and id:
/// read once per file while a batch of rows is checked and written.
pub(crate) type Periods =
    std::collections::HashMap<(&'static str, i64), (Option<time::Date>, Option<time::Date>)>;

/// What a batch of inserts shares: resolved references, and audit entries appended together at
/// the end (in order, chained as one by one).
#[derive(Default)]
pub(crate) struct Batch {
    pub(super) refs: RefCache,
    pub(super) audit: Vec<audit::Pending>,
    /// For each unique field: the values the batch's rows use that are taken already (read in a
    /// few queries before the rows), and those its own rows have taken since.
    pub(super) taken: std::collections::HashMap<&'static str, std::collections::HashSet<String>>,
    /// The last number given to a numbered code in this batch.
    pub(super) numbered: Option<i64>,
    /// Up to which number the batch has read which numbered codes are taken (into `taken`).
    pub(super) numbers_read: i64,
    /// The last number given in this batch under each yearly prefix (`E-2017-`).
    pub(super) yearly: std::collections::HashMap<String, i64>,
    /// The values of each `unique_together` group that the batch's rows have used.
    pub(super) combinations: std::collections::HashSet<String>,
    /// What a default takes from a referenced record (a reporter's department), by the
    /// referenced table, id and field.
    pub(super) defaults: DefaultCache,
    /// The periods in force of the people and departments the rows name.
    pub(super) periods: Periods,
}

impl Batch {
    /// After a write that set others off (which number their records on their own, outside the
    /// batch), which numbered codes are taken is read again.
    pub(super) fn forget_numbers_read(&mut self) {
        self.numbers_read = self.numbered.unwrap_or(0);
    }

    /// Reads which of the rows' values of each unique field are taken already, a few hundred per
    /// query, so each row need not ask.
    pub(super) async fn prefetch(
        &mut self,
        tx: &mut Tx,
        access: &Access,
        reg: &Register,
        rows: &[Input],
    ) -> Result<(), StoreError> {
        for f in reg.fields.iter().filter(|f| f.unique) {
            let values: Vec<String> = rows
                .iter()
                .filter_map(|r| r.get(f.name))
                .filter_map(|raw| match f.parse(raw) {
                    Ok(Value::Text(v)) => Some(v),
                    _ => None,
                })
                .collect();
            let taken = self.taken.entry(f.name).or_default();
            for chunk in values.chunks(500) {
                let mut params = vec![P::Int(access.org_id())];
                params.extend(chunk.iter().map(|v| P::Text(v.clone())));
                let backend = tx.backend();
                let rows = tx
                    .fetch_all(
                        &format!(
                            "SELECT {} FROM {} WHERE org_id = {} AND {} IN ({})",
                            f.name,
                            reg.table,
                            backend.slots(1, 1),
                            f.name,
                            backend.slots(2, chunk.len())
                        ),
                        &params,
                    )
                    .await?;
                for r in rows {
                    taken.insert(r.text(0)?);
                }
            }
        }
        Ok(())
    }
}

/// Rows of a file written per statement.
pub(super) const INSERT_CHUNK: usize = 200;

/// Whether writing this row sets nothing else off (see `insert_in`): it closes no record, ends no
/// ties, puts nobody on a course, and no roll-up, stamp, proposal or follow-up hangs on it. Such
/// rows of a file are written many to a statement.
pub(super) fn sets_nothing_off(reg: &Register, values: &[Value], ids: &[Option<i64>]) -> bool {
    reg.rollup.is_none()
        && !hooks_for(reg).follows_writes(reg, values, ids)
        && !mamori_domain::plan::completes_tasks(reg.collection)
        && !crate::plan::may_set_off_joining(reg, values)
}

/// Writes the rows prepared so far with one INSERT each `INSERT_CHUNK`, and their audit entries
/// in order, as `insert_in` would one by one; empties `rows`. Rows are matched to their new ids
/// by the ids' order, which is the rows' order: the batch holds the write lock, so no one else
/// takes an id in between.
pub(super) async fn insert_plain(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    rows: &mut Vec<(Vec<Value>, Vec<Option<i64>>)>,
    batch: &mut Batch,
) -> Result<usize, StoreError> {
    if rows.is_empty() {
        return Ok(0);
    }
    let cols: Vec<String> = reg
        .fields
        .iter()
        .map(|f| column_of(f.kind, f.name))
        .collect();
    let now = OffsetDateTime::now_utc();
    let width = cols.len() + 3;
    let mut params = Vec::with_capacity(rows.len() * width);
    for (values, ids) in rows.iter() {
        params.extend(bind_values(reg, values, ids));
        params.extend([P::Int(access.org_id()), P::Ts(now), P::Ts(now)]);
    }
    let inserted = tx
        .fetch_all(
            &format!(
                "INSERT INTO {} ({}, org_id, created_at, updated_at) VALUES {} RETURNING id",
                reg.table,
                cols.join(", "),
                tx.backend().value_rows(rows.len(), width)
            ),
            &params,
        )
        .await?;
    let mut new_ids = inserted
        .iter()
        .map(|r| r.i64(0))
        .collect::<Result<Vec<i64>, _>>()?;
    new_ids.sort_unstable();
    if new_ids.len() != rows.len() {
        return Err(StoreError::Data(format!(
            "{} rows written, {} ids returned",
            rows.len(),
            new_ids.len()
        )));
    }
    for ((values, _), id) in rows.iter().zip(&new_ids) {
        let after = serde_json::Value::Object(json_of(reg, values));
        let entry = Entry::new(Some(access.org_id()), reg.code, Some(*id), "create").after(&after);
        append_audit(tx, access, entry, Some(batch)).await?;
    }
    let entries: Vec<(i64, &[Value])> = rows
        .iter()
        .zip(&new_ids)
        .map(|((values, _), id)| (*id, values.as_slice()))
        .collect();
    crate::search::index_many(tx, access.org_id(), reg, &entries).await?;
    let n = rows.len();
    rows.clear();
    Ok(n)
}

pub(crate) async fn insert_in(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    input: &Input,
    mut batch: Option<&mut Batch>,
) -> Result<i64, StoreError> {
    let (values, ids) = prepare(tx, access, reg, input, None, 0, batch.as_deref_mut()).await?;
    if !may_create_with(access, reg, &ids) {
        return Err(StoreError::Forbidden);
    }
    write_prepared(tx, access, reg, values, ids, batch).await
}

/// Writes a prepared record (its values checked, its references resolved) and what it sets off.
pub(super) async fn write_prepared(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    values: Vec<Value>,
    ids: Vec<Option<i64>>,
    mut batch: Option<&mut Batch>,
) -> Result<i64, StoreError> {
    let cols: Vec<String> = reg
        .fields
        .iter()
        .map(|f| column_of(f.kind, f.name))
        .collect();
    let mut params = bind_values(reg, &values, &ids);
    let n = params.len();
    let now = OffsetDateTime::now_utc();
    params.push(P::Int(access.org_id()));
    params.push(P::Ts(now));
    let placeholders: Vec<String> = (1..=n).map(|i| format!("${i}")).collect();
    let id = tx
        .fetch_one(
            &format!(
                "INSERT INTO {} ({}, org_id, created_at, updated_at) VALUES ({}, ${}, ${}, ${}) RETURNING id",
                reg.table,
                cols.join(", "),
                placeholders.join(", "),
                n + 1,
                n + 2,
                n + 2
            ),
            &params,
        )
        .await?
        .i64(0)?;
    if batch.is_none() {
        add_to_totals(tx, access, reg, 1).await?;
    }
    let after = serde_json::Value::Object(json_of(reg, &values));
    let entry = Entry::new(Some(access.org_id()), reg.code, Some(id), "create").after(&after);
    append_audit(tx, access, entry, batch.as_deref_mut()).await?;
    // Boxed: what follows a write may write records through this same function (a repeat puts
    // its person on a course).
    let written = Written {
        id,
        values: &values,
        ids: &ids,
        before: None,
    };
    Box::pin(derived::after_write(tx, access, reg, &written, batch)).await?;
    Ok(id)
}

/// Appends an audit entry now, or holds it for the batch to append with the others.
pub(crate) async fn append_audit(
    tx: &mut Tx,
    access: &Access,
    entry: Entry<'_>,
    batch: Option<&mut Batch>,
) -> Result<(), StoreError> {
    match batch {
        Some(b) => b.audit.push(audit::Pending::new(&access.actor, entry)?),
        None => {
            audit::append(tx, &access.actor, entry).await?;
        }
    }
    Ok(())
}

/// Withdraws (`reason` given) or reinstates a record, with its kept totals and audit entry. A
/// withdrawal of a record already withdrawn changes nothing.
pub(crate) async fn write_withdrawal(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    id: i64,
    reason: Option<&str>,
    batch: Option<&mut Batch>,
) -> Result<(), StoreError> {
    let now = OffsetDateTime::now_utc();
    let guard = if reason.is_some() {
        "withdrawn_at IS NULL"
    } else {
        "withdrawn_at IS NOT NULL"
    };
    let changed = tx
        .execute(
            &format!(
                "UPDATE {} SET withdrawn_at = $1, withdrawn_reason = $2, updated_at = $3 \
                 WHERE org_id = $4 AND id = $5 AND {guard}",
                reg.table
            ),
            &[
                P::OptTs(reason.map(|_| now)),
                P::OptText(reason.map(str::to_string)),
                P::Ts(now),
                access.org_id().into(),
                id.into(),
            ],
        )
        .await?;
    if changed != 1 {
        return Ok(());
    }
    let delta = if reason.is_some() { 1 } else { -1 };
    tx.execute(
        "UPDATE register_totals SET active = active - $1, withdrawn = withdrawn + $1 WHERE org_id = $2 AND register = $3",
        &[P::Int(delta), access.org_id().into(), reg.code.into()],
    )
    .await?;
    // A withdrawn record is not searched for; a reinstated one is again.
    crate::search::refresh(tx, access.org_id(), reg, id, reason.is_some()).await?;
    let action = if reason.is_some() {
        "withdraw"
    } else {
        "reinstate"
    };
    let entry = Entry::new(Some(access.org_id()), reg.code, Some(id), action).reason(reason);
    append_audit(tx, access, entry, batch).await
}

pub(super) async fn add_to_totals(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    n: i64,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO register_totals (org_id, register, active, withdrawn) VALUES ($1, $2, $3, 0) \
         ON CONFLICT (org_id, register) DO UPDATE SET active = register_totals.active + $3",
        &[access.org_id().into(), reg.code.into(), P::Int(n)],
    )
    .await?;
    Ok(())
}

pub(super) fn json_of(
    reg: &Register,
    values: &[Value],
) -> serde_json::Map<String, serde_json::Value> {
    reg.fields
        .iter()
        .zip(values)
        .map(|(f, v)| {
            (
                f.name.to_string(),
                if v.is_null() {
                    serde_json::Value::Null
                } else {
                    v.to_plain().into()
                },
            )
        })
        .collect()
}

pub(super) fn bind_values(reg: &Register, values: &[Value], ids: &[Option<i64>]) -> Vec<P> {
    reg.fields
        .iter()
        .zip(values)
        .zip(ids)
        .map(|((f, v), id)| match f.kind {
            FieldKind::Ref(_) => P::OptInt(*id),
            FieldKind::Date => P::OptDate(v.as_date()),
            FieldKind::Int { .. } => P::OptInt(match v {
                Value::Int(n) => Some(*n),
                _ => None,
            }),
            _ => P::OptText(match v {
                Value::Null => None,
                other => Some(other.to_plain()),
            }),
        })
        .collect()
}

pub(super) fn department_from(reg: &Register, ids: &[Option<i64>]) -> Option<i64> {
    let name = reg.department_field?;
    reg.fields
        .iter()
        .position(|f| f.name == name)
        .and_then(|i| ids.get(i).copied().flatten())
}

pub(super) async fn department_of(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    record: &Record,
) -> Result<Option<i64>, StoreError> {
    let Some(name) = reg.department_field else {
        return Ok(None);
    };
    let Some(Value::Text(code)) = record.value(reg, name) else {
        return Ok(None);
    };
    let row = tx
        .fetch_optional(
            "SELECT id FROM departments WHERE org_id = $1 AND code = $2",
            &[access.org_id().into(), code.clone().into()],
        )
        .await?;
    row.map(|r| r.i64(0)).transpose()
}

/// One record's update within a transaction: permission (before and after), the write, its audit
/// entry, and what follows from it (ties ended, a repeat put on a course).
pub(crate) async fn update_in(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    before: &Record,
    input: &Input,
) -> Result<(), StoreError> {
    let id = before.id;
    let old_dept = department_of(tx, access, reg, before).await?;
    if !can_write(access, reg, old_dept) {
        return Err(StoreError::Forbidden);
    }
    if before.withdrawn_at.is_some() {
        return Err(StoreError::Refused("record-withdrawn"));
    }
    let (values, ids) = prepare(tx, access, reg, input, Some(before), id, None).await?;
    if !can_write(access, reg, department_from(reg, &ids)) {
        return Err(StoreError::Forbidden);
    }
    let sets: Vec<String> = reg
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| format!("{} = ${}", column_of(f.kind, f.name), i + 1))
        .collect();
    let mut params = bind_values(reg, &values, &ids);
    let n = params.len();
    params.push(P::Ts(OffsetDateTime::now_utc()));
    params.push(P::Int(access.org_id()));
    params.push(P::Int(id));
    tx.execute(
        &format!(
            "UPDATE {} SET {}, updated_at = ${} WHERE org_id = ${} AND id = ${}",
            reg.table,
            sets.join(", "),
            n + 1,
            n + 2,
            n + 3
        ),
        &params,
    )
    .await?;
    let before_json = serde_json::Value::Object(before.fields_json(reg));
    let after_json = serde_json::Value::Object(json_of(reg, &values));
    audit::append(
        tx,
        &access.actor,
        Entry::new(Some(access.org_id()), reg.code, Some(id), "update")
            .before(&before_json)
            .after(&after_json),
    )
    .await?;
    let written = Written {
        id,
        values: &values,
        ids: &ids,
        before: Some(before),
    };
    Box::pin(derived::after_write(tx, access, reg, &written, None)).await?;
    Ok(())
}

/// Numbered codes a batch asks about at once (see `next_number`). PostgreSQL's statistics do not
/// count the rows the import's own transaction adds, so it answers by reading every row of the
/// organisation's table: fewer, larger questions.
pub(super) const NUMBERS_READ: i64 = 1000;

/// The next free numbered code (`A-0001`, or the organisation's own pattern): counting on from
/// the register's number of records.
/// A batch asks which of the next `NUMBERS_READ` codes are taken in one query instead of one
/// query a code, and skips the codes its own rows have used too.
pub(super) async fn next_number(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    key: &'static str,
    pattern: &mamori_domain::CodePattern,
    batch: Option<&mut Batch>,
) -> Result<String, FieldError> {
    let fail = |_| FieldError::new(key, "invalid");
    let mut n = match batch.as_ref().and_then(|b| b.numbered) {
        Some(n) => n,
        None => tx
            .fetch_one(
                &format!("SELECT COUNT(*) FROM {} WHERE org_id = $1", reg.table),
                &[access.org_id().into()],
            )
            .await
            .and_then(|r| r.i64(0))
            .map_err(fail)?,
    };
    if let Some(b) = batch {
        loop {
            n += 1;
            if n > b.numbers_read {
                let mut params = vec![P::Int(access.org_id())];
                params.extend((n..n + NUMBERS_READ).map(|m| P::Text(pattern.code(m))));
                let backend = tx.backend();
                let rows = tx
                    .fetch_all(
                        &format!(
                            "SELECT {key} FROM {} WHERE org_id = {} AND {key} IN ({})",
                            reg.table,
                            backend.slots(1, 1),
                            backend.slots(2, params.len() - 1)
                        ),
                        &params,
                    )
                    .await
                    .map_err(fail)?;
                let taken = b.taken.entry(key).or_default();
                for r in rows {
                    taken.insert(r.text(0).map_err(fail)?);
                }
                b.numbers_read = n + NUMBERS_READ - 1;
            }
            let code = pattern.code(n);
            if !b.taken.get(key).is_some_and(|t| t.contains(&code)) {
                b.numbered = Some(n);
                return Ok(code);
            }
        }
    }
    loop {
        n += 1;
        let code = pattern.code(n);
        let taken = tx
            .fetch_optional(
                &format!(
                    "SELECT 1 FROM {} WHERE org_id = $1 AND {key} = $2",
                    reg.table
                ),
                &[access.org_id().into(), code.clone().into()],
            )
            .await
            .map_err(fail)?
            .is_some();
        if !taken {
            return Ok(code);
        }
    }
}

/// The next free code of a pattern counted within a fiscal year (`E-2017-` and a number): on from
/// the number of the register's codes with that prefix. Rows an import has just added are in the
/// same transaction, so they are counted.
pub(super) async fn next_yearly_number(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    key: &'static str,
    pattern: &mamori_domain::CodePattern,
    mut batch: Option<&mut Batch>,
) -> Result<String, FieldError> {
    let fail = |_| FieldError::new(key, "invalid");
    let prefix = pattern.prefix.clone();
    let given = batch.as_ref().and_then(|b| b.yearly.get(&prefix).copied());
    let mut n = match given {
        Some(n) => n,
        None => tx
            .fetch_one(
                &format!(
                    "SELECT COUNT(*) FROM {} WHERE org_id = $1 AND substr({key}, 1, {}) = $2",
                    reg.table,
                    prefix.chars().count()
                ),
                &[access.org_id().into(), P::Text(prefix.clone())],
            )
            .await
            .and_then(|r| r.i64(0))
            .map_err(fail)?,
    };
    loop {
        n += 1;
        let code = pattern.code(n);
        // A code a row of the batch has (given, or numbered before it) is taken too.
        if batch
            .as_deref()
            .is_some_and(|b| b.taken.get(key).is_some_and(|t| t.contains(&code)))
        {
            continue;
        }
        let taken = tx
            .fetch_optional(
                &format!(
                    "SELECT 1 FROM {} WHERE org_id = $1 AND {key} = $2",
                    reg.table
                ),
                &[access.org_id().into(), code.clone().into()],
            )
            .await
            .map_err(fail)?
            .is_some();
        if !taken {
            if let Some(b) = batch.as_deref_mut() {
                b.yearly.insert(prefix.clone(), n);
            }
            return Ok(code);
        }
    }
}
