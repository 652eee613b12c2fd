//! The roles of DESIGN.md's permission table.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    IsmsManager,
    DepartmentManager,
    Staff,
    Auditor,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::IsmsManager,
        Role::DepartmentManager,
        Role::Staff,
        Role::Auditor,
    ];

    pub fn code(&self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::IsmsManager => "isms_manager",
            Role::DepartmentManager => "department_manager",
            Role::Staff => "staff",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == s)
    }
}

/// What a role may do besides reading and writing registers (each register declares those scopes
/// itself): the settings, the members, the audit trail, the report before it is published, and
/// the figures and checklists about other people. One table, `Role::may`, which the store's
/// services and the pages ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Capability {
    /// The organisation's settings: the fiscal year, the report, the risk method, the handling
    /// and remedial rules.
    ChangeSettings,
    /// Add members, change their roles, stop their sign-in.
    ManageMembers,
    /// Read the audit trail, verify it, and see the members.
    ReadAuditTrail,
    /// Prepare the yearly report: start it, edit it, send it for review, publish it (approving
    /// is top management's, a person named on the secretariat).
    PrepareReport,
    /// Read a report before it is published, and what to check before publishing.
    ReadUnpublishedReports,
    /// Read about other people: completion rates, leaving checklists, eligibility and test
    /// results of anyone (staff read only their own).
    ReadAboutOthers,
    /// See who in a notice's audience has not read it yet.
    FollowReaders,
    /// Record earlier test attempts in bulk (moving paper records in).
    RecordPastAttempts,
    /// Name another person as the one who did something (a reporter, a handler), as a manager
    /// does for their department.
    NameOthers,
}

impl Role {
    /// Whether the role may do what `c` names (DESIGN.md's permission table).
    pub fn may(self, c: Capability) -> bool {
        use Capability::*;
        use Role::*;
        match c {
            ChangeSettings | PrepareReport => matches!(self, Admin | IsmsManager),
            ManageMembers => self == Admin,
            ReadAuditTrail => matches!(self, Admin | IsmsManager | Auditor),
            ReadUnpublishedReports | ReadAboutOthers => self != Staff,
            RecordPastAttempts => self == IsmsManager,
            NameOthers | FollowReaders => matches!(self, IsmsManager | DepartmentManager),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Capability::*, Role::*};

    #[test]
    fn the_capabilities_follow_the_permission_table() {
        let table = [
            (ChangeSettings, [true, true, false, false, false]),
            (ManageMembers, [true, false, false, false, false]),
            (PrepareReport, [true, true, false, false, false]),
            (ReadAuditTrail, [true, true, false, false, true]),
            (ReadUnpublishedReports, [true, true, true, false, true]),
            (ReadAboutOthers, [true, true, true, false, true]),
            (RecordPastAttempts, [false, true, false, false, false]),
            (NameOthers, [false, true, true, false, false]),
            (FollowReaders, [false, true, true, false, false]),
        ];
        for (c, expected) in table {
            let got = [Admin, IsmsManager, DepartmentManager, Staff, Auditor].map(|r| r.may(c));
            assert_eq!(got, expected, "{c:?}");
        }
    }
}
