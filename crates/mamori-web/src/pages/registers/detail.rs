//! A record's page: its fields, related records, the panels of its area, withdrawal and reinstatement.

#[allow(unused_imports)]
use super::*;

/// The records of other registers that refer to this one (a session's attendance, a person's NDAs),
/// each group counted and linked as a filtered list: found from the declarations, not written per page.
pub(super) async fn related_records(
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
pub(super) async fn panels(
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
            let at =
                registers::EventStatus::parse(&status).unwrap_or(registers::EventStatus::Reported);
            let steps: Vec<Value> = registers::EventStatus::ALL
                .into_iter()
                .map(|s| {
                    context! {
                        label => i18n::choice_label(ctx.lang, "status", s.code()),
                        done => s < at, current => s == at,
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

pub(super) async fn detail_page(
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
pub(super) fn documents(ctx: &Ctx, reg: &Register, id: i64) -> Vec<Value> {
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
