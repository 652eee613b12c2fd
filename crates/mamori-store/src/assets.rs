//! The information-assets area (情報資産): who may be granted an asset and who approves it, who may
//! record handling it and by which rules, how it is disposed of, and who holds a key. A new asset,
//! or one whose classification changes, gets a risk review proposed; a disposal closes its asset;
//! a handling record refused by a rule is recorded as a near miss (`events.rs`).

use mamori_domain::registers::{
    ASSET_HANDLERS, ASSETS, CUSTODY_KEYS, DISPOSALS, HANDLER_REQUESTS, HANDLING_RECORDS, RISKS,
};
use mamori_domain::{FieldError, Register, Value};

use crate::Store;
use crate::areas::{Area, Write, Written};
use crate::db::{P, Tx};
use crate::error::StoreError;
use crate::org::Access;
use crate::records::derived::recorder;
use crate::records::{Batch, Input, Periods, insert_in, write_withdrawal};
use crate::requirements::{Requirement, check_all};

/// The information-assets area's rules.
pub(crate) struct Assets;

/// What a register of the area requires of a record.
fn requires(reg: &Register) -> &'static [Requirement] {
    match reg.code {
        c if c == ASSET_HANDLERS.code => &[
            Requirement::Eligible("person"),
            Requirement::GuaranteeForLevel {
                person: "person",
                via: "asset",
            },
            Requirement::ApprovedByManager {
                person: "approved_by",
                via: "asset",
                on: "approved_on",
            },
        ],
        c if c == HANDLING_RECORDS.code => &[
            Requirement::ByHandler {
                asset: "asset",
                person: "person",
                on: "occurred_on",
            },
            Requirement::HandlingRules { asset: "asset" },
        ],
        c if c == DISPOSALS.code => &[
            Requirement::RequiredWhen {
                via: "asset",
                field: "customer_owned",
                value: "yes",
                fields: &["consent_by", "consent_on", "consent_form"],
            },
            Requirement::RefIs {
                via: "contractor",
                field: "kind",
                values: &["disposal"],
            },
        ],
        c if c == CUSTODY_KEYS.code => &[Requirement::Guarantee("custodian")],
        // Staff ask for themselves; the secretariat and managers for anyone.
        c if c == HANDLER_REQUESTS.code => &[Requirement::Yourself("person")],
        _ => &[],
    }
}

impl Area for Assets {
    const REGISTERS: &'static [&'static Register] = &[
        &ASSETS,
        &ASSET_HANDLERS,
        &HANDLER_REQUESTS,
        &HANDLING_RECORDS,
        &DISPOSALS,
        &CUSTODY_KEYS,
    ];

    async fn check(
        &self,
        tx: &mut Tx,
        access: &Access,
        reg: &Register,
        w: &Write<'_>,
        periods: Option<&mut Periods>,
    ) -> Result<Vec<FieldError>, StoreError> {
        check_all(tx, access, reg, requires(reg), w, periods).await
    }

    async fn after_write(
        &self,
        tx: &mut Tx,
        access: &Access,
        reg: &Register,
        written: &Written<'_>,
        batch: Option<&mut Batch>,
    ) -> Result<(), StoreError> {
        if reg.code == DISPOSALS.code && written.before.is_none() {
            // A disposal closes its asset: the asset is withdrawn with the reason naming the
            // disposal, its history kept.
            if let Some(asset) = reg.position("asset").and_then(|i| written.ids[i]) {
                let reason = format!("{} #{}", reg.code, written.id);
                write_withdrawal(tx, access, &ASSETS, asset, Some(&reason), batch).await?;
            }
        } else if reg.code == ASSETS.code {
            propose_review(tx, access, reg, written).await?;
        }
        Ok(())
    }

    async fn refused(
        &self,
        store: &Store,
        access: &Access,
        reg: &Register,
        input: &Input,
        errors: &[FieldError],
    ) -> Result<(), StoreError> {
        crate::events::record_refusal(store, access, reg, input, errors).await
    }

    fn follows_writes(&self, reg: &Register, _: &[Value], _: &[Option<i64>]) -> bool {
        reg.code == ASSETS.code || reg.code == DISPOSALS.code
    }

    #[cfg(test)]
    fn names(&self) -> Vec<(&'static Register, &'static str)> {
        let mut names = vec![(&DISPOSALS, "asset"), (&ASSETS, "classification")];
        for reg in Self::REGISTERS {
            names.extend(
                requires(reg)
                    .iter()
                    .flat_map(|r| r.fields())
                    .map(|f| (*reg, f)),
            );
        }
        names
    }
}

/// A new asset, or one whose classification changes, gets a risk review proposed (a risk record
/// with the status `proposed`), written on the writer's behalf. Past records loaded from the
/// command line propose nothing.
async fn propose_review(
    tx: &mut Tx,
    access: &Access,
    reg: &Register,
    written: &Written<'_>,
) -> Result<(), StoreError> {
    let Some(i) = reg.position("classification") else {
        return Ok(());
    };
    let changed = written
        .before
        .is_none_or(|b| b.values[i] != written.values[i]);
    if !changed || access.actor.user_id.is_none() {
        return Ok(());
    }
    let key = reg.natural_key.unwrap_or("id");
    let input: Input = [
        ("status".to_string(), "proposed".to_string()),
        ("asset".to_string(), reg.text(written.values, key)),
    ]
    .into_iter()
    .collect();
    insert_in(tx, &recorder(access), &RISKS, &input, None).await?;
    Ok(())
}

/// A decision on a handler request: the manager approves or rejects it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
}

impl Store {
    /// Whether the member may decide the handler request `id`: they are appointed 部門情報管理責任者
    /// of its asset's department today, or ISMS manager lead, and the grant is not for themselves.
    pub async fn may_decide_request(&self, access: &Access, id: i64) -> Result<bool, StoreError> {
        let Some(params) = decider_params(access, id) else {
            return Ok(false);
        };
        Ok(self
            .pool
            .fetch_optional(DECIDER_APPOINTED, &params)
            .await?
            .is_some())
    }

    /// Decides a handler request (取扱者の申請) as the asset's department's appointed manager: an
    /// approval writes the grant (approved by them, today, until the date asked for), which must
    /// pass every rule a grant does (the person eligible, a guarantee for a strictly confidential
    /// asset); a rejection needs a comment. One transaction: the grant and the decision land
    /// together or not at all, and a request is decided once, whoever decides it at the same time.
    pub async fn decide_handler_request(
        &self,
        access: &Access,
        id: i64,
        decision: Decision,
        comment: &str,
    ) -> Result<crate::Record, StoreError> {
        let reg = &HANDLER_REQUESTS;
        let before = self.get(access, reg, id).await?;
        if before.withdrawn_at.is_some() {
            return Err(StoreError::Refused("record-withdrawn"));
        }
        let raw = comment;
        let comment = mamori_domain::input::normalize_lines(comment);
        if mamori_domain::input::has_control(&comment) {
            return Err(StoreError::invalid("comment", "control-characters"));
        }
        if mamori_domain::input::too_long(raw, &comment, 1000) {
            return Err(StoreError::Invalid(vec![FieldError::with(
                "comment", "too-long", "1000",
            )]));
        }
        if decision == Decision::Reject && comment.is_empty() {
            return Err(StoreError::invalid("comment", "required"));
        }
        if reg.text(&before.values, "request_status") != "requested" {
            return Err(StoreError::Refused("request-decided"));
        }
        let Some(decider) = access.person_id else {
            return Err(StoreError::Forbidden);
        };
        let mut tx = self.pool.begin().await?;
        if !decider_appointed(&mut tx, access, id).await? {
            return Err(StoreError::invalid("decided_by", "not-the-manager"));
        }
        let today = mamori_domain::dates::today();
        let decider_no = crate::records::employee_no(&mut tx, decider).await?;
        let status = match decision {
            Decision::Approve => "approved",
            Decision::Reject => "rejected",
        };
        // The decision first: it takes the request, so a second decider at the same moment waits
        // for this one and then finds it decided (and a grant this one cannot write undoes it).
        let decided = tx
            .execute(
                "UPDATE handler_requests SET request_status = $1, decided_by_id = $2, decided_on = $3, \
                 comment = $4, updated_at = $5 WHERE id = $6 AND org_id = $7 AND request_status = 'requested' \
                 AND withdrawn_at IS NULL",
                &[
                    P::Text(status.into()),
                    P::Int(decider),
                    P::Date(today),
                    P::OptText((!comment.is_empty()).then(|| comment.clone())),
                    P::Ts(time::OffsetDateTime::now_utc()),
                    P::Int(id),
                    P::Int(access.org_id()),
                ],
            )
            .await?;
        if decided != 1 {
            return Err(StoreError::Refused("request-decided"));
        }
        if decision == Decision::Approve {
            let text = |f: &str| reg.text(&before.values, f);
            let note = if comment.is_empty() {
                text("reason")
            } else {
                comment.clone()
            };
            let grant: Input = [
                ("asset", text("asset")),
                ("person", text("person")),
                ("approved_by", decider_no.clone()),
                ("approved_on", mamori_domain::dates::iso(today)),
                ("valid_until", text("valid_until")),
                ("note", note),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            insert_in(&mut tx, &recorder(access), &ASSET_HANDLERS, &grant, None).await?;
        }
        let mut after = before.clone();
        let set = |after: &mut crate::Record, f: &str, v: Value| {
            if let Some(i) = reg.position(f) {
                after.values[i] = v;
            }
        };
        set(&mut after, "request_status", Value::Text(status.into()));
        set(&mut after, "decided_by", Value::Text(decider_no));
        set(&mut after, "decided_on", Value::Date(today));
        set(
            &mut after,
            "comment",
            if comment.is_empty() {
                Value::Null
            } else {
                Value::Text(comment)
            },
        );
        crate::audit::append(
            &mut tx,
            &access.actor,
            crate::audit::Entry::new(Some(access.org_id()), reg.code, Some(id), "update")
                .before(&serde_json::Value::Object(before.fields_json(reg)))
                .after(&serde_json::Value::Object(after.fields_json(reg))),
        )
        .await?;
        crate::search::index(&mut tx, access.org_id(), reg, id, &after.values).await?;
        tx.commit().await?;
        self.get(access, reg, id).await
    }
}

/// The member is appointed, today, manager of the department of a request's asset (or ISMS
/// manager lead), and the request is not for themselves; see `decider_params`.
const DECIDER_APPOINTED: &str = "SELECT 1 FROM handler_requests r, assets a, appointments ap WHERE r.id = $3 AND r.org_id = $1 \
   AND r.person_id <> $2 AND a.id = r.asset_id AND ap.org_id = $1 AND ap.person_id = $2 AND ap.withdrawn_at IS NULL \
   AND ap.starts_on <= $4 AND (ap.ends_on IS NULL OR ap.ends_on >= $4) \
   AND ((ap.role = 'department_info_manager' AND ap.department_id = a.department_id) \
        OR ap.role = 'isms_manager_lead')";

fn decider_params(access: &Access, id: i64) -> Option<Vec<P>> {
    Some(vec![
        access.org_id().into(),
        P::Int(access.person_id?),
        P::Int(id),
        P::Date(mamori_domain::dates::today()),
    ])
}

async fn decider_appointed(tx: &mut Tx, access: &Access, id: i64) -> Result<bool, StoreError> {
    let Some(params) = decider_params(access, id) else {
        return Ok(false);
    };
    Ok(tx
        .fetch_optional(DECIDER_APPOINTED, &params)
        .await?
        .is_some())
}
