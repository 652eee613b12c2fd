//! Synthetic security events, audits and their findings.

#[allow(unused_imports)]
use super::*;

/// Security events spread over the years: mostly near misses, mostly human error, each reported by
/// someone of the organisation for a department; those older than a month are closed.
#[allow(clippy::too_many_arguments)]
pub(super) async fn events(
    store: &Store,
    access: &Access,
    o: &Options,
    staff: &[(String, Date, Option<Date>)],
    first: Date,
    today: Date,
    rng: &mut StdRng,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<(), IoError> {
    let span = (today - first).whole_days().max(1);
    let iso = mamori_domain::dates::iso;
    let rows: Vec<Input> = (0..o.events)
        .map(|i| {
            let on = first + Duration::days(rng.gen_range(0..span));
            let kind = match rng.gen_range(0..100) {
                0..5 => "incident",
                5..20 => "weakness",
                _ => "near_miss",
            };
            let cause = match rng.gen_range(0..100) {
                0..60 => "human_error",
                60..75 => "technical_failure",
                75..85 => "external_attack",
                85..88 => "disaster",
                _ => "other",
            };
            let closed = (today - on).whole_days() > 30;
            let mut row: Input = [
                ("code", format!("E{:07}", i + 1)),
                ("kind", kind.to_string()),
                ("occurred_on", iso(on)),
                ("reported_on", iso(on)),
                (
                    "department",
                    format!("D{:03}", rng.gen_range(0..o.departments.max(1)) + 1),
                ),
                // Someone working there that day (a few tries; else nobody named).
                (
                    "reporter",
                    (0..20)
                        .map(|_| &staff[rng.gen_range(0..staff.len())])
                        .find(|(_, joined, left)| *joined <= on && left.is_none_or(|l| l >= on))
                        .map(|(no, ..)| no.clone())
                        .unwrap_or_default(),
                ),
                ("description", format!("事象 {} の内容", i + 1)),
                ("cause", cause.to_string()),
                (
                    "status",
                    if closed { "closed" } else { "reported" }.to_string(),
                ),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            if closed {
                let severity = ["low", "low", "medium", "high"][rng.gen_range(0..4)];
                for (k, v) in [
                    ("closed_on", iso(on + Duration::days(rng.gen_range(1..30)))),
                    ("severity", severity.to_string()),
                    ("response", format!("事象 {} への対応", i + 1)),
                    ("lessons", format!("事象 {} の教訓", i + 1)),
                ] {
                    row.insert(k.into(), v);
                }
            }
            row
        })
        .collect();
    create_chunked(store, access, &SECURITY_EVENTS, &rows, progress).await
}

/// Everyone made, with their department's index.
pub(super) struct Crew<'a> {
    pub(super) staff: &'a [(String, Date, Option<Date>)],
    pub(super) department_of: &'a [usize],
}

/// Audits of each fiscal year (an internal audit of every department in the autumn, a
/// certification audit each year, a customer audit every other year) and findings spread over
/// them: mostly from internal audits, mostly observations; those of audits older than two months
/// are closed.
#[allow(clippy::too_many_arguments)]
pub(super) async fn findings(
    store: &Store,
    access: &Access,
    o: &Options,
    crew: &Crew<'_>,
    first: Date,
    today: Date,
    rng: &mut StdRng,
    progress: &(dyn Fn(&str, u64, u64) + Sync),
) -> Result<(), IoError> {
    let iso = mamori_domain::dates::iso;
    let departments = o.departments.max(1);
    let last = access.org.calendar.containing(today).year();
    // (code, party, department index, started on)
    let mut audits: Vec<(String, &str, Option<usize>, Date)> = Vec::new();
    let mut rows: Vec<Input> = Vec::new();
    for year in first.year()..=last {
        let autumn = Date::from_calendar_date(year, Month::October, 1)
            .map_err(|e| IoError::Unreadable(e.to_string()))?;
        for d in 0..departments {
            let on = autumn + Duration::days((d % 60) as i64);
            // The auditor is someone of another department, with the organisation on the day.
            let auditor = crew
                .staff
                .iter()
                .zip(crew.department_of)
                .find(|((_, joined, left), dept)| {
                    **dept != d && *joined <= on && left.is_none_or(|l| l >= on)
                })
                .map(|((no, _, _), _)| no.clone());
            let Some(auditor) = auditor else { continue };
            let code = format!("AU{year}-{:04}", d + 1);
            rows.push(input(&[
                ("code", code.clone()),
                ("party", "first".into()),
                ("kind", "internal".into()),
                ("started_on", iso(on)),
                ("department", format!("D{:03}", d + 1)),
                ("auditor", auditor),
                ("status", "done".into()),
            ]));
            audits.push((code, "first", Some(d), on));
        }
        let cycle = ["surveillance_1", "surveillance_2", "recertification"];
        for (party, kind, body, on, every) in [
            (
                "third",
                cycle[(year.rem_euclid(3)) as usize],
                "合成認証機構",
                Month::July,
                1,
            ),
            (
                "second",
                "customer",
                "合成取引先株式会社",
                Month::February,
                2,
            ),
        ] {
            if year % every != 0 {
                continue;
            }
            let on = Date::from_calendar_date(year + i32::from(on == Month::February), on, 10)
                .map_err(|e| IoError::Unreadable(e.to_string()))?;
            let code = format!("AU{year}-{party}");
            rows.push(input(&[
                ("code", code.clone()),
                ("party", party.into()),
                ("kind", kind.into()),
                ("started_on", iso(on)),
                ("auditing_body", body.into()),
                ("status", "done".into()),
            ]));
            audits.push((code, party, None, on));
        }
    }
    audits.retain(|a| a.3 <= today);
    rows.retain(|r| {
        r.get("started_on")
            .is_some_and(|on| on.as_str() <= iso(today).as_str())
    });
    create_chunked(store, access, &AUDITS, &rows, progress).await?;
    let of = |party: &str| -> Vec<usize> {
        (0..audits.len())
            .filter(|i| audits[*i].1 == party)
            .collect()
    };
    let (internal, external) = (of("first"), [of("third"), of("second")].concat());
    if internal.is_empty() {
        return Ok(());
    }
    let rows: Vec<Input> = (0..o.findings)
        .map(|i| {
            let from = if rng.gen_range(0..100) < 75 || external.is_empty() {
                &internal
            } else {
                &external
            };
            let (code, _, department, on) = &audits[from[rng.gen_range(0..from.len())]];
            let grade = match rng.gen_range(0..100) {
                0..3 => "major",
                3..25 => "minor",
                25..70 => "observation",
                _ => "improvement",
            };
            let department = department.unwrap_or_else(|| rng.gen_range(0..departments));
            let mut row = input(&[
                ("code", format!("F{:07}", i + 1)),
                ("audit", code.clone()),
                ("grade", grade.into()),
                ("department", format!("D{:03}", department + 1)),
                (
                    "reference",
                    format!("A.{}.{}", rng.gen_range(5..9), rng.gen_range(1..35)),
                ),
                ("description", format!("指摘 {} の内容", i + 1)),
                ("status", "open".into()),
            ]);
            if (today - *on).whole_days() > 60 {
                row.insert("status".into(), "closed".into());
                row.insert(
                    "closed_on".into(),
                    iso(*on + Duration::days(rng.gen_range(7..60))),
                );
            }
            row
        })
        .collect();
    create_chunked(store, access, &FINDINGS, &rows, progress).await
}
