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

impl StoreError {
    pub fn invalid(field: &str, code: &'static str) -> Self {
        StoreError::Invalid(vec![FieldError::new(field, code)])
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Data(e.to_string())
    }
}
