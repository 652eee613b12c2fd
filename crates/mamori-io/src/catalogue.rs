//! The ISO/IEC 27001:2022 Annex A catalogue (`catalogue/`): each control's id, theme and English
//! title with the 2013 controls it replaces, and the 2013 controls with where each went. Ids and
//! English titles only: the Japanese titles are the organisation's (from its own JIS copy).
//!
//! Loading is idempotent: a control whose id the organisation already has (withdrawn too) is
//! skipped. The rest goes through the normal store create path, as a sheet import does.

use std::collections::HashSet;

use mamori_domain::Register;
use mamori_domain::registers::{CONTROLS, CONTROLS_2013};
use mamori_store::{Access, Input, ListQuery, Status, Store};

use crate::IoError;
use crate::starter::create;

const ANNEX_A_2022: &str = include_str!("../catalogue/iso27001-2022-annex-a.tsv");
const MAPPING_2013: &str = include_str!("../catalogue/iso27001-2013-to-2022.tsv");

/// The rows of a tab-separated file after its header, as cells.
fn rows(tsv: &str) -> impl Iterator<Item = Vec<&str>> {
    tsv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::trim).collect())
}

fn theme(name: &str) -> &'static str {
    match name {
        "People controls" => "people",
        "Physical controls" => "physical",
        "Technological controls" => "technological",
        _ => "organizational",
    }
}

/// The 2022 controls as inputs, in the catalogue's order.
pub fn annex_a() -> Vec<Input> {
    rows(ANNEX_A_2022)
        .enumerate()
        .map(|(i, r)| {
            let cell = |n: usize| r.get(n).copied().unwrap_or("").to_string();
            [
                ("code", cell(0)),
                ("ordinal", (i + 1).to_string()),
                ("source", "annex_a_2022".into()),
                ("theme", theme(&cell(1)).into()),
                ("title", cell(2)),
                ("predecessors_2013", cell(3)),
                (
                    "new_in_2022",
                    if cell(4) == "yes" { "yes" } else { "no" }.into(),
                ),
            ]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.to_string(), v))
            .collect()
        })
        .collect()
}

/// The 2013 controls and the 2022 ids each went to.
pub fn mapping_2013() -> Vec<Input> {
    rows(MAPPING_2013)
        .enumerate()
        .map(|(i, r)| {
            let cell = |n: usize| r.get(n).copied().unwrap_or("").to_string();
            [
                ("code", cell(0)),
                ("ordinal", (i + 1).to_string()),
                ("title", cell(1)),
                ("ids_2022", cell(2)),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect()
        })
        .collect()
}

/// Adds the catalogue's controls and 2013 mapping the organisation does not have yet; returns how
/// many 2022 controls and 2013 controls were added.
pub async fn load(store: &Store, access: &Access) -> Result<(usize, usize), IoError> {
    let controls = missing(store, access, &CONTROLS, annex_a()).await?;
    let mapping = missing(store, access, &CONTROLS_2013, mapping_2013()).await?;
    Ok((
        create(store, access, &CONTROLS, &controls).await?,
        create(store, access, &CONTROLS_2013, &mapping).await?,
    ))
}

/// The inputs whose code the register does not hold, in any status.
async fn missing(
    store: &Store,
    access: &Access,
    reg: &Register,
    wanted: Vec<Input>,
) -> Result<Vec<Input>, IoError> {
    let every = ListQuery {
        status: Status::All,
        ..Default::default()
    };
    let known: HashSet<String> = store
        .list_all(access, reg, &every)
        .await?
        .iter()
        .filter_map(|r| Some(r.value(reg, "code")?.to_plain()))
        .collect();
    Ok(wanted
        .into_iter()
        .filter(|i| i.get("code").is_some_and(|c| !known.contains(c)))
        .collect())
}
