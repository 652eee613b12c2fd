//! Password resets by e-mail: whoever forgot their password asks for a link with their address;
//! Mamori makes a single-use token valid for an hour (kept only as its hash) and the sender mails
//! the link. Opening it sets a new password under the same rules as any other, ends every session
//! of the account and unlocks it. Asking says the same whether or not the address is known, and
//! an address is sent at most one link every few minutes. Every request and reset is audited.

use time::{Duration, OffsetDateTime};

use crate::Store;
use crate::audit::{self, Actor, Entry};
use crate::auth::{User, normalize_email, random_token, token_hash};
use crate::db::P;
use crate::error::StoreError;

/// How long a reset link works.
pub const VALID_MINUTES: i64 = 60;

/// An address is sent a new link at most this often.
pub const EVERY_MINUTES: i64 = 5;

impl Store {
    /// A reset link's token for the account of `email`, or `None` when there is no such enabled
    /// account or it was sent one in the last few minutes (the caller says the same either way).
    pub async fn request_password_reset(
        &self,
        email: &str,
    ) -> Result<Option<(User, String)>, StoreError> {
        let Ok(email) = normalize_email(email) else {
            return Ok(None);
        };
        let user = match self.user_by_email(&email).await {
            Ok(u) if !u.disabled => u,
            Ok(_) | Err(StoreError::NotFound) => return Ok(None),
            Err(e) => return Err(e),
        };
        let now = OffsetDateTime::now_utc();
        let mut tx = self.pool.begin().await?;
        let recent = tx
            .fetch_optional(
                "SELECT 1 FROM password_resets WHERE user_id = $1 AND created_at > $2",
                &[
                    P::Int(user.id),
                    P::Ts(now - Duration::minutes(EVERY_MINUTES)),
                ],
            )
            .await?
            .is_some();
        if recent {
            return Ok(None);
        }
        let token = random_token();
        tx.execute(
            "INSERT INTO password_resets (user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            &[
                P::Int(user.id),
                token_hash(&token).into(),
                P::Ts(now),
                P::Ts(now + Duration::minutes(VALID_MINUTES)),
            ],
        )
        .await?;
        audit::append(
            &mut tx,
            &Actor {
                user_id: None,
                label: "web:password-reset".into(),
            },
            Entry::new(None, "user", Some(user.id), "password-reset-requested"),
        )
        .await?;
        tx.commit().await?;
        Ok(Some((user, token)))
    }

    /// The account a reset link is for, while it works; `Refused("reset-expired")` once used, past
    /// its hour, or the account disabled.
    pub async fn password_reset_user(&self, token: &str) -> Result<User, StoreError> {
        let row = self
            .pool
            .fetch_optional(
                "SELECT user_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
                &[token_hash(token).into(), P::Ts(OffsetDateTime::now_utc())],
            )
            .await?
            .ok_or(StoreError::Refused("reset-expired"))?;
        // An account disabled since the link was sent is not opened by it.
        let user = self.user(row.i64(0)?).await?;
        if user.disabled {
            return Err(StoreError::Refused("reset-expired"));
        }
        Ok(user)
    }

    /// Sets the account's new password through its reset link: the password is checked first (a
    /// refused one leaves the link working), then the link is used once, every session ends and
    /// the account is unlocked, in one transaction.
    pub async fn reset_password(&self, token: &str, password: &str) -> Result<User, StoreError> {
        let user = self.password_reset_user(token).await?;
        self.check_password(password, &user.email)?;
        let hash = Self::hash_password(password).await?;
        let now = OffsetDateTime::now_utc();
        let mut tx = self.pool.begin().await?;
        // Two tabs submitting the same link: one sets the password.
        let claimed = tx
            .execute(
                "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
                &[P::Ts(now), token_hash(token).into()],
            )
            .await?;
        if claimed != 1 {
            return Err(StoreError::Refused("reset-expired"));
        }
        tx.execute(
            "UPDATE users SET password_hash = $1, password_changed_at = $2, failed_logins = 0, locked_until = NULL WHERE id = $3",
            &[hash.into(), P::Ts(now), P::Int(user.id)],
        )
        .await?;
        tx.execute(
            "DELETE FROM sessions WHERE user_id = $1",
            &[P::Int(user.id)],
        )
        .await?;
        audit::append(
            &mut tx,
            &Actor {
                user_id: Some(user.id),
                label: user.email.clone(),
            },
            Entry::new(None, "user", Some(user.id), "password-reset"),
        )
        .await?;
        tx.commit().await?;
        self.user(user.id).await
    }
}
