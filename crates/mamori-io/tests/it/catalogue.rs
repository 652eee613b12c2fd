//! The Annex A catalogue: 93 controls of 2022 in four themes, 114 controls of 2013 each mapped to
//! controls that exist, loaded once. SQLite, or PostgreSQL when MAMORI_TEST_DATABASE_URL is set.

use std::collections::{BTreeMap, BTreeSet};

use mamori_domain::registers::{CONTROLS, CONTROLS_2013};
use mamori_store::testing::TestDb;
use mamori_store::{ListQuery, Record};

fn text(r: &Record, reg: &mamori_domain::Register, f: &str) -> String {
    r.value(reg, f).map(|v| v.to_plain()).unwrap_or_default()
}

#[tokio::test]
async fn the_catalogue_loads_once_and_every_2013_control_went_somewhere() {
    let db = TestDb::new().await.unwrap();
    let store = db.store().await.unwrap();
    let access = mamori_store::testing::empty_organization(&store, "fresh")
        .await
        .unwrap();
    assert_eq!(
        mamori_io::catalogue::load(&store, &access).await.unwrap(),
        (93, 114)
    );
    assert_eq!(
        mamori_io::catalogue::load(&store, &access).await.unwrap(),
        (0, 0),
        "loaded once"
    );
    let all = ListQuery {
        limit: 1000,
        ..Default::default()
    };
    let controls = store.list(&access, &CONTROLS, &all).await.unwrap().items;
    let mapping = store
        .list(&access, &CONTROLS_2013, &all)
        .await
        .unwrap()
        .items;
    // The catalogue's order, not the text's: A.5.2 comes before A.5.10.
    let codes: Vec<String> = controls
        .iter()
        .map(|r| text(r, &CONTROLS, "code"))
        .collect();
    assert_eq!(codes[..3], ["A.5.1", "A.5.2", "A.5.3"]);
    assert_eq!(codes.last().map(String::as_str), Some("A.8.34"));
    let mut themes: BTreeMap<String, usize> = BTreeMap::new();
    for r in &controls {
        *themes.entry(text(r, &CONTROLS, "theme")).or_default() += 1;
    }
    assert_eq!(
        themes.into_iter().collect::<Vec<_>>(),
        [
            ("organizational".to_string(), 37),
            ("people".to_string(), 8),
            ("physical".to_string(), 14),
            ("technological".to_string(), 34)
        ]
    );
    let new: Vec<&String> = controls
        .iter()
        .zip(&codes)
        .filter(|(r, _)| text(r, &CONTROLS, "new_in_2022") == "yes")
        .map(|(_, c)| c)
        .collect();
    assert_eq!(new.len(), 11, "{new:?}");
    assert!(new.iter().any(|c| *c == "A.5.7"), "threat intelligence");
    // Every 2013 control goes to 2022 controls that exist, and the 2022 side names it back.
    let known: BTreeSet<&str> = codes.iter().map(String::as_str).collect();
    let predecessors: BTreeMap<&str, String> = controls
        .iter()
        .zip(&codes)
        .map(|(r, c)| (c.as_str(), text(r, &CONTROLS, "predecessors_2013")))
        .collect();
    for r in &mapping {
        let old = text(r, &CONTROLS_2013, "code");
        let to = text(r, &CONTROLS_2013, "ids_2022");
        assert!(!to.is_empty(), "{old}");
        for id in to.split_whitespace() {
            assert!(known.contains(id), "{old} → {id}");
            assert!(
                predecessors[id].split_whitespace().any(|p| p == old),
                "{id} should name {old}"
            );
        }
    }
}
