//! Synthetic training: sessions, attendance and test attempts over the years.

#[allow(unused_imports)]
use super::*;

/// Courses, an onboarding session every month for that month's joiners and a periodic session every
/// October for everyone employed then, with attendance (mostly attended).
pub(super) async fn training(
    store: &Store,
    access: &Access,
    staff: &[(String, Date, Option<Date>)],
    first: Date,
    today: Date,
    rng: &mut StdRng,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<Vec<Attended>, IoError> {
    let fail =
        |e: Vec<(usize, Vec<mamori_domain::FieldError>)>| IoError::Unreadable(format!("{e:?}"));
    let courses = vec![
        input(&[
            ("code", "INIT".into()),
            ("name", "初任時研修".into()),
            ("kind", "onboarding".into()),
            ("audience", "new_joiners".into()),
            ("pass_mark", "80".into()),
        ]),
        input(&[
            ("code", "PERIODIC".into()),
            ("name", "定期教育訓練".into()),
            ("kind", "periodic".into()),
            ("audience", "everyone".into()),
        ]),
    ];
    store
        .create_many(access, &COURSES, &courses, &|_, _| {})
        .await
        .map_err(fail)?;
    let iso = mamori_domain::dates::iso;
    let mut sessions = Vec::new();
    let mut attendance = Vec::new();
    let mut attended: Vec<Attended> = Vec::new();
    let status = |rng: &mut StdRng| match rng.gen_range(0..100) {
        0..=94 => "attended",
        95..=97 => "absent",
        _ => "excused",
    };
    let mut fy = access.org.calendar.containing(first);
    while fy.start() <= today {
        for m in 0..12 {
            let month_start = fy.start().replace_day(1).ok().and_then(|d| {
                let months = d.month() as i32 - 1 + m;
                Date::from_calendar_date(
                    d.year() + months / 12,
                    Month::try_from((months % 12 + 1) as u8).ok()?,
                    1,
                )
                .ok()
            });
            let Some(month) = month_start else {
                continue;
            };
            let code = format!("{}-INIT-{:02}", fy.year(), month.month() as u8);
            let joining: Vec<&(String, Date, Option<Date>)> = staff
                .iter()
                .filter(|(_, joined, _)| {
                    joined.year() == month.year() && joined.month() == month.month()
                })
                .collect();
            // Held once the month's last joiner is there (an attendance is refused for someone
            // who has not joined yet).
            let Some(day) = joining
                .iter()
                .map(|(_, joined, _)| *joined)
                .max()
                .filter(|d| *d <= today)
            else {
                continue;
            };
            let joiners: Vec<&String> = joining
                .iter()
                .filter(|(_, _, left)| left.is_none_or(|l| l >= day))
                .map(|(no, ..)| no)
                .collect();
            if joiners.is_empty() {
                continue;
            }
            sessions.push(input(&[
                ("code", code.clone()),
                ("course", "INIT".into()),
                ("held_on", iso(day)),
            ]));
            for no in joiners {
                let st = status(rng);
                if st == "attended" {
                    attended.push(("INIT", no.clone(), day));
                }
                attendance.push(input(&[
                    ("session", code.clone()),
                    ("person", no.clone()),
                    ("status", st.into()),
                ]));
            }
        }
        let october = Date::from_calendar_date(fy.year(), Month::October, 15)
            .map_err(|e| IoError::Unreadable(e.to_string()))?;
        if october <= today {
            let code = format!("{}-PERIODIC", fy.year());
            sessions.push(input(&[
                ("code", code.clone()),
                ("course", "PERIODIC".into()),
                ("held_on", iso(october)),
            ]));
            for (no, joined, left) in staff {
                if *joined < fy.start() && left.is_none_or(|l| l >= october) {
                    let st = status(rng);
                    if st == "attended" {
                        attended.push(("PERIODIC", no.clone(), october));
                    }
                    attendance.push(input(&[
                        ("session", code.clone()),
                        ("person", no.clone()),
                        ("status", st.into()),
                    ]));
                }
            }
        }
        fy = fy.next();
    }
    store
        .create_many(access, &TRAINING_SESSIONS, &sessions, &|_, _| {})
        .await
        .map_err(fail)?;
    for (i, chunk) in attendance.chunks(5000).enumerate() {
        store
            .create_many(access, &ATTENDANCES, chunk, &|_, _| {})
            .await
            .map_err(fail)?;
        progress(
            "attendances",
            ((i + 1) * 5000).min(attendance.len()) as u64,
            attendance.len() as u64,
        );
    }
    Ok(attended)
}

/// (course, employee number, day) of an attendance marked attended.
pub(super) type Attended = (&'static str, String, Date);

/// A question bank for both courses, and a test attempt for every attendance: one in ten fails
/// first (every answer wrong) and passes an hour later.
pub(super) async fn attempts(
    store: &Store,
    access: &Access,
    attended: &[Attended],
    rng: &mut StdRng,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<(), IoError> {
    let fail =
        |e: Vec<(usize, Vec<mamori_domain::FieldError>)>| IoError::Unreadable(format!("{e:?}"));
    let mut questions = Vec::new();
    for (course, n) in [("INIT", 5), ("PERIODIC", 3)] {
        for i in 1..=n {
            let (kind, choices, answer) = match i % 3 {
                0 => ("true_false", "", "true"),
                1 => ("single", "正しい対応\n誤った対応\n様子を見る", "1"),
                _ => (
                    "multiple",
                    "報告する\n記録する\n黙っておく\n後回しにする",
                    "1,2",
                ),
            };
            questions.push(input(&[
                ("code", format!("{course}-Q{i}")),
                ("course", course.into()),
                ("kind", kind.into()),
                ("text", format!("{course} 問{i}")),
                ("choices", choices.into()),
                ("answer", answer.into()),
            ]));
        }
    }
    store
        .create_many(access, &TEST_QUESTIONS, &questions, &|_, _| {})
        .await
        .map_err(fail)?;
    let jst = mamori_domain::dates::JST;
    let mut ids = std::collections::HashMap::new();
    let total = attended.len() as u64;
    let mut done = 0u64;
    for course in ["INIT", "PERIODIC"] {
        let mut takers: Vec<(i64, OffsetDateTime)> = Vec::new();
        let mut wrong: Vec<bool> = Vec::new();
        for (c, no, day) in attended.iter().filter(|(c, ..)| *c == course) {
            let _ = c;
            let id = match ids.get(no) {
                Some(id) => *id,
                None => {
                    let id = store.person_id(access, no).await?;
                    ids.insert(no.clone(), id);
                    id
                }
            };
            let at = day
                .with_hms(15, 0, 0)
                .unwrap_or(day.midnight())
                .assume_offset(jst);
            if rng.gen_range(0..10) == 0 {
                takers.push((id, at));
                wrong.push(true);
            }
            takers.push((id, at + Duration::hours(1)));
            wrong.push(false);
        }
        for (chunk, flags) in takers.chunks(2000).zip(wrong.chunks(2000)) {
            store
                .record_attempts(access, course, chunk, &|i, q| {
                    if flags[i] {
                        let other = q
                            .choices
                            .iter()
                            .map(|(k, _)| *k)
                            .find(|k| !q.answer.contains(k));
                        vec![other.unwrap_or(1)]
                    } else {
                        q.answer.clone()
                    }
                })
                .await?;
            done += flags.iter().filter(|w| !**w).count() as u64;
            progress("test-attempts", done.min(total), total);
        }
    }
    Ok(())
}
