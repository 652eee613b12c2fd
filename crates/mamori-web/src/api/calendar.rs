//! A member's private calendar feed (iCalendar, RFC 5545) for Outlook and Google: their tasks and
//! the meetings, audits and drills they may read, at an address with a secret that
//! `POST /api/v1/me/calendar-token` makes (a new one revokes the old) and `DELETE` revokes.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use serde_json::json;
use time::Duration;

use crate::AppState;
use crate::error::AppError;
use crate::session::Viewer;

/// Makes a member's calendar address, revoking the one before (for the API and the account page).
pub async fn new_address(
    state: &AppState,
    headers: &HeaderMap,
    user_id: i64,
) -> Result<String, AppError> {
    let token = state.store.calendar_token(user_id).await?;
    let base = crate::pages::assets::public_base(state, headers);
    Ok(format!(
        "{}/calendar/{token}.ics",
        base.trim_end_matches('/')
    ))
}

/// Makes the caller's calendar address (revoking the one before): `{"url"}`.
pub async fn create_token(
    State(state): State<AppState>,
    headers: HeaderMap,
    viewer: Viewer,
) -> Result<Response, AppError> {
    let url = new_address(&state, &headers, viewer.user.id).await?;
    Ok((StatusCode::CREATED, Json(json!({ "url": url }))).into_response())
}

/// Revokes the caller's calendar address.
pub async fn revoke_token(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, AppError> {
    state.store.revoke_calendar_token(viewer.user.id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The feed: 90 days back and a year ahead, every organisation the user is a member of.
pub async fn feed(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    if token.is_empty() || token.len() > 128 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let user = state
        .store
        .calendar_user(token)
        .await?
        .ok_or(AppError::NotFound)?;
    let lang = mamori_domain::Lang::parse(&user.lang).unwrap_or(mamori_domain::Lang::Ja);
    let today = mamori_domain::dates::today();
    let base = crate::pages::assets::public_base(&state, &headers);
    let base = base.trim_end_matches('/');
    let host = base.split("://").nth(1).unwrap_or("mamori").to_string();
    let stamp = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_default();
    let mut out = String::new();
    let mut line = |s: &str| fold(&mut out, s);
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//Mamori//ISMS//JA");
    line("CALSCALE:GREGORIAN");
    line(&format!(
        "X-WR-CALNAME:{}",
        escape(&crate::i18n::t(lang, "calendar-name"))
    ));
    for m in state.store.memberships(user.id).await? {
        let Ok(access) = state.store.access(&user, Some(&m.org_slug)).await else {
            continue;
        };
        let entries = state
            .store
            .calendar(
                &access,
                today - Duration::days(90),
                today + Duration::days(366),
            )
            .await?;
        for e in entries {
            let kind = e.place.split('/').next().unwrap_or("");
            let prefix = crate::i18n::t(lang, &format!("calendar-{kind}"));
            let done = if e.done {
                crate::i18n::t(lang, "calendar-done")
            } else {
                String::new()
            };
            let day = e.on;
            let next = day + Duration::days(1);
            let ymd =
                |d: time::Date| format!("{:04}{:02}{:02}", d.year(), d.month() as u8, d.day());
            line("BEGIN:VEVENT");
            line(&format!(
                "UID:{}-{}@{host}",
                e.org,
                e.place.replace('/', "-")
            ));
            line(&format!("DTSTAMP:{stamp}"));
            line(&format!("DTSTART;VALUE=DATE:{}", ymd(day)));
            line(&format!("DTEND;VALUE=DATE:{}", ymd(next)));
            line(&format!(
                "SUMMARY:{}",
                escape(&format!("{prefix}{}{done}", e.summary))
            ));
            line(&format!("URL:{base}/o/{}/{}", e.org, e.place));
            line(&format!("CATEGORIES:{}", escape(&prefix)));
            line("END:VEVENT");
        }
    }
    line("END:VCALENDAR");
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        out,
    )
        .into_response())
}

/// A text value escaped (RFC 5545 3.3.11).
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
        .replace('\r', "")
}

/// Appends a content line, folded at 75 octets without splitting a character, ended by CRLF.
fn fold(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_lines_fold_between_characters() {
        let mut out = String::new();
        super::fold(&mut out, &format!("SUMMARY:{}", "あ".repeat(40)));
        for l in out.split("\r\n") {
            assert!(l.len() <= 75, "{l}");
        }
        assert_eq!(
            out.replace("\r\n ", ""),
            format!("SUMMARY:{}\r\n", "あ".repeat(40))
        );
    }
}
