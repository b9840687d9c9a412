//! Text-to-speech render time per prompt: how long publishing a workflow waits for each of its
//! spoken prompts (rendered once, then kept). Typical Korean and English menu prompts through
//! the shipped engines: eSpeak NG, and the Kokoro voice for Korean when `RINGDESK_KOREAN_VOICE`
//! names it. `RINGDESK_KOREAN_VOICE=~/.cache/ringdesk/voices/kokoro cargo bench -p
//! ringdesk-cloud --bench speech`.

// A benchmark measures wall time.
#![allow(clippy::disallowed_methods, missing_docs)]

use std::time::{Duration, Instant};

use ringdesk_cloud::speech::{Espeak, KokoroVoice, SpeechEngine};
use ringdesk_core::workflow::Language;

const ROUNDS: usize = 3;

const PROMPTS: &[(Language, &str)] = &[
    (
        Language::Korean,
        "링데스크 데모입니다. 상담원 연결은 1번, 예약 번호를 남기시려면 2번, 음성 메시지는 3번을 눌러 주세요.",
    ),
    (
        Language::Korean,
        "고객님의 대기 순번은 3번입니다. 예상 대기 시간은 약 2분입니다.",
    ),
    (
        Language::Korean,
        "지금은 상담 시간이 아니에요. 운영 시간에 다시 전화해 주세요.",
    ),
    (
        Language::English,
        "Welcome to Ringdesk. Press one for an agent, two to leave a reservation number, three for voicemail.",
    ),
    (
        Language::English,
        "You are number 3 in the queue. Your estimated wait is about 2 minutes.",
    ),
];

fn main() {
    report("eSpeak NG", &Espeak::default(), PROMPTS);
    // The Korean voice `cargo xtask setup` installed (`cargo xtask bench` names it).
    match std::env::var_os("RINGDESK_KOREAN_VOICE") {
        Some(dir) => {
            let loading = Instant::now();
            let voice = KokoroVoice::load(std::path::Path::new(&dir)).expect("the Kokoro voice");
            println!(
                "Kokoro voice loaded in {:.0} ms",
                loading.elapsed().as_secs_f64() * 1000.0
            );
            let korean: Vec<_> = PROMPTS
                .iter()
                .copied()
                .filter(|(language, _)| *language == Language::Korean)
                .collect();
            report("Kokoro-82M int8, one thread", &voice, &korean);
        }
        None => println!("RINGDESK_KOREAN_VOICE is not set: the Kokoro voice is not measured"),
    }
}

/// Renders each prompt [`ROUNDS`] times with `engine` and prints the median.
fn report(name: &str, engine: &dyn SpeechEngine, prompts: &[(Language, &str)]) {
    println!("text-to-speech ({name}), {ROUNDS} renders each, median:");
    for (language, text) in prompts {
        let mut times: Vec<Duration> = Vec::with_capacity(ROUNDS);
        let mut audio_ms = 0;
        for _ in 0..ROUNDS {
            let start = Instant::now();
            let prompt = engine
                .render(*language, text)
                .expect("the engine is installed");
            times.push(start.elapsed());
            audio_ms = prompt.duration_ms();
        }
        times.sort();
        let median = times[ROUNDS / 2];
        println!(
            "  {:>6.1} ms for {:>5.1} s of audio ({:?}, {} chars)",
            median.as_secs_f64() * 1000.0,
            audio_ms as f64 / 1000.0,
            language,
            text.chars().count()
        );
    }
}
