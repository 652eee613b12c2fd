//! The ISMS areas: each area's rules beyond its registers' declared shape live in the area's own
//! module, behind one trait (`Area`). The records code asks `hooks_for(register)` before and after
//! every write; it names no register itself, and no area module is imported by it. Only here (which
//! registers belong to which area) and in the area modules are registers named.
//!
//! | area | module | registers with rules |
//! |---|---|---|
//! | people (人) | `people.rs` | people |
//! | training (教育) | `training.rs` | attendances |
//! | assets (情報資産) | `assets.rs` | assets, asset handlers, handling records, disposals, custody keys |
//! | events (セキュリティ事象) | `events.rs` | security events |
//! | operations (運用) | `operations.rs` | audits, audit teams, audit checklists |
//! | risk (リスク) | `risk.rs` | risks, rule revisions |
//! | continuity (事業継続) | `continuity.rs` | drills |
//! | objectives (目標) | `objectives.rs` | objectives, objective results |

use mamori_domain::FieldError;
use mamori_domain::register::{Register, Value};

use crate::Store;
use crate::db::Tx;
use crate::error::StoreError;
use crate::org::Access;
use crate::records::{Batch, Input, Periods, Record};

/// A record about to be written, as an area's checks see it.
pub(crate) struct Write<'a> {
    /// The values in declaration order, references as their codes.
    pub values: &'a [Value],
    /// The ids the references resolved to.
    pub ids: &'a [Option<i64>],
    /// Fields the store filled in (a default), not the writer.
    pub defaulted: &'a [&'a str],
    /// The record's id when it is updated, 0 when it is new.
    pub self_id: i64,
}

/// A record just written, in the write's transaction.
pub(crate) struct Written<'a> {
    pub id: i64,
    pub values: &'a [Value],
    pub ids: &'a [Option<i64>],
    /// The record before an update; `None` when it was created.
    pub before: Option<&'a Record>,
}

/// An ISMS area's rules. Every method has a default that does nothing, so an area implements only
/// what it has.
pub(crate) trait Area {
    /// The registers the area has rules for.
    const REGISTERS: &'static [&'static Register];

    /// Cross-record rules of a record about to be written; what fails comes back as field errors.
    async fn check(
        &self,
        _tx: &mut Tx,
        _access: &Access,
        _reg: &Register,
        _w: &Write<'_>,
        _periods: Option<&mut Periods>,
    ) -> Result<Vec<FieldError>, StoreError> {
        Ok(Vec::new())
    }

    /// Values the area computes before the record is written (a risk's levels, a drill's target
    /// met), before the register's own checks, which may read them.
    async fn before_write(
        &self,
        _tx: &mut Tx,
        _access: &Access,
        _reg: &Register,
        _values: &mut [Value],
        _ids: &[Option<i64>],
        _self_id: i64,
    ) -> Result<(), StoreError> {
        Ok(())
    }

    /// What follows a write, in its transaction (a disposal closes its asset, a leaving date ends
    /// the person's grants, a repeat puts the person on a course). Audit entries go through
    /// `batch` when a file is written.
    async fn after_write(
        &self,
        _tx: &mut Tx,
        _access: &Access,
        _reg: &Register,
        _written: &Written<'_>,
        _batch: Option<&mut Batch>,
    ) -> Result<(), StoreError> {
        Ok(())
    }

    /// What follows a withdrawal or reinstatement of the record `id`, in its transaction.
    async fn after_withdrawal(
        &self,
        _tx: &mut Tx,
        _access: &Access,
        _reg: &Register,
        _id: i64,
    ) -> Result<(), StoreError> {
        Ok(())
    }

    /// A write the area's rules refused, after its transaction was rolled back (a refused handling
    /// record is a near miss).
    async fn refused(
        &self,
        _store: &Store,
        _access: &Access,
        _reg: &Register,
        _input: &Input,
        _errors: &[FieldError],
    ) -> Result<(), StoreError> {
        Ok(())
    }

    /// Whether writing this record sets something off in the area, so a file writes it on its own
    /// rather than many to a statement.
    fn follows_writes(&self, _reg: &Register, _values: &[Value], _ids: &[Option<i64>]) -> bool {
        false
    }

    /// Every field name the area's rules use, by register (each must be declared).
    #[cfg(test)]
    fn names(&self) -> Vec<(&'static Register, &'static str)> {
        Vec::new()
    }
}

/// The area a register's rules are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hooks {
    None,
    People,
    Training,
    Assets,
    Events,
    Operations,
    Risk,
    Continuity,
    Objectives,
}

/// A register with no rules beyond its declaration.
struct Plain;

impl Area for Plain {
    const REGISTERS: &'static [&'static Register] = &[];
}

/// Calls the same method on the area `$hooks` names.
macro_rules! on_area {
    ($hooks:expr, $area:ident => $call:expr) => {
        match $hooks {
            Hooks::None => {
                let $area = Plain;
                $call
            }
            Hooks::People => {
                let $area = crate::people::People;
                $call
            }
            Hooks::Training => {
                let $area = crate::training::Training;
                $call
            }
            Hooks::Assets => {
                let $area = crate::assets::Assets;
                $call
            }
            Hooks::Events => {
                let $area = crate::events::Events;
                $call
            }
            Hooks::Operations => {
                let $area = crate::operations::Operations;
                $call
            }
            Hooks::Risk => {
                let $area = crate::risk::Risk;
                $call
            }
            Hooks::Continuity => {
                let $area = crate::continuity::Continuity;
                $call
            }
            Hooks::Objectives => {
                let $area = crate::objectives::Objectives;
                $call
            }
        }
    };
}

/// Every area, in the order above.
const ALL: [Hooks; 8] = [
    Hooks::People,
    Hooks::Training,
    Hooks::Assets,
    Hooks::Events,
    Hooks::Operations,
    Hooks::Risk,
    Hooks::Continuity,
    Hooks::Objectives,
];

/// The area whose rules the register follows.
pub(crate) fn hooks_for(reg: &Register) -> Hooks {
    ALL.into_iter()
        .find(|h| h.registers().iter().any(|r| r.code == reg.code))
        .unwrap_or(Hooks::None)
}

impl Hooks {
    fn registers(self) -> &'static [&'static Register] {
        fn of<A: Area>(_: &A) -> &'static [&'static Register] {
            A::REGISTERS
        }
        on_area!(self, a => of(&a))
    }

    pub(crate) async fn check(
        self,
        tx: &mut Tx,
        access: &Access,
        reg: &Register,
        w: &Write<'_>,
        periods: Option<&mut Periods>,
    ) -> Result<Vec<FieldError>, StoreError> {
        on_area!(self, a => a.check(tx, access, reg, w, periods).await)
    }

    pub(crate) async fn before_write(
        self,
        tx: &mut Tx,
        access: &Access,
        reg: &Register,
        values: &mut [Value],
        ids: &[Option<i64>],
        self_id: i64,
    ) -> Result<(), StoreError> {
        on_area!(self, a => a.before_write(tx, access, reg, values, ids, self_id).await)
    }

    pub(crate) async fn after_write(
        self,
        tx: &mut Tx,
        access: &Access,
        reg: &Register,
        written: &Written<'_>,
        batch: Option<&mut Batch>,
    ) -> Result<(), StoreError> {
        on_area!(self, a => a.after_write(tx, access, reg, written, batch).await)
    }

    pub(crate) async fn after_withdrawal(
        self,
        tx: &mut Tx,
        access: &Access,
        reg: &Register,
        id: i64,
    ) -> Result<(), StoreError> {
        on_area!(self, a => a.after_withdrawal(tx, access, reg, id).await)
    }

    pub(crate) async fn refused(
        self,
        store: &Store,
        access: &Access,
        reg: &Register,
        input: &Input,
        errors: &[FieldError],
    ) -> Result<(), StoreError> {
        on_area!(self, a => a.refused(store, access, reg, input, errors).await)
    }

    pub(crate) fn follows_writes(
        self,
        reg: &Register,
        values: &[Value],
        ids: &[Option<i64>],
    ) -> bool {
        on_area!(self, a => a.follows_writes(reg, values, ids))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each register belongs to one area at most, and every field an area's rules name is a field
    /// of its register: a misspelt name would be a rule that silently does nothing.
    #[test]
    fn every_field_an_area_names_is_declared() {
        let mut seen = std::collections::HashSet::new();
        for hooks in ALL {
            for reg in hooks.registers() {
                assert!(seen.insert(reg.code), "{} is in two areas", reg.code);
                assert_eq!(hooks_for(reg), hooks);
            }
            let names = on_area!(hooks, a => a.names());
            assert!(!names.is_empty(), "{hooks:?} names no field");
            for (reg, name) in names {
                assert!(
                    hooks.registers().iter().any(|r| r.code == reg.code),
                    "{hooks:?} has rules for {}, which is not one of its registers",
                    reg.code
                );
                assert!(
                    reg.field(name).is_some(),
                    "{hooks:?}: {} has no field {name}",
                    reg.code
                );
            }
        }
        assert_eq!(hooks_for(&mamori_domain::registers::COURSES), Hooks::None);
    }
}
