//! Test signals: tone WAVs, tone pcaps for sipp, and tone detection in recordings.

use std::path::Path;

use ringdesk_media::g711::G711Law;
use ringdesk_media::rtp::RtpPacket;
use ringdesk_media::tone::{sine, tone_energy_ratio};

/// Two tone frequencies for one run, picked at random, at least 300 Hz apart and clear of
/// the 440/480 Hz ringback.
pub fn random_tone_pair() -> (f64, f64) {
    loop {
        let a = 600.0 + 10.0 * f64::from(rand::random::<u32>() % 120);
        let b = 600.0 + 10.0 * f64::from(rand::random::<u32>() % 120);
        if (a - b).abs() >= 300.0 {
            return (a, b);
        }
    }
}

/// Writes `seconds` of a sine at `freq_hz` as 16-bit mono PCM.
pub fn write_tone_wav(path: &Path, rate_hz: u32, freq_hz: f64, seconds: f64) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate_hz,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).expect("create wav");
    for s in sine(
        rate_hz,
        freq_hz,
        8_000.0,
        (f64::from(rate_hz) * seconds) as usize,
    ) {
        w.write_sample(s).expect("write sample");
    }
    w.finalize().expect("finalize wav");
}

/// Reads a 16-bit WAV's first channel and its rate.
pub fn read_wav(path: &Path) -> (Vec<i16>, u32) {
    let mut r =
        hound::WavReader::open(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let spec = r.spec();
    let ch = usize::from(spec.channels);
    let samples: Vec<i16> = r
        .samples::<i16>()
        .step_by(ch)
        .map(|s| s.expect("sample"))
        .collect();
    (samples, spec.sample_rate)
}

/// The best tone-energy ratio at `freq_hz` over 250 ms windows of a recording: ≈1 when a
/// clean tone at that frequency is in it somewhere, ≈0 when not.
pub fn best_tone_ratio(samples: &[i16], rate_hz: u32, freq_hz: f64) -> f64 {
    let window = rate_hz as usize / 4;
    samples
        .chunks(window)
        .filter(|w| w.len() == window)
        .map(|w| tone_energy_ratio(w, rate_hz, freq_hz))
        .fold(0.0, f64::max)
}

/// Writes a pcap of RTP/PCMA packets (20 ms each) carrying a tone, for sipp's
/// `play_pcap_audio`.
pub fn write_tone_pcap(path: &Path, freq_hz: f64, seconds: f64) {
    write_pcap(
        path,
        &sine(8_000, freq_hz, 8_000.0, (8_000.0 * seconds) as usize),
    );
}

/// A key pressed as tones in the audio (DTMF in-band): `lead_s` of a quiet 300 Hz hum, the
/// key's two tones for 120 ms, then `tail_s` of a `tail_hz` tone (the caller talking) — as a
/// pcap for sipp.
pub fn write_inband_key_pcap(path: &Path, lead_s: f64, key: char, tail_s: f64, tail_hz: f64) {
    let (low, high) = match key {
        '1' => (697.0, 1209.0),
        '2' => (697.0, 1336.0),
        '3' => (697.0, 1477.0),
        other => panic!("no tones written for key {other}"),
    };
    let hum = |seconds: f64| sine(8_000, 300.0, 500.0, (8_000.0 * seconds) as usize);
    let mut samples = hum(lead_s);
    let n = 960;
    let (a, b) = (sine(8_000, low, 6_000.0, n), sine(8_000, high, 6_000.0, n));
    samples.extend(a.iter().zip(&b).map(|(x, y)| x.saturating_add(*y)));
    samples.extend(sine(8_000, tail_hz, 8_000.0, (8_000.0 * tail_s) as usize));
    write_pcap(path, &samples);
}

/// Writes 8 kHz `samples` as a pcap of RTP/PCMA packets (20 ms each), for sipp's
/// `play_pcap_audio`. Ethernet/IPv4/UDP framing as libpcap writes it; sipp rewrites addresses.
pub fn write_pcap(path: &Path, samples: &[i16]) {
    let mut out = Vec::new();
    // Global header: magic, v2.4, tz 0, sigfigs 0, snaplen 65535, linktype 1 (Ethernet).
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&65_535u32.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    for (i, frame) in samples.chunks(160).enumerate() {
        let mut payload = Vec::new();
        G711Law::A.encode_frame(frame, &mut payload);
        let mut rtp = Vec::new();
        RtpPacket {
            marker: i == 0,
            payload_type: 8,
            sequence: i as u16,
            timestamp: (i * 160) as u32,
            ssrc: 0x5EED,
            payload: &payload,
        }
        .write(&mut rtp);
        let udp_len = 8 + rtp.len();
        let ip_len = 20 + udp_len;
        let mut pkt = Vec::new();
        pkt.extend_from_slice(&[0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0x08, 0x00]);
        pkt.extend_from_slice(&[
            0x45,
            0,
            (ip_len >> 8) as u8,
            ip_len as u8,
            0,
            0,
            0x40,
            0,
            64,
            17,
            0,
            0,
            127,
            0,
            0,
            1,
            127,
            0,
            0,
            1,
        ]);
        pkt.extend_from_slice(&6000u16.to_be_bytes());
        pkt.extend_from_slice(&6002u16.to_be_bytes());
        pkt.extend_from_slice(&(udp_len as u16).to_be_bytes());
        pkt.extend_from_slice(&[0, 0]);
        pkt.extend_from_slice(&rtp);
        let usec = i as u64 * 20_000;
        out.extend_from_slice(&((usec / 1_000_000) as u32).to_le_bytes());
        out.extend_from_slice(&((usec % 1_000_000) as u32).to_le_bytes());
        out.extend_from_slice(&(pkt.len() as u32).to_le_bytes());
        out.extend_from_slice(&(pkt.len() as u32).to_le_bytes());
        out.extend_from_slice(&pkt);
    }
    std::fs::write(path, out).expect("write pcap");
}

/// The frequencies of the built-in hold music (`assets/hold-music.wav`): each note (C, E, G,
/// A, F, G, B, D) with its octave.
pub const HOLD_MUSIC_HZ: [f64; 16] = [
    523.25, 659.25, 783.99, 440.0, 349.23, 392.0, 493.88, 587.33, 1046.5, 1318.51, 1567.98, 880.0,
    698.46, 784.0, 987.77, 1174.66,
];

/// `path` once the agent's recorder has finalized it: it rewrites the WAV header once a
/// second and finalizes the file when the call's media stops, a moment after `callEnded` is
/// printed, so this waits until the file stops changing. A file still changing (or empty)
/// after 5 s fails the test: a half-written recording would be judged wrongly.
pub fn settled_wav(path: &Path) -> &Path {
    let size = || std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut last = size();
    loop {
        std::thread::sleep(std::time::Duration::from_millis(300));
        let now = size();
        if now == last && now > 44 {
            return path;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{} was still being written ({now} bytes) 5 s after the call ended",
            path.display()
        );
        last = now;
    }
}

/// Decodes an MP3 file whole: its interleaved 16-bit samples, rate and channels. The encoder's
/// delay and padding (its Info frame) are trimmed, so sample 0 is the recording's start.
pub fn decode_mp3(bytes: Vec<u8>) -> (Vec<i16>, u32, usize) {
    use symphonia::core::audio::SampleBuffer;
    use symphonia::core::codecs::DecoderOptions;
    use symphonia::core::errors::Error;
    use symphonia::core::formats::FormatOptions;
    use symphonia::core::io::MediaSourceStream;
    use symphonia::core::meta::MetadataOptions;
    use symphonia::core::probe::Hint;

    let source = MediaSourceStream::new(Box::new(std::io::Cursor::new(bytes)), Default::default());
    let mut hint = Hint::new();
    hint.with_extension("mp3");
    let options = FormatOptions {
        enable_gapless: true,
        ..Default::default()
    };
    let mut format = symphonia::default::get_probe()
        .format(&hint, source, &options, &MetadataOptions::default())
        .expect("an MP3 stream")
        .format;
    let track = format.default_track().expect("an audio track").clone();
    let mut decoder = symphonia::default::get_codecs()
        .make(&track.codec_params, &DecoderOptions::default())
        .expect("an MP3 decoder");
    let rate = track.codec_params.sample_rate.expect("a sample rate");
    let channels = track.codec_params.channels.expect("channels").count();
    let mut samples = Vec::new();
    loop {
        let packet = match format.next_packet() {
            Ok(p) => p,
            Err(Error::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => panic!("reading the MP3: {e}"),
        };
        let decoded = decoder.decode(&packet).expect("an MP3 frame decodes");
        let mut buf = SampleBuffer::<i16>::new(decoded.capacity() as u64, *decoded.spec());
        buf.copy_interleaved_ref(decoded);
        samples.extend_from_slice(buf.samples());
    }
    (samples, rate, channels)
}
