//! The pages of every declared register, written once: list (filter, sort, paginate, counts),
//! detail with history, create, edit, withdraw and reinstate, export (XLSX, CSV) and import.

use axum::body::Bytes;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};

use mamori_domain::register::{FieldKind, Register, Value as FieldValue};
use mamori_domain::{FieldError, registers};
use mamori_io::Sheet;
use mamori_store::records::can_create;
use mamori_store::{Input, ListQuery, Record};

use super::{get, pairs, parse_id};
use crate::AppState;
use crate::error::AppError;
use crate::i18n;
use crate::render;
use crate::session::Ctx;

const PER_PAGE: i64 = 50;

pub fn register(collection: &str) -> Result<&'static Register, AppError> {
    registers::by_collection(collection).ok_or(AppError::NotFound)
}

/// Turns list parameters (from a page URL or the API) into a store query, a page at a time;
/// `own` names the parameters the caller reads itself, any other unknown one is refused.
pub fn list_query(
    reg: &Register,
    params: &[(String, String)],
    own: &[&str],
) -> Result<ListQuery, AppError> {
    let mut q = ListQuery::from_params(reg, params, own)?;
    q.limit = PER_PAGE;
    Ok(q)
}

/// A named field of a record as a person reads it.
pub(crate) fn field_text(ctx: &Ctx, reg: &Register, rec: &Record, name: &str) -> String {
    cell_text(ctx, reg, rec, reg.position(name).expect("declared field"))
}

fn cell_text(ctx: &Ctx, reg: &Register, rec: &Record, i: usize) -> String {
    let f = &reg.fields[i];
    i18n::display(
        ctx.lang,
        ctx.style,
        f.kind,
        f.name,
        &rec.values[i],
        rec.labels[i].as_deref(),
    )
}

/// Headers in the user's language; import accepts them in either language, or as field codes.
pub fn headers(lang: &str, reg: &Register) -> Vec<String> {
    reg.fields
        .iter()
        .map(|f| i18n::field_label(lang, reg, f.name))
        .collect()
}

pub fn header_alias(reg: &'static Register) -> impl Fn(&str) -> Option<&'static str> + Sync {
    move |h: &str| {
        reg.fields
            .iter()
            .find(|f| {
                i18n::LANGS.iter().any(|l| {
                    mamori_domain::input::normalize(&i18n::field_label(l, reg, f.name)) == h
                })
            })
            .map(|f| f.name)
    }
}

async fn filter_options(
    state: &AppState,
    ctx: &Ctx,
    reg: &Register,
    params: &[(String, String)],
) -> Result<Vec<Value>, AppError> {
    let mut out = Vec::new();
    for f in reg.fields.iter().filter(|f| f.filter) {
        let label = i18n::field_label(ctx.lang, reg, f.name);
        match f.kind {
            FieldKind::Date => {
                out.push(context! {
                    name => f.name, label, kind => "date",
                    from => get(params, &format!("{}_from", f.name)).unwrap_or(""),
                    to => get(params, &format!("{}_to", f.name)).unwrap_or(""),
                    from_hint => mamori_domain::dates::iso(ctx.fy.start()),
                    to_hint => mamori_domain::dates::iso(ctx.fy.last_day()),
                });
            }
            _ => {
                let selected = get(params, f.name).unwrap_or("");
                let options = options_for(state, ctx, f.kind, f.name).await?;
                let kind = if options.is_some() { "select" } else { "text" };
                out.push(context! { name => f.name, label, kind, selected, options });
            }
        }
    }
    if !reg.lacks.is_empty() {
        let selected = get(params, "lacks").unwrap_or("");
        let options: Vec<Value> = reg
            .lacks
            .iter()
            .map(
                |(c, _)| context! { value => c, label => i18n::t(ctx.lang, &format!("lacks-{c}")) },
            )
            .collect();
        out.push(context! { name => "lacks", label => i18n::t(ctx.lang, "filter-lacks"), kind => "select", selected, options });
    }
    Ok(out)
}

/// The choices of a field; `None` for a reference to a register too large for a list.
async fn options_for(
    state: &AppState,
    ctx: &Ctx,
    kind: FieldKind,
    name: &str,
) -> Result<Option<Vec<Value>>, AppError> {
    Ok(match kind {
        FieldKind::Choice(choices) => Some(
            choices
                .iter()
                .map(|c| context! { value => c, label => i18n::choice_label(ctx.lang, name, c) })
                .collect(),
        ),
        FieldKind::Ref(target) => {
            let target = register(target)?;
            state
                .store
                .ref_options(&ctx.access, target)
                .await?
                .map(|options| {
                    options
                        .into_iter()
                        .map(
                            |(k, t)| context! { value => k.clone(), label => format!("{t} ({k})") },
                        )
                        .collect()
                })
        }
        FieldKind::Scale(scale) => Some(
            mamori_domain::risk::RiskMethod::of(&ctx.access.org.profile)
                .scale(scale)
                .iter()
                .map(|v| context! { value => v, label => v })
                .collect(),
        ),
        _ => Some(Vec::new()),
    })
}

/// The list's query string with some parameters replaced; any change but paging goes back to page 1.
fn with_params(query: &[(String, String)], set: &[(&str, &str)]) -> String {
    let paging = set.iter().all(|(k, _)| *k == "page");
    let mut q: Vec<(String, String)> = query
        .iter()
        .filter(|(k, _)| !set.iter().any(|(s, _)| s == k) && (paging || k != "page"))
        .cloned()
        .collect();
    q.extend(set.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    serde_urlencoded::to_string(&q).unwrap_or_default()
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    let params = pairs(raw.unwrap_or_default().as_bytes())?;
    let mut query = list_query(reg, &params, &["page"])?;
    let page_no = super::page_number(&params);
    query.offset = (page_no - 1) * PER_PAGE;
    let page = state.store.list(&ctx.access, reg, &query).await?;
    let list_fields: Vec<usize> = (0..reg.fields.len())
        .filter(|i| reg.fields[*i].list)
        .collect();
    let sort = query
        .sort
        .clone()
        .unwrap_or_else(|| reg.default_sort.to_string());
    let columns: Vec<Value> = list_fields
        .iter()
        .map(|i| {
            let f = &reg.fields[*i];
            let active = sort == f.name;
            let dir = if active && !query.desc { "desc" } else { "asc" };
            let href = format!("?{}", with_params(&params, &[("sort", f.name), ("dir", dir)]));
            context! { label => i18n::field_label(ctx.lang, reg, f.name), href, active, desc => active && query.desc }
        })
        .collect();
    let rows: Vec<Value> = page
        .items
        .iter()
        .map(|r| {
            context! {
                href => record_href(ctx.org(), reg, r.id),
                cells => list_fields.iter().map(|i| cell_text(&ctx, reg, r, *i)).collect::<Vec<_>>(),
                title_index => list_fields.iter().position(|i| reg.fields[*i].name == reg.title_field).unwrap_or(0),
                withdrawn => r.withdrawn_at.is_some(),
            }
        })
        .collect();
    let pages = ((page.total + PER_PAGE - 1) / PER_PAGE).max(1);
    let export_query = serde_urlencoded::to_string(
        params
            .iter()
            .filter(|(k, _)| k != "page")
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    let filters = filter_options(&state, &ctx, reg, &params).await?;
    render::page(
        &ctx,
        "list.html",
        context! {
            title => i18n::register_name(ctx.lang, reg),
            collection => reg.collection,
            total => page.total,
            shown_from => if page.total == 0 { 0 } else { query.offset + 1 },
            shown_to => query.offset + page.items.len() as i64,
            columns, rows, filters,
            q => get(&params, "q").unwrap_or(""),
            searchable => !reg.search.is_empty(),
            status => query.status.code(),
            page_no, pages,
            prev_href => (page_no > 1).then(|| format!("?{}", with_params(&params, &[("page", &(page_no - 1).to_string())]))),
            next_href => (page_no < pages).then(|| format!("?{}", with_params(&params, &[("page", &(page_no + 1).to_string())]))),
            export_query,
            has_labels => !reg.labels.is_empty(),
            can_create => can_create(&ctx.access, reg),
        },
        StatusCode::OK,
    )
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    reg: &Register,
    record: Option<&Record>,
    input: &Input,
    errors: &[FieldError],
    status: StatusCode,
) -> Result<Response, AppError> {
    let mut fields = Vec::new();
    for (i, f) in reg.fields.iter().enumerate() {
        // A reporter's form leaves out what the secretariat assesses.
        if reg.assessed.contains(&f.name) && !mamori_store::records::can_edit(&ctx.access, reg) {
            continue;
        }
        // What the store computes is shown on the record's page, not asked for.
        if reg.computed.contains(&f.name) {
            continue;
        }
        let value = match (input.get(f.name), record) {
            (Some(v), _) => v.clone(),
            (None, Some(r)) => r.values[i].to_plain(),
            (None, None) => String::new(),
        };
        let error = errors
            .iter()
            .find(|e| e.field == f.name)
            .map(|e| i18n::field_error(ctx.lang, Some(reg), e));
        let max = match f.kind {
            FieldKind::Text { max } => Some(max),
            _ => None,
        };
        fields.push(context! {
            name => f.name,
            label => i18n::field_label(ctx.lang, reg, f.name),
            kind => f.kind.code(),
            required => reg.must_give(f),
            numbered => reg.numbered.filter(|_| record.is_none() && reg.natural_key == Some(f.name)).map(|p| format!("{p}0001")),
            value, error, max,
            long => max.is_some_and(|m| m > 200),
            options => options_for(state, ctx, f.kind, f.name).await?,
        });
    }
    let other_errors: Vec<String> = errors
        .iter()
        .filter(|e| reg.field(&e.field).is_none())
        .map(|e| i18n::field_error(ctx.lang, Some(reg), e))
        .collect();
    let action = match record {
        Some(r) => record_href(ctx.org(), reg, r.id),
        None => format!("/o/{}/{}", ctx.org(), reg.collection),
    };
    render::page(
        ctx,
        "form.html",
        context! {
            title => i18n::register_name(ctx.lang, reg),
            collection => reg.collection,
            editing => record.is_some(),
            record_title => record.map(|r| title_of(ctx, reg, r)),
            action, fields, other_errors,
            has_errors => !errors.is_empty(),
        },
        status,
    )
}

fn title_of(ctx: &Ctx, reg: &Register, r: &Record) -> String {
    let i = reg
        .fields
        .iter()
        .position(|f| f.name == reg.title_field)
        .unwrap_or(0);
    cell_text(ctx, reg, r, i)
}

/// The form for a new record; declared fields in the query string fill it in
/// (`/handling-records/new?asset=A-002`).
pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    if !can_create(&ctx.access, reg) {
        return Err(AppError::Forbidden);
    }
    let prefill: Input = pairs(raw.unwrap_or_default().as_bytes())?
        .into_iter()
        .filter(|(k, v)| reg.field(k).is_some() && v.chars().count() <= 200)
        .collect();
    form_page(&state, &ctx, reg, None, &prefill, &[], StatusCode::OK).await
}

/// The page of one record.
fn record_href(org: &str, reg: &Register, id: i64) -> String {
    format!("/o/{org}/{}/{id}", reg.collection)
}

/// The form's fields; the CSRF token is checked and dropped.
fn form_input(ctx: &Ctx, body: &[u8]) -> Result<Input, AppError> {
    Ok(ctx
        .viewer
        .form(body)?
        .into_iter()
        .filter(|(k, _)| k != "csrf")
        .collect())
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    let input = form_input(&ctx, &body)?;
    match state.store.create(&ctx.access, reg, &input).await {
        Ok(r) => Ok(Redirect::to(&record_href(ctx.org(), reg, r.id)).into_response()),
        Err(mamori_store::StoreError::Invalid(errors)) => {
            form_page(
                &state,
                &ctx,
                reg,
                None,
                &input,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection, id)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    let record = state.store.get(&ctx.access, reg, parse_id(&id)?).await?;
    if !mamori_store::records::can_edit(&ctx.access, reg) {
        return Err(AppError::Forbidden);
    }
    form_page(
        &state,
        &ctx,
        reg,
        Some(&record),
        &Input::new(),
        &[],
        StatusCode::OK,
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection, id)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    let id = parse_id(&id)?;
    let input = form_input(&ctx, &body)?;
    match state.store.update(&ctx.access, reg, id, &input).await {
        Ok(r) => Ok(Redirect::to(&record_href(ctx.org(), reg, r.id)).into_response()),
        Err(mamori_store::StoreError::Invalid(errors)) => {
            let record = state.store.get(&ctx.access, reg, id).await?;
            form_page(
                &state,
                &ctx,
                reg,
                Some(&record),
                &input,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The records of other registers that refer to this one (a session's attendance, a person's NDAs),
/// each group counted and linked as a filtered list: found from the declarations, not written per page.
async fn related_records(
    state: &AppState,
    ctx: &Ctx,
    reg: &Register,
    record: &Record,
) -> Result<Vec<Value>, AppError> {
    let Some(key) = reg
        .natural_key
        .and_then(|k| record.value(reg, k))
        .map(FieldValue::to_plain)
    else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for other in registers::ALL {
        if !mamori_store::records::can_read(&ctx.access, other) {
            continue;
        }
        for f in other
            .fields
            .iter()
            .filter(|f| f.filter && f.kind == FieldKind::Ref(reg.collection))
        {
            let query = ListQuery {
                filters: vec![(f.name.to_string(), key.clone())],
                limit: 1,
                ..Default::default()
            };
            let total = state.store.list(&ctx.access, other, &query).await?.total;
            let key = crate::error::url_escape(&key);
            // A new one comes from here: the reference filled in, and where the other register
            // names what a record comes from (a corrective action's source), that too.
            let source = other
                .sources
                .and_then(|s| {
                    let (choice, _) = s.refs.iter().find(|(_, field)| *field == f.name)?;
                    Some(format!("&{}={choice}", s.field))
                })
                .unwrap_or_default();
            out.push(context! {
                label => i18n::register_name(ctx.lang, other),
                total,
                href => format!("/o/{}/{}?{}={key}", ctx.org(), other.collection, f.name),
                new_href => (can_create(&ctx.access, other) && record.withdrawn_at.is_none()).then(|| {
                    format!("/o/{}/{}/new?{}={key}{source}", ctx.org(), other.collection, f.name)
                }),
                id => format!("related-{}-{}", other.collection, f.name),
            });
        }
    }
    Ok(out)
}

/// What a record's page shows beyond its fields, for the registers that have more to say: a
/// person's eligibility and leaving checklist, the way to a test attempt's paper, a course's test.
async fn panels(
    state: &AppState,
    ctx: &Ctx,
    reg: &Register,
    record: &Record,
) -> Result<Value, AppError> {
    let key = |name: &str| {
        record
            .value(reg, name)
            .map(FieldValue::to_plain)
            .unwrap_or_default()
    };
    let link = |label: &str, href: String| context! { label => i18n::t(ctx.lang, label), href };
    Ok(match reg.code {
        "person" => {
            let eligibility = match state.store.eligibility(&ctx.access, record.id).await {
                Ok(e) => Some(crate::pages::training::eligibility_view(ctx, &e)),
                Err(mamori_store::StoreError::NotFound) => None,
                Err(e) => return Err(e.into()),
            };
            let leaving = match state.store.leaving(&ctx.access, record.id).await {
                Ok(l) => Some(context! {
                    left_on => l.left_on.map(|d| mamori_domain::dates::format_date(d, ctx.style, ctx.lang)),
                    accounts => l.accounts.iter().map(|a| context! { email => a.email.clone(), disabled => a.disabled }).collect::<Vec<_>>(),
                    all_disabled => l.accounts.iter().all(|a| a.disabled),
                    pledge_on_file => l.pledge_on_file,
                    assets => l.assets.iter().map(|a| context! {
                        code => a.code.clone(), name => a.name.clone(),
                        role => i18n::t(ctx.lang, &format!("held-{}", a.role)),
                        href => format!("/o/{}/assets/{}", ctx.org(), a.asset_id),
                    }).collect::<Vec<_>>(),
                    members_href => format!("/o/{}/members", ctx.org()),
                }),
                Err(mamori_store::StoreError::Forbidden) => None,
                Err(e) => return Err(e.into()),
            };
            let no = crate::error::url_escape(&key("employee_no"));
            let links = if mamori_store::records::can_read(&ctx.access, &registers::TEST_ATTEMPTS)
                && ctx.access.may(mamori_domain::Capability::ReadAboutOthers)
            {
                vec![
                    link(
                        "person-export-attempts-xlsx",
                        format!("/o/{}/test-attempts/export.xlsx?person={no}", ctx.org()),
                    ),
                    link(
                        "person-export-attempts-csv",
                        format!("/o/{}/test-attempts/export.csv?person={no}", ctx.org()),
                    ),
                ]
            } else {
                Vec::new()
            };
            context! { eligibility, leaving, links }
        }
        "training_session" => {
            let roll = state
                .store
                .list(
                    &ctx.access,
                    &registers::ATTENDANCES,
                    &ListQuery {
                        filters: vec![("session".into(), key("code"))],
                        limit: mamori_store::records::MAX_LIMIT,
                        ..Default::default()
                    },
                )
                .await?;
            let person_at = registers::ATTENDANCES.position("person").unwrap_or(1);
            let status_at = registers::ATTENDANCES.position("status").unwrap_or(2);
            let statuses: Vec<Value> = registers::ATTENDANCE_STATUSES
                .iter()
                .map(
                    |s| context! { value => s, label => i18n::choice_label(ctx.lang, "status", s) },
                )
                .collect();
            let rows: Vec<Value> = roll
                .items
                .iter()
                .map(|r| {
                    context! {
                        id => r.id,
                        person => i18n::display(ctx.lang, ctx.style, registers::ATTENDANCES.fields[person_at].kind, "person", &r.values[person_at], r.labels[person_at].as_deref()),
                        status => r.values[status_at].to_plain(),
                    }
                })
                .collect();
            context! {
                roll_call => context! {
                    rows, statuses,
                    can_write => can_create(&ctx.access, &registers::ATTENDANCES),
                    expected_action => format!("/o/{}/training/sessions/{}/expected", ctx.org(), record.id),
                    action => format!("/o/{}/training/sessions/{}/roll-call", ctx.org(), record.id),
                },
            }
        }
        "asset" => {
            // The last 50 handling records, newest first, and the way to add one.
            let h = &registers::HANDLING_RECORDS;
            let (heads, rows, total) = record_table(
                state,
                ctx,
                h,
                &ListQuery {
                    filters: vec![("asset".into(), key("code"))],
                    sort: Some("occurred_on".into()),
                    desc: true,
                    limit: 50,
                    ..Default::default()
                },
                &[
                    "occurred_on",
                    "kind",
                    "person",
                    "method",
                    "protection",
                    "recipient",
                ],
            )
            .await?;
            context! {
                handling => context! {
                    heads, rows, total,
                    all_href => format!("/o/{}/handling-records?asset={}", ctx.org(), crate::error::url_escape(&key("code"))),
                    new_href => can_create(&ctx.access, h).then(|| format!("/o/{}/handling-records/new?asset={}", ctx.org(), crate::error::url_escape(&key("code")))),
                },
            }
        }
        "security_event" => {
            // The workflow as steps: where the event is, and what the next step asks for.
            let status = key("status");
            let at = registers::EVENT_STATUSES
                .iter()
                .position(|s| *s == status)
                .unwrap_or(0);
            let steps: Vec<Value> = registers::EVENT_STATUSES
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    context! {
                        label => i18n::choice_label(ctx.lang, "status", s),
                        done => i < at, current => i == at,
                    }
                })
                .collect();
            context! {
                steps => context! {
                    steps,
                    hint => i18n::t(ctx.lang, &format!("event-step-hint-{status}")),
                    edit_href => state.store.may_write(&ctx.access, reg, record).await?.then(|| format!("/o/{}/{}/{}/edit", ctx.org(), reg.collection, record.id)),
                },
            }
        }
        "notice" => {
            let status = state.store.notice_status(&ctx.access, record.id).await?;
            context! {
                notice => context! {
                    can_acknowledge => status.in_audience && status.read_on.is_none() && record.withdrawn_at.is_none(),
                    read_on => status.read_on.map(|d| mamori_domain::dates::format_date(d, ctx.style, ctx.lang)),
                    action => format!("/o/{}/notices/{}/read", ctx.org(), record.id),
                    read => status.read, total => status.total,
                    unread => status.unread,
                },
            }
        }
        "risk" => {
            // A risk staff must know is briefed in a notice; then its reads are shown here.
            let briefing = match state.store.risk_notice(&ctx.access, record.id).await? {
                Some(id) => {
                    let status = state.store.notice_status(&ctx.access, id).await?;
                    Some(context! {
                        href => format!("/o/{}/notices/{id}", ctx.org()),
                        read => status.read, total => status.total,
                    })
                }
                None => None,
            };
            let can_brief = briefing.is_none()
                && record.withdrawn_at.is_none()
                && can_create(&ctx.access, &registers::NOTICES)
                && state.store.may_write(&ctx.access, reg, record).await?;
            context! {
                briefing,
                brief => can_brief.then(|| format!("/o/{}/risks/{}/brief", ctx.org(), record.id)),
            }
        }
        "meeting" => {
            // Minutes are published once; the notice is then among the related records.
            let publishable = can_create(&ctx.access, &registers::NOTICES)
                && state.store.may_write(&ctx.access, reg, record).await?
                && !key("minutes").is_empty()
                && record.withdrawn_at.is_none()
                && state
                    .store
                    .minutes_notice(&ctx.access, record.id)
                    .await?
                    .is_none();
            context! {
                publish => publishable
                    .then(|| format!("/o/{}/meetings/{}/publish", ctx.org(), record.id)),
            }
        }
        "test_attempt" => context! {
            links => vec![link("attempt-open-paper", format!("/o/{}/tests/attempts/{}", ctx.org(), record.id))],
        },
        "course" => {
            let mut links = Vec::new();
            if mamori_store::records::can_read(&ctx.access, &registers::TEST_QUESTIONS) {
                links.push(link(
                    "course-questions",
                    format!(
                        "/o/{}/test-questions?course={}",
                        ctx.org(),
                        crate::error::url_escape(&key("code"))
                    ),
                ));
            }
            if ctx.access.person_id.is_some() {
                links.push(link("me-title", format!("/o/{}/me", ctx.org())));
            }
            context! { links }
        }
        _ => context! {},
    })
}

/// Some records of a register as a small table: the headings of `columns`, and per record its
/// cells (as the list shows them) and the address of its page; with the total matched.
pub async fn record_table(
    state: &AppState,
    ctx: &Ctx,
    reg: &'static Register,
    query: &ListQuery,
    columns: &[&str],
) -> Result<(Vec<String>, Vec<Value>, i64), AppError> {
    let page = state.store.list(&ctx.access, reg, query).await?;
    let heads = columns
        .iter()
        .map(|c| i18n::field_label(ctx.lang, reg, c))
        .collect();
    let rows = page
        .items
        .iter()
        .map(|r| {
            let cells: Vec<String> = columns
                .iter()
                .filter_map(|c| reg.position(c))
                .map(|i| cell_text(ctx, reg, r, i))
                .collect();
            context! { cells, href => record_href(ctx.org(), reg, r.id) }
        })
        .collect();
    Ok((heads, rows, page.total))
}

async fn detail_page(
    state: &AppState,
    ctx: &Ctx,
    reg: &Register,
    id: i64,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let record = state.store.get(&ctx.access, reg, id).await?;
    let history = state.store.history(&ctx.access, reg, id).await?;
    let related = related_records(state, ctx, reg, &record).await?;
    let warnings: Vec<String> = reg
        .warn
        .map(|warn| {
            warn(&record.values)
                .iter()
                .map(|e| i18n::field_error(ctx.lang, Some(reg), e))
                .collect()
        })
        .unwrap_or_default();
    let panels = panels(state, ctx, reg, &record).await?;
    let fields: Vec<Value> = reg
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let href = match (f.kind, &record.values[i]) {
                (FieldKind::Ref(target), FieldValue::Text(key)) => Some(format!("/o/{}/{}?q={}", ctx.org(), target, crate::error::url_escape(key))),
                _ => None,
            };
            context! { label => i18n::field_label(ctx.lang, reg, f.name), text => cell_text(ctx, reg, &record, i), href }
        })
        .collect();
    let history: Vec<Value> = history
        .iter()
        .map(|h| {
            // In the form's order; a field left empty on both sides is no change to show.
            let mut changes: Vec<(usize, Value)> = h
                .changes
                .iter()
                .filter_map(|c| {
                    let show = |v: &Option<serde_json::Value>| match v {
                        Some(serde_json::Value::String(s)) => match reg.field(&c.field).map(|f| f.kind) {
                            Some(FieldKind::Choice(_)) => i18n::choice_label(ctx.lang, &c.field, s),
                            Some(FieldKind::Date) => mamori_domain::dates::parse_date(s)
                                .map(|d| mamori_domain::dates::format_date(d, ctx.style, ctx.lang))
                                .unwrap_or(s.clone()),
                            _ => s.clone(),
                        },
                        _ => String::new(),
                    };
                    let (before, after) = (show(&c.before), show(&c.after));
                    if before == after {
                        return None;
                    }
                    let order = reg.fields.iter().position(|f| f.name == c.field).unwrap_or(usize::MAX);
                    Some((order, context! { field => i18n::field_label(ctx.lang, reg, &c.field), before, after }))
                })
                .collect();
            changes.sort_by_key(|(order, _)| *order);
            let changes: Vec<Value> = changes.into_iter().map(|(_, v)| v).collect();
            context! {
                seq => h.seq,
                at => crate::pages::org::format_at(ctx, &h.at),
                actor => h.actor.clone(),
                action => i18n::t(ctx.lang, &format!("action-{}", h.action)),
                reason => h.reason.clone(),
                changes,
            }
        })
        .collect();
    render::page(
        ctx,
        "detail.html",
        context! {
            title => i18n::register_name(ctx.lang, reg),
            collection => reg.collection,
            id => record.id,
            record_title => title_of(ctx, reg, &record),
            fields, history, error,
            withdrawn => record.withdrawn_at.is_some(),
            withdrawn_reason => record.withdrawn_reason.clone(),
            withdrawn_at => record.withdrawn_at.map(|t| mamori_domain::dates::format_date(t.to_offset(mamori_domain::dates::JST).date(), ctx.style, ctx.lang)),
            can_write => state.store.may_write(&ctx.access, reg, &record).await?,
            documents => documents(ctx, reg, record.id),
            related, panels, warnings,
        },
        status,
    )
}

/// The PDFs a record prints as: its label, a key's receipt.
fn documents(ctx: &Ctx, reg: &Register, id: i64) -> Vec<Value> {
    let mut docs = Vec::new();
    if !reg.labels.is_empty() {
        docs.push(context! { id => "label-pdf", label => i18n::t(ctx.lang, "action-labels"), href => format!("/o/{}/{}/labels.pdf?id={id}", ctx.org(), reg.collection) });
    }
    if reg.code == registers::CUSTODY_KEYS.code {
        docs.push(context! { id => "receipt-pdf", label => i18n::t(ctx.lang, "action-receipt"), href => format!("/o/{}/{}/{id}/receipt.pdf", ctx.org(), reg.collection) });
    }
    docs
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection, id)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    detail_page(&state, &ctx, reg, parse_id(&id)?, None, StatusCode::OK).await
}

pub async fn withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection, id)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    let id = parse_id(&id)?;
    let input = form_input(&ctx, &body)?;
    let reason = input.get("reason").map(String::as_str).unwrap_or("");
    match state.store.withdraw(&ctx.access, reg, id, reason).await {
        Ok(_) => Ok(Redirect::to(&record_href(ctx.org(), reg, id)).into_response()),
        Err(mamori_store::StoreError::Invalid(errors)) => {
            let msg = errors
                .first()
                .map(|e| i18n::field_error(ctx.lang, Some(reg), e));
            detail_page(&state, &ctx, reg, id, msg, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn reinstate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection, id)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    let id = parse_id(&id)?;
    form_input(&ctx, &body)?;
    state.store.reinstate(&ctx.access, reg, id).await?;
    Ok(Redirect::to(&record_href(ctx.org(), reg, id)).into_response())
}

/// Every record the list's filters select (not just one page), for export.
pub async fn all_matching(
    state: &AppState,
    access: &mamori_store::Access,
    reg: &Register,
    params: &[(String, String)],
) -> Result<Vec<Record>, AppError> {
    let query = list_query(reg, params, &[])?;
    Ok(state.store.list_all(access, reg, &query).await?)
}

fn download(bytes: Vec<u8>, content_type: &str, filename: &str) -> Response {
    send_file(bytes, content_type, filename, "attachment")
}

/// A file as a response: `attachment` to save it, `inline` to open it (a PDF), named in ASCII and
/// in full (RFC 6266).
pub(crate) fn send_file(
    bytes: Vec<u8>,
    content_type: &str,
    filename: &str,
    disposition: &str,
) -> Response {
    let disposition = format!(
        "{disposition}; filename=\"{}\"; filename*=UTF-8''{}",
        filename.replace(
            |c: char| !c.is_ascii_alphanumeric() && c != '.' && c != '-',
            "_"
        ),
        crate::error::url_escape(filename)
    );
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

pub async fn export_xlsx(
    state: State<AppState>,
    ctx: Ctx,
    path: Path<(String, String)>,
    raw: RawQuery,
) -> Result<Response, AppError> {
    export(state, ctx, path, raw, "xlsx").await
}

pub async fn export_csv(
    state: State<AppState>,
    ctx: Ctx,
    path: Path<(String, String)>,
    raw: RawQuery,
) -> Result<Response, AppError> {
    export(state, ctx, path, raw, "csv").await
}

async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    format: &str,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    let params = pairs(raw.unwrap_or_default().as_bytes())?;
    let records = all_matching(&state, &ctx.access, reg, &params).await?;
    let sheet = Sheet::from_records(headers(ctx.lang, reg), &records);
    let name = format!(
        "{}-{}",
        reg.collection,
        mamori_domain::dates::iso(mamori_domain::dates::today())
    );
    match format {
        "xlsx" => Ok(download(
            sheet.to_xlsx(reg, &i18n::register_name(ctx.lang, reg))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &format!("{name}.xlsx"),
        )),
        "csv" => Ok(download(
            sheet.to_csv()?,
            "text/csv; charset=utf-8",
            &format!("{name}.csv"),
        )),
        _ => Err(AppError::NotFound),
    }
}

async fn import_page(
    ctx: &Ctx,
    reg: &Register,
    errors: Vec<Value>,
    done: Option<(String, String)>,
    status: StatusCode,
) -> Result<Response, AppError> {
    render::page(
        ctx,
        "import.html",
        context! {
            title => i18n::register_name(ctx.lang, reg),
            collection => reg.collection,
            columns => headers(ctx.lang, reg),
            codes => reg.fields.iter().map(|f| f.name).collect::<Vec<_>>(),
            layouts => !reg.layouts.is_empty(),
            starter => mamori_io::starter::REGISTERS.contains(&reg.collection),
            done => done.map(|(message, href)| context! { message, href }),
            errors,
        },
        status,
    )
}

pub async fn import_form(
    ctx: Ctx,
    Path((_, collection)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    if !can_create(&ctx.access, reg) {
        return Err(AppError::Forbidden);
    }
    import_page(&ctx, reg, Vec::new(), None, StatusCode::OK).await
}

/// Adds a register's reference data (`mamori_io::starter::REGISTERS`); what the organisation
/// already has is skipped.
pub async fn import_starter(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    if !mamori_io::starter::REGISTERS.contains(&reg.collection) {
        return Err(AppError::NotFound);
    }
    ctx.viewer.form(&body)?;
    if !can_create(&ctx.access, reg) {
        return Err(AppError::Forbidden);
    }
    let list = format!("/o/{}/{}", ctx.org(), reg.collection);
    let result = mamori_io::starter::load_register(&state.store, &ctx.access, reg)
        .await
        .map(|added| {
            let (records, related) = added.unwrap_or_default();
            let message = i18n::t_args(
                ctx.lang,
                &format!("{}-starter-done", reg.collection),
                &[
                    ("records", records.to_string()),
                    ("related", related.to_string()),
                ],
            );
            // What came in is reference data to confirm: the list of it, where there is a status.
            let href = match reg.field("status") {
                Some(_) => format!("{list}?status=reference"),
                None => list,
            };
            (message, href)
        });
    imported(&ctx, reg, result).await
}

pub async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection)): Path<(String, String)>,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let reg = register(&collection)?;
    let sheet = upload(&ctx, reg, multipart).await?;
    let alias = header_alias(reg);
    let result =
        mamori_io::sheet::import(&state.store, &ctx.access, reg, &sheet, &alias, &|_, _| {}).await;
    imported(&ctx, reg, result.map(|n| rows_done(&ctx, reg, n))).await
}

/// Sets the controls' Japanese titles from the organisation's own file (code and title columns).
pub async fn import_titles(
    State(state): State<AppState>,
    ctx: Ctx,
    multipart: Multipart,
) -> Result<Response, AppError> {
    let reg = &registers::CONTROLS;
    let sheet = upload(&ctx, reg, multipart).await?;
    let alias = header_alias(reg);
    let result = mamori_io::catalogue::load_titles(&state.store, &ctx.access, &sheet, &alias).await;
    imported(&ctx, reg, result.map(|n| rows_done(&ctx, reg, n))).await
}

/// The uploaded file of an import form (XLSX or CSV), once the form's token and the writer's
/// permission are checked. The body is held only up to the app's body limit (a little over
/// `MAX_IMPORT_BYTES`); past it, the answer is 413 naming the limit. The file is read off the
/// async workers: checking an archive inflates up to its limits.
async fn upload(ctx: &Ctx, reg: &Register, mut multipart: Multipart) -> Result<Sheet, AppError> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::OverLimit(
                "file-too-large",
                (mamori_io::sheet::MAX_IMPORT_BYTES / (1024 * 1024)) as u64,
            )
        } else {
            AppError::Refused(StatusCode::BAD_REQUEST, "file-unreadable")
        }
    };
    let mut csrf = None;
    let mut file: Option<(String, Bytes)> = None;
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name() {
            Some("csrf") => csrf = Some(field.text().await.map_err(bad)?),
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_lowercase();
                file = Some((name, field.bytes().await.map_err(bad)?));
            }
            _ => {}
        }
    }
    ctx.viewer.check_csrf(csrf.as_deref())?;
    if !can_create(&ctx.access, reg) {
        return Err(AppError::Forbidden);
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(AppError::Refused(StatusCode::BAD_REQUEST, "file-missing"));
    };
    let read = move || {
        if name.ends_with(".csv") || !bytes.starts_with(b"PK") {
            Sheet::from_csv(&bytes)
        } else {
            Sheet::from_xlsx(&bytes)
        }
    };
    Ok(tokio::task::spawn_blocking(read)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??)
}

/// What an import of `n` rows says, and the list it went into.
fn rows_done(ctx: &Ctx, reg: &Register, n: usize) -> (String, String) {
    (
        i18n::t_args(ctx.lang, "import-done", &[("count", n.to_string())]),
        format!("/o/{}/{}", ctx.org(), reg.collection),
    )
}

/// The import page after an import: what came in (a message and the list to see it), or every
/// refused cell.
async fn imported(
    ctx: &Ctx,
    reg: &'static Register,
    result: Result<(String, String), mamori_io::IoError>,
) -> Result<Response, AppError> {
    match result {
        Ok(done) => import_page(ctx, reg, Vec::new(), Some(done), StatusCode::OK).await,
        Err(mamori_io::IoError::Rows(rows)) => {
            let errors = rows
                .iter()
                .map(|r| {
                    let fe = FieldError { field: r.column.clone(), code: r.code, detail: r.detail.clone() };
                    let column = reg.field(&r.column).map(|f| i18n::field_label(ctx.lang, reg, f.name)).unwrap_or(r.column.clone());
                    context! { row => r.row, column, message => i18n::field_error(ctx.lang, Some(reg), &fe) }
                })
                .collect();
            import_page(ctx, reg, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}
