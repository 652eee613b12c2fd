//! Search across registers: one entry a record holding the text its register makes searchable
//! (its code, its title and the fields of the list's own search), kept as each record is written.
//! SQLite finds substrings through an FTS5 index with the trigram tokenizer, PostgreSQL through a
//! `pg_trgm` index; what a reader may see is then asked of each register's own list, so a search
//! shows exactly the records the reader's lists would.

use mamori_domain::register::{FieldKind, Register, Value};
use mamori_domain::registers;

use crate::db::{Backend, P, Tx};
use crate::records::{ListQuery, Record};
use crate::{Access, Store, StoreError};

/// The longest search, in characters.
pub const MAX_Q: usize = 100;
/// Entries a search reads before it asks the registers which of them the reader may see.
const CANDIDATES: i64 = 2000;
/// Records shown a register.
pub const PER_REGISTER: usize = 10;

/// The fields whose text a register's entries hold: its code, its title and its list's search
/// fields, text only (a reference is found under its own register).
fn indexed(reg: &Register) -> Vec<usize> {
    let mut names: Vec<&str> = reg.natural_key.into_iter().collect();
    names.push(reg.title_field);
    names.extend(reg.search.iter().copied());
    let mut out: Vec<usize> = names
        .into_iter()
        .filter_map(|n| reg.position(n))
        .filter(|i| matches!(reg.fields[*i].kind, FieldKind::Text { .. }))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// A register's entry text from a record's values (in declaration order), folded.
fn body(reg: &Register, values: &[Value]) -> String {
    let parts: Vec<String> = indexed(reg)
        .into_iter()
        .filter_map(|i| values.get(i))
        .map(Value::to_plain)
        .filter(|t| !t.is_empty())
        .collect();
    fold(&parts.join("\n"))
}

/// Text as search compares it: NFKC (full-width letters, digits and symbols as ASCII, half-width
/// kana as full-width), lower case, spaces and line breaks as one space. Entries and words alike,
/// so a search compares them as they are (no case folding per row).
pub fn fold(text: &str) -> String {
    mamori_domain::input::normalize_strict(text).to_lowercase()
}

/// Writes the entry of a record just created or changed.
pub(crate) async fn index(
    tx: &mut Tx,
    org_id: i64,
    reg: &Register,
    id: i64,
    values: &[Value],
) -> Result<(), StoreError> {
    if indexed(reg).is_empty() {
        return Ok(());
    }
    let text = body(reg, values);
    // A record with nothing to find it by (a handling record without a note) has no entry.
    if text.is_empty() {
        tx.execute(
            "DELETE FROM search_entries WHERE register = $1 AND record_id = $2",
            &[P::Text(reg.code.to_string()), P::Int(id)],
        )
        .await?;
        return Ok(());
    }
    tx.execute(
        "INSERT INTO search_entries (org_id, register, record_id, body) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (register, record_id) DO UPDATE SET body = excluded.body",
        &[
            P::Int(org_id),
            P::Text(reg.code.to_string()),
            P::Int(id),
            P::Text(text),
        ],
    )
    .await?;
    Ok(())
}

/// A record's values (in declaration order) as far as its entry needs them: the `fields` read
/// from `row`'s columns from `first` on, the rest unset.
fn indexed_values(
    reg: &Register,
    fields: &[usize],
    row: &crate::db::Row,
    first: usize,
) -> Result<Vec<Value>, StoreError> {
    let mut values = vec![Value::Null; reg.fields.len()];
    for (n, i) in fields.iter().enumerate() {
        if let Some(t) = row.opt_text(first + n)? {
            values[*i] = Value::Text(t);
        }
    }
    Ok(values)
}

/// After a withdrawal (`withdrawn`) the record's entry goes; after a reinstatement it is written
/// again from the record as stored.
pub(crate) async fn refresh(
    tx: &mut Tx,
    org_id: i64,
    reg: &Register,
    id: i64,
    withdrawn: bool,
) -> Result<(), StoreError> {
    let fields = indexed(reg);
    if fields.is_empty() {
        return Ok(());
    }
    if withdrawn {
        tx.execute(
            "DELETE FROM search_entries WHERE register = $1 AND record_id = $2",
            &[P::Text(reg.code.to_string()), P::Int(id)],
        )
        .await?;
        return Ok(());
    }
    let cols: Vec<&str> = fields.iter().map(|i| reg.fields[*i].name).collect();
    let Some(row) = tx
        .fetch_optional(
            &format!(
                "SELECT {} FROM {} WHERE id = $1",
                cols.join(", "),
                reg.table
            ),
            &[P::Int(id)],
        )
        .await?
    else {
        return Ok(());
    };
    let values = indexed_values(reg, &fields, &row, 0)?;
    index(tx, org_id, reg, id, &values).await
}

/// Writes the entries of records a batch has just created, many to a statement.
pub(crate) async fn index_many(
    tx: &mut Tx,
    org_id: i64,
    reg: &Register,
    records: &[(i64, &[Value])],
) -> Result<(), StoreError> {
    if indexed(reg).is_empty() {
        return Ok(());
    }
    let bodies: Vec<(i64, String)> = records
        .iter()
        .map(|(id, values)| (*id, body(reg, values)))
        .filter(|(_, b)| !b.is_empty())
        .collect();
    for chunk in bodies.chunks(500) {
        let mut params = Vec::with_capacity(chunk.len() * 4);
        for (id, text) in chunk {
            params.extend([
                P::Int(org_id),
                P::Text(reg.code.to_string()),
                P::Int(*id),
                P::Text(text.clone()),
            ]);
        }
        tx.execute(
            &format!(
                "INSERT INTO search_entries (org_id, register, record_id, body) VALUES {} \
                 ON CONFLICT (register, record_id) DO UPDATE SET body = excluded.body",
                tx.backend().value_rows(chunk.len(), 4)
            ),
            &params,
        )
        .await?;
    }
    Ok(())
}

/// Builds every entry again from the records held (the migration that brought search, a restore).
pub(crate) async fn reindex(tx: &mut Tx) -> Result<(), StoreError> {
    tx.execute("DELETE FROM search_entries", &[]).await?;
    for reg in registers::ALL {
        let fields = indexed(reg);
        if fields.is_empty() {
            continue;
        }
        // A register whose table a later migration makes has nothing to index yet.
        if !table_exists(tx, reg.table).await? {
            continue;
        }
        let cols: Vec<&str> = fields.iter().map(|i| reg.fields[*i].name).collect();
        let rows = tx
            .fetch_all(
                &format!(
                    "SELECT id, org_id, {} FROM {} WHERE withdrawn_at IS NULL ORDER BY org_id, id",
                    cols.join(", "),
                    reg.table
                ),
                &[],
            )
            .await?;
        let mut records: Vec<(i64, i64, Vec<Value>)> = Vec::with_capacity(rows.len());
        for row in rows {
            let values = indexed_values(reg, &fields, &row, 2)?;
            records.push((row.i64(1)?, row.i64(0)?, values));
        }
        for same_org in records.chunk_by(|a, b| a.0 == b.0) {
            let entries: Vec<(i64, &[Value])> = same_org
                .iter()
                .map(|(_, id, values)| (*id, values.as_slice()))
                .collect();
            index_many(tx, same_org[0].0, reg, &entries).await?;
        }
    }
    Ok(())
}

async fn table_exists(tx: &mut Tx, table: &str) -> Result<bool, StoreError> {
    let sql = match tx.backend() {
        Backend::Sqlite => "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1",
        Backend::Postgres => "SELECT 1 WHERE to_regclass($1) IS NOT NULL",
    };
    Ok(tx
        .fetch_optional(sql, &[P::Text(table.to_string())])
        .await?
        .is_some())
}

/// One register's part of a search's results. (Withdrawn records have no entry.)
#[derive(Debug, Clone)]
pub struct Hits {
    pub register: &'static Register,
    pub records: Vec<Record>,
    /// How many of the register's records the reader may see matched, of the first
    /// `CANDIDATES` entries found.
    pub total: i64,
    /// The search found `CANDIDATES` entries and looked no further: there may be more.
    pub capped: bool,
}

/// `%`, `_` and `!` taken literally in a `LIKE` pattern whose escape is `!` (a backslash would
/// depend on the server's `standard_conforming_strings`).
fn like_escaped(q: &str) -> String {
    let mut out = String::with_capacity(q.len() + 2);
    for c in q.chars() {
        if matches!(c, '%' | '_' | '!') {
            out.push('!');
        }
        out.push(c);
    }
    out
}

impl Store {
    /// The records of every register the reader may read whose code, title or described text holds
    /// `q` (see `fold`: full-width letters and digits match their ASCII forms), grouped by
    /// register in the menu's order, at most `PER_REGISTER` a register. Withdrawn records and
    /// records the reader may not see (a confidential asset, another's near miss) are not found.
    pub async fn search(&self, access: &Access, q: &str) -> Result<Vec<Hits>, StoreError> {
        if mamori_domain::input::has_control(q) {
            return Err(StoreError::invalid("q", "control-characters"));
        }
        let q = fold(q);
        if q.chars().count() > MAX_Q {
            return Err(StoreError::Invalid(vec![mamori_domain::FieldError::with(
                "q",
                "too-long",
                MAX_Q.to_string(),
            )]));
        }
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let readable: Vec<&str> = registers::ALL
            .iter()
            .filter(|r| crate::records::can_read(access, r))
            .map(|r| r.code)
            .collect();
        if readable.is_empty() {
            return Ok(Vec::new());
        }
        let backend = self.pool.backend();
        // Three characters or more are trigrams the index answers; fewer are looked for in the
        // organisation's entries one by one (still in the index's table, not the registers').
        let trigrams = q.chars().count() >= 3;
        let (matches, param) = match (backend, trigrams) {
            (Backend::Sqlite, true) => (
                "e.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH $2)".to_string(),
                format!("\"{}\"", q.replace('"', "\"\"")),
            ),
            (Backend::Sqlite, false) => ("instr(e.body, $2) > 0".to_string(), q.clone()),
            (Backend::Postgres, _) => (
                "e.body LIKE $2 ESCAPE '!'".to_string(),
                format!("%{}%", like_escaped(&q)),
            ),
        };
        // Registers the reader may not read are not looked in (their entries would take the
        // places of those they may).
        let only = if readable.len() == registers::ALL.len() {
            String::new()
        } else {
            format!(
                " AND e.register IN ({})",
                readable
                    .iter()
                    .map(|c| format!("'{c}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let rows = self
            .pool
            .fetch_all(
                &format!(
                    "SELECT e.register, e.record_id FROM search_entries e \
                     WHERE e.org_id = $1 AND {matches}{only} LIMIT {CANDIDATES}"
                ),
                &[P::Int(access.org_id()), P::Text(param)],
            )
            .await?;
        let capped = rows.len() as i64 == CANDIDATES;
        let mut found: std::collections::HashMap<String, Vec<i64>> = Default::default();
        for r in rows {
            found.entry(r.text(0)?).or_default().push(r.i64(1)?);
        }
        let mut out = Vec::new();
        for reg in registers::ALL {
            let Some(ids) = found.get(reg.code) else {
                continue;
            };
            if !readable.contains(&reg.code) {
                continue;
            }
            // The register's own list answers which of them the reader sees, newest first.
            let query = ListQuery {
                ids: Some(ids.clone()),
                limit: PER_REGISTER as i64,
                ..Default::default()
            };
            let page = self.list(access, reg, &query).await?;
            if page.items.is_empty() {
                continue;
            }
            out.push(Hits {
                register: reg,
                records: page.items,
                total: page.total,
                capped,
            });
        }
        Ok(out)
    }
}
