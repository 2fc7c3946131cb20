//! The report's own strings, by language. Catalogs are JSON files under
//! `i18n/` compiled in; a key a catalog lacks falls back to English, so a
//! partial translation never breaks a report. Values are filled into
//! `{name}` placeholders: record content (titles, names) is never translated,
//! only the words around it.

use crate::ReportError;
use crate::locale::Locale;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use truce_core::values::Timestamp;

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

/// A catalog entry: a text, or a counted message whose forms are keyed by
/// CLDR plural category (`{"one": "{count} record", "other": "{count}
/// records"}`), as the web UI's catalogs have them. A language whose nouns
/// do not change with their number (Dari, Turkish) may give one text.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(untagged)]
enum Message {
    Text(String),
    Counted(BTreeMap<String, String>),
}

type Catalog = BTreeMap<String, Message>;

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

/// The strings of one language, and its numbers and dates.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Strings {
    lang: Lang,
}

impl Strings {
    pub fn new(lang: Lang) -> Self {
        Strings { lang }
    }

    /// The entry for `key` in this language or else English, with the
    /// language whose plural rules pick its form.
    fn message(&self, key: &str) -> Option<(&'static Message, Lang)> {
        catalog(self.lang)
            .get(key)
            .map(|m| (m, self.lang))
            .or_else(|| catalog(Lang::En).get(key).map(|m| (m, Lang::En)))
    }

    /// The text for `key`, in this language or else English; the key itself
    /// when neither has it (the tests hold every key to exist in English).
    pub fn t(&self, key: &str) -> String {
        match self.message(key) {
            Some((Message::Text(text), _)) => text.clone(),
            Some((Message::Counted(forms), _)) => forms.get("other").cloned().unwrap_or_default(),
            None => key.to_owned(),
        }
    }

    /// `t(key)` with each `{name}` replaced by its value. Values are inserted
    /// once, left to right, so a value that itself contains `{x}` is not
    /// filled again.
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

    /// `25 October 2025, 18:00` in the language's words and digits, in the
    /// Gregorian calendar (as the web UI shows dates: Dari's and Pashto's
    /// locales default to the Solar Hijri one, whose use is itself disputed;
    /// the record dates things in Gregorian); always UTC, to the minute.
    pub fn when(&self, t: Timestamp) -> String {
        let d = t.datetime();
        let time = format!("{:02}:{:02}", d.hour(), d.minute());
        self.date("date.minute", t, &self.digits(&time))
    }

    /// `25 October 2025` in the language's words and digits.
    pub fn day(&self, t: Timestamp) -> String {
        self.date("date.day", t, "")
    }

    fn date(&self, pattern: &str, t: Timestamp, time: &str) -> String {
        let d = t.datetime();
        let month = self.t(&format!("month.{}", u8::from(d.month())));
        self.f(
            pattern,
            &[
                ("day", &self.digits(&d.day().to_string())),
                ("month", &month),
                ("year", &self.digits(&d.year().to_string())),
                ("time", time),
            ],
        )
    }
}

/// `template` with each `{name}` replaced by its value, once, left to right.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
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

    /// The placeholders of every form of a message, besides `{count}`
    /// (a form may spell its number out: Arabic's "سجلاً واحداً").
    fn names(m: &Message) -> std::collections::BTreeSet<String> {
        let texts: Vec<&String> = match m {
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
            // Every language is complete, with English's placeholders; a
            // counted message has every form its language's rules choose,
            // and no other (or is one text, where nouns do not change).
            let categories = Locale::of(lang).categories();
            for (key, english) in en {
                let translated = parsed
                    .get(key)
                    .unwrap_or_else(|| panic!("{}: lacks {key}", lang.as_str()));
                assert_eq!(
                    names(translated),
                    names(english),
                    "{}: {key} placeholders",
                    lang.as_str()
                );
                // (English's "{count} killed" does not change with its
                // number; Arabic's and Pashto's do.)
                if let Message::Counted(forms) = translated {
                    let given: Vec<&str> = forms.keys().map(String::as_str).collect();
                    let mut wanted = categories.clone();
                    wanted.sort_unstable();
                    assert_eq!(given, wanted, "{}: {key}'s forms", lang.as_str());
                }
            }
        }
    }

    #[test]
    fn counted_messages_take_the_form_the_languages_rules_choose() {
        let records = |lang, n| Strings::new(lang).n("report.records", n, &[]);
        assert_eq!(records(Lang::En, 1), "1 record");
        assert_eq!(records(Lang::En, 1234), "1,234 records");
        assert_eq!(records(Lang::Ar, 2), "سجلين");
        assert_eq!(records(Lang::Ar, 5), "5 سجلات");
        assert_eq!(records(Lang::Ar, 115), "115 سجلاً");
        assert_eq!(records(Lang::Fa, 115), "۱۱۵ ثبت");
    }

    #[test]
    fn dates_are_written_in_the_languages_words_and_digits() {
        let t = Timestamp::parse("2025-10-25T18:05:00Z").unwrap();
        assert_eq!(Strings::new(Lang::En).when(t), "25 October 2025, 18:05");
        assert_eq!(Strings::new(Lang::Tr).day(t), "25 Ekim 2025");
        assert_eq!(Strings::new(Lang::Ps).day(t), "۲۵ اکتوبر ۲۰۲۵");
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
