//! A synthetic organisation of any size for benchmarks (`mamori synth`), deterministic per seed.
//! Each later register extends it with its own records.

use mamori_domain::FiscalYear;
use mamori_domain::Role;
use mamori_domain::registers::{
    ATTENDANCES, COURSES, DEPARTMENTS, EMPLOYMENT_TYPES, PEOPLE, TEST_QUESTIONS, TRAINING_SESSIONS,
};
use mamori_store::{Access, Actor, Input, Organization, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use time::{Date, Duration, Month, OffsetDateTime};

use crate::IoError;

const FAMILY: &[&str] = &[
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "斎藤",
    "清水",
];
const GIVEN: &[&str] = &[
    "翔太",
    "陽菜",
    "大輔",
    "美咲",
    "健太",
    "結衣",
    "拓也",
    "彩",
    "直人",
    "麻衣",
    "亮",
    "真由美",
    "誠",
    "優子",
    "隆",
    "恵",
    "浩二",
    "智子",
    "聡",
    "裕子",
];

pub struct Options {
    pub people: usize,
    pub departments: usize,
    pub years: i32,
    pub seed: u64,
    pub slug: String,
}

pub async fn build(
    store: &Store,
    o: &Options,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<Organization, IoError> {
    let mut rng = StdRng::seed_from_u64(o.seed);
    let actor = Actor::cli("synth");
    let org = store
        .create_organization(
            &actor,
            &o.slug,
            &format!("合成株式会社 {}", o.seed),
            Some("Synthetic Ltd."),
            serde_json::json!({}),
            4,
        )
        .await?;
    let access = Access::system(org.clone(), "synth");
    let today = OffsetDateTime::now_utc().date();
    let first = Date::from_calendar_date(today.year() - o.years.max(1), Month::April, 1)
        .map_err(|e| IoError::Unreadable(e.to_string()))?;
    let departments: Vec<Input> = (0..o.departments.max(1))
        .map(|i| {
            [
                ("code", format!("D{:03}", i + 1)),
                ("name", format!("第{}部門", i + 1)),
                ("valid_from", mamori_domain::dates::iso(first)),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect()
        })
        .collect();
    store
        .create_many(&access, &DEPARTMENTS, &departments, &|d, t| {
            progress("departments", d, t)
        })
        .await
        .map_err(|e| IoError::Unreadable(format!("{e:?}")))?;
    let span = (today - first).whole_days().max(1);
    let mut done = 0;
    // (employee number, joined, left) of everyone made, for the training records below.
    let mut staff: Vec<(String, Date, Option<Date>)> = Vec::with_capacity(o.people);
    while done < o.people {
        let n = (o.people - done).min(2000);
        let chunk: Vec<Input> = (done..done + n)
            .map(|i| {
                let joined = first + Duration::days(rng.gen_range(0..span));
                let left = (rng.gen_range(0..10) == 0)
                    .then(|| joined + Duration::days(rng.gen_range(30..365)));
                let mut input: Input = [
                    ("employee_no", format!("{:06}", i + 1)),
                    (
                        "name",
                        format!(
                            "{} {}",
                            FAMILY[rng.gen_range(0..FAMILY.len())],
                            GIVEN[rng.gen_range(0..GIVEN.len())]
                        ),
                    ),
                    (
                        "employment_type",
                        EMPLOYMENT_TYPES[rng.gen_range(0..EMPLOYMENT_TYPES.len())].to_string(),
                    ),
                    (
                        "department",
                        format!("D{:03}", rng.gen_range(0..o.departments.max(1)) + 1),
                    ),
                    ("joined_on", mamori_domain::dates::iso(joined)),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
                let left = left.filter(|l| *l <= today);
                if let Some(left) = left {
                    input.insert("left_on".into(), mamori_domain::dates::iso(left));
                }
                staff.push((format!("{:06}", i + 1), joined, left));
                input
            })
            .collect();
        store
            .create_many(&access, &PEOPLE, &chunk, &|_, _| {})
            .await
            .map_err(|e| IoError::Unreadable(format!("{e:?}")))?;
        done += n;
        progress("people", done as u64, o.people as u64);
    }
    let attended = training(store, &access, &staff, first, today, &mut rng, progress).await?;
    attempts(store, &access, &attended, &mut rng, progress).await?;
    for role in Role::ALL {
        let email = format!("{}@{}.example", role.code().replace('_', "-"), o.slug);
        let user = store
            .create_user(&actor, &email, role.code(), crate::demo::PASSWORD)
            .await?;
        let dept = (role == Role::DepartmentManager).then_some("D001");
        let until = (role == Role::Auditor).then(|| today + Duration::days(365));
        // The staff account is the first person, so it can take tests (the submit benchmark).
        let person = (role == Role::Staff).then_some("000001");
        store
            .add_membership(&actor, &org, user.id, role, dept, person, until)
            .await?;
    }
    Ok(org)
}

fn input(pairs: &[(&str, String)]) -> Input {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// Courses, an onboarding session every month for that month's joiners and a periodic session every
/// October for everyone employed then, with attendance (mostly attended).
async fn training(
    store: &Store,
    access: &Access,
    staff: &[(String, Date, Option<Date>)],
    first: Date,
    today: Date,
    rng: &mut StdRng,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<Vec<Attended>, IoError> {
    let fail =
        |e: Vec<(usize, Vec<mamori_domain::FieldError>)>| IoError::Unreadable(format!("{e:?}"));
    let courses = vec![
        input(&[
            ("code", "INIT".into()),
            ("name", "初任時研修".into()),
            ("kind", "onboarding".into()),
            ("audience", "new_joiners".into()),
            ("pass_mark", "80".into()),
        ]),
        input(&[
            ("code", "PERIODIC".into()),
            ("name", "定期教育訓練".into()),
            ("kind", "periodic".into()),
            ("audience", "everyone".into()),
        ]),
    ];
    store
        .create_many(access, &COURSES, &courses, &|_, _| {})
        .await
        .map_err(fail)?;
    let iso = mamori_domain::dates::iso;
    let mut sessions = Vec::new();
    let mut attendance = Vec::new();
    let mut attended: Vec<Attended> = Vec::new();
    let status = |rng: &mut StdRng| match rng.gen_range(0..100) {
        0..=94 => "attended",
        95..=97 => "absent",
        _ => "excused",
    };
    let mut fy = FiscalYear::containing(first, 4);
    while fy.start() <= today {
        for m in 0..12 {
            let month_start = fy.start().replace_day(1).ok().and_then(|d| {
                let months = d.month() as i32 - 1 + m;
                Date::from_calendar_date(
                    d.year() + months / 12,
                    Month::try_from((months % 12 + 1) as u8).ok()?,
                    1,
                )
                .ok()
            });
            let Some(day) = month_start.filter(|d| *d <= today) else {
                continue;
            };
            let code = format!("{}-INIT-{:02}", fy.year, day.month() as u8);
            let joiners: Vec<&String> = staff
                .iter()
                .filter(|(_, joined, _)| {
                    joined.year() == day.year() && joined.month() == day.month()
                })
                .map(|(no, ..)| no)
                .collect();
            if joiners.is_empty() {
                continue;
            }
            sessions.push(input(&[
                ("code", code.clone()),
                ("course", "INIT".into()),
                ("held_on", iso(day)),
            ]));
            for no in joiners {
                let st = status(rng);
                if st == "attended" {
                    attended.push(("INIT", no.clone(), day));
                }
                attendance.push(input(&[
                    ("session", code.clone()),
                    ("person", no.clone()),
                    ("status", st.into()),
                ]));
            }
        }
        let october = Date::from_calendar_date(fy.year, Month::October, 15)
            .map_err(|e| IoError::Unreadable(e.to_string()))?;
        if october <= today {
            let code = format!("{}-PERIODIC", fy.year);
            sessions.push(input(&[
                ("code", code.clone()),
                ("course", "PERIODIC".into()),
                ("held_on", iso(october)),
            ]));
            for (no, joined, left) in staff {
                if *joined < fy.start() && left.is_none_or(|l| l >= october) {
                    let st = status(rng);
                    if st == "attended" {
                        attended.push(("PERIODIC", no.clone(), october));
                    }
                    attendance.push(input(&[
                        ("session", code.clone()),
                        ("person", no.clone()),
                        ("status", st.into()),
                    ]));
                }
            }
        }
        fy = FiscalYear::new(fy.year + 1, 4);
    }
    store
        .create_many(access, &TRAINING_SESSIONS, &sessions, &|_, _| {})
        .await
        .map_err(fail)?;
    for (i, chunk) in attendance.chunks(5000).enumerate() {
        store
            .create_many(access, &ATTENDANCES, chunk, &|_, _| {})
            .await
            .map_err(fail)?;
        progress(
            "attendances",
            ((i + 1) * 5000).min(attendance.len()) as u64,
            attendance.len() as u64,
        );
    }
    Ok(attended)
}

/// (course, employee number, day) of an attendance marked attended.
type Attended = (&'static str, String, Date);

/// A question bank for both courses, and a test attempt for every attendance: one in ten fails
/// first (every answer wrong) and passes an hour later.
async fn attempts(
    store: &Store,
    access: &Access,
    attended: &[Attended],
    rng: &mut StdRng,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<(), IoError> {
    let fail =
        |e: Vec<(usize, Vec<mamori_domain::FieldError>)>| IoError::Unreadable(format!("{e:?}"));
    let mut questions = Vec::new();
    for (course, n) in [("INIT", 5), ("PERIODIC", 3)] {
        for i in 1..=n {
            let (kind, choices, answer) = match i % 3 {
                0 => ("true_false", "", "true"),
                1 => ("single", "正しい対応\n誤った対応\n様子を見る", "1"),
                _ => (
                    "multiple",
                    "報告する\n記録する\n黙っておく\n後回しにする",
                    "1,2",
                ),
            };
            questions.push(input(&[
                ("code", format!("{course}-Q{i}")),
                ("course", course.into()),
                ("kind", kind.into()),
                ("text", format!("{course} 問{i}")),
                ("choices", choices.into()),
                ("answer", answer.into()),
            ]));
        }
    }
    store
        .create_many(access, &TEST_QUESTIONS, &questions, &|_, _| {})
        .await
        .map_err(fail)?;
    let jst = time::UtcOffset::from_hms(9, 0, 0).unwrap_or(time::UtcOffset::UTC);
    let mut ids = std::collections::HashMap::new();
    let total = attended.len() as u64;
    let mut done = 0u64;
    for course in ["INIT", "PERIODIC"] {
        let mut takers: Vec<(i64, OffsetDateTime)> = Vec::new();
        let mut wrong: Vec<bool> = Vec::new();
        for (c, no, day) in attended.iter().filter(|(c, ..)| *c == course) {
            let _ = c;
            let id = match ids.get(no) {
                Some(id) => *id,
                None => {
                    let id = store.person_id(access, no).await?;
                    ids.insert(no.clone(), id);
                    id
                }
            };
            let at = day
                .with_hms(15, 0, 0)
                .unwrap_or(day.midnight())
                .assume_offset(jst);
            if rng.gen_range(0..10) == 0 {
                takers.push((id, at));
                wrong.push(true);
            }
            takers.push((id, at + Duration::hours(1)));
            wrong.push(false);
        }
        for (chunk, flags) in takers.chunks(2000).zip(wrong.chunks(2000)) {
            store
                .record_attempts(access, course, chunk, &|i, q| {
                    if flags[i] {
                        let other = q
                            .choices
                            .iter()
                            .map(|(k, _)| *k)
                            .find(|k| !q.answer.contains(k));
                        vec![other.unwrap_or(1)]
                    } else {
                        q.answer.clone()
                    }
                })
                .await?;
            done += flags.iter().filter(|w| !**w).count() as u64;
            progress("test-attempts", done.min(total), total);
        }
    }
    Ok(())
}
