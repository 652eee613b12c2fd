//! Backup to one JSON document and restore from it, on either backend: a SQLite backup restores
//! into PostgreSQL and the other way round. The audit trail is copied verbatim, so it still verifies.

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use crate::Store;
use crate::db::{Backend, P, Row};
use crate::error::StoreError;
use crate::schema::{Col, catalogue, schema_version};

pub const FORMAT: &str = "mamori-backup";

#[derive(Serialize, Deserialize)]
pub struct Backup {
    pub format: String,
    pub schema_version: i64,
    pub created_at: String,
    pub audit_head: (i64, String),
    pub tables: Vec<TableDump>,
}

impl Backup {
    /// Where the backup holds text with a control character other than tab and line breaks
    /// (`table.column` of the row with `id`): an older version stored them.
    pub fn control_characters(&self) -> Vec<String> {
        let mut found = Vec::new();
        for t in &self.tables {
            let id = t.columns.iter().position(|c| c == "id" || c == "seq");
            for row in &t.rows {
                for (c, v) in t.columns.iter().zip(row) {
                    if v.as_str().is_some_and(mamori_domain::input::has_control) {
                        let at = id
                            .and_then(|i| row.get(i))
                            .map_or(String::new(), |v| format!(" #{v}"));
                        found.push(format!("{}.{c}{at}", t.name));
                    }
                }
            }
        }
        found
    }
}

#[derive(Serialize, Deserialize)]
pub struct TableDump {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<serde_json::Value>>,
}

fn cell(row: &Row, i: usize, col: Col) -> Result<serde_json::Value, StoreError> {
    use serde_json::Value as J;
    Ok(match col {
        Col::Int => row.get::<Option<i64>>(i)?.map_or(J::Null, J::from),
        Col::Text => row.get::<Option<String>>(i)?.map_or(J::Null, J::from),
        Col::Bool => row.get::<Option<bool>>(i)?.map_or(J::Null, J::from),
        Col::Date => row
            .get::<Option<Date>>(i)?
            .map_or(J::Null, |d| J::from(mamori_domain::dates::iso(d))),
        Col::Ts => match row.get::<Option<OffsetDateTime>>(i)? {
            Some(t) => J::from(
                t.format(&Rfc3339)
                    .map_err(|e| StoreError::Data(e.to_string()))?,
            ),
            None => J::Null,
        },
    })
}

fn param(v: &serde_json::Value, col: Col, table: &str, column: &str) -> Result<P, StoreError> {
    let bad = || StoreError::Data(format!("backup: bad value in {table}.{column}: {v}"));
    Ok(match (col, v) {
        (Col::Int, serde_json::Value::Null) => P::OptInt(None),
        (Col::Int, v) => P::Int(v.as_i64().ok_or_else(bad)?),
        (Col::Text, serde_json::Value::Null) => P::OptText(None),
        (Col::Text, v) => P::Text(v.as_str().ok_or_else(bad)?.to_string()),
        (Col::Bool, v) => P::Bool(v.as_bool().ok_or_else(bad)?),
        (Col::Date, serde_json::Value::Null) => P::OptDate(None),
        (Col::Date, v) => {
            P::Date(mamori_domain::dates::parse_date(v.as_str().ok_or_else(bad)?).ok_or_else(bad)?)
        }
        (Col::Ts, serde_json::Value::Null) => P::OptTs(None),
        (Col::Ts, v) => {
            P::Ts(OffsetDateTime::parse(v.as_str().ok_or_else(bad)?, &Rfc3339).map_err(|_| bad())?)
        }
    })
}

impl Store {
    pub async fn backup(
        &self,
        progress: &(dyn Fn(&str, u64, u64) + Sync),
    ) -> Result<Backup, StoreError> {
        // One transaction gives one consistent snapshot of every table.
        let mut tx = self.pool.begin().await?;
        let head = tx
            .fetch_one("SELECT seq, hash FROM audit_head WHERE id = 1", &[])
            .await?;
        let audit_head = (head.i64(0)?, head.text(1)?);
        let tables = catalogue();
        let mut dumps = Vec::new();
        for (n, t) in tables.iter().enumerate() {
            let names: Vec<&str> = t.columns.iter().map(|(c, _)| c.as_str()).collect();
            let rows = tx
                .fetch_all(
                    &format!(
                        "SELECT {} FROM {} ORDER BY {}",
                        names.join(", "),
                        t.name,
                        names[0]
                    ),
                    &[],
                )
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                out.push(
                    t.columns
                        .iter()
                        .enumerate()
                        .map(|(i, (_, c))| cell(r, i, *c))
                        .collect::<Result<Vec<_>, _>>()?,
                );
            }
            dumps.push(TableDump {
                name: t.name.to_string(),
                columns: names.iter().map(|s| s.to_string()).collect(),
                rows: out,
            });
            progress(t.name, n as u64 + 1, tables.len() as u64);
        }
        tx.commit().await?;
        Ok(Backup {
            format: FORMAT.into(),
            schema_version: schema_version(),
            created_at: OffsetDateTime::now_utc()
                .format(&Rfc3339)
                .unwrap_or_default(),
            audit_head,
            tables: dumps,
        })
    }

    /// True when the database holds no organisation, user or audit entry.
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        let row = self
            .pool
            .fetch_one("SELECT (SELECT COUNT(*) FROM organizations) + (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM audit_events)", &[])
            .await?;
        Ok(row.i64(0)? == 0)
    }

    /// Restores a backup into an empty database, in one transaction.
    pub async fn restore(
        &self,
        backup: &Backup,
        progress: &(dyn Fn(&str, u64, u64) + Sync),
    ) -> Result<(), StoreError> {
        if backup.format != FORMAT {
            return Err(StoreError::Refused("backup-format"));
        }
        if backup.schema_version != schema_version() {
            return Err(StoreError::Refused("backup-schema-version"));
        }
        if !self.is_empty().await? {
            return Err(StoreError::Refused("database-not-empty"));
        }
        let dirty = backup.control_characters();
        if !dirty.is_empty() {
            return Err(StoreError::Data(format!(
                "backup: control characters (such as NUL), which Mamori refuses as input and \
                 PostgreSQL cannot store, in {} value(s): {}",
                dirty.len(),
                dirty
                    .iter()
                    .take(20)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let tables = catalogue();
        let mut tx = self.pool.begin().await?;
        // The head first: the trail's insert trigger accepts only entries within it, each extending
        // the last (the dump holds them in order).
        tx.execute(
            "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1",
            &[
                P::Int(backup.audit_head.0),
                P::Text(backup.audit_head.1.clone()),
            ],
        )
        .await?;
        for (n, t) in tables.iter().enumerate() {
            let Some(dump) = backup.tables.iter().find(|d| d.name == t.name) else {
                continue;
            };
            let cols: Vec<(usize, Col)> = dump
                .columns
                .iter()
                .map(|c| {
                    t.columns
                        .iter()
                        .find(|(name, _)| name == c)
                        .map(|(_, col)| (0, *col))
                        .ok_or_else(|| {
                            StoreError::Data(format!("backup: unknown column {}.{c}", t.name))
                        })
                })
                .collect::<Result<_, _>>()?;
            let placeholders: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "INSERT INTO {} ({}) VALUES ({})",
                t.name,
                dump.columns.join(", "),
                placeholders.join(", ")
            );
            for row in &dump.rows {
                if row.len() != cols.len() {
                    return Err(StoreError::Data(format!(
                        "backup: row of {} has {} cells",
                        t.name,
                        row.len()
                    )));
                }
                let params = row
                    .iter()
                    .zip(&cols)
                    .zip(&dump.columns)
                    .map(|((v, (_, c)), name)| param(v, *c, t.name, name))
                    .collect::<Result<Vec<_>, _>>()?;
                tx.execute(&sql, &params).await?;
            }
            if t.has_serial_id && tx.backend() == Backend::Postgres {
                tx.execute(
                    &format!("SELECT setval(pg_get_serial_sequence('{0}', 'id'), COALESCE((SELECT MAX(id) FROM {0}), 0) + 1, false)", t.name),
                    &[],
                )
                .await?;
            }
            progress(t.name, n as u64 + 1, tables.len() as u64);
        }
        // The search index is made from the records, not kept in the backup.
        crate::search::reindex(&mut tx).await?;
        tx.commit().await?;
        self.analyze().await
    }
}
