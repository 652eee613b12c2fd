//! Risks, the statement of applicability, internal rules, continuity drills, facility assessments
//! and the IPA self-assessment over HTTP against the demo: levels computed on the organisation's
//! method, residual risks briefed to staff with their reads tracked, a risk review proposed for a
//! new or reclassified asset, a missed drill target raising a corrective action, and the
//! statement's XLSX and PDF read back.

use crate::common;

use common::{pdftotext, spawn_app, text_of};
use reqwest::Method;
use serde_json::json;

/// The read count of a risk's briefing, from its page.
fn reads(page: &str) -> i64 {
    let section = page
        .split("id=\"risk-briefing\"")
        .nth(1)
        .expect("briefing shown")
        .split("</section>")
        .next()
        .unwrap();
    let text = text_of(section);
    let count = text
        .split("既読")
        .nth(1)
        .unwrap()
        .split(['/', '&'])
        .next()
        .unwrap();
    count.parse().unwrap_or_else(|_| panic!("{text}"))
}

#[tokio::test]
async fn risks_are_rated_on_the_method_and_residual_risks_are_briefed_to_staff() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    // Full-width letters are read as the scale's letters; the level comes from the matrix.
    let (status, risk) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/risks",
            Some(json!({"asset_group": "社員用PC一式", "threat": "マルウェア感染 ZQ-1", "vulnerability": "パターンファイルの更新漏れ",
                        "likelihood": "Ａ", "impact": "b", "level": "III", "treatment": "modify",
                        "plan": "自動更新の設定と月次の確認", "owner": "0001", "due_on": "2026-12-31",
                        "residual_likelihood": "C", "residual_impact": "B"})),
        )
        .await;
    assert_eq!(status, 201, "{risk}");
    assert_eq!(risk["likelihood"], "A");
    assert_eq!(risk["level"], "I", "computed, not taken: {risk}");
    assert_eq!(risk["residual_level"], "III");
    assert_eq!(risk["acceptable"], "yes");
    assert_eq!(risk["status"], "assessed");
    assert!(risk["code"].as_str().unwrap().starts_with("R-"));
    // Off the scale, half a pair, a treatment without its plan, no subject: refused, nothing written.
    for (body, code) in [
        (
            json!({"asset_group": "x", "threat": "t", "vulnerability": "v", "likelihood": "Z", "impact": "A"}),
            "not-on-scale",
        ),
        (
            json!({"asset_group": "x", "threat": "t", "vulnerability": "v", "likelihood": "A", "impact": "A", "residual_likelihood": "B"}),
            "residual_impact",
        ),
        (
            json!({"asset_group": "x", "threat": "t", "vulnerability": "v", "likelihood": "A", "impact": "A", "treatment": "modify"}),
            "needed-for-modify",
        ),
        (
            json!({"threat": "t", "vulnerability": "v", "likelihood": "A", "impact": "A"}),
            "asset-or-group",
        ),
        (
            json!({"asset_group": "x", "likelihood": "A", "impact": "A"}),
            "threat",
        ),
    ] {
        app.refused(&isms, "/api/v1/risks", body, code).await;
    }
    let (_, all) = app
        .api(&isms, Method::GET, "/api/v1/risks?q=ZQ-1", None)
        .await;
    assert_eq!(all["total"], 1, "{all}");
    // An agenda item of a meeting may be about a risk.
    let (_, meetings) = app
        .api(&isms, Method::GET, "/api/v1/meetings?limit=1", None)
        .await;
    let (status, item) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/meeting-items",
            Some(
                json!({"meeting": meetings["items"][0]["code"], "kind": "decision",
                        "content": "自動更新の設定を全社で行う", "risk": risk["code"]}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{item}");
    assert_eq!(item["risk"], risk["code"]);
    // Staff do not read the risk register.
    let staff = app.token("staff").await;
    let (status, _) = app.api(&staff, Method::GET, "/api/v1/risks", None).await;
    assert_eq!(status, 403);

    // The method is the organisation's: a four-letter likelihood scale and a stricter acceptance.
    let browser = app.browser("isms").await;
    let res = app
        .post_form(
            &browser,
            "/o/sajeco/settings",
            "/o/sajeco/settings/risk-method",
            &[
                // Each scale is a list: its values, then a blank row typed in (full-width folds).
                ("likelihood-0", "Ａ"),
                ("likelihood-1", "B"),
                ("likelihood-2", "C"),
                ("likelihood-3", "Ｄ"),
                ("likelihood-4", ""),
                ("impact-0", "A"),
                ("impact-1", "B"),
                ("impact-2", "C"),
                ("priority-0", "A"),
                ("priority-1", "B"),
                ("priority-2", "C"),
                ("levels-0", "I"),
                ("levels-1", "II"),
                ("levels-2", "III"),
                ("acceptable", "III"),
                ("cell-0-0", "I"),
                ("cell-0-1", "I"),
                ("cell-0-2", "II"),
                ("cell-1-0", "I"),
                ("cell-1-1", "II"),
                ("cell-1-2", "III"),
                ("cell-2-0", "II"),
                ("cell-2-1", "III"),
                ("cell-2-2", "III"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let settings = app.page(&browser, "/o/sajeco/settings").await;
    assert!(
        settings.contains("name=\"likelihood-3\" value=\"D\""),
        "saved with the new letter"
    );
    // A bad method is refused with a message and changes nothing.
    let res = app
        .post_form(
            &browser,
            "/o/sajeco/settings",
            "/o/sajeco/settings/risk-method",
            &[
                ("likelihood-0", "A"),
                ("likelihood-1", "A"),
                ("likelihood-2", ""),
                ("likelihood-3", ""),
                ("impact-0", "A"),
                ("priority-0", "A"),
                ("levels-0", "I"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("重複のない"), "{}", text_of(&page));
    let settings = app.page(&browser, "/o/sajeco/settings").await;
    assert!(settings.contains("name=\"likelihood-3\" value=\"D\""));
    // D is now on the scale; its new cells took the lowest level.
    let (status, d) = app
        .api(&isms, Method::POST, "/api/v1/risks", Some(json!({"asset_group": "来客", "threat": "t", "vulnerability": "v", "likelihood": "D", "impact": "A"})))
        .await;
    assert_eq!((status, d["level"].as_str()), (201, Some("III")), "{d}");

    // A change of the matrix computes the risks' levels again: C × B is now level I, above the
    // acceptance criteria.
    let res = app
        .post_form(
            &browser,
            "/o/sajeco/settings",
            "/o/sajeco/settings/risk-method",
            &[
                ("likelihood-0", "A"),
                ("likelihood-1", "B"),
                ("likelihood-2", "C"),
                ("likelihood-3", "D"),
                ("impact-0", "A"),
                ("impact-1", "B"),
                ("impact-2", "C"),
                ("priority-0", "A"),
                ("priority-1", "B"),
                ("priority-2", "C"),
                ("levels-0", "I"),
                ("levels-1", "II"),
                ("levels-2", "III"),
                ("acceptable", "III"),
                ("cell-2-1", "I"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, again) = app
        .api(
            &isms,
            Method::GET,
            &format!("/api/v1/risks/{}", risk["id"]),
            None,
        )
        .await;
    assert_eq!(
        (
            again["residual_level"].as_str(),
            again["acceptable"].as_str()
        ),
        (Some("I"), Some("no")),
        "{again}"
    );

    // A level renamed in its list is renamed in the matrix and the risks: the form names the cell
    // by the level as it was (I), which is now 高.
    let mut form = method_form(&["A", "B", "C", "D"], &["高", "II", "III"]);
    form.push(("acceptable".into(), "III".into()));
    form.push(("cell-3-0".into(), "I".into()));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = app
        .post_form(
            &browser,
            "/o/sajeco/settings",
            "/o/sajeco/settings/risk-method",
            &pairs,
        )
        .await;
    assert_eq!(res.status(), 303);
    let (_, renamed) = app
        .api(
            &isms,
            Method::GET,
            &format!("/api/v1/risks/{}", d["id"]),
            None,
        )
        .await;
    assert_eq!(renamed["level"], "高", "{renamed}");
    let settings = app.page(&browser, "/o/sajeco/settings").await;
    assert!(settings.contains("name=\"levels-0\" value=\"高\""));
    // A rating risks use cannot be renamed: the risks would hold a value the method lost.
    let form = method_form(&["Z", "B", "C", "D"], &["高", "II", "III"]);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = app
        .post_form(
            &browser,
            "/o/sajeco/settings",
            "/o/sajeco/settings/risk-method",
            &pairs,
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = text_of(&res.text().await.unwrap());
    assert!(
        page.contains("発生可能性の「A」は記録で使われている"),
        "{page}"
    );
    let settings = app.page(&browser, "/o/sajeco/settings").await;
    assert!(
        settings.contains("name=\"likelihood-0\" value=\"A\""),
        "nothing changed"
    );

    // Briefing staff: a notice for everyone, named on the risk; reads are counted on its page.
    let id = risk["id"].as_i64().unwrap();
    let risk_page = app.page(&browser, &format!("/o/sajeco/risks/{id}")).await;
    assert!(risk_page.contains("id=\"brief-risk\""));
    let res = app
        .post_form(
            &browser,
            &format!("/o/sajeco/risks/{id}"),
            &format!("/o/sajeco/risks/{id}/brief"),
            &[],
        )
        .await;
    assert_eq!(res.status(), 303);
    let notice_href = res.headers()["location"].to_str().unwrap().to_string();
    let (_, briefed) = app
        .api(&isms, Method::GET, &format!("/api/v1/risks/{id}"), None)
        .await;
    assert_eq!(briefed["staff_must_know"], "yes");
    assert!(
        briefed["notice"].as_str().unwrap().starts_with("N-"),
        "{briefed}"
    );
    let risk_page = app.page(&browser, &format!("/o/sajeco/risks/{id}")).await;
    assert!(!risk_page.contains("id=\"brief-risk\""), "briefed once");
    let read_0 = reads(&risk_page);
    // A member of staff reads it and acknowledges; the risk's page counts one more.
    let staff_browser = app.browser("staff").await;
    let notice = app.page(&staff_browser, &notice_href).await;
    assert!(notice.contains("マルウェア感染"), "{}", text_of(&notice));
    let res = app
        .post_form(
            &staff_browser,
            &notice_href,
            &format!("{notice_href}/read"),
            &[],
        )
        .await;
    assert_eq!(res.status(), 303);
    let after = app.page(&browser, &format!("/o/sajeco/risks/{id}")).await;
    let read_1 = reads(&after);
    assert_eq!(read_1, read_0 + 1);
    // A second briefing opens the same notice.
    let res = app
        .post_form(
            &browser,
            &format!("/o/sajeco/risks/{id}"),
            &format!("/o/sajeco/risks/{id}/brief"),
            &[],
        )
        .await;
    assert_eq!(res.headers()["location"].to_str().unwrap(), notice_href);

    // Six clicks at once on another risk, through two instances, brief it once.
    let (_, other) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/risks",
            Some(json!({"asset_group": "顧客名簿", "threat": "誤送信 ZQ-2", "vulnerability": "宛先確認の省略",
                        "likelihood": "B", "impact": "A", "treatment": "modify", "plan": "送信前の二人確認",
                        "owner": "0001", "due_on": "2026-12-31"})),
        )
        .await;
    let page = format!("/o/sajeco/risks/{}", other["id"]);
    let csrf = common::field_value(&app.page(&browser, &page).await, "csrf");
    let second = app.second_instance().await;
    let clicks: Vec<_> = (0..6)
        .map(|i| {
            let base = if i % 2 == 0 {
                app.url.clone()
            } else {
                second.clone()
            };
            let (browser, url, csrf) =
                (browser.clone(), format!("{base}{page}/brief"), csrf.clone());
            tokio::spawn(async move {
                let res = browser
                    .post(url)
                    .form(&[("csrf", csrf)])
                    .send()
                    .await
                    .unwrap();
                (
                    res.status().as_u16(),
                    res.headers()["location"].to_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    let mut answers = Vec::new();
    for c in clicks {
        answers.push(c.await.unwrap());
    }
    assert!(
        answers.iter().all(|a| a == &answers[0] && a.0 == 303),
        "{answers:?}"
    );
    let code = other["code"].as_str().unwrap();
    let (_, notices) = app
        .api(
            &isms,
            Method::GET,
            "/api/v1/notices?kind=risk&limit=100",
            None,
        )
        .await;
    let briefings = notices["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| {
            n["title"]
                .as_str()
                .is_some_and(|t| t.contains("誤送信 ZQ-2"))
        })
        .count();
    assert_eq!(briefings, 1, "{code}: {notices}");
}

async fn proposed(app: &common::App, isms: &str, code: &str) -> i64 {
    let q = format!("/api/v1/risks?asset={code}&status=proposed");
    app.api(isms, Method::GET, &q, None).await.1["total"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_new_or_reclassified_asset_gets_a_risk_review_proposed() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    let (status, asset) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/assets",
            Some(
                json!({"name": "新しい顧客名簿", "kind": "electronic_data", "department": "SOUMU",
                        "classification": "general", "customer_owned": "no"}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{asset}");
    let code = asset["code"].as_str().unwrap();
    assert_eq!(proposed(&app, &isms, code).await, 1);
    let id = asset["id"].as_i64().unwrap();
    // A change of anything else proposes nothing; a new classification proposes another review.
    let (status, _) = app
        .api(
            &isms,
            Method::PATCH,
            &format!("/api/v1/assets/{id}"),
            Some(json!({"location": "金庫"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(proposed(&app, &isms, code).await, 1);
    let (status, _) = app
        .api(
            &isms,
            Method::PATCH,
            &format!("/api/v1/assets/{id}"),
            Some(json!({"classification": "confidential"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(proposed(&app, &isms, code).await, 2);
    // The proposals are among the things to act on.
    let browser = app.browser("isms").await;
    let overdue = app.page(&browser, "/o/sajeco/overdue").await;
    let section = overdue
        .split("id=\"overdue-risks\"")
        .nth(1)
        .expect("risks to act on")
        .split("</table>")
        .next()
        .unwrap();
    assert!(section.contains("新しい顧客名簿"), "{}", text_of(section));
    // The proposal is assessed like any risk: then it needs its threat and ratings.
    let (_, list) = app
        .api(
            &isms,
            Method::GET,
            &format!("/api/v1/risks?asset={code}"),
            None,
        )
        .await;
    let rid = list["items"][0]["id"].as_i64().unwrap();
    let (status, err) = app
        .api(
            &isms,
            Method::PATCH,
            &format!("/api/v1/risks/{rid}"),
            Some(json!({"status": "assessed"})),
        )
        .await;
    assert_eq!(status, 422, "{err}");
    assert!(err.to_string().contains("threat"));
}

#[tokio::test]
async fn a_drill_that_misses_its_target_raises_a_corrective_action() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    let (status, scenario) = app
        .api(&isms, Method::POST, "/api/v1/continuity-scenarios",
             Some(json!({"event": "ファイルサーバーの故障", "likelihood": "B", "priority": "A", "target_hours": "4"})))
        .await;
    assert_eq!(status, 201, "{scenario}");
    let sc = scenario["code"].as_str().unwrap();
    app.refused(
        &isms,
        "/api/v1/continuity-scenarios",
        json!({"event": "x", "priority": "Q", "target_hours": 1}),
        "not-on-scale",
    )
    .await;
    let (status, met) = app
        .api(&isms, Method::POST, "/api/v1/drills",
             Some(json!({"held_on": "2026-05-10", "scenario": sc, "actual_minutes": "240", "target_met": "no"})))
        .await;
    assert_eq!(status, 201, "{met}");
    assert_eq!(
        met["target_met"], "yes",
        "computed from the scenario: {met}"
    );
    // Missed: a follow-up is needed, and it becomes a corrective action.
    app.refused(
        &isms,
        "/api/v1/drills",
        json!({"held_on": "2026-11-01", "scenario": sc, "actual_minutes": 300}),
        "needed-when-missed",
    )
    .await;
    let (status, missed) = app
        .api(&isms, Method::POST, "/api/v1/drills",
             Some(json!({"held_on": "2026-11-01", "scenario": sc, "actual_minutes": "300", "findings": "予備機の場所が分からなかった",
                         "follow_up": "予備機の保管場所を手順書に追記する"})))
        .await;
    assert_eq!(status, 201, "{missed}");
    assert_eq!(missed["target_met"], "no");
    assert_eq!(missed["previous_on"], "2026-05-10");
    let code = missed["code"].as_str().unwrap();
    let (_, actions) = app
        .api(
            &isms,
            Method::GET,
            &format!("/api/v1/corrective-actions?drill={code}"),
            None,
        )
        .await;
    assert_eq!(actions["total"], 1, "{actions}");
    assert_eq!(actions["items"][0]["source"], "drill");
    assert_eq!(
        actions["items"][0]["title"],
        "予備機の保管場所を手順書に追記する"
    );
    assert_eq!(actions["items"][0]["due_on"], "2026-12-01");
    // Editing the drill raises no second action.
    let id = missed["id"].as_i64().unwrap();
    let (status, _) = app
        .api(
            &isms,
            Method::PATCH,
            &format!("/api/v1/drills/{id}"),
            Some(json!({"participants": "情報システム担当 3名"})),
        )
        .await;
    assert_eq!(status, 200);
    let (_, actions) = app
        .api(
            &isms,
            Method::GET,
            &format!("/api/v1/corrective-actions?drill={code}"),
            None,
        )
        .await;
    assert_eq!(actions["total"], 1);
}

#[tokio::test]
async fn rules_take_their_latest_revision_and_facilities_their_average_score() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    let (status, rule) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/internal-rules",
            Some(json!({"code": "T-RULE-1", "title": "テレワーク規程", "kind": "rule"})),
        )
        .await;
    assert_eq!(status, 201, "{rule}");
    for (version, on, content) in [
        ("1.0", "2025-04-01", "制定"),
        ("1.1", "2026-04-01", "私物端末の利用を禁止"),
    ] {
        let (status, rev) = app
            .api(&isms, Method::POST, "/api/v1/rule-revisions",
                 Some(json!({"rule": "T-RULE-1", "version": version, "revised_on": on, "content": content,
                             "approver": "0001", "approved_on": on})))
            .await;
        assert_eq!(status, 201, "{rev}");
    }
    // An older revision entered late does not take over.
    let (status, _) = app
        .api(&isms, Method::POST, "/api/v1/rule-revisions",
             Some(json!({"rule": "T-RULE-1", "version": "0.9", "revised_on": "2024-10-01", "content": "草案"})))
        .await;
    assert_eq!(status, 201);
    app.refused(
        &isms,
        "/api/v1/rule-revisions",
        json!({"rule": "T-RULE-1", "version": "1.1", "revised_on": "2026-05-01", "content": "x"}),
        "duplicate-combination",
    )
    .await;
    app.refused(&isms, "/api/v1/rule-revisions", json!({"rule": "T-RULE-1", "version": "1.2", "revised_on": "2026-05-01", "content": "x", "approver": "0001"}), "approved_on").await;
    let (_, rule) = app
        .api(
            &isms,
            Method::GET,
            &format!("/api/v1/internal-rules/{}", rule["id"]),
            None,
        )
        .await;
    assert_eq!(
        (rule["version"].as_str(), rule["revised_on"].as_str()),
        (Some("1.1"), Some("2026-04-01")),
        "{rule}"
    );
    assert_eq!(rule["approver"], "0001");

    let (status, fa) = app
        .api(&isms, Method::POST, "/api/v1/facility-assessments",
             Some(json!({"building": "第二倉庫", "surveyed_on": "2026-10-01", "average_score": "5.0"})))
        .await;
    assert_eq!(status, 201, "{fa}");
    assert!(fa["average_score"].is_null(), "computed, not taken: {fa}");
    assert_eq!(fa["decision"], "pending");
    let fa_code = fa["code"].as_str().unwrap();
    for (title, score) in [("入退室管理", 4), ("耐震性", 3), ("防火設備", 4)] {
        let (_, c) = app
            .api(
                &isms,
                Method::POST,
                "/api/v1/facility-criteria",
                Some(json!({"title": title})),
            )
            .await;
        let (status, s) = app
            .api(
                &isms,
                Method::POST,
                "/api/v1/facility-scores",
                Some(json!({"assessment": fa_code, "criterion": c["code"], "score": score})),
            )
            .await;
        assert_eq!(status, 201, "{s}");
    }
    app.refused(
        &isms,
        "/api/v1/facility-scores",
        json!({"assessment": fa_code, "criterion": "FC-0001", "score": 9}),
        "int-range",
    )
    .await;
    let (_, fa2) = app
        .api(
            &isms,
            Method::GET,
            &format!("/api/v1/facility-assessments/{}", fa["id"]),
            None,
        )
        .await;
    assert_eq!(fa2["average_score"], "3.7", "{fa2}");
}

#[tokio::test]
async fn the_self_assessment_is_answered_on_one_sheet_and_totalled() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    let browser = app.browser("isms").await;
    // The questions are reference data, loaded once.
    let (_, q) = app
        .api(&isms, Method::GET, "/api/v1/ipa-questions?limit=1", None)
        .await;
    if q["total"] == 0 {
        let res = app
            .post_form(
                &browser,
                "/o/sajeco/ipa-questions/import",
                "/o/sajeco/ipa-questions/starter",
                &[],
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    let (_, q) = app
        .api(&isms, Method::GET, "/api/v1/ipa-questions?limit=30", None)
        .await;
    assert_eq!(q["total"], 25, "{q}");
    let codes: Vec<String> = q["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_string())
        .collect();
    let (status, sa) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/self-assessments",
            Some(json!({"fiscal_year": 2030, "department": "SOUMU"})),
        )
        .await;
    assert_eq!(status, 201, "{sa}");
    let id = sa["id"].as_i64().unwrap();
    let sheet = format!("/o/sajeco/self-assessments/{id}/answers");
    let page = app.page(&browser, &sheet).await;
    assert_eq!(page.matches("type=\"radio\"").count(), 25 * 4);
    // One wrong answer refuses the sheet; nothing is saved.
    let mut fields: Vec<(String, String)> = codes
        .iter()
        .map(|c| (format!("q-{c}"), "4".to_string()))
        .collect();
    fields[3].1 = "3".into();
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let res = app.post_form(&browser, &sheet, &sheet, &borrowed).await;
    assert_eq!(res.status(), 422);
    let (_, none) = app
        .api(
            &isms,
            Method::GET,
            &format!(
                "/api/v1/self-assessment-answers?assessment={}",
                sa["code"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(none["total"], 0);
    // 20 done, 3 partly, 1 not done, 1 unknown: 80 + 6 + 0 − 1 = 85.
    for (i, f) in fields.iter_mut().enumerate() {
        f.1 = match i {
            0..=19 => "4",
            20..=22 => "2",
            23 => "0",
            _ => "-1",
        }
        .into();
    }
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let res = app.post_form(&browser, &sheet, &sheet, &borrowed).await;
    assert_eq!(res.status(), 303);
    let (_, sa2) = app
        .api(
            &isms,
            Method::GET,
            &format!("/api/v1/self-assessments/{id}"),
            None,
        )
        .await;
    assert_eq!(sa2["total"], 85, "{sa2}");
    let overview = text_of(&app.page(&browser, "/o/sajeco/self-assessment").await);
    assert!(overview.contains("85良好"), "{overview}");
    // The same sheet again: answers changed in place, not added.
    let res = app
        .post_form(&browser, &sheet, &sheet, &[(fields[24].0.as_str(), "4")])
        .await;
    assert_eq!(res.status(), 303);
    let (_, sa3) = app
        .api(
            &isms,
            Method::GET,
            &format!("/api/v1/self-assessments/{id}"),
            None,
        )
        .await;
    assert_eq!(sa3["total"], 90);
}

#[tokio::test]
async fn the_statement_of_applicability_is_a_page_a_workbook_and_a_pdf_with_its_history() {
    let app = spawn_app().await;
    let isms = app.token("isms").await;
    // A line per control; one control's line is written here, linked to a rule and a risk.
    let (status, line) = app
        .api(&isms, Method::POST, "/api/v1/soa-entries",
             Some(json!({"control": "A.5.7", "applicable": "yes", "justification": "脅威インテリジェンスを社外インシデント検討で収集する", "status": "partial"})))
        .await;
    if status == 422 {
        // The demo already states A.5.7: edit its line instead.
        assert!(line.to_string().contains("duplicate"), "{line}");
    } else {
        assert_eq!(status, 201, "{line}");
    }
    app.refused(&isms, "/api/v1/soa-entries", json!({"control": "A.5.7", "applicable": "yes", "justification": "x", "status": "implemented"}), "duplicate").await;
    app.refused(&isms, "/api/v1/soa-entries", json!({"control": "A.5.8", "applicable": "no", "justification": "x", "status": "implemented"}), "only-when-applicable").await;
    app.refused(
        &isms,
        "/api/v1/soa-entries",
        json!({"control": "A.5.8", "applicable": "yes", "justification": "x"}),
        "status",
    )
    .await;
    let (_, r) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/internal-rules",
            Some(json!({"code": "T-SOA-1", "title": "脅威情報収集手順", "kind": "procedure"})),
        )
        .await;
    assert!(r["id"].is_i64(), "{r}");
    let (status, _) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/rule-controls",
            Some(json!({"rule": "T-SOA-1", "control": "A.5.7"})),
        )
        .await;
    assert_eq!(status, 201);
    let (_, risk) = app
        .api(&isms, Method::POST, "/api/v1/risks", Some(json!({"asset_group": "全社", "threat": "新たな攻撃手法", "vulnerability": "情報収集の遅れ", "likelihood": "B", "impact": "B"})))
        .await;
    let (status, _) = app
        .api(
            &isms,
            Method::POST,
            "/api/v1/risk-controls",
            Some(json!({"risk": risk["code"], "control": "A.5.7", "role": "planned"})),
        )
        .await;
    assert_eq!(status, 201);

    // A control with many risks shows ten and counts the rest, linking to them all.
    for i in 0..12 {
        let (_, r) = app
            .api(
                &isms,
                Method::POST,
                "/api/v1/risks",
                Some(json!({"asset_group": format!("群{i}"), "threat": "t", "vulnerability": "v", "likelihood": "C", "impact": "C"})),
            )
            .await;
        let (status, _) = app
            .api(
                &isms,
                Method::POST,
                "/api/v1/risk-controls",
                Some(json!({"risk": r["code"], "control": "A.8.34"})),
            )
            .await;
        assert_eq!(status, 201);
    }
    let browser = app.browser("isms").await;
    let page = app.page(&browser, "/o/sajeco/soa").await;
    let many = page
        .split("data-control=\"A.8.34\"")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    let (_, links) = app
        .api(
            &isms,
            Method::GET,
            "/api/v1/risk-controls?control=A.8.34&limit=1",
            None,
        )
        .await;
    let rest = links["total"].as_i64().unwrap() - 10;
    assert!(
        text_of(many).contains(&format!("他{rest}件")),
        "{}",
        text_of(many)
    );
    assert_eq!(many.matches("risks?q=").count(), 10, "{many}");
    assert_eq!(
        page.matches("data-control=\"A.").count(),
        93,
        "{}",
        text_of(&page)
    );
    let row = page
        .split("data-control=\"A.5.7\"")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(
        row.contains("T-SOA-1") && row.contains(risk["code"].as_str().unwrap()),
        "{row}"
    );

    // Edit the line and see the revision in its history.
    let (_, found) = app
        .api(
            &isms,
            Method::GET,
            "/api/v1/soa-entries?control=A.5.7",
            None,
        )
        .await;
    let id = found["items"][0]["id"].as_i64().unwrap();
    let res = app
        .post_form(
            &browser,
            &format!("/o/sajeco/soa-entries/{id}/edit"),
            &format!("/o/sajeco/soa-entries/{id}"),
            &[
                ("control", "A.5.7"),
                ("applicable", "yes"),
                ("justification", "JPCERT/CCとIPAの情報を毎月収集する"),
                ("status", "implemented"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let detail = app
        .page(&browser, &format!("/o/sajeco/soa-entries/{id}"))
        .await
        .replace("&#x2f;", "/");
    let history = detail
        .split("class=\"register history\"")
        .nth(1)
        .expect("history");
    // The revision: what the line said, struck through, and what it says now.
    assert!(
        history.contains(
            "<del>脅威インテリジェンスを社外インシデント検討で収集する</del> → JPCERT/CCとIPAの情報を毎月収集する"
        ) || !line["id"].is_i64(),
        "{}",
        text_of(history)
    );
    assert!(history.contains("JPCERT/CCとIPAの情報を毎月収集する"));

    let xlsx = browser
        .get(format!("{}/o/sajeco/soa.xlsx", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), 200);
    let sheet = mamori_io::sheet::Sheet::from_xlsx(&xlsx.bytes().await.unwrap()).unwrap();
    assert_eq!(sheet.headers[0], "管理策");
    assert_eq!(sheet.rows.len(), 93);
    let a57 = sheet.rows.iter().find(|r| r[0] == "A.5.7").unwrap();
    assert_eq!(a57[2], "適用");
    assert_eq!(a57[3], "JPCERT/CCとIPAの情報を毎月収集する");
    assert_eq!(a57[4], "実施済み");
    assert!(a57[5].contains("T-SOA-1"));

    let pdf = browser
        .get(format!("{}/o/sajeco/soa.pdf", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
    let text = pdftotext(&pdf.bytes().await.unwrap());
    assert!(text.contains("適用宣言書"), "{text}");
    assert!(
        text.contains("A.5.7") && text.contains("A.8.34"),
        "every control"
    );
    assert!(text.contains("JPCERT/CCとIPAの情報を毎月収集する"));
    // Staff read neither the workbook's risks nor anything they may not: the page still opens for
    // members, and the risk links are left out for staff.
    let staff = app.browser("staff").await;
    let res = staff
        .get(format!("{}/o/sajeco/soa", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let staff_page = res.text().await.unwrap();
    assert!(!staff_page.contains(risk["code"].as_str().unwrap()));
}

/// The risk method's form as the settings page sends it: each scale's values as a list, impact and
/// priority A, B, C.
fn method_form(likelihood: &[&str], levels: &[&str]) -> Vec<(String, String)> {
    let mut form = Vec::new();
    for (scale, values) in [
        ("likelihood", likelihood),
        ("impact", &["A", "B", "C"][..]),
        ("priority", &["A", "B", "C"][..]),
        ("levels", levels),
    ] {
        for (i, v) in values.iter().enumerate() {
            form.push((format!("{scale}-{i}"), v.to_string()));
        }
    }
    form
}
