//! Invitations: an administrator adds a member by e-mail address with a role, department, person
//! and end date; Mamori makes a single-use link valid for seven days, and whoever opens it sets
//! their name and password (or, with an account already, confirms its password) and becomes the
//! member. Every invitation and acceptance is audited.

use mamori_domain::{FieldError, Role};
use serde::Serialize;
use time::{Date, Duration, OffsetDateTime};

use crate::Store;
use crate::audit::{self, Actor, Entry};
use crate::auth::{random_token, token_hash};
use crate::db::P;
use crate::error::StoreError;
use crate::org::{Access, NewMember};

/// How long an invitation link stays valid.
pub const VALID_DAYS: i64 = 7;

/// An invitation as its link shows it.
#[derive(Clone, Debug, Serialize)]
pub struct Invitation {
    pub id: i64,
    pub org_slug: String,
    pub org_name: String,
    pub email: String,
    pub role: Role,
    pub valid_until: Option<Date>,
    pub expires_at: OffsetDateTime,
    /// Whether the address already has an account (it then confirms its password).
    pub has_account: bool,
    /// What a new account starts with: the organisation's date style and language.
    pub date_style: mamori_domain::DateStyle,
    pub lang: mamori_domain::Lang,
}

/// An invitation waiting for its answer, as the members page lists it.
#[derive(Clone, Debug, Serialize)]
pub struct Pending {
    pub email: String,
    pub role: Role,
    pub expires_at: OffsetDateTime,
}

impl Store {
    /// Invites a member (administrators only), checked as `add_member` checks one; the link's
    /// token, shown once.
    pub async fn invite(&self, access: &Access, m: &NewMember) -> Result<String, StoreError> {
        let checked = self
            .check_member(access, m, crate::members::Check::Invite)
            .await?;
        let email = crate::auth::normalize_email(&m.email)?;
        let token = random_token();
        let now = OffsetDateTime::now_utc();
        let mut tx = self.pool.begin().await?;
        let (department_id, person_id) = crate::members::member_refs(
            &mut tx,
            access.org_id(),
            checked.department.as_deref(),
            checked.person.as_deref(),
        )
        .await?;
        let id = tx
            .fetch_one(
                "INSERT INTO invitations (org_id, email, role, department_id, person_id, valid_until, token_hash, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                &[
                    access.org_id().into(),
                    email.clone().into(),
                    checked.role.code().into(),
                    P::OptInt(department_id),
                    P::OptInt(person_id),
                    P::OptDate(checked.until),
                    token_hash(&token).into(),
                    now.into(),
                    (now + Duration::days(VALID_DAYS)).into(),
                ],
            )
            .await?
            .i64(0)?;
        let after = serde_json::json!({
            "email": email, "role": checked.role.code(), "department": checked.department,
            "person": checked.person, "valid_until": checked.until.map(mamori_domain::dates::iso),
        });
        audit::append(
            &mut tx,
            &access.actor,
            Entry::new(Some(access.org_id()), "invitation", Some(id), "create").after(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The invitations of the organisation still waiting for an answer (administrators only).
    pub async fn pending_invitations(&self, access: &Access) -> Result<Vec<Pending>, StoreError> {
        if !access.may(mamori_domain::Capability::ManageMembers) {
            return Err(StoreError::Forbidden);
        }
        let rows = self
            .pool
            .fetch_all(
                "SELECT email, role, expires_at FROM invitations \
                 WHERE org_id = $1 AND accepted_at IS NULL AND expires_at > $2 ORDER BY id",
                &[access.org_id().into(), OffsetDateTime::now_utc().into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Pending {
                    email: r.text(0)?,
                    role: Role::parse(&r.text(1)?)
                        .ok_or_else(|| StoreError::Data("unknown role".into()))?,
                    expires_at: r.get(2)?,
                })
            })
            .collect()
    }

    /// The invitation a link's token names: refused as `invitation-used` once accepted and
    /// `invitation-expired` after its seven days; not found for anything else.
    pub async fn invitation(&self, token: &str) -> Result<Invitation, StoreError> {
        let row = self
            .pool
            .fetch_optional(
                "SELECT i.id, o.slug, o.name, i.email, i.role, i.valid_until, i.expires_at, i.accepted_at, \
                        (SELECT COUNT(*) FROM users u WHERE u.email = i.email), o.profile \
                 FROM invitations i JOIN organizations o ON o.id = i.org_id WHERE i.token_hash = $1",
                &[token_hash(token).into()],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let accepted: Option<OffsetDateTime> = row.get(7)?;
        let expires_at: OffsetDateTime = row.get(6)?;
        let settings = mamori_domain::OrgSettings::of(&serde_json::from_str(&row.text(9)?)?);
        if accepted.is_some() {
            return Err(StoreError::Refused("invitation-used"));
        }
        if expires_at <= OffsetDateTime::now_utc() {
            return Err(StoreError::Refused("invitation-expired"));
        }
        Ok(Invitation {
            id: row.i64(0)?,
            org_slug: row.text(1)?,
            org_name: row.text(2)?,
            email: row.text(3)?,
            role: Role::parse(&row.text(4)?)
                .ok_or_else(|| StoreError::Data("unknown role".into()))?,
            valid_until: row.get(5)?,
            expires_at,
            has_account: row.i64(8)? > 0,
            date_style: settings.date_style,
            lang: settings.lang,
        })
    }

    /// Accepts an invitation, once: a new account with `name` and `password`, or the address's
    /// account when its `password` is right; then the membership. One transaction, so a link used
    /// twice at the same moment makes one member.
    pub async fn accept_invitation(
        &self,
        token: &str,
        name: &str,
        password: &str,
    ) -> Result<crate::User, StoreError> {
        let invitation = self.invitation(token).await?;
        let new_user = if invitation.has_account {
            // The account's own password, checked as a sign-in is (with its lockout).
            self.sign_in(&invitation.email, password).await?;
            None
        } else {
            let mut new = self.new_user(&invitation.email, name, password).await?;
            (new.lang, new.date_style) = (invitation.lang, invitation.date_style);
            Some(new)
        };
        let actor = Actor {
            user_id: None,
            label: format!("invitation:{}", invitation.email),
        };
        let mut tx = self.pool.begin().await?;
        let now = OffsetDateTime::now_utc();
        // Taken first, only while unused and unexpired: the second of two at once (writers take
        // turns) finds it taken and changes nothing.
        let taken = tx
            .execute(
                "UPDATE invitations SET accepted_at = $1 \
                 WHERE id = $2 AND accepted_at IS NULL AND expires_at > $1",
                &[now.into(), invitation.id.into()],
            )
            .await?;
        if taken == 0 {
            return Err(StoreError::Refused("invitation-used"));
        }
        let user_id = match &new_user {
            Some(new) => crate::auth::insert_user(&mut tx, &actor, new).await?,
            None => tx
                .fetch_one(
                    "SELECT id FROM users WHERE email = $1",
                    &[invitation.email.clone().into()],
                )
                .await?
                .i64(0)?,
        };
        tx.execute(
            "UPDATE invitations SET user_id = $1 WHERE id = $2",
            &[user_id.into(), invitation.id.into()],
        )
        .await?;
        let member = tx
            .fetch_optional(
                "SELECT 1 FROM memberships m JOIN invitations i ON i.org_id = m.org_id \
                 WHERE i.id = $1 AND m.user_id = $2",
                &[invitation.id.into(), user_id.into()],
            )
            .await?;
        if member.is_some() {
            return Err(StoreError::Invalid(vec![FieldError::with(
                "email",
                "duplicate",
                invitation.email.clone(),
            )]));
        }
        let id = tx
            .fetch_one(
                "INSERT INTO memberships (user_id, org_id, role, department_id, person_id, valid_until, created_at) \
                 SELECT $1, org_id, role, department_id, person_id, valid_until, $2 FROM invitations WHERE id = $3 RETURNING id",
                &[user_id.into(), now.into(), invitation.id.into()],
            )
            .await?
            .i64(0)?;
        let org_id = tx
            .fetch_one(
                "SELECT org_id FROM invitations WHERE id = $1",
                &[invitation.id.into()],
            )
            .await?
            .i64(0)?;
        let after = serde_json::json!({"user_id": user_id, "role": invitation.role.code(), "invitation": invitation.id});
        audit::append(
            &mut tx,
            &actor,
            Entry::new(Some(org_id), "membership", Some(id), "create").after(&after),
        )
        .await?;
        tx.commit().await?;
        self.user(user_id).await
    }
}
