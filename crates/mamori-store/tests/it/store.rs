//! The store against a real database: a SQLite file, or PostgreSQL when MAMORI_TEST_DATABASE_URL is set.

use mamori_domain::Role;
use mamori_domain::registers::{DEPARTMENTS, PEOPLE};
use mamori_store::testing::TestDb;
use mamori_store::{Access, Actor, Input, ListQuery, Store, StoreError, integrity};

pub(crate) fn input(pairs: &[(&str, &str)]) -> Input {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub(crate) async fn org_with_departments(store: &Store) -> Access {
    let org = store
        .create_organization(
            &Actor::cli("test"),
            "acme",
            "株式会社アクメ",
            None,
            serde_json::json!({}),
            4,
        )
        .await
        .unwrap();
    let access = Access::system(org, "test");
    for (code, name) in [("SOUMU", "総務経理部門"), ("ISO", "ISO事務局")] {
        store
            .create(
                &access,
                &DEPARTMENTS,
                &input(&[("code", code), ("name", name), ("valid_from", "2005-04-01")]),
            )
            .await
            .unwrap();
    }
    access
}

pub(crate) fn person(no: &str, dept: &str) -> Input {
    input(&[
        ("employee_no", no),
        ("name", "山田 太郎"),
        ("employment_type", "employee"),
        ("department", dept),
        ("joined_on", "2017-04-01"),
    ])
}

pub(crate) fn as_role(access: &Access, role: Role, department_id: Option<i64>) -> Access {
    Access {
        role,
        department_id,
        ..access.clone()
    }
}

#[tokio::test]
async fn every_write_lands_in_an_intact_hash_chain_and_tampering_is_found() {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let access = org_with_departments(&store).await;
    let p = store
        .create(&access, &PEOPLE, &person("0001", "SOUMU"))
        .await
        .unwrap();
    store
        .update(&access, &PEOPLE, p.id, &input(&[("name", "山田 花子")]))
        .await
        .unwrap();
    store
        .withdraw(&access, &PEOPLE, p.id, "登録誤り")
        .await
        .unwrap();

    let v = store.verify_audit(&|_, _| {}).await.unwrap();
    assert!(v.intact(), "{v:?}");
    assert_eq!(v.rows, 6);

    let history = store.history(&access, &PEOPLE, p.id).await.unwrap();
    let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(actions, ["create", "update", "withdraw"]);
    assert_eq!(history[1].changes.len(), 1);
    assert_eq!(history[1].changes[0].field, "name");
    assert_eq!(history[2].reason.as_deref(), Some("登録誤り"));

    // The database itself refuses to change or remove trail rows.
    let update = store
        .pool()
        .execute(
            "UPDATE audit_events SET actor = 'someone' WHERE seq = 2",
            &[],
        )
        .await;
    assert!(update.is_err());
    let delete = store
        .pool()
        .execute("DELETE FROM audit_events WHERE seq = 2", &[])
        .await;
    assert!(delete.is_err());

    // Someone with database access removes the guard and edits a row behind the application's back.
    let drop = match store.pool().backend() {
        mamori_store::Backend::Sqlite => "DROP TRIGGER audit_events_no_update",
        mamori_store::Backend::Postgres => "DROP TRIGGER audit_events_no_update ON audit_events",
    };
    store.pool().execute(drop, &[]).await.unwrap();
    store
        .pool()
        .execute(
            "UPDATE audit_events SET after_json = '{\"name\":\"偽\"}' WHERE seq = 4",
            &[],
        )
        .await
        .unwrap();
    let v = store.verify_audit(&|_, _| {}).await.unwrap();
    assert!(!v.intact());
    assert_eq!(v.first_broken, Some(4));
}

#[tokio::test]
async fn permissions_follow_the_design_table() {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let access = org_with_departments(&store).await;
    let soumu = store
        .list(
            &access,
            &DEPARTMENTS,
            &ListQuery {
                q: Some("SOUMU".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items[0]
        .id;
    let iso = store
        .list(
            &access,
            &DEPARTMENTS,
            &ListQuery {
                q: Some("ISO".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items[0]
        .id;

    for role in [Role::Staff, Role::Auditor, Role::Admin] {
        let a = as_role(&access, role, None);
        assert!(
            matches!(
                store.create(&a, &PEOPLE, &person("0100", "SOUMU")).await,
                Err(StoreError::Forbidden)
            ),
            "{role:?}"
        );
        assert_eq!(
            store
                .list(
                    &a,
                    &PEOPLE,
                    &ListQuery {
                        limit: 10,
                        ..Default::default()
                    }
                )
                .await
                .unwrap()
                .total,
            0
        );
    }
    let manager = as_role(&access, Role::DepartmentManager, Some(soumu));
    let own = store
        .create(&manager, &PEOPLE, &person("0101", "SOUMU"))
        .await
        .unwrap();
    assert!(matches!(
        store
            .create(&manager, &PEOPLE, &person("0102", "ISO"))
            .await,
        Err(StoreError::Forbidden)
    ));
    // Moving a person out of one's department is writing another department's record.
    assert!(matches!(
        store
            .update(&manager, &PEOPLE, own.id, &input(&[("department", "ISO")]))
            .await,
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        store
            .create(
                &manager,
                &DEPARTMENTS,
                &input(&[("code", "X"), ("name", "X"), ("valid_from", "2020-01-01")])
            )
            .await,
        Err(StoreError::Forbidden)
    ));
    let other_manager = as_role(&access, Role::DepartmentManager, Some(iso));
    assert!(matches!(
        store.withdraw(&other_manager, &PEOPLE, own.id, "x").await,
        Err(StoreError::Forbidden)
    ));

    // Another organisation's records are not there at all.
    let other = store
        .create_organization(
            &Actor::cli("test"),
            "other",
            "他社",
            None,
            serde_json::json!({}),
            4,
        )
        .await
        .unwrap();
    let stranger = Access::system(other, "test");
    assert!(matches!(
        store.get(&stranger, &PEOPLE, own.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store
            .update(&stranger, &PEOPLE, own.id, &input(&[("name", "x")]))
            .await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn bad_rows_are_all_reported_and_nothing_is_imported() {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let access = org_with_departments(&store).await;
    let rows = vec![
        person("0001", "SOUMU"),
        person("0001", "SOUMU"),
        input(&[
            ("employee_no", "0003"),
            ("name", ""),
            ("employment_type", "pirate"),
            ("department", "NOPE"),
            ("joined_on", "2017-02-30"),
        ]),
        person("０００４", "ISO"),
    ];
    let errors = store
        .create_many(&access, &PEOPLE, &rows, &|_, _| {})
        .await
        .unwrap_err();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0].0, 2);
    assert_eq!(errors[0].1[0].code, "duplicate");
    assert_eq!(errors[1].0, 3);
    let codes: Vec<&str> = errors[1].1.iter().map(|e| e.code).collect();
    assert_eq!(
        codes,
        ["required", "invalid-choice", "invalid-date", "unknown-ref"]
    );
    assert_eq!(
        store
            .list(
                &access,
                &PEOPLE,
                &ListQuery {
                    limit: 10,
                    ..Default::default()
                }
            )
            .await
            .unwrap()
            .total,
        0
    );

    let ok = store
        .create_many(
            &access,
            &PEOPLE,
            &[person("0001", "SOUMU"), person("０００４", "ISO")],
            &|_, _| {},
        )
        .await
        .unwrap();
    assert_eq!(ok, 2);
    let page = store
        .list(
            &access,
            &PEOPLE,
            &ListQuery {
                filters: vec![("department".into(), "ISO".into())],
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].values[0].to_plain(), "0004");
    assert_eq!(page.items[0].labels[5].as_deref(), Some("ISO事務局"));
}

#[tokio::test]
async fn sign_in_locks_after_repeated_failures_and_refuses_weak_passwords() {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let cli = Actor::cli("test");
    for weak in ["short", "password123", "qwertyuiop"] {
        assert!(
            matches!(
                store.create_user(&cli, "a@example.jp", "A", weak).await,
                Err(StoreError::Invalid(_))
            ),
            "{weak}"
        );
    }
    let user = store
        .create_user(&cli, "Ａ@example.jp", "A", "correct horse battery")
        .await
        .unwrap();
    assert_eq!(user.email, "a@example.jp");
    assert!(matches!(
        store
            .create_user(&cli, "a@example.jp", "B", "correct horse battery")
            .await,
        Err(StoreError::Invalid(_))
    ));
    // Five failures lock the account: then even the right password is refused, with the same
    // answer as a wrong one (and as an unknown address), so the reply tells nothing.
    for _ in 0..5 {
        assert!(matches!(
            store.sign_in("a@example.jp", "wrong password!").await,
            Err(StoreError::Auth("bad-credentials"))
        ));
    }
    assert!(matches!(
        store.sign_in("a@example.jp", "correct horse battery").await,
        Err(StoreError::Auth("bad-credentials"))
    ));
    assert!(matches!(
        store
            .sign_in("nobody@example.jp", "correct horse battery")
            .await,
        Err(StoreError::Auth("bad-credentials"))
    ));
    store
        .set_password(&cli, user.id, "another good phrase")
        .await
        .unwrap();
    assert!(
        store
            .sign_in("a@example.jp", "another good phrase")
            .await
            .is_ok()
    );

    let token = store.create_api_token(&user, "CI").await.unwrap().token;
    assert_eq!(store.token_user(&token).await.unwrap().unwrap().id, user.id);
    let id = store.api_tokens(user.id).await.unwrap()[0].id;
    store.revoke_api_token(&user, id).await.unwrap();
    assert!(store.token_user(&token).await.unwrap().is_none());
}

#[tokio::test]
async fn a_backup_restores_into_the_other_backend_with_its_trail_intact() {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let access = org_with_departments(&store).await;
    store
        .create(&access, &PEOPLE, &person("0001", "SOUMU"))
        .await
        .unwrap();
    store
        .create_user(
            &Actor::cli("test"),
            "b@example.jp",
            "B",
            "correct horse battery",
        )
        .await
        .unwrap();
    let backup = store.backup(&|_, _, _| {}).await.unwrap();
    let json = serde_json::to_string(&backup).unwrap();

    // Into the other backend when a PostgreSQL server is given, else into another SQLite file.
    let target = match (
        store.pool().backend(),
        std::env::var("MAMORI_TEST_DATABASE_URL"),
    ) {
        (mamori_store::Backend::Postgres, _) => TestDb::sqlite().unwrap(),
        (_, Ok(server)) if server.starts_with("postgres") => {
            TestDb::postgres(&server).await.unwrap()
        }
        _ => TestDb::sqlite().unwrap(),
    };
    let restored = target.store().await.unwrap();
    restored
        .restore(&serde_json::from_str(&json).unwrap(), &|_, _, _| {})
        .await
        .unwrap();
    assert!(restored.verify_audit(&|_, _| {}).await.unwrap().intact());
    let org = restored.organization("acme").await.unwrap();
    let raccess = Access::system(org, "test");
    let page = restored
        .list(
            &raccess,
            &PEOPLE,
            &ListQuery {
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    // The search index is not in the backup: the restore builds it from the records.
    let found = restored
        .search(&raccess, &page.items[0].values[1].to_plain())
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "the restored person is found by name");
    // New records continue after the restored ids, and the chain continues.
    restored
        .create(&raccess, &PEOPLE, &person("0002", "ISO"))
        .await
        .unwrap();
    assert!(restored.verify_audit(&|_, _| {}).await.unwrap().intact());
    assert!(
        restored
            .sign_in("b@example.jp", "correct horse battery")
            .await
            .is_ok()
    );
    // A second restore into a non-empty database is refused.
    assert!(matches!(
        restored.restore(&backup, &|_, _, _| {}).await,
        Err(StoreError::Refused("database-not-empty"))
    ));
}

#[tokio::test]
async fn the_kept_totals_agree_with_counting_the_records() {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let access = org_with_departments(&store).await;
    let rows: Vec<Input> = (1..=30)
        .map(|i| person(&format!("{i:04}"), if i % 3 == 0 { "ISO" } else { "SOUMU" }))
        .collect();
    store
        .create_many(&access, &PEOPLE, &rows, &|_, _| {})
        .await
        .unwrap();
    let page = store
        .list(
            &access,
            &PEOPLE,
            &ListQuery {
                limit: 5,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    for r in &page.items {
        store
            .withdraw(&access, &PEOPLE, r.id, "誤登録")
            .await
            .unwrap();
    }
    store
        .reinstate(&access, &PEOPLE, page.items[0].id)
        .await
        .unwrap();
    // A rejected import changes no total.
    let _ = store
        .create_many(
            &access,
            &PEOPLE,
            &[person("9999", "SOUMU"), person("9999", "SOUMU")],
            &|_, _| {},
        )
        .await;
    for status in [
        mamori_store::Status::Active,
        mamori_store::Status::Withdrawn,
        mamori_store::Status::All,
    ] {
        let kept = store
            .list(
                &access,
                &PEOPLE,
                &ListQuery {
                    status,
                    limit: 1,
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .total;
        // A date range that every record matches forces a real COUNT.
        let wide = vec![(
            "joined_on".to_string(),
            Some(time::macros::date!(1900 - 01 - 01)),
            None,
        )];
        let counted = store
            .list(
                &access,
                &PEOPLE,
                &ListQuery {
                    status,
                    ranges: wide,
                    limit: 1,
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .total;
        assert_eq!(kept, counted, "{status:?}");
    }
    assert_eq!(
        store
            .list(
                &access,
                &PEOPLE,
                &ListQuery {
                    limit: 1,
                    ..Default::default()
                }
            )
            .await
            .unwrap()
            .total,
        26
    );
}

#[tokio::test]
async fn a_page_keeps_the_order_asked_for() {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let access = org_with_departments(&store).await;
    let rows: Vec<Input> = (1..=40)
        .map(|i| {
            person(
                &format!("{:04}", (i * 37) % 100),
                if i % 2 == 0 { "ISO" } else { "SOUMU" },
            )
        })
        .collect();
    store
        .create_many(&access, &PEOPLE, &rows, &|_, _| {})
        .await
        .unwrap();
    let p = store
        .list(
            &access,
            &PEOPLE,
            &ListQuery {
                limit: 1000,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let nos: Vec<String> = p.items.iter().map(|r| r.values[0].to_plain()).collect();
    let mut sorted = nos.clone();
    sorted.sort();
    assert_eq!(nos, sorted);
    let p = store
        .list(
            &access,
            &PEOPLE,
            &ListQuery {
                sort: Some("employee_no".into()),
                desc: true,
                limit: 10,
                offset: 5,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let nos: Vec<String> = p.items.iter().map(|r| r.values[0].to_plain()).collect();
    assert_eq!(
        nos,
        sorted
            .iter()
            .rev()
            .skip(5)
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
    );
    let withdrawn = store
        .withdraw(&access, &PEOPLE, p.items[0].id, "テスト")
        .await
        .unwrap();
    let w = store
        .list(
            &access,
            &PEOPLE,
            &ListQuery {
                status: mamori_store::Status::Withdrawn,
                limit: 5,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(w.items[0].id, withdrawn.id);
    assert!(w.items[0].withdrawn_at.is_some());
    assert_eq!(
        w.items[0].labels[5].as_deref(),
        withdrawn.labels[5].as_deref()
    );
}

#[tokio::test]
async fn a_register_too_large_for_a_list_is_chosen_by_its_code() {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let access = org_with_departments(&store).await;
    assert_eq!(
        store
            .ref_options(&access, &DEPARTMENTS)
            .await
            .unwrap()
            .map(|o| o.len()),
        Some(2)
    );
    let many: Vec<Input> = (0..300)
        .map(|i| {
            input(&[
                ("code", &format!("D{i:03}")),
                ("name", "部"),
                ("valid_from", "2020-04-01"),
            ])
        })
        .collect();
    store
        .create_many(&access, &DEPARTMENTS, &many, &|_, _| {})
        .await
        .unwrap();
    assert_eq!(
        store.ref_options(&access, &DEPARTMENTS).await.unwrap(),
        None
    );
    // Typing the code still works.
    store
        .create(&access, &PEOPLE, &person("0001", "D123"))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_backup_holding_a_nul_is_refused_naming_where_and_restores_nothing() {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let access = org_with_departments(&store).await;
    store
        .create(&access, &PEOPLE, &person("0001", "SOUMU"))
        .await
        .unwrap();
    let mut backup = store.backup(&|_, _, _| {}).await.unwrap();
    // As an older version stored it: a NUL in a person's name.
    let people = backup
        .tables
        .iter_mut()
        .find(|t| t.name == "people")
        .unwrap();
    let name = people.columns.iter().position(|c| c == "name").unwrap();
    people.rows[0][name] = serde_json::json!("山田\u{0}太郎");

    let target = TestDb::new().await.unwrap();
    let restored = target.store().await.unwrap();
    let err = restored
        .restore(&backup, &|_, _, _| {})
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("people.name #"), "{err}");
    assert!(restored.is_empty().await.unwrap(), "nothing restored");
}

#[tokio::test]
async fn every_record_is_compared_with_the_last_state_of_its_history() {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let access = org_with_departments(&store).await;
    let a = store
        .create(&access, &PEOPLE, &person("0001", "SOUMU"))
        .await
        .unwrap();
    let b = store
        .create(&access, &PEOPLE, &person("0002", "ISO"))
        .await
        .unwrap();
    let c = store
        .create(&access, &PEOPLE, &person("0003", "ISO"))
        .await
        .unwrap();
    store
        .withdraw(&access, &PEOPLE, c.id, "登録誤り")
        .await
        .unwrap();
    // A department renamed after people were recorded under its old code: their history names the
    // old code, and that is the same department.
    let soumu = store
        .list(
            &access,
            &DEPARTMENTS,
            &ListQuery {
                q: Some("SOUMU".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items[0]
        .id;
    store
        .update(&access, &DEPARTMENTS, soumu, &input(&[("code", "GA")]))
        .await
        .unwrap();
    let untouched = store
        .verify_integrity(None, None, &|_, _, _| {})
        .await
        .unwrap();
    assert!(untouched.intact(), "{:?}", untouched.problems);
    assert_eq!(untouched.records, 5);

    // Behind the application's back: a name changed, a withdrawal undone, a record added without
    // history, and one removed.
    use mamori_store::db::P;
    store
        .pool()
        .execute(
            "UPDATE people SET name = '偽名' WHERE id = $1",
            &[P::Int(a.id)],
        )
        .await
        .unwrap();
    store
        .pool()
        .execute(
            "UPDATE people SET withdrawn_at = NULL, withdrawn_reason = NULL WHERE id = $1",
            &[P::Int(c.id)],
        )
        .await
        .unwrap();
    let ghost = store
        .pool()
        .fetch_one(
            "INSERT INTO people (org_id, employee_no, name, employment_type, department_id, joined_on, created_at, updated_at) \
             SELECT org_id, '0099', '幽霊', employment_type, department_id, joined_on, created_at, updated_at FROM people WHERE id = $1 \
             RETURNING id",
            &[P::Int(a.id)],
        )
        .await
        .unwrap()
        .i64(0)
        .unwrap();
    store
        .pool()
        .execute("DELETE FROM people WHERE id = $1", &[P::Int(b.id)])
        .await
        .unwrap();
    let f = store
        .verify_integrity(None, None, &|_, _, _| {})
        .await
        .unwrap();
    assert!(!f.intact());
    let expected = vec![
        integrity::Problem::RecordDiffers {
            org: "acme".into(),
            register: "person".into(),
            id: a.id,
            differences: vec![integrity::Difference {
                field: "name".into(),
                current: Some("偽名".into()),
                history: Some("山田 太郎".into()),
            }],
        },
        integrity::Problem::RecordDiffers {
            org: "acme".into(),
            register: "person".into(),
            id: c.id,
            differences: vec![integrity::Difference {
                field: "withdrawn".into(),
                current: None,
                history: Some("登録誤り".into()),
            }],
        },
        integrity::Problem::RecordWithoutHistory {
            org: "acme".into(),
            register: "person".into(),
            id: ghost,
        },
        integrity::Problem::RecordMissing {
            org: "acme".into(),
            register: "person".into(),
            id: b.id,
        },
    ];
    for p in &expected {
        assert!(f.problems.contains(p), "{p:?} not in {:?}", f.problems);
    }
    assert_eq!(f.problems.len(), expected.len(), "{:?}", f.problems);
}

#[tokio::test]
async fn checkpoints_are_signed_with_the_key_outside_the_database_and_made_on_publication() {
    let db = TestDb::new().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let key = std::sync::Arc::new(
        mamori_store::checkpoint::AuditKey::create(&dir.path().join("audit.key")).unwrap(),
    );
    // The file is the key: read back, it signs as the same key; it is never overwritten.
    assert_eq!(
        mamori_store::checkpoint::AuditKey::load(&dir.path().join("audit.key"))
            .unwrap()
            .public_key(),
        key.public_key()
    );
    assert!(mamori_store::checkpoint::AuditKey::create(&dir.path().join("audit.key")).is_err());
    let store = db.store().await.unwrap().with_audit_key(key.clone());
    let access = org_with_departments(&store).await;
    let first = store.audit_checkpoint("cli").await.unwrap().unwrap();
    let head = store.audit_head().await.unwrap();
    assert_eq!((first.seq, &first.hash), (head.seq, &head.hash));
    assert_eq!(first.public_key, key.public_key());
    assert!(first.signature_holds());
    // Unchanged head: no new checkpoint.
    assert_eq!(
        store.audit_checkpoint("periodic").await.unwrap().unwrap(),
        first
    );
    // A checkpoint altered in any field no longer holds.
    let mut forged = first.clone();
    forged.seq += 1;
    assert!(!forged.signature_holds());
    let exported = first.export().to_string();
    assert_eq!(
        mamori_store::checkpoint::Checkpoint::import(&exported).unwrap(),
        first
    );

    // Publication: the revision keeps the head it was computed at, and the new head is signed.
    let president = store
        .create(&access, &PEOPLE, &person("0001", "SOUMU"))
        .await
        .unwrap();
    store
        .create(
            &access,
            &mamori_domain::registers::APPOINTMENTS,
            &input(&[
                ("person", "0001"),
                ("role", "top_management"),
                ("starts_on", "2010-04-01"),
            ]),
        )
        .await
        .unwrap();
    let id = store
        .report_start(
            &access,
            2017,
            time::macros::date!(2018 - 06 - 29),
            Default::default(),
            None,
        )
        .await
        .unwrap();
    store
        .report_advance(
            &access,
            id,
            mamori_store::reports::ReportStatus::Review,
            &serde_json::json!({}),
        )
        .await
        .unwrap();
    let top = Access {
        person_id: Some(president.id),
        ..access.clone()
    };
    store
        .report_advance(
            &top,
            id,
            mamori_store::reports::ReportStatus::Approved,
            &serde_json::Value::Null,
        )
        .await
        .unwrap();
    let at = store.audit_head().await.unwrap();
    store
        .report_publish(&access, id, &[("json", b"{}".to_vec())], &at)
        .await
        .unwrap();
    let published = store.report_revision(&access, id).await.unwrap();
    assert_eq!(published.audit_head.as_ref(), Some(&at));
    let after = store.audit_head().await.unwrap();
    assert_eq!(after.seq, at.seq + 1);
    let stored = mamori_store::checkpoint::latest(store.pool())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.seq, stored.kind.as_str()),
        (after.seq, "publication")
    );
    let f = store
        .verify_integrity(Some(&first), Some(&key.public_key()), &|_, _, _| {})
        .await
        .unwrap();
    assert!(f.intact(), "{:?}", f.problems);
    assert_eq!(f.checkpoints, 2);

    // Another key's checkpoint is named.
    let other = mamori_store::checkpoint::AuditKey::create(&dir.path().join("other.key")).unwrap();
    let f = store
        .verify_integrity(Some(&first), Some(&other.public_key()), &|_, _, _| {})
        .await
        .unwrap();
    assert!(
        f.problems
            .iter()
            .any(|p| matches!(p, integrity::Problem::OtherKey { kept: true, .. })),
        "{:?}",
        f.problems
    );
}

#[tokio::test]
async fn an_import_numbers_its_records_past_the_codes_taken_before_and_by_its_own_rows() {
    use mamori_domain::registers::SECURITY_EVENTS;
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let access = org_with_departments(&store).await;
    store
        .create(&access, &PEOPLE, &person("0001", "SOUMU"))
        .await
        .unwrap();
    let event = |code: Option<&str>| {
        let mut row = input(&[
            ("kind", "near_miss"),
            ("occurred_on", "2024-05-01"),
            ("description", "取り込み"),
            ("cause", "technical_failure"),
            ("reporter", "0001"),
        ]);
        if let Some(code) = code {
            row.insert("code".into(), code.into());
        }
        row
    };
    // One record, with a code that numbering from the count reaches only after a few hundred.
    store
        .create(&access, &SECURITY_EVENTS, &event(Some("E-0250")))
        .await
        .unwrap();
    // 400 rows, the eleventh naming a code that the rows after it would otherwise be given.
    let rows: Vec<Input> = (0..400)
        .map(|i| event((i == 10).then_some("E-0020")))
        .collect();
    assert_eq!(
        store
            .create_many(&access, &SECURITY_EVENTS, &rows, &|_, _| {})
            .await
            .unwrap(),
        400
    );
    let mut codes: Vec<String> = store
        .list_all(&access, &SECURITY_EVENTS, &ListQuery::default())
        .await
        .unwrap()
        .iter()
        .map(|r| r.value(&SECURITY_EVENTS, "code").unwrap().to_plain())
        .collect();
    codes.sort();
    // Counting on from the one record: every number once, the two named ones where they were.
    let expected: Vec<String> = (2..=402).map(|n| format!("E-{n:04}")).collect();
    assert_eq!(codes, expected);
    let verified = store
        .verify_integrity(None, None, &|_, _, _| {})
        .await
        .unwrap();
    assert!(verified.intact(), "{:?}", verified.problems);
}

#[tokio::test]
async fn an_import_written_many_rows_to_a_statement_keeps_each_records_history() {
    use mamori_domain::registers::SECURITY_EVENTS;
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let access = org_with_departments(&store).await;
    let people: Vec<Input> = ["0001", "0002"]
        .iter()
        .map(|no| person(no, "SOUMU"))
        .collect();
    store
        .create_many(&access, &PEOPLE, &people, &|_, _| {})
        .await
        .unwrap();
    // 450 events: more than two statements' worth, with a human error by a person now and then,
    // which is written on its own (it may put the person on a course) between the others.
    let rows: Vec<Input> = (0..450)
        .map(|i| {
            let description = format!("取り込み {i}");
            let human = i % 100 == 50;
            let mut row = input(&[
                ("kind", "near_miss"),
                ("occurred_on", "2024-05-01"),
                ("description", &description),
                (
                    "cause",
                    if human {
                        "human_error"
                    } else {
                        "technical_failure"
                    },
                ),
                ("reporter", "0001"),
            ]);
            if human {
                row.insert("person".into(), "0002".into());
            }
            row
        })
        .collect();
    assert_eq!(
        store
            .create_many(&access, &SECURITY_EVENTS, &rows, &|_, _| {})
            .await
            .unwrap(),
        450
    );
    let all = store
        .list_all(&access, &SECURITY_EVENTS, &ListQuery::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 450);
    // Each record's creation entry is its own: the same description and code.
    use mamori_store::db::P;
    for r in &all {
        let after = store
            .pool()
            .fetch_one(
                "SELECT after_json FROM audit_events WHERE entity = 'security_event' AND action = 'create' AND entity_id = $1",
                &[P::Int(r.id)],
            )
            .await
            .unwrap()
            .text(0)
            .unwrap();
        let after: serde_json::Value = serde_json::from_str(&after).unwrap();
        for field in ["code", "description", "cause"] {
            assert_eq!(
                after[field].as_str(),
                r.value(&SECURITY_EVENTS, field)
                    .map(|v| v.to_plain())
                    .as_deref(),
                "record {} field {field}",
                r.id
            );
        }
    }
    let verified = store
        .verify_integrity(None, None, &|_, _, _| {})
        .await
        .unwrap();
    assert!(verified.intact(), "{:?}", verified.problems);
}

#[tokio::test]
async fn counts_grouped_by_a_field_agree_with_counting_each_value() {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let access = org_with_departments(&store).await;
    let rows: Vec<Input> = (1..=20)
        .map(|i| {
            let mut p = person(&format!("{i:04}"), if i % 4 == 0 { "ISO" } else { "SOUMU" });
            if i % 3 == 0 {
                p.insert("employment_type".into(), "contractor".into());
            }
            p
        })
        .collect();
    store
        .create_many(&access, &PEOPLE, &rows, &|_, _| {})
        .await
        .unwrap();
    let first = store
        .list(
            &access,
            &PEOPLE,
            &ListQuery {
                limit: 3,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    for r in &first.items {
        store
            .withdraw(&access, &PEOPLE, r.id, "誤登録")
            .await
            .unwrap();
    }
    for (status, filters) in [
        (mamori_store::Status::Active, vec![]),
        (
            mamori_store::Status::All,
            vec![("employment_type".to_string(), "contractor".to_string())],
        ),
        (
            mamori_store::Status::Withdrawn,
            vec![("department".to_string(), "SOUMU".to_string())],
        ),
    ] {
        let base = ListQuery {
            status,
            filters,
            ..Default::default()
        };
        for (by, values) in [
            ("department", ["SOUMU", "ISO", "NONE"]),
            ("employment_type", ["employee", "contractor", "officer"]),
        ] {
            let grouped = store.count_by(&access, &PEOPLE, &base, by).await.unwrap();
            let mut seen = 0;
            for v in values {
                let mut narrowed = base.clone();
                narrowed.filters.push((by.to_string(), v.to_string()));
                let counted = store.count(&access, &PEOPLE, &narrowed).await.unwrap();
                assert_eq!(
                    grouped.get(v).copied().unwrap_or(0),
                    counted,
                    "{status:?} {by}={v}"
                );
                seen += counted;
            }
            assert_eq!(seen, store.count(&access, &PEOPLE, &base).await.unwrap());
        }
    }
    assert!(matches!(
        store
            .count_by(&access, &PEOPLE, &ListQuery::default(), "no_such_field")
            .await,
        Err(StoreError::Invalid(_))
    ));
}

/// Two settings saved one after the other from pages read before either: the second keeps the
/// first (the profile is read in the write's transaction, not from the page's snapshot).
#[tokio::test]
async fn a_setting_saved_from_a_stale_page_keeps_what_another_saved_meanwhile() {
    use mamori_domain::registers::{AssetRules, RemedialRule};
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let org = store
        .create_organization(
            &Actor::cli("test"),
            "stale",
            "株式会社ステイル",
            None,
            serde_json::json!({}),
            4,
        )
        .await
        .unwrap();
    let page = Access::system(org, "test");
    store
        .set_remedial_rule(
            &page,
            RemedialRule {
                period_days: 90,
                within_days: 14,
            },
        )
        .await
        .unwrap();
    let mut rules = AssetRules::of(&serde_json::Value::Null);
    rules.take_out_days = 3;
    store.set_asset_rules(&page, &rules).await.unwrap();
    let settings = store.organization("stale").await.unwrap().settings;
    assert_eq!(
        settings.remedial.period_days, 90,
        "the remedial rule was kept"
    );
    assert_eq!(settings.asset_rules.take_out_days, 3);
}

/// The settings of this round, saved at the same moment by several writers from one stale page:
/// every one is kept (each write reads the profile in its own transaction).
#[tokio::test]
async fn settings_saved_at_once_by_several_writers_are_all_kept() {
    use mamori_domain::{CodePattern, DateStyle, Lang, registers::RemedialRule};
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let org = store
        .create_organization(
            &Actor::cli("test"),
            "many",
            "株式会社メニー",
            None,
            serde_json::json!({}),
            4,
        )
        .await
        .unwrap();
    let page = Access::system(org, "test");
    let codes: std::collections::BTreeMap<String, CodePattern> =
        [("asset".to_string(), CodePattern::new("IA-", "5").unwrap())].into();
    let contact = mamori_store::org::Contact {
        title: "ISO事務局".into(),
        name: "佐藤 花子".into(),
        phone: "011-000-0000".into(),
    };
    let contacts = [contact];
    let (a, b, c, d) = tokio::join!(
        store.set_member_defaults(&page, DateStyle::Era, Lang::En),
        store.set_code_patterns(&page, &codes),
        store.set_organization_details(&page, "株式会社メニー", "", &[], Some(&contacts[..])),
        store.set_remedial_rule(
            &page,
            RemedialRule {
                period_days: 90,
                within_days: 14
            }
        ),
    );
    for r in [a, b, c, d] {
        r.unwrap();
    }
    let org = store.organization("many").await.unwrap();
    assert_eq!(
        (org.settings.date_style, org.settings.lang),
        (DateStyle::Era, Lang::En)
    );
    assert_eq!(org.settings.codes["asset"].prefix, "IA-");
    assert_eq!(org.settings.remedial.period_days, 90);
    assert_eq!(mamori_store::org::Contact::of(&org).len(), 1);
}

/// A forgotten password: a link for a known, enabled address only, one every few minutes; a weak
/// password leaves it working; it sets the password once, unlocks the account and ends its
/// sessions; two at the same moment set it once; a link of an account disabled since is refused.
#[tokio::test]
async fn a_password_reset_link_works_once_for_an_enabled_account() {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let cli = Actor::cli("test");
    let user = store
        .create_user(&cli, "a@example.jp", "A", "correct horse battery")
        .await
        .unwrap();
    assert!(
        store
            .request_password_reset("nobody@example.jp")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .request_password_reset("not an address")
            .await
            .unwrap()
            .is_none()
    );
    let (_, token) = store
        .request_password_reset("Ａ@example.jp")
        .await
        .unwrap()
        .expect("a link for a known address");
    assert!(
        store
            .request_password_reset("a@example.jp")
            .await
            .unwrap()
            .is_none(),
        "one every few minutes"
    );
    let (session, _) = store.create_session(user.id).await.unwrap();
    assert!(matches!(
        store.reset_password(&token, "short").await,
        Err(StoreError::Invalid(_))
    ));
    let (one, two) = tokio::join!(
        store.reset_password(&token, "a brand new passphrase"),
        store.reset_password(&token, "another new passphrase")
    );
    assert_eq!(
        [one.is_ok(), two.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{one:?} {two:?}"
    );
    assert!(matches!(
        store.reset_password(&token, "a third passphrase!").await,
        Err(StoreError::Refused("reset-expired"))
    ));
    let new = if one.is_ok() {
        "a brand new passphrase"
    } else {
        "another new passphrase"
    };
    assert!(store.sign_in("a@example.jp", new).await.is_ok());
    assert!(
        store
            .sign_in("a@example.jp", "correct horse battery")
            .await
            .is_err()
    );
    assert!(
        store.session(&session).await.unwrap().is_none(),
        "the old session ended"
    );
    // Disabled after asking: the link does not open the account.
    let b = store
        .create_user(&cli, "b@example.jp", "B", "correct horse battery")
        .await
        .unwrap();
    let (_, token) = store
        .request_password_reset("b@example.jp")
        .await
        .unwrap()
        .expect("a link");
    store.set_disabled(&cli, b.id, true).await.unwrap();
    assert!(matches!(
        store.password_reset_user(&token).await,
        Err(StoreError::Refused("reset-expired"))
    ));
}
