//! The golden test: the demo organisation's FY2017 report holds every figure of the reference
//! report (../shared/reference/seed-figures-fy2017.md), its PDF and HTML show them in their tables
//! without the reference's three defects, the FY2016 report renders with ― for the year before the
//! records, and a published report is frozen. On SQLite, and on PostgreSQL when
//! `MAMORI_TEST_DATABASE_URL` is set.

use crate::common;
use mamori_domain::Lang;

use common::{pdftotext_flow as pdftotext, squash};
use mamori_store::reports::ReportStatus;

use mamori_domain::Calendar;
use mamori_domain::registers::SECURITY_EVENTS;
use mamori_report::output::{self, Format};
use mamori_store::testing::TestDb;
use mamori_store::{Access, Input, StoreError};
use serde_json::{Value, json};

/// Every figure of seed-figures-fy2017.md: id, FY2017, FY2016.
fn reference() -> Vec<(String, Value, Value)> {
    let mut out: Vec<(String, Value, Value)> = vec![
        ("training.onboarding.target", json!(34), json!(9)),
        ("training.onboarding.attended", json!(34), json!(9)),
        ("training.periodic.target", json!(27), json!(37)),
        ("training.periodic.attended", json!(27), json!(37)),
        ("training.remedial.target", json!(0), json!(0)),
        ("training.remedial.attended", json!(0), json!(0)),
        ("training.mental_health.target", json!(10), json!(0)),
        ("training.mental_health.attended", json!(10), json!(0)),
        ("training.completion_rate", json!(100), json!(100)),
        ("external_seminars.attendees", json!(5), json!(2)),
        ("external_incident_reviews.reviewed", json!(15), json!(23)),
        ("external_incident_reviews.implemented", json!(1), json!(2)),
        ("relaxation_reviews.reviewed", json!(0), json!(0)),
        ("relaxation_reviews.relaxed", json!(0), json!(0)),
        ("change_assessments.assessed", json!(7), json!(0)),
        ("change_assessments.controls_confirmed", json!(2), json!(0)),
        ("management_review.inputs", json!(20), json!(20)),
        ("management_review.outputs", json!(12), json!(12)),
        ("law_changes.count", json!("none"), json!("none")),
        ("continuity_drills.count", json!(1), json!(1)),
        ("facility_assessments.count", json!("none"), json!("none")),
        ("second_party_audits.count", json!(1), json!("none")),
        ("certification_audit.major", json!(0), json!(0)),
        ("certification_audit.minor", json!(0), json!(0)),
        ("certification_audit.improvement", json!(2), json!(2)),
        // 4(4) and 5.1(4): every objective of the year is counted and listed, and of those the
        // achieved ones, judged from their results.
        ("objectives.count", json!(5), json!(4)),
        ("objectives.achieved", json!(3), json!(4)),
    ]
    .into_iter()
    .map(|(k, c, p)| (k.to_string(), c, p))
    .collect();
    let events = [
        ("IT営業・業務部門", [(0, 0), (7, 6)]),
        ("総務経理部門", [(0, 0), (1, 0)]),
        ("ISO事務局", [(0, 0), (5, 3)]),
    ];
    for (d, [(ic, ip), (nc, np)]) in events {
        out.push((format!("events.incident.{d}"), json!(ic), json!(ip)));
        out.push((format!("events.near_miss.{d}"), json!(nc), json!(np)));
    }
    let findings: [(&str, [(Value, Value); 4]); 3] = [
        (
            "IT営業・業務部門",
            [
                (json!(5), json!(1)),
                (json!(0), json!("none")),
                (json!(0), json!(0)),
                (json!(0), json!(0)),
            ],
        ),
        (
            "総務経理部門",
            [
                (json!(1), json!(0)),
                (json!("n/a"), json!("n/a")),
                (json!(0), json!(0)),
                (json!(0), json!(0)),
            ],
        ),
        (
            "ISO事務局",
            [
                (json!(0), json!(1)),
                (json!("n/a"), json!("n/a")),
                (json!(0), json!(0)),
                (json!(2), json!(2)),
            ],
        ),
    ];
    for (d, rows) in findings {
        for (key, (c, p)) in [
            "first_party.corrective",
            "second_party.corrective",
            "third_party.corrective",
            "third_party.observation",
        ]
        .iter()
        .zip(rows)
        {
            out.push((format!("findings.{key}.{d}"), c, p));
        }
    }
    for d in ["営業部門", "IT業務部門", "総務経理部門", "ISO事務局"] {
        for k in ["claim", "complaint"] {
            out.push((format!("complaints.{k}.{d}"), json!(0), json!(0)));
        }
    }
    out
}

#[tokio::test]
async fn the_demo_report_holds_the_reference_figures_and_freezes_on_publication() {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let org = mamori_io::demo::load(&store, &|_, _, _| {}).await.unwrap();
    let access = Access::system(org, "test");
    let fy = Calendar::APRIL.year(2017);

    // JSON: every reference figure, this year and the previous one.
    let json: Value = serde_json::from_slice(
        &output::produce(&store, &access, fy, Lang::Ja, Format::Json)
            .await
            .unwrap(),
    )
    .unwrap();
    let figures = &json["figures"];
    for (id, current, previous) in reference() {
        assert_eq!(
            figures[&id],
            json!({"current": current, "previous": previous}),
            "figure {id}"
        );
    }
    assert!(figures["human_error.share"]["current"].is_number());
    // Every figure has its drill-down, and the near misses' link lists that department's year.
    let link = json["drill_down"]["events.near_miss.総務経理部門"]["current"]
        .as_str()
        .unwrap();
    assert!(link.contains("occurred_on_from=2017-04-01"), "{link}");
    assert!(
        link.contains("kind=near_miss") && link.contains("department=SOUMU"),
        "{link}"
    );
    // Every figure's `records` list, read by the list's own parser and counted by the store, gives
    // the figure (a share: its records over its whole's, in percent to one decimal).
    let count = |link: &str| {
        let (path, query) = link.split_once('?').unwrap_or((link, ""));
        let reg = mamori_domain::registers::by_collection(path.trim_start_matches("/api/v1/"))
            .unwrap_or_else(|| panic!("{link} names a register"));
        let params: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
        let q = mamori_store::ListQuery::from_params(reg, &params, &[]).unwrap();
        let (store, access) = (store.clone(), access.clone());
        async move { store.count(&access, reg, &q).await.unwrap() }
    };
    let mut counted = 0;
    for (id, figure) in figures.as_object().unwrap() {
        let links = &json["drill_down"][id];
        for year in ["current", "previous"] {
            let (Some(records), Some(value)) =
                (links["records"][year].as_str(), figure[year].as_f64())
            else {
                continue;
            };
            let n = count(records).await;
            let expected = match links["of"][year].as_str() {
                Some(of) => match mamori_domain::FigureValue::share(n, count(of).await) {
                    mamori_domain::FigureValue::Number(x) => x,
                    other => panic!("{id} {year}: {other:?}"),
                },
                None => n as f64,
            };
            assert_eq!(value, expected, "{id} {year}: {records}");
            counted += 1;
        }
    }
    assert!(counted > 90, "{counted} figures followed");

    // The PDF: the figures in their tables, generated headings, none of the three defects.
    let pdf = output::produce(&store, &access, fy, Lang::Ja, Format::Pdf)
        .await
        .unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let text = squash(&pdftotext(&pdf));
    for shown in [
        "34(9)人",
        "27(37)人",
        "0(0)人",
        "10(0)人",
        "15(23)件",
        "1(2)件",
        "0(0)件",
        "7(0)件",
        "2(0)件",
        "20(20)件",
        "12(12)件",
        "7(6)件",
        "1(0)件",
        "5(3)件",
        "5(1)件",
        "0(1)件",
        "0(無し)件",
        "2(2)件",
        "H29.11.25",
        "6時間以内",
        "約30分",
        "札幌国税局徴収部管理運営課監理第三係",
        "※()内の数値は前年度（平成28年度）実績",
        "IC13J0364",
        "事故等発生件数（平成29年度）",
        "苦情・クレーム等発生件数（平成29年度）",
    ] {
        assert!(text.contains(&squash(shown)), "the PDF shows {shown}");
    }
    // Defect 1: the relaxation table is headed with the report's year.
    assert!(text.contains("リスク緩和検討状況（平成29年度）"));
    assert!(!text.contains("リスク緩和検討状況（平成28年度）"));
    // Defect 2: JACO certifies, JIPDEC accredits.
    let facts: Vec<(String, String)> = json["document"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["blocks"].as_array().unwrap().clone())
        .filter(|b| b["type"] == "facts")
        .flat_map(|b| b["rows"].as_array().unwrap().clone())
        .map(|f| {
            (
                f["label"].as_str().unwrap().to_string(),
                f["value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let fact = |label: &str| {
        facts
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(
        fact("認証機関").as_deref(),
        Some("株式会社日本環境認証機構（JACO）")
    );
    assert_eq!(
        fact("認定機関").as_deref(),
        Some("一般財団法人日本情報経済社会推進協会（JIPDEC）")
    );
    assert!(text.contains("認証機関") && text.contains("認定機関") && text.contains("JIPDEC"));
    // Defect 3: the surveillance audit is called one.
    assert!(text.contains("2年次定期サーベイランス審査"));
    assert!(!text.contains("更新審査"));
    // Words relative to the issue date (2018-06-29): FY2017 is last year.
    assert!(text.contains("昨年度は、第四期の三ヵ年目"));
    assert!(!text.contains("{report_year}"));

    // The HTML: the same figures, each a link to its records.
    let html = String::from_utf8(
        output::produce(&store, &access, fy, Lang::Ja, Format::Html)
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(html.contains("7(6)件") && html.contains("0(無し)件"));
    assert!(!html.contains("更新審査") && !html.contains("リスク緩和検討状況（平成28年度）"));
    // A short value keeps to one line, as in the PDF and the DOCX.
    assert!(
        html.contains(r#"<td class="short">100%以上</td>"#),
        "{html}"
    );
    // The human-error share reads the same in the text, the chart's labels and its data table:
    // one rounding rule (a fault printed the 0–1 fraction as "0.8%").
    let share = figures["human_error.share"]["current"].as_f64().unwrap();
    let shown = mamori_domain::FigureValue::Number(share).with_unit("%", Lang::Ja);
    assert!(
        html.matches(&format!(">{shown}<")).count() >= 2,
        "the share {shown} should label the chart and fill its table"
    );
    assert!(!html.contains(">0.8%<") && !html.contains(">1.0%<"));
    // The demo's narratives state the reference's figures through placeholders.
    assert!(html.contains("受講率が 100% となり"));
    assert!(html.contains(&format!("ヒューマンエラー割合が {shown}（前年度 100%）")));
    let report = output::compute(&store, &access, fy, Lang::Ja, None)
        .await
        .unwrap();
    // A narrative names figures by placeholder; they render as the tables print them.
    let mut narratives = serde_json::Map::new();
    narratives.insert(
        "s3-1-1".into(),
        json!("割合は{human_error.share}（前年度{human_error.share.previous}）、総務経理部門のヒヤリハットは{events.near_miss.総務経理部門.both}。{no.such.figure}"),
    );
    let named = mamori_report::model::build(
        &store,
        &access,
        mamori_report::model::Request {
            fy,
            lang: Lang::Ja,
            revision: None,
            narratives,
            issued_on: time::macros::date!(2018 - 06 - 29),
        },
    )
    .await
    .unwrap();
    let passage = named
        .document
        .sections
        .iter()
        .find(|s| s.id == "s3-1-1")
        .and_then(|s| s.blocks.first())
        .map(|b| serde_json::to_string(b).unwrap())
        .unwrap();
    let share = named.figures["human_error.share"];
    assert!(
        passage.contains(&format!("割合は{}", share.current.with_unit("%", Lang::Ja)))
            && passage.contains(&format!(
                "前年度{}",
                share.previous.with_unit("%", Lang::Ja)
            ))
            && passage.contains("ヒヤリハットは1(0)件")
            && passage.contains("{no.such.figure}"),
        "{passage}"
    );
    // Record codes stay out of the report's text unless the organisation chooses them.
    let texts = serde_json::to_string(&report.document).unwrap();
    assert!(
        text.contains("改善余地有り2件。"),
        "the audit's story without its findings' codes"
    );
    for code in ["F-2017-01", "E-2017-04", "RO-2017-02"] {
        assert!(
            !texts.contains(code) && !text.contains(code),
            "{code} hidden"
        );
    }
    let kept = mamori_report::model::Settings::of(&access.org.profile);
    let chosen = mamori_report::model::Settings {
        record_codes: true,
        ..kept.clone()
    };
    store
        .set_report_settings(&access, serde_json::to_value(&chosen).unwrap())
        .await
        .unwrap();
    let org = store.organization("sajeco").await.unwrap();
    let with_codes = output::compute(&store, &Access::system(org, "test"), fy, Lang::Ja, None)
        .await
        .unwrap();
    let texts = serde_json::to_string(&with_codes.document).unwrap();
    for code in ["（F-2017-01、F-2017-02）", "（E-2017-04）", "RO-2017-02"] {
        assert!(texts.contains(code), "{code} shown when chosen");
    }
    store
        .set_report_settings(&access, serde_json::to_value(&kept).unwrap())
        .await
        .unwrap();
    let linked = mamori_report::html::article(&report.document, true, "").unwrap();
    assert!(linked.contains("data-figure=\"events.near_miss.総務経理部門\""));
    assert!(linked.contains("security-events?occurred_on_from=2017-04-01"));
    objectives_report_what_happened(&store, &access, &report.document, &text).await;

    // DOCX and English.
    let docx = output::produce(&store, &access, fy, Lang::Ja, Format::Docx)
        .await
        .unwrap();
    assert!(docx.starts_with(b"PK"));
    let en = output::compute(&store, &access, fy, Lang::En, None)
        .await
        .unwrap();
    assert_eq!(en.document.title, "Information Security Report");
    assert!(en.document.year_label == "FY2017");
    assert!(
        en.document
            .sections
            .iter()
            .all(|s| !s.title.starts_with("r-"))
    );

    // FY2016: its previous year is before the records begin: ―, and 無し where not done.
    let fy2016 = Calendar::APRIL.year(2016);
    let old = output::compute(&store, &access, fy2016, Lang::Ja, None)
        .await
        .unwrap();
    let f = |id: &str| serde_json::to_value(old.figures[id]).unwrap();
    assert_eq!(
        f("events.near_miss.IT営業・業務部門"),
        json!({"current": 6, "previous": "n/a"})
    );
    assert_eq!(
        f("second_party_audits.count"),
        json!({"current": "none", "previous": "n/a"})
    );
    assert_eq!(
        f("findings.second_party.corrective.IT営業・業務部門"),
        json!({"current": "n/a", "previous": "n/a"})
    );
    let old_pdf = output::render(&old, Format::Pdf, mamori_domain::dates::today()).unwrap();
    let old_text = squash(&pdftotext(&old_pdf));
    assert!(old_text.contains("6(―)件"), "the FY2016 PDF shows 6(―)件");
    assert!(old_text.contains("事故等発生件数（平成28年度）"));

    // Workflow: only top management approves; publishing freezes the renderings.
    let revisions = store.report_revisions(&access, 2017).await.unwrap();
    let draft = &revisions[0];
    assert_eq!(draft.status, ReportStatus::Draft);
    let figures_now = serde_json::to_value(&report.figures).unwrap();
    store
        .report_advance(&access, draft.id, ReportStatus::Review, &figures_now)
        .await
        .unwrap();
    assert!(matches!(
        store
            .report_advance(&access, draft.id, ReportStatus::Approved, &Value::Null)
            .await,
        Err(StoreError::Refused("report-approve-top-management"))
    ));
    let president = Access {
        person_id: Some(store.person_id(&access, "0001").await.unwrap()),
        ..access.clone()
    };
    store
        .report_advance(&president, draft.id, ReportStatus::Approved, &Value::Null)
        .await
        .unwrap();
    assert!(matches!(
        store
            .report_edit(&access, draft.id, draft.issued_on, draft.narratives.clone())
            .await,
        Err(StoreError::Refused("report-not-draft"))
    ));
    output::publish(&store, &access, draft.id).await.unwrap();
    // Every rendering a reader can get, in every language: frozen.
    let mut frozen = Vec::new();
    for lang in Lang::ALL {
        for format in [Format::Json, Format::Html, Format::Pdf, Format::Docx] {
            let bytes = output::produce(&store, &access, fy, lang, format)
                .await
                .unwrap();
            frozen.push((lang, format, bytes));
        }
    }
    let frozen_pdf = output::produce(&store, &access, fy, Lang::Ja, Format::Pdf)
        .await
        .unwrap();
    let frozen_json = output::produce(&store, &access, fy, Lang::Ja, Format::Json)
        .await
        .unwrap();

    // A near miss of 総務経理部門 in FY2017 is recorded after publication.
    let input: Input = [
        ("kind", "near_miss"),
        ("occurred_on", "2017-10-02"),
        ("reported_on", "2017-10-02"),
        ("department", "SOUMU"),
        ("description", "公表後に追加した事象"),
        ("cause", "human_error"),
        ("reporter", "0009"),
        ("severity", "low"),
        ("status", "reported"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    store
        .create(&access, &SECURITY_EVENTS, &input)
        .await
        .unwrap();
    let live = output::compute(&store, &access, fy, Lang::Ja, None)
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(live.figures["events.near_miss.総務経理部門"]).unwrap(),
        json!({"current": 2, "previous": 0})
    );
    for (lang, format, bytes) in &frozen {
        assert!(
            output::produce(&store, &access, fy, *lang, *format)
                .await
                .unwrap()
                == *bytes,
            "the published {lang} {format:?} changed after a record of its year did"
        );
    }
    let again: Value = serde_json::from_slice(
        &output::produce(&store, &access, fy, Lang::Ja, Format::Json)
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        again["figures"]["events.near_miss.総務経理部門"],
        json!({"current": 1, "previous": 0})
    );
    assert_eq!(
        again,
        serde_json::from_slice::<Value>(&frozen_json).unwrap()
    );
    // The English rendering was frozen at the same point of the trail, with the same figures.
    let english: Value = serde_json::from_slice(
        &output::produce(&store, &access, fy, Lang::En, Format::Json)
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(english["lang"], "en");
    assert_eq!(english["audit_head"], again["audit_head"]);
    assert_eq!(
        english["figures"].as_object().map(|f| f.len()),
        again["figures"].as_object().map(|f| f.len())
    );
    // The publication's hashes are in the audit trail, and match the files.
    let (pdf_bytes, sha) = store.report_file(&access, draft.id, "pdf").await.unwrap();
    assert_eq!(pdf_bytes, frozen_pdf);
    let after = store
        .pool()
        .fetch_one(
            "SELECT after_json FROM audit_events WHERE entity = 'report' AND action = 'publish' AND entity_id = $1",
            &[draft.id.into()],
        )
        .await
        .unwrap()
        .text(0)
        .unwrap();
    assert!(after.contains(&sha), "{after}");
    // The published report carries the trail's head it was computed at: in its JSON, its
    // revision and its publication's audit entry; the chain holds that hash at that seq.
    let head = store
        .report_revision(&access, draft.id)
        .await
        .unwrap()
        .audit_head
        .expect("the published revision keeps the head");
    assert_eq!(
        again["audit_head"],
        json!({"seq": head.seq, "hash": head.hash})
    );
    assert!(after.contains(&head.hash), "{after}");
    let at_seq = store
        .pool()
        .fetch_one(
            "SELECT hash FROM audit_events WHERE seq = $1",
            &[head.seq.into()],
        )
        .await
        .unwrap()
        .text(0)
        .unwrap();
    assert_eq!(at_seq, head.hash);
    assert_eq!(
        store.audit_verify(&access).await.unwrap().first_broken,
        None
    );

    // A correction is a new revision with a change note.
    assert!(matches!(
        store
            .report_start(&access, 2017, draft.issued_on, Default::default(), None)
            .await,
        Err(StoreError::Invalid(_))
    ));
    let second = store
        .report_start(
            &access,
            2017,
            draft.issued_on,
            Default::default(),
            Some("5.2(9)の件数を訂正"),
        )
        .await
        .unwrap();
    let r2 = store.report_revision(&access, second).await.unwrap();
    assert_eq!((r2.revision, r2.status), (2, ReportStatus::Draft));
    assert_eq!(
        r2.narratives, draft.narratives,
        "a correction starts from the published text"
    );
    // Until the correction is published, readers get the published revision; its editors can
    // look at the draft, computed from the records now.
    for (lang, format, bytes) in &frozen {
        assert!(
            output::produce(&store, &access, fy, *lang, *format)
                .await
                .unwrap()
                == *bytes,
            "a draft correction replaced the published {lang} {format:?}"
        );
    }
    let draft_json: Value = serde_json::from_slice(
        &output::produce_revision(&store, &access, fy, &r2, Lang::Ja, Format::Json)
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        (
            draft_json["revision"].as_i64(),
            draft_json["status"].as_str()
        ),
        (Some(2), Some("draft"))
    );
    assert_eq!(
        draft_json["figures"]["events.near_miss.総務経理部門"],
        json!({"current": 2, "previous": 0})
    );
}

/// 5.1(4): each objective's result is its year's, made from its results as it says (the near
/// misses of both half years added up, the patch rate's worst half year), in the target's unit,
/// linked to exactly those results; achievement is judged from it, and an objective without a
/// numeric target is listed with ― and not judged.
async fn objectives_report_what_happened(
    store: &mamori_store::Store,
    access: &Access,
    document: &mamori_report::document::Document,
    pdf_text: &str,
) {
    use mamori_report::document::{Block, Table};
    let table = |id: &str| -> Table {
        document
            .sections
            .iter()
            .find(|s| s.id == id)
            .and_then(|s| {
                s.blocks.iter().find_map(|b| match b {
                    Block::Table(t) => Some(t.clone()),
                    _ => None,
                })
            })
            .unwrap_or_else(|| panic!("a table in {id}"))
    };
    let results = table("s5-1-4");
    let row = |title: &str| {
        results
            .rows
            .iter()
            .find(|r| r[0].text == title)
            .unwrap_or_else(|| panic!("a row for {title}"))
            .clone()
    };
    let texts =
        |title: &str| -> Vec<String> { row(title)[..4].iter().map(|c| c.text.clone()).collect() };
    assert_eq!(
        texts("ヒヤリハット報告件数"),
        ["ヒヤリハット報告件数", "12件以上", "13件", "達成"]
    );
    assert_eq!(
        texts("OSセキュリティパッチの月次適用率"),
        [
            "OSセキュリティパッチの月次適用率",
            "100%以上",
            "95%",
            "未達成"
        ]
    );
    assert_eq!(
        texts("重大なセキュリティ事故の件数"),
        ["重大なセキュリティ事故の件数", "0件以下", "0件", "達成"]
    );
    assert_eq!(
        texts("ISMS・QMS・EMS 統合マニュアルのスリム化"),
        ["ISMS・QMS・EMS 統合マニュアルのスリム化", "―", "9件", "―"]
    );
    assert_eq!(results.rows.len(), 5, "every objective of the year");
    assert_eq!(
        table("s4-4").rows.len(),
        5,
        "every objective counted is listed"
    );
    for shown in ["13件", "95%", "12件以上"] {
        assert!(pdf_text.contains(shown), "the PDF shows {shown}");
    }
    // The result's link lists the two half years' results it was made from.
    let href = row("ヒヤリハット報告件数")[2].href.clone().expect("a link");
    assert_eq!(
        href,
        "/o/sajeco/objective-results?measured_on_from=2017-04-01&measured_on_to=2018-03-31&objective=OB-2017-02"
    );
    let params: Vec<(String, String)> = href
        .split_once('?')
        .unwrap()
        .1
        .split('&')
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (k.to_string(), v.to_string())
        })
        .collect();
    let query = mamori_store::ListQuery::from_params(
        &mamori_domain::registers::OBJECTIVE_RESULTS,
        &params,
        &[],
    )
    .unwrap();
    let listed = store
        .list_all(access, &mamori_domain::registers::OBJECTIVE_RESULTS, &query)
        .await
        .unwrap();
    let values: Vec<String> = listed
        .iter()
        .map(|r| {
            r.value(&mamori_domain::registers::OBJECTIVE_RESULTS, "value")
                .unwrap()
                .to_plain()
        })
        .collect();
    assert_eq!(values, ["6", "7"]);
}
