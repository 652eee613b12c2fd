//! Getting an ISMS started: the steps a new organisation goes through before its year runs, and
//! which are done, read from its records. The secretariat's home shows them until all are done.

use mamori_domain::Register;
use mamori_domain::registers::{
    APPOINTMENTS, ASSETS, DEPARTMENTS, INTERNAL_RULES, PEOPLE, RISKS, SOA_ENTRIES,
    TRAINING_SESSIONS,
};
use serde::Serialize;

use crate::error::StoreError;
use crate::org::Access;
use crate::{ListQuery, Store};

/// One step: its key (`setup-step-{key}` names it), whether it is done, and the page (under the
/// organisation) where it is done.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Step {
    pub key: &'static str,
    pub done: bool,
    pub path: String,
}

impl Store {
    /// The set-up checklist (for those who change the organisation's settings): departments,
    /// people, the appointments of top management and the ISMS manager, the policy, the risk
    /// method, the first assets, the statement of applicability and the first training.
    pub async fn setup_checklist(&self, access: &Access) -> Result<Vec<Step>, StoreError> {
        if !access.may(mamori_domain::Capability::ChangeSettings) {
            return Err(StoreError::Forbidden);
        }
        let has = |reg: &'static Register, filters: &[(&str, &str)]| {
            let query = ListQuery {
                filters: filters
                    .iter()
                    .map(|(f, v)| (f.to_string(), v.to_string()))
                    .collect(),
                ..Default::default()
            };
            async move { Ok::<_, StoreError>(self.count(access, reg, &query).await? > 0) }
        };
        let appointed = has(&APPOINTMENTS, &[("role", "top_management")]).await?
            && has(&APPOINTMENTS, &[("role", "isms_manager_lead")]).await?;
        let step = |key, done, path: &str| Step {
            key,
            done,
            path: path.to_string(),
        };
        Ok(vec![
            step(
                "departments",
                has(&DEPARTMENTS, &[]).await?,
                DEPARTMENTS.collection,
            ),
            step("people", has(&PEOPLE, &[]).await?, PEOPLE.collection),
            step("appointments", appointed, APPOINTMENTS.collection),
            step(
                "policy",
                has(&INTERNAL_RULES, &[("kind", "policy")]).await?,
                INTERNAL_RULES.collection,
            ),
            // Decided once the organisation saves its own method, or assesses risks on the
            // default one (the reference company's).
            step(
                "risk-method",
                access.org.profile.get("risk_method").is_some() || has(&RISKS, &[]).await?,
                "settings#risk-method",
            ),
            step("assets", has(&ASSETS, &[]).await?, ASSETS.collection),
            step("soa", has(&SOA_ENTRIES, &[]).await?, "soa"),
            step(
                "training",
                has(&TRAINING_SESSIONS, &[]).await?,
                TRAINING_SESSIONS.collection,
            ),
        ])
    }
}
