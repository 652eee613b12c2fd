//! A synthetic organisation of any size for benchmarks (`mamori synth`), deterministic per seed.
//! Each later register extends it with its own records.

use mamori_domain::Role;
use mamori_domain::registers::{DEPARTMENTS, EMPLOYMENT_TYPES, PEOPLE};
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
                if let Some(left) = left.filter(|l| *l <= today) {
                    input.insert("left_on".into(), mamori_domain::dates::iso(left));
                }
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
