//! A seeded network emulator's decisions: for each packet of a leg, whether it is lost and how
//! late it arrives. Random loss, bursty loss (Gilbert–Elliott: a good and a bad state, lossy
//! in the bad one), jitter and reordering, all drawn from one seed so a run can be repeated
//! exactly. The decisions are pure ([`Emulator`]); [`Relay`] applies them to a leg's real
//! datagrams.

use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// How packets are lost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Loss {
    /// None lost.
    None,
    /// Each packet lost with this probability, on its own.
    Random(f64),
    /// Gilbert–Elliott with a lossless good state and a bad state that loses every packet:
    /// `to_bad` is the chance of entering the bad state after a packet, `to_good` of leaving
    /// it. The mean loss is `to_bad / (to_bad + to_good)`; a burst lasts `1 / to_good` packets
    /// on average.
    Bursty {
        /// Good → bad, per packet.
        to_bad: f64,
        /// Bad → good, per packet.
        to_good: f64,
    },
}

impl Loss {
    /// Bursty loss averaging `mean` with bursts of `burst` packets on average.
    pub fn bursty(mean: f64, burst: f64) -> Loss {
        let to_good = 1.0 / burst;
        Loss::Bursty {
            to_bad: mean * to_good / (1.0 - mean),
            to_good,
        }
    }
}

/// One leg's impairment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Impairment {
    /// What is lost.
    pub loss: Loss,
    /// Extra delay drawn for each packet, uniform in `0..=2 × jitter` (mean `jitter`): with
    /// 20 ms packets and more than 20 ms of it, packets overtake each other.
    pub jitter: Duration,
    /// Share of packets that skip the jitter delay and arrive at once, overtaking those
    /// before them (netem's `reorder`).
    pub reorder: f64,
}

impl Impairment {
    /// A clean path.
    pub const CLEAN: Impairment = Impairment {
        loss: Loss::None,
        jitter: Duration::ZERO,
        reorder: 0.0,
    };
}

/// What becomes of one packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Lost.
    Dropped,
    /// Delivered this much later than sent.
    Delayed(Duration),
}

/// The emulator for one direction of one leg.
#[derive(Debug)]
pub struct Emulator {
    impairment: Impairment,
    rng: StdRng,
    bad: bool,
}

impl Emulator {
    /// An emulator whose every decision follows from `seed`.
    pub fn new(impairment: Impairment, seed: u64) -> Emulator {
        Emulator {
            impairment,
            rng: StdRng::seed_from_u64(seed),
            bad: false,
        }
    }

    /// The next packet's fate.
    pub fn next_packet(&mut self) -> Fate {
        let lost = match self.impairment.loss {
            Loss::None => false,
            Loss::Random(p) => self.rng.random::<f64>() < p,
            Loss::Bursty { to_bad, to_good } => {
                let flip = if self.bad { to_good } else { to_bad };
                if self.rng.random::<f64>() < flip {
                    self.bad = !self.bad;
                }
                self.bad
            }
        };
        // Drawn whether or not the packet is lost, so the loss pattern does not shift the
        // delays of the packets that follow.
        let jump = self.rng.random::<f64>() < self.impairment.reorder;
        let spread = self.impairment.jitter.as_secs_f64() * 2.0;
        let delay = Duration::from_secs_f64(self.rng.random::<f64>() * spread);
        match (lost, jump) {
            (true, _) => Fate::Dropped,
            (false, true) => Fate::Delayed(Duration::ZERO),
            (false, false) => Fate::Delayed(delay),
        }
    }
}

/// A datagram held by the relay: (due, a sequence number keeping equal times in order,
/// whether it goes to the far side, its bytes); the heap hands out the soonest first.
type Held = (std::time::Instant, u64, bool, Vec<u8>);

/// Whether a datagram is RTP or RTCP (version 2), the only traffic the relay impairs. STUN
/// (first byte 0–3) and DTLS (20–63) pass untouched: losing a handshake packet only delays a
/// call's start by a retransmission timeout, which says nothing about how speech sounds.
pub fn is_media(bytes: &[u8]) -> bool {
    bytes.len() >= 8 && bytes[0] >> 6 == 2
}

/// A UDP relay that puts an [`Emulator`] on each direction of one leg: the near side sends
/// to [`Relay::addr`], the relay forwards to the far side from [`Relay::far_side`], and what
/// comes back there goes to whoever spoke to [`Relay::addr`] last. Runs on a thread until
/// dropped.
pub struct Relay {
    /// Where the near side sends.
    pub addr: std::net::SocketAddr,
    /// The relay's own address towards the far side: what the far side sees as the near
    /// side's (and what a caller puts in its SDP, so the far side's media comes back here).
    pub far_side: std::net::SocketAddr,
    far: std::sync::Arc<std::sync::Mutex<Option<std::net::SocketAddr>>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Relay {
    /// Relays to `far`, impairing what goes there with `up` and what comes back with `down`.
    pub fn start(far: std::net::SocketAddr, up: Emulator, down: Emulator) -> Relay {
        let relay = Relay::bind((far.ip(), 0).into(), far.ip(), up, down).expect("relay sockets");
        relay.connect(far);
        relay
    }

    /// A relay listening at `near` (port 0: any), with its far-side socket on `far_ip`; it
    /// forwards nothing towards the far side until [`Relay::connect`] says where that is
    /// (a caller learns it from the answer to an offer that named [`Relay::far_side`]).
    pub fn bind(
        near: std::net::SocketAddr,
        far_ip: std::net::IpAddr,
        up: Emulator,
        down: Emulator,
    ) -> std::io::Result<Relay> {
        use std::net::UdpSocket;
        let near_side = UdpSocket::bind(near)?;
        let far_side = UdpSocket::bind((far_ip, 0))?;
        // Short waits: a datagram's due time is honoured to about a millisecond.
        for s in [&near_side, &far_side] {
            s.set_read_timeout(Some(Duration::from_micros(500)))?;
        }
        let far = std::sync::Arc::new(std::sync::Mutex::new(None));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (addr, far_side_addr) = (near_side.local_addr()?, far_side.local_addr()?);
        let (target, stopping) = (far.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            relay_loop(&near_side, &far_side, &target, &stopping, up, down);
        });
        Ok(Relay {
            addr,
            far_side: far_side_addr,
            far,
            stop,
            thread: Some(thread),
        })
    }

    /// Where datagrams from the near side go from now on.
    pub fn connect(&self, far: std::net::SocketAddr) {
        *self.far.lock().expect("relay target") = Some(far);
    }
}

/// The relay's thread: reads both sockets in turn, holds each datagram for its fate's delay
/// (or drops it) and sends what is due.
fn relay_loop(
    near_side: &std::net::UdpSocket,
    far_side: &std::net::UdpSocket,
    far: &std::sync::Mutex<Option<std::net::SocketAddr>>,
    stop: &std::sync::atomic::AtomicBool,
    mut up: Emulator,
    mut down: Emulator,
) {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    use std::sync::atomic::Ordering;
    use std::time::Instant;

    let mut near: Option<std::net::SocketAddr> = None;
    let mut queue: BinaryHeap<Reverse<Held>> = BinaryHeap::new();
    let mut seq = 0_u64;
    let mut buf = [0_u8; 2048];
    while !stop.load(Ordering::Relaxed) {
        // Holds a datagram for its fate (media only; the rest goes at once) or drops it.
        let mut hold = |emulator: &mut Emulator, to_far: bool, bytes: &[u8]| {
            let fate = if is_media(bytes) {
                emulator.next_packet()
            } else {
                Fate::Delayed(Duration::ZERO)
            };
            if let Fate::Delayed(d) = fate {
                seq += 1;
                queue.push(Reverse((Instant::now() + d, seq, to_far, bytes.to_vec())));
            }
        };
        if let Ok((n, from)) = near_side.recv_from(&mut buf) {
            near = Some(from);
            hold(&mut up, true, &buf[..n]);
        }
        if let Ok((n, _)) = far_side.recv_from(&mut buf) {
            hold(&mut down, false, &buf[..n]);
        }
        let now = Instant::now();
        let target = *far.lock().expect("relay target");
        while queue.peek().is_some_and(|Reverse((due, ..))| *due <= now) {
            let Reverse((_, _, to_far, bytes)) = queue.pop().expect("peeked");
            let _ = match (to_far, target, near) {
                (true, Some(f), _) => far_side.send_to(&bytes, f),
                (false, _, Some(n)) => near_side.send_to(&bytes, n),
                _ => Ok(0),
            };
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACKETS: usize = 200_000;

    fn fates(impairment: Impairment, seed: u64) -> Vec<Fate> {
        let mut e = Emulator::new(impairment, seed);
        (0..PACKETS).map(|_| e.next_packet()).collect()
    }

    fn lost_share(fates: &[Fate]) -> f64 {
        fates.iter().filter(|f| **f == Fate::Dropped).count() as f64 / fates.len() as f64
    }

    /// Lengths of the runs of lost packets.
    fn bursts(fates: &[Fate]) -> Vec<usize> {
        let mut out = Vec::new();
        let mut run = 0;
        for f in fates {
            if *f == Fate::Dropped {
                run += 1;
            } else if run > 0 {
                out.push(run);
                run = 0;
            }
        }
        out
    }

    fn mean(xs: &[usize]) -> f64 {
        xs.iter().sum::<usize>() as f64 / xs.len() as f64
    }

    #[test]
    fn random_loss_loses_its_share_in_short_runs() {
        let f = fates(
            Impairment {
                loss: Loss::Random(0.05),
                ..Impairment::CLEAN
            },
            1,
        );
        assert!((lost_share(&f) - 0.05).abs() < 0.003, "{}", lost_share(&f));
        // Independent losses: runs average 1 / (1 − p) ≈ 1.05 packets.
        assert!(mean(&bursts(&f)) < 1.1, "{}", mean(&bursts(&f)));
    }

    #[test]
    fn bursty_loss_loses_its_share_in_bursts() {
        let f = fates(
            Impairment {
                loss: Loss::bursty(0.10, 3.0),
                ..Impairment::CLEAN
            },
            2,
        );
        assert!((lost_share(&f) - 0.10).abs() < 0.01, "{}", lost_share(&f));
        let b = mean(&bursts(&f));
        assert!((b - 3.0).abs() < 0.2, "mean burst {b}");
    }

    #[test]
    fn jitter_spreads_delays_and_packets_overtake() {
        let jitter = Duration::from_millis(40);
        let f = fates(
            Impairment {
                jitter,
                reorder: 0.01,
                ..Impairment::CLEAN
            },
            3,
        );
        let delays: Vec<f64> = f
            .iter()
            .map(|x| match x {
                Fate::Delayed(d) => d.as_secs_f64() * 1000.0,
                Fate::Dropped => panic!("no loss configured"),
            })
            .collect();
        let avg = delays.iter().sum::<f64>() / delays.len() as f64;
        assert!((avg - 39.6).abs() < 1.0, "mean delay {avg}");
        assert!(delays.iter().all(|d| *d <= 80.0));
        // Sent 20 ms apart: arriving in another order.
        let overtaken =
            delays.windows(2).filter(|w| 20.0 + w[1] < w[0]).count() as f64 / delays.len() as f64;
        assert!(overtaken > 0.1, "{overtaken}");
        let at_once = delays.iter().filter(|d| **d == 0.0).count() as f64 / delays.len() as f64;
        assert!((at_once - 0.01).abs() < 0.002, "{at_once}");
    }

    /// Datagrams through a relay with 50 % random loss: about half arrive, and replies come
    /// back to the sender.
    #[test]
    fn a_relay_loses_and_returns_through_real_sockets() {
        use std::net::UdpSocket;
        let far = UdpSocket::bind("127.0.0.1:0").unwrap();
        let near = UdpSocket::bind("127.0.0.1:0").unwrap();
        for s in [&far, &near] {
            s.set_read_timeout(Some(Duration::from_millis(300)))
                .unwrap();
        }
        let half = Impairment {
            loss: Loss::Random(0.5),
            ..Impairment::CLEAN
        };
        let relay = Relay::start(
            far.local_addr().unwrap(),
            Emulator::new(half, 11),
            Emulator::new(Impairment::CLEAN, 12),
        );
        for i in 0..200_u8 {
            near.send_to(&[0x80, 0, 0, i, 0, 0, 0, 0], relay.addr)
                .unwrap();
        }
        let mut got = 0;
        let mut buf = [0_u8; 16];
        while let Ok((_, from)) = far.recv_from(&mut buf) {
            got += 1;
            far.send_to(&buf[..8], from).unwrap();
        }
        assert!((70..130).contains(&got), "{got} of 200 through");
        let (_, from) = near.recv_from(&mut buf).expect("a reply comes back");
        assert_eq!(from, relay.addr);
    }

    /// Only RTP and RTCP are impaired: under total loss a STUN or DTLS datagram still goes
    /// through, and nothing goes towards the far side before the relay is told where it is.
    #[test]
    fn a_relay_impairs_media_only_and_waits_for_its_far_side() {
        use std::net::UdpSocket;
        let far = UdpSocket::bind("127.0.0.1:0").unwrap();
        let near = UdpSocket::bind("127.0.0.1:0").unwrap();
        far.set_read_timeout(Some(Duration::from_millis(300)))
            .unwrap();
        let all = Impairment {
            loss: Loss::Random(1.0),
            ..Impairment::CLEAN
        };
        let relay = Relay::bind(
            "127.0.0.1:0".parse().unwrap(),
            "127.0.0.1".parse().unwrap(),
            Emulator::new(all, 1),
            Emulator::new(all, 2),
        )
        .unwrap();
        let stun = [0_u8, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42];
        near.send_to(&stun, relay.addr).unwrap();
        let mut buf = [0_u8; 16];
        assert!(far.recv_from(&mut buf).is_err(), "sent before connect");
        relay.connect(far.local_addr().unwrap());
        let dtls = [22_u8, 0xfe, 0xfd, 0, 0, 0, 0, 0];
        let rtp = [0x80_u8, 0, 0, 1, 0, 0, 0, 0];
        for packet in [&rtp, &dtls, &rtp, &stun] {
            near.send_to(packet, relay.addr).unwrap();
        }
        let mut through = Vec::new();
        while let Ok((n, from)) = far.recv_from(&mut buf) {
            assert_eq!(from, relay.far_side);
            through.push(buf[0]);
            assert!(n == 8);
        }
        assert_eq!(through, [22, 0], "DTLS and STUN through, RTP lost");
    }

    #[test]
    fn a_seed_repeats_a_run_exactly() {
        let bad = Impairment {
            loss: Loss::bursty(0.1, 3.0),
            jitter: Duration::from_millis(40),
            reorder: 0.01,
        };
        assert_eq!(fates(bad, 7), fates(bad, 7));
        assert_ne!(fates(bad, 7), fates(bad, 8));
    }
}
