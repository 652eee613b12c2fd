//! The store's integration tests in one binary: a real SQLite file, or PostgreSQL when
//! MAMORI_TEST_DATABASE_URL is set.

mod assets;
mod comprehension;
mod objectives;
mod store;
