//! Several writers through several instances on one database: every create is acknowledged, the
//! numbered codes stay unique and the audit trail verifies (PostgreSQL promises load balancing).

use crate::common;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::spawn_app;
use serde_json::json;

#[tokio::test]
async fn eight_writers_through_two_instances_all_succeed_with_unique_codes() {
    let app = spawn_app().await;
    let second = app.second_instance().await;
    let token = app.token("isms").await;
    let mut writers = Vec::new();
    for w in 0..8 {
        let base = if w % 2 == 0 {
            app.url.clone()
        } else {
            second.clone()
        };
        let http = app.http.clone();
        let token = token.clone();
        writers.push(tokio::spawn(async move {
            let mut codes = Vec::new();
            for i in 0..10 {
                let res = http
                    .post(format!("{base}/api/v1/security-events"))
                    .bearer_auth(&token)
                    .json(&json!({
                        "kind": "near_miss", "occurred_on": "2026-11-26", "cause": "human_error",
                        "description": format!("同時書き込み {w}-{i}"),
                    }))
                    .send()
                    .await
                    .expect("request");
                let status = res.status().as_u16();
                let body: serde_json::Value = res.json().await.unwrap_or_default();
                assert_eq!(status, 201, "writer {w}, create {i}: {body}");
                codes.push(body["code"].as_str().unwrap_or_default().to_string());
            }
            codes
        }));
    }
    let mut codes = Vec::new();
    for w in writers {
        codes.extend(w.await.expect("writer"));
    }
    let unique: HashSet<&String> = codes.iter().collect();
    assert_eq!(unique.len(), 80, "every code is unique: {codes:?}");
    let verification = app.store.verify_audit(&|_, _| {}).await.expect("verify");
    assert!(verification.intact(), "{verification:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn near_misses_reported_during_a_large_import_all_succeed() {
    let app = spawn_app().await;
    let staff = app.token("staff").await;
    let org = app.store.organization("sajeco").await.unwrap();
    let access = mamori_store::Access::system(org, "test");
    let rows = 10_000;
    let mut csv = String::from("kind,occurred_on,description,cause,reporter\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "near_miss,2024-05-{:02},取り込み {i},human_error,0001\n",
            i % 28 + 1
        ));
    }
    let sheet = mamori_io::Sheet::from_csv(csv.as_bytes()).unwrap();
    let store = app.store.clone();
    // The import reports half its rows done when it starts writing (validation is the first half).
    let writing = Arc::new(AtomicBool::new(false));
    let flag = writing.clone();
    let import = tokio::spawn(async move {
        mamori_io::sheet::import(
            &store,
            &access,
            &mamori_domain::registers::SECURITY_EVENTS,
            &sheet,
            &|_| None,
            &move |done, total| {
                if done >= total / 2 && done < total {
                    flag.store(true, Ordering::SeqCst);
                }
            },
        )
        .await
    });
    let mut during = 0;
    let mut reported = 0;
    while !import.is_finished() || reported < 3 {
        // Send while the import's write transaction is open whenever it can be caught open.
        while !writing.load(Ordering::SeqCst) && !import.is_finished() {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
        let sent_while_writing = !import.is_finished();
        let (status, body) = app
            .api(
                &staff,
                reqwest::Method::POST,
                "/api/v1/security-events",
                Some(
                    json!({"kind": "near_miss", "occurred_on": "2026-11-26", "cause": "human_error",
                            "description": format!("取り込み中の報告 {reported}")}),
                ),
            )
            .await;
        assert_eq!(status, 201, "report {reported}: {body}");
        reported += 1;
        if sent_while_writing {
            during += 1;
        }
    }
    assert_eq!(import.await.unwrap().expect("the import"), rows);
    assert!(
        during > 0,
        "some reports were sent while the import was writing, and waited their turn"
    );
}
