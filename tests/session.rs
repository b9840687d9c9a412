//! The agent's signaling session survives the cloud going away: it reports the drop, backs
//! off, reconnects to the restarted cloud, re-sends its chosen status, and rings again.

use std::time::Duration;

use ringdesk_tests::peers::call_in_background;
use ringdesk_tests::{AgentProc, Cloud, MINJI};
use ringdesk_wire::{AgentEvent, AgentStatus, ServerEvent};

#[test]
fn agent_reconnects_after_a_cloud_restart() {
    let cloud = Cloud::start(&[]);
    let mut agent = AgentProc::start(&cloud, MINJI, &["--wav"]);
    agent.command("status away dnd");
    agent.wait_for("away", Duration::from_secs(10), |e| {
        matches!(
            e,
            AgentEvent::Server(ServerEvent::Presence {
                status: AgentStatus::Away,
                do_not_disturb: true,
                ..
            })
        )
    });

    let cloud = cloud.restart();
    let (_, down) = agent.wait_for("session down", Duration::from_secs(20), |e| {
        matches!(e, AgentEvent::SessionDown { .. })
    });
    let AgentEvent::SessionDown { retry_in_ms, .. } = down else {
        unreachable!()
    };
    assert!(
        (400..=600).contains(&retry_in_ms),
        "first retry after ~0.5 s, got {retry_in_ms} ms"
    );
    agent.wait_for("session up again", Duration::from_secs(30), |e| {
        matches!(e, AgentEvent::SessionUp { .. })
    });
    agent.wait_for("status kept", Duration::from_secs(10), |e| {
        matches!(
            e,
            AgentEvent::Server(ServerEvent::Presence {
                status: AgentStatus::Away,
                do_not_disturb: true,
                ..
            })
        )
    });

    // Back to available: the restarted cloud rings this session.
    agent.command("status available");
    agent.wait_for("available", Duration::from_secs(10), |e| {
        matches!(
            e,
            AgentEvent::Server(ServerEvent::Presence {
                status: AgentStatus::Available,
                not_ringing: None,
                ..
            })
        )
    });
    let caller = call_in_background(
        "uac_cancel.xml",
        &[("WAIT_MS", "1500")],
        cloud.sip,
        Duration::from_secs(20),
    );
    agent.wait_for("ring after reconnect", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::Ring { .. }))
    });
    assert!(caller.join().unwrap().success);
}
