//! The thin dialect layer: one pool, transaction and row type over SQLite and PostgreSQL, so the
//! repositories write each query once (with `$1` placeholders, which both backends accept).

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Decode, Postgres, Row as _, Sqlite, Type};
use time::{Date, OffsetDateTime};

use crate::error::StoreError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Placeholders for the parameters `first..first + count`, comma-separated, for a statement
    /// whose placeholders are all made here and stand in the order their parameters are bound.
    /// SQLite gets anonymous `?`, not `$n`: it finds a named parameter's name by walking the
    /// statement's list of names, and sqlx asks for the name of each parameter it binds, so
    /// binding a statement of thousands of `$n` took time growing with the square of their number
    /// (seconds for an import).
    pub fn slots(self, first: usize, count: usize) -> String {
        let mut sql = String::with_capacity(count * 7);
        for i in first..first + count {
            if i > first {
                sql.push_str(", ");
            }
            match self {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => {
                    sql.push('$');
                    sql.push_str(&i.to_string());
                }
            }
        }
        sql
    }

    /// The VALUES list of a multi-row INSERT whose parameters are all in it: `rows` tuples of
    /// `width` slots (see `slots`).
    pub fn value_rows(self, rows: usize, width: usize) -> String {
        (0..rows)
            .map(|r| format!("({})", self.slots(r * width + 1, width)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A query parameter. Nulls carry their type because PostgreSQL checks parameter types.
#[derive(Clone, Debug)]
pub enum P {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
    Bool(bool),
    Date(Date),
    OptDate(Option<Date>),
    Ts(OffsetDateTime),
    OptTs(Option<OffsetDateTime>),
}

impl From<i64> for P {
    fn from(v: i64) -> Self {
        P::Int(v)
    }
}
impl From<&str> for P {
    fn from(v: &str) -> Self {
        P::Text(v.to_string())
    }
}
impl From<String> for P {
    fn from(v: String) -> Self {
        P::Text(v)
    }
}
impl From<OffsetDateTime> for P {
    fn from(v: OffsetDateTime) -> Self {
        P::Ts(v)
    }
}

macro_rules! bind_all {
    ($q:expr, $params:expr) => {{
        let mut q = $q;
        for p in $params {
            q = match p {
                P::Int(v) => q.bind(*v),
                P::OptInt(v) => q.bind(*v),
                P::Text(v) => q.bind(v.clone()),
                P::OptText(v) => q.bind(v.clone()),
                P::Bool(v) => q.bind(*v),
                P::Date(v) => q.bind(*v),
                P::OptDate(v) => q.bind(*v),
                P::Ts(v) => q.bind(*v),
                P::OptTs(v) => q.bind(*v),
            };
        }
        q
    }};
}

/// Implements the three query methods for anything that holds a pool or a transaction.
macro_rules! query_methods {
    ($self:ident) => {
        pub async fn execute(&mut $self, sql: &str, params: &[P]) -> Result<u64, StoreError> {
            Ok(match $self.conn() {
                Conn::Sqlite(c) => bind_all!(sqlx::query(sql), params).execute(c).await?.rows_affected(),
                Conn::Postgres(c) => bind_all!(sqlx::query(sql), params).execute(c).await?.rows_affected(),
            })
        }

        pub async fn fetch_all(&mut $self, sql: &str, params: &[P]) -> Result<Vec<Row>, StoreError> {
            Ok(match $self.conn() {
                Conn::Sqlite(c) => bind_all!(sqlx::query(sql), params).fetch_all(c).await?.into_iter().map(Row::Sqlite).collect(),
                Conn::Postgres(c) => bind_all!(sqlx::query(sql), params).fetch_all(c).await?.into_iter().map(Row::Postgres).collect(),
            })
        }

        pub async fn fetch_optional(&mut $self, sql: &str, params: &[P]) -> Result<Option<Row>, StoreError> {
            Ok(match $self.conn() {
                Conn::Sqlite(c) => bind_all!(sqlx::query(sql), params).fetch_optional(c).await?.map(Row::Sqlite),
                Conn::Postgres(c) => bind_all!(sqlx::query(sql), params).fetch_optional(c).await?.map(Row::Postgres),
            })
        }

        pub async fn fetch_one(&mut $self, sql: &str, params: &[P]) -> Result<Row, StoreError> {
            $self.fetch_optional(sql, params).await?.ok_or(StoreError::NotFound)
        }

        /// Several statements at once, without parameters (migrations).
        pub async fn execute_script(&mut $self, sql: &str) -> Result<(), StoreError> {
            match $self.conn() {
                Conn::Sqlite(c) => { sqlx::raw_sql(sql).execute(c).await?; }
                Conn::Postgres(c) => { sqlx::raw_sql(sql).execute(c).await?; }
            }
            Ok(())
        }
    };
}

pub enum Conn<'c> {
    Sqlite(&'c mut sqlx::SqliteConnection),
    Postgres(&'c mut sqlx::PgConnection),
}

/// A connection borrowed from the pool for one or more statements outside a transaction.
pub enum PoolConn {
    Sqlite(sqlx::pool::PoolConnection<Sqlite>),
    Postgres(sqlx::pool::PoolConnection<Postgres>),
}

impl PoolConn {
    fn conn(&mut self) -> Conn<'_> {
        match self {
            PoolConn::Sqlite(c) => Conn::Sqlite(c),
            PoolConn::Postgres(c) => Conn::Postgres(c),
        }
    }
    query_methods!(self);
}

/// A transaction; dropped without `commit` it rolls back.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Tx {
    fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(t) => Conn::Sqlite(t),
            Tx::Postgres(t) => Conn::Postgres(t),
        }
    }
    query_methods!(self);

    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }
}

impl Pool {
    /// Opens `sqlite://path` (created if missing; WAL, foreign keys on, every commit synced to disk,
    /// so a power cut loses no acknowledged write) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Pool, StoreError> {
        if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(60))
                // A page of up to 1,000 rows crosses from SQLite's worker thread in one go instead of
                // waking this task every 50 rows.
                .row_buffer_size(1024);
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(opts)
                .await?;
            Ok(Pool::Sqlite(pool))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(15))
                .connect(url)
                .await?;
            Ok(Pool::Postgres(pool))
        } else {
            Err(StoreError::Config(format!(
                "unsupported database URL (use sqlite:// or postgres://): {url}"
            )))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            // Every transaction here writes: take the write lock up front, so a read-then-write never fails to upgrade.
            Pool::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            // The same on PostgreSQL: every write appends to the audit trail and so locks its head row in
            // the end anyway; locking it first makes writers (of every instance) take turns before they
            // read, so numbering, uniqueness checks and kept totals never race into a constraint.
            Pool::Postgres(p) => {
                let mut tx = p.begin().await?;
                sqlx::query("SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE")
                    .execute(&mut *tx)
                    .await?;
                Tx::Postgres(tx)
            }
        })
    }

    /// A transaction that writes many rows into a table while asking about it (an import): as
    /// `begin`, and PostgreSQL plans each statement afresh. A plan it had cached while the table
    /// was small scanned the whole table on every later run, building the query's list of codes
    /// again for each row it read: writing a 100,000-row file took over two minutes.
    pub async fn begin_bulk(&self) -> Result<Tx, StoreError> {
        let mut tx = self.begin().await?;
        if let Tx::Postgres(t) = &mut tx {
            sqlx::query("SET LOCAL plan_cache_mode = force_custom_plan")
                .execute(&mut **t)
                .await?;
        }
        Ok(tx)
    }

    /// A transaction that only reads (an import's validation): it takes no write lock, so writers
    /// carry on meanwhile; PostgreSQL refuses any write in it. Drop it to end it.
    pub async fn begin_read(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN DEFERRED").await?),
            Pool::Postgres(p) => Tx::Postgres(
                p.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            ),
        })
    }

    /// A transaction for a migration: the audit trail may not exist yet, so PostgreSQL takes an advisory
    /// lock instead, which also keeps two instances starting at once from running the same migration.
    pub async fn begin_migration(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Pool::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => {
                let mut tx = p.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock(7271001)")
                    .execute(&mut *tx)
                    .await?;
                Tx::Postgres(tx)
            }
        })
    }

    pub async fn acquire(&self) -> Result<PoolConn, StoreError> {
        Ok(match self {
            Pool::Sqlite(p) => PoolConn::Sqlite(p.acquire().await?),
            Pool::Postgres(p) => PoolConn::Postgres(p.acquire().await?),
        })
    }

    pub async fn fetch_all(&self, sql: &str, params: &[P]) -> Result<Vec<Row>, StoreError> {
        self.acquire().await?.fetch_all(sql, params).await
    }
    pub async fn fetch_optional(&self, sql: &str, params: &[P]) -> Result<Option<Row>, StoreError> {
        self.acquire().await?.fetch_optional(sql, params).await
    }
    pub async fn fetch_one(&self, sql: &str, params: &[P]) -> Result<Row, StoreError> {
        self.acquire().await?.fetch_one(sql, params).await
    }
    pub async fn execute(&self, sql: &str, params: &[P]) -> Result<u64, StoreError> {
        self.acquire().await?.execute(sql, params).await
    }

    pub async fn close(&self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

pub enum Row {
    Sqlite(SqliteRow),
    Postgres(PgRow),
}

impl Row {
    /// Reads column `idx` as `T`, which must decode on both backends.
    pub fn get<T>(&self, idx: usize) -> Result<T, StoreError>
    where
        T: for<'r> Decode<'r, Sqlite>
            + Type<Sqlite>
            + for<'r> Decode<'r, Postgres>
            + Type<Postgres>,
    {
        Ok(match self {
            Row::Sqlite(r) => r.try_get(idx)?,
            Row::Postgres(r) => r.try_get(idx)?,
        })
    }

    pub fn i64(&self, idx: usize) -> Result<i64, StoreError> {
        self.get(idx)
    }
    pub fn text(&self, idx: usize) -> Result<String, StoreError> {
        self.get(idx)
    }
    pub fn opt_text(&self, idx: usize) -> Result<Option<String>, StoreError> {
        self.get(idx)
    }
}
