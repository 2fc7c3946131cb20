//! Channel threads with receipts; overdue acknowledgments are flagged.

use super::LogView;
use crate::kinds::Body;
use crate::kinds::channel::ReceiptStatus;
use crate::values::{ParticipantId, Timestamp};
use serde::Serialize;
use std::collections::BTreeMap;
use truce_tlog::Hash;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecipientState {
    pub participant: ParticipantId,
    /// The furthest receipt this recipient has given.
    pub status: Option<ReceiptStatus>,
    pub acknowledged_at: Option<Timestamp>,
    /// Not acknowledged and past the deadline.
    pub overdue: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageView {
    pub message: Hash,
    pub index: u64,
    pub from: Option<ParticipantId>,
    pub subject: String,
    pub urgent: bool,
    pub sent_at: Timestamp,
    pub ack_deadline: Timestamp,
    pub recipients: Vec<RecipientState>,
    pub reply_to: Option<Hash>,
    /// The first message of the thread this one belongs to.
    pub thread: Hash,
}

impl MessageView {
    /// Urgent and some recipient has not acknowledged in time.
    pub fn flagged(&self) -> bool {
        self.urgent && self.recipients.iter().any(|r| r.overdue)
    }
}

pub fn messages(view: &LogView<'_>, now: Timestamp) -> Vec<MessageView> {
    let default_hours = view.charter.map_or(24, |c| c.deadlines.channel_ack_hours);
    let mut thread_of: BTreeMap<Hash, Hash> = BTreeMap::new();
    let mut out = Vec::new();
    for l in view.records {
        let Body::ChannelMessage(m) = &l.record.body else {
            continue;
        };
        let sent_at = l.record.time();
        let ack_deadline = sent_at.plus_hours(m.ack_within_hours.unwrap_or(default_hours));
        let thread = m
            .reply_to
            .and_then(|r| thread_of.get(&r).copied())
            .unwrap_or(l.record.hash);
        thread_of.insert(l.record.hash, thread);
        let recipients =
            m.to.iter()
                .map(|p| {
                    let receipts: Vec<(ReceiptStatus, Timestamp)> = view
                        .records
                        .iter()
                        .filter(|r| view.participant(&r.record) == Some(p))
                        .filter_map(|r| match &r.record.body {
                            Body::ChannelReceipt(c) if c.message == l.record.hash => {
                                Some((c.status, r.record.time()))
                            }
                            _ => None,
                        })
                        .collect();
                    let status = receipts.iter().map(|(s, _)| *s).max();
                    let acknowledged_at = receipts
                        .iter()
                        .filter(|(s, _)| *s == ReceiptStatus::Acknowledged)
                        .map(|(_, t)| *t)
                        .min();
                    let overdue = match acknowledged_at {
                        Some(t) => t > ack_deadline,
                        None => now > ack_deadline,
                    };
                    RecipientState {
                        participant: p.clone(),
                        status,
                        acknowledged_at,
                        overdue,
                    }
                })
                .collect();
        out.push(MessageView {
            message: l.record.hash,
            index: l.index,
            from: view.participant(&l.record).cloned(),
            subject: m.subject.to_string(),
            urgent: m.urgent,
            sent_at,
            ack_deadline,
            recipients,
            reply_to: m.reply_to,
            thread,
        });
    }
    out
}
