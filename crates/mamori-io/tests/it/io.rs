//! Files in and out of registers, and the demo organisation, against a real database.

use crate::common;
use mamori_domain::registers::{APPOINTMENTS, DEPARTMENTS, OBJECTIVES, PEOPLE};
use mamori_io::{IoError, Sheet, sheet};
use mamori_store::testing::TestDb;
use mamori_store::{Access, ListQuery};

pub(crate) fn all() -> ListQuery {
    ListQuery {
        limit: 1000,
        ..Default::default()
    }
}

#[tokio::test]
async fn the_demo_organisation_loads_with_its_people_departments_and_appointments() {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let org = mamori_io::demo::load(&store, &|_, _, _| {}).await.unwrap();
    assert_eq!(org.slug, "sajeco");
    let access = Access::system(org, "test");
    assert!(store.list(&access, &PEOPLE, &all()).await.unwrap().total >= 40);
    assert_eq!(
        store
            .list(&access, &DEPARTMENTS, &all())
            .await
            .unwrap()
            .total,
        6
    );
    assert!(
        store
            .list(&access, &APPOINTMENTS, &all())
            .await
            .unwrap()
            .total
            >= 5
    );
    // Everyone signed the NDA, the external advisor included.
    let staff = store
        .list(&access, &PEOPLE, &all())
        .await
        .unwrap()
        .items
        .len();
    assert_eq!(
        store
            .list(&access, &mamori_domain::registers::PLEDGES, &all())
            .await
            .unwrap()
            .total as usize,
        staff
    );
    let courses = store
        .list(&access, &mamori_domain::registers::COURSES, &all())
        .await
        .unwrap();
    // Onboarding, periodic, remedial, mental health, and the internal auditors' course.
    assert_eq!(courses.total, 5);
    let renewal = store
        .list(
            &access,
            &mamori_domain::registers::IDENTITY_GUARANTEES,
            &ListQuery {
                q: Some("更新".into()),
                limit: 5,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(renewal.total, 1, "one guarantee near its five-year limit");
    let ito = store
        .list(
            &access,
            &PEOPLE,
            &ListQuery {
                q: Some("伊藤 直樹".into()),
                limit: 5,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(ito.total, 1);
    for (email, ..) in mamori_io::demo::ACCOUNTS {
        assert!(
            store
                .sign_in(email, mamori_io::demo::PASSWORD)
                .await
                .is_ok(),
            "{email}"
        );
    }
}

/// Every record loaded in bulk has its own entry in the audit trail, chained and verifiable.
#[tokio::test]
async fn every_imported_record_has_its_creation_in_the_audit_trail() {
    let demo = common::Demo::load().await;
    let (store, org) = (demo.store.clone(), demo.access.org.clone());
    let access = Access::system(org, "test");
    for reg in [
        &PEOPLE,
        &mamori_domain::registers::ASSETS,
        &mamori_domain::registers::ATTENDANCES,
    ] {
        let page = store.list(&access, reg, &all()).await.unwrap();
        for r in page.items.iter().take(5) {
            let history = store.history(&access, reg, r.id).await.unwrap();
            assert_eq!(
                history.first().map(|h| h.action.as_str()),
                Some("create"),
                "{} {}",
                reg.code,
                r.id
            );
        }
    }
    // A disposed asset: created, then withdrawn by its disposal.
    let disposed = store
        .list(
            &access,
            &mamori_domain::registers::ASSETS,
            &ListQuery {
                status: mamori_store::Status::Withdrawn,
                ..all()
            },
        )
        .await
        .unwrap();
    let history = store
        .history(
            &access,
            &mamori_domain::registers::ASSETS,
            disposed.items[0].id,
        )
        .await
        .unwrap();
    assert_eq!(
        history
            .iter()
            .map(|h| h.action.as_str())
            .collect::<Vec<_>>(),
        ["create", "withdraw"]
    );
    let v = store.verify_audit(&|_, _| {}).await.unwrap();
    assert!(v.intact() && v.rows > 800, "{v:?}");
}

#[tokio::test]
async fn people_round_trip_through_xlsx_and_csv() {
    let demo = common::Demo::load().await;
    let (store, org) = (demo.store.clone(), demo.access.org.clone());
    let access = Access::system(org, "test");
    let people = store.list(&access, &PEOPLE, &all()).await.unwrap();
    let headers: Vec<String> = PEOPLE
        .fields
        .iter()
        .map(|f| format!("見出し{}", f.name))
        .collect();
    let out = Sheet::from_records(headers, &people.items);
    let xlsx = out.to_xlsx(&PEOPLE, "社員等").unwrap();
    let csv = out.to_csv().unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    let alias = |h: &str| {
        PEOPLE
            .fields
            .iter()
            .find(|f| h == format!("見出し{}", f.name))
            .map(|f| f.name)
    };

    for back in [
        Sheet::from_xlsx(&xlsx).unwrap(),
        Sheet::from_csv(&csv).unwrap(),
    ] {
        assert_eq!(back.rows, out.rows);
        // Into a fresh organisation with the same departments, the file imports whole.
        let target_db = TestDb::sqlite().unwrap();
        let target = target_db.store().await.unwrap();
        let org2 = target
            .create_organization(
                &mamori_store::Actor::cli("t"),
                "copy",
                "写し",
                None,
                serde_json::json!({}),
                4,
            )
            .await
            .unwrap();
        let a2 = Access::system(org2, "t");
        let depts = store.list(&access, &DEPARTMENTS, &all()).await.unwrap();
        let dsheet = Sheet::from_records(
            DEPARTMENTS
                .fields
                .iter()
                .map(|f| f.name.to_string())
                .collect(),
            &depts.items,
        );
        sheet::import(&target, &a2, &DEPARTMENTS, &dsheet, &|_| None, &|_, _| {})
            .await
            .unwrap();
        let n = sheet::import(&target, &a2, &PEOPLE, &back, &alias, &|_, _| {})
            .await
            .unwrap();
        assert_eq!(n, people.items.len());
        let copied = target.list(&a2, &PEOPLE, &all()).await.unwrap();
        let values =
            |p: &mamori_store::Page| p.items.iter().map(|r| r.values.clone()).collect::<Vec<_>>();
        assert_eq!(values(&copied), values(&people));
    }
}

#[tokio::test]
async fn an_import_with_a_bad_row_imports_nothing_and_names_row_and_column() {
    let demo = common::Demo::load().await;
    let (store, org) = (demo.store.clone(), demo.access.org.clone());
    let access = Access::system(org, "test");
    let before = store.list(&access, &PEOPLE, &all()).await.unwrap().total;
    let csv = "employee_no,name,employment_type,department,joined_on\n\
               7001,新人 一郎,employee,SOUMU,2024-04-01\n\
               ,,,,\n\
               7002,新人 二郎,employee,SOUMU,2024-04-31\n\
               0001,重複 太郎,employee,XX,2024-04-01\n";
    let sheet = Sheet::from_csv(csv.as_bytes()).unwrap();
    let Err(IoError::Rows(errors)) =
        sheet::import(&store, &access, &PEOPLE, &sheet, &|_| None, &|_, _| {}).await
    else {
        panic!("bad rows must be refused");
    };
    let found: Vec<(usize, &str, &str)> = errors
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.code))
        .collect();
    assert_eq!(
        found,
        [
            (4, "joined_on", "invalid-date"),
            (5, "employee_no", "duplicate"),
            (5, "department", "unknown-ref")
        ]
    );
    assert_eq!(
        store.list(&access, &PEOPLE, &all()).await.unwrap().total,
        before
    );
    // The same new code twice in one file: the second row is the duplicate.
    let twice = "employee_no,name,employment_type,department,joined_on\n\
                 ７００３,新人 三郎,employee,SOUMU,2024-04-01\n\
                 7003,新人 四郎,employee,SOUMU,2024-04-01\n";
    let Err(IoError::Rows(errors)) = sheet::import(
        &store,
        &access,
        &PEOPLE,
        &Sheet::from_csv(twice.as_bytes()).unwrap(),
        &|_| None,
        &|_, _| {},
    )
    .await
    else {
        panic!("a code repeated in the file must be refused");
    };
    assert_eq!(
        errors
            .iter()
            .map(|e| (e.row, e.column.as_str(), e.code))
            .collect::<Vec<_>>(),
        [(3, "employee_no", "duplicate")]
    );
    assert_eq!(
        store.list(&access, &PEOPLE, &all()).await.unwrap().total,
        before
    );

    let bad_header = Sheet::from_csv("employee_no,氏名??\n1,2\n".as_bytes()).unwrap();
    let Err(IoError::Rows(errors)) =
        sheet::import(&store, &access, &PEOPLE, &bad_header, &|_| None, &|_, _| {}).await
    else {
        panic!("unknown columns must be refused");
    };
    assert_eq!(errors[0].code, "unknown-column");
    assert!(
        errors
            .iter()
            .any(|e| e.code == "missing-column" && e.column == "name")
    );
    assert!(matches!(Sheet::from_csv(b""), Err(IoError::Unreadable(_))));
    assert!(matches!(
        Sheet::from_xlsx(b"not a zip"),
        Err(IoError::Unreadable(_))
    ));
    assert!(matches!(
        Sheet::from_csv(b"\xff\xfe\x00"),
        Err(IoError::Encoding)
    ));
}

#[tokio::test]
async fn the_demo_attendance_gives_the_reports_training_figures() {
    let demo = common::Demo::load().await;
    let (store, org) = (demo.store.clone(), demo.access.org.clone());
    let access = Access::system(org, "test");
    let figures = |year| {
        let store = store.clone();
        let access = access.clone();
        async move {
            store
                .completion(&access, mamori_domain::Calendar::APRIL.year(year))
                .await
                .unwrap()
                .into_iter()
                .map(|c| (c.code, (c.sessions > 0, c.expected, c.attended)))
                .collect::<std::collections::HashMap<_, _>>()
        }
    };
    // 5.2(2) of the FY2017 report: target(previous) and attended(previous).
    let (fy2017, fy2016) = (figures(2017).await, figures(2016).await);
    assert_eq!(fy2017["ISO-INIT"], (true, 34, 34));
    assert_eq!(fy2016["ISO-INIT"], (true, 9, 9));
    assert_eq!(fy2017["ISO-PERIODIC"], (true, 27, 27));
    assert_eq!(fy2016["ISO-PERIODIC"], (true, 37, 37));
    assert_eq!(fy2017["ISO-REMEDIAL"], (false, 0, 0));
    assert_eq!(fy2016["ISO-REMEDIAL"], (false, 0, 0));
    assert_eq!(fy2017["MENTAL"], (true, 10, 10));
    assert_eq!(fy2016["MENTAL"], (false, 0, 0));

    // External security seminars: IPA 3 and UNIZON 2 in FY2017, 2 in FY2016.
    let seminars = store
        .list(
            &access,
            &mamori_domain::registers::EXTERNAL_SEMINARS,
            &all(),
        )
        .await
        .unwrap();
    let mut attendees = std::collections::BTreeMap::new();
    for s in &seminars.items {
        let code = s.values[0].to_plain();
        let q = ListQuery {
            filters: vec![("seminar".into(), code.clone())],
            limit: 1,
            ..Default::default()
        };
        let n = store
            .list(&access, &mamori_domain::registers::SEMINAR_ATTENDEES, &q)
            .await
            .unwrap()
            .total;
        assert_eq!(s.values[4].to_plain(), "yes", "security training");
        attendees.insert(code, n);
    }
    let expected: std::collections::BTreeMap<String, i64> =
        [("2016-ISMS", 2), ("2017-IPA", 3), ("2017-UNIZON", 2)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
    assert_eq!(attendees, expected);
}

/// Each objective's code, yearly result and achievement, in code order.
async fn judged_objectives(
    store: &mamori_store::Store,
    access: &Access,
) -> Vec<(String, String, String)> {
    let mut v: Vec<(String, String, String)> = store
        .list_all(access, &OBJECTIVES, &all())
        .await
        .unwrap()
        .iter()
        .map(|o| {
            let get = |f: &str| o.value(&OBJECTIVES, f).unwrap().to_plain();
            (get("code"), get("result"), get("achieved"))
        })
        .collect();
    v.sort();
    v
}

/// Every register the secretariat writes (NDAs, attendance, seminar attendees, the question bank,
/// …) goes out to XLSX or CSV and back into a fresh organisation unchanged, in declaration order.
#[tokio::test]
async fn every_writable_register_round_trips_through_xlsx_and_csv() {
    let demo = common::Demo::load().await;
    let (store, org) = (demo.store.clone(), demo.access.org.clone());
    let access = Access::system(org, "test");
    let target_db = TestDb::new().await.unwrap();
    let target = target_db.store().await.unwrap();
    let org2 = target
        .create_organization(
            &mamori_store::Actor::cli("t"),
            "copy",
            "写し",
            None,
            serde_json::json!({}),
            4,
        )
        .await
        .unwrap();
    let a2 = Access::system(org2, "t");
    let writable = mamori_domain::registers::ALL
        .iter()
        .filter(|r| r.write != mamori_domain::WriteScope::Nobody);
    for (i, reg) in writable.enumerate() {
        if reg.code == "asset_handler" {
            // Test results are not imported (they are taken); a grant needs a passed test, so the
            // copy's people are given theirs the way earlier results are recorded.
            let people = target.list(&a2, &PEOPLE, &all()).await.unwrap();
            let takers: Vec<(i64, time::OffsetDateTime)> = people
                .items
                .iter()
                .map(|p| (p.id, time::OffsetDateTime::now_utc()))
                .collect();
            target
                .record_attempts(&a2, "ISO-INIT", &takers, &|_, q| q.answer.clone())
                .await
                .unwrap();
        }
        // Withdrawn records too (a disposed asset): the disposal, imported in its turn, closes it again.
        let every = ListQuery {
            status: mamori_store::Status::All,
            ..all()
        };
        let records = store.list(&access, reg, &every).await.unwrap();
        assert!(records.total > 0, "{} has demo records", reg.code);
        let out = Sheet::from_records(
            reg.fields.iter().map(|f| f.name.to_string()).collect(),
            &records.items,
        );
        let back = if i % 2 == 0 {
            Sheet::from_xlsx(&out.to_xlsx(reg, reg.code).unwrap()).unwrap()
        } else {
            Sheet::from_csv(&out.to_csv().unwrap()).unwrap()
        };
        assert_eq!(back.rows, out.rows, "{}", reg.code);
        let n = sheet::import(&target, &a2, reg, &back, &|_| None, &|_, _| {})
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", reg.code));
        assert_eq!(n, records.items.len(), "{}", reg.code);
        let copied = target.list(&a2, reg, &every).await.unwrap();
        // The same records; the order may differ where the default sort follows creation order.
        // What the store computes from records of registers imported later (an assessment's
        // average from its scores, an objective's yearly result from its results) is compared
        // there, not here.
        let values = |p: &mamori_store::Page| {
            let mut v: Vec<Vec<String>> = p
                .items
                .iter()
                .map(|r| {
                    r.values
                        .iter()
                        .zip(reg.fields)
                        .map(|(v, f)| {
                            let later = mamori_domain::registers::ALL.iter().any(|other| {
                                other.rollup.is_some_and(|r| {
                                    r.target == f.name
                                        && mamori_domain::registers::target_of(other, r.via)
                                            .is_some_and(|t| t.code == reg.code)
                                })
                            });
                            let judged = reg.code == OBJECTIVES.code
                                && matches!(f.name, "result" | "achieved");
                            if later || judged {
                                String::new()
                            } else {
                                v.to_plain()
                            }
                        })
                        .collect()
                })
                .collect();
            v.sort();
            v
        };
        assert_eq!(values(&copied), values(&records), "{}", reg.code);
    }
    // Once their results are in, the copied objectives are judged as the demo's are.
    let demo = judged_objectives(&store, &access).await;
    assert!(
        demo.iter().any(|(_, r, a)| r == "13" && a == "yes"),
        "{demo:?}"
    );
    assert_eq!(judged_objectives(&target, &a2).await, demo);
}

/// Attendance from a file: full-width input is accepted; an unknown session, a bad status and the
/// same person twice at one session are reported by row and column, and nothing is imported.
#[tokio::test]
async fn attendance_and_pledges_import_all_or_nothing() {
    use mamori_domain::registers::{ATTENDANCES, PLEDGES, SEMINAR_ATTENDEES};
    let demo = common::Demo::load().await;
    let (store, org) = (demo.store.clone(), demo.access.org.clone());
    let access = Access::system(org, "test");
    let before = store
        .list(&access, &ATTENDANCES, &all())
        .await
        .unwrap()
        .total;
    let csv = "session,person,status\n\
               ２０１７-INIT-0401,0004,attended\n\
               2017-NOPE,0001,attended\n\
               2017-PERIODIC,1701,sleeping\n\
               2017-INIT-0401,0004,absent\n";
    let Err(IoError::Rows(errors)) = sheet::import(
        &store,
        &access,
        &ATTENDANCES,
        &Sheet::from_csv(csv.as_bytes()).unwrap(),
        &|_| None,
        &|_, _| {},
    )
    .await
    else {
        panic!("bad rows must be refused");
    };
    let found: Vec<(usize, &str, &str)> = errors
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.code))
        .collect();
    assert_eq!(
        found,
        [
            (3, "session", "unknown-ref"),
            (4, "status", "invalid-choice"),
            (5, "session", "duplicate-combination"),
        ]
    );
    assert_eq!(
        store
            .list(&access, &ATTENDANCES, &all())
            .await
            .unwrap()
            .total,
        before
    );
    // The good row alone imports, full-width session code and all.
    let good = "session,person,status\n２０１７-INIT-0401,0004,attended\n";
    let n = sheet::import(
        &store,
        &access,
        &ATTENDANCES,
        &Sheet::from_csv(good.as_bytes()).unwrap(),
        &|_| None,
        &|_, _| {},
    )
    .await
    .unwrap();
    assert_eq!(n, 1);
    // Someone who joined in 2026 was not at a session in 2017.
    let Err(IoError::Rows(errors)) = sheet::import(
        &store,
        &access,
        &ATTENDANCES,
        &Sheet::from_csv(b"session,person,status\n2017-PERIODIC,2601,attended\n").unwrap(),
        &|_| None,
        &|_, _| {},
    )
    .await
    else {
        panic!("someone not yet joined must be refused");
    };
    assert_eq!(
        (errors[0].column.as_str(), errors[0].code),
        ("person", "person-not-in-force")
    );
    // An NDA with an era date and a seminar attendee who is already listed.
    let pledges = "person,signed_on,version\n9001,令和8年10月1日,第4版\n";
    sheet::import(
        &store,
        &access,
        &PLEDGES,
        &Sheet::from_csv(pledges.as_bytes()).unwrap(),
        &|_| None,
        &|_, _| {},
    )
    .await
    .unwrap();
    let seminars = store
        .list(&access, &SEMINAR_ATTENDEES, &all())
        .await
        .unwrap();
    let first = &seminars.items[0];
    let dup = format!(
        "seminar,person\n{},{}\n",
        first.values[0].to_plain(),
        first.values[1].to_plain()
    );
    let Err(IoError::Rows(errors)) = sheet::import(
        &store,
        &access,
        &SEMINAR_ATTENDEES,
        &Sheet::from_csv(dup.as_bytes()).unwrap(),
        &|_| None,
        &|_, _| {},
    )
    .await
    else {
        panic!("a duplicate attendee must be refused");
    };
    assert_eq!(errors[0].code, "duplicate-combination");
}

/// An XLSX file laid out as the IPA risk analysis sheet's 情報資産管理台帳: a title row, grouped
/// headers over a second header row, and the sheet's own columns.
fn ipa_ledger(rows: &[[&str; 15]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("情報資産管理台帳").unwrap();
    ws.write(0, 0, "情報資産管理台帳").unwrap();
    let top = [
        "No.",
        "業務分類",
        "情報資産名称",
        "備考",
        "利用者範囲",
        "管理部署",
        "媒体・保存先",
        "個人情報の種類",
        "",
        "",
        "評価値",
        "",
        "",
        "重要度",
        "保存期限",
    ];
    let sub = [
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "個人情報",
        "要配慮個人情報",
        "特定個人情報",
        "機密性",
        "完全性",
        "可用性",
        "",
        "",
    ];
    for (c, (t, s)) in top.iter().zip(sub).enumerate() {
        ws.write(2, c as u16, *t).unwrap();
        ws.write(3, c as u16, s).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write(4 + r as u32, c as u16, *v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn the_ipa_asset_ledger_layout_imports() {
    use mamori_domain::registers::ASSETS;
    let demo = common::Demo::load().await;
    let (store, org) = (demo.store.clone(), demo.access.org.clone());
    let access = Access::system(org, "test");
    let file = ipa_ledger(&[
        [
            "1",
            "人事",
            "社員名簿",
            "入退社時に更新",
            "総務経理部門",
            "総務経理部門",
            "事務所PC",
            "有",
            "",
            "",
            "2",
            "2",
            "2",
            "",
            "5年",
        ],
        [
            "2",
            "経理",
            "請求書控え",
            "",
            "総務経理部門",
            "総務経理部門",
            "書類",
            "無",
            "",
            "",
            "1",
            "2",
            "1",
            "2",
            "7年",
        ],
        [
            "3",
            "開発",
            "顧客の設計書",
            "",
            "ICT技術部のみ",
            "ICT技術部",
            "USBメモリ（暗号化）",
            "○",
            "",
            "",
            "3",
            "3",
            "2",
            "3",
            "契約終了まで",
        ],
    ]);
    let sheet = Sheet::from_xlsx(&file).unwrap();
    let n = sheet::import(&store, &access, &ASSETS, &sheet, &|_| None, &|_, _| {})
        .await
        .unwrap();
    assert_eq!(n, 3);
    // The one asset a search finds, as field → value.
    let found = |q: &'static str| {
        let (store, access) = (&store, &access);
        async move {
            let query = ListQuery {
                q: Some(q.into()),
                ..all()
            };
            let page = store.list(access, &ASSETS, &query).await.unwrap();
            assert_eq!(page.total, 1, "{q}");
            let r = page.items[0].clone();
            move |f: &str| r.value(&ASSETS, f).unwrap().to_plain()
        }
    };
    let v = found("社員名簿").await;
    assert!(v("code").starts_with("A-"), "numbered: {}", v("code"));
    assert_eq!(v("business"), "人事");
    assert_eq!(v("department"), "SOUMU", "管理部署 by its name");
    assert_eq!(v("users"), "総務経理部門");
    assert_eq!(v("medium"), "事務所PC");
    assert_eq!(v("kind"), "electronic_data");
    assert_eq!(v("personal_data"), "yes");
    assert_eq!(v("classification"), "confidential", "機密性 2 is 秘密");
    assert_eq!(v("importance"), "2", "the highest rating");
    assert_eq!(v("retention"), "5年");
    assert_eq!(v("note"), "入退社時に更新");
    assert_eq!(v("customer_owned"), "no");
    let design = found("顧客の設計書").await;
    assert_eq!(design("classification"), "strictly_confidential");
    assert_eq!(design("kind"), "physical_media");
    let paper = found("請求書控え").await;
    assert_eq!(paper("kind"), "document");
    assert_eq!(paper("personal_data"), "no");

    // A department the organisation does not have is named with the file's own row number (the
    // title and the two header rows come first), and nothing is written.
    let before = store.list(&access, &ASSETS, &all()).await.unwrap().total;
    let bad = ipa_ledger(&[
        [
            "1",
            "営業",
            "見積書",
            "",
            "営業",
            "総務経理部門",
            "書類",
            "",
            "",
            "",
            "1",
            "1",
            "1",
            "",
            "",
        ],
        [
            "2",
            "営業",
            "提案書",
            "",
            "営業",
            "存在しない部",
            "書類",
            "",
            "",
            "",
            "4",
            "1",
            "1",
            "",
            "",
        ],
    ]);
    let Err(IoError::Rows(errors)) = sheet::import(
        &store,
        &access,
        &ASSETS,
        &Sheet::from_xlsx(&bad).unwrap(),
        &|_| None,
        &|_, _| {},
    )
    .await
    else {
        panic!("bad rows must be refused");
    };
    let found: Vec<(usize, &str, &str)> = errors
        .iter()
        .map(|e| (e.row, e.column.as_str(), e.code))
        .collect();
    assert!(
        found.contains(&(6, "department", "unknown-ref")),
        "{found:?}"
    );
    assert!(
        found.contains(&(6, "confidentiality", "int-range")),
        "{found:?}"
    );
    assert_eq!(
        store.list(&access, &ASSETS, &all()).await.unwrap().total,
        before
    );
}

/// The parts every XLSX needs around its one worksheet.
const XLSX_PARTS: [(&str, &str); 4] = [
    (
        "[Content_Types].xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
    ),
    (
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    ),
    (
        "xl/workbook.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="people" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    ),
    (
        "xl/_rels/workbook.xml.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
    ),
];

/// An XLSX of people whose worksheet inflates to `mib` MiB: a header row, then the same row again
/// and again. It is written through the zip crate's streaming writer one chunk at a time, so the
/// test holds only the compressed file (under a megabyte per hundred MiB).
fn xlsx_bomb(mib: usize, extra: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write;
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, body) in XLSX_PARTS.iter().chain(extra) {
        zip.start_file(*name, options).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    let cell = |v: &str| format!(r#"<c t="inlineStr"><is><t>{v}</t></is></c>"#);
    let header: String = [
        "employee_no",
        "name",
        "employment_type",
        "department",
        "joined_on",
    ]
    .iter()
    .map(|h| cell(h))
    .collect();
    write!(
        zip,
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row>{header}</row>"#
    )
    .unwrap();
    let row: String = ["9999", "爆弾", "employee", "SOUMU", "2024-04-01"]
        .iter()
        .map(|v| cell(v))
        .collect();
    let row = format!("<row>{row}</row>");
    let chunk = row.repeat(1024 * 1024 / row.len() + 1);
    let mut written = 0;
    while written < mib * 1024 * 1024 {
        zip.write_all(chunk.as_bytes()).unwrap();
        written += chunk.len();
    }
    zip.write_all(b"</sheetData></worksheet>").unwrap();
    zip.finish().unwrap().into_inner()
}

/// Rewrites the inflated size an archive declares for one entry, in its local header and in the
/// central directory, as a hostile file would.
fn declare_size(mut bytes: Vec<u8>, entry: &str, size: u32) -> Vec<u8> {
    let mut at = 0;
    while let Some(i) = bytes[at..].windows(4).position(|w| w == b"PK\x01\x02") {
        let cd = at + i;
        let name_len = u16::from_le_bytes([bytes[cd + 28], bytes[cd + 29]]) as usize;
        if &bytes[cd + 46..cd + 46 + name_len] == entry.as_bytes() {
            bytes[cd + 24..cd + 28].copy_from_slice(&size.to_le_bytes());
            let local = u32::from_le_bytes(bytes[cd + 42..cd + 46].try_into().unwrap()) as usize;
            bytes[local + 22..local + 26].copy_from_slice(&size.to_le_bytes());
            return bytes;
        }
        at = cd + 4;
    }
    panic!("{entry} is not in the archive");
}

/// The limits that keep a hostile XLSX from exhausting memory. The server's memory under bombs is
/// measured in mamori-web's `tests/uploads.rs`, in a process of its own.
#[tokio::test]
async fn an_xlsx_zip_bomb_is_refused_by_its_limits_before_it_is_read() {
    let demo = common::Demo::load().await;
    let (store, org) = (demo.store.clone(), demo.access.org.clone());
    let access = Access::system(org, "test");
    let before = store.list(&access, &PEOPLE, &all()).await.unwrap().total;

    // 300 MiB of sheet XML in a file of a few megabytes.
    let bomb = xlsx_bomb(300, &[]);
    assert!(bomb.len() < 4 * 1024 * 1024, "{} bytes", bomb.len());
    let limit = (sheet::MAX_SHEET_XML / (1024 * 1024)) as u64;
    assert!(matches!(
        Sheet::from_xlsx(&bomb),
        Err(IoError::Limit { code: "file-sheet-too-large", limit: l }) if l == limit
    ));
    // The same bomb declaring a small size: it is refused while it is inflated, not after.
    let lying = declare_size(bomb, "xl/worksheets/sheet1.xml", 1000);
    assert!(matches!(
        Sheet::from_xlsx(&lying),
        Err(IoError::Limit { .. } | IoError::Unreadable(_))
    ));
    // Within the size limit, rows past the limit stop the reading at the limit.
    let rows = xlsx_bomb(60, &[]);
    assert!(matches!(
        Sheet::from_xlsx(&rows),
        Err(IoError::Limit {
            code: "file-too-many-rows",
            limit: 100_000
        })
    ));
    // A shared strings table that asks the reader to reserve room for a trillion strings.
    let strings = xlsx_bomb(
        0,
        &[(
            "xl/sharedStrings.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1000000000000"><si><t>a</t></si></sst>"#,
        )],
    );
    assert!(matches!(
        Sheet::from_xlsx(&strings),
        Err(IoError::Limit {
            code: "file-too-many-cells",
            ..
        })
    ));
    // One cell far down and to the right would make a sheet of billions of empty cells.
    let far = {
        use std::io::Write;
        let options = zip::write::SimpleFileOptions::default();
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, body) in XLSX_PARTS {
            zip.start_file(name, options).unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        }
        zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
        zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="90000"><c r="XFD90000"><v>1</v></c></row></sheetData></worksheet>"#).unwrap();
        zip.finish().unwrap().into_inner()
    };
    assert!(matches!(
        Sheet::from_xlsx(&far),
        Err(IoError::Limit {
            code: "file-too-many-cells",
            limit: 4_000_000
        })
    ));
    assert_eq!(
        store.list(&access, &PEOPLE, &all()).await.unwrap().total,
        before
    );

    // A small file of the same shape still reads.
    let small = Sheet::from_xlsx(&xlsx_bomb(0, &[])).unwrap();
    assert_eq!(small.headers[0], "employee_no");
}

#[test]
fn a_csv_over_the_row_limit_is_refused_naming_the_limit() {
    let mut csv = String::from("employee_no,name\n");
    for i in 0..sheet::MAX_IMPORT_ROWS {
        csv.push_str(&format!("{i},x\n"));
    }
    assert_eq!(Sheet::from_csv(csv.as_bytes()).unwrap().rows.len(), 100_000);
    csv.push_str("100001,x\n");
    assert!(matches!(
        Sheet::from_csv(csv.as_bytes()),
        Err(IoError::Limit {
            code: "file-too-many-rows",
            limit: 100_000
        })
    ));
}

/// Cells that a spreadsheet would run as formulas, with the numbers and dates beside them that
/// must come out as they went in.
const HOSTILE: [&str; 8] = [
    r#"=HYPERLINK("http://evil.example","x")"#,
    "+81 3 1234 5678",
    "-1+2",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "'=already quoted",
    "'plain quote",
];

#[test]
fn exports_neutralise_formulas_and_import_back_unchanged() {
    use calamine::{Data, Reader};
    use mamori_domain::registers::TEST_ATTEMPTS;
    // course, person, started_on, result, score, pass_mark
    let rows: Vec<Vec<String>> = HOSTILE
        .iter()
        .map(|h| {
            [*h, h, "2024-04-01", "passed", "-5", "80"]
                .map(str::to_string)
                .to_vec()
        })
        .chain([["-3", "+4", "2024-04-02", "-", "7", "+3.5"]
            .map(str::to_string)
            .to_vec()])
        .collect();
    let out = Sheet {
        headers: TEST_ATTEMPTS
            .fields
            .iter()
            .map(|f| f.name.to_string())
            .collect(),
        rows,
    };

    let csv_bytes = out.to_csv().unwrap();
    let mut raw = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(&csv_bytes[3..]);
    let cells: Vec<Vec<String>> = raw
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(cells[0][0], r#"'=HYPERLINK("http://evil.example","x")"#);
    assert_eq!(cells[1][0], "'+81 3 1234 5678");
    assert_eq!(cells[2][0], "'-1+2");
    assert_eq!(cells[3][0], "'@SUM(A1:A9)");
    assert_eq!(cells[4][0], "'\t=1+1");
    assert_eq!(cells[5][0], "'\r=1+1");
    assert_eq!(cells[6][0], "''=already quoted");
    assert_eq!(cells[7][0], "'plain quote");
    // Numbers and dates are not text to neutralise.
    assert_eq!(cells[0][2..], ["2024-04-01", "passed", "-5", "80"]);
    assert_eq!(cells[8], ["-3", "+4", "2024-04-02", "'-", "7", "+3.5"]);

    let xlsx_bytes = out.to_xlsx(&TEST_ATTEMPTS, "attempts").unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::Xlsx::new(std::io::Cursor::new(xlsx_bytes.clone())).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    let at = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap();
    assert_eq!(
        at(1, 0),
        Data::String(r#"'=HYPERLINK("http://evil.example","x")"#.into())
    );
    assert_eq!(at(3, 1), Data::String("'-1+2".into()));
    assert_eq!(at(7, 0), Data::String("''=already quoted".into()));
    assert_eq!(
        at(1, 4),
        Data::Float(-5.0),
        "a negative score stays a number"
    );
    assert!(matches!(at(1, 2), Data::DateTime(_)), "a date stays a date");
    assert_eq!(at(9, 0), Data::String("-3".into()));
    assert_eq!(at(9, 3), Data::String("'-".into()));
    let formulas = book.worksheet_formula("attempts").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));

    // Importing takes the protective quote away again, and only that one.
    assert_eq!(Sheet::from_csv(&csv_bytes).unwrap().rows, out.rows);
    assert_eq!(Sheet::from_xlsx(&xlsx_bytes).unwrap().rows, out.rows);
    // The quote Excel users type before a formula is read the same way.
    let typed = Sheet::from_csv("a,b\n'=1+1,'1\n".as_bytes()).unwrap();
    assert_eq!(typed.rows[0], ["=1+1", "'1"]);
}

/// The figure the worksheet limit is chosen against (docs/benchmarks.md, issue 15): a 100,000-row
/// export of the widest register with every field filled fits it and reads back. Slow in a debug
/// build; run with `cargo test --release -p mamori-io --test io -- --ignored export_fits`.
#[test]
#[ignore]
fn a_100000_row_export_of_the_widest_register_fits_the_sheet_limit() {
    use mamori_domain::register::FieldKind;
    let reg = mamori_domain::registers::ALL
        .iter()
        .max_by_key(|r| r.fields.len())
        .unwrap();
    let row: Vec<String> = reg
        .fields
        .iter()
        .map(|f| match f.kind {
            FieldKind::Date => "2024-04-01".to_string(),
            FieldKind::Int { .. } => "42".to_string(),
            FieldKind::Ref(_) => "SOUMU".to_string(),
            FieldKind::Choice(choices) => choices[0].to_string(),
            _ => "情報資産の持ち出し記録について確認した".to_string(),
        })
        .collect();
    let out = Sheet {
        headers: reg.fields.iter().map(|f| f.name.to_string()).collect(),
        rows: vec![row; sheet::MAX_IMPORT_ROWS],
    };
    let xlsx = out.to_xlsx(reg, reg.code).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&xlsx)).unwrap();
    let mut sheet_xml = 0;
    for i in 0..zip.len() {
        let part = zip.by_index(i).unwrap();
        if part.name().unwrap().contains("worksheets/") {
            sheet_xml += part.size();
        }
    }
    println!(
        "{}: {} fields, XLSX {} bytes, worksheet XML {} bytes",
        reg.code,
        reg.fields.len(),
        xlsx.len(),
        sheet_xml
    );
    assert!(xlsx.len() <= sheet::MAX_IMPORT_BYTES);
    assert!(sheet_xml as usize <= sheet::MAX_SHEET_XML);
    assert_eq!(Sheet::from_xlsx(&xlsx).unwrap().rows.len(), 100_000);
}

#[tokio::test]
async fn the_standard_courses_are_added_once_and_only_for_kinds_the_organisation_lacks() {
    use mamori_domain::registers::COURSES;
    let db = mamori_store::testing::TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let org = store
        .create_organization(
            &mamori_store::Actor::cli("test"),
            "mycorp",
            "株式会社マイコープ",
            None,
            serde_json::json!({}),
            4,
        )
        .await
        .unwrap();
    let access = mamori_store::Access::system(org, "test");
    // An organisation with its own onboarding course keeps it, and gets the other two.
    let own: mamori_store::Input = [
        ("code", "MY-INIT"),
        ("name", "入社時研修"),
        ("kind", "onboarding"),
        ("audience", "new_joiners"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    store.create(&access, &COURSES, &own).await.unwrap();
    assert_eq!(
        mamori_io::starter::courses(&store, &access).await.unwrap(),
        2
    );
    assert_eq!(
        mamori_io::starter::courses(&store, &access).await.unwrap(),
        0,
        "loading again adds nothing"
    );
    let all = store
        .list_all(&access, &COURSES, &Default::default())
        .await
        .unwrap();
    let mut kinds: Vec<String> = all
        .iter()
        .map(|c| COURSES.text(&c.values, "kind"))
        .collect();
    kinds.sort();
    assert_eq!(kinds, ["onboarding", "periodic", "remedial"]);
    assert!(
        all.iter()
            .any(|c| COURSES.text(&c.values, "name") == "定期教育訓練")
    );
}

/// The IPA risk analysis sheet: its 情報資産管理台帳 with the risk columns it computes (現状から想定
/// されるリスク) and, as some companies add, the threat and vulnerability written out.
#[tokio::test]
async fn the_ipa_risk_sheet_layout_imports_risks_on_the_organisations_scales() {
    use mamori_domain::registers::{ASSETS, RISKS};
    let demo = common::Demo::load().await;
    let (store, org) = (demo.store.clone(), demo.access.org.clone());
    let access = Access::system(org, "test");
    let top = [
        "No.",
        "情報資産名称",
        "管理部署",
        "評価値",
        "",
        "",
        "重要度",
        "現状から想定されるリスク",
        "",
        "",
        "",
        "想定される脅威",
        "脆弱性の内容",
    ];
    let sub = [
        "",
        "",
        "",
        "機密性",
        "完全性",
        "可用性",
        "",
        "脅威の発生頻度",
        "脆弱性",
        "被害発生可能性",
        "リスク値",
        "",
        "",
    ];
    let rows = [
        [
            "1",
            "顧客台帳（IPA取込）",
            "総務経理部門",
            "3",
            "2",
            "2",
            "3",
            "3",
            "2",
            "2",
            "6",
            "持ち出し時の紛失",
            "暗号化していない",
        ],
        [
            "2",
            "見積書控え（IPA取込）",
            "総務経理部門",
            "1",
            "1",
            "1",
            "1",
            "1",
            "1",
            "1",
            "1",
            "",
            "",
        ],
    ];
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.write(0, 0, "リスク分析シート").unwrap();
    for (c, (t, s)) in top.iter().zip(sub).enumerate() {
        ws.write(2, c as u16, *t).unwrap();
        ws.write(3, c as u16, s).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write(4 + r as u32, c as u16, *v).unwrap();
        }
    }
    let file = book.save_to_buffer().unwrap();
    let sheet = Sheet::from_xlsx(&file).unwrap();

    // Risks name their assets: before the assets are in, the rows are refused, naming the row.
    let Err(IoError::Rows(errors)) =
        sheet::import(&store, &access, &RISKS, &sheet, &|_| None, &|_, _| {}).await
    else {
        panic!("a risk of an asset that is not registered must be refused");
    };
    assert_eq!(
        (errors[0].row, errors[0].column.as_str()),
        (5, "asset"),
        "{errors:?}"
    );

    // The same sheet brings the assets in (its risk columns left aside), then the risks.
    let n = sheet::import(&store, &access, &ASSETS, &sheet, &|_| None, &|_, _| {})
        .await
        .unwrap();
    assert_eq!(n, 2);
    let n = sheet::import(&store, &access, &RISKS, &sheet, &|_| None, &|_, _| {})
        .await
        .unwrap();
    assert_eq!(n, 2);
    // Each imported asset's risk, by the asset's code.
    let mut found = Vec::new();
    for name in ["顧客台帳（IPA取込）", "見積書控え（IPA取込）"] {
        let query = ListQuery {
            q: Some(name.into()),
            ..all()
        };
        let asset = &store.list(&access, &ASSETS, &query).await.unwrap().items[0];
        let code = asset.value(&ASSETS, "code").unwrap().to_plain();
        let risks = store.list(&access, &RISKS, &all()).await.unwrap();
        for r in &risks.items {
            let v = |f: &str| r.value(&RISKS, f).unwrap().to_plain();
            if v("asset") == code && !v("likelihood").is_empty() {
                found.push((
                    v("status"),
                    v("likelihood"),
                    v("impact"),
                    v("level"),
                    v("department"),
                ));
            }
        }
    }
    found.sort();
    assert_eq!(
        found,
        [
            // 被害発生可能性 2 and 重要度 3 on A/B/C: B × A, level I on the demo's matrix.
            (
                "assessed".into(),
                "B".into(),
                "A".into(),
                "I".into(),
                "SOUMU".into()
            ),
            // No threat written out: proposed, to be assessed; 1 and 1 are C and C.
            (
                "proposed".into(),
                "C".into(),
                "C".into(),
                "III".into(),
                "SOUMU".into()
            ),
        ]
    );
}
