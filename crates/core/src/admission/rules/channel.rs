//! The channel between participants: messages, replies and receipts.

use super::super::state::{Facts, LogState};
use super::super::{Rejection, RuleViolation};
use super::Author;
use crate::kinds::Kind;
use crate::kinds::channel::{ChannelMessage, ChannelReceipt};

impl LogState {
    pub(super) fn check_channel_message(
        &self,
        b: &ChannelMessage,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        for p in &b.to {
            self.require_participant(p)?;
            if *p == author.participant {
                return Err(RuleViolation::MessageToSelf.into());
            }
        }
        if let Some(r) = &b.reply_to {
            let m = self.referenced(r, "reply_to", &[Kind::ChannelMessage])?;
            let involved = m.participant == author.participant
                || matches!(&m.facts, Facts::Message { to } if to.contains(&author.participant));
            if !involved {
                return Err(RuleViolation::ReplyByOutsider.into());
            }
        }
        Ok(Facts::Message {
            to: b.to.iter().map(|p| self.known(p)).collect(),
        })
    }

    pub(super) fn check_channel_receipt(
        &self,
        b: &ChannelReceipt,
        author: &Author<'_>,
    ) -> Result<Facts, Rejection> {
        let m = self.referenced(&b.message, "message", &[Kind::ChannelMessage])?;
        match &m.facts {
            Facts::Message { to } if to.contains(&author.participant) => Ok(Facts::Plain),
            _ => Err(RuleViolation::ReceiptByNonRecipient.into()),
        }
    }
}
