//! A synthetic organisation of any size for benchmarks (`mamori synth`), deterministic per seed.
//! Each later register extends it with its own records.

use mamori_domain::FiscalYear;
use mamori_domain::Role;
use mamori_domain::registers::{
    ATTENDANCES, COURSES, DEPARTMENTS, EMPLOYMENT_TYPES, PEOPLE, TRAINING_SESSIONS,
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
    training(store, &access, &staff, first, today, &mut rng, progress).await?;
    for role in Role::ALL {
        let email = format!("{}@{}.example", role.code().replace('_', "-"), o.slug);
        let user = store
            .create_user(&actor, &email, role.code(), crate::demo::PASSWORD)
            .await?;
        let dept = (role == Role::DepartmentManager).then_some("D001");
        let until = (role == Role::Auditor).then(|| today + Duration::days(365));
        store
            .add_membership(&actor, &org, user.id, role, dept, None, until)
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
) -> Result<(), IoError> {
    let fail =
        |e: Vec<(usize, Vec<mamori_domain::FieldError>)>| IoError::Unreadable(format!("{e:?}"));
    let courses = vec![
        input(&[
            ("code", "INIT".into()),
            ("name", "初任時研修".into()),
            ("kind", "onboarding".into()),
            ("audience", "new_joiners".into()),
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
                attendance.push(input(&[
                    ("session", code.clone()),
                    ("person", no.clone()),
                    ("status", status(rng).into()),
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
                    attendance.push(input(&[
                        ("session", code.clone()),
                        ("person", no.clone()),
                        ("status", status(rng).into()),
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
    Ok(())
}
