//! The trunk's client side: calls we place through the carrier (RFC 3261 §13.2 and the INVITE
//! client transaction of §17.1.1, CANCEL of §9.1, Digest answers of §22.2).
//!
//! A placed call goes to the one outbound route over UDP. A 401/407 is answered once with the
//! route's credentials; a second one ends the call (the password is wrong, asking again would
//! not help). 18x reports progress, with the carrier's early media when its SDP came along;
//! 2xx is acknowledged and reported with the agreed media; any other final answer is reported
//! with its code, so the manager reads "busy" or "not found", not a generic failure.

use super::*;
use crate::digest::Challenge;

/// Where placed calls go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundRoute {
    /// The carrier's SIP address (UDP).
    pub target: SocketAddr,
    /// The host part of our Request-URI and To (the carrier's domain, or its address).
    pub domain: String,
    /// Digest username and password the carrier challenges us for.
    pub credentials: Option<(String, String)>,
}

/// A call to place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialRequest {
    /// The destination, E.164.
    pub to: String,
    /// The caller-ID shown to the destination (From and P-Asserted-Identity), E.164.
    pub caller_id: String,
    /// Our SDP offer.
    pub sdp: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OutState {
    /// INVITE sent, nothing heard yet: retransmitting (timer A) until timer B.
    Calling,
    /// A provisional response came: waiting for the final one.
    Proceeding,
    /// Answered and acknowledged.
    Confirmed,
    /// Over; kept to absorb retransmitted finals until `linger_until`.
    Terminated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    Invite,
    Cancel,
    Bye,
}

#[derive(Debug, Clone)]
struct Resend {
    bytes: Vec<u8>,
    next: Instant,
    interval: Duration,
    give_up: Instant,
    what: Pending,
}

impl Resend {
    fn start(now: Instant, bytes: Vec<u8>, what: Pending) -> Resend {
        Resend {
            bytes,
            next: now + T1,
            interval: T1,
            give_up: now + 64 * T1,
            what,
        }
    }
}

/// One call we placed.
#[derive(Debug, Clone)]
pub(super) struct OutCall {
    remote: Remote,
    invite: SipMessage,
    branch: String,
    cseq: u32,
    call_id: String,
    local_tag: String,
    state: OutState,
    sdp: String,
    auth_sent: bool,
    remote_tag: Option<String>,
    remote_target: Option<String>,
    route_set: Vec<String>,
    early_media: Option<Negotiated>,
    progress_told: bool,
    /// The application hung up before the answer: CANCEL once we may, BYE if it answers.
    hang_up_wanted: bool,
    cancel_sent: bool,
    /// The ACK we sent for the final response, repeated when that response is.
    ack: Option<Vec<u8>>,
    bye_branch: Option<String>,
    resend: Option<Resend>,
    linger_until: Option<Instant>,
}

impl TrunkEngine {
    /// Places a call through the outbound route. `call` is the application's handle for it
    /// (it must not clash with the engine's own; see `runtime::TrunkHandle::dial`). With no
    /// outbound route the call is reported rejected at once (503).
    pub fn dial(&mut self, now: Instant, call: SipCall, request: DialRequest) {
        let Some(route) = self.config.outbound.clone() else {
            self.event(TrunkEvent::Rejected {
                call,
                code: 503,
                reason: "no outbound trunk is configured".into(),
            });
            return;
        };
        let local_tag = self.random_token();
        let call_id = format!("{}@ringdesk", self.random_token());
        let branch = self.new_branch();
        let advertised = self.config.advertised;
        let request_uri = format!("sip:{}@{}", request.to, route.domain);
        let caller = format!("<sip:{}@{advertised}>", request.caller_id);
        let headers = vec![
            ("Via".to_string(), via(advertised, &branch)),
            ("Max-Forwards".into(), "70".into()),
            ("From".into(), format!("{caller};tag={local_tag}")),
            ("To".into(), format!("<{request_uri}>")),
            ("Call-ID".into(), call_id.clone()),
            ("CSeq".into(), "1 INVITE".into()),
            ("Contact".into(), format!("<sip:ringdesk@{advertised}>")),
            ("P-Asserted-Identity".into(), caller),
            ("Allow".into(), ALLOW.into()),
            ("User-Agent".into(), self.config.user_agent.clone()),
            ("Content-Type".into(), "application/sdp".into()),
        ];
        let invite = SipMessage {
            start: StartLine::Request {
                method: "INVITE".into(),
                uri: request_uri,
            },
            headers,
            body: request.sdp.clone().into_bytes(),
        };
        let remote = Remote {
            transport: Transport::Udp,
            addr: route.target,
        };
        let bytes = invite.to_bytes();
        self.outgoing.insert(
            call,
            OutCall {
                remote,
                invite,
                branch,
                cseq: 1,
                call_id,
                local_tag,
                state: OutState::Calling,
                sdp: request.sdp,
                auth_sent: false,
                remote_tag: None,
                remote_target: None,
                route_set: Vec::new(),
                early_media: None,
                progress_told: false,
                hang_up_wanted: false,
                cancel_sent: false,
                ack: None,
                bye_branch: None,
                resend: Some(Resend::start(now, bytes.clone(), Pending::Invite)),
                linger_until: None,
            },
        );
        self.transmit(remote, bytes);
    }

    fn new_branch(&mut self) -> String {
        format!("z9hG4bK{}", self.random_token())
    }

    /// Earliest deadline of the calls we placed.
    pub(super) fn outgoing_timeout(&self) -> Option<Instant> {
        self.outgoing
            .values()
            .flat_map(|c| {
                [
                    c.resend.as_ref().map(|r| r.next.min(r.give_up)),
                    c.linger_until,
                ]
            })
            .flatten()
            .min()
    }

    /// Ends a call we placed: CANCEL while it rings (once a provisional response allows it,
    /// §9.1), BYE once answered.
    pub(super) fn hang_up_outgoing(&mut self, now: Instant, call: SipCall) {
        let Some(c) = self.outgoing.get_mut(&call) else {
            return;
        };
        c.hang_up_wanted = true;
        match c.state {
            OutState::Calling | OutState::Terminated => {}
            OutState::Proceeding => self.send_cancel(now, call),
            OutState::Confirmed => self.send_outgoing_bye(now, call),
        }
    }

    fn send_cancel(&mut self, now: Instant, call: SipCall) {
        let Some(c) = self.outgoing.get_mut(&call) else {
            return;
        };
        if c.cancel_sent {
            return;
        }
        c.cancel_sent = true;
        // §9.1: the CANCEL copies the INVITE's Request-URI, top Via, From, To, Call-ID and
        // CSeq number.
        let StartLine::Request { uri, .. } = &c.invite.start else {
            return;
        };
        let mut headers = Vec::new();
        for name in ["Via", "From", "To", "Call-ID"] {
            if let Some(v) = c.invite.header(name) {
                headers.push((name.to_string(), v.to_string()));
            }
        }
        headers.push(("CSeq".into(), format!("{} CANCEL", c.cseq)));
        headers.push(("Max-Forwards".into(), "70".into()));
        let cancel = SipMessage {
            start: StartLine::Request {
                method: "CANCEL".into(),
                uri: uri.clone(),
            },
            headers,
            body: Vec::new(),
        }
        .to_bytes();
        c.resend = Some(Resend::start(now, cancel.clone(), Pending::Cancel));
        let remote = c.remote;
        self.transmit(remote, cancel);
    }

    /// A request inside a dialog of a call we placed: the To tag is ours. Returns false when
    /// it belongs to no such call.
    pub(super) fn outgoing_request(
        &mut self,
        now: Instant,
        from: Remote,
        msg: &SipMessage,
    ) -> bool {
        let to_tag = msg
            .header("to")
            .and_then(|t| NameAddr::parse(t).ok())
            .and_then(|t| t.tag().map(str::to_string));
        let call_id = msg.call_id().unwrap_or_default();
        let Some((&call, _)) = self
            .outgoing
            .iter()
            .find(|(_, c)| c.call_id == call_id && to_tag.as_deref() == Some(c.local_tag.as_str()))
        else {
            return false;
        };
        let method = msg.method().unwrap_or_default().to_string();
        let local_tag = self.outgoing[&call].local_tag.clone();
        match method.as_str() {
            "BYE" => {
                let ok = self.response(msg, 200, "OK", Some(&local_tag));
                self.transmit(from, ok.to_bytes());
                let c = self.outgoing.get_mut(&call).expect("found above");
                if c.state == OutState::Confirmed {
                    c.state = OutState::Terminated;
                    c.resend = None;
                    c.linger_until = Some(now + LINGER);
                    self.event(TrunkEvent::HungUp { call });
                }
            }
            "INVITE" => {
                // A session refresh (or a hold we don't act on): keep our session.
                let mut ok = self.response(msg, 200, "OK", Some(&local_tag));
                ok.headers.push(("Contact".into(), self.contact(from)));
                ok.headers
                    .push(("Content-Type".into(), "application/sdp".into()));
                ok.body = self.outgoing[&call].sdp.clone().into_bytes();
                self.transmit(from, ok.to_bytes());
            }
            "ACK" => {}
            "OPTIONS" | "INFO" | "UPDATE" => {
                let ok = self.response(msg, 200, "OK", Some(&local_tag));
                self.transmit(from, ok.to_bytes());
            }
            _ => {
                let mut resp = self.response(msg, 405, "Method Not Allowed", Some(&local_tag));
                resp.headers.push(("Allow".into(), ALLOW.into()));
                self.transmit(from, resp.to_bytes());
            }
        }
        true
    }

    /// A response to one of our requests of a placed call. Returns false when it answers none.
    pub(super) fn outgoing_response(&mut self, now: Instant, code: u16, msg: &SipMessage) -> bool {
        let Some(branch) = msg.top_via_branch() else {
            return false;
        };
        let method = msg.cseq().map(|(_, m)| m.to_string()).unwrap_or_default();
        let Some((&call, _)) = self
            .outgoing
            .iter()
            .find(|(_, c)| c.branch == branch || c.bye_branch.as_deref() == Some(branch))
        else {
            return false;
        };
        match method.as_str() {
            "INVITE" => self.invite_response(now, call, code, msg),
            "CANCEL" | "BYE" if code >= 200 => {
                let c = self.outgoing.get_mut(&call).expect("found above");
                if c.resend.as_ref().is_some_and(|r| r.what != Pending::Invite) {
                    c.resend = None;
                }
                if method == "BYE" {
                    c.linger_until = Some(now + LINGER);
                }
            }
            _ => {}
        }
        true
    }

    fn invite_response(&mut self, now: Instant, call: SipCall, code: u16, msg: &SipMessage) {
        let c = self.outgoing.get_mut(&call).expect("caller found it");
        if msg.top_via_branch() != Some(c.branch.as_str()) {
            return; // a late answer to the INVITE we replaced with an authorised one
        }
        if c.state == OutState::Terminated {
            // A retransmitted final response: our ACK got lost.
            if code >= 200
                && let Some(ack) = c.ack.clone()
            {
                let remote = c.remote;
                self.transmit(remote, ack);
            }
            return;
        }
        if c.state == OutState::Confirmed {
            if (200..300).contains(&code)
                && let Some(ack) = c.ack.clone()
            {
                let remote = c.remote;
                self.transmit(remote, ack);
            }
            return;
        }
        match code {
            100..=199 => self.provisional(now, call, code, msg),
            200..=299 => self.answered(now, call, msg),
            401 | 407 => self.challenged(now, call, code, msg),
            _ => {
                let reason = reason_phrase(msg);
                self.failed(now, call, msg, code, reason);
            }
        }
    }

    fn provisional(&mut self, now: Instant, call: SipCall, code: u16, msg: &SipMessage) {
        let c = self.outgoing.get_mut(&call).expect("caller found it");
        if c.state == OutState::Calling {
            c.state = OutState::Proceeding;
            // §17.1.1.2: a provisional response stops timer A; timer B no longer applies.
            c.resend = None;
        }
        let early = (code > 100 && !msg.body.is_empty())
            .then(|| {
                parse_remote_audio(&msg.body)
                    .and_then(|r| negotiate(&r))
                    .ok()
            })
            .flatten();
        let tell = (code > 100 && !c.progress_told) || (early.is_some() && c.early_media.is_none());
        if let Some(m) = early {
            c.early_media = Some(m);
        }
        let early_media = c.early_media;
        let cancel = c.hang_up_wanted;
        if tell && !cancel {
            c.progress_told = true;
            self.event(TrunkEvent::Progress { call, early_media });
        }
        if cancel {
            self.send_cancel(now, call);
        }
    }

    fn answered(&mut self, now: Instant, call: SipCall, msg: &SipMessage) {
        let c = self.outgoing.get_mut(&call).expect("caller found it");
        c.remote_tag = msg
            .header("to")
            .and_then(|t| NameAddr::parse(t).ok())
            .and_then(|t| t.tag().map(str::to_string));
        c.remote_target = msg
            .header("contact")
            .and_then(|v| NameAddr::parse(v).ok())
            .map(|a| a.uri)
            .filter(|u| valid_uri(u));
        // §12.1.2: the UAC's route set is the Record-Route values in reverse.
        c.route_set = msg.header_all("record-route").map(str::to_string).collect();
        c.route_set.reverse();
        c.state = OutState::Confirmed;
        c.resend = None;
        let ack = self.in_dialog_request(call, "ACK", self.outgoing[&call].cseq, None);
        let c = self.outgoing.get_mut(&call).expect("caller found it");
        c.ack = Some(ack.clone());
        let remote = c.remote;
        self.transmit(remote, ack);
        let c = &self.outgoing[&call];
        if c.hang_up_wanted {
            self.send_outgoing_bye(now, call);
            return;
        }
        let media = if msg.body.is_empty() {
            Ok(c.early_media)
        } else {
            parse_remote_audio(&msg.body)
                .and_then(|r| negotiate(&r))
                .map(Some)
        };
        match media {
            Ok(Some(media)) => self.event(TrunkEvent::Answered { call, media }),
            Ok(None) | Err(_) => {
                let reason = match media {
                    Err(e) => format!("the answer's SDP is unusable: {e}"),
                    _ => "the answer carried no SDP".to_string(),
                };
                self.send_outgoing_bye(now, call);
                self.event(TrunkEvent::Failed { call, reason });
            }
        }
    }

    fn challenged(&mut self, now: Instant, call: SipCall, code: u16, msg: &SipMessage) {
        let header = if code == 401 {
            "www-authenticate"
        } else {
            "proxy-authenticate"
        };
        let challenge = msg.header(header).and_then(Challenge::parse);
        let credentials = self
            .config
            .outbound
            .as_ref()
            .and_then(|r| r.credentials.clone());
        let c = &self.outgoing[&call];
        let (Some(challenge), Some((user, password)), false, false) =
            (challenge, credentials, c.auth_sent, c.hang_up_wanted)
        else {
            let reason = if c.auth_sent {
                "the trunk refused our credentials".to_string()
            } else {
                format!(
                    "{} (no credentials for the trunk's challenge)",
                    reason_phrase(msg)
                )
            };
            self.failed(now, call, msg, code, reason);
            return;
        };
        self.acknowledge_failure(call, msg);
        let cnonce = self.random_token();
        let branch = self.new_branch();
        let advertised = self.config.advertised;
        let c = self.outgoing.get_mut(&call).expect("caller found it");
        let StartLine::Request { uri, .. } = &c.invite.start else {
            return;
        };
        let value = challenge.answer("INVITE", uri, &user, &password, &cnonce);
        let auth_name = if code == 401 {
            "Authorization"
        } else {
            "Proxy-Authorization"
        };
        c.cseq += 1;
        c.branch = branch.clone();
        c.auth_sent = true;
        let cseq = c.cseq;
        for (name, v) in c.invite.headers.iter_mut() {
            if name.eq_ignore_ascii_case("via") {
                *v = via(advertised, &branch);
            } else if name.eq_ignore_ascii_case("cseq") {
                *v = format!("{cseq} INVITE");
            }
        }
        c.invite.headers.push((auth_name.into(), value));
        let bytes = c.invite.to_bytes();
        c.resend = Some(Resend::start(now, bytes.clone(), Pending::Invite));
        let remote = c.remote;
        self.transmit(remote, bytes);
    }

    /// A final error: acknowledge it and report it.
    fn failed(&mut self, now: Instant, call: SipCall, msg: &SipMessage, code: u16, reason: String) {
        self.acknowledge_failure(call, msg);
        let c = self.outgoing.get_mut(&call).expect("caller found it");
        c.state = OutState::Terminated;
        c.resend = None;
        c.linger_until = Some(now + LINGER);
        self.event(TrunkEvent::Rejected { call, code, reason });
    }

    /// §17.1.1.3: the ACK of a non-2xx final response is part of the INVITE transaction: same
    /// branch and Request-URI, the response's To (with its tag).
    fn acknowledge_failure(&mut self, call: SipCall, msg: &SipMessage) {
        let c = self.outgoing.get_mut(&call).expect("caller found it");
        let StartLine::Request { uri, .. } = &c.invite.start else {
            return;
        };
        let mut headers = Vec::new();
        if let Some(v) = c.invite.header("via") {
            headers.push(("Via".to_string(), v.to_string()));
        }
        headers.push(("Max-Forwards".into(), "70".into()));
        for (name, v) in [
            ("From", c.invite.header("from")),
            ("To", msg.header("to")),
            ("Call-ID", c.invite.header("call-id")),
        ] {
            headers.push((name.into(), v.unwrap_or_default().to_string()));
        }
        headers.push(("CSeq".into(), format!("{} ACK", c.cseq)));
        let ack = SipMessage {
            start: StartLine::Request {
                method: "ACK".into(),
                uri: uri.clone(),
            },
            headers,
            body: Vec::new(),
        }
        .to_bytes();
        c.ack = Some(ack.clone());
        let remote = c.remote;
        self.transmit(remote, ack);
    }

    /// A request in the confirmed dialog (ACK for 2xx, BYE): to the remote target, along
    /// the route set, with a branch of its own.
    fn in_dialog_request(
        &mut self,
        call: SipCall,
        method: &str,
        cseq: u32,
        branch: Option<&str>,
    ) -> Vec<u8> {
        let branch = branch.map_or_else(|| self.new_branch(), str::to_string);
        let advertised = self.config.advertised;
        let c = &self.outgoing[&call];
        let StartLine::Request { uri, .. } = &c.invite.start else {
            return Vec::new();
        };
        let target = c.remote_target.clone().unwrap_or_else(|| uri.clone());
        let to = match &c.remote_tag {
            Some(tag) => format!("{};tag={tag}", c.invite.header("to").unwrap_or_default()),
            None => c.invite.header("to").unwrap_or_default().to_string(),
        };
        let mut headers = vec![
            ("Via".to_string(), via(advertised, &branch)),
            ("Max-Forwards".into(), "70".into()),
            (
                "From".into(),
                c.invite.header("from").unwrap_or_default().to_string(),
            ),
            ("To".into(), to),
            ("Call-ID".into(), c.call_id.clone()),
            ("CSeq".into(), format!("{cseq} {method}")),
        ];
        for r in &c.route_set {
            headers.push(("Route".into(), r.clone()));
        }
        headers.push(("User-Agent".into(), self.config.user_agent.clone()));
        SipMessage {
            start: StartLine::Request {
                method: method.into(),
                uri: target,
            },
            headers,
            body: Vec::new(),
        }
        .to_bytes()
    }

    fn send_outgoing_bye(&mut self, now: Instant, call: SipCall) {
        let branch = self.new_branch();
        let cseq = self.outgoing[&call].cseq + 1;
        let bye = self.in_dialog_request(call, "BYE", cseq, Some(&branch));
        let c = self.outgoing.get_mut(&call).expect("caller found it");
        c.state = OutState::Terminated;
        c.bye_branch = Some(branch);
        c.linger_until = Some(now + LINGER);
        c.resend = Some(Resend::start(now, bye.clone(), Pending::Bye));
        let remote = c.remote;
        self.transmit(remote, bye);
    }

    /// Fires the placed calls' retransmissions and expiries due at `now`.
    pub(super) fn outgoing_timers(&mut self, now: Instant) {
        let calls: Vec<SipCall> = self.outgoing.keys().copied().collect();
        for call in calls {
            let Some(c) = self.outgoing.get_mut(&call) else {
                continue;
            };
            if let Some(r) = &mut c.resend {
                if r.give_up <= now {
                    let what = r.what;
                    c.resend = None;
                    c.state = OutState::Terminated;
                    c.linger_until = Some(now + LINGER);
                    if what == Pending::Invite {
                        // Timer B: the trunk never answered.
                        self.event(TrunkEvent::Rejected {
                            call,
                            code: 408,
                            reason: "Request Timeout (no response from the trunk)".into(),
                        });
                    }
                    continue;
                } else if r.next <= now {
                    // Timer A doubles without bound; CANCEL and BYE cap at T2 (timer E).
                    r.interval = match r.what {
                        Pending::Invite => r.interval * 2,
                        Pending::Cancel | Pending::Bye => (r.interval * 2).min(T2),
                    };
                    r.next = now + r.interval;
                    let (remote, bytes) = (c.remote, r.bytes.clone());
                    self.transmit(remote, bytes);
                }
            }
            let c = &self.outgoing[&call];
            if c.state == OutState::Terminated
                && c.resend.is_none()
                && c.linger_until.is_some_and(|t| t <= now)
            {
                self.outgoing.remove(&call);
            }
        }
    }
}

fn via(advertised: SocketAddr, branch: &str) -> String {
    format!("SIP/2.0/UDP {advertised};branch={branch};rport")
}

fn reason_phrase(msg: &SipMessage) -> String {
    match &msg.start {
        StartLine::Response { reason, .. } => reason.clone(),
        StartLine::Request { .. } => String::new(),
    }
}

#[cfg(test)]
mod tests;
