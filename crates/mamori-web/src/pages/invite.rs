//! An invitation's link (`/invite/{token}`): who invites whom to which organisation in which role;
//! the invited person sets their name and password (or confirms their account's password), is
//! signed in and lands in the organisation. A link used or past its seven days is refused with a
//! page that says so (410).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use mamori_domain::{FieldError, Lang};
use mamori_store::StoreError;
use mamori_store::invitations::Invitation;
use minijinja::context;

use super::{get, pairs};
use crate::AppState;
use crate::error::{AppError, link_gone};
use crate::i18n;
use crate::session::{pre_csrf_ok, pre_sign_in_page, remembering_lang, request_lang};

/// The invitation, or the answer that ends it: gone once used or expired.
async fn invitation(state: &AppState, token: &str) -> Result<Invitation, AppError> {
    state.store.invitation(token).await.map_err(link_gone)
}

fn page(
    state: &AppState,
    lang: Lang,
    token: &str,
    invitation: &Invitation,
    name: &str,
    errors: &[String],
    status: StatusCode,
) -> Result<Response, AppError> {
    let role = i18n::t(lang, &format!("role-{}", invitation.role.code()));
    pre_sign_in_page(
        state,
        "invite.html",
        context! {
            lang, other_lang => lang.other(), token, name, errors,
            lead => i18n::t_args(lang, "invite-lead", &[("org", invitation.org_name.clone()), ("role", role)]),
            email => invitation.email.clone(), has_account => invitation.has_account,
        },
        status,
    )
}

pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Result<Response, AppError> {
    // The language switch stays on the page (and is remembered, as on the sign-in page).
    let params = pairs(raw.unwrap_or_default().as_bytes())?;
    let asked = get(&params, "lang").map(|l| i18n::pick(Some(l)));
    let lang = asked.unwrap_or_else(|| request_lang(&headers));
    let invitation = invitation(&state, &token).await?;
    let res = page(&state, lang, &token, &invitation, "", &[], StatusCode::OK)?;
    Ok(remembering_lang(&state, res, asked))
}

pub async fn accept(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = pairs(&body)?;
    let lang = request_lang(&headers);
    let invitation = invitation(&state, &token).await?;
    if !pre_csrf_ok(&headers, &form) {
        return Err(AppError::Refused(StatusCode::FORBIDDEN, "csrf"));
    }
    let name = get(&form, "display_name").unwrap_or("");
    let password = get(&form, "password").unwrap_or("");
    let refuse = |errors: Vec<String>| {
        page(
            &state,
            lang,
            &token,
            &invitation,
            name,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    if !invitation.has_account && password != get(&form, "password_confirm").unwrap_or("") {
        let e = FieldError::new("password_confirm", "password-mismatch");
        return refuse(vec![i18n::field_error(lang, None, &e)]);
    }
    let user = match state.store.accept_invitation(&token, name, password).await {
        Ok(u) => u,
        Err(StoreError::Invalid(errors)) => {
            return refuse(
                errors
                    .iter()
                    .map(|e| i18n::field_error(lang, None, e))
                    .collect(),
            );
        }
        Err(StoreError::Auth(code)) => {
            return refuse(vec![i18n::t(lang, &format!("error-{code}"))]);
        }
        Err(e) => return Err(link_gone(e)),
    };
    crate::pages::account::signed_in(
        &state,
        user.id,
        &user.lang,
        &format!("/o/{}", invitation.org_slug),
    )
    .await
}
