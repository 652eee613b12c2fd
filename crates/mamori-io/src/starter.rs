//! Mamori's reference data (`starter/`): the starter list of Japanese laws that commonly concern an
//! ISMS (each law as a requirement of status `reference` and its main amendments as law changes
//! awaiting a decision, all of it for the organisation to confirm against the source texts), and
//! the 25 questions of IPA's 5分でできる！情報セキュリティ自社診断 with the Annex A controls each
//! concerns, and the standard courses (初任時研修, 定期教育訓練, 臨時教育訓練).
//!
//! Loading is idempotent: a law whose name the organisation already has (in any status, withdrawn
//! too) is skipped, and so is an amendment whose law and effective date it already has, and a
//! question whose number it already has. The rest goes through the normal store create path, as a
//! sheet import does.

use std::collections::{HashMap, HashSet};

use mamori_domain::Register;
use mamori_domain::registers::{
    CONTROLS, COURSES, DUTIES, IPA_QUESTIONS, LAW_CHANGES, REQUIREMENTS,
};
use mamori_store::{Access, Input, ListQuery, Status, Store};

use crate::IoError;
use crate::sheet::Sheet;

const REQUIREMENTS_CSV: &str = include_str!("../starter/requirements.csv");
const LAW_CHANGES_CSV: &str = include_str!("../starter/law_changes.csv");
const IPA_QUESTIONS_CSV: &str = include_str!("../starter/ipa_questions.csv");
const COURSES_CSV: &str = include_str!("../starter/courses.csv");
const DUTIES_CSV: &str = include_str!("../starter/duties.csv");

/// The registers Mamori ships reference data for: the laws (with their amendments), the Annex A
/// catalogue (with where the 2013 controls went) and the IPA self-assessment's questions.
pub const REGISTERS: &[&str] = &[
    REQUIREMENTS.collection,
    CONTROLS.collection,
    IPA_QUESTIONS.collection,
    COURSES.collection,
    DUTIES.collection,
];

/// Loads a register's reference data (see `REGISTERS`): how many records it added, and how many
/// of their companions (amendments, 2013 controls); `None` for a register without any.
pub async fn load_register(
    store: &Store,
    access: &Access,
    reg: &Register,
) -> Result<Option<(usize, usize)>, IoError> {
    Ok(match reg.collection {
        c if c == REQUIREMENTS.collection => Some(load(store, access).await?),
        c if c == CONTROLS.collection => Some(crate::catalogue::load(store, access).await?),
        c if c == IPA_QUESTIONS.collection => Some((ipa_questions(store, access).await?, 0)),
        c if c == COURSES.collection => Some((courses(store, access).await?, 0)),
        c if c == DUTIES.collection => Some((duties(store, access).await?, 0)),
        _ => None,
    })
}

/// Adds the starter laws and amendments the organisation does not have yet; returns how many
/// requirements and law changes were added.
pub async fn load(store: &Store, access: &Access) -> Result<(usize, usize), IoError> {
    let every = ListQuery {
        status: Status::All,
        ..Default::default()
    };
    let requirements = |store: &Store| {
        let every = every.clone();
        let store = store.clone();
        let access = access.clone();
        async move {
            // Name → (code, active), over every status.
            let records = store.list_all(&access, &REQUIREMENTS, &every).await?;
            Ok::<_, IoError>(
                records
                    .iter()
                    .filter_map(|r| {
                        let name = r.value(&REQUIREMENTS, "name")?.to_plain();
                        let code = r.value(&REQUIREMENTS, "code")?.to_plain();
                        Some((name, (code, r.withdrawn_at.is_none())))
                    })
                    .collect::<HashMap<String, (String, bool)>>(),
            )
        }
    };

    let known = requirements(store).await?;
    let wanted = Sheet::from_csv(REQUIREMENTS_CSV.as_bytes())?
        .to_inputs(&REQUIREMENTS, &|_| None)
        .map_err(IoError::Rows)?;
    let mut seen = HashSet::new();
    let new_requirements: Vec<Input> = wanted
        .into_iter()
        .filter(|i| {
            let name = i.get("name").map(|n| norm(n)).unwrap_or_default();
            !known.contains_key(&name) && seen.insert(name)
        })
        .collect();
    let added_requirements = create(store, access, &REQUIREMENTS, &new_requirements).await?;

    // The amendments, by their law's code now that every starter law exists.
    let known = requirements(store).await?;
    let existing: HashSet<(String, String)> = store
        .list_all(access, &LAW_CHANGES, &every)
        .await?
        .iter()
        .filter_map(|r| {
            Some((
                r.value(&LAW_CHANGES, "requirement")?.to_plain(),
                r.value(&LAW_CHANGES, "effective_on")?.to_plain(),
            ))
        })
        .collect();
    let wanted = Sheet::from_csv(LAW_CHANGES_CSV.as_bytes())?
        .to_inputs(&LAW_CHANGES, &|_| None)
        .map_err(IoError::Rows)?;
    let mut seen = HashSet::new();
    let mut new_changes = Vec::new();
    for mut input in wanted {
        let name = input
            .get("requirement")
            .map(|n| norm(n))
            .unwrap_or_default();
        // A law the organisation withdrew (not applicable to it) gets no amendments.
        let Some((code, true)) = known.get(&name) else {
            continue;
        };
        let on = input
            .get("effective_on")
            .map(|d| norm(d))
            .unwrap_or_default();
        let key = (code.clone(), on);
        if existing.contains(&key) || !seen.insert(key) {
            continue;
        }
        input.insert("requirement".into(), code.clone());
        new_changes.push(input);
    }
    let added_changes = create(store, access, &LAW_CHANGES, &new_changes).await?;
    Ok((added_requirements, added_changes))
}

/// Adds the IPA self-assessment's 25 questions (numbered `01`…`25`, so that they sort in order)
/// the organisation does not have yet, by number (`1` and `01` are the same question); returns how
/// many were added.
pub async fn ipa_questions(store: &Store, access: &Access) -> Result<usize, IoError> {
    let every = ListQuery {
        status: Status::All,
        ..Default::default()
    };
    let number = |code: &str| {
        let code = norm(code);
        code.parse::<u32>().map(|n| n.to_string()).unwrap_or(code)
    };
    let known: HashSet<String> = store
        .list_all(access, &IPA_QUESTIONS, &every)
        .await?
        .iter()
        .filter_map(|r| Some(number(&r.value(&IPA_QUESTIONS, "code")?.to_plain())))
        .collect();
    let wanted = Sheet::from_csv(IPA_QUESTIONS_CSV.as_bytes())?
        .to_inputs(&IPA_QUESTIONS, &|_| None)
        .map_err(IoError::Rows)?;
    let new: Vec<Input> = wanted
        .into_iter()
        .filter(|i| !known.contains(&number(i.get("code").map_or("", |c| c.as_str()))))
        .collect();
    create(store, access, &IPA_QUESTIONS, &new).await
}

/// Adds the standard courses (初任時研修, 定期教育訓練, 臨時教育訓練) of the kinds the organisation
/// has no course of yet (in any status): an organisation with its own onboarding course keeps it.
pub async fn courses(store: &Store, access: &Access) -> Result<usize, IoError> {
    let every = ListQuery {
        status: Status::All,
        ..Default::default()
    };
    let kinds: HashSet<String> = store
        .list_all(access, &COURSES, &every)
        .await?
        .iter()
        .filter_map(|r| Some(r.value(&COURSES, "kind")?.to_plain()))
        .collect();
    let new: Vec<Input> = Sheet::from_csv(COURSES_CSV.as_bytes())?
        .to_inputs(&COURSES, &|_| None)
        .map_err(IoError::Rows)?
        .into_iter()
        .filter(|i| !kinds.contains(i.get("kind").map_or("", |k| k.as_str())))
        .collect();
    create(store, access, &COURSES, &new).await
}

/// Adds the annual plan's template: the recurring duties of an ISMS year (the monthly secretariat
/// meeting, key inspections and patch checks, the self-assessment, the surveillance audit, periodic
/// training, the internal audit, the continuity drill, the yearly review of legal requirements,
/// the management review, renewing certificates and identity guarantees, auditors' accounts, the
/// onboarding test). A duty whose title the organisation has already is skipped.
pub async fn duties(store: &Store, access: &Access) -> Result<usize, IoError> {
    let every = ListQuery {
        status: Status::All,
        ..Default::default()
    };
    let titles: HashSet<String> = store
        .list_all(access, &DUTIES, &every)
        .await?
        .iter()
        .filter_map(|r| Some(norm(&r.value(&DUTIES, "title")?.to_plain())))
        .collect();
    let new: Vec<Input> = Sheet::from_csv(DUTIES_CSV.as_bytes())?
        .to_inputs(&DUTIES, &|_| None)
        .map_err(IoError::Rows)?
        .into_iter()
        .filter(|i| !titles.contains(&norm(i.get("title").map_or("", |t| t.as_str()))))
        .collect();
    create(store, access, &DUTIES, &new).await
}

fn norm(s: &str) -> String {
    mamori_domain::input::normalize(s)
}

/// Creates the rows in one transaction, all or none, as an import does.
pub(crate) async fn create(
    store: &Store,
    access: &Access,
    reg: &mamori_domain::Register,
    rows: &[Input],
) -> Result<usize, IoError> {
    if rows.is_empty() {
        return Ok(0);
    }
    store
        .create_many(access, reg, rows, &|_, _| {})
        .await
        .map_err(|errs| {
            IoError::Rows(
                errs.into_iter()
                    .flat_map(|(row, fes)| {
                        fes.into_iter().map(move |fe| crate::ImportError {
                            row: row + 1,
                            column: fe.field.clone(),
                            code: fe.code,
                            detail: fe.detail.clone(),
                        })
                    })
                    .collect(),
            )
        })
}
