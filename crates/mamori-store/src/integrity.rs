//! What `mamori audit verify` proves: the hash chain holds; every signed checkpoint (stored, and one
//! an auditor kept outside) still matches the chain, so a cut tail or a chain recomputed behind it
//! is named; and every register's records are what their history says they became, so a record
//! changed, added or removed behind the application's back is named.

use std::collections::{HashMap, HashSet};

use mamori_domain::register::{FieldKind, Register};
use mamori_domain::registers;
use serde::Serialize;

use crate::audit::{self, AuditHead};
use crate::checkpoint::{self, Checkpoint};
use crate::db::{P, Pool};
use crate::error::StoreError;
use crate::records::{record_from, select_sql};

/// Problems listed one by one; beyond this many they are only counted.
const LISTED: usize = 10_000;
/// Records (and their history) read per query.
const PAGE: usize = 2_000;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Difference {
    pub field: String,
    pub current: Option<String>,
    pub history: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "problem", rename_all = "kebab-case")]
pub enum Problem {
    /// The first entry whose hash or link does not hold (or the head, one past the last entry).
    Chain { first_broken: i64 },
    /// `kept`: the checkpoint an auditor kept outside, rather than a stored one.
    Signature { kept: bool, seq: i64, at: String },
    OtherKey {
        kept: bool,
        seq: i64,
        at: String,
        public_key: String,
    },
    /// The trail now ends before the checkpoint's seq: entries were removed and the head moved back.
    Truncated {
        kept: bool,
        seq: i64,
        at: String,
        head: i64,
    },
    /// The entry at the checkpoint's seq no longer has the signed hash: the chain was recomputed.
    Rewritten { kept: bool, seq: i64, at: String },
    /// A published report names a head the chain no longer holds.
    ReportHead {
        org: String,
        fiscal_year: i64,
        revision: i64,
        seq: i64,
    },
    RecordDiffers {
        org: String,
        register: String,
        id: i64,
        differences: Vec<Difference>,
    },
    RecordWithoutHistory {
        org: String,
        register: String,
        id: i64,
    },
    RecordMissing {
        org: String,
        register: String,
        id: i64,
    },
}

fn show(v: &Option<String>) -> String {
    match v {
        Some(s) => format!("{s:?}"),
        None => "empty".into(),
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let which = |kept: &bool| {
            if *kept {
                "kept checkpoint"
            } else {
                "checkpoint"
            }
        };
        match self {
            Problem::Chain { first_broken } => {
                write!(f, "audit trail BROKEN at row {first_broken}")
            }
            Problem::Signature { kept, seq, at } => write!(
                f,
                "{} of seq {seq} ({at}): the signature does not hold",
                which(kept)
            ),
            Problem::OtherKey {
                kept,
                seq,
                at,
                public_key,
            } => write!(
                f,
                "{} of seq {seq} ({at}): signed by another key ({public_key})",
                which(kept)
            ),
            Problem::Truncated {
                kept,
                seq,
                at,
                head,
            } => write!(
                f,
                "{} of seq {seq} ({at}): the trail now ends at seq {head}; entries after it were removed",
                which(kept)
            ),
            Problem::Rewritten { kept, seq, at } => write!(
                f,
                "{} of seq {seq} ({at}): entry {seq} no longer has the signed hash; the trail was rewritten at or before it",
                which(kept)
            ),
            Problem::ReportHead {
                org,
                fiscal_year,
                revision,
                seq,
            } => write!(
                f,
                "the report of {org} for {fiscal_year} (revision {revision}) was published at entry {seq}, which no longer has the hash it carries"
            ),
            Problem::RecordDiffers {
                org,
                register,
                id,
                differences,
            } => {
                write!(
                    f,
                    "record {register} #{id} of {org} differs from its history:"
                )?;
                for d in differences {
                    write!(
                        f,
                        " {} is {}, its history says {};",
                        d.field,
                        show(&d.current),
                        show(&d.history)
                    )?;
                }
                Ok(())
            }
            Problem::RecordWithoutHistory { org, register, id } => write!(
                f,
                "record {register} #{id} of {org} has no history: it was written behind the application's back"
            ),
            Problem::RecordMissing { org, register, id } => write!(
                f,
                "record {register} #{id} of {org} has a history but is not in its register: it was removed"
            ),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Findings {
    /// Entries of the chain walked.
    pub rows: i64,
    pub head: Option<AuditHead>,
    /// Stored checkpoints checked (the kept one not counted).
    pub checkpoints: usize,
    /// Records compared with their history.
    pub records: u64,
    /// No key to trust was given: signatures were checked against the keys the checkpoints name.
    pub untrusted: bool,
    pub problems: Vec<Problem>,
    /// Problems found beyond those listed.
    pub unlisted: u64,
}

impl Findings {
    pub fn intact(&self) -> bool {
        self.problems.is_empty() && self.unlisted == 0
    }
    fn push(&mut self, p: Problem) {
        if self.problems.len() < LISTED {
            self.problems.push(p);
        } else {
            self.unlisted += 1;
        }
    }
}

/// Checks everything. `kept` is a checkpoint an auditor kept outside; `trusted_key` the public key
/// of the configured key file. Checkpoints must be signed by the trusted key, or, without one, by
/// the kept checkpoint's key.
pub async fn verify(
    pool: &Pool,
    kept: Option<&Checkpoint>,
    trusted_key: Option<&str>,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<Findings, StoreError> {
    let mut f = Findings::default();
    let chain = audit::verify(pool, &|done, total| {
        progress("audit", done as u64, total as u64)
    })
    .await?;
    f.rows = chain.rows;
    if let Some(first_broken) = chain.first_broken {
        f.push(Problem::Chain { first_broken });
    }
    let head = audit::head(pool).await?;
    let trusted = trusted_key
        .map(str::to_string)
        .or_else(|| kept.map(|k| k.public_key.clone()));
    f.untrusted = trusted.is_none();
    if let Some(k) = kept {
        check_checkpoint(pool, k, true, trusted.as_deref(), &head, &mut f).await?;
    }
    let stored = checkpoint::all(pool).await?;
    f.checkpoints = stored.len();
    for (n, c) in stored.iter().enumerate() {
        check_checkpoint(pool, c, false, trusted.as_deref(), &head, &mut f).await?;
        progress("checkpoints", n as u64 + 1, stored.len() as u64);
    }
    f.head = Some(head);
    check_reports(pool, &mut f).await?;
    check_records(pool, &mut f, progress).await?;
    Ok(f)
}

/// The stored checkpoints as the audit page shows them: how many, the newest, and what no longer
/// holds (checked against the store's key when it has one).
#[derive(Debug, Clone, Serialize)]
pub struct CheckpointStatus {
    pub count: usize,
    pub latest: Option<Checkpoint>,
    pub problems: Vec<Problem>,
}

impl crate::Store {
    pub async fn audit_checkpoint_status(
        &self,
        access: &crate::Access,
    ) -> Result<CheckpointStatus, StoreError> {
        if !access.may(mamori_domain::Capability::ReadAuditTrail) {
            return Err(StoreError::Forbidden);
        }
        let trusted = self.audit_key.as_ref().map(|k| k.public_key());
        let head = audit::head(&self.pool).await?;
        let stored = checkpoint::all(&self.pool).await?;
        let mut f = Findings::default();
        for c in &stored {
            check_checkpoint(&self.pool, c, false, trusted.as_deref(), &head, &mut f).await?;
        }
        Ok(CheckpointStatus {
            count: stored.len(),
            latest: stored.last().cloned(),
            problems: f.problems,
        })
    }
}

async fn check_checkpoint(
    pool: &Pool,
    c: &Checkpoint,
    kept: bool,
    trusted: Option<&str>,
    head: &AuditHead,
    f: &mut Findings,
) -> Result<(), StoreError> {
    let (seq, at) = (c.seq, c.at.clone());
    if !c.signature_holds() {
        f.push(Problem::Signature { kept, seq, at });
        return Ok(());
    }
    if let Some(key) = trusted
        && key != c.public_key
    {
        f.push(Problem::OtherKey {
            kept,
            seq,
            at: at.clone(),
            public_key: c.public_key.clone(),
        });
    }
    if seq > head.seq {
        f.push(Problem::Truncated {
            kept,
            seq,
            at,
            head: head.seq,
        });
        return Ok(());
    }
    let hash = if seq == 0 {
        Some("0".repeat(64))
    } else {
        pool.fetch_optional(
            "SELECT hash FROM audit_events WHERE seq = $1",
            &[P::Int(seq)],
        )
        .await?
        .map(|r| r.text(0))
        .transpose()?
    };
    match hash {
        Some(h) if h == c.hash => {}
        Some(_) => f.push(Problem::Rewritten { kept, seq, at }),
        // The entry itself is gone while the head was left in place: the chain walk names it too.
        None => f.push(Problem::Truncated {
            kept,
            seq,
            at,
            head: head.seq,
        }),
    }
    Ok(())
}

/// Each published report's head must still be in the chain with the hash the report carries.
async fn check_reports(pool: &Pool, f: &mut Findings) -> Result<(), StoreError> {
    let rows = pool
        .fetch_all(
            "SELECT o.slug, r.fiscal_year, r.revision, r.audit_seq, r.audit_hash, e.hash \
             FROM reports r JOIN organizations o ON o.id = r.org_id \
             LEFT JOIN audit_events e ON e.seq = r.audit_seq \
             WHERE r.audit_seq IS NOT NULL ORDER BY r.id",
            &[],
        )
        .await?;
    for r in rows {
        let seq = r.i64(3)?;
        let chain = if seq == 0 {
            Some("0".repeat(64))
        } else {
            r.opt_text(5)?
        };
        if chain != r.opt_text(4)? {
            f.push(Problem::ReportHead {
                org: r.text(0)?,
                fiscal_year: r.i64(1)?,
                revision: r.i64(2)?,
                seq,
            });
        }
    }
    Ok(())
}

/// A record's last state as its history tells it: each entry's `after` laid over the ones before
/// (an update may name only the fields it changed), and withdrawals.
#[derive(Default)]
struct State {
    fields: HashMap<String, Option<String>>,
    withdrawn: Option<Option<String>>,
}

/// Values as text, the way `Record::fields_json` writes them; an empty text counts as empty.
fn plain(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) if s.is_empty() => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

impl State {
    fn apply(&mut self, action: &str, reason: Option<String>, after: Option<&str>) {
        match action {
            "withdraw" => self.withdrawn = Some(reason),
            "reinstate" => self.withdrawn = None,
            _ => {}
        }
        if let Some(serde_json::Value::Object(m)) =
            after.and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok())
        {
            for (k, v) in m {
                self.fields.insert(k, plain(&v));
            }
        }
    }
}

/// Keys a referenced record has had, by (register, current key): a record whose reference was
/// written under the old key of a renamed record still refers to the same record.
type KeyHistory = HashMap<(&'static str, String), HashSet<String>>;

async fn keys_ever(
    pool: &Pool,
    org_id: i64,
    target: &'static Register,
    current: &str,
    cache: &mut KeyHistory,
) -> Result<HashSet<String>, StoreError> {
    let slot = (target.code, current.to_string());
    if let Some(keys) = cache.get(&slot) {
        return Ok(keys.clone());
    }
    let mut keys = HashSet::new();
    if let Some(key_col) = target.natural_key {
        let id = pool
            .fetch_optional(
                &format!(
                    "SELECT id FROM {} WHERE org_id = $1 AND {key_col} = $2",
                    target.table
                ),
                &[P::Int(org_id), P::Text(current.to_string())],
            )
            .await?;
        if let Some(id) = id {
            for r in pool
                .fetch_all(
                    "SELECT after_json FROM audit_events WHERE org_id = $1 AND entity = $2 AND entity_id = $3",
                    &[P::Int(org_id), P::Text(target.code.into()), P::Int(id.i64(0)?)],
                )
                .await?
            {
                if let Some(serde_json::Value::Object(m)) = r
                    .opt_text(0)?
                    .and_then(|a| serde_json::from_str::<serde_json::Value>(&a).ok())
                    && let Some(Some(k)) = m.get(key_col).map(plain)
                {
                    keys.insert(k);
                }
            }
        }
    }
    cache.insert(slot, keys.clone());
    Ok(keys)
}

/// Walks every organisation's registers a page of records at a time, each page with the history of
/// the same id range (so entries of records no longer there are seen too), in id order.
async fn check_records(
    pool: &Pool,
    f: &mut Findings,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<(), StoreError> {
    let orgs = pool
        .fetch_all("SELECT id, slug FROM organizations ORDER BY id", &[])
        .await?;
    let mut renames = KeyHistory::new();
    let steps = (orgs.len() * registers::ALL.len()) as u64;
    let mut step = 0;
    for org in &orgs {
        let (org_id, slug) = (org.i64(0)?, org.text(1)?);
        for reg in registers::ALL {
            let select = format!(
                "{} WHERE t.org_id = $1 AND t.id > $2 ORDER BY t.id LIMIT {PAGE}",
                select_sql(reg)
            );
            let mut after_id = 0i64;
            loop {
                let rows = pool
                    .fetch_all(&select, &[P::Int(org_id), P::Int(after_id)])
                    .await?;
                let last = rows.len() < PAGE;
                let upto = match rows.last() {
                    Some(r) if !last => r.i64(0)?,
                    _ => i64::MAX,
                };
                let mut states: HashMap<i64, State> = HashMap::new();
                for e in pool
                    .fetch_all(
                        "SELECT entity_id, action, reason, after_json FROM audit_events \
                         WHERE org_id = $1 AND entity = $2 AND entity_id > $3 AND entity_id <= $4 \
                         ORDER BY entity_id, seq",
                        &[
                            P::Int(org_id),
                            P::Text(reg.code.into()),
                            P::Int(after_id),
                            P::Int(upto),
                        ],
                    )
                    .await?
                {
                    states.entry(e.i64(0)?).or_default().apply(
                        &e.text(1)?,
                        e.opt_text(2)?,
                        e.opt_text(3)?.as_deref(),
                    );
                }
                for row in &rows {
                    let record = record_from(reg, row)?;
                    f.records += 1;
                    let Some(state) = states.remove(&record.id) else {
                        f.push(Problem::RecordWithoutHistory {
                            org: slug.clone(),
                            register: reg.code.into(),
                            id: record.id,
                        });
                        continue;
                    };
                    let differences =
                        compare(pool, org_id, reg, &record, &state, &mut renames).await?;
                    if !differences.is_empty() {
                        f.push(Problem::RecordDiffers {
                            org: slug.clone(),
                            register: reg.code.into(),
                            id: record.id,
                            differences,
                        });
                    }
                }
                let mut missing: Vec<i64> = states.into_keys().collect();
                missing.sort_unstable();
                for id in missing {
                    f.push(Problem::RecordMissing {
                        org: slug.clone(),
                        register: reg.code.into(),
                        id,
                    });
                }
                if last {
                    break;
                }
                after_id = upto;
            }
            step += 1;
            progress("records", step, steps);
        }
    }
    Ok(())
}

async fn compare(
    pool: &Pool,
    org_id: i64,
    reg: &Register,
    record: &crate::Record,
    state: &State,
    renames: &mut KeyHistory,
) -> Result<Vec<Difference>, StoreError> {
    let mut out = Vec::new();
    // Compared as the audit trail writes values (`Record::fields_json`): as plain text.
    for (field, value) in reg.fields.iter().zip(&record.values) {
        // A field its history never mentions (entries older than the field) is not compared.
        let Some(history) = state.fields.get(field.name) else {
            continue;
        };
        let current = Some(value.to_plain()).filter(|v| !v.is_empty());
        if current == *history {
            continue;
        }
        if let (FieldKind::Ref(target), Some(now), Some(then)) = (field.kind, &current, history)
            && let Some(target) = registers::by_collection(target)
            && keys_ever(pool, org_id, target, now, renames)
                .await?
                .contains(then)
        {
            continue;
        }
        out.push(Difference {
            field: field.name.into(),
            current,
            history: history.clone(),
        });
    }
    let withdrawn = record.withdrawn_at.map(|_| record.withdrawn_reason.clone());
    if withdrawn != state.withdrawn {
        let show = |w: &Option<Option<String>>| {
            w.as_ref()
                .map(|reason| reason.clone().unwrap_or_else(|| "withdrawn".into()))
        };
        out.push(Difference {
            field: "withdrawn".into(),
            current: show(&withdrawn),
            history: show(&state.withdrawn),
        });
    }
    Ok(out)
}
