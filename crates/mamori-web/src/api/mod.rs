//! `/api/v1`: JSON over the same service layer as the pages. Collections are the kebab-case plural
//! of the glossary name; lists answer `{"items", "total"}`; errors `{"code","message","details"}`.

pub mod calendar;
pub mod openapi;
pub mod reports;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use mamori_domain::FieldError;
use mamori_store::Input;

use crate::AppState;
use crate::error::AppError;
use crate::pages::registers::{list_query, register};
use crate::pages::{pairs, parse_id};
use crate::session::{ApiCtx, Viewer};

fn body_json(body: &[u8]) -> Result<serde_json::Map<String, Value>, AppError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(AppError::Refused(StatusCode::BAD_REQUEST, "bad-json")),
    }
}

/// JSON field values arrive as strings (a whole-number field's also as a number), or null to
/// clear; anything else is refused, as the OpenAPI document says. Computed fields are ignored.
fn to_input(
    reg: &mamori_domain::Register,
    map: serde_json::Map<String, Value>,
) -> Result<Input, AppError> {
    let mut input = Input::new();
    let mut errors = Vec::new();
    for (k, v) in map {
        if reg.computed.contains(&k.as_str()) {
            continue;
        }
        let number_field = reg
            .field(&k)
            .is_some_and(|f| matches!(f.kind, mamori_domain::FieldKind::Int { .. }));
        match v {
            Value::String(s) => {
                input.insert(k, s);
            }
            Value::Null => {
                input.insert(k, String::new());
            }
            Value::Number(n) if n.is_i64() && number_field => {
                input.insert(k, n.to_string());
            }
            _ => errors.push(FieldError::new(&k, "invalid-type")),
        }
    }
    if errors.is_empty() {
        Ok(input)
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// One record as the API answers it.
fn one(reg: &mamori_domain::Register, record: mamori_store::Record) -> Response {
    Json(record.json(reg)).into_response()
}

/// Signs in with an e-mail address and password and mints a named token that expires (the
/// `token_days` setting). Every refused sign-in gets the same answer.
pub async fn token(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let map = body_json(&body)?;
    let field = |k: &str| map.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let name = match map.get("name") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(AppError::Invalid(vec![FieldError::new(
                "name",
                "invalid-type",
            )]));
        }
    };
    let user = state
        .store
        .sign_in(&field("email"), &field("password"))
        .await?;
    let lang = crate::session::request_lang(&headers);
    let name = crate::pages::account::token_name(lang, &name);
    let made = state.store.create_api_token(&user, &name).await?;
    Ok(Json(json!({
        "token": made.token,
        "id": made.id,
        "name": made.name,
        "expires_at": made.expires_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
    }))
    .into_response())
}

pub async fn me(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    let memberships = state.store.memberships(viewer.user.id).await?;
    Ok(Json(json!({
        "id": viewer.user.id,
        "email": viewer.user.email,
        "display_name": viewer.user.display_name,
        "lang": viewer.user.lang,
        "memberships": memberships.iter().map(|m| json!({"organization": m.org_slug, "role": m.role.code(), "valid_until": m.valid_until.map(mamori_domain::dates::iso)})).collect::<Vec<_>>(),
    }))
    .into_response())
}

pub async fn list(
    State(state): State<AppState>,
    ctx: ApiCtx,
    Path(collection): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    let params = pairs(raw.unwrap_or_default().as_bytes())?;
    // `org` chooses the organisation (see `ApiCtx`); paging is read below.
    let mut query = list_query(reg, &params, &["limit", "offset", "org"])?;
    let number = |k: &str, default: i64| -> Result<i64, AppError> {
        match crate::pages::get(&params, k) {
            Some(v) => mamori_domain::input::normalize(v)
                .parse::<i64>()
                .map_err(|_| AppError::Invalid(vec![FieldError::new(k, "invalid-number")])),
            None => Ok(default),
        }
    };
    query.limit = number("limit", 100)?;
    query.offset = number("offset", 0)?;
    // The API is strict where the pages are lenient: a repeated parameter or an unknown sort field
    // is an error, not ignored.
    for (i, (k, _)) in params.iter().enumerate() {
        if params[..i].iter().any(|(earlier, _)| earlier == k) {
            return Err(AppError::Invalid(vec![FieldError::new(
                k,
                "repeated-parameter",
            )]));
        }
    }
    if query.offset > 1_000_000_000 {
        return Err(AppError::Invalid(vec![FieldError::with(
            "offset",
            "out-of-range",
            "1000000000",
        )]));
    }
    if !(1..=mamori_store::records::MAX_LIMIT).contains(&query.limit) || query.offset < 0 {
        return Err(AppError::Invalid(vec![FieldError::with(
            "limit",
            "out-of-range",
            mamori_store::records::MAX_LIMIT.to_string(),
        )]));
    }
    let page = state.store.list(&ctx.access, reg, &query).await?;
    Ok(Json(json!({"items": page.items.iter().map(|r| r.json(reg)).collect::<Vec<_>>(), "total": page.total})).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    ctx: ApiCtx,
    Path(collection): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    let input = to_input(reg, body_json(&body)?)?;
    let record = state.store.create(&ctx.access, reg, &input).await?;
    let location = format!("/api/v1/{}/{}", reg.collection, record.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(record.json(reg)),
    )
        .into_response())
}

pub async fn get(
    State(state): State<AppState>,
    ctx: ApiCtx,
    Path((collection, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    Ok(one(
        reg,
        state.store.get(&ctx.access, reg, parse_id(&id)?).await?,
    ))
}

pub async fn update(
    State(state): State<AppState>,
    ctx: ApiCtx,
    Path((collection, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    let input = to_input(reg, body_json(&body)?)?;
    Ok(one(
        reg,
        state
            .store
            .update(&ctx.access, reg, parse_id(&id)?, &input)
            .await?,
    ))
}

pub async fn withdraw(
    State(state): State<AppState>,
    ctx: ApiCtx,
    Path((collection, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    let map = body_json(&body)?;
    let reason = map.get("reason").and_then(Value::as_str).unwrap_or("");
    Ok(one(
        reg,
        state
            .store
            .withdraw(&ctx.access, reg, parse_id(&id)?, reason)
            .await?,
    ))
}

/// Publishes a meeting's minutes as a notice: 201 with the notice, or 200 with the notice
/// published before (again changes nothing).
pub async fn publish_minutes(
    State(state): State<AppState>,
    ctx: ApiCtx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    use mamori_domain::registers::NOTICES;
    let meeting = parse_id(&id)?;
    let title = crate::pages::operations::minutes_title(
        &state,
        &ctx.access,
        ctx.lang,
        ctx.viewer.user.date_style,
        meeting,
    )
    .await?;
    let minutes = state
        .store
        .publish_minutes(&ctx.access, meeting, &title)
        .await?;
    let notice = state
        .store
        .get(&ctx.access, &NOTICES, minutes.notice)
        .await?;
    let location = format!("/api/v1/notices/{}", notice.id);
    let status = if minutes.published {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        [(header::LOCATION, location)],
        Json(notice.json(&NOTICES)),
    )
        .into_response())
}

/// The reader acknowledges a notice addressed to them (again: nothing changes).
pub async fn acknowledge(
    State(state): State<AppState>,
    ctx: ApiCtx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    state.store.acknowledge(&ctx.access, parse_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The notices addressed to the reader that they have not acknowledged, newest first.
pub async fn unread_notices(
    State(state): State<AppState>,
    ctx: ApiCtx,
) -> Result<Response, AppError> {
    let items = state.store.unread_notices(&ctx.access).await?;
    Ok(Json(json!({ "items": items })).into_response())
}

pub async fn reinstate(
    State(state): State<AppState>,
    ctx: ApiCtx,
    Path((collection, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    Ok(one(
        reg,
        state
            .store
            .reinstate(&ctx.access, reg, parse_id(&id)?)
            .await?,
    ))
}

pub async fn history(
    State(state): State<AppState>,
    ctx: ApiCtx,
    Path((collection, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    let items = state
        .store
        .history(&ctx.access, reg, parse_id(&id)?)
        .await?;
    Ok(Json(json!({"items": items, "total": items.len()})).into_response())
}

pub async fn audit_verify(
    State(state): State<AppState>,
    ctx: ApiCtx,
) -> Result<Response, AppError> {
    let v = state.store.audit_verify(&ctx.access).await?;
    Ok(
        Json(json!({"intact": v.intact(), "rows": v.rows, "first_broken": v.first_broken}))
            .into_response(),
    )
}

pub async fn healthz() -> Response {
    Json(json!({"status": "ok"})).into_response()
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    if state.store.ready().await {
        Json(json!({"status": "ready"})).into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"code": "database-unavailable", "message": "the database does not answer", "details": []}))).into_response()
    }
}

/// A paper as the API answers it: while the attempt is open, without the correct answers.
fn paper_json(p: &mamori_store::attempts::Paper) -> Value {
    let open = p.open();
    json!({
        "id": p.attempt_id,
        "course": p.course,
        "person": p.person,
        "result": p.result,
        "score": p.score,
        "pass_mark": p.pass_mark,
        "correct": p.correct,
        "total": p.total,
        "started_at": p.started_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "deadline_at": p.deadline_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "questions": p.questions.iter().map(|q| json!({
            "id": q.id,
            "kind": q.kind,
            "text": q.text,
            "choices": q.choices.iter().map(|(n, text)| json!({"value": n, "text": text})).collect::<Vec<_>>(),
            // The right answers only where the paper reveals them (`Paper::reveals`).
            "answer": if open || !p.reveals { Value::Null } else { json!(q.answer) },
            "correct": if open { Value::Null } else { json!(p.answers.get(&q.id).is_some_and(|a| { let mut a = a.clone(); a.sort_unstable(); a == q.answer })) },
            "answered": p.answers.get(&q.id),
        })).collect::<Vec<_>>(),
    })
}

/// Starts (or resumes) the caller's attempt at a course's test.
pub async fn start_attempt(
    State(state): State<AppState>,
    ctx: ApiCtx,
    Path(course): Path<String>,
) -> Result<Response, AppError> {
    let course = mamori_domain::input::normalize_strict(&course);
    let id = state.store.start_attempt(&ctx.access, &course).await?;
    let paper = state.store.paper(&ctx.access, id).await?;
    Ok((StatusCode::CREATED, Json(paper_json(&paper))).into_response())
}

pub async fn get_attempt(
    State(state): State<AppState>,
    ctx: ApiCtx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let paper = state.store.paper(&ctx.access, parse_id(&id)?).await?;
    Ok(Json(paper_json(&paper)).into_response())
}

/// Submits answers: `{"answers": {"<question id>": [choice number, …]}}`.
pub async fn submit_attempt(
    State(state): State<AppState>,
    ctx: ApiCtx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let map = body_json(&body)?;
    let mut answers = mamori_store::attempts::Answers::new();
    let mut errors = Vec::new();
    match map.get("answers") {
        Some(Value::Object(a)) => {
            for (k, v) in a {
                let Ok(q) = k.parse::<i64>() else {
                    errors.push(FieldError::with(
                        &format!("q{k}"),
                        "unknown-question",
                        k.clone(),
                    ));
                    continue;
                };
                let picked: Option<Vec<usize>> = match v {
                    Value::Array(items) => items
                        .iter()
                        .map(|i| i.as_u64().and_then(|n| usize::try_from(n).ok()))
                        .collect(),
                    Value::Number(n) => n
                        .as_u64()
                        .and_then(|n| usize::try_from(n).ok())
                        .map(|n| vec![n]),
                    _ => None,
                };
                match picked {
                    Some(p) => {
                        answers.insert(q, p);
                    }
                    None => errors.push(FieldError::with(
                        &format!("q{q}"),
                        "answer-out-of-range",
                        q.to_string(),
                    )),
                }
            }
        }
        _ => errors.push(FieldError::new("answers", "required")),
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let paper = state
        .store
        .submit_attempt(&ctx.access, id, &answers)
        .await?;
    Ok(Json(paper_json(&paper)).into_response())
}

/// Whether a person may handle information assets, and which step is missing.
pub async fn eligibility(
    State(state): State<AppState>,
    ctx: ApiCtx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let e = state.store.eligibility(&ctx.access, parse_id(&id)?).await?;
    Ok(Json(json!({
        "eligible": e.eligible,
        "pledge": e.pledge.map(mamori_domain::dates::iso),
        "onboarding": e.onboarding.map(mamori_domain::dates::iso),
        "test_passed": e.test_passed.map(mamori_domain::dates::iso),
    }))
    .into_response())
}

/// `GET /api/v1/search?q=`: the records of every register the caller may read that hold the
/// words, grouped by register (at most ten a register, with how many matched).
pub async fn search(
    State(state): State<AppState>,
    ctx: ApiCtx,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let params = pairs(raw.unwrap_or_default().as_bytes())?;
    for (i, (k, _)) in params.iter().enumerate() {
        if k != "q" && k != "org" {
            return Err(AppError::Invalid(vec![FieldError::with(
                k,
                "unknown-parameter",
                k.clone(),
            )]));
        }
        if params[..i].iter().any(|(earlier, _)| earlier == k) {
            return Err(AppError::Invalid(vec![FieldError::new(
                k,
                "repeated-parameter",
            )]));
        }
    }
    let q = crate::pages::get(&params, "q")
        .unwrap_or("")
        .trim()
        .to_string();
    let hits = state.store.search(&ctx.access, &q).await?;
    let groups: Vec<Value> = hits
        .iter()
        .map(|h| {
            json!({
                "collection": h.register.collection,
                "total": h.total,
                "capped": h.capped,
                "items": h.records.iter().map(|r| r.json(h.register)).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Json(json!({ "q": q, "groups": groups })).into_response())
}
