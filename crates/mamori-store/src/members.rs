//! The members of an organisation: who signs in to it, in which role; adding, inviting
//! (`invitations.rs`), changing a member's role and removing them, each audited.

use mamori_domain::{Capability, FieldError, Role};
use serde::Serialize;
use time::{Date, OffsetDateTime};

use crate::Store;
use crate::audit::{self, Entry};
use crate::db::P;
use crate::error::StoreError;
use crate::org::Access;

/// A member of an organisation as the members page lists them.
#[derive(Clone, Debug, Serialize)]
pub struct Member {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub department: Option<String>,
    pub person: Option<String>,
    pub valid_until: Option<Date>,
    pub disabled: bool,
    /// Also administers the organisation (its founder).
    pub administers: bool,
}

impl Store {
    /// Who may sign in to the organisation and as what: for administrators, the secretariat and auditors.
    pub async fn members(&self, access: &Access) -> Result<Vec<Member>, StoreError> {
        if !access.may(Capability::ReadAuditTrail) {
            return Err(StoreError::Forbidden);
        }
        let rows = self
            .pool
            .fetch_all(
                "SELECT u.email, u.display_name, m.role, d.code, p.employee_no, m.valid_until, u.disabled, m.administers \
                 FROM memberships m JOIN users u ON u.id = m.user_id \
                 LEFT JOIN departments d ON d.id = m.department_id LEFT JOIN people p ON p.id = m.person_id \
                 WHERE m.org_id = $1 ORDER BY u.email",
                &[access.org_id().into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Member {
                    email: r.text(0)?,
                    display_name: r.text(1)?,
                    role: Role::parse(&r.text(2)?)
                        .ok_or_else(|| StoreError::Data("unknown role".into()))?,
                    department: r.opt_text(3)?,
                    person: r.opt_text(4)?,
                    valid_until: r.get(5)?,
                    disabled: r.get(6)?,
                    administers: r.get(7)?,
                })
            })
            .collect()
    }
}

/// What an administrator fills in to let someone sign in to the organisation.
#[derive(Clone, Debug, Default)]
pub struct NewMember {
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub role: String,
    pub department: Option<String>,
    pub person: Option<String>,
    pub valid_until: Option<String>,
}

/// What a member is checked for (`Store::check_member`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    /// Added directly: a new account needs its name and password.
    Add,
    /// Invited: the invited person gives their name and password.
    Invite,
    /// A member whose role changes.
    Change,
}

/// A new member, checked (`Store::check_member`).
pub(crate) struct CheckedMember {
    pub role: Role,
    pub department: Option<String>,
    pub person: Option<String>,
    pub until: Option<Date>,
    /// The account of that address, when it has one.
    pub existing: Option<crate::User>,
}

impl Store {
    /// Adds a member (and their user, when the e-mail address is new): administrators only.
    /// Everything is checked before anything is written.
    pub async fn add_member(&self, access: &Access, m: &NewMember) -> Result<(), StoreError> {
        let checked = self.check_member(access, m, Check::Add).await?;
        let user = match checked.existing {
            Some(u) => u,
            None => {
                self.create_user(&access.actor, &m.email, &m.display_name, &m.password)
                    .await?
            }
        };
        self.add_membership(
            &access.actor,
            &access.org,
            user.id,
            checked.role,
            checked.department.as_deref(),
            checked.person.as_deref(),
            checked.until,
        )
        .await
    }

    /// Checks a member (administrators only): role, department, person, end date; a new one is not
    /// a member already, and one added directly with a new account has its name and password.
    /// Everything is checked before anything is written.
    pub(crate) async fn check_member(
        &self,
        access: &Access,
        m: &NewMember,
        check: Check,
    ) -> Result<CheckedMember, StoreError> {
        if !access.may(Capability::ManageMembers) {
            return Err(StoreError::Forbidden);
        }
        let mut errors = Vec::new();
        let role = Role::parse(&m.role);
        if role.is_none() {
            errors.push(FieldError::new("role", "invalid-choice"));
        }
        let until = match m
            .valid_until
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(s) => match mamori_domain::dates::parse_date(s) {
                Some(d) => Some(d),
                None => {
                    errors.push(FieldError::new("valid_until", "invalid-date"));
                    None
                }
            },
            None => None,
        };
        let clean = |v: &Option<String>| {
            v.as_deref()
                .map(mamori_domain::input::normalize)
                .filter(|s| !s.is_empty())
        };
        let (department, person) = (clean(&m.department), clean(&m.person));
        if role == Some(Role::Auditor)
            && until.is_none()
            && m.valid_until.as_deref().is_none_or(|s| s.trim().is_empty())
        {
            errors.push(FieldError::new("valid_until", "auditor-needs-end-date"));
        }
        if role == Some(Role::DepartmentManager) && department.is_none() {
            errors.push(FieldError::new("department", "required"));
        }
        for (field, table, column, value) in [
            ("department", "departments", "code", &department),
            ("person", "people", "employee_no", &person),
        ] {
            if let Some(v) = value {
                let found = self
                    .pool
                    .fetch_optional(
                        &format!("SELECT id FROM {table} WHERE org_id = $1 AND {column} = $2"),
                        &[access.org_id().into(), v.clone().into()],
                    )
                    .await?;
                if found.is_none() {
                    errors.push(FieldError::with(field, "unknown-ref", v.clone()));
                }
            }
        }
        let existing = match self.user_by_email(&m.email).await {
            Ok(u) => Some(u),
            Err(StoreError::NotFound) => None,
            Err(StoreError::Invalid(e)) => {
                errors.extend(e);
                None
            }
            Err(e) => return Err(e),
        };
        if let Some(u) = &existing
            && check != Check::Change
            && self
                .memberships(u.id)
                .await?
                .iter()
                .any(|mb| mb.org_slug == access.org.slug)
        {
            errors.push(FieldError::with("email", "duplicate", u.email.clone()));
        }
        if existing.is_none() && check == Check::Add {
            if let Err(StoreError::Invalid(e)) = self.check_password(&m.password, &m.email) {
                errors.extend(e);
            }
            let name = mamori_domain::input::normalize(&m.display_name);
            if name.is_empty() {
                errors.push(FieldError::new("display_name", "required"));
            }
        }
        let Some(role) = role.filter(|_| errors.is_empty()) else {
            return Err(StoreError::Invalid(errors));
        };
        Ok(CheckedMember {
            role,
            department,
            person,
            until,
            existing,
        })
    }

    /// Stops (or restarts) a member's sign-in: administrators only, never their own.
    pub async fn set_member_disabled(
        &self,
        access: &Access,
        email: &str,
        disabled: bool,
    ) -> Result<(), StoreError> {
        if !access.may(Capability::ManageMembers) {
            return Err(StoreError::Forbidden);
        }
        let user = self.user_by_email(email).await?;
        if !self
            .memberships(user.id)
            .await?
            .iter()
            .any(|m| m.org_slug == access.org.slug)
        {
            return Err(StoreError::NotFound);
        }
        if Some(user.id) == access.actor.user_id {
            return Err(StoreError::Refused("own-account"));
        }
        self.set_disabled(&access.actor, user.id, disabled).await
    }
}

impl Store {
    /// The membership of `email` in the administrator's organisation: its id and user id, refused
    /// for one's own (an administrator does not change or remove themselves).
    async fn membership_of(&self, access: &Access, email: &str) -> Result<(i64, i64), StoreError> {
        if !access.may(Capability::ManageMembers) {
            return Err(StoreError::Forbidden);
        }
        let user = self.user_by_email(email).await?;
        if Some(user.id) == access.actor.user_id {
            return Err(StoreError::Refused("own-account"));
        }
        let row = self
            .pool
            .fetch_optional(
                "SELECT id FROM memberships WHERE user_id = $1 AND org_id = $2",
                &[user.id.into(), access.org_id().into()],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok((row.i64(0)?, user.id))
    }

    /// Changes a member's role, department, person and end date (administrators only), checked
    /// as a new member is, with an audit entry of before and after.
    pub async fn change_member(&self, access: &Access, m: &NewMember) -> Result<(), StoreError> {
        let (id, _) = self.membership_of(access, &m.email).await?;
        let checked = self.check_member(access, m, Check::Change).await?;
        let mut tx = self.pool.begin().await?;
        let before = membership_json(&mut tx, id).await?;
        let (department_id, person_id) = member_refs(
            &mut tx,
            access.org_id(),
            checked.department.as_deref(),
            checked.person.as_deref(),
        )
        .await?;
        tx.execute(
            "UPDATE memberships SET role = $1, department_id = $2, person_id = $3, valid_until = $4 WHERE id = $5",
            &[
                checked.role.code().into(),
                P::OptInt(department_id),
                P::OptInt(person_id),
                P::OptDate(checked.until),
                id.into(),
            ],
        )
        .await?;
        let after = membership_json(&mut tx, id).await?;
        audit::append(
            &mut tx,
            &access.actor,
            Entry::new(Some(access.org_id()), "membership", Some(id), "update")
                .before(&before)
                .after(&after),
        )
        .await?;
        tx.commit().await
    }

    /// Removes a member from the organisation (administrators only): the membership goes, with
    /// an audit entry of what it was, and the person's sessions end and API tokens are revoked, so
    /// nothing they hold keeps working. Their account stays for their other organisations.
    pub async fn remove_member(&self, access: &Access, email: &str) -> Result<(), StoreError> {
        let (id, user_id) = self.membership_of(access, email).await?;
        let mut tx = self.pool.begin().await?;
        let before = membership_json(&mut tx, id).await?;
        tx.execute("DELETE FROM memberships WHERE id = $1", &[id.into()])
            .await?;
        tx.execute("DELETE FROM sessions WHERE user_id = $1", &[user_id.into()])
            .await?;
        tx.execute(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
            &[OffsetDateTime::now_utc().into(), user_id.into()],
        )
        .await?;
        audit::append(
            &mut tx,
            &access.actor,
            Entry::new(Some(access.org_id()), "membership", Some(id), "delete").before(&before),
        )
        .await?;
        tx.commit().await
    }
}

/// The ids of a member's department (by code) and person (by employee number) in the
/// organisation, read in `tx`; refused as `unknown-ref` when either is not the organisation's.
pub(crate) async fn member_refs(
    tx: &mut crate::db::Tx,
    org_id: i64,
    department: Option<&str>,
    person: Option<&str>,
) -> Result<(Option<i64>, Option<i64>), StoreError> {
    let mut ids = [None, None];
    for (i, (field, table, column, value)) in [
        ("department", "departments", "code", department),
        ("person", "people", "employee_no", person),
    ]
    .into_iter()
    .enumerate()
    {
        if let Some(v) = value {
            ids[i] = Some(
                tx.fetch_optional(
                    &format!("SELECT id FROM {table} WHERE org_id = $1 AND {column} = $2"),
                    &[org_id.into(), v.into()],
                )
                .await?
                .ok_or_else(|| StoreError::invalid(field, "unknown-ref"))?
                .i64(0)?,
            );
        }
    }
    Ok((ids[0], ids[1]))
}

/// A membership as its audit entries show it; not found once removed (by another administrator a
/// moment before).
async fn membership_json(tx: &mut crate::db::Tx, id: i64) -> Result<serde_json::Value, StoreError> {
    let row = tx
        .fetch_optional(
            "SELECT user_id, role, department_id, person_id, valid_until FROM memberships WHERE id = $1",
            &[id.into()],
        )
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(serde_json::json!({
        "user_id": row.i64(0)?, "role": row.text(1)?, "department_id": row.get::<Option<i64>>(2)?,
        "person_id": row.get::<Option<i64>>(3)?,
        "valid_until": row.get::<Option<Date>>(4)?.map(mamori_domain::dates::iso),
    }))
}
