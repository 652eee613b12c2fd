//! The annual plan on the demo: the template's duties make FY2017's tasks, done as the year's
//! records show; recording a record completes this year's task, in the audit trail; making a
//! year again makes nothing; the lapsed certificate is late. SQLite, or PostgreSQL when
//! `MAMORI_TEST_DATABASE_URL` is set.

use crate::common::Demo;

use mamori_domain::Role;
use mamori_domain::registers::{KEY_INSPECTIONS, TASKS};
use mamori_store::{Access, Input, ListQuery};

fn input(pairs: &[(&str, &str)]) -> Input {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn the_demo_s_plan_shows_fy2017_done_and_a_record_completes_this_year_s_task() {
    let demo = Demo::load().await;
    let (s, a) = (&demo.store, &demo.access);
    let fy2017 = a.org.calendar.year(2017);
    let grid = s.plan_grid(a, fy2017).await.unwrap();
    let row = |title: &str| {
        grid.iter()
            .find(|r| r.title.as_deref().is_some_and(|t| t.starts_with(title)))
            .unwrap_or_else(|| panic!("{title} in {grid:?}"))
            .clone()
    };
    // Twelve secretariat meetings planned, twelve held (MT-2017-04 … MT-2018-03), one a month.
    let meetings = row("ISO事務局会議");
    assert!(
        meetings
            .months
            .iter()
            .all(|c| c.planned == 1 && c.done == 1),
        "{meetings:?}"
    );
    // The internal audits of the programme in November (one a department, four), the management
    // review in March (2018-03-22), the drill in November: done. The keys were inspected from May
    // to December, each month's inspection its own month's: April's task stays open, late.
    let audits = row("内部監査").months[7];
    assert_eq!((audits.planned, audits.done), (4, 4));
    assert_eq!(row("マネジメントレビュー").months[11].done, 1);
    assert_eq!(row("事業継続計画の訓練").months[7].done, 1);
    let keys = row("お預り鍵の点検");
    let done: Vec<i64> = keys.months.iter().map(|c| c.done).collect();
    assert_eq!(done, [0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
    // A done task links to the record that did it.
    let done = s
        .list(
            a,
            &TASKS,
            &ListQuery {
                filters: vec![("task_status".into(), "done".into())],
                ranges: vec![(
                    "due_on".into(),
                    Some(fy2017.start()),
                    Some(fy2017.last_day()),
                )],
                limit: 500,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(done.items.iter().any(|t| {
        t.value(&TASKS, "done_record")
            .is_some_and(|v| v.to_plain().starts_with("meetings/"))
    }));
    // Making the year again makes nothing.
    assert_eq!(s.plan_year(a, fy2017, &|_, _| {}).await.unwrap(), 0);

    // This year: recording a key inspection today completes this month's inspection task, and
    // the audit trail says so.
    let today = mamori_domain::dates::today();
    let this_month = s
        .tasks_between(
            a,
            today.replace_day(1).unwrap(),
            today
                .replace_day(time::util::days_in_month(today.month(), today.year()))
                .unwrap(),
        )
        .await
        .unwrap();
    let task = this_month
        .iter()
        .find(|t| t.title.starts_with("お預り鍵の点検"))
        .expect("this month's key inspection task");
    let inspector = Access {
        person_id: Some(s.person_id(a, "0002").await.unwrap()),
        ..a.clone()
    };
    let before_status = s.get(a, &TASKS, task.id).await.unwrap();
    if before_status
        .value(&TASKS, "task_status")
        .map(|v| v.to_plain())
        == Some("open".into())
    {
        s.create(
            &inspector,
            &KEY_INSPECTIONS,
            &input(&[
                ("key", "K-2017-001"),
                ("inspected_on", &mamori_domain::dates::iso(today)),
                ("inspector", "0002"),
                ("result", "ok"),
            ]),
        )
        .await
        .unwrap();
        let after = s.get(a, &TASKS, task.id).await.unwrap();
        assert_eq!(
            after.value(&TASKS, "task_status").unwrap().to_plain(),
            "done"
        );
        assert!(
            after
                .value(&TASKS, "done_record")
                .unwrap()
                .to_plain()
                .starts_with("key-inspections/")
        );
        let history = s.history(a, &TASKS, task.id).await.unwrap();
        assert!(history.iter().any(|e| e.action == "update"), "{history:?}");
    }

    // The newest joiner (the demo's staff) has the onboarding test to take: their own task.
    let staff = Access {
        role: Role::Staff,
        person_id: Some(s.person_id(a, mamori_io::demo::NEW_JOINER).await.unwrap()),
        ..a.clone()
    };
    let mine = s
        .open_tasks(&staff, today + time::Duration::days(30), true, 10)
        .await
        .unwrap();
    assert!(
        mine.iter()
            .any(|t| t.title.starts_with("初任時の理解度テスト")),
        "{mine:?}"
    );
    // The certificate that lapsed in 2018 is on the overdue list.
    let o = s.overdue(a, today).await.unwrap();
    assert_eq!(o.certificates.len(), 1);
    assert_eq!(o.certificates[0].code, "IC13J0364");
}

/// Two inspectors record this month's key inspection at the same moment: the month's task is
/// completed once, by one of them, and neither completes an earlier month's.
#[tokio::test]
async fn two_writers_complete_a_task_once() {
    let demo = Demo::load().await;
    let (s, a) = (&demo.store, &demo.access);
    let today = mamori_domain::dates::today();
    let inspector = Access {
        person_id: Some(s.person_id(a, "0002").await.unwrap()),
        ..a.clone()
    };
    let record = |key: &'static str| {
        let (s, inspector) = (s.clone(), inspector.clone());
        async move {
            s.create(
                &inspector,
                &KEY_INSPECTIONS,
                &input(&[
                    ("key", key),
                    ("inspected_on", &mamori_domain::dates::iso(today)),
                    ("inspector", "0002"),
                    ("result", "ok"),
                ]),
            )
            .await
            .unwrap()
            .id
        }
    };
    let (one, two) = tokio::join!(record("K-2017-001"), record("K-2018-001"));
    let done = s
        .list(
            a,
            &TASKS,
            &ListQuery {
                filters: vec![("task_status".into(), "done".into())],
                limit: 1000,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let by: Vec<String> = done
        .items
        .iter()
        .filter_map(|t| t.value(&TASKS, "done_record").map(|v| v.to_plain()))
        .filter(|r| {
            *r == format!("key-inspections/{one}") || *r == format!("key-inspections/{two}")
        })
        .collect();
    assert_eq!(by.len(), 1, "{by:?}");
}

/// Two secretaries make the same year at the same moment: its tasks are made once; the one that
/// finds the plan being made is told so, and making it again after makes nothing.
#[tokio::test]
async fn two_plans_of_a_year_at_the_same_moment_make_its_tasks_once() {
    let demo = Demo::load().await;
    let (s, a) = (&demo.store, &demo.access);
    let fy = a.org.calendar.year(2025);
    // Each task by what tells it: its title, due date, department and owner.
    let tasks = || async {
        let page = s
            .list(
                a,
                &TASKS,
                &ListQuery {
                    ranges: vec![("due_on".into(), Some(fy.start()), Some(fy.last_day()))],
                    limit: 5000,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let key = |t: &mamori_store::Record| {
            ["title", "due_on", "department", "owner"]
                .map(|f| t.value(&TASKS, f).map(|v| v.to_plain()).unwrap_or_default())
        };
        let mut keys: Vec<_> = page.items.iter().map(key).collect();
        let all = keys.len();
        keys.sort();
        keys.dedup();
        (all, keys.len())
    };
    assert_eq!(tasks().await, (0, 0));
    let (one, two) = tokio::join!(
        s.plan_year(a, fy, &|_, _| {}),
        s.plan_year(a, fy, &|_, _| {})
    );
    for r in [&one, &two] {
        assert!(
            matches!(
                r,
                Ok(_) | Err(mamori_store::StoreError::Refused("plan-running"))
            ),
            "{r:?}"
        );
    }
    let made = one.unwrap_or(0) + two.unwrap_or(0);
    assert!(made > 0);
    let (all, distinct) = tasks().await;
    assert_eq!((all, distinct), (made, made), "each task once");
    assert_eq!(s.plan_year(a, fy, &|_, _| {}).await.unwrap(), 0);
}
