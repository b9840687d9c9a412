//! What transcribing costs and what it leaves to live calls: a recording of English sentences
//! (espeak-ng) on both channels — the customer's through G.711's 8 kHz band, as a phone call
//! carries it — transcribed by the cloud's `Transcriber` (Whisper base, one worker): its
//! real-time factor and word accuracy; then a 20 ms media tick (a tokio interval, as a call's
//! room runs) measured idle, and while one and two workers transcribe. With
//! `RINGDESK_TEST_WHISPER_MODEL` naming the ggml model (`cargo xtask setup` installs it).
//! `cargo bench -p ringdesk-cloud --bench transcribe`.

// A benchmark measures wall time.
#![allow(clippy::disallowed_methods, missing_docs)]

use std::path::Path;
use std::time::{Duration, Instant};

use ringdesk_cloud::transcribe::Transcriber;

const CUSTOMER: &[&str] = &[
    "Hello, I would like a refund for my order.",
    "The package arrived broken yesterday.",
    "Can I change my delivery address for the next one?",
    "My order number is four five seven two.",
];
const AGENT: &[&str] = &[
    "I am sorry to hear that.",
    "I will send you a new package today.",
    "Yes, you can change the address in your account settings.",
    "Thank you for calling customer support.",
];
const RATE: u32 = 16_000;

/// A sentence spoken by espeak-ng, at 16 kHz; `narrow` keeps only the 8 kHz phone band.
fn spoken(text: &str, narrow: bool) -> Vec<i16> {
    let dir = std::env::temp_dir().join(format!("ringdesk-bench-tts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wav = dir.join("s.wav");
    let ok = std::process::Command::new("espeak-ng")
        .args(["-v", "en-us", "-s", "150", "-w"])
        .arg(&wav)
        .arg(text)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "espeak-ng failed (is it installed?)");
    let reader = hound::WavReader::open(&wav).unwrap();
    let from = reader.spec().sample_rate;
    let samples: Vec<i16> = reader.into_samples::<i16>().map(Result::unwrap).collect();
    // Down to 8 kHz and back for the phone band, else straight to 16 kHz (linear: plenty for
    // a benchmark's speech).
    let resample = |s: &[i16], from: u32, to: u32| -> Vec<i16> {
        let n = (s.len() as u64 * u64::from(to) / u64::from(from)) as usize;
        (0..n)
            .map(|i| {
                let x = i as f64 * f64::from(from) / f64::from(to);
                let (j, f) = (x as usize, x.fract());
                let a = f64::from(s[j.min(s.len() - 1)]);
                let b = f64::from(s[(j + 1).min(s.len() - 1)]);
                (a + (b - a) * f) as i16
            })
            .collect()
    };
    if narrow {
        let phone = resample(&samples, from, 8_000);
        resample(&phone, 8_000, RATE)
    } else {
        resample(&samples, from, RATE)
    }
}

/// The two channels: the customer speaks, then the agent answers, one sentence each in turn,
/// with a second of silence around each.
fn conversation() -> (Vec<i16>, Vec<i16>) {
    let gap = vec![0i16; RATE as usize];
    let (mut customer, mut agent) = (Vec::new(), Vec::new());
    for (c, a) in CUSTOMER.iter().zip(AGENT) {
        let said = spoken(c, true);
        agent.extend(std::iter::repeat_n(0, said.len() + gap.len()));
        customer.extend(said);
        customer.extend(&gap);
        let answer = spoken(a, false);
        customer.extend(std::iter::repeat_n(0, answer.len() + gap.len()));
        agent.extend(answer);
        agent.extend(&gap);
    }
    (customer, agent)
}

fn word_accuracy(expected: &[&str], heard: &str) -> f64 {
    let words = |s: &str| -> Vec<String> {
        s.split_whitespace()
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .filter(|w| !w.is_empty())
            .collect()
    };
    let (expected, heard) = (words(&expected.join(" ")), words(heard));
    expected.iter().filter(|w| heard.contains(w)).count() as f64 / expected.len() as f64
}

/// How late a 20 ms tick fires over `ticks` ticks (p50, p99, max), on a runtime of its own
/// thread, as a call's room does.
fn tick_lateness(ticks: usize) -> (Duration, Duration, Duration) {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let mut interval = tokio::time::interval(Duration::from_millis(20));
            let mut late = Vec::with_capacity(ticks);
            for _ in 0..ticks {
                let due = interval.tick().await;
                late.push(Instant::now().saturating_duration_since(due.into_std()));
            }
            late.sort();
            (
                late[late.len() / 2],
                late[late.len() * 99 / 100],
                late[late.len() - 1],
            )
        })
    })
    .join()
    .unwrap()
}

fn main() {
    let Some(model) = std::env::var_os("RINGDESK_TEST_WHISPER_MODEL") else {
        println!("RINGDESK_TEST_WHISPER_MODEL is not set: nothing measured");
        return;
    };
    let (customer, agent) = conversation();
    let audio_s = customer.len().max(agent.len()) as f64 / f64::from(RATE);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let one = Transcriber::load(Path::new(&model), 1).unwrap();
    let started = Instant::now();
    let lines = runtime
        .block_on(one.transcribe(customer.clone(), agent.clone()))
        .unwrap();
    let took = started.elapsed().as_secs_f64();
    let said = |who: &str| {
        lines
            .iter()
            .filter(|l| l.speaker == who)
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    };
    println!(
        "transcription (Whisper base, greedy, 1 worker): {audio_s:.1} s of call in {took:.2} s — real-time factor {:.3}",
        took / audio_s
    );
    println!(
        "word accuracy: customer (phone band) {:.0} %, agent {:.0} %",
        100.0 * word_accuracy(CUSTOMER, &said("customer")),
        100.0 * word_accuracy(AGENT, &said("agent"))
    );

    let ticks = 500; // 10 s of 20 ms frames
    let show = |what: &str, (p50, p99, max): (Duration, Duration, Duration)| {
        println!(
            "20 ms media tick, {what}: late p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3,
            max.as_secs_f64() * 1e3
        )
    };
    show("idle", tick_lateness(ticks));
    for workers in [1, 2] {
        let pool = Transcriber::load(Path::new(&model), workers).unwrap();
        // Enough recordings queued to keep every worker busy for the whole measurement (each
        // takes `took`); all are finished before the next measurement.
        let per_worker = (f64::from(ticks as u32) * 0.02 / took).ceil() as usize + 1;
        let busy: Vec<_> = (0..workers * per_worker)
            .map(|_| {
                let pool = pool.clone();
                let (c, a) = (customer.clone(), agent.clone());
                runtime.spawn(async move { pool.transcribe(c, a).await })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(500));
        show(
            &format!("while {workers} worker(s) transcribe"),
            tick_lateness(ticks),
        );
        for b in busy {
            let _ = runtime.block_on(b);
        }
    }
}
