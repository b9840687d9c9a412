//! Call control in the room, end to end: a real SIP caller (baresip), the cloud and a headless
//! agent, each party with its own tone, and who hears whom judged by frequency.

use std::time::{Duration, Instant};

use ringdesk_media::tone::tone_energy_ratio;
use ringdesk_tests::audio::{random_tone_pair, read_wav, write_tone_wav};
use ringdesk_tests::peers::Baresip;
use ringdesk_tests::{AgentProc, Cloud, DEMO_NUMBER, MINJI, TempDir};
use ringdesk_wire::AgentEvent;

/// The frequencies of the built-in hold music (`assets/hold-music.wav`): each note (C, E, G,
/// A, F, G, B, D) with its octave.
const HOLD_MUSIC_HZ: [f64; 16] = [
    523.25, 659.25, 783.99, 440.0, 349.23, 392.0, 493.88, 587.33, 1046.5, 1318.51, 1567.98, 880.0,
    698.46, 784.0, 987.77, 1174.66,
];

/// Per 250 ms window of a recording: how much of it is made of the frequencies `hz`.
fn windows(samples: &[i16], rate: u32, hz: &[f64]) -> Vec<f64> {
    let window = rate as usize / 4;
    samples
        .chunks_exact(window)
        .map(|w| hz.iter().map(|&f| tone_energy_ratio(w, rate, f)).sum())
        .collect()
}

/// Random tones for the caller and the agent, clear of the hold music's frequencies.
fn tones_clear_of_the_music() -> (f64, f64) {
    let clear = |hz: f64| HOLD_MUSIC_HZ.iter().all(|m| (m - hz).abs() > 40.0);
    loop {
        let (a, b) = random_tone_pair();
        if clear(a) && clear(b) {
            return (a, b);
        }
    }
}

fn wait_for_file(caller: &Baresip) -> std::path::PathBuf {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(w) = caller.heard_wav() {
            return w;
        }
        assert!(Instant::now() < deadline, "baresip wrote no recording");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn on_hold_the_customer_hears_music_and_nobody_hears_the_customer() {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("hold");
    let (caller_hz, agent_hz) = tones_clear_of_the_music();
    eprintln!("tones: caller {caller_hz} Hz, agent {agent_hz} Hz");
    write_tone_wav(&dir.path("agent.wav"), 48_000, agent_hz, 30.0);
    write_tone_wav(&dir.path("caller.wav"), 8_000, caller_hz, 30.0);
    let agent_heard = dir.path("agent-heard.wav");
    let mut agent = AgentProc::wav(
        &cloud,
        MINJI,
        &dir.path("agent.wav"),
        Some(&agent_heard),
        200,
    );
    let uri = format!("sip:{DEMO_NUMBER}@{}", cloud.sip);
    let caller = Baresip::call(&uri, &dir.path("caller.wav"), Duration::from_secs(14));
    let (_, ring) = agent.wait_for("ring", Duration::from_secs(20), |e| {
        matches!(e, AgentEvent::Ring { .. })
    });
    let AgentEvent::Ring { call_id, .. } = ring else {
        unreachable!()
    };
    agent.wait_for("audio", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::RemoteAudio { .. })
    });
    // Talk, hold for four seconds, talk again.
    std::thread::sleep(Duration::from_secs(2));
    agent.command(&format!("hold {call_id}"));
    agent.wait_for("held", Duration::from_secs(5), |e| {
        matches!(e, AgentEvent::HoldChanged { held: true, .. })
    });
    std::thread::sleep(Duration::from_secs(4));
    agent.command(&format!("resume {call_id}"));
    agent.wait_for("resumed", Duration::from_secs(5), |e| {
        matches!(e, AgentEvent::HoldChanged { held: false, .. })
    });
    agent.wait_for("end", Duration::from_secs(30), |e| {
        matches!(e, AgentEvent::CallEnded { .. })
    });

    // The caller's ear: the agent, then the music and nothing of the agent, then the agent.
    let (heard, rate) = read_wav(&wait_for_file(&caller));
    let agent_at_caller = windows(&heard, rate, &[agent_hz]);
    let music_at_caller = windows(&heard, rate, &HOLD_MUSIC_HZ);
    let music_windows: Vec<usize> = (0..music_at_caller.len())
        .filter(|&i| music_at_caller[i] > 0.5)
        .collect();
    assert!(
        music_windows.len() >= 8,
        "the held caller heard ≥ 2 s of hold music: {} windows",
        music_windows.len()
    );
    // The first and last music windows straddle the switch; every one between is pure hold.
    for &i in &music_windows[1..music_windows.len() - 1] {
        assert!(
            agent_at_caller[i] < 0.05,
            "window {i}: the agent ({agent_hz} Hz, ratio {:.3}) reached the held caller",
            agent_at_caller[i]
        );
    }
    let (first_music, last_music) = (music_windows[0], *music_windows.last().unwrap());
    let agent_before = agent_at_caller[..first_music].iter().any(|&r| r > 0.7);
    let agent_after = agent_at_caller[last_music + 1..].iter().any(|&r| r > 0.7);
    assert!(
        agent_before && agent_after,
        "the caller hears the agent before and after the hold (before {agent_before}, after {agent_after})"
    );

    // The agent's ear: the caller, then a stretch of silence (the held caller is not heard),
    // then the caller again.
    let (heard, rate) = read_wav(&agent_heard);
    let caller_at_agent = windows(&heard, rate, &[caller_hz]);
    let talking: Vec<usize> = (0..caller_at_agent.len())
        .filter(|&i| caller_at_agent[i] > 0.7)
        .collect();
    let longest_gap = talking
        .windows(2)
        .map(|w| w[1] - w[0] - 1)
        .max()
        .unwrap_or(0);
    assert!(
        (10..=20).contains(&longest_gap),
        "the agent hears the caller except for the ~4 s hold: longest gap {longest_gap} windows of 250 ms"
    );
}
