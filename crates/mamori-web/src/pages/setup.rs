//! First run: while the installation has no organisation, `mamori serve` prints a one-time set-up
//! address (`/setup?token=…`). Its page founds the organisation and its first account, the
//! founder, who is its ISMS secretariat and administers it, then signs the founder in. Without the
//! printed token it answers 403, and once an organisation exists 409, so nobody else on the
//! network can claim the installation.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use mamori_domain::{DateStyle, FieldError, Lang};
use mamori_store::{Actor, Founder, NewOrganization, StoreError};
use minijinja::context;

use super::{get, month_options, pairs};
use crate::AppState;
use crate::error::AppError;
use crate::i18n;
use crate::render;
use crate::session::{pre_csrf_ok, pre_sign_in_page, remembering_lang, request_lang};

/// The form's fields, in order, as the page shows them.
const FIELDS: &[&str] = &[
    "org_name",
    "slug",
    "legal_name",
    "address",
    "fiscal_year_start_month",
    "date_style",
    "lang",
    "display_name",
    "email",
    "password",
    "password_confirm",
];

/// Where set-up stands for this token: go on, or the answer that ends it.
async fn check(state: &AppState, token: &str) -> Result<(), AppError> {
    match state.store.check_setup_token(token).await {
        Ok(()) => Ok(()),
        Err(StoreError::Forbidden) => Err(AppError::Refused(StatusCode::FORBIDDEN, "setup-token")),
        Err(e) => Err(e.into()),
    }
}

fn page(
    state: &AppState,
    lang: Lang,
    token: &str,
    values: &[(String, String)],
    errors: &[FieldError],
    status: StatusCode,
) -> Result<Response, AppError> {
    let value = |name: &str| get(values, name).unwrap_or("").to_string();
    let months = month_options(lang, value("fiscal_year_start_month").parse().unwrap_or(4));
    let styles: Vec<_> = [DateStyle::Western, DateStyle::Era]
        .iter()
        .map(|s| {
            let example = mamori_domain::dates::format_date(time::macros::date!(2026 - 04 - 01), *s, Lang::Ja);
            context! { value => s.code(), label => i18n::t_args(lang, &format!("setup-date-style-{}", s.code()), &[("example", example)]), selected => value("date_style") == s.code() }
        })
        .collect();
    let langs: Vec<_> = Lang::ALL
        .iter()
        .map(|l| context! { value => l.code(), label => i18n::t(lang, &format!("language-{}", l.code())), selected => value("lang").is_empty() && *l == lang || value("lang") == l.code() })
        .collect();
    let messages: Vec<String> = errors
        .iter()
        .map(|e| i18n::field_error(lang, None, e))
        .collect();
    let invalid: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    let fields: Vec<_> = FIELDS
        .iter()
        .map(|f| context! { name => *f, value => if f.starts_with("password") { String::new() } else { value(f) }, invalid => invalid.contains(f) })
        .collect();
    pre_sign_in_page(
        state,
        "setup.html",
        context! {
            lang, other_lang => lang.other(), token, fields, months, styles, langs, messages,
            starter => value("starter") == "on" || values.is_empty(),
        },
        status,
    )
}

pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let params = pairs(raw.unwrap_or_default().as_bytes())?;
    let asked = get(&params, "lang").map(|l| i18n::pick(Some(l)));
    let lang = asked.unwrap_or_else(|| request_lang(&headers));
    let token = get(&params, "token").unwrap_or("");
    check(&state, token).await?;
    let res = page(&state, lang, token, &[], &[], StatusCode::OK)?;
    Ok(remembering_lang(&state, res, asked))
}

pub async fn found(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = pairs(&body)?;
    let lang = request_lang(&headers);
    let token = get(&form, "token").unwrap_or("");
    check(&state, token).await?;
    if !pre_csrf_ok(&headers, &form) {
        return Err(AppError::Refused(StatusCode::FORBIDDEN, "csrf"));
    }
    let value = |name: &str| get(&form, name).unwrap_or("").trim().to_string();
    let mut errors = Vec::new();
    let month = value("fiscal_year_start_month").parse::<u8>().unwrap_or(0);
    let style = DateStyle::parse(&value("date_style"));
    if style.is_none() {
        errors.push(FieldError::new("date_style", "invalid-choice"));
    }
    let chosen_lang = Lang::parse(&value("lang"));
    if chosen_lang.is_none() {
        errors.push(FieldError::new("lang", "invalid-choice"));
    }
    let password = get(&form, "password").unwrap_or("");
    if password != get(&form, "password_confirm").unwrap_or("") {
        errors.push(FieldError::new("password_confirm", "password-mismatch"));
    }
    for (field, max) in [("legal_name", 200), ("address", 500)] {
        if value(field).chars().count() > max {
            errors.push(FieldError::with(field, "too-long", max.to_string()));
        }
    }
    if !errors.is_empty() {
        return page(
            &state,
            lang,
            token,
            &form,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let (slug, name, email, display_name) = (
        value("slug"),
        value("org_name"),
        value("email"),
        value("display_name"),
    );
    let mut profile: serde_json::Map<String, serde_json::Value> = ["legal_name", "address"]
        .into_iter()
        .map(|k| (k.to_string(), mamori_domain::input::normalize(&value(k))))
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, v.into()))
        .collect();
    // The date style and language are the organisation's, which its members start with.
    if let (Some(style), Some(chosen)) = (style, chosen_lang) {
        profile.insert("date_style".into(), style.code().into());
        profile.insert("lang".into(), chosen.code().into());
    }
    let profile = serde_json::Value::Object(profile);
    let founded = mamori_io::setup::found(
        &state.store,
        Some(token),
        &Actor {
            user_id: None,
            label: "setup".into(),
        },
        &NewOrganization {
            slug: &slug,
            name: &name,
            name_en: None,
            fiscal_year_start_month: month,
            profile,
        },
        &Founder {
            email: &email,
            name: &display_name,
            password: Some(password),
        },
        value("starter") == "on",
    )
    .await;
    let founded = match founded {
        Ok(f) => f,
        Err(mamori_io::IoError::Store(StoreError::Invalid(mut errors))) => {
            // The store names the organisation's name `name`; the form, beside the founder's.
            for e in &mut errors {
                if e.field == "name" {
                    e.field = "org_name".into();
                }
            }
            return page(
                &state,
                lang,
                token,
                &form,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
        Err(mamori_io::IoError::Store(e)) => return Err(e.into()),
        Err(e) => return Err(AppError::Internal(e.to_string())),
    };
    // The founder's account took the organisation's date style and language.
    let chosen_lang = chosen_lang.unwrap_or(lang);
    crate::pages::account::signed_in(
        &state,
        founded.founder.id,
        chosen_lang.code(),
        &format!("/o/{}?welcome=1", founded.org.slug),
    )
    .await
}

/// A further organisation, founded from the web by an installation's administrator (a consultant
/// taking on a client, a group adding a company): they become its secretariat and administer it.
pub async fn new_form(viewer: crate::session::Viewer) -> Result<Response, AppError> {
    if !viewer.user.installation_admin {
        return Err(AppError::Forbidden);
    }
    let lang = i18n::pick(Some(&viewer.user.lang));
    another_page(lang, &viewer.csrf, &[], &[], StatusCode::OK)
}

pub async fn create(
    State(state): State<AppState>,
    viewer: crate::session::Viewer,
    body: Bytes,
) -> Result<Response, AppError> {
    if !viewer.user.installation_admin {
        return Err(AppError::Forbidden);
    }
    let lang = i18n::pick(Some(&viewer.user.lang));
    let form = viewer.form(&body)?;
    let value = |name: &str| get(&form, name).unwrap_or("").trim().to_string();
    let (slug, name) = (value("slug"), value("org_name"));
    let new = NewOrganization {
        slug: &slug,
        name: &name,
        name_en: None,
        fiscal_year_start_month: value("fiscal_year_start_month").parse().unwrap_or(0),
        // Its members start with its founder's date style and language (changed in its settings).
        profile: serde_json::json!({
            "date_style": viewer.user.date_style.code(), "lang": lang.code(),
        }),
    };
    let org = match state
        .store
        .found_another_organization(&viewer.user, &new)
        .await
    {
        Ok(org) => org,
        Err(StoreError::Invalid(mut errors)) => {
            for e in &mut errors {
                if e.field == "name" {
                    e.field = "org_name".into();
                }
            }
            return another_page(
                lang,
                &viewer.csrf,
                &form,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
        Err(e) => return Err(e.into()),
    };
    if value("starter") == "on" {
        let access = state.store.access(&viewer.user, Some(&org.slug)).await?;
        mamori_io::setup::load_starter(&state.store, &access)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
    }
    Ok(Redirect::to(&format!("/o/{}?welcome=1", org.slug)).into_response())
}

fn another_page(
    lang: Lang,
    csrf: &str,
    values: &[(String, String)],
    errors: &[FieldError],
    status: StatusCode,
) -> Result<Response, AppError> {
    let value = |name: &str| get(values, name).unwrap_or("").to_string();
    let months = month_options(lang, value("fiscal_year_start_month").parse().unwrap_or(4));
    let messages: Vec<String> = errors
        .iter()
        .map(|e| i18n::field_error(lang, None, e))
        .collect();
    render::bare(
        "org_new.html",
        context! {
            lang, other_lang => lang.other(), csrf, months, messages,
            org_name => value("org_name"), slug => value("slug"),
            starter => value("starter") == "on" || values.is_empty(),
        },
        status,
    )
}
