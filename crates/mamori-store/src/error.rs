//! The store's one error type; the web layer maps it once to an HTTP status and a translated message.

use mamori_domain::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// A refused operation with a translation key (`database-not-empty`, `password-expired`, …).
    #[error("refused: {0}")]
    Refused(&'static str),
    #[error("sign-in refused: {0}")]
    Auth(&'static str),
    #[error("configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("data: {0}")]
    Data(String),
}

/// How a database error that is nobody's input should be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contention {
    /// The database is busy (a lock wait or the pool ran out): try again shortly.
    Busy,
    /// Another write got there first (a unique value taken meanwhile): look again.
    Conflict,
}

impl StoreError {
    /// Whether this is contention between writers rather than a fault: SQLite's busy and locked
    /// codes, PostgreSQL's serialization failure, deadlock and lock timeout, a pool that had no
    /// connection in time, and a unique constraint another writer reached first.
    pub fn contention(&self) -> Option<Contention> {
        let StoreError::Database(e) = self else {
            return None;
        };
        if matches!(e, sqlx::Error::PoolTimedOut) {
            return Some(Contention::Busy);
        }
        let code = e.as_database_error()?.code()?;
        match code.as_ref() {
            // SQLite: BUSY, LOCKED and their extended codes; PostgreSQL: 40001, 40P01, 55P03, 57014.
            "5" | "6" | "261" | "517" | "262" | "40001" | "40P01" | "55P03" | "57014" => {
                Some(Contention::Busy)
            }
            // SQLite: CONSTRAINT_UNIQUE and CONSTRAINT_PRIMARYKEY; PostgreSQL: unique_violation.
            "2067" | "1555" | "23505" => Some(Contention::Conflict),
            _ => None,
        }
    }

    pub fn invalid(field: &str, code: &'static str) -> Self {
        StoreError::Invalid(vec![FieldError::new(field, code)])
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Data(e.to_string())
    }
}
