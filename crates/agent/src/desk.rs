//! What the agent's desk looks like right now — which call rings, which call we are in, mute,
//! presence — rebuilt from [`AgentEvent`]s, and what a global hotkey means in that state.
//! Pure, so the hotkey rules are tested without a window; the desktop shell keeps one `Desk`
//! fed with the event stream.

pub use ringdesk_wire::TrayState;
use ringdesk_wire::{AgentEvent, AgentStatus, HotkeyAction, ServerEvent};

use crate::AgentCommand;

/// What a hotkey does in the current state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeskAction {
    /// Send this to the agent.
    Command(AgentCommand),
    /// Show the dialpad window.
    OpenDialpad,
}

/// The desk's state.
#[derive(Debug, Clone, Default)]
pub struct Desk {
    online: bool,
    status: Option<AgentStatus>,
    do_not_disturb: bool,
    /// Calls ringing here, oldest first.
    ringing: Vec<i64>,
    /// The call we are in.
    active: Option<i64>,
    muted: bool,
    /// The active call's customer is on hold.
    held: bool,
    /// The last `SessionUp` (who we are), for a call window opened late.
    session_up: Option<AgentEvent>,
    /// The last `SessionDown` while the link is down, for a main window opened then.
    session_down: Option<AgentEvent>,
    /// The last `Presence` and `RingingCalls`, for a main window opened late.
    presence: Option<AgentEvent>,
    ringing_calls: Option<AgentEvent>,
    /// The call events since something last started ringing here or a call came up; dropped
    /// when nothing rings and no call is up. See [`Desk::call_window_feed`].
    call_events: Vec<AgentEvent>,
}

impl Desk {
    /// Folds one event in.
    pub fn observe(&mut self, event: &AgentEvent) {
        self.apply(event);
        let call_event = match event {
            AgentEvent::CallConnected { .. }
            | AgentEvent::MediaConnected { .. }
            | AgentEvent::MuteChanged { .. } => true,
            AgentEvent::Server(e) => matches!(
                e,
                ServerEvent::Ring { .. }
                    | ServerEvent::RingStopped { .. }
                    | ServerEvent::HoldChanged { .. }
                    | ServerEvent::CallState(_)
                    | ServerEvent::InviteUnanswered { .. }
                    | ServerEvent::TransferEnded { .. }
                    | ServerEvent::ParallelEnded { .. }
                    | ServerEvent::CustomerLeft { .. }
                    | ServerEvent::Dialing { .. }
                    | ServerEvent::DialProgress { .. }
                    | ServerEvent::DialAnswered { .. }
                    | ServerEvent::DialFailed { .. }
                    | ServerEvent::CallEnded { .. }
            ),
            _ => false,
        };
        if call_event {
            self.call_events.push(event.clone());
        }
        if self.active.is_none() && self.ringing.is_empty() {
            self.call_events.clear();
        }
    }

    /// What a call window created on the ring (not kept alive between calls, to save a
    /// WebKit process) replays to catch up: who we are, then every event of what is ringing
    /// or up now, in order. Empty of calls when nothing is going on.
    pub fn call_window_feed(&self) -> Vec<AgentEvent> {
        self.session_up
            .iter()
            .chain(&self.call_events)
            .cloned()
            .collect()
    }

    /// What a main window created from the tray (it is destroyed, not hidden, when closed, to
    /// free its WebKit process) replays to show the running session without logging in again:
    /// who we are, presence, the calls to pick up, and whether the link is down now. Empty
    /// when no session has come up.
    pub fn main_window_feed(&self) -> Vec<AgentEvent> {
        if self.session_up.is_none() {
            return Vec::new();
        }
        [
            &self.session_up,
            &self.presence,
            &self.ringing_calls,
            &self.session_down,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
    }

    fn apply(&mut self, event: &AgentEvent) {
        match event {
            AgentEvent::SessionUp { .. } => {
                self.online = true;
                self.session_up = Some(event.clone());
                self.session_down = None;
            }
            AgentEvent::SessionDown { .. } => {
                self.online = false;
                self.ringing.clear();
                self.session_down = Some(event.clone());
                self.ringing_calls = None;
            }
            AgentEvent::SessionExpired => {
                self.online = false;
                self.ringing.clear();
                self.session_up = None;
                self.session_down = None;
                self.presence = None;
                self.ringing_calls = None;
            }
            AgentEvent::Server(ServerEvent::Presence {
                status,
                do_not_disturb,
                ..
            }) => {
                self.online = true;
                self.status = Some(*status);
                self.do_not_disturb = *do_not_disturb;
                self.presence = Some(event.clone());
            }
            AgentEvent::Server(ServerEvent::RingingCalls { .. }) => {
                self.ringing_calls = Some(event.clone());
            }
            AgentEvent::Server(ServerEvent::Ring { call_id, .. })
                if !self.ringing.contains(call_id) =>
            {
                self.ringing.push(*call_id);
            }
            AgentEvent::Server(ServerEvent::RingStopped { call_id, .. }) => {
                self.ringing.retain(|c| c != call_id)
            }
            AgentEvent::Server(ServerEvent::Dialing { call_id, .. })
            | AgentEvent::CallConnected { call_id } => {
                self.ringing.retain(|c| c != call_id);
                self.active = Some(*call_id);
                self.muted = false;
                self.held = false;
            }
            AgentEvent::MuteChanged { call_id, muted } if self.active == Some(*call_id) => {
                self.muted = *muted;
            }
            AgentEvent::Server(ServerEvent::HoldChanged { call_id, held, .. })
                if self.active == Some(*call_id) =>
            {
                self.held = *held;
            }
            AgentEvent::Server(ServerEvent::CallEnded { call_id, .. }) => {
                self.ringing.retain(|c| c != call_id);
                if self.active == Some(*call_id) {
                    self.active = None;
                    self.muted = false;
                    self.held = false;
                }
            }
            _ => {}
        }
    }

    /// The call we are in, if any.
    pub fn active_call(&self) -> Option<i64> {
        self.active
    }

    /// The call that would be answered now: the oldest ringing one.
    pub fn ringing_call(&self) -> Option<i64> {
        self.ringing.first().copied()
    }

    /// The chosen status as the cloud last reported it.
    pub fn status(&self) -> Option<AgentStatus> {
        self.status
    }

    /// Whether do-not-disturb is on.
    pub fn do_not_disturb(&self) -> bool {
        self.do_not_disturb
    }

    /// Whether the active call's customer is on hold.
    pub fn held(&self) -> bool {
        self.held
    }

    /// Whether our microphone is muted in the active call.
    pub fn muted(&self) -> bool {
        self.muted
    }

    /// What a hotkey does now; `None` when there is nothing to act on (it then does nothing,
    /// silently — `docs/product.md#hotkeys`).
    pub fn hotkey(&self, action: HotkeyAction) -> Option<DeskAction> {
        let command = match action {
            HotkeyAction::OpenDialpad => return Some(DeskAction::OpenDialpad),
            // Answering while in a call is the "one call at a time" flow of the call-control
            // issue; until then a second call can only be answered from its window.
            HotkeyAction::Answer if self.active.is_none() => {
                AgentCommand::Answer(self.ringing_call()?)
            }
            HotkeyAction::Answer => return None,
            HotkeyAction::ToggleHold => AgentCommand::SetHold(self.active?, !self.held),
            HotkeyAction::ToggleMute => AgentCommand::SetMuted(self.active?, !self.muted),
            HotkeyAction::EndForAll => AgentCommand::EndForAll(self.active?),
            HotkeyAction::Leave => AgentCommand::Hangup(self.active?),
        };
        Some(DeskAction::Command(command))
    }

    /// The tray icon for this state.
    pub fn tray(&self) -> TrayState {
        if !self.online {
            return TrayState::Offline;
        }
        if self.active.is_some() {
            return TrayState::InCall;
        }
        match self.status {
            Some(AgentStatus::InCall | AgentStatus::WrapUp) => TrayState::InCall,
            _ if self.do_not_disturb => TrayState::DoNotDisturb,
            Some(AgentStatus::Available) => TrayState::Available,
            Some(AgentStatus::Away) | None => TrayState::Away,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::test_ring as ring;
    use ringdesk_wire::{EndCause, HangupCause, ManagerInfo, RingStopReason, TransferOutcome};

    fn presence(status: AgentStatus, dnd: bool) -> AgentEvent {
        ServerEvent::Presence {
            status,
            do_not_disturb: dnd,
            assignment: Default::default(),
            not_ringing: None,
        }
        .into()
    }

    fn session_up() -> AgentEvent {
        AgentEvent::SessionUp {
            manager: ManagerInfo {
                id: 1,
                name: "n".into(),
                email: "e".into(),
                channel_id: 1,
                channel_name: "c".into(),
                can_administer: false,
                is_owner: false,
            },
        }
    }

    fn cmd(c: AgentCommand) -> Option<DeskAction> {
        Some(DeskAction::Command(c))
    }

    #[test]
    fn a_late_call_window_is_fed_the_current_call_only() {
        let mut d = Desk::default();
        let up = session_up();
        d.observe(&up);
        d.observe(&ring(4));
        d.observe(
            &ServerEvent::RingStopped {
                call_id: 4,
                reason: RingStopReason::TimedOut,
            }
            .into(),
        );
        assert_eq!(
            d.call_window_feed(),
            vec![up.clone()],
            "a finished ring is forgotten"
        );
        d.observe(&ring(5));
        d.observe(&AgentEvent::CallConnected { call_id: 5 });
        d.observe(&AgentEvent::MuteChanged {
            call_id: 5,
            muted: true,
        });
        d.observe(&presence(AgentStatus::Available, false));
        // Who else is in the call: a window opened now shows the teammates and the transfer.
        let transfer_over: AgentEvent = ServerEvent::TransferEnded {
            call_id: 5,
            outcome: TransferOutcome::Unanswered,
            to: None,
            reason: Some(RingStopReason::Declined),
        }
        .into();
        d.observe(&transfer_over);
        assert_eq!(
            d.call_window_feed(),
            vec![
                up.clone(),
                ring(5),
                AgentEvent::CallConnected { call_id: 5 },
                AgentEvent::MuteChanged {
                    call_id: 5,
                    muted: true
                },
                transfer_over,
            ],
            "presence is not a call event"
        );
        d.observe(
            &ServerEvent::CallEnded {
                call_id: 5,
                cause: HangupCause::CustomerHangup.into(),
                missed_reason: None,
            }
            .into(),
        );
        assert_eq!(d.call_window_feed(), vec![up]);
    }

    #[test]
    fn a_main_window_opened_late_is_fed_the_session_as_it_is_now() {
        let mut d = Desk::default();
        assert_eq!(d.main_window_feed(), vec![], "no session: the login form");
        let up = session_up();
        d.observe(&up);
        d.observe(&presence(AgentStatus::Away, false));
        let available = presence(AgentStatus::Available, true);
        d.observe(&available);
        let pick_up: AgentEvent = ServerEvent::RingingCalls { calls: vec![] }.into();
        d.observe(&pick_up);
        d.observe(&ring(4));
        assert_eq!(
            d.main_window_feed(),
            vec![up.clone(), available.clone(), pick_up.clone()],
            "the last presence and pick-up list; no call events"
        );
        let down = AgentEvent::SessionDown {
            reason: "gone".into(),
            retry_in_ms: 1000,
        };
        d.observe(&down);
        assert_eq!(
            d.main_window_feed(),
            vec![up.clone(), available.clone(), down],
            "offline: the pick-up list is stale, the window says offline"
        );
        d.observe(&up);
        assert_eq!(d.main_window_feed(), vec![up.clone(), available]);
        d.observe(&AgentEvent::SessionExpired);
        assert_eq!(d.main_window_feed(), vec![], "expired: the login form");
    }

    #[test]
    fn a_call_we_place_is_ours_from_the_dial() {
        let mut d = Desk::default();
        let up = session_up();
        d.observe(&up);
        let dialing: AgentEvent = ServerEvent::Dialing {
            call_id: 9,
            customer: ringdesk_wire::Caller {
                number: "+821012345678".into(),
                name: None,
                fields: Vec::new(),
            },
            plan: ringdesk_wire::DialPlan {
                to: "+821012345678".into(),
                caller_id: "+827076660100".into(),
                international: None,
            },
        }
        .into();
        d.observe(&dialing);
        assert_eq!(
            d.active_call(),
            Some(9),
            "hotkeys act on it while it rings out"
        );
        let progress: AgentEvent = ServerEvent::DialProgress {
            call_id: 9,
            early_media: false,
        }
        .into();
        d.observe(&progress);
        assert_eq!(
            d.call_window_feed(),
            vec![up.clone(), dialing, progress],
            "the call window opened on the dial catches up"
        );
        d.observe(
            &ServerEvent::CallEnded {
                call_id: 9,
                cause: HangupCause::NotReached.into(),
                missed_reason: None,
            }
            .into(),
        );
        assert_eq!((d.active_call(), d.call_window_feed()), (None, vec![up]));
    }

    #[test]
    fn hotkeys_act_only_on_what_is_there() {
        let mut d = Desk::default();
        for a in [
            HotkeyAction::Answer,
            HotkeyAction::ToggleMute,
            HotkeyAction::ToggleHold,
            HotkeyAction::EndForAll,
            HotkeyAction::Leave,
        ] {
            assert_eq!(d.hotkey(a), None, "{a:?} with nothing going on");
        }
        assert_eq!(
            d.hotkey(HotkeyAction::OpenDialpad),
            Some(DeskAction::OpenDialpad)
        );
        d.observe(&ring(4));
        d.observe(&ring(5));
        assert_eq!(d.hotkey(HotkeyAction::Answer), cmd(AgentCommand::Answer(4)));
        assert_eq!(d.hotkey(HotkeyAction::ToggleMute), None, "ringing only");
        d.observe(&AgentEvent::CallConnected { call_id: 4 });
        assert_eq!(d.hotkey(HotkeyAction::Answer), None, "already in a call");
        assert_eq!(
            d.hotkey(HotkeyAction::ToggleMute),
            cmd(AgentCommand::SetMuted(4, true))
        );
        d.observe(&AgentEvent::MuteChanged {
            call_id: 4,
            muted: true,
        });
        assert_eq!(
            d.hotkey(HotkeyAction::ToggleMute),
            cmd(AgentCommand::SetMuted(4, false))
        );
        assert_eq!(
            d.hotkey(HotkeyAction::ToggleHold),
            cmd(AgentCommand::SetHold(4, true))
        );
        // Held by another manager in the call: the same key takes the customer back.
        d.observe(
            &ServerEvent::HoldChanged {
                call_id: 4,
                held: true,
                by_manager_id: 9,
            }
            .into(),
        );
        assert!(d.held());
        assert_eq!(
            d.hotkey(HotkeyAction::ToggleHold),
            cmd(AgentCommand::SetHold(4, false))
        );
        assert_eq!(
            d.hotkey(HotkeyAction::EndForAll),
            cmd(AgentCommand::EndForAll(4))
        );
        assert_eq!(d.hotkey(HotkeyAction::Leave), cmd(AgentCommand::Hangup(4)));
        d.observe(
            &ServerEvent::CallEnded {
                call_id: 4,
                cause: EndCause::Call(HangupCause::EndedForAll),
                missed_reason: None,
            }
            .into(),
        );
        assert_eq!(d.hotkey(HotkeyAction::Leave), None);
        assert!(!d.muted());
        assert_eq!(
            d.hotkey(HotkeyAction::Answer),
            cmd(AgentCommand::Answer(5)),
            "the other call still rings"
        );
    }

    #[test]
    fn tray_follows_presence_and_calls() {
        let mut d = Desk::default();
        assert_eq!(d.tray(), TrayState::Offline);
        d.observe(&session_up());
        assert_eq!(d.tray(), TrayState::Away);
        d.observe(&presence(AgentStatus::Available, false));
        assert_eq!(d.tray(), TrayState::Available);
        d.observe(&presence(AgentStatus::Available, true));
        assert_eq!(d.tray(), TrayState::DoNotDisturb);
        d.observe(&presence(AgentStatus::InCall, true));
        assert_eq!(d.tray(), TrayState::InCall);
        d.observe(&AgentEvent::SessionDown {
            reason: "x".into(),
            retry_in_ms: 500,
        });
        assert_eq!(d.tray(), TrayState::Offline);
    }
}
