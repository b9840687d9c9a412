//! Voice meets end to end: a visitor in headless Chromium (its fake microphone playing a
//! random tone) calls the channel from its page; a headless agent answers; each hears the
//! other's tone; hold and a talk-first (warm) transfer are refused; the visitor hangs up
//! from the page.

use std::time::Duration;

use ringdesk_tests::audio::{
    best_tone_ratio, random_tone_pair, read_wav, settled_wav, write_tone_wav,
};
use ringdesk_tests::browser::Browser;
use ringdesk_tests::{AgentProc, Cloud, JUNHO, MINJI, TempDir, block_on, http};
use ringdesk_wire::{AgentEvent, ApiError, EndCause, ErrorCode, HangupCause, ServerEvent};

/// The demo channel (the first one the database creates).
const DEMO_CHANNEL: i64 = 1;

/// The strongest frequency the page hears from the call, over 1.5 s.
const PEAK_HEARD: &str = r#"(async () => {
  const stream = document.getElementById("remote").srcObject;
  const ctx = new AudioContext();
  await ctx.resume();
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 8192;
  ctx.createMediaStreamSource(stream).connect(analyser);
  await new Promise((r) => setTimeout(r, 1500));
  const bins = new Float32Array(analyser.frequencyBinCount);
  analyser.getFloatFrequencyData(bins);
  let best = 1;
  for (let i = 2; i < bins.length; i++) if (bins[i] > bins[best]) best = i;
  return best * ctx.sampleRate / analyser.fftSize;
})()"#;

#[test]
fn a_browser_visitor_rings_the_team_and_both_hear_each_other() {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("meet");
    let (visitor_hz, agent_hz) = random_tone_pair();
    eprintln!("tones: visitor {visitor_hz} Hz, agent {agent_hz} Hz");
    write_tone_wav(&dir.path("visitor.wav"), 48_000, visitor_hz, 60.0);
    write_tone_wav(&dir.path("agent.wav"), 48_000, agent_hz, 60.0);
    let heard = dir.path("agent-heard.wav");
    // The agent joins muted: the browser's echo canceller would otherwise treat the two tones
    // as double talk and shave the visitor's while the agent's plays.
    let play = dir.path("agent.wav");
    let args = [
        "--wav",
        "--play",
        play.to_str().unwrap(),
        "--record",
        heard.to_str().unwrap(),
        "--auto-answer-ms",
        "300",
        "--start-muted",
    ];
    let mut agent = AgentProc::start(&cloud, MINJI, &args);
    // A teammate who never answers: the target of the refused warm transfer.
    let junho = AgentProc::wav(&cloud, JUNHO, &play, None, 600_000);
    block_on(async {
        let mut browser = Browser::start(&dir.path("visitor.wav")).await;
        browser
            .open(&format!("{}/meet/{DEMO_CHANNEL}", cloud.api))
            .await;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while browser.eval("!!document.getElementById('call')").await != true {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the meet page did not load"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        browser
            .eval("document.getElementById('call').click()")
            .await;
        let (_, ring) = agent.wait_for("ring", Duration::from_secs(20), |e| {
            matches!(e, AgentEvent::Server(ServerEvent::Ring { .. }))
        });
        let AgentEvent::Server(ServerEvent::Ring {
            call_id, caller, ..
        }) = ring
        else {
            unreachable!()
        };
        assert_eq!(
            caller.name.as_deref(),
            Some("웹 방문자"),
            "no number on either side"
        );
        assert_eq!(caller.number, "");
        agent.wait_for(
            "the visitor's audio",
            Duration::from_secs(20),
            |e| matches!(e, AgentEvent::RemoteAudio { call_id: c } if *c == call_id),
        );
        // The visitor's tone alone for a moment, then the agent speaks too.
        tokio::time::sleep(Duration::from_secs(2)).await;
        agent.command(&format!("mute {call_id} off"));
        // No hold in meets, so no talk-first transfer either (the visitor would hear the
        // managers consult); the app learns it is a meet from the call's state.
        agent.wait_for(
            "the meet's state",
            Duration::from_secs(10),
            |e| matches!(e, AgentEvent::Server(ServerEvent::CallState(s)) if s.call_id == call_id && s.meet),
        );
        agent.command(&format!("hold {call_id}"));
        agent.wait_for(
            "hold refused",
            Duration::from_secs(10),
            |e| matches!(e, AgentEvent::Server(ServerEvent::Error { code, .. }) if *code == ErrorCode::NotSupportedInMeets),
        );
        agent.command(&format!(
            "transfer {call_id} warm manager {}",
            junho.manager_id()
        ));
        agent.wait_for(
            "warm transfer refused",
            Duration::from_secs(10),
            |e| matches!(e, AgentEvent::Server(ServerEvent::Error { code, .. }) if *code == ErrorCode::NotSupportedInMeets),
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
        let peak = browser
            .eval(PEAK_HEARD)
            .await
            .as_f64()
            .expect("a frequency");
        assert!(
            (peak - agent_hz).abs() < 20.0,
            "the visitor hears the agent's {agent_hz} Hz tone (peak at {peak:.0} Hz)"
        );
        let status = browser
            .eval("document.getElementById('status').textContent")
            .await;
        assert!(
            status.as_str().unwrap_or_default().contains("연결됐어요"),
            "{status}"
        );
        browser
            .eval("document.getElementById('hangup').click()")
            .await;
        let (_, ended) = agent.wait_for(
            "end",
            Duration::from_secs(10),
            |e| matches!(e, AgentEvent::Server(ServerEvent::CallEnded { call_id: c, .. }) if *c == call_id),
        );
        assert!(
            matches!(&ended, AgentEvent::Server(ServerEvent::CallEnded { cause, .. }) if *cause == EndCause::Call(HangupCause::CustomerHangup)),
            "{ended:?}"
        );
        let record = cloud.call(MINJI, call_id).await;
        assert_eq!(
            (record.number.as_str(), record.caller_name.as_deref()),
            ("meet", Some("웹 방문자"))
        );
        assert!(record.answered_at.is_some());
    });
    let (samples, rate) = read_wav(settled_wav(&heard));
    drop(agent);
    let ratio = best_tone_ratio(&samples, rate, visitor_hz);
    assert!(
        ratio > 0.5,
        "the agent hears the visitor's {visitor_hz} Hz: {ratio:.3}"
    );
}

#[test]
fn bad_meet_requests_are_refused_with_reasons() {
    let cloud = Cloud::start(&[]);
    block_on(async {
        let client = http(&cloud);
        let post = |path: &str, body: serde_json::Value| {
            client
                .post(format!("{}{path}", cloud.api))
                .json(&body)
                .send()
        };
        let page = client
            .get(format!("{}/meet/{DEMO_CHANNEL}", cloud.api))
            .send()
            .await
            .unwrap();
        assert!(page.text().await.unwrap().contains("id=\"call\""));
        let resp = post(
            "/api/v1/meet/1/calls",
            serde_json::json!({ "sdpOffer": "hello" }),
        )
        .await
        .unwrap();
        assert_eq!(resp.status(), 422);
        let err: ApiError = resp.json().await.unwrap();
        assert_eq!(err.code, ErrorCode::BadOffer);
        let garbage_sdp = serde_json::json!({ "sdpOffer": "v=0\r\nm=video 9 UDP 0\r\n" });
        let resp = post("/api/v1/meet/1/calls", garbage_sdp.clone())
            .await
            .unwrap();
        assert_eq!(resp.status(), 422, "an offer WebRTC can't use");
        let resp = post("/api/v1/meet/99/calls", garbage_sdp).await.unwrap();
        assert_eq!(resp.status(), 404);
        assert_eq!(
            resp.json::<ApiError>().await.unwrap().code,
            ErrorCode::UnknownChannel
        );
        let resp = post(
            "/api/v1/meet/calls/1/hangup",
            serde_json::json!({ "token": "x" }),
        )
        .await
        .unwrap();
        assert_eq!(resp.status(), 404, "not somebody else's call");
        let resp = post("/api/v1/meet/1/calls", serde_json::json!({ "offer": 1 }))
            .await
            .unwrap();
        assert_eq!(resp.status(), 400);
        // Four attempts from this address so far this minute; the fifth is still heard, the
        // sixth is held back.
        let hi = serde_json::json!({ "sdpOffer": "hi" });
        let resp = post("/api/v1/meet/1/calls", hi.clone()).await.unwrap();
        assert_eq!(resp.status(), 422);
        // A forwarded address from anyone but a trusted proxy is the sender's to forge.
        let resp = client
            .post(format!("{}/api/v1/meet/1/calls", cloud.api))
            .header("x-forwarded-for", "203.0.113.9")
            .json(&hi)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 429);
        assert_eq!(
            resp.json::<ApiError>().await.unwrap().code,
            ErrorCode::TooManyCalls
        );
    });
}

#[test]
fn behind_a_trusted_proxy_each_visitor_has_its_own_limit() {
    // The test client plays the proxy: 127.0.0.1 is trusted to say who the visitor is.
    let cloud = Cloud::start(&["--trusted-proxy", "127.0.0.1"]);
    block_on(async {
        let client = http(&cloud);
        let attempt = |visitor: &'static str| {
            client
                .post(format!("{}/api/v1/meet/{DEMO_CHANNEL}/calls", cloud.api))
                .header("x-forwarded-for", visitor)
                .json(&serde_json::json!({ "sdpOffer": "hi" }))
                .send()
        };
        for _ in 0..5 {
            assert_eq!(attempt("203.0.113.9").await.unwrap().status(), 422);
        }
        assert_eq!(
            attempt("203.0.113.9").await.unwrap().status(),
            429,
            "the sixth from one visitor"
        );
        assert_eq!(
            attempt("203.0.113.10").await.unwrap().status(),
            422,
            "another visitor behind the same proxy is not held back"
        );
    });
}
