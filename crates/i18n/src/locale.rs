//! Numbers and plural forms as each interface language writes them, from
//! CLDR's data through ICU4X (the browser's `Intl` reads the same data, so a
//! report and the page that previews it agree): Dari's and Pashto's
//! Extended Arabic-Indic digits, Latin ones in English, Arabic (CLDR's `ar`
//! since v42), Urdu and Turkish, each with its own grouping; and the plural
//! category (Arabic has six) that picks a counted message's form.

use crate::Lang;
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_decimal::options::{DecimalFormatterOptions, GroupingStrategy};
use icu_plurals::{PluralCategory, PluralRules};
use std::sync::OnceLock;

/// One language's number formats and plural rules.
pub struct Locale {
    /// `1,234` as the language groups it.
    grouped: Option<DecimalFormatter>,
    /// The language's digits 0 to 9, for numbers written digit by digit
    /// (years, times, zero-padded days).
    digits: [char; 10],
    plurals: Option<PluralRules>,
}

impl Locale {
    pub fn of(lang: Lang) -> &'static Locale {
        static LOCALES: OnceLock<[Locale; 6]> = OnceLock::new();
        let [en, ar, ur, ps, fa, tr] = LOCALES.get_or_init(|| Lang::ALL.map(Locale::new));
        match lang {
            Lang::En => en,
            Lang::Ar => ar,
            Lang::Ur => ur,
            Lang::Ps => ps,
            Lang::Fa => fa,
            Lang::Tr => tr,
        }
    }

    /// Should the compiled-in data lack a language (it has all six; the
    /// tests hold it to), its numbers are written as English writes them.
    fn new(lang: Lang) -> Locale {
        let locale = icu_locale_core::Locale::try_from_str(lang.cldr()).ok();
        let formatter = |grouping| {
            let mut options = DecimalFormatterOptions::default();
            options.grouping_strategy = Some(grouping);
            locale
                .as_ref()
                .and_then(|l| DecimalFormatter::try_new(l.into(), options).ok())
        };
        let plain = formatter(GroupingStrategy::Never);
        let mut digits = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
        if let Some(plain) = &plain {
            for (d, slot) in (0u8..).zip(digits.iter_mut()) {
                if let Some(c) = plain.format(&Decimal::from(d)).to_string().chars().next() {
                    *slot = c;
                }
            }
        }
        Locale {
            grouped: formatter(GroupingStrategy::Auto),
            digits,
            plurals: locale
                .as_ref()
                .and_then(|l| PluralRules::try_new_cardinal(l.into()).ok()),
        }
    }

    /// `n` as the language writes a count.
    pub fn number(&self, n: u64) -> String {
        match &self.grouped {
            Some(f) => f.format(&Decimal::from(n)).to_string(),
            None => n.to_string(),
        }
    }

    /// Every ASCII digit of `text` as the language's digit; nothing else
    /// changes (`2025-10-25 18:05` keeps its dashes, colon and padding).
    pub fn digits(&self, text: &str) -> String {
        text.chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => self.digits.get(d as usize).copied().unwrap_or(c),
                None => c,
            })
            .collect()
    }

    /// The CLDR plural category of `n`, by name as catalogs key their forms.
    pub fn category(&self, n: u64) -> &'static str {
        let category = self
            .plurals
            .as_ref()
            .map_or(PluralCategory::Other, |p| p.category_for(n));
        category_name(category)
    }

    /// Every category the language's rules can choose.
    pub fn categories(&self) -> Vec<&'static str> {
        self.plurals
            .as_ref()
            .map(|p| p.categories().map(category_name).collect())
            .unwrap_or_else(|| vec!["other"])
    }
}

fn category_name(category: PluralCategory) -> &'static str {
    match category {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_writes_numbers_with_its_own_digits_and_grouping() {
        let n = |lang| Locale::of(lang).number(12_345);
        assert_eq!(n(Lang::En), "12,345");
        assert_eq!(n(Lang::Tr), "12.345");
        assert_eq!(n(Lang::Ur), "12,345");
        // CLDR's `ar` has written Latin digits since v42, as browsers do.
        assert_eq!(n(Lang::Ar), "12,345");
        assert_eq!(n(Lang::Fa), "۱۲٬۳۴۵");
        assert_eq!(n(Lang::Ps), "۱۲٬۳۴۵");
        assert_eq!(
            Locale::of(Lang::Fa).digits("2025-10-25 18:05"),
            "۲۰۲۵-۱۰-۲۵ ۱۸:۰۵"
        );
    }

    #[test]
    fn plural_categories_are_cldrs() {
        let ar = Locale::of(Lang::Ar);
        let got: Vec<&str> = [0, 1, 2, 3, 11, 100, 115].map(|n| ar.category(n)).to_vec();
        assert_eq!(got, ["zero", "one", "two", "few", "many", "other", "many"]);
        assert_eq!(Locale::of(Lang::En).category(1), "one");
        assert_eq!(Locale::of(Lang::Ur).category(2), "other");
        for lang in Lang::ALL {
            assert!(Locale::of(lang).categories().contains(&"other"));
        }
    }
}
