#![allow(clippy::panic, clippy::indexing_slicing)]
//! The interface's catalogs against core: every record kind core has is
//! named in the English catalog (the others fall back to it, key by key),
//! and no catalog names a kind core does not have.

use std::path::Path;
use truce_core::Kind;

fn catalog(name: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("static/app/i18n")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn catalogs() -> Vec<(String, serde_json::Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("static/app/i18n");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| (n.clone(), catalog(&n)))
        .collect()
}

#[test]
fn the_english_catalog_names_every_record_kind() {
    let english = catalog("en.json");
    let missing: Vec<&str> = Kind::ALL
        .iter()
        .map(Kind::as_str)
        .filter(|k| !english["kinds"][*k].is_string())
        .collect();
    assert!(
        missing.is_empty(),
        "en.json has no kinds.* label for {missing:?}"
    );
}

#[test]
fn no_catalog_names_a_kind_core_does_not_have() {
    let catalogs = catalogs();
    assert!(catalogs.len() >= 6, "the six interface languages");
    for (name, catalog) in catalogs {
        let Some(kinds) = catalog["kinds"].as_object() else {
            continue;
        };
        for key in kinds.keys() {
            assert!(
                Kind::parse(key).is_some(),
                "{name}: kinds.{key} is not a record kind"
            );
        }
    }
}
