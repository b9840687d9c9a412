//! End to end: call recordings. A real SIP caller (a 500 Hz voice) talks with a headless
//! agent (a 1 kHz voice) through the cloud; the manager pauses the recording and puts the
//! caller on hold (the hold music a 2 kHz tone). The recording, downloaded as MP3 and decoded,
//! has the caller on the left channel and the manager on the right, silence where it was
//! paused (and the pause marked), and no hold music anywhere. A `kill -9` of the cloud
//! mid-call keeps what was recorded before it, finished at the restart. With the Whisper model
//! installed, a call where each side says a sentence (eSpeak NG) gets a transcript that knows
//! who said what; in Korean too (the cloud's Korean voice speaking), found by a two-syllable
//! keyword.

use std::time::{Duration, Instant};

use ringdesk_media::resample::Resampler;
use ringdesk_media::tone::{sine, tone_energy_ratio};
use ringdesk_tests::audio::{decode_mp3, write_tone_wav};
use ringdesk_tests::rtp_caller::RtpCaller;
use ringdesk_tests::{AgentProc, Cloud, DEMO_SERVICE, MINJI, TempDir, block_on, http};
use ringdesk_wire::{
    AgentEvent, ConversationDetail, RecordingInfo, RecordingState, ServerEvent, Speaker,
    TranscriptState,
};

const CALLER_HZ: f64 = 500.0;
const MANAGER_HZ: f64 = 1_000.0;
const MUSIC_HZ: f64 = 2_000.0;
const RATE: u32 = 16_000;

/// `seconds` of the caller's voice at 8 kHz.
fn caller_voice(seconds: f64) -> Vec<i16> {
    sine(8_000, CALLER_HZ, 8_000.0, (8_000.0 * seconds) as usize)
}

/// GET an API path as Minji: status and body bytes.
fn get(cloud: &Cloud, path: &str) -> (u16, Vec<u8>) {
    block_on(async {
        let token = cloud.token(MINJI.0, MINJI.1).await;
        let response = http(cloud)
            .get(format!("{}{path}", cloud.api))
            .bearer_auth(token)
            .send()
            .await
            .expect("the API answers");
        let status = response.status().as_u16();
        (status, response.bytes().await.unwrap().to_vec())
    })
}

/// Waits (up to a minute) for the call's recording to be ready; its info.
fn ready_recording(cloud: &Cloud, call_id: i64) -> RecordingInfo {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, body) = get(cloud, &format!("/api/v1/calls/{call_id}/recording"));
        if status == 200 {
            let info: RecordingInfo = serde_json::from_slice(&body).unwrap();
            assert_ne!(info.state, RecordingState::Failed, "{info:?}");
            if info.state == RecordingState::Ready {
                return info;
            }
        }
        assert!(Instant::now() < deadline, "no recording ready: {status}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The call's MP3, decoded: left and right channels at 16 kHz.
fn decoded_channels(cloud: &Cloud, call_id: i64) -> (Vec<i16>, Vec<i16>) {
    let (status, mp3) = get(cloud, &format!("/api/v1/calls/{call_id}/recording/mp3"));
    assert_eq!(status, 200);
    let (samples, rate, channels) = decode_mp3(mp3);
    assert_eq!((rate, channels), (RATE, 2), "16 kHz stereo");
    let left = samples.iter().step_by(2).copied().collect();
    let right = samples.iter().skip(1).step_by(2).copied().collect();
    (left, right)
}

/// The share of `freq_hz` in `samples[from_ms..to_ms]`.
fn tone_share(samples: &[i16], from_ms: i64, to_ms: i64, freq_hz: f64) -> f64 {
    let at = |ms: i64| ((ms.max(0) as usize) * RATE as usize / 1000).min(samples.len());
    tone_energy_ratio(&samples[at(from_ms)..at(to_ms)], RATE, freq_hz)
}

/// The loudest sample of `samples[from_ms..to_ms]`.
fn peak(samples: &[i16], from_ms: i64, to_ms: i64) -> i16 {
    let at = |ms: i64| (ms as usize * RATE as usize / 1000).min(samples.len());
    samples[at(from_ms)..at(to_ms)]
        .iter()
        .map(|s| s.saturating_abs())
        .max()
        .unwrap_or(0)
}

/// The call's id and whether its recording is paused, from each `callState` Minji gets.
fn wait_recording(minji: &mut AgentProc, paused: bool) -> i64 {
    let (_, e) = minji.wait_for("the recording's state", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::CallState(s))
            if s.recording && s.recording_paused == paused)
    });
    match e {
        AgentEvent::Server(ServerEvent::CallState(s)) => s.call_id,
        _ => unreachable!(),
    }
}

#[test]
fn a_call_is_recorded_in_stereo_without_the_paused_stretch_or_the_hold_music() {
    let dir = TempDir::new("recording");
    let music = dir.path("music.wav");
    write_tone_wav(&music, 16_000, MUSIC_HZ, 3.0);
    let cloud = Cloud::start(&["--hold-music", music.to_str().unwrap()]);
    let voice = dir.path("minji.wav");
    write_tone_wav(&voice, 48_000, MANAGER_HZ, 60.0);
    let mut minji = AgentProc::wav(&cloud, MINJI, &voice, None, 100);

    let (mut caller, _) = RtpCaller::call_from(cloud.sip, DEMO_SERVICE, "01055501234");
    let call = wait_recording(&mut minji, false);
    caller.talk(&caller_voice(3.0));
    minji.command(&format!("record {call} pause"));
    caller.talk(&caller_voice(2.0));
    wait_recording(&mut minji, true);
    minji.command(&format!("record {call} resume"));
    caller.talk(&caller_voice(2.0));
    wait_recording(&mut minji, false);
    minji.command(&format!("hold {call}"));
    let on_hold = caller.talk(&caller_voice(2.0));
    assert!(
        tone_energy_ratio(&on_hold[8_000..], 8_000, MUSIC_HZ) > 0.5,
        "the held caller hears the music"
    );
    minji.command(&format!("resume {call}"));
    caller.talk(&caller_voice(1.0));
    caller.hang_up();

    let info = ready_recording(&cloud, call);
    assert!(
        (8_500..12_500).contains(&info.duration_ms),
        "about 10 s: {info:?}"
    );
    assert_eq!(info.pauses.len(), 1, "one pause, marked: {info:?}");
    let pause = &info.pauses[0];
    let resumed = pause.to_ms.expect("resumed before the end");
    assert!(
        (1_500..2_600).contains(&(resumed - pause.from_ms)),
        "{pause:?}"
    );
    assert!(info.mp3_bytes > 0);

    let (left, right) = decoded_channels(&cloud, call);
    let seconds = left.len() as i64 * 1000 / i64::from(RATE);
    assert!(
        (seconds - info.duration_ms).abs() < 200,
        "the MP3 is as long as the recording: {seconds} ms"
    );
    // Before the pause: the caller left, the manager right, each alone on their side.
    let (a, b) = (pause.from_ms - 2_000, pause.from_ms - 200);
    assert!(
        tone_share(&left, a, b, CALLER_HZ) > 0.8,
        "the caller on the left"
    );
    assert!(
        tone_share(&right, a, b, MANAGER_HZ) > 0.8,
        "the manager on the right"
    );
    assert!(tone_share(&left, a, b, MANAGER_HZ) < 0.05);
    assert!(tone_share(&right, a, b, CALLER_HZ) < 0.05);
    // While paused: nothing at all on either side.
    let (a, b) = (pause.from_ms + 100, resumed - 100);
    assert_eq!(
        (peak(&left, a, b), peak(&right, a, b)),
        (0, 0),
        "paused is silent"
    );
    // After it, both again.
    let (a, b) = (resumed + 300, resumed + 1_700);
    assert!(tone_share(&left, a, b, CALLER_HZ) > 0.8, "recording again");
    assert!(tone_share(&right, a, b, MANAGER_HZ) > 0.8);
    // The hold music never enters the recording.
    let whole = |c: &[i16]| tone_share(c, 0, info.duration_ms, MUSIC_HZ);
    assert!(whole(&left) < 0.01 && whole(&right) < 0.01, "no hold music");
}

#[test]
fn a_recording_survives_a_crash_of_the_cloud_mid_call() {
    let dir = TempDir::new("recording-crash");
    let cloud = Cloud::start(&[]);
    let voice = dir.path("minji.wav");
    write_tone_wav(&voice, 48_000, MANAGER_HZ, 60.0);
    let mut minji = AgentProc::wav(&cloud, MINJI, &voice, None, 100);
    let (mut caller, _) = RtpCaller::call_from(cloud.sip, DEMO_SERVICE, "01055505678");
    let call = wait_recording(&mut minji, false);
    caller.talk(&caller_voice(5.0));
    // SIGKILL mid-call, then a new process on the same data.
    let cloud = cloud.restart();
    drop(caller);

    let info = ready_recording(&cloud, call);
    assert!(
        (3_000..=5_500).contains(&info.duration_ms),
        "at most ~2 s lost of the 5 s talked: {info:?}"
    );
    let (left, right) = decoded_channels(&cloud, call);
    let end = info.duration_ms - 100;
    assert!(
        tone_share(&left, 500, end, CALLER_HZ) > 0.8,
        "the caller's part plays"
    );
    assert!(
        tone_share(&right, 500, end, MANAGER_HZ) > 0.8,
        "and the manager's"
    );
}

/// A sentence spoken by eSpeak NG (US English), at `rate_hz`, after `lead_ms` of silence.
fn spoken(text: &str, rate_hz: u32, lead_ms: usize) -> Vec<i16> {
    // A file, not --stdout: a piped WAV's header cannot say its length.
    let dir = TempDir::new("espeak");
    let wav = dir.path("said.wav");
    let ok = std::process::Command::new("espeak-ng")
        .args(["-v", "en-us", "-s", "150", "-w"])
        .arg(&wav)
        .arg(text)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "espeak-ng failed");
    let reader = hound::WavReader::open(&wav).expect("espeak-ng's WAV");
    let from = reader.spec().sample_rate;
    let samples: Vec<i16> = reader.into_samples().map(Result::unwrap).collect();
    let mut speech = vec![0; rate_hz as usize * lead_ms / 1000];
    Resampler::new(from, rate_hz).process(&samples, &mut speech);
    speech
}

/// The share of `expected`'s words found in `heard` (case and punctuation aside).
fn word_accuracy(expected: &str, heard: &str) -> f64 {
    let words = |s: &str| -> Vec<String> {
        s.split_whitespace()
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .filter(|w| !w.is_empty())
            .collect()
    };
    let (expected, heard) = (words(expected), words(heard));
    let found = expected.iter().filter(|w| heard.contains(w)).count();
    found as f64 / expected.len() as f64
}

/// The Whisper model `cargo xtask setup` installed (`cargo xtask test` names it).
fn whisper_model() -> String {
    std::env::var("RINGDESK_TEST_WHISPER_MODEL").expect(
        "RINGDESK_TEST_WHISPER_MODEL is not set: it names the Whisper ggml model \
         (`cargo xtask test` sets it to ~/.cache/ringdesk/models/whisper-base/ggml-base.bin)",
    )
}

/// Minji's microphone: `speech` (48 kHz) then half a minute of silence, as a WAV in `dir`.
fn agent_voice(dir: &TempDir, speech: &[i16]) -> std::path::PathBuf {
    let voice = dir.path("minji.wav");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 48_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&voice, spec).unwrap();
    let silence = std::iter::repeat_n(0, 48_000 * 30);
    for s in speech.iter().copied().chain(silence) {
        w.write_sample(s).unwrap();
    }
    w.finalize().unwrap();
    voice
}

/// Waits (up to three minutes) for the call's transcript; the conversation holding it.
fn transcribed(cloud: &Cloud, call: i64) -> ConversationDetail {
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let (status, body) = get(cloud, &format!("/api/v1/conversations/{call}"));
        assert_eq!(status, 200);
        let detail: ConversationDetail = serde_json::from_slice(&body).unwrap();
        let state = detail.recording.as_ref().and_then(|r| r.transcript);
        assert_ne!(state, Some(TranscriptState::Failed), "{detail:?}");
        if state == Some(TranscriptState::Ready) {
            return detail;
        }
        assert!(
            Instant::now() < deadline,
            "no transcript in time: {state:?}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Everything `who` said in the call, line after line.
fn said_by(detail: &ConversationDetail, who: Speaker) -> String {
    detail
        .transcript
        .iter()
        .filter(|l| l.speaker == who)
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The keyword search's hits for `q` (URL-encoded here).
fn search(cloud: &Cloud, q: &str) -> Vec<ringdesk_wire::TranscriptHit> {
    let q: String = q
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let (status, body) = get(cloud, &format!("/api/v1/transcripts/search?q={q}"));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).unwrap()
}

/// A call from `number` through a cloud with the Whisper model: the customer says
/// `customer` (8 kHz), Minji answers and says `agent` (48 kHz, silence first so they take
/// turns). Returns the cloud (still running), the call and its transcribed conversation.
fn transcribed_call(
    number: &str,
    customer: &[i16],
    agent: &[i16],
) -> (Cloud, i64, ConversationDetail) {
    let dir = TempDir::new("transcript");
    let cloud = Cloud::start(&["--whisper-model", &whisper_model()]);
    let voice = agent_voice(&dir, agent);
    let mut minji = AgentProc::wav(&cloud, MINJI, &voice, None, 100);
    let (mut caller, _) = RtpCaller::call_from(cloud.sip, DEMO_SERVICE, number);
    let call = wait_recording(&mut minji, false);
    caller.talk(customer);
    caller.listen(Duration::from_secs(8));
    caller.hang_up();
    let detail = transcribed(&cloud, call);
    (cloud, call, detail)
}

#[test]
fn a_call_is_transcribed_speaker_by_speaker() {
    const CUSTOMER: &str =
        "Hello, I would like a refund for my order. The package arrived broken yesterday.";
    const AGENT: &str = "I am sorry to hear that. I will send you a new package today.";
    // Minji speaks once the customer is done.
    let (cloud, call, detail) = transcribed_call(
        "01055509876",
        &spoken(CUSTOMER, 8_000, 500),
        &spoken(AGENT, 48_000, 7_500),
    );
    let (customer, agent) = (
        said_by(&detail, Speaker::Customer),
        said_by(&detail, Speaker::Agent),
    );
    let (customer_accuracy, agent_accuracy) = (
        word_accuracy(CUSTOMER, &customer),
        word_accuracy(AGENT, &agent),
    );
    println!(
        "figure: transcript word accuracy — customer (G.711, 8 kHz) {:.0} %, agent (Opus) {:.0} %",
        customer_accuracy * 100.0,
        agent_accuracy * 100.0
    );
    println!("customer: {customer}\nagent: {agent}");
    // The customer's side comes through G.711 at 8 kHz, and eSpeak NG's voice is hard on a
    // phone line (50–57 % here); Whisper base hears the agent's Opus far better (93 %).
    assert!(
        customer_accuracy >= 0.4,
        "the customer's words: {customer:?}"
    );
    assert!(agent_accuracy >= 0.8, "the agent's words: {agent:?}");
    // Neither side's words land on the other's lines.
    assert!(!agent.to_lowercase().contains("order"), "{agent:?}");
    assert!(!customer.to_lowercase().contains("sorry"), "{customer:?}");
    // Keyword search finds the call at the line, and only where it was said.
    let hits = search(&cloud, "PACKAGE");
    assert!(
        !hits.is_empty(),
        "no hit for a word said twice: {:?}",
        detail.transcript
    );
    assert!(
        hits.iter()
            .all(|h| h.call_id == call && h.text.to_lowercase().contains("package"))
    );
    let lines: Vec<i64> = detail.transcript.iter().map(|l| l.start_ms).collect();
    assert!(hits.iter().all(|h| lines.contains(&h.start_ms)), "{hits:?}");
    let (status, _) = get(
        &cloud,
        &format!("/api/v1/transcripts/search?q={}", "x".repeat(10_000)),
    );
    assert_eq!(status, 400, "a 10,000-character search");
    assert_eq!(
        get(&cloud, "/api/v1/transcripts/search?q=").0,
        400,
        "an empty one"
    );
    // Each line sits where it was said: the customer first, the agent after.
    let first = |who: Speaker| {
        detail
            .transcript
            .iter()
            .find(|l| l.speaker == who)
            .unwrap()
            .start_ms
    };
    assert!(first(Speaker::Customer) < 3_000, "{:?}", detail.transcript);
    assert!(
        first(Speaker::Agent) > first(Speaker::Customer),
        "{:?}",
        detail.transcript
    );
}

/// A Korean sentence in the cloud's Korean voice (Kokoro), at `rate_hz`, after `lead_ms` of
/// silence. eSpeak NG's Korean is unintelligible even to people; this one a listener follows.
fn spoken_korean(text: &str, rate_hz: u32, lead_ms: usize) -> Vec<i16> {
    use ringdesk_cloud::speech::{KokoroVoice, SpeechEngine};
    const VOICE_ENV: &str = "RINGDESK_TEST_KOREAN_VOICE";
    let dir = std::env::var_os(VOICE_ENV).unwrap_or_else(|| {
        panic!(
            "{VOICE_ENV} is not set: it names the Kokoro voice's directory \
             (`cargo xtask test` sets it to ~/.cache/ringdesk/voices/kokoro)"
        )
    });
    let voice = KokoroVoice::load(std::path::Path::new(&dir)).expect("the Korean voice");
    let prompt = voice
        .render(ringdesk_core::workflow::Language::Korean, text)
        .expect("Korean speech");
    let mut room_rate = vec![0; prompt.len()];
    prompt.once().fill(&mut room_rate);
    let mut speech = vec![0; rate_hz as usize * lead_ms / 1000];
    Resampler::new(ringdesk_media::ROOM_RATE_HZ, rate_hz).process(&room_rate, &mut speech);
    speech
}

/// A precomposed Hangul syllable (가–힣).
fn is_hangul(c: &char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(c)
}

/// The share of `expected`'s Hangul syllables that `heard` has in the same order: one minus
/// the syllable error rate (edit distance over syllables, spaces and punctuation aside), at
/// least zero. Korean words are spaced loosely, so syllables, not words, are what count.
fn syllable_accuracy(expected: &str, heard: &str) -> f64 {
    let syllables = |s: &str| -> Vec<char> { s.chars().filter(is_hangul).collect() };
    let (a, b) = (syllables(expected), syllables(heard));
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(x != y);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    (1.0 - row[b.len()] as f64 / a.len() as f64).max(0.0)
}

#[test]
fn syllable_accuracy_counts_edits_not_spacing() {
    assert_eq!(syllable_accuracy("환불해 주세요.", "환불 해주세요"), 1.0);
    let one_lost = syllable_accuracy("환불해 주세요", "환불해 주세");
    assert!((one_lost - 5.0 / 6.0).abs() < 1e-9, "{one_lost}");
    let one_wrong = syllable_accuracy("환불해 주세요", "관불해 주세요");
    assert!((one_wrong - 5.0 / 6.0).abs() < 1e-9, "{one_wrong}");
    assert_eq!(syllable_accuracy("환불", "hello"), 0.0);
}

#[test]
fn a_korean_call_is_transcribed_in_korean() {
    const CUSTOMER: &str = "안녕하세요. 주문한 상품이 깨져서 왔어요. 환불해 주세요.";
    const AGENT: &str = "불편을 드려서 죄송합니다. 오늘 새 상품을 보내 드릴게요.";
    let (cloud, call, detail) = transcribed_call(
        "01055504321",
        &spoken_korean(CUSTOMER, 8_000, 500),
        &spoken_korean(AGENT, 48_000, 8_000),
    );
    let (customer, agent) = (
        said_by(&detail, Speaker::Customer),
        said_by(&detail, Speaker::Agent),
    );
    let (customer_accuracy, agent_accuracy) = (
        syllable_accuracy(CUSTOMER, &customer),
        syllable_accuracy(AGENT, &agent),
    );
    println!(
        "figure: Korean transcript syllable accuracy — customer (G.711, 8 kHz) {:.0} %, \
         agent (Opus) {:.0} %",
        customer_accuracy * 100.0,
        agent_accuracy * 100.0
    );
    println!("customer: {customer}\nagent: {agent}");
    // Whisper base on the phone band hears 78 % of the customer's syllables here (환불 as
    // 관부), the agent's Opus 96 %.
    assert!(
        customer_accuracy >= 0.6,
        "the customer's words: {customer:?}"
    );
    assert!(agent_accuracy >= 0.8, "the agent's words: {agent:?}");
    // Written in Korean, not transliterated or translated.
    let hangul = |s: &str| s.chars().filter(is_hangul).count();
    let latin = |s: &str| s.chars().filter(char::is_ascii_alphabetic).count();
    assert!(hangul(&customer) > 4 * latin(&customer), "{customer:?}");
    assert!(hangul(&agent) > 4 * latin(&agent), "{agent:?}");
    // A two-syllable keyword finds the call at the customer's line that holds it.
    let hits = search(&cloud, "주문");
    assert!(
        hits.iter()
            .any(|h| h.call_id == call && h.speaker == Speaker::Customer),
        "{hits:?} in {:?}",
        detail.transcript
    );
    assert!(hits.iter().all(|h| h.text.contains("주문")), "{hits:?}");
}
