//! End to end: the database being slow never slows a call down, and a clean shutdown loses no
//! record. Another process holds SQLite's write lock (as a long admin write or a backup would)
//! while a call arrives, is answered and ends: the agent is rung at once, and the record is
//! written once the lock is released — even when the cloud is told to stop (SIGTERM) before
//! that. Always on the embedded SQLite store: the lock is SQLite's.

use std::time::Duration;

use ringdesk_tests::audio::{write_tone_pcap, write_tone_wav};
use ringdesk_tests::peers::call_in_background;
use ringdesk_tests::{AgentProc, Cloud, MINJI, TempDir, block_on};
use ringdesk_wire::{AgentEvent, HangupCause, ServerEvent};
use sqlx::Connection;

/// Holds SQLite's write lock on the cloud's database until released.
struct WriteLock(sqlx::SqliteConnection);

impl WriteLock {
    async fn take(cloud: &Cloud) -> WriteLock {
        let mut conn = sqlx::SqliteConnection::connect(&cloud.database())
            .await
            .expect("a second connection to the cloud's database");
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut conn)
            .await
            .expect("the write lock");
        WriteLock(conn)
    }

    async fn release(mut self) {
        sqlx::query("ROLLBACK").execute(&mut self.0).await.unwrap();
        self.0.close().await.unwrap();
    }
}

#[test]
fn a_locked_database_delays_no_ring_and_a_clean_stop_loses_no_record() {
    let mut cloud = Cloud::start(&[]);
    let dir = TempDir::new("busy-store");
    write_tone_pcap(&dir.path("caller.pcap"), 1_000.0, 2.0);
    write_tone_wav(&dir.path("agent.wav"), 48_000, 700.0, 2.0);
    let mut agent = AgentProc::wav(&cloud, MINJI, &dir.path("agent.wav"), None, 200);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let lock = runtime.block_on(WriteLock::take(&cloud));

    // The whole call happens while another writer holds the database.
    let caller = call_in_background(
        "uac_tone_dtmf.xml",
        &[
            ("TONE_PCAP", dir.path("caller.pcap").to_str().unwrap()),
            ("TONE_MS", "1500"),
            ("TALK_MS", "1000"),
        ],
        cloud.sip,
        Duration::from_secs(40),
    );
    let (_, ring) = agent.wait_for(
        "a ring while the database is locked",
        Duration::from_secs(4),
        |e| matches!(e, AgentEvent::Server(ServerEvent::Ring { .. })),
    );
    let AgentEvent::Server(ServerEvent::Ring { call_id, .. }) = ring else {
        unreachable!()
    };
    agent.wait_for("the call's end", Duration::from_secs(20), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::CallEnded { .. }))
    });
    let run = caller.join().expect("sipp thread");
    assert!(run.success, "sipp scenario failed:\n{}", run.log);

    // Stop the cloud while its records still wait for the lock. Not a wait for a condition:
    // the lock stays taken a while after the signal, and the cloud must still be there then,
    // writing, not gone with its records.
    cloud.terminate();
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        cloud.exit_status().is_none(),
        "the cloud exited with records unwritten"
    );
    runtime.block_on(lock.release());
    let status = cloud.wait_exit(Duration::from_secs(30));
    assert!(status.success(), "a clean shutdown exits 0, got {status}");

    let cloud = cloud.restart();
    block_on(async {
        let record = cloud.call(MINJI, call_id).await;
        assert_eq!(
            record.hangup_cause,
            Some(HangupCause::CustomerHangup),
            "the end was written before the stop, not closed as serviceRestart"
        );
        assert!(record.answered_at.is_some());
        let roles: Vec<&str> = record.managers.iter().map(|m| m.role.as_str()).collect();
        assert_eq!(roles, ["rang", "answered", "left"]);
    });
}
