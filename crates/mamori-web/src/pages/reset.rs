//! A forgotten password (`/password-reset`): the person gives their address and, when Mamori
//! sends mail, receives a single-use link valid for an hour; the page says the same whether the
//! address is known or not. The link's page sets a new password under the usual rules and signs
//! the person in; a link used or past its hour is refused with a page that says so (410).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use mamori_domain::{FieldError, Lang};
use mamori_store::StoreError;
use minijinja::context;

use super::{get, pairs};
use crate::AppState;
use crate::error::{AppError, link_gone};
use crate::i18n;
use crate::session::{pre_csrf_ok, pre_sign_in_page, request_lang};

fn request_page(
    state: &AppState,
    lang: Lang,
    sent: bool,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    pre_sign_in_page(
        state,
        "reset_request.html",
        context! {
            lang, other_lang => lang.other(), sent, error,
            configured => crate::mail::configured(),
        },
        status,
    )
}

pub async fn request_form(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    request_page(&state, request_lang(&headers), false, None, StatusCode::OK)
}

/// Queues the link for the address, if it is an account's and none was sent in the last minutes.
pub async fn request(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = pairs(&body)?;
    let lang = request_lang(&headers);
    if !pre_csrf_ok(&headers, &form) {
        let error = Some(i18n::t(lang, "error-csrf"));
        return request_page(&state, lang, false, error, StatusCode::FORBIDDEN);
    }
    let email = get(&form, "email").unwrap_or("").trim();
    if email.is_empty() {
        let e = i18n::field_error(lang, None, &FieldError::new("email", "required"));
        return request_page(
            &state,
            lang,
            false,
            Some(e),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    if crate::mail::configured()
        && let Some((user, token)) = state.store.request_password_reset(email).await?
    {
        let link = format!(
            "{}/password-reset/{token}",
            crate::pages::assets::public_base(&state, &headers)
        );
        let mail = crate::mail::password_reset(&user, &link, &token);
        state.store.queue_mail(&[mail]).await?;
    }
    request_page(&state, lang, true, None, StatusCode::OK)
}

/// The account a link is for, or the answer that ends it: gone once used or past its hour.
async fn account(state: &AppState, token: &str) -> Result<mamori_store::User, AppError> {
    state
        .store
        .password_reset_user(token)
        .await
        .map_err(link_gone)
}

fn reset_page(
    state: &AppState,
    lang: Lang,
    token: &str,
    email: &str,
    errors: &[String],
    status: StatusCode,
) -> Result<Response, AppError> {
    pre_sign_in_page(
        state,
        "reset.html",
        context! { lang, other_lang => lang.other(), token, email, errors },
        status,
    )
}

pub async fn reset_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let user = account(&state, &token).await?;
    let lang = i18n::pick(Some(&user.lang));
    reset_page(&state, lang, &token, &user.email, &[], StatusCode::OK)
}

pub async fn reset(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = pairs(&body)?;
    let user = account(&state, &token).await?;
    let lang = i18n::pick(Some(&user.lang));
    if !pre_csrf_ok(&headers, &form) {
        return Err(AppError::Refused(StatusCode::FORBIDDEN, "csrf"));
    }
    let password = get(&form, "password").unwrap_or("");
    let refuse = |errors: Vec<String>| {
        reset_page(
            &state,
            lang,
            &token,
            &user.email,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    if password != get(&form, "password_confirm").unwrap_or("") {
        let e = FieldError::new("password_confirm", "password-mismatch");
        return refuse(vec![i18n::field_error(lang, None, &e)]);
    }
    let user = match state.store.reset_password(&token, password).await {
        Ok(u) => u,
        Err(StoreError::Invalid(errors)) => {
            return refuse(
                errors
                    .iter()
                    .map(|e| i18n::field_error(lang, None, e))
                    .collect(),
            );
        }
        Err(e) => return Err(link_gone(e)),
    };
    crate::pages::account::signed_in(&state, user.id, &user.lang, "/").await
}
