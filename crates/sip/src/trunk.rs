//! The trunk user agent as a sans-IO state machine: the calls carriers and PBXs send us (UAS),
//! and the calls we place through the carrier (UAC).
//!
//! Receiving: it answers INVITEs for the channel's numbers: authorises the peer (IP allowlist
//! and/or Digest), validates the request and its SDP, and then leaves the decision to the
//! runtime through [`TrunkEvent::Incoming`]; the runtime replies with
//! [`TrunkEngine::progress`], [`TrunkEngine::answer`], [`TrunkEngine::reject`] or
//! [`TrunkEngine::hang_up`]. Transactions are those of a UAS (RFC 3261 §17.2) plus our BYE
//! (§17.1.2).
//!
//! Placing (`trunk/uac.rs`): [`TrunkEngine::dial`] sends an INVITE to the one
//! [`OutboundRoute`] over UDP (the INVITE client transaction, §17.1.1), answers a 401/407 once
//! with the route's Digest credentials, and reports [`TrunkEvent::Progress`] (with the
//! carrier's early media when it sends some), [`TrunkEvent::Answered`] (after our ACK) or
//! [`TrunkEvent::Rejected`] with the carrier's code; [`TrunkEngine::hang_up`] sends CANCEL
//! while it rings (§9.1) and BYE once it is answered. The application picks a placed call's
//! [`SipCall`] handle, clear of the engine's own numbering of received calls (the runtime
//! starts at 2⁴⁸).
//!
//! Either way the far end's BYE comes out as [`TrunkEvent::HungUp`] and a failure at the SIP
//! layer as [`TrunkEvent::Failed`]. Time comes in as `now`; retransmission deadlines go out
//! through [`TrunkEngine::poll_timeout`]; randomness (tags, branches, nonces) comes from the
//! seed given to [`TrunkEngine::new`].

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::SipError;
use crate::digest::{Credentials, challenge};
use crate::message::{NameAddr, SipMessage, StartLine, uri_user, valid_uri};
use crate::sdp::{Negotiated, negotiate, parse_remote_audio};

/// RFC 3261 §17.1.1.1: round-trip estimate.
pub const T1: Duration = Duration::from_millis(500);
/// RFC 3261 §17.1.2.2: maximum retransmit interval for non-INVITE requests and responses.
pub const T2: Duration = Duration::from_secs(4);
/// How long a finished dialog is kept to absorb retransmissions (64·T1).
const LINGER: Duration = Duration::from_secs(32);
/// How long a Digest nonce we issued stays valid.
const NONCE_LIFETIME: Duration = Duration::from_secs(300);

/// A carrier or PBX allowed to send us calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrunkPeer {
    /// Name for logs.
    pub name: String,
    /// Source addresses allowed; empty means any address (then credentials are required).
    pub addresses: Vec<IpAddr>,
    /// Digest credentials (username, password); `None` means the address alone suffices.
    pub credentials: Option<(String, String)>,
}

/// Static configuration of the trunk interface.
#[derive(Debug, Clone)]
pub struct TrunkConfig {
    /// Digest realm.
    pub realm: String,
    /// host:port we put in Contact and Via (the address peers reach us at).
    pub advertised: SocketAddr,
    /// Allowed peers.
    pub peers: Vec<TrunkPeer>,
    /// Server / User-Agent header.
    pub user_agent: String,
    /// Where the calls we place go; `None` when this trunk only receives calls.
    pub outbound: Option<OutboundRoute>,
}

/// Transport a message came over; TCP carries the connection it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// Datagrams: we retransmit.
    Udp,
    /// A stream: reliable, no retransmission (RFC 3261 §17.1.1.2).
    Tcp {
        /// Runtime's connection id.
        connection: u64,
    },
}

/// Where a message came from or goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Remote {
    /// Transport and connection.
    pub transport: Transport,
    /// Peer address.
    pub addr: SocketAddr,
}

/// The engine's handle for one inbound call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SipCall(pub u64);

/// What happened that the runtime must act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrunkEvent {
    /// An authorised, well-formed INVITE with an acceptable offer.
    Incoming {
        /// Handle for replies.
        call: SipCall,
        /// The dialled number (Request-URI user part).
        dialled: String,
        /// The caller's number (From user part), if any.
        caller: Option<String>,
        /// The caller's display name, if any.
        caller_name: Option<String>,
        /// Agreed codec and where to send RTP.
        media: Negotiated,
        /// The trunk peer it came from.
        peer: String,
    },
    /// The caller cancelled before we answered.
    Cancelled {
        /// The call.
        call: SipCall,
    },
    /// The caller's ACK confirmed our answer.
    Confirmed {
        /// The call.
        call: SipCall,
    },
    /// The caller hung up (BYE).
    HungUp {
        /// The call.
        call: SipCall,
    },
    /// A call we placed rings at the far end (18x). `early_media` is set once the carrier
    /// sent SDP with it: its audio (ringback, announcements) flows before the answer.
    Progress {
        /// The call.
        call: SipCall,
        /// Where the carrier's early media comes from, when it has some.
        early_media: Option<Negotiated>,
    },
    /// A call we placed was answered (2xx, acknowledged).
    Answered {
        /// The call.
        call: SipCall,
        /// The agreed codec and where to send RTP.
        media: Negotiated,
    },
    /// A call we placed got a final error response, or none at all (408).
    Rejected {
        /// The call.
        call: SipCall,
        /// The SIP status: 486 busy, 404 unknown number, 480 unavailable, 603 declined, …
        code: u16,
        /// The carrier's reason phrase, or ours.
        reason: String,
    },
    /// The call failed at the SIP layer (no ACK, BYE timed out, connection lost).
    Failed {
        /// The call.
        call: SipCall,
        /// Why.
        reason: String,
    },
}

/// Work for the runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrunkOutput {
    /// Send these bytes.
    Transmit {
        /// Destination.
        to: Remote,
        /// A complete SIP message.
        bytes: Vec<u8>,
    },
    /// Something happened.
    Event(TrunkEvent),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DialogState {
    /// INVITE received, no final response yet.
    Early,
    /// 2xx sent, waiting for ACK.
    Answered,
    /// ACK received.
    Confirmed,
    /// Over; kept to absorb retransmissions until `linger_until`.
    Terminated,
}

#[derive(Debug, Clone)]
struct Retransmit {
    bytes: Vec<u8>,
    next: Instant,
    interval: Duration,
    give_up: Instant,
    kind: RetransmitKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RetransmitKind {
    /// A 2xx to INVITE, until ACK (§13.3.1.4).
    Answer,
    /// A 3xx–6xx to INVITE, until ACK (timer G/H).
    Reject,
    /// Our BYE, until a final response (timer E/F).
    Bye,
}

#[derive(Debug, Clone)]
struct Dialog {
    remote: Remote,
    invite: SipMessage,
    invite_branch: String,
    invite_cseq: u32,
    call_id: String,
    remote_tag: String,
    local_tag: String,
    state: DialogState,
    last_response: Option<Vec<u8>>,
    local_sdp: Option<String>,
    retransmit: Option<Retransmit>,
    bye_branch: Option<String>,
    bye_after_ack: bool,
    linger_until: Option<Instant>,
}

/// The trunk engine. See the module docs.
#[derive(Debug)]
pub struct TrunkEngine {
    config: TrunkConfig,
    rng: StdRng,
    next_call: u64,
    dialogs: HashMap<SipCall, Dialog>,
    by_key: HashMap<(String, String), SipCall>,
    nonces: VecDeque<(String, Instant)>,
    outputs: VecDeque<TrunkOutput>,
    /// Calls we placed (see `uac`).
    outgoing: HashMap<SipCall, uac::OutCall>,
}

impl TrunkEngine {
    /// An engine; `seed` feeds tags, branches and nonces (randomness from outside, so tests
    /// replay exactly).
    pub fn new(config: TrunkConfig, seed: u64) -> Self {
        TrunkEngine {
            config,
            rng: StdRng::seed_from_u64(seed),
            next_call: 1,
            dialogs: HashMap::new(),
            by_key: HashMap::new(),
            nonces: VecDeque::new(),
            outputs: VecDeque::new(),
            outgoing: HashMap::new(),
        }
    }

    /// Next output for the runtime.
    pub fn poll_output(&mut self) -> Option<TrunkOutput> {
        self.outputs.pop_front()
    }

    /// Earliest retransmission or clean-up deadline.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.dialogs
            .values()
            .flat_map(|d| {
                [
                    d.retransmit.as_ref().map(|r| r.next.min(r.give_up)),
                    d.linger_until,
                ]
            })
            .flatten()
            .chain(self.outgoing_timeout())
            .min()
    }

    /// Number of dialogs held (live and lingering, received and placed), for metrics and
    /// tests.
    pub fn dialog_count(&self) -> usize {
        self.dialogs.len() + self.outgoing.len()
    }

    fn random_token(&mut self) -> String {
        format!("{:016x}", self.rng.random::<u64>())
    }

    fn transmit(&mut self, to: Remote, bytes: Vec<u8>) {
        self.outputs.push_back(TrunkOutput::Transmit { to, bytes });
    }

    fn event(&mut self, e: TrunkEvent) {
        self.outputs.push_back(TrunkOutput::Event(e));
    }

    /// Feeds one received message (a datagram, or one framed TCP message).
    pub fn handle_message(&mut self, now: Instant, from: Remote, bytes: &[u8]) {
        let msg = match SipMessage::parse(bytes) {
            Ok(m) => m,
            Err(e) => {
                // A request we can still reply to gets 400; anything else is dropped (§16.3).
                self.reply_to_unparseable(from, bytes, &e);
                return;
            }
        };
        match &msg.start {
            StartLine::Request { .. } => self.handle_request(now, from, msg),
            StartLine::Response { code, .. } => self.handle_response(now, *code, &msg),
        }
    }

    fn reply_to_unparseable(&mut self, from: Remote, bytes: &[u8], err: &SipError) {
        // Salvage the headers a response needs, line by line, from whatever arrived.
        let text = String::from_utf8_lossy(bytes);
        let mut lines = text.lines();
        let Some(first) = lines.next() else { return };
        if first.starts_with("SIP/2.0") || !first.ends_with("SIP/2.0") {
            return;
        }
        let mut headers = Vec::new();
        for line in lines {
            if line.is_empty() {
                break;
            }
            if let Some((n, v)) = line.split_once(':') {
                headers.push((n.trim().to_string(), v.trim().to_string()));
            }
        }
        let salvaged = SipMessage {
            start: StartLine::Request {
                method: "X".into(),
                uri: "x".into(),
            },
            headers,
            body: Vec::new(),
        };
        if has_response_headers(&salvaged) {
            let reason = format!("Bad Request ({err})");
            let resp = self.response(&salvaged, 400, &reason, None);
            self.transmit(from, resp.to_bytes());
        }
    }

    fn response(
        &self,
        req: &SipMessage,
        code: u16,
        reason: &str,
        to_tag: Option<&str>,
    ) -> SipMessage {
        let mut headers: Vec<(String, String)> = Vec::new();
        for via in req.header_all("via") {
            headers.push(("Via".into(), via.to_string()));
        }
        for name in ["From", "To", "Call-ID", "CSeq"] {
            if let Some(v) = req.header(name) {
                let mut v = v.to_string();
                if name == "To"
                    && let Some(tag) = to_tag
                    && NameAddr::parse(&v)
                        .ok()
                        .and_then(|n| n.tag().map(str::to_string))
                        .is_none()
                {
                    v.push_str(";tag=");
                    v.push_str(tag);
                }
                headers.push((name.into(), v));
            }
        }
        headers.push(("Server".into(), self.config.user_agent.clone()));
        SipMessage {
            start: StartLine::Response {
                code,
                reason: reason.to_string(),
            },
            headers,
            body: Vec::new(),
        }
    }

    fn contact(&self, remote: Remote) -> String {
        let transport = match remote.transport {
            Transport::Udp => "",
            Transport::Tcp { .. } => ";transport=tcp",
        };
        format!("<sip:ringdesk@{}{transport}>", self.config.advertised)
    }

    fn send_response(&mut self, to: Remote, req: &SipMessage, code: u16, reason: &str) {
        let resp = self.response(req, code, reason, None);
        self.transmit(to, resp.to_bytes());
    }

    fn handle_request(&mut self, now: Instant, from: Remote, msg: SipMessage) {
        if !has_response_headers(&msg) {
            if msg.header("via").is_some() {
                let missing = ["From", "To", "Call-ID", "CSeq"]
                    .into_iter()
                    .find(|h| msg.header(h).is_none())
                    .unwrap_or("CSeq");
                self.send_response(from, &msg, 400, &format!("Missing {missing} header"));
            }
            return;
        }
        let StartLine::Request { method, .. } = &msg.start else {
            return;
        };
        if msg.cseq().is_none_or(|(_, m)| m != method) {
            self.send_response(from, &msg, 400, "Bad CSeq");
            return;
        }
        if self.outgoing_request(now, from, &msg) {
            return;
        }
        match method.as_str() {
            "INVITE" => self.handle_invite(now, from, msg),
            "ACK" => self.handle_ack(now, &msg),
            "CANCEL" => self.handle_cancel(now, from, &msg),
            "BYE" => self.handle_bye(now, from, &msg),
            "OPTIONS" => {
                if self.authorised_peer(from.addr).is_some() {
                    let mut resp = self.response(&msg, 200, "OK", None);
                    resp.headers.push(("Allow".into(), ALLOW.into()));
                    resp.headers
                        .push(("Accept".into(), "application/sdp".into()));
                    self.transmit(from, resp.to_bytes());
                } else {
                    self.send_response(from, &msg, 403, "Forbidden");
                }
            }
            "INFO" | "UPDATE" | "PRACK" if self.find_dialog(&msg).is_some() => {
                // In-dialog refreshes and INFO carry nothing we act on yet: acknowledge.
                self.send_response(from, &msg, 200, "OK");
            }
            "REGISTER" | "SUBSCRIBE" | "NOTIFY" | "MESSAGE" | "PUBLISH" | "REFER" | "INFO"
            | "UPDATE" | "PRACK" => {
                let mut resp = self.response(&msg, 405, "Method Not Allowed", None);
                resp.headers.push(("Allow".into(), ALLOW.into()));
                self.transmit(from, resp.to_bytes());
            }
            _ => self.send_response(from, &msg, 501, "Not Implemented"),
        }
    }

    fn find_dialog(&self, msg: &SipMessage) -> Option<SipCall> {
        let call_id = msg.call_id()?;
        let from_tag = NameAddr::parse(msg.header("from")?)
            .ok()?
            .tag()?
            .to_string();
        let to_tag = NameAddr::parse(msg.header("to")?)
            .ok()?
            .tag()
            .map(str::to_string);
        // Requests from the caller carry its tag in From; responses to our BYE carry it in To.
        let call = self
            .by_key
            .get(&(call_id.to_string(), from_tag.clone()))
            .or_else(|| to_tag.and_then(|t| self.by_key.get(&(call_id.to_string(), t))))?;
        Some(*call)
    }

    /// The peer an address is allowed for without Digest, or with Digest required.
    fn authorised_peer(&self, addr: SocketAddr) -> Option<&TrunkPeer> {
        self.config
            .peers
            .iter()
            .find(|p| p.addresses.is_empty() || p.addresses.contains(&addr.ip()))
    }

    fn check_auth(&mut self, now: Instant, from: Remote, msg: &SipMessage) -> Result<String, ()> {
        let matching: Vec<TrunkPeer> = self
            .config
            .peers
            .iter()
            .filter(|p| p.addresses.is_empty() || p.addresses.contains(&from.addr.ip()))
            .cloned()
            .collect();
        if matching.is_empty() {
            self.send_response(from, msg, 403, "Forbidden");
            return Err(());
        }
        if let Some(open) = matching.iter().find(|p| p.credentials.is_none()) {
            return Ok(open.name.clone());
        }
        self.nonces
            .retain(|(_, at)| now.duration_since(*at) < NONCE_LIFETIME);
        let Some(creds) = msg.header("authorization").and_then(Credentials::parse) else {
            let nonce = self.random_token();
            self.nonces.push_back((nonce.clone(), now));
            if self.nonces.len() > 1024 {
                self.nonces.pop_front();
            }
            let mut resp = self.response(msg, 401, "Unauthorized", None);
            resp.headers.push((
                "WWW-Authenticate".into(),
                challenge(&self.config.realm, &nonce),
            ));
            self.transmit(from, resp.to_bytes());
            return Err(());
        };
        let nonce_ok = self.nonces.iter().any(|(n, _)| *n == creds.nonce);
        let peer = matching.iter().find(|p| {
            p.credentials.as_ref().is_some_and(|(user, pass)| {
                *user == creds.username
                    && creds.realm == self.config.realm
                    && creds.verify("INVITE", pass)
            })
        });
        match peer {
            Some(p) if nonce_ok => Ok(p.name.clone()),
            _ => {
                self.send_response(from, msg, 403, "Forbidden");
                Err(())
            }
        }
    }

    fn handle_invite(&mut self, now: Instant, from: Remote, msg: SipMessage) {
        let to_has_tag = msg
            .header("to")
            .and_then(|v| NameAddr::parse(v).ok())
            .is_some_and(|n| n.tag().is_some());
        let branch = msg.top_via_branch().unwrap_or_default().to_string();
        let cseq = msg.cseq().map_or(0, |(n, _)| n);
        if let Some(call) = self.find_dialog(&msg) {
            let Some(d) = self.dialogs.get(&call) else {
                return;
            };
            if d.invite_branch == branch && d.invite_cseq == cseq {
                // Retransmission of the INVITE: repeat our last response (§17.2.1).
                if let Some(last) = d.last_response.clone() {
                    self.transmit(from, last);
                }
                return;
            }
            if to_has_tag && matches!(d.state, DialogState::Answered | DialogState::Confirmed) {
                // re-INVITE (refresh, or a hold we don't act on yet): keep our session.
                let sdp = d.local_sdp.clone().unwrap_or_default();
                let local_tag = d.local_tag.clone();
                let mut resp = self.response(&msg, 200, "OK", Some(&local_tag));
                resp.headers.push(("Contact".into(), self.contact(from)));
                resp.headers
                    .push(("Content-Type".into(), "application/sdp".into()));
                resp.body = sdp.into_bytes();
                self.transmit(from, resp.to_bytes());
                return;
            }
        }
        if to_has_tag {
            self.send_response(from, &msg, 481, "Call/Transaction Does Not Exist");
            return;
        }
        let Ok(peer) = self.check_auth(now, from, &msg) else {
            return;
        };
        let StartLine::Request { uri, .. } = &msg.start else {
            return;
        };
        let Some(dialled) = uri_user(uri).map(str::to_string) else {
            self.send_response(from, &msg, 404, "Not Found (no number in Request-URI)");
            return;
        };
        let Ok(from_addr) = NameAddr::parse(msg.header("from").unwrap_or_default()) else {
            self.send_response(from, &msg, 400, "Bad From header");
            return;
        };
        // The Contact becomes the target of our BYE: it must be a usable URI (§8.1.1.8).
        if let Some(contact) = msg.header("contact")
            && !NameAddr::parse(contact).is_ok_and(|c| valid_uri(&c.uri))
        {
            self.send_response(from, &msg, 400, "Bad Contact header");
            return;
        }
        let Some(remote_tag) = from_addr.tag().map(str::to_string) else {
            self.send_response(from, &msg, 400, "From header has no tag");
            return;
        };
        if msg.body.is_empty() {
            self.reject_media(
                from,
                &msg,
                "Not Acceptable Here (offerless INVITE is not supported)",
            );
            return;
        }
        if msg
            .header("content-type")
            .is_some_and(|t| !t.to_ascii_lowercase().starts_with("application/sdp"))
        {
            self.send_response(from, &msg, 415, "Unsupported Media Type");
            return;
        }
        let media = match parse_remote_audio(&msg.body).and_then(|r| negotiate(&r)) {
            Ok(m) => m,
            Err(SipError::NotAcceptable(why)) => {
                self.reject_media(from, &msg, &format!("Not Acceptable Here ({why})"));
                return;
            }
            Err(e) => {
                self.send_response(from, &msg, 400, &format!("Bad Request ({e})"));
                return;
            }
        };
        let call = SipCall(self.next_call);
        self.next_call += 1;
        let local_tag = self.random_token();
        let call_id = msg.call_id().unwrap_or_default().to_string();
        let trying = self.response(&msg, 100, "Trying", None).to_bytes();
        self.transmit(from, trying.clone());
        self.by_key
            .insert((call_id.clone(), remote_tag.clone()), call);
        self.dialogs.insert(
            call,
            Dialog {
                remote: from,
                invite: msg.clone(),
                invite_branch: branch,
                invite_cseq: cseq,
                call_id,
                remote_tag,
                local_tag,
                state: DialogState::Early,
                last_response: Some(trying),
                local_sdp: None,
                retransmit: None,
                bye_branch: None,
                bye_after_ack: false,
                linger_until: None,
            },
        );
        self.event(TrunkEvent::Incoming {
            call,
            dialled,
            caller: uri_user(&from_addr.uri).map(str::to_string),
            caller_name: from_addr.display,
            media,
            peer,
        });
    }

    fn reject_media(&mut self, from: Remote, msg: &SipMessage, reason: &str) {
        let mut resp = self.response(msg, 488, reason, None);
        resp.headers
            .push(("Warning".into(), format!("305 ringdesk \"{reason}\"")));
        self.transmit(from, resp.to_bytes());
    }

    fn handle_ack(&mut self, now: Instant, msg: &SipMessage) {
        let Some(call) = self.find_dialog(msg) else {
            return;
        };
        let Some(d) = self.dialogs.get_mut(&call) else {
            return;
        };
        match d.state {
            DialogState::Answered => {
                d.state = DialogState::Confirmed;
                d.retransmit = None;
                let hang_up = d.bye_after_ack;
                self.event(TrunkEvent::Confirmed { call });
                if hang_up {
                    self.send_bye(now, call);
                }
            }
            DialogState::Terminated => {
                // ACK for our non-2xx final response: stop timer G (§17.2.1).
                if d.retransmit
                    .as_ref()
                    .is_some_and(|r| r.kind == RetransmitKind::Reject)
                {
                    d.retransmit = None;
                }
            }
            DialogState::Early | DialogState::Confirmed => {}
        }
    }

    fn handle_cancel(&mut self, now: Instant, from: Remote, msg: &SipMessage) {
        let branch = msg.top_via_branch().unwrap_or_default();
        let call = self.find_dialog(msg).filter(|c| {
            self.dialogs
                .get(c)
                .is_some_and(|d| d.invite_branch == branch)
        });
        let Some(call) = call else {
            self.send_response(from, msg, 481, "Call/Transaction Does Not Exist");
            return;
        };
        let local_tag = self.dialogs[&call].local_tag.clone();
        let ok = self.response(msg, 200, "OK", Some(&local_tag));
        self.transmit(from, ok.to_bytes());
        if self.dialogs[&call].state == DialogState::Early {
            self.final_reject(now, call, 487, "Request Terminated");
            self.event(TrunkEvent::Cancelled { call });
        }
    }

    fn handle_bye(&mut self, now: Instant, from: Remote, msg: &SipMessage) {
        let Some(call) = self.find_dialog(msg) else {
            self.send_response(from, msg, 481, "Call/Transaction Does Not Exist");
            return;
        };
        let local_tag = self.dialogs[&call].local_tag.clone();
        let ok = self.response(msg, 200, "OK", Some(&local_tag));
        self.transmit(from, ok.to_bytes());
        let d = self.dialogs.get_mut(&call).expect("found above");
        if d.state == DialogState::Terminated {
            return;
        }
        let was_early = d.state == DialogState::Early;
        d.state = DialogState::Terminated;
        d.retransmit = None;
        d.linger_until = Some(now + LINGER);
        if was_early {
            // A BYE before our final answer (caller gave up on an early dialog): finish the
            // INVITE transaction too (RFC 3261 §15.1.2).
            self.final_reject(now, call, 487, "Request Terminated");
        }
        self.event(TrunkEvent::HungUp { call });
    }

    fn handle_response(&mut self, now: Instant, code: u16, msg: &SipMessage) {
        if self.outgoing_response(now, code, msg) {
            return;
        }
        if code < 200 {
            return;
        }
        let Some(branch) = msg.top_via_branch() else {
            return;
        };
        let Some((&call, _)) = self
            .dialogs
            .iter()
            .find(|(_, d)| d.bye_branch.as_deref() == Some(branch))
        else {
            return;
        };
        if let Some(d) = self.dialogs.get_mut(&call) {
            d.retransmit = None;
            d.bye_branch = None;
            d.linger_until = Some(now + LINGER);
        }
    }

    /// Sends 180 Ringing (no SDP) or 183 Session Progress with our SDP (early media: the
    /// caller hears our ringback).
    pub fn progress(&mut self, call: SipCall, sdp: Option<String>) {
        let Some(d) = self
            .dialogs
            .get(&call)
            .filter(|d| d.state == DialogState::Early)
        else {
            return;
        };
        let (code, reason) = if sdp.is_some() {
            (183, "Session Progress")
        } else {
            (180, "Ringing")
        };
        let mut resp = self.response(&d.invite, code, reason, Some(&d.local_tag));
        resp.headers
            .push(("Contact".into(), self.contact(d.remote)));
        if let Some(sdp) = &sdp {
            resp.headers
                .push(("Content-Type".into(), "application/sdp".into()));
            resp.body = sdp.clone().into_bytes();
        }
        let bytes = resp.to_bytes();
        let remote = d.remote;
        if let Some(d) = self.dialogs.get_mut(&call) {
            d.last_response = Some(bytes.clone());
            if sdp.is_some() {
                d.local_sdp = sdp;
            }
        }
        self.transmit(remote, bytes);
    }

    /// Answers with 200 OK and our SDP, retransmitting until the caller's ACK.
    pub fn answer(&mut self, now: Instant, call: SipCall, sdp: String) {
        let Some(d) = self
            .dialogs
            .get(&call)
            .filter(|d| d.state == DialogState::Early)
        else {
            return;
        };
        let mut resp = self.response(&d.invite, 200, "OK", Some(&d.local_tag));
        resp.headers
            .push(("Contact".into(), self.contact(d.remote)));
        resp.headers.push(("Allow".into(), ALLOW.into()));
        resp.headers
            .push(("Content-Type".into(), "application/sdp".into()));
        resp.body = sdp.clone().into_bytes();
        let bytes = resp.to_bytes();
        let remote = d.remote;
        if let Some(d) = self.dialogs.get_mut(&call) {
            d.state = DialogState::Answered;
            d.last_response = Some(bytes.clone());
            d.local_sdp = Some(sdp);
            // §13.3.1.4: retransmit 2xx over any transport (a proxy may use UDP downstream).
            d.retransmit = Some(Retransmit {
                bytes: bytes.clone(),
                next: now + T1,
                interval: T1,
                give_up: now + 64 * T1,
                kind: RetransmitKind::Answer,
            });
        }
        self.transmit(remote, bytes);
    }

    /// Rejects a call not yet answered with a final response (e.g. 404, 480, 486).
    pub fn reject(&mut self, now: Instant, call: SipCall, code: u16, reason: &str) {
        if self
            .dialogs
            .get(&call)
            .is_some_and(|d| d.state == DialogState::Early)
        {
            self.final_reject(now, call, code, reason);
        }
    }

    fn final_reject(&mut self, now: Instant, call: SipCall, code: u16, reason: &str) {
        let Some(d) = self.dialogs.get(&call) else {
            return;
        };
        let resp = self
            .response(&d.invite, code, reason, Some(&d.local_tag))
            .to_bytes();
        let remote = d.remote;
        let d = self.dialogs.get_mut(&call).expect("checked above");
        d.state = DialogState::Terminated;
        d.last_response = Some(resp.clone());
        d.linger_until = Some(now + LINGER);
        d.retransmit = (remote.transport == Transport::Udp).then(|| Retransmit {
            bytes: resp.clone(),
            next: now + T1,
            interval: T1,
            give_up: now + 64 * T1,
            kind: RetransmitKind::Reject,
        });
        self.transmit(remote, resp);
    }

    /// Ends a call from our side: BYE once answered (after the ACK), or a final
    /// `480 Temporarily Unavailable` while still ringing. A call we placed is cancelled while
    /// it rings.
    pub fn hang_up(&mut self, now: Instant, call: SipCall) {
        if self.outgoing.contains_key(&call) {
            return self.hang_up_outgoing(now, call);
        }
        let Some(d) = self.dialogs.get_mut(&call) else {
            return;
        };
        match d.state {
            DialogState::Early => self.final_reject(now, call, 480, "Temporarily Unavailable"),
            DialogState::Answered => d.bye_after_ack = true,
            DialogState::Confirmed => self.send_bye(now, call),
            DialogState::Terminated => {}
        }
    }

    fn send_bye(&mut self, now: Instant, call: SipCall) {
        let branch = format!("z9hG4bK{}", self.random_token());
        let Some(d) = self.dialogs.get(&call) else {
            return;
        };
        let target = d
            .invite
            .header("contact")
            .and_then(|c| NameAddr::parse(c).ok())
            .map(|c| c.uri)
            .unwrap_or_else(|| format!("sip:{}", d.remote.addr));
        let proto = match d.remote.transport {
            Transport::Udp => "UDP",
            Transport::Tcp { .. } => "TCP",
        };
        let mut headers = vec![
            (
                "Via".to_string(),
                format!(
                    "SIP/2.0/{proto} {};branch={branch};rport",
                    self.config.advertised
                ),
            ),
            ("Max-Forwards".into(), "70".into()),
            (
                "From".into(),
                format!(
                    "{};tag={}",
                    d.invite.header("to").unwrap_or_default(),
                    d.local_tag
                ),
            ),
            (
                "To".into(),
                d.invite.header("from").unwrap_or_default().to_string(),
            ),
            ("Call-ID".into(), d.call_id.clone()),
            ("CSeq".into(), "1 BYE".into()),
        ];
        // UAS route set: Record-Route values in order (RFC 3261 §12.1.1).
        for rr in d.invite.header_all("record-route") {
            headers.push(("Route".into(), rr.to_string()));
        }
        headers.push(("User-Agent".into(), self.config.user_agent.clone()));
        let bye = SipMessage {
            start: StartLine::Request {
                method: "BYE".into(),
                uri: target,
            },
            headers,
            body: Vec::new(),
        };
        let bytes = bye.to_bytes();
        let remote = d.remote;
        let d = self.dialogs.get_mut(&call).expect("checked above");
        d.state = DialogState::Terminated;
        d.bye_branch = Some(branch);
        d.linger_until = Some(now + LINGER);
        d.retransmit = Some(Retransmit {
            bytes: bytes.clone(),
            next: now
                + if remote.transport == Transport::Udp {
                    T1
                } else {
                    64 * T1
                },
            interval: T1,
            give_up: now + 64 * T1,
            kind: RetransmitKind::Bye,
        });
        self.transmit(remote, bytes);
    }

    /// The transport carrying `connection` closed: calls on it fail.
    pub fn connection_closed(&mut self, now: Instant, connection: u64) {
        let calls: Vec<SipCall> = self
            .dialogs
            .iter()
            .filter(|(_, d)| {
                d.remote.transport == Transport::Tcp { connection }
                    && d.state != DialogState::Terminated
            })
            .map(|(c, _)| *c)
            .collect();
        for call in calls {
            if let Some(d) = self.dialogs.get_mut(&call) {
                d.state = DialogState::Terminated;
                d.retransmit = None;
                d.linger_until = Some(now);
            }
            self.event(TrunkEvent::Failed {
                call,
                reason: "connection closed".into(),
            });
        }
    }

    /// Fires retransmissions and expiries due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.outgoing_timers(now);
        let calls: Vec<SipCall> = self.dialogs.keys().copied().collect();
        for call in calls {
            let Some(d) = self.dialogs.get_mut(&call) else {
                continue;
            };
            if let Some(r) = &mut d.retransmit {
                if r.give_up <= now {
                    let kind = r.kind;
                    d.retransmit = None;
                    match kind {
                        RetransmitKind::Answer => {
                            // No ACK in 64·T1: the call failed; end it with a BYE (§13.3.1.4).
                            self.event(TrunkEvent::Failed {
                                call,
                                reason: "no ACK for 200 OK".into(),
                            });
                            self.send_bye(now, call);
                        }
                        RetransmitKind::Reject | RetransmitKind::Bye => {}
                    }
                    continue;
                } else if r.next <= now {
                    let bytes = r.bytes.clone();
                    // INVITE responses double up to T2 (timer G); our BYE likewise (timer E).
                    r.interval = (r.interval * 2).min(T2);
                    r.next = now + r.interval;
                    let remote = d.remote;
                    self.transmit(remote, bytes);
                }
            }
            let Some(d) = self.dialogs.get(&call) else {
                continue;
            };
            if d.state == DialogState::Terminated
                && d.retransmit.is_none()
                && d.linger_until.is_some_and(|t| t <= now)
            {
                let key = (d.call_id.clone(), d.remote_tag.clone());
                self.dialogs.remove(&call);
                self.by_key.remove(&key);
            }
        }
    }
}

const ALLOW: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS";

fn has_response_headers(msg: &SipMessage) -> bool {
    ["via", "from", "to", "call-id", "cseq"]
        .iter()
        .all(|h| msg.header(h).is_some())
}

#[cfg(test)]
mod tests;
mod uac;

pub use uac::{DialRequest, OutboundRoute};
