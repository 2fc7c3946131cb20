//! The report's own strings, by language. Catalogs are JSON files under
//! `i18n/` compiled in; a key a catalog lacks falls back to English, so a
//! partial translation never breaks a report. Values are filled into
//! `{name}` placeholders: record content (titles, names) is never translated,
//! only the words around it.

use crate::ReportError;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The interface languages, as the web UI names them (BCP 47).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    En,
    Ar,
    Ur,
    Ps,
    Fa,
    Tr,
}

/// Which way a language's paragraphs run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Ltr,
    Rtl,
}

impl Lang {
    pub const ALL: [Lang; 6] = [Lang::En, Lang::Ar, Lang::Ur, Lang::Ps, Lang::Fa, Lang::Tr];

    pub fn parse(s: &str) -> Result<Lang, ReportError> {
        Ok(match s {
            "en" => Lang::En,
            "ar" => Lang::Ar,
            "ur" => Lang::Ur,
            "ps" => Lang::Ps,
            "fa" => Lang::Fa,
            "tr" => Lang::Tr,
            other => return Err(ReportError::UnknownLang(other.to_owned())),
        })
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ar => "ar",
            Lang::Ur => "ur",
            Lang::Ps => "ps",
            Lang::Fa => "fa",
            Lang::Tr => "tr",
        }
    }

    pub fn direction(&self) -> Direction {
        match self {
            Lang::Ar | Lang::Ur | Lang::Ps | Lang::Fa => Direction::Rtl,
            Lang::En | Lang::Tr => Direction::Ltr,
        }
    }

    fn source(&self) -> &'static str {
        match self {
            Lang::En => include_str!("../i18n/en.json"),
            Lang::Ar => include_str!("../i18n/ar.json"),
            Lang::Ur => include_str!("../i18n/ur.json"),
            Lang::Ps => include_str!("../i18n/ps.json"),
            // Dari (Afghan Persian): Afghan usage, as the web UI's prs.json.
            Lang::Fa => include_str!("../i18n/fa.json"),
            Lang::Tr => include_str!("../i18n/tr.json"),
        }
    }
}

type Catalog = BTreeMap<String, String>;

fn catalog(lang: Lang) -> &'static Catalog {
    static CATALOGS: OnceLock<BTreeMap<Lang, Catalog>> = OnceLock::new();
    static EMPTY: Catalog = BTreeMap::new();
    CATALOGS
        .get_or_init(|| {
            Lang::ALL
                .iter()
                // A catalog that does not parse is caught by the tests (every
                // catalog parses); at run time it falls back to English.
                .map(|l| (*l, serde_json::from_str(l.source()).unwrap_or_default()))
                .collect()
        })
        .get(&lang)
        .unwrap_or(&EMPTY)
}

/// The strings of one language.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Strings {
    lang: Lang,
}

impl Strings {
    pub fn new(lang: Lang) -> Self {
        Strings { lang }
    }

    /// The text for `key`, in this language or else English; the key itself
    /// when neither has it (the tests hold every key to exist in English).
    pub fn t(&self, key: &str) -> String {
        catalog(self.lang)
            .get(key)
            .or_else(|| catalog(Lang::En).get(key))
            .cloned()
            .unwrap_or_else(|| key.to_owned())
    }

    /// `t(key)` with each `{name}` replaced by its value. Values are inserted
    /// once, left to right, so a value that itself contains `{x}` is not
    /// filled again.
    pub fn f(&self, key: &str, values: &[(&str, &str)]) -> String {
        let template = self.t(key);
        let mut out = String::with_capacity(template.len() + 64);
        let mut rest = template.as_str();
        while let Some((before, after)) = rest.split_once('{') {
            out.push_str(before);
            match after.split_once('}') {
                Some((name, tail)) => {
                    match values.iter().find(|(n, _)| *n == name) {
                        Some((_, v)) => out.push_str(v),
                        None => {
                            out.push('{');
                            out.push_str(name);
                            out.push('}');
                        }
                    }
                    rest = tail;
                }
                None => {
                    out.push('{');
                    out.push_str(after);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_parses_and_names_only_english_keys() {
        let en = catalog(Lang::En);
        assert!(en.len() > 50);
        for lang in Lang::ALL {
            let parsed: Catalog = serde_json::from_str(lang.source()).unwrap_or_else(|e| {
                panic!("{} catalog: {e}", lang.as_str());
            });
            for key in parsed.keys() {
                assert!(en.contains_key(key), "{}: {key} not in en", lang.as_str());
            }
            // Every language is complete, with English's placeholders.
            if lang != Lang::En {
                let names = |s: &str| {
                    let mut found: Vec<String> = s
                        .split('{')
                        .skip(1)
                        .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_owned()))
                        .collect();
                    found.sort();
                    found
                };
                for (key, text) in en {
                    let translated = parsed
                        .get(key)
                        .unwrap_or_else(|| panic!("{}: lacks {key}", lang.as_str()));
                    assert_eq!(
                        names(translated),
                        names(text),
                        "{}: {key} placeholders",
                        lang.as_str()
                    );
                }
            }
        }
    }

    #[test]
    fn placeholders_fill_once_and_unknown_ones_stay() {
        let s = Strings::new(Lang::En);
        assert_eq!(
            s.f("report.page", &[("n", "{total}"), ("total", "3")]),
            "Page {total} of 3"
        );
        assert_eq!(s.t("no.such.key"), "no.such.key");
        assert_eq!(Strings::new(Lang::Ur).t("section.summary"), "خلاصہ");
        assert_eq!(Strings::new(Lang::Ar).t("section.summary"), "الملخص");
        assert_eq!(Strings::new(Lang::Ps).t("section.summary"), "لنډیز");
        assert_eq!(Strings::new(Lang::Fa).t("section.summary"), "خلاصه");
        assert_eq!(Strings::new(Lang::Tr).t("section.summary"), "Özet");
    }
}
