//! # truce-report
//!
//! Periodic reports of a Truce log, in the manner of the OSCE monitoring
//! mission's daily and weekly reports. [`build`] is pure: it takes the records
//! of a log prefix (already verified by the caller), the checkpoint that covers
//! exactly that prefix, a period and a language, and returns a [`Report`] — a
//! structured model in which every item cites the records it rests on.
//! [`render`] turns the model into Markdown, self-contained HTML (inline SVG
//! charts and a vector map, no network) or PDF (embedded, subset, shaped fonts;
//! right-to-left paragraphs laid out by the Unicode bidi algorithm).
//!
//! The same prefix, period and language always give the same bytes in every
//! format: nothing here reads a clock, draws a random number or iterates a hash
//! map into the output. That is what lets anyone rebuild a published report
//! from the log and compare digests (`truce verify --report`).
//!
//! What it does not do: it reads no store, verifies no signature and signs
//! nothing. The caller loads and verifies the prefix; publishing a report is a
//! `report.publish` record the caller signs.

mod figure;
mod geo;
mod html;
mod i18n;
mod markdown;
mod model;
mod pdf;
mod period;

pub use figure::{Anchor, Color, Figure, Shape};
pub use html::STYLE as HTML_STYLE;
pub use i18n::{Direction, Lang};
use truce_core::kinds::report::{ReportFormat, ReportLang};

/// The language a `report.publish` record names.
pub fn lang_of_record(lang: ReportLang) -> Lang {
    match lang {
        ReportLang::En => Lang::En,
        ReportLang::Ar => Lang::Ar,
        ReportLang::Ur => Lang::Ur,
        ReportLang::Ps => Lang::Ps,
        ReportLang::Fa => Lang::Fa,
        ReportLang::Tr => Lang::Tr,
    }
}

/// How a `report.publish` record names `lang`.
pub fn record_lang(lang: Lang) -> ReportLang {
    match lang {
        Lang::En => ReportLang::En,
        Lang::Ar => ReportLang::Ar,
        Lang::Ur => ReportLang::Ur,
        Lang::Ps => ReportLang::Ps,
        Lang::Fa => ReportLang::Fa,
        Lang::Tr => ReportLang::Tr,
    }
}
pub use model::{Block, Cited, Item, Report, Section, Table, build};
pub use period::Period;

use truce_tlog::Hash;

/// The checkpoint a report is built from: the log prefix of `size` records
/// with Merkle root `root`, and the witnesses that cosigned it, if known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub size: u64,
    pub root: Hash,
    /// Names of the witnesses whose cosignatures on this checkpoint verified,
    /// sorted; empty when the caller has none to show.
    pub cosigners: Vec<String>,
}

impl Checkpoint {
    /// The checkpoint of `records` (a whole log prefix, in order): its size,
    /// its Merkle root worked out from the records themselves, and — when
    /// `note` is the signed checkpoint of that size with its cosignature
    /// lines — the witnesses of the charter's policy whose cosignatures on it
    /// verify, sorted. Every copy of the log that has the note names the same.
    pub fn of(
        records: &[truce_core::derive::Logged],
        note: Option<&str>,
    ) -> Result<Checkpoint, ReportError> {
        let mut frontier = truce_tlog::Frontier::new();
        for l in records {
            frontier
                .try_append(l.record.hash())
                .map_err(|e| ReportError::Log(e.to_string()))?;
        }
        let size = records.len() as u64;
        let policy = records.first().and_then(|l| match l.record.body() {
            truce_core::Body::Charter(c) => {
                truce_tlog::WitnessPolicy::parse(c.witness_policy.as_str()).ok()
            }
            _ => None,
        });
        let parsed = note.and_then(|n| truce_tlog::note::parse_note(n).ok());
        let note_size = parsed
            .as_ref()
            .and_then(|n| n.text.lines().nth(1))
            .and_then(|s| s.parse::<u64>().ok());
        let mut cosigners: Vec<String> = match (policy, parsed) {
            (Some(policy), Some(note)) if note_size == Some(size) => policy
                .cosigners(&note.text, &note.signatures)
                .into_iter()
                .map(|c| c.witness)
                .collect(),
            _ => Vec::new(),
        };
        cosigners.sort();
        Ok(Checkpoint {
            size,
            root: frontier.root(),
            cosigners,
        })
    }
}

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Html,
    Pdf,
    Markdown,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Html, Format::Pdf, Format::Markdown];

    /// The format a `report.publish` record names.
    pub fn of_record(format: ReportFormat) -> Format {
        match format {
            ReportFormat::Html => Format::Html,
            ReportFormat::Pdf => Format::Pdf,
            ReportFormat::Md => Format::Markdown,
        }
    }

    /// How a `report.publish` record names this format.
    pub fn in_record(self) -> ReportFormat {
        match self {
            Format::Html => ReportFormat::Html,
            Format::Pdf => ReportFormat::Pdf,
            Format::Markdown => ReportFormat::Md,
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Markdown => "md",
        }
    }

    pub fn parse(s: &str) -> Result<Format, ReportError> {
        match s {
            "html" => Ok(Format::Html),
            "pdf" => Ok(Format::Pdf),
            "md" | "markdown" => Ok(Format::Markdown),
            other => Err(ReportError::UnknownFormat(other.to_owned())),
        }
    }

    pub fn media_type(&self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Pdf => "application/pdf",
            Format::Markdown => "text/markdown; charset=utf-8",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("the period is invalid: {0}")]
    Period(String),
    #[error("unknown report format {0:?}: use html, pdf or md")]
    UnknownFormat(String),
    #[error("unknown report language: {0}")]
    UnknownLang(#[from] truce_i18n::UnknownLang),
    #[error(
        "the records given are not the log prefix the checkpoint covers: expected indexes 0..{size}, found {found} at position {position}"
    )]
    NotThePrefix {
        size: u64,
        position: usize,
        found: String,
    },
    #[error("the log prefix has no charter as its first record")]
    NoCharter,
    #[error("the log prefix: {0}")]
    Log(String),
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

/// Renders a report in `format`. Deterministic: the same report gives the same bytes.
pub fn render(report: &Report, format: Format) -> Result<Vec<u8>, ReportError> {
    match format {
        Format::Markdown => Ok(markdown::render(report).into_bytes()),
        Format::Html => Ok(html::render(report).into_bytes()),
        Format::Pdf => pdf::render(report),
    }
}

/// The SHA-256 of a rendered report, lower-case hex: what a `report.publish`
/// record carries and `truce verify --report` compares.
pub fn digest(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
