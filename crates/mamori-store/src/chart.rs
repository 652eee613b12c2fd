//! Who holds which appointment on a given day: the data of the organisation chart (体制図).

use serde::Serialize;
use time::Date;

use crate::Store;
use crate::db::P;
use crate::error::StoreError;
use crate::org::Access;

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Holder {
    pub role: String,
    pub person: String,
    pub employee_no: String,
    pub department: Option<String>,
}

impl Store {
    /// Appointments in force on `day` (started, not ended, not withdrawn), ordered for the chart.
    pub async fn appointments_on(
        &self,
        access: &Access,
        day: Date,
    ) -> Result<Vec<Holder>, StoreError> {
        let rows = self
            .pool
            .fetch_all(
                "SELECT a.role, p.name, p.employee_no, d.name FROM appointments a \
                 JOIN people p ON p.id = a.person_id LEFT JOIN departments d ON d.id = a.department_id \
                 WHERE a.org_id = $1 AND a.withdrawn_at IS NULL AND a.starts_on <= $2 \
                   AND (a.ends_on IS NULL OR a.ends_on >= $2) \
                 ORDER BY a.role, d.code, p.employee_no",
                &[access.org_id().into(), P::Date(day)],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Holder {
                    role: r.text(0)?,
                    person: r.text(1)?,
                    employee_no: r.text(2)?,
                    department: r.opt_text(3)?,
                })
            })
            .collect()
    }
}
