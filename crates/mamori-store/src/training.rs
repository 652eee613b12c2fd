//! Training figures computed from attendance records: per course and fiscal year, how many sessions
//! were held, how many people were expected and how many attended.

use mamori_domain::{FiscalYear, Role};
use serde::Serialize;

use crate::Store;
use crate::db::P;
use crate::error::StoreError;
use crate::org::Access;

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CourseCompletion {
    pub code: String,
    pub name: String,
    pub kind: String,
    /// Sessions held in the year; 0 means the course was not held (無し), not that nobody came.
    pub sessions: i64,
    pub expected: i64,
    pub attended: i64,
}

impl Store {
    /// Completion per course for one fiscal year. Staff see their own records, not the figures.
    pub async fn completion(
        &self,
        access: &Access,
        fy: FiscalYear,
    ) -> Result<Vec<CourseCompletion>, StoreError> {
        if access.role == Role::Staff {
            return Err(StoreError::Forbidden);
        }
        let rows = self
            .pool
            .fetch_all(
                "SELECT c.code, c.name, c.kind, COUNT(DISTINCT s.id), COUNT(a.id), \
                        COUNT(CASE WHEN a.status = 'attended' THEN 1 END) \
                 FROM courses c \
                 LEFT JOIN training_sessions s ON s.course_id = c.id AND s.withdrawn_at IS NULL \
                      AND s.held_on >= $2 AND s.held_on < $3 \
                 LEFT JOIN attendances a ON a.session_id = s.id AND a.withdrawn_at IS NULL \
                 WHERE c.org_id = $1 AND c.withdrawn_at IS NULL \
                 GROUP BY c.id, c.code, c.name, c.kind ORDER BY c.code",
                &[
                    access.org_id().into(),
                    P::Date(fy.start()),
                    P::Date(fy.end_exclusive()),
                ],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(CourseCompletion {
                    code: r.text(0)?,
                    name: r.text(1)?,
                    kind: r.text(2)?,
                    sessions: r.i64(3)?,
                    expected: r.i64(4)?,
                    attended: r.i64(5)?,
                })
            })
            .collect()
    }
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct DepartmentCompletion {
    pub course: String,
    pub department: String,
    pub department_name: String,
    pub expected: i64,
    pub attended: i64,
}

impl Store {
    /// Completion per course and the department each person belongs to, for one fiscal year.
    pub async fn completion_by_department(
        &self,
        access: &Access,
        fy: FiscalYear,
    ) -> Result<Vec<DepartmentCompletion>, StoreError> {
        if access.role == Role::Staff {
            return Err(StoreError::Forbidden);
        }
        let rows = self
            .pool
            .fetch_all(
                "SELECT c.code, d.code, d.name, COUNT(a.id), COUNT(CASE WHEN a.status = 'attended' THEN 1 END) \
                 FROM attendances a JOIN training_sessions s ON s.id = a.session_id \
                 JOIN courses c ON c.id = s.course_id JOIN people p ON p.id = a.person_id \
                 JOIN departments d ON d.id = p.department_id \
                 WHERE a.org_id = $1 AND a.withdrawn_at IS NULL AND s.withdrawn_at IS NULL \
                   AND s.held_on >= $2 AND s.held_on < $3 \
                 GROUP BY c.code, d.code, d.name ORDER BY c.code, d.code",
                &[access.org_id().into(), P::Date(fy.start()), P::Date(fy.end_exclusive())],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(DepartmentCompletion {
                    course: r.text(0)?,
                    department: r.text(1)?,
                    department_name: r.text(2)?,
                    expected: r.i64(3)?,
                    attended: r.i64(4)?,
                })
            })
            .collect()
    }
}
