//! Operations and improvement over HTTP against the demo: the remedial course after a repeated
//! human error, audits that no one audits their own department in, certificates, notices each
//! reader acknowledges, minutes published as a notice, objectives warned about without a target
//! and judged on their results, law changes waiting for a decision, the starter list of laws, and the finding counts.

use crate::common;
use crate::common::input_value;
use mamori_domain::Lang;

use common::{App, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

/// The records of a collection a query finds (up to 100).
pub(crate) async fn items(app: &App, token: &str, path: &str) -> Vec<Value> {
    let (status, page) = app.api(token, Method::GET, path, None).await;
    assert_eq!(status, 200, "{path}: {page}");
    page["items"].as_array().cloned().unwrap_or_default()
}

async fn event(app: &App, token: &str, person: &str, on: &str, cause: &str) -> Value {
    let (status, e) = app
        .api(
            token,
            Method::POST,
            "/api/v1/security-events",
            Some(json!({
                "kind": "near_miss", "occurred_on": on, "description": "宛先の確認漏れ",
                "cause": cause, "person": person,
            })),
        )
        .await;
    assert_eq!(status, 201, "{e}");
    e
}

/// The fiscal year of today (April start), as the overdue page counts it.
fn this_year() -> i32 {
    mamori_domain::Calendar::APRIL
        .containing(mamori_domain::dates::today())
        .year()
}

/// The same, as someone types it with full-width digits.
fn this_year_full_width() -> String {
    this_year()
        .to_string()
        .chars()
        .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap())
        .collect()
}

#[tokio::test]
async fn a_second_human_error_within_the_period_puts_the_person_on_the_remedial_course() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    let expected = |person: &'static str| {
        let app = &app;
        let isms = isms.clone();
        async move {
            items(
                app,
                &isms,
                &format!("/api/v1/attendances?person={person}&status=expected&limit=100"),
            )
            .await
            .into_iter()
            .filter(|a| {
                a["session"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with("ISO-REMEDIAL")
            })
            .collect::<Vec<_>>()
        }
    };
    assert!(expected("0014").await.is_empty());

    // One human error is no repeat; another cause is none either.
    let first = event(&app, &isms, "0014", "2026-06-01", "human_error").await;
    event(&app, &isms, "0014", "2026-06-15", "technical_failure").await;
    assert!(expected("0014").await.is_empty());
    // The second within a year: expected at the next remedial session, both events named.
    let second = event(&app, &isms, "0014", "2026-11-01", "human_error").await;
    let on_course = expected("0014").await;
    assert_eq!(on_course.len(), 1, "{on_course:?}");
    let note = on_course[0]["note"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    for e in [&first, &second] {
        assert!(note.contains(e["code"].as_str().unwrap()), "{note}");
    }
    // A third does not put them on it twice.
    event(&app, &isms, "0014", "2026-11-20", "human_error").await;
    assert_eq!(expected("0014").await.len(), 1);

    // Two years apart is outside the period. A longer period looks at the repeats that follow:
    // an edit of an event already recorded does not put its person on the course.
    event(&app, &isms, "0016", "2024-10-01", "human_error").await;
    let late = event(&app, &isms, "0016", "2026-11-01", "human_error").await;
    event(&app, &isms, "0012", "2024-10-01", "human_error").await;
    assert!(expected("0016").await.is_empty());
    let browser = app.browser("isms").await;
    let res = app
        .post_form(
            &browser,
            "/o/sajeco/settings",
            "/o/sajeco/settings/remedial",
            &[("remedial_days", "１０００")],
        )
        .await;
    assert_eq!(res.status(), 303, "full-width digits are a number");
    let settings = app.page(&browser, "/o/sajeco/settings").await;
    assert!(settings.contains("value=\"1000\""), "the period is kept");
    let (status, _) = app
        .api(
            &isms,
            Method::PATCH,
            &format!("/api/v1/security-events/{}", late["id"]),
            Some(json!({"description": "宛先の確認漏れ（再発）"})),
        )
        .await;
    assert_eq!(status, 200);
    assert!(expected("0016").await.is_empty());
    event(&app, &isms, "0012", "2026-11-01", "human_error").await;
    assert_eq!(expected("0012").await.len(), 1);
    // A period that is no number changes nothing.
    let res = app
        .post_form(
            &browser,
            "/o/sajeco/settings",
            "/o/sajeco/settings/remedial",
            &[("remedial_days", "一年")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let settings = app.page(&browser, "/o/sajeco/settings").await;
    assert!(settings.contains("value=\"1000\""));
}

/// A person's attendances at remedial sessions, whatever their status, with each session's date.
async fn remedial(app: &App, token: &str, person: &str) -> Vec<(Value, String)> {
    let mut out = Vec::new();
    for a in items(
        app,
        token,
        &format!("/api/v1/attendances?person={person}&limit=100"),
    )
    .await
    {
        let session = a["session"].as_str().unwrap_or_default().to_string();
        if !session.starts_with("ISO-REMEDIAL") {
            continue;
        }
        let id = app.id_of(token, "training-sessions", &session).await;
        let (_, s) = app
            .api(
                token,
                Method::GET,
                &format!("/api/v1/training-sessions/{id}"),
                None,
            )
            .await;
        out.push((a, s["held_on"].as_str().unwrap_or_default().to_string()));
    }
    out
}

async fn patch(app: &App, token: &str, collection: &str, record: &Value, body: Value) {
    let path = format!("/api/v1/{collection}/{}", record["id"]);
    let (status, answer) = app.api(token, Method::PATCH, &path, Some(body)).await;
    assert_eq!(status, 200, "{path}: {answer}");
}

#[tokio::test]
async fn editing_a_closed_human_error_incident_never_puts_its_person_on_the_course_again() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    event(&app, &isms, "0008", "2026-06-01", "human_error").await;
    let second = event(&app, &isms, "0008", "2026-10-01", "human_error").await;
    let on_course = remedial(&app, &isms, "0008").await;
    assert_eq!(on_course.len(), 1, "{on_course:?}");
    // The person attends; the incident is closed with its lessons, which are then reworded.
    patch(
        &app,
        &isms,
        "attendances",
        &on_course[0].0,
        json!({"status": "attended"}),
    )
    .await;
    patch(
        &app,
        &isms,
        "security-events",
        &second,
        json!({"kind": "incident", "status": "closed", "severity": "low", "response": "再送信",
               "closed_on": "2026-10-05", "lessons": "宛先を二人で確認する"}),
    )
    .await;
    patch(
        &app,
        &isms,
        "security-events",
        &second,
        json!({"lessons": "宛先は送信前に二人で確認する"}),
    )
    .await;
    let after = remedial(&app, &isms, "0008").await;
    assert_eq!(after.len(), 1, "no second enrolment: {after:?}");
    assert_eq!(after[0].0["status"], "attended");
}

#[tokio::test]
async fn a_cause_or_person_that_makes_a_repeat_puts_the_person_on_the_course_once() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    event(&app, &isms, "0016", "2026-06-01", "human_error").await;
    let second = event(&app, &isms, "0016", "2026-09-01", "technical_failure").await;
    assert!(remedial(&app, &isms, "0016").await.is_empty());
    // The cause becomes human error: a repeat, trained within 30 days of it.
    patch(
        &app,
        &isms,
        "security-events",
        &second,
        json!({"cause": "human_error"}),
    )
    .await;
    let on_course = remedial(&app, &isms, "0016").await;
    assert_eq!(on_course.len(), 1, "{on_course:?}");
    let held_on = on_course[0].1.as_str();
    assert!(
        ("2026-09-01"..="2026-10-01").contains(&held_on),
        "{held_on}"
    );
    // Other edits, and the cause taken back and given again, enrol no one again.
    for body in [
        json!({"description": "宛先の確認漏れ（詳細）"}),
        json!({"cause": "other"}),
        json!({"cause": "human_error"}),
        json!({"severity": "low", "status": "assessed"}),
    ] {
        patch(&app, &isms, "security-events", &second, body).await;
    }
    assert_eq!(remedial(&app, &isms, "0016").await.len(), 1);

    // A human error reported without the person: naming them at the assessment makes the repeat.
    event(&app, &isms, "0010", "2026-06-01", "human_error").await;
    let (status, unnamed) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/security-events",
            Some(json!({
                "kind": "near_miss", "occurred_on": "2026-09-10", "description": "宛先の確認漏れ",
                "cause": "human_error",
            })),
        )
        .await;
    assert_eq!(status, 201, "{unnamed}");
    assert!(remedial(&app, &isms, "0010").await.is_empty());
    patch(
        &app,
        &isms,
        "security-events",
        &unnamed,
        json!({"person": "0010", "severity": "low", "status": "assessed"}),
    )
    .await;
    patch(
        &app,
        &isms,
        "security-events",
        &unnamed,
        json!({"response": "再送信", "status": "responded"}),
    )
    .await;
    let named = remedial(&app, &isms, "0010").await;
    assert_eq!(named.len(), 1, "{named:?}");
    let note = named[0].0["note"].as_str().unwrap_or_default();
    assert!(note.contains(unnamed["code"].as_str().unwrap()), "{note}");
}

#[tokio::test]
async fn a_past_years_repeat_entered_afterwards_is_trained_and_counted_in_that_year() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    // The organisation's records now begin with FY2015, entered afterwards.
    let org = app.store.organization("sajeco").await.unwrap();
    let mut report = org.profile["report"].clone();
    report["records_since"] = json!("2015-04-01");
    let access = mamori_store::Access::system(org, "t");
    app.store
        .set_report_settings(&access, report)
        .await
        .unwrap();
    // One person's two human errors in order, another's the other way round.
    event(&app, &isms, "0014", "2015-05-11", "human_error").await;
    event(&app, &isms, "0014", "2015-09-14", "human_error").await;
    event(&app, &isms, "0016", "2015-10-05", "human_error").await;
    event(&app, &isms, "0016", "2015-06-22", "human_error").await;
    for (person, repeat, last_day) in [
        ("0014", "2015-09-14", "2015-10-14"),
        ("0016", "2015-10-05", "2015-11-04"),
    ] {
        let on_course = remedial(&app, &isms, person).await;
        assert_eq!(on_course.len(), 1, "{person}: {on_course:?}");
        let held_on = on_course[0].1.as_str();
        assert!(
            (repeat..=last_day).contains(&held_on),
            "{person}: {held_on}"
        );
        patch(
            &app,
            &isms,
            "attendances",
            &on_course[0].0,
            json!({"status": "attended"}),
        )
        .await;
    }
    let org = app.store.organization("sajeco").await.unwrap();
    let access = mamori_store::Access::system(org, "t");
    let figure = |report: &mamori_report::model::Report, id: &str| {
        serde_json::to_value(report.figures[id]).unwrap()
    };
    let fy2015 = mamori_report::output::compute(
        &app.store,
        &access,
        mamori_domain::Calendar::APRIL.year(2015),
        Lang::Ja,
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        figure(&fy2015, "training.remedial.target"),
        json!({"current": 2, "previous": "n/a"})
    );
    assert_eq!(
        figure(&fy2015, "training.remedial.attended"),
        json!({"current": 2, "previous": "n/a"})
    );
    let fy2016 = mamori_report::output::compute(
        &app.store,
        &access,
        mamori_domain::Calendar::APRIL.year(2016),
        Lang::Ja,
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        figure(&fy2016, "training.remedial.attended"),
        json!({"current": 0, "previous": 2})
    );
}

#[tokio::test]
async fn the_remedial_session_is_the_next_within_the_set_days_of_the_repeat() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    let browser = app.browser("isms").await;
    let settings = |fields: Vec<(&'static str, &'static str)>| {
        let (app, browser) = (&app, &browser);
        async move {
            let res = app
                .post_form(
                    browser,
                    "/o/sajeco/settings",
                    "/o/sajeco/settings/remedial",
                    &fields,
                )
                .await;
            let status = res.status();
            (status, res.text().await.unwrap_or_default())
        }
    };
    let page = app.page(&browser, "/o/sajeco/settings").await;
    assert_eq!(input_value(&page, "remedial_within_days"), "30");
    for refused in ["０", "366", "一月"] {
        let (status, page) = settings(vec![("remedial_within_days", refused)]).await;
        assert_eq!(status, 422, "{refused}");
        assert!(page.contains("受講までの日数（日）"), "the field is named");
    }
    let (status, _) = settings(vec![
        ("remedial_days", "365"),
        ("remedial_within_days", "１４"),
    ])
    .await;
    assert_eq!(status, 303);
    let page = app.page(&browser, "/o/sajeco/settings").await;
    assert_eq!(input_value(&page, "remedial_within_days"), "14");
    assert_eq!(input_value(&page, "remedial_days"), "365");

    let (status, planned) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/training-sessions",
            Some(json!({"code": "ISO-REMEDIAL-2026-10", "course": "ISO-REMEDIAL", "held_on": "2026-10-20"})),
        )
        .await;
    assert_eq!(status, 201, "{planned}");
    // A session planned within 14 days of the repeat is the one.
    event(&app, &isms, "0010", "2026-06-01", "human_error").await;
    event(&app, &isms, "0010", "2026-10-10", "human_error").await;
    let on_course = remedial(&app, &isms, "0010").await;
    assert_eq!(on_course.len(), 1, "{on_course:?}");
    assert_eq!(on_course[0].0["session"], "ISO-REMEDIAL-2026-10");
    // One later than that is not: a session is planned on the 14th day.
    event(&app, &isms, "0011", "2026-06-01", "human_error").await;
    let repeat = event(&app, &isms, "0011", "2026-10-01", "human_error").await;
    let on_course = remedial(&app, &isms, "0011").await;
    assert_eq!(on_course.len(), 1, "{on_course:?}");
    assert_eq!(on_course[0].1, "2026-10-15");
    assert_ne!(on_course[0].0["session"], "ISO-REMEDIAL-2026-10");
    let note = on_course[0].0["note"].as_str().unwrap_or_default();
    assert!(note.contains(repeat["code"].as_str().unwrap()), "{note}");
}

#[tokio::test]
async fn an_event_moves_through_its_steps_with_what_each_step_needs() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    let e = event(&app, &isms, "0010", "2026-11-02", "human_error").await;
    let path = format!("/api/v1/security-events/{}", e["id"]);
    for (body, field) in [
        (json!({"status": "assessed"}), "severity"),
        (
            json!({"status": "responded", "severity": "low"}),
            "response",
        ),
        (
            json!({"status": "closed", "severity": "low", "response": "x", "closed_on": "2026-11-03"}),
            "lessons",
        ),
        (json!({"closed_on": "2026-11-03"}), "only-when-closed"),
    ] {
        let (status, err) = app.api(&isms, Method::PATCH, &path, Some(body)).await;
        assert_eq!(status, 422, "{err}");
        assert!(err.to_string().contains(field), "{field}: {err}");
    }
    let (_, unchanged) = app.api(&isms, Method::GET, &path, None).await;
    assert_eq!(unchanged["status"], "reported");
    let (status, assessed) = app
        .api(
            &isms,
            Method::PATCH,
            &path,
            Some(json!({"status": "assessed", "severity": "medium"})),
        )
        .await;
    assert_eq!(status, 200, "{assessed}");
    // The event page shows where it is, and offers a corrective action naming it.
    let browser = app.browser("isms").await;
    let page = app
        .page(&browser, &format!("/o/sajeco/security-events/{}", e["id"]))
        .await;
    assert!(page.contains("class=\"stepper\""), "{page}");
    let new_action = page
        .find("id=\"related-corrective-actions-event\"")
        .map(|i| page[i..].split("</li>").next().unwrap_or(""))
        .expect("a new corrective action from the event");
    assert!(
        new_action.contains(&format!("event={}", e["code"].as_str().unwrap())),
        "{new_action}"
    );
}

#[tokio::test]
async fn no_one_audits_their_own_department_and_a_kind_belongs_to_its_party() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    let audit = |department: &str, auditor: &str| {
        json!({"party": "first", "kind": "internal", "started_on": "2026-11-10",
               "department": department, "auditor": auditor, "time_from": "10:00", "time_to": "12:00"})
    };
    // 村上 恵子 (0003) is in the ISO secretariat.
    app.refused(
        &isms,
        "/api/v1/audits",
        audit("ISO", "0003"),
        "own-department",
    )
    .await;
    let mut wrong = audit("SOUMU", "0003");
    wrong["kind"] = json!("surveillance_1");
    app.refused(&isms, "/api/v1/audits", wrong, "wrong-party")
        .await;
    let mut late = audit("SOUMU", "0003");
    late["time_to"] = json!("25:00");
    app.refused(&isms, "/api/v1/audits", late, "invalid-time")
        .await;
    let mut backwards = audit("SOUMU", "0003");
    backwards["time_to"] = json!("09:00");
    app.refused(&isms, "/api/v1/audits", backwards, "time_to")
        .await;
    app.refused(
        &isms,
        "/api/v1/audits",
        json!({"party": "third", "kind": "surveillance_1", "started_on": "2026-11-10"}),
        "auditing_body",
    )
    .await;
    let (status, held) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/audits",
            Some(audit("SOUMU", "0003")),
        )
        .await;
    assert_eq!(status, 201, "{held}");
    assert!(held["code"].as_str().unwrap().starts_with("AU-"));
    assert_eq!(held["status"], "planned");
    // A finding takes the audited department; a closed one has its date.
    let (status, finding) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/findings",
            Some(json!({"audit": held["code"], "grade": "minor", "description": "記録の押印漏れ"})),
        )
        .await;
    assert_eq!(status, 201, "{finding}");
    assert_eq!(finding["department"], "SOUMU");
    app.refused(
        &isms,
        "/api/v1/findings",
        json!({"audit": held["code"], "grade": "minor", "description": "x", "status": "closed"}),
        "closed_on",
    )
    .await;
    // Staff neither plan audits nor grade findings.
    let staff = app.token("staff").await;
    let (status, _) = app
        .api(
            &staff,
            Method::POST,
            "/api/v1/audits",
            Some(audit("SOUMU", "0003")),
        )
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_certificate_names_two_different_bodies() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    let cert = |accreditation: &str| {
        json!({"registration_no": "IS 999999", "management_system": "isms", "standard": "ISO/IEC 27001:2022",
               "scope": "本社", "first_registered_on": "2026-04-01", "certification_body": "BSI Group Japan",
               "accreditation_body": accreditation})
    };
    app.refused(
        &isms,
        "/api/v1/certificates",
        cert("bsi group japan"),
        "same-body",
    )
    .await;
    let (status, c) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/certificates",
            Some(cert("UKAS")),
        )
        .await;
    assert_eq!(status, 201, "{c}");
    app.refused(
        &isms,
        "/api/v1/certificates",
        cert("UKAS"),
        "registration_no",
    )
    .await;
}

#[tokio::test]
async fn each_reader_acknowledges_a_notice_and_sees_what_they_have_not_read() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    let staff = app.token("staff").await;
    let notice = |department: &str| {
        json!({"kind": "alert", "title": format!("【注意喚起】{department}宛の不審メール"),
               "body": "添付ファイルを開かないでください。", "audience": "department", "department": department})
    };
    app.refused(
        &isms,
        "/api/v1/notices",
        json!({"kind": "alert", "title": "x", "body": "y", "audience": "department"}),
        "department",
    )
    .await;
    let (status, soumu) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/notices",
            Some(notice("SOUMU")),
        )
        .await;
    assert_eq!(status, 201, "{soumu}");
    let (_, sales) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/notices",
            Some(notice("ITEIGYO")),
        )
        .await;

    // 新井 翔太 (SOUMU) has the SOUMU notice unread, not the other department's.
    let (status, unread) = app
        .api(&staff, Method::GET, "/api/v1/notices/unread", None)
        .await;
    assert_eq!(status, 200);
    let codes: Vec<&str> = unread["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&soumu["code"].as_str().unwrap()), "{unread}");
    assert!(
        !codes.contains(&sales["code"].as_str().unwrap()),
        "{unread}"
    );
    // Joined in October 2026: not asked to read the 2017 alerts, but this year's minutes.
    assert!(
        !codes.contains(&"N-2017-A01") && codes.contains(&"N-2026-11"),
        "{unread}"
    );
    let first = &unread["items"][0];
    let published = first["published_on"].as_str().expect("a date as text");
    assert!(
        time::Date::parse(
            published,
            time::macros::format_description!("[year]-[month]-[day]")
        )
        .is_ok(),
        "{published}"
    );

    // Acknowledged once (twice changes nothing); not another department's; not by a non-person.
    for _ in 0..2 {
        let (status, _) = app
            .api(
                &staff,
                Method::POST,
                &format!("/api/v1/notices/{}/read", soumu["id"]),
                None,
            )
            .await;
        assert_eq!(status, 204);
    }
    let (status, err) = app
        .api(
            &staff,
            Method::POST,
            &format!("/api/v1/notices/{}/read", sales["id"]),
            None,
        )
        .await;
    assert_eq!(status, 409, "{err}");
    assert!(err.to_string().contains("not-in-audience"), "{err}");
    let reads = items(
        &app,
        &isms,
        &format!(
            "/api/v1/notice-reads?notice={}",
            soumu["code"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(reads.len(), 1, "{reads:?}");
    assert_eq!(reads[0]["person"], "2601");
    let (_, after) = app
        .api(&staff, Method::GET, "/api/v1/notices/unread", None)
        .await;
    assert!(!after.to_string().contains(soumu["code"].as_str().unwrap()));

    // From My page, through the form: the notice leaves the unread list.
    let handler = app.browser("handler").await;
    let me = app.page(&handler, "/o/sajeco/me").await;
    assert!(me.contains("id=\"unread-notices\""));
    assert!(me.contains(soumu["title"].as_str().unwrap()), "on My page");
    let res = app
        .post_form(
            &handler,
            "/o/sajeco/me",
            &format!("/o/sajeco/notices/{}/read", soumu["id"]),
            &[("back", "me")],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with("/me#unread-notices")
    );
    let me = app.page(&handler, "/o/sajeco/me").await;
    assert!(!me.contains(soumu["title"].as_str().unwrap()));
    // The secretariat sees who has read it and who has not.
    let browser = app.browser("isms").await;
    let page = app
        .page(&browser, &format!("/o/sajeco/notices/{}", soumu["id"]))
        .await;
    let status = page
        .split("id=\"read-status\"")
        .nth(1)
        .and_then(|p| p.split("</section>").next())
        .expect("read status");
    let unread = status.split("<p>").nth(1).unwrap_or("");
    assert!(
        unread.contains("高橋 美智子"),
        "not yet read by 0005: {status}"
    );
    assert!(
        !unread.contains("新井 翔太") && !unread.contains("佐々木 彩"),
        "{status}"
    );
}

#[tokio::test]
async fn an_objective_without_a_numeric_target_is_kept_with_a_warning() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    app.refused(
        &isms,
        "/api/v1/objectives",
        json!({"fiscal_year": this_year(), "title": "教育の徹底", "target_value": "全員"}),
        "not-a-number",
    )
    .await;
    let (status, vague) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/objectives",
            Some(json!({"fiscal_year": this_year_full_width(), "title": "情報セキュリティ意識の向上"})),
        )
        .await;
    assert_eq!(status, 201, "{vague}");
    let browser = app.browser("isms").await;
    let page = app
        .page(&browser, &format!("/o/sajeco/objectives/{}", vague["id"]))
        .await;
    assert!(page.contains("id=\"warnings\""), "{page}");
    // It is listed for this fiscal year until it has a target.
    let overdue = app.page(&browser, "/o/sajeco/overdue").await;
    let listed = |page: &str| {
        page.split("id=\"overdue-untargeted\"").nth(1).unwrap_or("")[..]
            .split("</table>")
            .next()
            .unwrap_or("")
            .contains(vague["code"].as_str().unwrap())
    };
    assert!(listed(&overdue));
    let (status, _) = app
        .api(
            &isms,
            Method::PATCH,
            &format!("/api/v1/objectives/{}", vague["id"]),
            Some(json!({"target_value": "1,000", "unit": "件"})),
        )
        .await;
    assert_eq!(status, 200);
    let page = app
        .page(&browser, &format!("/o/sajeco/objectives/{}", vague["id"]))
        .await;
    assert!(!page.contains("id=\"warnings\""));
    assert!(!listed(&app.page(&browser, "/o/sajeco/overdue").await));
}

#[tokio::test]
async fn an_objectives_yearly_result_and_achievement_are_computed_not_taken() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    let (status, objective) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/objectives",
            Some(json!({"fiscal_year": this_year(), "title": "ヒヤリハット報告件数", "target_value": "3",
                        "unit": "件", "aggregation": "sum", "result": "99", "achieved": "yes"})),
        )
        .await;
    assert_eq!(status, 201, "{objective}");
    assert!(
        objective["result"].is_null() && objective["achieved"].is_null(),
        "computed, not taken: {objective}"
    );
    assert_eq!(objective["comparison"], "at_least");
    let today = mamori_domain::dates::iso(mamori_domain::dates::today());
    for value in ["1", "2"] {
        let (status, r) = app
            .api(
                &isms,
                Method::POST,
                "/api/v1/objective-results",
                Some(json!({"objective": objective["code"], "period": "今月", "measured_on": today, "value": value})),
            )
            .await;
        assert_eq!(status, 201, "{r}");
    }
    let path = format!("/api/v1/objectives/{}", objective["id"]);
    let (status, patched) = app
        .api(
            &isms,
            Method::PATCH,
            &path,
            Some(json!({"result": "0", "achieved": "no"})),
        )
        .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(
        (patched["result"].as_str(), patched["achieved"].as_str()),
        (Some("3"), Some("yes")),
        "{patched}"
    );
    // The record's page shows the yearly result and how it is made.
    let browser = app.browser("isms").await;
    let page = app
        .page(
            &browser,
            &format!("/o/sajeco/objectives/{}", objective["id"]),
        )
        .await;
    assert!(page.contains("年度実績") && page.contains("合計"), "{page}");
}

#[tokio::test]
async fn a_law_change_of_this_year_waits_for_a_decision() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    let today = mamori_domain::dates::today();
    let (status, change) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/law-changes",
            Some(
                json!({"requirement": "RQ-0001", "effective_on": mamori_domain::dates::iso(today),
                        "summary": "漏えい等報告の対象の拡大"}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{change}");
    assert_eq!(change["decision"], "pending");
    let code = change["code"].as_str().unwrap().to_string();
    let browser = app.browser("isms").await;
    let pending = |page: String| {
        page.split("id=\"overdue-law-changes\"")
            .nth(1)
            .unwrap_or("")
            .split("</table>")
            .next()
            .unwrap_or("")
            .contains(&code)
    };
    assert!(pending(app.page(&browser, "/o/sajeco/overdue").await));
    let path = format!("/api/v1/law-changes/{}", change["id"]);
    let (status, err) = app
        .api(
            &isms,
            Method::PATCH,
            &path,
            Some(json!({"decision": "no_action"})),
        )
        .await;
    assert_eq!(status, 422);
    assert!(err.to_string().contains("needed-for-step"), "{err}");
    let (status, _) = app
        .api(
            &isms,
            Method::PATCH,
            &path,
            Some(
                json!({"decision": "no_action", "decided_on": mamori_domain::dates::iso(today),
                        "review": "現行の規程で対応済み"}),
            ),
        )
        .await;
    assert_eq!(status, 200);
    assert!(!pending(app.page(&browser, "/o/sajeco/overdue").await));
}

#[tokio::test]
async fn the_starter_list_of_laws_is_imported_once_as_reference_data() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    // The demo took the starter list in already; one law renamed is no longer the list's.
    let reference = items(
        &app,
        &isms,
        "/api/v1/requirements?status=reference&limit=100",
    )
    .await;
    assert!(!reference.is_empty());
    let renamed = &reference[0];
    let (status, _) = app
        .api(
            &isms,
            Method::PATCH,
            &format!("/api/v1/requirements/{}", renamed["id"]),
            Some(json!({"name": format!("{}（旧）", renamed["name"].as_str().unwrap())})),
        )
        .await;
    assert_eq!(status, 200);
    let before = items(&app, &isms, "/api/v1/requirements?limit=100")
        .await
        .len();
    let browser = app.browser("isms").await;
    let import = app.page(&browser, "/o/sajeco/requirements/import").await;
    assert!(import.contains("id=\"requirements-starter\""));
    let starter = || {
        app.post_form(
            &browser,
            "/o/sajeco/requirements/import",
            "/o/sajeco/requirements/starter",
            &[],
        )
    };
    let res = starter().await;
    assert_eq!(res.status(), 200);
    let done = res.text().await.unwrap();
    assert!(done.contains("id=\"import-done\""), "{done}");
    assert!(done.contains("1件の要求事項"), "{done}");
    let after = items(&app, &isms, "/api/v1/requirements?limit=100").await;
    assert_eq!(after.len(), before + 1);
    let back = after
        .iter()
        .find(|r| r["name"] == renamed["name"])
        .expect("the law is back");
    assert_eq!(back["status"], "reference");
    let changes = items(&app, &isms, "/api/v1/law-changes?limit=100").await;
    // Again: nothing more.
    let again = starter().await.text().await.unwrap();
    assert!(again.contains("0件の要求事項と0件の法令改正"), "{again}");
    assert_eq!(
        items(&app, &isms, "/api/v1/requirements?limit=100")
            .await
            .len(),
        after.len()
    );
    assert_eq!(
        items(&app, &isms, "/api/v1/law-changes?limit=100")
            .await
            .len(),
        changes.len()
    );
    // The manager of a department does not change the register.
    let manager = app.browser("manager").await;
    let res = app
        .post_form(
            &manager,
            "/o/sajeco/me",
            "/o/sajeco/requirements/starter",
            &[],
        )
        .await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn the_figures_page_counts_findings_per_party_and_department() {
    let app = spawn_app().await;
    let isms = app.browser("isms").await;
    app.select_fiscal_year(&isms, "2017").await;
    let page = app.page(&isms, "/o/sajeco/event-figures").await;
    // 5.2(9): first-party nonconformities FY2017 (FY2016): IT営業・業務部門 5(1), 総務経理部門 1(0),
    // ISO事務局 0(1); a second-party audit only in FY2017.
    let at = |id: &str| common::figure_cell(&page, id);
    assert_eq!(
        at("findings.first_party.corrective.IT営業・業務部門").0,
        "5(1)件"
    );
    assert_eq!(
        at("findings.first_party.corrective.総務経理部門").0,
        "1(0)件"
    );
    assert_eq!(at("findings.first_party.corrective.ISO事務局").0, "0(1)件");
    let second = at("findings.second_party.corrective.IT営業・業務部門").0;
    assert!(second.starts_with("0("), "{second}");
    assert!(
        !second.ends_with("(0)件"),
        "no second-party audit in FY2016: {second}"
    );
    // The figure opens the findings it counts.
    let (_, html) = at("findings.first_party.corrective.IT営業・業務部門");
    let href = html
        .split("href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&#x2f;", "/")
        .replace("&amp;", "&");
    assert!(href.contains("findings"), "{href}");
    let list = app.page(&isms, &href).await;
    assert!(list.contains("全 5 件"), "{href}");
}
