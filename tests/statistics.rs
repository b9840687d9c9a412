//! End to end: statistics of calls the real cloud handled. A published workflow queues every
//! call for the demo team; a real SIP caller (sipp) is answered by Minji's agent, put on hold
//! and hung up, its conversation closed (wrap-up); a second caller gives up while ringing.
//! `GET /api/v1/statistics` then shows each figure, every manager sees their own row only,
//! and bad periods, thresholds and teams are refused, each with its own code. The CSV export
//! reads back as the calls; the metrics API answers an owner's access key with the same
//! figures, refuses wrong, revoked and missing keys, and another channel's key sees nothing of
//! this channel.

use std::time::{Duration, Instant};

use ringdesk_tests::admin::{admin, publish};
use ringdesk_tests::peers::call_in_background;
use ringdesk_tests::{AgentProc, Cloud, JUNHO, MINJI, block_on, http};
use ringdesk_wire::{
    AgentEvent, AgentStatus, CreatedAccessKey, ServerEvent, Statistics, Wallboard,
};
use serde_json::{Value, json};

/// The demo team's id.
fn demo_team(cloud: &Cloud) -> i64 {
    let (status, teams) = block_on(admin(
        cloud,
        reqwest::Method::GET,
        "/api/v1/teams",
        json!(null),
    ));
    assert_eq!(status, 200, "{teams}");
    teams[0]["id"].as_i64().expect("a team")
}

/// Publishes a workflow that queues every call for the demo team; the team's id.
fn queue_every_call(cloud: &Cloud) -> i64 {
    let team = demo_team(cloud);
    let steps =
        json!([{"id": 1, "name": "지원팀 대기열", "action": {"kind": "assign", "teamId": team}}]);
    block_on(publish(cloud, steps, 1));
    team
}

/// Waits for a call to ring `agent`; its id.
fn rung(agent: &mut AgentProc) -> i64 {
    let (_, ring) = agent.wait_for("ring", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::Ring { .. }))
    });
    let AgentEvent::Server(ServerEvent::Ring { call_id, .. }) = ring else {
        unreachable!()
    };
    call_id
}

/// `GET /api/v1/statistics?{query}` as `who`: the status and the body.
fn statistics(cloud: &Cloud, who: (&str, &str), query: &str) -> (u16, Value) {
    block_on(async {
        let token = cloud.token(who.0, who.1).await;
        let response = http(cloud)
            .get(format!("{}/api/v1/statistics?{query}", cloud.api))
            .bearer_auth(token)
            .send()
            .await
            .expect("the API answers");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    })
}

/// `GET {path}` on the metrics API with `key`'s id and secret (either may be left out).
fn with_key(cloud: &Cloud, path: &str, key: Option<&str>, secret: Option<&str>) -> (u16, String) {
    block_on(async {
        let mut request = http(cloud).get(format!("{}{path}", cloud.api));
        if let Some(k) = key {
            request = request.header("X-Access-Key", k);
        }
        if let Some(s) = secret {
            request = request.header("X-Access-Secret", s);
        }
        let response = request.send().await.expect("the API answers");
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    })
}

/// Creates an access key as the owner `who`.
fn create_key(cloud: &Cloud, who: (&str, &str), label: &str) -> (u16, Value) {
    block_on(async {
        let token = cloud.token(who.0, who.1).await;
        let response = http(cloud)
            .post(format!("{}/api/v1/access-keys", cloud.api))
            .bearer_auth(token)
            .json(&json!({"label": label}))
            .send()
            .await
            .expect("the API answers");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    })
}

/// Reads CSV text: rows of fields (quotes and doubled quotes undone).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

/// Today in Seoul (the demo channel's zone), `YYYY-MM-DD`.
fn today_in_seoul() -> String {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let now = chrono::DateTime::from_timestamp(since_epoch.as_secs() as i64, 0)
        .unwrap()
        .with_timezone(&chrono_tz::Asia::Seoul);
    now.format("%Y-%m-%d").to_string()
}

/// Polls the day's statistics until `done` holds (the record is written as calls end).
fn statistics_until(cloud: &Cloud, what: &str, done: impl Fn(&Statistics) -> bool) -> Statistics {
    let day = today_in_seoul();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, body) = statistics(cloud, MINJI, &format!("from={day}&to={day}"));
        assert_eq!(status, 200, "{body}");
        let s: Statistics = serde_json::from_value(body).expect("statistics");
        if done(&s) {
            return s;
        }
        assert!(Instant::now() < deadline, "{what}: {s:#?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_days_calls_are_counted_as_they_went_and_bad_queries_are_refused() {
    let cloud = Cloud::start(&[]);
    let team = queue_every_call(&cloud);
    let mut minji = AgentProc::start(&cloud, MINJI, &["--wav"]);

    // 1. Minji answers, holds the caller a second, and ends the call.
    let caller = call_in_background(
        "uac_queue.xml",
        &[("HOLD_MS", "30000")],
        cloud.sip,
        Duration::from_secs(40),
    );
    let call_id = rung(&mut minji);
    minji.command(&format!("answer {call_id}"));
    minji.wait_for("media", Duration::from_secs(15), |e| {
        matches!(e, AgentEvent::MediaConnected { .. })
    });
    minji.command(&format!("hold {call_id}"));
    minji.wait_for("held", Duration::from_secs(5), |e| {
        matches!(
            e,
            AgentEvent::Server(ServerEvent::HoldChanged { held: true, .. })
        )
    });
    // A second on hold: a length of time, not a wait for something.
    std::thread::sleep(Duration::from_secs(1));
    minji.command(&format!("resume {call_id}"));
    minji.wait_for("resumed", Duration::from_secs(5), |e| {
        matches!(
            e,
            AgentEvent::Server(ServerEvent::HoldChanged { held: false, .. })
        )
    });
    minji.command(&format!("end {call_id}"));
    minji.wait_for("end", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::CallEnded { .. }))
    });
    let run = caller.join().unwrap();
    assert!(run.success, "the cloud hangs up:\n{}", run.log);
    let s = statistics_until(&cloud, "the first call counted", |s| {
        s.channel.as_ref().is_some_and(|c| c.total == 1)
    });
    let c = s.channel.unwrap();
    assert_eq!(
        (c.inbound, c.answered, c.queued, c.answered_in_time),
        (1, 1, 1, 1)
    );
    assert!(c.average_hold_s.unwrap() >= 1.0, "{c:#?}");
    assert_eq!(c.average_wrap_up_s, None, "not wrapped up yet");

    // Her wrap-up: the conversation closed.
    let (status, body) = block_on(admin(
        &cloud,
        reqwest::Method::PUT,
        &format!("/api/v1/conversations/{call_id}/state"),
        json!({"state": "closed"}),
    ));
    assert_eq!(status, 204, "{body}");

    // 2. A caller who gives up after three seconds while it rings: a short abandon.
    let run = call_in_background(
        "uac_queue.xml",
        &[("HOLD_MS", "3000")],
        cloud.sip,
        Duration::from_secs(20),
    );
    minji.wait_for("the second ring", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::Ring { call_id: id, .. }) if *id != call_id)
    });
    assert!(run.join().unwrap().success);

    let s = statistics_until(&cloud, "both calls counted", |s| {
        s.channel.as_ref().is_some_and(|c| c.total == 2)
    });
    assert_eq!(s.time_zone, "Asia/Seoul");
    assert_eq!((s.answer_within_s, s.short_abandon_s), (20, 5));
    let c = s.channel.clone().unwrap();
    assert_eq!((c.inbound, c.outbound, c.answered, c.missed), (2, 0, 1, 1));
    assert_eq!(c.missed_by_reason.user_left, 1);
    assert_eq!(c.inbound_completion_rate, Some(0.5));
    assert_eq!((c.queued, c.abandoned, c.short_abandoned), (2, 0, 1));
    assert_eq!(c.service_level, Some(1.0));
    assert_eq!(c.abandonment_rate, Some(0.0));
    let wrap = c.average_wrap_up_s.expect("wrapped up");
    assert!(wrap > 0.0 && wrap < 60.0, "{wrap}");
    let first_response = c.average_first_response_s.unwrap();
    assert!(
        first_response > 0.0 && first_response < 15.0,
        "{first_response}"
    );
    assert_eq!(s.teams.len(), 1);
    assert_eq!(s.teams[0].team_id, Some(team));
    assert_eq!(s.queues.len(), 1);
    assert_eq!(s.queues[0].metrics.total, 2);
    assert_eq!(s.by_weekday_hour.iter().flatten().sum::<i64>(), 2);
    assert_eq!(s.days.len(), 1);
    assert_eq!(
        (s.days[0].total, s.days[0].answered, s.days[0].missed),
        (2, 1, 1)
    );
    let me = s
        .managers
        .iter()
        .find(|m| m.name == "김민지")
        .expect("Minji's row");
    assert_eq!((me.total, me.answered, me.missed_rings), (2, 1, 0));
    assert!(me.talk_s >= 1 && me.total_s >= me.talk_s, "{me:#?}");
    assert!(me.status.in_call_s >= 1, "{me:#?}");
    // A longer short-abandon threshold changes nothing here; none at all makes it an abandon.
    let day = today_in_seoul();
    let (status, body) = statistics(
        &cloud,
        MINJI,
        &format!("from={day}&to={day}&shortAbandonS=0&answerWithinS=10"),
    );
    assert_eq!(status, 200, "{body}");
    let strict: Statistics = serde_json::from_value(body).unwrap();
    let c = strict.channel.unwrap();
    assert_eq!((c.abandoned, c.short_abandoned), (1, 0));
    assert_eq!(c.abandonment_rate, Some(0.5));

    // A manager who is not an owner or admin sees their own row only.
    let (status, body) = statistics(&cloud, JUNHO, &format!("from={day}&to={day}"));
    assert_eq!(status, 200, "{body}");
    let theirs: Statistics = serde_json::from_value(body).unwrap();
    assert!(theirs.channel.is_none() && theirs.teams.is_empty() && theirs.queues.is_empty());
    assert!(
        theirs.managers.iter().all(|m| m.name == "이준호"),
        "{theirs:#?}"
    );

    // Bad queries: each refused with its own code, saying why.
    for (query, want_status, want_code) in [
        (format!("from={day}&to=2020-01-01"), 400, "periodReversed"),
        (
            "from=2026-01-01&to=2026-04-01".to_string(),
            400,
            "periodTooLong",
        ),
        (
            format!("from={day}&to={day}&answerWithinS=25"),
            400,
            "badThreshold",
        ),
        (
            format!("from={day}&to={day}&shortAbandonS=-1"),
            400,
            "badThreshold",
        ),
        (format!("from={day}&to=tomorrow"), 400, "badQuery"),
        (format!("from={day}"), 400, "badQuery"),
        (
            format!("from={day}&to={day}&teamId={}", team + 1000),
            404,
            "unknownTeam",
        ),
    ] {
        let (status, body) = statistics(&cloud, MINJI, &query);
        assert_eq!(status, want_status, "{query}: {body}");
        assert_eq!(body["code"], want_code, "{query}: {body}");
        assert!(
            !body["message"].as_str().unwrap_or_default().is_empty(),
            "{body}"
        );
    }
    let unauthenticated = block_on(
        http(&cloud)
            .get(format!(
                "{}/api/v1/statistics?from={day}&to={day}",
                cloud.api
            ))
            .send(),
    )
    .unwrap();
    assert_eq!(unauthenticated.status(), 401);

    // The CSV export: a byte-order mark, a header, and the two calls in order.
    let csv = block_on(async {
        let token = cloud.token(MINJI.0, MINJI.1).await;
        let response = http(&cloud)
            .get(format!(
                "{}/api/v1/statistics/calls.csv?from={day}&to={day}",
                cloud.api
            ))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "text/csv; charset=utf-8"
        );
        response.text().await.unwrap()
    });
    assert!(csv.starts_with('\u{feff}'), "no byte-order mark");
    let rows = parse_csv(csv.trim_start_matches('\u{feff}'));
    let column = |name: &str| rows[0].iter().position(|c| c == name).expect(name);
    assert_eq!(rows.len(), 3, "{csv}");
    let (first, second) = (&rows[1], &rows[2]);
    assert_eq!(first[column("callId")], call_id.to_string());
    assert_eq!(first[column("managers")], "김민지");
    assert_eq!(first[column("queue")], s.teams[0].name);
    assert!(first[column("holdS")].parse::<i64>().unwrap() >= 1);
    assert!(!first[column("wrapUpClosedAt")].is_empty());
    assert_eq!(second[column("missedReason")], "userleft");
    assert!(second[column("startedAt")] > first[column("startedAt")]);
    let junho_token = block_on(cloud.token(JUNHO.0, JUNHO.1));
    let refused = block_on(
        http(&cloud)
            .get(format!(
                "{}/api/v1/statistics/calls.csv?from={day}&to={day}",
                cloud.api
            ))
            .bearer_auth(junho_token)
            .send(),
    )
    .unwrap();
    assert_eq!(refused.status(), 403);

    // The metrics API: only the owner creates keys; the secret works until revoked.
    let (status, body) = create_key(&cloud, JUNHO, "nope");
    assert_eq!(status, 403, "{body}");
    let (status, body) = create_key(&cloud, MINJI, "");
    assert_eq!(status, 400, "{body}");
    let (status, body) = create_key(&cloud, MINJI, "BI 대시보드");
    assert_eq!(status, 201, "{body}");
    let created: CreatedAccessKey = serde_json::from_value(body).unwrap();
    let (key, secret) = (created.key.key_id.as_str(), created.secret.as_str());
    let path = format!("/metrics-api/v1/statistics?from={day}&to={day}");
    let (status, body) = with_key(&cloud, &path, Some(key), Some(secret));
    assert_eq!(status, 200, "{body}");
    let by_key: Statistics = serde_json::from_str(&body).unwrap();
    assert_eq!(by_key.channel, s.channel);
    let (status, body) = with_key(
        &cloud,
        &format!("/metrics-api/v1/calls.csv?from={day}&to={day}"),
        Some(key),
        Some(secret),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(parse_csv(body.trim_start_matches('\u{feff}')).len(), 3);
    for (k, sec, code) in [
        (None, None, "unauthorized"),
        (Some(key), None, "unauthorized"),
        (Some(key), Some("0".repeat(64)), "badAccessKey"),
        (
            Some("rk_0000000000000000"),
            Some(secret.to_string()),
            "badAccessKey",
        ),
    ] {
        let (status, body) = with_key(&cloud, &path, k, sec.as_deref());
        assert_eq!(status, 401, "{body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["code"], code, "{body}");
    }
    let (status, body) = with_key(
        &cloud,
        "/metrics-api/v1/statistics?from=2026-01-01&to=2026-06-30",
        Some(key),
        Some(secret),
    );
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("periodTooLong"), "{body}");

    // Another channel's key: nothing of this channel, whatever it asks for.
    let store = block_on(cloud.store());
    let other = block_on(store.create_channel(
        "Other Co",
        "owner@other.test",
        "other-pw",
        "+8225559999",
        0,
    ))
    .unwrap();
    let other_owner = block_on(store.channel_managers(other)).unwrap()[0].0;
    let (other_key, other_secret) =
        block_on(store.create_access_key(other, other_owner, "theirs", 0)).unwrap();
    let theirs = |path: &str| with_key(&cloud, path, Some(&other_key.key_id), Some(&other_secret));
    let (status, body) = theirs(&path);
    assert_eq!(status, 200, "{body}");
    let seen: Statistics = serde_json::from_str(&body).unwrap();
    assert_eq!(seen.channel.unwrap().total, 0);
    assert!(seen.managers.iter().all(|m| m.name != "김민지"), "{body}");
    let own_teams: Vec<i64> = block_on(store.teams(other, None))
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    for id in 1..=team + 5 {
        let (status, body) = theirs(&format!("{path}&teamId={id}"));
        if own_teams.contains(&id) {
            assert_eq!(status, 200, "their own team {id}: {body}");
            assert!(!body.contains("김민지"), "{body}");
        } else {
            assert_eq!(status, 404, "team {id} answered {body}");
        }
    }
    let (status, body) = theirs(&format!("/metrics-api/v1/calls.csv?from={day}&to={day}"));
    assert_eq!(
        (status, parse_csv(body.trim_start_matches('\u{feff}')).len()),
        (200, 1)
    );

    // Revoked: refused as such.
    let (status, body) = block_on(admin(
        &cloud,
        reqwest::Method::DELETE,
        &format!("/api/v1/access-keys/{}", created.key.id),
        json!(null),
    ));
    assert_eq!(status, 204, "{body}");
    let (status, body) = with_key(&cloud, &path, Some(key), Some(secret));
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("accessKeyRevoked"), "{body}");
    let (status, listed) = block_on(admin(
        &cloud,
        reqwest::Method::GET,
        "/api/v1/access-keys",
        json!(null),
    ));
    assert_eq!(status, 200);
    assert!(
        listed[0]["revokedAt"].is_string() && listed[0].get("secret").is_none(),
        "{listed}"
    );

    // Rate limited per key: the other key has made 2 + (team + 5) requests of its 60.
    let made = 2 + (team + 5);
    let mut limited = None;
    for n in made + 1..=70 {
        let (status, body) = theirs(&path);
        if status == 429 {
            assert!(body.contains("tooManyRequests"), "{body}");
            limited = Some(n);
            break;
        }
    }
    assert_eq!(limited, Some(61), "the 61st request in a minute is refused");

    // The API is described where it is served.
    let (status, body) = with_key(&cloud, "/metrics-api/v1/openapi.json", None, None);
    assert_eq!(status, 200);
    let doc: Value = serde_json::from_str(&body).unwrap();
    assert!(doc["paths"]["/metrics-api/v1/statistics"].is_object());
    assert!(doc["paths"]["/metrics-api/v1/calls.csv"].is_object());
    // Every field the API sends is described.
    let described = &doc["components"]["schemas"]["Statistics"]["properties"];
    for field in serde_json::to_value(&by_key)
        .unwrap()
        .as_object()
        .unwrap()
        .keys()
    {
        assert!(
            described.get(field).is_some(),
            "{field} is not in the OpenAPI document"
        );
    }
    let metrics = &doc["components"]["schemas"]["CallMetrics"]["properties"];
    for field in serde_json::to_value(by_key.channel.as_ref().unwrap())
        .unwrap()
        .as_object()
        .unwrap()
        .keys()
    {
        assert!(
            metrics.get(field).is_some(),
            "{field} is not in the OpenAPI document"
        );
    }
}

/// The wallboard `who` was last pushed that satisfies `done`, waiting for it.
fn board_until(who: &mut AgentProc, what: &str, done: impl Fn(&Wallboard) -> bool) -> Wallboard {
    let (_, e) = who.wait_for(
        what,
        Duration::from_secs(15),
        |e| matches!(e, AgentEvent::Server(ServerEvent::Wallboard(b)) if done(b)),
    );
    let AgentEvent::Server(ServerEvent::Wallboard(b)) = e else {
        unreachable!()
    };
    *b
}

/// The live wallboard on real calls: Junho watches; a caller waits in the team's queue while
/// it rings Minji, she answers and ends the call; each change reaches Junho as a pushed board
/// (the caller waiting, then gone; Minji in a call, then wrapping up; today's answered call in
/// the service level), and Minji, who does not watch, gets none.
#[test]
fn the_wallboard_is_pushed_to_those_watching_as_callers_wait_and_are_answered() {
    let cloud = Cloud::start(&[]);
    queue_every_call(&cloud);
    let mut minji = AgentProc::start(&cloud, MINJI, &["--wav"]);
    let mut junho = AgentProc::start(&cloud, JUNHO, &["--wav"]);
    junho.command("wallboard on");
    let first = board_until(&mut junho, "the first board", |b| b.today.is_some());
    assert!(first.waiting.is_empty(), "{first:#?}");
    let today = first.today.clone().unwrap();
    assert_eq!(today.day, today_in_seoul());
    assert_eq!(
        (today.inbound, today.answered, today.service_level_calls),
        (0, 0, 0)
    );
    let status_of = |b: &Wallboard, name: &str| {
        b.managers
            .iter()
            .find(|m| m.name == name)
            .unwrap_or_else(|| panic!("{name} on the board: {b:#?}"))
            .status
    };
    assert_eq!(status_of(&first, "김민지"), Some(AgentStatus::Available));
    assert!(
        first.managers.len() >= 2,
        "every manager of the channel, online or not: {first:#?}"
    );

    let caller = call_in_background(
        "uac_queue.xml",
        &[("HOLD_MS", "30000")],
        cloud.sip,
        Duration::from_secs(40),
    );
    let waiting = board_until(&mut junho, "the caller waiting", |b| {
        b.waiting.iter().any(|w| w.ringing)
    });
    let w = &waiting.waiting[0];
    assert_eq!(waiting.waiting.len(), 1, "{waiting:#?}");
    assert!(w.number.starts_with('+'), "{w:#?}");
    assert!(!w.queue.is_empty() && !w.callback, "{w:#?}");
    assert!(
        w.since_ms <= waiting.server_now_ms && waiting.server_now_ms - w.since_ms < 10_000,
        "{waiting:#?}"
    );
    let call_id = rung(&mut minji);
    assert_eq!(w.call_id, call_id);
    minji.command(&format!("answer {call_id}"));
    let answered = board_until(&mut junho, "the caller answered", |b| {
        b.waiting.is_empty() && status_of(b, "김민지") == Some(AgentStatus::InCall)
    });
    assert!(
        answered
            .managers
            .iter()
            .any(|m| m.name == "김민지" && m.since_ms.is_some())
    );
    minji.wait_for("media", Duration::from_secs(15), |e| {
        matches!(e, AgentEvent::MediaConnected { .. })
    });
    minji.command(&format!("end {call_id}"));
    let ended = board_until(&mut junho, "today's answered call", |b| {
        b.today.as_ref().is_some_and(|t| t.inbound == 1)
    });
    let t = ended.today.unwrap();
    assert_eq!(
        (
            t.answered,
            t.missed,
            t.answered_in_time,
            t.service_level_calls
        ),
        (1, 0, 1, 1)
    );
    board_until(&mut junho, "Minji wrapping up", |b| {
        status_of(b, "김민지") == Some(AgentStatus::WrapUp)
    });
    assert!(caller.join().unwrap().success);
    assert!(
        !minji.has_arrived(|e| matches!(e, AgentEvent::Server(ServerEvent::Wallboard(_)))),
        "only those watching get the board"
    );
}
