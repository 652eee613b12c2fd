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
        let url = std::env::var("MAMORI_SMTP_URL").ok()?;
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
        let mails: Vec<NewMail> = due.iter().map(|r| compose(r, &org, base)).collect();
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
