//! One call's media on the agent: microphone → voice processing (echo, noise, level) → Opus →
//! WebRTC, WebRTC → jitter buffer → Opus → speaker (and the echo canceller's far end), paced by
//! a 20 ms tick. The loop also takes [`MediaControl`]s: mute, and a device
//! switch that reopens the streams without touching the WebRTC link, so the call stays up.
//!
//! A dead microphone never ends the call: when it fails and nothing can stand in for it, the
//! agent keeps hearing the customer, the customer hears comfort noise, and the microphone is
//! opened again every few seconds until one works.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ringdesk_media::ROOM_FRAME_SAMPLES;
use ringdesk_media::inbound::{FrameSource, OpusInbound};
use ringdesk_media::opus_codec::OpusEncoder;
use ringdesk_media::pace::FrameClock;
use ringdesk_rtc::{PeerEvent, PeerLink};
use tokio::sync::mpsc;

use crate::audio::comfort::ComfortNoise;
use crate::audio::voice::VoiceProcessor;
use crate::audio::volume::{apply, slider_gain};
use crate::audio::{AudioDevice, AudioError, AudioSide, AudioStreams, Capture};
use ringdesk_wire::{CallVolume, VoiceProcessing};

/// What the media loop tells the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaNotice {
    /// ICE + DTLS up.
    Connected,
    /// First decoded remote audio was played.
    FirstAudio,
    /// A device failed; the call now runs on the system default.
    DeviceFellBack(String),
    /// The microphone stopped working and nothing could replace it: the call goes on without
    /// it (the customer hears comfort noise) while it is tried again.
    MicrophoneLost(String),
    /// A microphone works again after [`MediaNotice::MicrophoneLost`].
    MicrophoneBack,
    /// The media path ended.
    Closed(String),
}

/// What the session asks of a running call's media.
pub enum MediaControl {
    /// Send silence instead of the microphone (`true`), or the microphone again.
    Mute(bool),
    /// Turn the speaker and the microphone to these levels now.
    Volume(CallVolume),
    /// Move the call to these devices now.
    SwitchDevice(Arc<dyn AudioDevice>),
}

const OPUS_BITRATE_BPS: i32 = 32_000;

/// How a call's media starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaOptions {
    /// Send silence until unmuted.
    pub start_muted: bool,
    /// The microphone's echo cancellation, noise suppression and gain control.
    pub voice: VoiceProcessing,
    /// The speaker's volume and the microphone's gain.
    pub volume: CallVolume,
}

/// How long a lost microphone rests before it is opened again.
const MICROPHONE_RETRY: Duration = Duration::from_secs(2);
/// How long a reopened microphone must work before it counts as back: longer than a device
/// takes to be found silent (`cpal_device`'s two seconds without audio).
const MICROPHONE_TRIAL: Duration = Duration::from_secs(3);

async fn open_blocking(device: Arc<dyn AudioDevice>) -> Result<AudioStreams, AudioError> {
    tokio::task::spawn_blocking(move || device.open())
        .await
        .map_err(|e| AudioError::Device(e.to_string()))?
}

/// The speaker alone, opened off the async threads like [`open_blocking`].
async fn open_playback_blocking(
    device: Arc<dyn AudioDevice>,
) -> Result<Box<dyn crate::audio::Playback>, AudioError> {
    tokio::task::spawn_blocking(move || device.open_playback())
        .await
        .map_err(|e| AudioError::Device(e.to_string()))?
}

/// Where the call's microphone stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Microphone {
    /// Working, as far as anyone knows.
    Live,
    /// Dead: comfort noise goes out instead; the device's microphone is opened again at
    /// `retry_at`.
    Lost { retry_at: Instant },
    /// Reopened after being lost: back once it has worked until `confirmed_at`.
    Trial { confirmed_at: Instant },
}

/// The streams a call is using and the device they came from.
struct CallAudio {
    device: Arc<dyn AudioDevice>,
    streams: AudioStreams,
    microphone: Microphone,
    /// A lost microphone being opened again, off the media loop: an open can take a device
    /// enumeration's time, and the call's audio must not wait for it.
    reopening: Option<Reopening>,
    /// Echo cancellation, noise suppression and gain control for these streams; `None` when
    /// the processing module failed to start (the call goes on without it).
    voice: Option<VoiceProcessor>,
    /// The speaker volume's and the microphone gain's linear gains.
    speaker_gain: f32,
    microphone_gain: f32,
}

/// A microphone opening on a blocking thread.
type Reopening = tokio::task::JoinHandle<Result<Box<dyn Capture>, AudioError>>;

impl CallAudio {
    /// The device's streams; when they cannot open, its speaker alone with comfort noise for
    /// a microphone (and [`MediaNotice::MicrophoneLost`] to say so), so a machine without a
    /// working microphone can still take the call. `Err` when not even the speaker opens.
    async fn open(
        device: Arc<dyn AudioDevice>,
        voice: VoiceProcessing,
        volume: CallVolume,
    ) -> Result<(CallAudio, Option<MediaNotice>), String> {
        let (speaker_gain, microphone_gain) = gains(volume);
        let voice = VoiceProcessor::new(voice)
            .inspect_err(|e| tracing::warn!("the call goes without voice processing: {e}"))
            .ok();
        match open_blocking(device.clone()).await {
            Ok(streams) => Ok((
                CallAudio {
                    device,
                    streams,
                    microphone: Microphone::Live,
                    reopening: None,
                    voice,
                    speaker_gain,
                    microphone_gain,
                },
                None,
            )),
            Err(both) => {
                let playback = open_playback_blocking(device.clone())
                    .await
                    .map_err(|e| format!("{both}; the speaker alone failed too: {e}"))?;
                let audio = CallAudio {
                    device,
                    streams: AudioStreams {
                        capture: Box::new(ComfortNoise::new()),
                        playback,
                    },
                    microphone: Microphone::Lost {
                        retry_at: Instant::now() + MICROPHONE_RETRY,
                    },
                    reopening: None,
                    voice,
                    speaker_gain,
                    microphone_gain,
                };
                Ok((audio, Some(MediaNotice::MicrophoneLost(both.to_string()))))
            }
        }
    }

    /// Moves to `device`; on failure keeps the current streams and says why.
    async fn switch(&mut self, device: Arc<dyn AudioDevice>) -> Result<(), AudioError> {
        self.streams = open_blocking(device.clone()).await?;
        self.device = device;
        self.microphone = Microphone::Live;
        self.reopening = None;
        self.new_echo_path();
        Ok(())
    }

    /// Other streams are another echo path: the voice processing learns it afresh.
    fn new_echo_path(&mut self) {
        self.voice = self.voice.as_ref().map(VoiceProcessor::for_new_device);
    }

    /// The next 20 ms from the microphone, cleaned (echo, noise, level); comfort noise while
    /// the microphone is lost goes out as it is.
    fn read_microphone(&mut self, frame: &mut [i16]) {
        self.streams.capture.read(frame);
        if matches!(self.microphone, Microphone::Live | Microphone::Trial { .. }) {
            // The canceller sees the microphone as it is (a raised, clipped echo would be one
            // it cannot model, and each slider move a new echo path); the gain is the last
            // word on what goes out, after the gain control too.
            if let Some(voice) = self.voice.as_mut() {
                voice.captured(frame);
            }
            apply(frame, self.microphone_gain);
        }
    }

    /// Plays 20 ms at the speaker's volume, and tells the echo canceller what the speaker is
    /// about to sound.
    fn play(&mut self, frame: &mut [i16]) {
        apply(frame, self.speaker_gain);
        if let Some(voice) = self.voice.as_mut() {
            voice.played(frame);
        }
        self.streams.playback.write(frame);
    }

    fn set_volume(&mut self, volume: CallVolume) {
        (self.speaker_gain, self.microphone_gain) = gains(volume);
    }

    /// Moves to a device the user chose. Chosen while the microphone was lost, the new one is
    /// on trial: back ([`MediaNotice::MicrophoneBack`]) once it has worked long enough, and
    /// still the same loss if it fails too.
    async fn choose(
        &mut self,
        device: Arc<dyn AudioDevice>,
        now: Instant,
    ) -> Result<(), AudioError> {
        let was = self.microphone;
        // Settings saved for something else name the devices the call already runs on:
        // reopening them would only restart the echo canceller.
        if was == Microphone::Live && device.describe() == self.device.describe() {
            return Ok(());
        }
        // Only the speaker changes: the microphone's stream goes on untouched (reopening it
        // is a gap in the agent's voice, and a new capture stream can take a while to flow).
        let same_microphone = device
            .microphone()
            .is_some_and(|m| Some(m) == self.device.microphone());
        if was == Microphone::Live && same_microphone {
            return self.switch_speaker(device).await;
        }
        match self.switch(device.clone()).await {
            Ok(()) if was != Microphone::Live => {
                self.microphone = Microphone::Trial {
                    confirmed_at: now + MICROPHONE_TRIAL,
                };
                Ok(())
            }
            Ok(()) => Ok(()),
            // Its microphone dead too: its speaker all the same, still without a microphone.
            Err(_) if was != Microphone::Live => {
                self.switch_speaker(device).await?;
                self.go_without_microphone(now);
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// When the current device has failed, moves to its fallback, or for a microphone with
    /// none goes on without it; the notice to give, if any. `Err` when the speaker failed with
    /// nothing left to fall back to.
    async fn recover(&mut self, now: Instant) -> Result<Option<MediaNotice>, String> {
        let Some((side, failure)) = self.streams.failure() else {
            return Ok(None);
        };
        let from = self.device.describe();
        tracing::warn!("audio device {from} failed: {failure}");
        if side == AudioSide::Microphone && self.microphone != Microphone::Live {
            // A microphone on trial failing again is the same loss: no fallback, no notice.
            self.go_without_microphone(now);
            return Ok(None);
        }
        let fallback = match self.device.fallback(side) {
            // With the microphone lost only the speaker moves (the microphone would not open);
            // a failed speaker's fallback keeps this microphone, whose stream goes on.
            Some(fallback) if self.microphone != Microphone::Live || side == AudioSide::Speaker => {
                match self.switch_speaker(fallback).await {
                    Ok(()) => {
                        return Ok(Some(MediaNotice::DeviceFellBack(format!(
                            "{from}: {failure}; now using {}",
                            self.device.describe()
                        ))));
                    }
                    Err(e) => format!("{from}: {failure}; the default device failed too: {e}"),
                }
            }
            Some(fallback) => match self.switch(fallback).await {
                Ok(()) => {
                    return Ok(Some(MediaNotice::DeviceFellBack(format!(
                        "{from}: {failure}; now using {}",
                        self.device.describe()
                    ))));
                }
                Err(e) => format!("{from}: {failure}; the default device failed too: {e}"),
            },
            None => format!("{from}: {failure}"),
        };
        if side == AudioSide::Speaker {
            return Err(fallback);
        }
        self.go_without_microphone(now);
        Ok(Some(MediaNotice::MicrophoneLost(fallback)))
    }

    /// Comfort noise instead of the microphone, which is opened again after its rest.
    fn go_without_microphone(&mut self, now: Instant) {
        self.streams.capture = Box::new(ComfortNoise::new());
        self.microphone = Microphone::Lost {
            retry_at: now + MICROPHONE_RETRY,
        };
    }

    /// Moves the speaker alone to `device` (the microphone stays what it is).
    async fn switch_speaker(&mut self, device: Arc<dyn AudioDevice>) -> Result<(), AudioError> {
        self.streams.playback = open_playback_blocking(device.clone()).await?;
        self.device = device;
        // A reopen under way was for the device left behind.
        self.reopening = None;
        self.new_echo_path();
        Ok(())
    }

    /// A lost microphone opened again when its rest is over (on a blocking thread: the tick
    /// looks in on it and never waits); one on trial declared back once it has worked long
    /// enough ([`MediaNotice::MicrophoneBack`]).
    async fn retry_microphone(&mut self, now: Instant) -> Option<MediaNotice> {
        match self.microphone {
            Microphone::Live => None,
            Microphone::Lost { .. } if self.reopening.as_ref().is_some_and(|r| r.is_finished()) => {
                let opened = self.reopening.take()?.await;
                match opened {
                    Ok(Ok(capture)) => {
                        self.streams.capture = capture;
                        self.microphone = Microphone::Trial {
                            confirmed_at: now + MICROPHONE_TRIAL,
                        };
                        self.new_echo_path();
                    }
                    _ => {
                        self.microphone = Microphone::Lost {
                            retry_at: now + MICROPHONE_RETRY,
                        };
                    }
                }
                None
            }
            Microphone::Lost { retry_at } if now >= retry_at && self.reopening.is_none() => {
                let device = self.device.clone();
                self.reopening = Some(tokio::task::spawn_blocking(move || device.open_capture()));
                None
            }
            Microphone::Lost { .. } => None,
            Microphone::Trial { confirmed_at } if now >= confirmed_at => {
                self.microphone = Microphone::Live;
                Some(MediaNotice::MicrophoneBack)
            }
            Microphone::Trial { .. } => None,
        }
    }
}

/// The speaker's and the microphone's linear gains for `volume`.
fn gains(volume: CallVolume) -> (f32, f32) {
    let volume = volume.clamped();
    (slider_gain(volume.speaker), slider_gain(volume.microphone))
}

/// Runs until the link closes or `stop` fires. Opens the audio device itself so device
/// errors surface as a `Closed` notice.
pub async fn run_call_media(
    mut link: PeerLink,
    device: Arc<dyn AudioDevice>,
    options: MediaOptions,
    notices: mpsc::UnboundedSender<MediaNotice>,
    mut controls: mpsc::UnboundedReceiver<MediaControl>,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    let setup = async {
        let (audio, notice) = CallAudio::open(device, options.voice, options.volume).await?;
        let encoder = OpusEncoder::new(OPUS_BITRATE_BPS).map_err(|e| e.to_string())?;
        let inbound = OpusInbound::new().map_err(|e| e.to_string())?;
        Ok::<_, String>((audio, notice, encoder, inbound))
    };
    let (mut audio, mut encoder, mut inbound) = match setup.await {
        Ok((audio, notice, encoder, inbound)) => {
            if let Some(notice) = notice {
                let _ = notices.send(notice);
            }
            (audio, encoder, inbound)
        }
        Err(e) => {
            let _ = notices.send(MediaNotice::Closed(e));
            return;
        }
    };
    let mut clock = FrameClock::new(Instant::now());
    let mut mic = vec![0i16; ROOM_FRAME_SAMPLES];
    let mut speaker = Vec::with_capacity(ROOM_FRAME_SAMPLES);
    let mut connected = false;
    let mut heard = false;
    let mut muted = options.start_muted;
    let reason = 'call: loop {
        tokio::select! {
            _ = &mut stop => break "hung up".to_string(),
            ev = link.events.recv() => {
                if let Some(closed) = take_in(ev, &mut connected, &mut inbound, &notices) {
                    break closed;
                }
            }
            Some(control) = controls.recv() => match control {
                MediaControl::Mute(m) => muted = m,
                MediaControl::Volume(v) => audio.set_volume(v),
                MediaControl::SwitchDevice(d) => {
                    if let Err(e) = audio.choose(d, Instant::now()).await {
                        let _ = notices.send(MediaNotice::DeviceFellBack(format!(
                            "could not switch devices, staying on {}: {e}",
                            audio.device.describe()
                        )));
                    }
                }
            },
            _ = tokio::time::sleep_until(clock.next_due().into()) => {
                let now = Instant::now();
                match audio.recover(now).await {
                    Ok(None) => {}
                    Ok(Some(notice)) => {
                        let _ = notices.send(notice);
                    }
                    Err(e) => break e,
                }
                if let Some(notice) = audio.retry_microphone(now).await {
                    let _ = notices.send(notice);
                }
                // Woken late, the frames missed are made up now (the device queues hold them),
                // after the packets that came meanwhile: played first, they would be concealed.
                while let Ok(ev) = link.events.try_recv() {
                    if let Some(closed) = take_in(Some(ev), &mut connected, &mut inbound, &notices) {
                        break 'call closed;
                    }
                }
                for _ in 0..clock.due(now) {
                    audio.read_microphone(&mut mic);
                    if muted {
                        mic.fill(0);
                    }
                    if connected && let Ok(packet) = encoder.encode(&mic) {
                        let _ = link.send.send(packet.to_vec());
                    }
                    let source = inbound.pop_frame(Instant::now(), &mut speaker);
                    audio.play(&mut speaker);
                    if source == FrameSource::Decoded && !heard {
                        heard = true;
                        let _ = notices.send(MediaNotice::FirstAudio);
                    }
                }
            }
        }
    };
    let _ = notices.send(MediaNotice::Closed(reason));
}

/// Takes in one event of the call's media link (`None`: its task ended); the reason when the
/// link is closed.
fn take_in(
    event: Option<PeerEvent>,
    connected: &mut bool,
    inbound: &mut OpusInbound,
    notices: &mpsc::UnboundedSender<MediaNotice>,
) -> Option<String> {
    match event {
        Some(PeerEvent::Connected) => {
            *connected = true;
            let _ = notices.send(MediaNotice::Connected);
            None
        }
        Some(PeerEvent::Audio(a)) => {
            inbound.push(Instant::now(), a.sequence, a.timestamp, a.payload);
            None
        }
        Some(PeerEvent::Closed(r)) => Some(r),
        None => Some("media task ended".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::Playback;
    use std::sync::Mutex;

    /// A device at the `AudioDevice` boundary whose microphone or speaker can be made to
    /// fail, standing in for a headset that is unplugged (cpal reports `DeviceNotAvailable`
    /// the same way): a gone side fails its stream and will not open again.
    struct Unpluggable {
        name: &'static str,
        mic_gone: Arc<Mutex<bool>>,
        speaker_gone: Arc<Mutex<bool>>,
        fallback: Option<Arc<dyn AudioDevice>>,
        opens: Arc<Mutex<u32>>,
        /// The microphone it captures from (its name unless a test shares one).
        microphone: &'static str,
    }

    struct Side(Arc<Mutex<bool>>, &'static str);

    impl Side {
        fn failure(&self) -> Option<String> {
            (*self.0.lock().unwrap()).then(|| format!("{} disconnected", self.1))
        }
    }

    impl Capture for Side {
        fn read(&mut self, out: &mut [i16]) {
            out.fill(1_000);
        }
        fn failure(&self) -> Option<String> {
            Side::failure(self)
        }
    }

    impl Playback for Side {
        fn write(&mut self, _: &[i16]) {}
        fn failure(&self) -> Option<String> {
            Side::failure(self)
        }
    }

    fn gone(flag: &Arc<Mutex<bool>>, what: &str) -> Result<(), AudioError> {
        match *flag.lock().unwrap() {
            true => Err(AudioError::Device(format!("no {what}"))),
            false => Ok(()),
        }
    }

    impl AudioDevice for Unpluggable {
        fn open(&self) -> Result<AudioStreams, AudioError> {
            *self.opens.lock().unwrap() += 1;
            Ok(AudioStreams {
                capture: self.open_capture()?,
                playback: self.open_playback()?,
            })
        }
        fn open_capture(&self) -> Result<Box<dyn Capture>, AudioError> {
            gone(&self.mic_gone, "microphone")?;
            Ok(Box::new(Side(self.mic_gone.clone(), "microphone")))
        }
        fn open_playback(&self) -> Result<Box<dyn Playback>, AudioError> {
            gone(&self.speaker_gone, "speaker")?;
            Ok(Box::new(Side(self.speaker_gone.clone(), "speaker")))
        }
        fn fallback(&self, _: AudioSide) -> Option<Arc<dyn AudioDevice>> {
            self.fallback.clone()
        }
        fn describe(&self) -> String {
            self.name.into()
        }
        fn microphone(&self) -> Option<String> {
            Some(self.microphone.into())
        }
    }

    /// A device, and the switches that unplug its microphone and its speaker.
    fn device(
        name: &'static str,
        fallback: Option<Arc<dyn AudioDevice>>,
    ) -> (Arc<Unpluggable>, Arc<Mutex<bool>>, Arc<Mutex<bool>>) {
        let (mic_gone, speaker_gone) = (Arc::default(), Arc::default());
        let d = Arc::new(Unpluggable {
            name,
            mic_gone: Arc::clone(&mic_gone),
            speaker_gone: Arc::clone(&speaker_gone),
            fallback,
            opens: Arc::default(),
            microphone: name,
        });
        (d, mic_gone, speaker_gone)
    }

    async fn opened(device: Arc<Unpluggable>) -> (CallAudio, Option<MediaNotice>) {
        CallAudio::open(device, VoiceProcessing::OFF, CallVolume::default())
            .await
            .unwrap()
    }

    /// [`CallAudio::retry_microphone`] at `now`, and again once a reopen it started is done
    /// (as the next ticks would).
    async fn tick_retry(audio: &mut CallAudio, now: Instant) -> Option<MediaNotice> {
        let first = audio.retry_microphone(now).await;
        let deadline = Instant::now() + Duration::from_secs(5);
        while audio.reopening.as_ref().is_some_and(|r| !r.is_finished()) {
            assert!(Instant::now() < deadline, "the reopen never finished");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        match audio.reopening {
            Some(_) => audio.retry_microphone(now).await,
            None => first,
        }
    }

    /// What the call's microphone sends now: the device's (1,000) or comfort noise.
    fn sending(audio: &mut CallAudio) -> i16 {
        let mut frame = [0_i16; 960];
        audio.streams.capture.read(&mut frame);
        frame.iter().map(|s| s.abs()).max().unwrap()
    }

    #[tokio::test]
    async fn an_unplugged_device_moves_the_call_to_the_default_once() {
        let (default, _, _) = device("default", None);
        let (headset, unplug, _) = device("USB headset", Some(default.clone()));
        let (mut audio, notice) = opened(headset).await;
        assert_eq!(notice, None);
        let now = Instant::now();
        assert_eq!(audio.recover(now).await, Ok(None), "healthy: nothing to do");
        *unplug.lock().unwrap() = true;
        let Some(MediaNotice::DeviceFellBack(notice)) = audio.recover(now).await.unwrap() else {
            panic!("no fallback notice");
        };
        assert!(notice.contains("USB headset"), "{notice}");
        assert!(notice.contains("now using default"), "{notice}");
        assert_eq!(audio.device.describe(), "default");
        assert_eq!(*default.opens.lock().unwrap(), 1);
        assert_eq!(audio.recover(now).await, Ok(None), "the default is healthy");
    }

    #[tokio::test]
    async fn a_failed_or_changed_speaker_moves_alone_and_the_microphone_stream_goes_on() {
        let (default, _, _) = device("default", None);
        let (headset, _, speaker_gone) = device("USB headset", Some(default.clone()));
        let (mut audio, _) = opened(headset).await;
        *speaker_gone.lock().unwrap() = true;
        let Some(MediaNotice::DeviceFellBack(_)) = audio.recover(Instant::now()).await.unwrap()
        else {
            panic!("no fallback notice");
        };
        assert_eq!(audio.device.describe(), "default");
        assert_eq!(
            *default.opens.lock().unwrap(),
            0,
            "the microphone was opened again"
        );
        // Chosen in the settings: the same microphone with another speaker.
        let other_speaker = Arc::new(Unpluggable {
            name: "default mic / speaker B",
            mic_gone: Arc::default(),
            speaker_gone: Arc::default(),
            fallback: None,
            opens: Arc::default(),
            microphone: "default",
        });
        audio
            .choose(other_speaker.clone(), Instant::now())
            .await
            .unwrap();
        assert_eq!(audio.device.describe(), "default mic / speaker B");
        assert_eq!(
            *other_speaker.opens.lock().unwrap(),
            0,
            "the microphone was opened again"
        );
        assert_eq!(sending(&mut audio), 1_000, "the microphone goes on");
    }

    #[tokio::test]
    async fn a_dead_microphone_keeps_the_call_sends_comfort_noise_and_comes_back() {
        let (default, unplug, _) = device("default", None);
        let (mut audio, _) = opened(default).await;
        let t0 = Instant::now();
        *unplug.lock().unwrap() = true;
        let Some(MediaNotice::MicrophoneLost(why)) = audio.recover(t0).await.unwrap() else {
            panic!("the loss is not told");
        };
        assert!(why.contains("microphone disconnected"), "{why}");
        let noise = sending(&mut audio);
        assert!(
            (1..100).contains(&noise),
            "comfort noise, not the microphone: {noise}"
        );
        assert_eq!(audio.recover(t0).await, Ok(None), "the noise never fails");
        // Tried again after its rest, while still unplugged: still lost, and not told twice.
        assert_eq!(tick_retry(&mut audio, t0).await, None);
        let retry = t0 + MICROPHONE_RETRY;
        assert_eq!(tick_retry(&mut audio, retry).await, None);
        assert!(matches!(audio.microphone, Microphone::Lost { retry_at } if retry_at > retry));
        // Plugged back: reopened, on trial, then back.
        *unplug.lock().unwrap() = false;
        let retry = retry + MICROPHONE_RETRY;
        assert_eq!(tick_retry(&mut audio, retry).await, None, "on trial");
        assert_eq!(sending(&mut audio), 1_000, "the microphone again");
        // Failing its trial is the same loss: not told again.
        *unplug.lock().unwrap() = true;
        assert_eq!(audio.recover(retry).await, Ok(None));
        *unplug.lock().unwrap() = false;
        let retry = retry + MICROPHONE_RETRY;
        assert_eq!(tick_retry(&mut audio, retry).await, None);
        assert_eq!(audio.recover(retry).await, Ok(None));
        assert_eq!(
            tick_retry(&mut audio, retry + MICROPHONE_TRIAL).await,
            Some(MediaNotice::MicrophoneBack)
        );
        assert_eq!(audio.microphone, Microphone::Live);
    }

    #[tokio::test]
    async fn a_microphone_chosen_while_lost_is_on_trial_then_back() {
        let (default, unplug, _) = device("default", None);
        let (headset, _, _) = device("USB headset", None);
        let (mut audio, _) = opened(default).await;
        let t0 = Instant::now();
        *unplug.lock().unwrap() = true;
        assert!(matches!(
            audio.recover(t0).await,
            Ok(Some(MediaNotice::MicrophoneLost(_)))
        ));
        audio.choose(headset, t0).await.unwrap();
        assert_eq!(sending(&mut audio), 1_000, "the chosen microphone");
        assert_eq!(audio.retry_microphone(t0).await, None, "on trial");
        assert_eq!(
            audio.retry_microphone(t0 + MICROPHONE_TRIAL).await,
            Some(MediaNotice::MicrophoneBack),
            "the warning goes"
        );
    }

    #[tokio::test]
    async fn without_a_microphone_a_failed_speaker_still_falls_back() {
        let (default, _, _) = device("default", None);
        let (headset, mic, speaker) = device("USB headset", Some(default.clone()));
        *mic.lock().unwrap() = true;
        let (mut audio, notice) = opened(headset).await;
        assert!(matches!(notice, Some(MediaNotice::MicrophoneLost(_))));
        let now = Instant::now();
        *speaker.lock().unwrap() = true;
        assert!(
            matches!(
                audio.recover(now).await,
                Ok(Some(MediaNotice::DeviceFellBack(_)))
            ),
            "the call goes on, on the default speaker"
        );
        assert_eq!(audio.device.describe(), "default");
        assert!(sending(&mut audio) < 100, "still comfort noise");
        assert_eq!(audio.recover(now).await, Ok(None));
        // A chosen device whose microphone is dead too: its speaker, still without one.
        let (other, other_mic, _) = device("Other headset", None);
        *other_mic.lock().unwrap() = true;
        audio.choose(other, now).await.unwrap();
        assert_eq!(audio.device.describe(), "Other headset");
        assert!(sending(&mut audio) < 100, "still comfort noise");
    }

    #[tokio::test]
    async fn a_machine_without_a_microphone_takes_the_call_on_its_speaker() {
        let (default, unplug, _) = device("default", None);
        *unplug.lock().unwrap() = true;
        let (mut audio, notice) = opened(default).await;
        assert!(
            matches!(&notice, Some(MediaNotice::MicrophoneLost(why)) if why.contains("no microphone")),
            "{notice:?}"
        );
        assert!(sending(&mut audio) < 100, "comfort noise");
    }

    #[tokio::test]
    async fn a_failing_default_speaker_ends_the_media_with_the_reason() {
        let (default, _, speaker) = device("default", None);
        let (mut audio, _) = opened(default.clone()).await;
        *speaker.lock().unwrap() = true;
        let err = audio.recover(Instant::now()).await.unwrap_err();
        assert!(err.contains("speaker disconnected"), "{err}");
        *speaker.lock().unwrap() = true;
        assert!(
            CallAudio::open(default, VoiceProcessing::OFF, CallVolume::default())
                .await
                .is_err(),
            "nothing to hear with"
        );
    }
}
