//! A synthetic organisation of any size for benchmarks (`mamori synth`), deterministic per seed.
//! Each later register extends it with its own records.

use mamori_domain::Role;
use mamori_domain::registers::{
    ATTENDANCES, AUDITS, COURSES, DEPARTMENTS, EMPLOYMENT_TYPES, FINDINGS, PEOPLE, SECURITY_EVENTS,
    TEST_QUESTIONS, TRAINING_SESSIONS,
};
use mamori_store::{Access, Actor, Input, Organization, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use time::{Date, Duration, Month, OffsetDateTime};

use crate::IoError;

mod assets;
mod events;
mod risks;
mod training;

use assets::*;
use events::*;
use risks::*;
use training::*;

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

#[derive(Debug, Clone)]
pub struct Options {
    pub people: usize,
    pub departments: usize,
    pub years: i32,
    pub seed: u64,
    pub slug: String,
    pub assets: usize,
    pub handling_per_asset: usize,
    pub devices: usize,
    pub keys: usize,
    /// Security events over the years (issue 5's benchmarks).
    pub events: usize,
    /// Audit findings over the years, from internal, customer and certification audits.
    pub findings: usize,
    /// Risks over the assets (or groups of assets when there are none); with them, the years'
    /// continuity drills, external-incident reviews, change assessments and relaxation reviews,
    /// the Annex A catalogue, rules and a statement of applicability (issue 6's benchmarks).
    pub risks: usize,
}

impl Default for Options {
    /// The command line's defaults: an organisation of 1,000 people in 10 departments over three
    /// years, with none of the optional registers.
    fn default() -> Self {
        Options {
            people: 1_000,
            departments: 10,
            years: 3,
            seed: 1,
            slug: "synth".into(),
            assets: 0,
            handling_per_asset: 10,
            devices: 0,
            keys: 0,
            events: 0,
            findings: 0,
            risks: 0,
        }
    }
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
    let today = mamori_domain::dates::today();
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
    // Each person's department (its index), for auditors who may not audit their own.
    let mut department_of: Vec<usize> = Vec::with_capacity(o.people);
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
                    ("department", {
                        let d = rng.gen_range(0..o.departments.max(1));
                        department_of.push(d);
                        format!("D{:03}", d + 1)
                    }),
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
    // The staff account is the first person, or, with assets, a handler of the first asset (so it
    // can record handling: the benchmark of that).
    let mut staff_person = "000001".to_string();
    if o.assets + o.devices + o.keys > 0 {
        staff_person = assets(
            store, &access, o, &staff, &attended, first, today, &mut rng, progress,
        )
        .await?;
    }
    if o.events > 0 {
        events(store, &access, o, &staff, first, today, &mut rng, progress).await?;
    }
    if o.findings > 0 {
        let people = Crew {
            staff: &staff,
            department_of: &department_of,
        };
        findings(store, &access, o, &people, first, today, &mut rng, progress).await?;
    }
    if o.risks > 0 {
        risks(store, &access, o, &staff, first, today, &mut rng, progress).await?;
    }
    for role in Role::ALL {
        let email = format!("{}@{}.example", role.code().replace('_', "-"), o.slug);
        let user = store
            .create_user(&actor, &email, role.code(), crate::demo::PASSWORD)
            .await?;
        let dept = (role == Role::DepartmentManager).then_some("D001");
        let until = (role == Role::Auditor).then(|| today + Duration::days(365));
        // The staff account is a person, so it can take tests (the submit benchmark).
        let person = (role == Role::Staff).then_some(staff_person.as_str());
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

fn run<T>(r: Result<T, Vec<(usize, Vec<mamori_domain::FieldError>)>>) -> Result<T, IoError> {
    r.map_err(|e| IoError::Unreadable(format!("{:?}", e.iter().take(3).collect::<Vec<_>>())))
}

/// Creates many records in chunks through the same validation as a form.
async fn create_chunked(
    store: &Store,
    access: &Access,
    reg: &mamori_domain::Register,
    rows: &[Input],
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<(), IoError> {
    for (i, chunk) in rows.chunks(5000).enumerate() {
        run(store.create_many(access, reg, chunk, &|_, _| {}).await)?;
        progress(
            reg.collection,
            ((i + 1) * 5000).min(rows.len()) as u64,
            rows.len() as u64,
        );
    }
    Ok(())
}
