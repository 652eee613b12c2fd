//! What is late: assets taken out and not returned, devices whose patches or forced password
//! change are older than the organisation's cycles allow, customer keys not inspected within their
//! cycle, certificates expiring or lapsed, identity guarantees to renew, and the registers' other
//! due items.

use mamori_domain::registers::HANDLING_RECORDS;
use serde::Serialize;
use time::{Date, Duration};

use crate::Store;
use crate::db::P;
use crate::error::StoreError;
use crate::org::Access;

/// A take-out (`t`, a handling record) with no return of its asset recorded after it.
pub(crate) const NOT_RETURNED: &str = "NOT EXISTS (SELECT 1 FROM handling_records r WHERE r.asset_id = t.asset_id \
     AND r.kind = 'return' AND r.occurred_on >= t.occurred_on AND r.id > t.id AND r.withdrawn_at IS NULL)";

#[derive(Clone, Debug, Serialize)]
pub struct LateTakeOut {
    pub record_id: i64,
    pub asset_id: i64,
    pub asset: String,
    pub asset_name: String,
    pub person: Option<String>,
    pub person_name: Option<String>,
    pub taken_on: Date,
    pub due_back: Option<Date>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LateDevice {
    pub id: i64,
    pub label: String,
    pub name: String,
    pub user: Option<String>,
    pub patched_on: Option<Date>,
    pub password_changed_on: Option<Date>,
    pub patch_late: bool,
    pub password_late: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct LateKey {
    pub id: i64,
    pub receipt_no: String,
    pub customer: String,
    pub building: String,
    pub last_inspected_on: Option<Date>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Overdue {
    pub take_outs: Vec<LateTakeOut>,
    pub devices: Vec<LateDevice>,
    pub keys: Vec<LateKey>,
    pub actions: Vec<LateAction>,
    /// Meeting action items past their due date and not done (`code` is the meeting's).
    pub meeting_actions: Vec<LateAction>,
    /// Law amendments effective in this fiscal year still awaiting a review decision (`title` is
    /// the law).
    pub law_changes: Vec<LateAction>,
    /// This fiscal year's objectives without a numeric target (`due_on` is the year's last day).
    pub untargeted: Vec<LateAction>,
    /// Risks being modified past their treatment's due date (`title` is the threat), and risks
    /// proposed for review (`due_on` is today: they are due now). Not for staff.
    pub risks: Vec<LateAction>,
    /// Certificates expiring within the first warning's days, or lapsed, and not renewed by a
    /// later one of the same management system (`code` the registration number, `title` the
    /// standard, `due_on` the expiry).
    pub certificates: Vec<LateAction>,
    /// People whose latest identity guarantee comes to its five years within 90 days, or has
    /// (`title` the person, `due_on` the fifth anniversary).
    pub guarantees: Vec<LateAction>,
}

/// A corrective action past its due date and not completed.
#[derive(Clone, Debug, Serialize)]
pub struct LateAction {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub owner: Option<String>,
    pub due_on: Date,
}

impl Store {
    /// Everything late on `today`, as far as the reader may see (a confidential asset's take-out
    /// only to those who see the asset).
    pub async fn overdue(&self, access: &Access, today: Date) -> Result<Overdue, StoreError> {
        let days = access.org.settings.asset_rules.take_out_days;
        let mut params: Vec<P> = vec![
            access.org_id().into(),
            P::Date(today),
            P::Date(today - Duration::days(days)),
        ];
        let scope = crate::records::and_scope(access, &HANDLING_RECORDS, &mut params);
        let take_outs = self
            .pool
            .fetch_all(
                &format!(
                    "SELECT t.id, a.id, a.code, a.name, p.employee_no, p.name, t.occurred_on, t.due_back \
                     FROM handling_records t JOIN assets a ON a.id = t.asset_id LEFT JOIN people p ON p.id = t.person_id \
                     WHERE t.org_id = $1 AND t.kind = 'take_out' AND t.withdrawn_at IS NULL \
                       AND (t.due_back < $2 OR (t.due_back IS NULL AND t.occurred_on < $3)) \
                       AND {NOT_RETURNED}{scope} \
                     ORDER BY t.occurred_on, t.id LIMIT 500"
                ),
                &params,
            )
            .await?
            .iter()
            .map(|r| {
                Ok(LateTakeOut {
                    record_id: r.i64(0)?,
                    asset_id: r.i64(1)?,
                    asset: r.text(2)?,
                    asset_name: r.text(3)?,
                    person: r.get(4)?,
                    person_name: r.get(5)?,
                    taken_on: r.get(6)?,
                    due_back: r.get(7)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let cycles = access.org.settings.cycles;
        let patch_due = today - Duration::days(cycles.patch_days);
        let password_due = today - Duration::days(cycles.password_days);
        let devices = self
            .pool
            .fetch_all(
                "SELECT d.id, d.label, d.name, p.name, d.patched_on, d.password_changed_on \
                 FROM devices d LEFT JOIN people p ON p.id = d.user_id \
                 WHERE d.org_id = $1 AND d.withdrawn_at IS NULL \
                   AND (d.patched_on IS NULL OR d.patched_on < $2 OR d.password_changed_on IS NULL OR d.password_changed_on < $3) \
                 ORDER BY d.label LIMIT 500",
                &[access.org_id().into(), P::Date(patch_due), P::Date(password_due)],
            )
            .await?
            .iter()
            .map(|r| {
                let patched_on: Option<Date> = r.get(4)?;
                let password_changed_on: Option<Date> = r.get(5)?;
                Ok(LateDevice {
                    id: r.i64(0)?,
                    label: r.text(1)?,
                    name: r.text(2)?,
                    user: r.get(3)?,
                    patch_late: patched_on.is_none_or(|d| d < patch_due),
                    password_late: password_changed_on.is_none_or(|d| d < password_due),
                    patched_on,
                    password_changed_on,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let keys = self
            .pool
            .fetch_all(
                "SELECT k.id, k.receipt_no, k.customer, k.building, \
                   (SELECT MAX(i.inspected_on) FROM key_inspections i WHERE i.key_id = k.id AND i.withdrawn_at IS NULL) \
                 FROM custody_keys k WHERE k.org_id = $1 AND k.withdrawn_at IS NULL AND k.returned_on IS NULL \
                   AND k.received_on < $2 \
                   AND NOT EXISTS (SELECT 1 FROM key_inspections i WHERE i.key_id = k.id AND i.withdrawn_at IS NULL \
                       AND i.inspected_on >= $2) \
                 ORDER BY k.receipt_no LIMIT 500",
                &[
                    access.org_id().into(),
                    P::Date(today - Duration::days(cycles.inspection_days)),
                ],
            )
            .await?
            .iter()
            .map(|r| {
                Ok(LateKey {
                    id: r.i64(0)?,
                    receipt_no: r.text(1)?,
                    customer: r.text(2)?,
                    building: r.text(3)?,
                    last_inspected_on: r.get(4)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        // Rows of id, code, title, owner and due date; `due` stands for a due date the rows lack.
        let late = |sql: &'static str, params: Vec<P>, due: Option<Date>| async move {
            self.pool
                .fetch_all(sql, &params)
                .await?
                .iter()
                .map(|r| {
                    Ok(LateAction {
                        id: r.i64(0)?,
                        code: r.text(1)?,
                        title: r.text(2)?,
                        owner: r.get(3)?,
                        due_on: match due {
                            Some(d) => d,
                            None => r.get(4)?,
                        },
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()
        };
        let org_today = || vec![access.org_id().into(), P::Date(today)];
        let actions = late(
            "SELECT c.id, c.code, c.title, p.name, c.due_on \
             FROM corrective_actions c LEFT JOIN people p ON p.id = c.owner_id \
             WHERE c.org_id = $1 AND c.withdrawn_at IS NULL AND c.completed_on IS NULL AND c.due_on < $2 \
             ORDER BY c.due_on, c.code LIMIT 500",
            org_today(),
            None,
        )
        .await?;
        let meeting_actions = late(
            "SELECT i.id, m.code, i.content, p.name, i.due_on \
             FROM meeting_items i JOIN meetings m ON m.id = i.meeting_id LEFT JOIN people p ON p.id = i.owner_id \
             WHERE i.org_id = $1 AND i.withdrawn_at IS NULL AND m.withdrawn_at IS NULL AND i.kind = 'action' \
               AND i.done_on IS NULL AND i.due_on < $2 \
             ORDER BY i.due_on, i.id LIMIT 500",
            org_today(),
            None,
        )
        .await?;
        let fy = access.org.calendar.containing(today);
        let year = || {
            vec![
                access.org_id().into(),
                P::Date(fy.start()),
                P::Date(fy.last_day()),
            ]
        };
        let law_changes = late(
            "SELECT c.id, c.code, q.name, p.name, c.effective_on \
             FROM law_changes c JOIN requirements q ON q.id = c.requirement_id LEFT JOIN people p ON p.id = q.owner_id \
             WHERE c.org_id = $1 AND c.withdrawn_at IS NULL AND q.withdrawn_at IS NULL AND c.decision = 'pending' \
               AND c.effective_on >= $2 AND c.effective_on <= $3 \
             ORDER BY c.effective_on, c.code LIMIT 500",
            year(),
            None,
        )
        .await?;
        let untargeted = late(
            "SELECT o.id, o.code, o.title, p.name FROM objectives o LEFT JOIN people p ON p.id = o.owner_id \
             WHERE o.org_id = $1 AND o.withdrawn_at IS NULL AND o.fiscal_year = $2 AND o.target_value IS NULL \
             ORDER BY o.code LIMIT 500",
            vec![access.org_id().into(), P::Int(fy.year().into())],
            Some(fy.last_day()),
        )
        .await?;
        let risks = if crate::records::can_read(access, &mamori_domain::registers::RISKS) {
            late(
                "SELECT r.id, r.code, COALESCE(r.threat, a.name, r.asset_group, r.code), p.name, COALESCE(r.due_on, $2) \
                 FROM risks r LEFT JOIN people p ON p.id = r.owner_id LEFT JOIN assets a ON a.id = r.asset_id \
                 WHERE r.org_id = $1 AND r.withdrawn_at IS NULL \
                   AND (r.status = 'proposed' OR (r.status IN ('assessed', 'treating') AND r.treatment = 'modify' AND r.due_on < $2)) \
                 ORDER BY r.due_on, r.code LIMIT 500",
                org_today(),
                None,
            )
            .await?
        } else {
            Vec::new()
        };
        let certificates = late(
            "SELECT c.id, c.registration_no, c.standard, NULL, c.valid_to FROM certificates c \
             WHERE c.org_id = $1 AND c.withdrawn_at IS NULL AND c.valid_to IS NOT NULL AND c.valid_to <= $2 \
               AND NOT EXISTS (SELECT 1 FROM certificates n WHERE n.org_id = c.org_id AND n.withdrawn_at IS NULL \
                   AND n.management_system = c.management_system AND n.valid_to > c.valid_to) \
             ORDER BY c.valid_to, c.registration_no LIMIT 500",
            vec![
                access.org_id().into(),
                P::Date(today + Duration::days(cycles.certificate_first_days)),
            ],
            None,
        )
        .await?;
        let five_years_ago = today
            .replace_year(today.year() - crate::plan::GUARANTEE_YEARS)
            .unwrap_or(today);
        // Whose guarantee is old is the secretariat's and the managers' to know, not staff's.
        let guarantees = if access.role == mamori_domain::Role::Staff {
            Vec::new()
        } else {
            late(
            "SELECT p.id, p.employee_no, p.name, NULL, MAX(g.received_on) FROM identity_guarantees g \
             JOIN people p ON p.id = g.person_id \
             WHERE g.org_id = $1 AND g.withdrawn_at IS NULL AND p.withdrawn_at IS NULL AND p.left_on IS NULL \
             GROUP BY p.id, p.employee_no, p.name HAVING MAX(g.received_on) <= $2 \
             ORDER BY MAX(g.received_on), p.employee_no LIMIT 500",
            vec![
                access.org_id().into(),
                P::Date(five_years_ago + Duration::days(90)),
            ],
            None,
        )
        .await?
        .into_iter()
        .map(|mut g| {
            g.due_on = g
                .due_on
                .replace_year(g.due_on.year() + crate::plan::GUARANTEE_YEARS)
                .unwrap_or(g.due_on);
            g
        })
        .collect()
        };
        Ok(Overdue {
            certificates,
            guarantees,
            risks,
            take_outs,
            devices,
            keys,
            actions,
            meeting_actions,
            law_changes,
            untargeted,
        })
    }
}
