//! The ISMS areas whose registers have rules beyond their declared shape, and which registers
//! those are: the store asks `hooks_for(register)` before and after a write, and only here (and in
//! each area's own module) are registers named. Everything else a register does (roll-ups,
//! stamps, proposals, ties, numbering) is read from its declaration.

use mamori_domain::register::{Register, Value};
use mamori_domain::registers;

use crate::db::Tx;
use crate::error::StoreError;
use crate::org::Access;
use crate::records::Record;

/// A register's area rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hooks {
    /// Nothing beyond the declaration.
    None,
    /// Continuity: a drill's target met and previous drill; a missed target raises an action.
    Drills,
    /// Objectives: the yearly result, from the results of the year.
    Objectives,
    /// An objective's results: each write recomputes its objective's yearly result.
    ObjectiveResults,
}

pub(crate) fn hooks_for(reg: &Register) -> Hooks {
    match reg.code {
        c if c == registers::DRILLS.code => Hooks::Drills,
        c if c == registers::OBJECTIVES.code => Hooks::Objectives,
        c if c == registers::OBJECTIVE_RESULTS.code => Hooks::ObjectiveResults,
        _ => Hooks::None,
    }
}

impl Hooks {
    /// Values the area computes in the write's transaction, before the record is written.
    pub(crate) async fn before_write(
        self,
        tx: &mut Tx,
        access: &Access,
        reg: &Register,
        values: &mut [Value],
        ids: &[Option<i64>],
        self_id: i64,
    ) -> Result<(), StoreError> {
        match self {
            Hooks::Drills => crate::continuity::drill(tx, access, reg, values, ids, self_id).await,
            Hooks::Objectives => crate::objectives::compute(tx, access, values, self_id).await,
            Hooks::ObjectiveResults | Hooks::None => Ok(()),
        }
    }

    /// What follows a write of the record `id`, in its transaction.
    pub(crate) async fn after_write(
        self,
        tx: &mut Tx,
        access: &Access,
        reg: &Register,
        id: i64,
        values: &[Value],
        before: Option<&Record>,
    ) -> Result<(), StoreError> {
        match self {
            Hooks::Drills if reg.text(values, "target_met") == "no" => {
                crate::continuity::raise_action(tx, access, reg, id, values).await
            }
            Hooks::ObjectiveResults => {
                crate::objectives::after_result(tx, access, id, before).await
            }
            Hooks::Drills | Hooks::Objectives | Hooks::None => Ok(()),
        }
    }

    /// What follows a withdrawal or reinstatement of the record `id`.
    pub(crate) async fn after_withdrawal(
        self,
        tx: &mut Tx,
        access: &Access,
        id: i64,
    ) -> Result<(), StoreError> {
        match self {
            Hooks::ObjectiveResults => crate::objectives::after_result(tx, access, id, None).await,
            Hooks::Drills | Hooks::Objectives | Hooks::None => Ok(()),
        }
    }

    /// Whether a write sets something off in the area (so an import writes it on its own).
    pub(crate) fn follows_writes(self) -> bool {
        matches!(self, Hooks::Drills | Hooks::ObjectiveResults)
    }
}
