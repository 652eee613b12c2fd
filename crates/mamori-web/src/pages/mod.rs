//! Pages: one module per screen group. The folder tree follows the URL map.

pub mod account;
pub mod assets;
pub mod events;
pub mod invite;
pub mod operations;
pub mod org;
pub mod plan;
pub mod registers;
pub mod report;
pub mod reset;
pub mod risk;
pub mod search;
pub mod setup;
pub mod training;

use crate::error::AppError;

/// An entry of the menu: a register or page, in its area (`group`, whose landing page is
/// `/o/{org}/areas/{group}`).
pub struct Area {
    pub key: &'static str,
    pub path: &'static str,
    pub group: &'static str,
    /// What a member must be allowed to open it (a register's page asks its reading instead).
    pub needs: Option<mamori_domain::Capability>,
}

pub const AREAS: &[Area] = &[
    Area {
        key: "me-title",
        path: "me",
        group: "mine",
        needs: None,
    },
    Area {
        key: "todo-page-title",
        path: "todo",
        group: "mine",
        needs: None,
    },
    Area {
        key: "plan-title",
        path: "plan",
        group: "plan",
        needs: None,
    },
    Area {
        key: "register-task",
        path: "tasks",
        group: "plan",
        needs: None,
    },
    Area {
        key: "register-duty",
        path: "duties",
        group: "plan",
        needs: None,
    },
    Area {
        key: "register-department",
        path: "departments",
        group: "organization",
        needs: None,
    },
    Area {
        key: "register-person",
        path: "people",
        group: "organization",
        needs: None,
    },
    Area {
        key: "register-appointment",
        path: "appointments",
        group: "organization",
        needs: None,
    },
    Area {
        key: "chart-title",
        path: "organization-chart",
        group: "organization",
        needs: None,
    },
    Area {
        key: "directory-title",
        path: "directory",
        group: "organization",
        needs: None,
    },
    Area {
        key: "register-pledge",
        path: "pledges",
        group: "organization",
        needs: None,
    },
    Area {
        key: "register-identity_guarantee",
        path: "identity-guarantees",
        group: "organization",
        needs: None,
    },
    Area {
        key: "register-course",
        path: "courses",
        group: "training",
        needs: None,
    },
    Area {
        key: "register-training_plan",
        path: "training-plans",
        group: "training",
        needs: None,
    },
    Area {
        key: "register-training_session",
        path: "training-sessions",
        group: "training",
        needs: None,
    },
    Area {
        key: "register-attendance",
        path: "attendances",
        group: "training",
        needs: None,
    },
    Area {
        key: "register-external_seminar",
        path: "external-seminars",
        group: "training",
        needs: None,
    },
    Area {
        key: "register-seminar_attendee",
        path: "seminar-attendees",
        group: "training",
        needs: None,
    },
    Area {
        key: "register-test_question",
        path: "test-questions",
        group: "training",
        needs: None,
    },
    Area {
        key: "register-test_attempt",
        path: "test-attempts",
        group: "training",
        needs: None,
    },
    Area {
        key: "completion-title",
        path: "training/completion",
        group: "training",
        needs: Some(mamori_domain::Capability::ReadAboutOthers),
    },
    Area {
        key: "register-asset",
        path: "assets",
        group: "assets",
        needs: None,
    },
    Area {
        key: "register-asset_handler",
        path: "asset-handlers",
        group: "assets",
        needs: None,
    },
    Area {
        key: "register-handler_request",
        path: "handler-requests",
        group: "assets",
        needs: None,
    },
    Area {
        key: "register-handling_record",
        path: "handling-records",
        group: "assets",
        needs: None,
    },
    Area {
        key: "register-disposal",
        path: "disposals",
        group: "assets",
        needs: None,
    },
    Area {
        key: "register-approved_contractor",
        path: "approved-contractors",
        group: "assets",
        needs: None,
    },
    Area {
        key: "register-device",
        path: "devices",
        group: "assets",
        needs: None,
    },
    Area {
        key: "register-cable",
        path: "cables",
        group: "assets",
        needs: None,
    },
    Area {
        key: "register-custody_key",
        path: "custody-keys",
        group: "assets",
        needs: None,
    },
    Area {
        key: "register-key_inspection",
        path: "key-inspections",
        group: "assets",
        needs: None,
    },
    Area {
        key: "overdue-title",
        path: "overdue",
        group: "assets",
        needs: None,
    },
    Area {
        key: "register-security_event",
        path: "security-events",
        group: "events",
        needs: None,
    },
    Area {
        key: "register-corrective_action",
        path: "corrective-actions",
        group: "events",
        needs: None,
    },
    Area {
        key: "register-complaint",
        path: "complaints",
        group: "events",
        needs: None,
    },
    Area {
        key: "events-title",
        path: "event-figures",
        group: "events",
        needs: Some(mamori_domain::Capability::ReadAboutOthers),
    },
    Area {
        key: "register-audit",
        path: "audits",
        group: "audit",
        needs: None,
    },
    Area {
        key: "programme-title",
        path: "audit-programme",
        group: "audit",
        needs: Some(mamori_domain::Capability::ReadAboutOthers),
    },
    Area {
        key: "register-finding",
        path: "findings",
        group: "audit",
        needs: None,
    },
    Area {
        key: "register-audit_team_member",
        path: "audit-team",
        group: "audit",
        needs: None,
    },
    Area {
        key: "register-audit_check",
        path: "audit-checks",
        group: "audit",
        needs: None,
    },
    Area {
        key: "register-certificate",
        path: "certificates",
        group: "audit",
        needs: None,
    },
    Area {
        key: "register-management_review",
        path: "management-reviews",
        group: "audit",
        needs: None,
    },
    Area {
        key: "register-review_input",
        path: "review-inputs",
        group: "audit",
        needs: None,
    },
    Area {
        key: "register-review_output",
        path: "review-outputs",
        group: "audit",
        needs: None,
    },
    Area {
        key: "self-assessment-title",
        path: "self-assessment",
        group: "audit",
        needs: None,
    },
    Area {
        key: "register-ipa_question",
        path: "ipa-questions",
        group: "audit",
        needs: None,
    },
    Area {
        key: "register-notice",
        path: "notices",
        group: "meetings",
        needs: None,
    },
    Area {
        key: "register-notice_read",
        path: "notice-reads",
        group: "meetings",
        needs: None,
    },
    Area {
        key: "register-meeting",
        path: "meetings",
        group: "meetings",
        needs: None,
    },
    Area {
        key: "register-meeting_item",
        path: "meeting-items",
        group: "meetings",
        needs: None,
    },
    Area {
        key: "register-objective",
        path: "objectives",
        group: "governance",
        needs: None,
    },
    Area {
        key: "register-objective_result",
        path: "objective-results",
        group: "governance",
        needs: None,
    },
    Area {
        key: "register-requirement",
        path: "requirements",
        group: "governance",
        needs: None,
    },
    Area {
        key: "register-requirement_review",
        path: "requirement-reviews",
        group: "governance",
        needs: None,
    },
    Area {
        key: "register-law_change",
        path: "law-changes",
        group: "governance",
        needs: None,
    },
    Area {
        key: "register-control",
        path: "controls",
        group: "risk",
        needs: None,
    },
    Area {
        key: "register-control_2013",
        path: "controls-2013",
        group: "risk",
        needs: None,
    },
    Area {
        key: "register-external_incident_review",
        path: "external-incident-reviews",
        group: "risk",
        needs: None,
    },
    Area {
        key: "register-change_assessment",
        path: "change-assessments",
        group: "risk",
        needs: None,
    },
    Area {
        key: "register-relaxation_review",
        path: "relaxation-reviews",
        group: "risk",
        needs: None,
    },
    Area {
        key: "register-risk",
        path: "risks",
        group: "risk",
        needs: None,
    },
    Area {
        key: "soa-title",
        path: "soa",
        group: "risk",
        needs: None,
    },
    Area {
        key: "register-internal_rule",
        path: "internal-rules",
        group: "risk",
        needs: None,
    },
    Area {
        key: "register-continuity_scenario",
        path: "continuity-scenarios",
        group: "risk",
        needs: None,
    },
    Area {
        key: "register-drill",
        path: "drills",
        group: "risk",
        needs: None,
    },
    Area {
        key: "register-facility_assessment",
        path: "facility-assessments",
        group: "risk",
        needs: None,
    },
    Area {
        key: "register-facility_criterion",
        path: "facility-criteria",
        group: "risk",
        needs: None,
    },
    Area {
        key: "area-report",
        path: "report",
        group: "report",
        needs: None,
    },
    Area {
        key: "nav-members",
        path: "members",
        group: "system",
        needs: Some(mamori_domain::Capability::ReadAuditTrail),
    },
    Area {
        key: "nav-audit",
        path: "audit",
        group: "system",
        needs: Some(mamori_domain::Capability::ReadAuditTrail),
    },
    Area {
        key: "outbox-title",
        path: "outbox",
        group: "system",
        needs: Some(mamori_domain::Capability::ReadAuditTrail),
    },
    Area {
        key: "nav-settings",
        path: "settings",
        group: "system",
        needs: Some(mamori_domain::Capability::ChangeSettings),
    },
];

/// The twelve months to choose a fiscal year's first month from, `selected` chosen.
pub fn month_options(lang: mamori_domain::Lang, selected: u8) -> Vec<minijinja::Value> {
    (1..=12u8)
        .map(|m| {
            minijinja::context! {
                value => m,
                label => crate::i18n::month(lang, m),
                selected => m == selected,
            }
        })
        .collect()
}

/// Whether the page's query has `name=value` (what a redirect after a save says it did).
pub fn query_says(query: &str, name: &str) -> Option<String> {
    pairs(query.as_bytes())
        .ok()
        .and_then(|p| get(&p, name).map(str::to_string))
}

/// Decodes an `application/x-www-form-urlencoded` body or a query string into pairs.
pub fn pairs(raw: &[u8]) -> Result<Vec<(String, String)>, AppError> {
    serde_urlencoded::from_bytes(raw)
        .map_err(|_| AppError::Refused(axum::http::StatusCode::BAD_REQUEST, "bad-request"))
}

pub fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The page number of a paged list: 1 unless a sensible number is given.
pub fn page_number(pairs: &[(String, String)]) -> i64 {
    get(pairs, "page")
        .and_then(|p| mamori_domain::input::normalize(p).parse::<i64>().ok())
        .unwrap_or(1)
        .clamp(1, 1_000_000)
}

/// A record id from a URL: ASCII digits only (ids come from the app's own links, not from typing).
pub fn parse_id(raw: &str) -> Result<i64, AppError> {
    Some(raw)
        .filter(|r| !r.is_empty() && r.len() <= 18 && r.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|r| r.parse::<i64>().ok())
        .filter(|i| *i > 0)
        .ok_or(AppError::NotFound)
}

/// The page a member gets when their role may not open a page of their organisation: inside the
/// organisation's frame (menu, header), saying why and whom to ask. `None` when the member cannot
/// be read (then the plain error page answers).
pub async fn refused(
    state: &crate::AppState,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
    err: &crate::error::AppError,
) -> Option<axum::response::Response> {
    use axum::extract::FromRequestParts;
    let (mut parts, ()) = axum::http::Request::builder()
        .uri(uri)
        .body(())
        .ok()?
        .into_parts();
    parts.headers = headers;
    let ctx = crate::session::Ctx::from_request_parts(&mut parts, state)
        .await
        .ok()?;
    let role = crate::i18n::t(ctx.lang, &format!("role-{}", ctx.access.role.code()));
    crate::render::page(
        &ctx,
        "refused.html",
        minijinja::context! {
            message => err.message(ctx.lang),
            why => crate::i18n::t_args(ctx.lang, "refused-why", &[("role", role)]),
        },
        axum::http::StatusCode::FORBIDDEN,
    )
    .ok()
}

/// The member's own department, by code: their membership's, or their person's (a member of staff
/// has the department of their person). `None` when neither names one the member may read.
pub async fn own_department(state: &crate::AppState, ctx: &crate::session::Ctx) -> Option<String> {
    use mamori_domain::registers::{DEPARTMENTS, PEOPLE};
    match (ctx.access.department_id, ctx.access.person_id) {
        (Some(id), _) => {
            let d = state.store.get(&ctx.access, &DEPARTMENTS, id).await.ok()?;
            d.value(&DEPARTMENTS, "code").map(|v| v.to_plain())
        }
        (None, Some(person)) => {
            let p = state.store.get(&ctx.access, &PEOPLE, person).await.ok()?;
            p.value(&PEOPLE, "department").map(|v| v.to_plain())
        }
        (None, None) => None,
    }
}
