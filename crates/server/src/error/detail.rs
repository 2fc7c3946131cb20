//! What a problem's `detail` says, kept as a catalog key and the facts of the
//! case until the answer's language is known (`languages.rs` negotiates it):
//! the sentence is the catalog's, in the reader's language; the facts are
//! written as they are (hashes, names, times, what a record says; numbers
//! in the language's digits),
//! and so is a cause in the words of the library that gave it (a JSON
//! parser's, the operating system's), which Truce cannot translate.

use std::borrow::Cow;
use std::fmt;
use truce_i18n::{Catalogs, Lang, Strings};

fn source(lang: Lang) -> &'static str {
    match lang {
        Lang::En => include_str!("../../i18n/en.json"),
        Lang::Ar => include_str!("../../i18n/ar.json"),
        Lang::Ur => include_str!("../../i18n/ur.json"),
        Lang::Ps => include_str!("../../i18n/ps.json"),
        Lang::Fa => include_str!("../../i18n/fa.json"),
        Lang::Tr => include_str!("../../i18n/tr.json"),
    }
}

/// The API's messages: every problem type's title (`title.<slug>`) and every
/// detail (`<area>.<what>`; a rule of the core's is `rule.<code>`).
pub static MESSAGES: Catalogs = Catalogs::new(source);

/// A fact filled into a detail's sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Fact {
    /// Written as it is.
    Text(String),
    /// An English phrase the core chose ("the accused", "mediator"): the
    /// catalog's `phrase.<it>` in the reader's language, itself if none.
    Phrase(&'static str),
    /// Another detail, in the same language (why a record of a group was
    /// refused).
    Detail(Box<Detail>),
}

/// A detail: the catalog key of its sentence and the facts filled into it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detail {
    key: Cow<'static, str>,
    facts: Vec<(&'static str, Fact)>,
    /// What to say where the catalog lacks the key (a core error whose
    /// rule is newer than the catalog): its own English message.
    fallback: Option<String>,
}

impl Detail {
    pub fn new(key: impl Into<Cow<'static, str>>) -> Self {
        Detail {
            key: key.into(),
            facts: Vec::new(),
            fallback: None,
        }
    }

    /// The fact `name`, written as `value` displays.
    pub fn with(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.facts.push((name, Fact::Text(value.to_string())));
        self
    }

    /// The fact `name`, an English phrase translated by the catalog.
    pub fn phrase(mut self, name: &'static str, phrase: &'static str) -> Self {
        self.facts.push((name, Fact::Phrase(phrase)));
        self
    }

    /// The fact `name`, another detail in the same language.
    pub fn nested(mut self, name: &'static str, detail: Detail) -> Self {
        self.facts.push((name, Fact::Detail(Box::new(detail))));
        self
    }

    /// What to say if the catalog lacks the key.
    pub fn or_else(mut self, english: String) -> Self {
        self.fallback = Some(english);
        self
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    /// The detail in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let strings = Strings::new(lang, &MESSAGES);
        if !MESSAGES.has(&self.key)
            && let Some(fallback) = &self.fallback
        {
            return fallback.clone();
        }
        let facts: Vec<(&str, String)> = self
            .facts
            .iter()
            .map(|(name, fact)| {
                let text = match fact {
                    // A bare number (an index, a size, a count) in the
                    // language's digits, as the UI writes them; anything
                    // with other characters (a hash, a time, an id) as it is.
                    Fact::Text(text)
                        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) =>
                    {
                        strings.digits(text)
                    }
                    Fact::Text(text) => text.clone(),
                    Fact::Phrase(phrase) => {
                        let key = format!("phrase.{phrase}");
                        if MESSAGES.has(&key) {
                            strings.t(&key)
                        } else {
                            (*phrase).to_owned()
                        }
                    }
                    Fact::Detail(detail) => detail.render(lang),
                };
                (*name, text)
            })
            .collect();
        let facts: Vec<(&str, &str)> = facts.iter().map(|(n, t)| (*n, t.as_str())).collect();
        // API messages take no plural forms: their numbers are sizes,
        // indexes and limits, worded with the form a language uses for many
        // (the reports, whose counts are read as prose, choose forms by
        // CLDR's rules).
        strings.f(&self.key, &facts)
    }
}

/// In English, as the server's log and `Display` of an error write it.
impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// `detail!("record.not_in_log", index)` or `detail!("key", name = value)`:
/// the detail of catalog key `key` with each fact written as it displays.
macro_rules! detail {
    ($key:literal $(, $name:ident $(= $value:expr)?)* $(,)?) => {
        $crate::error::Detail::new($key)
            $( .with(stringify!($name), $crate::error::detail!(@value $name $(= $value)?)) )*
    };
    (@value $name:ident = $value:expr) => { &$value };
    (@value $name:ident) => { &$name };
}
pub(crate) use detail;
