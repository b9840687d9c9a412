//! The dispatcher in-process, in the style of str0m's `tests/common.rs`: a real dispatcher task
//! over a fresh database, its trunk a channel (`TrunkHandle::channel`) whose commands we read
//! and whose events we write, and fake sessions standing for managers' apps. What it does is
//! written out as a trace and compared with `expect_test`.
//!
//! Scenarios without media: the WebRTC and RTP legs are the end-to-end suites' business.

#![allow(missing_docs)]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use expect_test::{Expect, expect};
use ringdesk_cloud::config::Args;
use ringdesk_cloud::dispatch::{CALL_ID_BLOCK, DispatchConfig, Dispatcher, Input};
use ringdesk_cloud::metrics::Metrics;
use ringdesk_cloud::recording::Recordings;
use ringdesk_cloud::room::RoomMedia;
use ringdesk_cloud::writer::RecordWriter;
use ringdesk_sip::runtime::{TrunkCommand, TrunkHandle};
use ringdesk_sip::sdp::{G711, Negotiated};
use ringdesk_sip::trunk::{SipCall, TrunkEvent};
use ringdesk_store::scratch::ScratchDatabase;
use ringdesk_store::{Backend, DEMO_MANAGERS, DEMO_NUMBER, Store};
use ringdesk_wire::ServerMessage;
use tokio::sync::{mpsc, oneshot};

/// How long any one expected output may take (they come in milliseconds).
const PATIENCE: Duration = Duration::from_secs(10);

struct Rig {
    _db: ScratchDatabase,
    _recordings: tempfile::TempDir,
    store: Store,
    writer: RecordWriter,
    inbox: mpsc::UnboundedSender<Input>,
    trunk_events: mpsc::UnboundedSender<(Instant, TrunkEvent)>,
    trunk: mpsc::UnboundedReceiver<TrunkCommand>,
    next_session: u64,
}

/// A fake app session of a manager: what the dispatcher sends it.
struct App {
    name: &'static str,
    rx: mpsc::UnboundedReceiver<ServerMessage>,
}

impl Rig {
    async fn start(ring_timeout: Duration) -> Rig {
        let db = ScratchDatabase::new(Backend::Sqlite).await;
        let store = db.open().await;
        store.seed_demo_if_empty(1).await.unwrap();
        let defaults = <Args as clap::Parser>::parse_from(["ringdesk-cloud"])
            .into_config()
            .unwrap();
        let writer = RecordWriter::spawn(store.clone());
        let recordings_dir = tempfile::tempdir().unwrap();
        let recordings = Recordings::new(recordings_dir.path(), writer.clone(), None).unwrap();
        let config = DispatchConfig {
            ring_timeout,
            can_dial_out: false,
            dial_timeout: Duration::from_secs(60),
            room: RoomMedia {
                ip: "127.0.0.1".parse().unwrap(),
                rtp_timeout: Duration::from_secs(60),
                hold_music: defaults.hold_music,
                recordings,
            },
            speech: std::sync::Arc::new(ringdesk_cloud::speech::Espeak::default()),
            sms: None,
        };
        let ids = store.reserve_call_ids(CALL_ID_BLOCK).await.unwrap();
        let local: SocketAddr = "127.0.0.1:5060".parse().unwrap();
        let (trunk_handle, trunk) = TrunkHandle::channel(local);
        let (trunk_events, events_rx) = mpsc::unbounded_channel();
        let dispatcher = Dispatcher::spawn(
            config,
            store.clone(),
            writer.clone(),
            ids,
            trunk_handle,
            events_rx,
            Metrics::default(),
        );
        Rig {
            _recordings: recordings_dir,
            _db: db,
            store,
            writer,
            inbox: dispatcher.tx,
            trunk_events,
            trunk,
            next_session: 1,
        }
    }

    /// Opens an app session for the demo manager `index` (0: 김민지, 1: 이준호).
    async fn connect(&mut self, index: usize, name: &'static str) -> App {
        let demo = DEMO_MANAGERS[index];
        let manager = self
            .store
            .verify_login(demo.email, demo.password)
            .await
            .unwrap();
        let (tx, rx) = mpsc::unbounded_channel();
        let session = self.next_session;
        self.next_session += 1;
        self.inbox
            .send(Input::SessionOpened {
                manager: manager.clone(),
                wrap_up: self.store.wrap_up_conversations(manager.id).await.unwrap(),
                session,
                tx,
            })
            .unwrap();
        let mut app = App { name, rx };
        app.expect_type("hello").await;
        app
    }

    /// A call from the trunk: `caller` dials `dialled`.
    fn incoming(&self, sip: u64, dialled: &str, caller: &str) {
        let media = Negotiated {
            remote_rtp: "127.0.0.1:40000".parse().unwrap(),
            codec: G711::Pcma,
            codec_pt: 8,
            telephone_event_pt: Some(101),
        };
        self.trunk_event(TrunkEvent::Incoming {
            call: SipCall(sip),
            dialled: dialled.into(),
            caller: Some(caller.into()),
            caller_name: None,
            media,
            peer: "127.0.0.1:5062".into(),
        });
    }

    fn trunk_event(&self, event: TrunkEvent) {
        self.trunk_events.send((Instant::now(), event)).unwrap();
    }

    /// The next command the dispatcher gave the trunk, in a line.
    async fn trunk_command(&mut self) -> String {
        let command = tokio::time::timeout(PATIENCE, self.trunk.recv())
            .await
            .expect("a trunk command in time")
            .expect("the dispatcher is running");
        match command {
            TrunkCommand::Progress { call, sdp } => format!(
                "trunk: progress sip={} early media={}",
                call.0,
                sdp.is_some()
            ),
            TrunkCommand::Answer { call, .. } => format!("trunk: answer sip={}", call.0),
            TrunkCommand::Reject { call, code, reason } => {
                format!("trunk: reject sip={} {code} {reason}", call.0)
            }
            TrunkCommand::HangUp { call } => format!("trunk: hang up sip={}", call.0),
            TrunkCommand::Dial { call, request } => {
                format!("trunk: dial sip={} to {}", call.0, request.to)
            }
        }
    }

    /// Whether the dispatcher still answers (`/healthz` asks the same way).
    async fn healthy(&self) -> bool {
        let (reply, answer) = oneshot::channel();
        self.inbox.send(Input::Health { reply }).unwrap();
        tokio::time::timeout(PATIENCE, answer)
            .await
            .is_ok_and(|a| a.is_ok())
    }

    /// The call's record once it is closed (work handed off the dispatcher may still be on
    /// its way when this is asked), in a line.
    async fn ended_record(&self, call_id: i64) -> String {
        let deadline = Instant::now() + PATIENCE;
        let row = loop {
            self.writer.flush().await;
            let row = self.store.get_call(1, call_id).await.unwrap();
            if row.as_ref().is_some_and(|r| r.ended_at_ms.is_some()) {
                break row.unwrap();
            }
            assert!(
                Instant::now() < deadline,
                "call {call_id} was not recorded as ended"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let parts: Vec<String> = row
            .managers
            .iter()
            .map(|m| format!("{} {}", m.name, m.role))
            .collect();
        format!(
            "record {}: {} from {} cause={} missed={} parts=[{}]",
            row.id,
            row.direction,
            row.caller_number,
            row.hangup_cause.as_deref().unwrap_or("-"),
            row.missed_reason.as_deref().unwrap_or("-"),
            parts.join(", ")
        )
    }
}

impl App {
    /// The next message of one of `types`, skipping the others (presence, pushed lists), as a
    /// line of JSON.
    async fn expect(&mut self, types: &[&str]) -> String {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let message = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .unwrap_or_else(|_| panic!("{} got none of {types:?} in time", self.name))
                .expect("the session is open");
            let json = serde_json::to_value(&message).unwrap();
            if types.contains(&json["type"].as_str().unwrap_or_default()) {
                return format!("{}: {json}", self.name);
            }
        }
    }

    async fn expect_type(&mut self, message_type: &str) -> String {
        self.expect(&[message_type]).await
    }

    /// Whatever the dispatcher sent that `keep` names, until now.
    fn pending(&mut self, keep: &[&str]) -> Vec<String> {
        let mut lines = Vec::new();
        while let Ok(message) = self.rx.try_recv() {
            let json = serde_json::to_value(&message).unwrap();
            if keep.contains(&json["type"].as_str().unwrap_or_default()) {
                lines.push(format!("{}: {json}", self.name));
            }
        }
        lines
    }
}

fn check(trace: &[String], expected: Expect) {
    expected.assert_eq(&(trace.join("\n") + "\n"));
}

#[tokio::test]
async fn a_call_rings_a_manager_and_a_caller_leaving_makes_it_missed_userleft() {
    let mut rig = Rig::start(Duration::from_secs(30)).await;
    let mut minji = rig.connect(0, "minji").await;
    rig.incoming(7, "07076660100", "01012345678");
    let mut trace = vec![rig.trunk_command().await, minji.expect_type("ring").await];
    rig.trunk_event(TrunkEvent::Cancelled { call: SipCall(7) });
    trace.push(minji.expect_type("ringStopped").await);
    trace.push(rig.ended_record(1).await);
    check(
        &trace,
        expect![[r##"
            trunk: progress sip=7 early media=true
            minji: {"callId":1,"caller":{"fields":[{"name":"고객 등급","value":"VIP"},{"name":"최근 주문","value":"#20261118-0042"},{"name":"메모","value":"배송 문의 잦음"}],"name":"박서연","number":"+821012345678"},"purpose":{"kind":"route"},"ringTimeoutMs":30000,"type":"ring","via":{"number":"+827076660100","teamName":"고객지원팀"}}
            minji: {"callId":1,"reason":"callerLeft","type":"ringStopped"}
            record 1: inbound from +821012345678 cause=customerHangup missed=userleft parts=[김민지 rang]
        "##]],
    );
}

#[tokio::test]
async fn an_unknown_number_is_refused_and_recorded_nowhere() {
    let mut rig = Rig::start(Duration::from_secs(30)).await;
    let mut minji = rig.connect(0, "minji").await;
    rig.incoming(3, "+8225550000", "01012345678");
    let trace = vec![rig.trunk_command().await];
    rig.writer.flush().await;
    assert_eq!(
        rig.store.list_calls(1, None, 1, 10).await.unwrap().1,
        0,
        "no record"
    );
    assert!(minji.pending(&["ring"]).is_empty(), "nobody rings");
    check(
        &trace,
        expect![[r#"
            trunk: reject sip=3 404 Not Found (unknown number)
        "#]],
    );
}

#[tokio::test]
async fn a_caller_leaving_during_the_lookups_rings_nobody_and_is_recorded_missed() {
    let mut rig = Rig::start(Duration::from_secs(30)).await;
    let mut minji = rig.connect(0, "minji").await;
    // The CANCEL is read before the lookups are back (they run on a task of their own).
    rig.incoming(9, DEMO_NUMBER, "+821098765432");
    rig.trunk_event(TrunkEvent::Cancelled { call: SipCall(9) });
    let trace = vec![rig.ended_record(1).await];
    assert!(rig.healthy().await);
    assert!(minji.pending(&["ring"]).is_empty(), "nobody rings");
    assert!(
        rig.trunk.try_recv().is_err(),
        "nothing is sent to the trunk"
    );
    check(
        &trace,
        expect![[r#"
            record 1: inbound from +821098765432 cause=customerHangup missed=userleft parts=[]
        "#]],
    );
}

#[tokio::test]
async fn a_ring_not_answered_in_time_moves_to_the_next_manager_then_ends_missed() {
    let mut rig = Rig::start(Duration::from_millis(300)).await;
    let mut minji = rig.connect(0, "minji").await;
    let mut junho = rig.connect(1, "junho").await;
    rig.incoming(4, DEMO_NUMBER, "+14155550123");
    let mut trace = vec![rig.trunk_command().await];
    let first = minji.expect_type("ring").await;
    trace.push(first.split(",\"caller\"").next().unwrap().to_string());
    trace.push(minji.expect_type("ringStopped").await);
    let second = junho.expect_type("ring").await;
    trace.push(second.split(",\"caller\"").next().unwrap().to_string());
    trace.push(junho.expect_type("ringStopped").await);
    trace.push(rig.trunk_command().await);
    trace.push(rig.ended_record(1).await);
    check(
        &trace,
        expect![[r#"
            trunk: progress sip=4 early media=true
            minji: {"callId":1
            minji: {"callId":1,"reason":"timedOut","type":"ringStopped"}
            junho: {"callId":1
            junho: {"callId":1,"reason":"timedOut","type":"ringStopped"}
            trunk: hang up sip=4
            record 1: inbound from +14155550123 cause=notAnswered missed=ringTimeOver parts=[김민지 rang, 이준호 rang]
        "#]],
    );
}
