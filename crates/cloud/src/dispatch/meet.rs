//! Voice meets: a visitor calls the channel from its web page, over WebRTC, without a phone
//! number on either side (`docs/product.md#words`). The call rings the channel's first team
//! like a phone call; the visitor is the room's customer leg; there is no hold.

use std::time::Instant;

use ringdesk_core::{CallId, HangupCause, ManagerId, SwitchboardInput};
use ringdesk_store::time::now_ms;
use ringdesk_store::{CallEvent, NewCall, Store, TeamRow};
use ringdesk_wire::{CallDirection, CallVia, Caller, ErrorCode, MeetCallResponse};
use tokio::sync::{mpsc, oneshot};

use super::{ActiveCall, Dispatcher};
// The record's number and caller number for a meet (the columns hold phone numbers).
use crate::history::MEET_NUMBER;
use crate::room::{RoomEvent, RoomHandle, RoomMedia, spawn_meet_room};

/// What a meet's caller is called in the ring popup and the records (no number to show).
const VISITOR: &str = "웹 방문자";

/// A meet's answer for the page: the call, or an error code and message.
pub type MeetReply = oneshot::Sender<Result<MeetCallResponse, (ErrorCode, String)>>;

/// What a meet needs before it rings — the team it rings and its room with the visitor's leg
/// (or why not) — set up off the dispatcher's task.
enum MeetSetUp {
    Ready(TeamRow, RoomHandle, String),
    /// No such channel: nothing to record.
    NoChannel,
    /// The browser's offer was refused: recorded as a failed call (nothing rang).
    BadOffer(TeamRow, String),
    Failed(String),
}

async fn set_up_meet(
    store: Store,
    call: CallId,
    channel_id: i64,
    offer: String,
    media: RoomMedia,
    events: mpsc::UnboundedSender<(CallId, RoomEvent)>,
) -> MeetSetUp {
    let team = match store.teams(channel_id, None).await {
        Ok(teams) => match teams.into_iter().next() {
            Some(team) => team,
            None => return MeetSetUp::NoChannel,
        },
        Err(e) => return MeetSetUp::Failed(format!("database: {e}")),
    };
    match spawn_meet_room(call, &offer, media, events).await {
        Ok((room, answer)) => MeetSetUp::Ready(team, room, answer),
        Err(e) => MeetSetUp::BadOffer(team, e),
    }
}

impl Dispatcher {
    /// A visitor's call: team and room set up off the dispatcher's task, then record and ring.
    /// The page gets the answer, or an error code and message.
    pub(super) fn meet(&mut self, channel_id: i64, offer: String, reply: MeetReply) {
        let Some(call) = self.next_call_id() else {
            let why = "too many calls are starting at once; try again".to_string();
            let _ = reply.send(Err((ErrorCode::Internal, why)));
            return;
        };
        let work = set_up_meet(
            self.store.clone(),
            call,
            channel_id,
            offer,
            self.config.room.clone(),
            self.room_events.clone(),
        );
        self.hand_back(work, move |d, set_up| {
            let _ = reply.send(d.meet_set_up(call, channel_id, set_up));
        });
    }

    fn meet_started(&self, call: CallId, channel_id: i64, team: &TeamRow) {
        self.record_event(CallEvent::Started(NewCall {
            id: call.0,
            channel_id,
            direction: CallDirection::Inbound.as_str(),
            number: MEET_NUMBER.into(),
            caller_number: MEET_NUMBER.into(),
            caller_name: Some(VISITOR.into()),
            contact_id: None,
            team_id: Some(team.id),
            started_at_ms: now_ms(),
        }));
        self.push_conversation(channel_id, call.0);
    }

    fn meet_set_up(
        &mut self,
        call: CallId,
        channel_id: i64,
        set_up: MeetSetUp,
    ) -> Result<MeetCallResponse, (ErrorCode, String)> {
        let (team, room, answer) = match set_up {
            MeetSetUp::Ready(team, room, answer) => (team, room, answer),
            MeetSetUp::NoChannel => {
                let why = format!("there is no channel {channel_id} to call");
                return Err((ErrorCode::UnknownChannel, why));
            }
            MeetSetUp::BadOffer(team, e) => {
                // Nothing rang: the record opens and closes at once.
                self.meet_started(call, channel_id, &team);
                self.record_event(CallEvent::Ended {
                    call_id: call.0,
                    at_ms: now_ms(),
                    cause: HangupCause::CustomerLegFailed.code(),
                    missed_reason: None,
                });
                return Err((
                    ErrorCode::BadOffer,
                    format!("the browser's offer was refused: {e}"),
                ));
            }
            MeetSetUp::Failed(e) => return Err((ErrorCode::Internal, e)),
        };
        self.meet_started(call, channel_id, &team);
        let token = format!("{:032x}", rand::random::<u128>());
        self.calls.insert(
            call,
            ActiveCall {
                visitor_token: Some(token.clone()),
                ..ActiveCall::new(
                    room,
                    channel_id,
                    Caller {
                        number: String::new(),
                        name: Some(VISITOR.into()),
                        fields: Vec::new(),
                    },
                    CallVia {
                        number: MEET_NUMBER.into(),
                        team_name: team.name,
                    },
                    Instant::now(),
                )
            },
        );
        self.input(SwitchboardInput::MeetArrived {
            call,
            candidates: team.members.into_iter().map(ManagerId).collect(),
        });
        Ok(MeetCallResponse {
            call_id: call.0,
            sdp_answer: answer,
            token,
        })
    }

    /// The visitor hangs up from the page; only with the call's token.
    pub(super) fn meet_hangup(&mut self, call: CallId, token: &str) -> bool {
        let Some(c) = self.calls.get_mut(&call) else {
            return false;
        };
        if c.visitor_token.as_deref() != Some(token) {
            return false;
        }
        c.customer_gone = true;
        self.input(SwitchboardInput::CustomerHungUp { call });
        true
    }
}
