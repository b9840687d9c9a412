//! What is live in a channel right now, for the REST API: who is online and how, and the
//! calls going on (to pick one up, or to see the queue).

use ringdesk_wire::{AgentStatus, CallState};

use super::Dispatcher;

/// A channel's live state.
#[derive(Debug, Clone, Default)]
pub struct ChannelSnapshot {
    /// Managers with an app open: id, shown status, why a call would not ring them.
    pub online: Vec<(i64, AgentStatus, Option<String>)>,
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
                    not_ringing.map(|r| r.code().to_string()),
                )
            })
            .collect();
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
        ChannelSnapshot { online, calls }
    }
}
