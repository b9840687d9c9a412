//! The ringtone: played on the **ringer** device (which may differ from the call's speaker, so
//! a headset wearer still hears the desk ring) for as long as a call rings here.

use std::sync::Arc;
use std::time::Duration;

use ringdesk_media::tone::ToneGenerator;
use ringdesk_media::{ROOM_FRAME_SAMPLES, ROOM_RATE_HZ};
use tokio::sync::oneshot;

use crate::audio::AudioDevice;

/// The ringtone's two tones (a major sixth apart: distinct from the 440/480 Hz ringback the
/// caller hears, so the two are never confused on a shared speaker).
pub const RINGTONE_HZ: [f64; 2] = [523.25, 880.0];

/// One second on, two off.
const RING_ON_MS: u64 = 1_000;
const RING_OFF_MS: u64 = 2_000;

/// A ringtone playing; dropping it stops the sound.
#[derive(Debug)]
pub struct Ringtone {
    _stop: oneshot::Sender<()>,
}

/// Starts ringing on `device`. A device that cannot be opened is logged and stays silent: the
/// ring window still shows, and a missing ringtone must never block answering.
pub fn start(device: Arc<dyn AudioDevice>) -> Ringtone {
    let (stop_tx, mut stop_rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let opened = tokio::task::spawn_blocking(move || device.open_playback()).await;
        let mut playback = match opened {
            Ok(Ok(p)) => p,
            Ok(Err(e)) => {
                tracing::warn!("ringer device: {e}");
                return;
            }
            Err(e) => {
                tracing::warn!("ringer device: {e}");
                return;
            }
        };
        let mut tone = ToneGenerator::new(ROOM_RATE_HZ, &RINGTONE_HZ, 6_000.0)
            .with_cadence(RING_ON_MS, RING_OFF_MS);
        let mut frame = vec![0i16; ROOM_FRAME_SAMPLES];
        let mut tick = tokio::time::interval(Duration::from_millis(20));
        loop {
            tokio::select! {
                _ = &mut stop_rx => break,
                _ = tick.tick() => {
                    tone.fill(&mut frame);
                    playback.write(&frame);
                }
            }
        }
    });
    Ringtone { _stop: stop_tx }
}
