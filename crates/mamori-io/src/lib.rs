//! Import and export of registers (XLSX, CSV), the demo organisation and synthetic data for benchmarks.

pub mod catalogue;
pub mod demo;
pub mod sheet;
pub mod starter;
pub mod synth;

pub use sheet::{ImportError, Sheet};

#[derive(Debug, thiserror::Error)]
pub enum IoError {
    #[error("the file could not be read: {0}")]
    Unreadable(String),
    #[error("the file has bad rows")]
    Rows(Vec<ImportError>),
    #[error(transparent)]
    Store(#[from] mamori_store::StoreError),
    #[error("spreadsheet: {0}")]
    Xlsx(String),
}
