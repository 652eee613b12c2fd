//! Information assets and their handlers against a real database (SQLite, or PostgreSQL when
//! MAMORI_TEST_DATABASE_URL is set): who may be granted, and who sees a confidential asset.

use mamori_domain::registers::{
    APPOINTMENTS, ASSET_HANDLERS, ASSETS, ATTENDANCES, COURSES, DEPARTMENTS, IDENTITY_GUARANTEES,
    PEOPLE, PLEDGES, TEST_QUESTIONS, TRAINING_SESSIONS,
};
use mamori_domain::{Register, Role};
use mamori_store::testing::TestDb;
use mamori_store::{Access, Actor, Input, ListQuery, Store, StoreError};

fn input(pairs: &[(&str, &str)]) -> Input {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

async fn create(
    store: &Store,
    access: &Access,
    reg: &mamori_domain::Register,
    pairs: &[(&str, &str)],
) -> i64 {
    store
        .create(access, reg, &input(pairs))
        .await
        .unwrap_or_else(|e| panic!("{}: {e:?}", reg.code))
        .id
}

struct World {
    store: Store,
    isms: Access,
    ids: std::collections::HashMap<&'static str, i64>,
    _db: TestDb,
}

impl World {
    fn as_person(&self, no: &str, role: Role, department: Option<i64>) -> Access {
        Access {
            role,
            person_id: Some(self.ids[no]),
            department_id: department,
            ..self.isms.clone()
        }
    }
}

/// Two departments; M1 manages SOUMU; H1 is eligible with a guarantee, H2 eligible without one,
/// H3 has the NDA and the course but failed the test, S1 is staff with no grant.
async fn world() -> World {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let org = store
        .create_organization(
            &Actor::cli("t"),
            "acme",
            "株式会社アクメ",
            None,
            serde_json::json!({}),
            4,
        )
        .await
        .unwrap();
    let isms = Access::system(org, "t");
    let mut ids = std::collections::HashMap::new();
    for (code, name) in [("SOUMU", "総務"), ("ICT", "ICT技術部")] {
        ids.insert(
            code,
            create(
                &store,
                &isms,
                &DEPARTMENTS,
                &[("code", code), ("name", name), ("valid_from", "2005-04-01")],
            )
            .await,
        );
    }
    for no in ["M1", "H1", "H2", "H3", "S1"] {
        let dept = if no == "S1" { "ICT" } else { "SOUMU" };
        ids.insert(
            no,
            create(
                &store,
                &isms,
                &PEOPLE,
                &[
                    ("employee_no", no),
                    ("name", "山田"),
                    ("employment_type", "employee"),
                    ("department", dept),
                    ("joined_on", "2020-04-01"),
                ],
            )
            .await,
        );
    }
    create(
        &store,
        &isms,
        &APPOINTMENTS,
        &[
            ("person", "M1"),
            ("role", "department_info_manager"),
            ("department", "SOUMU"),
            ("starts_on", "2020-04-01"),
        ],
    )
    .await;
    create(
        &store,
        &isms,
        &COURSES,
        &[
            ("code", "ONB"),
            ("name", "初任時"),
            ("kind", "onboarding"),
            ("audience", "new_joiners"),
        ],
    )
    .await;
    create(
        &store,
        &isms,
        &TEST_QUESTIONS,
        &[
            ("code", "Q1"),
            ("course", "ONB"),
            ("kind", "true_false"),
            ("text", "?"),
            ("answer", "true"),
        ],
    )
    .await;
    create(
        &store,
        &isms,
        &TRAINING_SESSIONS,
        &[
            ("code", "ONB-1"),
            ("course", "ONB"),
            ("held_on", "2020-04-01"),
        ],
    )
    .await;
    for no in ["M1", "H1", "H2", "H3"] {
        create(
            &store,
            &isms,
            &PLEDGES,
            &[
                ("person", no),
                ("signed_on", "2020-04-01"),
                ("version", "v1"),
            ],
        )
        .await;
        create(
            &store,
            &isms,
            &ATTENDANCES,
            &[("session", "ONB-1"), ("person", no), ("status", "attended")],
        )
        .await;
        let pass = no != "H3";
        let at = time::macros::datetime!(2020-04-01 06:00 UTC);
        store
            .record_attempt(&isms, "ONB", ids[no], at, &move |q| {
                if pass {
                    q.answer.clone()
                } else {
                    let wrong = q
                        .choices
                        .iter()
                        .map(|(k, _)| *k)
                        .find(|k| !q.answer.contains(k));
                    wrong.into_iter().collect()
                }
            })
            .await
            .unwrap();
    }
    create(
        &store,
        &isms,
        &IDENTITY_GUARANTEES,
        &[
            ("person", "H1"),
            ("received_on", "2024-04-01"),
            ("kept_at", "書庫"),
        ],
    )
    .await;
    for (code, class) in [
        ("A-GEN", "general"),
        ("A-SEC", "confidential"),
        ("A-TOP", "strictly_confidential"),
    ] {
        ids.insert(
            code,
            create(
                &store,
                &isms,
                &ASSETS,
                &[
                    ("code", code),
                    ("name", &format!("{code} の資料")),
                    ("kind", "document"),
                    ("department", "SOUMU"),
                    ("classification", class),
                    ("customer_owned", "no"),
                ],
            )
            .await,
        );
    }
    World {
        store,
        isms,
        ids,
        _db: db,
    }
}

fn grant<'a>(asset: &'a str, person: &'a str, by: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("asset", asset),
        ("person", person),
        ("approved_by", by),
        ("approved_on", "2026-04-01"),
        ("valid_until", "2099-03-31"),
    ]
}

/// The errors (field, code) a write is refused with.
async fn refused(
    store: &Store,
    access: &Access,
    reg: &Register,
    pairs: &[(&str, &str)],
) -> Vec<(String, &'static str)> {
    match store.create(access, reg, &input(pairs)).await {
        Err(StoreError::Invalid(errors)) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_grant_needs_an_eligible_person_the_departments_manager_and_for_strictly_confidential_a_guarantee()
 {
    let w = world().await;
    let s = &w.store;
    // Failed the onboarding test: not eligible.
    assert_eq!(
        refused(s, &w.isms, &ASSET_HANDLERS, &grant("A-SEC", "H3", "M1")).await,
        [("person".to_string(), "not-eligible")]
    );
    // Approved by someone who does not manage the asset's department.
    assert_eq!(
        refused(s, &w.isms, &ASSET_HANDLERS, &grant("A-SEC", "H2", "H1")).await,
        [("approved_by".to_string(), "not-the-manager")]
    );
    // Strictly confidential without an identity guarantee.
    assert_eq!(
        refused(s, &w.isms, &ASSET_HANDLERS, &grant("A-TOP", "H2", "M1")).await,
        [("person".to_string(), "needs-guarantee")]
    );
    // The same grants that meet the rules.
    create(s, &w.isms, &ASSET_HANDLERS, &grant("A-TOP", "H1", "M1")).await;
    create(s, &w.isms, &ASSET_HANDLERS, &grant("A-SEC", "H2", "M1")).await;
    // The grant ends on a date: an end before the approval is refused.
    let mut backwards = grant("A-GEN", "H2", "M1");
    backwards[4] = ("valid_until", "2026-03-31");
    assert_eq!(
        refused(s, &w.isms, &ASSET_HANDLERS, &backwards).await,
        [("valid_until".to_string(), "not-before")]
    );
    assert!(s.verify_audit(&|_, _| {}).await.unwrap().intact());
}

#[tokio::test]
async fn a_confidential_asset_is_seen_only_by_those_who_must() {
    let w = world().await;
    let s = &w.store;
    create(s, &w.isms, &ASSET_HANDLERS, &grant("A-TOP", "H1", "M1")).await;
    let h1 = w.as_person("H1", Role::Staff, None);
    let h2 = w.as_person("H2", Role::Staff, None);
    let s1 = w.as_person("S1", Role::Auditor, None);
    let m1 = w.as_person("M1", Role::DepartmentManager, Some(w.ids["SOUMU"]));
    let other_manager = w.as_person("S1", Role::DepartmentManager, Some(w.ids["ICT"]));
    let codes = |page: mamori_store::Page| -> Vec<String> {
        page.items.iter().map(|r| r.values[0].to_plain()).collect()
    };
    let all = ListQuery {
        limit: 100,
        ..Default::default()
    };
    assert_eq!(
        codes(s.list(&w.isms, &ASSETS, &all).await.unwrap()),
        ["A-GEN", "A-SEC", "A-TOP"]
    );
    assert_eq!(
        codes(s.list(&h1, &ASSETS, &all).await.unwrap()),
        ["A-GEN", "A-TOP"]
    );
    assert_eq!(codes(s.list(&h2, &ASSETS, &all).await.unwrap()), ["A-GEN"]);
    assert_eq!(codes(s.list(&s1, &ASSETS, &all).await.unwrap()), ["A-GEN"]);
    assert_eq!(
        codes(s.list(&m1, &ASSETS, &all).await.unwrap()),
        ["A-GEN", "A-SEC", "A-TOP"]
    );
    assert_eq!(
        codes(s.list(&other_manager, &ASSETS, &all).await.unwrap()),
        ["A-GEN"]
    );
    // Search, filters, the detail, its history and the choices of a form hide it the same way.
    let search = ListQuery {
        q: Some("A-TOP".into()),
        ..all.clone()
    };
    assert_eq!(s.list(&h2, &ASSETS, &search).await.unwrap().total, 0);
    let filtered = ListQuery {
        filters: vec![("classification".into(), "strictly_confidential".into())],
        ..all.clone()
    };
    assert_eq!(s.list(&h2, &ASSETS, &filtered).await.unwrap().total, 0);
    assert_eq!(s.list(&h1, &ASSETS, &filtered).await.unwrap().total, 1);
    assert!(matches!(
        s.get(&h2, &ASSETS, w.ids["A-TOP"]).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.history(&h2, &ASSETS, w.ids["A-TOP"]).await,
        Err(StoreError::NotFound)
    ));
    s.get(&h1, &ASSETS, w.ids["A-TOP"]).await.unwrap();
    let options = s.ref_options(&h2, &ASSETS).await.unwrap().unwrap();
    assert_eq!(
        options.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
        ["A-GEN"]
    );
    // The grants of a hidden asset are hidden too.
    assert_eq!(s.list(&h2, &ASSET_HANDLERS, &all).await.unwrap().total, 0);
    assert_eq!(s.list(&h1, &ASSET_HANDLERS, &all).await.unwrap().total, 1);
    // A grant that has ended shows nothing any more.
    let g = s.list(&w.isms, &ASSET_HANDLERS, &all).await.unwrap().items[0].id;
    s.withdraw(&w.isms, &ASSET_HANDLERS, g, "異動")
        .await
        .unwrap();
    assert_eq!(codes(s.list(&h1, &ASSETS, &all).await.unwrap()), ["A-GEN"]);
    // The owner sees their asset.
    s.update(&w.isms, &ASSETS, w.ids["A-SEC"], &input(&[("owner", "H2")]))
        .await
        .unwrap();
    assert_eq!(
        codes(s.list(&h2, &ASSETS, &all).await.unwrap()),
        ["A-GEN", "A-SEC"]
    );
    // A customer's asset names the customer.
    let errors = refused(
        s,
        &w.isms,
        &ASSETS,
        &[
            ("code", "C-1"),
            ("name", "顧客図面"),
            ("kind", "document"),
            ("department", "SOUMU"),
            ("classification", "confidential"),
            ("customer_owned", "yes"),
        ],
    )
    .await;
    assert_eq!(
        (errors[0].0.as_str(), errors[0].1),
        ("customer", "required")
    );
}

#[tokio::test]
async fn handling_records_follow_the_classification_rules_and_only_handlers_add_them() {
    use mamori_domain::registers::HANDLING_RECORDS;
    let w = world().await;
    let s = &w.store;
    create(s, &w.isms, &ASSET_HANDLERS, &grant("A-TOP", "H1", "M1")).await;
    create(s, &w.isms, &ASSET_HANDLERS, &grant("A-SEC", "H2", "M1")).await;
    let user = |no: &str| {
        let mut a = w.as_person(no, Role::Staff, None);
        a.actor = Actor {
            user_id: Some(1),
            label: no.to_string(),
        };
        a
    };
    let (h1, h2, s1) = (user("H1"), user("H2"), user("S1"));
    let record = |access: &Access, pairs: &[(&str, &str)]| {
        let input = input(pairs);
        let access = access.clone();
        async move { s.create(&access, &HANDLING_RECORDS, &input).await }
    };
    let codes = |r: Result<mamori_store::Record, StoreError>| -> Vec<(String, &'static str)> {
        match r {
            Err(StoreError::Invalid(e)) => e.into_iter().map(|e| (e.field, e.code)).collect(),
            other => panic!("expected a refusal, got {other:?}"),
        }
    };
    let transfer = |asset: &'static str, method: &'static str, protection: &'static str| {
        vec![
            ("asset", asset),
            ("kind", "transfer"),
            ("occurred_on", "2026-05-01"),
            ("method", method),
            ("protection", protection),
            ("recipient", "株式会社ミライソフト 田中様"),
        ]
    };
    // 極秘 may not go by e-mail or courier, only by hand.
    assert_eq!(
        codes(record(&h1, &transfer("A-TOP", "email", "encryption")).await),
        [("method".to_string(), "rule-forbidden")]
    );
    assert_eq!(
        codes(
            record(
                &h1,
                &transfer("A-TOP", "approved_courier", "double_envelope")
            )
            .await
        ),
        [("method".to_string(), "rule-forbidden")]
    );
    let by_hand = record(&h1, &transfer("A-TOP", "hand_delivery", "double_envelope"))
        .await
        .unwrap();
    assert_eq!(
        by_hand.values[1].to_plain(),
        "H1",
        "the handler is the writer"
    );
    // 秘密 by e-mail needs a password or encryption.
    assert_eq!(
        codes(record(&h2, &transfer("A-SEC", "email", "none")).await),
        [("protection".to_string(), "rule-needs-protection")]
    );
    record(&h2, &transfer("A-SEC", "email", "password"))
        .await
        .unwrap();
    // Only a handler of the asset records, and only for themselves.
    assert_eq!(
        codes(record(&h2, &transfer("A-TOP", "hand_delivery", "none")).await),
        [("person".to_string(), "not-a-handler")]
    );
    assert_eq!(
        codes(
            record(
                &s1,
                &[
                    ("asset", "A-GEN"),
                    ("kind", "viewing"),
                    ("occurred_on", "2026-05-01")
                ]
            )
            .await
        ),
        [("person".to_string(), "not-a-handler")]
    );
    let mut for_someone = transfer("A-SEC", "hand_delivery", "none");
    for_someone.push(("person", "H1"));
    assert_eq!(
        codes(record(&h2, &for_someone).await),
        [("person".to_string(), "not-yourself")]
    );
    // Before the grant, nothing may be recorded.
    let mut early = transfer("A-SEC", "hand_delivery", "none");
    early[2] = ("occurred_on", "2026-03-01");
    assert_eq!(
        codes(record(&h2, &early).await),
        [("person".to_string(), "not-a-handler")]
    );
    // A transfer names its method and recipient.
    assert_eq!(
        codes(
            record(
                &h2,
                &[
                    ("asset", "A-SEC"),
                    ("kind", "transfer"),
                    ("occurred_on", "2026-05-02")
                ]
            )
            .await
        )
        .len(),
        2
    );
    // Append-only: nobody edits or withdraws a record, not even the secretariat.
    assert!(matches!(
        s.update(
            &w.isms,
            &HANDLING_RECORDS,
            by_hand.id,
            &input(&[("note", "x")])
        )
        .await,
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        s.withdraw(&w.isms, &HANDLING_RECORDS, by_hand.id, "x")
            .await,
        Err(StoreError::Forbidden)
    ));
    // The records of a hidden asset are hidden with it.
    let all = ListQuery {
        limit: 100,
        ..Default::default()
    };
    assert_eq!(
        s.list(&w.isms, &HANDLING_RECORDS, &all)
            .await
            .unwrap()
            .total,
        2
    );
    assert_eq!(s.list(&h2, &HANDLING_RECORDS, &all).await.unwrap().total, 1);
    assert_eq!(s.list(&s1, &HANDLING_RECORDS, &all).await.unwrap().total, 0);
    assert!(s.verify_audit(&|_, _| {}).await.unwrap().intact());
}

#[tokio::test]
async fn disposal_closes_the_asset_and_a_customers_asset_needs_consent() {
    use mamori_domain::registers::{APPROVED_CONTRACTORS, DISPOSALS};
    let w = world().await;
    let s = &w.store;
    create(
        s,
        &w.isms,
        &APPROVED_CONTRACTORS,
        &[
            ("code", "C-01"),
            ("name", "溶解処理株式会社"),
            ("kind", "disposal"),
            ("certification", "privacy_mark"),
            ("evaluated_on", "2026-03-01"),
        ],
    )
    .await;
    create(
        s,
        &w.isms,
        &ASSETS,
        &[
            ("code", "C-DATA"),
            ("name", "顧客データ"),
            ("kind", "electronic_data"),
            ("department", "SOUMU"),
            ("classification", "confidential"),
            ("customer_owned", "yes"),
            ("customer", "顧客株式会社"),
        ],
    )
    .await;
    // A customer's asset: the consent is required; a contractor must be an approved one.
    let errors = refused(
        s,
        &w.isms,
        &DISPOSALS,
        &[
            ("asset", "C-DATA"),
            ("disposed_on", "2026-05-01"),
            ("method", "data_erasure"),
            ("contractor", "C-99"),
        ],
    )
    .await;
    let mut found = errors;
    found.sort();
    assert_eq!(
        found,
        [
            ("consent_by".to_string(), "required"),
            ("consent_form".to_string(), "required"),
            ("consent_on".to_string(), "required"),
            ("contractor".to_string(), "unknown-ref"),
        ]
    );
    let d = create(
        s,
        &w.isms,
        &DISPOSALS,
        &[
            ("asset", "C-DATA"),
            ("disposed_on", "2026-05-01"),
            ("method", "data_erasure"),
            ("contractor", "C-01"),
            ("certificate_no", "N-1"),
            ("consent_by", "顧客 佐藤様"),
            ("consent_on", "2026-04-20"),
            ("consent_form", "document"),
        ],
    )
    .await;
    // The asset is closed with its history kept; it cannot be disposed of (or handled) again.
    let asset = s
        .list(
            &w.isms,
            &ASSETS,
            &ListQuery {
                q: Some("C-DATA".into()),
                status: mamori_store::Status::All,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items
        .remove(0);
    assert_eq!(
        asset.withdrawn_reason.as_deref(),
        Some(format!("disposal #{d}").as_str())
    );
    let history = s.history(&w.isms, &ASSETS, asset.id).await.unwrap();
    assert_eq!(
        history
            .iter()
            .map(|h| h.action.as_str())
            .collect::<Vec<_>>(),
        ["create", "withdraw"]
    );
    let errors = refused(
        s,
        &w.isms,
        &DISPOSALS,
        &[
            ("asset", "C-DATA"),
            ("disposed_on", "2026-05-02"),
            ("method", "shredding"),
        ],
    )
    .await;
    assert_eq!(errors[0].1, "unknown-ref");
    // A courier is not a disposal contractor.
    create(
        s,
        &w.isms,
        &APPROVED_CONTRACTORS,
        &[
            ("code", "C-02"),
            ("name", "運送株式会社"),
            ("kind", "courier"),
            ("certification", "privacy_mark"),
            ("evaluated_on", "2026-03-01"),
        ],
    )
    .await;
    let errors = refused(
        s,
        &w.isms,
        &DISPOSALS,
        &[
            ("asset", "A-SEC"),
            ("disposed_on", "2026-05-01"),
            ("method", "shredding"),
            ("contractor", "C-02"),
        ],
    )
    .await;
    assert_eq!(
        (errors[0].0.as_str(), errors[0].1),
        ("contractor", "wrong-kind")
    );
    // An own asset needs no consent.
    create(
        s,
        &w.isms,
        &DISPOSALS,
        &[
            ("asset", "A-GEN"),
            ("disposed_on", "2026-05-01"),
            ("method", "shredding"),
        ],
    )
    .await;
    assert!(s.verify_audit(&|_, _| {}).await.unwrap().intact());
}

#[tokio::test]
async fn a_key_needs_a_guaranteed_custodian_and_what_is_late_is_listed() {
    use mamori_domain::registers::{CUSTODY_KEYS, DEVICES, HANDLING_RECORDS, KEY_INSPECTIONS};
    let w = world().await;
    let s = &w.store;
    let key = |custodian: &'static str| {
        [
            ("receipt_no", "K-1"),
            ("customer", "顧客"),
            ("building", "本館"),
            ("description", "通用口"),
            ("count", "２"),
            ("custodian", custodian),
            ("received_on", "2026-04-10"),
        ]
    };
    let errors = refused(s, &w.isms, &CUSTODY_KEYS, &key("H2")).await;
    assert_eq!(
        (errors[0].0.as_str(), errors[0].1),
        ("custodian", "needs-guarantee-on-file")
    );
    s.create(&w.isms, &CUSTODY_KEYS, &input(&key("H1")))
        .await
        .unwrap();
    // A discrepancy is described.
    let errors = refused(
        s,
        &w.isms,
        &KEY_INSPECTIONS,
        &[
            ("key", "K-1"),
            ("inspected_on", "2026-05-01"),
            ("inspector", "M1"),
            ("result", "discrepancy"),
        ],
    )
    .await;
    assert_eq!(errors[0].0, "discrepancies");
    create(
        s,
        &w.isms,
        &KEY_INSPECTIONS,
        &[
            ("key", "K-1"),
            ("inspected_on", "2026-05-01"),
            ("inspector", "M1"),
            ("result", "ok"),
        ],
    )
    .await;
    create(
        s,
        &w.isms,
        &DEVICES,
        &[
            ("label", "PC-1"),
            ("name", "PC"),
            ("kind", "pc"),
            ("department", "SOUMU"),
            ("patched_on", "2026-05-20"),
            ("password_changed_on", "2026-04-01"),
        ],
    )
    .await;
    create(s, &w.isms, &ASSET_HANDLERS, &grant("A-SEC", "H2", "M1")).await;
    let h2 = Access {
        actor: Actor {
            user_id: Some(1),
            label: "H2".into(),
        },
        ..w.as_person("H2", Role::Staff, None)
    };
    create(
        s,
        &h2,
        &HANDLING_RECORDS,
        &[
            ("asset", "A-SEC"),
            ("kind", "take_out"),
            ("occurred_on", "2026-05-01"),
            ("due_back", "2026-05-03"),
        ],
    )
    .await;
    let day = |d: &str| mamori_domain::dates::parse_date(d).unwrap();
    // On 2026-05-25 the take-out is late; the key was inspected this month; the password change is late.
    let o = s.overdue(&w.isms, day("2026-05-25")).await.unwrap();
    assert_eq!(o.take_outs.len(), 1);
    assert!(o.keys.is_empty());
    assert_eq!(
        (
            o.devices.len(),
            o.devices[0].patch_late,
            o.devices[0].password_late
        ),
        (1, false, true)
    );
    // Someone who does not see the asset does not see its take-out either.
    let s1 = w.as_person("S1", Role::Staff, None);
    assert!(
        s.overdue(&s1, day("2026-05-25"))
            .await
            .unwrap()
            .take_outs
            .is_empty()
    );
    // The return ends it; a month later the key is due for inspection.
    create(
        s,
        &h2,
        &HANDLING_RECORDS,
        &[
            ("asset", "A-SEC"),
            ("kind", "return"),
            ("occurred_on", "2026-05-26"),
        ],
    )
    .await;
    let o = s.overdue(&w.isms, day("2026-06-10")).await.unwrap();
    assert!(o.take_outs.is_empty());
    assert_eq!(o.keys.len(), 1);
}

/// Search across registers finds Japanese substrings of two characters and more, full-width as
/// typed, in every register the reader may read, and never a record they may not see.
#[tokio::test]
async fn search_finds_substrings_in_every_readable_register_and_hides_what_the_reader_may_not_see()
{
    let w = world().await;
    let s = &w.store;
    create(s, &w.isms, &ASSET_HANDLERS, &grant("A-TOP", "H1", "M1")).await;
    let h1 = w.as_person("H1", Role::Staff, None);
    let h2 = w.as_person("H2", Role::Staff, None);
    let found = |hits: Vec<mamori_store::search::Hits>| -> Vec<(String, Vec<String>)> {
        hits.into_iter()
            .map(|h| {
                (
                    h.register.code.to_string(),
                    h.records
                        .iter()
                        .map(|r| r.values[0].to_plain())
                        .collect::<Vec<_>>(),
                )
            })
            .collect()
    };
    // Three characters and more go through the trigram index, fewer are looked for one by one;
    // full-width letters match their ASCII form.
    let all = found(s.search(&w.isms, "の資料").await.unwrap());
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0].0, "asset");
    let mut codes = all[0].1.clone();
    codes.sort();
    assert_eq!(codes, ["A-GEN", "A-SEC", "A-TOP"]);
    assert_eq!(found(s.search(&w.isms, "資料").await.unwrap()), all);
    assert_eq!(
        found(s.search(&w.isms, "ａ－ｔｏｐ").await.unwrap())[0].1,
        ["A-TOP"]
    );
    // People and departments are found by name, the courses by theirs.
    let names = found(s.search(&w.isms, "総務").await.unwrap());
    assert!(
        names
            .iter()
            .any(|(r, c)| r == "department" && c == &["SOUMU"]),
        "{names:?}"
    );
    // A handler sees the strictly confidential asset they handle; another does not.
    let mut h1_codes = found(s.search(&h1, "資料").await.unwrap())[0].1.clone();
    h1_codes.sort();
    assert_eq!(h1_codes, ["A-GEN", "A-TOP"]);
    assert_eq!(found(s.search(&h2, "資料").await.unwrap())[0].1, ["A-GEN"]);
    assert!(found(s.search(&h2, "A-TOP").await.unwrap()).is_empty());
    // A change is found by its new words, not its old; a withdrawn record is not found.
    s.update(
        &w.isms,
        &ASSETS,
        w.ids["A-GEN"],
        &input(&[("name", "顧客名簿（営業）")]),
    )
    .await
    .unwrap();
    assert_eq!(
        found(s.search(&w.isms, "顧客名簿").await.unwrap())[0].1,
        ["A-GEN"]
    );
    assert!(
        !found(s.search(&w.isms, "A-GEN の資料").await.unwrap())
            .iter()
            .any(|(_, c)| c.contains(&"A-GEN".to_string()))
    );
    s.withdraw(&w.isms, &ASSETS, w.ids["A-GEN"], "誤登録")
        .await
        .unwrap();
    assert!(found(s.search(&w.isms, "顧客名簿").await.unwrap()).is_empty());
    // Words LIKE would take as patterns are taken as they are; empty finds nothing; too long and
    // control characters are refused.
    assert!(found(s.search(&w.isms, "%").await.unwrap()).is_empty());
    assert!(found(s.search(&w.isms, "_の").await.unwrap()).is_empty());
    assert!(found(s.search(&w.isms, "\"資料").await.unwrap()).is_empty());
    assert!(s.search(&w.isms, "  ").await.unwrap().is_empty());
    assert!(matches!(
        s.search(&w.isms, &"資".repeat(101)).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        s.search(&w.isms, "資\u{0}料").await,
        Err(StoreError::Invalid(_))
    ));
}
