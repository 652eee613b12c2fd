//! Imports, exports, the demo and synth against a real database, in one binary.

mod catalogue;
mod common;
mod demo_operations;
mod demo_risks;
mod encodings;
mod io;
mod plan;
mod programme;
mod synth;
