//! Operations and improvement beyond single records: notices each reader acknowledges, and the
//! yearly figures of audits' findings and of complaints (5.2(9)(10) of the report).

use mamori_domain::FiscalYear;
use serde::Serialize;
use time::{Date, OffsetDateTime};

use crate::Store;
use crate::audit::{self, Entry};
use crate::db::P;
use crate::error::StoreError;
use crate::org::Access;

/// The people a notice is for: everyone who had joined by the day it was published and has not
/// left, or the members of its department (a new joiner is not asked to read years-old notices). `n`
/// is the notice, `p` the person; `$2` is the day.
const AUDIENCE: &str = "p.org_id = n.org_id AND p.withdrawn_at IS NULL \
     AND (p.joined_on IS NULL OR p.joined_on <= n.published_on) AND (p.left_on IS NULL OR p.left_on >= $2) \
     AND (n.audience = 'everyone' OR p.department_id = n.department_id)";

/// A notice not yet read by its reader.
#[derive(Clone, Debug, Serialize)]
pub struct Unread {
    pub id: i64,
    pub code: String,
    pub kind: String,
    pub title: String,
    #[serde(with = "iso_date")]
    pub published_on: Date,
}

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

/// Who has read a notice: the reader's own acknowledgement, and for those who manage notices the
/// count of readers and who has not read yet.
#[derive(Clone, Debug, Serialize)]
pub struct NoticeStatus {
    pub in_audience: bool,
    pub read_on: Option<Date>,
    pub read: i64,
    pub total: i64,
    /// Names of those who have not read it (the first 200), for the secretariat and the managers.
    pub unread: Vec<String>,
}

/// Findings of one grade from audits of one party, in one department and fiscal year.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FindingTally {
    pub year: i32,
    pub party: String,
    pub department: String,
    pub grade: String,
    pub count: i64,
}

/// Complaints of one kind in one department and fiscal year.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ComplaintTally {
    pub year: i32,
    pub department: String,
    pub kind: String,
    pub count: i64,
}

/// The figures of a fiscal year and the previous one: findings per party, department and grade;
/// the parties whose audits were held each year (a party not held is `無し`, not 0); complaints;
/// and the departments that existed in either year.
#[derive(Clone, Debug, Serialize)]
pub struct ImprovementFigures {
    pub findings: Vec<FindingTally>,
    pub held: Vec<(i32, String)>,
    pub complaints: Vec<ComplaintTally>,
    pub departments: Vec<(String, String)>,
}

impl Store {
    /// The notices for the reader that they have not acknowledged, newest first.
    pub async fn unread_notices(&self, access: &Access) -> Result<Vec<Unread>, StoreError> {
        let Some(person) = access.person_id else {
            return Ok(Vec::new());
        };
        let today = mamori_domain::dates::today();
        self.pool
            .fetch_all(
                &format!(
                    "SELECT n.id, n.code, n.kind, n.title, n.published_on FROM notices n, people p \
                     WHERE n.org_id = $1 AND p.id = $3 AND n.withdrawn_at IS NULL AND n.published_on <= $2 \
                       AND {AUDIENCE} \
                       AND NOT EXISTS (SELECT 1 FROM notice_reads r WHERE r.notice_id = n.id AND r.person_id = p.id) \
                     ORDER BY n.published_on DESC, n.id DESC LIMIT 100"
                ),
                &[access.org_id().into(), P::Date(today), P::Int(person)],
            )
            .await?
            .iter()
            .map(|r| {
                Ok(Unread {
                    id: r.i64(0)?,
                    code: r.text(1)?,
                    kind: r.text(2)?,
                    title: r.text(3)?,
                    published_on: r.get(4)?,
                })
            })
            .collect()
    }

    pub async fn notice_status(
        &self,
        access: &Access,
        notice: i64,
    ) -> Result<NoticeStatus, StoreError> {
        let today = mamori_domain::dates::today();
        let org = access.org_id();
        let counts = self
            .pool
            .fetch_optional(
                &format!(
                    "SELECT (SELECT COUNT(*) FROM people p WHERE {AUDIENCE}), \
                       (SELECT COUNT(*) FROM people p WHERE {AUDIENCE} AND EXISTS (SELECT 1 FROM notice_reads r \
                          WHERE r.notice_id = n.id AND r.person_id = p.id AND r.withdrawn_at IS NULL)) \
                     FROM notices n WHERE n.org_id = $1 AND n.id = $3"
                ),
                &[org.into(), P::Date(today), P::Int(notice)],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let (total, read) = (counts.i64(0)?, counts.i64(1)?);
        let (mut in_audience, mut read_on) = (false, None);
        if let Some(person) = access.person_id {
            let row = self
                .pool
                .fetch_one(
                    &format!(
                        "SELECT (SELECT COUNT(*) FROM people p WHERE p.id = $4 AND {AUDIENCE}), \
                           (SELECT MAX(r.read_on) FROM notice_reads r WHERE r.notice_id = n.id AND r.person_id = $4) \
                         FROM notices n WHERE n.org_id = $1 AND n.id = $3"
                    ),
                    &[org.into(), P::Date(today), P::Int(notice), P::Int(person)],
                )
                .await?;
            in_audience = row.i64(0)? > 0;
            read_on = row.get(1)?;
        }
        let manages = matches!(
            access.role,
            mamori_domain::Role::IsmsManager | mamori_domain::Role::DepartmentManager
        );
        let unread = if manages {
            self.pool
                .fetch_all(
                    &format!(
                        "SELECT p.name FROM notices n, people p WHERE n.org_id = $1 AND n.id = $3 AND {AUDIENCE} \
                           AND NOT EXISTS (SELECT 1 FROM notice_reads r WHERE r.notice_id = n.id AND r.person_id = p.id) \
                         ORDER BY p.employee_no LIMIT 200"
                    ),
                    &[org.into(), P::Date(today), P::Int(notice)],
                )
                .await?
                .iter()
                .map(|r| r.text(0))
                .collect::<Result<_, _>>()?
        } else {
            Vec::new()
        };
        Ok(NoticeStatus {
            in_audience,
            read_on,
            read,
            total,
            unread,
        })
    }

    /// Records that the reader has read a notice addressed to them; reading it again changes nothing.
    pub async fn acknowledge(&self, access: &Access, notice: i64) -> Result<(), StoreError> {
        // Only people read notices: a member who is no person (an outside auditor) may not.
        let person = access.person_id.ok_or(StoreError::Forbidden)?;
        let today = mamori_domain::dates::today();
        let mut tx = self.pool.begin().await?;
        let addressed = tx
            .fetch_optional(
                &format!(
                    "SELECT n.code, p.employee_no FROM notices n, people p \
                     WHERE n.org_id = $1 AND n.id = $3 AND p.id = $4 AND n.withdrawn_at IS NULL AND {AUDIENCE}"
                ),
                &[access.org_id().into(), P::Date(today), P::Int(notice), P::Int(person)],
            )
            .await?;
        let Some(row) = addressed else {
            return Err(StoreError::Refused("not-in-audience"));
        };
        let done = tx
            .fetch_optional(
                "SELECT 1 FROM notice_reads WHERE notice_id = $1 AND person_id = $2",
                &[P::Int(notice), P::Int(person)],
            )
            .await?
            .is_some();
        if done {
            return Ok(());
        }
        let now = OffsetDateTime::now_utc();
        let id = tx
            .fetch_one(
                "INSERT INTO notice_reads (org_id, notice_id, person_id, read_on, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                &[
                    access.org_id().into(),
                    P::Int(notice),
                    P::Int(person),
                    P::Date(today),
                    P::Ts(now),
                ],
            )
            .await?
            .i64(0)?;
        let after = serde_json::json!({
            "notice": row.text(0)?,
            "person": row.text(1)?,
            "read_on": mamori_domain::dates::iso(today),
        });
        audit::append(
            &mut tx,
            &access.actor,
            Entry::new(Some(access.org_id()), "notice_read", Some(id), "create").after(&after),
        )
        .await?;
        tx.commit().await
    }

    /// Findings, audits held and complaints for `fy` and the year before, each counted in its own
    /// query grouped by year, party or kind, and department.
    pub async fn improvement_figures(
        &self,
        access: &Access,
        fy: FiscalYear,
    ) -> Result<ImprovementFigures, StoreError> {
        let previous = fy.previous();
        let org = access.org_id();
        // The fiscal year of a date column: this one from its start, else the previous one.
        let year_of = |col: &str| {
            format!(
                "CAST(CASE WHEN {col} >= $4 THEN {} ELSE {} END AS BIGINT)",
                fy.year, previous.year
            )
        };
        let params = [
            org.into(),
            P::Date(previous.start()),
            P::Date(fy.last_day()),
            P::Date(fy.start()),
        ];
        let findings = self
            .pool
            .fetch_all(
                &format!(
                    "SELECT {} AS fy, a.party, d.code, f.grade, COUNT(*) \
                     FROM findings f JOIN audits a ON a.id = f.audit_id JOIN departments d ON d.id = f.department_id \
                     WHERE f.org_id = $1 AND f.withdrawn_at IS NULL AND a.withdrawn_at IS NULL \
                       AND a.started_on >= $2 AND a.started_on <= $3 \
                     GROUP BY fy, a.party, d.code, f.grade",
                    year_of("a.started_on")
                ),
                &params,
            )
            .await?
            .iter()
            .map(|r| {
                Ok(FindingTally {
                    year: r.i64(0)? as i32,
                    party: r.text(1)?,
                    department: r.text(2)?,
                    grade: r.text(3)?,
                    count: r.i64(4)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let held = self
            .pool
            .fetch_all(
                &format!(
                    "SELECT DISTINCT {} AS fy, a.party FROM audits a \
                     WHERE a.org_id = $1 AND a.withdrawn_at IS NULL AND a.status = 'done' \
                       AND a.started_on >= $2 AND a.started_on <= $3",
                    year_of("a.started_on")
                ),
                &params,
            )
            .await?
            .iter()
            .map(|r| Ok((r.i64(0)? as i32, r.text(1)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        let complaints = self
            .pool
            .fetch_all(
                &format!(
                    "SELECT {} AS fy, d.code, c.kind, COUNT(*) \
                     FROM complaints c JOIN departments d ON d.id = c.department_id \
                     WHERE c.org_id = $1 AND c.withdrawn_at IS NULL \
                       AND c.received_on >= $2 AND c.received_on <= $3 \
                     GROUP BY fy, d.code, c.kind",
                    year_of("c.received_on")
                ),
                &params,
            )
            .await?
            .iter()
            .map(|r| {
                Ok(ComplaintTally {
                    year: r.i64(0)? as i32,
                    department: r.text(1)?,
                    kind: r.text(2)?,
                    count: r.i64(3)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let departments = self
            .pool
            .fetch_all(
                "SELECT code, name FROM departments WHERE org_id = $1 AND withdrawn_at IS NULL \
                   AND valid_from <= $3 AND (valid_to IS NULL OR valid_to >= $2) ORDER BY code",
                &params[..3],
            )
            .await?
            .iter()
            .map(|r| Ok((r.text(0)?, r.text(1)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(ImprovementFigures {
            findings,
            held,
            complaints,
            departments,
        })
    }
}
