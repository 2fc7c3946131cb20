#![allow(clippy::panic, clippy::indexing_slicing)]
//! The interface's catalogs: every record kind core has is named in the
//! English catalog and no catalog names a kind core does not have; every
//! catalog has exactly the keys of the English one, the same placeholders,
//! and, for a counted message, every plural form its language's CLDR rules
//! use (the format is in static/app/i18n/README.md).

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
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

/// CLDR's cardinal plural categories per interface language, from CLDR's
/// supplemental/plurals.xml (release 46; unchanged for these languages since
/// CLDR 24): `en` and `ur` one/other (one: i = 1 and v = 0); `ps` and `tr`
/// one/other (one: n = 1); `ar` zero/one/two/few/many/other; Dari takes
/// `fa`'s rules (one: i = 0 or n = 1), as the browser asks `Intl.PluralRules`
/// for `fa-AF`. These are what `Intl.PluralRules(locale).resolvedOptions()
/// .pluralCategories` gives in Chromium; the browser test checks that too.
const PLURAL_CATEGORIES: &[(&str, &[&str])] = &[
    ("en", &["one", "other"]),
    ("ar", &["zero", "one", "two", "few", "many", "other"]),
    ("ur", &["one", "other"]),
    ("ps", &["one", "other"]),
    ("prs", &["one", "other"]),
    ("tr", &["one", "other"]),
];

const ALL_CATEGORIES: &[&str] = &["zero", "one", "two", "few", "many", "other"];

/// A catalog entry: a text, or a counted message's forms by category.
#[derive(Debug)]
enum Message {
    Text(String),
    Plural(BTreeMap<String, String>),
}

/// As i18n.js's `isPlural`: an object with `other` whose every key is a
/// plural category is a counted message, anything else a section.
fn is_plural(map: &serde_json::Map<String, Value>) -> bool {
    map.contains_key("other") && map.keys().all(|k| ALL_CATEGORIES.contains(&k.as_str()))
}

fn flatten(prefix: &str, value: &Value, out: &mut BTreeMap<String, Message>, file: &str) {
    let join = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match value {
        Value::Object(map) if !prefix.is_empty() && is_plural(map) => {
            let forms = map
                .iter()
                .map(|(k, v)| match v {
                    Value::String(s) => (k.clone(), s.clone()),
                    other => panic!("{file}: {prefix}.{k} is {other}, not text"),
                })
                .collect();
            out.insert(prefix.to_string(), Message::Plural(forms));
        }
        Value::Object(map) => {
            for (k, v) in map {
                flatten(&join(k), v, out, file);
            }
        }
        Value::String(s) => {
            out.insert(prefix.to_string(), Message::Text(s.clone()));
        }
        other => panic!("{file}: {prefix} is {other}, neither text nor a section"),
    }
}

fn messages(name: &str) -> BTreeMap<String, Message> {
    let mut out = BTreeMap::new();
    flatten("", &catalog(name), &mut out, name);
    out
}

/// The `{name}` placeholders of a text.
fn placeholders(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        let Some(close) = rest.find('}') else { break };
        let name = &rest[..close];
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            found.insert(name.to_string());
        }
        rest = &rest[close + 1..];
    }
    found
}

fn all_placeholders(message: &Message) -> BTreeSet<String> {
    match message {
        Message::Text(text) => placeholders(text),
        Message::Plural(forms) => forms.values().flat_map(|f| placeholders(f)).collect(),
    }
}

fn categories(language: &str) -> &'static [&'static str] {
    PLURAL_CATEGORIES
        .iter()
        .find(|(code, _)| *code == language)
        .map(|(_, c)| *c)
        .unwrap_or_else(|| panic!("{language}: no CLDR plural categories listed for it"))
}

/// Everything wrong with one catalog against the English one.
fn problems(name: &str, english: &BTreeMap<String, Message>) -> Vec<String> {
    check(name, &messages(name), english)
}

/// Everything wrong with `translated` (the catalog `name`) against English.
fn check(
    name: &str,
    translated: &BTreeMap<String, Message>,
    english: &BTreeMap<String, Message>,
) -> Vec<String> {
    let language = name.trim_end_matches(".json");
    let required = categories(language);
    let mut problems = Vec::new();
    for key in english.keys().filter(|k| !translated.contains_key(*k)) {
        problems.push(format!("{name}: lacks {key}"));
    }
    for key in translated.keys().filter(|k| !english.contains_key(*k)) {
        problems.push(format!("{name}: has {key}, which en.json lacks"));
    }
    for (key, message) in translated {
        let Some(source) = english.get(key) else {
            continue;
        };
        let expected = all_placeholders(source);
        match (source, message) {
            (Message::Text(_), Message::Text(text)) => {
                let found = placeholders(text);
                if found != expected {
                    problems.push(format!(
                        "{name}: {key} has placeholders {found:?}, en.json {expected:?}"
                    ));
                }
            }
            (Message::Plural(_), Message::Plural(forms)) => {
                let have: BTreeSet<&str> = forms.keys().map(String::as_str).collect();
                let want: BTreeSet<&str> = required.iter().copied().collect();
                if have != want {
                    problems.push(format!(
                        "{name}: {key} has plural forms {have:?}; CLDR's rules for {language} use {want:?}"
                    ));
                }
                for (category, form) in forms {
                    let found = placeholders(form);
                    // A form for one number may spell it out ("سجلان"): only
                    // `{count}` may be left out, and not from `other`.
                    let mut must = expected.clone();
                    if category != "other" {
                        must.remove("count");
                    }
                    if !must.is_subset(&found) || !found.is_subset(&expected) {
                        problems.push(format!(
                            "{name}: {key}.{category} has placeholders {found:?}, en.json {expected:?}"
                        ));
                    }
                }
            }
            (Message::Text(_), Message::Plural(_)) => {
                problems.push(format!("{name}: {key} is counted, but not in en.json"));
            }
            (Message::Plural(_), Message::Text(_)) => {
                problems.push(format!("{name}: {key} is counted in en.json, not here"));
            }
        }
    }
    problems
}

#[test]
fn every_catalog_has_the_english_keys_placeholders_and_plural_forms() {
    let english = messages("en.json");
    let mut all = problems("en.json", &english);
    for (key, message) in &english {
        if let Message::Plural(forms) = message
            && !forms.get("other").is_some_and(|f| f.contains("{count}"))
        {
            all.push(format!(
                "en.json: {key} is counted but its other form shows no {{count}}"
            ));
        }
    }
    let names: Vec<String> = catalogs().into_iter().map(|(n, _)| n).collect();
    for (language, _) in PLURAL_CATEGORIES {
        let file = format!("{language}.json");
        assert!(names.contains(&file), "no catalog {file}");
        if *language != "en" {
            all.extend(problems(&file, &english));
        }
    }
    for name in &names {
        let language = name.trim_end_matches(".json");
        assert!(
            PLURAL_CATEGORIES.iter().any(|(code, _)| *code == language),
            "{name}: not an interface language (add its CLDR plural categories)"
        );
    }
    assert!(
        all.is_empty(),
        "{} problems:\n{}",
        all.len(),
        all.join("\n")
    );
}

/// The checks themselves, on made-up catalogs: a missing key, an extra one,
/// a placeholder renamed and an Arabic message without its `few` form are
/// each caught.
#[test]
fn the_catalog_check_catches_what_it_should() {
    let parse = |value: Value| {
        let mut out = BTreeMap::new();
        flatten("", &value, &mut out, "test");
        out
    };
    let english = parse(serde_json::json!({
        "a": { "b": "Hello {name}" },
        "n": { "one": "{count} record", "other": "{count} records" }
    }));
    let full = parse(serde_json::json!({
        "a": { "b": "مرحبا {name}" },
        "n": { "zero": "لا سجلات", "one": "سجل واحد", "two": "سجلان", "few": "{count} سجلات", "many": "{count} سجلًا", "other": "{count} سجل" }
    }));
    assert_eq!(check("ar.json", &full, &english), Vec::<String>::new());
    assert_eq!(
        check(
            "tr.json",
            &parse(
                serde_json::json!({ "n": { "one": "{count} kayıt", "other": "{count} kayıt" } })
            ),
            &english
        ),
        ["tr.json: lacks a.b"]
    );
    assert_eq!(
        check(
            "tr.json",
            &parse(serde_json::json!({
                "a": { "b": "Merhaba {isim}", "c": "x" },
                "n": { "one": "{count} kayıt", "other": "kayıtlar" }
            })),
            &english
        ),
        [
            "tr.json: has a.c, which en.json lacks",
            "tr.json: a.b has placeholders {\"isim\"}, en.json {\"name\"}",
            "tr.json: n.other has placeholders {}, en.json {\"count\"}",
        ]
    );
    assert_eq!(
        check(
            "ar.json",
            &parse(serde_json::json!({
                "a": { "b": "مرحبا {name}" },
                "n": { "one": "سجل واحد", "other": "{count} سجل" }
            })),
            &english
        ),
        [
            "ar.json: n has plural forms {\"one\", \"other\"}; CLDR's rules for ar use {\"few\", \"many\", \"one\", \"other\", \"two\", \"zero\"}"
        ]
    );
    assert_eq!(
        check(
            "ur.json",
            &parse(
                serde_json::json!({ "a": { "b": { "one": "{name}", "other": "{name}" } }, "n": "سب" })
            ),
            &english
        ),
        [
            "ur.json: a.b is counted, but not in en.json",
            "ur.json: n is counted in en.json, not here"
        ]
    );
}
