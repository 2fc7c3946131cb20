//! Channel threads with receipts; overdue acknowledgments are flagged.
//!
//! [`Channel`] is kept up to date record by record (the server's index feeds
//! it as records are admitted), so a page of messages costs what the page
//! holds, not what the log holds: a receipt finds its message by hash, and
//! the acknowledgments still outstanding are kept ordered by deadline so the
//! overdue ones are counted without visiting the rest. [`messages`] derives
//! the whole channel from a slice of records through the same rules.

use super::LogView;
use crate::kinds::Body;
use crate::kinds::channel::ReceiptStatus;
use crate::values::{ParticipantId, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use truce_tlog::Hash;

/// The charter's default when it sets none (and before the charter is read).
const DEFAULT_ACK_HOURS: u32 = 24;

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
    /// What the message says is invented in it (`Body::illustrative`).
    pub illustrative: Option<String>,
}

impl MessageView {
    /// Urgent and some recipient has not acknowledged in time.
    pub fn flagged(&self) -> bool {
        self.urgent && self.recipients.iter().any(|r| r.overdue)
    }
}

/// One page of messages, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelPage {
    pub messages: Vec<MessageView>,
    /// Pass as `before` for the next (older) page, if there is one.
    pub next: Option<u64>,
    /// Messages in the channel.
    pub total: u64,
    /// Acknowledgments overdue at the time asked: not given by the deadline,
    /// or given after it (over every message, not only this page).
    pub overdue_acknowledgments: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Recipient {
    participant: ParticipantId,
    status: Option<ReceiptStatus>,
    acknowledged_at: Option<Timestamp>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Message {
    index: u64,
    hash: Hash,
    from: Option<ParticipantId>,
    subject: String,
    urgent: bool,
    sent_at: Timestamp,
    ack_deadline: Timestamp,
    reply_to: Option<Hash>,
    thread: Hash,
    recipients: Vec<Recipient>,
    illustrative: Option<String>,
}

/// The channel, as of the records applied so far. Serde: so that the
/// query index that holds one can be written out and read back whole.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Channel {
    default_ack_hours: Option<u32>,
    /// In log order.
    messages: Vec<Message>,
    slot_of: HashMap<Hash, usize>,
    /// (deadline, message slot, recipient) for every acknowledgment not yet given.
    outstanding: BTreeSet<(Timestamp, usize, usize)>,
    /// Acknowledgments given after their deadline.
    late: u64,
}

impl Channel {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes in one admitted record (its index, hash, claimed time and
    /// body), in log order. `author_participant` is the participant its
    /// author acts for.
    pub fn apply(
        &mut self,
        index: u64,
        hash: Hash,
        time: Timestamp,
        body: &Body,
        author_participant: Option<&ParticipantId>,
    ) {
        match body {
            Body::Charter(c) => self.default_ack_hours = Some(c.deadlines.channel_ack_hours),
            Body::ChannelMessage(m) => {
                let sent_at = time;
                let hours = m
                    .ack_within_hours
                    .unwrap_or(self.default_ack_hours.unwrap_or(DEFAULT_ACK_HOURS));
                let ack_deadline = sent_at.plus_hours(hours);
                let thread = m
                    .reply_to
                    .and_then(|r| self.slot_of.get(&r))
                    .and_then(|&slot| self.messages.get(slot))
                    .map_or(hash, |parent| parent.thread);
                let slot = self.messages.len();
                let recipients: Vec<Recipient> =
                    m.to.iter()
                        .map(|p| Recipient {
                            participant: p.clone(),
                            status: None,
                            acknowledged_at: None,
                        })
                        .collect();
                for r in 0..recipients.len() {
                    self.outstanding.insert((ack_deadline, slot, r));
                }
                self.slot_of.insert(hash, slot);
                self.messages.push(Message {
                    index,
                    hash,
                    from: author_participant.cloned(),
                    subject: m.subject.to_string(),
                    urgent: m.urgent,
                    sent_at,
                    ack_deadline,
                    reply_to: m.reply_to,
                    thread,
                    recipients,
                    illustrative: m.illustrative.as_ref().map(ToString::to_string),
                });
            }
            Body::ChannelReceipt(c) => {
                let Some(author) = author_participant else {
                    return;
                };
                let Some(&slot) = self.slot_of.get(&c.message) else {
                    return;
                };
                let Some(message) = self.messages.get_mut(slot) else {
                    return;
                };
                let deadline = message.ack_deadline;
                let Some((r, recipient)) = message
                    .recipients
                    .iter_mut()
                    .enumerate()
                    .find(|(_, r)| r.participant == *author)
                else {
                    return;
                };
                recipient.status = recipient.status.max(Some(c.status));
                if c.status != ReceiptStatus::Acknowledged {
                    return;
                }
                let was_late = recipient.acknowledged_at.map(|t| t > deadline);
                let at = recipient.acknowledged_at.map_or(time, |t| t.min(time));
                recipient.acknowledged_at = Some(at);
                match was_late {
                    None => {
                        self.outstanding.remove(&(deadline, slot, r));
                        if at > deadline {
                            self.late += 1;
                        }
                    }
                    // An earlier acknowledgment by another member of the same
                    // participant, claimed before the deadline, makes it timely.
                    Some(true) if at <= deadline => self.late -= 1,
                    Some(_) => {}
                }
            }
            _ => {}
        }
    }

    /// How many messages the channel holds.
    pub fn len(&self) -> usize {
        self.messages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// Acknowledgments overdue at `now`: given late, or not given and past
    /// their deadline. Costs the number of those not given, not the log.
    pub fn overdue_acknowledgments(&self, now: Timestamp) -> u64 {
        let waiting = self.outstanding.range(..(now, 0, 0)).count() as u64;
        // Deadlines equal to `now` are not yet past.
        self.late + waiting
    }

    /// Up to `limit` messages older than log index `before` (all when
    /// `None`), newest first, as they stand at `now`.
    pub fn page(&self, before: Option<u64>, limit: usize, now: Timestamp) -> ChannelPage {
        let end = match before {
            Some(b) => self.messages.partition_point(|m| m.index < b),
            None => self.messages.len(),
        };
        let start = end.saturating_sub(limit);
        let messages: Vec<MessageView> = self
            .messages
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .rev()
            .map(|m| view(m, now))
            .collect();
        let next = (start > 0)
            .then(|| self.messages.get(start).map(|m| m.index))
            .flatten();
        ChannelPage {
            messages,
            next,
            total: self.messages.len() as u64,
            overdue_acknowledgments: self.overdue_acknowledgments(now),
        }
    }

    /// Every message in log order, as it stands at `now`.
    pub fn all(&self, now: Timestamp) -> Vec<MessageView> {
        self.messages.iter().map(|m| view(m, now)).collect()
    }
}

fn view(m: &Message, now: Timestamp) -> MessageView {
    MessageView {
        message: m.hash,
        index: m.index,
        from: m.from.clone(),
        subject: m.subject.clone(),
        illustrative: m.illustrative.clone(),
        urgent: m.urgent,
        sent_at: m.sent_at,
        ack_deadline: m.ack_deadline,
        recipients: m
            .recipients
            .iter()
            .map(|r| RecipientState {
                participant: r.participant.clone(),
                status: r.status,
                acknowledged_at: r.acknowledged_at,
                overdue: match r.acknowledged_at {
                    Some(t) => t > m.ack_deadline,
                    None => now > m.ack_deadline,
                },
            })
            .collect(),
        reply_to: m.reply_to,
        thread: m.thread,
    }
}

/// Every message in the records given, in log order, as it stands at `now`.
pub fn messages(view: &LogView<'_>, now: Timestamp) -> Vec<MessageView> {
    let mut channel = Channel::new();
    for l in view.records {
        let r = &l.record;
        channel.apply(l.index, r.hash(), r.time(), r.body(), view.participant(r));
    }
    channel.all(now)
}
