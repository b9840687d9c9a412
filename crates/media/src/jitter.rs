//! Adaptive jitter buffer: `push(now, packet)` as packets arrive, `pop(now)` once per frame.
//!
//! Packets are ordered by (extended) sequence number. Playout starts once the buffer holds the
//! target delay; the target follows the RFC 3550 §6.4.1 inter-arrival jitter estimate
//! (target = one frame + 3 × jitter, clamped). When the buffer runs more than two frames past
//! its target it drops the oldest frame to win latency back; a burst (more than
//! `BURST_FRAMES` past, or more than two when playout starts) is skipped in one step, so a
//! listener never plays seconds of stale audio at double speed; when it runs dry it rebuffers.
//!
//! Loss teaches it too: when a slot had to be waited for (`Stalled`) on a link that is losing
//! packets, and what it waited for then came — the slot's own packet (a RED copy comes late,
//! with the packet that carries it), or for Opus the next packet whose FEC rebuilds it — the
//! wait is what the target lacked. The longest such wait is added to the target and held for
//! `MARGIN_HOLD`, so the next burst of the same length is rebuilt in time instead of
//! stretching the audio by concealment and then dropping a frame to catch up.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Frames past the target delay that count as a burst to skip rather than drain slowly.
const BURST_FRAMES: u64 = 5;
/// Frames concealed while nothing arrives (as long as concealment lasts) before the buffer
/// gives up and rebuffers.
const MAX_STALLED_FRAMES: u32 = 3;
/// The same when the next packets can rebuild the missing ones (Opus FEC and two RED copies):
/// a burst of three is whole again once the packet after it arrives, four frames on, and the
/// wait is worth one frame more of concealment than a plain gap.
const MAX_STALLED_FRAMES_WITH_FEC: u32 = 5;
/// The most a learned recovery margin adds to the target: enough to rebuild a burst of three
/// in time (the mean burst on a lossy Wi-Fi or mobile link) without letting rarer, longer
/// bursts push the conversation's delay up for good.
const MAX_MARGIN_FRAMES: u32 = 3;
/// How long a learned recovery margin is kept after it last proved needed; then it steps down
/// one frame per period. Loss on a link tends to persist: a margin dropped too soon leaves the
/// next burst to stall again.
const MARGIN_HOLD: Duration = Duration::from_secs(20);

/// What `pop` hands the decoder for one frame slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Playout<T> {
    /// The packet for this slot.
    Frame(T),
    /// This slot's packet is missing but later ones are here: conceal (PLC/FEC) and go on.
    Missing,
    /// Nothing has arrived for this slot yet (a lost packet with the buffer at one frame, or
    /// the link stalling): conceal a frame and wait for this slot again — the delay grows by
    /// a frame, so a lost packet's successor is then there for its FEC.
    Stalled,
    /// Nothing to play (not started, or dry for longer than concealment lasts): play silence
    /// or comfort noise.
    Empty,
}

/// Why a pushed packet was not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushOutcome {
    /// Stored for playout.
    Stored,
    /// Its slot was already played (or skipped); too late to use.
    Late,
    /// A copy of a packet already buffered.
    Duplicate,
}

/// Tuning of a [`JitterBuffer`].
#[derive(Debug, Clone, Copy)]
pub struct JitterConfig {
    /// Samples per second of the RTP timestamp clock.
    pub clock_rate_hz: u32,
    /// Duration of one packet.
    pub frame: Duration,
    /// Lowest target delay.
    pub min_delay: Duration,
    /// Highest target delay.
    pub max_delay: Duration,
    /// Whether a lost packet can be rebuilt from the one after it (Opus in-band FEC, RED):
    /// then a wait that ended with that packet in hand counts as a recovery to hold room for.
    pub rebuilds_from_next: bool,
}

impl JitterConfig {
    /// 20 ms frames, 20–200 ms delay; a lost packet is concealed, not rebuilt (G.711).
    pub fn voice(clock_rate_hz: u32) -> Self {
        JitterConfig {
            clock_rate_hz,
            frame: Duration::from_millis(20),
            min_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(200),
            rebuilds_from_next: false,
        }
    }

    /// As [`JitterConfig::voice`], for a codec whose next packet rebuilds a lost one (Opus).
    pub fn voice_with_fec(clock_rate_hz: u32) -> Self {
        JitterConfig {
            rebuilds_from_next: true,
            ..Self::voice(clock_rate_hz)
        }
    }
}

/// The jitter buffer itself; generic over the payload so it serves G.711 and Opus alike.
#[derive(Debug)]
pub struct JitterBuffer<T> {
    config: JitterConfig,
    packets: BTreeMap<u64, T>,
    highest: Option<u64>,
    next_play: Option<u64>,
    playing: bool,
    /// Frames in a row popped while nothing had arrived.
    stalled: u32,
    /// Frames added to the target: the longest recent wait that ended in a recovery.
    margin_frames: u32,
    /// When `margin_frames` last proved needed (or last stepped down).
    margin_at: Option<Instant>,
    /// When a slot last had to be played without its packet: the link is losing packets.
    missing_at: Option<Instant>,
    buffering_since: Option<Instant>,
    /// RFC 3550 jitter estimate, in seconds.
    jitter_s: f64,
    last_transit: Option<f64>,
    epoch: Option<Instant>,
}

impl<T> JitterBuffer<T> {
    /// An empty buffer.
    pub fn new(config: JitterConfig) -> Self {
        JitterBuffer {
            config,
            packets: BTreeMap::new(),
            highest: None,
            next_play: None,
            playing: false,
            stalled: 0,
            margin_frames: 0,
            margin_at: None,
            missing_at: None,
            buffering_since: None,
            jitter_s: 0.0,
            last_transit: None,
            epoch: None,
        }
    }

    /// Current target delay.
    pub fn target_delay(&self) -> Duration {
        let frames = 1.0 + f64::from(self.margin_frames);
        let raw = frames * self.config.frame.as_secs_f64() + 3.0 * self.jitter_s;
        Duration::from_secs_f64(raw).clamp(self.config.min_delay, self.config.max_delay)
    }

    /// A run of `waited` stalled frames ended at `now` with its slot playable: hold that much.
    fn learn_margin(&mut self, now: Instant, waited: u32) {
        let waited = waited.min(MAX_MARGIN_FRAMES);
        if waited >= self.margin_frames {
            self.margin_frames = waited;
            self.margin_at = Some(now);
        }
    }

    /// Steps a margin that has not been needed for `MARGIN_HOLD` down by one frame.
    fn relax_margin(&mut self, now: Instant) {
        if let Some(at) = self.margin_at
            && now.saturating_duration_since(at) >= MARGIN_HOLD
        {
            self.margin_frames = self.margin_frames.saturating_sub(1);
            self.margin_at = (self.margin_frames > 0).then_some(now);
        }
    }

    /// Packets waiting for playout.
    pub fn len(&self) -> usize {
        self.packets.len()
    }

    /// Whether no packets wait.
    pub fn is_empty(&self) -> bool {
        self.packets.is_empty()
    }

    /// The RFC 3550 inter-arrival jitter estimate.
    pub fn jitter(&self) -> Duration {
        Duration::from_secs_f64(self.jitter_s)
    }

    /// Extends a 16-bit sequence number to 64 bits near the highest seen (RFC 3550 A.1 idea).
    fn extend(&self, seq: u16) -> u64 {
        let Some(highest) = self.highest else {
            return u64::from(seq) + (1 << 16);
        };
        let candidates = [
            highest & !0xFFFF,
            (highest & !0xFFFF) + (1 << 16),
            (highest & !0xFFFF).wrapping_sub(1 << 16),
        ];
        candidates
            .into_iter()
            .map(|base| base | u64::from(seq))
            .min_by_key(|c| c.abs_diff(highest))
            .unwrap_or(u64::from(seq))
    }

    /// Stores one packet that arrived at `now`.
    pub fn push(&mut self, now: Instant, sequence: u16, timestamp: u32, payload: T) -> PushOutcome {
        let ext = self.extend(sequence);
        self.update_jitter(now, timestamp);
        if self.next_play.is_some_and(|next| ext < next) {
            return PushOutcome::Late;
        }
        if self.packets.contains_key(&ext) {
            return PushOutcome::Duplicate;
        }
        self.highest = Some(self.highest.map_or(ext, |h| h.max(ext)));
        self.packets.insert(ext, payload);
        if !self.playing && self.buffering_since.is_none() {
            self.buffering_since = Some(now);
        }
        PushOutcome::Stored
    }

    fn update_jitter(&mut self, now: Instant, timestamp: u32) {
        let epoch = *self.epoch.get_or_insert(now);
        let arrival = now.duration_since(epoch).as_secs_f64();
        let transit = arrival - f64::from(timestamp) / f64::from(self.config.clock_rate_hz);
        if let Some(last) = self.last_transit {
            let mut d = (transit - last).abs();
            // A timestamp jump (new talkspurt, wrap) is not jitter.
            if d > 1.0 {
                d = 0.0;
            }
            self.jitter_s += (d - self.jitter_s) / 16.0;
        }
        self.last_transit = Some(transit);
    }

    fn frames_buffered(&self) -> u64 {
        match (self.next_play, self.highest) {
            (Some(next), Some(h)) if h >= next => h - next + 1,
            (None, Some(_)) => self.packets.len() as u64,
            _ => 0,
        }
    }

    /// The packet for the slot `pop` will play next, if it has arrived: after a `Missing`,
    /// this is the packet whose Opus in-band FEC can rebuild the lost one.
    pub fn peek_next(&self) -> Option<&T> {
        self.packets.get(&self.next_play?)
    }

    /// Takes the next frame slot's content. Call once per frame duration.
    pub fn pop(&mut self, now: Instant) -> Playout<T> {
        let starting = !self.playing;
        if !self.playing {
            let Some(since) = self.buffering_since else {
                return Playout::Empty;
            };
            let target = self.target_delay();
            let filled = self.config.frame * self.frames_buffered() as u32 >= target;
            if !filled && now.duration_since(since) < target {
                return Playout::Empty;
            }
            self.playing = true;
            if self.next_play.is_none() {
                self.next_play = self.packets.keys().next().copied();
            }
        }
        let Some(next) = self.next_play else {
            return Playout::Empty;
        };
        if self.packets.is_empty() {
            let max_stalled = if self.config.rebuilds_from_next {
                MAX_STALLED_FRAMES_WITH_FEC
            } else {
                MAX_STALLED_FRAMES
            };
            if self.stalled < max_stalled {
                self.stalled += 1;
                return Playout::Stalled;
            }
            // Dry for longer than concealment lasts (the far end paused, the link is down):
            // rebuffer before playing again, keeping our place in the sequence.
            self.stalled = 0;
            self.playing = false;
            self.buffering_since = None;
            return Playout::Empty;
        }
        let own_packet_here = self.packets.contains_key(&next);
        if self.stalled > 0 {
            // The wait is over: it was worth it if the slot can now be played — rebuilt from
            // the next packet, or its own packet came (late, or as a copy carried by a later
            // one while the link is losing packets; on a clean link lateness is jitter, which
            // the estimate above answers for).
            let rebuilt = !own_packet_here
                && self.config.rebuilds_from_next
                && self.packets.contains_key(&(next + 1));
            let link_lossy = self
                .missing_at
                .is_some_and(|at| now.saturating_duration_since(at) < MARGIN_HOLD);
            if rebuilt || (own_packet_here && link_lossy) {
                self.learn_margin(now, self.stalled);
            }
        }
        if !own_packet_here {
            self.missing_at = Some(now);
        }
        self.stalled = 0;
        self.relax_margin(now);
        // Too much delay piled up: a little is won back one dropped slot per frame; a burst
        // (audio that waited while the link or the listener was busy, or a backlog when playout
        // starts) is skipped at once, or it would play choppy for as long as it lasted.
        let target_frames =
            (self.target_delay().as_secs_f64() / self.config.frame.as_secs_f64()).ceil() as u64;
        let mut next = next;
        let buffered = self.frames_buffered();
        let burst = if starting { 2 } else { BURST_FRAMES };
        if let Some(highest) = self.highest
            && buffered > target_frames + burst
        {
            next = highest + 1 - target_frames.max(1);
            self.packets = self.packets.split_off(&next);
        } else if buffered > target_frames + 2 {
            self.packets.remove(&next);
            next += 1;
        }
        self.next_play = Some(next + 1);
        match self.packets.remove(&next) {
            Some(p) => Playout::Frame(p),
            None => Playout::Missing,
        }
    }
}

#[cfg(test)]
// A test picks an origin instant for its virtual clock; the code under test never reads it.
#[allow(clippy::disallowed_methods)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy)]
    enum Step {
        /// (arrival ms, sequence) — timestamp follows sequence at 20 ms.
        Push(u64, u16),
        /// Pop at ms, expecting the sequence played, -2 = Missing, -1 = Empty.
        Pop(u64, i32),
        /// A push expected to be refused with this outcome.
        Refused(u64, u16, PushOutcome),
    }
    use PushOutcome::*;
    use Step::*;

    fn run(steps: &[Step]) -> Vec<String> {
        let t0 = Instant::now();
        let mut jb = JitterBuffer::new(JitterConfig::voice(8_000));
        let mut log = Vec::new();
        for s in steps {
            match *s {
                Push(ms, seq) => {
                    let out = jb.push(
                        t0 + Duration::from_millis(ms),
                        seq,
                        u32::from(seq) * 160,
                        seq,
                    );
                    if out != PushOutcome::Stored {
                        log.push(format!("push {seq}: {out:?}"));
                    }
                }
                Refused(ms, seq, want) => {
                    let out = jb.push(
                        t0 + Duration::from_millis(ms),
                        seq,
                        u32::from(seq) * 160,
                        seq,
                    );
                    if out != want {
                        log.push(format!("push {seq}: got {out:?}, want {want:?}"));
                    }
                }
                Pop(ms, want) => {
                    let got = match jb.pop(t0 + Duration::from_millis(ms)) {
                        Playout::Frame(s) => i32::from(s),
                        Playout::Missing => -2,
                        Playout::Empty => -1,
                        Playout::Stalled => -3,
                    };
                    if got != want {
                        log.push(format!("pop@{ms}: got {got}, want {want}"));
                    }
                }
            }
        }
        log
    }

    // (name, steps). Expected values: sequence number, -2 = Missing, -1 = Empty, -3 = Stalled.
    const CASES: &[(&str, &[Step])] = &[
        ("nothing pushed plays nothing", &[Pop(0, -1), Pop(20, -1)]),
        (
            "in order, one frame of delay",
            &[
                Push(0, 1),
                Pop(0, 1),
                Push(20, 2),
                Pop(20, 2),
                Push(40, 3),
                Pop(40, 3),
                Pop(60, -3),
            ],
        ),
        (
            "a packet not there in time is waited for: it plays a frame later",
            &[
                Push(0, 1),
                Pop(0, 1),
                Pop(20, -3),
                Push(25, 2),
                Push(40, 3),
                Pop(40, 2),
                Pop(60, 3),
            ],
        ),
        (
            "reordered pair is put back in order",
            &[
                Push(0, 1),
                Push(20, 3),
                Push(21, 2),
                Pop(25, 1),
                Pop(45, 2),
                Pop(65, 3),
            ],
        ),
        (
            "a lost packet is reported missing",
            &[
                Push(0, 1),
                Push(20, 2),
                Pop(20, 1),
                Push(60, 4),
                Pop(40, 2),
                Pop(60, -2),
                Pop(80, 4),
            ],
        ),
        (
            "duplicates are dropped",
            &[
                Push(0, 1),
                Refused(1, 1, Duplicate),
                Push(20, 2),
                Pop(20, 1),
                Pop(40, 2),
            ],
        ),
        (
            "a packet after its slot is late",
            &[
                Push(0, 1),
                Push(20, 2),
                Push(21, 3),
                Pop(21, 1),
                Pop(41, 2),
                Pop(61, 3),
                Refused(70, 2, Late),
                Pop(81, -3),
            ],
        ),
        (
            "sequence wrap keeps order",
            &[
                Push(0, 65535),
                Push(20, 0),
                Pop(20, 65535),
                Push(40, 1),
                Pop(40, 0),
                Pop(60, 1),
            ],
        ),
        (
            "running dry is concealed for 60 ms, then rebuffers and resumes in order",
            &[
                Push(0, 1),
                Push(20, 2),
                Pop(20, 1),
                Pop(40, 2),
                Pop(60, -3),
                Pop(80, -3),
                Pop(100, -3),
                Pop(120, -1),
                // The stall raised the jitter estimate: the target is now two frames and more.
                Push(160, 3),
                Pop(160, -1),
                Push(180, 4),
                Pop(180, -1),
                Push(200, 5),
                Pop(200, 3),
                Pop(220, 4),
                Pop(240, 5),
            ],
        ),
        (
            "a backlog when playout starts is skipped to the newest",
            &[
                Push(0, 1),
                Push(1, 2),
                Push(2, 3),
                Push(3, 4),
                Push(4, 5),
                Push(5, 6),
                Pop(20, 5),
                Pop(40, 6),
                Refused(41, 4, Late),
            ],
        ),
        (
            "a little too much delay drops the oldest slot",
            &[
                Push(0, 1),
                Pop(0, 1),
                Push(20, 2),
                Push(21, 3),
                Push(22, 4),
                Push(23, 5),
                Push(24, 6),
                Pop(25, 3),
                Pop(45, 4),
            ],
        ),
        (
            "a burst while playing is skipped at once",
            &[
                Push(0, 1),
                Pop(0, 1),
                Push(300, 2),
                Push(300, 3),
                Push(300, 4),
                Push(300, 5),
                Push(300, 6),
                Push(300, 7),
                Push(300, 8),
                Push(300, 9),
                Push(300, 10),
                Push(300, 11),
                Push(300, 12),
                Push(300, 13),
                Push(300, 14),
                Push(300, 15),
                Push(300, 16),
                // The burst itself made the target four frames: the newest four are kept.
                Pop(300, 13),
                Pop(320, 14),
                Pop(340, 15),
                Pop(360, 16),
            ],
        ),
    ];

    #[test]
    fn table() {
        let mut failures = Vec::new();
        for (name, steps) in CASES {
            for line in run(steps) {
                failures.push(format!("{name}: {line}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// What one slot of [`bursty_with_redundancy`] played.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Slot {
        Packet,
        RebuiltFromNext,
        ConcealedBlind,
        Waited,
    }

    /// Bursts of three lost packets every 25, each packet carrying copies of the two before it
    /// (RED) when the codec can use them; returns each slot and the margin learned.
    fn bursty_with_redundancy(config: JitterConfig, bursts: u16) -> (Vec<Slot>, u32) {
        let t0 = Instant::now();
        let mut jb = JitterBuffer::new(config);
        let lost = |seq: u16| seq % 25 >= 10 && seq % 25 < 13;
        let mut played = Vec::new();
        for seq in 0..bursts * 25 {
            let now = t0 + Duration::from_millis(u64::from(seq) * 20);
            if !lost(seq) {
                for copy in [seq.saturating_sub(2), seq.saturating_sub(1)] {
                    if copy < seq && lost(copy) && config.rebuilds_from_next {
                        jb.push(now, copy, u32::from(copy) * 960, copy);
                    }
                }
                jb.push(now, seq, u32::from(seq) * 960, seq);
            }
            played.push(match jb.pop(now) {
                Playout::Frame(_) => Slot::Packet,
                Playout::Missing if jb.peek_next().is_some() => Slot::RebuiltFromNext,
                Playout::Missing => Slot::ConcealedBlind,
                Playout::Stalled | Playout::Empty => Slot::Waited,
            });
        }
        (played, jb.margin_frames)
    }

    #[test]
    fn a_wait_that_ended_in_a_recovery_is_held_for_the_next_burst() {
        let (played, margin) = bursty_with_redundancy(JitterConfig::voice_with_fec(48_000), 8);
        assert!(
            played[..25].contains(&Slot::Waited),
            "the first burst is waited for: {played:?}"
        );
        assert_eq!(margin, 3, "the wait it took is held");
        // After it, every slot is played from its packet or its copy, and the one packet of
        // each burst no copy carries is rebuilt from the next (FEC): no wait, nothing blind.
        let later = &played[25..];
        assert!(
            later
                .iter()
                .all(|s| matches!(s, Slot::Packet | Slot::RebuiltFromNext)),
            "{later:?}"
        );
        assert_eq!(
            later
                .iter()
                .filter(|s| **s == Slot::RebuiltFromNext)
                .count(),
            7,
            "one per burst: {later:?}"
        );
    }

    #[test]
    fn late_packets_on_a_clean_link_teach_no_margin() {
        // Every packet arrives, but four in every 50 come in one clump, the first 80 ms late:
        // jitter, not loss.
        let t0 = Instant::now();
        let mut jb = JitterBuffer::new(JitterConfig::voice_with_fec(48_000));
        let arrival = |seq: u16| {
            let clump = (40..44).contains(&(seq % 50));
            u64::from(seq) * 20
                + if clump {
                    20 * (44 - u64::from(seq % 50))
                } else {
                    0
                }
        };
        let (mut next, mut stalls) = (0u16, 0);
        for tick in 0..200u64 {
            let now = tick * 20 + 1;
            while next < 200 && arrival(next) <= now {
                let at = t0 + Duration::from_millis(arrival(next));
                jb.push(at, next, u32::from(next) * 960, ());
                next += 1;
            }
            if matches!(jb.pop(t0 + Duration::from_millis(now)), Playout::Stalled) {
                stalls += 1;
            }
        }
        assert!(stalls > 0, "the clumps were waited for");
        assert_eq!(jb.margin_frames, 0);
    }

    #[test]
    fn without_fec_a_gap_waited_out_teaches_nothing() {
        // G.711: a lost packet's successor cannot rebuild it, so waiting for it was no use.
        let (played, margin) = bursty_with_redundancy(JitterConfig::voice(8_000), 4);
        assert_eq!(margin, 0, "{played:?}");
    }

    #[test]
    fn a_learned_margin_steps_down_after_a_quiet_spell() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let mut jb = JitterBuffer::new(JitterConfig::voice(8_000));
        // Packet 1 is lost: the link is losing packets.
        jb.push(at(0), 0, 0, ());
        jb.push(at(0), 2, 320, ());
        assert!(matches!(jb.pop(at(0)), Playout::Frame(())));
        assert!(matches!(jb.pop(at(20)), Playout::Missing));
        assert!(matches!(jb.pop(at(40)), Playout::Frame(())));
        assert!(matches!(jb.pop(at(60)), Playout::Stalled));
        assert!(matches!(jb.pop(at(80)), Playout::Stalled));
        // Packet 3 arrives late: the two frames waited are now held.
        jb.push(at(95), 3, 480, ());
        assert!(matches!(jb.pop(at(100)), Playout::Frame(())));
        assert_eq!(jb.margin_frames, 2);
        let before = jb.target_delay();
        let mut seq = 4u16;
        let mut ms = 100;
        while ms < 100 + MARGIN_HOLD.as_millis() as u64 + 40 {
            ms += 20;
            jb.push(at(ms), seq, u32::from(seq) * 160, ());
            jb.pop(at(ms));
            seq += 1;
        }
        assert_eq!(jb.margin_frames, 1, "one frame down after the hold");
        assert!(jb.target_delay() < before);
    }

    #[test]
    fn target_grows_with_jitter_and_is_clamped() {
        let t0 = Instant::now();
        let mut jb = JitterBuffer::new(JitterConfig::voice(8_000));
        for i in 0..200u16 {
            // Alternate 0 and 60 ms of extra delay: heavy jitter.
            let extra = if i % 2 == 0 { 0 } else { 60 };
            jb.push(
                t0 + Duration::from_millis(u64::from(i) * 20 + extra),
                i,
                u32::from(i) * 160,
                (),
            );
        }
        assert!(jb.jitter() > Duration::from_millis(20), "{:?}", jb.jitter());
        assert!(jb.target_delay() > Duration::from_millis(80));
        assert!(jb.target_delay() <= Duration::from_millis(200));
    }
}
