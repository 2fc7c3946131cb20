//! The six interface languages and their words, for everything Truce writes
//! on the server side: the reports (`truce-report`) and the API's problem
//! messages (`truce-server`). Each of those keeps its own catalogs (JSON,
//! compiled in); this crate says which language a request wants, picks a
//! message's plural form by CLDR's rules and writes numbers as the language
//! does. The web UI's catalogs are its own (`crates/web/static/app/i18n`),
//! read by the browser's `Intl`, which uses the same CLDR data.

mod catalog;
mod lang;
mod locale;

pub use catalog::{Catalogs, Message, Strings, fill};
pub use lang::{Direction, Lang, UnknownLang};
pub use locale::Locale;
