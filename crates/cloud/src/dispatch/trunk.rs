//! Calls from the SIP trunk: a new call opens its record and room and goes to the
//! switchboard; the customer hanging up or failing ends it.

use std::net::SocketAddr;
use std::time::Instant;

use ringdesk_core::{CallId, ManagerId, SwitchboardInput, number};
use ringdesk_sip::runtime::TrunkCommand;
use ringdesk_sip::sdp;
use ringdesk_sip::trunk::{SipCall, TrunkEvent};
use ringdesk_store::NewCall;
use ringdesk_store::time::now_ms;
use ringdesk_wire::{CallDirection, CallVia, Caller, ProfileField};
use tokio::net::UdpSocket;

use super::{ActiveCall, Dispatcher};
use crate::room::{CustomerMedia, spawn_room};

impl Dispatcher {
    pub(super) async fn handle_trunk(&mut self, at: Instant, event: TrunkEvent) {
        // A parallel call's party has its own handling; everything else is a customer's leg.
        if let Some(call) = self.party_call_of(&event) {
            return self.party_event(call, event).await;
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
                if let Err(e) = self
                    .incoming(at, call, &dialled, caller, caller_name, media)
                    .await
                {
                    tracing::warn!(%peer, "incoming call failed: {e}");
                    self.trunk.send(TrunkCommand::Reject {
                        call,
                        code: 500,
                        reason: "Server Internal Error".into(),
                    });
                }
            }
            TrunkEvent::Cancelled { call } | TrunkEvent::HungUp { call } => {
                if let Some(&id) = self.by_sip.get(&call) {
                    if let Some(c) = self.calls.get_mut(&id) {
                        c.customer_gone = true;
                    }
                    self.input(SwitchboardInput::CustomerHungUp { call: id });
                }
            }
            TrunkEvent::Failed { call, reason } => {
                if let Some(&id) = self.by_sip.get(&call) {
                    tracing::info!(%id, "customer leg failed: {reason}");
                    if let Some(c) = self.calls.get_mut(&id) {
                        c.customer_gone = true;
                    }
                    self.input(SwitchboardInput::CustomerLegFailed { call: id });
                }
            }
            TrunkEvent::Confirmed { .. } => {}
            TrunkEvent::Progress { call, early_media } => self.dial_progress(call, early_media),
            TrunkEvent::Answered { call, media } => self.dial_answered(call, media).await,
            TrunkEvent::Rejected { call, code, reason } => self.dial_failed(call, code, reason),
        }
    }

    async fn incoming(
        &mut self,
        at: Instant,
        sip: SipCall,
        dialled: &str,
        caller: Option<String>,
        caller_name: Option<String>,
        media: sdp::Negotiated,
    ) -> anyhow::Result<()> {
        // The dialled number is ours; before the lookup we can't know the channel's country, so a
        // national form is read as Korean (our trunks are Korean; carriers mostly send E.164).
        let route = match number::normalize(dialled, "82") {
            Some(e164) => self.store.number_route(&e164).await?,
            None => None,
        };
        let Some(route) = route else {
            self.trunk.send(TrunkCommand::Reject {
                call: sip,
                code: 404,
                reason: "Not Found (unknown number)".into(),
            });
            return Ok(());
        };
        let caller_number = caller
            .as_deref()
            .and_then(|c| number::normalize(c, &route.default_country_code))
            .or(caller)
            .unwrap_or_else(|| "anonymous".into());
        let contact = self
            .store
            .contact_by_phone(route.channel_id, &caller_number)
            .await?;
        let name = contact
            .as_ref()
            .and_then(|c| c.name.clone())
            .or(caller_name);
        let socket = UdpSocket::bind(SocketAddr::new(self.config.room.ip, 0)).await?;
        let local = socket.local_addr()?;
        let sip_answer = sdp::answer(local, rand::random::<u32>().into(), &media);
        let call_id = CallId(
            self.store
                .insert_call(&NewCall {
                    channel_id: route.channel_id,
                    direction: CallDirection::Inbound.as_str(),
                    number: route.e164.clone(),
                    caller_number: caller_number.clone(),
                    caller_name: name.clone(),
                    contact_id: contact.as_ref().map(|c| c.id),
                    team_id: route.team_id,
                    started_at_ms: now_ms(),
                })
                .await?,
        );
        let room = spawn_room(
            call_id,
            CustomerMedia {
                socket,
                negotiated: Some(media),
            },
            self.config.room.clone(),
            self.room_events.clone(),
        );
        // Early media: the caller hears our ringback while desktops ring.
        self.trunk.send(TrunkCommand::Progress {
            call: sip,
            sdp: Some(sip_answer.clone()),
        });
        let fields = contact
            .map(|c| {
                c.fields
                    .into_iter()
                    .take(3)
                    .map(|(name, value)| ProfileField { name, value })
                    .collect()
            })
            .unwrap_or_default();
        self.calls.insert(
            call_id,
            ActiveCall {
                sip: Some(sip),
                sip_answer,
                ..ActiveCall::new(
                    room,
                    route.channel_id,
                    Caller {
                        number: caller_number,
                        name,
                        fields,
                    },
                    CallVia {
                        number: route.e164,
                        team_name: route.team_name,
                    },
                    at,
                )
            },
        );
        self.by_sip.insert(sip, call_id);
        let candidates = route.members.into_iter().map(ManagerId).collect();
        self.input(SwitchboardInput::CallArrived {
            call: call_id,
            candidates,
        });
        Ok(())
    }
}
