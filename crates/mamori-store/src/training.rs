//! Training figures computed from attendance records: per course and fiscal year, how many sessions
//! were held, how many people were expected and how many attended.

use mamori_domain::FiscalYear;
use serde::Serialize;

use crate::Store;
use crate::areas::{Area, Write};
use crate::db::P;
use crate::error::StoreError;
use crate::org::Access;
use crate::requirements::{Requirement, check_all};

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

/// A session of the year's training plan and whether it was held: the plans of a course count as
/// held, in date order, as far as sessions of the course were held in the year.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PlannedSession {
    pub id: i64,
    pub code: String,
    pub course: String,
    pub course_name: String,
    pub planned_on: time::Date,
    pub department: Option<String>,
    /// The session that holds it, and when it was held.
    pub held: Option<(i64, time::Date)>,
}

impl Store {
    /// The training plan of fiscal year `fy` against the sessions held, by planned date.
    pub async fn training_plan(
        &self,
        access: &Access,
        fy: FiscalYear,
    ) -> Result<Vec<PlannedSession>, StoreError> {
        use mamori_domain::registers::{TRAINING_PLANS, TRAINING_SESSIONS};
        if !crate::records::can_read(access, &TRAINING_PLANS)
            || !crate::records::can_read(access, &TRAINING_SESSIONS)
        {
            return Err(StoreError::Forbidden);
        }
        let params = [
            P::Int(access.org_id()),
            P::Date(fy.start()),
            P::Date(fy.last_day()),
        ];
        let mut plans: Vec<PlannedSession> = self
            .pool
            .fetch_all(
                "SELECT t.id, t.code, c.code, c.name, t.planned_on, dep.name FROM training_plans t \
                   JOIN courses c ON c.id = t.course_id LEFT JOIN departments dep ON dep.id = t.department_id \
                 WHERE t.org_id = $1 AND t.withdrawn_at IS NULL AND t.planned_on >= $2 AND t.planned_on <= $3 \
                 ORDER BY t.planned_on, t.code",
                &params,
            )
            .await?
            .iter()
            .map(|r| {
                Ok(PlannedSession {
                    id: r.i64(0)?,
                    code: r.text(1)?,
                    course: r.text(2)?,
                    course_name: r.text(3)?,
                    planned_on: r.get(4)?,
                    department: r.get(5)?,
                    held: None,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let mut held: Vec<(String, i64, time::Date)> = self
            .pool
            .fetch_all(
                "SELECT c.code, s.id, s.held_on FROM training_sessions s JOIN courses c ON c.id = s.course_id \
                 WHERE s.org_id = $1 AND s.withdrawn_at IS NULL AND s.held_on >= $2 AND s.held_on <= $3 \
                 ORDER BY s.held_on, s.id",
                &params,
            )
            .await?
            .iter()
            .map(|r| Ok((r.text(0)?, r.i64(1)?, r.get(2)?)))
            .collect::<Result<_, StoreError>>()?;
        for plan in &mut plans {
            if let Some(i) = held.iter().position(|(c, _, _)| *c == plan.course) {
                let (_, id, on) = held.remove(i);
                plan.held = Some((id, on));
            }
        }
        Ok(plans)
    }

    /// Completion per course for one fiscal year. Staff see their own records, not the figures.
    pub async fn completion(
        &self,
        access: &Access,
        fy: FiscalYear,
    ) -> Result<Vec<CourseCompletion>, StoreError> {
        if !access.may(mamori_domain::Capability::ReadAboutOthers) {
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
    /// Completion per course and department for one fiscal year: the department each attendance
    /// recorded (the person's at the time), so a reorganisation does not move past figures.
    pub async fn completion_by_department(
        &self,
        access: &Access,
        fy: FiscalYear,
    ) -> Result<Vec<DepartmentCompletion>, StoreError> {
        if !access.may(mamori_domain::Capability::ReadAboutOthers) {
            return Err(StoreError::Forbidden);
        }
        let rows = self
            .pool
            .fetch_all(
                "SELECT c.code, d.code, d.name, COUNT(a.id), COUNT(CASE WHEN a.status = 'attended' THEN 1 END) \
                 FROM attendances a JOIN training_sessions s ON s.id = a.session_id \
                 JOIN courses c ON c.id = s.course_id JOIN people p ON p.id = a.person_id \
                 JOIN departments d ON d.id = COALESCE(a.department_id, p.department_id) \
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

impl Store {
    /// Lists the people a session's course is for as expected at the session (status `expected`),
    /// leaving out anyone already listed. Who is expected is the course's data: its audience
    /// (everyone, new joiners, one department; named people are added by hand) and whether people
    /// who joined in the session's fiscal year are left out (they take the onboarding course
    /// instead). Only people working on the day count. Returns how many were added.
    pub async fn add_expected(&self, access: &Access, session: i64) -> Result<usize, StoreError> {
        use mamori_domain::registers::{ATTENDANCES, TRAINING_SESSIONS};
        if !crate::records::can_create(access, &ATTENDANCES) {
            return Err(StoreError::Forbidden);
        }
        let s = self.get(access, &TRAINING_SESSIONS, session).await?;
        if s.withdrawn_at.is_some() {
            return Err(StoreError::Refused("record-withdrawn"));
        }
        let row = self
            .pool
            .fetch_one(
                "SELECT s.code, s.held_on, c.audience, c.audience_department_id, COALESCE(c.exclude_new_joiners, 'no') \
                 FROM training_sessions s JOIN courses c ON c.id = s.course_id WHERE s.org_id = $1 AND s.id = $2",
                &[access.org_id().into(), P::Int(session)],
            )
            .await?;
        let code = row.text(0)?;
        let held: time::Date = row.get(1)?;
        let audience = row.text(2)?;
        let department: Option<i64> = row.get(3)?;
        let exclude_new = row.text(4)? == "yes";
        let fy_start = access.org.calendar.containing(held).start();
        let mut conds = vec![
            "p.org_id = $1".to_string(),
            "p.withdrawn_at IS NULL".into(),
            "p.joined_on <= $2".into(),
            "(p.left_on IS NULL OR p.left_on >= $2)".into(),
            "NOT EXISTS (SELECT 1 FROM attendances a WHERE a.session_id = $3 AND a.person_id = p.id)".into(),
        ];
        let mut params = vec![access.org_id().into(), P::Date(held), P::Int(session)];
        match audience.as_str() {
            "everyone" => {}
            "new_joiners" => {
                // Joined this fiscal year and not listed at another session of the course.
                params.push(P::Date(fy_start));
                conds.push(format!("p.joined_on >= ${}", params.len()));
                conds.push(
                    "NOT EXISTS (SELECT 1 FROM attendances a JOIN training_sessions x ON x.id = a.session_id \
                     WHERE a.person_id = p.id AND a.withdrawn_at IS NULL AND x.withdrawn_at IS NULL \
                       AND x.course_id = (SELECT course_id FROM training_sessions WHERE id = $3))"
                        .into(),
                );
            }
            "department" => {
                params.push(P::OptInt(department));
                conds.push(format!("p.department_id = ${}", params.len()));
            }
            _ => return Ok(0),
        }
        if exclude_new && audience != "new_joiners" {
            params.push(P::Date(fy_start));
            conds.push(format!("p.joined_on < ${}", params.len()));
        }
        let people = self
            .pool
            .fetch_all(
                &format!(
                    "SELECT p.employee_no FROM people p WHERE {} ORDER BY p.employee_no",
                    conds.join(" AND ")
                ),
                &params,
            )
            .await?;
        let inputs: Vec<crate::Input> = people
            .iter()
            .map(|r| {
                Ok([
                    ("session".to_string(), code.clone()),
                    ("person".to_string(), r.text(0)?),
                    ("status".to_string(), "expected".to_string()),
                ]
                .into_iter()
                .collect())
            })
            .collect::<Result<_, StoreError>>()?;
        if inputs.is_empty() {
            return Ok(0);
        }
        self.create_many(access, &ATTENDANCES, &inputs, &|_, _| {})
            .await
            .map_err(|errors| StoreError::Data(format!("adding expected people: {errors:?}")))
    }
}

/// The training area's rules: everyone an attendance names is in force on its session's date.
pub(crate) struct Training;

const REQUIRES: &[Requirement] = &[Requirement::InForceOn {
    on: "held_on",
    via: Some("session"),
}];

impl Area for Training {
    const REGISTERS: &'static [&'static mamori_domain::Register] =
        &[&mamori_domain::registers::ATTENDANCES];

    async fn check(
        &self,
        tx: &mut crate::db::Tx,
        access: &Access,
        reg: &mamori_domain::Register,
        w: &Write<'_>,
        periods: Option<&mut crate::records::Periods>,
    ) -> Result<Vec<mamori_domain::FieldError>, StoreError> {
        check_all(tx, access, reg, REQUIRES, w, periods).await
    }

    #[cfg(test)]
    fn names(&self) -> Vec<(&'static mamori_domain::Register, &'static str)> {
        REQUIRES
            .iter()
            .flat_map(|r| r.fields())
            .map(|f| (&mamori_domain::registers::ATTENDANCES, f))
            .collect()
    }
}
