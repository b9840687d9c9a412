//! A finished recording's WAV file made an MP3, streamed a second at a time (an hour's
//! recording is 230 MB of PCM; none of it is held whole).
//!
//! 48 kbit/s constant bitrate, stereo kept apart (each side of the call is its own voice), at
//! the recording's 16 kHz (MPEG-2 layer III): about 21.6 MB an hour, and every player seeks in
//! it exactly. The file is written beside its final name and renamed when whole, so a reader
//! never meets half an MP3.

use std::fs::File;
use std::io::{BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

use ringdesk_media::recording::{RECORDING_CHANNELS, RECORDING_RATE_HZ};
use ringdesk_mp3::{Mp3Encoder, Mp3Settings};

/// The MP3's bitrate: speech on two channels, wideband.
pub const MP3_KBPS: u32 = 48;

/// Encodes `wav` into `mp3`; returns the MP3's size in bytes.
pub fn wav_to_mp3(wav: &Path, mp3: &Path) -> Result<u64, String> {
    let reader = hound::WavReader::new(BufReader::new(
        File::open(wav).map_err(|e| format!("opening {}: {e}", wav.display()))?,
    ))
    .map_err(|e| format!("reading {}: {e}", wav.display()))?;
    let spec = reader.spec();
    if spec.channels != RECORDING_CHANNELS || spec.sample_rate != RECORDING_RATE_HZ {
        return Err(format!(
            "{} is {} channels at {} Hz, not a recording",
            wav.display(),
            spec.channels,
            spec.sample_rate
        ));
    }
    let mut encoder = Mp3Encoder::new(Mp3Settings {
        rate_hz: RECORDING_RATE_HZ,
        channels: RECORDING_CHANNELS,
        kbps: MP3_KBPS,
    })
    .map_err(|e| e.to_string())?;
    let partial = mp3.with_extension("mp3.partial");
    let mut out = BufWriter::new(
        File::create(&partial).map_err(|e| format!("creating {}: {e}", partial.display()))?,
    );
    let io = |e: std::io::Error| format!("writing {}: {e}", partial.display());
    let second = (RECORDING_RATE_HZ * u32::from(RECORDING_CHANNELS)) as usize;
    let mut block = Vec::with_capacity(second);
    let mut samples = reader.into_samples::<i16>();
    loop {
        block.clear();
        for s in samples.by_ref().take(second) {
            block.push(s.map_err(|e| format!("reading {}: {e}", wav.display()))?);
        }
        if block.is_empty() {
            break;
        }
        out.write_all(encoder.encode(&block).map_err(|e| e.to_string())?)
            .map_err(io)?;
    }
    let end = encoder.finish().map_err(|e| e.to_string())?;
    out.write_all(&end.tail).map_err(io)?;
    let mut file = out.into_inner().map_err(|e| io(e.into_error()))?;
    if !end.info_frame.is_empty() {
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        file.write_all(&end.info_frame).map_err(io)?;
    }
    file.sync_all().map_err(io)?;
    let bytes = file.metadata().map_err(io)?.len();
    std::fs::rename(&partial, mp3).map_err(|e| format!("renaming {}: {e}", partial.display()))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::WavFile;

    #[test]
    fn a_recording_becomes_an_mp3_of_its_length() {
        let dir = tempfile::tempdir().unwrap();
        let (wav, mp3) = (dir.path().join("1.wav"), dir.path().join("1.mp3"));
        let mut file = WavFile::create(&wav).unwrap();
        let second: Vec<i16> = (0..16_000)
            .flat_map(|i| {
                let t = f64::from(i) / 16_000.0;
                let l = (6_000.0 * (2.0 * std::f64::consts::PI * 440.0 * t).sin()) as i16;
                [l, -l]
            })
            .collect();
        for _ in 0..5 {
            file.append(&second).unwrap();
        }
        assert_eq!(file.finish().unwrap(), 5_000);
        let bytes = wav_to_mp3(&wav, &mp3).unwrap();
        assert_eq!(bytes, std::fs::metadata(&mp3).unwrap().len());
        // 48 kbit/s × 5 s = 30 kB, give or take a frame.
        assert!((29_000..32_000).contains(&bytes), "{bytes} bytes");
        assert!(!dir.path().join("1.mp3.partial").exists());
    }

    #[test]
    fn a_file_that_is_not_a_recording_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let (wav, mp3) = (dir.path().join("mono.wav"), dir.path().join("mono.mp3"));
        std::fs::write(&wav, ringdesk_media::prompt::wav_bytes(&[0; 800], 8_000)).unwrap();
        let err = wav_to_mp3(&wav, &mp3).unwrap_err();
        assert!(err.contains("1 channels at 8000 Hz"), "{err}");
        assert!(!mp3.exists());
    }
}
