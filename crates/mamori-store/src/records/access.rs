//! The permission table where records are read and written: who reads, creates, edits and writes which register, and the scope a list is narrowed to.

#[allow(unused_imports)]
use super::*;

/// Reading: every member reads the organisation's registers (auditors while their membership
/// runs), except that staff read only their own records of a register declared `OwnForStaff` (and
/// their own person, `SelfForStaff`), and none of one declared `NotStaff`.
pub fn can_read(access: &Access, reg: &Register) -> bool {
    !(reg.read == ReadScope::NotStaff && access.role == Role::Staff)
}

/// The condition limiting what a reader sees of a register, if its declaration asks for one: staff
/// see only their own records of an `OwnForStaff` register; a confidential asset (and what is
/// recorded about it) is seen only by the secretariat, its owner, its department's manager and its
/// handlers. `t` is the register's alias in the query.
pub(crate) fn scope_condition(
    access: &Access,
    reg: &Register,
    params: &mut Vec<P>,
) -> Option<String> {
    match reg.read {
        ReadScope::OwnForStaff(field) if access.role == Role::Staff => {
            let f = reg.field(field)?;
            Some(match access.person_id {
                Some(person) => {
                    params.push(P::Int(person));
                    format!("t.{} = ${}", column_of(f.kind, f.name), params.len())
                }
                None => "1 = 0".to_string(),
            })
        }
        ReadScope::SelfForStaff if access.role == Role::Staff => Some(match access.person_id {
            Some(person) => {
                params.push(P::Int(person));
                format!("t.id = ${}", params.len())
            }
            None => "1 = 0".to_string(),
        }),
        ReadScope::Classified(via) if access.role != Role::IsmsManager => {
            Some(match via.and_then(|v| reg.field(v)) {
                None => classified_visible(access, "t", params),
                // Correlated, so reading one record looks up one asset (an `IN` list would first
                // build the set of every visible asset).
                Some(f) => format!(
                    "EXISTS (SELECT 1 FROM assets a WHERE a.id = t.{} AND {})",
                    column_of(f.kind, f.name),
                    classified_visible(access, "a", params)
                ),
            })
        }
        _ => None,
    }
}

/// `scope_condition` as a clause to append to a `WHERE` (empty when the reader sees everything).
pub(crate) fn and_scope(access: &Access, reg: &Register, params: &mut Vec<P>) -> String {
    scope_condition(access, reg, params)
        .map(|c| format!(" AND {c}"))
        .unwrap_or_default()
}

/// Which assets (alias `a`) a reader other than the secretariat sees: general ones, those they
/// own, those they are an authorized handler of today, and a department manager their department's.
pub(super) fn classified_visible(access: &Access, alias: &str, params: &mut Vec<P>) -> String {
    params.push(P::Int(access.person_id.unwrap_or(-1)));
    let person = params.len();
    params.push(P::Date(mamori_domain::dates::today()));
    let today = params.len();
    let mut ors = vec![
        format!("{alias}.classification = 'general'"),
        format!("{alias}.owner_id = ${person}"),
        format!(
            "EXISTS (SELECT 1 FROM asset_handlers h WHERE h.asset_id = {alias}.id AND h.person_id = ${person} \
             AND h.withdrawn_at IS NULL AND h.valid_until >= ${today})"
        ),
    ];
    if let (Role::DepartmentManager, Some(d)) = (access.role, access.department_id) {
        params.push(P::Int(d));
        ors.push(format!("{alias}.department_id = ${}", params.len()));
    }
    format!("({})", ors.join(" OR "))
}

/// Writing, per DESIGN.md: the secretariat writes everything in its organisation; a department
/// manager writes records of their own department where the register allows it; nobody else writes.
pub fn can_write(access: &Access, reg: &Register, department_id: Option<i64>) -> bool {
    match access.role {
        _ if matches!(reg.write, WriteScope::Nobody | WriteScope::Handlers) => false,
        Role::IsmsManager => true,
        Role::DepartmentManager => {
            matches!(
                reg.write,
                WriteScope::SecretariatOrOwnDepartment | WriteScope::Reporters
            ) && department_id.is_some()
                && department_id == access.department_id
        }
        Role::Admin | Role::Staff | Role::Auditor => false,
    }
}

/// Whether the user may edit or withdraw some records of the register (to show or hide the
/// buttons): append-only registers are never edited.
pub fn can_edit(access: &Access, reg: &Register) -> bool {
    match reg.write {
        WriteScope::Handlers | WriteScope::Nobody => false,
        WriteScope::Reporters => matches!(access.role, Role::IsmsManager | Role::DepartmentManager),
        _ => can_create(access, reg),
    }
}

/// Whether the user may create records at all (to show or hide the button).
pub fn can_create(access: &Access, reg: &Register) -> bool {
    match access.role {
        _ if reg.write == WriteScope::Nobody => false,
        // Whether the writer handles the asset is checked with the record (`Requirement::ByHandler`).
        _ if reg.write == WriteScope::Handlers => {
            access.person_id.is_some() || access.actor.user_id.is_none()
        }
        // Anyone who is a person reports an event; an auditor changes nothing.
        Role::Auditor => false,
        _ if reg.write == WriteScope::Reporters => {
            access.role == Role::IsmsManager
                || access.person_id.is_some()
                || access.actor.user_id.is_none()
        }
        Role::IsmsManager => true,
        Role::DepartmentManager => reg.write == WriteScope::SecretariatOrOwnDepartment,
        _ => false,
    }
}

/// Inserts one record. `batch` (within `create_many`) caches resolved references and leaves the
/// kept totals to the caller, which adds them once for the whole batch.
/// Whether the user may create a record with these references (a department's manager, in
/// their department).
pub(super) fn may_create_with(access: &Access, reg: &Register, ids: &[Option<i64>]) -> bool {
    match reg.write {
        WriteScope::Handlers | WriteScope::Reporters => can_create(access, reg),
        _ => can_write(access, reg, department_from(reg, ids)),
    }
}

impl Store {
    /// Whether the user may edit or withdraw this record: the register's rule and, for a
    /// department's manager, the record's department (to show or hide its buttons).
    pub async fn may_write(
        &self,
        access: &Access,
        reg: &Register,
        record: &Record,
    ) -> Result<bool, StoreError> {
        if !can_edit(access, reg) {
            return Ok(false);
        }
        if access.role != Role::DepartmentManager {
            return Ok(can_write(access, reg, None));
        }
        // Read without a transaction: on SQLite every transaction here takes the write lock.
        let dept = match reg.department_field.and_then(|f| record.value(reg, f)) {
            Some(Value::Text(code)) => self
                .pool
                .fetch_optional(
                    "SELECT id FROM departments WHERE org_id = $1 AND code = $2",
                    &[access.org_id().into(), code.clone().into()],
                )
                .await?
                .map(|r| r.i64(0))
                .transpose()?,
            _ => None,
        };
        Ok(can_write(access, reg, dept))
    }
}
