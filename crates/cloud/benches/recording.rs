//! What recording a call costs: the room's share per call (the stereo tap every 20 ms frame,
//! and the WAV file's appends every second), the MP3 encoding after the call per minute of
//! call, and the disk an hour takes. The signal is speech-like (voiced harmonics under a
//! syllable-rate envelope, with noise) on both sides. `cargo bench -p ringdesk-cloud --bench
//! recording`.

// A benchmark measures wall time.
#![allow(clippy::disallowed_methods, missing_docs)]

use std::hint::black_box;
use std::time::Instant;

use ringdesk_cloud::recording::WavFile;
use ringdesk_cloud::recording::encode::wav_to_mp3;
use ringdesk_media::recording::StereoTap;
use ringdesk_media::{ROOM_FRAME_SAMPLES, ROOM_RATE_HZ};

/// A voice at `pitch_hz`: ten harmonics, a 4 Hz syllable envelope, a little noise.
fn voice(pitch_hz: f64, n: usize, seed: u64) -> Vec<i16> {
    let mut noise = seed;
    (0..n)
        .map(|i| {
            let t = i as f64 / f64::from(ROOM_RATE_HZ);
            let envelope = (0.5 + 0.5 * (2.0 * std::f64::consts::PI * 4.0 * t).sin()).powi(2);
            let voiced: f64 = (1..=10)
                .map(|h| (2.0 * std::f64::consts::PI * pitch_hz * h as f64 * t).sin() / h as f64)
                .sum();
            noise = noise
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let hiss = ((noise >> 33) as f64 / f64::from(u32::MAX) - 0.25) * 0.1;
            (6_000.0 * (envelope * voiced + hiss)) as i16
        })
        .collect()
}

fn main() {
    let minute_frames = 60 * 1000 / 20;
    let customer = voice(120.0, ROOM_FRAME_SAMPLES * minute_frames, 1);
    let manager = voice(210.0, ROOM_FRAME_SAMPLES * minute_frames, 2);
    let dir = std::env::temp_dir().join(format!("ringdesk-bench-recording-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (wav, mp3) = (dir.join("call.wav"), dir.join("call.mp3"));

    // The room's part: a minute of frames through the tap, a block to the file every second.
    let mut tap = StereoTap::new();
    let mut block = Vec::new();
    let mut file = WavFile::create(&wav).unwrap();
    let (mut tap_time, mut write_time) = (0.0, 0.0);
    for f in 0..minute_frames {
        let range = f * ROOM_FRAME_SAMPLES..(f + 1) * ROOM_FRAME_SAMPLES;
        let started = Instant::now();
        tap.push(
            &[&customer[range.clone()]],
            &[&manager[range]],
            false,
            &mut block,
        );
        tap_time += started.elapsed().as_secs_f64();
        if (f + 1) % 50 == 0 {
            let started = Instant::now();
            file.append(black_box(&block)).unwrap();
            write_time += started.elapsed().as_secs_f64();
            block.clear();
        }
    }
    file.finish().unwrap();
    let wav_bytes = std::fs::metadata(&wav).unwrap().len();
    println!(
        "recording tap: {:.1} µs per 20 ms frame = {:.3} % of a core per recorded call",
        tap_time / minute_frames as f64 * 1e6,
        tap_time / 60.0 * 100.0
    );
    println!(
        "WAV appends: {:.0} µs per second of call ({:.3} % of a core); {:.0} MB per hour while recording",
        write_time / 60.0 * 1e6,
        write_time / 60.0 * 100.0,
        wav_bytes as f64 * 60.0 / 1e6
    );

    // After the call: the minute made an MP3 (best of three).
    let best = (0..3)
        .map(|_| {
            let started = Instant::now();
            wav_to_mp3(&wav, &mp3).unwrap();
            started.elapsed().as_secs_f64()
        })
        .fold(f64::MAX, f64::min);
    let mp3_bytes = std::fs::metadata(&mp3).unwrap().len();
    println!(
        "MP3 encode: {:.0} ms per minute of call (one core); {:.1} MB per hour kept",
        best * 1000.0,
        mp3_bytes as f64 * 60.0 / 1e6
    );
    let _ = std::fs::remove_dir_all(&dir);
}
