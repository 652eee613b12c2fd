//! The ISMS year over a real server: the private calendar feed (a member's address from
//! `POST /api/v1/me/calendar-token` serves their tasks as iCalendar that a calendar library reads;
//! a new address revokes the old, `DELETE` revokes it), やること, the plan and its calendar, the
//! outbox, and the cycles in the settings.

use crate::common::spawn_app;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_member_s_calendar_address_serves_their_tasks_until_revoked() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    let today = mamori_domain::dates::iso(mamori_domain::dates::today());
    // A task for the newest joiner, due today.
    let (status, task) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/tasks",
            Some(json!({"title": "情報セキュリティ方針を読む、確認する", "due_on": today, "owner": "2601"})),
        )
        .await;
    assert_eq!(status, 201, "{task}");
    let staff = app.token("staff").await;
    let (status, made) = app
        .api(&staff, Method::POST, "/api/v1/me/calendar-token", None)
        .await;
    assert_eq!(status, 201, "{made}");
    let url = made["url"].as_str().unwrap().to_string();
    assert!(url.ends_with(".ics"), "{url}");
    // Fetched as a calendar client does: no cookie, no token but the address's own secret.
    let res = reqwest::get(&url).await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let body = res.text().await.unwrap();
    let calendar: icalendar::Calendar = icalendar::parser::unfold(&body)
        .parse()
        .unwrap_or_else(|e| panic!("{e}: {body}"));
    use icalendar::Component;
    let events: Vec<&icalendar::Event> = calendar
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .collect();
    let ours = events
        .iter()
        .find(|e| {
            e.get_summary()
                .is_some_and(|s| s.contains("情報セキュリティ方針を読む、確認する"))
        })
        .unwrap_or_else(|| panic!("the task in {body}"));
    assert!(ours.get_summary().unwrap().starts_with("【やること】"));
    assert!(
        ours.property_value("URL")
            .unwrap()
            .contains(&format!("/o/sajeco/tasks/{}", task["id"]))
    );
    assert_eq!(
        ours.property_value("DTSTART").unwrap(),
        today.replace('-', "")
    );
    // Another's task is not in it: the secretariat's monthly meeting task.
    assert!(
        !events
            .iter()
            .any(|e| e.get_summary().is_some_and(|s| s.contains("ISO事務局会議")))
    );
    // A new address revokes the old; DELETE revokes the new.
    let (_, again) = app
        .api(&staff, Method::POST, "/api/v1/me/calendar-token", None)
        .await;
    assert_eq!(reqwest::get(&url).await.unwrap().status(), 404);
    let url2 = again["url"].as_str().unwrap().to_string();
    assert_eq!(reqwest::get(&url2).await.unwrap().status(), 200);
    let res = app
        .http
        .delete(format!("{}/api/v1/me/calendar-token", app.url))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(reqwest::get(&url2).await.unwrap().status(), 404);
    // The account page makes one too, shown once, and stops it.
    let browser = app.browser("staff").await;
    let page = app
        .post_form(&browser, "/account", "/account/calendar", &[])
        .await
        .text()
        .await
        .unwrap();
    let from_page = page
        .split("id=\"calendar-url\">")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .unwrap_or_else(|| panic!("{page}"))
        .replace("&#x2f;", "/");
    assert_eq!(reqwest::get(&from_page).await.unwrap().status(), 200);
    app.post_form(&browser, "/account", "/account/calendar/revoke", &[])
        .await;
    assert_eq!(reqwest::get(&from_page).await.unwrap().status(), 404);
    // A made-up address is not found either.
    let res = reqwest::get(format!("{}/calendar/{}.ics", app.url, "ab".repeat(32)))
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

/// やること brings the plan's tasks and the registers' due items together, narrowed by kind; the
/// plan's table shows FY2017 planned against done; the outbox is the secretariat's.
#[tokio::test]
async fn todo_plan_and_outbox_pages_show_what_is_due_and_done() {
    use crate::common::text_of;
    let app = spawn_app().await;
    let isms = app.browser("isms").await;
    let page = app.page(&isms, "/o/sajeco/todo").await;
    for kind in ["task", "certificate", "guarantee"] {
        assert!(
            page.contains(&format!("data-kind=\"{kind}\"")),
            "{kind}: {}",
            text_of(&page)
        );
    }
    let page = app.page(&isms, "/o/sajeco/todo?kind=certificate").await;
    let text = text_of(&page);
    assert!(
        text.contains("IC13J0364") && !text.contains("井上愛"),
        "{text}"
    );
    assert!(
        text.contains("認証を登録"),
        "a button to record the renewal"
    );
    let manager = app.browser("manager").await;
    let text = text_of(&app.page(&manager, "/o/sajeco/todo?mine=1").await);
    assert!(text.contains("パッチ適用の確認"), "{text}");
    assert!(!text.contains("ISO事務局会議"), "{text}");
    // FY2017 (the demo's year): twelve meetings held, one a month.
    let page = app.page(&isms, "/o/sajeco/plan").await;
    let text = text_of(&page);
    assert!(
        text.contains("ISO事務局会議（月次）") && text.contains("12/12"),
        "{text}"
    );
    let page = app
        .page(&isms, "/o/sajeco/plan/calendar?month=２０１７-１１")
        .await;
    assert!(text_of(&page).contains("内部監査"), "{}", text_of(&page));
    let page = app
        .page(&isms, "/o/sajeco/plan/calendar?month=garbage")
        .await;
    assert!(page.contains("id=\"plan-calendar\""));
    let page = app.page(&isms, "/o/sajeco/outbox?status=sent").await;
    assert!(page.contains("id=\"outbox\""));
}

/// The cycles are settings: full-width digits are taken, a value out of range or the last
/// certificate warning before the first is refused with a message and changes nothing.
#[tokio::test]
async fn the_cycles_are_saved_from_the_settings_page_and_bad_ones_refused() {
    use crate::common::{input_value as field_value, text_of};
    let app = spawn_app().await;
    let isms = app.browser("isms").await;
    let res = app
        .post_form(
            &isms,
            "/o/sajeco/settings",
            "/o/sajeco/settings/cycles",
            &[("patch_days", "９０"), ("reminder_days", "3")],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let page = app.page(&isms, "/o/sajeco/settings").await;
    assert_eq!(field_value(&page, "patch_days"), "90");
    assert_eq!(field_value(&page, "reminder_days"), "3");
    for (field, value, says) in [
        ("patch_days", "0", "1–366"),
        ("certificate_last_days", "120", "最初の予告"),
        ("password_days", "毎月", "1–366"),
    ] {
        let res = app
            .post_form(
                &isms,
                "/o/sajeco/settings",
                "/o/sajeco/settings/cycles",
                &[(field, value)],
            )
            .await;
        assert_eq!(res.status(), 422, "{field}={value}");
        let text = text_of(&res.text().await.unwrap());
        assert!(text.contains(says), "{field}: {text}");
    }
    let page = app.page(&isms, "/o/sajeco/settings").await;
    assert_eq!(field_value(&page, "patch_days"), "90", "nothing changed");
    let staff = app.browser("staff").await;
    let res = app
        .post_form(
            &staff,
            "/o/sajeco/me",
            "/o/sajeco/settings/cycles",
            &[("patch_days", "10")],
        )
        .await;
    assert_eq!(res.status(), 403);
}

/// The internal audit programme (FY2017's four audits with their checklist and findings; this
/// year's with its trainee not yet shown competent), the training plan's rows on the annual plan,
/// and the plan as a PDF an auditor can print; staff do not open the programme.
#[tokio::test]
async fn the_audit_programme_the_training_plan_and_the_plan_as_a_pdf() {
    use crate::common::{pdftotext, text_of};
    let app = spawn_app().await;
    let isms = app.browser("isms").await;
    // This year's programme (the demo opens on FY2017: choose this year first).
    let res = app
        .post_form(
            &isms,
            "/o/sajeco",
            "/o/sajeco/fiscal-year",
            &[("fy", "2026"), ("back", "/o/sajeco/audit-programme")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let text = text_of(&app.page(&isms, "/o/sajeco/audit-programme").await);
    for expected in [
        "内部監査プログラム",
        "IT業務部門",
        "0&#x2f;4項目確認",
        "石井翔太（見学者）",
        "力量未確認",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    assert!(!text.contains("予定がない部門"), "{text}");
    // ICT技術部's audit has no checklist: it starts from the last one, and says so.
    let access =
        mamori_store::Access::system(app.store.organization("sajeco").await.unwrap(), "test");
    let id = app
        .store
        .id_by_key(&access, &mamori_domain::registers::AUDITS, "AU-2026-04")
        .await
        .unwrap();
    let audit = format!("/o/sajeco/audits/{id}");
    assert!(
        app.page(&isms, &audit)
            .await
            .contains("id=\"copy-checklist\"")
    );
    let res = app
        .post_form(&isms, &audit, &format!("{audit}/checklist"), &[])
        .await;
    assert_eq!(res.status(), 303);
    let page = app
        .page(&isms, res.headers()["location"].to_str().unwrap())
        .await;
    assert!(
        text_of(&page).contains("3件の確認事項を写しました"),
        "{}",
        text_of(&page)
    );
    assert!(!page.contains("id=\"copy-checklist\""));
    let res = app
        .post_form(&isms, &audit, &format!("{audit}/checklist"), &[])
        .await;
    assert_eq!(res.status(), 409);
    // The plan shows the training plan against the sessions held.
    let text = text_of(&app.page(&isms, "/o/sajeco/plan").await);
    assert!(text.contains("研修：ISO定期教育訓練"), "{text}");
    assert!(text.contains("内部監査"), "{text}");
    let pdf = isms
        .get(format!("{}/o/sajeco/plan.pdf", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let text = pdftotext(&pdf.bytes().await.unwrap());
    for expected in [
        "年間計画表",
        "2026年度",
        "株式会社サジェコ",
        "研修：ISO定期教育訓練",
        "0/1",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    // FY2017: the four departments' audits, IT営業・業務部門's checklist and five nonconformities.
    app.post_form(
        &isms,
        "/o/sajeco",
        "/o/sajeco/fiscal-year",
        &[("fy", "2017"), ("back", "/o/sajeco")],
    )
    .await;
    let text = text_of(&app.page(&isms, "/o/sajeco/audit-programme").await);
    for expected in [
        "IT営業・業務部門",
        "6&#x2f;6項目確認",
        "5件（不適合5件）",
        "村上恵子",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    let staff = app.browser("staff").await;
    let res = staff
        .get(format!("{}/o/sajeco/audit-programme", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
}

/// The classifications whose handlers need an identity guarantee are a setting: saved from the
/// settings page, shown checked again.
#[tokio::test]
async fn the_guarantee_levels_are_saved_from_the_settings_page() {
    let app = spawn_app().await;
    let isms = app.browser("isms").await;
    let page = app.page(&isms, "/o/sajeco/settings").await;
    assert!(page.contains(
        "name=\"guarantee-confidential\" id=\"guarantee-confidential\" value=\"yes\" checked"
    ));
    let res = app
        .post_form(
            &isms,
            "/o/sajeco/settings",
            "/o/sajeco/settings/asset-rules",
            &[
                ("take_out_days", "７"),
                ("guarantee-strictly_confidential", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let page = app.page(&isms, "/o/sajeco/settings").await;
    assert!(!page.contains(
        "name=\"guarantee-confidential\" id=\"guarantee-confidential\" value=\"yes\" checked"
    ));
    assert!(page.contains("name=\"guarantee-strictly_confidential\" id=\"guarantee-strictly_confidential\" value=\"yes\" checked"));
}

/// Each member chooses between a message per task and one daily digest on their account page; a
/// choice that is neither is refused and changes nothing.
#[tokio::test]
async fn a_member_chooses_the_daily_digest_on_their_account_page() {
    let app = spawn_app().await;
    let staff = app.browser("staff").await;
    let page = app.page(&staff, "/account").await;
    assert!(page.contains("<option value=\"each\" selected>"), "{page}");
    let res = app
        .post_form(
            &staff,
            "/account",
            "/account/preferences",
            &[("digest", "daily")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let page = app.page(&staff, "/account").await;
    assert!(page.contains("<option value=\"daily\" selected>"), "{page}");
    let res = app
        .post_form(
            &staff,
            "/account",
            "/account/preferences",
            &[("digest", "hourly")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = app.page(&staff, "/account").await;
    assert!(page.contains("<option value=\"daily\" selected>"));
}

/// The forgotten-password form before sign-in, with hostile input: without its page's token it is
/// refused; an empty address is asked for again; a huge one and a full-width one get the same
/// answer as any (nothing is said of which exist); a NUL is refused with its message; a link that
/// is none is gone. No 500.
#[tokio::test]
async fn the_reset_form_answers_hostile_input_calmly() {
    use crate::common::text_of;
    let app = spawn_app().await;
    let anonymous = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let reset = format!("{}/password-reset", app.url);
    let post = |email: String, csrf: bool| {
        let (anonymous, reset) = (anonymous.clone(), reset.clone());
        async move {
            // The page's token, from its cookie: the tests send no mail, so the page shows no
            // form (it says to ask the administrator), yet the address still answers.
            let page = anonymous.get(&reset).send().await.unwrap();
            let token = page
                .cookies()
                .find(|c| c.name() == "mamori_pre_csrf")
                .map(|c| c.value().to_string())
                .expect("the page's token");
            assert!(text_of(&page.text().await.unwrap()).contains("管理者に連絡"));
            let mut form = vec![("email", email)];
            if csrf {
                form.push(("csrf", token));
            }
            let res = anonymous.post(&reset).form(&form).send().await.unwrap();
            let status = res.status().as_u16();
            (status, text_of(&res.text().await.unwrap()))
        }
    };
    assert_eq!(post("staff@sajeco.example".into(), false).await.0, 403);
    let (status, text) = post(String::new(), true).await;
    assert_eq!(status, 422, "{text}");
    for email in [
        "a".repeat(100_000),
        "ｓｔａｆｆ＠ｓａｊｅｃｏ．ｅｘａｍｐｌｅ".to_string(),
    ] {
        let (status, text) = post(email, true).await;
        assert_eq!(status, 200, "{text}");
    }
    // A NUL is refused by every form, with its message.
    let (status, text) = post("staff\0@sajeco.example".into(), true).await;
    assert_eq!(status, 422, "{text}");
    assert!(text.contains("制御文字"), "{text}");
    let res = anonymous
        .post(format!("{reset}/{}", "0".repeat(64)))
        .form(&[("password", "x"), ("password_confirm", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 410);
    assert!(text_of(&res.text().await.unwrap()).contains("このリンクは使えません"));
    let res = anonymous.get(format!("{reset}/%00")).send().await.unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
}
