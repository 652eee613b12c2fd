//! Joining and leaving: whether a person may handle information assets, and what is left to do
//! when someone leaves.
//!
//! The reference company lets nobody handle information assets before three things: the NDA
//! (秘密保持誓約書) is signed, the onboarding course is attended and its comprehension test is
//! passed. This applies to anyone working more than a full day in the certified area, so it is
//! asked of every person in the register, employee or not.

use mamori_domain::Capability;
use serde::Serialize;
use time::Date;

use crate::Store;
use crate::db::P;
use crate::error::StoreError;
use crate::org::Access;

/// The three steps of one person ($2) of an organisation ($1), and whether the person exists.
const ELIGIBILITY_SQL: &str = "SELECT \
                   (SELECT MAX(signed_on) FROM pledges x WHERE x.org_id = $1 AND x.person_id = $2 AND x.withdrawn_at IS NULL), \
                   (SELECT MIN(s.held_on) FROM attendances a JOIN training_sessions s ON s.id = a.session_id \
                      JOIN courses c ON c.id = s.course_id \
                    WHERE a.org_id = $1 AND a.person_id = $2 AND a.status = 'attended' AND c.kind = 'onboarding' \
                      AND a.withdrawn_at IS NULL AND s.withdrawn_at IS NULL), \
                   (SELECT MIN(t.started_on) FROM test_attempts t JOIN courses c ON c.id = t.course_id \
                    WHERE t.org_id = $1 AND t.person_id = $2 AND t.result = 'passed' AND c.kind = 'onboarding' \
                      AND t.withdrawn_at IS NULL), \
                   (SELECT COUNT(*) FROM people p WHERE p.org_id = $1 AND p.id = $2)";

/// The three steps from a row of `ELIGIBILITY_SQL`.
fn eligibility_from(row: &crate::db::Row) -> Result<Eligibility, StoreError> {
    let pledge: Option<Date> = row.get(0)?;
    let onboarding: Option<Date> = row.get(1)?;
    let test_passed: Option<Date> = row.get(2)?;
    Ok(Eligibility {
        eligible: pledge.is_some() && onboarding.is_some() && test_passed.is_some(),
        pledge,
        onboarding,
        test_passed,
    })
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

/// A field of the record that the reference field `via` of `reg` points to (id `id`), as text.
async fn referenced(
    tx: &mut crate::db::Tx,
    reg: &mamori_domain::Register,
    via: &str,
    id: i64,
    field: &str,
) -> Result<Option<String>, StoreError> {
    referenced_as(tx, reg, via, id, field).await
}

/// The same field as its own type (a date as a date: PostgreSQL will not read a DATE as text).
async fn referenced_as<T>(
    tx: &mut crate::db::Tx,
    reg: &mamori_domain::Register,
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

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Eligibility {
    /// The latest NDA on file.
    pub pledge: Option<Date>,
    /// The first onboarding session attended.
    pub onboarding: Option<Date>,
    /// The first passed comprehension test of an onboarding course.
    pub test_passed: Option<Date>,
    pub eligible: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Account {
    pub email: String,
    pub disabled: bool,
}

/// An asset a person is responsible for: as `owner`, `key_holder`, (active grant) `handler`, or
/// `taken_out` and not returned yet.
#[derive(Clone, Debug, Serialize)]
pub struct Held {
    pub asset_id: i64,
    pub code: String,
    pub name: String,
    pub role: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Leaving {
    pub left_on: Option<Date>,
    /// Every asset the person owns, keeps the key of or is an authorized handler of.
    pub assets: Vec<Held>,
    /// The sign-in accounts linked to the person; all must be disabled.
    pub accounts: Vec<Account>,
    /// The NDA stays on file after leaving.
    pub pledge_on_file: bool,
}

impl Store {
    /// Whether a person may handle information assets, and which step is missing. Staff may ask
    /// only about themselves.
    pub async fn eligibility(
        &self,
        access: &Access,
        person: i64,
    ) -> Result<Eligibility, StoreError> {
        if !access.may(Capability::ReadAboutOthers) && access.person_id != Some(person) {
            return Err(StoreError::NotFound);
        }
        let row = self
            .pool
            .fetch_one(ELIGIBILITY_SQL, &[access.org_id().into(), P::Int(person)])
            .await?;
        if row.i64(3)? == 0 {
            return Err(StoreError::NotFound);
        }
        eligibility_from(&row)
    }

    /// Refuses unless the person may handle information assets (the asset register asks this
    /// before anyone is made an asset's holder).
    pub async fn require_eligible(&self, access: &Access, person: i64) -> Result<(), StoreError> {
        if self.eligibility(access, person).await?.eligible {
            Ok(())
        } else {
            Err(StoreError::Refused("not-eligible"))
        }
    }

    /// The leaving checklist of a person: accounts disabled, NDA on file, and every asset they own,
    /// keep the key of or handle (to hand over, or the grant withdrawn). Not for staff.
    pub async fn leaving(&self, access: &Access, person: i64) -> Result<Leaving, StoreError> {
        if !access.may(Capability::ReadAboutOthers) {
            return Err(StoreError::Forbidden);
        }
        let left_on: Option<Date> = self
            .pool
            .fetch_optional(
                "SELECT left_on FROM people WHERE org_id = $1 AND id = $2",
                &[access.org_id().into(), P::Int(person)],
            )
            .await?
            .ok_or(StoreError::NotFound)?
            .get(0)?;
        let accounts = self
            .pool
            .fetch_all(
                "SELECT u.email, u.disabled FROM memberships m JOIN users u ON u.id = m.user_id \
                 WHERE m.org_id = $1 AND m.person_id = $2 ORDER BY u.email",
                &[access.org_id().into(), P::Int(person)],
            )
            .await?
            .iter()
            .map(|r| {
                Ok(Account {
                    email: r.text(0)?,
                    disabled: r.get(1)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let pledge_on_file = self
            .pool
            .fetch_optional(
                "SELECT 1 FROM pledges WHERE org_id = $1 AND person_id = $2 AND withdrawn_at IS NULL",
                &[access.org_id().into(), P::Int(person)],
            )
            .await?
            .is_some();
        let assets = self
            .pool
            .fetch_all(
                &format!("SELECT a.id, a.code, a.name, 'owner' FROM assets a WHERE a.org_id = $1 AND a.owner_id = $2 AND a.withdrawn_at IS NULL \
                 UNION ALL SELECT a.id, a.code, a.name, 'key_holder' FROM assets a WHERE a.org_id = $1 AND a.key_holder_id = $2 AND a.withdrawn_at IS NULL \
                 UNION ALL SELECT a.id, a.code, a.name, 'handler' FROM asset_handlers h JOIN assets a ON a.id = h.asset_id \
                   WHERE h.org_id = $1 AND h.person_id = $2 AND h.withdrawn_at IS NULL AND a.withdrawn_at IS NULL \
                     AND h.valid_until >= $3 \
                 UNION ALL SELECT a.id, a.code, a.name, 'taken_out' FROM handling_records t JOIN assets a ON a.id = t.asset_id \
                   WHERE t.org_id = $1 AND t.person_id = $2 AND t.kind = 'take_out' AND t.withdrawn_at IS NULL \
                     AND {} \
                 ORDER BY 2, 4", crate::overdue::NOT_RETURNED),
                &[
                    access.org_id().into(),
                    P::Int(person),
                    P::Date(mamori_domain::dates::today()),
                ],
            )
            .await?
            .iter()
            .map(|r| {
                Ok(Held {
                    asset_id: r.i64(0)?,
                    code: r.text(1)?,
                    name: r.text(2)?,
                    role: r.text(3)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Leaving {
            left_on,
            assets,
            accounts,
            pledge_on_file,
        })
    }

    /// The id of a person by employee number.
    pub async fn person_id(&self, access: &Access, employee_no: &str) -> Result<i64, StoreError> {
        self.pool
            .fetch_optional(
                "SELECT id FROM people WHERE org_id = $1 AND employee_no = $2",
                &[access.org_id().into(), employee_no.into()],
            )
            .await?
            .ok_or(StoreError::NotFound)?
            .i64(0)
    }
}

/// A person's employee number (how records refer to them), by id.
pub(crate) async fn employee_no(tx: &mut crate::db::Tx, person: i64) -> Result<String, StoreError> {
    tx.fetch_one(
        "SELECT employee_no FROM people WHERE id = $1",
        &[P::Int(person)],
    )
    .await?
    .text(0)
}

/// Checks one declared requirement of a record about to be written; what fails comes back as
/// field errors, so the form shows it beside the field.
/// The period a person or department is in force (joined–left, valid from–to), by table and id:
/// read once per file while a batch of rows is checked and written.
pub(crate) type Periods =
    std::collections::HashMap<(&'static str, i64), (Option<Date>, Option<Date>)>;

pub(crate) async fn check_requirement(
    tx: &mut crate::db::Tx,
    access: &Access,
    reg: &mamori_domain::Register,
    req: mamori_domain::Requirement,
    (values, ids, defaulted): (&[mamori_domain::Value], &[Option<i64>], &[&str]),
    self_id: i64,
    mut periods: Option<&mut Periods>,
) -> Result<Vec<mamori_domain::FieldError>, StoreError> {
    use mamori_domain::{FieldError, Requirement};
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
        Requirement::GuaranteeWhen {
            person,
            via,
            field,
            value,
        } => {
            let (Some(p), Some(v)) = (id_of(person), id_of(via)) else {
                return Ok(errors);
            };
            if referenced(tx, reg, via, v, field).await?.as_deref() == Some(value)
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
            let (Some(p), Some(d)) = (id_of(person), id_of(department)) else {
                return Ok(errors);
            };
            let own = tx
                .fetch_optional(
                    "SELECT 1 FROM people WHERE org_id = $1 AND id = $2 AND department_id = $3",
                    &[access.org_id().into(), P::Int(p), P::Int(d)],
                )
                .await?
                .is_some();
            if own {
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
            let rules = mamori_domain::registers::AssetRules::of(&access.org.profile);
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
