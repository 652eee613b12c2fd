//! The demo's risk register, statement of applicability, rules, continuity drills, facility
//! selection and IPA self-assessments: what the store computes (levels, targets met, previous drills,
//! averages, totals, a rule's current version) comes out as the reference report has it (5.2(7),
//! 5.2(8)). Runs on SQLite, or on PostgreSQL when `MAMORI_TEST_DATABASE_URL` points at a server.

use crate::common;

use common::Demo;

use mamori_domain::Register;
use mamori_domain::registers::{
    CONTINUITY_SCENARIOS, CORRECTIVE_ACTIONS, DRILLS, FACILITY_ASSESSMENTS, FACILITY_CRITERIA,
    INTERNAL_RULES, IPA_QUESTIONS, RISK_CONTROLS, RISKS, RULE_CONTROLS, RULE_REVISIONS,
    SELF_ASSESSMENT_ANSWERS, SELF_ASSESSMENTS, SOA_ENTRIES,
};
use mamori_domain::risk::RiskMethod;
use mamori_store::{ListQuery, Record};
use time::{Date, Month};

impl Demo {
    async fn listed(&self, reg: &Register, query: ListQuery) -> Vec<Record> {
        let page = self
            .store
            .list(
                &self.access,
                reg,
                &ListQuery {
                    limit: mamori_store::records::MAX_LIMIT,
                    ..query
                },
            )
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", reg.code));
        assert!(page.total <= mamori_store::records::MAX_LIMIT);
        page.items
    }

    async fn all(&self, reg: &Register) -> Vec<Record> {
        self.listed(reg, ListQuery::default()).await
    }

    async fn with(&self, reg: &Register, field: &str, value: &str) -> Vec<Record> {
        self.listed(
            reg,
            ListQuery {
                filters: vec![(field.into(), value.into())],
                ..Default::default()
            },
        )
        .await
    }
}

fn text(r: &Record, reg: &Register, field: &str) -> String {
    r.value(reg, field)
        .map(|v| v.to_plain())
        .unwrap_or_default()
}

fn date(y: i32, m: Month, d: u8) -> Date {
    Date::from_calendar_date(y, m, d).unwrap()
}

#[tokio::test]
async fn the_demo_drills_facilities_and_self_assessments_are_the_reports() {
    let d = Demo::load().await;

    // 5.2(7): the FY2017 drill of the LAN-HUB failure (likelihood A, priority B, within 6 hours),
    // recovered in about 30 minutes; the previous drill was on 2016-08-15.
    let fy2017 = ListQuery {
        ranges: vec![(
            "held_on".into(),
            Some(date(2017, Month::April, 1)),
            Some(date(2018, Month::March, 31)),
        )],
        ..Default::default()
    };
    let drills = d.listed(&DRILLS, fy2017).await;
    assert_eq!(drills.len(), 1);
    let drill = &drills[0];
    assert_eq!(text(drill, &DRILLS, "held_on"), "2017-11-25");
    assert_eq!(text(drill, &DRILLS, "actual_minutes"), "30");
    assert_eq!(text(drill, &DRILLS, "target_met"), "yes");
    assert_eq!(text(drill, &DRILLS, "previous_on"), "2016-08-15");
    assert!(text(drill, &DRILLS, "follow_up").contains("ラベル"));
    let scenarios = d.all(&CONTINUITY_SCENARIOS).await;
    let s = scenarios
        .iter()
        .find(|s| text(s, &CONTINUITY_SCENARIOS, "code") == text(drill, &DRILLS, "scenario"))
        .expect("the drill's scenario");
    assert!(text(s, &CONTINUITY_SCENARIOS, "event").contains("LAN-HUB"));
    assert_eq!(text(s, &CONTINUITY_SCENARIOS, "likelihood"), "A");
    assert_eq!(text(s, &CONTINUITY_SCENARIOS, "priority"), "B");
    assert_eq!(text(s, &CONTINUITY_SCENARIOS, "target_hours"), "6");
    // Every drill met its target: none raised a corrective action.
    for dr in d.all(&DRILLS).await {
        assert_eq!(text(&dr, &DRILLS, "target_met"), "yes");
    }
    assert!(
        d.with(&CORRECTIVE_ACTIONS, "source", "drill")
            .await
            .is_empty()
    );

    // 5.2(8): a checklist, and no facility surveyed in FY2017; the two of FY2015 have their
    // averages from their scores.
    assert_eq!(d.all(&FACILITY_CRITERIA).await.len(), 8);
    let surveyed = |from: Date, to: Date| ListQuery {
        ranges: vec![("surveyed_on".into(), Some(from), Some(to))],
        ..Default::default()
    };
    let in_fy2017 = d
        .listed(
            &FACILITY_ASSESSMENTS,
            surveyed(date(2017, Month::April, 1), date(2018, Month::March, 31)),
        )
        .await;
    assert!(in_fy2017.is_empty());
    let averages: Vec<(String, String)> = d
        .all(&FACILITY_ASSESSMENTS)
        .await
        .iter()
        .map(|a| {
            (
                text(a, &FACILITY_ASSESSMENTS, "decision"),
                text(a, &FACILITY_ASSESSMENTS, "average_score"),
            )
        })
        .collect();
    assert_eq!(
        averages,
        [
            ("rejected".to_string(), "2.4".to_string()),
            ("selected".to_string(), "4.0".to_string())
        ]
    );

    // The IPA self-assessment: 25 questions, numbered so that they sort in order; a total per
    // fiscal year computed from its 25 answers, improving.
    let questions = d.all(&IPA_QUESTIONS).await;
    assert_eq!(questions.len(), 25);
    let codes: Vec<String> = questions
        .iter()
        .map(|q| text(q, &IPA_QUESTIONS, "code"))
        .collect();
    assert_eq!(codes[1], "02");
    assert_eq!(codes[9], "10");
    assert!(
        questions
            .iter()
            .all(|q| text(q, &IPA_QUESTIONS, "controls").starts_with("A."))
    );
    // Loading the questions again adds none.
    assert_eq!(
        mamori_io::starter::load_register(&d.store, &d.access, &IPA_QUESTIONS)
            .await
            .unwrap(),
        Some((0, 0))
    );
    let totals: Vec<(String, String)> = d
        .all(&SELF_ASSESSMENTS)
        .await
        .iter()
        .map(|a| {
            (
                text(a, &SELF_ASSESSMENTS, "fiscal_year"),
                text(a, &SELF_ASSESSMENTS, "total"),
            )
        })
        .collect();
    assert_eq!(
        totals,
        [
            ("2015".to_string(), "62".to_string()),
            ("2016".to_string(), "70".to_string()),
            ("2017".to_string(), "78".to_string())
        ]
    );
    for a in ["SA-2015", "SA-2016", "SA-2017"] {
        let answers = d.with(&SELF_ASSESSMENT_ANSWERS, "assessment", a).await;
        assert_eq!(answers.len(), 25, "{a}");
    }
}

#[tokio::test]
async fn the_demo_risks_rules_and_statement_of_applicability_hold_together() {
    let d = Demo::load().await;
    let method = RiskMethod::default();

    // Risks: rated on the default method, each level computed from the matrix, acceptable when the
    // last level (residual where rated) is III.
    let risks = d.all(&RISKS).await;
    assert!(risks.len() >= 40, "{}", risks.len());
    for r in &risks {
        let code = text(r, &RISKS, "code");
        let get = |f: &str| text(r, &RISKS, f);
        assert!(!get("threat").is_empty(), "{code}");
        let level = method.level(&get("likelihood"), &get("impact")).unwrap();
        assert_eq!(get("level"), level, "{code}");
        let last = if get("residual_likelihood").is_empty() {
            level.to_string()
        } else {
            let residual = method
                .level(&get("residual_likelihood"), &get("residual_impact"))
                .unwrap();
            assert_eq!(get("residual_level"), residual, "{code}");
            residual.to_string()
        };
        let acceptable = if method.accepts(&last) { "yes" } else { "no" };
        assert_eq!(get("acceptable"), acceptable, "{code}");
        if get("status") == "accepted" {
            assert_eq!(
                get("acceptable"),
                "yes",
                "{code}: accepted within the criteria"
            );
        }
        assert!(!get("department").is_empty(), "{code}");
    }
    let count = |f: &str, v: &str| risks.iter().filter(|r| text(r, &RISKS, f) == v).count();
    assert_eq!(count("staff_must_know", "yes"), 5);
    for t in ["modify", "retain", "avoid", "share"] {
        assert!(count("treatment", t) > 0, "{t}");
    }
    for l in ["I", "II", "III"] {
        assert!(count("level", l) > 0, "{l}");
    }
    assert!(count("status", "treating") > 0);
    assert!(
        risks
            .iter()
            .any(|r| !text(r, &RISKS, "asset_group").is_empty())
    );
    // A risk whose department is its asset's, taken along.
    let r1 = risks
        .iter()
        .find(|r| text(r, &RISKS, "code") == "R-0001")
        .unwrap();
    assert_eq!(text(r1, &RISKS, "asset"), "A-002");
    assert_eq!(text(r1, &RISKS, "department"), "SOUMU");
    // Loaded from the command line: no risk proposed for the demo's assets.
    assert_eq!(count("status", "proposed"), 0);
    let links = d.all(&RISK_CONTROLS).await;
    assert!(links.len() >= risks.len());

    // Rules: each one's version, revision date and approver are its latest revision's.
    let rules = d.all(&INTERNAL_RULES).await;
    assert!(rules.len() >= 12);
    for rule in &rules {
        let code = text(rule, &INTERNAL_RULES, "code");
        let revisions = d.with(&RULE_REVISIONS, "rule", &code).await;
        assert!((2..=4).contains(&revisions.len()), "{code}");
        let latest = revisions
            .iter()
            .max_by_key(|r| text(r, &RULE_REVISIONS, "revised_on"))
            .unwrap();
        for f in ["version", "revised_on", "approver", "approved_on"] {
            assert_eq!(
                text(rule, &INTERNAL_RULES, f),
                text(latest, &RULE_REVISIONS, f),
                "{code} {f}"
            );
        }
        assert!(
            !d.with(&RULE_CONTROLS, "rule", &code).await.is_empty(),
            "{code}"
        );
    }
    let bcp = rules
        .iter()
        .find(|r| text(r, &INTERNAL_RULES, "title") == "事業継続計画")
        .unwrap();
    assert_eq!(text(bcp, &INTERNAL_RULES, "version"), "2.1");
    assert_eq!(text(bcp, &INTERNAL_RULES, "approver"), "1601");

    // The statement of applicability: a line for each of the 93 controls; the excluded ones have
    // no implementation status, the applicable ones do and name their evidence.
    let soa = d.all(&SOA_ENTRIES).await;
    assert_eq!(soa.len(), 93);
    let excluded: Vec<String> = soa
        .iter()
        .filter(|e| text(e, &SOA_ENTRIES, "applicable") == "no")
        .map(|e| {
            assert!(text(e, &SOA_ENTRIES, "status").is_empty());
            text(e, &SOA_ENTRIES, "control")
        })
        .collect();
    assert!(
        (1..=5).contains(&excluded.len()),
        "a few excluded: {excluded:?}"
    );
    for e in soa
        .iter()
        .filter(|e| text(e, &SOA_ENTRIES, "applicable") == "yes")
    {
        let control = text(e, &SOA_ENTRIES, "control");
        assert!(!text(e, &SOA_ENTRIES, "status").is_empty(), "{control}");
        assert!(!text(e, &SOA_ENTRIES, "evidence").is_empty(), "{control}");
        assert!(
            !d.with(&RULE_CONTROLS, "control", &control).await.is_empty(),
            "{control} is implemented by a rule"
        );
    }
}
