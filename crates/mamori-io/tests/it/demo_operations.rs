//! The demo's audits, findings, reviews, meetings, notices, objectives and requirements add up to the
//! figures of the FY2017 report (`current(previous)`, FY2017 = 2017-04-01…2018-03-31), counted
//! from the records; and the starter list of laws loads once. Runs on SQLite, or on PostgreSQL when
//! `MAMORI_TEST_DATABASE_URL` points at a server.

use crate::common;

use common::Demo;

use mamori_domain::Register;
use mamori_domain::registers::{
    ATTENDANCES, AUDITS, CERTIFICATES, COMPLAINTS, CORRECTIVE_ACTIONS, FINDINGS, LAW_CHANGES,
    MANAGEMENT_REVIEWS, MEETING_ITEMS, MEETINGS, NOTICES, OBJECTIVE_RESULTS, OBJECTIVES,
    REQUIREMENT_REVIEWS, REQUIREMENTS, REVIEW_INPUTS, REVIEW_OUTPUTS, SECURITY_EVENTS,
    TRAINING_SESSIONS,
};
use mamori_io::Sheet;
use mamori_store::records::{Through, ThroughValue};
use mamori_store::testing::TestDb;
use mamori_store::{ListQuery, Record, Status};
use time::{Date, Month};

const FY2017: i32 = 2017;
const FY2016: i32 = 2016;

/// The first and last day of a fiscal year starting in April.
fn fy(year: i32) -> (Date, Date) {
    (
        Date::from_calendar_date(year, Month::April, 1).unwrap(),
        Date::from_calendar_date(year + 1, Month::March, 31).unwrap(),
    )
}

/// A query for counting: exact filters, date ranges on the register's own fields, and filters
/// through a reference.
#[derive(Default, Clone)]
struct Q {
    filters: Vec<(String, String)>,
    ranges: Vec<(String, Option<Date>, Option<Date>)>,
    through: Vec<Through>,
}

impl Q {
    fn new() -> Q {
        Q::default()
    }
    fn is(mut self, field: &str, value: &str) -> Q {
        self.filters.push((field.into(), value.into()));
        self
    }
    fn within(mut self, field: &str, year: i32) -> Q {
        let (from, to) = fy(year);
        self.ranges.push((field.into(), Some(from), Some(to)));
        self
    }
    fn via(mut self, field: &str, target_field: &str, value: &str) -> Q {
        self.through.push(Through {
            field: field.into(),
            target_field: target_field.into(),
            value: ThroughValue::Is(value.into()),
        });
        self
    }
    fn via_within(mut self, field: &str, target_field: &str, year: i32) -> Q {
        let (from, to) = fy(year);
        self.through.push(Through {
            field: field.into(),
            target_field: target_field.into(),
            value: ThroughValue::Between(Some(from), Some(to)),
        });
        self
    }
    fn query(&self) -> ListQuery {
        ListQuery {
            filters: self.filters.clone(),
            ranges: self.ranges.clone(),
            through: self.through.clone(),
            limit: mamori_store::records::MAX_LIMIT,
            ..Default::default()
        }
    }
}

impl Demo {
    async fn count(&self, reg: &Register, q: Q) -> i64 {
        self.store
            .list(&self.access, reg, &q.query())
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", reg.code))
            .total
    }

    async fn records(&self, reg: &Register, q: Q) -> Vec<Record> {
        let page = self
            .store
            .list(&self.access, reg, &q.query())
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", reg.code));
        assert!(page.total <= mamori_store::records::MAX_LIMIT);
        page.items
    }

    /// Findings of the grades from audits of `party` held (started) in the fiscal year, in the
    /// department.
    async fn findings(&self, party: &str, grades: &[&str], department: &str, year: i32) -> i64 {
        let mut n = 0;
        for grade in grades {
            n += self
                .count(
                    &FINDINGS,
                    Q::new()
                        .is("grade", grade)
                        .is("department", department)
                        .via("audit", "party", party)
                        .via_within("audit", "started_on", year),
                )
                .await;
        }
        n
    }

    /// `current(previous)` as the report prints it.
    async fn figure<F, Fut>(&self, f: F) -> String
    where
        F: Fn(i32) -> Fut,
        Fut: std::future::Future<Output = i64>,
    {
        format!("{}({})", f(FY2017).await, f(FY2016).await)
    }
}

fn text(r: &Record, reg: &Register, field: &str) -> String {
    r.value(reg, field)
        .map(|v| v.to_plain())
        .unwrap_or_default()
}

const NONCONFORMITIES: &[&str] = &["major", "minor"];
const OBSERVATIONS: &[&str] = &["observation", "improvement"];

#[tokio::test]
async fn the_demo_audits_and_findings_give_the_reports_figures() {
    let d = Demo::load().await;
    // 5.2(9): corrective requests of internal audits, per finding department and audit year.
    for (dept, expected) in [("ITEIGYO", "5(1)"), ("SOUMU", "1(0)"), ("ISO", "0(1)")] {
        let got = d
            .figure(|y| d.findings("first", NONCONFORMITIES, dept, y))
            .await;
        assert_eq!(got, expected, "first-party corrective requests of {dept}");
    }
    // Third party: no corrective requests anywhere; two observations a year at the secretariat.
    for (dept, observations) in [("ITEIGYO", "0(0)"), ("SOUMU", "0(0)"), ("ISO", "2(2)")] {
        let requests = d
            .figure(|y| d.findings("third", NONCONFORMITIES, dept, y))
            .await;
        assert_eq!(
            requests, "0(0)",
            "third-party corrective requests of {dept}"
        );
        let got = d
            .figure(|y| d.findings("third", OBSERVATIONS, dept, y))
            .await;
        assert_eq!(got, observations, "third-party observations of {dept}");
    }
    // Second party: one audit in FY2017 (none the year before), without findings.
    let second = |y| {
        d.count(
            &AUDITS,
            Q::new().is("party", "second").within("started_on", y),
        )
    };
    assert_eq!(d.figure(second).await, "1(0)");
    let audit = &d
        .records(
            &AUDITS,
            Q::new().is("party", "second").within("started_on", FY2017),
        )
        .await[0];
    for (field, value) in [
        ("started_on", "2017-06-27"),
        ("time_from", "13:30"),
        ("time_to", "14:30"),
        ("unannounced", "yes"),
        ("kind", "regulator"),
        ("auditing_body", "札幌国税局徴収部管理運営課監理第三係"),
        ("auditors", "3"),
        ("department", "ITEIGYO"),
        ("status", "done"),
    ] {
        assert_eq!(text(audit, &AUDITS, field), value, "{field}");
    }
    let code = text(audit, &AUDITS, "code");
    assert_eq!(d.count(&FINDINGS, Q::new().is("audit", &code)).await, 0);
    for y in [FY2016, FY2017] {
        let any = |party: &'static str| {
            d.findings(
                party,
                &["major", "minor", "observation", "improvement"],
                "ITEIGYO",
                y,
            )
        };
        assert_eq!(any("second").await, 0);
    }

    // A yearly programme: one internal audit of each department each year, done, by an auditor
    // from outside the audited department.
    for y in [FY2016, FY2017] {
        for dept in ["ITEIGYO", "SOUMU", "ISO", "ICT"] {
            let audits = d
                .records(
                    &AUDITS,
                    Q::new()
                        .is("kind", "internal")
                        .is("department", dept)
                        .within("started_on", y),
                )
                .await;
            assert_eq!(audits.len(), 1, "internal audit of {dept} in FY{y}");
            let a = &audits[0];
            assert_eq!(text(a, &AUDITS, "party"), "first");
            assert_eq!(text(a, &AUDITS, "status"), "done");
            let auditor = if dept == "ISO" { "0002" } else { "0003" };
            assert_eq!(text(a, &AUDITS, "auditor"), auditor);
        }
    }
    // The certification audits: surveillance 1 and 2 of the certificate, held at the secretariat.
    let cert = d.records(&CERTIFICATES, Q::new()).await;
    assert_eq!(cert.len(), 1);
    assert_eq!(
        text(&cert[0], &CERTIFICATES, "registration_no"),
        "IC13J0364"
    );
    assert_eq!(
        text(&cert[0], &CERTIFICATES, "first_registered_on"),
        "2008-06-24"
    );
    for (y, kind, started) in [
        (FY2016, "surveillance_1", None),
        (FY2017, "surveillance_2", Some(("2017-09-21", "2017-09-22"))),
    ] {
        let third = d
            .records(
                &AUDITS,
                Q::new()
                    .is("party", "third")
                    .is("certificate", "IC13J0364")
                    .within("started_on", y),
            )
            .await;
        assert_eq!(third.len(), 1, "FY{y}");
        assert_eq!(text(&third[0], &AUDITS, "kind"), kind);
        assert_eq!(text(&third[0], &AUDITS, "department"), "ISO");
        if let Some((from, to)) = started {
            assert_eq!(text(&third[0], &AUDITS, "started_on"), from);
            assert_eq!(text(&third[0], &AUDITS, "ended_on"), to);
        }
    }
    // Every third-party finding is addressed.
    let open = d
        .count(
            &FINDINGS,
            Q::new().is("status", "open").via("audit", "party", "third"),
        )
        .await;
    assert_eq!(open, 0);

    // Every nonconformity has a corrective action, completed and checked.
    for grade in NONCONFORMITIES {
        for f in d.records(&FINDINGS, Q::new().is("grade", grade)).await {
            let code = text(&f, &FINDINGS, "code");
            assert_eq!(text(&f, &FINDINGS, "status"), "closed", "{code}");
            let actions = d
                .records(&CORRECTIVE_ACTIONS, Q::new().is("finding", &code))
                .await;
            assert_eq!(actions.len(), 1, "the action of {code}");
            let a = &actions[0];
            assert_eq!(text(a, &CORRECTIVE_ACTIONS, "source"), "finding");
            assert_eq!(
                text(a, &CORRECTIVE_ACTIONS, "department"),
                text(&f, &FINDINGS, "department"),
                "{code}: the finding's department taken along"
            );
            for field in ["completed_on", "checked_on"] {
                assert!(!text(a, &CORRECTIVE_ACTIONS, field).is_empty(), "{code}");
            }
            assert_eq!(text(a, &CORRECTIVE_ACTIONS, "effective"), "yes");
        }
    }

    // 5.2(10): no complaints in any department in either year (the demo's one is of 2026).
    for year in [FY2017, FY2016] {
        assert_eq!(
            d.count(&COMPLAINTS, Q::new().within("received_on", year))
                .await,
            0
        );
    }
}

#[tokio::test]
async fn the_demo_reviews_meetings_notices_and_objectives_add_up() {
    let d = Demo::load().await;
    // 5.2(6): a review each year, held in March, with 20 inputs and 12 outputs.
    for (y, code, period, held) in [
        (FY2017, "MR-2017", "2018年3月期", "2018-03"),
        (FY2016, "MR-2016", "2017年3月期", "2017-03"),
    ] {
        let reviews = d
            .records(&MANAGEMENT_REVIEWS, Q::new().within("held_on", y))
            .await;
        assert_eq!(reviews.len(), 1, "FY{y}");
        let r = &reviews[0];
        assert_eq!(text(r, &MANAGEMENT_REVIEWS, "code"), code);
        assert_eq!(text(r, &MANAGEMENT_REVIEWS, "period"), period);
        assert!(text(r, &MANAGEMENT_REVIEWS, "held_on").starts_with(held));
    }
    let inputs = |y| d.count(&REVIEW_INPUTS, Q::new().via_within("review", "held_on", y));
    assert_eq!(d.figure(inputs).await, "20(20)");
    let outputs = |y| d.count(&REVIEW_OUTPUTS, Q::new().via_within("review", "held_on", y));
    assert_eq!(d.figure(outputs).await, "12(12)");
    // Inputs spread over the categories of 9.3.2.
    for review in ["MR-2016", "MR-2017"] {
        let categories: std::collections::HashSet<String> = d
            .records(&REVIEW_INPUTS, Q::new().is("review", review))
            .await
            .iter()
            .map(|r| text(r, &REVIEW_INPUTS, "category"))
            .collect();
        assert!(categories.len() >= 8, "{review}: {categories:?}");
    }
    // An output leads to an objective, another to a corrective action.
    let objectives = d.records(&OBJECTIVES, Q::new()).await;
    assert!(
        objectives
            .iter()
            .any(|o| !text(o, &OBJECTIVES, "review_output").is_empty())
    );
    let from_review = d
        .records(
            &CORRECTIVE_ACTIONS,
            Q::new().is("source", "management_review"),
        )
        .await;
    assert!(!from_review.is_empty());
    for a in &from_review {
        assert!(!text(a, &CORRECTIVE_ACTIONS, "review_output").is_empty());
        assert!(!text(a, &CORRECTIVE_ACTIONS, "completed_on").is_empty());
    }

    // The secretariat meets every month: 12 meetings a year, 24 in the two years.
    let meetings = |y| {
        d.count(
            &MEETINGS,
            Q::new().is("kind", "secretariat").within("held_on", y),
        )
    };
    assert_eq!(d.figure(meetings).await, "12(12)");
    for y in [FY2016, FY2017] {
        let months: std::collections::HashSet<String> = d
            .records(
                &MEETINGS,
                Q::new().is("kind", "secretariat").within("held_on", y),
            )
            .await
            .iter()
            .map(|m| {
                assert!(!text(m, &MEETINGS, "minutes").is_empty());
                assert!(!text(m, &MEETINGS, "attendees").is_empty());
                text(m, &MEETINGS, "held_on")[..7].to_string()
            })
            .collect();
        assert_eq!(months.len(), 12, "one meeting a month in FY{y}");
    }
    // Items concern events; action items have owners and due dates and are done.
    let about_events = d.records(&MEETING_ITEMS, Q::new()).await;
    assert!(
        about_events
            .iter()
            .filter(|i| !text(i, &MEETING_ITEMS, "event").is_empty())
            .count()
            >= 5
    );
    for i in d
        .records(&MEETING_ITEMS, Q::new().is("kind", "action"))
        .await
    {
        for field in ["owner", "due_on", "done_on"] {
            assert!(!text(&i, &MEETING_ITEMS, field).is_empty(), "{field}");
        }
    }
    // Minutes go out as notices for everyone after the meeting; a couple of alerts.
    let minutes = d.records(&NOTICES, Q::new().is("kind", "minutes")).await;
    assert!(minutes.len() >= 5);
    for n in &minutes {
        assert_eq!(text(n, &NOTICES, "audience"), "everyone");
        assert!(text(n, &NOTICES, "department").is_empty());
        let meeting = d
            .records(&MEETINGS, Q::new())
            .await
            .into_iter()
            .find(|m| text(m, &MEETINGS, "code") == text(n, &NOTICES, "meeting"))
            .expect("the minutes name their meeting");
        assert!(text(n, &NOTICES, "published_on") > text(&meeting, &MEETINGS, "held_on"));
    }
    assert!(d.count(&NOTICES, Q::new().is("kind", "alert")).await >= 2);
    // The demo's late action names the meeting that decided it.
    let late = d
        .records(&CORRECTIVE_ACTIONS, Q::new().is("source", "meeting"))
        .await;
    let ca = late
        .iter()
        .find(|a| text(a, &CORRECTIVE_ACTIONS, "code") == "CA-2026-01")
        .expect("CA-2026-01");
    assert_eq!(text(ca, &CORRECTIVE_ACTIONS, "meeting"), "MT-2026-11");
    assert!(text(ca, &CORRECTIVE_ACTIONS, "completed_on").is_empty());

    // Objectives of both years, measured each half year; one FY2017 objective has no numeric target.
    for (y, n) in [(FY2016, 4), (FY2017, 5)] {
        let of_year: Vec<&Record> = objectives
            .iter()
            .filter(|o| text(o, &OBJECTIVES, "fiscal_year") == y.to_string())
            .collect();
        assert_eq!(of_year.len(), n, "FY{y}");
        let untargeted = of_year
            .iter()
            .filter(|o| text(o, &OBJECTIVES, "target_value").is_empty())
            .count();
        assert_eq!(untargeted, usize::from(y == FY2017), "FY{y}");
        for o in of_year {
            let code = text(o, &OBJECTIVES, "code");
            let results = d
                .count(&OBJECTIVE_RESULTS, Q::new().is("objective", &code))
                .await;
            assert_eq!(results, 2, "{code} per half year");
            if !text(o, &OBJECTIVES, "target_value").is_empty() {
                for field in ["unit", "method", "owner", "achieved", "evaluation"] {
                    assert!(!text(o, &OBJECTIVES, field).is_empty(), "{code} {field}");
                }
            }
        }
    }
    // Their results and achievement are computed from the half years' results: as the evaluations
    // say (near misses added up to 13 of 12, the patch rate's worst half year 95 of 100).
    let judged: Vec<(String, String, String)> = objectives
        .iter()
        .map(|o| {
            let get = |f: &str| text(o, &OBJECTIVES, f);
            (
                get("code"),
                format!("{}{}", get("result"), get("unit")),
                get("achieved"),
            )
        })
        .collect();
    let expected = [
        ("OB-2016-01", "100%", "yes"),
        ("OB-2016-02", "0件", "yes"),
        ("OB-2016-03", "9件", "yes"),
        ("OB-2016-04", "100%", "yes"),
        ("OB-2017-01", "100%", "yes"),
        ("OB-2017-02", "13件", "yes"),
        ("OB-2017-03", "0件", "yes"),
        ("OB-2017-04", "95%", "no"),
        ("OB-2017-05", "9件", ""),
    ];
    for (code, result, achieved) in expected {
        assert!(
            judged.contains(&(code.into(), result.into(), achieved.into())),
            "{code} {result} {achieved}: {judged:?}"
        );
    }
}

#[tokio::test]
async fn the_demo_events_keep_their_counts_and_send_no_one_to_remedial_training() {
    let d = Demo::load().await;
    // 5.2(9): near misses per department, and no incidents.
    for (dept, expected) in [("ITEIGYO", "7(6)"), ("SOUMU", "1(0)"), ("ISO", "5(3)")] {
        let near = |y| {
            d.count(
                &SECURITY_EVENTS,
                Q::new()
                    .is("kind", "near_miss")
                    .is("department", dept)
                    .within("occurred_on", y),
            )
        };
        assert_eq!(d.figure(near).await, expected, "{dept}");
        let incidents = |y| {
            d.count(
                &SECURITY_EVENTS,
                Q::new()
                    .is("kind", "incident")
                    .is("department", dept)
                    .within("occurred_on", y),
            )
        };
        assert_eq!(d.figure(incidents).await, "0(0)", "{dept}");
    }
    // No one caused two human errors within a year, so no one is on the remedial course.
    let errors = d
        .records(&SECURITY_EVENTS, Q::new().is("cause", "human_error"))
        .await;
    let mut by_person: std::collections::HashMap<String, Vec<Date>> = Default::default();
    for e in &errors {
        let person = text(e, &SECURITY_EVENTS, "person");
        if !person.is_empty() {
            let on = e
                .value(&SECURITY_EVENTS, "occurred_on")
                .and_then(|v| v.as_date())
                .unwrap();
            by_person.entry(person).or_default().push(on);
        }
    }
    assert!(!by_person.is_empty(), "some events name their person");
    for (person, mut days) in by_person {
        days.sort();
        for w in days.windows(2) {
            assert!((w[1] - w[0]).whole_days() > 365, "{person}: {days:?}");
        }
    }
    assert_eq!(
        d.count(&TRAINING_SESSIONS, Q::new().is("course", "ISO-REMEDIAL"))
            .await,
        0
    );
    assert_eq!(
        d.count(
            &ATTENDANCES,
            Q::new().via("session", "course", "ISO-REMEDIAL")
        )
        .await,
        0
    );
}

/// The starter list, as a sheet: its law names and (law, effective date) pairs.
fn starter() -> (Vec<String>, Vec<(String, String)>) {
    let norm = mamori_domain::input::normalize;
    let laws = Sheet::from_csv(include_str!("../../starter/requirements.csv").as_bytes()).unwrap();
    let name = laws.headers.iter().position(|h| h == "name").unwrap();
    let changes =
        Sheet::from_csv(include_str!("../../starter/law_changes.csv").as_bytes()).unwrap();
    let (law, on) = (
        changes
            .headers
            .iter()
            .position(|h| h == "requirement")
            .unwrap(),
        changes
            .headers
            .iter()
            .position(|h| h == "effective_on")
            .unwrap(),
    );
    (
        laws.rows.iter().map(|r| norm(&r[name])).collect(),
        changes
            .rows
            .iter()
            .map(|r| (norm(&r[law]), r[on].clone()))
            .collect(),
    )
}

#[tokio::test]
async fn the_demo_acts_on_no_law_change_and_the_starter_list_loads_once() {
    let d = Demo::load().await;
    // 5.2(1): no law change acted on in either year; the 2017 amendment of the privacy act was
    // reviewed and needed no action.
    for field in ["effective_on", "decided_on"] {
        let acted = |y| {
            d.count(
                &LAW_CHANGES,
                Q::new().is("decision", "acted").within(field, y),
            )
        };
        assert_eq!(d.figure(acted).await, "0(0)", "{field}");
    }
    let reviewed = d
        .records(
            &LAW_CHANGES,
            Q::new()
                .is("decision", "no_action")
                .within("effective_on", FY2017),
        )
        .await;
    assert_eq!(reviewed.len(), 1);
    assert_eq!(
        text(&reviewed[0], &LAW_CHANGES, "effective_on"),
        "2017-05-30"
    );
    assert!(text(&reviewed[0], &LAW_CHANGES, "decided_on").starts_with("2017-"));
    assert!(!text(&reviewed[0], &LAW_CHANGES, "review").is_empty());
    // No starter amendment waits for a decision in the report's years.
    for y in [FY2016, FY2017] {
        let pending = d
            .count(
                &LAW_CHANGES,
                Q::new().is("decision", "pending").within("effective_on", y),
            )
            .await;
        assert_eq!(pending, 0, "FY{y}");
    }
    // The demo's own requirements are confirmed and reviewed each year.
    let confirmed = d
        .records(&REQUIREMENTS, Q::new().is("status", "confirmed"))
        .await;
    assert!(confirmed.len() >= 5);
    assert!(
        confirmed
            .iter()
            .any(|r| text(r, &REQUIREMENTS, "kind") == "contract")
    );
    for y in [FY2016, FY2017] {
        let reviews = d
            .count(&REQUIREMENT_REVIEWS, Q::new().within("reviewed_on", y))
            .await;
        assert_eq!(reviews, confirmed.len() as i64, "FY{y}");
    }

    // The starter list added the rest as reference data: each law once, by name.
    let (laws, changes) = starter();
    let every = ListQuery {
        status: Status::All,
        limit: mamori_store::records::MAX_LIMIT,
        ..Default::default()
    };
    let requirements = d
        .store
        .list(&d.access, &REQUIREMENTS, &every)
        .await
        .unwrap()
        .items;
    let names: Vec<String> = requirements
        .iter()
        .map(|r| text(r, &REQUIREMENTS, "name"))
        .collect();
    for law in &laws {
        assert_eq!(names.iter().filter(|n| *n == law).count(), 1, "{law}");
    }
    let confirmed_names: Vec<String> = confirmed
        .iter()
        .map(|r| text(r, &REQUIREMENTS, "name"))
        .collect();
    let reference = d
        .count(&REQUIREMENTS, Q::new().is("status", "reference"))
        .await;
    let expected = laws.iter().filter(|l| !confirmed_names.contains(l)).count();
    assert!(expected > 0);
    assert_eq!(reference, expected as i64);
    // Each starter amendment once, under its law.
    let code_of: std::collections::HashMap<String, String> = requirements
        .iter()
        .map(|r| {
            (
                text(r, &REQUIREMENTS, "name"),
                text(r, &REQUIREMENTS, "code"),
            )
        })
        .collect();
    let all_changes = d
        .store
        .list(&d.access, &LAW_CHANGES, &every)
        .await
        .unwrap()
        .items;
    for (law, on) in &changes {
        let n = all_changes
            .iter()
            .filter(|c| {
                text(c, &LAW_CHANGES, "requirement") == code_of[law]
                    && text(c, &LAW_CHANGES, "effective_on") == *on
            })
            .count();
        assert_eq!(n, 1, "{law} {on}");
    }

    // A second run adds nothing.
    let again = mamori_io::starter::load(&d.store, &d.access).await.unwrap();
    assert_eq!(again, (0, 0));
}

#[tokio::test]
async fn the_starter_list_fills_a_new_organisation_once() {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let access = mamori_store::testing::empty_organization(&store, "fresh")
        .await
        .unwrap();
    let (laws, changes) = starter();
    let first = mamori_io::starter::load(&store, &access).await.unwrap();
    assert_eq!(first, (laws.len(), changes.len()));
    let reference = store
        .list(
            &access,
            &REQUIREMENTS,
            &ListQuery {
                filters: vec![("status".into(), "reference".into())],
                limit: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .total;
    assert_eq!(reference, laws.len() as i64);
    let pending = store
        .list(
            &access,
            &LAW_CHANGES,
            &ListQuery {
                filters: vec![("decision".into(), "pending".into())],
                limit: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .total;
    assert_eq!(pending, changes.len() as i64);
    assert_eq!(
        mamori_io::starter::load(&store, &access).await.unwrap(),
        (0, 0)
    );
}
