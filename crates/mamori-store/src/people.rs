//! Joining and leaving: whether a person may handle information assets, and what is left to do
//! when someone leaves.
//!
//! The reference company lets nobody handle information assets before three things: the NDA
//! (秘密保持誓約書) is signed, the onboarding course is attended and its comprehension test is
//! passed. This applies to anyone working more than a full day in the certified area, so it is
//! asked of every person in the register, employee or not.

use mamori_domain::registers::{self, PEOPLE};
use mamori_domain::{Capability, FieldError, Register, Value};
use serde::Serialize;
use time::{Date, OffsetDateTime};

use crate::Store;
use crate::areas::{Area, Write, Written};
use crate::audit::Entry;
use crate::db::{P, Tx};
use crate::error::StoreError;
use crate::org::Access;
use crate::records::{Batch, Periods, append_audit, write_withdrawal};
use crate::requirements::{Requirement, check_all};

/// The three steps of one person ($2) of an organisation ($1), and whether the person exists.
pub(crate) const ELIGIBILITY_SQL: &str = "SELECT \
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
pub(crate) fn eligibility_from(row: &crate::db::Row) -> Result<Eligibility, StoreError> {
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

/// The people area's rules: a leaving date is refused while the person has an asset out, and once
/// set it ends the person's handler grants.
pub(crate) struct People;

/// Setting `field` (a person's leaving date) ends the records of `ties` that refer to this one:
/// (collection, reference field, end date field). Each ends on the leaving date at the latest, and
/// is withdrawn once that date has come. A person who leaves loses their handler grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ends {
    field: &'static str,
    ties: &'static [(&'static str, &'static str, &'static str)],
}

const ENDS: Ends = Ends {
    field: "left_on",
    ties: &[("asset-handlers", "person", "valid_until")],
};

const REQUIRES: &[Requirement] = &[Requirement::NothingOut("left_on")];

impl Area for People {
    const REGISTERS: &'static [&'static Register] = &[&PEOPLE];

    async fn check(
        &self,
        tx: &mut Tx,
        access: &Access,
        reg: &Register,
        w: &Write<'_>,
        periods: Option<&mut Periods>,
    ) -> Result<Vec<FieldError>, StoreError> {
        check_all(tx, access, reg, REQUIRES, w, periods).await
    }

    async fn after_write(
        &self,
        tx: &mut Tx,
        access: &Access,
        reg: &Register,
        written: &Written<'_>,
        batch: Option<&mut Batch>,
    ) -> Result<(), StoreError> {
        end_ties(tx, access, reg, written.id, written.values, batch).await
    }

    fn follows_writes(&self, _: &Register, _: &[Value], _: &[Option<i64>]) -> bool {
        true
    }

    #[cfg(test)]
    fn names(&self) -> Vec<(&'static Register, &'static str)> {
        let mut names = vec![(&PEOPLE, ENDS.field)];
        names.extend(
            REQUIRES
                .iter()
                .flat_map(|r| r.fields())
                .map(|f| (&PEOPLE, f)),
        );
        names
    }
}

/// When a record's ending date is set (a person's leaving date), ends the records that still tie
/// to it (the person's handler grants): their end date becomes the leaving date if later, and once
/// the leaving date has come they are withdrawn; each change with its audit entry.
async fn end_ties(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    id: i64,
    values: &[Value],
    mut batch: Option<&mut Batch>,
) -> Result<(), StoreError> {
    let ends = ENDS;
    let Some(Value::Date(on)) = reg.position(ends.field).map(|i| &values[i]) else {
        return Ok(());
    };
    let on = *on;
    let left = on <= mamori_domain::dates::today();
    let reason = format!(
        "{} #{id} {} {}",
        reg.code,
        ends.field,
        mamori_domain::dates::iso(on)
    );
    for (collection, field, until) in ends.ties {
        let target = registers::by_collection(collection)
            .ok_or_else(|| StoreError::Data(format!("unknown register {collection}")))?;
        let tied = tx
            .fetch_all(
                &format!(
                    "SELECT id, {until} FROM {} WHERE org_id = $1 AND {field}_id = $2 AND withdrawn_at IS NULL ORDER BY id",
                    target.table
                ),
                &[access.org_id().into(), id.into()],
            )
            .await?;
        for row in tied {
            let tie = row.i64(0)?;
            if left {
                write_withdrawal(tx, access, target, tie, Some(&reason), batch.as_deref_mut())
                    .await?;
                continue;
            }
            let ends_on: Option<time::Date> = row.get(1)?;
            if ends_on.is_some_and(|d| d <= on) {
                continue;
            }
            tx.execute(
                &format!(
                    "UPDATE {} SET {until} = $1, updated_at = $2 WHERE org_id = $3 AND id = $4",
                    target.table
                ),
                &[
                    P::Date(on),
                    P::Ts(OffsetDateTime::now_utc()),
                    access.org_id().into(),
                    tie.into(),
                ],
            )
            .await?;
            let before = serde_json::json!({ *until: ends_on.map(mamori_domain::dates::iso) });
            let after = serde_json::json!({ *until: mamori_domain::dates::iso(on) });
            let entry = Entry::new(Some(access.org_id()), target.code, Some(tie), "update")
                .before(&before)
                .after(&after)
                .reason(Some(&reason));
            append_audit(tx, access, entry, batch.as_deref_mut()).await?;
        }
    }
    Ok(())
}

/// One line of the directory: a person working today, their department and work address.
#[derive(Clone, Debug, Serialize)]
pub struct Listed {
    pub name: String,
    pub name_kana: Option<String>,
    pub department: String,
    pub email: Option<String>,
}

impl Store {
    /// The directory every member reads (staff read no more of the people register than their own
    /// record): the people who have joined and not left, by department and reading of the name,
    /// with their names, department and work address only.
    pub async fn directory(&self, access: &Access) -> Result<Vec<Listed>, StoreError> {
        let today = mamori_domain::dates::today();
        let rows = self
            .pool
            .fetch_all(
                "SELECT p.name, p.name_kana, d.name, p.email FROM people p \
                 JOIN departments d ON d.id = p.department_id \
                 WHERE p.org_id = $1 AND p.withdrawn_at IS NULL AND p.joined_on <= $2 \
                   AND (p.left_on IS NULL OR p.left_on >= $2) \
                 ORDER BY d.code, COALESCE(p.name_kana, p.name), p.id",
                &[access.org_id().into(), P::Date(today)],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Listed {
                    name: r.text(0)?,
                    name_kana: r.opt_text(1)?,
                    department: r.text(2)?,
                    email: r.opt_text(3)?,
                })
            })
            .collect()
    }
}
