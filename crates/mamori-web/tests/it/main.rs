//! The web crate's integration tests in one binary (one link of the PDF engine): a real server per
//! test over a socket, a real database file or PostgreSQL server, real files. `uploads` runs in
//! its own binary, as it measures the process's memory.

mod api;
mod approvals;
mod assets;
mod auth;
mod common;
mod comprehension;
mod concurrency;
mod controls;
mod documents;
mod events;
mod hostile;
mod minutes;
mod operations;
mod pages;
mod report;
mod risk;
mod roles;
mod search;
mod setup;
mod translations;
mod walk;
mod year;
