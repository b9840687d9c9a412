//! A call's room: the media anchor every leg of a call joins ("every call is a room",
//! `ARCHITECTURE.md`, Conventions).
//!
//! One task per call owns its trunk legs (the customer's RTP socket, and a parallel call's
//! party) and every manager leg's receive path and encoder. Every 20 ms it takes one frame
//! from each leg's jitter buffer, mixes per listener by the call's arrangement (who is on which
//! line, who waits with the hold music: `mixer::RoomMixer`), and sends each leg its mix: G.711
//! over RTP to the trunk, Opus over WebRTC to managers. While nobody has answered, the customer
//! hears ringback instead; on a call a manager placed it is the other way round: the manager
//! hears our ringback until the carrier's early media or the answer (likewise on a parallel
//! line to a number). RFC 4733 digits from the customer come out as
//! [`RoomEvent::CustomerDigit`], and so do tones heard in the customer's audio while a workflow
//! listens for them (carriers that send keys in-band), unless the carrier sends RFC 4733.
//!
//! For a workflow (the IVR) the room plays prompts to the customer, each reported when it ends,
//! and records voicemail: a beep, then the customer's voice at 16 kHz until told to stop.
//!
//! Once told to record, it feeds every leg's own voice (never the hold music or a prompt) to
//! the call's [`Recorder`] each frame, the customer's side apart from the managers'; the
//! recording ends with the room.

mod trunk_leg;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use ringdesk_core::{CallId, ManagerId};
use ringdesk_media::dtmf_detect::DtmfDetector;
use ringdesk_media::inbound::OpusInbound;
use ringdesk_media::mixer::{LegPlace, RoomMixer, hears_wideband};
use ringdesk_media::opus_codec::{MixBand, OpusEncoder};
use ringdesk_media::prompt::{LoopingPlayer, OncePlayer, Prompt, wav_bytes};
use ringdesk_media::resample::Resampler;
use ringdesk_media::tone::ToneGenerator;
use ringdesk_media::{NB_FRAME_SAMPLES, ROOM_FRAME_SAMPLES, ROOM_RATE_HZ};
use ringdesk_rtc::{AudioPeer, PeerEvent, spawn_udp_peer};
use ringdesk_sip::sdp::Negotiated;
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

use crate::recording::{Recorder, Recordings};
use trunk_leg::TrunkLeg;

/// Opus bitrate toward managers: wideband voice with room for FEC.
const OPUS_BITRATE_BPS: i32 = 32_000;
/// Voicemail is kept at this rate: wideband voice at a third of the room's size.
const VOICEMAIL_RATE_HZ: u32 = 16_000;
/// The beep before a voicemail: 1 kHz.
const BEEP_HZ: f64 = 1_000.0;
/// Frames of the beep (the workflow's timer counts the message from its end).
const BEEP_FRAMES: u32 =
    (ringdesk_core::workflow::VOICEMAIL_BEEP.as_millis() / ringdesk_media::FRAME_MS as u128) as u32;

/// Requests to a room.
#[derive(Debug)]
pub enum RoomCommand {
    /// Join a manager's WebRTC leg; replies with the SDP answer.
    AddManager {
        /// Who joins.
        manager: ManagerId,
        /// Their SDP offer.
        offer: String,
        /// The answer, or why not.
        reply: oneshot::Sender<Result<String, String>>,
    },
    /// A manager leaves.
    RemoveManager {
        /// Who leaves.
        manager: ManagerId,
    },
    /// Send DTMF to the customer, or to the parallel party.
    SendDtmf {
        /// Digits.
        digits: String,
        /// To the parallel party (the manager is on its line) instead of the customer.
        to_party: bool,
    },
    /// Someone answered: stop the ringback.
    StopRingback,
    /// The placed call's media is known (from the carrier's early media or its answer):
    /// where to send RTP and in which codec. Our own ringback stops: the carrier's audio
    /// takes over.
    CustomerMedia(Negotiated),
    /// Who hears whom from now on (the call's arrangement): each leg on a line, or on the
    /// hold music, which starts from its beginning when someone starts waiting.
    Arrange {
        /// The customer.
        customer: LegPlace,
        /// The parallel (or merged) party from the trunk.
        party: LegPlace,
        /// Each manager; one not listed is on line 1.
        managers: Vec<(ManagerId, LegPlace)>,
    },
    /// A parallel call to a number: its RTP socket (in our offer). The managers on line 2
    /// hear our ringback until its media is known.
    AddParty {
        /// Bound RTP socket.
        socket: UdpSocket,
    },
    /// The parallel party's media is known (early media or the answer).
    PartyMedia(Negotiated),
    /// The parallel party answered: its silence counts from now.
    PartyAnswered,
    /// The parallel party is gone.
    RemoveParty,
    /// The customer hung up while the call goes on (a parallel party stays).
    DropCustomer,
    /// Play a prompt to the customer, instead of anything else they would hear; its end is
    /// reported as [`RoomEvent::PromptFinished`].
    PlayPrompt {
        /// Names this playback in that report.
        id: u32,
        /// What to play.
        prompt: Prompt,
    },
    /// Stop the prompt playing (a key cut it short).
    StopPrompt,
    /// The customer hears ringback again (a workflow handed the call on to be rung).
    StartRingback,
    /// Listen for DTMF tones in the customer's audio (`true` while a workflow waits for keys).
    ListenForTones(bool),
    /// Beep, then record the customer, for at most `max`.
    RecordVoicemail {
        /// The longest message.
        max: Duration,
    },
    /// Stop recording; the message comes back as [`RoomEvent::Voicemail`].
    StopVoicemail,
    /// Start the call's recording (the customer and a manager are on the line); again is
    /// nothing.
    StartRecording,
    /// Pause the recording (silence is written meanwhile) or resume it; reported back as
    /// [`RoomEvent::RecordingPaused`] with where in the recording.
    PauseRecording(bool),
    /// A callback dials the customer from this socket (in our offer): a new customer leg,
    /// its media known once they answer ([`RoomCommand::CustomerMedia`]); meanwhile the
    /// managers hear ringback.
    DialCustomerBack {
        /// Bound RTP socket.
        socket: UdpSocket,
    },
}

/// What a room reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomEvent {
    /// The customer pressed a key.
    CustomerDigit {
        /// The digit.
        digit: char,
    },
    /// A manager's first audio reached the room (answer-to-audio figure).
    ManagerAudioStarted {
        /// Whose.
        manager: ManagerId,
    },
    /// No RTP from the answered customer for the configured time.
    CustomerMediaTimeout,
    /// The visitor's browser closed its WebRTC connection (the page closed or hung up).
    VisitorLeft,
    /// No RTP from the answered parallel party for the configured time.
    PartyMediaTimeout,
    /// A manager's media leg failed (ICE/DTLS gone).
    ManagerLegLost {
        /// Whose.
        manager: ManagerId,
        /// Why.
        reason: String,
    },
    /// A prompt played to its end.
    PromptFinished {
        /// The playback.
        id: u32,
    },
    /// The recording was paused or resumed, `at_ms` into it.
    RecordingPaused {
        /// Paused (`true`) or resumed.
        paused: bool,
        /// Where in the recording.
        at_ms: u64,
    },
    /// A recorded voicemail: a WAV file (16 kHz mono).
    Voicemail {
        /// The file.
        wav: Vec<u8>,
        /// Its length.
        duration_ms: u64,
    },
}

/// The handle the dispatcher keeps; dropping it closes the room.
#[derive(Debug, Clone)]
pub struct RoomHandle {
    tx: mpsc::UnboundedSender<RoomCommand>,
}

impl RoomHandle {
    /// Queues a command (a closed room ignores it).
    pub fn send(&self, c: RoomCommand) {
        let _ = self.tx.send(c);
    }
}

/// The customer's side of the media, as negotiated on the trunk.
#[derive(Debug)]
pub struct CustomerMedia {
    /// Bound RTP socket (its address is in our SDP).
    pub socket: UdpSocket,
    /// Codec, payload types and the remote RTP address; `None` for a call we place, until
    /// the carrier answers our offer ([`RoomCommand::CustomerMedia`]).
    pub negotiated: Option<Negotiated>,
}

/// A WebRTC leg: a manager's app, or a visitor's browser. Opus both ways.
struct WebLeg {
    send: mpsc::UnboundedSender<Vec<u8>>,
    inbound: OpusInbound,
    encoder: OpusEncoder,
}

impl WebLeg {
    fn send(&mut self, frame: &[i16]) {
        if let Ok(opus) = self.encoder.encode(frame) {
            let _ = self.send.send(opus.to_vec());
        }
    }
}

struct ManagerLeg {
    id: ManagerId,
    web: WebLeg,
    heard: bool,
}

/// The customer's leg: through the trunk, or a visitor's browser (a voice meet). One per
/// room, so the size difference between the two does not matter.
#[allow(clippy::large_enum_variant)]
enum Customer {
    Trunk(TrunkLeg),
    Browser(WebLeg),
}

/// Who a WebRTC leg's events are about: a manager, or the visitor (`None`).
type WebEvent = (Option<ManagerId>, PeerEvent);

/// What every room of the service shares.
#[derive(Debug, Clone)]
pub struct RoomMedia {
    /// Manager legs bind their UDP sockets here.
    pub ip: IpAddr,
    /// An answered customer silent this long is reported as
    /// [`RoomEvent::CustomerMediaTimeout`].
    pub rtp_timeout: Duration,
    /// What held customers hear.
    pub hold_music: Prompt,
    /// Where calls are recorded.
    pub recordings: Recordings,
}

/// Who hears whom, and the tones playing.
struct Mix {
    customer: LegPlace,
    party: LegPlace,
    managers: HashMap<ManagerId, LegPlace>,
    /// Ringback the customer hears while the managers' apps ring (a call that came in): at
    /// 8 kHz for the trunk, at the room's rate for a browser.
    customer_ringback: Option<ToneGenerator>,
    /// Ringback the managers on a line hear while the number they called rings.
    manager_ringback: Option<(u8, ToneGenerator)>,
    /// The hold music, while anyone waits with it.
    music: Option<LoopingPlayer>,
    /// A workflow's prompt the customer hears, and its playback id.
    prompt: Option<(u32, OncePlayer)>,
    /// Finds keys in the customer's audio while a workflow listens; `None` otherwise, and for
    /// good once the carrier sent an RFC 4733 digit.
    tones: Option<DtmfDetector>,
    rfc4733_seen: bool,
    /// A voicemail being recorded.
    voicemail: Option<Voicemail>,
}

/// A voicemail being recorded: the beep first, then the customer's voice.
struct Voicemail {
    beep: ToneGenerator,
    beep_left: u32,
    to_16k: Resampler,
    samples: Vec<i16>,
    max_samples: usize,
}

impl Mix {
    /// Nobody placed or joined anything yet: the defaults every room starts from.
    fn new(
        customer_ringback: Option<ToneGenerator>,
        manager_ringback: Option<(u8, ToneGenerator)>,
    ) -> Mix {
        Mix {
            customer: LegPlace::Line(1),
            party: LegPlace::Line(1),
            managers: HashMap::new(),
            customer_ringback,
            manager_ringback,
            music: None,
            prompt: None,
            tones: None,
            rfc4733_seen: false,
            voicemail: None,
        }
    }

    /// What a workflow plays or records takes the customer's frame `out` (their mix); the
    /// customer's own audio `heard` is what a voicemail keeps.
    fn workflow_audio(&mut self, heard: &[i16], out: &mut [i16]) -> Option<RoomEvent> {
        if let Some((id, player)) = &mut self.prompt {
            let id = *id;
            if player.fill(out) {
                self.prompt = None;
                return Some(RoomEvent::PromptFinished { id });
            }
        } else if let Some(vm) = &mut self.voicemail {
            if vm.beep_left > 0 {
                vm.beep.fill(out);
                vm.beep_left -= 1;
            } else {
                out.fill(0);
                if vm.samples.len() < vm.max_samples {
                    vm.to_16k.process(heard, &mut vm.samples);
                }
            }
        }
        None
    }
}

/// Starts a room for `call`.
pub fn spawn_room(
    call: CallId,
    customer: CustomerMedia,
    media: RoomMedia,
    events: mpsc::UnboundedSender<(CallId, RoomEvent)>,
) -> RoomHandle {
    let (tx, rx) = mpsc::unbounded_channel();
    let placed = customer.negotiated.is_none();
    let leg = Customer::Trunk(TrunkLeg::new(
        customer.socket,
        customer.negotiated,
        media.rtp_timeout,
    ));
    let mix = Mix::new(
        (!placed).then(|| ToneGenerator::korean_ringback(8_000)),
        placed.then(|| (1, ToneGenerator::korean_ringback(ROOM_RATE_HZ))),
    );
    let (web_tx, web_rx) = mpsc::unbounded_channel();
    tokio::spawn(run(call, leg, mix, media, rx, (web_tx, web_rx), events));
    RoomHandle { tx }
}

/// Starts the room of a voice meet: the visitor's browser is the customer, over WebRTC.
/// Returns the room and the SDP answer for the browser.
pub async fn spawn_meet_room(
    call: CallId,
    offer: &str,
    media: RoomMedia,
    events: mpsc::UnboundedSender<(CallId, RoomEvent)>,
) -> Result<(RoomHandle, String), String> {
    let (tx, rx) = mpsc::unbounded_channel();
    let (web_tx, web_rx) = mpsc::unbounded_channel();
    let (visitor, answer) = open_web_leg(None, offer, media.ip, &web_tx).await?;
    let mix = Mix::new(Some(ToneGenerator::korean_ringback(ROOM_RATE_HZ)), None);
    let customer = Customer::Browser(visitor);
    tokio::spawn(run(
        call,
        customer,
        mix,
        media,
        rx,
        (web_tx, web_rx),
        events,
    ));
    Ok((RoomHandle { tx }, answer))
}

/// The customer's RTP socket, when the customer comes through the trunk.
fn trunk_socket(customer: &Customer) -> Option<&UdpSocket> {
    match customer {
        Customer::Trunk(t) => Some(&t.socket),
        Customer::Browser(_) => None,
    }
}

/// Waits for a datagram on `socket`, or forever when there is none (no trunk leg there).
async fn recv_on(
    socket: Option<&UdpSocket>,
    buf: &mut [u8],
) -> std::io::Result<(usize, SocketAddr)> {
    match socket {
        Some(s) => s.recv_from(buf).await,
        None => std::future::pending().await,
    }
}

async fn run(
    call: CallId,
    mut customer: Customer,
    mut mix: Mix,
    media: RoomMedia,
    mut commands: mpsc::UnboundedReceiver<RoomCommand>,
    (leg_tx, mut leg_rx): (
        mpsc::UnboundedSender<WebEvent>,
        mpsc::UnboundedReceiver<WebEvent>,
    ),
    events: mpsc::UnboundedSender<(CallId, RoomEvent)>,
) {
    let mut party: Option<TrunkLeg> = None;
    let mut managers: Vec<ManagerLeg> = Vec::new();
    let mut recorder: Option<Recorder> = None;
    let mut tick =
        tokio::time::interval(Duration::from_millis(u64::from(ringdesk_media::FRAME_MS)));
    // A late tick is not made up (unlike the agent's media loop, `ringdesk_media::pace`).
    // Rooms paced that way were tried: with 200 callers queued at once on two busy cores,
    // call setup slowed until the queue never filled (the queue suite's 201st caller, 31 s
    // against 20). Under saturation a shed frame is a gap in the audio; a starved setup is a
    // lost call.
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut buf = vec![0u8; 2048];
    let mut party_buf = vec![0u8; 2048];
    let mut frames: Vec<Vec<i16>> = Vec::new();
    let mut places: Vec<LegPlace> = Vec::new();
    // Per leg, in `places`' order: whether its voice is wider than the phone band.
    let mut wide: Vec<bool> = Vec::new();
    let mut mixes: Vec<Vec<i16>> = Vec::new();
    let mut mixer = RoomMixer::default();
    let mut music = vec![0i16; ROOM_FRAME_SAMPLES];
    let mut tone = vec![0i16; ROOM_FRAME_SAMPLES];
    let mut narrow = vec![0i16; NB_FRAME_SAMPLES];
    loop {
        tokio::select! {
            r = recv_on(trunk_socket(&customer), &mut buf) => {
                let (Ok((n, from)), Customer::Trunk(t)) = (r, &mut customer) else { continue };
                if let Some(digit) = t.packet(Instant::now(), from, &buf[..n]) {
                    // The carrier sends RFC 4733: tones in its audio are not keys.
                    mix.rfc4733_seen = true;
                    mix.tones = None;
                    let _ = events.send((call, RoomEvent::CustomerDigit { digit }));
                }
            }
            r = recv_on(party.as_ref().map(|p| &p.socket), &mut party_buf) => {
                let (Ok((n, from)), Some(p)) = (r, party.as_mut()) else { continue };
                // A parallel party's keys are not the customer's; nothing acts on them.
                let _ = p.packet(Instant::now(), from, &party_buf[..n]);
            }
            Some((who, ev)) = leg_rx.recv() => match (who, ev) {
                (None, PeerEvent::Audio(a)) => {
                    if let Customer::Browser(v) = &mut customer {
                        v.inbound.push(Instant::now(), a.sequence, a.timestamp, a.payload);
                    }
                }
                (None, PeerEvent::Closed(reason)) => {
                    tracing::info!(%call, "the visitor's media closed: {reason}");
                    let _ = events.send((call, RoomEvent::VisitorLeft));
                }
                (None, PeerEvent::Connected) => tracing::debug!(%call, "visitor media connected"),
                (Some(manager), PeerEvent::Audio(a)) => {
                    if let Some(leg) = managers.iter_mut().find(|l| l.id == manager) {
                        leg.web.inbound.push(Instant::now(), a.sequence, a.timestamp, a.payload);
                        if !leg.heard {
                            leg.heard = true;
                            let _ = events.send((call, RoomEvent::ManagerAudioStarted { manager }));
                        }
                    }
                }
                (Some(manager), PeerEvent::Connected) => tracing::debug!(%call, %manager, "manager media connected"),
                (Some(manager), PeerEvent::Closed(reason)) => {
                    if managers.iter().any(|l| l.id == manager) {
                        managers.retain(|l| l.id != manager);
                        let _ = events.send((call, RoomEvent::ManagerLegLost { manager, reason }));
                    }
                }
            },
            c = commands.recv() => {
                let Some(c) = c else { break };
                match c {
                    RoomCommand::AddManager { manager, offer, reply } => {
                        let r = open_web_leg(Some(manager), &offer, media.ip, &leg_tx).await;
                        match r {
                            Ok((web, answer)) => {
                                managers.retain(|l| l.id != manager);
                                managers.push(ManagerLeg { id: manager, web, heard: false });
                                let _ = reply.send(Ok(answer));
                            }
                            Err(e) => { let _ = reply.send(Err(e)); }
                        }
                    }
                    RoomCommand::RemoveManager { manager } => managers.retain(|l| l.id != manager),
                    RoomCommand::SendDtmf { digits, to_party } => match (to_party, party.as_mut()) {
                        (true, Some(p)) => p.queue_digits(&digits),
                        _ => {
                            if let Customer::Trunk(t) = &mut customer {
                                t.queue_digits(&digits);
                            }
                        }
                    },
                    RoomCommand::StopRingback => {
                        mix.customer_ringback = None;
                        mix.manager_ringback = None;
                        if let Customer::Trunk(t) = &mut customer {
                            t.answered(Instant::now());
                        }
                    }
                    RoomCommand::CustomerMedia(n) => {
                        if let Customer::Trunk(t) = &mut customer {
                            t.set_media(n);
                        }
                        mix.manager_ringback = None;
                    }
                    RoomCommand::Arrange { customer: c, party: p, managers: m } => {
                        mix.customer = c;
                        mix.party = p;
                        mix.managers = m.into_iter().collect();
                    }
                    RoomCommand::AddParty { socket } => {
                        party = Some(TrunkLeg::new(socket, None, media.rtp_timeout));
                        mix.manager_ringback = Some((2, ToneGenerator::korean_ringback(ROOM_RATE_HZ)));
                    }
                    RoomCommand::PartyMedia(n) => {
                        if let Some(p) = party.as_mut() {
                            p.set_media(n);
                        }
                        mix.manager_ringback = None;
                    }
                    RoomCommand::PartyAnswered => {
                        if let Some(p) = party.as_mut() {
                            p.answered(Instant::now());
                        }
                        mix.manager_ringback = None;
                    }
                    RoomCommand::RemoveParty => {
                        party = None;
                        if mix.manager_ringback.as_ref().is_some_and(|(line, _)| *line == 2) {
                            mix.manager_ringback = None;
                        }
                    }
                    RoomCommand::DialCustomerBack { socket } => {
                        customer = Customer::Trunk(TrunkLeg::new(socket, None, media.rtp_timeout));
                        mix.customer_ringback = None;
                        mix.manager_ringback = Some((1, ToneGenerator::korean_ringback(ROOM_RATE_HZ)));
                    }
                    RoomCommand::DropCustomer => {
                        if let Customer::Trunk(t) = &mut customer {
                            t.drop_media();
                        }
                    }
                    RoomCommand::PlayPrompt { id, prompt } => mix.prompt = Some((id, prompt.once())),
                    RoomCommand::StopPrompt => mix.prompt = None,
                    RoomCommand::StartRingback => {
                        let rate = match customer {
                            Customer::Trunk(_) => 8_000,
                            Customer::Browser(_) => ROOM_RATE_HZ,
                        };
                        mix.customer_ringback = Some(ToneGenerator::korean_ringback(rate));
                    }
                    RoomCommand::ListenForTones(on) => {
                        mix.tones = (on && !mix.rfc4733_seen).then(|| DtmfDetector::new(ROOM_RATE_HZ));
                    }
                    RoomCommand::RecordVoicemail { max } => {
                        mix.prompt = None;
                        mix.voicemail = Some(Voicemail {
                            beep: ToneGenerator::new(ROOM_RATE_HZ, &[BEEP_HZ], 6_000.0),
                            beep_left: BEEP_FRAMES,
                            to_16k: Resampler::new(ROOM_RATE_HZ, VOICEMAIL_RATE_HZ),
                            samples: Vec::new(),
                            max_samples: (max.as_millis() as usize) * (VOICEMAIL_RATE_HZ as usize) / 1000,
                        });
                    }
                    RoomCommand::StartRecording => {
                        if recorder.is_none() {
                            recorder = Some(media.recordings.open(call));
                        }
                    }
                    RoomCommand::PauseRecording(paused) => {
                        if let Some(r) = recorder.as_mut() {
                            let at_ms = r.set_paused(paused);
                            let _ = events.send((call, RoomEvent::RecordingPaused { paused, at_ms }));
                        }
                    }
                    RoomCommand::StopVoicemail => {
                        // A caller gone during the beep left no message.
                        if let Some(vm) = mix.voicemail.take().filter(|vm| !vm.samples.is_empty()) {
                            let duration_ms = vm.samples.len() as u64 * 1000 / u64::from(VOICEMAIL_RATE_HZ);
                            let wav = wav_bytes(&vm.samples, VOICEMAIL_RATE_HZ);
                            let _ = events.send((call, RoomEvent::Voicemail { wav, duration_ms }));
                        }
                    }
                }
            }
            _ = tick.tick() => {
                let now = Instant::now();
                if let Customer::Trunk(t) = &mut customer
                    && t.check_timeout(now)
                {
                    let _ = events.send((call, RoomEvent::CustomerMediaTimeout));
                }
                if party.as_mut().is_some_and(|p| p.check_timeout(now)) {
                    let _ = events.send((call, RoomEvent::PartyMediaTimeout));
                }
                // Legs in order: the customer, the party (if any), then the managers.
                let first_manager = 1 + usize::from(party.is_some());
                frames.resize_with(first_manager + managers.len(), Vec::new);
                places.clear();
                match &mut customer {
                    Customer::Trunk(t) => t.pop_frame(now, &mut frames[0]),
                    Customer::Browser(v) => {
                        v.inbound.pop_frame(now, &mut frames[0]);
                    }
                }
                places.push(mix.customer);
                if let Some(detector) = &mut mix.tones {
                    for digit in detector.push(&frames[0]) {
                        let _ = events.send((call, RoomEvent::CustomerDigit { digit }));
                    }
                }
                if let Some(p) = party.as_mut() {
                    p.pop_frame(now, &mut frames[1]);
                    places.push(mix.party);
                }
                for (leg, frame) in managers.iter_mut().zip(frames.iter_mut().skip(first_manager)) {
                    leg.web.inbound.pop_frame(now, frame);
                    places.push(mix.managers.get(&leg.id).copied().unwrap_or(LegPlace::Line(1)));
                }
                if places.contains(&LegPlace::Music) {
                    mix.music
                        .get_or_insert_with(|| media.hold_music.looping())
                        .fill(&mut music);
                } else {
                    mix.music = None;
                }
                let inputs: Vec<&[i16]> = frames.iter().map(|f| f.as_slice()).collect();
                if let Some(r) = recorder.as_mut() {
                    let (customer_side, manager_side) = inputs.split_at(first_manager);
                    r.push(customer_side, manager_side);
                }
                mixer.mix(&inputs, &places, &music, &mut mixes);
                if let Some(e) = mix.workflow_audio(&frames[0], &mut mixes[0]) {
                    let _ = events.send((call, e));
                }
                if let Some((line, ringback)) = &mut mix.manager_ringback {
                    ringback.fill(&mut tone);
                    for (mix, place) in mixes.iter_mut().zip(&places).skip(first_manager) {
                        if *place == LegPlace::Line(*line) {
                            for (m, t) in mix.iter_mut().zip(&tone) {
                                *m = m.saturating_add(*t);
                            }
                        }
                    }
                }
                match &mut customer {
                    Customer::Trunk(t) => {
                        let ringback = mix.customer_ringback.as_mut().map(|tone| {
                            tone.fill(&mut narrow);
                            narrow.as_slice()
                        });
                        if let Err(e) = t.send(&mixes[0], ringback).await {
                            tracing::debug!(%call, "RTP send failed: {e}");
                        }
                    }
                    Customer::Browser(v) => match mix.customer_ringback.as_mut() {
                        Some(ringback) => {
                            ringback.fill(&mut tone);
                            v.send(&tone);
                        }
                        None => v.send(&mixes[0]),
                    },
                }
                if let Some(p) = party.as_mut()
                    && let Err(e) = p.send(&mixes[1], None).await
                {
                    tracing::debug!(%call, "RTP send to the parallel party failed: {e}");
                }
                // Each manager's encoder spends only what their mix carries: phone band when
                // they hear only phone-band voices (the trunk's customer and party).
                wide.clear();
                wide.push(matches!(customer, Customer::Browser(_)));
                wide.extend(party.iter().map(|_| false));
                wide.extend(managers.iter().map(|_| true));
                for (k, (leg, out)) in managers.iter_mut().zip(mixes.iter().skip(first_manager)).enumerate() {
                    let band = if hears_wideband(&places, &wide, first_manager + k) {
                        MixBand::Full
                    } else {
                        MixBand::Phone
                    };
                    if let Err(e) = leg.web.encoder.set_band(band) {
                        tracing::debug!(%call, "Opus band: {e}");
                    }
                    leg.web.send(out);
                }
            }
        }
    }
    if let Some(r) = recorder {
        r.finish();
    }
}

/// Answers a WebRTC offer with a new leg on its own socket; its events go to `leg_tx` tagged
/// with `who` (a manager, or `None` for the visitor).
async fn open_web_leg(
    who: Option<ManagerId>,
    offer: &str,
    media_ip: IpAddr,
    leg_tx: &mpsc::UnboundedSender<WebEvent>,
) -> Result<(WebLeg, String), String> {
    let socket = UdpSocket::bind(SocketAddr::new(media_ip, 0))
        .await
        .map_err(|e| format!("media socket: {e}"))?;
    let local = socket.local_addr().map_err(|e| e.to_string())?;
    let (peer, answer) =
        AudioPeer::answer(Instant::now(), local, offer).map_err(|e| e.to_string())?;
    let mut link = spawn_udp_peer(peer, socket);
    let forward = leg_tx.clone();
    tokio::spawn(async move {
        while let Some(ev) = link.events.recv().await {
            if forward.send((who, ev)).is_err() {
                break;
            }
        }
    });
    let leg = WebLeg {
        send: link.send,
        inbound: OpusInbound::new().map_err(|e| e.to_string())?,
        encoder: OpusEncoder::new(OPUS_BITRATE_BPS).map_err(|e| e.to_string())?,
    };
    Ok((leg, answer))
}
