//! ringdesk-mp3: call recordings become MP3 files, the format every player and every
//! customer-service tool opens.
//!
//! Contract: [`Mp3Encoder`] takes interleaved 16-bit PCM and gives MP3 bytes; nothing here
//! reads or writes files. It wraps the system's LAME (`libmp3lame`, LGPL, linked dynamically
//! so it can be replaced) through the few C calls an encoder needs; every `unsafe` is in
//! `ffi.rs`, with the reason it is sound beside it.

mod ffi;

/// Why encoding failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Mp3Error {
    /// LAME refused the settings (e.g. a bitrate the sample rate has no MPEG version for).
    #[error("the MP3 encoder refused its settings (code {0})")]
    Settings(i32),
    /// MP3 has no such bitrate at that sample rate (MPEG-2 at 16 kHz goes up to 160 kbit/s).
    #[error("MP3 has no {kbps} kbit/s at {rate_hz} Hz")]
    Unsupported {
        /// Asked bitrate.
        kbps: u32,
        /// Asked rate.
        rate_hz: u32,
    },
    /// LAME could not allocate its state.
    #[error("the MP3 encoder could not start")]
    NoEncoder,
    /// LAME failed while encoding (code as LAME gives it).
    #[error("MP3 encoding failed (code {0})")]
    Encode(i32),
    /// The samples do not split into whole frames of the channels.
    #[error("{samples} samples do not divide into {channels} channels")]
    Interleave {
        /// Samples handed in.
        samples: usize,
        /// Channels the encoder was made for.
        channels: u16,
    },
}

/// Settings of an encoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mp3Settings {
    /// Input (and output) sample rate.
    pub rate_hz: u32,
    /// 1 or 2; stereo keeps its channels apart (no joint-stereo mixing of two speakers).
    pub channels: u16,
    /// Constant bitrate, kbit/s.
    pub kbps: u32,
}

/// An MP3 encoder; feed it with [`Mp3Encoder::encode`], end it with [`Mp3Encoder::finish`].
pub struct Mp3Encoder {
    lame: ffi::Lame,
    channels: u16,
    out: Vec<u8>,
}

impl std::fmt::Debug for Mp3Encoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mp3Encoder")
            .field("channels", &self.channels)
            .finish()
    }
}

impl Mp3Encoder {
    /// An encoder with these settings (constant bitrate, LAME's quality 5: a good speed for
    /// speech).
    pub fn new(settings: Mp3Settings) -> Result<Mp3Encoder, Mp3Error> {
        let lame = ffi::Lame::new(settings)?;
        Ok(Mp3Encoder {
            lame,
            channels: settings.channels,
            out: Vec::new(),
        })
    }

    /// Encodes interleaved samples; returns the MP3 bytes they completed (LAME keeps up to a
    /// frame and its look-ahead back until later calls or [`Mp3Encoder::finish`]).
    pub fn encode(&mut self, interleaved: &[i16]) -> Result<&[u8], Mp3Error> {
        let channels = usize::from(self.channels);
        if !interleaved.len().is_multiple_of(channels) {
            return Err(Mp3Error::Interleave {
                samples: interleaved.len(),
                channels: self.channels,
            });
        }
        self.lame.encode(interleaved, channels, &mut self.out)?;
        Ok(&self.out)
    }

    /// Ends the stream: its last bytes, and the Info frame that goes over its first frame.
    pub fn finish(mut self) -> Result<Mp3End, Mp3Error> {
        let info_frame = self.lame.flush(&mut self.out)?;
        Ok(Mp3End {
            tail: self.out,
            info_frame,
        })
    }
}

/// The end of an MP3 stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mp3End {
    /// The last bytes: append them.
    pub tail: Vec<u8>,
    /// The Info (LAME) frame: write it over the stream's first bytes, where the encoder left
    /// a placeholder of the same size. It tells decoders the encoder's delay and padding, so
    /// the decoded audio starts when the recording did. Empty when LAME made none.
    pub info_frame: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stereo_tones(seconds: usize) -> Vec<i16> {
        (0..16_000 * seconds)
            .flat_map(|i| {
                let t = i as f64 / 16_000.0;
                let l = 8_000.0 * (2.0 * std::f64::consts::PI * 440.0 * t).sin();
                let r = 8_000.0 * (2.0 * std::f64::consts::PI * 1_000.0 * t).sin();
                [l as i16, r as i16]
            })
            .collect()
    }

    fn settings() -> Mp3Settings {
        Mp3Settings {
            rate_hz: 16_000,
            channels: 2,
            kbps: 48,
        }
    }

    #[test]
    fn pcm_becomes_mpeg_frames_at_the_bitrate() {
        let mut enc = Mp3Encoder::new(settings()).unwrap();
        let mut mp3 = Vec::new();
        for chunk in stereo_tones(10).chunks(32_000) {
            mp3.extend_from_slice(enc.encode(chunk).unwrap());
        }
        let end = enc.finish().unwrap();
        mp3.extend(end.tail);
        assert!(!end.info_frame.is_empty());
        assert_eq!(
            &mp3[..4],
            &end.info_frame[..4],
            "the placeholder has the tag's header"
        );
        mp3[..end.info_frame.len()].copy_from_slice(&end.info_frame);
        assert!(
            mp3.windows(4).take(200).any(|w| w == b"Info"),
            "a CBR Info tag"
        );
        // MPEG-2 layer III frame sync: 0xFFF then version bits 10, layer 01.
        assert_eq!(mp3[0], 0xFF);
        assert_eq!(mp3[1] & 0xFE, 0xF2, "MPEG-2 layer III at 16 kHz");
        // 48 kbit/s for 10 s: 60 kB, give or take a frame of padding.
        assert!((58_000..63_000).contains(&mp3.len()), "{} bytes", mp3.len());
    }

    #[test]
    fn half_a_stereo_frame_is_refused() {
        let mut enc = Mp3Encoder::new(settings()).unwrap();
        assert_eq!(
            enc.encode(&[1, 2, 3]).unwrap_err(),
            Mp3Error::Interleave {
                samples: 3,
                channels: 2
            }
        );
    }

    #[test]
    fn a_bitrate_the_rate_cannot_carry_is_refused() {
        let bad = Mp3Settings {
            kbps: 320,
            ..settings()
        };
        assert_eq!(
            Mp3Encoder::new(bad).unwrap_err(),
            Mp3Error::Unsupported {
                kbps: 320,
                rate_hz: 16_000
            }
        );
    }
}
