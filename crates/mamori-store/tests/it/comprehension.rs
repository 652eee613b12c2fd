//! Comprehension tests and eligibility against a real database (SQLite, or PostgreSQL when
//! MAMORI_TEST_DATABASE_URL is set).

use std::collections::BTreeMap;

use mamori_domain::Role;
use mamori_domain::registers::{
    ATTENDANCES, COURSES, DEPARTMENTS, PEOPLE, PLEDGES, TEST_ATTEMPTS, TEST_QUESTIONS,
    TRAINING_SESSIONS,
};
use mamori_store::attempts::Answers;
use mamori_store::testing::TestDb;
use mamori_store::{Access, Actor, Input, ListQuery, Store, StoreError};

fn input(pairs: &[(&str, &str)]) -> Input {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

struct World {
    store: Store,
    isms: Access,
    /// Staff, linked to person E1.
    e1: Access,
    e1_id: i64,
    e2_id: i64,
    _db: TestDb,
}

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
    store
        .create(
            &isms,
            &DEPARTMENTS,
            &input(&[
                ("code", "SOUMU"),
                ("name", "総務"),
                ("valid_from", "2005-04-01"),
            ]),
        )
        .await
        .unwrap();
    let mut ids = Vec::new();
    for no in ["E1", "E2"] {
        let p = store
            .create(
                &isms,
                &PEOPLE,
                &input(&[
                    ("employee_no", no),
                    ("name", "山田 太郎"),
                    ("employment_type", "dispatched"),
                    ("department", "SOUMU"),
                    ("joined_on", "2026-04-01"),
                ]),
            )
            .await
            .unwrap();
        ids.push(p.id);
    }
    store
        .create(
            &isms,
            &COURSES,
            &input(&[
                ("code", "ONB"),
                ("name", "初任時研修"),
                ("kind", "onboarding"),
                ("audience", "new_joiners"),
                ("pass_mark", "８０"),
                ("test_minutes", "20"),
            ]),
        )
        .await
        .unwrap();
    for (code, kind, choices, answer) in [
        ("Q1", "single", "施錠する\n放置する\n持ち帰る", "1"),
        ("Q2", "multiple", "A\nB\nC\nD", "１，３"),
        ("Q3", "true_false", "", "false"),
    ] {
        store
            .create(
                &isms,
                &TEST_QUESTIONS,
                &input(&[
                    ("code", code),
                    ("course", "ONB"),
                    ("kind", kind),
                    ("text", &format!("{code}の問題")),
                    ("choices", choices),
                    ("answer", answer),
                ]),
            )
            .await
            .unwrap();
    }
    let e1 = Access {
        role: Role::Staff,
        person_id: Some(ids[0]),
        ..isms.clone()
    };
    World {
        store,
        isms,
        e1,
        e1_id: ids[0],
        e2_id: ids[1],
        _db: db,
    }
}

fn right(paper: &mamori_store::attempts::Paper) -> Answers {
    paper
        .questions
        .iter()
        .map(|q| (q.id, q.answer.clone()))
        .collect()
}

fn wrong(paper: &mamori_store::attempts::Paper) -> Answers {
    let mut a = right(paper);
    let q = paper.questions.iter().find(|q| q.kind == "single").unwrap();
    a.insert(q.id, vec![if q.answer[0] == 1 { 2 } else { 1 }]);
    a
}

#[tokio::test]
async fn a_staff_member_fails_then_passes_and_becomes_eligible() {
    let w = world().await;
    let s = &w.store;
    let e = s.eligibility(&w.e1, w.e1_id).await.unwrap();
    assert!(!e.eligible && e.pledge.is_none() && e.onboarding.is_none() && e.test_passed.is_none());

    s.create(
        &w.isms,
        &PLEDGES,
        &input(&[
            ("person", "E1"),
            ("signed_on", "2026-04-01"),
            ("version", "v3"),
        ]),
    )
    .await
    .unwrap();
    s.create(
        &w.isms,
        &TRAINING_SESSIONS,
        &input(&[
            ("code", "ONB-1"),
            ("course", "ONB"),
            ("held_on", "2026-04-02"),
        ]),
    )
    .await
    .unwrap();
    s.create(
        &w.isms,
        &ATTENDANCES,
        &input(&[
            ("session", "ONB-1"),
            ("person", "E1"),
            ("status", "attended"),
        ]),
    )
    .await
    .unwrap();
    let e = s.eligibility(&w.e1, w.e1_id).await.unwrap();
    assert!(e.pledge.is_some() && e.onboarding.is_some() && !e.eligible);

    // The secretariat has no person: it cannot take (or submit) a test for anyone.
    assert!(matches!(
        s.start_attempt(&w.isms, "ONB").await,
        Err(StoreError::Refused("no-person"))
    ));

    let id = s.start_attempt(&w.e1, "ONB").await.unwrap();
    // Starting again resumes the open attempt instead of opening a second one.
    assert_eq!(s.start_attempt(&w.e1, "ONB").await.unwrap(), id);
    let paper = s.paper(&w.e1, id).await.unwrap();
    assert_eq!(paper.total, 3);
    assert_eq!(paper.pass_mark, 80);
    assert!(paper.open());
    assert!(paper.deadline_at - paper.started_at == time::Duration::minutes(20));
    let tf = paper
        .questions
        .iter()
        .find(|q| q.kind == "true_false")
        .unwrap();
    assert_eq!(tf.answer, vec![2]);

    // Someone else's attempt: another staff member cannot see it; the manager cannot submit it.
    let e2 = Access {
        person_id: Some(w.e2_id),
        ..w.e1.clone()
    };
    assert!(matches!(s.paper(&e2, id).await, Err(StoreError::NotFound)));
    assert!(matches!(
        s.submit_attempt(&w.isms, id, &right(&paper)).await,
        Err(StoreError::Forbidden)
    ));

    // Answers out of range, unanswered questions and unknown questions are refused and change nothing.
    let mut bad = right(&paper);
    let single = paper
        .questions
        .iter()
        .find(|q| q.kind == "single")
        .unwrap()
        .id;
    bad.insert(single, vec![9]);
    let Err(StoreError::Invalid(errors)) = s.submit_attempt(&w.e1, id, &bad).await else {
        panic!()
    };
    assert_eq!(errors[0].code, "answer-out-of-range");
    bad.insert(single, vec![1, 2]);
    let Err(StoreError::Invalid(errors)) = s.submit_attempt(&w.e1, id, &bad).await else {
        panic!()
    };
    assert_eq!(errors[0].code, "one-answer");
    let Err(StoreError::Invalid(errors)) = s.submit_attempt(&w.e1, id, &BTreeMap::new()).await
    else {
        panic!()
    };
    assert_eq!(errors.len(), 3);
    assert!(errors.iter().all(|e| e.code == "unanswered"));
    let mut unknown = right(&paper);
    unknown.insert(999_999, vec![1]);
    let Err(StoreError::Invalid(errors)) = s.submit_attempt(&w.e1, id, &unknown).await else {
        panic!()
    };
    assert_eq!(errors[0].code, "unknown-question");
    assert_eq!(
        s.paper(&w.e1, id).await.unwrap().result.code(),
        "in_progress"
    );

    // A wrong answer: 2 of 3 is 66%, under the pass mark of 80.
    let graded = s.submit_attempt(&w.e1, id, &wrong(&paper)).await.unwrap();
    assert_eq!(
        (graded.result.code(), graded.score, graded.correct),
        ("failed", Some(66), Some(2))
    );
    // Submitting the same attempt again is refused.
    assert!(matches!(
        s.submit_attempt(&w.e1, id, &right(&paper)).await,
        Err(StoreError::Refused("attempt-closed"))
    ));
    assert!(!s.eligibility(&w.e1, w.e1_id).await.unwrap().eligible);

    // The retake is a new attempt, kept beside the failed one.
    let retake = s.start_attempt(&w.e1, "ONB").await.unwrap();
    assert_ne!(retake, id);
    let paper = s.paper(&w.e1, retake).await.unwrap();
    let graded = s
        .submit_attempt(&w.e1, retake, &right(&paper))
        .await
        .unwrap();
    assert_eq!((graded.result.code(), graded.score), ("passed", Some(100)));
    let e = s.eligibility(&w.e1, w.e1_id).await.unwrap();
    assert!(e.eligible, "{e:?}");
    s.require_eligible(&w.isms, w.e1_id).await.unwrap();
    assert!(matches!(
        s.require_eligible(&w.isms, w.e2_id).await,
        Err(StoreError::Refused("not-eligible"))
    ));
    // Staff ask only about themselves.
    assert!(matches!(
        s.eligibility(&w.e1, w.e2_id).await,
        Err(StoreError::NotFound)
    ));
    // Without an NDA on file, a passed test is not enough.
    let nda = s
        .list(&w.isms, &PLEDGES, &ListQuery::default())
        .await
        .unwrap()
        .items[0]
        .id;
    s.withdraw(&w.isms, &PLEDGES, nda, "署名漏れ")
        .await
        .unwrap();
    let e = s.eligibility(&w.isms, w.e1_id).await.unwrap();
    assert!(!e.eligible && e.pledge.is_none() && e.test_passed.is_some());
    assert!(matches!(
        s.require_eligible(&w.isms, w.e1_id).await,
        Err(StoreError::Refused("not-eligible"))
    ));
    s.reinstate(&w.isms, &PLEDGES, nda).await.unwrap();
    assert!(s.eligibility(&w.isms, w.e1_id).await.unwrap().eligible);

    let status = s.tests_for(&w.e1, w.e1_id).await.unwrap();
    assert_eq!(status.len(), 1);
    assert_eq!(status[0].attempts, 2);
    assert!(status[0].passed_on.is_some() && status[0].open_attempt.is_none());

    // Both attempts are in the register, for the manager and for E1; E2 sees none.
    let all = s
        .list(&w.isms, &TEST_ATTEMPTS, &ListQuery::default())
        .await
        .unwrap();
    assert_eq!(all.total, 2);
    assert_eq!(
        s.list(&w.e1, &TEST_ATTEMPTS, &ListQuery::default())
            .await
            .unwrap()
            .total,
        2
    );
    assert_eq!(
        s.list(&e2, &TEST_ATTEMPTS, &ListQuery::default())
            .await
            .unwrap()
            .total,
        0
    );
    assert!(matches!(
        s.get(&e2, &TEST_ATTEMPTS, id).await,
        Err(StoreError::NotFound)
    ));
    // Nobody edits or withdraws an attempt by hand, not even the secretariat.
    assert!(matches!(
        s.create(
            &w.isms,
            &TEST_ATTEMPTS,
            &input(&[
                ("course", "ONB"),
                ("person", "E2"),
                ("started_on", "2026-04-01"),
                ("result", "passed")
            ])
        )
        .await,
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        s.withdraw(&w.isms, &TEST_ATTEMPTS, id, "誤り").await,
        Err(StoreError::Forbidden)
    ));
    // Staff do not read the question bank (it holds the answers), nor another person's NDA.
    assert!(matches!(
        s.list(&w.e1, &TEST_QUESTIONS, &ListQuery::default()).await,
        Err(StoreError::Forbidden)
    ));
    assert_eq!(
        s.list(&e2, &PLEDGES, &ListQuery::default())
            .await
            .unwrap()
            .total,
        0
    );
    assert_eq!(
        s.list(&w.e1, &PLEDGES, &ListQuery::default())
            .await
            .unwrap()
            .total,
        1
    );

    let history = s.history(&w.isms, &TEST_ATTEMPTS, id).await.unwrap();
    assert_eq!(history.len(), 2, "started and submitted");
    assert!(s.verify_audit(&|_, _| {}).await.unwrap().intact());
}

#[tokio::test]
async fn an_attempt_past_its_deadline_cannot_be_submitted() {
    let w = world().await;
    let s = &w.store;
    let id = s.start_attempt(&w.e1, "ONB").await.unwrap();
    let paper = s.paper(&w.e1, id).await.unwrap();
    s.pool()
        .execute(
            "UPDATE attempt_papers SET deadline_at = $1 WHERE attempt_id = $2",
            &[
                (time::OffsetDateTime::now_utc() - time::Duration::minutes(1)).into(),
                id.into(),
            ],
        )
        .await
        .unwrap();
    assert!(matches!(
        s.submit_attempt(&w.e1, id, &right(&paper)).await,
        Err(StoreError::Refused("attempt-expired"))
    ));
    assert_eq!(s.paper(&w.e1, id).await.unwrap().result.code(), "expired");
    // A new attempt can be started.
    let next = s.start_attempt(&w.e1, "ONB").await.unwrap();
    assert_ne!(next, id);
    assert!(s.verify_audit(&|_, _| {}).await.unwrap().intact());
}

#[tokio::test]
async fn a_question_whose_answer_does_not_fit_is_refused() {
    let w = world().await;
    let s = &w.store;
    for (choices, answer, code) in [
        ("A\nB", "3", "invalid-answer"),
        ("A", "1", "choice-count"),
        ("A\nB", "1,2", "invalid-answer"),
    ] {
        let Err(StoreError::Invalid(errors)) = s
            .create(
                &w.isms,
                &TEST_QUESTIONS,
                &input(&[
                    ("code", "QX"),
                    ("course", "ONB"),
                    ("kind", "single"),
                    ("text", "?"),
                    ("choices", choices),
                    ("answer", answer),
                ]),
            )
            .await
        else {
            panic!("{choices} {answer} accepted")
        };
        assert_eq!(errors[0].code, code);
    }
    // A course with no questions has no test to take.
    s.create(
        &w.isms,
        &COURSES,
        &input(&[
            ("code", "MH"),
            ("name", "メンタルヘルス"),
            ("kind", "mental_health"),
            ("audience", "everyone"),
        ]),
    )
    .await
    .unwrap();
    assert!(matches!(
        s.start_attempt(&w.e1, "MH").await,
        Err(StoreError::Refused("no-questions"))
    ));
    assert!(matches!(
        s.start_attempt(&w.e1, "NOPE").await,
        Err(StoreError::NotFound)
    ));
    let Err(StoreError::Invalid(errors)) = s
        .create(
            &w.isms,
            &COURSES,
            &input(&[
                ("code", "X"),
                ("name", "x"),
                ("kind", "other"),
                ("audience", "everyone"),
                ("pass_mark", "101"),
            ]),
        )
        .await
    else {
        panic!()
    };
    assert_eq!(errors[0].code, "int-range");
}

#[tokio::test]
async fn a_courses_audience_lists_the_people_expected_at_a_session() {
    let w = world().await;
    let s = &w.store;
    // Someone who joined before this fiscal year, and someone who has already left.
    for (no, joined, left) in [("E3", "2020-04-01", ""), ("E4", "2019-04-01", "2026-06-30")] {
        s.create(
            &w.isms,
            &PEOPLE,
            &input(&[
                ("employee_no", no),
                ("name", "古参"),
                ("employment_type", "employee"),
                ("department", "SOUMU"),
                ("joined_on", joined),
                ("left_on", left),
            ]),
        )
        .await
        .unwrap();
    }
    s.create(
        &w.isms,
        &COURSES,
        &input(&[
            ("code", "PER"),
            ("name", "定期教育訓練"),
            ("kind", "periodic"),
            ("audience", "everyone"),
            ("exclude_new_joiners", "yes"),
        ]),
    )
    .await
    .unwrap();
    // A department audience names its department, and only then.
    let Err(StoreError::Invalid(errors)) = s
        .create(
            &w.isms,
            &COURSES,
            &input(&[
                ("code", "D"),
                ("name", "部門研修"),
                ("kind", "other"),
                ("audience", "department"),
            ]),
        )
        .await
    else {
        panic!()
    };
    assert_eq!(
        (errors[0].field.as_str(), errors[0].code),
        ("audience_department", "required")
    );
    let Err(StoreError::Invalid(errors)) = s
        .create(
            &w.isms,
            &COURSES,
            &input(&[
                ("code", "D"),
                ("name", "部門研修"),
                ("kind", "other"),
                ("audience", "everyone"),
                ("audience_department", "SOUMU"),
            ]),
        )
        .await
    else {
        panic!()
    };
    assert_eq!(errors[0].code, "only-for-department");

    let periodic = s
        .create(
            &w.isms,
            &TRAINING_SESSIONS,
            &input(&[
                ("code", "PER-2026"),
                ("course", "PER"),
                ("held_on", "2026-10-15"),
            ]),
        )
        .await
        .unwrap();
    // Everyone working on the day, less this year's joiners (E1, E2) and the leaver (E4).
    assert_eq!(s.add_expected(&w.isms, periodic.id).await.unwrap(), 1);
    let listed = s
        .list(
            &w.isms,
            &ATTENDANCES,
            &ListQuery {
                filters: vec![("session".into(), "PER-2026".into())],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(listed.items[0].values[1].to_plain(), "E3");
    assert_eq!(listed.items[0].values[2].to_plain(), "expected");
    // Asking again adds nobody twice.
    assert_eq!(s.add_expected(&w.isms, periodic.id).await.unwrap(), 0);
    // The onboarding course is for this year's joiners not yet listed at one of its sessions.
    let onb = s
        .create(
            &w.isms,
            &TRAINING_SESSIONS,
            &input(&[
                ("code", "ONB-2"),
                ("course", "ONB"),
                ("held_on", "2026-10-01"),
            ]),
        )
        .await
        .unwrap();
    assert_eq!(s.add_expected(&w.isms, onb.id).await.unwrap(), 2);
    // Only the secretariat lists people.
    assert!(matches!(
        s.add_expected(&w.e1, onb.id).await,
        Err(StoreError::Forbidden)
    ));
}

#[tokio::test]
async fn a_choices_number_on_the_paper_does_not_give_away_the_authors_order() {
    let w = world().await;
    let s = &w.store;
    // The author put Q1's right answer first; on the papers it is numbered where it is shown.
    let mut positions = std::collections::BTreeSet::new();
    for _ in 0..12 {
        let id = s.start_attempt(&w.e1, "ONB").await.unwrap();
        let paper = s.paper(&w.e1, id).await.unwrap();
        let q1 = paper.questions.iter().find(|q| q.code == "Q1").unwrap();
        let numbers: Vec<usize> = q1.choices.iter().map(|(k, _)| *k).collect();
        assert_eq!(numbers, vec![1, 2, 3], "numbered in the order shown");
        let shown_at = q1.answer[0];
        assert_eq!(
            q1.choices[shown_at - 1].1,
            "施錠する",
            "the answer follows its choice"
        );
        positions.insert(shown_at);
        s.submit_attempt(&w.e1, id, &right(&paper)).await.unwrap();
    }
    assert!(positions.len() > 1, "always shown at {positions:?}");
}
