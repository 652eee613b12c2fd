//! The security-events area (セキュリティ事象): a reporter reports as themselves, a repeated human
//! error puts its person on the remedial course, and a write refused by a handling rule is an
//! attempt the ISMS wants to know of (DESIGN.md: "a violation attempt is refused … and recorded as a
//! security event").

use mamori_domain::register::Register;
use mamori_domain::registers::{ATTENDANCES, SECURITY_EVENTS, TRAINING_SESSIONS};
use mamori_domain::{FieldError, Role, Value};
use time::{Date, Duration};

use crate::Store;
use crate::areas::{Area, Write, Written};
use crate::db::{P, Tx};
use crate::error::StoreError;
use crate::org::Access;
use crate::records::{Batch, Input, Periods, Record, insert_in};
use crate::requirements::{Requirement, check_all};

/// The security-events area's rules.
pub(crate) struct Events;

const REQUIRES: &[Requirement] = &[
    Requirement::Yourself("reporter"),
    Requirement::InForceOn {
        on: "occurred_on",
        via: None,
    },
];

/// A person named in `person` on a second record with `field` = `value` within the organisation's
/// period (`RemedialRule`, around the date in `on`) is put on the course of kind `course_kind` at
/// its next session within the rule's days of the second record's date: a second human-error event
/// sends its person to the remedial course (臨時教育訓練). It fires once per record, when it is
/// created or comes to qualify (`field` becomes `value`, or `person` changes), never on other edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Repeats {
    person: &'static str,
    field: &'static str,
    value: &'static str,
    on: &'static str,
    course_kind: &'static str,
}

const REPEATS: Repeats = Repeats {
    person: "person",
    field: "cause",
    value: "human_error",
    on: "occurred_on",
    course_kind: "remedial",
};

impl Area for Events {
    const REGISTERS: &'static [&'static Register] = &[&SECURITY_EVENTS];

    async fn check(
        &self,
        tx: &mut Tx,
        access: &Access,
        reg: &Register,
        w: &Write<'_>,
        periods: Option<&mut Periods>,
    ) -> Result<Vec<FieldError>, StoreError> {
        check_all(tx, access, reg, REQUIRES, w, periods).await
    }

    async fn after_write(
        &self,
        tx: &mut Tx,
        access: &Access,
        reg: &Register,
        written: &Written<'_>,
        _batch: Option<&mut Batch>,
    ) -> Result<(), StoreError> {
        put_on_course(tx, access, reg, written).await
    }

    /// A human error with its person named may be a repeat.
    fn follows_writes(&self, reg: &Register, values: &[Value], ids: &[Option<i64>]) -> bool {
        reg.position(REPEATS.person)
            .is_some_and(|i| ids[i].is_some())
            && reg
                .position(REPEATS.field)
                .is_some_and(|i| values[i].to_plain() == REPEATS.value)
    }

    #[cfg(test)]
    fn names(&self) -> Vec<(&'static Register, &'static str)> {
        let mut names: Vec<&'static str> = REQUIRES.iter().flat_map(|r| r.fields()).collect();
        names.extend([REPEATS.person, REPEATS.field, REPEATS.on]);
        names.into_iter().map(|f| (&SECURITY_EVENTS, f)).collect()
    }
}

/// Records a near miss when a person's write was refused by a handling rule: who, when, which asset,
/// what they tried and which rule refused it. Written in its own transaction, since the refused
/// write's was rolled back. Nothing is recorded for loads from the command line.
pub(crate) async fn record_refusal(
    store: &Store,
    access: &Access,
    reg: &Register,
    input: &Input,
    errors: &[FieldError],
) -> Result<(), StoreError> {
    let rules: Vec<&FieldError> = errors
        .iter()
        .filter(|e| mamori_domain::registers::AssetRules::is_refusal(e.code))
        .collect();
    let (Some(person), false) = (access.person_id, rules.is_empty()) else {
        return Ok(());
    };
    let mut tx = store.pool.begin().await?;
    let employee_no = crate::records::employee_no(&mut tx, person).await?;
    let today = mamori_domain::dates::iso(mamori_domain::dates::today());
    let tried: Vec<String> = ["kind", "method", "protection", "recipient"]
        .iter()
        .filter_map(|f| {
            input
                .get(*f)
                .filter(|v| !v.trim().is_empty())
                .map(|v| format!("{f}={v}"))
        })
        .collect();
    let refused: Vec<String> = rules
        .iter()
        .map(|e| format!("{} ({})", e.code, e.detail.clone().unwrap_or_default()))
        .collect();
    let asset = input.get("asset").cloned().unwrap_or_default();
    let description = format!(
        "取扱いルールにより記録を拒否 / refused by a handling rule: {} {asset}: {}; {}",
        reg.code,
        tried.join(", "),
        refused.join(", ")
    );
    let event: Input = [
        ("kind", "near_miss"),
        ("occurred_on", today.as_str()),
        ("reported_on", today.as_str()),
        ("reporter", employee_no.as_str()),
        ("description", description.as_str()),
        ("cause", "human_error"),
        ("related", asset.as_str()),
        ("status", "reported"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    // Written on the person's behalf: they may not see the event register's other records, but the
    // audit trail names them.
    let recorder = Access {
        role: Role::IsmsManager,
        ..access.clone()
    };
    // `insert_in` appends the audit entry, as for any record.
    insert_in(&mut tx, &recorder, &SECURITY_EVENTS, &event, None).await?;
    tx.commit().await
}

/// A repeat puts its person on a course (`REPEATS`, the organisation's `RemedialRule`):
/// when this record, with the declared value (a human error), has a sibling of the same person
/// within the rule's period before or after it, the person is expected at the course's next
/// session held within the rule's days on or after the repeat (the later record of the two), or at
/// a new session on the last of those days when none is held then; both dated in the repeat's own
/// year however late the records are entered. It fires once per record: when the record is
/// created (`before` is `None`), or when an update makes it qualify (the value becomes the declared
/// one, or the person changes); an edit of anything else never enrols. Nor does it when the person
/// already has an attendance at a session of the course within those days (the enrolment of this
/// repeat), or has left by then. Written on the writer's behalf, with audit entries naming both
/// records.
async fn put_on_course(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    written: &Written<'_>,
) -> Result<(), StoreError> {
    let (id, values, ids, before): (i64, &[Value], &[Option<i64>], Option<&Record>) =
        (written.id, written.values, written.ids, written.before);
    let r = REPEATS;
    let at = |name: &str| reg.position(name);
    let (Some(field_at), Some(person_at)) = (at(r.field), at(r.person)) else {
        return Ok(());
    };
    let qualifies =
        |values: &[Value]| values[field_at].to_plain() == r.value && !values[person_at].is_null();
    let qualified = before.is_some_and(|b| {
        qualifies(&b.values) && b.values[person_at].to_plain() == values[person_at].to_plain()
    });
    if !qualifies(values) || qualified {
        return Ok(());
    }
    let (Some(person), Some(on)) = (ids[person_at], at(r.on).and_then(|i| values[i].as_date()))
    else {
        return Ok(());
    };
    let rule = access.org.settings.remedial;
    let period = Duration::days(rule.period_days);
    let key = reg.natural_key.unwrap_or("id");
    let siblings = tx
        .fetch_all(
            &format!(
                "SELECT {key}, {on_col} FROM {} WHERE org_id = $1 AND {}_id = $2 AND {} = $3 AND id <> $4 \
                   AND withdrawn_at IS NULL AND {on_col} >= $5 AND {on_col} <= $6 ORDER BY {on_col} DESC, id DESC",
                reg.table,
                r.person,
                r.field,
                on_col = r.on
            ),
            &[
                access.org_id().into(),
                P::Int(person),
                r.value.into(),
                P::Int(id),
                P::Date(on - period),
                P::Date(on + period),
            ],
        )
        .await?
        .iter()
        .map(|s| Ok((s.text(0)?, s.get::<Date>(1)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    // The repeat is the later of the two: this record when one came before it (the latest such),
    // else the earliest that follows it (entered after the fact).
    let Some((sibling, repeat_on)) = siblings
        .iter()
        .find(|(_, d)| *d <= on)
        .map(|(s, _)| (s.clone(), on))
        .or_else(|| siblings.last().cloned())
    else {
        return Ok(());
    };
    let Some(course) = tx
        .fetch_optional(
            "SELECT id, code FROM courses WHERE org_id = $1 AND kind = $2 AND withdrawn_at IS NULL ORDER BY id",
            &[access.org_id().into(), r.course_kind.into()],
        )
        .await?
    else {
        return Ok(());
    };
    let (course_id, course_code) = (course.i64(0)?, course.text(1)?);
    let last_day = repeat_on + Duration::days(rule.within_days);
    let enrolled = tx
        .fetch_optional(
            "SELECT 1 FROM attendances a JOIN training_sessions s ON s.id = a.session_id \
             WHERE a.org_id = $1 AND a.person_id = $2 AND s.course_id = $3 \
               AND a.withdrawn_at IS NULL AND s.withdrawn_at IS NULL AND s.held_on >= $4 AND s.held_on <= $5",
            &[
                access.org_id().into(),
                P::Int(person),
                P::Int(course_id),
                P::Date(repeat_on),
                P::Date(last_day),
            ],
        )
        .await?
        .is_some();
    if enrolled {
        return Ok(());
    }
    // Someone who leaves within those days is trained by their last day, or not at all.
    let left_on: Option<Date> = tx
        .fetch_one(
            "SELECT left_on FROM people WHERE org_id = $1 AND id = $2",
            &[access.org_id().into(), P::Int(person)],
        )
        .await?
        .get(0)?;
    let last_day = left_on.map_or(last_day, |l| l.min(last_day));
    if last_day < repeat_on {
        return Ok(());
    }
    let code = values[at(key).unwrap_or(0)].to_plain();
    let recorder = Access {
        role: Role::IsmsManager,
        ..access.clone()
    };
    let input = |pairs: &[(&str, &str)]| -> Input {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    // Both records name the two events.
    let note = format!("{} {code} / {sibling}", reg.code);
    let session = match tx
        .fetch_optional(
            "SELECT code FROM training_sessions WHERE org_id = $1 AND course_id = $2 \
               AND withdrawn_at IS NULL AND held_on >= $3 AND held_on <= $4 ORDER BY held_on, id",
            &[
                access.org_id().into(),
                P::Int(course_id),
                P::Date(repeat_on),
                P::Date(last_day),
            ],
        )
        .await?
    {
        Some(s) => s.text(0)?,
        None => {
            let session = free_code(tx, access, &format!("{course_code}-{code}")).await?;
            let held_on = mamori_domain::dates::iso(last_day);
            insert_in(
                tx,
                &recorder,
                &TRAINING_SESSIONS,
                &input(&[
                    ("code", &session),
                    ("course", &course_code),
                    ("held_on", &held_on),
                    ("note", &note),
                ]),
                None,
            )
            .await?;
            session
        }
    };
    let employee_no = crate::records::employee_no(tx, person).await?;
    insert_in(
        tx,
        &recorder,
        &ATTENDANCES,
        &input(&[
            ("session", &session),
            ("person", &employee_no),
            ("status", "expected"),
            ("note", &note),
        ]),
        None,
    )
    .await?;
    Ok(())
}

/// `code` for a new session, or `code-2`, `code-3`, … when a session (withdrawn or not) has it.
async fn free_code(tx: &mut Tx, access: &Access, code: &str) -> Result<String, StoreError> {
    let mut candidate = code.to_string();
    for n in 2.. {
        let taken = tx
            .fetch_optional(
                "SELECT 1 FROM training_sessions WHERE org_id = $1 AND code = $2",
                &[access.org_id().into(), candidate.clone().into()],
            )
            .await?
            .is_some();
        if !taken {
            break;
        }
        candidate = format!("{code}-{n}");
    }
    Ok(candidate)
}
