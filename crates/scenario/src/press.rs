//! The five public reports the scenario replays, as the `sources` of the
//! records that rest on them: each passage with its publication, its day and
//! whom the report gives the words to, in the report's own terms. Quotes are
//! short passages copied as published (hedges such as "reportedly" kept);
//! the reports themselves are not shipped.
//!
//! The days of the first three are read from their own text ("entered its
//! second day", "Monday (today)", "as of Monday night"); the last two say
//! they were published on Wednesday 29 October 2025.

use serde_json::{Value, json};

/// A published report: its publication and day.
#[derive(Clone, Copy)]
pub struct Report {
    pub publication: &'static str,
    pub date: &'static str,
}

/// Day 2 of the talks, from Pakistani officials.
pub const TRUTH_INTERNATIONAL: Report = Report {
    publication: "The Truth International",
    date: "2025-10-26",
};
/// Monday 27 October, from unnamed sources.
pub const DAILY_ITTEHAD: Report = Report {
    publication: "Daily Ittehad",
    date: "2025-10-27",
};
/// Monday night, 27 October, from Pakistani officials.
pub const WE_NEWS: Report = Report {
    publication: "WE News English",
    date: "2025-10-27",
};
/// The end of the talks, from both sides, a diplomatic source and a Turkish official.
pub const MNTV: Report = Report {
    publication: "MNTV",
    date: "2025-10-29",
};
/// The end of the talks, from Pakistani sources and Pakistan's information minister.
pub const PTV: Report = Report {
    publication: "Pakistan TV Digital",
    date: "2025-10-29",
};

/// A passage in the report's own voice.
pub fn says(report: Report, quote: &str) -> Value {
    json!({"publication": report.publication, "date": report.date, "quote": quote})
}

/// Words the report gives to `speaker`, named exactly as the report names them.
pub fn quotes(report: Report, speaker: &str, quote: &str) -> Value {
    json!({
        "publication": report.publication,
        "date": report.date,
        "attributed_to": speaker,
        "quote": quote,
    })
}
