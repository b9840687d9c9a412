//! What managers ask for over the WebSocket, checked and turned into switchboard inputs.
//!
//! The switchboard decides what a request does to a call; here we check what it cannot know:
//! that a call exists, that a named manager or team is in the asker's channel (looked up off the
//! dispatcher's task), and that the message is whole.

use ringdesk_core::switchboard::{QueueId, TransferTarget};
use ringdesk_core::{CallId, ManagerId, SwitchboardInput};
use ringdesk_store::{StoreError, TeamRow};
use ringdesk_wire::{AgentStatus, Assignment, ClientMessage, ErrorCode};

use super::queue::{max_wait, members};
use super::{Dispatcher, Joining, error};
use crate::codes::core_kind;
use crate::room::RoomCommand;
use crate::writer::Write;

impl Dispatcher {
    pub(super) fn handle_client(
        &mut self,
        manager: ManagerId,
        session: u64,
        message: ClientMessage,
    ) {
        let reply = |d: &Self, code: ErrorCode, message: String| {
            d.send_to(manager, Some(session), error(code, message))
        };
        let unknown_call = |call_id: i64| format!("call {call_id} is not active");
        let pick_up = matches!(message, ClientMessage::PickUp { .. });
        let leave_current = matches!(
            message,
            ClientMessage::PickUp {
                leave_current: true,
                ..
            }
        );
        match message {
            ClientMessage::WatchWallboard { watch } => {
                self.watch_wallboard(manager, session, watch)
            }
            ClientMessage::SetStatus {
                status,
                do_not_disturb,
            } => {
                if !matches!(status, AgentStatus::Available | AgentStatus::Away) {
                    let why =
                        "only available and away can be chosen; the cloud sets inCall and wrapUp";
                    reply(self, ErrorCode::StatusNotSettable, why.into());
                    return;
                }
                let Some(m) = self.managers.get_mut(&manager) else {
                    return;
                };
                m.status = status;
                m.do_not_disturb = do_not_disturb;
                let presence = m.presence();
                self.writer.send(Write::Status {
                    manager_id: manager.0,
                    status: status.as_str(),
                    do_not_disturb,
                });
                self.input(SwitchboardInput::Presence { manager, presence });
                self.send_presence(manager);
            }
            ClientMessage::SetAssignment {
                takes_phone_calls,
                ring_unassigned,
            } => {
                let Some(m) = self.managers.get_mut(&manager) else {
                    return;
                };
                m.assignment = Assignment {
                    takes_phone_calls,
                    ring_unassigned,
                };
                let presence = m.presence();
                self.writer.send(Write::Assignment {
                    manager_id: manager.0,
                    takes_phone_calls,
                    ring_unassigned,
                });
                self.input(SwitchboardInput::Presence { manager, presence });
                self.send_presence(manager);
            }
            ClientMessage::Answer { call_id, sdp_offer }
            | ClientMessage::PickUp {
                call_id, sdp_offer, ..
            } => {
                let call = CallId(call_id);
                let same_channel = self.calls.get(&call).map(|c| c.channel_id)
                    == self.managers.get(&manager).map(|m| m.info.channel_id);
                let Some(c) = self.calls.get_mut(&call).filter(|_| same_channel) else {
                    reply(self, ErrorCode::UnknownCall, unknown_call(call_id));
                    return;
                };
                if c.joining.contains_key(&manager) {
                    let why = "you are already answering this call".to_string();
                    reply(self, ErrorCode::AnswerInProgress, why);
                    return;
                }
                c.joining.insert(
                    manager,
                    Joining {
                        session,
                        offer: sdp_offer,
                        pick_up,
                    },
                );
                self.input(if pick_up {
                    SwitchboardInput::PickUp {
                        call,
                        manager,
                        leave_current,
                    }
                } else {
                    SwitchboardInput::Answer { call, manager }
                });
            }
            ClientMessage::Decline { call_id } => self.input(SwitchboardInput::Decline {
                call: CallId(call_id),
                manager,
            }),
            ClientMessage::Hangup { call_id } => {
                let call = CallId(call_id);
                let Some(view) = self.switchboard.view(call) else {
                    reply(self, ErrorCode::UnknownCall, unknown_call(call_id));
                    return;
                };
                // Hanging up a call that rings here declines it.
                let ringing_here = view.ringing.iter().any(|(m, _)| *m == manager);
                self.input(if ringing_here {
                    SwitchboardInput::Decline { call, manager }
                } else {
                    SwitchboardInput::ManagerHungUp { call, manager }
                });
            }
            ClientMessage::SetHold { call_id, held } => self.input(SwitchboardInput::SetHold {
                call: CallId(call_id),
                manager,
                held,
            }),
            ClientMessage::SetRecordingPaused { call_id, paused } => {
                self.set_recording_paused(manager, session, CallId(call_id), paused)
            }
            ClientMessage::EndForAll { call_id } => self.input(SwitchboardInput::EndForAll {
                call: CallId(call_id),
                manager,
            }),
            ClientMessage::Dtmf { call_id, digits } => {
                let valid = !digits.is_empty()
                    && digits
                        .chars()
                        .all(|d| ringdesk_media::dtmf::digit_to_event(d).is_some());
                if !valid {
                    let why = "digits must be 0-9, *, # or A-D";
                    reply(self, ErrorCode::BadDigits, why.into());
                } else if self.switchboard.call_of(manager) != Some(CallId(call_id)) {
                    let why = format!("you are not in call {call_id}");
                    reply(self, ErrorCode::NotInCall, why);
                } else if let Some(c) = self.calls.get(&CallId(call_id)) {
                    let to_party = self.digits_to_party(CallId(call_id), manager);
                    c.room.send(RoomCommand::SendDtmf { digits, to_party });
                }
            }
            ClientMessage::Invite {
                call_id,
                manager_id,
            } => self.with_teammate(manager, session, manager_id, move |d, invitee| {
                d.input(SwitchboardInput::Invite {
                    call: CallId(call_id),
                    by: manager,
                    invitee,
                })
            }),
            ClientMessage::Transfer {
                call_id,
                kind,
                manager_id,
                team_id,
            } => {
                let kind = core_kind(kind);
                let transfer = move |d: &mut Dispatcher, target| {
                    d.input(SwitchboardInput::Transfer {
                        call: CallId(call_id),
                        by: manager,
                        kind,
                        target,
                    })
                };
                match (manager_id, team_id) {
                    (Some(id), None) => self.with_teammate(manager, session, id, move |d, m| {
                        transfer(d, TransferTarget::Manager(m))
                    }),
                    (None, Some(id)) => self.with_team(manager, session, id, move |d, team| {
                        transfer(d, TransferTarget::Team(members(&team)))
                    }),
                    _ => {
                        let why = "a transfer names exactly one of managerId and teamId";
                        reply(self, ErrorCode::InvalidMessage, why.into());
                    }
                }
            }
            ClientMessage::CompleteTransfer { call_id } => {
                self.input(SwitchboardInput::CompleteTransfer {
                    call: CallId(call_id),
                    by: manager,
                })
            }
            ClientMessage::CancelTransfer { call_id } => {
                self.input(SwitchboardInput::CancelTransfer {
                    call: CallId(call_id),
                    by: manager,
                })
            }
            ClientMessage::TransferToQueue { call_id, team_id } => {
                self.with_team(manager, session, team_id, move |d, team| {
                    let since_ms = ringdesk_store::time::now_ms();
                    d.note_queued(CallId(call_id), team.name.clone(), since_ms);
                    d.input(SwitchboardInput::TransferToQueue {
                        call: CallId(call_id),
                        by: manager,
                        queue: QueueId::Team(team.id),
                        candidates: members(&team),
                        max_wait: max_wait(&team.queue),
                    })
                })
            }
            ClientMessage::ParallelCall {
                call_id,
                manager_id,
                number,
                caller_id,
            } => {
                let request = super::parallel::ParallelRequest {
                    manager,
                    session,
                    call: CallId(call_id),
                    teammate: None,
                    number,
                    caller_id,
                };
                match manager_id {
                    Some(id) => self.with_teammate(manager, session, id, move |d, teammate| {
                        d.parallel_call(super::parallel::ParallelRequest {
                            teammate: Some(teammate),
                            ..request
                        })
                    }),
                    None => self.parallel_call(request),
                }
            }
            ClientMessage::SwitchLine { call_id } => self.input(SwitchboardInput::SwitchLine {
                call: CallId(call_id),
                by: manager,
            }),
            ClientMessage::Merge { call_id } => self.input(SwitchboardInput::Merge {
                call: CallId(call_id),
                by: manager,
            }),
            ClientMessage::Dial {
                number,
                caller_id,
                sdp_offer,
            } => self.dial(super::dial::Dial {
                manager,
                session,
                number,
                caller_id,
                offer: sdp_offer,
            }),
            ClientMessage::Ping => {
                self.send_to(manager, Some(session), ringdesk_wire::ServerMessage::Pong)
            }
        }
    }

    /// The asker's channel, from their session.
    fn channel_of(&self, manager: ManagerId) -> Option<i64> {
        self.managers.get(&manager).map(|m| m.info.channel_id)
    }

    /// Looks `id` up (off the dispatcher's task) as a manager of the asker's channel and goes
    /// on with `then`; otherwise tells the asker `unknownManager` (another channel's managers
    /// don't exist for them).
    fn with_teammate(
        &self,
        asker: ManagerId,
        session: u64,
        id: i64,
        then: impl FnOnce(&mut Dispatcher, ManagerId) + Send + 'static,
    ) {
        let Some(channel) = self.channel_of(asker) else {
            return;
        };
        let store = self.store.clone();
        let lookup = async move { store.manager(id).await };
        self.hand_back(lookup, move |d, found| match found {
            Ok(Some(m)) if m.channel_id == channel => then(d, ManagerId(id)),
            Ok(_) => {
                let why = format!("there is no manager {id} in your channel");
                d.send_to(asker, Some(session), error(ErrorCode::UnknownManager, why));
            }
            Err(e) => d.lookup_failed(asker, session, &format!("manager {id}"), e),
        });
    }

    /// A database failure while checking a request: logged, and the asker told no more than
    /// that it failed.
    fn lookup_failed(&self, asker: ManagerId, session: u64, what: &str, e: StoreError) {
        tracing::error!("looking up {what}: {e}");
        self.send_to(
            asker,
            Some(session),
            error(ErrorCode::Internal, "internal error"),
        );
    }

    /// Looks up (off the dispatcher's task) the members of team `id` of the asker's channel
    /// and goes on with `then`; otherwise tells the asker `unknownTeam`.
    fn with_team(
        &self,
        asker: ManagerId,
        session: u64,
        id: i64,
        then: impl FnOnce(&mut Dispatcher, TeamRow) + Send + 'static,
    ) {
        let Some(channel) = self.channel_of(asker) else {
            return;
        };
        let store = self.store.clone();
        let lookup = async move { store.teams(channel, Some(id)).await };
        self.hand_back(lookup, move |d, found| match found {
            Ok(teams) => match teams.into_iter().next() {
                Some(t) => then(d, t),
                None => {
                    let why = format!("there is no team {id} in your channel");
                    d.send_to(asker, Some(session), error(ErrorCode::UnknownTeam, why));
                }
            },
            Err(e) => d.lookup_failed(asker, session, &format!("team {id}"), e),
        });
    }
}
