//! Import and export of registers (XLSX, CSV), the demo organisation and synthetic data for benchmarks.

pub mod catalogue;
pub mod demo;
pub mod layouts;
pub mod setup;
pub mod sheet;
pub mod starter;
pub mod synth;

pub use sheet::{ImportError, Sheet};

#[derive(Debug, thiserror::Error)]
pub enum IoError {
    #[error("the file could not be read: {0}")]
    Unreadable(String),
    /// The file goes past a limit that keeps an import's memory and time bounded: `code` names the
    /// limit (a translation key suffix), `limit` is its value in the unit its message gives.
    #[error("the file is over the limit {code} ({limit})")]
    Limit { code: &'static str, limit: u64 },
    /// A CSV file that is neither UTF-8 nor Shift_JIS (CP932).
    #[error("the CSV file is neither UTF-8 nor Shift_JIS")]
    Encoding,
    #[error("the file has bad rows")]
    Rows(Vec<ImportError>),
    #[error(transparent)]
    Store(#[from] mamori_store::StoreError),
    #[error("spreadsheet: {0}")]
    Xlsx(String),
}
