//! The network test end to end: the agent library's test call to a real cloud's echo over
//! WebRTC on loopback, listening to a WAV microphone.

use std::sync::Arc;

use ringdesk_agent::audio::wav::WavDevice;
use ringdesk_agent::network_test;
use ringdesk_tests::audio::write_tone_wav;
use ringdesk_tests::{Cloud, MINJI, TempDir, block_on};
use ringdesk_wire::{NetworkIssue, NetworkVerdict};

#[test]
fn loopback_is_a_good_network_and_a_silent_microphone_is_named() {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("network-test");
    let tone = dir.path("voice.wav");
    write_tone_wav(&tone, 48_000, 440.0, 10.0);
    block_on(async {
        let server = cloud.server_config();
        let token = cloud.token(MINJI.0, MINJI.1).await;
        let speaking = WavDevice {
            play: Some(tone.clone()),
            record: None,
            loop_play: true,
        };
        let good = network_test::run(&server, &token, Some(Arc::new(speaking)))
            .await
            .expect("the test runs");
        eprintln!("loopback: {good:?}");
        assert_eq!(good.verdict, NetworkVerdict::Good, "{good:?}");
        assert!(good.issues.is_empty(), "{good:?}");
        assert!(good.round_trip_ms < 100.0, "{good:?}");
        assert!(good.loss_percent < 1.0, "{good:?}");
        assert!(good.mos > 4.0, "{good:?}");
        assert!(good.microphone_dbfs.is_some_and(|l| l > -30.0), "{good:?}");

        let silent = WavDevice {
            play: None,
            record: None,
            loop_play: false,
        };
        let quiet = network_test::run(&server, &token, Some(Arc::new(silent)))
            .await
            .expect("the test runs");
        assert_eq!(quiet.verdict, NetworkVerdict::Poor, "{quiet:?}");
        assert_eq!(quiet.issues, [NetworkIssue::MicrophoneSilent], "{quiet:?}");

        let refused = network_test::run(&server, "not-a-token", None).await;
        assert!(
            refused
                .as_ref()
                .is_err_and(|e| e.to_string().contains("unauthorized")),
            "{refused:?}"
        );
    });
}
