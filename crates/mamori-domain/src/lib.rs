//! Pure types and rules of the ISMS: no I/O here, so most unit tests live in this crate and run in milliseconds.

pub mod dates;
pub mod figure;
pub mod input;
pub mod lang;
pub mod objective;
pub mod plan;
pub mod register;
pub mod registers;
pub mod risk;
pub mod role;
pub mod settings;

pub use dates::{Calendar, DateStyle, FiscalYear};
pub use figure::{Figure, FigureValue};
pub use lang::Lang;
pub use register::{Field, FieldError, FieldKind, ReadScope, Register, Value, WriteScope};
pub use role::{Capability, Role};
pub use settings::{CodePattern, OrgSettings};
