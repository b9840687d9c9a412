//! One call's media on the agent: microphone → Opus → WebRTC, WebRTC → jitter buffer → Opus →
//! speaker, paced by a 20 ms tick. The loop also takes [`MediaControl`]s: mute, and a device
//! switch that reopens the streams without touching the WebRTC link, so the call stays up.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ringdesk_media::ROOM_FRAME_SAMPLES;
use ringdesk_media::inbound::{FrameSource, OpusInbound};
use ringdesk_media::opus_codec::OpusEncoder;
use ringdesk_rtc::{PeerEvent, PeerLink};
use tokio::sync::mpsc;

use crate::audio::{AudioDevice, AudioError, AudioStreams};

/// What the media loop tells the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaNotice {
    /// ICE + DTLS up.
    Connected,
    /// First decoded remote audio was played.
    FirstAudio,
    /// A device failed; the call now runs on the system default.
    DeviceFellBack(String),
    /// The media path ended.
    Closed(String),
}

/// What the session asks of a running call's media.
pub enum MediaControl {
    /// Send silence instead of the microphone (`true`), or the microphone again.
    Mute(bool),
    /// Move the call to these devices now.
    SwitchDevice(Arc<dyn AudioDevice>),
}

const OPUS_BITRATE_BPS: i32 = 32_000;

async fn open_blocking(device: Arc<dyn AudioDevice>) -> Result<AudioStreams, AudioError> {
    tokio::task::spawn_blocking(move || device.open())
        .await
        .map_err(|e| AudioError::Device(e.to_string()))?
}

/// The streams a call is using and the device they came from.
struct CallAudio {
    device: Arc<dyn AudioDevice>,
    streams: AudioStreams,
}

impl CallAudio {
    /// Moves to `device`; on failure keeps the current streams and says why.
    async fn switch(&mut self, device: Arc<dyn AudioDevice>) -> Result<(), AudioError> {
        self.streams = open_blocking(device.clone()).await?;
        self.device = device;
        Ok(())
    }

    /// When the current device has failed, moves to its fallback and returns the notice
    /// text; `Err` when there is nothing left to fall back to.
    async fn recover(&mut self) -> Result<Option<String>, String> {
        let Some((side, failure)) = self.streams.failure() else {
            return Ok(None);
        };
        let from = self.device.describe();
        tracing::warn!("audio device {from} failed: {failure}");
        let Some(fallback) = self.device.fallback(side) else {
            return Err(format!("{from}: {failure}"));
        };
        match self.switch(fallback).await {
            Ok(()) => Ok(Some(format!(
                "{from}: {failure}; now using {}",
                self.device.describe()
            ))),
            Err(e) => Err(format!(
                "{from}: {failure}; the default device failed too: {e}"
            )),
        }
    }
}

/// Runs until the link closes or `stop` fires. Opens the audio device itself so device
/// errors surface as a `Closed` notice.
pub async fn run_call_media(
    mut link: PeerLink,
    device: Arc<dyn AudioDevice>,
    start_muted: bool,
    notices: mpsc::UnboundedSender<MediaNotice>,
    mut controls: mpsc::UnboundedReceiver<MediaControl>,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    let setup = async {
        let streams = open_blocking(device.clone())
            .await
            .map_err(|e| e.to_string())?;
        let encoder = OpusEncoder::new(OPUS_BITRATE_BPS).map_err(|e| e.to_string())?;
        let inbound = OpusInbound::new().map_err(|e| e.to_string())?;
        Ok::<_, String>((CallAudio { device, streams }, encoder, inbound))
    };
    let (mut audio, mut encoder, mut inbound) = match setup.await {
        Ok(s) => s,
        Err(e) => {
            let _ = notices.send(MediaNotice::Closed(e));
            return;
        }
    };
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut mic = vec![0i16; ROOM_FRAME_SAMPLES];
    let mut speaker = Vec::with_capacity(ROOM_FRAME_SAMPLES);
    let mut connected = false;
    let mut heard = false;
    let mut muted = start_muted;
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
            Some(control) = controls.recv() => match control {
                MediaControl::Mute(m) => muted = m,
                MediaControl::SwitchDevice(d) => {
                    if let Err(e) = audio.switch(d).await {
                        let _ = notices.send(MediaNotice::DeviceFellBack(format!(
                            "could not switch devices, staying on {}: {e}",
                            audio.device.describe()
                        )));
                    }
                }
            },
            _ = tick.tick() => {
                match audio.recover().await {
                    Ok(None) => {}
                    Ok(Some(message)) => {
                        let _ = notices.send(MediaNotice::DeviceFellBack(message));
                    }
                    Err(e) => break e,
                }
                audio.streams.capture.read(&mut mic);
                if muted {
                    mic.fill(0);
                }
                if connected && let Ok(packet) = encoder.encode(&mic) {
                    let _ = link.send.send(packet.to_vec());
                }
                let source = inbound.pop_frame(Instant::now(), &mut speaker);
                audio.streams.playback.write(&speaker);
                if source == FrameSource::Decoded && !heard {
                    heard = true;
                    let _ = notices.send(MediaNotice::FirstAudio);
                }
            }
        }
    };
    let _ = notices.send(MediaNotice::Closed(reason));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::{AudioSide, Capture, Playback};
    use std::sync::Mutex;

    /// A device at the `AudioDevice` boundary whose streams can be made to fail, standing in
    /// for a headset that is unplugged (cpal reports `DeviceNotAvailable` the same way).
    struct Unpluggable {
        name: &'static str,
        unplugged: Arc<Mutex<bool>>,
        fallback: Option<Arc<dyn AudioDevice>>,
        opens: Arc<Mutex<u32>>,
    }

    struct Side(Arc<Mutex<bool>>);

    impl Capture for Side {
        fn read(&mut self, out: &mut [i16]) {
            out.fill(0);
        }
        fn failure(&self) -> Option<String> {
            (*self.0.lock().unwrap()).then(|| "microphone disconnected".into())
        }
    }

    impl Playback for Side {
        fn write(&mut self, _: &[i16]) {}
    }

    impl AudioDevice for Unpluggable {
        fn open(&self) -> Result<AudioStreams, AudioError> {
            *self.opens.lock().unwrap() += 1;
            Ok(AudioStreams {
                capture: Box::new(Side(self.unplugged.clone())),
                playback: Box::new(Side(self.unplugged.clone())),
            })
        }
        fn open_capture(&self) -> Result<Box<dyn Capture>, AudioError> {
            Ok(Box::new(Side(self.unplugged.clone())))
        }
        fn open_playback(&self) -> Result<Box<dyn Playback>, AudioError> {
            Ok(Box::new(Side(self.unplugged.clone())))
        }
        fn fallback(&self, _: AudioSide) -> Option<Arc<dyn AudioDevice>> {
            self.fallback.clone()
        }
        fn describe(&self) -> String {
            self.name.into()
        }
    }

    fn device(
        name: &'static str,
        fallback: Option<Arc<dyn AudioDevice>>,
    ) -> (Arc<Unpluggable>, Arc<Mutex<bool>>) {
        let unplugged = Arc::new(Mutex::new(false));
        let d = Arc::new(Unpluggable {
            name,
            unplugged: unplugged.clone(),
            fallback,
            opens: Arc::default(),
        });
        (d, unplugged)
    }

    #[tokio::test]
    async fn an_unplugged_device_moves_the_call_to_the_default_once() {
        let (default, _) = device("default", None);
        let (headset, unplug) = device("USB headset", Some(default.clone()));
        let mut audio = CallAudio {
            device: headset.clone(),
            streams: headset.open().unwrap(),
        };
        assert_eq!(audio.recover().await, Ok(None), "healthy: nothing to do");
        *unplug.lock().unwrap() = true;
        let notice = audio.recover().await.unwrap().unwrap();
        assert!(notice.contains("USB headset"), "{notice}");
        assert!(notice.contains("now using default"), "{notice}");
        assert_eq!(audio.device.describe(), "default");
        assert_eq!(*default.opens.lock().unwrap(), 1);
        assert_eq!(audio.recover().await, Ok(None), "the default is healthy");
    }

    #[tokio::test]
    async fn a_failing_default_ends_the_media_with_the_reason() {
        let (default, unplug) = device("default", None);
        let mut audio = CallAudio {
            device: default.clone(),
            streams: default.open().unwrap(),
        };
        *unplug.lock().unwrap() = true;
        let err = audio.recover().await.unwrap_err();
        assert!(err.contains("microphone disconnected"), "{err}");
    }
}
