//! Minutes published once as a notice, from the page and the API, by who may change the meeting.

#![allow(unused_imports)]

use super::operations::items;
use crate::common;
use common::{App, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn minutes_are_published_once_as_a_notice_naming_the_meeting() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    let (status, meeting) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/meetings",
            Some(json!({"kind": "secretariat", "held_on": "2026-11-26", "title": "ISO事務局会議（臨時）",
                        "minutes": "標的型メール訓練の結果を共有。"})),
        )
        .await;
    assert_eq!(status, 201, "{meeting}");
    let code = meeting["code"].as_str().unwrap();
    let browser = app.browser("isms").await;
    let from = format!("/o/sajeco/meetings/{}", meeting["id"]);
    assert!(
        app.page(&browser, &from)
            .await
            .contains("id=\"publish-minutes\"")
    );
    let publish = format!("/o/sajeco/meetings/{}/publish", meeting["id"]);
    let res = app.post_form(&browser, &from, &publish, &[]).await;
    assert_eq!(res.status(), 303);
    let notices = items(&app, &isms, &format!("/api/v1/notices?meeting={code}")).await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0]["kind"], "minutes");
    assert_eq!(notices[0]["audience"], "everyone");
    assert_eq!(notices[0]["body"], "標的型メール訓練の結果を共有。");
    let notice_page = format!("/o/sajeco/notices/{}", notices[0]["id"]);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with(&notice_page)
    );
    // Published: the meeting links its notice, and publishing again opens the same one.
    let page = app.page(&browser, &from).await;
    assert!(!page.contains("id=\"publish-minutes\""));
    let res = app.post_form(&browser, &from, &publish, &[]).await;
    assert_eq!(res.status(), 303);
    assert!(
        res.headers()["location"]
            .to_str()
            .unwrap()
            .ends_with(&notice_page)
    );
    assert_eq!(
        items(&app, &isms, &format!("/api/v1/notices?meeting={code}"))
            .await
            .len(),
        1
    );
    // Staff do not publish; a department's manager neither changes nor publishes the secretariat's
    // meeting, and is offered neither.
    let staff = app.browser("staff").await;
    let res = app.post_form(&staff, "/o/sajeco/me", &publish, &[]).await;
    assert_eq!(res.status(), 403);
    let manager = app.browser("manager").await;
    let other = app.id_of(&isms, "meetings", "MT-2026-11").await;
    let page = app
        .page(&manager, &format!("/o/sajeco/meetings/{other}"))
        .await;
    assert!(!page.contains("id=\"publish-minutes\"") && !page.contains("id=\"edit-record\""));
    let res = app
        .post_form(
            &manager,
            "/o/sajeco/me",
            &format!("/o/sajeco/meetings/{other}/publish"),
            &[],
        )
        .await;
    assert_eq!(res.status(), 403);
    // Their own department's meeting they publish (for their department); another's they do not.
    for (department, expected) in [("SOUMU", 303), ("ITEIGYO", 403)] {
        let (_, m) = app
            .api(
                &isms,
                Method::POST,
                "/api/v1/meetings",
                Some(
                    json!({"kind": "department", "department": department, "held_on": "2026-11-20",
                            "title": "部門会議", "minutes": "ヒヤリハットの共有。"}),
                ),
            )
            .await;
        let page = format!("/o/sajeco/meetings/{}", m["id"]);
        assert_eq!(
            app.page(&manager, &page)
                .await
                .contains("id=\"publish-minutes\""),
            expected == 303,
            "{department}"
        );
        let res = app
            .post_form(&manager, &page, &format!("{page}/publish"), &[])
            .await;
        assert_eq!(res.status(), expected, "{department}");
    }
    let own = items(&app, &isms, "/api/v1/notices?kind=minutes&department=SOUMU").await;
    assert_eq!(own.len(), 1, "{own:?}");
    assert_eq!(own[0]["audience"], "department");

    // Through the API, with the same rule: eight clicks at once through two instances make one
    // notice (201 once, 200 with that notice after), and minutes with no text are refused.
    let (_, m) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/meetings",
            Some(json!({"kind": "secretariat", "held_on": "2026-11-27", "title": "ISO事務局会議（二重クリック）",
                        "minutes": "二度押しの確認。"})),
        )
        .await;
    let second = app.second_instance().await;
    let path = format!("/api/v1/meetings/{}/minutes", m["id"]);
    let clicks = (0..8).map(|i| {
        let base = if i % 2 == 0 {
            app.url.clone()
        } else {
            second.clone()
        };
        let url = format!("{base}{path}");
        let token = isms.clone();
        tokio::spawn(async move {
            let res = reqwest::Client::new()
                .post(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            (status, res.json::<serde_json::Value>().await.unwrap())
        })
    });
    let mut answers = Vec::new();
    for c in clicks.collect::<Vec<_>>() {
        answers.push(c.await.unwrap());
    }
    assert_eq!(
        answers.iter().filter(|(s, _)| *s == 201).count(),
        1,
        "{answers:?}"
    );
    assert!(
        answers.iter().all(|(s, _)| *s == 201 || *s == 200),
        "{answers:?}"
    );
    assert!(
        answers.iter().all(|(_, n)| n["id"] == answers[0].1["id"]),
        "{answers:?}"
    );
    assert_eq!(answers[0].1["kind"], "minutes");
    assert_eq!(
        items(
            &app,
            &isms,
            &format!("/api/v1/notices?meeting={}", m["code"].as_str().unwrap())
        )
        .await
        .len(),
        1
    );
    let (_, blank) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/meetings",
            Some(json!({"kind": "secretariat", "held_on": "2026-11-28", "title": "議事録のない会議"})),
        )
        .await;
    let (status, body) = app
        .api(
            &isms,
            Method::POST,
            &format!("/api/v1/meetings/{}/minutes", blank["id"]),
            None,
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["details"][0]["field"], "minutes", "{body}");
    let staff = app.token("staff").await;
    let (status, _) = app.api(&staff, Method::POST, &path, None).await;
    assert_eq!(status, 403);
}
