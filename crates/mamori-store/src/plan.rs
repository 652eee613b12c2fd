//! The annual plan's rules: a fiscal year's tasks made from the duties, a task completed by the
//! record that does it, a new person's tasks on joining, and each member's tasks.

use std::collections::HashSet;

use mamori_domain::plan::{self, Occurrence};
use mamori_domain::register::Register;
use mamori_domain::registers::{PEOPLE, TASKS};
use mamori_domain::{FiscalYear, Role};
use serde::Serialize;
use time::{Date, OffsetDateTime};

use crate::Store;
use crate::areas::Written;
use crate::audit::{self, Entry};
use crate::db::{P, Tx};
use crate::error::StoreError;
use crate::org::Access;
use crate::records::Input;

/// An identity guarantee is good for five years (Japanese law limits a guarantee of a person's
/// conduct to five).
pub const GUARANTEE_YEARS: i32 = 5;

/// A record completes a monthly task that fell due at most this long before it (last month's
/// inspection done a few days late), never one of an earlier month; any other task within a
/// year after it fell due (the onboarding test taken late).
pub const LATE_DAYS: i64 = 31;

/// What tells a task made already: its duty, due date, department, owner and title.
type MadeKey = (String, Date, Option<String>, Option<String>, String);

/// A duty as its rule reads it.
struct Duty {
    code: String,
    title: String,
    cycle: String,
    due_month: Option<i64>,
    due_day: Option<i64>,
    anchor: Option<String>,
    days: Option<i64>,
    owner_role: Option<String>,
    department: Option<String>,
    owner: Option<String>,
    completed_by: Option<String>,
}

async fn duties(tx: &mut Tx, org_id: i64, only: Option<&str>) -> Result<Vec<Duty>, StoreError> {
    let mut params = vec![P::Int(org_id)];
    let cycle = match only {
        Some(c) => {
            params.push(c.into());
            " AND d.cycle = $2"
        }
        None => "",
    };
    tx.fetch_all(
        &format!(
            "SELECT d.code, d.title, d.cycle, d.due_month, d.due_day, d.anchor, d.days, d.owner_role, \
               dep.code, p.employee_no, d.completed_by \
             FROM duties d LEFT JOIN departments dep ON dep.id = d.department_id LEFT JOIN people p ON p.id = d.owner_id \
             WHERE d.org_id = $1 AND d.withdrawn_at IS NULL{cycle} ORDER BY d.code"
        ),
        &params,
    )
    .await?
    .iter()
    .map(|r| {
        Ok(Duty {
            code: r.text(0)?,
            title: r.text(1)?,
            cycle: r.text(2)?,
            due_month: r.get(3)?,
            due_day: r.get(4)?,
            anchor: r.get(5)?,
            days: r.get(6)?,
            owner_role: r.get(7)?,
            department: r.get(8)?,
            owner: r.get(9)?,
            completed_by: r.get(10)?,
        })
    })
    .collect()
}

/// A task to make: its duty's values, with the occurrence, the subject it is about (a
/// certificate, a person) and whom it falls to.
fn task_input(
    duty: &Duty,
    o: Occurrence,
    about: Option<&str>,
    department: Option<&str>,
    owner: Option<&str>,
) -> Input {
    let mut input = Input::new();
    let title = match about {
        Some(a) => format!("{}（{a}）", duty.title),
        None => duty.title.clone(),
    };
    input.insert("title".into(), title.chars().take(200).collect());
    input.insert("duty".into(), duty.code.clone());
    input.insert("opens_on".into(), mamori_domain::dates::iso(o.opens_on));
    input.insert("due_on".into(), mamori_domain::dates::iso(o.due_on));
    input.insert("task_status".into(), "open".into());
    if let Some(c) = &duty.completed_by {
        input.insert("completed_by".into(), c.clone());
    }
    match owner.or(duty.owner.as_deref()) {
        Some(p) => {
            input.insert("owner".into(), p.to_string());
        }
        None => {
            if let Some(r) = &duty.owner_role {
                input.insert("owner_role".into(), r.clone());
            }
        }
    }
    if let Some(d) = department.or(duty.department.as_deref()) {
        input.insert("department".into(), d.to_string());
    }
    input
}

/// The dates a duty counted back from a date falls due in `fy`, each with what it is about.
async fn anchored(
    tx: &mut Tx,
    org_id: i64,
    duty: &Duty,
    fy: FiscalYear,
) -> Result<Vec<(Occurrence, String)>, StoreError> {
    let days = duty.days.unwrap_or(30);
    let sql = match duty.anchor.as_deref() {
        Some("certificate_expiry") => {
            "SELECT valid_to, registration_no FROM certificates \
             WHERE org_id = $1 AND withdrawn_at IS NULL AND valid_to IS NOT NULL"
        }
        Some("membership_end") => {
            "SELECT m.valid_until, u.display_name FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE m.org_id = $1 AND m.valid_until IS NOT NULL"
        }
        Some("guarantee_renewal") => {
            "SELECT MAX(g.received_on), p.name FROM identity_guarantees g JOIN people p ON p.id = g.person_id \
             WHERE g.org_id = $1 AND g.withdrawn_at IS NULL AND p.withdrawn_at IS NULL AND p.left_on IS NULL \
             GROUP BY g.person_id, p.name"
        }
        _ => return Ok(Vec::new()),
    };
    let renewal = duty.anchor.as_deref() == Some("guarantee_renewal");
    let mut out = Vec::new();
    for r in tx.fetch_all(sql, &[P::Int(org_id)]).await? {
        let Some(mut date): Option<Date> = r.get(0)? else {
            continue;
        };
        if renewal {
            date = date
                .replace_year(date.year() + GUARANTEE_YEARS)
                .unwrap_or(date);
        }
        let o = plan::before(date, days);
        if o.due_on >= fy.start() && o.due_on <= fy.last_day() {
            out.push((o, r.text(1)?));
        }
    }
    Ok(out)
}

/// An internal audit of a fiscal year's programme, as its task reads it.
struct Planned {
    due_on: Date,
    department: String,
    department_name: String,
    /// The lead auditor's employee number.
    lead: Option<String>,
}

impl Planned {
    /// The task the programme's `duty` makes of the audit: due on its date, its lead's, in its
    /// department.
    fn task(&self, duty: &Duty, fy: FiscalYear) -> Input {
        let o = Occurrence {
            opens_on: fy.start(),
            due_on: self.due_on,
        };
        task_input(
            duty,
            o,
            Some(&self.department_name),
            Some(&self.department),
            self.lead.as_deref(),
        )
    }
}

/// The internal audits of fiscal year `fy` not cancelled (or only the audit `only`): each
/// department's, on its planned date (its last day), with its lead auditor.
async fn programme(
    tx: &mut Tx,
    org_id: i64,
    fy: FiscalYear,
    only: Option<i64>,
) -> Result<Vec<Planned>, StoreError> {
    tx.fetch_all(
        "SELECT COALESCE(a.ended_on, a.started_on), dep.code, dep.name, p.employee_no FROM audits a \
           JOIN departments dep ON dep.id = a.department_id LEFT JOIN people p ON p.id = a.auditor_id \
         WHERE a.org_id = $1 AND a.withdrawn_at IS NULL AND a.kind = 'internal' AND a.status <> 'cancelled' \
           AND a.started_on >= $2 AND a.started_on <= $3 AND ($4 IS NULL OR a.id = $4) \
         ORDER BY a.started_on, a.id",
        &[
            P::Int(org_id),
            P::Date(fy.start()),
            P::Date(fy.last_day()),
            P::OptInt(only),
        ],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(Planned {
            due_on: r.get(0)?,
            department: r.text(1)?,
            department_name: r.text(2)?,
            lead: r.get(3)?,
        })
    })
    .collect()
}

impl Store {
    /// Makes fiscal year `fy`'s tasks from the duties: those already made (or withdrawn) are not
    /// made again, so running it twice makes nothing the second time. A duty of a department's
    /// manager that names no department makes one task for each department. Returns how many were
    /// made. One plan of an organisation is made at a time (two clicks, the page and the command
    /// line, two instances): another while one runs is refused (`plan-running`).
    pub async fn plan_year(
        &self,
        access: &Access,
        fy: FiscalYear,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<usize, StoreError> {
        // The whole organisation's tasks: the secretariat's to make.
        if !crate::records::can_write(access, &TASKS, None) {
            return Err(StoreError::Forbidden);
        }
        let lease = format!("plan:{}", access.org_id());
        let holder = crate::auth::random_token();
        if !self
            .take_lease(&lease, &holder, time::Duration::minutes(10))
            .await?
        {
            return Err(StoreError::Refused("plan-running"));
        }
        let made = self.make_year(access, fy, progress).await;
        self.release_lease(&lease, &holder).await?;
        made
    }

    async fn make_year(
        &self,
        access: &Access,
        fy: FiscalYear,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<usize, StoreError> {
        let org_id = access.org_id();
        let mut tx = self.pool.begin().await?;
        let duties = duties(&mut tx, org_id, None).await?;
        let departments: Vec<String> = tx
            .fetch_all(
                "SELECT code FROM departments WHERE org_id = $1 AND withdrawn_at IS NULL ORDER BY code",
                &[P::Int(org_id)],
            )
            .await?
            .iter()
            .map(|r| r.text(0))
            .collect::<Result<_, _>>()?;
        // What is made already: (duty, due date, department, owner, title).
        let made: HashSet<MadeKey> = tx
            .fetch_all(
                "SELECT d.code, t.due_on, dep.code, p.employee_no, t.title FROM tasks t JOIN duties d ON d.id = t.duty_id \
                 LEFT JOIN departments dep ON dep.id = t.department_id LEFT JOIN people p ON p.id = t.owner_id \
                 WHERE t.org_id = $1 AND t.due_on >= $2 AND t.due_on <= $3",
                &[P::Int(org_id), P::Date(fy.start()), P::Date(fy.last_day())],
            )
            .await?
            .iter()
            .map(|r| Ok((r.text(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.text(4)?)))
            .collect::<Result<_, StoreError>>()?;
        // Who joined in the year: (employee number, name, department, joining date).
        let joiners: Vec<(String, String, Option<String>, Date)> = tx
            .fetch_all(
                "SELECT p.employee_no, p.name, dep.code, p.joined_on FROM people p \
                 LEFT JOIN departments dep ON dep.id = p.department_id \
                 WHERE p.org_id = $1 AND p.withdrawn_at IS NULL AND p.joined_on >= $2 AND p.joined_on <= $3 \
                 ORDER BY p.joined_on, p.employee_no",
                &[P::Int(org_id), P::Date(fy.start()), P::Date(fy.last_day())],
            )
            .await?
            .iter()
            .map(|r| Ok((r.text(0)?, r.text(1)?, r.get(2)?, r.get(3)?)))
            .collect::<Result<_, StoreError>>()?;
        let mut rows: Vec<Input> = Vec::new();
        let mut add = |input: Input, duty: &Duty, due: Date| {
            let key = (
                duty.code.clone(),
                due,
                input.get("department").cloned(),
                input.get("owner").cloned(),
                input.get("title").cloned().unwrap_or_default(),
            );
            if !made.contains(&key) {
                rows.push(input);
            }
        };
        for duty in duties.iter().filter(|d| d.cycle == "on_joining") {
            for (no, name, dept, joined) in &joiners {
                let o = plan::after_joining(*joined, duty.days.unwrap_or(30));
                add(
                    task_input(duty, o, Some(name), dept.as_deref(), Some(no)),
                    duty,
                    o.due_on,
                );
            }
        }
        for duty in duties.iter().filter(|d| d.cycle == "audit_programme") {
            for audit in programme(&mut tx, org_id, fy, None).await? {
                add(audit.task(duty, fy), duty, audit.due_on);
            }
        }
        for duty in &duties {
            let occurrences: Vec<(Occurrence, Option<String>)> = match duty.cycle.as_str() {
                "monthly" | "yearly" => plan::calendar_occurrences(
                    &duty.cycle,
                    duty.due_day.map(|d| d as u8),
                    duty.due_month.map(|m| m as u8),
                    fy,
                )
                .into_iter()
                .map(|o| (o, None))
                .collect(),
                "before_date" => anchored(&mut tx, org_id, duty, fy)
                    .await?
                    .into_iter()
                    .map(|(o, about)| (o, Some(about)))
                    .collect(),
                // Joining: above.
                _ => Vec::new(),
            };
            let per_department = duty.owner.is_none()
                && duty.department.is_none()
                && duty.owner_role.as_deref() == Some(Role::DepartmentManager.code());
            let targets: Vec<Option<&str>> = if per_department {
                departments.iter().map(|d| Some(d.as_str())).collect()
            } else {
                vec![None]
            };
            for (o, about) in &occurrences {
                for dept in &targets {
                    let input = task_input(duty, *o, about.as_deref(), *dept, None);
                    add(input, duty, o.due_on);
                }
            }
        }
        drop(tx);
        let made = if rows.is_empty() {
            0
        } else {
            self.create_many(access, &TASKS, &rows, progress)
                .await
                .map_err(|errors| {
                    StoreError::Invalid(errors.into_iter().flat_map(|(_, e)| e).take(5).collect())
                })?
        };
        let mut tx = self.pool.begin().await?;
        settle(&mut tx, access, fy).await?;
        tx.commit().await?;
        Ok(made)
    }

    /// The open tasks the member may read, due by `until` (late ones included, but not those a
    /// year old), earliest first, at most `limit`: for the secretariat and auditors every task,
    /// for a department's manager theirs and their department's, for staff their own. With
    /// `only_mine`, those that fall to the member: theirs by name, and those of their role (a
    /// department manager's, those of their department).
    pub async fn open_tasks(
        &self,
        access: &Access,
        until: Date,
        only_mine: bool,
        limit: i64,
    ) -> Result<Vec<MyTask>, StoreError> {
        let (mine_sql, mut params) = mine(access);
        let scope = match access.role {
            _ if only_mine => mine_sql,
            Role::IsmsManager | Role::Auditor | Role::Admin => "TRUE".to_string(),
            Role::DepartmentManager => format!(
                "({mine_sql} OR t.department_id = {})",
                access.department_id.unwrap_or(0)
            ),
            Role::Staff => mine_sql,
        };
        params.push(P::Date(until));
        let n = params.len();
        params.push(P::Date(history_before(until)));
        let m = n + 1;
        self.pool
            .fetch_all(
                &format!(
                    "SELECT t.id, t.code, t.title, t.due_on, t.completed_by, p.name, t.owner_role, dep.name \
                     FROM tasks t LEFT JOIN people p ON p.id = t.owner_id LEFT JOIN departments dep ON dep.id = t.department_id \
                     WHERE t.org_id = $1 AND t.withdrawn_at IS NULL AND t.task_status = 'open' AND {scope} \
                       AND t.due_on <= ${n} AND t.due_on >= ${m} \
                     ORDER BY t.due_on, t.id LIMIT {limit}"
                ),
                &params,
            )
            .await?
            .iter()
            .map(MyTask::of)
            .collect()
    }
}

/// A task left open more than a year before today is history (a past year's plan shows it), not a
/// to-do: the lists of open tasks, which look `AHEAD_DAYS` ahead of today, start here.
fn history_before(until: Date) -> Date {
    until - time::Duration::days(366 + 30)
}

/// The condition (on `t`, a task) that it falls to the member, with its parameters (`$1` the
/// organisation).
fn mine(access: &Access) -> (String, Vec<P>) {
    let mut params = vec![P::Int(access.org_id())];
    let mut ors = Vec::new();
    if let Some(person) = access.person_id {
        params.push(P::Int(person));
        ors.push(format!("t.owner_id = ${}", params.len()));
    }
    match access.role {
        Role::IsmsManager => {
            ors.push("(t.owner_id IS NULL AND t.owner_role = 'isms_manager')".into())
        }
        Role::DepartmentManager => {
            params.push(P::Int(access.department_id.unwrap_or(0)));
            ors.push(format!(
                "(t.owner_id IS NULL AND t.owner_role = 'department_manager' AND t.department_id = ${})",
                params.len()
            ));
        }
        _ => {}
    }
    if ors.is_empty() {
        ("FALSE".into(), params)
    } else {
        (format!("({})", ors.join(" OR ")), params)
    }
}

/// An open task, as a member's list shows it.
#[derive(Clone, Debug, Serialize)]
pub struct MyTask {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub due_on: Date,
    /// The collection whose record completes it.
    pub completed_by: Option<String>,
    pub owner: Option<String>,
    pub owner_role: Option<String>,
    pub department: Option<String>,
}

impl MyTask {
    fn of(r: &crate::db::Row) -> Result<MyTask, StoreError> {
        Ok(MyTask {
            id: r.i64(0)?,
            code: r.text(1)?,
            title: r.text(2)?,
            due_on: r.get(3)?,
            completed_by: r.get(4)?,
            owner: r.get(5)?,
            owner_role: r.get(6)?,
            department: r.get(7)?,
        })
    }
}

/// After any write: a record of a register that completes tasks (a key inspection, a meeting)
/// completes the open task it answers: of its register, open by the record's date, of its
/// department and its person where both say one; the task of the record's own period (the
/// earliest not yet due), else the latest late one (see `LATE_DAYS`). The task links to the record; the audit
/// trail says so. A device completes a patch check when its patch date changes.
pub(crate) async fn complete_tasks(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    written: &Written<'_>,
) -> Result<(), StoreError> {
    let id_of = |field: Option<&str>| {
        field
            .and_then(|f| reg.position(f))
            .and_then(|i| written.ids[i])
    };
    let department = id_of(reg.department_field);
    let person = id_of(reg.writer_person.or(Some("person")));
    let same = |k: usize| {
        written
            .before
            .is_some_and(|b| b.values.get(k) == Some(&written.values[k]))
    };
    // The narrowest completer the record answers (an internal audit done before any audit done)
    // whose task is open: one task a record.
    for c in plan::completers_of(reg.collection) {
        let Some(i) = reg.position(c.date) else {
            continue;
        };
        let Some(date) = written.values[i].as_date() else {
            continue;
        };
        // The conditions (a test passed, an audit done) hold now …
        let conditions: Option<Vec<usize>> = c.when.iter().map(|(f, _)| reg.position(f)).collect();
        let Some(conditions) = conditions else {
            continue;
        };
        let holds = conditions
            .iter()
            .zip(c.when)
            .all(|(k, (_, v))| written.values[*k].to_plain() == *v);
        // … and the date or a condition is new.
        if !holds || (same(i) && conditions.iter().all(|k| same(*k))) {
            continue;
        }
        if complete_one(
            tx, access, reg, c.name, written.id, date, department, person,
        )
        .await?
        {
            break;
        }
    }
    Ok(())
}

/// A test passed (written by its own flow, not a register write) completes the task it answers.
pub(crate) async fn attempt_passed(
    tx: &mut Tx,
    access: &Access,
    attempt: i64,
) -> Result<(), StoreError> {
    let reg = &mamori_domain::registers::TEST_ATTEMPTS;
    let Some(row) = tx
        .fetch_optional(
            "SELECT started_on, person_id FROM test_attempts WHERE org_id = $1 AND id = $2",
            &[P::Int(access.org_id()), P::Int(attempt)],
        )
        .await?
    else {
        return Ok(());
    };
    complete_one(
        tx,
        access,
        reg,
        "test-attempts",
        attempt,
        row.get(0)?,
        None,
        row.get(1)?,
    )
    .await?;
    Ok(())
}

/// Completes the earliest open task the record `id` of `reg` answers (see `complete_tasks`);
/// whether it completed one.
#[allow(clippy::too_many_arguments)]
async fn complete_one(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    completer: &str,
    id: i64,
    date: Date,
    department: Option<i64>,
    person: Option<i64>,
) -> Result<bool, StoreError> {
    // Another writer may complete the same task at the same moment: the update claims it only
    // while it is open, and the next candidate is tried when it is not.
    let mut task = None;
    let link = format!("{}/{}", reg.collection, id);
    for _ in 0..3 {
        let Some(row) = tx
            .fetch_optional(
                "SELECT id FROM tasks WHERE org_id = $1 AND completed_by = $2 AND task_status = 'open' \
                   AND withdrawn_at IS NULL AND (opens_on IS NULL OR opens_on <= $3) \
                   AND (department_id IS NULL OR $4 IS NULL OR department_id = $4) \
                   AND (owner_id IS NULL OR $5 IS NULL OR owner_id = $5) \
                   AND (due_on >= $6 OR (due_on >= $7 AND NOT EXISTS (SELECT 1 FROM duties d \
                       WHERE d.id = tasks.duty_id AND d.cycle = 'monthly'))) \
                 ORDER BY CASE WHEN due_on >= $3 THEN 0 ELSE 1 END, \
                   CASE WHEN due_on >= $3 THEN due_on END, due_on DESC, id LIMIT 1",
                &[
                    P::Int(access.org_id()),
                    completer.into(),
                    P::Date(date),
                    P::OptInt(department),
                    P::OptInt(person),
                    P::Date(date - time::Duration::days(LATE_DAYS)),
                    P::Date(date - time::Duration::days(366)),
                ],
            )
            .await?
        else {
            return Ok(false);
        };
        let candidate = row.i64(0)?;
        let claimed = tx
            .execute(
                "UPDATE tasks SET task_status = 'done', done_on = $1, done_record = $2, updated_at = $3 \
                 WHERE id = $4 AND task_status = 'open'",
                &[
                    P::Date(date),
                    link.clone().into(),
                    P::Ts(OffsetDateTime::now_utc()),
                    P::Int(candidate),
                ],
            )
            .await?;
        if claimed == 1 {
            task = Some(candidate);
            break;
        }
    }
    let Some(task) = task else {
        return Ok(false);
    };
    let before = serde_json::json!({ "task_status": "open" });
    let after = serde_json::json!({
        "task_status": "done",
        "done_on": mamori_domain::dates::iso(date),
        "done_record": link,
    });
    audit::append(
        tx,
        &access.actor,
        Entry::new(Some(access.org_id()), TASKS.code, Some(task), "update")
            .before(&before)
            .after(&after),
    )
    .await?;
    Ok(true)
}

/// Completes a fiscal year's open tasks from the records already held: each record of a
/// completing register dated in the year (or the month before it), earliest first, completes the
/// earliest open task it answers, unless a task names it already. A year planned after the fact
/// shows what was done.
async fn settle(tx: &mut Tx, access: &Access, fy: FiscalYear) -> Result<usize, StoreError> {
    let mut used: HashSet<String> = tx
        .fetch_all(
            "SELECT done_record FROM tasks WHERE org_id = $1 AND done_record IS NOT NULL",
            &[P::Int(access.org_id())],
        )
        .await?
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<_, _>>()?;
    let mut done = 0;
    for c in plan::COMPLETERS {
        let (collection, date_field) = (c.collection, c.date);
        let Some(reg) = mamori_domain::registers::by_collection(collection) else {
            continue;
        };
        let col = |f: Option<&str>| {
            f.and_then(|f| reg.field(f))
                .map(|f| crate::schema::column_of(f.kind, f.name))
                .unwrap_or_else(|| "NULL".into())
        };
        let person_field = reg.writer_person.or(reg.field("person").map(|f| f.name));
        // The conditions' values are the declaration's own (choice codes), never a user's.
        let condition: String = c
            .when
            .iter()
            .map(|(f, v)| format!(" AND {f} = '{v}'"))
            .collect();
        let rows = tx
            .fetch_all(
                &format!(
                    "SELECT id, {date_field}, {}, {} FROM {} WHERE org_id = $1 AND withdrawn_at IS NULL \
                       AND {date_field} >= $2 AND {date_field} <= $3{condition} ORDER BY {date_field}, id",
                    col(reg.department_field),
                    col(person_field),
                    reg.table
                ),
                &[
                    P::Int(access.org_id()),
                    P::Date(fy.start() - time::Duration::days(31)),
                    P::Date(fy.last_day()),
                ],
            )
            .await?;
        for r in rows {
            let id = r.i64(0)?;
            let link = format!("{collection}/{id}");
            if used.contains(&link) {
                continue;
            }
            if complete_one(tx, access, reg, c.name, id, r.get(1)?, r.get(2)?, r.get(3)?).await? {
                used.insert(link);
                done += 1;
            }
        }
    }
    Ok(done)
}

/// Whether a person recorded now may set off joining's tasks: one who joined within the longest
/// time a duty may give (a past member loaded from a file does not).
pub(crate) fn may_set_off_joining(reg: &Register, values: &[mamori_domain::Value]) -> bool {
    reg.code == PEOPLE.code
        && reg
            .position("joined_on")
            .and_then(|i| values[i].as_date())
            .is_some_and(|d| d + time::Duration::days(366) >= mamori_domain::dates::today())
}

/// After a person is recorded: the duties set off by joining make the new person's tasks (the
/// onboarding test within 30 days), unless they would be due already (a past member loaded from
/// a file).
pub(crate) async fn on_joining(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    written: &Written<'_>,
) -> Result<(), StoreError> {
    if reg.code != PEOPLE.code || written.before.is_some() {
        return Ok(());
    }
    let get = |f: &str| reg.position(f).map(|i| &written.values[i]);
    let (Some(joined), Some(no)) = (
        get("joined_on").and_then(|v| v.as_date()),
        get("employee_no").map(|v| v.to_plain()),
    ) else {
        return Ok(());
    };
    let name = get("name").map(|v| v.to_plain()).unwrap_or_default();
    let department = get("department").map(|v| v.to_plain());
    let today = mamori_domain::dates::today();
    let recorder = crate::records::derived::recorder(access);
    for duty in duties(tx, access.org_id(), Some("on_joining")).await? {
        let o = plan::after_joining(joined, duty.days.unwrap_or(30));
        if o.due_on < today {
            continue;
        }
        let input = task_input(&duty, o, Some(&name), department.as_deref(), Some(&no));
        Box::pin(crate::records::insert_in(
            tx, &recorder, &TASKS, &input, None,
        ))
        .await?;
    }
    Ok(())
}

/// After an internal audit is added to a year whose plan is made: the programme's duty makes its
/// lead's task at once, as making the year again would (a rescheduled audit's new date waits for
/// that).
pub(crate) async fn on_planned_audit(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    written: &Written<'_>,
) -> Result<(), StoreError> {
    use mamori_domain::registers::AUDITS;
    if reg.code != AUDITS.code || written.before.is_some() {
        return Ok(());
    }
    let Some(started) = reg
        .position("started_on")
        .and_then(|i| written.values[i].as_date())
    else {
        return Ok(());
    };
    let fy = access.org.calendar.containing(started);
    let duties = duties(tx, access.org_id(), Some("audit_programme")).await?;
    // The year is planned when any duty's task falls in it.
    let planned = !duties.is_empty()
        && tx
            .fetch_optional(
                "SELECT 1 FROM tasks WHERE org_id = $1 AND duty_id IS NOT NULL AND withdrawn_at IS NULL \
                   AND due_on >= $2 AND due_on <= $3",
                &[
                    P::Int(access.org_id()),
                    P::Date(fy.start()),
                    P::Date(fy.last_day()),
                ],
            )
            .await?
            .is_some();
    if !planned {
        return Ok(());
    }
    let recorder = crate::records::derived::recorder(access);
    // The programme's own reading of the audit: none unless internal, not cancelled, of a department.
    for audit in programme(tx, access.org_id(), fy, Some(written.id)).await? {
        for duty in &duties {
            let input = audit.task(duty, fy);
            Box::pin(crate::records::insert_in(
                tx, &recorder, &TASKS, &input, None,
            ))
            .await?;
        }
    }
    Ok(())
}

/// A month's cell of the annual plan: tasks planned (not cancelled) and done.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct PlanCell {
    pub planned: i64,
    pub done: i64,
}

/// A row of the annual plan: a duty (or the tasks that come from none), its months.
#[derive(Clone, Debug, Serialize)]
pub struct PlanRow {
    pub duty_id: Option<i64>,
    pub duty_code: Option<String>,
    pub title: Option<String>,
    pub owner: Option<String>,
    pub months: [PlanCell; 12],
}

/// A task on a calendar.
#[derive(Clone, Debug, Serialize)]
pub struct CalendarTask {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub due_on: Date,
    pub status: String,
}

impl Store {
    /// The annual plan of fiscal year `fy`: each duty with its tasks by month, planned against
    /// done, duties with no task that year too; then the year's tasks that come from no duty.
    pub async fn plan_grid(
        &self,
        access: &Access,
        fy: FiscalYear,
    ) -> Result<Vec<PlanRow>, StoreError> {
        if !crate::records::can_read(access, &TASKS) {
            return Err(StoreError::Forbidden);
        }
        let org = access.org_id();
        let mut rows: Vec<PlanRow> = if crate::records::can_read(
            access,
            &mamori_domain::registers::DUTIES,
        ) {
            self.pool
                .fetch_all(
                    "SELECT d.id, d.code, d.title, COALESCE(p.name, dep.name, d.owner_role) FROM duties d \
                     LEFT JOIN people p ON p.id = d.owner_id LEFT JOIN departments dep ON dep.id = d.department_id \
                     WHERE d.org_id = $1 AND d.withdrawn_at IS NULL ORDER BY d.code",
                    &[P::Int(org)],
                )
                .await?
                .iter()
                .map(|r| {
                    Ok(PlanRow {
                        duty_id: Some(r.i64(0)?),
                        duty_code: Some(r.text(1)?),
                        title: Some(r.text(2)?),
                        owner: r.get(3)?,
                        months: Default::default(),
                    })
                })
                .collect::<Result<_, StoreError>>()?
        } else {
            Vec::new()
        };
        let mut other = PlanRow {
            duty_id: None,
            duty_code: None,
            title: None,
            owner: None,
            months: Default::default(),
        };
        let counts = self
            .pool
            .fetch_all(
                "SELECT duty_id, due_on, task_status FROM tasks WHERE org_id = $1 AND withdrawn_at IS NULL \
                   AND task_status <> 'cancelled' AND due_on >= $2 AND due_on <= $3",
                &[P::Int(org), P::Date(fy.start()), P::Date(fy.last_day())],
            )
            .await?;
        for r in counts {
            let duty: Option<i64> = r.get(0)?;
            let due: Date = r.get(1)?;
            let done = r.text(2)? == "done";
            let i = ((due.year() - fy.start().year()) * 12 + due.month() as i32
                - fy.start().month() as i32)
                .clamp(0, 11) as usize;
            let row = match duty.and_then(|d| rows.iter_mut().position(|x| x.duty_id == Some(d))) {
                Some(p) => &mut rows[p],
                None => &mut other,
            };
            row.months[i].planned += 1;
            row.months[i].done += i64::from(done);
        }
        if other.months.iter().any(|c| c.planned > 0) {
            rows.push(other);
        }
        Ok(rows)
    }

    /// The tasks (not cancelled or withdrawn) due from `from` to `to`, for a calendar.
    pub async fn tasks_between(
        &self,
        access: &Access,
        from: Date,
        to: Date,
    ) -> Result<Vec<CalendarTask>, StoreError> {
        if !crate::records::can_read(access, &TASKS) {
            return Err(StoreError::Forbidden);
        }
        self.pool
            .fetch_all(
                "SELECT id, code, title, due_on, task_status FROM tasks WHERE org_id = $1 AND withdrawn_at IS NULL \
                   AND task_status <> 'cancelled' AND due_on >= $2 AND due_on <= $3 ORDER BY due_on, code LIMIT 2000",
                &[P::Int(access.org_id()), P::Date(from), P::Date(to)],
            )
            .await?
            .iter()
            .map(|r| {
                Ok(CalendarTask {
                    id: r.i64(0)?,
                    code: r.text(1)?,
                    title: r.text(2)?,
                    due_on: r.get(3)?,
                    status: r.text(4)?,
                })
            })
            .collect()
    }
}

/// An entry of a member's calendar feed: a task, meeting, audit or drill on a day.
#[derive(Clone, Debug, Serialize)]
pub struct CalendarEntry {
    /// Unique and stable: the record's place (`tasks/12`).
    pub place: String,
    pub org: String,
    pub on: Date,
    pub summary: String,
    pub done: bool,
}

impl Store {
    /// A new private calendar address secret for the user (the old one stops working).
    pub async fn calendar_token(&self, user_id: i64) -> Result<String, StoreError> {
        let token = crate::auth::random_token();
        let now = OffsetDateTime::now_utc();
        let mut tx = self.pool.begin().await?;
        tx.execute(
            "DELETE FROM calendar_tokens WHERE user_id = $1",
            &[P::Int(user_id)],
        )
        .await?;
        tx.execute(
            "INSERT INTO calendar_tokens (user_id, token_hash, created_at) VALUES ($1, $2, $3)",
            &[
                P::Int(user_id),
                crate::auth::token_hash(&token).into(),
                P::Ts(now),
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// Revokes the user's calendar address.
    pub async fn revoke_calendar_token(&self, user_id: i64) -> Result<(), StoreError> {
        self.pool
            .execute(
                "DELETE FROM calendar_tokens WHERE user_id = $1",
                &[P::Int(user_id)],
            )
            .await?;
        Ok(())
    }

    /// The user a calendar secret belongs to, if it is in force and the user is.
    pub async fn calendar_user(&self, token: &str) -> Result<Option<crate::User>, StoreError> {
        let Some(row) = self
            .pool
            .fetch_optional(
                "SELECT user_id FROM calendar_tokens WHERE token_hash = $1",
                &[crate::auth::token_hash(token).into()],
            )
            .await?
        else {
            return Ok(None);
        };
        let user = self.user(row.i64(0)?).await?;
        Ok((!user.disabled).then_some(user))
    }

    /// A member's calendar from `from` to `to`: their tasks (open and done) and the meetings,
    /// audits and drills they may read.
    pub async fn calendar(
        &self,
        access: &Access,
        from: Date,
        to: Date,
    ) -> Result<Vec<CalendarEntry>, StoreError> {
        let (mine_sql, mut params) = mine(access);
        params.push(P::Date(from));
        params.push(P::Date(to));
        let (a, b) = (params.len() - 1, params.len());
        let org = access.org.slug.clone();
        let mut out: Vec<CalendarEntry> = self
            .pool
            .fetch_all(
                &format!(
                    "SELECT t.id, t.due_on, t.title, t.task_status FROM tasks t \
                     WHERE t.org_id = $1 AND t.withdrawn_at IS NULL AND t.task_status <> 'cancelled' AND {mine_sql} \
                       AND t.due_on >= ${a} AND t.due_on <= ${b} ORDER BY t.due_on, t.id LIMIT 2000"
                ),
                &params,
            )
            .await?
            .iter()
            .map(|r| {
                Ok(CalendarEntry {
                    place: format!("tasks/{}", r.i64(0)?),
                    org: org.clone(),
                    on: r.get(1)?,
                    summary: r.text(2)?,
                    done: r.text(3)? == "done",
                })
            })
            .collect::<Result<_, StoreError>>()?;
        use mamori_domain::registers::{AUDITS, DRILLS, MEETINGS};
        for (reg, date, title) in [
            (&MEETINGS, "held_on", "title"),
            (&AUDITS, "started_on", "code"),
            (&DRILLS, "held_on", "code"),
        ] {
            if !crate::records::can_read(access, reg) {
                continue;
            }
            let rows = self
                .pool
                .fetch_all(
                    &format!(
                        "SELECT id, {date}, {title} FROM {} WHERE org_id = $1 AND withdrawn_at IS NULL \
                           AND {date} >= $2 AND {date} <= $3 ORDER BY {date}, id LIMIT 500",
                        reg.table
                    ),
                    &[P::Int(access.org_id()), P::Date(from), P::Date(to)],
                )
                .await?;
            for r in rows {
                out.push(CalendarEntry {
                    place: format!("{}/{}", reg.collection, r.i64(0)?),
                    org: org.clone(),
                    on: r.get(1)?,
                    summary: r.text(2)?,
                    done: false,
                });
            }
        }
        Ok(out)
    }
}
