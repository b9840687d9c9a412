//! Per-frame cost of the media pieces a call runs every 20 ms, printed as ns per frame.
//! `cargo bench -p ringdesk-media` (figures recorded in BENCHMARKS.md).

// A benchmark measures wall time; the library itself never reads the clock.
#![allow(clippy::disallowed_methods, missing_docs)]

use std::hint::black_box;
use std::time::Instant;

use ringdesk_media::g711::G711Law;
use ringdesk_media::mixer::{LegPlace, RoomMixer, mix_minus_one};
use ringdesk_media::opus_codec::{OpusDecoder, OpusEncoder};
use ringdesk_media::resample::Resampler;
use ringdesk_media::tone::sine;

fn measure(name: &str, frames: u32, mut f: impl FnMut(u32)) {
    for i in 0..frames / 10 {
        f(i); // warm up
    }
    let start = Instant::now();
    for i in 0..frames {
        f(i);
    }
    let per = start.elapsed().as_nanos() as f64 / f64::from(frames);
    println!(
        "{name:<40} {per:>10.0} ns/frame  ({:.3} % of a 20 ms frame)",
        per / 200_000.0
    );
}

fn main() {
    let wide = sine(48_000, 440.0, 8_000.0, 48_000 * 10);
    let narrow = sine(8_000, 440.0, 8_000.0, 8_000 * 10);
    let frames_wide: Vec<&[i16]> = wide.chunks(960).collect();
    let frames_narrow: Vec<&[i16]> = narrow.chunks(160).collect();
    let n = frames_wide.len();

    let mut out = Vec::with_capacity(160);
    measure("G.711 A-law encode (160 samples)", 20_000, |i| {
        out.clear();
        G711Law::A.encode_frame(frames_narrow[i as usize % n], &mut out);
        black_box(&out);
    });
    let encoded: Vec<Vec<u8>> = frames_narrow
        .iter()
        .map(|f| {
            let mut v = Vec::new();
            G711Law::A.encode_frame(f, &mut v);
            v
        })
        .collect();
    let mut pcm = Vec::with_capacity(160);
    measure("G.711 A-law decode (160 samples)", 20_000, |i| {
        pcm.clear();
        G711Law::A.decode_frame(&encoded[i as usize % n], &mut pcm);
        black_box(&pcm);
    });
    // The trunk's two ways and each recording channel's.
    for (from, to, frames) in [
        (8_000, 48_000, &frames_narrow),
        (48_000, 8_000, &frames_wide),
        (48_000, 16_000, &frames_wide),
    ] {
        let mut resampler = Resampler::new(from, to);
        let (len_in, len_out) = (from as usize / 50, to as usize / 50);
        let name = format!(
            "resample {} kHz → {} kHz ({len_in} → {len_out})",
            from / 1000,
            to / 1000
        );
        let mut out = Vec::with_capacity(len_out);
        measure(&name, 20_000, |i| {
            out.clear();
            resampler.process(frames[i as usize % n], &mut out);
            black_box(&out);
        });
    }
    let mut enc = OpusEncoder::new(32_000).expect("encoder");
    measure("Opus encode 32 kb/s + FEC (960 samples)", 2_000, |i| {
        black_box(
            enc.encode(frames_wide[i as usize % n])
                .expect("encode")
                .len(),
        );
    });
    let mut enc2 = OpusEncoder::new(32_000).expect("encoder");
    let packets: Vec<Vec<u8>> = frames_wide
        .iter()
        .map(|f| enc2.encode(f).expect("encode").to_vec())
        .collect();
    let mut dec = OpusDecoder::new().expect("decoder");
    let mut dec_out = Vec::new();
    measure("Opus decode (960 samples)", 5_000, |i| {
        dec.decode(&packets[i as usize % n], &mut dec_out)
            .expect("decode");
        black_box(&dec_out);
    });
    let mut mixes = Vec::new();
    measure("mix-minus-one, 2 legs (960 samples)", 20_000, |i| {
        let a = frames_wide[i as usize % n];
        let b = frames_wide[(i as usize + 7) % n];
        mix_minus_one(&[a, b], &mut mixes);
        black_box(&mixes);
    });
    measure("mix-minus-one, 10 legs (960 samples)", 5_000, |i| {
        let legs: Vec<&[i16]> = (0..10).map(|k| frames_wide[(i as usize + k) % n]).collect();
        mix_minus_one(&legs, &mut mixes);
        black_box(&mixes);
    });
    // The room mixer, per room size, with and without a held
    // customer: what the call-control issue asks for.
    let mut mixer = RoomMixer::default();
    let music = frames_wide[3];
    for legs in [2usize, 3, 10] {
        for held in [false, true] {
            let name = format!(
                "room mix, {legs} legs{} (960)",
                if held { ", on hold" } else { "" }
            );
            measure(&name, 5_000, |i| {
                let inputs: Vec<&[i16]> = (0..legs)
                    .map(|k| frames_wide[(i as usize + k) % n])
                    .collect();
                let customer = if held {
                    LegPlace::Music
                } else {
                    LegPlace::Line(1)
                };
                mixer.mix(&inputs, &[customer], music, &mut mixes);
                black_box(&mixes);
            });
        }
    }
    // A call's recording: each frame's customer and manager voices summed per side, at
    // 16 kHz stereo (what the room does per recorded call besides mixing).
    let mut tap = ringdesk_media::recording::StereoTap::new();
    let mut recorded = Vec::new();
    measure("recording tap, 1 customer + 1 manager (960)", 5_000, |i| {
        recorded.clear();
        let customer = frames_wide[i as usize % n];
        let manager = frames_wide[(i as usize + 3) % n];
        tap.push(&[customer], &[manager], false, &mut recorded);
        black_box(&recorded);
    });
}
