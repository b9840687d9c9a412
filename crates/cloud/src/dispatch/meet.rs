//! Voice meets: a visitor calls the channel from its web page, over WebRTC, without a phone
//! number on either side (PRODUCT.md §1). The call rings the channel's first team like a
//! phone call; the visitor is the room's customer leg; there is no hold.

use std::time::Instant;

use ringdesk_core::{CallId, ManagerId, SwitchboardInput};
use ringdesk_store::NewCall;
use ringdesk_store::time::now_ms;
use ringdesk_wire::{CallDirection, CallVia, Caller, ErrorCode, HangupCause, MeetCallResponse};

use super::{ActiveCall, Dispatcher};
use crate::room::spawn_meet_room;

/// What a meet's caller is called in the ring popup and the records (no number to show).
const VISITOR: &str = "웹 방문자";
/// The record's number and caller number for a meet (the columns hold phone numbers).
const MEET_NUMBER: &str = "meet";

impl Dispatcher {
    /// A visitor's call: record, room, ring. Errors are `(code, message)` for the page.
    pub(super) async fn meet(
        &mut self,
        channel_id: i64,
        offer: &str,
    ) -> Result<MeetCallResponse, (ErrorCode, String)> {
        let internal =
            |e: ringdesk_store::StoreError| (ErrorCode::Internal, format!("database: {e}"));
        let teams = self.store.teams(channel_id, None).await.map_err(internal)?;
        let Some(team) = teams.into_iter().next() else {
            return Err((
                ErrorCode::UnknownChannel,
                format!("there is no channel {channel_id} to call"),
            ));
        };
        let call = CallId(
            self.store
                .insert_call(&NewCall {
                    channel_id,
                    direction: CallDirection::Inbound.as_str(),
                    number: MEET_NUMBER.into(),
                    caller_number: MEET_NUMBER.into(),
                    caller_name: Some(VISITOR.into()),
                    contact_id: None,
                    team_id: Some(team.id),
                    started_at_ms: now_ms(),
                })
                .await
                .map_err(internal)?,
        );
        let (room, answer) = match spawn_meet_room(
            call,
            offer,
            self.config.room.clone(),
            self.room_events.clone(),
        )
        .await
        {
            Ok(r) => r,
            Err(e) => {
                // Nothing rang: close the record at once.
                let _ = self
                    .store
                    .end_call(
                        call.0,
                        now_ms(),
                        HangupCause::CustomerLegFailed.as_str(),
                        None,
                    )
                    .await;
                let why = format!("the browser's offer was refused: {e}");
                return Err((ErrorCode::BadOffer, why));
            }
        };
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
