//! The story in the order it is written. The log comes out sorted by claimed
//! time (see [`crate::Log`]); what this order must respect is each member's
//! own chronology (its sequence numbers follow it) and that a record is
//! written after every record it names.

use crate::{Kept, Log, ScenarioError, annex, cast, evidence, ground, hotline, talks};
use truce_tlog::note::NoteVerifier;

pub fn run(
    log: &mut Log<'_>,
    log_key: &NoteVerifier,
    rng: &mut (impl rand::RngCore + rand::CryptoRng),
    kept: &mut Kept,
) -> Result<(), ScenarioError> {
    // 31 October: the charter, the mechanism the joint statement of 30-31
    // October agreed in principle (its modalities failed on 6-7 November),
    // signed that day and covering the Doha ceasefire from 19 October. It
    // opens the log; what happened from 19 to 31 October is entered after it,
    // back-filled at its own dates (the log's order shows it was recorded
    // later), and only the record of events is: every act of the mechanism
    // itself is dated after its charter.
    cast::charter(log, log_key, rng, kept)?;
    talks::doha_round(log)?;
    talks::doha_commitments(log)?;

    // 21-25 October: incidents before the Istanbul round.
    let paktika_drone = ground::early_reports(log)?;
    hotline::paktika_alert(log)?;
    let (photo, photo_opening) = evidence::afghan_photo(log, rng, kept, paktika_drone)?;

    // Saturday 25 October, Istanbul day 1: demands, and the infiltration attempts.
    let infiltrations = ground::infiltrations(log)?;
    let alert = hotline::infiltration_alert(log)?;
    let day1 = talks::istanbul_day1(log)?;
    talks::demands(log, day1)?;

    // Sunday 26 October, day 2: replies, evidence, answers, the first draft.
    talks::replies(log)?;
    let presented = evidence::pakistan_presentation(log, rng, kept, infiltrations.kurram)?;
    ground::infiltration_answers(log, &infiltrations)?;
    hotline::infiltration_reply(log, alert)?;
    annex::negotiate(log)?;

    // Monday 27 (day 3, the brief collapse) to early Wednesday 29 (the end of
    // day 4): the sessions, the crossings, no agreement.
    talks::istanbul_day2(log)?;
    talks::istanbul_day3(log)?;
    let day4 = talks::istanbul_day4(log)?;
    let crossings = ground::crossings(log, paktika_drone)?;
    talks::outcome_statements(log, day4)?;

    // 31 October: the joint statement, then the charter (above); from here
    // on the mechanism at work, on incidents that are themselves illustrative.
    talks::joint_statement(log)?;
    evidence::receipts(log, photo, presented)?;
    ground::investigation(log, &crossings)?;
    evidence::disclose_photo_details(log, photo, &photo_opening)?;
    ground::border_fire(log)?;
    hotline::border_fire_alert(log)?;
    ground::kabul_airspace(log)?;
    hotline::kabul_drone_alert(log)?;
    ground::findings(log, &crossings, paktika_drone)?;
    cast::rotate_qatar_analyst(log, rng)?;

    // 6-8 November: the third round.
    cast::third_round_heads(log, rng)?;
    talks::third_round(log)?;
    cast::retire_secretariat(log)?;
    Ok(())
}
