//! Who is asking: a session cookie (pages) or a bearer token (API), the organisation they act in,
//! and the CSRF check for cookie-authenticated writes (a form field on pages, a header on the API).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use mamori_domain::{DateStyle, FiscalYear, Lang};
use mamori_store::org::Membership;
use mamori_store::{Access, User};

use crate::AppState;
use crate::error::AppError;
use crate::i18n;

pub const SESSION_COOKIE: &str = "mamori_session";
pub const LANG_COOKIE: &str = "mamori_lang";
pub const FY_COOKIE: &str = "mamori_fy";
pub const PRE_CSRF_COOKIE: &str = "mamori_pre_csrf";
/// The header that carries the session's CSRF token on a cookie-authenticated API write.
pub const CSRF_HEADER: &str = "x-csrf-token";

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age_secs: i64) -> String {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

/// How long the language chosen is remembered.
pub const LANG_COOKIE_SECS: i64 = 60 * 60 * 24 * 365;

/// Adds a cookie to a response.
pub fn with_cookie(
    state: &AppState,
    mut res: axum::response::Response,
    name: &str,
    value: &str,
    max_age_secs: i64,
) -> axum::response::Response {
    if let Ok(v) = set_cookie(state, name, value, max_age_secs).parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// A page shown before sign-in whose form is posted back (sign-in, set-up, an invitation, a
/// password reset): a fresh token, in the page as `csrf` and in the cookie.
pub fn pre_sign_in_page(
    state: &AppState,
    name: &str,
    page: minijinja::Value,
    status: axum::http::StatusCode,
) -> Result<axum::response::Response, AppError> {
    let pre = mamori_store::auth::random_token();
    let page = minijinja::context! { csrf => pre.clone(), ..page };
    Ok(with_pre_csrf(
        state,
        crate::render::bare(name, page, status)?,
        &pre,
    ))
}

/// Whether a form posted before sign-in carries the token its page put in the cookie (see
/// `pre_sign_in_page`).
pub fn pre_csrf_ok(headers: &HeaderMap, form: &[(String, String)]) -> bool {
    let pre = cookie(headers, PRE_CSRF_COOKIE);
    pre.is_some() && pre.as_deref() == crate::pages::get(form, "csrf")
}

/// The cookie half of `pre_sign_in_page`: the form carries `pre` and the cookie holds it, so a post
/// from another site is refused.
pub fn with_pre_csrf(
    state: &AppState,
    res: axum::response::Response,
    pre: &str,
) -> axum::response::Response {
    with_cookie(state, res, PRE_CSRF_COOKIE, pre, 3600)
}

/// The language a page before sign-in was asked for with `?lang=`, remembered so the form's answer
/// comes back in it.
pub fn remembering_lang(
    state: &AppState,
    res: axum::response::Response,
    asked: Option<Lang>,
) -> axum::response::Response {
    match asked {
        Some(lang) => with_cookie(state, res, LANG_COOKIE, lang.code(), LANG_COOKIE_SECS),
        None => res,
    }
}

/// The language of a request before (or without) knowing the user: cookie, then Accept-Language.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    if let Some(l) = cookie(headers, LANG_COOKIE) {
        return i18n::pick(Some(&l));
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    i18n::pick(accept.and_then(|a| a.split(',').next()))
}

/// A signed-in user, by session cookie or by `Authorization: Bearer`.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub user: User,
    /// The session's CSRF token; empty for bearer requests, which carry no ambient credentials.
    pub csrf: String,
    pub bearer: bool,
}

impl Viewer {
    /// Refuses a cookie-authenticated write whose form or header lacks the session's CSRF token.
    /// The fields of a form posted with this session's CSRF token; refused without it.
    pub fn form(&self, body: &[u8]) -> Result<Vec<(String, String)>, AppError> {
        let form = crate::pages::pairs(body)?;
        self.check_csrf(crate::pages::get(&form, "csrf"))?;
        Ok(form)
    }

    pub fn check_csrf(&self, submitted: Option<&str>) -> Result<(), AppError> {
        if self.bearer {
            return Ok(());
        }
        match submitted {
            Some(t)
                if !self.csrf.is_empty()
                    && constant_time_eq(t.as_bytes(), self.csrf.as_bytes()) =>
            {
                Ok(())
            }
            _ => Err(AppError::Refused(axum::http::StatusCode::FORBIDDEN, "csrf")),
        }
    }
}

/// A write through `/api/` on a session cookie comes from a browser, so it must prove it comes from
/// one of our pages: the session's CSRF token in `X-CSRF-Token` and a JSON body. A cross-site form
/// can send neither, and a cross-site script cannot without a CORS preflight, which is never granted.
fn check_api_cookie_write(headers: &HeaderMap, csrf: &str) -> Result<(), AppError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    let token = headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| !csrf.is_empty() && constant_time_eq(t.as_bytes(), csrf.as_bytes()));
    if json && token {
        Ok(())
    } else {
        Err(AppError::Refused(
            axum::http::StatusCode::FORBIDDEN,
            "api-cookie-write",
        ))
    }
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(v) = parts.extensions.get::<Viewer>() {
            return Ok(v.clone());
        }
        let auth = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let viewer = if let Some(token) = auth.and_then(|a| a.strip_prefix("Bearer ")) {
            let user = state
                .store
                .token_user(token.trim())
                .await?
                .ok_or(AppError::SignInRequired)?;
            Viewer {
                user,
                csrf: String::new(),
                bearer: true,
            }
        } else {
            let token = cookie(&parts.headers, SESSION_COOKIE).ok_or(AppError::SignInRequired)?;
            let (user, csrf) = state
                .store
                .session(&token)
                .await?
                .ok_or(AppError::SignInRequired)?;
            if parts.uri.path().starts_with("/api/") && !parts.method.is_safe() {
                check_api_cookie_write(&parts.headers, &csrf)?;
            }
            Viewer {
                user,
                csrf,
                bearer: false,
            }
        };
        parts.extensions.insert(viewer.clone());
        Ok(viewer)
    }
}

/// Everything a page inside an organisation needs: the viewer, their access, language, date style
/// and the selected fiscal year.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub viewer: Viewer,
    pub access: Access,
    pub memberships: Vec<Membership>,
    pub lang: Lang,
    pub style: DateStyle,
    pub fy: FiscalYear,
    pub path: String,
    pub query: String,
    /// An htmx request that wants only the page's content (not a boosted navigation).
    pub hx: bool,
}

impl Ctx {
    pub fn org(&self) -> &str {
        &self.access.org.slug
    }

    /// The organisation's name in `lang`: its English name where it has one, else its own.
    pub fn org_name(&self, lang: Lang) -> String {
        let org = &self.access.org;
        match (lang, &org.name_en) {
            (Lang::En, Some(name)) if !name.is_empty() => name.clone(),
            _ => org.name.clone(),
        }
    }
}

fn org_segment(path: &str) -> Option<&str> {
    path.strip_prefix("/o/")
        .map(|rest| rest.split('/').next().unwrap_or(rest))
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let viewer = Viewer::from_request_parts(parts, state).await?;
        if state.store.password_expired(&viewer.user) {
            return Err(AppError::Refused(
                axum::http::StatusCode::FORBIDDEN,
                "password-expired",
            ));
        }
        let slug = org_segment(parts.uri.path())
            .ok_or(AppError::NotFound)?
            .to_string();
        let access = state.store.access(&viewer.user, Some(&slug)).await?;
        i18n::use_org_names(&access.org.profile);
        let memberships = state.store.memberships(viewer.user.id).await?;
        let calendar = access.org.calendar;
        let today = calendar.containing(mamori_domain::dates::today());
        let fy = cookie(&parts.headers, FY_COOKIE)
            .and_then(|y| y.parse::<i32>().ok())
            .filter(|y| (1990..=today.year() + 1).contains(y))
            .map(|y| calendar.year(y));
        let fy = match fy {
            Some(fy) => fy,
            None => state
                .store
                .latest_activity(access.org.id)
                .await?
                .map_or(today, |d| calendar.containing(d)),
        };
        Ok(Ctx {
            lang: i18n::pick(Some(&viewer.user.lang)),
            style: viewer.user.date_style,
            access,
            memberships,
            fy,
            path: parts.uri.path().to_string(),
            query: parts.uri.query().unwrap_or("").to_string(),
            hx: parts.headers.contains_key("hx-request")
                && !parts.headers.contains_key("hx-boosted"),
            viewer,
        })
    }
}

/// The API caller in an organisation: named by the `X-Mamori-Organization` header or `org` query
/// parameter, else the caller's first membership.
#[derive(Clone, Debug)]
pub struct ApiCtx {
    pub viewer: Viewer,
    pub access: Access,
    pub lang: Lang,
}

impl FromRequestParts<AppState> for ApiCtx {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let viewer = Viewer::from_request_parts(parts, state).await?;
        // A bearer token of such an account is refused already; a session is sent to change it.
        if state.store.password_expired(&viewer.user) {
            return Err(AppError::Refused(
                axum::http::StatusCode::FORBIDDEN,
                "password-expired",
            ));
        }
        let from_query = parts.uri.query().and_then(|q| {
            serde_urlencoded::from_str::<Vec<(String, String)>>(q)
                .ok()
                .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "org").map(|(_, v)| v))
        });
        let from_header = parts
            .headers
            .get("x-mamori-organization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let access = state
            .store
            .access(&viewer.user, from_header.or(from_query).as_deref())
            .await?;
        i18n::use_org_names(&access.org.profile);
        let lang = match parts.headers.get(header::ACCEPT_LANGUAGE) {
            Some(_) => request_lang(&parts.headers),
            None => i18n::pick(Some(&viewer.user.lang)),
        };
        Ok(ApiCtx {
            viewer,
            access,
            lang,
        })
    }
}
