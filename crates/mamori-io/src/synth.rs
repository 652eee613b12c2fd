//! A synthetic organisation of any size for benchmarks (`mamori synth`), deterministic per seed.
//! Each later register extends it with its own records.

use mamori_domain::FiscalYear;
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
            let Some(month) = month_start else {
                continue;
            };
            let code = format!("{}-INIT-{:02}", fy.year, month.month() as u8);
            let joining: Vec<&(String, Date, Option<Date>)> = staff
                .iter()
                .filter(|(_, joined, _)| {
                    joined.year() == month.year() && joined.month() == month.month()
                })
                .collect();
            // Held once the month's last joiner is there (an attendance is refused for someone
            // who has not joined yet).
            let Some(day) = joining
                .iter()
                .map(|(_, joined, _)| *joined)
                .max()
                .filter(|d| *d <= today)
            else {
                continue;
            };
            let joiners: Vec<&String> = joining
                .iter()
                .filter(|(_, _, left)| left.is_none_or(|l| l >= day))
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
    let jst = mamori_domain::dates::JST;
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

/// NDAs and (for one in five) identity guarantees for everyone, a department information manager
/// per department, assets with one or two handlers each (eligible people: they passed the onboarding
/// test), handling records that keep the rules, devices, and keys with a year of inspections.
#[allow(clippy::too_many_arguments)]
async fn assets(
    store: &Store,
    access: &Access,
    o: &Options,
    staff: &[(String, Date, Option<Date>)],
    attended: &[Attended],
    first: Date,
    today: Date,
    rng: &mut StdRng,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<String, IoError> {
    use mamori_domain::registers::{
        APPOINTMENTS, ASSET_HANDLERS, ASSET_KINDS, ASSETS, CUSTODY_KEYS, DEVICE_KINDS, DEVICES,
        HANDLING_RECORDS, IDENTITY_GUARANTEES, KEY_INSPECTIONS, PLEDGES,
    };
    let iso = mamori_domain::dates::iso;
    let pledges: Vec<Input> = staff
        .iter()
        .map(|(no, joined, _)| {
            input(&[
                ("person", no.clone()),
                ("signed_on", iso(*joined)),
                ("version", "第1版".into()),
            ])
        })
        .collect();
    create_chunked(store, access, &PLEDGES, &pledges, progress).await?;
    let guaranteed: Vec<&String> = staff.iter().step_by(5).map(|(no, ..)| no).collect();
    let guarantees: Vec<Input> = staff
        .iter()
        .step_by(5)
        .map(|(no, joined, _)| {
            input(&[
                ("person", no.clone()),
                ("received_on", iso(*joined)),
                ("kept_at", "書庫".into()),
            ])
        })
        .collect();
    create_chunked(store, access, &IDENTITY_GUARANTEES, &guarantees, progress).await?;
    // Who may be a handler: passed the onboarding test and still working.
    let passed: std::collections::HashSet<&String> = attended
        .iter()
        .filter(|(c, ..)| *c == "INIT")
        .map(|(_, no, _)| no)
        .collect();
    let working: Vec<&String> = staff
        .iter()
        .filter(|(no, _, left)| left.is_none() && passed.contains(no))
        .map(|(no, ..)| no)
        .collect();
    let strict_ok: Vec<&String> = working
        .iter()
        .copied()
        .filter(|no| guaranteed.contains(no))
        .collect();
    if working.is_empty() || strict_ok.is_empty() {
        return Err(IoError::Unreadable("too few people for handlers".into()));
    }
    let departments = o.departments.max(1);
    let managers: Vec<Input> = (0..departments)
        .map(|d| {
            input(&[
                ("person", working[d % working.len()].clone()),
                ("role", "department_info_manager".into()),
                ("department", format!("D{:03}", d + 1)),
                ("starts_on", iso(first)),
            ])
        })
        .collect();
    run(store
        .create_many(access, &APPOINTMENTS, &managers, &|_, _| {})
        .await)?;
    let approved_on = (today - Duration::days(730)).max(first);
    let mut assets = Vec::with_capacity(o.assets);
    let mut grants = Vec::new();
    let mut records = Vec::new();
    let span = (today - approved_on).whole_days().max(1);
    for i in 0..o.assets {
        let code = format!("A{:07}", i + 1);
        let d = rng.gen_range(0..departments);
        let class = match rng.gen_range(0..10) {
            0 => "strictly_confidential",
            1..=3 => "confidential",
            _ => "general",
        };
        let customer = rng.gen_range(0..10) == 0;
        let mut a = input(&[
            ("code", code.clone()),
            ("name", format!("情報資産 {}", i + 1)),
            (
                "kind",
                ASSET_KINDS[rng.gen_range(0..ASSET_KINDS.len())].into(),
            ),
            ("department", format!("D{:03}", d + 1)),
            ("owner", working[rng.gen_range(0..working.len())].clone()),
            ("classification", class.into()),
            ("confidentiality", rng.gen_range(1..=3).to_string()),
            ("integrity", rng.gen_range(1..=3).to_string()),
            ("availability", rng.gen_range(1..=3).to_string()),
            ("customer_owned", if customer { "yes" } else { "no" }.into()),
        ]);
        if customer {
            a.insert("customer".into(), format!("顧客 {}", rng.gen_range(1..200)));
        }
        assets.push(a);
        let pool = if class == "strictly_confidential" {
            &strict_ok
        } else {
            &working
        };
        let mut handlers: Vec<&String> = Vec::new();
        if i == 0 {
            handlers.push(strict_ok[0]);
        }
        for _ in 0..rng.gen_range(1..=2) {
            let h = pool[rng.gen_range(0..pool.len())];
            if !handlers.contains(&h) {
                handlers.push(h);
            }
        }
        for h in &handlers {
            grants.push(input(&[
                ("asset", code.clone()),
                ("person", (*h).clone()),
                ("approved_by", working[d % working.len()].clone()),
                ("approved_on", iso(approved_on)),
                ("valid_until", iso(today + Duration::days(365))),
            ]));
        }
        for _ in 0..o.handling_per_asset {
            let h = handlers[rng.gen_range(0..handlers.len())];
            let day = approved_on + Duration::days(rng.gen_range(0..span));
            let mut r = input(&[
                ("asset", code.clone()),
                ("person", h.clone()),
                ("occurred_on", iso(day)),
            ]);
            match rng.gen_range(0..10) {
                0..=5 => {
                    r.insert("kind".into(), "viewing".into());
                }
                6 | 7 => {
                    r.insert("kind".into(), "copy".into());
                }
                _ => {
                    let (method, protection) = match class {
                        "strictly_confidential" => ("hand_delivery", "double_envelope"),
                        "confidential" => ("email", "encryption"),
                        _ => ("email", "none"),
                    };
                    r.insert("kind".into(), "transfer".into());
                    r.insert("method".into(), method.into());
                    r.insert("protection".into(), protection.into());
                    r.insert("recipient".into(), "取引先".into());
                }
            }
            records.push(r);
        }
    }
    create_chunked(store, access, &ASSETS, &assets, progress).await?;
    drop(assets);
    create_chunked(store, access, &ASSET_HANDLERS, &grants, progress).await?;
    drop(grants);
    create_chunked(store, access, &HANDLING_RECORDS, &records, progress).await?;
    drop(records);
    let devices: Vec<Input> = (0..o.devices)
        .map(|i| {
            input(&[
                ("label", format!("DEV-{:05}", i + 1)),
                ("name", format!("機器 {}", i + 1)),
                (
                    "kind",
                    DEVICE_KINDS[rng.gen_range(0..DEVICE_KINDS.len())].into(),
                ),
                (
                    "department",
                    format!("D{:03}", rng.gen_range(0..departments) + 1),
                ),
                (
                    "patched_on",
                    iso(today - Duration::days(rng.gen_range(0..45))),
                ),
                (
                    "password_changed_on",
                    iso(today - Duration::days(rng.gen_range(0..45))),
                ),
            ])
        })
        .collect();
    create_chunked(store, access, &DEVICES, &devices, progress).await?;
    let keys: Vec<Input> = (0..o.keys)
        .map(|i| {
            input(&[
                ("receipt_no", format!("K-{:05}", i + 1)),
                ("customer", format!("顧客 {}", i % 200 + 1)),
                ("building", format!("ビル {}", i + 1)),
                ("description", "通用口の鍵".into()),
                ("count", "1".into()),
                ("custodian", strict_ok[i % strict_ok.len()].clone()),
                ("received_on", iso(today - Duration::days(400))),
            ])
        })
        .collect();
    create_chunked(store, access, &CUSTODY_KEYS, &keys, progress).await?;
    let mut inspections = Vec::new();
    for i in 0..o.keys {
        for m in 0..12 {
            inspections.push(input(&[
                ("key", format!("K-{:05}", i + 1)),
                (
                    "inspected_on",
                    iso(today - Duration::days(30 * m + rng.gen_range(0..5))),
                ),
                ("inspector", working[i % working.len()].clone()),
                ("result", "ok".into()),
            ]));
        }
    }
    create_chunked(store, access, &KEY_INSPECTIONS, &inspections, progress).await?;
    Ok(strict_ok[0].clone())
}

/// Security events spread over the years: mostly near misses, mostly human error, each reported by
/// someone of the organisation for a department; those older than a month are closed.
#[allow(clippy::too_many_arguments)]
async fn events(
    store: &Store,
    access: &Access,
    o: &Options,
    staff: &[(String, Date, Option<Date>)],
    first: Date,
    today: Date,
    rng: &mut StdRng,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<(), IoError> {
    let span = (today - first).whole_days().max(1);
    let iso = mamori_domain::dates::iso;
    let rows: Vec<Input> = (0..o.events)
        .map(|i| {
            let on = first + Duration::days(rng.gen_range(0..span));
            let kind = match rng.gen_range(0..100) {
                0..5 => "incident",
                5..20 => "weakness",
                _ => "near_miss",
            };
            let cause = match rng.gen_range(0..100) {
                0..60 => "human_error",
                60..75 => "technical_failure",
                75..85 => "external_attack",
                85..88 => "disaster",
                _ => "other",
            };
            let closed = (today - on).whole_days() > 30;
            let mut row: Input = [
                ("code", format!("E{:07}", i + 1)),
                ("kind", kind.to_string()),
                ("occurred_on", iso(on)),
                ("reported_on", iso(on)),
                (
                    "department",
                    format!("D{:03}", rng.gen_range(0..o.departments.max(1)) + 1),
                ),
                // Someone working there that day (a few tries; else nobody named).
                (
                    "reporter",
                    (0..20)
                        .map(|_| &staff[rng.gen_range(0..staff.len())])
                        .find(|(_, joined, left)| *joined <= on && left.is_none_or(|l| l >= on))
                        .map(|(no, ..)| no.clone())
                        .unwrap_or_default(),
                ),
                ("description", format!("事象 {} の内容", i + 1)),
                ("cause", cause.to_string()),
                (
                    "status",
                    if closed { "closed" } else { "reported" }.to_string(),
                ),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            if closed {
                let severity = ["low", "low", "medium", "high"][rng.gen_range(0..4)];
                for (k, v) in [
                    ("closed_on", iso(on + Duration::days(rng.gen_range(1..30)))),
                    ("severity", severity.to_string()),
                    ("response", format!("事象 {} への対応", i + 1)),
                    ("lessons", format!("事象 {} の教訓", i + 1)),
                ] {
                    row.insert(k.into(), v);
                }
            }
            row
        })
        .collect();
    create_chunked(store, access, &SECURITY_EVENTS, &rows, progress).await
}

/// Everyone made, with their department's index.
struct Crew<'a> {
    staff: &'a [(String, Date, Option<Date>)],
    department_of: &'a [usize],
}

/// Audits of each fiscal year (an internal audit of every department in the autumn, a
/// certification audit each year, a customer audit every other year) and findings spread over
/// them: mostly from internal audits, mostly observations; those of audits older than two months
/// are closed.
#[allow(clippy::too_many_arguments)]
async fn findings(
    store: &Store,
    access: &Access,
    o: &Options,
    crew: &Crew<'_>,
    first: Date,
    today: Date,
    rng: &mut StdRng,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<(), IoError> {
    let iso = mamori_domain::dates::iso;
    let departments = o.departments.max(1);
    let last = FiscalYear::containing(today, 4).year;
    // (code, party, department index, started on)
    let mut audits: Vec<(String, &str, Option<usize>, Date)> = Vec::new();
    let mut rows: Vec<Input> = Vec::new();
    for year in first.year()..=last {
        let autumn = Date::from_calendar_date(year, Month::October, 1)
            .map_err(|e| IoError::Unreadable(e.to_string()))?;
        for d in 0..departments {
            let on = autumn + Duration::days((d % 60) as i64);
            // The auditor is someone of another department, with the organisation on the day.
            let auditor = crew
                .staff
                .iter()
                .zip(crew.department_of)
                .find(|((_, joined, left), dept)| {
                    **dept != d && *joined <= on && left.is_none_or(|l| l >= on)
                })
                .map(|((no, _, _), _)| no.clone());
            let Some(auditor) = auditor else { continue };
            let code = format!("AU{year}-{:04}", d + 1);
            rows.push(input(&[
                ("code", code.clone()),
                ("party", "first".into()),
                ("kind", "internal".into()),
                ("started_on", iso(on)),
                ("department", format!("D{:03}", d + 1)),
                ("auditor", auditor),
                ("status", "done".into()),
            ]));
            audits.push((code, "first", Some(d), on));
        }
        let cycle = ["surveillance_1", "surveillance_2", "recertification"];
        for (party, kind, body, on, every) in [
            (
                "third",
                cycle[(year.rem_euclid(3)) as usize],
                "合成認証機構",
                Month::July,
                1,
            ),
            (
                "second",
                "customer",
                "合成取引先株式会社",
                Month::February,
                2,
            ),
        ] {
            if year % every != 0 {
                continue;
            }
            let on = Date::from_calendar_date(year + i32::from(on == Month::February), on, 10)
                .map_err(|e| IoError::Unreadable(e.to_string()))?;
            let code = format!("AU{year}-{party}");
            rows.push(input(&[
                ("code", code.clone()),
                ("party", party.into()),
                ("kind", kind.into()),
                ("started_on", iso(on)),
                ("auditing_body", body.into()),
                ("status", "done".into()),
            ]));
            audits.push((code, party, None, on));
        }
    }
    audits.retain(|a| a.3 <= today);
    rows.retain(|r| {
        r.get("started_on")
            .is_some_and(|on| on.as_str() <= iso(today).as_str())
    });
    create_chunked(store, access, &AUDITS, &rows, progress).await?;
    let of = |party: &str| -> Vec<usize> {
        (0..audits.len())
            .filter(|i| audits[*i].1 == party)
            .collect()
    };
    let (internal, external) = (of("first"), [of("third"), of("second")].concat());
    if internal.is_empty() {
        return Ok(());
    }
    let rows: Vec<Input> = (0..o.findings)
        .map(|i| {
            let from = if rng.gen_range(0..100) < 75 || external.is_empty() {
                &internal
            } else {
                &external
            };
            let (code, _, department, on) = &audits[from[rng.gen_range(0..from.len())]];
            let grade = match rng.gen_range(0..100) {
                0..3 => "major",
                3..25 => "minor",
                25..70 => "observation",
                _ => "improvement",
            };
            let department = department.unwrap_or_else(|| rng.gen_range(0..departments));
            let mut row = input(&[
                ("code", format!("F{:07}", i + 1)),
                ("audit", code.clone()),
                ("grade", grade.into()),
                ("department", format!("D{:03}", department + 1)),
                (
                    "reference",
                    format!("A.{}.{}", rng.gen_range(5..9), rng.gen_range(1..35)),
                ),
                ("description", format!("指摘 {} の内容", i + 1)),
                ("status", "open".into()),
            ]);
            if (today - *on).whole_days() > 60 {
                row.insert("status".into(), "closed".into());
                row.insert(
                    "closed_on".into(),
                    iso(*on + Duration::days(rng.gen_range(7..60))),
                );
            }
            row
        })
        .collect();
    create_chunked(store, access, &FINDINGS, &rows, progress).await
}

/// Threats and the vulnerabilities they exploit, for the synthetic risk register.
const THREATS: &[(&str, &str)] = &[
    (
        "不正アクセスによる情報の漏えい",
        "アクセス権の見直しが不定期",
    ),
    ("持出し中の紛失・盗難", "媒体が暗号化されていない"),
    ("マルウェア感染", "更新プログラムの適用が利用者任せ"),
    ("電子メールの誤送信", "宛先の確認が送信者任せ"),
    ("機器の故障による業務の停止", "予備機がない"),
    ("停電によるデータの破損", "UPSの点検が不定期"),
    ("委託先での情報の漏えい", "委託先の管理状況を確認していない"),
    (
        "退職者による情報の持出し",
        "退職時の手続きが統一されていない",
    ),
    ("部外者の侵入による盗難", "来訪者の記録が不完全"),
    ("入力誤りによる完全性の喪失", "入力後の照合がない"),
];

/// A risk register of `o.risks` risks over the assets (or groups of assets), rated on the default
/// method with a mix of treatments and statuses; the Annex A catalogue with a statement of
/// applicability line per control, rules with revisions, and links from rules and risks to the
/// controls; four continuity scenarios with a drill each fiscal year (every third misses its
/// target, so its follow-up raises a corrective action), and the years' external-incident
/// reviews, change-triggered assessments and relaxation reviews.
#[allow(clippy::too_many_arguments)]
async fn risks(
    store: &Store,
    access: &Access,
    o: &Options,
    staff: &[(String, Date, Option<Date>)],
    first: Date,
    today: Date,
    rng: &mut StdRng,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<(), IoError> {
    use mamori_domain::registers::{
        CHANGE_ASSESSMENTS, CHANGE_KINDS, CONTINUITY_SCENARIOS, DRILLS, EXTERNAL_INCIDENT_REVIEWS,
        INTERNAL_RULES, RELAXATION_REVIEWS, REVIEW_SOURCES, RISK_CONTROLS, RISKS, RULE_CONTROLS,
        RULE_REVISIONS, SOA_ENTRIES,
    };
    let iso = mamori_domain::dates::iso;
    let departments = o.departments.max(1);
    let dept = |rng: &mut StdRng| format!("D{:03}", rng.gen_range(0..departments) + 1);
    let person = |rng: &mut StdRng| staff[rng.gen_range(0..staff.len())].0.clone();
    let span = (today - first).whole_days().max(1);

    crate::catalogue::load(store, access).await?;
    progress("controls", 1, 1);
    let controls: Vec<String> = crate::catalogue::annex_a()
        .iter()
        .filter_map(|c| c.get("code").cloned())
        .collect();

    // Rules, each revised twice, and the controls they implement (every control has one).
    const RULES: &[(&str, &str)] = &[
        ("情報セキュリティ基本方針", "policy"),
        ("情報セキュリティ管理規程", "rule"),
        ("情報資産管理規程", "rule"),
        ("アクセス管理規程", "rule"),
        ("情報機器・ネットワーク管理規程", "rule"),
        ("物理的セキュリティ規程", "rule"),
        ("人的セキュリティ規程", "rule"),
        ("事業継続計画", "procedure"),
        ("インシデント対応手順書", "procedure"),
        ("委託先管理規程", "rule"),
    ];
    let rule_code = |i: usize| format!("RL-{:04}", i + 1);
    let rules: Vec<Input> = RULES
        .iter()
        .enumerate()
        .map(|(i, (title, kind))| {
            input(&[
                ("code", rule_code(i)),
                ("title", (*title).into()),
                ("kind", (*kind).into()),
                ("department", format!("D{:03}", i % departments + 1)),
            ])
        })
        .collect();
    create_chunked(store, access, &INTERNAL_RULES, &rules, progress).await?;
    let mut revisions = Vec::new();
    for i in 0..RULES.len() {
        let approver = person(rng);
        for (n, on) in [(1, first), (2, first + Duration::days(span / 2))] {
            revisions.push(input(&[
                ("rule", rule_code(i)),
                ("version", format!("{n}.0")),
                ("revised_on", iso(on)),
                ("content", if n == 1 { "制定" } else { "見直し" }.into()),
                ("approver", approver.clone()),
                ("approved_on", iso(on)),
            ]));
        }
    }
    create_chunked(store, access, &RULE_REVISIONS, &revisions, progress).await?;
    let rule_links: Vec<Input> = controls
        .iter()
        .enumerate()
        .map(|(i, c)| input(&[("rule", rule_code(i % RULES.len())), ("control", c.clone())]))
        .collect();
    create_chunked(store, access, &RULE_CONTROLS, &rule_links, progress).await?;

    // The statement of applicability: a line per control, a few excluded.
    let soa: Vec<Input> = controls
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut row = input(&[
                ("control", c.clone()),
                ("department", dept(rng)),
                (
                    "reviewed_on",
                    iso(today - Duration::days(rng.gen_range(0..180))),
                ),
            ]);
            if i % 31 == 30 {
                row.insert("applicable".into(), "no".into());
                row.insert("justification".into(), "該当する業務がない".into());
            } else {
                let status = match rng.gen_range(0..100) {
                    0..80 => "implemented",
                    80..92 => "partial",
                    _ => "planned",
                };
                row.insert("applicable".into(), "yes".into());
                row.insert("justification".into(), "リスクアセスメントの結果".into());
                row.insert("status".into(), status.into());
                row.insert(
                    "evidence".into(),
                    format!("{} の運用記録", rule_code(i % RULES.len())),
                );
            }
            row
        })
        .collect();
    create_chunked(store, access, &SOA_ENTRIES, &soa, progress).await?;

    // The risks, and the controls about half of them rely on or add.
    let letter = |rng: &mut StdRng, weights: [u32; 3]| {
        let n = rng.gen_range(0..weights.iter().sum::<u32>());
        if n < weights[0] {
            "A"
        } else if n < weights[0] + weights[1] {
            "B"
        } else {
            "C"
        }
    };
    let method = mamori_domain::risk::RiskMethod::default();
    let mut rows = Vec::with_capacity(o.risks);
    let mut links = Vec::new();
    for i in 0..o.risks {
        let code = format!("R{:07}", i + 1);
        let mut row = input(&[("code", code.clone())]);
        if o.assets > 0 && rng.gen_range(0..4) != 0 {
            row.insert(
                "asset".into(),
                format!("A{:07}", rng.gen_range(0..o.assets) + 1),
            );
        } else {
            row.insert(
                "asset_group".into(),
                format!("資産グループ {}", rng.gen_range(0..200) + 1),
            );
            row.insert("department".into(), dept(rng));
        }
        let kind = rng.gen_range(0..100);
        if kind < 5 {
            row.insert("status".into(), "proposed".into());
            rows.push(row);
            continue;
        }
        let (threat, vulnerability) = THREATS[rng.gen_range(0..THREATS.len())];
        let (l, im) = (letter(rng, [20, 45, 35]), letter(rng, [25, 45, 30]));
        for (k, v) in [
            ("threat", threat.to_string()),
            ("vulnerability", vulnerability.to_string()),
            ("existing_controls", "規程に基づく運用".to_string()),
            ("likelihood", l.into()),
            ("impact", im.into()),
        ] {
            row.insert(k.into(), v);
        }
        let accepted_on = first + Duration::days(rng.gen_range(0..span));
        let accept = |row: &mut Input, rng: &mut StdRng| {
            row.insert("accepted_by".into(), person(rng));
            row.insert("accepted_on".into(), iso(accepted_on));
        };
        let level = method.level(l, im).unwrap_or("III");
        if kind < 20 {
            // Assessed, its treatment not decided yet.
            row.insert("status".into(), "assessed".into());
        } else if level == "III" || kind < 30 {
            row.insert("treatment".into(), "retain".into());
            row.insert("status".into(), "accepted".into());
            accept(&mut row, rng);
        } else {
            let treatment = match rng.gen_range(0..100) {
                0..80 => "modify",
                80..92 => "share",
                _ => "avoid",
            };
            row.insert("treatment".into(), treatment.into());
            row.insert("plan".into(), format!("リスク {} の対応計画", i + 1));
            row.insert("owner".into(), person(rng));
            let treating = treatment == "modify" && rng.gen_range(0..100) < 40;
            if treating {
                row.insert(
                    "due_on".into(),
                    iso(today + Duration::days(rng.gen_range(-30..365))),
                );
                row.insert("status".into(), "treating".into());
            } else {
                row.insert(
                    "due_on".into(),
                    iso(accepted_on - Duration::days(rng.gen_range(0..90))),
                );
                if treatment == "avoid" {
                    row.insert("status".into(), "closed".into());
                } else {
                    row.insert("residual_likelihood".into(), "C".into());
                    row.insert(
                        "residual_impact".into(),
                        if rng.gen_range(0..2) == 0 { "B" } else { "C" }.into(),
                    );
                    row.insert("status".into(), "accepted".into());
                }
                accept(&mut row, rng);
            }
        }
        if rng.gen_range(0..50) == 0 {
            row.insert("staff_must_know".into(), "yes".into());
        }
        if rng.gen_range(0..2) == 0 {
            let a = rng.gen_range(0..controls.len());
            let b = (a + rng.gen_range(1..controls.len())) % controls.len();
            let n = rng.gen_range(1..=2);
            for (j, c) in [a, b].into_iter().take(n).enumerate() {
                let role = if j == 0 { "existing" } else { "planned" };
                links.push(input(&[
                    ("risk", code.clone()),
                    ("control", controls[c].clone()),
                    ("role", role.into()),
                ]));
            }
        }
        rows.push(row);
    }
    create_chunked(store, access, &RISKS, &rows, progress).await?;
    drop(rows);
    create_chunked(store, access, &RISK_CONTROLS, &links, progress).await?;
    drop(links);

    // Continuity: four scenarios, a drill each fiscal year (oldest first, so each finds its
    // previous one); every third misses its target.
    const SCENARIOS: &[(&str, &str, &str, i64)] = &[
        ("ネットワーク機器の故障", "A", "B", 6),
        ("停電", "B", "A", 24),
        ("サーバーの故障", "B", "A", 24),
        ("大規模地震", "C", "A", 72),
    ];
    let scenarios: Vec<Input> = SCENARIOS
        .iter()
        .enumerate()
        .map(|(i, (event, l, p, hours))| {
            input(&[
                ("code", format!("BC-{:04}", i + 1)),
                ("event", (*event).into()),
                ("likelihood", (*l).into()),
                ("priority", (*p).into()),
                ("target_hours", hours.to_string()),
                ("department", format!("D{:03}", i % departments + 1)),
            ])
        })
        .collect();
    create_chunked(store, access, &CONTINUITY_SCENARIOS, &scenarios, progress).await?;
    let mut drills = Vec::new();
    let mut reviews = Vec::new();
    let mut changes = Vec::new();
    let mut relaxations = Vec::new();
    let mut fy = FiscalYear::containing(first, 4);
    let mut n = 0;
    while fy.start() <= today {
        let days_in = |rng: &mut StdRng| {
            let end = (fy.end_exclusive() - Duration::days(1)).min(today);
            fy.start() + Duration::days(rng.gen_range(0..=(end - fy.start()).whole_days()))
        };
        let held_on = Date::from_calendar_date(fy.year, Month::November, 25)
            .map_err(|e| IoError::Unreadable(e.to_string()))?;
        if held_on <= today {
            let s = n % SCENARIOS.len();
            let target = SCENARIOS[s].3 * 60;
            let missed = n % 3 == 1;
            let minutes = if missed {
                target + rng.gen_range(30..240)
            } else {
                rng.gen_range(15..=target)
            };
            let mut row = input(&[
                ("code", format!("DR-{}", fy.year)),
                ("held_on", iso(held_on)),
                ("scenario", format!("BC-{:04}", s + 1)),
                ("participants", "情報システム担当 3名".into()),
                ("actual_minutes", minutes.to_string()),
                ("findings", format!("{}年度の訓練の所見", fy.year)),
            ]);
            if missed {
                row.insert(
                    "follow_up".into(),
                    format!("{}年度の訓練で前提復旧時間を超えた手順を見直す", fy.year),
                );
            }
            drills.push(row);
            n += 1;
        }
        for k in 0..rng.gen_range(12..=25) {
            let on = days_in(rng);
            let implement = rng.gen_range(0..10) == 0;
            let mut row = input(&[
                ("code", format!("XR-{}-{:02}", fy.year, k + 1)),
                (
                    "source",
                    REVIEW_SOURCES[rng.gen_range(0..REVIEW_SOURCES.len())].into(),
                ),
                ("source_on", iso(on - Duration::days(rng.gen_range(0..20)))),
                (
                    "summary",
                    format!("社外のインシデント {}-{}", fy.year, k + 1),
                ),
                ("reviewed_on", iso(on)),
                (
                    "decision",
                    if implement { "implement" } else { "no_action" }.into(),
                ),
            ]);
            if implement {
                row.insert("implemented".into(), "対策を実装".into());
            }
            reviews.push(row);
        }
        for k in 0..rng.gen_range(0..=8) {
            changes.push(input(&[
                ("code", format!("CH-{}-{:02}", fy.year, k + 1)),
                ("assessed_on", iso(days_in(rng))),
                (
                    "change_kind",
                    CHANGE_KINDS[rng.gen_range(0..CHANGE_KINDS.len())].into(),
                ),
                ("department", dept(rng)),
                (
                    "description",
                    format!("新たな業務・重要資産 {}-{}", fy.year, k + 1),
                ),
                ("assessment", "リスクを評価し、管理策を確認した".into()),
                (
                    "controls_confirmed",
                    if rng.gen_range(0..3) == 0 {
                        "yes"
                    } else {
                        "no"
                    }
                    .into(),
                ),
            ]));
        }
        for k in 0..rng.gen_range(0..=2) {
            let on = days_in(rng);
            let relax = rng.gen_range(0..2) == 0;
            relaxations.push(input(&[
                ("code", format!("RX-{}-{:02}", fy.year, k + 1)),
                ("reviewed_on", iso(on)),
                (
                    "control",
                    controls[rng.gen_range(0..controls.len())].clone(),
                ),
                ("reason", "管理策が過剰ではないか".into()),
                ("reassessment", "リスクを再評価した".into()),
                ("decision", if relax { "relax" } else { "keep" }.into()),
                ("approver", person(rng)),
                ("decided_on", iso(on)),
            ]));
        }
        fy = FiscalYear::new(fy.year + 1, 4);
    }
    create_chunked(store, access, &DRILLS, &drills, progress).await?;
    create_chunked(
        store,
        access,
        &EXTERNAL_INCIDENT_REVIEWS,
        &reviews,
        progress,
    )
    .await?;
    create_chunked(store, access, &CHANGE_ASSESSMENTS, &changes, progress).await?;
    create_chunked(store, access, &RELAXATION_REVIEWS, &relaxations, progress).await
}
