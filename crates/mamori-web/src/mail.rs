//! Sending mail: the SMTP settings (`MAMORI_SMTP_URL`, `MAMORI_SMTP_PASSWORD`,
//! `MAMORI_MAIL_FROM`), reminders written in each member's language, and the sender that runs
//! inside `mamori serve`: each minute the instance holding the database lease queues the day's
//! reminders (each once, by its key) and sends what is queued.

use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use mamori_domain::Lang;
use mamori_store::mail::{NewMail, OutMail, Reminder};
use mamori_store::{Organization, Store, StoreError};
use time::Date;

use crate::i18n;

/// An SMTP sender.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// A sender from an address such as `smtp://user@host:587?tls=starttls` (`tls=starttls` or
    /// `required`: STARTTLS; `smtps://` or `tls=tls`: TLS from the start; none: plain, for a
    /// server on the same host), the password given apart (so it is never in a URL or a log),
    /// and the sender's address.
    pub fn new(url: &str, password: Option<&str>, from: &str) -> Result<Mailer, String> {
        let mut url = url.trim().to_string();
        if url.contains("tls=tls") {
            url = url
                .replacen("smtp://", "smtps://", 1)
                .replace("tls=tls", "");
        }
        let url = url.replace("tls=starttls", "tls=required");
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .map_err(|e| format!("MAMORI_SMTP_URL: {e}"))?;
        if let (Some(pass), Some(user)) = (password, user_of(&url)) {
            builder = builder.credentials(Credentials::new(user, pass.to_string()));
        }
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| format!("MAMORI_MAIL_FROM: {e}"))?;
        Ok(Mailer {
            transport: builder.build(),
            from,
        })
    }

    /// The sender the environment sets up, if `MAMORI_SMTP_URL` is set.
    pub fn from_env() -> Option<Result<Mailer, String>> {
        let url = std::env::var("MAMORI_SMTP_URL")
            .ok()
            .filter(|u| !u.trim().is_empty())?;
        let password = std::env::var("MAMORI_SMTP_PASSWORD").ok();
        let from = std::env::var("MAMORI_MAIL_FROM")
            .unwrap_or_else(|_| "Mamori <mamori@localhost>".to_string());
        Some(Mailer::new(&url, password.as_deref(), &from))
    }

    pub async fn send(&self, mail: &OutMail) -> Result<(), String> {
        let to = mail.to.parse::<Mailbox>().map_err(|e| e.to_string())?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| e.to_string())?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// The user name of an SMTP address (`smtp://user@host`), percent-decoded.
fn user_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let (auth, _) = rest.split_once('@')?;
    let user = auth.split(':').next()?;
    (!user.is_empty()).then(|| {
        percent_encoding::percent_decode_str(user)
            .decode_utf8_lossy()
            .into_owned()
    })
}

/// A reminder as a message in its reader's language, with the link to the task.
pub fn compose(r: &Reminder, org: &Organization, base: &str) -> NewMail {
    let lang = Lang::parse(&r.lang).unwrap_or(Lang::Ja);
    let kind = r.kind.code();
    let date = mamori_domain::dates::format_date(r.due_on, org.settings.date_style, lang);
    let link = format!(
        "{}/o/{}/tasks/{}",
        base.trim_end_matches('/'),
        org.slug,
        r.task_id
    );
    let args = [
        ("record", r.title.clone()),
        ("date", date),
        ("detail", link),
        ("related", r.name.clone()),
        ("period", org.name.clone()),
    ];
    NewMail {
        org_id: Some(org.id),
        user_id: Some(r.user_id),
        to: r.email.clone(),
        kind: format!("reminder-{kind}"),
        subject: i18n::t_args(lang, &format!("mail-reminder-subject-{kind}"), &args),
        body: i18n::t_args(lang, &format!("mail-reminder-body-{kind}"), &args),
        key: format!("reminder-{kind}:{}:{}:{}", r.task_id, r.user_id, r.due_on),
    }
}

/// Whether a mail server is set (`MAMORI_SMTP_URL`): what is queued is then sent.
pub fn configured() -> bool {
    std::env::var("MAMORI_SMTP_URL").is_ok_and(|u| !u.trim().is_empty())
}

/// An invitation to an organisation, in its language: the single-use link and how long it works.
pub fn invitation(org: &Organization, to: &str, link: &str, token: &str) -> NewMail {
    let lang = org.settings.lang;
    let args = [
        ("period", org.name.clone()),
        ("detail", link.to_string()),
        ("count", mamori_store::invitations::VALID_DAYS.to_string()),
    ];
    NewMail {
        org_id: Some(org.id),
        user_id: None,
        to: to.to_string(),
        kind: "invitation".into(),
        subject: i18n::t_args(lang, "mail-invitation-subject", &args),
        body: i18n::t_args(lang, "mail-invitation-body", &args),
        key: format!("invitation:{}", mamori_store::auth::token_hash(token)),
    }
}

/// A password reset link, in the account's language.
pub fn password_reset(user: &mamori_store::User, link: &str, token: &str) -> NewMail {
    let lang = Lang::parse(&user.lang).unwrap_or(Lang::Ja);
    let args = [
        ("related", user.display_name.clone()),
        ("detail", link.to_string()),
        ("count", mamori_store::resets::VALID_MINUTES.to_string()),
    ];
    NewMail {
        org_id: None,
        user_id: Some(user.id),
        to: user.email.clone(),
        kind: "password-reset".into(),
        subject: i18n::t_args(lang, "mail-reset-subject", &args),
        body: i18n::t_args(lang, "mail-reset-body", &args),
        key: format!("password-reset:{}", mamori_store::auth::token_hash(token)),
    }
}

/// A reader's reminders of the day as one message (the daily digest they chose): each task with
/// what it is (due soon, today, late, late in their department) and its link.
pub fn compose_digest(rs: &[&Reminder], org: &Organization, base: &str, as_of: Date) -> NewMail {
    let first = rs[0];
    let lang = Lang::parse(&first.lang).unwrap_or(Lang::Ja);
    let base = base.trim_end_matches('/');
    let lines: Vec<String> = rs
        .iter()
        .map(|r| {
            let date = mamori_domain::dates::format_date(r.due_on, org.settings.date_style, lang);
            i18n::t_args(
                lang,
                &format!("mail-digest-line-{}", r.kind.code()),
                &[
                    ("record", r.title.clone()),
                    ("date", date),
                    (
                        "detail",
                        format!("{base}/o/{}/tasks/{}", org.slug, r.task_id),
                    ),
                ],
            )
        })
        .collect();
    let args = [
        ("count", rs.len().to_string()),
        ("related", first.name.clone()),
        ("period", org.name.clone()),
        ("records", lines.join("\n")),
        ("detail", format!("{base}/o/{}/todo", org.slug)),
    ];
    NewMail {
        org_id: Some(org.id),
        user_id: Some(first.user_id),
        to: first.email.clone(),
        kind: "reminder-digest".into(),
        subject: i18n::t_args(lang, "mail-digest-subject", &args),
        body: i18n::t_args(lang, "mail-digest-body", &args),
        key: format!("reminder-digest:{}:{}:{as_of}", org.id, first.user_id),
    }
}

/// Queues the reminders due on `as_of` in every organisation; returns them and how many were
/// queued now (none the second time).
pub async fn queue_reminders(
    store: &Store,
    as_of: Date,
    base: &str,
) -> Result<(Vec<(Organization, Reminder)>, usize), StoreError> {
    let mut all = Vec::new();
    let mut queued = 0;
    for (org, _) in store.organizations().await? {
        let due = store.reminders_due(&org, as_of).await?;
        let mut mails: Vec<NewMail> = due
            .iter()
            .filter(|r| !r.digest)
            .map(|r| compose(r, &org, base))
            .collect();
        // Who chose the daily digest: one message with all of theirs.
        let mut digests: std::collections::BTreeMap<i64, Vec<&Reminder>> = Default::default();
        for r in due.iter().filter(|r| r.digest) {
            digests.entry(r.user_id).or_default().push(r);
        }
        mails.extend(
            digests
                .values()
                .map(|rs| compose_digest(rs, &org, base, as_of)),
        );
        queued += store.queue_mail(&mails).await?;
        all.extend(due.into_iter().map(|r| (org.clone(), r)));
    }
    Ok((all, queued))
}

/// Sends what is queued, a batch at a time, until nothing is: how many were sent and failed.
pub async fn send_queued(store: &Store, mailer: &Mailer) -> Result<(usize, usize), StoreError> {
    let (mut sent, mut failed) = (0, 0);
    loop {
        let batch = store.claim_mail(50).await?;
        if batch.is_empty() {
            return Ok((sent, failed));
        }
        for mail in &batch {
            let result = mailer.send(mail).await;
            if result.is_ok() {
                sent += 1;
            } else {
                failed += 1;
            }
            if let Err(e) = &result {
                tracing::warn!("mail {} to {}: {e}", mail.id, mail.to);
            }
            store.mail_result(mail, result).await?;
        }
    }
}

/// The sender inside `mamori serve`: every `every`, the instance that holds the lease `mailer`
/// queues today's reminders (Japan's date) and sends what is queued. Several instances on one
/// PostgreSQL send each message once.
pub fn spawn_sender(
    store: Store,
    mailer: Mailer,
    base: String,
    every: std::time::Duration,
) -> tokio::task::JoinHandle<()> {
    let holder = mamori_store::auth::random_token();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            let ttl = time::Duration::try_from(every * 3).unwrap_or(time::Duration::minutes(3));
            match store.take_lease("mailer", &holder, ttl).await {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => {
                    tracing::warn!("mail lease: {e}");
                    continue;
                }
            }
            let today = mamori_domain::dates::today();
            if let Err(e) = queue_reminders(&store, today, &base).await {
                tracing::warn!("reminders: {e}");
            }
            if let Err(e) = send_queued(&store, &mailer).await {
                tracing::warn!("mail: {e}");
            }
        }
    })
}
