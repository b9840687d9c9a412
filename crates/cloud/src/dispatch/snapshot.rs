//! What is live in a channel right now, for the REST API and the managers' `ringingCalls`:
//! who is online and how, and the calls going on (to pick one up, or to see the queue).

use ringdesk_wire::{
    AgentStatus, CallState, NotRingingReason, RingPurpose, ServerEvent, ServerMessage,
};

use super::Dispatcher;
use crate::codes::ToWire;

/// A channel's live state.
#[derive(Debug, Clone, Default)]
pub struct ChannelSnapshot {
    /// Managers with an app open: id, shown status, why a call would not ring them.
    pub online: Vec<(i64, AgentStatus, Option<NotRingingReason>)>,
    /// The channel's live calls, oldest first.
    pub calls: Vec<CallState>,
}

impl Dispatcher {
    pub(super) fn snapshot(&self, channel_id: i64) -> ChannelSnapshot {
        let online = self
            .managers
            .iter()
            .filter(|(_, m)| m.info.channel_id == channel_id && !m.sessions.is_empty())
            .map(|(id, m)| {
                let not_ringing = self.switchboard.eligibility(*id).err();
                (
                    id.0,
                    self.shown_status(*id, m.status),
                    not_ringing.map(ToWire::to_wire),
                )
            })
            .collect();
        ChannelSnapshot {
            online,
            calls: self.channel_calls(channel_id),
        }
    }

    /// The channel's live calls, oldest first.
    fn channel_calls(&self, channel_id: i64) -> Vec<CallState> {
        let mut calls: Vec<CallState> = self
            .calls
            .iter()
            .filter(|(_, c)| c.channel_id == channel_id)
            .filter_map(|(id, _)| {
                let view = self.switchboard.view(*id)?;
                self.call_state(*id, &view)
            })
            .collect();
        calls.sort_by_key(|c| c.call_id);
        calls
    }

    /// The channel's calls ringing at a manager for routing: the ones a teammate may pick up.
    pub(super) fn ringing_calls(&self, channel_id: i64) -> Vec<CallState> {
        let mut calls = self.channel_calls(channel_id);
        calls.retain(|c| c.ringing.iter().any(|r| r.purpose == RingPurpose::Route));
        calls
    }

    /// Sends `ringingCalls` to every manager of each channel whose calls changed, when the
    /// list differs from the one last sent: most changes (hold, mute, a transfer) are to
    /// answered calls and move nobody's pick-up list.
    pub(super) fn publish_ringing_calls(&mut self) {
        for channel_id in std::mem::take(&mut self.live_changed) {
            let calls = self.ringing_calls(channel_id);
            if self.ringing_sent.get(&channel_id) == Some(&calls) {
                continue;
            }
            let message = ServerMessage::from(ServerEvent::RingingCalls {
                calls: calls.clone(),
            });
            for m in self
                .managers
                .values()
                .filter(|m| m.info.channel_id == channel_id)
            {
                m.send(&message);
            }
            self.ringing_sent.insert(channel_id, calls);
        }
    }
}
