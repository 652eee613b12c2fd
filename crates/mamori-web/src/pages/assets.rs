//! Asset pages beyond the generic register pages: what is overdue, label sheets (PDF with a QR
//! code per label) and the numbered key receipt (鍵預り証).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use mamori_domain::registers;
use minijinja::context;

use crate::error::AppError;
use crate::pages::registers::field_text;
use crate::pages::{pairs, parse_id};
use crate::session::Ctx;
use crate::{AppState, i18n, render};

/// More labels than this on one sheet is refused: filter the list first.
pub const MAX_LABELS: usize = 5000;

/// Take-outs not returned, devices late for patches or password changes, keys due for inspection.
pub async fn overdue(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let today = mamori_domain::dates::today();
    let o = state.store.overdue(&ctx.access, today).await?;
    let date = |d: time::Date| mamori_domain::dates::format_date(d, ctx.style, ctx.lang);
    let org = ctx.org();
    let take_outs: Vec<_> = o
        .take_outs
        .iter()
        .map(|r| {
            context! {
                asset => format!("{} ({})", r.asset_name, r.asset),
                href => format!("/o/{org}/assets/{}", r.asset_id),
                record_href => format!("/o/{org}/handling-records/{}", r.record_id),
                person => r.person_name.as_ref().map(|n| format!("{n} ({})", r.person.clone().unwrap_or_default())),
                taken_on => date(r.taken_on),
                due_back => r.due_back.map(date),
            }
        })
        .collect();
    let devices: Vec<_> = o
        .devices
        .iter()
        .map(|d| {
            context! {
                label => d.label.clone(), name => d.name.clone(), user => d.user.clone(),
                href => format!("/o/{org}/devices/{}", d.id),
                patched_on => d.patched_on.map(date), password_changed_on => d.password_changed_on.map(date),
                patch_late => d.patch_late, password_late => d.password_late,
            }
        })
        .collect();
    let keys: Vec<_> = o
        .keys
        .iter()
        .map(|k| {
            context! {
                receipt_no => k.receipt_no.clone(), customer => k.customer.clone(), building => k.building.clone(),
                href => format!("/o/{org}/custody-keys/{}", k.id),
                last => k.last_inspected_on.map(date),
            }
        })
        .collect();
    // The late things that are each a code, a title, an owner and a date, one table each:
    // (heading key, table id, list, register of the linked records, code heading, title heading,
    // date heading).
    let section = |key: &str,
                   id: &str,
                   items: &[mamori_store::overdue::LateAction],
                   collection: &str,
                   heads: [&str; 4]| {
        let rows: Vec<_> = items
            .iter()
            .map(|a| {
                context! {
                    code => a.code.clone(), title => a.title.clone(), owner => a.owner.clone(),
                    href => format!("/o/{org}/{collection}/{}", a.id),
                    due_on => date(a.due_on),
                }
            })
            .collect();
        context! {
            title => i18n::t(ctx.lang, key), id, rows,
            heads => heads.iter().map(|h| i18n::t(ctx.lang, h)).collect::<Vec<_>>(),
        }
    };
    let sections = vec![
        section(
            "overdue-risks",
            "overdue-risks",
            &o.risks,
            "risks",
            ["risk-code", "risk-threat", "risk-owner", "risk-due_on"],
        ),
        section(
            "overdue-actions",
            "overdue-actions",
            &o.actions,
            "corrective-actions",
            [
                "corrective_action-code",
                "corrective_action-title",
                "corrective_action-owner",
                "corrective_action-due_on",
            ],
        ),
        section(
            "overdue-meeting-actions",
            "overdue-meeting-actions",
            &o.meeting_actions,
            "meeting-items",
            [
                "meeting_item-meeting",
                "meeting_item-content",
                "meeting_item-owner",
                "meeting_item-due_on",
            ],
        ),
        section(
            "overdue-law-changes",
            "overdue-law-changes",
            &o.law_changes,
            "law-changes",
            [
                "law_change-code",
                "law_change-requirement",
                "requirement-owner",
                "law_change-effective_on",
            ],
        ),
        section(
            "overdue-certificates",
            "overdue-certificates",
            &o.certificates,
            "certificates",
            [
                "certificate-registration_no",
                "certificate-standard",
                "todo-owner",
                "overdue-expiry",
            ],
        ),
        section(
            "overdue-guarantees",
            "overdue-guarantees",
            &o.guarantees,
            "people",
            [
                "person-employee_no",
                "person-name",
                "todo-owner",
                "overdue-guarantee-limit",
            ],
        ),
        section(
            "overdue-objectives-without-target",
            "overdue-untargeted",
            &o.untargeted,
            "objectives",
            [
                "objective-code",
                "objective-title",
                "objective-owner",
                "objective-fiscal_year",
            ],
        ),
    ];
    render::page(
        &ctx,
        "overdue.html",
        context! {
            today => date(today),
            take_out_days => ctx.access.org.settings.asset_rules.take_out_days,
            cycles => {
                let c = ctx.access.org.settings.cycles;
                [("settings-patch-days", c.patch_days), ("settings-password-days", c.password_days), ("settings-inspection-days", c.inspection_days)]
                    .iter()
                    .map(|(k, d)| format!("{} {d}", i18n::t(ctx.lang, k)))
                    .collect::<Vec<_>>()
                    .join(" / ")
            },
            certificate_days => ctx.access.org.settings.cycles.certificate_first_days,
            take_outs, devices, keys, sections,
        },
        StatusCode::OK,
    )
}

/// The address links printed on paper start with: the configured public address, or the request's
/// host.
pub(crate) fn public_base(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.config.public_url {
        return url.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

fn pdf(bytes: Vec<u8>, filename: &str) -> Response {
    crate::pages::registers::send_file(bytes, "application/pdf", filename, "inline")
}

async fn typeset<F>(f: F) -> Result<Vec<u8>, AppError>
where
    F: FnOnce() -> Result<Vec<u8>, mamori_report::ReportError> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// A sheet of labels for the records the list shows with the same filters: the code, the title and
/// the declared fields, and a QR code linking to the record's page.
pub async fn labels(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, collection)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let reg = crate::pages::registers::register(&collection)?;
    if !mamori_store::records::can_read(&ctx.access, reg) {
        return Err(AppError::Forbidden);
    }
    if reg.labels.is_empty() {
        return Err(AppError::NotFound);
    }
    let params = pairs(raw.unwrap_or_default().as_bytes())?;
    // One record's label (`?id=`), or those of every record the list's filters match.
    let records = match params.iter().find(|(k, _)| k == "id") {
        Some((_, id)) => vec![state.store.get(&ctx.access, reg, parse_id(id)?).await?],
        None => crate::pages::registers::all_matching(&state, &ctx.access, reg, &params).await?,
    };
    if records.len() > MAX_LABELS {
        return Err(AppError::Refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "too-many-labels",
        ));
    }
    let base = format!(
        "{}/o/{}/{}",
        public_base(&state, &headers),
        ctx.org(),
        reg.collection
    );
    let key = reg.natural_key.unwrap_or(reg.title_field);
    let text = |r: &mamori_store::Record, name: &str| field_text(&ctx, reg, r, name);
    let labels: Vec<mamori_report::Label> = records
        .iter()
        .map(|r| mamori_report::Label {
            code: text(r, key),
            title: if reg.title_field == key {
                String::new()
            } else {
                text(r, reg.title_field)
            },
            lines: reg
                .labels
                .iter()
                .filter(|name| **name != reg.title_field)
                .filter_map(|name| {
                    let value = text(r, name);
                    (!value.is_empty())
                        .then(|| format!("{}: {value}", i18n::field_label(ctx.lang, reg, name)))
                })
                .collect(),
            link: format!("{base}/{}", r.id),
        })
        .collect();
    let title = i18n::t_args(
        ctx.lang,
        "labels-title",
        &[("register", i18n::register_name(ctx.lang, reg))],
    );
    let lang = ctx.lang;
    let today = mamori_domain::dates::today();
    let bytes = typeset(move || mamori_report::label_sheet(lang, &title, &labels, today)).await?;
    Ok(pdf(
        bytes,
        &format!(
            "labels-{}-{}.pdf",
            reg.collection,
            mamori_domain::dates::iso(today)
        ),
    ))
}

/// 鍵預り証: the numbered receipt for a key in custody, given to the customer.
pub async fn key_receipt(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let reg = &registers::CUSTODY_KEYS;
    let record = state.store.get(&ctx.access, reg, parse_id(&id)?).await?;
    let lang = ctx.lang;
    let text = |name: &str| field_text(&ctx, reg, &record, name);
    let row = |name: &str| (i18n::field_label(lang, reg, name), text(name));
    let mut rows = vec![
        row("building"),
        row("description"),
        (
            i18n::field_label(lang, reg, "count"),
            i18n::t_args(lang, "receipt-count", &[("count", text("count"))]),
        ),
        row("storage"),
        row("received_on"),
        row("custodian"),
    ];
    if !text("returned_on").is_empty() {
        rows.push(row("returned_on"));
    }
    let number = text("receipt_no");
    let today = mamori_domain::dates::today();
    let receipt = mamori_report::KeyReceipt {
        lang,
        title: i18n::t(lang, "receipt-title"),
        number: number.clone(),
        issued: mamori_domain::dates::format_date(today, ctx.style, lang),
        addressee: i18n::t_args(lang, "receipt-addressee", &[("record", text("customer"))]),
        statement: i18n::t(lang, "receipt-statement"),
        rows,
        issuer: vec![ctx.org_name(lang), i18n::t(lang, "receipt-issuer")],
        notes: vec![
            i18n::t(lang, "receipt-note-storage"),
            i18n::t(lang, "receipt-note-return"),
            i18n::t(lang, "receipt-note-loss"),
        ],
        seal: i18n::t(lang, "receipt-seal"),
    };
    let bytes = typeset(move || mamori_report::key_receipt(&receipt, today)).await?;
    let safe: String = number
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(pdf(bytes, &format!("key-receipt-{safe}.pdf")))
}

/// The PDFs this area's records print as, besides their labels: a key's custody receipt.
pub(crate) fn documents(
    ctx: &crate::session::Ctx,
    reg: &mamori_domain::register::Register,
    id: i64,
) -> Option<minijinja::Value> {
    (reg.code == mamori_domain::registers::CUSTODY_KEYS.code).then(|| {
        minijinja::context! { id => "receipt-pdf", label => crate::i18n::t(ctx.lang, "action-receipt"), href => format!("/o/{}/{}/{id}/receipt.pdf", ctx.org(), reg.collection) }
    })
}

/// The panels this area adds to its records' pages (the generic record page asks each area).
pub(crate) async fn panel(
    state: &crate::AppState,
    ctx: &crate::session::Ctx,
    reg: &mamori_domain::register::Register,
    record: &mamori_store::Record,
) -> Result<Option<minijinja::Value>, crate::error::AppError> {
    use {
        crate::pages::registers::record_table, mamori_domain::registers, mamori_store::ListQuery,
        mamori_store::records::can_create, minijinja::context,
    };
    Ok(Some(match reg.code {
        "asset" => {
            // The last 50 handling records, newest first, and the way to add one.
            let h = &registers::HANDLING_RECORDS;
            let (heads, rows, total) = record_table(
                state,
                ctx,
                h,
                &ListQuery {
                    filters: vec![("asset".into(), reg.text(&record.values, "code"))],
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
            // A member who is not yet a handler asks to become one (staff for themselves).
            let request_href = can_create(&ctx.access, &registers::HANDLER_REQUESTS).then(|| {
                format!(
                    "/o/{}/handler-requests/new?asset={}",
                    ctx.org(),
                    crate::error::url_escape(&reg.text(&record.values, "code"))
                )
            });
            context! {
                request_href,
                handling => context! {
                    heads, rows, total,
                    all_href => format!("/o/{}/handling-records?asset={}", ctx.org(), crate::error::url_escape(&reg.text(&record.values, "code"))),
                    new_href => can_create(&ctx.access, h).then(|| format!("/o/{}/handling-records/new?asset={}", ctx.org(), crate::error::url_escape(&reg.text(&record.values, "code")))),
                },
            }
        }
        "handler_request" => {
            // The decision, for the asset's department's appointed manager while it waits.
            let waiting = reg.text(&record.values, "request_status") == "requested"
                && record.withdrawn_at.is_none();
            let may = waiting
                && state
                    .store
                    .may_decide_request(&ctx.access, record.id)
                    .await?;
            context! {
                decide => may.then(|| format!("/o/{}/{}/{}/decide", ctx.org(), reg.collection, record.id)),
                waiting,
            }
        }
        _ => return Ok(None),
    }))
}

/// `POST /o/{org}/handler-requests/{id}/decide`: the manager approves (`decision=approve`, which
/// writes the grant) or rejects (`decision=reject`, a comment required) a handler request.
pub async fn decide_request(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    use mamori_store::assets::Decision;
    let form = ctx.viewer.form(&body)?;
    let id = parse_id(&id)?;
    // Who may not see the request learns nothing (404); who sees it but is not its asset's
    // department's appointed manager is refused, saying so.
    state
        .store
        .get(&ctx.access, &registers::HANDLER_REQUESTS, id)
        .await?;
    if !state.store.may_decide_request(&ctx.access, id).await? {
        return Err(AppError::Refused(StatusCode::FORBIDDEN, "not-the-decider"));
    }
    for name in ["decision", "comment"] {
        if form.iter().filter(|(k, _)| k == name).count() > 1 {
            return Err(AppError::Invalid(vec![mamori_domain::FieldError::new(
                name,
                "repeated-parameter",
            )]));
        }
    }
    let decision = match crate::pages::get(&form, "decision") {
        Some("approve") => Decision::Approve,
        Some("reject") => Decision::Reject,
        _ => {
            return Err(AppError::Invalid(vec![mamori_domain::FieldError::new(
                "decision",
                "invalid-choice",
            )]));
        }
    };
    let comment = crate::pages::get(&form, "comment").unwrap_or("");
    match state
        .store
        .decide_handler_request(&ctx.access, id, decision, comment)
        .await
    {
        Ok(_) => {}
        // Said on the request's page: a missing comment, or what the grant lacks (the person not
        // yet eligible, no identity guarantee for a strictly confidential asset).
        Err(mamori_store::StoreError::Invalid(errors)) => {
            let msg = errors
                .iter()
                .map(|e| {
                    let reg = if registers::HANDLER_REQUESTS.field(&e.field).is_some()
                        && matches!(e.field.as_str(), "comment" | "decided_by")
                    {
                        &registers::HANDLER_REQUESTS
                    } else {
                        &registers::ASSET_HANDLERS
                    };
                    i18n::field_error(ctx.lang, Some(reg), e)
                })
                .collect::<Vec<_>>()
                .join(" ");
            return crate::pages::registers::detail_page(
                &state,
                &ctx,
                &registers::HANDLER_REQUESTS,
                id,
                Some(msg),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    }
    let said = match decision {
        Decision::Approve => "approved",
        Decision::Reject => "rejected",
    };
    Ok(Redirect::to(&format!(
        "/o/{}/handler-requests/{id}?decided={said}",
        ctx.org()
    ))
    .into_response())
}
