//! Speech through the whole system, for `bench/call_quality.py` to score with PESQ: a phone
//! customer (`RtpCaller`, G.711 μ-law, a jitter buffer and G.711 concealment as its ear) calls
//! the cloud and a headless agent answers with speech of its own (WAV microphone and ear);
//! both talk at once. The seeded network emulator (`support/impair.rs`) sits in front of one
//! leg at a time: on the customer's, a relay the caller's offer names; on the agent's, a relay
//! the gateway (`support/gateway.rs`) names in the cloud's WebRTC answer. Nothing in the cloud
//! or the agent knows.
//!
//! Reads from `RINGDESK_SPEECH_DIR`: `{lang}.customer.raw` (s16le, 8 kHz; said once) and
//! `{lang}.agent.wav` (48 kHz; the agent's microphone, looped). Writes, per condition and
//! language, `{condition}.{lang}.customer.raw` (what the customer's phone played, 8 kHz) and
//! `{condition}.{lang}.agent.wav` (what the agent's app played), and the codecs-only chains
//! on the same speech: `{lang}.ceiling.agent.raw` (μ-law, then the cloud's phone-band Opus;
//! 48 kHz) and `{lang}.ceiling.customer.raw` (the agent's Opus, then μ-law; 8 kHz).
//! `RINGDESK_QUALITY_ONLY` limits the run to conditions whose name contains it.

#![allow(missing_docs)]

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ringdesk_media::g711::G711Law;
use ringdesk_media::opus_codec::{MixBand, OpusDecoder, OpusEncoder};
use ringdesk_media::resample::Resampler;
use ringdesk_tests::admin::admin;
use ringdesk_tests::gateway::Gateway;
use ringdesk_tests::impair::{Emulator, Impairment, Loss, Relay};
use ringdesk_tests::rtp_caller::RtpCaller;
use ringdesk_tests::{AgentProc, Cloud, DEMO_SERVICE, MINJI, block_on};
use ringdesk_wire::{AgentEvent, ServerEvent};

/// Which leg carries the impairment.
#[derive(Clone, Copy, PartialEq)]
enum Side {
    Customer,
    Agent,
}

/// One network condition.
struct Condition {
    name: &'static str,
    impairment: Impairment,
}

fn conditions() -> Vec<Condition> {
    let ms = Duration::from_millis;
    let with = |loss: Loss, jitter: Duration, reorder: f64| Impairment {
        loss,
        jitter,
        reorder,
    };
    vec![
        Condition {
            name: "loss-1",
            impairment: with(Loss::Random(0.01), ms(0), 0.0),
        },
        Condition {
            name: "loss-5",
            impairment: with(Loss::Random(0.05), ms(0), 0.0),
        },
        Condition {
            name: "loss-10",
            impairment: with(Loss::Random(0.10), ms(0), 0.0),
        },
        Condition {
            name: "bursty-10",
            impairment: with(Loss::bursty(0.10, 3.0), ms(0), 0.0),
        },
        Condition {
            name: "jitter-40",
            impairment: with(Loss::None, ms(40), 0.0),
        },
        Condition {
            name: "reorder-25",
            impairment: with(Loss::None, ms(10), 0.25),
        },
    ]
}

fn read_raw(path: &Path) -> Vec<i16> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    bytes
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect()
}

fn write_raw(path: &Path, samples: &[i16]) {
    let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// Through `encoder` 20 ms at a time and back (48 kHz).
fn opus_round_trip(samples: &[i16], band: MixBand) -> Vec<i16> {
    let mut encoder = OpusEncoder::new(32_000).expect("encoder");
    encoder.set_band(band).expect("band");
    let mut decoder = OpusDecoder::new().expect("decoder");
    let (mut out, mut frame) = (Vec::new(), Vec::new());
    for chunk in samples.chunks_exact(960) {
        let packet = encoder.encode(chunk).expect("encode").to_vec();
        decoder.decode(&packet, &mut frame).expect("decode");
        out.extend_from_slice(&frame);
    }
    out
}

fn ulaw_round_trip(samples: &[i16]) -> Vec<i16> {
    let (mut coded, mut out) = (Vec::new(), Vec::new());
    G711Law::Mu.encode_frame(samples, &mut coded);
    G711Law::Mu.decode_frame(&coded, &mut out);
    out
}

/// The codecs alone on each direction's speech, no network and no jitter buffer.
fn write_ceilings(dir: &Path, lang: &str) {
    let customer = read_raw(&dir.join(format!("{lang}.customer.raw")));
    let mut wide = Vec::new();
    Resampler::new(8_000, 48_000).process(&ulaw_round_trip(&customer), &mut wide);
    write_raw(
        &dir.join(format!("{lang}.ceiling.agent.raw")),
        &opus_round_trip(&wide, MixBand::Phone),
    );
    let (agent, rate) = ringdesk_tests::audio::read_wav(&dir.join(format!("{lang}.agent.wav")));
    assert_eq!(rate, 48_000, "the agent's speech is 48 kHz");
    let mut narrow = Vec::new();
    Resampler::new(48_000, 8_000).process(&opus_round_trip(&agent, MixBand::Full), &mut narrow);
    write_raw(
        &dir.join(format!("{lang}.ceiling.customer.raw")),
        &ulaw_round_trip(&narrow),
    );
}

/// The impairment each new relay gets (both directions of its leg), and the relays kept alive.
struct Network {
    agent_leg: Mutex<(Impairment, u64)>,
    relays: Mutex<Vec<Relay>>,
}

fn emulators(impairment: Impairment, seed: u64) -> (Emulator, Emulator) {
    (
        Emulator::new(impairment, seed),
        Emulator::new(impairment, seed + 1),
    )
}

/// The agent's app, answering at once, its microphone `{lang}.agent.wav` and its ear
/// recorded to `ear` (a new file each call).
fn agent(cloud: &Cloud, gateway: &Gateway, dir: &Path, lang: &str, ear: &Path) -> AgentProc {
    let play = dir.join(format!("{lang}.agent.wav"));
    AgentProc::start_via(
        cloud,
        &gateway.url,
        MINJI,
        &[
            "--wav",
            "--play",
            play.to_str().unwrap(),
            "--record",
            ear.to_str().unwrap(),
            "--auto-answer-ms",
            "0",
        ],
    )
}

/// Where the agent's app records what it hears (a new file each call).
fn ear_of(dir: &Path, lang: &str) -> std::path::PathBuf {
    dir.join(format!("{lang}.ear.wav"))
}

/// Waits for the agent's recorder to close its file (its header then counts every sample).
fn finished_wav(path: &Path) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let samples = hound::WavReader::open(path).map(|r| r.len()).unwrap_or(0);
        if size > 44 && u64::from(samples) * 2 + 44 == size {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{} was not closed",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One call: the customer says their speech once and listens on; the agent's app says its
/// own (looped) meanwhile. Writes both ears.
fn call(
    agent: &mut AgentProc,
    cloud: &Cloud,
    dir: &Path,
    name: &str,
    lang: &str,
    customer_leg: Impairment,
    seed: u64,
) {
    let ear = ear_of(dir, lang);
    // The customer starts talking a second into the call (`bench/call_quality.py` knows).
    let mut speech = vec![0; 8_000];
    speech.extend(read_raw(&dir.join(format!("{lang}.customer.raw"))));
    let (agent_speech, _) = ringdesk_tests::audio::read_wav(&dir.join(format!("{lang}.agent.wav")));
    // Two whole turns of the agent's loop and three seconds more: the customer's recording holds
    // one complete turn wherever the loop started, and the agent's ear the customer's speech.
    let length = 2 * agent_speech.len() / 6 + 24_000;
    speech.resize(length.max(speech.len() + 16_000), 0);
    let (up, down) = emulators(customer_leg, seed);
    let relay = Relay::bind(
        "127.0.0.1:0".parse().unwrap(),
        "127.0.0.1".parse().unwrap(),
        up,
        down,
    )
    .expect("relay");
    agent.skip_seen();
    let (mut caller, _) = RtpCaller::call_through(cloud.sip, DEMO_SERVICE, &relay);
    agent.wait_for("media", Duration::from_secs(20), |e| {
        matches!(e, AgentEvent::MediaConnected { .. })
    });
    let heard_by_customer = caller.converse(&speech);
    caller.hang_up();
    agent.wait_for("the call ends", Duration::from_secs(20), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::CallEnded { .. }))
    });
    write_raw(
        &dir.join(format!("{name}.{lang}.customer.raw")),
        &heard_by_customer,
    );
    finished_wav(&ear);
    // Out of wrap-up for the next call: close the conversation, as the agent would.
    let conversation = agent
        .seen
        .iter()
        .rev()
        .find_map(|(_, e)| match e {
            AgentEvent::Server(ServerEvent::ConversationChanged { conversation_id }) => {
                Some(*conversation_id)
            }
            _ => None,
        })
        .expect("the call's conversation");
    let (status, body) = block_on(admin(
        cloud,
        reqwest::Method::PUT,
        &format!("/api/v1/conversations/{conversation}/state"),
        serde_json::json!({"state": "closed"}),
    ));
    assert_eq!(status, 204, "{body}");
    std::fs::copy(&ear, dir.join(format!("{name}.{lang}.agent.wav")))
        .expect("copy the agent's ear");
}

fn main() {
    let Ok(dir) = std::env::var("RINGDESK_SPEECH_DIR") else {
        println!("quality: set RINGDESK_SPEECH_DIR (bench/call_quality.py does)");
        return;
    };
    let dir = Path::new(&dir);
    let only = std::env::var("RINGDESK_QUALITY_ONLY").unwrap_or_default();
    let langs = ["ko", "en"];
    for lang in langs {
        write_ceilings(dir, lang);
    }
    let cloud = Cloud::start(&["--insecure-http"]);
    let network = Arc::new(Network {
        agent_leg: Mutex::new((Impairment::CLEAN, 0)),
        relays: Mutex::new(Vec::new()),
    });
    let hook_network = network.clone();
    let gateway = Gateway::start(&cloud.api, move |cloud_media| {
        let (impairment, seed) = *hook_network.agent_leg.lock().unwrap();
        let (up, down) = emulators(impairment, seed);
        let relay = Relay::start(cloud_media, up, down);
        let named = relay.addr;
        hook_network.relays.lock().unwrap().push(relay);
        named
    });
    let mut runs = vec![(
        "clean".to_string(),
        Impairment::CLEAN,
        Side::Customer,
        1_u64,
    )];
    for (i, c) in conditions().into_iter().enumerate() {
        for (side, label) in [(Side::Customer, "customer"), (Side::Agent, "agent")] {
            let seed = 100 + 10 * i as u64 + if side == Side::Agent { 5 } else { 0 };
            runs.push((format!("{}.{label}", c.name), c.impairment, side, seed));
        }
    }
    let runs: Vec<_> = runs.into_iter().filter(|r| r.0.contains(&only)).collect();
    for lang in langs {
        let ear = ear_of(dir, lang);
        let mut agent = agent(&cloud, &gateway, dir, lang, &ear);
        for (name, impairment, side, seed) in &runs {
            let (customer_leg, agent_leg) = match side {
                Side::Customer => (*impairment, Impairment::CLEAN),
                Side::Agent => (Impairment::CLEAN, *impairment),
            };
            *network.agent_leg.lock().unwrap() = (agent_leg, seed + 2);
            call(&mut agent, &cloud, dir, name, lang, customer_leg, *seed);
            network.relays.lock().unwrap().clear();
            println!("quality: {name} {lang} recorded");
        }
    }
}
