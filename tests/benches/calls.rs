//! Call figures for BENCHMARKS.md: transfer completion times, ring latency, answer-to-audio,
//! the IVR's answer-to-prompt and key-to-next-prompt delays (a bare SIP caller,
//! `support/rtp_caller.rs`), and the cloud's CPU and memory per bridged call at 1 and 50 concurrent calls, free and on
//! hold (sipp and baresip callers, headless agents, all on loopback), and its memory with
//! 1,000 agents logged in, and the wallboard's push latency. Run with `cargo xtask bench` (release binaries), or one part once
//! they are built: `cargo bench -p ringdesk-tests --bench calls -- logins`.

#![allow(missing_docs)]

use std::time::{Duration, Instant};

use ringdesk_tests::admin::{publish, upload_tone};
use ringdesk_tests::audio::{write_tone_pcap, write_tone_wav};
use ringdesk_tests::peers::{Baresip, run_sipp, scenario};
use ringdesk_tests::procstat::{cpu_percent_over, cpu_seconds, rss_kib, status_kib};
use ringdesk_tests::rtp_caller::RtpCaller;
use ringdesk_tests::ws::WsSession;
use ringdesk_tests::{
    AgentProc, Cloud, DEMO_NUMBER, DEMO_SERVICE, JUNHO, MINJI, TempDir, add_managers, block_on,
};
use ringdesk_wire::{AgentEvent, EndCause, HangupCause, RingPurpose, ServerEvent};
use serde_json::json;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Holds SQLite's write lock on the cloud's database for 2 s of every 2.2 s until dropped, as a
/// slow competing writer would (a long admin write, a backup, a disk stall).
struct BusyDatabase {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BusyDatabase {
    fn start(cloud: &Cloud) -> BusyDatabase {
        use sqlx::Connection;
        use std::sync::atomic::Ordering;
        let url = cloud.database();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            block_on(async move {
                let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
                while !stopping.load(Ordering::Relaxed) {
                    sqlx::query("BEGIN IMMEDIATE")
                        .execute(&mut conn)
                        .await
                        .unwrap();
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    sqlx::query("ROLLBACK").execute(&mut conn).await.unwrap();
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            })
        });
        BusyDatabase {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for BusyDatabase {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn latency(calls: usize, busy_database: bool) {
    let cloud = Cloud::start(&[]);
    let busy = busy_database.then(|| BusyDatabase::start(&cloud));
    let dir = TempDir::new("bench-latency");
    write_tone_wav(&dir.path("agent.wav"), 48_000, 700.0, 2.0);
    write_tone_pcap(&dir.path("caller.pcap"), 1_000.0, 1.0);
    let mut agent = AgentProc::wav(&cloud, MINJI, &dir.path("agent.wav"), None, 0);
    let sf = scenario(
        &dir,
        "uac_tone_dtmf.xml",
        &[
            ("TONE_PCAP", dir.path("caller.pcap").to_str().unwrap()),
            ("TONE_MS", "800"),
            ("TALK_MS", "100"),
        ],
    );
    let mut answer_to_audio = Vec::new();
    for _ in 0..calls {
        let sip = cloud.sip;
        let (sf, sdir) = (sf.clone(), TempDir::new("bench-sipp"));
        let caller = std::thread::spawn(move || {
            run_sipp(
                &sdir,
                &sf,
                sip,
                DEMO_SERVICE,
                1,
                &[],
                Duration::from_secs(30),
            )
        });
        let (rang, _) = agent.wait_for("ring", Duration::from_secs(10), |e| {
            matches!(e, AgentEvent::Server(ServerEvent::Ring { .. }))
        });
        let (heard, _) = agent.wait_for("audio", Duration::from_secs(10), |e| {
            matches!(e, AgentEvent::RemoteAudio { .. })
        });
        answer_to_audio.push((heard - rang).as_secs_f64() * 1000.0);
        agent.wait_for("end", Duration::from_secs(20), |e| {
            matches!(e, AgentEvent::Server(ServerEvent::CallEnded { .. }))
        });
        assert!(caller.join().unwrap().success);
    }
    drop(busy);
    let (p50, p99, count) = block_on(cloud.ring_latency());
    answer_to_audio.sort_by(f64::total_cmp);
    let database = if busy_database {
        "database write-locked 2 s of every 2.2 s"
    } else {
        "database idle"
    };
    println!(
        "ring latency (INVITE received → ring sent, cloud; {database}): p50 {:.2} ms, p99 {:.2} ms over {count} calls",
        p50 * 1000.0,
        p99 * 1000.0
    );
    println!(
        "answer-to-audio (ring at agent → answer → first decoded caller audio): p50 {:.0} ms, p90 {:.0} ms, max {:.0} ms over {calls} calls",
        percentile(&answer_to_audio, 0.5),
        percentile(&answer_to_audio, 0.9),
        answer_to_audio.last().unwrap()
    );
}

/// Adds managers `{name}{i}@demo.test` for each `i` to the demo channel's team; their emails.
fn load(concurrent: usize) {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("bench-load");
    write_tone_wav(&dir.path("agent.wav"), 48_000, 700.0, 2.0);
    write_tone_pcap(&dir.path("caller.pcap"), 1_000.0, 30.0);
    let extra: Vec<(String, String)> = add_managers(&cloud, "load", 1..concurrent, "load-pw")
        .into_iter()
        .map(|email| (email, "load-pw".to_string()))
        .collect();
    let play = dir.path("agent.wav");
    let args = [
        "--wav",
        "--play",
        play.to_str().unwrap(),
        "--auto-answer-ms",
        "0",
    ];
    let mut agents = vec![AgentProc::start(&cloud, MINJI, &args)];
    for (email, pw) in &extra {
        agents.push(AgentProc::start(
            &cloud,
            (email.as_str(), pw.as_str()),
            &args,
        ));
    }
    let pid = cloud.pid();
    let idle_rss = rss_kib(pid);
    let idle_cpu = cpu_percent_over(pid, Duration::from_secs(3));
    let sf = scenario(
        &dir,
        "uac_tone_dtmf.xml",
        &[
            ("TONE_PCAP", dir.path("caller.pcap").to_str().unwrap()),
            ("TONE_MS", "35000"),
            ("TALK_MS", "100"),
        ],
    );
    let sip = cloud.sip;
    let n = concurrent.to_string();
    let caller = std::thread::spawn(move || {
        let sdir = TempDir::new("bench-sipp-load");
        run_sipp(
            &sdir,
            &sf,
            sip,
            DEMO_SERVICE,
            n.parse().unwrap(),
            &["-l", &n, "-r", "10"],
            Duration::from_secs(90),
        )
    });
    let mut calls = Vec::new();
    for a in &mut agents {
        let (_, media) = a.wait_for("media", Duration::from_secs(60), |e| {
            matches!(e, AgentEvent::MediaConnected { .. })
        });
        if let AgentEvent::MediaConnected { call_id } = media {
            calls.push(call_id);
        }
    }
    let busy_cpu = cpu_percent_over(pid, Duration::from_secs(10));
    let busy_rss = rss_kib(pid);
    // Every customer on hold: the room plays them the hold music instead of the mix.
    for (a, call) in agents.iter_mut().zip(&calls) {
        a.command(&format!("hold {call}"));
        a.wait_for("held", Duration::from_secs(10), |e| {
            matches!(
                e,
                AgentEvent::Server(ServerEvent::HoldChanged { held: true, .. })
            )
        });
    }
    let held_cpu = cpu_percent_over(pid, Duration::from_secs(10));
    let run = caller.join().unwrap();
    assert!(
        run.success,
        "sipp load failed:\n{}",
        &run.log[..run.log.len().min(4000)]
    );
    println!(
        "{concurrent:>2} bridged calls: cloud CPU {busy_cpu:.1} % of a core (idle {idle_cpu:.1} %), {:.2} % per call; RSS {:.1} MiB (idle {:.1} MiB), {:.0} KiB per call",
        (busy_cpu - idle_cpu) / concurrent as f64,
        busy_rss / 1024.0,
        idle_rss / 1024.0,
        (busy_rss - idle_rss) / concurrent as f64
    );
    println!(
        "{concurrent:>2} calls on hold (music): cloud CPU {held_cpu:.1} % of a core, {:.2} % per call",
        (held_cpu - idle_cpu) / concurrent as f64
    );
}

/// Our headless agent next to baresip, the two endpoints of one call (baresip → cloud →
/// ringdesk-agent), measured in the same 10 s window.
fn footprint() {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("bench-footprint");
    write_tone_wav(&dir.path("agent.wav"), 48_000, 700.0, 2.0);
    write_tone_wav(&dir.path("caller.wav"), 8_000, 1_000.0, 40.0);
    let mut agent = AgentProc::wav(&cloud, MINJI, &dir.path("agent.wav"), None, 0);
    let caller = Baresip::call_without_player(
        &format!("sip:{DEMO_NUMBER}@{}", cloud.sip),
        &dir.path("caller.wav"),
        Duration::from_secs(20),
    );
    agent.wait_for("audio", Duration::from_secs(15), |e| {
        matches!(e, AgentEvent::RemoteAudio { .. })
    });
    let (a, b) = (agent.pid(), caller.pid());
    let (a0, b0, t0) = (cpu_seconds(a), cpu_seconds(b), Instant::now());
    std::thread::sleep(Duration::from_secs(10));
    let secs = t0.elapsed().as_secs_f64();
    let (a_cpu, b_cpu) = (
        100.0 * (cpu_seconds(a) - a0) / secs,
        100.0 * (cpu_seconds(b) - b0) / secs,
    );
    println!(
        "in one call: ringdesk-agent (Opus 32 kb/s, WebRTC DTLS-SRTP, WAV audio) CPU {a_cpu:.1} % of a core, RSS {:.1} MiB",
        rss_kib(a) / 1024.0
    );
    println!(
        "in one call: baresip 1.0 (G.711, plain RTP, aufile, no player)     CPU {b_cpu:.1} % of a core, RSS {:.1} MiB",
        rss_kib(b) / 1024.0
    );
}

/// How long transfers and merges take to complete: a cold transfer from the command to the
/// target's media up (ring, answer, WebRTC set-up), a warm transfer's completion from the
/// command to the customer off hold with the new manager, and a parallel call's merge from the
/// command to the manager's app seeing one conversation (the room re-arranges on its next
/// 20 ms frame). Both managers answer at once.
fn transfers(rounds: usize) {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("bench-transfer");
    write_tone_wav(&dir.path("agent.wav"), 48_000, 700.0, 2.0);
    write_tone_wav(&dir.path("caller.wav"), 8_000, 1_000.0, 600.0);
    let mut a = AgentProc::wav(&cloud, MINJI, &dir.path("agent.wav"), None, 0);
    let mut b = AgentProc::wav(&cloud, JUNHO, &dir.path("agent.wav"), None, 0);
    let wait = Duration::from_secs(20);
    let (mut cold, mut warm, mut merge) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let caller = Baresip::call_without_player(
            &format!("sip:{DEMO_NUMBER}@{}", cloud.sip),
            &dir.path("caller.wav"),
            Duration::from_secs(60),
        );
        let (_, ring) = a.wait_for("ring", wait, |e| {
            matches!(
                e,
                AgentEvent::Server(ServerEvent::Ring {
                    purpose: RingPurpose::Route,
                    ..
                })
            )
        });
        let AgentEvent::Server(ServerEvent::Ring { call_id, .. }) = ring else {
            unreachable!()
        };
        let media = |e: &AgentEvent| matches!(e, AgentEvent::MediaConnected { call_id: c } if *c == call_id);
        a.wait_for("media", wait, media);
        let asked = Instant::now();
        a.command(&format!(
            "transfer {call_id} cold manager {}",
            b.manager_id()
        ));
        let (up, _) = b.wait_for("media", wait, media);
        cold.push((up - asked).as_secs_f64() * 1000.0);
        // And back, warm: B talks to A first, then hands over.
        b.command(&format!(
            "transfer {call_id} warm manager {}",
            a.manager_id()
        ));
        a.wait_for("media", wait, media);
        let asked = Instant::now();
        b.command(&format!("complete {call_id}"));
        let (back, _) = a.wait_for("off hold", wait, |e| {
            matches!(e, AgentEvent::Server(ServerEvent::HoldChanged { call_id: c, held: false, .. }) if *c == call_id)
        });
        warm.push((back - asked).as_secs_f64() * 1000.0);
        // A parallel call from A to B, merged once B is on the line.
        a.command(&format!("parallel {call_id} manager {}", b.manager_id()));
        b.wait_for("media", wait, media);
        a.wait_for("parallel answered", wait, |e| {
            matches!(e, AgentEvent::Server(ServerEvent::CallState(s)) if s.parallel.as_ref().is_some_and(|p| p.answered))
        });
        let asked = Instant::now();
        a.command(&format!("merge {call_id}"));
        let (merged, _) = a.wait_for("merged", wait, |e| {
            // Two managers with the customer off hold and no transfer: only the merge makes
            // that (the warm transfer's consult had the customer on hold).
            matches!(e, AgentEvent::Server(ServerEvent::CallState(s)) if s.call_id == call_id && s.parallel.is_none()
                && s.transfer.is_none() && !s.held && s.managers.len() == 2)
        });
        merge.push((merged - asked).as_secs_f64() * 1000.0);
        b.command(&format!("hangup {call_id}"));
        b.wait_for(
            "left",
            wait,
            |e| matches!(e, AgentEvent::Server(ServerEvent::CallEnded { call_id: c, cause, .. }) if *c == call_id && *cause == EndCause::Left),
        );
        a.command(&format!("end {call_id}"));
        a.wait_for("end", wait, |e| {
            matches!(e, AgentEvent::Server(ServerEvent::CallEnded { call_id: c, cause, .. }) if *c == call_id && *cause == EndCause::Call(HangupCause::EndedForAll))
        });
        drop(caller);
        // B left before A ended, so B is the longer idle and the next call rings B.
        std::mem::swap(&mut a, &mut b);
    }
    for (what, mut ms) in [
        ("cold transfer, command → target's media up", cold),
        (
            "warm transfer completion, command → customer off hold",
            warm,
        ),
        ("parallel call merge, command → one conversation", merge),
    ] {
        ms.sort_by(f64::total_cmp);
        println!(
            "{what}: p50 {:.1} ms, max {:.1} ms ({rounds} rounds)",
            percentile(&ms, 0.5),
            ms[ms.len() - 1]
        );
    }
}

/// The IVR's own delays, from the caller's side: answer → the first prompt's first packet, and
/// a key (RFC 4733, pressed while the menu speaks; the cloud acts on its first packet) → the
/// next prompt's first packet.
fn ivr(rounds: usize) {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("bench-ivr");
    block_on(async {
        let menu = upload_tone(&cloud, &dir, "menu", MENU_HZ, 2.0).await;
        let next = upload_tone(&cloud, &dir, "next", NEXT_HZ, 2.0).await;
        let steps = json!([
            {"id": 1, "name": "메뉴", "action": {
                "kind": "menu",
                "prompt": {"kind": "recording", "promptId": menu},
                "buttons": [{"key": 1, "next": 2}]}},
            {"id": 2, "name": "안내", "action": {
                "kind": "message",
                "prompt": {"kind": "recording", "promptId": next},
                "next": null}},
        ]);
        publish(&cloud, steps, 1).await;
    });
    let (mut to_prompt, mut to_next) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let (mut caller, answered) = RtpCaller::call(cloud.sip, DEMO_SERVICE);
        let (first, _) = caller.until_tone(MENU_HZ, None, Duration::from_secs(5));
        // Pressed at a random moment of the cloud's 20 ms frame, as a caller would.
        let jitter = Duration::from_micros(rand::random::<u64>() % 20_000);
        let press = Some(('1', first + Duration::from_millis(300) + jitter));
        let (next, key_start) = caller.until_tone(NEXT_HZ, press, Duration::from_secs(5));
        to_prompt.push((first - answered).as_secs_f64() * 1000.0);
        to_next.push((next - key_start.expect("the key was sent")).as_secs_f64() * 1000.0);
        caller.hang_up();
    }
    for (what, figures) in [
        ("answer (200 OK) → first prompt packet", &mut to_prompt),
        (
            "key (its first RFC 4733 packet) → next prompt's first packet",
            &mut to_next,
        ),
    ] {
        figures.sort_by(f64::total_cmp);
        println!(
            "IVR {what}: p50 {:.0} ms, p90 {:.0} ms, max {:.0} ms over {rounds} calls",
            percentile(figures, 0.5),
            percentile(figures, 0.9),
            figures.last().unwrap()
        );
    }
}

/// The cloud's memory as `agents` managers log in over `over`, each keeping its signaling
/// session open (as an agent's app does all day): resident before, at the peak, and idle
/// once all are in. Every login hashes a password (Argon2, 19 MiB while it runs).
fn logins(agents: usize, over: Duration) {
    let cloud = Cloud::start(&[]);
    let password = "login-bench-pw";
    let emails = add_managers(&cloud, "agent", 0..agents, password);
    let pid = cloud.pid();
    let before = rss_kib(pid);
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut peak = 0.0_f64;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(rss_kib(pid));
                std::thread::sleep(Duration::from_millis(50));
            }
            peak
        })
    };
    let started = Instant::now();
    let (took_ms, all_in, idle, anon, file) = block_on(async {
        let mut joins = Vec::new();
        for (i, email) in emails.iter().enumerate() {
            let (cloud, email) = (&cloud, email.clone());
            let start_at = started + over.mul_f64(i as f64 / agents as f64);
            // All polled together; each waits for its own moment, so logins are evenly paced.
            joins.push(async move {
                tokio::time::sleep_until(start_at.into()).await;
                let at = Instant::now();
                let token = cloud.token(&email, password).await;
                let logged_in = at.elapsed().as_secs_f64() * 1000.0;
                if std::env::var_os("RINGDESK_BENCH_LOGIN_ONLY").is_some() {
                    return ((logged_in, 0.0), tokio::spawn(async {}));
                }
                let session = WsSession::open(cloud, &token).await;
                let hello = at.elapsed().as_secs_f64() * 1000.0 - logged_in;
                // Kept open and read, as an agent's app does.
                let reader = tokio::spawn(session.discard_until_closed());
                ((logged_in, hello), reader)
            });
        }
        let (took_ms, readers): (Vec<_>, Vec<_>) = futures_util::future::join_all(joins)
            .await
            .into_iter()
            .unzip();
        let all_in = started.elapsed();
        // Idle: what is left a few seconds after the last login, every session open.
        tokio::time::sleep(Duration::from_secs(5)).await;
        let idle = rss_kib(pid);
        let (anon, file) = (status_kib(pid, "RssAnon:"), status_kib(pid, "RssFile:"));
        readers.iter().for_each(tokio::task::JoinHandle::abort);
        (took_ms, all_in, idle, anon, file)
    });
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let peak = sampler.join().unwrap();
    let (mut login_ms, mut hello_ms): (Vec<f64>, Vec<f64>) = took_ms.into_iter().unzip();
    login_ms.sort_by(f64::total_cmp);
    hello_ms.sort_by(f64::total_cmp);
    println!(
        "figure: {agents} agents logged in over {:.0} s (all in after {:.1} s; login p50 {:.0} ms, p95 {:.0} ms; session to hello p50 {:.0} ms, p95 {:.0} ms): cloud RSS before {:.1} MiB, peak {:.1} MiB, idle with every session open {:.1} MiB ({:.1} anonymous, {:.1} file-backed)",
        over.as_secs_f64(),
        all_in.as_secs_f64(),
        percentile(&login_ms, 0.5),
        percentile(&login_ms, 0.95),
        percentile(&hello_ms, 0.5),
        percentile(&hello_ms, 0.95),
        before / 1024.0,
        peak / 1024.0,
        idle / 1024.0,
        anon / 1024.0,
        file / 1024.0
    );
}

/// The menu prompt's tone and the next prompt's: what the caller listens for.
const MENU_HZ: f64 = 700.0;
const NEXT_HZ: f64 = 1_200.0;

/// The wallboard's push latency, measured in this process on one clock: a manager's status
/// change (sent over her WebSocket) until every watching session has a board that shows it;
/// and a waiting caller's hang-up (the BYE sent) until the board without them arrives.
fn wallboard(changes: usize, watchers: usize) {
    use ringdesk_wire::{AgentStatus, ClientMessage, ServerMessage, Wallboard};
    let cloud = Cloud::start(&[]);
    let board = |m: &ServerMessage| match m {
        ServerMessage::Event(ServerEvent::Wallboard(b)) if b.today.is_some() => {
            Some(b.as_ref().clone())
        }
        _ => None,
    };
    let minji_is = |b: &Wallboard, status| {
        b.managers
            .iter()
            .any(|m| m.name == "김민지" && m.status == Some(status))
    };
    let (mut on_status, mut on_hang_up) = block_on(async {
        let (_, teams) = ringdesk_tests::admin::admin(
            &cloud,
            reqwest::Method::GET,
            "/api/v1/teams",
            json!(null),
        )
        .await;
        let team = teams[0]["id"].as_i64().expect("a team");
        let steps =
            json!([{"id": 1, "name": "대기열", "action": {"kind": "assign", "teamId": team}}]);
        publish(&cloud, steps, 1).await;
        let mut minji = WsSession::connect(&cloud, MINJI).await;
        let mut boards = Vec::new();
        for _ in 0..watchers {
            let mut junho = WsSession::connect(&cloud, JUNHO).await;
            junho
                .send(&ClientMessage::WatchWallboard { watch: true })
                .await;
            junho
                .next_matching("the first board", |m| {
                    board(m).is_some_and(|b| minji_is(&b, AgentStatus::Available))
                })
                .await;
            boards.push(junho);
        }
        let mut on_status = Vec::new();
        for i in 0..changes {
            let status = if i % 2 == 0 {
                AgentStatus::Away
            } else {
                AgentStatus::Available
            };
            let sent = Instant::now();
            minji
                .send(&ClientMessage::SetStatus {
                    status,
                    do_not_disturb: false,
                })
                .await;
            for junho in &mut boards {
                junho
                    .next_matching("the changed board", |m| {
                        board(m).is_some_and(|b| minji_is(&b, status))
                    })
                    .await;
            }
            on_status.push(sent.elapsed().as_secs_f64() * 1000.0);
        }
        // Callers who wait in the queue (it rings Minji, who lets it ring) and hang up.
        let mut on_hang_up = Vec::new();
        for _ in 0..changes.min(20) {
            let (hang_up, go) = std::sync::mpsc::channel::<()>();
            let sip = cloud.sip;
            let caller = std::thread::spawn(move || {
                let (caller, _) = RtpCaller::call(sip, DEMO_SERVICE);
                go.recv().unwrap();
                caller.hang_up();
            });
            for junho in &mut boards {
                junho
                    .next_matching("the caller waiting", |m| {
                        board(m).is_some_and(|b| b.waiting.len() == 1)
                    })
                    .await;
            }
            let sent = Instant::now();
            hang_up.send(()).unwrap();
            for junho in &mut boards {
                junho
                    .next_matching("the caller gone", |m| {
                        board(m).is_some_and(|b| b.waiting.is_empty())
                    })
                    .await;
            }
            on_hang_up.push(sent.elapsed().as_secs_f64() * 1000.0);
            caller.join().unwrap();
        }
        (on_status, on_hang_up)
    });
    for (what, figures) in [
        ("a manager's status change", &mut on_status),
        ("a waiting caller's BYE sent", &mut on_hang_up),
    ] {
        figures.sort_by(f64::total_cmp);
        println!(
            "wallboard push ({what} → the board showing it at every one of {watchers} watching sessions): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms over {} changes",
            percentile(figures, 0.5),
            percentile(figures, 0.99),
            figures.last().unwrap(),
            figures.len()
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; other arguments pick parts by name (none: all of them).
    let picked: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let run = |part: &str| picked.is_empty() || picked.iter().any(|p| p == part);
    if run("transfers") {
        transfers(10);
    }
    if run("footprint") {
        footprint();
    }
    if run("latency") {
        latency(20, false);
    }
    if run("busy-database") {
        latency(20, true);
    }
    if run("ivr") {
        ivr(20);
    }
    if run("load") {
        load(1);
        load(50);
    }
    if run("wallboard") {
        wallboard(200, 1);
        wallboard(50, 50);
    }
    if run("logins") {
        // RINGDESK_BENCH_AGENTS for a smaller run (the login rate stays the same).
        let agents = std::env::var("RINGDESK_BENCH_AGENTS").map_or(1_000, |n| n.parse().unwrap());
        logins(
            agents,
            Duration::from_secs(60).mul_f64(agents as f64 / 1_000.0),
        );
    }
}
