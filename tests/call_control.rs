//! Call control in the room, end to end: a real SIP caller (baresip), the cloud and a headless
//! agent, each party with its own tone, and who hears whom judged by frequency.

use std::path::{Path, PathBuf};
use std::time::Duration;

use ringdesk_media::tone::{goertzel_power, tone_energy_ratio};
use ringdesk_tests::audio::{
    HOLD_MUSIC_HZ, random_tone_pair, read_wav, settled_wav, write_tone_wav,
};
use ringdesk_tests::peers::Baresip;
use ringdesk_tests::ws::WsSession;
use ringdesk_tests::{AgentProc, Cloud, DEMO_NUMBER, JUNHO, MINJI, TempDir, block_on, http};
use ringdesk_wire::{
    AgentEvent, CallRecord, CallState, ClientMessage, EndCause, ErrorCode, HangupCause,
    JoinPurpose, NotRingingReason, RingPurpose, RingStopReason, ServerEvent, ServerMessage,
    Teammate, TransferOutcome,
};

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
        matches!(e, AgentEvent::Server(ServerEvent::Ring { .. }))
    });
    let AgentEvent::Server(ServerEvent::Ring { call_id, .. }) = ring else {
        unreachable!()
    };
    agent.wait_for("audio", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::RemoteAudio { .. })
    });
    // Talk, hold for four seconds, talk again.
    std::thread::sleep(Duration::from_secs(2));
    agent.command(&format!("hold {call_id}"));
    agent.wait_for("held", Duration::from_secs(5), |e| {
        matches!(
            e,
            AgentEvent::Server(ServerEvent::HoldChanged { held: true, .. })
        )
    });
    std::thread::sleep(Duration::from_secs(4));
    agent.command(&format!("resume {call_id}"));
    agent.wait_for("resumed", Duration::from_secs(5), |e| {
        matches!(
            e,
            AgentEvent::Server(ServerEvent::HoldChanged { held: false, .. })
        )
    });
    agent.wait_for("end", Duration::from_secs(30), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::CallEnded { .. }))
    });

    // The caller's ear: the agent, then the music and nothing of the agent, then the agent.
    let (heard, rate) = read_wav(&caller.heard_after_hangup());
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

/// `n` tone frequencies for one run, at random, at least 150 Hz apart and clear of the hold
/// music and of the 440/480 Hz ringback.
fn distinct_tones(n: usize) -> Vec<f64> {
    let clear = |hz: f64, others: &[f64]| {
        HOLD_MUSIC_HZ
            .iter()
            .chain([440.0, 480.0].iter())
            .all(|m| (m - hz).abs() > 40.0)
            && others.iter().all(|o| (o - hz).abs() >= 150.0)
    };
    let mut tones = Vec::new();
    while tones.len() < n {
        let hz = 600.0 + 10.0 * f64::from(rand::random::<u32>() % 120);
        if clear(hz, &tones) {
            tones.push(hz);
        }
    }
    eprintln!("tones: {tones:?}");
    tones
}

/// A manager who joins a call must be heard, and hear the others, at full level this soon
/// after their media comes up.
const JOINER_FULL_LEVEL: Duration = Duration::from_millis(300);

/// Checks that in the recording at `path` the tone `hz` (a joiner's voice where another
/// listens, or another's voice where the joiner listens) is at full level from
/// [`JOINER_FULL_LEVEL`] after it is first heard, for two seconds: at most two 50 ms stretches
/// under half the level it settles at.
fn heard_at_full_level_soon(path: &Path, hz: f64, what: &str) {
    let (samples, rate) = read_wav(path);
    let window = rate as usize / 20;
    let levels: Vec<f64> = samples
        .chunks_exact(window)
        .map(|w| goertzel_power(w, rate, hz).sqrt())
        .collect();
    let loudest = levels.iter().copied().fold(0.0, f64::max);
    let mut present: Vec<f64> = levels
        .iter()
        .copied()
        .filter(|l| *l >= loudest / 4.0)
        .collect();
    present.sort_by(f64::total_cmp);
    let full = present[present.len() / 2];
    let first = levels
        .iter()
        .position(|l| *l >= full / 4.0)
        .unwrap_or_else(|| panic!("{what}: never heard"));
    let from = first + JOINER_FULL_LEVEL.as_millis() as usize / 50;
    let judged = levels
        .get(from..from + 40)
        .unwrap_or_else(|| panic!("{what}: the recording ends before two seconds at full level"));
    let db = |l: f64| 20.0 * (l / full).log10();
    let weak: Vec<String> = judged
        .iter()
        .enumerate()
        .filter(|(_, l)| **l < full / 2.0)
        .map(|(i, l)| format!("{} ms: {:.0} dB", (from + i) * 50, db(*l)))
        .collect();
    // One scheduling hiccup on a loaded machine is not a slow start.
    assert!(
        weak.len() <= 2,
        "{what}: heard first at {} ms, then under half its level: {weak:?}",
        first * 50
    );
}

/// A manager in a test call: a headless agent playing its own tone and recording what it
/// hears; answering rings after `auto_answer_ms`, or only when told.
struct Manager {
    agent: AgentProc,
    hz: f64,
    heard: PathBuf,
}

impl Manager {
    fn start(
        cloud: &Cloud,
        dir: &TempDir,
        who: (&str, &str),
        hz: f64,
        answer: Option<u64>,
    ) -> Manager {
        let name = who.0.split('@').next().unwrap();
        let play = dir.path(&format!("{name}.wav"));
        let heard = dir.path(&format!("{name}-heard.wav"));
        write_tone_wav(&play, 48_000, hz, 60.0);
        let mut args = vec![
            "--wav".to_string(),
            "--play".into(),
            play.display().to_string(),
            "--record".into(),
            heard.display().to_string(),
        ];
        if let Some(ms) = answer {
            args.extend(["--auto-answer-ms".into(), ms.to_string()]);
        }
        Manager {
            agent: AgentProc::start(cloud, who, &args),
            hz,
            heard,
        }
    }

    fn id(&self) -> i64 {
        self.agent.manager_id()
    }

    /// What this manager heard, once the call is over: the recorder rewrites the WAV header
    /// once a second and finalizes it when the call's media stops, a moment after `callEnded`
    /// is printed, so this waits until the file stops changing (up to 5 s).
    fn heard(&self) -> &Path {
        settled_wav(&self.heard)
    }

    fn command(&mut self, line: &str) {
        self.agent.command(line);
    }

    fn wait(&mut self, what: &str, f: impl Fn(&AgentEvent) -> bool) -> AgentEvent {
        self.agent.wait_for(what, Duration::from_secs(20), f).1
    }

    /// Waits for a ring and returns its call id.
    fn rung(&mut self) -> i64 {
        match self.wait("ring", |e| {
            matches!(e, AgentEvent::Server(ServerEvent::Ring { .. }))
        }) {
            AgentEvent::Server(ServerEvent::Ring { call_id, .. }) => call_id,
            _ => unreachable!(),
        }
    }

    fn hears_audio(&mut self) {
        self.wait("audio", |e| matches!(e, AgentEvent::RemoteAudio { .. }));
    }

    fn call_ended(&mut self, cause: &str) {
        let ended = self.wait("call ended", |e| {
            matches!(e, AgentEvent::Server(ServerEvent::CallEnded { .. }))
        });
        assert!(
            matches!(&ended, AgentEvent::Server(ServerEvent::CallEnded { cause: c, .. }) if c.as_str() == cause),
            "expected the call to end with {cause}: {ended:?}"
        );
    }

    /// Waits until the call has exactly these managers in it.
    fn sees_managers(&mut self, ids: &[i64]) {
        self.wait("call state", |e| match e {
            AgentEvent::Server(ServerEvent::CallState(s)) => {
                let mut in_call: Vec<i64> = s.managers.iter().map(|m| m.id).collect();
                in_call.sort_unstable();
                in_call == ids
            }
            _ => false,
        });
    }
}

/// A recording as 250 ms windows: for each tone asked about, how much of each window it is.
struct Heard {
    windows: Vec<Vec<f64>>,
}

impl Heard {
    fn read(path: &Path, tones: &[&[f64]]) -> Heard {
        let (samples, rate) = read_wav(path);
        let per_tone: Vec<Vec<f64>> = tones.iter().map(|hz| windows(&samples, rate, hz)).collect();
        let n = per_tone.iter().map(Vec::len).min().unwrap_or(0);
        Heard {
            windows: (0..n)
                .map(|i| per_tone.iter().map(|t| t[i]).collect())
                .collect(),
        }
    }

    /// Windows where the tones at `present` are each at least 20 % of the sound and those at
    /// `absent` under 5 %.
    fn count(&self, present: &[usize], absent: &[usize]) -> usize {
        self.windows
            .iter()
            .filter(|w| present.iter().all(|&i| w[i] > 0.2) && absent.iter().all(|&i| w[i] < 0.05))
            .count()
    }

    /// Index of the first window where tone `i` is at least 20 % of the sound.
    fn first(&self, i: usize) -> Option<usize> {
        self.windows.iter().position(|w| w[i] > 0.2)
    }

    /// Index of the last window where tone `i` is at least 20 % of the sound.
    fn last(&self, i: usize) -> Option<usize> {
        self.windows.iter().rposition(|w| w[i] > 0.2)
    }
}

/// Each window's share of every tone in percent, for a failed assertion to show what was
/// heard when.
impl std::fmt::Display for Heard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, w) in self.windows.iter().enumerate() {
            let shares: Vec<String> = w.iter().map(|x| format!("{:3.0}", x * 100.0)).collect();
            write!(
                f,
                "{}{}",
                if i % 8 == 0 { "\n" } else { " | " },
                shares.join(" ")
            )?;
        }
        Ok(())
    }
}

/// A manager whose app declines every ring.
fn declining_agent(cloud: &Cloud, who: (&str, &str)) -> AgentProc {
    AgentProc::start(cloud, who, &["--wav", "--auto-decline"])
}

/// Adds a manager to the demo team (the cloud is running; SQLite takes the second writer).
fn add_manager(cloud: &Cloud, name: &str, email: &'static str) -> (&'static str, &'static str) {
    const PASSWORD: &str = "ringdesk-test-pw";
    block_on(async {
        let store = cloud.store().await;
        let route = store.number_route(DEMO_NUMBER).await.unwrap().unwrap();
        store
            .add_team_manager(route.channel_id, name, email, PASSWORD)
            .await
            .unwrap();
    });
    (email, PASSWORD)
}

fn demo_team_id(cloud: &Cloud) -> i64 {
    block_on(async {
        let store = cloud.store().await;
        let route = store.number_route(DEMO_NUMBER).await.unwrap().unwrap();
        route.team_id.unwrap()
    })
}

/// `GET path` of the API as Minji.
async fn get_json(cloud: &Cloud, path: &str) -> serde_json::Value {
    let token = cloud.token(MINJI.0, MINJI.1).await;
    http(cloud)
        .get(format!("{}{path}", cloud.api))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn get_as_minji(cloud: &Cloud, path: &str) -> serde_json::Value {
    block_on(get_json(cloud, path))
}

fn call_record(cloud: &Cloud, id: i64) -> CallRecord {
    block_on(cloud.call(MINJI, id))
}

/// The record's manager parts as `name role purpose/cause` lines, in order.
fn parts(record: &CallRecord) -> Vec<String> {
    record
        .managers
        .iter()
        .map(|m| {
            let detail = (m.purpose.map(JoinPurpose::as_str))
                .or(m.cause.map(EndCause::as_str))
                .unwrap_or("");
            format!("{} {} {detail}", m.name, m.role)
        })
        .collect()
}

fn call_from_demo_caller(cloud: &Cloud, dir: &TempDir, hz: f64, seconds: u64) -> Baresip {
    let wav = dir.path("caller.wav");
    write_tone_wav(&wav, 8_000, hz, seconds as f64);
    let uri = format!("sip:{DEMO_NUMBER}@{}", cloud.sip);
    Baresip::call(&uri, &wav, Duration::from_secs(seconds))
}

#[test]
fn an_invited_teammate_makes_it_three_way_then_leaves_and_the_call_is_ended_for_all() {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("invite");
    let t = distinct_tones(3);
    let mut minji = Manager::start(&cloud, &dir, MINJI, t[1], Some(200));
    let mut junho = Manager::start(&cloud, &dir, JUNHO, t[2], Some(200));
    let caller = call_from_demo_caller(&cloud, &dir, t[0], 40);
    let call = minji.rung();
    minji.hears_audio();
    minji.command(&format!("invite {call} {}", junho.id()));
    let minji_id = minji.id();
    let ring = junho.wait("invitation", |e| {
        matches!(e, AgentEvent::Server(ServerEvent::Ring { .. }))
    });
    assert!(
        matches!(&ring, AgentEvent::Server(ServerEvent::Ring { purpose: RingPurpose::Invite { by }, .. }) if by.id == minji_id),
        "{ring:?}"
    );
    junho.hears_audio();
    minji.sees_managers(&[minji_id, junho.id()]);
    std::thread::sleep(Duration::from_secs(3));
    junho.command(&format!("hangup {call}"));
    junho.call_ended("left");
    minji.sees_managers(&[minji_id]);
    std::thread::sleep(Duration::from_secs(2));
    minji.command(&format!("end {call}"));
    minji.call_ended("endedForAll");

    // The caller heard both managers at once, then Minji alone after Junho left.
    let at_caller = Heard::read(&caller.heard_after_hangup(), &[&[minji.hz], &[junho.hz]]);
    assert!(
        at_caller.count(&[0, 1], &[]) >= 4,
        "the caller hears both managers together"
    );
    let junho_gone = at_caller.last(1).unwrap();
    assert!(
        at_caller.windows[junho_gone + 2..]
            .iter()
            .filter(|w| w[0] > 0.7 && w[1] < 0.05)
            .count()
            >= 4,
        "after Junho left the caller hears Minji alone"
    );
    // Junho, who joined, was heard and heard the others at full level at once.
    heard_at_full_level_soon(minji.heard(), junho.hz, "Junho at Minji");
    heard_at_full_level_soon(
        &caller.heard_after_hangup(),
        junho.hz,
        "Junho at the caller",
    );
    heard_at_full_level_soon(junho.heard(), t[0], "the caller at Junho");
    heard_at_full_level_soon(junho.heard(), minji.hz, "Minji at Junho");
    // Each manager heard the caller and the other manager together.
    let at_minji = Heard::read(minji.heard(), &[&[t[0]], &[junho.hz]]);
    assert!(
        at_minji.count(&[0, 1], &[]) >= 4,
        "Minji hears the caller and Junho: {at_minji}"
    );
    let at_junho = Heard::read(junho.heard(), &[&[t[0]], &[minji.hz]]);
    assert!(
        at_junho.count(&[0, 1], &[]) >= 4,
        "Junho hears the caller and Minji: {at_junho}"
    );

    let record = call_record(&cloud, call);
    assert_eq!(record.hangup_cause, Some(HangupCause::EndedForAll));
    assert_eq!(
        parts(&record),
        [
            "김민지 rang route",
            "김민지 answered route",
            "이준호 rang invite",
            "이준호 answered invite",
            "이준호 left left",
            "김민지 left endedForAll",
        ]
    );
    assert_eq!(record.managers[2].by_manager_id, Some(minji_id));
}

#[test]
fn a_cold_transfer_declined_comes_back_and_one_to_a_team_goes_to_the_first_to_answer() {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("cold");
    let t = distinct_tones(4);
    let haneul = add_manager(&cloud, "박하늘", "haneul@demo.test");
    let sora = add_manager(&cloud, "정소라", "sora@demo.test");
    let team = demo_team_id(&cloud);
    let mut minji = Manager::start(&cloud, &dir, MINJI, t[1], Some(200));
    let mut junho = declining_agent(&cloud, JUNHO);
    let mut haneul = Manager::start(&cloud, &dir, haneul, t[2], Some(1_500));
    let mut sora = Manager::start(&cloud, &dir, sora, t[3], Some(8_000));
    let caller = call_from_demo_caller(&cloud, &dir, t[0], 40);
    let call = minji.rung();
    minji.hears_audio();
    std::thread::sleep(Duration::from_secs(2));

    minji.command(&format!(
        "transfer {call} cold manager {}",
        junho.manager_id()
    ));
    let back = minji.wait("transfer ended", |e| {
        matches!(e, AgentEvent::Server(ServerEvent::TransferEnded { .. }))
    });
    assert!(
        matches!(&back, AgentEvent::Server(ServerEvent::TransferEnded { outcome, reason, .. })
            if *outcome == TransferOutcome::Unanswered && *reason == Some(RingStopReason::Declined)),
        "{back:?}"
    );
    std::thread::sleep(Duration::from_secs(2));

    minji.command(&format!("transfer {call} cold team {team}"));
    minji.call_ended("transferred");
    let done = minji.wait("transfer ended", |e| {
        matches!(e, AgentEvent::Server(ServerEvent::TransferEnded { .. }))
    });
    assert!(
        matches!(&done, AgentEvent::Server(ServerEvent::TransferEnded { outcome, to: Some(to), .. })
            if *outcome == TransferOutcome::Completed && to.id == haneul.id()),
        "{done:?}"
    );
    sora.wait(
        "ring stopped",
        |e| matches!(e, AgentEvent::Server(ServerEvent::RingStopped { reason, .. }) if *reason == RingStopReason::AnsweredElsewhere),
    );
    for ring in ["the transfer", "the team's ring"] {
        junho.wait_for(
            ring,
            Duration::from_secs(5),
            |e| matches!(e, AgentEvent::Server(ServerEvent::RingStopped { reason, .. }) if *reason == RingStopReason::Declined),
        );
    }
    haneul.hears_audio();
    std::thread::sleep(Duration::from_secs(3));
    haneul.command(&format!("end {call}"));
    haneul.call_ended("endedForAll");

    // The caller: Minji (also after the declined transfer), music while the team rings,
    // then Haneul and never Minji again.
    let at_caller = Heard::read(
        &caller.heard_after_hangup(),
        &[&[minji.hz], &[haneul.hz], &HOLD_MUSIC_HZ],
    );
    let haneul_from = at_caller.first(1).expect("the caller hears Haneul");
    let minji_windows = at_caller.windows[..haneul_from]
        .iter()
        .filter(|w| w[0] > 0.7)
        .count();
    assert!(
        minji_windows >= 12,
        "Minji talks to the caller before and after the declined transfer: {minji_windows} windows"
    );
    assert!(
        at_caller.count(&[2], &[0, 1]) >= 4,
        "≥ 1 s of music alone while it rings"
    );
    assert!(
        at_caller.last(0).unwrap() <= haneul_from,
        "Minji is gone once Haneul has the call"
    );
    assert!(
        at_caller.count(&[1], &[0, 2]) >= 8,
        "the caller talks to Haneul"
    );

    let record = call_record(&cloud, call);
    let p = parts(&record);
    assert!(
        p.contains(&"박하늘 answered coldTransfer".to_string()),
        "{p:?}"
    );
    assert!(p.contains(&"김민지 left transferred".to_string()), "{p:?}");
    assert!(p.contains(&"이준호 declined ".to_string()), "{p:?}");
    assert!(p.contains(&"정소라 rang coldTransfer".to_string()), "{p:?}");
}

#[test]
fn a_warm_transfer_talks_to_the_target_with_the_customer_on_hold_then_hands_over() {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("warm");
    let t = distinct_tones(3);
    let mut minji = Manager::start(&cloud, &dir, MINJI, t[1], Some(200));
    let mut junho = Manager::start(&cloud, &dir, JUNHO, t[2], Some(200));
    let caller = call_from_demo_caller(&cloud, &dir, t[0], 40);
    let call = minji.rung();
    minji.hears_audio();
    std::thread::sleep(Duration::from_secs(2));
    minji.command(&format!("transfer {call} warm manager {}", junho.id()));
    let junho_id = junho.id();
    minji.wait("consulting", |e| {
        matches!(e, AgentEvent::Server(ServerEvent::CallState(s))
            if s.held && s.transfer.as_ref().and_then(|t| t.consulting.as_ref()).is_some_and(|c| c.id == junho_id))
    });
    junho.hears_audio();
    std::thread::sleep(Duration::from_secs(3));
    minji.command(&format!("complete {call}"));
    minji.call_ended("transferred");
    junho.wait("off hold", |e| {
        matches!(
            e,
            AgentEvent::Server(ServerEvent::HoldChanged { held: false, .. })
        )
    });
    std::thread::sleep(Duration::from_secs(3));
    junho.command(&format!("end {call}"));
    junho.call_ended("endedForAll");

    // Junho, who joined to consult, was heard and heard Minji at full level at once.
    heard_at_full_level_soon(minji.heard(), junho.hz, "Junho at Minji");
    heard_at_full_level_soon(junho.heard(), minji.hz, "Minji at Junho");
    // While they talk, the two managers hear each other and not the held customer.
    let at_minji = Heard::read(minji.heard(), &[&[t[0]], &[junho.hz]]);
    assert!(
        at_minji.count(&[1], &[0]) >= 6,
        "Minji hears Junho alone while consulting: {at_minji}"
    );
    let at_junho = Heard::read(junho.heard(), &[&[t[0]], &[minji.hz]]);
    assert!(
        at_junho.count(&[1], &[0]) >= 6,
        "Junho hears Minji alone while consulting: {at_junho}"
    );
    let minji_last = at_junho.last(1).unwrap();
    assert!(
        at_junho.windows[minji_last + 1..]
            .iter()
            .filter(|w| w[0] > 0.7)
            .count()
            >= 6,
        "then Junho has the caller"
    );
    // The caller: Minji, then only music while the managers talk, then Junho.
    let at_caller = Heard::read(
        &caller.heard_after_hangup(),
        &[&[minji.hz], &[junho.hz], &HOLD_MUSIC_HZ],
    );
    assert!(
        at_caller.count(&[2], &[0, 1]) >= 8,
        "≥ 2 s of music alone on hold"
    );
    assert!(
        at_caller.last(0).unwrap() < at_caller.first(1).unwrap(),
        "Minji, then Junho"
    );
    let record = call_record(&cloud, call);
    let p = parts(&record);
    assert!(
        p.contains(&"이준호 answered warmTransfer".to_string()),
        "{p:?}"
    );
    assert!(p.contains(&"김민지 left transferred".to_string()), "{p:?}");
}

#[test]
fn a_call_put_in_the_queue_rings_the_team_and_a_teammate_picks_it_up() {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("queue");
    let t = distinct_tones(3);
    let haneul = add_manager(&cloud, "박하늘", "haneul@demo.test");
    let team = demo_team_id(&cloud);
    let mut minji = Manager::start(&cloud, &dir, MINJI, t[1], Some(200));
    let mut junho = Manager::start(&cloud, &dir, JUNHO, 1000.0, None);
    let mut haneul = Manager::start(&cloud, &dir, haneul, t[2], None);
    let caller = call_from_demo_caller(&cloud, &dir, t[0], 40);
    let call = minji.rung();
    minji.hears_audio();
    std::thread::sleep(Duration::from_secs(2));
    minji.command(&format!("queue {call} {team}"));
    minji.call_ended("transferred");
    // The queue rings the team's longest-idle manager: Junho, who lets it ring.
    assert_eq!(junho.rung(), call);
    let live: Vec<CallState> =
        serde_json::from_value(get_as_minji(&cloud, "/api/v1/calls/live")).unwrap();
    assert_eq!(live.len(), 1, "{live:?}");
    assert!(live[0].queued && live[0].held && live[0].managers.is_empty());
    assert_eq!(
        live[0]
            .ringing
            .iter()
            .map(|r| r.manager.name.as_str())
            .collect::<Vec<_>>(),
        ["이준호"]
    );
    // Teammates are told without asking: the call ringing at Junho is pushed to Haneul.
    haneul.wait("the queued call pushed", |e| {
        matches!(e, AgentEvent::Server(ServerEvent::RingingCalls { calls }) if calls.iter().any(|c| c.call_id == call
            && c.ringing.iter().any(|r| r.manager.name == "이준호")))
    });
    haneul.agent.skip_seen();
    std::thread::sleep(Duration::from_secs(2));
    haneul.command(&format!("pickup {call}"));
    junho.wait(
        "picked up",
        |e| matches!(e, AgentEvent::Server(ServerEvent::RingStopped { reason, .. }) if *reason == RingStopReason::PickedUp),
    );
    haneul.hears_audio();
    haneul.wait("off hold", |e| {
        matches!(
            e,
            AgentEvent::Server(ServerEvent::HoldChanged { held: false, .. })
        )
    });
    haneul.wait("the picked-up call off everyone's list", |e| {
        matches!(e, AgentEvent::Server(ServerEvent::RingingCalls { calls }) if !calls.iter().any(|c| c.call_id == call))
    });
    std::thread::sleep(Duration::from_secs(4));
    haneul.command(&format!("end {call}"));
    haneul.call_ended("endedForAll");

    let at_caller = Heard::read(
        &caller.heard_after_hangup(),
        &[&[minji.hz], &[haneul.hz], &HOLD_MUSIC_HZ],
    );
    assert!(at_caller.count(&[2], &[0, 1]) >= 8, "music in the queue");
    assert!(at_caller.last(0).unwrap() < at_caller.first(1).unwrap());
    assert!(at_caller.count(&[1], &[0, 2]) >= 8, "then Haneul");
    let at_haneul = Heard::read(haneul.heard(), &[&[t[0]]]);
    assert!(at_haneul.count(&[0], &[]) >= 8, "Haneul hears the caller");
    let p = parts(&call_record(&cloud, call));
    assert!(p.contains(&"박하늘 answered pickUp".to_string()), "{p:?}");
    assert!(p.contains(&"이준호 rang route".to_string()), "{p:?}");
}

#[test]
fn the_eleventh_participant_is_refused() {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("full");
    let emails: Vec<&'static str> = (1..=9)
        .map(|i| &*Box::leak(format!("extra{i}@demo.test").into_boxed_str()))
        .collect();
    let extras: Vec<(&str, &str)> = emails
        .iter()
        .enumerate()
        .map(|(i, e)| add_manager(&cloud, &format!("추가{}", i + 1), e))
        .collect();
    let mut minji = Manager::start(&cloud, &dir, MINJI, 1000.0, Some(200));
    let caller = call_from_demo_caller(&cloud, &dir, 700.0, 40);
    let call = minji.rung();
    minji.hears_audio();
    block_on(async {
        // Junho has no app open: the teammates list says so, and inviting him is refused
        // with the reason.
        let teammates: Vec<Teammate> =
            serde_json::from_value(get_json(&cloud, "/api/v1/teammates").await).unwrap();
        let junho = teammates.iter().find(|m| m.name == "이준호").unwrap();
        assert!(!junho.online && junho.not_ringing == Some(NotRingingReason::Offline));
        minji.command(&format!("invite {call} {}", junho.id));
        let offline = minji.wait("refusal", |e| {
            matches!(e, AgentEvent::Server(ServerEvent::Error { .. }))
        });
        assert!(
            matches!(&offline, AgentEvent::Server(ServerEvent::Error { code, message })
                if *code == ErrorCode::TargetUnavailable && message.contains("offline")),
            "{offline:?}"
        );
        let mut sessions = Vec::new();
        for who in &extras {
            sessions.push(WsSession::connect(&cloud, *who).await);
        }
        let ids: Vec<i64> = sessions
            .iter()
            .map(|s| match &s.seen[0] {
                ServerMessage::Hello { manager, .. } => manager.id,
                other => panic!("first message {other:?}"),
            })
            .collect();
        // Minji and 8 ringing invitations: with the customer, 10 people.
        for (s, id) in sessions.iter_mut().zip(&ids).take(8) {
            minji.command(&format!("invite {call} {id}"));
            s.next_matching("invitation", |m| {
                matches!(m, ServerMessage::Event(ServerEvent::Ring { .. }))
            })
            .await;
        }
        minji.command(&format!("invite {call} {}", ids[8]));
        let full = minji.wait("refusal", |e| {
            matches!(e, AgentEvent::Server(ServerEvent::Error { .. }))
        });
        assert!(
            matches!(&full, AgentEvent::Server(ServerEvent::Error { code, .. }) if *code == ErrorCode::CallFull),
            "{full:?}"
        );
        // One declines: the seat is free again.
        sessions[0]
            .send(&ClientMessage::Decline { call_id: call })
            .await;
        minji.wait(
            "declined",
            |e| matches!(e, AgentEvent::Server(ServerEvent::InviteUnanswered { reason, .. }) if *reason == RingStopReason::Declined),
        );
        minji.command(&format!("invite {call} {}", ids[8]));
        sessions[8]
            .next_matching("invitation", |m| {
                matches!(m, ServerMessage::Event(ServerEvent::Ring { .. }))
            })
            .await;
        // Eight invitations ring: the teammates list shows them busy.
        let teammates: Vec<Teammate> =
            serde_json::from_value(get_json(&cloud, "/api/v1/teammates").await).unwrap();
        let ringing = teammates
            .iter()
            .filter(|m| m.not_ringing == Some(NotRingingReason::RingingForAnotherCall))
            .count();
        assert_eq!(ringing, 8, "{teammates:?}");
    });
    minji.command(&format!("end {call}"));
    minji.call_ended("endedForAll");
    drop(caller);
}

#[test]
fn a_parallel_call_to_a_teammate_switches_lines_then_merges_into_a_three_way() {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("parallel");
    let t = distinct_tones(3);
    let mut minji = Manager::start(&cloud, &dir, MINJI, t[1], Some(200));
    let mut junho = Manager::start(&cloud, &dir, JUNHO, t[2], Some(200));
    let caller = call_from_demo_caller(&cloud, &dir, t[0], 40);
    let call = minji.rung();
    minji.hears_audio();
    std::thread::sleep(Duration::from_secs(2));

    // Line 2: the customer waits with the music while Minji talks to Junho.
    minji.command(&format!("parallel {call} manager {}", junho.id()));
    let minji_id = minji.id();
    let ring = junho.wait("parallel ring", |e| {
        matches!(e, AgentEvent::Server(ServerEvent::Ring { .. }))
    });
    assert!(
        matches!(&ring, AgentEvent::Server(ServerEvent::Ring { purpose: RingPurpose::Parallel { by }, .. }) if by.id == minji_id),
        "{ring:?}"
    );
    junho.hears_audio();
    minji.command(&format!("transfer {call} cold manager {}", junho.id()));
    minji.wait(
        "no transfer meanwhile",
        |e| matches!(e, AgentEvent::Server(ServerEvent::Error { code, .. }) if *code == ErrorCode::ParallelInProgress),
    );
    std::thread::sleep(Duration::from_secs(3));
    // Back to line 1: Minji and the customer; Junho waits with the music.
    minji.command(&format!("switch {call}"));
    minji.wait("back on line 1", |e| {
        matches!(e, AgentEvent::Server(ServerEvent::CallState(s)) if s.parallel.as_ref().is_some_and(|p| !p.on_second))
    });
    std::thread::sleep(Duration::from_secs(3));
    // Merge: one conversation of three.
    minji.command(&format!("merge {call}"));
    minji.wait(
        "merged",
        |e| matches!(e, AgentEvent::Server(ServerEvent::CallState(s)) if s.parallel.is_none() && s.managers.len() == 2),
    );
    std::thread::sleep(Duration::from_secs(3));
    minji.command(&format!("end {call}"));
    minji.call_ended("endedForAll");
    junho.call_ended("endedForAll");

    let music: &[f64] = &HOLD_MUSIC_HZ;
    let at_caller = Heard::read(
        &caller.heard_after_hangup(),
        &[&[minji.hz], &[junho.hz], music],
    );
    assert!(
        at_caller.count(&[2], &[0, 1]) >= 6,
        "the customer hears the music, and neither manager, while Minji is on line 2"
    );
    let merged = at_caller
        .first(1)
        .expect("the customer hears Junho once merged");
    assert!(
        at_caller.windows[..merged]
            .iter()
            .filter(|w| w[0] > 0.5 && w[1] < 0.05)
            .count()
            >= 6,
        "before the merge the customer hears Minji alone (line 1, before and after the switch)"
    );
    assert!(
        at_caller.count(&[0, 1], &[]) >= 4,
        "merged: the customer hears both"
    );
    // Junho, who joined on line 2, was heard and heard Minji at full level at once.
    heard_at_full_level_soon(minji.heard(), junho.hz, "Junho at Minji");
    heard_at_full_level_soon(junho.heard(), minji.hz, "Minji at Junho");
    let at_junho = Heard::read(junho.heard(), &[&[t[0]], &[minji.hz], music]);
    assert!(
        at_junho.count(&[1], &[0]) >= 6,
        "on line 2 Junho hears Minji and not the customer: {at_junho}"
    );
    assert!(
        at_junho.count(&[2], &[0, 1]) >= 4,
        "while Minji is back on line 1 Junho waits with the music: {at_junho}"
    );
    assert!(
        at_junho.count(&[0, 1], &[]) >= 4,
        "merged: Junho hears the customer and Minji: {at_junho}"
    );
    let record = call_record(&cloud, call);
    assert_eq!(
        parts(&record)[2..4],
        ["이준호 rang parallel", "이준호 answered parallel"]
    );
}

#[test]
fn taking_a_call_while_in_one_leaves_the_current_call_first_only_when_asked() {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("one-call");
    let t = distinct_tones(3);
    let mut minji = Manager::start(&cloud, &dir, MINJI, t[1], Some(200));
    let mut junho = Manager::start(&cloud, &dir, JUNHO, t[2], None);
    let _first = call_from_demo_caller(&cloud, &dir, t[0], 40);
    let first = minji.rung();
    minji.hears_audio();
    // A second call rings Junho (Minji is in a call); she takes it.
    let second_wav = dir.path("second.wav");
    write_tone_wav(&second_wav, 8_000, t[0], 40.0);
    let _second = Baresip::call(
        &format!("sip:{DEMO_NUMBER}@{}", cloud.sip),
        &second_wav,
        Duration::from_secs(40),
    );
    let second = junho.rung();
    minji.command(&format!("pickup {second}"));
    minji.wait(
        "busy",
        |e| matches!(e, AgentEvent::Server(ServerEvent::Error { code, .. }) if *code == ErrorCode::Busy),
    );
    minji.command(&format!("pickup {second} leave"));
    let left = minji.wait(
        "left the first call",
        |e| matches!(e, AgentEvent::Server(ServerEvent::CallEnded { call_id, .. }) if *call_id == first),
    );
    assert!(
        matches!(&left, AgentEvent::Server(ServerEvent::CallEnded { cause, .. }) if *cause == EndCause::Left),
        "{left:?}"
    );
    minji.wait(
        "in the second call",
        |e| matches!(e, AgentEvent::MediaConnected { call_id } if *call_id == second),
    );
    junho.wait("picked up", |e| {
        matches!(e, AgentEvent::Server(ServerEvent::RingStopped { call_id, reason }) if *call_id == second && *reason == RingStopReason::PickedUp)
    });
    minji.command(&format!("end {second}"));
    minji.call_ended("endedForAll");
    assert_eq!(
        call_record(&cloud, first).hangup_cause,
        Some(HangupCause::ManagerHangup),
        "Minji was alone with the first caller: leaving ended it"
    );
    assert!(parts(&call_record(&cloud, second)).contains(&"김민지 answered pickUp".to_string()));
}
