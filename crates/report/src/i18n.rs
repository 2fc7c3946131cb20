//! The report's own strings, by language: catalogs under `i18n/` compiled
//! in, read through `truce-i18n` (plural forms, numbers), and the dates a
//! report writes in each language's words and digits.

use truce_core::values::Timestamp;
pub use truce_i18n::{Direction, Lang};

fn source(lang: Lang) -> &'static str {
    match lang {
        Lang::En => include_str!("../i18n/en.json"),
        Lang::Ar => include_str!("../i18n/ar.json"),
        Lang::Ur => include_str!("../i18n/ur.json"),
        Lang::Ps => include_str!("../i18n/ps.json"),
        // Dari (Afghan Persian): Afghan usage, as the web UI's prs.json.
        Lang::Fa => include_str!("../i18n/fa.json"),
        Lang::Tr => include_str!("../i18n/tr.json"),
    }
}

pub(crate) static CATALOGS: truce_i18n::Catalogs = truce_i18n::Catalogs::new(source);

/// The strings of one language, and its numbers and dates.
#[derive(Clone, Copy)]
pub(crate) struct Strings(truce_i18n::Strings);

impl Strings {
    pub fn new(lang: Lang) -> Self {
        Strings(truce_i18n::Strings::new(lang, &CATALOGS))
    }

    /// The text for `key`, in this language or else English.
    pub fn t(&self, key: &str) -> String {
        self.0.t(key)
    }

    /// `t(key)` with each `{name}` replaced by its value, once.
    pub fn f(&self, key: &str, values: &[(&str, &str)]) -> String {
        self.0.f(key, values)
    }

    /// The counted message `key` in the form the language's plural rules
    /// choose for `count`.
    pub fn n(&self, key: &str, count: u64, values: &[(&str, &str)]) -> String {
        self.0.n(key, count, values)
    }

    /// A count as the language writes it.
    pub fn num(&self, n: impl TryInto<u64> + Copy + std::fmt::Display) -> String {
        self.0.num(n)
    }

    /// ASCII digits as the language's digits: for numbers written digit by
    /// digit (years, days, times), which take no grouping.
    pub fn digits(&self, text: &str) -> String {
        self.0.digits(text)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_is_complete() {
        assert!(CATALOGS.keys().count() > 50);
        let gaps = CATALOGS.gaps();
        assert!(gaps.is_empty(), "{gaps:#?}");
    }

    #[test]
    fn counted_messages_take_the_form_the_languages_rules_choose() {
        let records = |lang, n| Strings::new(lang).n("report.records", n, &[]);
        assert_eq!(records(Lang::En, 1), "1 record");
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
