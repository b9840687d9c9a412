//! One call's media on the agent: microphone → Opus → WebRTC, WebRTC → jitter buffer → Opus →
//! speaker, paced by a 20 ms tick.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ringdesk_media::ROOM_FRAME_SAMPLES;
use ringdesk_media::inbound::{FrameSource, OpusInbound};
use ringdesk_media::opus_codec::OpusEncoder;
use ringdesk_rtc::{PeerEvent, PeerLink};
use tokio::sync::mpsc;

use crate::audio::AudioDevice;

/// What the media loop tells the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaNotice {
    /// ICE + DTLS up.
    Connected,
    /// First decoded remote audio was played.
    FirstAudio,
    /// The media path ended.
    Closed(String),
}

const OPUS_BITRATE_BPS: i32 = 32_000;

/// Runs until the link closes or `stop` fires. Opens the audio device itself so device
/// errors surface as a `Closed` notice.
pub async fn run_call_media(
    mut link: PeerLink,
    device: Arc<dyn AudioDevice>,
    notices: mpsc::UnboundedSender<MediaNotice>,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    let opened = tokio::task::spawn_blocking(move || device.open()).await;
    let streams = match opened
        .map_err(|e| e.to_string())
        .and_then(|r| r.map_err(|e| e.to_string()))
    {
        Ok(s) => s,
        Err(e) => {
            let _ = notices.send(MediaNotice::Closed(e.to_string()));
            return;
        }
    };
    let (mut capture, mut playback) = (streams.capture, streams.playback);
    let mut encoder = match OpusEncoder::new(OPUS_BITRATE_BPS) {
        Ok(e) => e,
        Err(e) => {
            let _ = notices.send(MediaNotice::Closed(e.to_string()));
            return;
        }
    };
    let mut inbound = match OpusInbound::new() {
        Ok(i) => i,
        Err(e) => {
            let _ = notices.send(MediaNotice::Closed(e.to_string()));
            return;
        }
    };
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut mic = vec![0i16; ROOM_FRAME_SAMPLES];
    let mut speaker = Vec::with_capacity(ROOM_FRAME_SAMPLES);
    let mut connected = false;
    let mut heard = false;
    let reason = loop {
        tokio::select! {
            _ = &mut stop => break "hung up".to_string(),
            ev = link.events.recv() => match ev {
                Some(PeerEvent::Connected) => {
                    connected = true;
                    let _ = notices.send(MediaNotice::Connected);
                }
                Some(PeerEvent::Audio(a)) => {
                    inbound.push(Instant::now(), a.sequence, a.timestamp, a.payload);
                }
                Some(PeerEvent::Closed(r)) => break r,
                None => break "media task ended".into(),
            },
            _ = tick.tick() => {
                capture.read(&mut mic);
                if connected && let Ok(packet) = encoder.encode(&mic) {
                    let _ = link.send.send(packet.to_vec());
                }
                let source = inbound.pop_frame(Instant::now(), &mut speaker);
                playback.write(&speaker);
                if source == FrameSource::Decoded && !heard {
                    heard = true;
                    let _ = notices.send(MediaNotice::FirstAudio);
                }
            }
        }
    };
    let _ = notices.send(MediaNotice::Closed(reason));
}
