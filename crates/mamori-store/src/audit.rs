//! The append-only, hash-chained audit trail. Every write appends here in its own transaction;
//! each row's hash covers the row and the previous hash, so a changed or removed row breaks the chain.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::db::{P, Pool, Row, Tx};
use crate::error::StoreError;

/// Who did it: a signed-in user, or the command line.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub label: String,
}

impl Actor {
    pub fn cli(what: &str) -> Self {
        Actor {
            user_id: None,
            label: format!("cli:{what}"),
        }
    }
}

pub struct Entry<'a> {
    pub org_id: Option<i64>,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub action: &'a str,
    pub reason: Option<&'a str>,
    pub before: Option<&'a serde_json::Value>,
    pub after: Option<&'a serde_json::Value>,
}

impl<'a> Entry<'a> {
    pub fn new(
        org_id: Option<i64>,
        entity: &'a str,
        entity_id: Option<i64>,
        action: &'a str,
    ) -> Self {
        Entry {
            org_id,
            entity,
            entity_id,
            action,
            reason: None,
            before: None,
            after: None,
        }
    }
    pub fn reason(mut self, reason: Option<&'a str>) -> Self {
        self.reason = reason;
        self
    }
    pub fn before(mut self, before: &'a serde_json::Value) -> Self {
        self.before = Some(before);
        self
    }
    pub fn after(mut self, after: &'a serde_json::Value) -> Self {
        self.after = Some(after);
        self
    }
}

/// A row's hash: SHA-256 of the row and the previous hash. Anyone can compute it (so the chain
/// alone proves order, not authorship); signed checkpoints (`checkpoint.rs`) anchor it.
#[allow(clippy::too_many_arguments)]
pub fn chain_hash(
    seq: i64,
    at: &str,
    org_id: Option<i64>,
    actor_user_id: Option<i64>,
    actor: &str,
    entity: &str,
    entity_id: Option<i64>,
    action: &str,
    reason: Option<&str>,
    before: Option<&str>,
    after: Option<&str>,
    prev_hash: &str,
) -> String {
    let material = serde_json::json!([
        seq,
        at,
        org_id,
        actor_user_id,
        actor,
        entity,
        entity_id,
        action,
        reason,
        before,
        after,
        prev_hash
    ]);
    hex::encode(Sha256::digest(material.to_string().as_bytes()))
}

/// Appends one entry. The head row is updated first, which takes the write lock on both backends and
/// so serialises appenders: the chain never forks.
pub async fn append(tx: &mut Tx, actor: &Actor, e: Entry<'_>) -> Result<i64, StoreError> {
    let head = tx
        .fetch_one(
            "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash",
            &[],
        )
        .await?;
    let seq = head.i64(0)?;
    let prev_hash = head.text(1)?;
    let at = OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .map_err(|err| StoreError::Data(err.to_string()))?;
    let before = e.before.map(|v| v.to_string());
    let after = e.after.map(|v| v.to_string());
    let hash = chain_hash(
        seq,
        &at,
        e.org_id,
        actor.user_id,
        &actor.label,
        e.entity,
        e.entity_id,
        e.action,
        e.reason,
        before.as_deref(),
        after.as_deref(),
        &prev_hash,
    );
    tx.execute(
        "INSERT INTO audit_events (seq, at, org_id, actor_user_id, actor, entity, entity_id, action, reason, \
         before_json, after_json, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        &[
            P::Int(seq),
            P::Text(at),
            P::OptInt(e.org_id),
            P::OptInt(actor.user_id),
            P::Text(actor.label.clone()),
            P::Text(e.entity.to_string()),
            P::OptInt(e.entity_id),
            P::Text(e.action.to_string()),
            P::OptText(e.reason.map(str::to_string)),
            P::OptText(before),
            P::OptText(after),
            P::Text(prev_hash),
            P::Text(hash.clone()),
        ],
    )
    .await?;
    tx.execute(
        "UPDATE audit_head SET hash = $1 WHERE id = 1",
        &[P::Text(hash)],
    )
    .await?;
    Ok(seq)
}

/// An entry held back to be appended with others (a bulk import writes its thousands of entries
/// in a few statements instead of three each). Its time is when it was made.
pub struct Pending {
    at: String,
    org_id: Option<i64>,
    actor_user_id: Option<i64>,
    actor: String,
    entity: String,
    entity_id: Option<i64>,
    action: String,
    reason: Option<String>,
    before: Option<String>,
    after: Option<String>,
}

impl Pending {
    pub fn new(actor: &Actor, e: Entry<'_>) -> Result<Pending, StoreError> {
        Ok(Pending {
            at: OffsetDateTime::now_utc()
                .format(&Rfc3339)
                .map_err(|err| StoreError::Data(err.to_string()))?,
            org_id: e.org_id,
            actor_user_id: actor.user_id,
            actor: actor.label.clone(),
            entity: e.entity.to_string(),
            entity_id: e.entity_id,
            action: e.action.to_string(),
            reason: e.reason.map(str::to_string),
            before: e.before.map(|v| v.to_string()),
            after: e.after.map(|v| v.to_string()),
        })
    }
}

/// Appends held-back entries in order, chained exactly as `append` chains them one by one. Taking
/// the head row first serialises appenders here too.
pub async fn append_all(tx: &mut Tx, pending: Vec<Pending>) -> Result<(), StoreError> {
    if pending.is_empty() {
        return Ok(());
    }
    let n = pending.len() as i64;
    let head = tx
        .fetch_one(
            "UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash",
            &[P::Int(n)],
        )
        .await?;
    let mut seq = head.i64(0)? - n;
    let mut prev_hash = head.text(1)?;
    for chunk in pending.chunks(50) {
        let mut params = Vec::with_capacity(chunk.len() * 13);
        for e in chunk {
            seq += 1;
            let hash = chain_hash(
                seq,
                &e.at,
                e.org_id,
                e.actor_user_id,
                &e.actor,
                &e.entity,
                e.entity_id,
                &e.action,
                e.reason.as_deref(),
                e.before.as_deref(),
                e.after.as_deref(),
                &prev_hash,
            );
            params.extend([
                P::Int(seq),
                P::Text(e.at.clone()),
                P::OptInt(e.org_id),
                P::OptInt(e.actor_user_id),
                P::Text(e.actor.clone()),
                P::Text(e.entity.clone()),
                P::OptInt(e.entity_id),
                P::Text(e.action.clone()),
                P::OptText(e.reason.clone()),
                P::OptText(e.before.clone()),
                P::OptText(e.after.clone()),
                P::Text(prev_hash.clone()),
                P::Text(hash.clone()),
            ]);
            prev_hash = hash;
        }
        tx.execute(
            &format!(
                "INSERT INTO audit_events (seq, at, org_id, actor_user_id, actor, entity, entity_id, action, reason, \
                 before_json, after_json, prev_hash, hash) VALUES {}",
                tx.backend().value_rows(chunk.len(), 13)
            ),
            &params,
        )
        .await?;
    }
    tx.execute(
        "UPDATE audit_head SET hash = $1 WHERE id = 1",
        &[P::Text(prev_hash)],
    )
    .await?;
    Ok(())
}

/// The head of the trail: its last seq (its length) and that entry's hash.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
}

/// The head as the database holds it now.
pub async fn head(pool: &Pool) -> Result<AuditHead, StoreError> {
    let row = pool
        .fetch_one("SELECT seq, hash FROM audit_head WHERE id = 1", &[])
        .await?;
    Ok(AuditHead {
        seq: row.i64(0)?,
        hash: row.text(1)?,
    })
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Verification {
    pub rows: i64,
    /// The first row whose hash or link does not hold, if any.
    pub first_broken: Option<i64>,
    pub head_matches: bool,
}

impl Verification {
    pub fn intact(&self) -> bool {
        self.first_broken.is_none() && self.head_matches
    }
}

const COLUMNS: &str = "seq, at, org_id, actor_user_id, actor, entity, entity_id, action, reason, before_json, after_json, prev_hash, hash";

/// Walks the whole chain in order, a page at a time, and reports the first row that does not hold.
pub async fn verify(
    pool: &Pool,
    progress: &(dyn Fn(i64, i64) + Sync),
) -> Result<Verification, StoreError> {
    let total = pool
        .fetch_one("SELECT COUNT(*) FROM audit_events", &[])
        .await?
        .i64(0)?;
    let mut prev = "0".repeat(64);
    let mut expected_seq = 1;
    let mut rows = 0;
    let mut first_broken = None;
    let mut last_seq = 0;
    'pages: loop {
        let page = pool
            .fetch_all(
                &format!(
                    "SELECT {COLUMNS} FROM audit_events WHERE seq >= $1 ORDER BY seq LIMIT 2000"
                ),
                &[P::Int(expected_seq)],
            )
            .await?;
        if page.is_empty() {
            break;
        }
        for row in &page {
            let seq = row.i64(0)?;
            rows += 1;
            last_seq = seq;
            let prev_hash = row.text(11)?;
            let hash = row.text(12)?;
            let computed = recompute(row)?;
            if seq != expected_seq || prev_hash != prev || computed != hash {
                first_broken = Some(if seq != expected_seq {
                    expected_seq
                } else {
                    seq
                });
                break 'pages;
            }
            prev = hash;
            expected_seq = seq + 1;
        }
        progress(rows, total);
    }
    let head = pool
        .fetch_one("SELECT seq, hash FROM audit_head WHERE id = 1", &[])
        .await?;
    let head_matches =
        first_broken.is_some() || (head.i64(0)? == last_seq && head.text(1)? == prev);
    if first_broken.is_none() && !head_matches {
        first_broken = Some(last_seq + 1);
    }
    Ok(Verification {
        rows,
        first_broken,
        head_matches,
    })
}

fn recompute(row: &Row) -> Result<String, StoreError> {
    Ok(chain_hash(
        row.i64(0)?,
        &row.text(1)?,
        row.get(2)?,
        row.get(3)?,
        &row.text(4)?,
        &row.text(5)?,
        row.get(6)?,
        &row.text(7)?,
        row.opt_text(8)?.as_deref(),
        row.opt_text(9)?.as_deref(),
        row.opt_text(10)?.as_deref(),
        &row.text(11)?,
    ))
}

/// One entry of a record's history, as its detail page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub reason: Option<String>,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub field: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

pub async fn history(
    pool: &Pool,
    org_id: i64,
    entity: &str,
    entity_id: i64,
) -> Result<Vec<HistoryEntry>, StoreError> {
    let rows = pool
        .fetch_all(
            "SELECT e.seq, e.at, COALESCE(u.display_name, e.actor), e.action, e.reason, e.before_json, e.after_json \
             FROM audit_events e LEFT JOIN users u ON u.id = e.actor_user_id \
             WHERE e.org_id = $1 AND e.entity = $2 AND e.entity_id = $3 ORDER BY e.seq",
            &[P::Int(org_id), P::Text(entity.to_string()), P::Int(entity_id)],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let parse = |s: Option<String>| -> Result<serde_json::Map<String, serde_json::Value>, StoreError> {
                Ok(match s {
                    Some(s) => match serde_json::from_str(&s)? {
                        serde_json::Value::Object(m) => m,
                        _ => Default::default(),
                    },
                    None => Default::default(),
                })
            };
            let before = parse(r.opt_text(5)?)?;
            let after = parse(r.opt_text(6)?)?;
            let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
            keys.sort();
            keys.dedup();
            let changes = keys
                .into_iter()
                .filter(|k| before.get(*k) != after.get(*k))
                .map(|k| Change { field: k.clone(), before: before.get(k).cloned(), after: after.get(k).cloned() })
                .collect();
            Ok(HistoryEntry {
                seq: r.i64(0)?,
                at: r.text(1)?,
                actor: r.text(2)?,
                action: r.text(3)?,
                reason: r.opt_text(4)?,
                changes,
            })
        })
        .collect()
}

/// The latest entries of an organisation's trail, newest first, for the audit page.
/// What an auditor narrows the trail to: who (an account), which register (the entity), which
/// record, which action, and days in Japan (from and to, both included).
#[derive(Debug, Clone, Default)]
pub struct TrailFilter {
    pub user_id: Option<i64>,
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub action: Option<String>,
    pub from: Option<time::Date>,
    pub to: Option<time::Date>,
}

impl TrailFilter {
    /// The filter's `WHERE` clause after `e.org_id = $1`, with its parameters appended.
    fn clause(&self, params: &mut Vec<P>) -> String {
        let mut sql = String::new();
        let mut push = |cond: &str, p: P, params: &mut Vec<P>| {
            params.push(p);
            sql.push_str(&format!(" AND {cond} ${}", params.len()));
        };
        if let Some(u) = self.user_id {
            push("e.actor_user_id =", P::Int(u), params);
        }
        if let Some(e) = &self.entity {
            push("e.entity =", P::Text(e.clone()), params);
        }
        if let Some(id) = self.entity_id {
            push("e.entity_id =", P::Int(id), params);
        }
        if let Some(a) = &self.action {
            push("e.action =", P::Text(a.clone()), params);
        }
        // A day in Japan, as the UTC instants the trail keeps (RFC 3339 text sorts as time).
        let instant = |d: time::Date| {
            time::PrimitiveDateTime::new(d, time::Time::MIDNIGHT)
                .assume_offset(mamori_domain::dates::JST)
                .to_offset(time::UtcOffset::UTC)
                .format(&Rfc3339)
                .unwrap_or_default()
                // Without its `Z`: an instant with fractions of a second (`…T15:00:00.5Z`) sorts
                // after the bound as text, as it does in time.
                .trim_end_matches('Z')
                .to_string()
        };
        if let Some(from) = self.from {
            push("e.at >=", P::Text(instant(from)), params);
        }
        if let Some(next) = self.to.and_then(|t| t.next_day()) {
            push("e.at <", P::Text(instant(next)), params);
        }
        sql
    }
}

/// An organisation's trail, newest first, narrowed by `filter`: a page of it, how many entries
/// the filter selects, and how many the organisation has in all.
pub async fn recent(
    pool: &Pool,
    org_id: i64,
    filter: &TrailFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<HistoryEntryRow>, i64, i64), StoreError> {
    let all = pool
        .fetch_one(
            "SELECT COUNT(*) FROM audit_events WHERE org_id = $1",
            &[P::Int(org_id)],
        )
        .await?
        .i64(0)?;
    let mut params = vec![P::Int(org_id)];
    let narrowed = filter.clause(&mut params);
    let total = pool
        .fetch_one(
            &format!("SELECT COUNT(*) FROM audit_events e WHERE e.org_id = $1{narrowed}"),
            &params,
        )
        .await?
        .i64(0)?;
    params.push(P::Int(limit));
    let limit_at = params.len();
    params.push(P::Int(offset));
    let rows = pool
        .fetch_all(
            &format!(
                "SELECT e.seq, e.at, COALESCE(u.display_name, e.actor), e.entity, e.entity_id, e.action, e.reason, e.hash \
                 FROM audit_events e LEFT JOIN users u ON u.id = e.actor_user_id \
                 WHERE e.org_id = $1{narrowed} ORDER BY e.seq DESC LIMIT ${limit_at} OFFSET ${}",
                limit_at + 1
            ),
            &params,
        )
        .await?;
    let items = rows
        .iter()
        .map(|r| {
            Ok(HistoryEntryRow {
                seq: r.i64(0)?,
                at: r.text(1)?,
                actor: r.text(2)?,
                entity: r.text(3)?,
                entity_id: r.get(4)?,
                action: r.text(5)?,
                reason: r.opt_text(6)?,
                hash: r.text(7)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok((items, total, all))
}

/// What an organisation's trail holds to filter by: the accounts that acted (id, name), the
/// entities and the actions, each once.
pub async fn trail_facets(
    pool: &Pool,
    org_id: i64,
) -> Result<(Vec<(i64, String)>, Vec<String>, Vec<String>), StoreError> {
    let users = pool
        .fetch_all(
            "SELECT DISTINCT u.id, u.display_name FROM audit_events e JOIN users u ON u.id = e.actor_user_id \
             WHERE e.org_id = $1 ORDER BY u.display_name",
            &[P::Int(org_id)],
        )
        .await?
        .iter()
        .map(|r| Ok((r.i64(0)?, r.text(1)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    let distinct = |col: &'static str| async move {
        pool.fetch_all(
            &format!("SELECT DISTINCT {col} FROM audit_events WHERE org_id = $1 ORDER BY {col}"),
            &[P::Int(org_id)],
        )
        .await?
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<Vec<_>, StoreError>>()
    };
    Ok((users, distinct("entity").await?, distinct("action").await?))
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryEntryRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub action: String,
    pub reason: Option<String>,
    pub hash: String,
}
