//! Approvals as actions: a handler request is asked (by the person or the secretariat) and
//! decided by the asset's department's appointed manager, whose approval writes the grant.

use crate::common::{spawn_app, text_of};

#[tokio::test]
async fn a_manager_approves_a_handler_request_from_their_home_and_the_grant_is_written() {
    let app = spawn_app().await;
    let manager = app.browser("manager").await;
    // The manager's home names the request waiting for them, and links to it.
    let home = app.page(&manager, "/o/sajeco").await;
    let text = text_of(&home);
    assert!(text.contains("1承認待ちの取扱者の申請"), "{text}");
    assert!(text.contains("部門の未完了の是正処置"), "{text}");
    assert!(home.contains("completed_on_empty=1"));
    assert!(home.contains("handler-requests?request_status=requested&amp;department=SOUMU"));
    let token = app.token("isms").await;
    let id = app.id_of(&token, "handler-requests", "GR-0001").await;
    let path = format!("/o/sajeco/handler-requests/{id}");
    let page = app.page(&manager, &path).await;
    assert!(page.contains("id=\"decide-form\""), "{}", text_of(&page));
    // A rejection needs a reason; nothing changes without one.
    let res = app
        .post_form(
            &manager,
            &path,
            &format!("{path}/decide"),
            &[("decision", "reject"), ("comment", " ")],
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(text_of(&res.text().await.unwrap()).contains("コメント"));
    // The approval: said on the page, the request approved by them, the grant written.
    let res = app
        .post_form(
            &manager,
            &path,
            &format!("{path}/decide"),
            &[
                ("decision", "approve"),
                ("comment", "年次棚卸の期間中に限る"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let page = app
        .page(&manager, &format!("{path}?decided=approved"))
        .await;
    let text = text_of(&page);
    assert!(text.contains("承認しました"), "{text}");
    assert!(!page.contains("decide-form"));
    let (_, request) = app
        .api(
            &token,
            reqwest::Method::GET,
            &format!("/api/v1/handler-requests/{id}"),
            None,
        )
        .await;
    assert_eq!(request["request_status"], "approved");
    assert_eq!(request["decided_by"], "0005");
    assert_eq!(request["comment"], "年次棚卸の期間中に限る");
    let (_, grants) = app
        .api(
            &token,
            reqwest::Method::GET,
            "/api/v1/asset-handlers?asset=A-004&person=0009",
            None,
        )
        .await;
    assert_eq!(grants["total"], 1, "{grants}");
    assert_eq!(grants["items"][0]["approved_by"], "0005");
    assert_eq!(grants["items"][0]["valid_until"], "2027-03-31");
    // A decided request is a record of the decision: not edited any more.
    let (status, refused) = app
        .api(
            &token,
            reqwest::Method::PATCH,
            &format!("/api/v1/handler-requests/{id}"),
            Some(serde_json::json!({"valid_until": "2030-03-31"})),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    // Nobody approves a grant for themselves: the manager's own request waits for another.
    let (_, own) = app
        .api(
            &token,
            reqwest::Method::POST,
            "/api/v1/handler-requests",
            Some(serde_json::json!({"asset": "A-004", "person": "0005", "valid_until": "2027-03-31", "reason": "棚卸の立会い"})),
        )
        .await;
    let own_path = format!("/o/sajeco/handler-requests/{}", own["id"]);
    assert!(!app.page(&manager, &own_path).await.contains("decide-form"));
    let res = app
        .post_form(
            &manager,
            &own_path,
            &format!("{own_path}/decide"),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(res.status(), 403);
    // Decided once: a second decision is refused and changes nothing.
    let res = app
        .post_form(
            &manager,
            &path,
            &format!("{path}/decide"),
            &[("decision", "reject"), ("comment", "取消")],
        )
        .await;
    assert_eq!(res.status(), 409);
    assert!(text_of(&res.text().await.unwrap()).contains("すでに承認または却下"));
    // The trail names the decision.
    let (_, history) = app
        .api(
            &token,
            reqwest::Method::GET,
            &format!("/api/v1/handler-requests/{id}/history"),
            None,
        )
        .await;
    assert!(history.to_string().contains("approved"), "{history}");
}

#[tokio::test]
async fn staff_ask_for_themselves_and_a_rejection_writes_no_grant() {
    let app = spawn_app().await;
    let staff = app.browser("staff").await;
    // From an asset's page: a request for oneself, the asset filled in.
    let token = app.token("isms").await;
    let asset = app.id_of(&token, "assets", "A-001").await;
    let page = app.page(&staff, &format!("/o/sajeco/assets/{asset}")).await;
    assert!(
        page.contains("id=\"request-handler\""),
        "{}",
        text_of(&page)
    );
    let form = app
        .page(&staff, "/o/sajeco/handler-requests/new?asset=A-001")
        .await;
    assert!(
        !form.contains("name=\"request_status\""),
        "the decision is not a field"
    );
    let res = app
        .post_form(
            &staff,
            "/o/sajeco/handler-requests/new",
            "/o/sajeco/handler-requests",
            &[
                ("asset", "A-001"),
                ("person", "0009"),
                ("valid_until", "2027-03-31"),
                ("reason", "規程の改訂作業"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422, "not for someone else");
    let (status, made) = app
        .api(
            &app.token("staff").await,
            reqwest::Method::POST,
            "/api/v1/handler-requests",
            Some(serde_json::json!({"asset": "A-001", "person": "2601", "valid_until": "2027-03-31", "reason": "規程の改訂作業", "request_status": "approved"})),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(
        made["request_status"], "requested",
        "a decision is not written by a form"
    );
    assert_eq!(made["requested_by"], "2601");
    let (status, made) = app
        .api(
            &app.token("isms").await,
            reqwest::Method::POST,
            "/api/v1/handler-requests",
            Some(serde_json::json!({"asset": "A-001", "person": "0009", "valid_until": "2027-03-31", "reason": "規程の改訂作業", "request_status": "approved"})),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(
        made["request_status"], "requested",
        "a decision is not written by a form"
    );
    assert_eq!(made["department"], "SOUMU");
    let path = format!("/o/sajeco/handler-requests/{}", made["id"]);
    // A member who sees it but is not the department's manager has no form and is refused.
    let admin = app.browser("admin").await;
    let page = app.page(&admin, &path).await;
    assert!(
        page.contains("id=\"request-waiting\""),
        "{}",
        text_of(&page)
    );
    assert!(!page.contains("decide-form"));
    let res = app
        .post_form(
            &admin,
            &path,
            &format!("{path}/decide"),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(res.status(), 403);
    assert!(text_of(&res.text().await.unwrap()).contains("部門情報管理責任者"));
    // The ISMS manager lead rejects it, with a reason; no grant.
    let isms = app.browser("isms").await;
    let res = app
        .post_form(
            &isms,
            &path,
            &format!("{path}/decide"),
            &[("decision", "reject"), ("comment", "一般の資産は申請不要")],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, grants) = app
        .api(
            &token,
            reqwest::Method::GET,
            "/api/v1/asset-handlers?asset=A-001&person=0009",
            None,
        )
        .await;
    assert_eq!(grants["total"], 0);
    let (_, request) = app
        .api(
            &token,
            reqwest::Method::GET,
            &format!("/api/v1/handler-requests/{}", made["id"]),
            None,
        )
        .await;
    assert_eq!(request["request_status"], "rejected");
}

/// Two deciders at the same moment (the department's manager and the ISMS manager lead): one
/// decision lands, the other is refused, and one grant is written.
#[tokio::test]
async fn a_request_decided_twice_at_once_is_decided_once() {
    let app = spawn_app().await;
    let token = app.token("isms").await;
    let id = app.id_of(&token, "handler-requests", "GR-0001").await;
    let path = format!("/o/sajeco/handler-requests/{id}");
    let manager = app.browser("manager").await;
    let isms = app.browser("isms").await;
    let decide = format!("{path}/decide");
    let (a, b) = tokio::join!(
        app.post_form(&manager, &path, &decide, &[("decision", "approve")]),
        app.post_form(&isms, &path, &decide, &[("decision", "approve")]),
    );
    let mut codes = [a.status().as_u16(), b.status().as_u16()];
    codes.sort();
    assert_eq!(codes, [303, 409]);
    let (_, grants) = app
        .api(
            &token,
            reqwest::Method::GET,
            "/api/v1/asset-handlers?asset=A-004&person=0009",
            None,
        )
        .await;
    assert_eq!(grants["total"], 1);
}

/// Each area of the menu has a landing page listing what the member may open there, with counts;
/// the menu's area headings link to it.
#[tokio::test]
async fn an_area_s_landing_page_lists_what_the_member_may_open() {
    let app = spawn_app().await;
    let isms = app.browser("isms").await;
    let page = app.page(&isms, "/o/sajeco/areas/assets").await;
    let text = text_of(&page);
    assert!(text.contains("情報資産台帳"), "{text}");
    assert!(text.contains("取扱者の申請"));
    assert!(
        page.contains("href=\"&#x2f;o&#x2f;sajeco&#x2f;areas&#x2f;events\"")
            || page.contains("/o/sajeco/areas/events")
    );
    // Staff: not the registers DESIGN keeps from them (the risk register, audits).
    let staff = app.browser("staff").await;
    let page = app.page(&staff, "/o/sajeco/areas/audit").await;
    let items = page
        .split("id=\"area-items\"")
        .nth(1)
        .expect("the area's items");
    assert!(!items.contains("findings"), "{}", text_of(items));
    assert!(text_of(items).contains("認証"), "{}", text_of(items));
    let res = staff
        .get(format!("{}/o/sajeco/areas/nowhere", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

/// The secretariat's home says where the chosen year's report stands and which recent notices
/// are little read, each opening its records.
#[tokio::test]
async fn the_secretariat_s_home_names_the_report_s_status_and_little_read_notices() {
    let app = spawn_app().await;
    let isms = app.browser("isms").await;
    let text = text_of(&app.page(&isms, "/o/sajeco").await);
    assert!(
        text.contains("下書き2017年度の情報セキュリティ報告書"),
        "{text}"
    );
    // This month's minutes (N-2026-11) are read by three of the organisation so far.
    assert!(text.contains("1既読が8割に満たない最近の掲示"), "{text}");
    assert!(text.contains("承認待ちの取扱者の申請"));
}

/// A decision with a bad comment or choice is refused with a message and changes nothing.
#[tokio::test]
async fn a_decision_with_bad_input_changes_nothing() {
    let app = spawn_app().await;
    let token = app.token("isms").await;
    let id = app.id_of(&token, "handler-requests", "GR-0001").await;
    let path = format!("/o/sajeco/handler-requests/{id}");
    let manager = app.browser("manager").await;
    let huge = "あ".repeat(1001);
    for fields in [
        vec![("decision", "approve"), ("comment", huge.as_str())],
        vec![("decision", "reject"), ("comment", "理由\u{0}")],
        vec![("decision", "ａｐｐｒｏｖｅ")],
        vec![("decision", "")],
        vec![("decision", "approve"), ("decision", "reject")],
    ] {
        let res = app
            .post_form(&manager, &path, &format!("{path}/decide"), &fields)
            .await;
        assert!(
            res.status() == 422 || res.status() == 400,
            "{fields:?}: {}",
            res.status()
        );
    }
    let (_, request) = app
        .api(
            &token,
            reqwest::Method::GET,
            &format!("/api/v1/handler-requests/{id}"),
            None,
        )
        .await;
    assert_eq!(request["request_status"], "requested");
    let (_, grants) = app
        .api(
            &token,
            reqwest::Method::GET,
            "/api/v1/asset-handlers?asset=A-004&person=0009",
            None,
        )
        .await;
    assert_eq!(grants["total"], 0);
}

/// A corrective action a member owns and has not completed is on their My page, a late one said
/// so; completing it takes it off.
#[tokio::test]
async fn my_open_corrective_actions_are_on_my_page() {
    let app = spawn_app().await;
    let token = app.token("isms").await;
    let (status, made) = app
        .api(
            &token,
            reqwest::Method::POST,
            "/api/v1/corrective-actions",
            Some(serde_json::json!({
                "source": "meeting", "meeting": "MT-2026-11", "title": "鍵の点検表を見直す",
                "owner": "0009", "due_on": "2026-11-30",
            })),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    let handler = app.browser("handler").await;
    let me = app.page(&handler, "/o/sajeco/me").await;
    let due = me.split("id=\"due\"").nth(1).unwrap_or("");
    let due = &due[..due.find("</ul>").unwrap_or(due.len())];
    assert!(
        text_of(due).contains("鍵の点検表を見直す"),
        "{}",
        text_of(due)
    );
    assert!(text_of(due).contains("期限切れ"));
    let (status, _) = app
        .api(
            &token,
            reqwest::Method::PATCH,
            &format!("/api/v1/corrective-actions/{}", made["id"]),
            Some(serde_json::json!({"completed_on": "2026-12-01"})),
        )
        .await;
    assert_eq!(status, 200);
    let me = app.page(&handler, "/o/sajeco/me").await;
    assert!(!me.contains("鍵の点検表を見直す"));
}

/// A renewed identity guarantee clears the five-year warning: the dashboard counts each person's
/// latest guarantee, and its link lists the same records.
#[tokio::test]
async fn a_renewed_identity_guarantee_clears_the_five_year_warning() {
    let app = spawn_app().await;
    let token = app.token("isms").await;
    let isms = app.browser("isms").await;
    let figure = |page: &str| -> i64 {
        let text = text_of(page);
        let label = "5年の期間満了が近い・過ぎた身元保証書";
        let at = text
            .find(label)
            .unwrap_or_else(|| panic!("the figure: {text}"));
        let digits: String = text[..at]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        digits.parse().unwrap()
    };
    let before = figure(&app.page(&isms, "/o/sajeco").await);
    assert!(before > 0);
    // The link lists what the figure counts.
    let (_, listed) = app
        .api(
            &token,
            reqwest::Method::GET,
            "/api/v1/identity-guarantees?received_on_to=2099-01-01&latest=1&limit=1000",
            None,
        )
        .await;
    let old = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["received_on"].as_str().unwrap() < "2021-01-01")
        .expect("an old guarantee")
        .clone();
    let (status, renewed) = app
        .api(
            &token,
            reqwest::Method::POST,
            "/api/v1/identity-guarantees",
            Some(serde_json::json!({"person": old["person"], "received_on": "2026-12-01", "kept_at": "書庫"})),
        )
        .await;
    assert_eq!(status, 201, "{renewed}");
    let after = figure(&app.page(&isms, "/o/sajeco").await);
    assert_eq!(after, before - 1, "the renewal clears one warning");
    let (status, _) = app
        .api(
            &token,
            reqwest::Method::GET,
            "/api/v1/identity-guarantees?latest=2",
            None,
        )
        .await;
    assert_eq!(status, 422);
    let (status, _) = app
        .api(
            &token,
            reqwest::Method::GET,
            "/api/v1/people?latest=1",
            None,
        )
        .await;
    assert_eq!(status, 422, "only a register with a latest rule");
}
