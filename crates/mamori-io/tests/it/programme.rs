//! The internal audit programme, the training plan and the guarantee rule on the demo: this
//! year's programme (one audit done, four planned) with its teams, independence, checklists and
//! the auditors' competence; the programme's tasks fall to each lead auditor and recording the
//! audit done completes its task; nobody audits their own department; the training plan against
//! the sessions held; and a confidential asset's handler needs an identity guarantee as the
//! classification's setting says. SQLite, or PostgreSQL when `MAMORI_TEST_DATABASE_URL` is set.

use crate::common::Demo;

use mamori_domain::registers::{
    ASSET_HANDLERS, AUDIT_TEAM, AUDITS, AssetRules, TASKS, TRAINING_SESSIONS,
};
use mamori_store::{Access, Input, ListQuery, StoreError};

fn input(pairs: &[(&str, &str)]) -> Input {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn codes(e: &StoreError) -> Vec<(String, String)> {
    match e {
        StoreError::Invalid(errors) => errors
            .iter()
            .map(|e| (e.field.clone(), e.code.to_string()))
            .collect(),
        other => panic!("refused as invalid, not {other:?}"),
    }
}

#[tokio::test]
async fn the_programme_makes_each_lead_s_task_and_recording_the_audit_done_completes_it() {
    let demo = Demo::load().await;
    let (s, a) = (&demo.store, &demo.access);
    let fy = a.org.calendar.year(2026);
    let p = s.audit_programme(a, fy).await.unwrap();
    let depts: Vec<&str> = p.audits.iter().map(|x| x.department.as_str()).collect();
    assert_eq!(
        depts,
        [
            "IT業務部門",
            "総務経理部門",
            "営業部門",
            "ICT技術部",
            "ISO事務局"
        ]
    );
    assert!(p.unaudited.is_empty(), "{:?}", p.unaudited);
    // The first, in December, has its checklist prepared and its team named.
    let first = &p.audits[0];
    assert_eq!(
        (first.status.as_str(), first.checks, first.checked),
        ("planned", 4, 0)
    );
    assert_eq!((first.findings, first.nonconformities), (0, 0));
    assert!(p.audits.iter().all(|x| x.independent && x.lead_competent));
    assert_eq!(first.team.len(), 2, "{:?}", first.team);
    // 0008 observed one audit done (FY2017's), with neither the course nor an audit led.
    let trainee = p.auditors.iter().find(|x| x.name == "石井 翔太").unwrap();
    assert_eq!(
        (trainee.observed, trainee.led, trainee.trained_on),
        (1, 0, None)
    );
    // 0003 took the course in 2015 and led six audits done (FY2016's and FY2017's).
    let lead = p.auditors.iter().find(|x| x.name == "村上 恵子").unwrap();
    assert_eq!(
        (lead.led, lead.trained_on.map(|d| d.year())),
        (6, Some(2015))
    );
    // FY2017: every department of the time audited, none left out.
    let p2017 = s
        .audit_programme(a, a.org.calendar.year(2017))
        .await
        .unwrap();
    assert_eq!(p2017.audits.len(), 4);
    assert!(p2017.unaudited.is_empty(), "{:?}", p2017.unaudited);

    // The planned audit of 総務経理部門 is its lead's task; recording it done completes the task.
    let open = |title: &'static str| async move {
        s.list(
            a,
            &TASKS,
            &ListQuery {
                filters: vec![("task_status".into(), "open".into())],
                q: Some(title.into()),
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items
    };
    let tasks = open("内部監査（総務経理部門）").await;
    assert_eq!(tasks.len(), 1, "one task for the planned audit");
    assert_eq!(
        tasks[0].value(&TASKS, "owner").unwrap().to_plain(),
        "0003",
        "the lead auditor's"
    );
    let audit = s.id_by_key(a, &AUDITS, "AU-2026-02").await.unwrap();
    // Editing the scope alone completes nothing.
    s.update(
        a,
        &AUDITS,
        audit,
        &input(&[("scope", "総務経理部門。特定個人情報")]),
    )
    .await
    .unwrap();
    assert_eq!(open("内部監査（総務経理部門）").await.len(), 1);
    s.update(a, &AUDITS, audit, &input(&[("status", "done")]))
        .await
        .unwrap();
    assert!(open("内部監査（総務経理部門）").await.is_empty());
    let task = s.get(a, &TASKS, tasks[0].id).await.unwrap();
    assert_eq!(
        task.value(&TASKS, "done_record").unwrap().to_plain(),
        format!("audits/{audit}")
    );
    // The other planned audits' tasks stay open, and so does the certification body's
    // surveillance: an internal audit is not one.
    assert_eq!(open("内部監査（営業部門）").await.len(), 1);
    assert_eq!(open("認証の維持審査").await.len(), 1);
    assert_eq!(s.plan_year(a, fy, &|_, _| {}).await.unwrap(), 0);
    // An audit added to the planned year is its lead's task at once; making the year again makes
    // nothing more.
    assert_eq!(open("内部監査（IT業務部門）").await.len(), 1);
    s.create(
        a,
        &AUDITS,
        &input(&[
            ("party", "first"),
            ("kind", "internal"),
            ("started_on", "2027-03-10"),
            ("department", "ITGYOMU"),
            ("auditor", "0003"),
            ("status", "planned"),
        ]),
    )
    .await
    .unwrap();
    assert_eq!(open("内部監査（IT業務部門）").await.len(), 2);
    assert_eq!(s.plan_year(a, fy, &|_, _| {}).await.unwrap(), 0);
}

#[tokio::test]
async fn nobody_audits_their_own_department() {
    let demo = Demo::load().await;
    let (s, a) = (&demo.store, &demo.access);
    // 0002 is of ICT技術部: not on the team of its audit, and not its lead.
    let e = s
        .create(
            a,
            &AUDIT_TEAM,
            &input(&[
                ("audit", "AU-2026-04"),
                ("person", "0002"),
                ("team_role", "member"),
            ]),
        )
        .await
        .unwrap_err();
    assert_eq!(codes(&e), [("person".into(), "own-department".into())]);
    let audit = s.id_by_key(a, &AUDITS, "AU-2026-04").await.unwrap();
    let e = s
        .update(a, &AUDITS, audit, &input(&[("auditor", "0002")]))
        .await
        .unwrap_err();
    assert_eq!(codes(&e), [("auditor".into(), "own-department".into())]);
    // The same person twice on a team is refused; of another department, welcome.
    let e = s
        .create(
            a,
            &AUDIT_TEAM,
            &input(&[
                ("audit", "AU-2026-01"),
                ("person", "0002"),
                ("team_role", "observer"),
            ]),
        )
        .await
        .unwrap_err();
    assert_eq!(codes(&e)[0].1, "duplicate-combination");
    s.create(
        a,
        &AUDIT_TEAM,
        &input(&[
            ("audit", "AU-2026-03"),
            ("person", "0002"),
            ("team_role", "member"),
        ]),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn the_training_plan_counts_sessions_held_in_date_order() {
    let demo = Demo::load().await;
    let (s, a) = (&demo.store, &demo.access);
    let fy = a.org.calendar.year(2026);
    let held = |plans: &[mamori_store::training::PlannedSession]| -> Vec<(String, bool)> {
        plans
            .iter()
            .map(|p| (p.code.clone(), p.held.is_some()))
            .collect()
    };
    let plans = s.training_plan(a, fy).await.unwrap();
    assert_eq!(
        held(&plans),
        [
            ("TP-2026-01".to_string(), true),
            ("TP-2026-03".to_string(), false),
            ("TP-2026-02".to_string(), false),
        ]
    );
    // The periodic course held today: its plan is held.
    s.create(
        a,
        &TRAINING_SESSIONS,
        &input(&[
            ("code", "2026-PERIODIC"),
            ("course", "ISO-PERIODIC"),
            (
                "held_on",
                &mamori_domain::dates::iso(mamori_domain::dates::today()),
            ),
        ]),
    )
    .await
    .unwrap();
    let plans = s.training_plan(a, fy).await.unwrap();
    assert!(
        plans
            .iter()
            .find(|p| p.code == "TP-2026-02")
            .unwrap()
            .held
            .is_some()
    );
    assert!(
        plans
            .iter()
            .find(|p| p.code == "TP-2026-03")
            .unwrap()
            .held
            .is_none()
    );
}

#[tokio::test]
async fn a_confidential_asset_s_handler_needs_a_guarantee_as_the_setting_says() {
    let demo = Demo::load().await;
    let (s, a) = (&demo.store, &demo.access);
    // A confidential asset (重要（秘密）) and an eligible person with no guarantee on file.
    let assets = s
        .list(
            a,
            &mamori_domain::registers::ASSETS,
            &ListQuery {
                filters: vec![("classification".into(), "confidential".into())],
                limit: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let asset = assets.items[0]
        .value(&mamori_domain::registers::ASSETS, "code")
        .unwrap()
        .to_plain();
    let grant = input(&[
        ("asset", &asset),
        ("person", "0008"),
        ("approved_by", "0001"),
        (
            "approved_on",
            &mamori_domain::dates::iso(mamori_domain::dates::today()),
        ),
        (
            "valid_until",
            &mamori_domain::dates::iso(mamori_domain::dates::today() + time::Duration::days(90)),
        ),
    ]);
    let e = s.create(a, &ASSET_HANDLERS, &grant).await.unwrap_err();
    assert!(
        codes(&e).contains(&("person".into(), "needs-guarantee".into())),
        "{e:?}"
    );
    // The demo (the reference company) asks it for both levels; asked for 最重要（極秘） only, as by
    // default, the same grant needs none.
    let mut rules = a.org.settings.asset_rules.clone();
    assert_eq!(rules.guarantee, ["confidential", "strictly_confidential"]);
    rules.guarantee = AssetRules::guarantee_levels();
    s.set_asset_rules(a, &rules).await.unwrap();
    let a = Access {
        org: s.organization(&a.org.slug).await.unwrap(),
        ..a.clone()
    };
    let made = s.create(&a, &ASSET_HANDLERS, &grant).await;
    assert!(
        made.as_ref()
            .err()
            .is_none_or(|e| !codes(e).iter().any(|(_, c)| c == "needs-guarantee")),
        "{made:?}"
    );
    // A level that is no classification is refused.
    rules.guarantee = vec!["secret".into()];
    assert!(s.set_asset_rules(&a, &rules).await.is_err());
}

/// An audit with no checklist starts from the department's last one: its questions without
/// results; once it has one, or when nothing can be copied, it is refused and nothing changes.
#[tokio::test]
async fn an_audit_s_checklist_starts_from_the_last_one() {
    use mamori_domain::registers::AUDIT_CHECKS;
    let demo = Demo::load().await;
    let (s, a) = (&demo.store, &demo.access);
    let checks = |audit: &'static str| async move {
        s.list(
            a,
            &AUDIT_CHECKS,
            &ListQuery {
                filters: vec![("audit".into(), audit.into())],
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items
    };
    // ICT技術部's audit this year: its department had no checklist, so the latest internal
    // audit's (総務経理部門's, prepared for January) is copied.
    // Two at the same moment: one copies, the other is refused (or meets the first's rows).
    let audit = s.id_by_key(a, &AUDITS, "AU-2026-04").await.unwrap();
    let (one, two) = tokio::join!(s.copy_checklist(a, audit), s.copy_checklist(a, audit));
    let copied: Vec<usize> = [&one, &two]
        .into_iter()
        .filter_map(|r| r.as_ref().ok().copied())
        .collect();
    assert_eq!(copied, [3], "{one:?} {two:?}");
    let copied = checks("AU-2026-04").await;
    assert_eq!(copied.len(), 3);
    assert!(copied.iter().all(|c| {
        c.value(&AUDIT_CHECKS, "conformity")
            .is_none_or(|v| v.to_plain().is_empty())
    }));
    assert!(matches!(
        s.copy_checklist(a, audit).await,
        Err(StoreError::Refused("checklist-exists"))
    ));
    assert_eq!(checks("AU-2026-04").await.len(), 3);
    // IT営業・業務部門's 2016 audit takes its own department's checklist before any other, even a
    // later one (2017's, six questions).
    let iteigyo = s.id_by_key(a, &AUDITS, "AU-2016-02").await.unwrap();
    assert_eq!(s.copy_checklist(a, iteigyo).await.unwrap(), 6);
    // A question added without a number takes the next one.
    let made = s
        .create(
            a,
            &AUDIT_CHECKS,
            &input(&[
                ("audit", "AU-2026-04"),
                ("question", "バックアップの復元は試されているか"),
            ]),
        )
        .await
        .unwrap();
    assert_eq!(made.value(&AUDIT_CHECKS, "no").unwrap().to_plain(), "4");
    // Staff may not.
    let staff = Access {
        role: mamori_domain::Role::Staff,
        ..a.clone()
    };
    let other = s.id_by_key(a, &AUDITS, "AU-2026-05").await.unwrap();
    assert!(s.copy_checklist(&staff, other).await.is_err());
    assert!(checks("AU-2026-05").await.is_empty());
}
