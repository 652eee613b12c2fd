//! Mail: which reminders fall due on a day (before a task's due date, on it, weekly while it is
//! late, and its department's manager told once it is late long enough), the outbox every message
//! goes through (each once, by its key, however many instances queue it), and the lease that
//! decides the one instance that sends.

use serde::Serialize;
use time::{Date, Duration, OffsetDateTime};

use crate::Store;
use crate::db::P;
use crate::error::StoreError;
use crate::org::{Access, Organization};

/// Why a member is written to about a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// The task falls due in the organisation's reminder days.
    Soon,
    /// It falls due today.
    Today,
    /// It is late (told again each week).
    Late,
    /// It is late by the escalation days: its department's manager is told.
    Escalation,
}

impl ReminderKind {
    pub fn code(self) -> &'static str {
        match self {
            ReminderKind::Soon => "soon",
            ReminderKind::Today => "today",
            ReminderKind::Late => "late",
            ReminderKind::Escalation => "escalation",
        }
    }
}

/// A reminder to send: about which task, to whom, in which language.
#[derive(Clone, Debug, Serialize)]
pub struct Reminder {
    pub kind: ReminderKind,
    pub task_id: i64,
    pub task_code: String,
    pub title: String,
    pub due_on: Date,
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub lang: String,
    /// The reader takes one message a day listing their reminders (see `standing_kind`).
    pub digest: bool,
}

/// What a task due on `due` is as of `as_of` for a reader of the daily digest, who is told of it
/// every day from `before_days` before it falls due and while it is late.
pub fn standing_kind(due: Date, as_of: Date) -> ReminderKind {
    match (as_of - due).whole_days() {
        d if d < 0 => ReminderKind::Soon,
        0 => ReminderKind::Today,
        _ => ReminderKind::Late,
    }
}

/// The reminder kind of a task due on `due` as of `as_of`, if one falls due that day.
pub fn reminder_kind(due: Date, as_of: Date, before_days: i64) -> Option<ReminderKind> {
    let late = (as_of - due).whole_days();
    match late {
        0 => Some(ReminderKind::Today),
        d if d == -before_days => Some(ReminderKind::Soon),
        d if d > 0 && d % 7 == 0 && d <= 366 => Some(ReminderKind::Late),
        _ => None,
    }
}

/// A member who may be written to: their role, department, person and address.
struct Reader {
    role: String,
    department: Option<i64>,
    person: Option<i64>,
    user_id: i64,
    email: String,
    name: String,
    lang: String,
    digest: bool,
}

/// A message for the outbox.
#[derive(Clone, Debug)]
pub struct NewMail {
    pub org_id: Option<i64>,
    pub user_id: Option<i64>,
    pub to: String,
    pub kind: String,
    pub subject: String,
    pub body: String,
    /// Queued once: a second message with the same key (another instance, a second run) is not.
    pub key: String,
}

/// A message claimed for sending.
#[derive(Clone, Debug)]
pub struct OutMail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}

/// A line of the outbox page.
#[derive(Clone, Debug, Serialize)]
pub struct OutboxLine {
    pub id: i64,
    pub to: String,
    pub kind: String,
    pub subject: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
}

/// A message is tried this many times before it is marked failed.
pub const MAX_ATTEMPTS: i64 = 5;

impl Store {
    /// The reminders that fall due on `as_of` in the organisation: for each open task, its owner
    /// (the person's members, or the members of its role, a department manager of its
    /// department), and, once late by the escalation days, the managers of its department.
    pub async fn reminders_due(
        &self,
        org: &Organization,
        as_of: Date,
    ) -> Result<Vec<Reminder>, StoreError> {
        let cycles = org.settings.cycles;
        let readers: Vec<Reader> = self
            .pool
            .fetch_all(
                "SELECT m.role, m.department_id, m.person_id, u.id, u.email, u.display_name, u.lang, u.reminder_digest \
                 FROM memberships m JOIN users u ON u.id = m.user_id \
                 WHERE m.org_id = $1 AND u.disabled = $2 AND (m.valid_until IS NULL OR m.valid_until >= $3) \
                 ORDER BY u.id",
                &[P::Int(org.id), P::Bool(false), P::Date(as_of)],
            )
            .await?
            .iter()
            .map(|r| {
                Ok(Reader {
                    role: r.text(0)?,
                    department: r.get(1)?,
                    person: r.get(2)?,
                    user_id: r.i64(3)?,
                    email: r.text(4)?,
                    name: r.text(5)?,
                    lang: r.text(6)?,
                    digest: r.get(7)?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let tasks = self
            .pool
            .fetch_all(
                "SELECT t.id, t.code, t.title, t.due_on, t.owner_id, t.owner_role, \
                   COALESCE(t.department_id, p.department_id) \
                 FROM tasks t LEFT JOIN people p ON p.id = t.owner_id \
                 WHERE t.org_id = $1 AND t.withdrawn_at IS NULL AND t.task_status = 'open' \
                   AND t.due_on >= $2 AND t.due_on <= $3 ORDER BY t.due_on, t.id",
                &[
                    P::Int(org.id),
                    P::Date(as_of - Duration::days(366)),
                    P::Date(as_of + Duration::days(cycles.reminder_days)),
                ],
            )
            .await?;
        let mut out = Vec::new();
        for r in tasks {
            let (id, code, title, due): (i64, String, String, Date) =
                (r.i64(0)?, r.text(1)?, r.text(2)?, r.get(3)?);
            let owner: Option<i64> = r.get(4)?;
            let role: Option<String> = r.get(5)?;
            let department: Option<i64> = r.get(6)?;
            let mut add = |kind: ReminderKind, to: &Reader| {
                out.push(Reminder {
                    kind,
                    task_id: id,
                    task_code: code.clone(),
                    title: title.clone(),
                    due_on: due,
                    user_id: to.user_id,
                    email: to.email.clone(),
                    name: to.name.clone(),
                    lang: to.lang.clone(),
                    digest: to.digest,
                });
            };
            for to in readers.iter().filter(|m| match (owner, role.as_deref()) {
                (Some(p), _) => m.person == Some(p),
                (None, Some("department_manager")) => {
                    m.role == "department_manager" && m.department == department
                }
                (None, Some(role)) => m.role == role,
                (None, None) => false,
            }) {
                let kind = if to.digest {
                    Some(standing_kind(due, as_of))
                } else {
                    reminder_kind(due, as_of, cycles.reminder_days)
                };
                if let Some(kind) = kind {
                    add(kind, to);
                }
            }
            // A person's task late by the escalation days: their department's manager is told.
            if owner.is_some() && (as_of - due).whole_days() == cycles.escalation_days {
                for to in readers.iter().filter(|m| {
                    m.role == "department_manager"
                        && department.is_some()
                        && m.department == department
                }) {
                    add(ReminderKind::Escalation, to);
                }
            }
        }
        Ok(out)
    }

    /// Queues messages; one whose key is queued already is not queued again. How many were.
    pub async fn queue_mail(&self, mails: &[NewMail]) -> Result<usize, StoreError> {
        let now = OffsetDateTime::now_utc();
        let mut queued = 0;
        for m in mails {
            queued += self
                .pool
                .execute(
                    "INSERT INTO mail_outbox (org_id, user_id, to_addr, kind, subject, body, dedupe_key, status, \
                       attempts, created_at, next_attempt_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', 0, $8, $8) ON CONFLICT (dedupe_key) DO NOTHING",
                    &[
                        P::OptInt(m.org_id),
                        P::OptInt(m.user_id),
                        m.to.clone().into(),
                        m.kind.clone().into(),
                        m.subject.clone().into(),
                        m.body.clone().into(),
                        m.key.clone().into(),
                        P::Ts(now),
                    ],
                )
                .await? as usize;
        }
        Ok(queued)
    }

    /// Takes (or keeps) the lease `name` for `holder` for `ttl`: whether `holder` holds it now.
    /// Another holder's lease is taken only once it has run out, so of several instances one
    /// does the leased work at a time.
    pub async fn take_lease(
        &self,
        name: &str,
        holder: &str,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let now = OffsetDateTime::now_utc();
        self.pool
            .execute(
                "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
                 WHERE leases.holder = excluded.holder OR leases.expires_at < $4",
                &[name.into(), holder.into(), P::Ts(now + ttl), P::Ts(now)],
            )
            .await?;
        let row = self
            .pool
            .fetch_optional("SELECT holder FROM leases WHERE name = $1", &[name.into()])
            .await?;
        Ok(row.map(|r| r.text(0)).transpose()?.as_deref() == Some(holder))
    }

    /// Gives the lease `name` up, if `holder` holds it.
    pub async fn release_lease(&self, name: &str, holder: &str) -> Result<(), StoreError> {
        self.pool
            .execute(
                "DELETE FROM leases WHERE name = $1 AND holder = $2",
                &[name.into(), holder.into()],
            )
            .await?;
        Ok(())
    }

    /// Claims up to `limit` messages due to be sent: queued ones, and ones claimed by a sender
    /// that stopped before saying how it went (ten minutes on).
    pub async fn claim_mail(&self, limit: i64) -> Result<Vec<OutMail>, StoreError> {
        let now = OffsetDateTime::now_utc();
        self.pool
            .fetch_all(
                "UPDATE mail_outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = $2 \
                 WHERE status IN ('queued', 'sending') AND next_attempt_at <= $1 AND id IN \
                   (SELECT id FROM mail_outbox WHERE status IN ('queued', 'sending') AND next_attempt_at <= $1 \
                    ORDER BY id LIMIT $3) \
                 RETURNING id, to_addr, subject, body, attempts",
                &[
                    P::Ts(now),
                    P::Ts(now + Duration::minutes(10)),
                    P::Int(limit),
                ],
            )
            .await?
            .iter()
            .map(|r| {
                Ok(OutMail {
                    id: r.i64(0)?,
                    to: r.text(1)?,
                    subject: r.text(2)?,
                    body: r.text(3)?,
                    attempts: r.i64(4)?,
                })
            })
            .collect()
    }

    /// Records how sending went: sent; or queued again a little later (5, 10, 20 … minutes), and
    /// failed after `MAX_ATTEMPTS`.
    pub async fn mail_result(
        &self,
        mail: &OutMail,
        result: Result<(), String>,
    ) -> Result<(), StoreError> {
        let now = OffsetDateTime::now_utc();
        match result {
            Ok(()) => {
                self.pool
                    .execute(
                        "UPDATE mail_outbox SET status = 'sent', sent_at = $1, last_error = NULL WHERE id = $2",
                        &[P::Ts(now), P::Int(mail.id)],
                    )
                    .await?
            }
            Err(e) => {
                let status = if mail.attempts >= MAX_ATTEMPTS {
                    "failed"
                } else {
                    "queued"
                };
                let wait = Duration::minutes(5 * (1 << mail.attempts.clamp(0, 6)));
                self.pool
                    .execute(
                        "UPDATE mail_outbox SET status = $1, last_error = $2, next_attempt_at = $3 WHERE id = $4",
                        &[
                            status.into(),
                            e.chars().take(500).collect::<String>().into(),
                            P::Ts(now + wait),
                            P::Int(mail.id),
                        ],
                    )
                    .await?
            }
        };
        Ok(())
    }

    /// The organisation's messages, newest first: for those who read the audit trail.
    pub async fn outbox(
        &self,
        access: &Access,
        status: Option<&str>,
        limit: i64,
    ) -> Result<Vec<OutboxLine>, StoreError> {
        if !access.may(mamori_domain::Capability::ReadAuditTrail) {
            return Err(StoreError::Forbidden);
        }
        let mut params = vec![P::Int(access.org_id())];
        let filter = match status {
            Some(s) => {
                params.push(s.into());
                " AND status = $2"
            }
            None => "",
        };
        self.pool
            .fetch_all(
                &format!(
                    "SELECT id, to_addr, kind, subject, status, attempts, last_error, created_at, sent_at \
                     FROM mail_outbox WHERE org_id = $1{filter} ORDER BY id DESC LIMIT {limit}"
                ),
                &params,
            )
            .await?
            .iter()
            .map(|r| {
                Ok(OutboxLine {
                    id: r.i64(0)?,
                    to: r.text(1)?,
                    kind: r.text(2)?,
                    subject: r.text(3)?,
                    status: r.text(4)?,
                    attempts: r.i64(5)?,
                    last_error: r.get(6)?,
                    created_at: r.get(7)?,
                    sent_at: r.get(8)?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn reminders_fall_before_on_and_weekly_after_the_due_date() {
        let due = date!(2026 - 12 - 31);
        let kind = |d| reminder_kind(due, d, 7);
        assert_eq!(kind(date!(2026 - 12 - 24)), Some(ReminderKind::Soon));
        assert_eq!(kind(date!(2026 - 12 - 25)), None);
        assert_eq!(kind(due), Some(ReminderKind::Today));
        assert_eq!(kind(date!(2027 - 01 - 01)), None);
        assert_eq!(kind(date!(2027 - 01 - 07)), Some(ReminderKind::Late));
        assert_eq!(kind(date!(2027 - 01 - 14)), Some(ReminderKind::Late));
        assert_eq!(kind(date!(2027 - 01 - 15)), None);
    }
}
