//! Taking a comprehension test over HTTP, as the demo's new joiner (staff), in pages and through the
//! API; eligibility on My page and on the person's page; results exported per person.

use crate::common;

use common::{field_value, spawn_app};
use mamori_store::Access;
use mamori_store::attempts::Paper;

async fn secretariat_paper(app: &common::App, id: i64) -> Paper {
    let org = app.store.organization("sajeco").await.unwrap();
    app.store
        .paper(&Access::system(org, "t"), id)
        .await
        .unwrap()
}

fn attempt_id(location: &str) -> i64 {
    location.rsplit('/').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn the_new_joiner_fails_then_passes_the_onboarding_test_and_becomes_eligible() {
    let app = spawn_app().await;
    let staff = app.browser("staff").await;
    let get = |path: String| {
        let staff = staff.clone();
        let url = format!("{}{}", app.url, path);
        async move { staff.get(url).send().await.unwrap() }
    };
    let me = get("/o/sajeco/me".into()).await.text().await.unwrap();
    assert!(
        me.contains("新井 翔太") && me.contains("data-eligible=\"no\""),
        "{me}"
    );
    assert!(me.contains("data-course=\"ISO-INIT\""));
    let csrf = field_value(&me, "csrf");

    // Without the CSRF token nothing starts.
    let res = staff
        .post(format!("{}/o/sajeco/tests/ISO-INIT", app.url))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);

    let start = || async {
        let res = staff
            .post(format!("{}/o/sajeco/tests/ＩＳＯ-ＩＮＩＴ", app.url))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        res.headers()["location"].to_str().unwrap().to_string()
    };
    let location = start().await;
    let id = attempt_id(&location);
    let paper_html = get(location.clone()).await.text().await.unwrap();
    assert!(paper_html.contains("id=\"submit-paper\"") && paper_html.contains("問1"));
    let paper = secretariat_paper(&app, id).await;
    assert_eq!(paper.total, 5);

    let submit = |answers: Vec<(String, String)>| {
        let staff = staff.clone();
        let url = format!("{}{}", app.url, location);
        let mut form = vec![("csrf".to_string(), csrf.clone())];
        form.extend(answers);
        async move { staff.post(url).form(&form).send().await.unwrap() }
    };
    let answers = |paper: &Paper, wrong: usize| -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (i, q) in paper.questions.iter().enumerate() {
            let picked: Vec<usize> = if i < wrong {
                vec![
                    q.choices
                        .iter()
                        .map(|(k, _)| *k)
                        .find(|k| !q.answer.contains(k))
                        .unwrap(),
                ]
            } else {
                q.answer.clone()
            };
            for p in picked {
                out.push((format!("q{}", q.id), p.to_string()));
            }
        }
        out
    };

    // Unanswered and out-of-range answers come back on the paper with a message; nothing is recorded.
    let res = submit(vec![]).await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("問1に解答してください。"), "{body}");
    let mut bad = answers(&paper, 0);
    bad[0].1 = "９".into();
    let res = submit(bad).await;
    assert_eq!(res.status(), 422);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("の解答が選択肢にありません")
    );
    let mut bad = answers(&paper, 0);
    bad[0].1 = "abc".into();
    assert_eq!(submit(bad).await.status(), 422);
    assert_eq!(
        secretariat_paper(&app, id).await.result.code(),
        "in_progress"
    );

    // Two wrong of five is 60%: failed.
    let res = submit(answers(&paper, 2)).await;
    assert_eq!(res.status(), 303);
    let result = get(location.clone()).await.text().await.unwrap();
    assert!(
        result.contains("data-result=\"failed\"") && result.contains("60%"),
        "{result}"
    );
    // It marks the two wrong answers and shows no right one, nor the explanations.
    assert_eq!(
        result.matches("class=\"question wrong\"").count(),
        2,
        "{result}"
    );
    assert!(
        !result.contains("right-answer"),
        "no right answer after a fail"
    );
    assert!(result.contains("id=\"paper-no-answers\""));
    // The secretariat, reading the same paper, sees the right answers.
    let isms = app.browser("isms").await;
    let theirs = app.page(&isms, &location).await;
    assert!(
        theirs.contains("right-answer"),
        "the secretariat reads the answers"
    );
    // The same attempt cannot be submitted twice.
    let res = submit(answers(&paper, 0)).await;
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap().contains("すでに提出済み"));
    let me = get("/o/sajeco/me".into()).await.text().await.unwrap();
    assert!(me.contains("data-eligible=\"no\"") && me.contains("受験1回・未合格"));

    // The retake passes.
    let location2 = start().await;
    assert_ne!(location2, location);
    let paper2 = secretariat_paper(&app, attempt_id(&location2)).await;
    let mut form = vec![("csrf".to_string(), csrf.clone())];
    form.extend(answers(&paper2, 0));
    let res = staff
        .post(format!("{}{}", app.url, location2))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let result = get(location2.clone()).await.text().await.unwrap();
    assert!(result.contains("data-result=\"passed\"") && result.contains("100%"));
    let me = get("/o/sajeco/me".into()).await.text().await.unwrap();
    assert!(me.contains("data-eligible=\"yes\""), "{me}");

    // Staff see their own attempts, not other people's, and not the question bank.
    let list = get("/o/sajeco/test-attempts?year=all".into())
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains("全 2 件"), "{list}");
    assert_eq!(get("/o/sajeco/test-questions".into()).await.status(), 403);

    // The secretariat sees the new joiner eligible on the person page, and exports the results per person.
    let isms = app.browser("isms").await;
    let token = app.token("isms").await;
    let people: serde_json::Value = app
        .http
        .get(format!("{}/api/v1/people?q=2601", app.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pid = people["items"][0]["id"].as_i64().unwrap();
    let page = isms
        .get(format!("{}/o/sajeco/people/{pid}", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-eligible=\"yes\"") && page.contains("id=\"leaving\""));
    assert!(page.contains("export.xlsx?person=2601"), "{page}");
    let xlsx = isms
        .get(format!(
            "{}/o/sajeco/test-attempts/export.xlsx?person=2601",
            app.url
        ))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let sheet = mamori_io::sheet::Sheet::from_xlsx(&xlsx).unwrap();
    assert_eq!(sheet.rows.len(), 2, "{:?}", sheet.rows);
    let results: Vec<&str> = sheet.rows.iter().map(|r| r[3].as_str()).collect();
    assert!(
        results.contains(&"passed") && results.contains(&"failed"),
        "{results:?}"
    );
    // The eligibility API agrees.
    let e: serde_json::Value = app
        .http
        .get(format!("{}/api/v1/people/{pid}/eligibility", app.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(e["eligible"], true);
    // The person's history shows the attempts in the audit trail, named by the staff member.
    let verify: serde_json::Value = app
        .http
        .get(format!("{}/api/v1/audit/verify", app.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(verify["intact"], true);
}

#[tokio::test]
async fn the_api_takes_a_test_once_and_refuses_bad_answers() {
    let app = spawn_app().await;
    let staff = app.token("staff").await;
    let post = |path: &str, body: serde_json::Value| {
        app.http
            .post(format!("{}{path}", app.url))
            .bearer_auth(&staff)
            .header("x-mamori-organization", "sajeco")
            .json(&body)
            .send()
    };
    let res = post("/api/v1/tests/ISO-INIT/attempts", serde_json::json!({}))
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let paper: serde_json::Value = res.json().await.unwrap();
    assert!(
        paper["questions"][0]["answer"].is_null(),
        "no answers while open"
    );
    let id = paper["id"].as_i64().unwrap();
    let full = secretariat_paper(&app, id).await;
    let right: serde_json::Map<String, serde_json::Value> = full
        .questions
        .iter()
        .map(|q| (q.id.to_string(), serde_json::json!(q.answer)))
        .collect();
    let url = format!("/api/v1/tests/attempts/{id}/answers");
    for bad in [
        serde_json::json!({}),
        serde_json::json!({"answers": "all"}),
        serde_json::json!({"answers": {"x": [1]}}),
        serde_json::json!({"answers": {full.questions[0].id.to_string(): [-1]}}),
        serde_json::json!({"answers": {full.questions[0].id.to_string(): [99]}}),
    ] {
        let res = post(&url, bad.clone()).await.unwrap();
        assert_eq!(res.status(), 422, "{bad}");
    }
    // Someone else cannot submit it, not even the secretariat.
    let isms = app.token("isms").await;
    let res = app
        .http
        .post(format!("{}{url}", app.url))
        .bearer_auth(&isms)
        .json(&serde_json::json!({"answers": right}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = post(&url, serde_json::json!({"answers": right}))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let graded: serde_json::Value = res.json().await.unwrap();
    assert_eq!(graded["result"], "passed");
    assert!(graded["questions"][0]["answer"].is_array());
    let res = post(&url, serde_json::json!({"answers": right}))
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    // The auditor has no person: no test to take.
    let auditor = app.token("auditor").await;
    let res = app
        .http
        .post(format!("{}/api/v1/tests/ISO-INIT/attempts", app.url))
        .bearer_auth(&auditor)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "no-person");
    // Staff cannot read another person's attempt.
    let other = app
        .http
        .get(format!("{}/api/v1/test-attempts?limit=1000", app.url))
        .bearer_auth(&isms)
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    // Whole numbers come back as numbers; search words on a register with nothing to search are ignored.
    assert!(other["items"][0]["score"].is_i64(), "{}", other["items"][0]);
    let searched = app
        .http
        .get(format!("{}/api/v1/test-attempts?q=0000", app.url))
        .bearer_auth(&isms)
        .send()
        .await
        .unwrap();
    assert_eq!(searched.status(), 200);
    let someone_else = other["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["person"] != "2601")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let res = app
        .http
        .get(format!("{}/api/v1/tests/attempts/{someone_else}", app.url))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

/// The demo's sessions already list exactly the people their course is for (the reference's rules
/// are data: partner staff included, this year's joiners left out of the periodic course), so asking
/// for the audience adds nobody; a new session gets its audience, and the roll call records it.
#[tokio::test]
async fn the_audience_fills_a_new_session_and_the_roll_call_records_who_came() {
    let app = spawn_app().await;
    let isms = app.browser("isms").await;
    let token = app.token("isms").await;
    let api = |path: String| {
        let token = token.clone();
        let http = app.http.clone();
        let url = format!("{}{}", app.url, path);
        async move {
            http.get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    let org = app.store.organization("sajeco").await.unwrap();
    let access = Access::system(org, "t");
    for code in ["2016-PERIODIC", "2017-PERIODIC", "2017-INIT-0601"] {
        let s = api(format!("/api/v1/training-sessions?q={code}")).await;
        let id = s["items"][0]["id"].as_i64().unwrap();
        assert_eq!(
            app.store.add_expected(&access, id).await.unwrap(),
            0,
            "{code}"
        );
    }
    // A new periodic session in FY2017, a week after the real one: the same 27 people.
    let res = app
        .http
        .post(format!("{}/api/v1/training-sessions", app.url))
        .bearer_auth(&token)
        .json(&serde_json::json!({"code": "2017-PERIODIC-B", "course": "ISO-PERIODIC", "held_on": "2017-10-15"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let id = res.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let page = isms
        .get(format!("{}/o/sajeco/training-sessions/{id}", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = field_value(&page, "csrf");
    let res = isms
        .post(format!(
            "{}/o/sajeco/training/sessions/{id}/expected",
            app.url
        ))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let listed = api("/api/v1/attendances?session=2017-PERIODIC-B&limit=100".into()).await;
    assert_eq!(listed["total"], 27);
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["status"] == "expected")
    );
    // The roll call: the first came, the second was excused; an unknown status changes nothing.
    let a = listed["items"][0]["id"].as_i64().unwrap();
    let b = listed["items"][1]["id"].as_i64().unwrap();
    let url = format!("{}/o/sajeco/training/sessions/{id}/roll-call", app.url);
    let res = isms
        .post(&url)
        .form(&[
            ("csrf", csrf.as_str()),
            (&format!("a{a}"), "attended"),
            (&format!("a{b}"), "sleeping"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let res = isms
        .post(&url)
        .form(&[
            ("csrf", csrf.as_str()),
            (&format!("a{a}"), "attended"),
            (&format!("a{b}"), "ｅｘｃｕｓｅｄ"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let came = api("/api/v1/attendances?session=2017-PERIODIC-B&status=attended".into()).await;
    assert_eq!(came["total"], 1);
    let excused = api("/api/v1/attendances?session=2017-PERIODIC-B&status=excused".into()).await;
    assert_eq!(excused["total"], 1);
    // Staff cannot list people or call the roll.
    let staff = app.browser("staff").await;
    let me = staff
        .get(format!("{}/o/sajeco/me", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let staff_csrf = field_value(&me, "csrf");
    let res = staff
        .post(&url)
        .form(&[("csrf", staff_csrf.as_str()), (&format!("a{a}"), "absent")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

/// When someone leaves, their page lists what is left to do: the sign-in account is still active
/// until the administrator disables it; the NDA stays on file.
#[tokio::test]
async fn the_leaving_checklist_follows_the_account_and_the_nda() {
    let app = spawn_app().await;
    let token = app.token("isms").await;
    let people: serde_json::Value = app
        .http
        .get(format!("{}/api/v1/people?q=2601", app.url))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pid = people["items"][0]["id"].as_i64().unwrap();
    let isms = app.browser("isms").await;
    let page = || async {
        isms.get(format!("{}/o/sajeco/people/{pid}", app.url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    let before = page().await;
    assert!(before.contains("在籍中") && !before.contains("staff@sajeco.example: "));
    let res = app
        .http
        .patch(format!("{}/api/v1/people/{pid}", app.url))
        .bearer_auth(&token)
        .json(&serde_json::json!({"left_on": "2026-11-30"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let leaving = page().await;
    assert!(leaving.contains("離任日: 2026年11月30日"), "{leaving}");
    assert!(
        leaving.contains("staff@sajeco.example: <a"),
        "the account is still active"
    );
    let admin = app.browser("admin").await;
    let members = admin
        .get(format!("{}/o/sajeco/members", app.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = field_value(&members, "csrf");
    let res = admin
        .post(format!("{}/o/sajeco/members/disable", app.url))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "staff@sajeco.example"),
            ("disabled", "true"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let done = page().await;
    assert!(done.contains("staff@sajeco.example: 利用停止"), "{done}");
    // The staff member can no longer sign in; the NDA is still on file.
    assert!(
        app.store
            .sign_in("staff@sajeco.example", common::PASSWORD)
            .await
            .is_err()
    );
    assert!(done.contains("秘密保持誓約書 <span class=\"count\">1 件"));
}
