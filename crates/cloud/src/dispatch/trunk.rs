//! Calls from the SIP trunk: a new call's number and caller are looked up off the dispatcher's
//! task; then it opens its record and room and goes to the switchboard. The customer hanging up
//! or failing ends it.

use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use ringdesk_core::switchboard::{HangupCause, MissedReason};
use ringdesk_core::workflow::{CallFacts, RunInput};
use ringdesk_core::{ManagerId, SwitchboardInput, number};
use ringdesk_sip::runtime::TrunkCommand;
use ringdesk_sip::sdp;
use ringdesk_sip::trunk::{SipCall, TrunkEvent};
use ringdesk_store::time::now_ms;
use ringdesk_store::{CallEvent, Contact, NewCall, NumberRoute, Store};
use ringdesk_wire::{CallDirection, CallVia, Caller, ProfileField};
use tokio::net::UdpSocket;

use super::workflow::{self, AudioCache, Prepared};
use super::{ActiveCall, Dispatcher};
use crate::room::{CustomerMedia, RoomCommand, spawn_room};

/// What an arriving call needs before it can ring, looked up off the dispatcher's task.
struct Arrival {
    route: NumberRoute,
    caller_number: String,
    caller_name: Option<String>,
    contact: Option<Contact>,
    socket: UdpSocket,
    sip_answer: String,
    media: sdp::Negotiated,
    /// What the workflow tests the call by.
    facts: CallFacts,
    /// The workflow it walks first, if its number has one that fits.
    workflow: Option<Prepared>,
}

/// The dialled number's route, the caller's contact and an RTP socket for the room; `None`
/// when the number is not ours.
async fn look_up_arrival(
    store: Store,
    audio_cache: AudioCache,
    media_ip: IpAddr,
    dialled: String,
    caller: Option<String>,
    caller_name: Option<String>,
    media: sdp::Negotiated,
) -> anyhow::Result<Option<Arrival>> {
    // The dialled number is ours; before the lookup we can't know the channel's country, so a
    // national form is read as Korean (our trunks are Korean; carriers mostly send E.164).
    let route = match number::normalize(&dialled, "82") {
        Some(e164) => store.number_route(&e164).await?,
        None => None,
    };
    let Some(route) = route else {
        return Ok(None);
    };
    let caller_number = caller
        .as_deref()
        .and_then(|c| number::normalize(c, &route.default_country_code))
        .or(caller)
        .unwrap_or_else(|| "anonymous".into());
    // An unknown caller with a number becomes a lead (`docs/product.md#contacts`).
    let contact = if caller_number.starts_with('+') {
        Some(
            store
                .contact_or_new_lead(route.channel_id, &caller_number, now_ms())
                .await?,
        )
    } else {
        None
    };
    let caller_name = contact
        .as_ref()
        .and_then(|c| c.name.clone())
        .or(caller_name);
    let facts = CallFacts {
        caller: caller_number.clone(),
        number: route.e164.clone(),
        // A lead is who the number is, not someone the channel knows.
        known_contact: contact.as_ref().is_some_and(|c| !c.is_lead),
        fields: contact
            .as_ref()
            .map(|c| c.fields.clone())
            .unwrap_or_default(),
    };
    // A workflow that cannot be loaded must not cost the call: it rings the team instead.
    let workflow = workflow::prepare(&store, &audio_cache, route.channel_id, &route.e164, &facts)
        .await
        .unwrap_or_else(|e| {
            tracing::error!(number = %route.e164, "loading the workflow failed ({e}); ringing the team");
            None
        });
    let socket = UdpSocket::bind(SocketAddr::new(media_ip, 0)).await?;
    let sip_answer = sdp::answer(socket.local_addr()?, rand::random::<u32>().into(), &media);
    Ok(Some(Arrival {
        facts,
        workflow,
        route,
        caller_number,
        caller_name,
        contact,
        socket,
        sip_answer,
        media,
    }))
}

impl Dispatcher {
    pub(super) fn handle_trunk(&mut self, at: Instant, event: TrunkEvent) {
        // A parallel call's party has its own handling; everything else is a customer's leg.
        if let Some(call) = self.party_call_of(&event) {
            return self.party_event(call, event);
        }
        match event {
            TrunkEvent::Incoming {
                call,
                dialled,
                caller,
                caller_name,
                media,
                peer,
            } => {
                self.arriving.insert(call);
                let work = look_up_arrival(
                    self.store.clone(),
                    self.audio_cache.clone(),
                    self.config.room.ip,
                    dialled,
                    caller,
                    caller_name,
                    media,
                );
                self.hand_back(work, move |d, arrival| d.arrived(at, call, peer, arrival));
            }
            TrunkEvent::Cancelled { call } | TrunkEvent::HungUp { call } => {
                if self.arriving.remove(&call) {
                    return; // told when its lookups are back
                }
                if let Some(&id) = self.by_sip.get(&call) {
                    if let Some(c) = self.calls.get_mut(&id) {
                        c.customer_gone = true;
                    }
                    self.workflow_input(id, RunInput::CallerLeft);
                    self.input(SwitchboardInput::CustomerHungUp { call: id });
                }
            }
            TrunkEvent::Failed { call, reason } => {
                if self.arriving.remove(&call) {
                    return;
                }
                if let Some(&id) = self.by_sip.get(&call) {
                    tracing::info!(%id, "customer leg failed: {reason}");
                    if let Some(c) = self.calls.get_mut(&id) {
                        c.customer_gone = true;
                    }
                    self.workflow_input(id, RunInput::CallerLeft);
                    self.input(SwitchboardInput::CustomerLegFailed { call: id });
                }
            }
            TrunkEvent::Confirmed { call } => {
                if let Some(&id) = self.by_sip.get(&call) {
                    self.answer_confirmed(id);
                }
            }
            TrunkEvent::Progress { call, early_media } => self.dial_progress(call, early_media),
            TrunkEvent::Answered { call, media } => self.dial_answered(call, media),
            TrunkEvent::Rejected { call, code, reason } => self.dial_failed(call, code, reason),
        }
    }

    fn reject(&self, call: SipCall, code: u16, reason: &str) {
        self.trunk.send(TrunkCommand::Reject {
            call,
            code,
            reason: reason.into(),
        });
    }

    /// An arriving call's lookups are back: it rings — unless the caller hung up meanwhile
    /// (then it is only recorded, as missed), or the number is not ours.
    fn arrived(
        &mut self,
        at: Instant,
        sip: SipCall,
        peer: String,
        arrival: anyhow::Result<Option<Arrival>>,
    ) {
        let still_there = self.arriving.remove(&sip);
        let a = match arrival {
            Ok(Some(a)) => a,
            Ok(None) => {
                if still_there {
                    self.reject(sip, 404, "Not Found (unknown number)");
                }
                return;
            }
            Err(e) => {
                tracing::warn!(%peer, "incoming call failed: {e}");
                if still_there {
                    self.reject(sip, 500, "Server Internal Error");
                }
                return;
            }
        };
        let Some(call_id) = self.next_call_id() else {
            if still_there {
                self.reject(sip, 503, "Service Unavailable (try again)");
            }
            return;
        };
        self.record_event(CallEvent::Started(NewCall {
            id: call_id.0,
            channel_id: a.route.channel_id,
            direction: CallDirection::Inbound.as_str(),
            number: a.route.e164.clone(),
            caller_number: a.caller_number.clone(),
            caller_name: a.caller_name.clone(),
            contact_id: a.contact.as_ref().map(|c| c.id),
            team_id: a.route.team_id,
            started_at_ms: now_ms(),
        }));
        if !still_there {
            // Hung up before anything rang: a missed call the customer left.
            self.record_event(CallEvent::Ended {
                call_id: call_id.0,
                at_ms: now_ms(),
                cause: HangupCause::CustomerHangup.code(),
                missed_reason: Some(MissedReason::UserLeft.code()),
            });
            self.push_conversation(a.route.channel_id, call_id.0);
            return;
        }
        self.push_conversation(a.route.channel_id, call_id.0);
        let room = spawn_room(
            call_id,
            CustomerMedia {
                socket: a.socket,
                negotiated: Some(a.media),
            },
            self.config.room.clone(),
            self.room_events.clone(),
        );
        if a.workflow.is_some() {
            // The workflow talks to the caller: answer now; nobody rings until it routes.
            self.trunk.send(TrunkCommand::Answer {
                call: sip,
                sdp: a.sip_answer.clone(),
            });
            room.send(RoomCommand::StopRingback);
        } else {
            // Early media: the caller hears our ringback while desktops ring.
            self.trunk.send(TrunkCommand::Progress {
                call: sip,
                sdp: Some(a.sip_answer.clone()),
            });
        }
        let fields = a
            .contact
            .map(|c| {
                c.fields
                    .into_iter()
                    .map(|(name, value)| ProfileField { name, value })
                    .collect()
            })
            .unwrap_or_default();
        self.calls.insert(
            call_id,
            ActiveCall {
                sip: Some(sip),
                sip_answer: a.sip_answer,
                customer_answered: a.workflow.is_some(),
                ..ActiveCall::new(
                    room,
                    a.route.channel_id,
                    Caller {
                        number: a.caller_number,
                        name: a.caller_name,
                        fields,
                    },
                    CallVia {
                        number: a.route.e164,
                        team_name: a.route.team_name,
                    },
                    at,
                )
            },
        );
        self.by_sip.insert(sip, call_id);
        if let Some(prepared) = a.workflow {
            self.input(SwitchboardInput::WorkflowArrived { call: call_id });
            if let Some(c) = self.calls.get_mut(&call_id) {
                c.pending_workflow = Some(Box::new((prepared, a.facts)));
            }
            return;
        }
        let candidates = a.route.members.into_iter().map(ManagerId).collect();
        self.input(SwitchboardInput::CallArrived {
            call: call_id,
            candidates,
        });
    }
}
