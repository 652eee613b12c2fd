//! Files in and out of registers, and the demo organisation, against a real database.

use mamori_domain::registers::{APPOINTMENTS, DEPARTMENTS, PEOPLE};
use mamori_io::{IoError, Sheet, sheet};
use mamori_store::testing::TestDb;
use mamori_store::{Access, ListQuery};

fn all() -> ListQuery {
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
    assert_eq!(courses.total, 4);
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
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let org = mamori_io::demo::load(&store, &|_, _, _| {}).await.unwrap();
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
    let v = mamori_store::audit::verify(&store.pool, &|_, _| {})
        .await
        .unwrap();
    assert!(v.intact() && v.rows > 800, "{v:?}");
}

#[tokio::test]
async fn people_round_trip_through_xlsx_and_csv() {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let org = mamori_io::demo::load(&store, &|_, _, _| {}).await.unwrap();
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
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let org = mamori_io::demo::load(&store, &|_, _, _| {}).await.unwrap();
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
        Err(IoError::Unreadable(_))
    ));
}

#[tokio::test]
async fn the_demo_attendance_gives_the_reports_training_figures() {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let org = mamori_io::demo::load(&store, &|_, _, _| {}).await.unwrap();
    let access = Access::system(org, "test");
    let figures = |year| {
        let store = store.clone();
        let access = access.clone();
        async move {
            store
                .completion(&access, mamori_domain::FiscalYear::new(year, 4))
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

/// Every register the secretariat writes (NDAs, attendance, seminar attendees, the question bank,
/// …) goes out to XLSX or CSV and back into a fresh organisation unchanged, in declaration order.
#[tokio::test]
async fn every_writable_register_round_trips_through_xlsx_and_csv() {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let org = mamori_io::demo::load(&store, &|_, _, _| {}).await.unwrap();
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
        // average from its scores) is compared there, not here.
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
                            if later { String::new() } else { v.to_plain() }
                        })
                        .collect()
                })
                .collect();
            v.sort();
            v
        };
        assert_eq!(values(&copied), values(&records), "{}", reg.code);
    }
}

/// Attendance from a file: full-width input is accepted; an unknown session, a bad status and the
/// same person twice at one session are reported by row and column, and nothing is imported.
#[tokio::test]
async fn attendance_and_pledges_import_all_or_nothing() {
    use mamori_domain::registers::{ATTENDANCES, PLEDGES, SEMINAR_ATTENDEES};
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let org = mamori_io::demo::load(&store, &|_, _, _| {}).await.unwrap();
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
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let org = mamori_io::demo::load(&store, &|_, _, _| {}).await.unwrap();
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
