//! Security events over HTTP against the demo: anyone reports one as themselves, staff read only
//! their own, the secretariat closes them, a write refused by a handling rule is kept as one, and the
//! demo's near misses per department and fiscal year are the report's figures.

use crate::common;

use common::spawn_app;
use serde_json::json;

#[tokio::test]
async fn anyone_reports_an_event_as_themselves_and_the_secretariat_closes_it() {
    let app = spawn_app().await;
    let staff = app.token("staff").await;
    let isms = app.token("isms").await;
    // Only what happened, the kind and the cause: the rest is filled in.
    let (status, event) = app
        .api(
            &staff,
            reqwest::Method::POST,
            "/api/v1/security-events",
            Some(json!({
                "kind": "near_miss", "occurred_on": "２０２６年１１月２６日",
                "description": "USBメモリを会議室に置き忘れかけた", "cause": "human_error",
            })),
        )
        .await;
    assert_eq!(status, 201, "{event}");
    assert_eq!(event["reporter"], "2601", "the reporter is the writer");
    assert_eq!(event["status"], "reported");
    assert_eq!(event["department"], "SOUMU", "the reporter's department");
    assert!(event["code"].as_str().unwrap().starts_with("E-"), "{event}");
    assert!(event["reported_on"].as_str().is_some());
    let id = event["id"].as_i64().unwrap();

    // Not for someone else, not without a cause, not before it happened.
    for (body, field) in [
        (
            json!({"kind": "near_miss", "occurred_on": "2026-11-26", "description": "x", "cause": "human_error", "reporter": "0009"}),
            "reporter",
        ),
        (
            json!({"kind": "near_miss", "occurred_on": "2026-11-26", "description": "x"}),
            "cause",
        ),
        (
            json!({"kind": "near_miss", "occurred_on": "2026-11-26", "reported_on": "2026-11-01", "description": "x", "cause": "other"}),
            "reported_on",
        ),
        (
            json!({"kind": "accident", "occurred_on": "2026-11-26", "description": "x", "cause": "other"}),
            "kind",
        ),
        (
            json!({"kind": "near_miss", "occurred_on": "2026-11-26", "description": "x", "cause": "other", "status": "closed"}),
            "assessed-by-secretariat",
        ),
    ] {
        app.refused(&staff, "/api/v1/security-events", body, field)
            .await;
    }

    // Staff see their own report only, and change nothing.
    let (_, mine) = app
        .api(
            &staff,
            reqwest::Method::GET,
            "/api/v1/security-events?limit=100",
            None,
        )
        .await;
    assert_eq!(mine["total"], 1, "{mine}");
    let (status, _) = app
        .api(
            &staff,
            reqwest::Method::PATCH,
            &format!("/api/v1/security-events/{id}"),
            Some(json!({"status": "closed"})),
        )
        .await;
    assert_eq!(status, 403);
    let (_, all) = app
        .api(
            &isms,
            reqwest::Method::GET,
            "/api/v1/security-events?limit=1",
            None,
        )
        .await;
    assert!(all["total"].as_i64().unwrap() > 20, "{all}");

    // The secretariat assesses, responds and closes it; the history keeps each step.
    let (status, closed) = app
        .api(
            &isms,
            reqwest::Method::PATCH,
            &format!("/api/v1/security-events/{id}"),
            Some(json!({
                "status": "closed", "severity": "low", "response": "会議室の忘れ物確認を掲示",
                "lessons": "会議の最後に持ち物を確認する", "closed_on": "2026-11-27",
            })),
        )
        .await;
    assert_eq!(status, 200, "{closed}");
    assert_eq!(closed["status"], "closed");
    let (_, history) = app
        .api(
            &isms,
            reqwest::Method::GET,
            &format!("/api/v1/security-events/{id}/history"),
            None,
        )
        .await;
    assert!(history.to_string().contains("closed"), "{history}");
}

#[tokio::test]
async fn a_transfer_refused_by_a_handling_rule_is_kept_as_a_security_event() {
    let app = spawn_app().await;
    let handler = app.token("handler").await;
    let isms = app.token("isms").await;
    let (_, before) = app
        .api(
            &isms,
            reqwest::Method::GET,
            "/api/v1/security-events?q=A-002",
            None,
        )
        .await;
    let (status, refused) = app
        .api(
            &handler,
            reqwest::Method::POST,
            "/api/v1/handling-records",
            Some(json!({
                "asset": "A-002", "kind": "transfer", "occurred_on": "2026-11-27",
                "method": "email", "protection": "none", "recipient": "顧問税理士事務所",
            })),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    // The refused record was not written; the attempt is an event, reported as the handler.
    let (_, records) = app
        .api(
            &isms,
            reqwest::Method::GET,
            "/api/v1/handling-records?q=顧問税理士事務所",
            None,
        )
        .await;
    assert_eq!(records["total"], 0, "{records}");
    let (_, after) = app
        .api(
            &isms,
            reqwest::Method::GET,
            "/api/v1/security-events?q=A-002",
            None,
        )
        .await;
    assert_eq!(
        after["total"].as_i64().unwrap(),
        before["total"].as_i64().unwrap() + 1,
        "{after}"
    );
    let event = &after["items"][0];
    assert_eq!(event["reporter"], "0009");
    assert_eq!(event["kind"], "near_miss");
    assert_eq!(event["related"], "A-002");
    assert!(
        event["description"]
            .as_str()
            .unwrap()
            .contains("rule-needs-protection"),
        "{event}"
    );
    // The handler sees it among their own reports (佐々木 彩 reported one in 2017 too).
    let (_, own) = app
        .api(
            &handler,
            reqwest::Method::GET,
            "/api/v1/security-events?q=A-002",
            None,
        )
        .await;
    assert_eq!(own["total"], 1, "{own}");
    let (_, all_own) = app
        .api(
            &handler,
            reqwest::Method::GET,
            "/api/v1/security-events",
            None,
        )
        .await;
    assert!(
        all_own["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["reporter"] == "0009"),
        "{all_own}"
    );
    // An error that is no rule's (a missing recipient) is no event.
    let (status, _) = app.api(&handler,
        reqwest::Method::POST,
        "/api/v1/handling-records",
        Some(json!({"asset": "A-002", "kind": "transfer", "occurred_on": "2026-11-27", "method": "hand_delivery"})),
    )
    .await;
    assert_eq!(status, 422);
    let (_, still) = app
        .api(
            &isms,
            reqwest::Method::GET,
            "/api/v1/security-events?q=A-002",
            None,
        )
        .await;
    assert_eq!(still["total"], after["total"]);
}

#[tokio::test]
async fn the_demo_near_misses_per_department_and_year_are_the_reports_figures() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    // 5.2(9): near misses FY2017 (FY2016): IT営業・業務部門 7(6), 総務経理部門 1(0), ISO事務局 5(3); no incidents.
    // The report's figures say so, and the lists say so too.
    let (status, report) = app
        .api(&isms, reqwest::Method::GET, "/api/v1/reports/2017", None)
        .await;
    assert_eq!(status, 200, "{report}");
    for (name, fy2017, fy2016) in [
        ("IT営業・業務部門", 7, 6),
        ("総務経理部門", 1, 0),
        ("ISO事務局", 5, 3),
    ] {
        for kind in ["near_miss", "incident"] {
            let figure = &report["figures"][format!("events.{kind}.{name}")];
            let expected = if kind == "near_miss" {
                (fy2017, fy2016)
            } else {
                (0, 0)
            };
            assert_eq!(
                (figure["current"].as_i64(), figure["previous"].as_i64()),
                (Some(expected.0), Some(expected.1)),
                "{kind} {name}: {figure}"
            );
        }
    }
    for (department, fy2017, fy2016) in [("ITEIGYO", 7, 6), ("SOUMU", 1, 0), ("ISO", 5, 3)] {
        for (kind, year, expected) in [
            ("near_miss", 2017, fy2017),
            ("near_miss", 2016, fy2016),
            ("incident", 2017, 0),
            ("incident", 2016, 0),
        ] {
            let path = format!(
                "/api/v1/security-events?kind={kind}&department={department}&occurred_on_from={year}-04-01&occurred_on_to={}-03-31",
                year + 1
            );
            let (status, page) = app.api(&isms, reqwest::Method::GET, &path, None).await;
            assert_eq!(status, 200, "{page}");
            assert_eq!(page["total"], expected, "{department} {kind} FY{year}");
        }
    }
}

#[tokio::test]
async fn the_figures_page_gives_the_reports_counts_with_links_and_the_human_error_share() {
    let app = spawn_app().await;
    let isms = app.browser("isms").await;
    app.select_fiscal_year(&isms, "2017").await;
    let page = app.page(&isms, "/o/sajeco/event-figures").await;
    // The report's own table: kinds by department, this year (the previous year).
    let at = |id: &str| common::figure_cell(&page, id).0;
    assert_eq!(at("events.near_miss.IT営業・業務部門"), "7(6)件");
    assert_eq!(at("events.near_miss.総務経理部門"), "1(0)件");
    assert_eq!(at("events.incident.IT営業・業務部門"), "0(0)件");
    // Each figure opens the records it counts: that department's near misses of that year.
    let (_, cell) = common::figure_cell(&page, "events.near_miss.IT営業・業務部門");
    let cell = cell.replace("&#x2f;", "/").replace("&amp;", "&");
    for part in [
        "/o/sajeco/security-events?",
        "kind=near_miss",
        "department=ITEIGYO",
        "occurred_on_from=2017-04-01",
        "occurred_on_to=2018-03-31",
    ] {
        assert!(cell.contains(part), "{part} in {cell}");
    }
    // The human-error share with its chart, rounded as the report rounds it.
    assert!(common::text_of(&page).contains("84.6(100)%"), "{page}");
    assert!(page.contains("<svg"));
}

#[tokio::test]
async fn corrective_actions_follow_events_and_the_late_ones_are_listed() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    // From an event, the event is named; its effectiveness is judged on a date.
    for (body, field) in [
        (
            json!({"source": "event", "title": "x", "due_on": "2026-12-31"}),
            "event",
        ),
        (
            json!({"source": "meeting", "title": "x", "due_on": "2026-12-31", "effective": "yes"}),
            "checked_on",
        ),
        (
            json!({"source": "meeting", "title": "x", "due_on": "2026-12-31", "completed_on": "2026-12-01", "checked_on": "2026-11-01"}),
            "checked_on",
        ),
    ] {
        app.refused(&isms, "/api/v1/corrective-actions", body, field)
            .await;
    }
    // An action from an event takes the event's department and a number.
    let (status, action) = app.api(&isms,
        reqwest::Method::POST,
        "/api/v1/corrective-actions",
        Some(json!({"source": "event", "event": "E-2017-08", "title": "給与明細の照合を記録する", "due_on": "2017-12-31"})),
    )
    .await;
    assert_eq!(status, 201, "{action}");
    assert_eq!(action["department"], "SOUMU");
    assert!(action["code"].as_str().unwrap().starts_with("CA-"));
    // Staff do not write them.
    let staff = app.token("staff").await;
    let (status, _) = app
        .api(
            &staff,
            reqwest::Method::POST,
            "/api/v1/corrective-actions",
            Some(json!({"source": "meeting", "title": "x", "due_on": "2026-12-31"})),
        )
        .await;
    assert_eq!(status, 403);
    // The overdue page lists the demo's late action and the new one, not the completed ones.
    let browser = app.browser("isms").await;
    let page = app.page(&browser, "/o/sajeco/overdue").await;
    let late = &page[page.find("id=\"overdue-actions\"").unwrap()..];
    assert!(late.contains("CA-2026-01") && late.contains(action["code"].as_str().unwrap()));
    assert!(
        !late.contains("CA-2017-01"),
        "completed actions are not late"
    );
}
