//! The inbox as the dispatcher sees it: every change to a conversation is pushed to the
//! managers of its channel (`conversationChanged`), and a manager stays in wrap-up while a
//! phone conversation assigned to them is open after its call (`docs/product.md#wrap-up`):
//! shown as `wrapUp`, and not rung by routing until they close or snooze it.

use ringdesk_core::{CallId, ManagerId, SwitchboardInput};
use ringdesk_wire::{JoinPurpose, ServerEvent};

use super::Dispatcher;

/// Joining a call this way makes the manager its conversation's assignee: answering it as
/// routed, picking it up, placing it. (A transfer assigns when it completes; an invitation or
/// a parallel line never does.)
pub(super) fn assigns(purpose: JoinPurpose) -> bool {
    matches!(
        purpose,
        JoinPurpose::Route | JoinPurpose::PickUp | JoinPurpose::Dial
    )
}

impl Dispatcher {
    /// The call's conversation is `manager`'s now: written, and they wrap it up after the call.
    pub(super) fn assign_conversation(&mut self, call: CallId, manager: ManagerId) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        if c.assignee == Some(manager) {
            return;
        }
        c.assignee = Some(manager);
        let channel_id = c.channel_id;
        self.writer.send(crate::writer::Write::Assigned {
            call_id: call.0,
            manager_id: manager.0,
            at_ms: ringdesk_store::time::now_ms(),
        });
        self.push_conversation(channel_id, call.0);
    }

    /// Tells the channel's managers a conversation changed, once the writer has written what
    /// is queued (so an app reading it finds the change).
    pub(super) fn push_conversation(&self, channel_id: i64, id: i64) {
        let writer = self.writer.clone();
        self.hand_back(async move { writer.flush().await }, move |d, ()| {
            d.broadcast_conversation(channel_id, id)
        });
    }

    /// Tells the channel's managers a conversation changed (it is written already).
    pub(super) fn broadcast_conversation(&self, channel_id: i64, id: i64) {
        let m = ServerEvent::ConversationChanged {
            conversation_id: id,
        }
        .into();
        for e in self
            .managers
            .values()
            .filter(|e| e.info.channel_id == channel_id)
        {
            e.send(&m);
        }
    }

    /// The inbox API changed a conversation's state or assignee: pushed, and its assignee is
    /// in wrap-up if it is open after its call.
    pub(super) fn conversation_changed(
        &mut self,
        channel_id: i64,
        id: i64,
        assignee: Option<i64>,
        open: bool,
    ) {
        self.broadcast_conversation(channel_id, id);
        let live = self.calls.contains_key(&CallId(id));
        let keeps = (open && !live).then_some(assignee).flatten().map(ManagerId);
        self.set_wrap_up(id, keeps);
    }

    /// Conversation `id` keeps `manager` (or nobody) in wrap-up; whoever's presence that
    /// changes hears of it, and so does the switchboard.
    pub(super) fn set_wrap_up(&mut self, id: i64, manager: Option<ManagerId>) {
        let mut changed = Vec::new();
        for (m, entry) in &mut self.managers {
            let keeps = Some(*m) == manager;
            let had = if keeps {
                !entry.wrap_up.insert(id)
            } else {
                entry.wrap_up.remove(&id)
            };
            if keeps != had {
                changed.push(*m);
            }
        }
        for m in changed {
            self.presence_changed(m);
        }
    }

    /// A manager's presence changed: the switchboard and their apps learn it.
    pub(super) fn presence_changed(&mut self, manager: ManagerId) {
        let Some(entry) = self.managers.get(&manager) else {
            return;
        };
        let presence = entry.presence();
        self.input(SwitchboardInput::Presence { manager, presence });
        self.send_presence(manager);
    }
}
