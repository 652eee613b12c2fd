//! The synthetic organisation of the benchmarks, at a small size: every register it fills passes the
//! same checks as a user's records (closed events have what closing asks for, internal auditors are
//! of another department), and the counts asked for are made. SQLite, or PostgreSQL when
//! MAMORI_TEST_DATABASE_URL is set.

use mamori_domain::registers::{AUDITS, FINDINGS, PEOPLE, SECURITY_EVENTS};
use mamori_store::testing::TestDb;
use mamori_store::{Access, ListQuery};

#[tokio::test]
async fn the_synthetic_organisation_has_the_events_and_findings_asked_for() {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let o = mamori_io::synth::Options {
        people: 60,
        departments: 4,
        years: 3,
        seed: 7,
        events: 150,
        findings: 120,
        ..Default::default()
    };
    let org = mamori_io::synth::build(&store, &o, &|_, _, _| {})
        .await
        .unwrap_or_else(|e| panic!("synth builds: {e:?}"));
    let access = Access::system(org, "test");
    let total = |reg| {
        let store = store.clone();
        let access = access.clone();
        async move {
            store
                .list(
                    &access,
                    reg,
                    &ListQuery {
                        limit: 1,
                        ..Default::default()
                    },
                )
                .await
                .unwrap()
                .total
        }
    };
    assert_eq!(total(&PEOPLE).await, 60);
    assert_eq!(total(&SECURITY_EVENTS).await, 150);
    assert_eq!(total(&FINDINGS).await, 120);
    // An internal audit of each department each year (those already begun), a certification audit
    // each year and a customer's every other year.
    let audits = total(&AUDITS).await;
    assert!(audits >= 4 * 3, "{audits}");
    let closed = store
        .list(
            &access,
            &SECURITY_EVENTS,
            &ListQuery {
                filters: vec![("status".into(), "closed".into())],
                limit: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(closed.total > 0);
    let e = &closed.items[0];
    for f in ["severity", "response", "lessons", "closed_on"] {
        assert!(
            e.value(&SECURITY_EVENTS, f)
                .is_some_and(|v| !v.to_plain().is_empty()),
            "{f}"
        );
    }
}

/// Risks at a small size: the count asked for, levels computed, a drill each fiscal year (the
/// missed ones with a corrective action each), and a statement of applicability with links.
#[tokio::test]
async fn the_synthetic_organisation_has_the_risks_drills_and_statement_of_applicability() {
    use mamori_domain::registers::{
        CHANGE_ASSESSMENTS, CONTROLS, CORRECTIVE_ACTIONS, DRILLS, EXTERNAL_INCIDENT_REVIEWS,
        RISK_CONTROLS, RISKS, RULE_CONTROLS, SOA_ENTRIES,
    };
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let o = mamori_io::synth::Options {
        people: 40,
        departments: 3,
        years: 4,
        seed: 3,
        assets: 30,
        handling_per_asset: 0,
        risks: 400,
        ..Default::default()
    };
    let org = mamori_io::synth::build(&store, &o, &|_, _, _| {})
        .await
        .unwrap_or_else(|e| panic!("synth builds: {e:?}"));
    let access = Access::system(org, "test");
    let list = |reg, filters: Vec<(&str, &str)>| {
        let store = store.clone();
        let access = access.clone();
        let filters = filters
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        async move {
            store
                .list(
                    &access,
                    reg,
                    &ListQuery {
                        filters,
                        limit: mamori_store::records::MAX_LIMIT,
                        ..Default::default()
                    },
                )
                .await
                .unwrap()
        }
    };
    assert_eq!(list(&RISKS, vec![]).await.total, 400);
    for status in ["proposed", "assessed", "treating", "accepted", "closed"] {
        assert!(
            list(&RISKS, vec![("status", status)]).await.total > 0,
            "{status}"
        );
    }
    let rated = list(&RISKS, vec![("status", "accepted")]).await;
    let method = mamori_domain::risk::RiskMethod::default();
    for r in &rated.items {
        let get = |f: &str| r.value(&RISKS, f).map(|v| v.to_plain()).unwrap_or_default();
        assert_eq!(
            get("level"),
            method.level(&get("likelihood"), &get("impact")).unwrap()
        );
    }
    assert!(list(&RISK_CONTROLS, vec![]).await.total > 100);
    assert_eq!(list(&CONTROLS, vec![]).await.total, 93);
    assert_eq!(list(&SOA_ENTRIES, vec![]).await.total, 93);
    assert_eq!(list(&RULE_CONTROLS, vec![]).await.total, 93);
    // A drill each fiscal year held by now; each missed one raised its corrective action.
    let drills = list(&DRILLS, vec![]).await;
    assert!(drills.total >= 4, "{}", drills.total);
    let missed = list(&DRILLS, vec![("target_met", "no")]).await;
    assert!(missed.total > 0);
    assert_eq!(
        list(&CORRECTIVE_ACTIONS, vec![("source", "drill")])
            .await
            .total,
        missed.total
    );
    assert!(drills.items.iter().skip(1).all(|d| {
        d.value(&DRILLS, "previous_on")
            .is_some_and(|v| !v.is_null())
    }));
    assert!(list(&EXTERNAL_INCIDENT_REVIEWS, vec![]).await.total >= 12 * 4);
    assert!(list(&CHANGE_ASSESSMENTS, vec![]).await.total > 0);
}
