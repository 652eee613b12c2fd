//! The ISMS year: やること (everything the member has to do, the plan's tasks and the registers'
//! own due items in one list), the annual plan (年間計画表: each duty's tasks by month, planned
//! against done) and its month calendar.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mamori_domain::Role;
use mamori_domain::registers::{DUTIES, TASKS, TRAINING_PLANS};
use mamori_store::overdue::LateAction;
use mamori_store::plan::MyTask;
use minijinja::{Value, context};
use time::{Date, Duration};

use crate::error::AppError;
use crate::pages::{get, pairs};
use crate::session::Ctx;
use crate::{AppState, i18n, render};

/// How far ahead やること looks: what is due within these days, and everything late.
pub const AHEAD_DAYS: i64 = 30;

fn date(ctx: &Ctx, d: Date) -> String {
    mamori_domain::dates::format_date(d, ctx.style, ctx.lang)
}

/// One line of a member's list of tasks: what, when, whose, late or not, and where it is done.
pub fn task_items(ctx: &Ctx, tasks: &[MyTask], today: Date) -> Vec<Value> {
    tasks
        .iter()
        .map(|t| {
            let whose = t.owner.clone().or_else(|| {
                t.owner_role.as_ref().map(|r| {
                    let role = i18n::t(ctx.lang, &format!("role-{r}"));
                    match &t.department {
                        Some(d) => format!("{role}（{d}）"),
                        None => role,
                    }
                })
            });
            // A button to record what completes it, for those who may record it (a test is taken
            // from My page, not recorded).
            let record = t.completed_by.as_deref().and_then(|name| {
                let c = mamori_domain::plan::completer(name)?.collection;
                mamori_domain::registers::by_collection(c)
                    .filter(|reg| mamori_store::records::can_create(&ctx.access, reg))
                    .map(|reg| {
                        context! {
                            label => i18n::register_name(ctx.lang, reg),
                            href => if mamori_domain::plan::completed_by_editing(c) {
                                format!("/o/{}/{}", ctx.org(), reg.collection)
                            } else {
                                format!("/o/{}/{}/new", ctx.org(), reg.collection)
                            },
                        }
                    })
            });
            context! {
                kind_code => "task",
                kind => i18n::t(ctx.lang, "todo-kind-task"),
                code => t.code.clone(),
                title => t.title.clone(),
                href => format!("/o/{}/tasks/{}", ctx.org(), t.id),
                due => date(ctx, t.due_on),
                due_iso => mamori_domain::dates::iso(t.due_on),
                late => t.due_on < today,
                owner => whose,
                record,
            }
        })
        .collect()
}

/// The member's own open tasks due within `AHEAD_DAYS` or late, as their home and My page list
/// them (at most `limit`).
pub async fn my_task_items(
    state: &AppState,
    ctx: &Ctx,
    limit: i64,
) -> Result<Vec<Value>, AppError> {
    let today = mamori_domain::dates::today();
    let until = today + Duration::days(AHEAD_DAYS);
    let tasks = state
        .store
        .open_tasks(&ctx.access, until, true, limit)
        .await?;
    Ok(task_items(ctx, &tasks, today))
}

/// The registers' own due items as lines of the same list.
fn due_items(ctx: &Ctx, o: &mamori_store::overdue::Overdue, today: Date) -> Vec<(Date, Value)> {
    let org = ctx.org();
    let cycles = ctx.access.org.settings.cycles;
    let secretariat = i18n::t(ctx.lang, "owner_role-isms_manager");
    let line = |kind: &str,
                code: String,
                title: String,
                owner: Option<String>,
                due: Date,
                href: String| {
        // The secretariat's to do when the register names nobody; the record that answers it.
        let (owner, record) = match kind {
            "todo-kind-certificate" => (owner.or(Some(secretariat.clone())), Some("certificates")),
            "todo-kind-guarantee" => (
                owner.or(Some(secretariat.clone())),
                Some("identity-guarantees"),
            ),
            "todo-kind-key" => (owner.or(Some(secretariat.clone())), Some("key-inspections")),
            _ => (owner, None),
        };
        let record = record
            .and_then(mamori_domain::registers::by_collection)
            .filter(|reg| mamori_store::records::can_create(&ctx.access, reg))
            .map(|reg| {
                context! {
                    label => i18n::register_name(ctx.lang, reg),
                    href => format!("/o/{org}/{}/new", reg.collection),
                }
            });
        (
            due,
            context! {
                kind_code => kind.strip_prefix("todo-kind-").unwrap_or(kind),
                kind => i18n::t(ctx.lang, kind), code, title, owner, href, record,
                due => date(ctx, due), due_iso => mamori_domain::dates::iso(due), late => due < today,
            },
        )
    };
    let mut out = Vec::new();
    let actions = |kind: &'static str, items: &[LateAction], collection: &str| {
        items
            .iter()
            .map(|a| {
                line(
                    kind,
                    a.code.clone(),
                    a.title.clone(),
                    a.owner.clone(),
                    a.due_on,
                    format!("/o/{org}/{collection}/{}", a.id),
                )
            })
            .collect::<Vec<_>>()
    };
    out.extend(actions(
        "todo-kind-action",
        &o.actions,
        "corrective-actions",
    ));
    out.extend(actions(
        "todo-kind-meeting-action",
        &o.meeting_actions,
        "meeting-items",
    ));
    out.extend(actions(
        "todo-kind-law-change",
        &o.law_changes,
        "law-changes",
    ));
    out.extend(actions("todo-kind-objective", &o.untargeted, "objectives"));
    out.extend(actions("todo-kind-risk", &o.risks, "risks"));
    out.extend(actions(
        "todo-kind-certificate",
        &o.certificates,
        "certificates",
    ));
    out.extend(actions("todo-kind-guarantee", &o.guarantees, "people"));
    for t in &o.take_outs {
        let due = t.due_back.unwrap_or(
            t.taken_on + Duration::days(ctx.access.org.settings.asset_rules.take_out_days),
        );
        out.push(line(
            "todo-kind-take-out",
            t.asset.clone(),
            t.asset_name.clone(),
            t.person_name.clone(),
            due,
            format!("/o/{org}/handling-records/{}", t.record_id),
        ));
    }
    for d in &o.devices {
        let due = [
            d.patched_on.map(|p| p + Duration::days(cycles.patch_days)),
            d.password_changed_on
                .map(|p| p + Duration::days(cycles.password_days)),
        ]
        .into_iter()
        .map(|x| x.unwrap_or(today))
        .min()
        .unwrap_or(today);
        out.push(line(
            "todo-kind-device",
            d.label.clone(),
            d.name.clone(),
            d.user.clone(),
            due,
            format!("/o/{org}/devices/{}", d.id),
        ));
    }
    for k in &o.keys {
        let due = k
            .last_inspected_on
            .map_or(today, |l| l + Duration::days(cycles.inspection_days));
        out.push(line(
            "todo-kind-key",
            k.receipt_no.clone(),
            format!("{} {}", k.customer, k.building),
            None,
            due,
            format!("/o/{org}/custody-keys/{}", k.id),
        ));
    }
    out
}

/// やること: the plan's open tasks due within 30 days (or late) that the member may read, and,
/// for everyone but staff, the registers' own due items; earliest first. `mine=1` keeps only
/// the member's own tasks.
pub async fn todo(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let query = pairs(ctx.query.as_bytes())?;
    let mine = get(&query, "mine").is_some_and(|v| v == "1");
    let today = mamori_domain::dates::today();
    let until = today + Duration::days(AHEAD_DAYS);
    let tasks = state
        .store
        .open_tasks(&ctx.access, until, mine, 1000)
        .await?;
    let mut lines: Vec<(Date, Value)> = tasks
        .iter()
        .zip(task_items(&ctx, &tasks, today))
        .map(|(t, v)| (t.due_on, v))
        .collect();
    if !mine && ctx.access.role != Role::Staff {
        let o = state.store.overdue(&ctx.access, until).await?;
        lines.extend(due_items(&ctx, &o, today));
    }
    lines.sort_by_key(|(d, _)| *d);
    // Each kind with its count, to narrow the list to one (`kind=`), in the order they first fall
    // due.
    let kind_of = |v: &Value| {
        v.get_attr("kind_code")
            .ok()
            .and_then(|k| k.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let mut kinds: Vec<(String, String, usize)> = Vec::new();
    for (_, v) in &lines {
        let code = kind_of(v);
        match kinds.iter_mut().find(|(c, _, _)| *c == code) {
            Some(k) => k.2 += 1,
            None => {
                let label = v
                    .get_attr("kind")
                    .ok()
                    .and_then(|k| k.as_str().map(str::to_string))
                    .unwrap_or_default();
                kinds.push((code, label, 1));
            }
        }
    }
    let chosen = get(&query, "kind").map(str::to_string);
    if let Some(k) = &chosen {
        lines.retain(|(_, v)| kind_of(v) == *k);
    }
    let late = lines.iter().filter(|(d, _)| *d < today).count();
    let items: Vec<Value> = lines.into_iter().map(|(_, v)| v).collect();
    let mine_param = if mine { "mine=1&" } else { "" };
    let kinds: Vec<Value> = kinds
        .into_iter()
        .map(|(code, label, count)| {
            context! {
                href => format!("?{mine_param}kind={code}"),
                chosen => chosen.as_deref() == Some(code.as_str()),
                code, label, count,
            }
        })
        .collect();
    render::page(
        &ctx,
        "todo.html",
        context! {
            items, late, mine, kinds,
            all_href => if mine { "?mine=1" } else { "?" },
            narrowed => chosen.is_some(),
            ahead => AHEAD_DAYS,
            today => date(&ctx, today),
            staff => ctx.access.role == Role::Staff,
        },
        StatusCode::OK,
    )
}

/// 年間計画表: each duty a row, each month of the chosen fiscal year a column, a cell the tasks
/// planned and done (late ones said so), each a link to those tasks; printable. The
/// secretariat makes the year's tasks from the duties here.
/// A row of the annual plan as the page and the PDF show it.
struct GridRow {
    title: String,
    owner: Option<String>,
    href: Option<String>,
    /// Each month: planned, done, late, and the page of its tasks or plans.
    cells: Vec<(i64, i64, bool, String)>,
}

impl GridRow {
    fn planned(&self) -> i64 {
        self.cells.iter().map(|c| c.0).sum()
    }
    fn done(&self) -> i64 {
        self.cells.iter().map(|c| c.1).sum()
    }
}

/// The first and last day of the plan's `i`th month.
fn month_bounds(fy: mamori_domain::FiscalYear, i: usize) -> (Date, Date) {
    let (y, m) = month_of(fy.start(), i as i32);
    let first = Date::from_calendar_date(y, month(m), 1).expect("a month");
    let last = first
        .replace_day(time::util::days_in_month(month(m), y))
        .expect("a day");
    (first, last)
}

/// The annual plan of the year in view: each duty's tasks by month, the tasks of no duty, then
/// each course's planned sessions against those held (the training plan, seed 4(2)).
async fn grid(state: &AppState, ctx: &Ctx) -> Result<Vec<GridRow>, AppError> {
    use mamori_domain::dates::iso;
    let fy = ctx.fy;
    let today = mamori_domain::dates::today();
    let base = format!("/o/{}/tasks", ctx.org());
    let mut rows: Vec<GridRow> = state
        .store
        .plan_grid(&ctx.access, fy)
        .await?
        .iter()
        .map(|row| {
            let duty = row
                .duty_code
                .as_deref()
                .map_or(String::new(), |d| format!("&duty={d}"));
            let cells = row
                .months
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let (first, last) = month_bounds(fy, i);
                    (
                        c.planned,
                        c.done,
                        c.planned > c.done && last < today,
                        format!(
                            "{base}?year=all&due_on_from={}&due_on_to={}{duty}",
                            iso(first),
                            iso(last)
                        ),
                    )
                })
                .collect();
            GridRow {
                title: row
                    .title
                    .clone()
                    .unwrap_or_else(|| i18n::t(ctx.lang, "plan-other-tasks")),
                owner: row.owner.as_deref().map(|o| {
                    if mamori_domain::registers::OWNER_ROLES.contains(&o) {
                        i18n::t(ctx.lang, &format!("owner_role-{o}"))
                    } else {
                        o.to_string()
                    }
                }),
                href: row
                    .duty_id
                    .map(|id| format!("/o/{}/duties/{id}", ctx.org())),
                cells,
            }
        })
        .collect();
    if mamori_store::records::can_read(&ctx.access, &TRAINING_PLANS) {
        let plans = state.store.training_plan(&ctx.access, fy).await?;
        let mut courses: Vec<(&str, &str)> = plans
            .iter()
            .map(|p| (p.course.as_str(), p.course_name.as_str()))
            .collect();
        courses.sort_unstable();
        courses.dedup();
        for (code, name) in courses {
            let list = format!("/o/{}/{}", ctx.org(), TRAINING_PLANS.collection);
            let cells = (0..12)
                .map(|i| {
                    let (first, last) = month_bounds(fy, i);
                    let of_month: Vec<_> = plans
                        .iter()
                        .filter(|p| p.course == code && (first..=last).contains(&p.planned_on))
                        .collect();
                    let planned = of_month.len() as i64;
                    let held = of_month.iter().filter(|p| p.held.is_some()).count() as i64;
                    (
                        planned,
                        held,
                        planned > held && last < today,
                        format!(
                            "{list}?year=all&course={code}&planned_on_from={}&planned_on_to={}",
                            iso(first),
                            iso(last)
                        ),
                    )
                })
                .collect();
            rows.push(GridRow {
                title: i18n::t_args(
                    ctx.lang,
                    "plan-training-row",
                    &[("course", name.to_string())],
                ),
                owner: Some(i18n::t(ctx.lang, "owner_role-isms_manager")),
                href: Some(format!("{list}?course={code}")),
                cells,
            });
        }
    }
    Ok(rows)
}

pub async fn plan(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let fy = ctx.fy;
    let months: Vec<Value> = (0..12)
        .map(|i| {
            let (y, m) = month_of(fy.start(), i);
            context! {
                label => i18n::month(ctx.lang, m),
                href => format!("/o/{}/plan/calendar?month={y:04}-{m:02}", ctx.org()),
            }
        })
        .collect();
    let rows: Vec<Value> = grid(&state, &ctx)
        .await?
        .iter()
        .map(|row| {
            let cells: Vec<Value> = row
                .cells
                .iter()
                .map(|(planned, done, late, href)| context! { planned, done, late, href })
                .collect();
            context! {
                title => row.title, owner => row.owner, href => row.href,
                planned => row.planned(), done => row.done(), cells,
            }
        })
        .collect();
    let can_plan = mamori_store::records::can_write(&ctx.access, &TASKS, None);
    let query = pairs(ctx.query.as_bytes())?;
    let made = get(&query, "made").map(str::to_string);
    render::page(
        &ctx,
        "plan.html",
        context! {
            months, rows, can_plan, made,
            period => fy.label(ctx.style, ctx.lang),
            year => fy.year(),
            duties_href => format!("/o/{}/{}", ctx.org(), DUTIES.collection),
            can_duties => mamori_store::records::can_read(&ctx.access, &DUTIES),
            programme => ctx.access.may(mamori_domain::Capability::ReadAboutOthers),
        },
        StatusCode::OK,
    )
}

/// The annual plan as a PDF (年間計画表, A4 landscape): a duty a row, a month a column, done of
/// planned in each cell, late months marked; the page an auditor asks for.
pub async fn plan_pdf(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let fy = ctx.fy;
    let rows = grid(&state, &ctx).await?;
    let today = mamori_domain::dates::today();
    let mut headers = vec![i18n::t(ctx.lang, "plan-duty")];
    headers.extend((0..12).map(|i| {
        let (_, m) = month_of(fy.start(), i);
        i18n::month(ctx.lang, m)
    }));
    headers.push(i18n::t(ctx.lang, "plan-total"));
    let plan = mamori_report::AnnualPlan {
        lang: ctx.lang,
        title: format!(
            "{} {}",
            i18n::t(ctx.lang, "plan-title"),
            fy.label(ctx.style, ctx.lang)
        ),
        org: ctx.org_name(ctx.lang),
        issued: mamori_domain::dates::format_date(today, ctx.style, ctx.lang),
        legend: i18n::t(ctx.lang, "plan-pdf-legend"),
        headers,
        rows: rows
            .iter()
            .map(|r| mamori_report::PlanLine {
                title: r.title.clone(),
                owner: r.owner.clone().unwrap_or_default(),
                cells: r
                    .cells
                    .iter()
                    .map(|(planned, done, late, _)| mamori_report::PlanCell {
                        text: if *planned > 0 {
                            format!("{done}/{planned}")
                        } else {
                            String::new()
                        },
                        late: *late,
                        done: *planned > 0 && done == planned,
                    })
                    .collect(),
                total: format!("{}/{}", r.done(), r.planned()),
            })
            .collect(),
    };
    let bytes = tokio::task::spawn_blocking(move || mamori_report::annual_plan(&plan, today))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let name = format!("{}-{}.pdf", i18n::t(ctx.lang, "plan-file"), fy.year());
    Ok(crate::pages::registers::send_file(
        bytes,
        "application/pdf",
        &name,
        "inline",
    ))
}

/// The month `i` months after `start`'s: (year, month number).
fn month_of(start: Date, i: i32) -> (i32, u8) {
    let m0 = start.month() as i32 - 1 + i;
    (
        start.year() + m0.div_euclid(12),
        (m0.rem_euclid(12) + 1) as u8,
    )
}

fn month(m: u8) -> time::Month {
    time::Month::try_from(m).unwrap_or(time::Month::January)
}

/// Makes the chosen fiscal year's tasks from the duties (those made already are not made again),
/// and completes those the records already held answer.
pub async fn generate(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    if !mamori_store::records::can_write(&ctx.access, &TASKS, None) {
        return Err(AppError::Forbidden);
    }
    let form = ctx.viewer.form(&body)?;
    let year = get(&form, "year")
        .and_then(|y| mamori_domain::input::normalize(y).parse::<i32>().ok())
        .filter(|y| (1990..=2200).contains(y))
        .ok_or(AppError::Refused(StatusCode::BAD_REQUEST, "bad-request"))?;
    let fy = ctx.access.org.calendar.year(year);
    let made = state.store.plan_year(&ctx.access, fy, &|_, _| {}).await?;
    Ok(Redirect::to(&format!("/o/{}/plan?made={made}", ctx.org())).into_response())
}

/// A month of the plan as a calendar: each day its tasks, linked; the month before and after.
pub async fn calendar(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let query = pairs(ctx.query.as_bytes())?;
    let today = mamori_domain::dates::today();
    let (y, m) = get(&query, "month")
        .map(mamori_domain::input::normalize_strict)
        .and_then(|s| {
            let (y, m) = s.split_once('-')?;
            let (y, m) = (y.parse::<i32>().ok()?, m.parse::<u8>().ok()?);
            ((1990..=2200).contains(&y) && (1..=12).contains(&m)).then_some((y, m))
        })
        .unwrap_or((today.year(), today.month() as u8));
    let first = Date::from_calendar_date(y, month(m), 1).expect("a month");
    let days = time::util::days_in_month(month(m), y);
    let last = first.replace_day(days).expect("a day");
    let tasks = state.store.tasks_between(&ctx.access, first, last).await?;
    // Weeks from Monday: blank days before the first.
    let lead = first.weekday().number_days_from_monday() as usize;
    let mut cells: Vec<Value> = (0..lead).map(|_| Value::UNDEFINED).collect();
    for d in 1..=days {
        let day = first.replace_day(d).expect("a day");
        let items: Vec<Value> = tasks
            .iter()
            .filter(|t| t.due_on == day)
            .map(|t| {
                context! {
                    title => t.title.clone(), code => t.code.clone(),
                    href => format!("/o/{}/tasks/{}", ctx.org(), t.id),
                    status => t.status.clone(),
                    status_label => i18n::choice_label(ctx.lang, "task_status", &t.status),
                    late => t.status == "open" && day < today,
                }
            })
            .collect();
        cells.push(context! { day => d, today => day == today, items });
    }
    while !cells.len().is_multiple_of(7) {
        cells.push(Value::UNDEFINED);
    }
    let weeks: Vec<Vec<Value>> = cells.chunks(7).map(<[Value]>::to_vec).collect();
    let prev = first - Duration::days(1);
    let next = last + Duration::days(1);
    let weekdays: Vec<String> = (0..7)
        .map(|i| i18n::t(ctx.lang, &format!("weekday-{i}")))
        .collect();
    render::page(
        &ctx,
        "plan_calendar.html",
        context! {
            weeks, weekdays,
            title => i18n::t_args(ctx.lang, "plan-calendar-title", &[("period", {
                let month = i18n::month(ctx.lang, m);
                match ctx.lang {
                    mamori_domain::Lang::Ja => format!("{y}年{month}"),
                    _ => format!("{month} {y}"),
                }
            })]),
            prev => format!("/o/{}/plan/calendar?month={:04}-{:02}", ctx.org(), prev.year(), prev.month() as u8),
            next => format!("/o/{}/plan/calendar?month={:04}-{:02}", ctx.org(), next.year(), next.month() as u8),
            plan => format!("/o/{}/plan", ctx.org()),
            count => tasks.len(),
        },
        StatusCode::OK,
    )
}

/// The outbox: the organisation's mail, newest first (500), sent, waiting, retried and failed,
/// with the error of the last try; for those who read the audit trail.
pub async fn outbox(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    const STATUSES: [&str; 4] = ["queued", "sending", "sent", "failed"];
    let query = pairs(ctx.query.as_bytes())?;
    let chosen = get(&query, "status").filter(|s| STATUSES.contains(s));
    let mails: Vec<Value> = state
        .store
        .outbox(&ctx.access, chosen, 500)
        .await?
        .iter()
        .map(|m| {
            context! {
                to => m.to.clone(), subject => m.subject.clone(), status => m.status.clone(),
                status_label => i18n::t(ctx.lang, &format!("outbox-status-{}", m.status)),
                attempts => m.attempts, error => m.last_error.clone(),
                created => crate::pages::org::format_at(&ctx, &m.created_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()),
                sent => m.sent_at.map(|t| crate::pages::org::format_at(&ctx, &t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default())),
            }
        })
        .collect();
    let statuses: Vec<Value> = STATUSES
        .iter()
        .map(|s| context! { code => s, label => i18n::t(ctx.lang, &format!("outbox-status-{s}")), chosen => chosen == Some(*s) })
        .collect();
    render::page(
        &ctx,
        "outbox.html",
        context! {
            mails, statuses, chosen,
            configured => crate::mail::configured(),
        },
        StatusCode::OK,
    )
}
