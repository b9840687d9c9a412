//! The cost of each [`MixBand`] on phone speech, and the audio it makes, for
//! `bench/opus_bands.py` to score with PESQ. Reads `{lang}.8k.raw` (s16le, 8 kHz) from
//! `RINGDESK_SPEECH_DIR`, passes it through G.711 A-law as a phone customer arrives, up to
//! 48 kHz, through the encoder at each band and back down to 8 kHz; writes `{lang}.ref.raw`
//! (G.711 alone) and `{lang}.{band}.raw`, and prints µs per encoded frame.

// A benchmark measures wall time; the library itself never reads the clock.
#![allow(clippy::disallowed_methods, missing_docs)]

use std::path::Path;
use std::time::Instant;

use ringdesk_media::g711::G711Law;
use ringdesk_media::opus_codec::{MixBand, OpusDecoder, OpusEncoder};
use ringdesk_media::resample::Resampler;

fn read_raw(path: &Path) -> Vec<i16> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    bytes
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect()
}

fn write_raw(path: &Path, samples: &[i16]) {
    let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn main() {
    let Ok(dir) = std::env::var("RINGDESK_SPEECH_DIR") else {
        println!("opus_bands: set RINGDESK_SPEECH_DIR (bench/opus_bands.py does)");
        return;
    };
    let dir = Path::new(&dir);
    for lang in ["ko", "en"] {
        let speech = read_raw(&dir.join(format!("{lang}.8k.raw")));
        let mut alaw = Vec::new();
        G711Law::A.encode_frame(&speech, &mut alaw);
        let mut phone = Vec::new();
        G711Law::A.decode_frame(&alaw, &mut phone);
        write_raw(&dir.join(format!("{lang}.ref.raw")), &phone);
        let mut wide = Vec::new();
        Resampler::new(8_000, 48_000).process(&phone, &mut wide);
        let frames: Vec<&[i16]> = wide.chunks_exact(960).collect();
        for (band, name) in [(MixBand::Phone, "phone"), (MixBand::Full, "full")] {
            const ROUNDS: u32 = 5;
            let mut spent = std::time::Duration::ZERO;
            let mut heard = Vec::new();
            for round in 0..ROUNDS {
                let mut enc = OpusEncoder::new(32_000).expect("encoder");
                enc.set_band(band).expect("band");
                let mut dec = OpusDecoder::new().expect("decoder");
                let mut frame = Vec::new();
                for f in &frames {
                    let start = Instant::now();
                    let packet = enc.encode(f).expect("encode").to_vec();
                    spent += start.elapsed();
                    if round == 0 {
                        dec.decode(&packet, &mut frame).expect("decode");
                        heard.extend_from_slice(&frame);
                    }
                }
            }
            let mut narrow = Vec::new();
            Resampler::new(48_000, 8_000).process(&heard, &mut narrow);
            write_raw(&dir.join(format!("{lang}.{name}.raw")), &narrow);
            let per = spent.as_secs_f64() * 1e6 / f64::from(ROUNDS) / frames.len() as f64;
            println!("encode {lang} {name} {per:.1} us/frame");
        }
    }
}
