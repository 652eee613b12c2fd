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
