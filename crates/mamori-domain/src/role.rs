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
