//! Security events (セキュリティ事象) Mamori records by itself: a write refused by a handling rule is an
//! attempt the ISMS wants to know of (DESIGN.md: "a violation attempt is refused … and recorded as a
//! security event").

use mamori_domain::register::Register;
use mamori_domain::registers::SECURITY_EVENTS;
use mamori_domain::{FieldError, Role};
use time::OffsetDateTime;

use crate::Store;
use crate::db::P;
use crate::error::StoreError;
use crate::org::Access;
use crate::records::{Input, insert_in};

/// Records a near miss when a person's write was refused by a handling rule: who, when, which asset,
/// what they tried and which rule refused it. Written in its own transaction, since the refused
/// write's was rolled back. Nothing is recorded for loads from the command line.
pub(crate) async fn record_refusal(
    store: &Store,
    access: &Access,
    reg: &Register,
    input: &Input,
    errors: &[FieldError],
) -> Result<(), StoreError> {
    let rules: Vec<&FieldError> = errors
        .iter()
        .filter(|e| e.code.starts_with("rule-"))
        .collect();
    let (Some(person), false) = (access.person_id, rules.is_empty()) else {
        return Ok(());
    };
    let mut tx = store.pool.begin().await?;
    let employee_no = tx
        .fetch_one(
            "SELECT employee_no FROM people WHERE id = $1",
            &[P::Int(person)],
        )
        .await?
        .text(0)?;
    let today = mamori_domain::dates::iso(OffsetDateTime::now_utc().date());
    let tried: Vec<String> = ["kind", "method", "protection", "recipient"]
        .iter()
        .filter_map(|f| {
            input
                .get(*f)
                .filter(|v| !v.trim().is_empty())
                .map(|v| format!("{f}={v}"))
        })
        .collect();
    let refused: Vec<String> = rules
        .iter()
        .map(|e| format!("{} ({})", e.code, e.detail.clone().unwrap_or_default()))
        .collect();
    let asset = input.get("asset").cloned().unwrap_or_default();
    let description = format!(
        "取扱いルールにより記録を拒否 / refused by a handling rule: {} {asset}: {}; {}",
        reg.code,
        tried.join(", "),
        refused.join(", ")
    );
    let event: Input = [
        ("kind", "near_miss"),
        ("occurred_on", today.as_str()),
        ("reported_on", today.as_str()),
        ("reporter", employee_no.as_str()),
        ("description", description.as_str()),
        ("cause", "human_error"),
        ("related", asset.as_str()),
        ("status", "reported"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    // Written on the person's behalf: they may not see the event register's other records, but the
    // audit trail names them.
    let recorder = Access {
        role: Role::IsmsManager,
        ..access.clone()
    };
    // `insert_in` appends the audit entry, as for any record.
    insert_in(&mut tx, &recorder, &SECURITY_EVENTS, &event, None).await?;
    tx.commit().await
}

/// Events of one kind in one department over a fiscal year (5.2(9) of the report).
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct EventCount {
    pub department: String,
    pub department_name: String,
    pub kind: String,
    pub count: i64,
}

/// How many of a department's events in a fiscal year were human error.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct CauseShare {
    pub department: String,
    pub department_name: String,
    pub human_error: i64,
    pub total: i64,
}

impl Store {
    /// Events per department (as recorded on the event) and kind in a fiscal year, as far as the
    /// reader may see (staff count their own reports).
    pub async fn event_counts(
        &self,
        access: &Access,
        fy: mamori_domain::FiscalYear,
    ) -> Result<Vec<EventCount>, StoreError> {
        let mut params = vec![
            P::Int(access.org_id()),
            P::Date(fy.start()),
            P::Date(fy.last_day()),
        ];
        let scope = crate::records::scope_condition(access, &SECURITY_EVENTS, &mut params)
            .map(|c| format!(" AND {c}"))
            .unwrap_or_default();
        let rows = self
            .pool
            .fetch_all(
                &format!(
                    "SELECT d.code, d.name, t.kind, COUNT(*) FROM security_events t \
                     JOIN departments d ON d.id = t.department_id \
                     WHERE t.org_id = $1 AND t.withdrawn_at IS NULL \
                       AND t.occurred_on >= $2 AND t.occurred_on <= $3{scope} \
                     GROUP BY d.code, d.name, t.kind ORDER BY d.code, t.kind"
                ),
                &params,
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(EventCount {
                    department: r.text(0)?,
                    department_name: r.text(1)?,
                    kind: r.text(2)?,
                    count: r.i64(3)?,
                })
            })
            .collect()
    }

    /// Human-error events against all events per department in a fiscal year (the report's claim
    /// that the share keeps falling is checked against these).
    pub async fn human_error_share(
        &self,
        access: &Access,
        fy: mamori_domain::FiscalYear,
    ) -> Result<Vec<CauseShare>, StoreError> {
        let mut params = vec![
            P::Int(access.org_id()),
            P::Date(fy.start()),
            P::Date(fy.last_day()),
        ];
        let scope = crate::records::scope_condition(access, &SECURITY_EVENTS, &mut params)
            .map(|c| format!(" AND {c}"))
            .unwrap_or_default();
        let rows = self
            .pool
            .fetch_all(
                &format!(
                    "SELECT d.code, d.name, SUM(CASE WHEN t.cause = 'human_error' THEN 1 ELSE 0 END), COUNT(*) \
                     FROM security_events t JOIN departments d ON d.id = t.department_id \
                     WHERE t.org_id = $1 AND t.withdrawn_at IS NULL \
                       AND t.occurred_on >= $2 AND t.occurred_on <= $3{scope} \
                     GROUP BY d.code, d.name ORDER BY d.code"
                ),
                &params,
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(CauseShare {
                    department: r.text(0)?,
                    department_name: r.text(1)?,
                    human_error: r.i64(2)?,
                    total: r.i64(3)?,
                })
            })
            .collect()
    }
}
