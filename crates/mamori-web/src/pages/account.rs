//! Signing in and out, the forced password change, language and date preferences, API tokens.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use mamori_domain::Lang;
use minijinja::context;

use mamori_domain::DateStyle;
use mamori_store::StoreError;

use super::{get, pairs, parse_id};
use crate::AppState;
use crate::error::AppError;
use crate::i18n;
use crate::render;
use crate::session::{
    LANG_COOKIE, LANG_COOKIE_SECS, PRE_CSRF_COOKIE, SESSION_COOKIE, Viewer, cookie, pre_csrf_ok,
    pre_sign_in_page, remembering_lang, request_lang, set_cookie, with_cookie,
};

/// Only same-site paths are followed after sign-in.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

async fn login_page(
    state: &AppState,
    lang: Lang,
    next: &str,
    email: &str,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    // A new installation: sign-in cannot succeed until set-up has founded an organisation.
    let no_organisation = state.store.organization_count().await? == 0;
    pre_sign_in_page(
        state,
        "login.html",
        context! {
            lang, other_lang => lang.other(), next, email, error, no_organisation,
            can_reset => crate::mail::configured(),
        },
        status,
    )
}

pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let params = pairs(raw.unwrap_or_default().as_bytes())?;
    let asked = get(&params, "lang").map(|l| i18n::pick(Some(l)));
    let lang = asked.unwrap_or_else(|| request_lang(&headers));
    let res = login_page(
        &state,
        lang,
        &safe_next(get(&params, "next")),
        "",
        None,
        StatusCode::OK,
    )
    .await?;
    Ok(remembering_lang(&state, res, asked))
}

pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = pairs(&body)?;
    let lang = request_lang(&headers);
    let next = safe_next(get(&form, "next"));
    let email = get(&form, "email").unwrap_or("");
    if !pre_csrf_ok(&headers, &form) {
        return login_page(
            &state,
            lang,
            &next,
            email,
            Some(i18n::t(lang, "error-csrf")),
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    match state
        .store
        .sign_in(email, get(&form, "password").unwrap_or(""))
        .await
    {
        Ok(user) => {
            let target = if state.store.password_expired(&user) {
                "/account/password".to_string()
            } else {
                next
            };
            signed_in(&state, user.id, &user.lang, &target).await
        }
        Err(StoreError::Auth(code)) => {
            login_page(
                &state,
                lang,
                &next,
                email,
                Some(i18n::t(lang, &format!("error-{code}"))),
                StatusCode::UNAUTHORIZED,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// Signs a user in (sign-in, set-up, an accepted invitation): a new session, the language they
/// chose remembered, the pre-sign-in CSRF token spent; then on to `target`.
pub(crate) async fn signed_in(
    state: &AppState,
    user_id: i64,
    lang: &str,
    target: &str,
) -> Result<Response, AppError> {
    let (token, _) = state.store.create_session(user_id).await?;
    let res = Redirect::to(target).into_response();
    let res = with_cookie(
        state,
        res,
        SESSION_COOKIE,
        &token,
        state.store.policy.session_hours * 3600,
    );
    let res = with_cookie(state, res, LANG_COOKIE, lang, LANG_COOKIE_SECS);
    Ok(with_cookie(state, res, PRE_CSRF_COOKIE, "", 0))
}

pub async fn logout(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    viewer.form(&body)?;
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.store.end_session(&token).await?;
    }
    Ok((
        [(
            header::SET_COOKIE,
            set_cookie(&state, SESSION_COOKIE, "", 0),
        )],
        Redirect::to("/login"),
    )
        .into_response())
}

/// The front door: the first organisation of a signed-in user, else sign-in.
pub async fn home(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    let memberships = state.store.memberships(viewer.user.id).await?;
    Ok(match memberships.first() {
        Some(m) => Redirect::to(&format!("/o/{}", m.org_slug)).into_response(),
        None => Redirect::to("/account").into_response(),
    })
}

async fn account_page(
    state: &AppState,
    viewer: &Viewer,
    new_token: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    account_page_with(state, viewer, new_token, None, error, status).await
}

/// The account page, with a calendar address just made shown once.
async fn account_page_with(
    state: &AppState,
    viewer: &Viewer,
    new_token: Option<String>,
    calendar_url: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = i18n::pick(Some(&viewer.user.lang));
    let day = |t: time::OffsetDateTime| {
        mamori_domain::dates::format_date(
            t.to_offset(mamori_domain::dates::JST).date(),
            viewer.user.date_style,
            lang,
        )
    };
    let now = time::OffsetDateTime::now_utc();
    let tokens: Vec<_> = state
        .store
        .api_tokens(viewer.user.id)
        .await?
        .into_iter()
        .map(|t| {
            let state = if t.revoked_at.is_some() {
                "revoked"
            } else if t.active(now) {
                "active"
            } else {
                "expired"
            };
            context! {
                id => t.id, name => t.name, created => day(t.created_at), expires => day(t.expires_at),
                last_used => t.last_used_at.map(day), state,
            }
        })
        .collect();
    let memberships: Vec<_> = state
        .store
        .memberships(viewer.user.id)
        .await?
        .into_iter()
        .map(|m| context! { slug => m.org_slug, name => m.org_name, role => i18n::t(lang, &format!("role-{}", m.role.code())) })
        .collect();
    let styles: Vec<_> = [DateStyle::Western, DateStyle::Era, DateStyle::EraShort]
        .iter()
        .map(|s| context! { value => s.code(), label => mamori_domain::dates::format_date(time::macros::date!(2017 - 11 - 25), *s, lang), selected => *s == viewer.user.date_style })
        .collect();
    render::bare(
        "account.html",
        context! {
            lang, other_lang => lang.other(),
            user => context! { name => viewer.user.display_name.clone(), email => viewer.user.email.clone() },
            csrf => viewer.csrf.clone(), tokens, memberships, styles, new_token, error, calendar_url,
            digest => viewer.user.reminder_digest,
            installation_admin => viewer.user.installation_admin,
        },
        status,
    )
}

pub async fn account(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    account_page(&state, &viewer, None, None, StatusCode::OK).await
}

/// Saves language and date style; the language switch in the header posts here too.
pub async fn preferences(
    State(state): State<AppState>,
    viewer: Viewer,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = viewer.form(&body)?;
    let lang = get(&form, "lang");
    let style = match get(&form, "date_style") {
        Some(s) => Some(DateStyle::parse(s).ok_or_else(|| {
            AppError::Invalid(vec![mamori_domain::FieldError::new(
                "date_style",
                "invalid-choice",
            )])
        })?),
        None => None,
    };
    let digest = match get(&form, "digest") {
        None => None,
        Some("daily") => Some(true),
        Some("each") => Some(false),
        Some(_) => {
            return Err(AppError::Invalid(vec![mamori_domain::FieldError::new(
                "digest",
                "invalid-choice",
            )]));
        }
    };
    state
        .store
        .set_preferences(viewer.user.id, lang, style, digest)
        .await?;
    let back = safe_next(get(&form, "back").or(Some("/account")));
    let mut res = Redirect::to(&back).into_response();
    if let Some(l) = lang
        && let Ok(v) = set_cookie(
            &state,
            LANG_COOKIE,
            i18n::pick(Some(l)).code(),
            60 * 60 * 24 * 365,
        )
        .parse()
    {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

fn password_page(
    viewer: &Viewer,
    expired: bool,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = i18n::pick(Some(&viewer.user.lang));
    render::bare(
        "password.html",
        context! { lang, other_lang => lang.other(), csrf => viewer.csrf.clone(), expired, error },
        status,
    )
}

pub async fn password_form(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, AppError> {
    password_page(
        &viewer,
        state.store.password_expired(&viewer.user),
        None,
        StatusCode::OK,
    )
}

pub async fn change_password(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = viewer.form(&body)?;
    let lang = i18n::pick(Some(&viewer.user.lang));
    let new = get(&form, "password").unwrap_or("");
    if Some(new) != get(&form, "password_confirm") {
        let e = mamori_domain::FieldError::new("password_confirm", "password-mismatch");
        return password_page(
            &viewer,
            state.store.password_expired(&viewer.user),
            Some(i18n::field_error(lang, None, &e)),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    match state
        .store
        .change_password(
            viewer.user.id,
            get(&form, "current_password").unwrap_or(""),
            new,
            cookie(&headers, SESSION_COOKIE).as_deref(),
        )
        .await
    {
        Ok(()) => Ok(Redirect::to("/").into_response()),
        Err(StoreError::Invalid(errors)) => {
            let msg = errors
                .iter()
                .map(|e| i18n::field_error(lang, None, e))
                .collect::<Vec<_>>()
                .join(" ");
            password_page(
                &viewer,
                state.store.password_expired(&viewer.user),
                Some(msg),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn create_token(
    State(state): State<AppState>,
    viewer: Viewer,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = viewer.form(&body)?;
    let lang = i18n::pick(Some(&viewer.user.lang));
    let name = token_name(lang, get(&form, "name").unwrap_or(""));
    match state.store.create_api_token(&viewer.user, &name).await {
        Ok(made) => account_page(&state, &viewer, Some(made.token), None, StatusCode::OK).await,
        Err(StoreError::Auth(code)) => {
            let msg = i18n::t(lang, &format!("error-{code}"));
            account_page(&state, &viewer, None, Some(msg), StatusCode::FORBIDDEN).await
        }
        Err(StoreError::Invalid(errors)) => {
            let msg = errors.first().map(|e| i18n::field_error(lang, None, e));
            account_page(&state, &viewer, None, msg, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The name a new token gets: the one given, or "API token" and the time it was made.
pub fn token_name(lang: Lang, given: &str) -> String {
    if !mamori_domain::input::normalize(given).is_empty() {
        return given.to_string();
    }
    let now = time::OffsetDateTime::now_utc().to_offset(mamori_domain::dates::JST);
    let when = format!(
        "{} {:02}:{:02}",
        mamori_domain::dates::iso(now.date()),
        now.hour(),
        now.minute()
    );
    i18n::t_args(lang, "token-default-name", &[("date", when)])
}

/// Revokes one of the viewer's own tokens (audited); someone else's is not found.
pub async fn revoke_token(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    viewer.form(&body)?;
    state
        .store
        .revoke_api_token(&viewer.user, parse_id(&id)?)
        .await?;
    Ok(Redirect::to("/account").into_response())
}

/// Makes the viewer's private calendar address (the old one stops working) and shows it once.
pub async fn create_calendar(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    viewer.form(&body)?;
    let url = crate::api::calendar::new_address(&state, &headers, viewer.user.id).await?;
    account_page_with(&state, &viewer, None, Some(url), None, StatusCode::OK).await
}

/// Revokes the viewer's calendar address.
pub async fn revoke_calendar(
    State(state): State<AppState>,
    viewer: Viewer,
    body: Bytes,
) -> Result<Response, AppError> {
    viewer.form(&body)?;
    state.store.revoke_calendar_token(viewer.user.id).await?;
    Ok(Redirect::to("/account?calendar=revoked#calendar").into_response())
}
