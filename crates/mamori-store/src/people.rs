//! Joining and leaving: whether a person may handle information assets, and what is left to do
//! when someone leaves.
//!
//! The reference company lets nobody handle information assets before three things: the NDA
//! (秘密保持誓約書) is signed, the onboarding course is attended and its comprehension test is
//! passed. This applies to anyone working more than a full day in the certified area, so it is
//! asked of every person in the register, employee or not.

use mamori_domain::Role;
use serde::Serialize;
use time::Date;

use crate::Store;
use crate::db::P;
use crate::error::StoreError;
use crate::org::Access;

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

#[derive(Clone, Debug, Serialize)]
pub struct Leaving {
    pub left_on: Option<Date>,
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
        if access.role == Role::Staff && access.person_id != Some(person) {
            return Err(StoreError::NotFound);
        }
        let row = self
            .pool
            .fetch_one(
                "SELECT \
                   (SELECT MAX(signed_on) FROM pledges x WHERE x.org_id = $1 AND x.person_id = $2 AND x.withdrawn_at IS NULL), \
                   (SELECT MIN(s.held_on) FROM attendances a JOIN training_sessions s ON s.id = a.session_id \
                      JOIN courses c ON c.id = s.course_id \
                    WHERE a.org_id = $1 AND a.person_id = $2 AND a.status = 'attended' AND c.kind = 'onboarding' \
                      AND a.withdrawn_at IS NULL AND s.withdrawn_at IS NULL), \
                   (SELECT MIN(t.started_on) FROM test_attempts t JOIN courses c ON c.id = t.course_id \
                    WHERE t.org_id = $1 AND t.person_id = $2 AND t.result = 'passed' AND c.kind = 'onboarding' \
                      AND t.withdrawn_at IS NULL), \
                   (SELECT COUNT(*) FROM people p WHERE p.org_id = $1 AND p.id = $2)",
                &[access.org_id().into(), P::Int(person)],
            )
            .await?;
        if row.i64(3)? == 0 {
            return Err(StoreError::NotFound);
        }
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

    /// Refuses unless the person may handle information assets (the asset register asks this
    /// before anyone is made an asset's holder).
    pub async fn require_eligible(&self, access: &Access, person: i64) -> Result<(), StoreError> {
        if self.eligibility(access, person).await?.eligible {
            Ok(())
        } else {
            Err(StoreError::Refused("not-eligible"))
        }
    }

    /// The leaving checklist of a person: accounts disabled, NDA on file. (Returning what they
    /// hold joins this list with the asset register.) Not for staff.
    pub async fn leaving(&self, access: &Access, person: i64) -> Result<Leaving, StoreError> {
        if access.role == Role::Staff {
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
        Ok(Leaving {
            left_on,
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
