//! The information-assets area (情報資産): who may be granted an asset and who approves it, who may
//! record handling it and by which rules, how it is disposed of, and who holds a key. A new asset,
//! or one whose classification changes, gets a risk review proposed; a disposal closes its asset;
//! a handling record refused by a rule is recorded as a near miss (`events.rs`).

use mamori_domain::registers::{
    ASSET_HANDLERS, ASSETS, CUSTODY_KEYS, DISPOSALS, HANDLING_RECORDS, RISKS,
};
use mamori_domain::{FieldError, Register, Value};

use crate::Store;
use crate::areas::{Area, Write, Written};
use crate::db::Tx;
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
            Requirement::GuaranteeWhen {
                person: "person",
                via: "asset",
                field: "classification",
                value: "strictly_confidential",
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
        _ => &[],
    }
}

impl Area for Assets {
    const REGISTERS: &'static [&'static Register] = &[
        &ASSETS,
        &ASSET_HANDLERS,
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
