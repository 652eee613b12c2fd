//! Operations and improvement beyond single records: notices each reader acknowledges, and the
//! yearly figures of audits' findings and of complaints (5.2(9)(10) of the report).

use mamori_domain::{FieldError, FieldKind};
use serde::Serialize;
use time::{Date, OffsetDateTime};

use crate::Store;
use crate::areas::{Area, Write};
use crate::audit::{self, Entry};
use crate::db::P;
use crate::error::StoreError;
use crate::org::Access;
use crate::requirements::{Requirement, check_all};
use mamori_domain::registers::{AUDIT_CHECKS, AUDIT_TEAM, AUDITS};

/// The people a notice is for: everyone who had joined by the day it was published and has not
/// left, or the members of its department (a new joiner is not asked to read years-old notices). `n`
/// is the notice, `p` the person; `$2` is the day.
const AUDIENCE: &str = "p.org_id = n.org_id AND p.withdrawn_at IS NULL \
     AND (p.joined_on IS NULL OR p.joined_on <= n.published_on) AND (p.left_on IS NULL OR p.left_on >= $2) \
     AND (n.audience = 'everyone' OR p.department_id = n.department_id)";

/// A notice not yet read by its reader.
#[derive(Clone, Debug, Serialize)]
pub struct Unread {
    pub id: i64,
    pub code: String,
    pub kind: String,
    pub title: String,
    #[serde(with = "iso_date")]
    pub published_on: Date,
}

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

/// Who has read a notice: the reader's own acknowledgement, and for those who manage notices the
/// count of readers and who has not read yet.
#[derive(Clone, Debug, Serialize)]
pub struct NoticeStatus {
    pub in_audience: bool,
    pub read_on: Option<Date>,
    pub read: i64,
    pub total: i64,
    /// Names of those who have not read it (the first 200), for the secretariat and the managers.
    pub unread: Vec<String>,
}

impl Store {
    /// The notices for the reader that they have not acknowledged, newest first.
    pub async fn unread_notices(&self, access: &Access) -> Result<Vec<Unread>, StoreError> {
        let Some(person) = access.person_id else {
            return Ok(Vec::new());
        };
        let today = mamori_domain::dates::today();
        self.pool
            .fetch_all(
                &format!(
                    "SELECT n.id, n.code, n.kind, n.title, n.published_on FROM notices n, people p \
                     WHERE n.org_id = $1 AND p.id = $3 AND n.withdrawn_at IS NULL AND n.published_on <= $2 \
                       AND {AUDIENCE} \
                       AND NOT EXISTS (SELECT 1 FROM notice_reads r WHERE r.notice_id = n.id AND r.person_id = p.id) \
                     ORDER BY n.published_on DESC, n.id DESC LIMIT 100"
                ),
                &[access.org_id().into(), P::Date(today), P::Int(person)],
            )
            .await?
            .iter()
            .map(|r| {
                Ok(Unread {
                    id: r.i64(0)?,
                    code: r.text(1)?,
                    kind: r.text(2)?,
                    title: r.text(3)?,
                    published_on: r.get(4)?,
                })
            })
            .collect()
    }

    pub async fn notice_status(
        &self,
        access: &Access,
        notice: i64,
    ) -> Result<NoticeStatus, StoreError> {
        let today = mamori_domain::dates::today();
        let org = access.org_id();
        let counts = self
            .pool
            .fetch_optional(
                &format!(
                    "SELECT (SELECT COUNT(*) FROM people p WHERE {AUDIENCE}), \
                       (SELECT COUNT(*) FROM people p WHERE {AUDIENCE} AND EXISTS (SELECT 1 FROM notice_reads r \
                          WHERE r.notice_id = n.id AND r.person_id = p.id AND r.withdrawn_at IS NULL)) \
                     FROM notices n WHERE n.org_id = $1 AND n.id = $3"
                ),
                &[org.into(), P::Date(today), P::Int(notice)],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let (total, read) = (counts.i64(0)?, counts.i64(1)?);
        let (mut in_audience, mut read_on) = (false, None);
        if let Some(person) = access.person_id {
            let row = self
                .pool
                .fetch_one(
                    &format!(
                        "SELECT (SELECT COUNT(*) FROM people p WHERE p.id = $4 AND {AUDIENCE}), \
                           (SELECT MAX(r.read_on) FROM notice_reads r WHERE r.notice_id = n.id AND r.person_id = $4) \
                         FROM notices n WHERE n.org_id = $1 AND n.id = $3"
                    ),
                    &[org.into(), P::Date(today), P::Int(notice), P::Int(person)],
                )
                .await?;
            in_audience = row.i64(0)? > 0;
            read_on = row.get(1)?;
        }
        let manages = access.may(mamori_domain::Capability::FollowReaders);
        let unread = if manages {
            self.pool
                .fetch_all(
                    &format!(
                        "SELECT p.name FROM notices n, people p WHERE n.org_id = $1 AND n.id = $3 AND {AUDIENCE} \
                           AND NOT EXISTS (SELECT 1 FROM notice_reads r WHERE r.notice_id = n.id AND r.person_id = p.id) \
                         ORDER BY p.employee_no LIMIT 200"
                    ),
                    &[org.into(), P::Date(today), P::Int(notice)],
                )
                .await?
                .iter()
                .map(|r| r.text(0))
                .collect::<Result<_, _>>()?
        } else {
            Vec::new()
        };
        Ok(NoticeStatus {
            in_audience,
            read_on,
            read,
            total,
            unread,
        })
    }

    /// Records that the reader has read a notice addressed to them; reading it again changes nothing.
    pub async fn acknowledge(&self, access: &Access, notice: i64) -> Result<(), StoreError> {
        // Only people read notices: a member who is no person (an outside auditor) may not.
        let person = access.person_id.ok_or(StoreError::Forbidden)?;
        let today = mamori_domain::dates::today();
        let mut tx = self.pool.begin().await?;
        let addressed = tx
            .fetch_optional(
                &format!(
                    "SELECT n.code, p.employee_no FROM notices n, people p \
                     WHERE n.org_id = $1 AND n.id = $3 AND p.id = $4 AND n.withdrawn_at IS NULL AND {AUDIENCE}"
                ),
                &[access.org_id().into(), P::Date(today), P::Int(notice), P::Int(person)],
            )
            .await?;
        let Some(row) = addressed else {
            return Err(StoreError::Refused("not-in-audience"));
        };
        let done = tx
            .fetch_optional(
                "SELECT 1 FROM notice_reads WHERE notice_id = $1 AND person_id = $2",
                &[P::Int(notice), P::Int(person)],
            )
            .await?
            .is_some();
        if done {
            return Ok(());
        }
        let now = OffsetDateTime::now_utc();
        let id = tx
            .fetch_one(
                "INSERT INTO notice_reads (org_id, notice_id, person_id, read_on, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
                &[
                    access.org_id().into(),
                    P::Int(notice),
                    P::Int(person),
                    P::Date(today),
                    P::Ts(now),
                ],
            )
            .await?
            .i64(0)?;
        let after = serde_json::json!({
            "notice": row.text(0)?,
            "person": row.text(1)?,
            "read_on": mamori_domain::dates::iso(today),
        });
        audit::append(
            &mut tx,
            &access.actor,
            Entry::new(Some(access.org_id()), "notice_read", Some(id), "create").after(&after),
        )
        .await?;
        tx.commit().await
    }
}

impl Store {
    /// Briefs staff on a risk they must know (its residual risk): a notice of kind `risk` for
    /// everyone, named on the risk, which is marked as one staff must know; one transaction. A risk
    /// already briefed returns its notice, as publishing minutes does.
    pub async fn brief_risk(
        &self,
        access: &Access,
        risk_id: i64,
        title: &str,
        body: &str,
    ) -> Result<i64, StoreError> {
        use mamori_domain::registers::{NOTICES, RISKS};
        let risk = self.get(access, &RISKS, risk_id).await?;
        if !self.may_write(access, &RISKS, &risk).await?
            || !crate::records::can_create(access, &NOTICES)
        {
            return Err(StoreError::Forbidden);
        }
        if risk.withdrawn_at.is_some() {
            return Err(StoreError::Refused("record-withdrawn"));
        }
        // Briefed once; a withdrawn briefing may be published again. Checked in the write
        // transaction, which writers take in turn, so a double click finds the first briefing.
        let mut tx = self.pool.begin().await?;
        if let Some(row) = tx
            .fetch_optional(RISK_NOTICE, &[P::Int(access.org_id()), P::Int(risk_id)])
            .await?
        {
            return row.i64(0);
        }
        let notice: crate::Input = [
            ("kind", "risk".to_string()),
            ("title", title.chars().take(200).collect()),
            ("body", body.chars().take(2000).collect()),
            ("audience", "everyone".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let notice_id = crate::records::insert_in(&mut tx, access, &NOTICES, &notice, None).await?;
        let code = tx
            .fetch_one(
                "SELECT code FROM notices WHERE id = $1",
                &[P::Int(notice_id)],
            )
            .await?
            .text(0)?;
        let input: crate::Input = [
            ("notice".to_string(), code),
            ("staff_must_know".to_string(), "yes".to_string()),
        ]
        .into_iter()
        .collect();
        crate::records::update_in(&mut tx, access, &RISKS, &risk, &input).await?;
        tx.commit().await?;
        Ok(notice_id)
    }

    /// Sets the organisation's risk method (admin, ISMS manager). Existing ratings keep their
    /// values; a risk's level is computed again when it is next written.
    pub async fn set_risk_method(
        &self,
        access: &Access,
        method: &mamori_domain::risk::RiskMethod,
    ) -> Result<(), StoreError> {
        if !access.may(mamori_domain::Capability::ChangeSettings) {
            return Err(StoreError::Forbidden);
        }
        let mut errors = method.check();
        // A rating records hold cannot leave its scale (removed or renamed): the records would
        // keep a value the method no longer knows, and their levels could not be computed.
        let before = &access.org.settings.risk_method;
        for reg in mamori_domain::registers::ALL {
            for f in reg.fields {
                let FieldKind::Scale(scale) = f.kind else {
                    continue;
                };
                if scale == mamori_domain::risk::Scale::Level {
                    continue;
                }
                let now = method.scale(scale);
                for gone in before.scale(scale).iter().filter(|v| !now.contains(v)) {
                    let used = self
                        .pool
                        .fetch_one(
                            &format!(
                                "SELECT COUNT(*) FROM {} WHERE org_id = $1 AND withdrawn_at IS NULL AND {} = $2",
                                reg.table, f.name
                            ),
                            &[access.org_id().into(), gone.clone().into()],
                        )
                        .await?
                        .i64(0)?;
                    let field = match scale {
                        mamori_domain::risk::Scale::Likelihood => "likelihood",
                        mamori_domain::risk::Scale::Impact => "impact",
                        _ => "priority",
                    };
                    if used > 0
                        && !errors
                            .iter()
                            .any(|e| e.field == field && e.detail.as_deref() == Some(gone.as_str()))
                    {
                        errors.push(FieldError::with(field, "scale-value-in-use", gone.clone()));
                    }
                }
            }
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        self.set_profile(access, "risk_method", serde_json::to_value(method)?)
            .await?;
        // The risks' levels follow the new method at once.
        let mut tx = self.pool.begin().await?;
        crate::risk::relevel(&mut tx, access, method).await?;
        tx.commit().await
    }

    /// The statement of applicability: every active control in catalogue order with its line (if
    /// written), and the codes of the rules and risks linked to it.
    pub async fn soa(&self, access: &Access) -> Result<Vec<SoaLine>, StoreError> {
        use mamori_domain::registers::{CONTROLS, SOA_ENTRIES};
        if !crate::records::can_read(access, &CONTROLS)
            || !crate::records::can_read(access, &SOA_ENTRIES)
        {
            return Err(StoreError::Forbidden);
        }
        let org = access.org_id();
        let rows = self
            .pool
            .fetch_all(
                "SELECT c.id, c.code, c.title, c.title_ja, c.theme, s.id, s.applicable, s.justification, s.status, s.evidence, d.name \
                 FROM controls c LEFT JOIN soa_entries s ON s.control_id = c.id AND s.withdrawn_at IS NULL \
                 LEFT JOIN departments d ON d.id = s.department_id \
                 WHERE c.org_id = $1 AND c.withdrawn_at IS NULL ORDER BY c.ordinal, c.code",
                &[P::Int(org)],
            )
            .await?;
        let links = |sql: &'static str| async move {
            let rows = self.pool.fetch_all(sql, &[P::Int(org)]).await?;
            let mut map: std::collections::HashMap<i64, Vec<String>> = Default::default();
            for r in rows {
                map.entry(r.i64(0)?).or_default().push(r.text(1)?);
            }
            Ok::<_, StoreError>(map)
        };
        let rules = links(
            "SELECT l.control_id, r.code FROM rule_controls l JOIN internal_rules r ON r.id = l.rule_id \
             WHERE l.org_id = $1 AND l.withdrawn_at IS NULL AND r.withdrawn_at IS NULL ORDER BY r.code",
        )
        .await?;
        let risks = if crate::records::can_read(access, &mamori_domain::registers::RISKS) {
            links(
                "SELECT l.control_id, r.code FROM risk_controls l JOIN risks r ON r.id = l.risk_id \
                 WHERE l.org_id = $1 AND l.withdrawn_at IS NULL AND r.withdrawn_at IS NULL ORDER BY r.code",
            )
            .await?
        } else {
            Default::default()
        };
        rows.iter()
            .map(|r| {
                let control_id = r.i64(0)?;
                Ok(SoaLine {
                    control_id,
                    code: r.text(1)?,
                    title: r.text(2)?,
                    title_ja: r.opt_text(3)?,
                    theme: r.opt_text(4)?,
                    entry_id: r.get::<Option<i64>>(5)?,
                    applicable: r.opt_text(6)?,
                    justification: r.opt_text(7)?,
                    status: r.opt_text(8)?,
                    evidence: r.opt_text(9)?,
                    department: r.opt_text(10)?,
                    rules: rules.get(&control_id).cloned().unwrap_or_default(),
                    risks: risks.get(&control_id).cloned().unwrap_or_default(),
                })
            })
            .collect()
    }
}

/// One line of the statement of applicability.
#[derive(Clone, Debug, Serialize)]
pub struct SoaLine {
    pub control_id: i64,
    pub code: String,
    pub title: String,
    pub title_ja: Option<String>,
    pub theme: Option<String>,
    pub entry_id: Option<i64>,
    pub applicable: Option<String>,
    pub justification: Option<String>,
    pub status: Option<String>,
    pub evidence: Option<String>,
    pub department: Option<String>,
    pub rules: Vec<String>,
    pub risks: Vec<String>,
}

/// The active notice that published a meeting's minutes (`$1` the organisation, `$2` the meeting).
const MINUTES_NOTICE: &str = "SELECT id FROM notices WHERE org_id = $1 AND meeting_id = $2 \
     AND kind = 'minutes' AND withdrawn_at IS NULL ORDER BY id LIMIT 1";

/// The active notice that briefed staff on a risk (`$1` the organisation, `$2` the risk).
const RISK_NOTICE: &str = "SELECT n.id FROM risks r JOIN notices n ON n.id = r.notice_id \
     WHERE r.org_id = $1 AND r.id = $2 AND n.withdrawn_at IS NULL";

/// A meeting's minutes on the bulletin board: the notice, and whether this call published it
/// (`false`: it was published before, and is returned as it is).
#[derive(Clone, Debug)]
pub struct Minutes {
    pub notice: i64,
    pub published: bool,
}

impl Store {
    /// Publishes a meeting's minutes: a notice of kind `minutes` naming the meeting, for its
    /// department or (a meeting of no department, the secretariat's) for everyone, titled `title`.
    /// Who may change the meeting publishes it. Once only: the check and the notice are one write
    /// transaction, which writers take in turn on both backends, so a second click (or a second
    /// instance) finds the first notice instead of making another.
    pub async fn publish_minutes(
        &self,
        access: &Access,
        meeting_id: i64,
        title: &str,
    ) -> Result<Minutes, StoreError> {
        use mamori_domain::registers::{MEETINGS, NOTICES};
        if !crate::records::can_create(access, &NOTICES) {
            return Err(StoreError::Forbidden);
        }
        let meeting = self.get(access, &MEETINGS, meeting_id).await?;
        if !self.may_write(access, &MEETINGS, &meeting).await? {
            return Err(StoreError::Forbidden);
        }
        if meeting.withdrawn_at.is_some() {
            return Err(StoreError::Refused("record-withdrawn"));
        }
        let value = |name: &str| {
            meeting
                .value(&MEETINGS, name)
                .map(|v| v.to_plain())
                .unwrap_or_default()
        };
        if value("minutes").trim().is_empty() {
            return Err(StoreError::invalid("minutes", "required"));
        }
        let mut tx = self.pool.begin().await?;
        let published = tx
            .fetch_optional(
                MINUTES_NOTICE,
                &[P::Int(access.org_id()), P::Int(meeting_id)],
            )
            .await?;
        if let Some(row) = published {
            return Ok(Minutes {
                notice: row.i64(0)?,
                published: false,
            });
        }
        let department = value("department");
        let audience = if department.is_empty() {
            "everyone"
        } else {
            "department"
        };
        let input: crate::Input = [
            ("kind", "minutes".to_string()),
            ("title", title.chars().take(200).collect()),
            ("body", value("minutes")),
            ("audience", audience.to_string()),
            ("department", department),
            ("meeting", value("code")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let notice = crate::records::insert_in(&mut tx, access, &NOTICES, &input, None).await?;
        tx.commit().await?;
        Ok(Minutes {
            notice,
            published: true,
        })
    }

    /// The notice (its id) that published a meeting's minutes, if it is still active.
    pub async fn minutes_notice(
        &self,
        access: &Access,
        meeting_id: i64,
    ) -> Result<Option<i64>, StoreError> {
        let row = self
            .pool
            .fetch_optional(
                MINUTES_NOTICE,
                &[P::Int(access.org_id()), P::Int(meeting_id)],
            )
            .await?;
        row.map(|r| r.i64(0)).transpose()
    }
}

impl Store {
    /// The notice (its id) that briefed staff on a risk, if it is still active.
    pub async fn risk_notice(&self, access: &Access, risk: i64) -> Result<Option<i64>, StoreError> {
        let row = self
            .pool
            .fetch_optional(RISK_NOTICE, &[P::Int(access.org_id()), P::Int(risk)])
            .await?;
        row.map(|r| r.i64(0)).transpose()
    }
}

impl Store {
    /// Saves a self-assessment's answer sheet: (question code, answer) pairs, each answer created
    /// or changed, all in one transaction; errors name their question in `detail`.
    pub async fn save_self_assessment(
        &self,
        access: &Access,
        assessment: i64,
        answers: &[(String, String)],
    ) -> Result<(), StoreError> {
        use mamori_domain::FieldError;
        use mamori_domain::registers::{SELF_ASSESSMENT_ANSWERS as ANSWERS, SELF_ASSESSMENTS};
        let record = self.get(access, &SELF_ASSESSMENTS, assessment).await?;
        if !self.may_write(access, &SELF_ASSESSMENTS, &record).await? {
            return Err(StoreError::Forbidden);
        }
        if record.withdrawn_at.is_some() {
            return Err(StoreError::Refused("record-withdrawn"));
        }
        if answers.len() > 200 {
            return Err(StoreError::Invalid(vec![FieldError::with(
                "answer", "too-long", "200",
            )]));
        }
        let code = record
            .value(&SELF_ASSESSMENTS, "code")
            .map(|v| v.to_plain())
            .unwrap_or_default();
        let mut tx = self.pool.begin().await?;
        let mut errors = Vec::new();
        for (question, answer) in answers {
            let existing = tx
                .fetch_optional(
                    &format!(
                        "{} WHERE t.assessment_id = $1 AND t.withdrawn_at IS NULL \
                         AND t.question_id = (SELECT q.id FROM ipa_questions q WHERE q.org_id = $2 AND q.code = $3)",
                        crate::records::select_sql(&ANSWERS)
                    ),
                    &[P::Int(assessment), access.org_id().into(), question.clone().into()],
                )
                .await?;
            let result = match existing {
                Some(row) => {
                    let before = crate::records::record_from(&ANSWERS, &row)?;
                    if before
                        .value(&ANSWERS, "answer")
                        .is_some_and(|v| v.to_plain() == *answer)
                    {
                        continue;
                    }
                    let input: crate::Input = [("answer".to_string(), answer.clone())].into();
                    crate::records::update_in(&mut tx, access, &ANSWERS, &before, &input).await
                }
                None => {
                    let input: crate::Input = [
                        ("assessment".to_string(), code.clone()),
                        ("question".to_string(), question.clone()),
                        ("answer".to_string(), answer.clone()),
                    ]
                    .into();
                    crate::records::insert_in(&mut tx, access, &ANSWERS, &input, None)
                        .await
                        .map(|_| ())
                }
            };
            match result {
                Ok(()) => {}
                Err(StoreError::Invalid(e)) => errors.extend(
                    e.into_iter()
                        .map(|e| FieldError::with(&e.field, e.code, question.clone())),
                ),
                Err(e) => return Err(e),
            }
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        tx.commit().await
    }
}

/// The operations area's rules: an internal auditor does not audit their own department.
pub(crate) struct Operations;

/// What a register of the area requires of a record.
fn requires(reg: &mamori_domain::Register) -> &'static [Requirement] {
    match reg.code {
        c if c == AUDITS.code => &[Requirement::NotOwnDepartment {
            person: "auditor",
            department: "department",
        }],
        c if c == AUDIT_TEAM.code => &[Requirement::NotOwnDepartmentOf {
            person: "person",
            via: "audit",
        }],
        _ => &[],
    }
}

impl Area for Operations {
    const REGISTERS: &'static [&'static mamori_domain::Register] =
        &[&AUDITS, &AUDIT_TEAM, &AUDIT_CHECKS];

    /// A checklist question given no number takes the next of its audit's checklist.
    async fn before_write(
        &self,
        tx: &mut crate::db::Tx,
        _access: &Access,
        reg: &mamori_domain::Register,
        values: &mut [mamori_domain::Value],
        ids: &[Option<i64>],
        _self_id: i64,
    ) -> Result<(), StoreError> {
        let (Some(no), Some(audit)) = (reg.position("no"), reg.position("audit")) else {
            return Ok(());
        };
        if reg.code != AUDIT_CHECKS.code || !values[no].is_null() {
            return Ok(());
        }
        let Some(audit) = ids[audit] else {
            return Ok(());
        };
        let next = tx
            .fetch_one(
                "SELECT COALESCE(MAX(no), 0) + 1 FROM audit_checks WHERE audit_id = $1",
                &[P::Int(audit)],
            )
            .await?
            .i64(0)?;
        values[no] = mamori_domain::Value::Int(next);
        Ok(())
    }

    async fn check(
        &self,
        tx: &mut crate::db::Tx,
        access: &Access,
        reg: &mamori_domain::Register,
        w: &Write<'_>,
        periods: Option<&mut crate::records::Periods>,
    ) -> Result<Vec<mamori_domain::FieldError>, StoreError> {
        check_all(tx, access, reg, requires(reg), w, periods).await
    }

    #[cfg(test)]
    fn names(&self) -> Vec<(&'static mamori_domain::Register, &'static str)> {
        Self::REGISTERS
            .iter()
            .flat_map(|reg| {
                requires(reg)
                    .iter()
                    .flat_map(|r| r.fields())
                    .map(|f| (*reg, f))
            })
            .collect()
    }
}

/// An internal audit of a fiscal year's programme, as the programme page lists it.
#[derive(Clone, Debug, Serialize)]
pub struct ProgrammeAudit {
    pub id: i64,
    pub code: String,
    pub started_on: Date,
    pub status: String,
    pub department: String,
    pub lead: Option<String>,
    /// The team beyond the lead: (name, part).
    pub team: Vec<(String, String)>,
    /// No auditor (the lead, a member or an observer) belongs to the audited department.
    pub independent: bool,
    /// The lead has taken the internal auditors' course or led an audit before.
    pub lead_competent: bool,
    pub checks: i64,
    pub checked: i64,
    pub findings: i64,
    pub nonconformities: i64,
}

/// An internal auditor's competence: the internal auditors' course (its latest attendance) and the
/// internal audits done that they led, audited in or observed, over every year.
#[derive(Clone, Debug, Serialize)]
pub struct AuditorCompetence {
    pub person_id: i64,
    pub name: String,
    pub department: Option<String>,
    pub trained_on: Option<Date>,
    pub led: i64,
    pub member: i64,
    pub observed: i64,
}

/// The internal audit programme of a fiscal year (seed 2.1(7)): its audits by planned date, the
/// departments it does not reach, and the auditors' competence.
#[derive(Clone, Debug, Serialize)]
pub struct Programme {
    pub audits: Vec<ProgrammeAudit>,
    pub unaudited: Vec<String>,
    pub auditors: Vec<AuditorCompetence>,
}

/// Everyone who audits (leads, members and observers of internal audits) with their part: `x` has
/// `audit_id`, `person_id` and `team_role` of every audit's team, its lead included.
const TEAMS: &str = "SELECT a.id AS audit_id, a.auditor_id AS person_id, 'lead' AS team_role FROM audits a \
       WHERE a.org_id = $1 AND a.withdrawn_at IS NULL AND a.kind = 'internal' AND a.auditor_id IS NOT NULL \
     UNION SELECT t.audit_id, t.person_id, t.team_role FROM audit_team t JOIN audits a ON a.id = t.audit_id \
       WHERE t.org_id = $1 AND t.withdrawn_at IS NULL AND a.withdrawn_at IS NULL AND a.kind = 'internal'";

impl Store {
    /// The internal audit programme of fiscal year `fy`, for those who read audits.
    pub async fn audit_programme(
        &self,
        access: &Access,
        fy: mamori_domain::FiscalYear,
    ) -> Result<Programme, StoreError> {
        if !crate::records::can_read(access, &AUDITS) {
            return Err(StoreError::Forbidden);
        }
        let org = P::Int(access.org_id());
        let (from, to) = (P::Date(fy.start()), P::Date(fy.last_day()));
        let auditors: Vec<AuditorCompetence> = self
            .pool
            .fetch_all(
                &format!(
                    "SELECT p.id, p.name, dep.name, \
                       (SELECT MAX(s.held_on) FROM attendances at JOIN training_sessions s ON s.id = at.session_id \
                          JOIN courses c ON c.id = s.course_id WHERE at.person_id = p.id AND at.status = 'attended' \
                          AND at.withdrawn_at IS NULL AND s.withdrawn_at IS NULL AND c.kind = 'internal_auditor'), \
                       SUM(CASE WHEN x.team_role = 'lead' AND a.status = 'done' THEN 1 ELSE 0 END), \
                       SUM(CASE WHEN x.team_role = 'member' AND a.status = 'done' THEN 1 ELSE 0 END), \
                       SUM(CASE WHEN x.team_role = 'observer' AND a.status = 'done' THEN 1 ELSE 0 END) \
                     FROM ({TEAMS}) x JOIN audits a ON a.id = x.audit_id JOIN people p ON p.id = x.person_id \
                       LEFT JOIN departments dep ON dep.id = p.department_id \
                     GROUP BY p.id, p.name, dep.name, p.employee_no ORDER BY p.employee_no"
                ),
                std::slice::from_ref(&org),
            )
            .await?
            .iter()
            .map(|r| {
                Ok(AuditorCompetence {
                    person_id: r.i64(0)?,
                    name: r.text(1)?,
                    department: r.get(2)?,
                    trained_on: r.get(3)?,
                    led: r.get::<Option<i64>>(4)?.unwrap_or(0),
                    member: r.get::<Option<i64>>(5)?.unwrap_or(0),
                    observed: r.get::<Option<i64>>(6)?.unwrap_or(0),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let team: Vec<(i64, String, String, bool)> = self
            .pool
            .fetch_all(
                &format!(
                    "SELECT x.audit_id, p.name, x.team_role, p.department_id, a.department_id \
                     FROM ({TEAMS}) x JOIN audits a ON a.id = x.audit_id JOIN people p ON p.id = x.person_id \
                     WHERE a.started_on >= $2 AND a.started_on <= $3 ORDER BY x.audit_id, p.employee_no"
                ),
                &[org.clone(), from.clone(), to.clone()],
            )
            .await?
            .iter()
            .map(|r| {
                let (own, audited): (Option<i64>, Option<i64>) = (r.get(3)?, r.get(4)?);
                Ok((r.i64(0)?, r.text(1)?, r.text(2)?, own.is_some() && own == audited))
            })
            .collect::<Result<_, StoreError>>()?;
        let mut audits: Vec<ProgrammeAudit> = self
            .pool
            .fetch_all(
                "SELECT a.id, a.code, a.started_on, a.status, dep.name, p.name, a.auditor_id, \
                   (SELECT COUNT(*) FROM audit_checks k WHERE k.audit_id = a.id AND k.withdrawn_at IS NULL), \
                   (SELECT COUNT(*) FROM audit_checks k WHERE k.audit_id = a.id AND k.withdrawn_at IS NULL \
                      AND k.conformity IS NOT NULL), \
                   (SELECT COUNT(*) FROM findings f WHERE f.audit_id = a.id AND f.withdrawn_at IS NULL), \
                   (SELECT COUNT(*) FROM findings f WHERE f.audit_id = a.id AND f.withdrawn_at IS NULL \
                      AND f.grade IN ('major', 'minor')) \
                 FROM audits a LEFT JOIN departments dep ON dep.id = a.department_id \
                   LEFT JOIN people p ON p.id = a.auditor_id \
                 WHERE a.org_id = $1 AND a.withdrawn_at IS NULL AND a.kind = 'internal' \
                   AND a.started_on >= $2 AND a.started_on <= $3 ORDER BY a.started_on, a.code",
                &[org.clone(), from.clone(), to.clone()],
            )
            .await?
            .iter()
            .map(|r| {
                let id = r.i64(0)?;
                let lead_id: Option<i64> = r.get(6)?;
                let lead = lead_id.and_then(|l| auditors.iter().find(|a| a.person_id == l));
                Ok(ProgrammeAudit {
                    id,
                    code: r.text(1)?,
                    started_on: r.get(2)?,
                    status: r.text(3)?,
                    department: r.get::<Option<String>>(4)?.unwrap_or_default(),
                    lead: r.get(5)?,
                    team: team
                        .iter()
                        .filter(|t| t.0 == id && t.2 != "lead")
                        .map(|t| (t.1.clone(), t.2.clone()))
                        .collect(),
                    independent: !team.iter().any(|t| t.0 == id && t.3),
                    lead_competent: lead.is_some_and(|l| l.trained_on.is_some() || l.led > 0),
                    checks: r.i64(7)?,
                    checked: r.i64(8)?,
                    findings: r.i64(9)?,
                    nonconformities: r.i64(10)?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        audits.sort_by_key(|a| a.started_on);
        let unaudited = self
            .pool
            .fetch_all(
                "SELECT d.name FROM departments d WHERE d.org_id = $1 AND d.withdrawn_at IS NULL \
                   AND (d.valid_from IS NULL OR d.valid_from <= $3) AND (d.valid_to IS NULL OR d.valid_to >= $2) \
                   AND NOT EXISTS (SELECT 1 FROM audits a WHERE a.department_id = d.id AND a.kind = 'internal' \
                     AND a.withdrawn_at IS NULL AND a.status <> 'cancelled' AND a.started_on >= $2 AND a.started_on <= $3) \
                 ORDER BY d.code",
                &[org, from, to],
            )
            .await?
            .iter()
            .map(|r| r.text(0))
            .collect::<Result<_, _>>()?;
        Ok(Programme {
            audits,
            unaudited,
            auditors,
        })
    }
}

impl Store {
    /// Starts an audit's empty checklist from the latest earlier checklist (the same department's
    /// last internal audit, else the latest internal audit's): its questions, numbers and clauses,
    /// without results. How many questions were copied.
    pub async fn copy_checklist(&self, access: &Access, audit: i64) -> Result<usize, StoreError> {
        use mamori_domain::registers::AUDIT_CHECKS;
        if !crate::records::can_create(access, &AUDIT_CHECKS) {
            return Err(StoreError::Forbidden);
        }
        let record = self.get(access, &AUDITS, audit).await?;
        if record.withdrawn_at.is_some() {
            return Err(StoreError::Refused("record-withdrawn"));
        }
        let code = AUDITS.text(&record.values, "code");
        let mut tx = self.pool.begin().await?;
        let has = tx
            .fetch_optional(
                "SELECT 1 FROM audit_checks WHERE audit_id = $1 AND withdrawn_at IS NULL",
                &[P::Int(audit)],
            )
            .await?;
        if has.is_some() {
            return Err(StoreError::Refused("checklist-exists"));
        }
        // The same department's latest earlier checklist first, then any internal audit's.
        let source = tx
            .fetch_optional(
                "SELECT a.id FROM audits a, audits me WHERE me.id = $2 AND a.org_id = $1 AND a.id <> me.id \
                   AND a.withdrawn_at IS NULL AND a.kind = 'internal' \
                   AND EXISTS (SELECT 1 FROM audit_checks k WHERE k.audit_id = a.id AND k.withdrawn_at IS NULL) \
                 ORDER BY CASE WHEN a.department_id = me.department_id THEN 0 ELSE 1 END, \
                   CASE WHEN a.started_on <= me.started_on THEN 0 ELSE 1 END, a.started_on DESC, a.id DESC LIMIT 1",
                &[P::Int(access.org_id()), P::Int(audit)],
            )
            .await?
            .ok_or(StoreError::Refused("no-earlier-checklist"))?
            .i64(0)?;
        let questions = tx
            .fetch_all(
                "SELECT no, reference, question FROM audit_checks WHERE audit_id = $1 AND withdrawn_at IS NULL ORDER BY no",
                &[P::Int(source)],
            )
            .await?;
        for q in &questions {
            let mut input: crate::Input = [
                ("audit".to_string(), code.clone()),
                ("no".to_string(), q.i64(0)?.to_string()),
                ("question".to_string(), q.text(2)?),
            ]
            .into();
            if let Some(r) = q.get::<Option<String>>(1)? {
                input.insert("reference".into(), r);
            }
            crate::records::insert_in(&mut tx, access, &AUDIT_CHECKS, &input, None).await?;
        }
        tx.commit().await?;
        Ok(questions.len())
    }
}
