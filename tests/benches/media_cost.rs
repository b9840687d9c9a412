//! The cloud's media cost per call next to rtpengine's (Debian 12 `rtpengine-daemon`), in one
//! run with one generator and one speech signal. Each call has a phone side (G.711 μ-law,
//! plain RTP) and a far side speaking Opus (32 kb/s, the agent's encoder); the server between
//! transcodes both ways. Our cloud bridges a SIP call to a manager's WebRTC leg (ICE,
//! DTLS-SRTP) through its room; rtpengine, driven by its ng control protocol with no SIP
//! proxy, transcodes PCMU ↔ Opus over plain RTP. Both sides of every call send speech (a
//! Korean sentence by espeak-ng, looped) every 20 ms from this one process; the server's CPU
//! (`/proc/<pid>/stat` over 10 s) and resident memory are read at 1, 50 and 200 calls.
//!
//!   cargo build --release --bins --workspace
//!   cargo bench -p ringdesk-tests --bench media_cost          # RINGDESK_BENCH_CALLS=1,50
//!                                                    # RINGDESK_BENCH_ONLY=ringdesk|rtpengine
//!
//! Needs `rtpengine` (apt: rtpengine-daemon) and `espeak-ng` on the PATH.

#![allow(missing_docs)]

use std::net::{SocketAddr, UdpSocket};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ringdesk_media::g711::G711Law;
use ringdesk_media::opus_codec::OpusEncoder;
use ringdesk_media::resample::Resampler;
use ringdesk_rtc::{AudioPeer, PeerOutput};
use ringdesk_tests::procstat::{cpu_percent_over, rss_kib};
use ringdesk_tests::rtp_caller::RtpCaller;
use ringdesk_tests::ws::WsSession;
use ringdesk_tests::{Cloud, DEMO_SERVICE, TempDir, add_managers, free_port};
use ringdesk_wire::{ClientMessage, ServerEvent, ServerMessage};

const SENTENCE: &str = "안녕하세요, 고객센터입니다. 주문하신 상품의 배송 상태를 확인해 드릴게요. \
    잠시만 기다려 주세요. 환불은 영업일 기준 삼일 안에 처리됩니다.";
/// How long the calls run before the figures are read, and how long they are read over.
const SETTLE: Duration = Duration::from_secs(3);
const WINDOW: Duration = Duration::from_secs(10);

/// The speech both sides say, as packets: μ-law for the phone, Opus for the far side.
struct Speech {
    pcmu: Vec<Vec<u8>>,
    opus: Vec<Vec<u8>>,
}

fn speech(dir: &TempDir) -> Speech {
    let wav = dir.path("speech.wav");
    let made = Command::new("espeak-ng")
        .args(["-v", "ko", "-s", "150", "-w"])
        .arg(&wav)
        .arg(SENTENCE)
        .status()
        .expect("espeak-ng");
    assert!(made.success(), "espeak-ng failed");
    let (samples, rate) = ringdesk_tests::audio::read_wav(&wav);
    let (mut narrow, mut wide) = (Vec::new(), Vec::new());
    Resampler::new(rate, 8_000).process(&samples, &mut narrow);
    Resampler::new(rate, 48_000).process(&samples, &mut wide);
    let pcmu = narrow
        .chunks_exact(160)
        .map(|frame| {
            let mut coded = Vec::new();
            G711Law::Mu.encode_frame(frame, &mut coded);
            coded
        })
        .collect();
    let mut encoder = OpusEncoder::new(32_000).expect("encoder");
    let opus = wide
        .chunks_exact(960)
        .map(|frame| encoder.encode(frame).expect("encode").to_vec())
        .collect();
    Speech { pcmu, opus }
}

/// One call's generator side: sends frame `n` of the speech on both legs and reads (and
/// drops) what came back.
trait Call: Send {
    fn tick(&mut self, now: Instant, n: usize, speech: &Speech);
    /// Media packets received so far: (on the phone side, on the far side).
    fn received(&self) -> (u64, u64);
}

/// The generator: a thread that ticks every call it has been given every 20 ms, from the
/// moment each is handed over (so a call's WebRTC leg connects while later calls are set
/// up), until stopped.
struct Generator {
    calls: mpsc::Sender<Box<dyn Call>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<(f64, f64)>,
}

impl Generator {
    fn start(speech: Speech) -> Generator {
        let (calls, added) = mpsc::channel::<Box<dyn Call>>();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut running: Vec<(Instant, Box<dyn Call>)> = Vec::new();
            let mut next = Instant::now();
            let mut n = 0;
            while !stopping.load(std::sync::atomic::Ordering::Relaxed) {
                running.extend(added.try_iter().map(|c| (Instant::now(), c)));
                let now = Instant::now();
                for (_, call) in running.iter_mut() {
                    call.tick(now, n, &speech);
                }
                n += 1;
                next += Duration::from_millis(20);
                if let Some(wait) = next.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
            }
            // What share of the packets sent each side received, over all calls.
            let (mut sent, mut phone, mut far) = (0.0, 0.0, 0.0);
            for (since, call) in &running {
                sent += since.elapsed().as_secs_f64() * 50.0;
                let (p, f) = call.received();
                (phone, far) = (phone + p as f64, far + f as f64);
            }
            (phone / sent, far / sent)
        });
        Generator {
            calls,
            stop,
            thread,
        }
    }

    fn add(&self, call: Box<dyn Call>) {
        self.calls.send(call).expect("generator running");
    }

    /// Reads the server `pid`'s CPU and memory while the calls run, then stops them.
    fn measure(self, label: &str, pid: u32, idle_rss: f64, count: usize) {
        std::thread::sleep(SETTLE);
        let cpu = cpu_percent_over(pid, WINDOW);
        let rss = rss_kib(pid);
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let (phone, far) = self.thread.join().expect("generator");
        // A call that moves no audio costs nothing and proves nothing.
        assert!(
            phone > 0.8 && far > 0.8,
            "{label}: the phone sides received {:.0} % of the packets sent, the far sides {:.0} %",
            phone * 100.0,
            far * 100.0
        );
        println!(
            "{label:>10} {count:>3} calls: {cpu:.1} % of a core → {:.2} % per call; RSS {:.1} MiB (idle {:.1}) → {:.0} KiB per call; packets received {:.0} % / {:.0} %",
            cpu / count as f64,
            rss / 1024.0,
            idle_rss / 1024.0,
            (rss - idle_rss) / count as f64,
            phone * 100.0,
            far * 100.0
        );
    }
}

fn rtp(payload_type: u8, seq: u16, timestamp: u32, ssrc: u32, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x80, payload_type];
    p.extend(seq.to_be_bytes());
    p.extend(timestamp.to_be_bytes());
    p.extend(ssrc.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

fn drain(socket: &UdpSocket) -> u64 {
    let mut buf = [0u8; 2048];
    let mut read = 0;
    while socket.recv_from(&mut buf).is_ok() {
        read += 1;
    }
    read
}

// --- rtpengine -------------------------------------------------------------------------

/// A value of the ng protocol's bencode.
enum Ben<'a> {
    Str(&'a str),
    List(Vec<Ben<'a>>),
    Dict(Vec<(&'a str, Ben<'a>)>),
}

impl Ben<'_> {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Ben::Str(s) => {
                out.extend(format!("{}:", s.len()).bytes());
                out.extend(s.bytes());
            }
            Ben::List(items) => {
                out.push(b'l');
                items.iter().for_each(|i| i.encode(out));
                out.push(b'e');
            }
            Ben::Dict(entries) => {
                out.push(b'd');
                let mut sorted: Vec<_> = entries.iter().collect();
                sorted.sort_by_key(|(k, _)| *k);
                for (k, v) in sorted {
                    Ben::Str(k).encode(out);
                    v.encode(out);
                }
                out.push(b'e');
            }
        }
    }
}

/// The rtpengine daemon (no kernel module) and its control socket.
struct Rtpengine {
    child: std::process::Child,
    control: UdpSocket,
    ng: SocketAddr,
    requests: u64,
}

impl Rtpengine {
    fn start() -> Rtpengine {
        let ng: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let child = Command::new("rtpengine")
            .args([
                "--config-file=none",
                "--foreground",
                "--table=-1",
                "--interface=127.0.0.1",
                "--port-min=33000",
                "--port-max=39999",
                "--log-level=3",
            ])
            .arg(format!("--listen-ng={ng}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("rtpengine (apt: rtpengine-daemon)");
        let control = UdpSocket::bind("127.0.0.1:0").unwrap();
        control
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        let mut r = Rtpengine {
            child,
            control,
            ng,
            requests: 0,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while r
            .try_request(&Ben::Dict(vec![("command", Ben::Str("ping"))]))
            .is_none()
        {
            assert!(Instant::now() < deadline, "rtpengine did not answer ping");
        }
        r
    }

    fn try_request(&mut self, message: &Ben) -> Option<String> {
        self.requests += 1;
        let cookie = format!("c{}", self.requests);
        let mut datagram = format!("{cookie} ").into_bytes();
        message.encode(&mut datagram);
        self.control.send_to(&datagram, self.ng).unwrap();
        let mut buf = vec![0u8; 65_536];
        let (n, _) = self.control.recv_from(&mut buf).ok()?;
        let text = String::from_utf8_lossy(&buf[..n]).to_string();
        text.strip_prefix(&format!("{cookie} ")).map(str::to_string)
    }

    /// Sends an offer or answer and returns the SDP rtpengine rewrote (`None`: no reply in
    /// 2 s — it is too busy to answer).
    fn sdp(&mut self, message: &Ben) -> Option<String> {
        let reply = self.try_request(message)?;
        assert!(reply.contains("6:result2:ok"), "rtpengine: {reply}");
        let at = reply.find("3:sdp").expect("an SDP") + 5;
        let (len, rest) = reply[at..].split_once(':').expect("a length");
        Some(rest[..len.parse::<usize>().expect("a number")].to_string())
    }

    /// A call: the phone side offers PCMU, rtpengine offers the far side Opus only, the far
    /// side answers Opus.
    fn call(&mut self, i: usize) -> Option<PlainCall> {
        let phone = UdpSocket::bind("127.0.0.1:0").unwrap();
        let far = UdpSocket::bind("127.0.0.1:0").unwrap();
        let call_id = format!("bench-{i}");
        let phone_sdp = sdp_for(
            phone.local_addr().unwrap().port(),
            "0",
            "a=rtpmap:0 PCMU/8000",
        );
        let to_far = self.sdp(&Ben::Dict(vec![
            ("command", Ben::Str("offer")),
            ("call-id", Ben::Str(&call_id)),
            ("from-tag", Ben::Str("phone")),
            ("sdp", Ben::Str(&phone_sdp)),
            (
                "codec",
                Ben::Dict(vec![
                    ("mask", Ben::List(vec![Ben::Str("all")])),
                    ("transcode", Ben::List(vec![Ben::Str("opus/48000/2/32000")])),
                ]),
            ),
        ]))?;
        let opus_pt = payload_type(&to_far, "opus/48000");
        let far_sdp = sdp_for(
            far.local_addr().unwrap().port(),
            &opus_pt.to_string(),
            &format!("a=rtpmap:{opus_pt} opus/48000/2"),
        );
        let to_phone = self.sdp(&Ben::Dict(vec![
            ("command", Ben::Str("answer")),
            ("call-id", Ben::Str(&call_id)),
            ("from-tag", Ben::Str("phone")),
            ("to-tag", Ben::Str("far")),
            ("sdp", Ben::Str(&far_sdp)),
        ]))?;
        for s in [&phone, &far] {
            s.set_nonblocking(true).unwrap();
        }
        Some(PlainCall {
            phone,
            phone_to: media_address(&to_phone),
            far,
            far_to: media_address(&to_far),
            opus_pt,
            seq: 0,
            heard: (0, 0),
        })
    }
}

impl Drop for Rtpengine {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sdp_for(port: u16, formats: &str, rtpmap: &str) -> String {
    format!(
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio {port} RTP/AVP {formats}\r\n{rtpmap}\r\na=ptime:20\r\na=sendrecv\r\n"
    )
}

fn media_address(sdp: &str) -> SocketAddr {
    let ip = sdp
        .lines()
        .find_map(|l| l.strip_prefix("c=IN IP4 "))
        .expect("c=")
        .trim();
    let port = sdp
        .lines()
        .find_map(|l| l.strip_prefix("m=audio "))
        .and_then(|m| m.split_whitespace().next())
        .expect("m=");
    format!("{ip}:{port}").parse().expect("an address")
}

fn payload_type(sdp: &str, codec: &str) -> u8 {
    sdp.lines()
        .find_map(|l| {
            let (pt, name) = l.strip_prefix("a=rtpmap:")?.split_once(' ')?;
            name.starts_with(codec).then(|| pt.parse().ok())?
        })
        .unwrap_or_else(|| panic!("no {codec} in {sdp}"))
}

/// A call through rtpengine: plain RTP on both sides.
struct PlainCall {
    phone: UdpSocket,
    phone_to: SocketAddr,
    far: UdpSocket,
    far_to: SocketAddr,
    opus_pt: u8,
    seq: u16,
    heard: (u64, u64),
}

impl Call for PlainCall {
    fn tick(&mut self, _now: Instant, n: usize, speech: &Speech) {
        self.seq = self.seq.wrapping_add(1);
        let (pcmu, opus) = (
            &speech.pcmu[n % speech.pcmu.len()],
            &speech.opus[n % speech.opus.len()],
        );
        let ts = n as u32;
        let _ = self
            .phone
            .send_to(&rtp(0, self.seq, ts * 160, 1, pcmu), self.phone_to);
        let _ = self
            .far
            .send_to(&rtp(self.opus_pt, self.seq, ts * 960, 2, opus), self.far_to);
        self.heard.0 += drain(&self.phone);
        self.heard.1 += drain(&self.far);
    }

    fn received(&self) -> (u64, u64) {
        self.heard
    }
}

fn rtpengine_cost(calls: usize, speech: Speech) {
    let mut engine = Rtpengine::start();
    let pid = engine.child.id();
    let idle = rss_kib(pid);
    let generator = Generator::start(speech);
    for i in 0..calls {
        match engine.call(i) {
            Some(call) => generator.add(Box::new(call)),
            None => {
                // Transcoding has taken every core: its control thread no longer answers.
                let cpu = cpu_percent_over(pid, WINDOW);
                println!(
                    "{:>10} {calls:>3} calls: stopped answering its control socket at call {} ({cpu:.1} % of a core with {i} calls up)",
                    "rtpengine",
                    i + 1
                );
                return;
            }
        }
    }
    generator.measure("rtpengine", pid, idle, calls);
}

// --- our cloud --------------------------------------------------------------------------

/// A call through the cloud: the bare SIP caller, and a manager's WebRTC leg driven here.
struct BridgedCall {
    caller: RtpCaller,
    peer: AudioPeer,
    socket: UdpSocket,
    heard: (u64, u64),
}

impl Call for BridgedCall {
    fn tick(&mut self, now: Instant, n: usize, speech: &Speech) {
        self.heard.0 += self
            .caller
            .send_and_drain(&speech.pcmu[n % speech.pcmu.len()]) as u64;
        let _ = self.peer.handle_timeout(now);
        let _ = self
            .peer
            .send_opus(now, &speech.opus[n % speech.opus.len()]);
        let mut buf = [0u8; 2048];
        while let Ok((len, from)) = self.socket.recv_from(&mut buf) {
            let _ = self.peer.handle_datagram(now, from, &buf[..len]);
        }
        while let Ok(out) = self.peer.poll_output() {
            match out {
                PeerOutput::Transmit { to, bytes } => {
                    let _ = self.socket.send_to(&bytes, to);
                }
                PeerOutput::Timeout(_) | PeerOutput::Disconnected => break,
                PeerOutput::Audio(_) => self.heard.1 += 1,
                PeerOutput::Connected => {}
            }
        }
    }

    fn received(&self) -> (u64, u64) {
        self.heard
    }
}

/// Each manager's session answers the first ring with a WebRTC offer and hands the connected
/// peer over.
async fn answer_one_ring(mut session: WsSession, peers: mpsc::Sender<(AudioPeer, UdpSocket)>) {
    let ring = session
        .next_matching("a ring", |m| {
            matches!(m, ServerMessage::Event(ServerEvent::Ring { .. }))
        })
        .await;
    let ServerMessage::Event(ServerEvent::Ring { call_id, .. }) = ring else {
        unreachable!()
    };
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_nonblocking(true).unwrap();
    let (mut peer, sdp_offer) =
        AudioPeer::offer(Instant::now(), socket.local_addr().unwrap()).expect("offer");
    session
        .send(&ClientMessage::Answer { call_id, sdp_offer })
        .await;
    let connected = session
        .next_matching("the answer", |m| {
            matches!(m, ServerMessage::Connected { .. })
        })
        .await;
    let ServerMessage::Connected { sdp_answer, .. } = connected else {
        unreachable!()
    };
    peer.accept_answer(&sdp_answer).expect("the cloud's answer");
    let _ = peers.send((peer, socket));
    session.discard_until_closed().await;
}

fn cloud_cost(calls: usize, speech: Speech) {
    let cloud = Cloud::start(&[]);
    let emails = add_managers(&cloud, "cost", 0..calls, "cost-pw");
    let (peers_tx, peers) = mpsc::channel();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    // Only the bench's managers take calls (the demo's own are not logged in); each logs in
    // just before its call, so the one free manager is the one that rings. The idle figure
    // is the cloud's before any: per-call memory includes the manager's session, as in use.
    let pid = cloud.pid();
    let idle = rss_kib(pid);
    let generator = Generator::start(speech);
    for email in &emails {
        let session = runtime.block_on(WsSession::connect(&cloud, (email, "cost-pw")));
        runtime.spawn(answer_one_ring(session, peers_tx.clone()));
        let (caller, _) = RtpCaller::call(cloud.sip, DEMO_SERVICE);
        let (peer, socket) = peers
            .recv_timeout(Duration::from_secs(20))
            .expect("a manager answered");
        generator.add(Box::new(BridgedCall {
            caller,
            peer,
            socket,
            heard: (0, 0),
        }));
    }
    generator.measure("ringdesk", pid, idle, calls);
    drop(runtime);
}

fn main() {
    let counts: Vec<usize> = std::env::var("RINGDESK_BENCH_CALLS")
        .unwrap_or_else(|_| "1,50,200".into())
        .split(',')
        .map(|n| n.trim().parse().expect("a number of calls"))
        .collect();
    // `ringdesk` or `rtpengine` runs one side only (a profile, a quick re-measure).
    let only = std::env::var("RINGDESK_BENCH_ONLY").ok();
    let runs = |side: &str| only.as_deref().is_none_or(|o| o == side);
    let dir = TempDir::new("bench-media-cost");
    for &calls in &counts {
        if runs("ringdesk") {
            cloud_cost(calls, speech(&dir));
        }
        if runs("rtpengine") {
            rtpengine_cost(calls, speech(&dir));
        }
    }
}
