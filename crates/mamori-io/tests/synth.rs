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
        slug: "synth".into(),
        assets: 0,
        handling_per_asset: 0,
        devices: 0,
        keys: 0,
        events: 150,
        findings: 120,
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
