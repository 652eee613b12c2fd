//! Users, passwords (argon2id, policy, lockout), sessions stored in the database, and API tokens.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

use crate::Store;
use crate::audit::{self, Actor, Entry};
use crate::db::P;
use crate::error::StoreError;
use mamori_domain::{DateStyle, FieldError};

const COMMON_PASSWORDS: &str = include_str!("../assets/common-passwords.txt");

/// A well-formed hash no password matches: checked against when there is no account, so that
/// refusing an unknown address takes as long as refusing a wrong password.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$ZmFrZWhhc2hmYWtlaGFzaGZha2VoYXNoZmFrZWhhc2g";

/// Sign-in and password rules, from settings.
#[derive(Clone, Debug)]
pub struct Policy {
    pub lockout_threshold: i64,
    pub lockout_minutes: i64,
    pub password_min_length: usize,
    /// A password older than this must be changed before anything else; 0 turns it off.
    pub password_max_age_days: i64,
    pub session_hours: i64,
    /// How long an API token stays valid after it is made.
    pub token_days: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            lockout_threshold: 5,
            lockout_minutes: 15,
            password_min_length: 10,
            password_max_age_days: 180,
            session_hours: 12,
            token_days: 90,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub lang: String,
    pub date_style: DateStyle,
    pub password_changed_at: OffsetDateTime,
    pub disabled: bool,
    /// Founds further organisations from the web (the founder of the installation's first).
    pub installation_admin: bool,
    /// Reminders come as one message a day listing every task due soon or late, not one each.
    pub reminder_digest: bool,
}

pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

const USER_COLUMNS: &str = "id, email, display_name, lang, date_style, password_changed_at, disabled, installation_admin, reminder_digest";

/// How many columns `USER_COLUMNS` names: what a query selects after them starts there.
fn user_columns() -> usize {
    USER_COLUMNS.split(", ").count()
}

fn user_from(r: &crate::db::Row) -> Result<User, StoreError> {
    Ok(User {
        id: r.i64(0)?,
        email: r.text(1)?,
        display_name: r.text(2)?,
        lang: r.text(3)?,
        date_style: DateStyle::parse(&r.text(4)?).unwrap_or_default(),
        password_changed_at: r.get(5)?,
        disabled: r.get(6)?,
        installation_admin: r.get(7)?,
        reminder_digest: r.get(8)?,
    })
}

pub fn normalize_email(raw: &str) -> Result<String, StoreError> {
    let field = mamori_domain::Field {
        name: "email",
        kind: mamori_domain::FieldKind::Email,
        required: true,
        unique: true,
        list: true,
        filter: false,
    };
    match field.parse(raw).map_err(|e| StoreError::Invalid(vec![e]))? {
        mamori_domain::Value::Text(s) => Ok(s),
        _ => Err(StoreError::invalid("email", "required")),
    }
}

impl Store {
    /// Checks a new password against the policy: length, the bundled common-password list, and not the email.
    pub fn check_password(&self, password: &str, email: &str) -> Result<(), StoreError> {
        let n = password.chars().count();
        if n < self.policy.password_min_length {
            return Err(StoreError::Invalid(vec![FieldError::with(
                "password",
                "password-too-short",
                self.policy.password_min_length.to_string(),
            )]));
        }
        if n > 200 {
            return Err(StoreError::Invalid(vec![FieldError::with(
                "password", "too-long", "200",
            )]));
        }
        let lower = password.to_lowercase();
        if COMMON_PASSWORDS.lines().any(|l| l == lower) || lower == email.to_lowercase() {
            return Err(StoreError::invalid("password", "password-common"));
        }
        Ok(())
    }

    pub(crate) async fn hash_password(password: &str) -> Result<String, StoreError> {
        let password = password.to_string();
        tokio::task::spawn_blocking(move || {
            let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| StoreError::Data(e.to_string()))
        })
        .await
        .map_err(|e| StoreError::Data(e.to_string()))?
    }

    async fn password_matches(hash: String, password: &str) -> bool {
        let password = password.to_string();
        tokio::task::spawn_blocking(move || {
            PasswordHash::new(&hash)
                .map(|h| {
                    Argon2::default()
                        .verify_password(password.as_bytes(), &h)
                        .is_ok()
                })
                .unwrap_or(false)
        })
        .await
        .unwrap_or(false)
    }

    pub async fn create_user(
        &self,
        actor: &Actor,
        email: &str,
        display_name: &str,
        password: &str,
    ) -> Result<User, StoreError> {
        let new = self.new_user(email, display_name, password).await?;
        let mut tx = self.pool.begin().await?;
        let id = insert_user(&mut tx, actor, &new).await?;
        tx.commit().await?;
        self.user(id).await
    }

    /// A new account's e-mail address and name as kept, and its password's hash, once all three
    /// are checked (the password against the policy).
    pub(crate) async fn new_user(
        &self,
        email: &str,
        display_name: &str,
        password: &str,
    ) -> Result<NewUser, StoreError> {
        let email = normalize_email(email)?;
        let display_name = mamori_domain::input::normalize(display_name);
        if display_name.is_empty() {
            return Err(StoreError::invalid("display_name", "required"));
        }
        if display_name.chars().count() > 100 {
            return Err(StoreError::Invalid(vec![FieldError::with(
                "display_name",
                "too-long",
                "100",
            )]));
        }
        self.check_password(password, &email)?;
        let hash = Self::hash_password(password).await?;
        Ok(NewUser {
            email,
            display_name,
            hash,
            lang: mamori_domain::Lang::Ja,
            date_style: mamori_domain::DateStyle::Western,
        })
    }

    pub async fn user(&self, id: i64) -> Result<User, StoreError> {
        let row = self
            .pool
            .fetch_one(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"),
                &[id.into()],
            )
            .await?;
        user_from(&row)
    }

    pub async fn user_by_email(&self, email: &str) -> Result<User, StoreError> {
        let email = normalize_email(email)?;
        let row = self
            .pool
            .fetch_one(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1"),
                &[email.into()],
            )
            .await?;
        user_from(&row)
    }

    /// Checks a password, counting failures and locking the account after too many. Every refusal is
    /// the same `bad-credentials`, whether the address is unknown, the password wrong, or the account
    /// locked or disabled, and every path spends one password check, so neither the reply nor its time
    /// tells which addresses exist. A locked account refuses even the right password until the lock
    /// ends (see docs/architecture.md, "Sign-in and tokens").
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<User, StoreError> {
        const REFUSED: StoreError = StoreError::Auth("bad-credentials");
        let Ok(email) = normalize_email(email) else {
            let _ = Self::password_matches(DUMMY_HASH.into(), password).await;
            return Err(REFUSED);
        };
        let row = self
            .pool
            .fetch_optional("SELECT id, password_hash, failed_logins, locked_until, disabled FROM users WHERE email = $1", &[email.clone().into()])
            .await?;
        let Some(row) = row else {
            let _ = Self::password_matches(DUMMY_HASH.into(), password).await;
            return Err(REFUSED);
        };
        let id = row.i64(0)?;
        let hash = row.text(1)?;
        let failed = row.i64(2)?;
        let locked_until: Option<OffsetDateTime> = row.get(3)?;
        let disabled: bool = row.get(4)?;
        let now = OffsetDateTime::now_utc();
        let matches = Self::password_matches(hash, password).await;
        if disabled || locked_until.is_some_and(|t| t > now) {
            return Err(REFUSED);
        }
        let actor = Actor {
            user_id: Some(id),
            label: email.clone(),
        };
        if matches {
            let mut tx = self.pool.begin().await?;
            tx.execute(
                "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1",
                &[id.into()],
            )
            .await?;
            audit::append(
                &mut tx,
                &actor,
                Entry::new(None, "user", Some(id), "sign-in"),
            )
            .await?;
            tx.commit().await?;
            self.user(id).await
        } else {
            let failed = failed + 1;
            let lock = failed >= self.policy.lockout_threshold;
            let mut tx = self.pool.begin().await?;
            tx.execute(
                "UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3",
                &[
                    P::Int(if lock { 0 } else { failed }),
                    P::OptTs(lock.then(|| now + Duration::minutes(self.policy.lockout_minutes))),
                    id.into(),
                ],
            )
            .await?;
            let action = if lock { "locked" } else { "sign-in-failed" };
            audit::append(&mut tx, &actor, Entry::new(None, "user", Some(id), action)).await?;
            tx.commit().await?;
            Err(REFUSED)
        }
    }

    pub fn password_expired(&self, user: &User) -> bool {
        self.policy.password_max_age_days > 0
            && user.password_changed_at + Duration::days(self.policy.password_max_age_days)
                < OffsetDateTime::now_utc()
    }

    /// Sets a new password (the user's own change, or an administrator's reset from the CLI).
    pub async fn set_password(
        &self,
        actor: &Actor,
        user_id: i64,
        password: &str,
    ) -> Result<(), StoreError> {
        let user = self.user(user_id).await?;
        self.check_password(password, &user.email)?;
        let hash = Self::hash_password(password).await?;
        let mut tx = self.pool.begin().await?;
        tx.execute(
            "UPDATE users SET password_hash = $1, password_changed_at = $2, failed_logins = 0, locked_until = NULL WHERE id = $3",
            &[hash.into(), OffsetDateTime::now_utc().into(), user_id.into()],
        )
        .await?;
        audit::append(
            &mut tx,
            actor,
            Entry::new(None, "user", Some(user_id), "set-password"),
        )
        .await?;
        tx.commit().await
    }

    /// Changes one's own password: the current one must be given and the new one must differ.
    /// Changes one's own password. Every other session of the user ends: whoever knew the old
    /// password is signed out. `keep_session` is the cookie token of the session making the change.
    pub async fn change_password(
        &self,
        user_id: i64,
        current: &str,
        new: &str,
        keep_session: Option<&str>,
    ) -> Result<(), StoreError> {
        let row = self
            .pool
            .fetch_one(
                "SELECT password_hash, email FROM users WHERE id = $1",
                &[user_id.into()],
            )
            .await?;
        if !Self::password_matches(row.text(0)?, current).await {
            return Err(StoreError::invalid("current_password", "password-wrong"));
        }
        if current == new {
            return Err(StoreError::invalid("password", "password-unchanged"));
        }
        self.set_password(
            &Actor {
                user_id: Some(user_id),
                label: row.text(1)?,
            },
            user_id,
            new,
        )
        .await?;
        let keep = keep_session.map(token_hash).unwrap_or_default();
        self.pool
            .execute(
                "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2",
                &[user_id.into(), keep.into()],
            )
            .await?;
        Ok(())
    }

    pub async fn set_disabled(
        &self,
        actor: &Actor,
        user_id: i64,
        disabled: bool,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let n = tx
            .execute(
                "UPDATE users SET disabled = $1 WHERE id = $2",
                &[P::Bool(disabled), user_id.into()],
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        if disabled {
            tx.execute("DELETE FROM sessions WHERE user_id = $1", &[user_id.into()])
                .await?;
            tx.execute(
                "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
                &[OffsetDateTime::now_utc().into(), user_id.into()],
            )
            .await?;
        }
        let action = if disabled { "disable" } else { "enable" };
        audit::append(
            &mut tx,
            actor,
            Entry::new(None, "user", Some(user_id), action),
        )
        .await?;
        tx.commit().await
    }

    pub async fn set_preferences(
        &self,
        user_id: i64,
        lang: Option<&str>,
        date_style: Option<DateStyle>,
        digest: Option<bool>,
    ) -> Result<(), StoreError> {
        let user = self.user(user_id).await?;
        let lang = match lang {
            Some(l) => mamori_domain::Lang::parse(l)
                .ok_or_else(|| StoreError::invalid("lang", "invalid-choice"))?
                .code()
                .to_string(),
            None => user.lang.clone(),
        };
        let style = date_style.unwrap_or(user.date_style);
        let digest = digest.unwrap_or(user.reminder_digest);
        let mut tx = self.pool.begin().await?;
        tx.execute(
            "UPDATE users SET lang = $1, date_style = $2, reminder_digest = $3 WHERE id = $4",
            &[
                lang.clone().into(),
                style.code().into(),
                P::Bool(digest),
                user_id.into(),
            ],
        )
        .await?;
        let before = serde_json::json!({"lang": user.lang, "date_style": user.date_style.code(),
            "reminder_digest": user.reminder_digest});
        let after = serde_json::json!({"lang": lang, "date_style": style.code(), "reminder_digest": digest});
        audit::append(
            &mut tx,
            &Actor {
                user_id: Some(user_id),
                label: user.email,
            },
            Entry::new(None, "user", Some(user_id), "preferences")
                .before(&before)
                .after(&after),
        )
        .await?;
        tx.commit().await
    }

    /// Starts a session; returns the cookie token (only its hash is stored) and the CSRF token.
    pub async fn create_session(&self, user_id: i64) -> Result<(String, String), StoreError> {
        let token = random_token();
        let csrf = random_token();
        let now = OffsetDateTime::now_utc();
        let mut tx = self.pool.begin().await?;
        tx.execute("DELETE FROM sessions WHERE expires_at < $1", &[now.into()])
            .await?;
        tx.execute(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            &[token_hash(&token).into(), user_id.into(), csrf.clone().into(), now.into(), (now + Duration::hours(self.policy.session_hours)).into()],
        )
        .await?;
        tx.commit().await?;
        Ok((token, csrf))
    }

    /// The user and CSRF token of a live session.
    pub async fn session(&self, token: &str) -> Result<Option<(User, String)>, StoreError> {
        let row = self
            .pool
            .fetch_optional(
                &format!("SELECT {}, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT u.disabled",
                    USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ")),
                &[token_hash(token).into(), OffsetDateTime::now_utc().into()],
            )
            .await?;
        match row {
            Some(r) => Ok(Some((user_from(&r)?, r.text(user_columns())?))),
            None => Ok(None),
        }
    }

    pub async fn end_session(&self, token: &str) -> Result<(), StoreError> {
        self.pool
            .execute(
                "DELETE FROM sessions WHERE token_hash = $1",
                &[token_hash(token).into()],
            )
            .await?;
        Ok(())
    }

    /// Makes a personal API token, valid for the policy's `token_days`; the plain token is returned
    /// once and only its hash is kept. A password past its maximum age must be changed first.
    pub async fn create_api_token(&self, user: &User, name: &str) -> Result<NewToken, StoreError> {
        if self.password_expired(user) {
            return Err(StoreError::Auth("password-expired"));
        }
        let raw = name;
        let name = mamori_domain::input::normalize(name);
        if name.is_empty() {
            return Err(StoreError::invalid("name", "required"));
        }
        if mamori_domain::input::too_long(raw, &name, 100) {
            return Err(StoreError::Invalid(vec![FieldError::with(
                "name", "too-long", "100",
            )]));
        }
        let token = format!("mamori_{}", random_token());
        let now = OffsetDateTime::now_utc();
        let expires_at = now + Duration::days(self.policy.token_days);
        let mut tx = self.pool.begin().await?;
        let id = tx
            .fetch_one(
                "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                &[user.id.into(), name.clone().into(), token_hash(&token).into(), now.into(), expires_at.into()],
            )
            .await?
            .i64(0)?;
        let after = serde_json::json!({"name": name, "expires_at": expires_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()});
        audit::append(
            &mut tx,
            &Actor {
                user_id: Some(user.id),
                label: user.email.clone(),
            },
            Entry::new(None, "api_token", Some(id), "create").after(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(NewToken {
            id,
            token,
            name,
            expires_at,
        })
    }

    /// When a token stops working: its own expiry, or for a token made before tokens had one, its
    /// creation plus the policy's `token_days`.
    fn token_expiry(
        &self,
        created_at: OffsetDateTime,
        expires_at: Option<OffsetDateTime>,
    ) -> OffsetDateTime {
        expires_at.unwrap_or(created_at + Duration::days(self.policy.token_days))
    }

    /// A user's tokens, newest first.
    pub async fn api_tokens(&self, user_id: i64) -> Result<Vec<ApiToken>, StoreError> {
        let rows = self
            .pool
            .fetch_all("SELECT id, name, created_at, last_used_at, revoked_at, expires_at FROM api_tokens WHERE user_id = $1 ORDER BY id DESC", &[user_id.into()])
            .await?;
        rows.iter()
            .map(|r| {
                let created_at = r.get(2)?;
                Ok(ApiToken {
                    id: r.i64(0)?,
                    name: r.text(1)?,
                    created_at,
                    last_used_at: r.get(3)?,
                    revoked_at: r.get(4)?,
                    expires_at: self.token_expiry(created_at, r.get(5)?),
                })
            })
            .collect()
    }

    pub async fn revoke_api_token(&self, user: &User, token_id: i64) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let n = tx
            .execute(
                "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
                &[OffsetDateTime::now_utc().into(), token_id.into(), user.id.into()],
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        audit::append(
            &mut tx,
            &Actor {
                user_id: Some(user.id),
                label: user.email.clone(),
            },
            Entry::new(None, "api_token", Some(token_id), "revoke"),
        )
        .await?;
        tx.commit().await
    }

    /// The user behind a bearer token (a personal token or one from `POST /api/v1/auth/token`):
    /// `None` for a token that does not exist or was revoked; a refusal naming why for an expired
    /// token and for an account that is disabled, locked or whose password is past its maximum age.
    pub async fn token_user(&self, token: &str) -> Result<Option<User>, StoreError> {
        let cols = USER_COLUMNS
            .split(", ")
            .map(|c| format!("u.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let row = self
            .pool
            .fetch_optional(
                &format!("SELECT {cols}, t.id, t.created_at, t.expires_at, t.last_used_at, u.locked_until FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL"),
                &[token_hash(token).into()],
            )
            .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        let user = user_from(&r)?;
        let n = user_columns();
        let id = r.i64(n)?;
        let last_used_at: Option<OffsetDateTime> = r.get(n + 3)?;
        let locked_until: Option<OffsetDateTime> = r.get(n + 4)?;
        let now = OffsetDateTime::now_utc();
        if self.token_expiry(r.get(n + 1)?, r.get(n + 2)?) <= now {
            return Err(StoreError::Auth("token-expired"));
        }
        if user.disabled {
            return Err(StoreError::Auth("account-disabled"));
        }
        if locked_until.is_some_and(|t| t > now) {
            return Err(StoreError::Auth("account-locked"));
        }
        if self.password_expired(&user) {
            return Err(StoreError::Auth("password-expired"));
        }
        // To the hour: a write per request would queue every API read behind SQLite's write lock.
        if last_used_at.is_none_or(|t| t + Duration::hours(1) < now)
            && let Err(e) = self
                .pool
                .execute(
                    "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2",
                    &[now.into(), id.into()],
                )
                .await
        {
            tracing::warn!(error = %e, "token use not recorded");
        }
        Ok(Some(user))
    }
}

/// A token just made: `token` is the secret, shown this once.
#[derive(Clone, Debug)]
pub struct NewToken {
    pub id: i64,
    pub token: String,
    pub name: String,
    pub expires_at: OffsetDateTime,
}

#[derive(Clone, Debug, Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
    pub expires_at: OffsetDateTime,
}

impl ApiToken {
    /// Whether the token still works at `now` (the account's state aside).
    pub fn active(&self, now: OffsetDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

/// A checked new account (`Store::new_user`).
pub(crate) struct NewUser {
    pub email: String,
    pub display_name: String,
    pub hash: String,
    pub lang: mamori_domain::Lang,
    pub date_style: mamori_domain::DateStyle,
}

/// Adds an account in a transaction, with its audit entry; refused when the address is taken.
pub(crate) async fn insert_user(
    tx: &mut crate::db::Tx,
    actor: &Actor,
    new: &NewUser,
) -> Result<i64, StoreError> {
    if tx
        .fetch_optional(
            "SELECT id FROM users WHERE email = $1",
            &[new.email.clone().into()],
        )
        .await?
        .is_some()
    {
        return Err(StoreError::invalid("email", "duplicate"));
    }
    let now = OffsetDateTime::now_utc();
    let id = tx
        .fetch_one(
            "INSERT INTO users (email, display_name, password_hash, password_changed_at, failed_logins, disabled, lang, date_style, created_at) \
             VALUES ($1, $2, $3, $4, 0, $5, $6, $7, $4) RETURNING id",
            &[
                new.email.clone().into(),
                new.display_name.clone().into(),
                new.hash.clone().into(),
                now.into(),
                P::Bool(false),
                new.lang.code().into(),
                new.date_style.code().into(),
            ],
        )
        .await?
        .i64(0)?;
    let after = serde_json::json!({"email": new.email, "display_name": new.display_name});
    audit::append(
        tx,
        actor,
        Entry::new(None, "user", Some(id), "create").after(&after),
    )
    .await?;
    Ok(id)
}
