//! The channel between the parties' liaison officers: urgent messages about
//! the incidents, a reply, receipts, and two urgent messages never
//! acknowledged, one each way (an invented failure weighs on both sides alike). Every message is illustrative: the reports mention no hotline.
//! The messages of 24-26 October, before the charter, are the liaison
//! officers' hotline as it ran during the talks, entered after the charter at
//! their dates (back-filled); none of them says the mechanism existed then.

use crate::cast::*;
use crate::{Log, ScenarioError, at};
use serde_json::json;
use truce_core::kinds::Kind;
use truce_core::values::Timestamp;
use truce_tlog::Hash;

const NOTE: &str = "Message illustrative: the reports mention no hotline.";

fn receipt(
    log: &mut Log<'_>,
    author: &str,
    time: Timestamp,
    message: Hash,
    status: &str,
) -> Result<Hash, ScenarioError> {
    log.post(
        author,
        time,
        Kind::ChannelReceipt,
        json!({"message": message, "status": status}),
    )
}

/// 24 October: Afghanistan alerts Pakistan to the drone strike it reports in Paktika.
pub fn paktika_alert(log: &mut Log<'_>) -> Result<Hash, ScenarioError> {
    let message = log.post(
        AF_LIAISON,
        at!(2025-10-24 5:10),
        Kind::ChannelMessage,
        json!({
            "to": [PAKISTAN],
            "subject": "Drone strike in Barmal, Paktika",
            "text": "Afghanistan reports a drone strike in Barmal district, Paktika, last night, which it attributes to Pakistan, and asks Pakistan to stop drone flights over Afghan territory as the Doha ceasefire requires.",
            "urgent": true,
            "illustrative": NOTE,
        }),
    )?;
    receipt(log, PK_LIAISON, at!(2025-10-24 5:15), message, "delivered")?;
    log.post(
        PK_LIAISON,
        at!(2025-10-24 20:00),
        Kind::ChannelReceipt,
        json!({
            "message": message,
            "status": "acknowledged",
            "note": "Acknowledged; Pakistan will answer the report.",
        }),
    )?;
    Ok(message)
}

/// 25 October: Pakistan alerts Afghanistan to the infiltration attempts.
pub fn infiltration_alert(log: &mut Log<'_>) -> Result<Hash, ScenarioError> {
    let message = log.post(
        PK_LIAISON,
        at!(2025-10-25 19:30),
        Kind::ChannelMessage,
        json!({
            "to": [AFGHANISTAN],
            "subject": "Infiltration attempts in Kurram and North Waziristan",
            "text": "Pakistan's military reports two infiltration attempts across the border, in Kurram and in North Waziristan, during the talks. Pakistan asks Afghanistan to act at once against the militants on the Afghan side of the border.",
            "urgent": true,
            "illustrative": NOTE,
        }),
    )?;
    receipt(log, AF_LIAISON, at!(2025-10-25 19:35), message, "delivered")?;
    receipt(log, AF_LIAISON, at!(2025-10-25 20:00), message, "read")?;
    receipt(
        log,
        AF_LIAISON,
        at!(2025-10-26 6:00),
        message,
        "acknowledged",
    )?;
    Ok(message)
}

/// 26 October: Afghanistan's reply.
pub fn infiltration_reply(log: &mut Log<'_>, alert: Hash) -> Result<Hash, ScenarioError> {
    let reply = log.post(
        AF_LIAISON,
        at!(2025-10-26 12:45),
        Kind::ChannelMessage,
        json!({
            "to": [PAKISTAN],
            "subject": "Re: Infiltration attempts in Kurram and North Waziristan",
            "text": "Afghanistan answers that the militants are Pakistani nationals, outside Kabul's control, and that territory under its control is not used against Pakistan.",
            "reply_to": alert,
            "illustrative": NOTE,
        }),
    )?;
    receipt(
        log,
        PK_LIAISON,
        at!(2025-10-26 13:00),
        reply,
        "acknowledged",
    )?;
    Ok(reply)
}

/// 3 November: Pakistan's urgent message about the fire on its border post,
/// delivered but never acknowledged.
pub fn border_fire_alert(log: &mut Log<'_>) -> Result<Hash, ScenarioError> {
    let message = log.post(
        PK_LIAISON,
        at!(2025-11-03 6:30),
        Kind::ChannelMessage,
        json!({
            "to": [AFGHANISTAN],
            "subject": "Fire on a border post in North Waziristan",
            "text": "Pakistan reports fire on one of its border posts in North Waziristan from across the border last night, and asks Afghanistan to stop it and to answer through the mechanism.",
            "urgent": true,
            "illustrative": "Message illustrative, as is the absence of an acknowledgment.",
        }),
    )?;
    receipt(log, AF_LIAISON, at!(2025-11-03 6:31), message, "delivered")?;
    Ok(message)
}

/// 4 November: Afghanistan's urgent message about the drone it reports over
/// Kabul, delivered but never acknowledged — as Pakistan's of 3 November
/// went unacknowledged by Afghanistan.
pub fn kabul_drone_alert(log: &mut Log<'_>) -> Result<Hash, ScenarioError> {
    let message = log.post(
        AF_LIAISON,
        at!(2025-11-04 6:20),
        Kind::ChannelMessage,
        json!({
            "to": [PAKISTAN],
            "subject": "Drone over Kabul",
            "text": "Afghanistan reports a drone over Kabul last night, which it says entered Afghan airspace through Pakistan, and asks Pakistan to answer through the mechanism.",
            "urgent": true,
            "illustrative": "Message illustrative, as is the absence of an acknowledgment.",
        }),
    )?;
    receipt(log, PK_LIAISON, at!(2025-11-04 6:21), message, "delivered")?;
    Ok(message)
}
