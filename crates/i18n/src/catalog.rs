//! Message catalogs: one JSON object per language, key to message, compiled
//! into the crate that owns them. A key a language lacks falls back to
//! English, so a partial translation never breaks an answer; the owners'
//! tests hold every language complete ([`Catalogs::gaps`]). Values are filled
//! into `{name}` placeholders: what a record says (titles, names) is never
//! translated, only the words around it.

use crate::{Lang, Locale};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// A catalog entry: a text, or a counted message whose forms are keyed by
/// CLDR plural category (`{"one": "{count} record", "other": "{count}
/// records"}`), as the web UI's catalogs have them. A language whose nouns
/// do not change with their number (Dari, Turkish) may give one text.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(untagged)]
pub enum Message {
    Text(String),
    Counted(BTreeMap<String, String>),
}

impl Message {
    /// The placeholders of every form, besides `{count}` (a form may spell
    /// its number out: Arabic's "سجلاً واحداً").
    fn names(&self) -> BTreeSet<String> {
        let texts: Vec<&String> = match self {
            Message::Text(t) => vec![t],
            Message::Counted(forms) => forms.values().collect(),
        };
        texts
            .iter()
            .flat_map(|s| s.split('{').skip(1))
            .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_owned()))
            .filter(|n| n != "count")
            .collect()
    }
}

type Catalog = BTreeMap<String, Message>;

/// The six catalogs of one owner, read once from the sources it compiled in.
pub struct Catalogs {
    source: fn(Lang) -> &'static str,
    parsed: OnceLock<BTreeMap<Lang, Catalog>>,
}

impl Catalogs {
    /// `source` gives each language's JSON (`include_str!`).
    pub const fn new(source: fn(Lang) -> &'static str) -> Self {
        Catalogs {
            source,
            parsed: OnceLock::new(),
        }
    }

    fn catalog(&self, lang: Lang) -> &Catalog {
        static EMPTY: Catalog = BTreeMap::new();
        self.parsed
            .get_or_init(|| {
                Lang::ALL
                    .iter()
                    // A catalog that does not parse is caught by the owner's
                    // tests (`gaps`); at run time it falls back to English.
                    .map(|l| {
                        (
                            *l,
                            serde_json::from_str((self.source)(*l)).unwrap_or_default(),
                        )
                    })
                    .collect()
            })
            .get(&lang)
            .unwrap_or(&EMPTY)
    }

    /// Whether English has `key`.
    pub fn has(&self, key: &str) -> bool {
        self.catalog(Lang::En).contains_key(key)
    }

    /// Every key English has.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.catalog(Lang::En).keys().map(String::as_str)
    }

    /// What keeps the catalogs from being complete, one line each: a
    /// catalog that does not parse, a key English lacks, a key a language
    /// lacks, placeholders other than English's, a counted message without
    /// exactly the forms its language's rules choose, an empty text. Empty
    /// when every language says everything English says.
    pub fn gaps(&self) -> Vec<String> {
        let mut gaps = Vec::new();
        let en = self.catalog(Lang::En);
        if en.is_empty() {
            gaps.push("en: the catalog is empty or does not parse".to_owned());
        }
        for lang in Lang::ALL {
            let code = lang.as_str();
            let parsed: Catalog = match serde_json::from_str((self.source)(lang)) {
                Ok(parsed) => parsed,
                Err(e) => {
                    gaps.push(format!("{code}: {e}"));
                    continue;
                }
            };
            for key in parsed.keys().filter(|k| !en.contains_key(*k)) {
                gaps.push(format!("{code}: {key} is not in en"));
            }
            let mut categories = Locale::of(lang).categories();
            categories.sort_unstable();
            for (key, english) in en {
                let Some(translated) = parsed.get(key) else {
                    gaps.push(format!("{code}: lacks {key}"));
                    continue;
                };
                if translated.names() != english.names() {
                    gaps.push(format!("{code}: {key} has other placeholders than en"));
                }
                match translated {
                    Message::Text(text) if text.trim().is_empty() => {
                        gaps.push(format!("{code}: {key} is empty"));
                    }
                    Message::Text(_) => {}
                    // (English's "{count} killed" does not change with its
                    // number; Arabic's and Pashto's do.)
                    Message::Counted(forms) => {
                        let given: Vec<&str> = forms.keys().map(String::as_str).collect();
                        if given != categories {
                            gaps.push(format!("{code}: {key} has forms {given:?}"));
                        }
                    }
                }
            }
        }
        gaps
    }
}

/// The strings of one language from one owner's catalogs, and its numbers.
#[derive(Clone, Copy)]
pub struct Strings {
    lang: Lang,
    catalogs: &'static Catalogs,
}

impl Strings {
    pub fn new(lang: Lang, catalogs: &'static Catalogs) -> Self {
        Strings { lang, catalogs }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The entry for `key` in this language or else English, with the
    /// language whose plural rules pick its form.
    fn message(&self, key: &str) -> Option<(&'static Message, Lang)> {
        let catalogs = self.catalogs;
        catalogs
            .catalog(self.lang)
            .get(key)
            .map(|m| (m, self.lang))
            .or_else(|| catalogs.catalog(Lang::En).get(key).map(|m| (m, Lang::En)))
    }

    /// The text for `key`, in this language or else English; the key itself
    /// when neither has it (the owners' tests hold every key to exist in
    /// English).
    pub fn t(&self, key: &str) -> String {
        match self.message(key) {
            Some((Message::Text(text), _)) => text.clone(),
            Some((Message::Counted(forms), _)) => forms.get("other").cloned().unwrap_or_default(),
            None => key.to_owned(),
        }
    }

    /// `t(key)` with each `{name}` replaced by its value (see [`fill`]).
    pub fn f(&self, key: &str, values: &[(&str, &str)]) -> String {
        fill(&self.t(key), values)
    }

    /// The counted message `key` in the form the language's plural rules
    /// choose for `count`, with `{count}` the number as the language writes
    /// it and the other placeholders filled from `values`.
    pub fn n(&self, key: &str, count: u64, values: &[(&str, &str)]) -> String {
        let template = match self.message(key) {
            Some((Message::Text(text), _)) => text.clone(),
            Some((Message::Counted(forms), lang)) => forms
                .get(Locale::of(lang).category(count))
                .or_else(|| forms.get("other"))
                .cloned()
                .unwrap_or_default(),
            None => key.to_owned(),
        };
        let number = self.num(count);
        let mut all = vec![("count", number.as_str())];
        all.extend_from_slice(values);
        fill(&template, &all)
    }

    /// A count as the language writes it.
    pub fn num(&self, n: impl TryInto<u64> + Copy + std::fmt::Display) -> String {
        match n.try_into() {
            Ok(n) => Locale::of(self.lang).number(n),
            Err(_) => self.digits(&n.to_string()),
        }
    }

    /// ASCII digits as the language's digits, nothing else changed: for
    /// numbers written digit by digit (years, days, times), which take no
    /// grouping.
    pub fn digits(&self, text: &str) -> String {
        Locale::of(self.lang).digits(text)
    }
}

/// `template` with each `{name}` replaced by its value. Values are inserted
/// once, left to right, so a value that itself contains `{x}` is not filled
/// again; a placeholder without a value stays as it is.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn source(lang: Lang) -> &'static str {
        match lang {
            Lang::En => {
                r#"{"records": {"one": "{count} record", "other": "{count} records"}, "page": "Page {n} of {total}"}"#
            }
            Lang::Ar => {
                r#"{"records": {"zero": "لا سجلات", "one": "سجل واحد", "two": "سجلين", "few": "{count} سجلات", "many": "{count} سجلاً", "other": "{count} سجل"}, "page": "الصفحة {n} من {total}"}"#
            }
            Lang::Tr => r#"{"records": "{count} kayıt"}"#,
            Lang::Fa => r#"{"records": "{count} ثبت", "page": "صفحه {n}"}"#,
            Lang::Ur | Lang::Ps => "not json",
        }
    }

    static TEST: Catalogs = Catalogs::new(source);

    #[test]
    fn counted_messages_take_the_form_the_languages_rules_choose() {
        let records = |lang, n| Strings::new(lang, &TEST).n("records", n, &[]);
        assert_eq!(records(Lang::En, 1), "1 record");
        assert_eq!(records(Lang::En, 1234), "1,234 records");
        assert_eq!(records(Lang::Ar, 2), "سجلين");
        assert_eq!(records(Lang::Ar, 5), "5 سجلات");
        assert_eq!(records(Lang::Ar, 115), "115 سجلاً");
        assert_eq!(records(Lang::Fa, 115), "۱۱۵ ثبت");
    }

    #[test]
    fn placeholders_fill_once_and_a_missing_key_falls_back_to_english() {
        let en = Strings::new(Lang::En, &TEST);
        assert_eq!(
            en.f("page", &[("n", "{total}"), ("total", "3")]),
            "Page {total} of 3"
        );
        assert_eq!(en.t("no.such.key"), "no.such.key");
        assert_eq!(
            Strings::new(Lang::Tr, &TEST).t("page"),
            "Page {n} of {total}"
        );
        assert_eq!(
            Strings::new(Lang::Ur, &TEST).t("page"),
            "Page {n} of {total}"
        );
    }

    #[test]
    fn gaps_name_every_way_a_catalog_falls_short() {
        let gaps = TEST.gaps();
        let has = |s: &str| gaps.iter().any(|g| g == s);
        assert!(has("tr: lacks page"), "{gaps:?}");
        assert!(has("fa: page has other placeholders than en"), "{gaps:?}");
        assert!(
            gaps.iter().any(|g| g.starts_with("ur: expected")),
            "{gaps:?}"
        );
        assert!(
            !gaps.iter().any(|g| g.starts_with("ar:")),
            "Arabic is complete: {gaps:?}"
        );
    }
}
