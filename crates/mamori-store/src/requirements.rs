//! Rules a record must meet that need other records to check (eligibility of a handler, the
//! approving manager, a key custodian's guarantee): the vocabulary each area uses for its registers,
//! and the checks. What fails comes back as field errors, so the form shows it beside the field.

use mamori_domain::{Capability, FieldError, Register, Value};
use time::Date;

use crate::db::{P, Tx};
use crate::error::StoreError;
use crate::org::Access;
use crate::people::{ELIGIBILITY_SQL, eligibility_from};
use crate::records::Periods;

/// A rule a record must meet that needs other records to check: named by an area for one of its registers (`areas.rs`), checked here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// The person in this field must be eligible to handle information assets (NDA, onboarding
    /// course, passed test).
    Eligible(&'static str),
    /// The person in `person` must have an identity guarantee on file when the asset that `via`
    /// refers to is of a classification whose handlers need one (the organisation's setting).
    GuaranteeForLevel {
        person: &'static str,
        via: &'static str,
    },
    /// The person in `person` must be appointed 部門情報管理責任者 of the department of the record
    /// `via` refers to (its `department` field) on the date in `on`, or be the ISMS manager lead.
    ApprovedByManager {
        person: &'static str,
        via: &'static str,
        on: &'static str,
    },
    /// The person in `person` must hold an active grant for the asset in `asset` on the date in
    /// `on`, and be the writer (unless the command line loads past records).
    ByHandler {
        asset: &'static str,
        person: &'static str,
        on: &'static str,
    },
    /// The organisation's handling rules for the asset's classification (see `HandlingRule`).
    HandlingRules { asset: &'static str },
    /// The person in this field must have an identity guarantee on file (a key's custodian).
    Guarantee(&'static str),
    /// The person in this field is the writer's own, unless the secretariat or a department
    /// manager writes (a staff member reports only as themselves).
    Yourself(&'static str),
    /// The person in `person` may not belong to the department in `department` (an internal
    /// auditor does not audit their own department).
    NotOwnDepartment {
        person: &'static str,
        department: &'static str,
    },
    /// The same, of the department of the record `via` refers to (an audit team's member and the
    /// audited department).
    NotOwnDepartmentOf {
        person: &'static str,
        via: &'static str,
    },
    /// The date in this field (a person's leaving date) may not be set while the person has an
    /// asset taken out and not returned.
    NothingOut(&'static str),
    /// Every person and department the record names must be in force on its date: the date in `on`,
    /// or with `via`, the date in `on` of the record `via` refers to (an attendance's session). A
    /// person who had left, or a department not yet founded or already dissolved, is refused with
    /// the dates it was in force.
    InForceOn {
        on: &'static str,
        via: Option<&'static str>,
    },
    /// `fields` are required when the record `via` refers to has `field` = `value` (a customer's
    /// asset is disposed of only with the customer's consent).
    RequiredWhen {
        via: &'static str,
        field: &'static str,
        value: &'static str,
        fields: &'static [&'static str],
    },
    /// The record `via` refers to must have `field` among `values` (a disposal's contractor is a
    /// disposal contractor).
    RefIs {
        via: &'static str,
        field: &'static str,
        values: &'static [&'static str],
    },
}

impl Requirement {
    /// The fields of its register the requirement names (each must be declared).
    #[cfg(test)]
    pub(crate) fn fields(self) -> Vec<&'static str> {
        match self {
            Requirement::Eligible(f)
            | Requirement::Guarantee(f)
            | Requirement::Yourself(f)
            | Requirement::NothingOut(f) => vec![f],
            Requirement::GuaranteeForLevel { person, via } => vec![person, via],
            Requirement::ApprovedByManager { person, via, on } => vec![person, via, on],
            Requirement::ByHandler { asset, person, on } => vec![asset, person, on],
            Requirement::HandlingRules { asset } => vec![asset],
            Requirement::NotOwnDepartment { person, department } => vec![person, department],
            Requirement::NotOwnDepartmentOf { person, via } => vec![person, via],
            Requirement::InForceOn { on, via } => match via {
                Some(via) => vec![via],
                None => vec![on],
            },
            Requirement::RequiredWhen { via, fields, .. } => {
                let mut all = vec![via];
                all.extend_from_slice(fields);
                all
            }
            Requirement::RefIs { via, .. } => vec![via],
        }
    }
}

/// Checks each of `requirements` of a record about to be written.
pub(crate) async fn check_all(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    requirements: &[Requirement],
    w: &crate::areas::Write<'_>,
    mut periods: Option<&mut Periods>,
) -> Result<Vec<FieldError>, StoreError> {
    let mut errors = Vec::new();
    for req in requirements {
        errors.extend(
            check_requirement(
                tx,
                access,
                reg,
                *req,
                (w.values, w.ids, w.defaulted),
                w.self_id,
                periods.as_deref_mut(),
            )
            .await?,
        );
    }
    Ok(errors)
}

/// Checks one declared requirement of a record about to be written; what fails comes back as
/// field errors, so the form shows it beside the field.
async fn check_requirement(
    tx: &mut crate::db::Tx,
    access: &Access,
    reg: &Register,
    req: Requirement,
    (values, ids, defaulted): (&[Value], &[Option<i64>], &[&str]),
    self_id: i64,
    mut periods: Option<&mut Periods>,
) -> Result<Vec<FieldError>, StoreError> {
    let id_of = |name: &str| reg.position(name).and_then(|i| ids[i]);
    let mut errors = Vec::new();
    match req {
        Requirement::Eligible(field) => {
            if let Some(person) = id_of(field) {
                let row = tx
                    .fetch_one(ELIGIBILITY_SQL, &[access.org_id().into(), P::Int(person)])
                    .await?;
                if !eligibility_from(&row)?.eligible {
                    errors.push(FieldError::new(field, "not-eligible"));
                }
                let left: Option<Date> = tx
                    .fetch_one(
                        "SELECT left_on FROM people WHERE org_id = $1 AND id = $2",
                        &[access.org_id().into(), P::Int(person)],
                    )
                    .await?
                    .get(0)?;
                if left.is_some_and(|d| d <= mamori_domain::dates::today()) {
                    errors.push(FieldError::new(field, "has-left"));
                }
            }
        }
        Requirement::GuaranteeForLevel { person, via } => {
            let (Some(p), Some(v)) = (id_of(person), id_of(via)) else {
                return Ok(errors);
            };
            let level = referenced(tx, reg, via, v, "classification").await?;
            if level.is_some_and(|l| access.org.settings.asset_rules.needs_guarantee(&l))
                && !guaranteed(tx, access, p).await?
            {
                errors.push(FieldError::new(person, "needs-guarantee"));
            }
        }
        Requirement::ApprovedByManager { person, via, on } => {
            let (Some(p), Some(v), Some(day)) = (
                id_of(person),
                id_of(via),
                reg.position(on).and_then(|i| values[i].as_date()),
            ) else {
                return Ok(errors);
            };
            // The department of the record referred to (the asset's), by its declared department field.
            let Some((table, department)) = mamori_domain::registers::target_of(reg, via)
                .and_then(|t| Some((t.table, t.department_field?)))
            else {
                return Ok(errors);
            };
            let appointed = tx
                .fetch_optional(
                    &format!(
                        "SELECT 1 FROM appointments ap, {table} x WHERE x.id = $3 AND ap.org_id = $1 AND ap.person_id = $2 \
                           AND ap.withdrawn_at IS NULL AND ap.starts_on <= $4 AND (ap.ends_on IS NULL OR ap.ends_on >= $4) \
                           AND ((ap.role = 'department_info_manager' AND ap.department_id = x.{department}_id) \
                                OR ap.role = 'isms_manager_lead')"
                    ),
                    &[access.org_id().into(), P::Int(p), P::Int(v), P::Date(day)],
                )
                .await?
                .is_some();
            if !appointed {
                errors.push(FieldError::new(person, "not-the-manager"));
            }
        }
        Requirement::ByHandler { asset, person, on } => {
            let (Some(a), Some(day)) = (
                id_of(asset),
                reg.position(on).and_then(|i| values[i].as_date()),
            ) else {
                return Ok(errors);
            };
            let Some(p) = id_of(person) else {
                errors.push(FieldError::new(person, "required"));
                return Ok(errors);
            };
            // A signed-in user records only what they did themselves.
            if access.actor.user_id.is_some() && access.person_id != Some(p) {
                errors.push(FieldError::new(person, "not-yourself"));
                return Ok(errors);
            }
            let granted = tx
                .fetch_optional(
                    "SELECT 1 FROM asset_handlers WHERE org_id = $1 AND asset_id = $2 AND person_id = $3 \
                       AND withdrawn_at IS NULL AND approved_on <= $4 AND valid_until >= $4",
                    &[access.org_id().into(), P::Int(a), P::Int(p), P::Date(day)],
                )
                .await?
                .is_some();
            if !granted {
                errors.push(FieldError::new(person, "not-a-handler"));
            }
        }
        Requirement::Guarantee(person) => {
            if let Some(p) = id_of(person)
                && !guaranteed(tx, access, p).await?
            {
                errors.push(FieldError::new(person, "needs-guarantee-on-file"));
            }
        }
        Requirement::RequiredWhen {
            via,
            field,
            value,
            fields,
        } => {
            let Some(v) = id_of(via) else {
                return Ok(errors);
            };
            if referenced(tx, reg, via, v, field).await?.as_deref() == Some(value) {
                for f in fields {
                    if reg.position(f).is_none_or(|i| values[i].is_null()) {
                        errors.push(FieldError::new(f, "required"));
                    }
                }
            }
        }
        Requirement::RefIs { via, field, values } => {
            let Some(v) = id_of(via) else {
                return Ok(errors);
            };
            let actual = referenced(tx, reg, via, v, field)
                .await?
                .unwrap_or_default();
            if !values.contains(&actual.as_str()) {
                errors.push(FieldError::with(via, "wrong-kind", actual));
            }
        }
        Requirement::Yourself(field) => {
            let own = access.person_id.is_some() && id_of(field) == access.person_id;
            let may_name_others =
                access.actor.user_id.is_none() || access.may(Capability::NameOthers);
            if !own && !may_name_others {
                errors.push(FieldError::new(field, "not-yourself"));
            }
        }
        Requirement::NotOwnDepartment { person, department } => {
            if let (Some(p), Some(d)) = (id_of(person), id_of(department))
                && in_department(tx, access, p, d).await?
            {
                errors.push(FieldError::new(person, "own-department"));
            }
        }
        Requirement::NotOwnDepartmentOf { person, via } => {
            let d = match id_of(via) {
                Some(v) => referenced_as::<i64>(tx, reg, via, v, "department_id").await?,
                None => None,
            };
            if let (Some(p), Some(d)) = (id_of(person), d)
                && in_department(tx, access, p, d).await?
            {
                errors.push(FieldError::new(person, "own-department"));
            }
        }
        Requirement::InForceOn { on, via } => {
            let day = match via {
                None => reg.position(on).and_then(|i| values[i].as_date()),
                Some(via) => match id_of(via) {
                    Some(v) => referenced_as::<Date>(tx, reg, via, v, on).await?,
                    None => None,
                },
            };
            let Some(day) = day else {
                return Ok(errors);
            };
            for (i, f) in reg.fields.iter().enumerate() {
                let (table, from, to, code) = match f.kind {
                    mamori_domain::FieldKind::Ref("people") => {
                        ("people", "joined_on", "left_on", "person-not-in-force")
                    }
                    mamori_domain::FieldKind::Ref("departments") => (
                        "departments",
                        "valid_from",
                        "valid_to",
                        "department-not-in-force",
                    ),
                    _ => continue,
                };
                let Some(id) = ids[i].filter(|_| !defaulted.contains(&f.name)) else {
                    continue;
                };
                let known = periods
                    .as_deref()
                    .and_then(|p| p.get(&(table, id)).copied());
                let (start, end) = match known {
                    Some(period) => period,
                    None => {
                        let row = tx
                            .fetch_one(
                                &format!(
                                    "SELECT {from}, {to} FROM {table} WHERE org_id = $1 AND id = $2"
                                ),
                                &[access.org_id().into(), P::Int(id)],
                            )
                            .await?;
                        let period: (Option<Date>, Option<Date>) = (row.get(0)?, row.get(1)?);
                        if let Some(p) = periods.as_deref_mut() {
                            p.insert((table, id), period);
                        }
                        period
                    }
                };
                if start.is_some_and(|s| day < s) || end.is_some_and(|e| day > e) {
                    let iso =
                        |d: Option<Date>| d.map(mamori_domain::dates::iso).unwrap_or_default();
                    errors.push(FieldError::with(
                        f.name,
                        code,
                        format!(
                            "{}|{}|{}",
                            mamori_domain::dates::iso(day),
                            iso(start),
                            iso(end)
                        ),
                    ));
                }
            }
        }
        Requirement::NothingOut(field) => {
            let set = reg.position(field).is_some_and(|i| !values[i].is_null());
            if set && self_id != 0 {
                let out: Vec<String> = tx
                    .fetch_all(
                        &format!(
                            "SELECT DISTINCT a.code FROM handling_records t JOIN assets a ON a.id = t.asset_id \
                             WHERE t.org_id = $1 AND t.person_id = $2 AND t.kind = 'take_out' \
                               AND t.withdrawn_at IS NULL AND {} ORDER BY a.code",
                            crate::overdue::NOT_RETURNED
                        ),
                        &[access.org_id().into(), P::Int(self_id)],
                    )
                    .await?
                    .iter()
                    .map(|r| r.text(0))
                    .collect::<Result<_, _>>()?;
                if !out.is_empty() {
                    errors.push(FieldError::with(field, "assets-out", out.join(", ")));
                }
            }
        }
        Requirement::HandlingRules { asset } => {
            let Some(a) = id_of(asset) else {
                return Ok(errors);
            };
            let classification = referenced(tx, reg, asset, a, "classification")
                .await?
                .unwrap_or_default();
            let value = |name: &str| {
                reg.position(name)
                    .map(|i| values[i].to_plain())
                    .unwrap_or_default()
            };
            let rules = &access.org.settings.asset_rules;
            errors.extend(rules.refusals(
                &classification,
                &value("kind"),
                &value("method"),
                &value("protection"),
            ));
        }
    }
    Ok(errors)
}

/// Whether a person has an identity guarantee on file.
async fn guaranteed(
    tx: &mut crate::db::Tx,
    access: &Access,
    person: i64,
) -> Result<bool, StoreError> {
    Ok(tx
        .fetch_optional(
            "SELECT 1 FROM identity_guarantees WHERE org_id = $1 AND person_id = $2 AND withdrawn_at IS NULL",
            &[access.org_id().into(), P::Int(person)],
        )
        .await?
        .is_some())
}

/// Whether the person `p` belongs to the department `d`.
async fn in_department(
    tx: &mut crate::db::Tx,
    access: &Access,
    p: i64,
    d: i64,
) -> Result<bool, StoreError> {
    Ok(tx
        .fetch_optional(
            "SELECT 1 FROM people WHERE org_id = $1 AND id = $2 AND department_id = $3",
            &[access.org_id().into(), P::Int(p), P::Int(d)],
        )
        .await?
        .is_some())
}

/// A field of the record that the reference field `via` of `reg` points to (id `id`), as text.
async fn referenced(
    tx: &mut crate::db::Tx,
    reg: &Register,
    via: &str,
    id: i64,
    field: &str,
) -> Result<Option<String>, StoreError> {
    referenced_as(tx, reg, via, id, field).await
}

/// The same field as its own type (a date as a date: PostgreSQL will not read a DATE as text).
async fn referenced_as<T>(
    tx: &mut crate::db::Tx,
    reg: &Register,
    via: &str,
    id: i64,
    field: &str,
) -> Result<Option<T>, StoreError>
where
    T: for<'r> sqlx::Decode<'r, sqlx::Sqlite>
        + sqlx::Type<sqlx::Sqlite>
        + for<'r> sqlx::Decode<'r, sqlx::Postgres>
        + sqlx::Type<sqlx::Postgres>,
{
    let Some(target) = mamori_domain::registers::target_of(reg, via) else {
        return Ok(None);
    };
    tx.fetch_optional(
        &format!("SELECT {field} FROM {} WHERE id = $1", target.table),
        &[P::Int(id)],
    )
    .await?
    .map(|r| r.get::<Option<T>>(0))
    .transpose()
    .map(Option::flatten)
}
