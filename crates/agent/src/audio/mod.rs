//! The `AudioDevice` boundary: where call audio meets the machine.
//!
//! Everything behind it speaks 48 kHz mono i16 in 20 ms frames; implementations convert to
//! whatever the hardware wants. Two exist: [`cpal_device::CpalDevice`] for real devices and
//! [`wav::WavDevice`] (a file as the microphone, a file recording what it hears) for tests and
//! headless use.

pub mod check;
pub mod comfort;
pub mod cpal_device;
pub mod voice;
pub mod volume;
pub mod wav;

/// Audio errors.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    /// No such device, or none at all.
    #[error("no audio device: {0}")]
    NoDevice(String),
    /// The device refused a stream.
    #[error("audio device error: {0}")]
    Device(String),
    /// A WAV file could not be read or written.
    #[error("WAV file {path}: {message}")]
    Wav {
        /// File.
        path: String,
        /// What went wrong.
        message: String,
    },
}

/// Microphone side: hands out one frame per call.
pub trait Capture: Send {
    /// Fills `out` (one 20 ms frame) with the next captured samples, zeros when none.
    fn read(&mut self, out: &mut [i16]);
    /// Why the device stopped working (e.g. unplugged), once it has; the call then moves to
    /// [`AudioDevice::fallback`].
    fn failure(&self) -> Option<String> {
        None
    }
}

/// Speaker side: takes one frame per call.
pub trait Playback: Send {
    /// Plays (or stores) one 20 ms frame.
    fn write(&mut self, frame: &[i16]);
    /// Why the device stopped working, once it has.
    fn failure(&self) -> Option<String> {
        None
    }
}

/// Open streams for one call.
pub struct AudioStreams {
    /// Microphone.
    pub capture: Box<dyn Capture>,
    /// Speaker.
    pub playback: Box<dyn Playback>,
}

/// One side of a call's audio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioSide {
    /// The capture side.
    Microphone,
    /// The playback side.
    Speaker,
}

impl AudioStreams {
    /// The first failure of either side, and which side it was.
    pub fn failure(&self) -> Option<(AudioSide, String)> {
        self.capture
            .failure()
            .map(|f| (AudioSide::Microphone, f))
            .or_else(|| self.playback.failure().map(|f| (AudioSide::Speaker, f)))
    }
}

/// A source of [`AudioStreams`]; opened at each call's start, and again when the user switches
/// devices mid-call.
pub trait AudioDevice: Send + Sync {
    /// Opens capture and playback.
    fn open(&self) -> Result<AudioStreams, AudioError>;
    /// Opens capture only: the settings' level meter, which must not hold the speaker.
    fn open_capture(&self) -> Result<Box<dyn Capture>, AudioError>;
    /// Opens playback only: the ringer, which may be another device than the call's speaker.
    fn open_playback(&self) -> Result<Box<dyn Playback>, AudioError>;
    /// What a call moves to when this device's `failed` side stops working: the same
    /// device with the system default on that side (the other side keeps working), or
    /// `None` when that side already is the default.
    fn fallback(&self, failed: AudioSide) -> Option<std::sync::Arc<dyn AudioDevice>> {
        let _ = failed;
        None
    }
    /// A short description for notifications ("USB Headset").
    fn describe(&self) -> String;
    /// Which microphone this device captures from, when it can say (`None`: unknown). A
    /// call moving to a device with the same microphone moves only its speaker, so the
    /// agent's voice goes on without a gap.
    fn microphone(&self) -> Option<String> {
        None
    }
}
