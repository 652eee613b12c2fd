//! Preparing a write: an input parsed and checked against its register, references resolved, defaults and computed values filled in.

#[allow(unused_imports)]
use super::*;

/// Parses and checks every field, resolves references and checks uniqueness; all errors at once.
pub(super) async fn prepare(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    input: &Input,
    existing: Option<&Record>,
    self_id: i64,
    mut batch: Option<&mut Batch>,
) -> Result<(Vec<Value>, Vec<Option<i64>>), StoreError> {
    let mut errors: Vec<FieldError> = input
        .keys()
        .filter(|k| reg.field(k).is_none())
        .map(|k| FieldError::new(k, "unknown-field"))
        .collect();
    // A reporter leaves the assessment to the secretariat.
    if !can_edit(access, reg) && access.actor.user_id.is_some() {
        errors.extend(
            reg.assessed
                .iter()
                .filter(|f| input.get(**f).is_some_and(|v| !v.trim().is_empty()))
                .map(|f| FieldError::new(f, "assessed-by-secretariat")),
        );
    }
    let mut values = Vec::with_capacity(reg.fields.len());
    for (i, f) in reg.fields.iter().enumerate() {
        let raw = input.get(f.name);
        let blank = raw.is_none_or(|r| mamori_domain::input::normalize_strict(r).is_empty());
        let initial = reg
            .initial
            .iter()
            .find(|(name, _)| *name == f.name && existing.is_none() && blank)
            .map(|(_, v)| match *v {
                "today" => mamori_domain::dates::iso(mamori_domain::dates::today()),
                v => v.to_string(),
            });
        let raw = initial.as_ref().or(raw);
        // A computed field keeps its value until the store computes it again; a new record starts
        // with its initial value, if it has one (a request starts `requested`).
        if reg.computed.contains(&f.name) {
            values.push(match existing {
                Some(r) => r.values[i].clone(),
                None => reg
                    .initial
                    .iter()
                    .find(|(name, _)| *name == f.name)
                    .and_then(|(_, v)| f.parse(v).ok())
                    .unwrap_or(Value::Null),
            });
            continue;
        }
        let pattern = access.org.settings.code_pattern(reg);
        let parsed = match (raw, existing, pattern) {
            (_, None, Some(pattern)) if blank && reg.natural_key == Some(f.name) => {
                if pattern.yearly() {
                    // Counted within the fiscal year of the record's own date (today's when
                    // not given): E-2017-01 is the first event of FY2017.
                    // A fiscal-year number is the year itself (an objective's); a referenced
                    // record's date counts as today.
                    let calendar = access.org.calendar;
                    let given = reg
                        .year_field
                        .filter(|y| !y.contains('.'))
                        .and_then(|y| input.get(y).map(|v| (y, v)));
                    let year = match given {
                        Some((y, v))
                            if reg
                                .field(y)
                                .is_some_and(|f| matches!(f.kind, FieldKind::Int { .. })) =>
                        {
                            mamori_domain::input::normalize(v).parse::<i32>().ok()
                        }
                        Some((_, v)) => mamori_domain::dates::parse_date(v)
                            .map(|d| calendar.containing(d).year()),
                        None => None,
                    }
                    .unwrap_or_else(|| calendar.containing(mamori_domain::dates::today()).year());
                    let pattern = pattern.of_year(year);
                    next_yearly_number(tx, access, reg, f.name, &pattern, batch.as_deref_mut())
                        .await
                        .map(Value::Text)
                } else {
                    next_number(tx, access, reg, f.name, &pattern, batch.as_deref_mut())
                        .await
                        .map(Value::Text)
                }
            }
            (Some(raw), _, _) => f.parse(raw),
            (None, Some(rec), _) => Ok(rec.values[i].clone()),
            (None, None, _) => f.parse(""),
        };
        match parsed {
            Ok(v) => values.push(v),
            Err(e) => {
                errors.push(e);
                values.push(Value::Null);
            }
        }
    }
    // The writer's own person, where the register says so and the field was left empty.
    if let (Some(field), Some(person)) = (reg.writer_person, access.person_id)
        && let Some(i) = reg.position(field)
        && values[i].is_null()
    {
        let no = crate::records::employee_no(tx, person).await?;
        values[i] = Value::Text(no);
    }
    let mut ids = vec![None; reg.fields.len()];
    for (i, f) in reg.fields.iter().enumerate() {
        match (&f.kind, &values[i]) {
            (FieldKind::Ref(target), Value::Text(key)) => {
                let target = registers::by_collection(target)
                    .ok_or_else(|| StoreError::Data(format!("unknown register {target}")))?;
                let key_col = target.natural_key.unwrap_or("id");
                if let Some(id) = batch
                    .as_deref()
                    .and_then(|b| b.refs.get(&(target.table, key.clone())))
                {
                    ids[i] = Some(*id);
                    continue;
                }
                let row = tx
                    .fetch_optional(
                        &format!("SELECT id FROM {} WHERE org_id = $1 AND {key_col} = $2 AND withdrawn_at IS NULL", target.table),
                        &[access.org_id().into(), key.clone().into()],
                    )
                    .await?;
                // Not a code: a name, if exactly one record has it (管理部署 by its name). A name
                // keeps its full-width brackets and signs (the light normalisation), a code not.
                let row = match row {
                    Some(r) => Some((r.i64(0)?, key.clone())),
                    None if target.title_field != key_col => {
                        let name = input
                            .get(f.name)
                            .map(|raw| mamori_domain::input::normalize(raw))
                            .unwrap_or_else(|| key.clone());
                        let named = tx
                            .fetch_all(
                                &format!(
                                    "SELECT id, {key_col} FROM {} WHERE org_id = $1 AND {} = $2 AND withdrawn_at IS NULL LIMIT 2",
                                    target.table, target.title_field
                                ),
                                &[access.org_id().into(), name.into()],
                            )
                            .await?;
                        match named.as_slice() {
                            [one] => Some((one.i64(0)?, one.text(1)?)),
                            [] => None,
                            _ => {
                                errors.push(FieldError::with(f.name, "ambiguous-ref", key.clone()));
                                continue;
                            }
                        }
                    }
                    None => None,
                };
                match row {
                    Some((id, code)) => {
                        ids[i] = Some(id);
                        if let Some(b) = batch.as_deref_mut()
                            && code == *key
                        {
                            b.refs.insert((target.table, key.clone()), id);
                        }
                        values[i] = Value::Text(code);
                    }
                    None => errors.push(FieldError::with(f.name, "unknown-ref", key.clone())),
                }
            }
            (_, Value::Text(v))
                if f.unique
                    && batch
                        .as_deref()
                        .is_some_and(|b| b.taken.contains_key(f.name)) =>
            {
                let taken = batch.as_deref_mut().and_then(|b| b.taken.get_mut(f.name));
                // Taken before the batch or by an earlier row of it; otherwise it is this row's now
                // (if the row fails, the whole batch does).
                if let Some(taken) = taken
                    && !taken.insert(v.clone())
                {
                    errors.push(FieldError::with(f.name, "duplicate", v.clone()));
                }
            }
            (_, Value::Text(v)) if f.unique => {
                let dup = tx
                    .fetch_optional(
                        &format!(
                            "SELECT id FROM {} WHERE org_id = $1 AND {} = $2 AND id <> $3",
                            reg.table, f.name
                        ),
                        &[access.org_id().into(), v.clone().into(), self_id.into()],
                    )
                    .await?;
                if dup.is_some() {
                    errors.push(FieldError::with(f.name, "duplicate", v.clone()));
                }
            }
            _ => {}
        }
    }
    // Values taken from a referenced record (a reporter's department) are that record's, not the
    // writer's: the date rules below check what was given.
    let mut defaulted: Vec<&str> = Vec::new();
    for (field, via, source) in reg.defaults {
        let (Some(i), Some(v)) = (reg.position(field), reg.position(via)) else {
            continue;
        };
        let (Some(referenced), true) = (ids[v], values[i].is_null()) else {
            continue;
        };
        let (FieldKind::Ref(via_target), FieldKind::Ref(target)) =
            (reg.fields[v].kind, reg.fields[i].kind)
        else {
            continue;
        };
        let (Some(via_reg), Some(target_reg)) = (
            registers::by_collection(via_target),
            registers::by_collection(target),
        ) else {
            continue;
        };
        let cache_key = (via_reg.table, referenced, *source);
        let known = batch
            .as_deref()
            .and_then(|b| b.defaults.get(&cache_key).cloned());
        let row = match known {
            Some(row) => row,
            None => {
                let row = tx
                    .fetch_optional(
                        &format!(
                            "SELECT y.id, y.{} FROM {} x JOIN {} y ON y.id = x.{} WHERE x.id = $1",
                            target_reg.natural_key.unwrap_or("id"),
                            via_reg.table,
                            target_reg.table,
                            column_of(FieldKind::Ref(target), source)
                        ),
                        &[referenced.into()],
                    )
                    .await?
                    .map(|r| Ok::<_, StoreError>((r.i64(0)?, r.text(1)?)))
                    .transpose()?;
                if let Some(b) = batch.as_deref_mut() {
                    b.defaults.insert(cache_key, row.clone());
                }
                row
            }
        };
        if let Some((id, code)) = row {
            ids[i] = Some(id);
            values[i] = Value::Text(code);
            defaulted.push(field);
        }
    }
    // Computed before the register's own checks, which may read what is computed (a drill that
    // missed its target needs a follow-up).
    errors.extend(derived::compute(tx, access, reg, &mut values, &ids, self_id).await?);
    errors.extend(reg.check(&values));
    let write = crate::areas::Write {
        values: &values,
        ids: &ids,
        defaulted: &defaulted,
        self_id,
    };
    errors.extend(
        hooks_for(reg)
            .check(
                tx,
                access,
                reg,
                &write,
                batch.as_deref_mut().map(|b| &mut b.periods),
            )
            .await?,
    );
    for group in reg.unique_together {
        let mut conds = Vec::new();
        let mut params: Vec<P> = vec![access.org_id().into(), self_id.into()];
        for name in *group {
            let Some(i) = reg.fields.iter().position(|f| f.name == *name) else {
                continue;
            };
            let f = &reg.fields[i];
            params.push(match (f.kind, &values[i]) {
                (FieldKind::Ref(_), _) => P::OptInt(ids[i]),
                (FieldKind::Date, v) => P::OptDate(v.as_date()),
                (FieldKind::Int { .. }, Value::Int(n)) => P::Int(*n),
                (_, Value::Null) => P::OptText(None),
                (_, v) => P::Text(v.to_plain()),
            });
            conds.push(format!("{} = ${}", column_of(f.kind, f.name), params.len()));
        }
        if conds.len() == group.len()
            && !params
                .iter()
                .any(|p| matches!(p, P::OptInt(None) | P::OptDate(None) | P::OptText(None)))
        {
            let dup = tx
                .fetch_optional(
                    &format!(
                        "SELECT id FROM {} WHERE org_id = $1 AND id <> $2 AND {}",
                        reg.table,
                        conds.join(" AND ")
                    ),
                    &params,
                )
                .await?;
            // An earlier row of the same batch with these values (not in the database yet while
            // a file is validated).
            let seen_in_batch = batch.as_deref_mut().is_some_and(|b| {
                let key = format!("{group:?}{:?}", &params[2..]);
                !b.combinations.insert(key)
            });
            if dup.is_some() || seen_in_batch {
                // One field alone (a statement of applicability's control) is a plain duplicate.
                errors.push(match group {
                    [one] => FieldError::with(one, "duplicate", reg.text(&values, one)),
                    _ => FieldError::with(group[0], "duplicate-combination", group[1..].join(", ")),
                });
            }
        }
    }
    if errors.is_empty() {
        Ok((values, ids))
    } else {
        Err(StoreError::Invalid(errors))
    }
}
