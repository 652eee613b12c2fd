//! Objectives in the store: judged on the year's results, moved with the fiscal year, computed on migration.

#![allow(unused_imports)]

use super::store::{as_role, input, org_with_departments, person};
use mamori_domain::Role;
use mamori_domain::registers::{DEPARTMENTS, PEOPLE};
use mamori_store::testing::TestDb;
use mamori_store::{Access, Actor, Input, ListQuery, Store, StoreError, audit, integrity};

/// The objective's result and achievement as the store keeps them.
fn judged(store_record: &mamori_store::Record) -> (String, String) {
    use mamori_domain::registers::OBJECTIVES;
    let get = |f: &str| {
        store_record
            .value(&OBJECTIVES, f)
            .map(|v| v.to_plain())
            .unwrap_or_default()
    };
    (get("result"), get("achieved"))
}

fn pair(result: &str, achieved: &str) -> (String, String) {
    (result.to_string(), achieved.to_string())
}

#[tokio::test]
async fn an_objective_is_judged_on_its_results_of_the_year_and_each_change_is_audited() {
    use mamori_domain::registers::{OBJECTIVE_RESULTS, OBJECTIVES};
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let access = org_with_departments(&store).await;
    // What is computed is not taken from the writer.
    let objective = store
        .create(
            &access,
            &OBJECTIVES,
            &input(&[
                ("fiscal_year", "2017"),
                ("title", "ヒヤリハット報告件数"),
                ("target_value", "12"),
                ("unit", "件"),
                ("aggregation", "sum"),
                ("result", "99"),
                ("achieved", "yes"),
            ]),
        )
        .await
        .unwrap();
    assert_eq!(judged(&objective), pair("", ""));
    let text = |r: &mamori_store::Record, f: &str| r.value(&OBJECTIVES, f).unwrap().to_plain();
    assert_eq!(text(&objective, "comparison"), "at_least", "the default");
    let code = text(&objective, "code");
    let now = || async { store.get(&access, &OBJECTIVES, objective.id).await.unwrap() };
    let result = |on: &str, value: &str| {
        input(&[
            ("objective", &code),
            ("period", on),
            ("measured_on", on),
            ("value", value),
        ])
    };
    let first = store
        .create(&access, &OBJECTIVE_RESULTS, &result("2017-09-30", "6"))
        .await
        .unwrap();
    assert_eq!(judged(&now().await), pair("6", "no"));
    let second = store
        .create(&access, &OBJECTIVE_RESULTS, &result("2018-03-31", "7"))
        .await
        .unwrap();
    assert_eq!(judged(&now().await), pair("13", "yes"));
    // A result of the next fiscal year does not count in this one.
    store
        .create(&access, &OBJECTIVE_RESULTS, &result("2018-04-01", "100"))
        .await
        .unwrap();
    assert_eq!(judged(&now().await), pair("13", "yes"));
    // Withdrawn, a result no longer counts; reinstated, it counts again.
    store
        .withdraw(&access, &OBJECTIVE_RESULTS, second.id, "二重に登録した")
        .await
        .unwrap();
    assert_eq!(judged(&now().await), pair("6", "no"));
    store
        .reinstate(&access, &OBJECTIVE_RESULTS, second.id)
        .await
        .unwrap();
    assert_eq!(judged(&now().await), pair("13", "yes"));
    // An edited result, and an edited objective (its target, how it is judged).
    store
        .update(
            &access,
            &OBJECTIVE_RESULTS,
            first.id,
            &input(&[("value", "4")]),
        )
        .await
        .unwrap();
    assert_eq!(judged(&now().await), pair("11", "no"));
    let edited = store
        .update(
            &access,
            &OBJECTIVES,
            objective.id,
            &input(&[("target_value", "11"), ("result", "0"), ("achieved", "no")]),
        )
        .await
        .unwrap();
    assert_eq!(judged(&edited), pair("11", "yes"));
    let edited = store
        .update(
            &access,
            &OBJECTIVES,
            objective.id,
            &input(&[
                ("aggregation", "minimum"),
                ("comparison", "at_most"),
                ("target_value", "5"),
            ]),
        )
        .await
        .unwrap();
    assert_eq!(judged(&edited), pair("4", "yes"));
    let edited = store
        .update(
            &access,
            &OBJECTIVES,
            objective.id,
            &input(&[("fiscal_year", "2018")]),
        )
        .await
        .unwrap();
    assert_eq!(judged(&edited), pair("100", "no"), "the next year's result");
    // Moved to another objective, a result leaves the first one's year.
    let other = store
        .create(
            &access,
            &OBJECTIVES,
            &input(&[
                ("fiscal_year", "2018"),
                ("title", "パッチ適用率"),
                ("unit", "%"),
            ]),
        )
        .await
        .unwrap();
    let moved = store
        .list_all(
            &access,
            &OBJECTIVE_RESULTS,
            &ListQuery::from_params(
                &OBJECTIVE_RESULTS,
                &[("measured_on_from".into(), "2018-04-01".into())],
                &[],
            )
            .unwrap(),
        )
        .await
        .unwrap();
    store
        .update(
            &access,
            &OBJECTIVE_RESULTS,
            moved[0].id,
            &input(&[("objective", &text(&other, "code"))]),
        )
        .await
        .unwrap();
    assert_eq!(judged(&now().await), pair("", ""));
    assert_eq!(
        judged(&store.get(&access, &OBJECTIVES, other.id).await.unwrap()),
        pair("100", ""),
        "no numeric target: measured, not judged"
    );
    // Each change the store made is in the objective's history, by whoever wrote the result.
    let history = store
        .history(&access, &OBJECTIVES, objective.id)
        .await
        .unwrap();
    let results: Vec<String> = history
        .iter()
        .filter_map(|h| h.changes.iter().find(|c| c.field == "result"))
        .filter_map(|c| c.after.clone())
        .map(|v| v.as_str().unwrap_or("").to_string())
        .collect();
    for r in ["6", "13", "11", "4", "100", ""] {
        assert!(results.contains(&r.to_string()), "{r} in {results:?}");
    }
    assert!(
        history.iter().all(|h| h.actor.contains("test")),
        "{history:?}"
    );
    assert_eq!(
        store.audit_verify(&access).await.unwrap().first_broken,
        None
    );
}

#[tokio::test]
async fn moving_the_fiscal_year_judges_the_objectives_on_their_new_years() {
    use mamori_domain::registers::{OBJECTIVE_RESULTS, OBJECTIVES};
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let access = org_with_departments(&store).await;
    let objective = store
        .create(
            &access,
            &OBJECTIVES,
            &input(&[
                ("code", "OB-1"),
                ("fiscal_year", "2017"),
                ("title", "受講率"),
                ("target_value", "100"),
                ("unit", "%"),
                ("aggregation", "minimum"),
            ]),
        )
        .await
        .unwrap();
    for (on, value) in [("2017-09-30", "100"), ("2018-03-31", "95")] {
        store
            .create(
                &access,
                &OBJECTIVE_RESULTS,
                &input(&[
                    ("objective", "OB-1"),
                    ("period", on),
                    ("measured_on", on),
                    ("value", value),
                ]),
            )
            .await
            .unwrap();
    }
    let now = || async { store.get(&access, &OBJECTIVES, objective.id).await.unwrap() };
    assert_eq!(judged(&now().await), pair("95", "no"));
    // A fiscal year from January: FY2017 is the calendar year 2017.
    store.set_fiscal_year_start(&access, 1).await.unwrap();
    assert_eq!(judged(&now().await), pair("100", "yes"));
}

#[tokio::test]
async fn a_database_from_before_computed_objectives_gets_them_computed_on_migration() {
    use mamori_domain::registers::{OBJECTIVE_RESULTS, OBJECTIVES};
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let access = org_with_departments(&store).await;
    for (code, target, unit) in [
        ("OB-1", "12", "件以上"),
        ("OB-2", "0", "件以下"),
        ("OB-3", "", ""),
    ] {
        store
            .create(
                &access,
                &OBJECTIVES,
                &input(&[
                    ("code", code),
                    ("fiscal_year", "2017"),
                    ("title", code),
                    ("target_value", target),
                    ("unit", unit),
                ]),
            )
            .await
            .unwrap();
        for (on, value) in [("2017-09-30", "6"), ("2018-03-31", "7")] {
            store
                .create(
                    &access,
                    &OBJECTIVE_RESULTS,
                    &input(&[
                        ("objective", code),
                        ("period", on),
                        ("measured_on", on),
                        ("value", value),
                    ]),
                )
                .await
                .unwrap();
        }
    }
    // Back to schema version 14: no comparison, aggregation or result, achievement typed by hand.
    for sql in [
        "UPDATE objectives SET achieved = 'yes'",
        "ALTER TABLE objectives DROP COLUMN comparison",
        "ALTER TABLE objectives DROP COLUMN aggregation",
        "ALTER TABLE objectives DROP COLUMN result",
        "DELETE FROM schema_migrations WHERE version = 15",
    ] {
        store.pool().execute(sql, &[]).await.unwrap();
    }
    assert_eq!(
        mamori_store::schema::migrate(store.pool()).await.unwrap(),
        1
    );
    let all = store
        .list_all(&access, &OBJECTIVES, &ListQuery::default())
        .await
        .unwrap();
    let seen: Vec<(String, String, String, String, String)> = all
        .iter()
        .map(|o| {
            let get = |f: &str| o.value(&OBJECTIVES, f).unwrap().to_plain();
            (
                get("unit"),
                get("comparison"),
                get("aggregation"),
                get("result"),
                get("achieved"),
            )
        })
        .collect();
    let row = |u: &str, c: &str, r: &str, a: &str| {
        (
            u.to_string(),
            c.to_string(),
            "latest".to_string(),
            r.to_string(),
            a.to_string(),
        )
    };
    assert_eq!(
        seen,
        [
            row("件", "at_least", "7", "no"),
            row("件", "at_most", "7", "no"),
            row("", "at_least", "7", ""),
        ]
    );
    let history = store
        .history(&access, &OBJECTIVES, all[0].id)
        .await
        .unwrap();
    let last = history.iter().max_by_key(|h| h.seq).unwrap();
    assert_eq!(last.actor, "cli:migrate");
    assert!(
        last.changes.iter().any(|c| c.field == "unit"
            && c.before == Some("件以上".into())
            && c.after == Some("件".into())),
        "{last:?}"
    );
    assert_eq!(
        store.audit_verify(&access).await.unwrap().first_broken,
        None
    );
}
