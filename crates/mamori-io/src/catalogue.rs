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

/// Sets the Japanese titles of controls from the organisation's own file (its JIS copy): a column
/// of control ids (`code`; `5.1` is read as `A.5.1`) and one of titles (`title_ja`), by field code
/// or label (`alias`). Every row is checked first, and the titles are set in one transaction: one bad
/// row (an unknown or repeated id, a title too long) changes nothing. Returns how many were set.
pub async fn load_titles(
    store: &Store,
    access: &Access,
    sheet: &crate::Sheet,
    alias: &(dyn Fn(&str) -> Option<&'static str> + Sync),
) -> Result<usize, IoError> {
    use crate::sheet::ImportError;
    let norm = mamori_domain::input::normalize;
    let column = |name: &str| {
        sheet
            .headers
            .iter()
            .position(|h| norm(h) == name || alias(&norm(h)) == Some(name))
    };
    let missing = |name: &str| ImportError {
        row: 1,
        column: name.into(),
        code: "missing-column",
        detail: None,
    };
    let (Some(code_at), Some(title_at)) = (column("code"), column("title_ja")) else {
        let absent = ["code", "title_ja"]
            .into_iter()
            .filter(|n| column(n).is_none())
            .map(missing)
            .collect();
        return Err(IoError::Rows(absent));
    };
    // Active controls only: a withdrawn one is no longer the organisation's.
    let ids: std::collections::HashMap<String, i64> = store
        .list_all(access, &CONTROLS, &ListQuery::default())
        .await?
        .iter()
        .filter_map(|r| Some((r.value(&CONTROLS, "code")?.to_plain(), r.id)))
        .collect();
    let title_field = CONTROLS.field("title_ja").expect("declared");
    let mut errors = Vec::new();
    let mut updates = Vec::new();
    for (i, row) in sheet.rows.iter().enumerate() {
        let cell = |at: usize| norm(row.get(at).map(String::as_str).unwrap_or(""));
        let (mut code, title) = (cell(code_at), cell(title_at));
        if code.is_empty() && title.is_empty() {
            continue;
        }
        // The JIS and ISO texts number the controls `5.1`; the catalogue's ids are `A.5.1`.
        if code.split('.').count() == 2 && code.split('.').all(|p| p.parse::<u32>().is_ok()) {
            code = format!("A.{code}");
        }
        let error = |column: &str, code: &'static str, detail: Option<String>| ImportError {
            row: i + 2,
            column: column.into(),
            code,
            detail,
        };
        match ids.get(&code) {
            None if code.is_empty() => errors.push(error("code", "required", None)),
            None => errors.push(error("code", "unknown-ref", Some(code.clone()))),
            Some(id) if updates.iter().any(|(u, _)| u == id) => {
                errors.push(error("code", "repeated-in-file", Some(code.clone())))
            }
            Some(_) if title.is_empty() => errors.push(error("title_ja", "required", None)),
            Some(id) => match title_field.parse(&title) {
                Ok(_) => updates.push((*id, title)),
                Err(e) => errors.push(error("title_ja", e.code, e.detail)),
            },
        }
    }
    if !errors.is_empty() {
        return Err(IoError::Rows(errors));
    }
    if updates.is_empty() {
        return Err(IoError::Rows(vec![ImportError {
            row: 1,
            column: String::new(),
            code: "no-rows",
            detail: None,
        }]));
    }
    let changes: Vec<(i64, Input)> = updates
        .into_iter()
        .map(|(id, title)| (id, [("title_ja".to_string(), title)].into_iter().collect()))
        .collect();
    Ok(store.update_many(access, &CONTROLS, &changes).await?)
}
