//! The demo organisation 株式会社サジェコ, from the readable files in `demo/`, loaded through the same
//! import path and service layer as user input.

use mamori_domain::Role;
use mamori_domain::registers::{
    APPOINTMENTS, APPROVED_CONTRACTORS, ASSET_HANDLERS, ASSETS, ATTENDANCES, AUDIT_CHECKS,
    AUDIT_TEAM, AUDITS, CABLES, CERTIFICATES, CHANGE_ASSESSMENTS, COMPLAINTS, CONTINUITY_SCENARIOS,
    CORRECTIVE_ACTIONS, COURSES, CUSTODY_KEYS, DEPARTMENTS, DEVICES, DISPOSALS, DRILLS,
    EXTERNAL_INCIDENT_REVIEWS, EXTERNAL_SEMINARS, FACILITY_ASSESSMENTS, FACILITY_CRITERIA,
    FACILITY_SCORES, FINDINGS, HANDLER_REQUESTS, HANDLING_RECORDS, IDENTITY_GUARANTEES,
    INTERNAL_RULES, KEY_INSPECTIONS, LAW_CHANGES, MANAGEMENT_REVIEWS, MEETING_ITEMS, MEETINGS,
    NOTICES, OBJECTIVE_RESULTS, OBJECTIVES, PEOPLE, PLEDGES, RELAXATION_REVIEWS,
    REQUIREMENT_REVIEWS, REQUIREMENTS, REVIEW_INPUTS, REVIEW_OUTPUTS, RISK_CONTROLS, RISKS,
    RULE_CONTROLS, RULE_REVISIONS, SECURITY_EVENTS, SELF_ASSESSMENT_ANSWERS, SELF_ASSESSMENTS,
    SEMINAR_ATTENDEES, SOA_ENTRIES, TEST_QUESTIONS, TRAINING_PLANS, TRAINING_SESSIONS,
};
use mamori_store::{Access, Actor, Organization, Store};
use serde::Deserialize;
use time::{Duration, OffsetDateTime};

use crate::IoError;
use crate::sheet::{Sheet, import};

pub const PASSWORD: &str = "mamori-demo";

const ORGANIZATION: &str = include_str!("../demo/organization.toml");
const NARRATIVES: &str = include_str!("../demo/report_narratives.toml");

#[derive(Deserialize)]
struct NarrativesFile {
    fiscal_year: i32,
    #[serde(deserialize_with = "toml_date")]
    issued_on: time::Date,
    narratives: serde_json::Map<String, serde_json::Value>,
}

/// A TOML local date (`2018-06-29`) as a `time::Date`.
fn toml_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<time::Date, D::Error> {
    let raw = toml::value::Datetime::deserialize(d)?.to_string();
    mamori_domain::dates::parse_date(&raw)
        .ok_or_else(|| serde::de::Error::custom(format!("not a date: {raw}")))
}
const FILES: &[(&mamori_domain::Register, &str)] = &[
    (&DEPARTMENTS, include_str!("../demo/departments.csv")),
    (&PEOPLE, include_str!("../demo/people.csv")),
    (&APPOINTMENTS, include_str!("../demo/appointments.csv")),
    (&PLEDGES, include_str!("../demo/pledges.csv")),
    (
        &IDENTITY_GUARANTEES,
        include_str!("../demo/identity_guarantees.csv"),
    ),
    (&COURSES, include_str!("../demo/courses.csv")),
    (&TEST_QUESTIONS, include_str!("../demo/test_questions.csv")),
    (
        &TRAINING_SESSIONS,
        include_str!("../demo/training_sessions.csv"),
    ),
    (&ATTENDANCES, include_str!("../demo/attendances.csv")),
    (&TRAINING_PLANS, include_str!("../demo/training_plans.csv")),
    (
        &EXTERNAL_SEMINARS,
        include_str!("../demo/external_seminars.csv"),
    ),
    (
        &SEMINAR_ATTENDEES,
        include_str!("../demo/seminar_attendees.csv"),
    ),
    (&ASSETS, include_str!("../demo/assets.csv")),
    (
        &APPROVED_CONTRACTORS,
        include_str!("../demo/approved_contractors.csv"),
    ),
    (&DEVICES, include_str!("../demo/devices.csv")),
    (&CABLES, include_str!("../demo/cables.csv")),
    (&CUSTODY_KEYS, include_str!("../demo/custody_keys.csv")),
    (
        &KEY_INSPECTIONS,
        include_str!("../demo/key_inspections.csv"),
    ),
];

/// Files loaded after the test results: a grant needs its handler to have passed the test.
const LATE_FILES: &[(&mamori_domain::Register, &str)] = &[
    (&ASSET_HANDLERS, include_str!("../demo/asset_handlers.csv")),
    // Two requests waiting for their managers: 総務経理部門's (the demo's manager) and ICT's.
    (
        &HANDLER_REQUESTS,
        include_str!("../demo/handler_requests.csv"),
    ),
    (
        &HANDLING_RECORDS,
        include_str!("../demo/handling_records.csv"),
    ),
    // After the handling records: a disposal closes its asset.
    (&DISPOSALS, include_str!("../demo/disposals.csv")),
    (
        &SECURITY_EVENTS,
        include_str!("../demo/security_events.csv"),
    ),
    // Audits of the certificate, findings of the audits.
    (&CERTIFICATES, include_str!("../demo/certificates.csv")),
    (&AUDITS, include_str!("../demo/audits.csv")),
    (&FINDINGS, include_str!("../demo/findings.csv")),
    // The internal audits' teams and checklists (a nonconformity names its finding).
    (&AUDIT_TEAM, include_str!("../demo/audit_team.csv")),
    (&AUDIT_CHECKS, include_str!("../demo/audit_checks.csv")),
    // None in the years of the reference report; one this year.
    (&COMPLAINTS, include_str!("../demo/complaints.csv")),
    (
        &MANAGEMENT_REVIEWS,
        include_str!("../demo/management_reviews.csv"),
    ),
    (&REVIEW_INPUTS, include_str!("../demo/review_inputs.csv")),
    (&REVIEW_OUTPUTS, include_str!("../demo/review_outputs.csv")),
    // After the events and reviews their items and notices name.
    (&MEETINGS, include_str!("../demo/meetings.csv")),
    (&MEETING_ITEMS, include_str!("../demo/meeting_items.csv")),
    (&NOTICES, include_str!("../demo/notices.csv")),
    // 5.2(3): the incidents elsewhere each meeting reviewed, three of them acted on; 5.2(5): FY2017's
    // change-triggered assessments. No relaxation review in either year (5.2(4)).
    (
        &EXTERNAL_INCIDENT_REVIEWS,
        include_str!("../demo/external_incident_reviews.csv"),
    ),
    (
        &CHANGE_ASSESSMENTS,
        include_str!("../demo/change_assessments.csv"),
    ),
    (&OBJECTIVES, include_str!("../demo/objectives.csv")),
    (
        &OBJECTIVE_RESULTS,
        include_str!("../demo/objective_results.csv"),
    ),
    // The organisation's own, confirmed requirements; the starter list adds the rest later.
    (&REQUIREMENTS, include_str!("../demo/requirements.csv")),
    (
        &REQUIREMENT_REVIEWS,
        include_str!("../demo/requirement_reviews.csv"),
    ),
    (&LAW_CHANGES, include_str!("../demo/law_changes.csv")),
    // Last: an action comes from an event, a finding, a review's output or a meeting.
    (
        &CORRECTIVE_ACTIONS,
        include_str!("../demo/corrective_actions.csv"),
    ),
];

/// Files loaded after the Annex A catalogue and the IPA questions, which they name.
const CATALOGUE_FILES: &[(&mamori_domain::Register, &str)] = &[
    // A relaxation review names its control (none in the report's years).
    (
        &RELAXATION_REVIEWS,
        include_str!("../demo/relaxation_reviews.csv"),
    ),
    // The rules with their revisions (the latest stamps its rule) and the controls they implement.
    (&INTERNAL_RULES, include_str!("../demo/internal_rules.csv")),
    (&RULE_REVISIONS, include_str!("../demo/rule_revisions.csv")),
    (&RULE_CONTROLS, include_str!("../demo/rule_controls.csv")),
    // The risk register over the assets and groups of assets, rated on the default method (levels
    // computed), and the controls each relies on or adds.
    (&RISKS, include_str!("../demo/risks.csv")),
    (&RISK_CONTROLS, include_str!("../demo/risk_controls.csv")),
    // The statement of applicability: a line for each of the 93 controls.
    (&SOA_ENTRIES, include_str!("../demo/soa_entries.csv")),
    // 5.2(7): the scenarios and the drills, oldest first (each drill's previous one is computed).
    (
        &CONTINUITY_SCENARIOS,
        include_str!("../demo/continuity_scenarios.csv"),
    ),
    (&DRILLS, include_str!("../demo/drills.csv")),
    // 5.2(8): the checklist, and no facility selected in FY2017 (two surveyed in FY2015).
    (
        &FACILITY_CRITERIA,
        include_str!("../demo/facility_criteria.csv"),
    ),
    (
        &FACILITY_ASSESSMENTS,
        include_str!("../demo/facility_assessments.csv"),
    ),
    (
        &FACILITY_SCORES,
        include_str!("../demo/facility_scores.csv"),
    ),
    // The IPA self-assessment of FY2015–FY2017 (totals computed from the answers).
    (
        &SELF_ASSESSMENTS,
        include_str!("../demo/self_assessments.csv"),
    ),
    (
        &SELF_ASSESSMENT_ANSWERS,
        include_str!("../demo/self_assessment_answers.csv"),
    ),
];

/// The demo accounts: email, role, department (for the manager), employee number of their person.
pub const ACCOUNTS: &[(&str, Role, Option<&str>, Option<&str>)] = &[
    ("admin@sajeco.example", Role::Admin, None, Some("0002")),
    ("isms@sajeco.example", Role::IsmsManager, None, Some("0001")),
    (
        "manager@sajeco.example",
        Role::DepartmentManager,
        Some("SOUMU"),
        Some("0005"),
    ),
    ("staff@sajeco.example", Role::Staff, None, Some(NEW_JOINER)),
    ("auditor@sajeco.example", Role::Auditor, None, None),
    // 佐々木 彩: an authorized handler of the employee list (秘密) and the payroll data (極秘).
    ("handler@sajeco.example", Role::Staff, None, Some("0009")),
];

#[derive(Deserialize)]
struct OrgFile {
    slug: String,
    name: String,
    name_en: Option<String>,
    fiscal_year_start_month: u8,
    #[serde(flatten)]
    profile: serde_json::Map<String, serde_json::Value>,
}

pub async fn load(
    store: &Store,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<Organization, IoError> {
    let file: OrgFile =
        toml::from_str(ORGANIZATION).map_err(|e| IoError::Unreadable(e.to_string()))?;
    let actor = Actor::cli("demo");
    let org = store
        .create_organization(
            &actor,
            &file.slug,
            &file.name,
            file.name_en.as_deref(),
            serde_json::Value::Object(file.profile),
            file.fiscal_year_start_month,
        )
        .await?;
    let access = Access::system(org.clone(), "demo");
    load_files(store, &access, FILES, progress).await?;
    attempts(store, &access).await?;
    progress("test-attempts", 1, 1);
    load_files(store, &access, LATE_FILES, progress).await?;
    // The rest of Mamori's starter list of laws, as reference data to confirm.
    crate::starter::load(store, &access).await?;
    progress("starter", 1, 1);
    // The Annex A catalogue (ids and English titles) and where the 2013 controls went.
    crate::catalogue::load(store, &access).await?;
    progress("catalogue", 1, 1);
    // The IPA self-assessment's questions, reference data as the starter button loads them.
    crate::starter::ipa_questions(store, &access).await?;
    progress("ipa-questions", 1, 1);
    load_files(store, &access, CATALOGUE_FILES, progress).await?;
    // The annual plan's template, and the tasks of the report's year (done as its records show)
    // and of this year.
    crate::starter::duties(store, &access).await?;
    for fy in [
        org.calendar.year(2017),
        org.calendar.containing(mamori_domain::dates::today()),
    ] {
        store.plan_year(&access, fy, &|_, _| {}).await?;
    }
    // The secretariat's word on the newest joiner's onboarding test.
    let onboarding = store
        .list(
            &access,
            &mamori_domain::registers::TASKS,
            &mamori_store::ListQuery {
                filters: vec![("owner".into(), NEW_JOINER.into())],
                limit: 1,
                ..Default::default()
            },
        )
        .await?;
    if let Some(task) = onboarding.items.first() {
        let code = task
            .value(&mamori_domain::registers::TASKS, "code")
            .map(|v| v.to_plain())
            .unwrap_or_default();
        let secretariat = Access {
            person_id: Some(store.person_id(&access, "0001").await?),
            ..access.clone()
        };
        let comment: mamori_store::Input = [
            ("task", code.as_str()),
            ("body", "初任時研修の資料はマイページから読めます。期日を過ぎていますので、今週中に受験してください。"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        store
            .create(
                &secretariat,
                &mamori_domain::registers::TASK_COMMENTS,
                &comment,
            )
            .await?;
    }
    progress("plan", 1, 1);
    // The secretariat has read this month's minutes; the others have not yet.
    let notice = store
        .id_by_key(&access, &mamori_domain::registers::NOTICES, "N-2026-11")
        .await?;
    for no in ["0001", "0003", "0004"] {
        let reader = Access {
            person_id: Some(store.person_id(&access, no).await?),
            ..access.clone()
        };
        store.acknowledge(&reader, notice).await?;
    }
    // The FY2017 report, a draft with the reference report's narratives (its figures are computed).
    let narratives: NarrativesFile =
        toml::from_str(NARRATIVES).map_err(|e| IoError::Unreadable(e.to_string()))?;
    store
        .report_start(
            &access,
            narratives.fiscal_year,
            narratives.issued_on,
            narratives.narratives,
            None,
        )
        .await?;
    progress("report", 1, 1);
    let names: std::collections::HashMap<String, String> = {
        let sheet = Sheet::from_csv(FILES[1].1.as_bytes())?;
        sheet
            .rows
            .iter()
            .map(|r| (r[0].clone(), r[1].clone()))
            .collect()
    };
    for (i, (email, role, dept, person)) in ACCOUNTS.iter().enumerate() {
        let display = person
            .and_then(|p| names.get(p).cloned())
            .unwrap_or_else(|| "監査員 (外部)".to_string());
        let user = store.create_user(&actor, email, &display, PASSWORD).await?;
        let until = (*role == Role::Auditor)
            .then(|| (OffsetDateTime::now_utc() + Duration::days(365)).date());
        store
            .add_membership(&actor, &org, user.id, *role, *dept, *person, until)
            .await?;
        // The demo's administrator also administers the installation (founds organisations).
        if *role == Role::Admin {
            store.set_installation_admin(&actor, user.id, true).await?;
        }
        progress("users", i as u64 + 1, ACCOUNTS.len() as u64);
    }
    Ok(org)
}

/// Imports demo files through the same path as a user's import.
async fn load_files(
    store: &Store,
    access: &Access,
    files: &[(&mamori_domain::Register, &str)],
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<(), IoError> {
    for (reg, csv) in files {
        let sheet = Sheet::from_csv(csv.as_bytes())?;
        import(store, access, reg, &sheet, &|_| None, &|done, total| {
            progress(reg.collection, done, total)
        })
        .await?;
    }
    Ok(())
}

/// The newest joiner, the demo's staff account: onboarding attended, test not taken yet.
pub const NEW_JOINER: &str = "2601";

/// People who failed the onboarding test once before passing it (FY2017 joiners, fictional).
const RETAKERS: &[&str] = &["1701", "1705", "1712"];

/// The onboarding test results: everyone who attended an onboarding session passed its test that
/// day, a few at the second try. The newest joiner (the demo's staff account) has attended but not
/// yet taken the test, so My page shows it as due.
async fn attempts(store: &Store, access: &Access) -> Result<(), IoError> {
    use mamori_store::ListQuery;
    use mamori_store::records::{Through, ThroughValue};
    let all = |filters: Vec<(String, String)>, through: Vec<Through>| ListQuery {
        filters,
        through,
        limit: mamori_store::records::MAX_LIMIT,
        ..Default::default()
    };
    let sessions = store
        .list(
            access,
            &TRAINING_SESSIONS,
            &all(vec![("course".into(), "ISO-INIT".into())], vec![]),
        )
        .await?;
    let held: std::collections::HashMap<String, time::Date> = sessions
        .items
        .iter()
        .filter_map(|r| {
            Some((
                r.value(&TRAINING_SESSIONS, "code")?.to_plain(),
                r.value(&TRAINING_SESSIONS, "held_on")?.as_date()?,
            ))
        })
        .collect();
    let attended = store
        .list(
            access,
            &ATTENDANCES,
            &all(
                vec![("status".into(), "attended".into())],
                vec![Through {
                    field: "session".into(),
                    target_field: "course".into(),
                    value: ThroughValue::Is("ISO-INIT".into()),
                }],
            ),
        )
        .await?;
    let jst = mamori_domain::dates::JST;
    for r in &attended.items {
        let (Some(session), Some(person)) = (
            r.value(&ATTENDANCES, "session").map(|v| v.to_plain()),
            r.value(&ATTENDANCES, "person").map(|v| v.to_plain()),
        ) else {
            continue;
        };
        let Some(day) = held.get(&session) else {
            continue;
        };
        if person == NEW_JOINER {
            continue;
        }
        let id = store.person_id(access, &person).await?;
        let at = day
            .with_hms(15, 0, 0)
            .unwrap_or(day.midnight())
            .assume_offset(jst);
        if RETAKERS.contains(&person.as_str()) {
            // One wrong answer: 4 of 5 is 80%, so two wrong to fail.
            let wrong = std::sync::atomic::AtomicUsize::new(0);
            store
                .record_attempt(access, "ISO-INIT", id, at, &|q| {
                    if wrong.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < 2 {
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
        }
        store
            .record_attempt(access, "ISO-INIT", id, at + Duration::hours(1), &|q| {
                q.answer.clone()
            })
            .await?;
    }
    Ok(())
}
