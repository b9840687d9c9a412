//! Voice processing on the agent's microphone: echo cancellation, noise suppression and gain
//! control (WebRTC's audio processing module, built from source by `webrtc-audio-processing`).
//!
//! An agent on speakers, or on a headset that leaks, would otherwise send the customer their
//! own voice back a few hundred milliseconds late. The canceller is given what the call really
//! plays (each frame as it goes to the speaker) as its far end, and finds the delay to the
//! microphone itself (delay-agnostic mode with the extended filter): the delay through a
//! sound server is not known, and it wanders as the two devices' clocks drift apart or the
//! call moves to another device.

use ringdesk_media::ROOM_FRAME_SAMPLES;
use ringdesk_wire::VoiceProcessing;
use webrtc_audio_processing::{
    Config, EchoCancellation, EchoCancellationSuppressionLevel, GainControl, GainControlMode,
    InitializationConfig, NUM_SAMPLES_PER_FRAME, NoiseSuppression, NoiseSuppressionLevel,
    Processor,
};

use super::AudioError;

/// Samples per processing block (10 ms at 48 kHz); a 20 ms media frame is two.
const BLOCK: usize = NUM_SAMPLES_PER_FRAME as usize;

/// The gain control's target: −3 dBFS peaks, like WebRTC's own default for voice calls.
const AGC_TARGET_DBFS: i32 = 3;
/// How much the gain control may raise a quiet microphone.
const AGC_MAX_GAIN_DB: i32 = 9;

/// One call's voice processing, for one device at a time ([`VoiceProcessor::for_new_device`]).
pub struct VoiceProcessor {
    processor: Processor,
    options: VoiceProcessing,
    block: Vec<f32>,
    /// Whether a processing error has been logged (once per processor).
    failed: bool,
}

impl VoiceProcessor {
    /// A processor running the steps `options` turns on.
    pub fn new(options: VoiceProcessing) -> Result<Self, AudioError> {
        let mut processor = Processor::new(&InitializationConfig {
            num_capture_channels: 1,
            num_render_channels: 1,
            ..InitializationConfig::default()
        })
        .map_err(|e| AudioError::Device(format!("voice processing: {e}")))?;
        processor.set_config(config(options));
        Ok(VoiceProcessor {
            processor,
            options,
            block: vec![0.0; BLOCK],
            failed: false,
        })
    }

    /// The processor for the same call on another device: a new echo path, learnt from
    /// nothing. Kept, the old one holds on to the old path's delay for seconds and then jumps,
    /// letting a second of echo through (`a_new_echo_path_mid_call_is_cancelled_within_a_second`
    /// shows the fresh one cancelling within its first second). Should a new module fail to
    /// start, the old one goes on (a clone shares its state): worse, but not silent.
    pub fn for_new_device(&self) -> VoiceProcessor {
        VoiceProcessor::new(self.options).unwrap_or_else(|_| VoiceProcessor {
            processor: self.processor.clone(),
            options: self.options,
            block: vec![0.0; BLOCK],
            failed: self.failed,
        })
    }

    /// Takes one 20 ms frame as it goes to the speaker: the echo to expect.
    pub fn played(&mut self, frame: &[i16]) {
        if !self.options.echo_cancellation {
            return;
        }
        for chunk in frame.chunks_exact(BLOCK) {
            to_float(chunk, &mut self.block);
            let r = self.processor.process_render_frame(&mut self.block);
            self.note(r);
        }
    }

    /// Cleans one 20 ms microphone frame in place.
    pub fn captured(&mut self, frame: &mut [i16]) {
        if self.options == VoiceProcessing::OFF {
            return;
        }
        for chunk in frame.chunks_exact_mut(BLOCK) {
            to_float(chunk, &mut self.block);
            let r = self.processor.process_capture_frame(&mut self.block);
            if self.note(r) {
                from_float(&self.block, chunk);
            }
        }
    }

    /// Whether `r` went well; the first failure is logged.
    fn note<E: std::fmt::Display>(&mut self, r: Result<(), E>) -> bool {
        match r {
            Ok(()) => true,
            Err(e) => {
                if !self.failed {
                    self.failed = true;
                    tracing::warn!("voice processing failed, the microphone goes out as is: {e}");
                }
                false
            }
        }
    }
}

/// The module's configuration for `options`.
fn config(options: VoiceProcessing) -> Config {
    Config {
        echo_cancellation: options.echo_cancellation.then_some(EchoCancellation {
            // WebRTC's own default. High cut the agent's voice 3 dB more whenever the customer
            // talked too (`the_agents_voice_goes_out_over_the_echo`), for no more ERLE.
            suppression_level: EchoCancellationSuppressionLevel::Moderate,
            enable_extended_filter: true,
            enable_delay_agnostic: true,
            stream_delay_ms: None,
        }),
        noise_suppression: options.noise_suppression.then_some(NoiseSuppression {
            suppression_level: NoiseSuppressionLevel::High,
        }),
        gain_control: options.auto_gain.then_some(GainControl {
            mode: GainControlMode::AdaptiveDigital,
            target_level_dbfs: AGC_TARGET_DBFS,
            compression_gain_db: AGC_MAX_GAIN_DB,
            enable_limiter: true,
        }),
        enable_high_pass_filter: options != VoiceProcessing::OFF,
        ..Config::default()
    }
}

fn to_float(samples: &[i16], out: &mut [f32]) {
    for (o, s) in out.iter_mut().zip(samples) {
        *o = f32::from(*s) / 32_768.0;
    }
}

fn from_float(block: &[f32], out: &mut [i16]) {
    for (o, s) in out.iter_mut().zip(block) {
        *o = (s * 32_768.0).clamp(-32_768.0, 32_767.0) as i16;
    }
}

/// A media frame is a whole number of processing blocks.
const _: () = assert!(ROOM_FRAME_SAMPLES.is_multiple_of(BLOCK));

#[cfg(test)]
mod tests {
    use super::*;

    /// A speech-like far end: noise shaped by a slow syllable envelope (tones would let an
    /// adaptive filter look better than on voices), from a fixed seed.
    fn far_end(seconds: usize) -> Vec<i16> {
        voice(seconds, 0x2545_f491, 3.0)
    }

    /// The next white-noise sample in −0.5..0.5 from a xorshift `state` (seeded, repeatable).
    fn white(state: &mut u32) -> f64 {
        *state ^= *state << 13;
        *state ^= *state >> 17;
        *state ^= *state << 5;
        f64::from(*state) / f64::from(u32::MAX) - 0.5
    }

    /// A speech-like voice from `seed`, `syllables_hz` syllables a second (see [`far_end`]).
    fn voice(seconds: usize, seed: u32, syllables_hz: f64) -> Vec<i16> {
        let mut state = seed;
        // Four one-pole low-passes: most energy under 2 kHz, little above 4 kHz, as in a
        // voice.
        let mut poles = [0.0_f64; 4];
        (0..seconds * 48_000)
            .map(|i| {
                let mut x = white(&mut state);
                for p in &mut poles {
                    *p += 0.2 * (x - *p);
                    x = *p;
                }
                let t = i as f64 / 48_000.0;
                let syllables =
                    (0.5 + 0.5 * (2.0 * std::f64::consts::PI * syllables_hz * t).sin()).powi(2);
                (x * 120_000.0 * syllables) as i16
            })
            .collect()
    }

    /// The echo a room makes of `played`: 60 ms late, 10 dB down, with a short decaying tail.
    fn echo_of(played: &[i16]) -> Vec<i16> {
        echo_through(played, 60, 1.0)
    }

    /// The echo of `played` through a room `delay_ms` away, `gain` times as loud as
    /// [`echo_of`]'s.
    fn echo_through(played: &[i16], delay_ms: usize, gain: f64) -> Vec<i16> {
        let delay = 48 * delay_ms;
        let taps = [(0, 0.32), (96, 0.12), (240, -0.06), (480, 0.03)];
        (0..played.len())
            .map(|i| {
                taps.iter()
                    .filter_map(|&(lag, tap)| {
                        let j = i.checked_sub(delay + lag)?;
                        Some(f64::from(played[j]) * tap * gain)
                    })
                    .sum::<f64>() as i16
            })
            .collect()
    }

    /// How far under the microphone's echo what was sent is, in dB.
    fn erle(mic: &[i16], sent: &[i16]) -> f64 {
        10.0 * (power(mic) / power(sent).max(1e-9)).log10()
    }

    /// [`erle`] of each second.
    fn erle_per_second(mic: &[i16], sent: &[i16]) -> Vec<f64> {
        mic.chunks(48_000)
            .zip(sent.chunks(48_000))
            .map(|(m, s)| erle(m, s))
            .collect()
    }

    /// Two signals heard at once by the microphone.
    fn mixed(a: &[i16], b: &[i16]) -> Vec<i16> {
        a.iter().zip(b).map(|(x, y)| x.saturating_add(*y)).collect()
    }

    fn power(samples: &[i16]) -> f64 {
        samples.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / samples.len() as f64
    }

    /// Runs a far end and its echo through a processor the way the media loop does (each
    /// tick: the microphone's frame, then the frame played), with a new processor from sample
    /// `new_device_at` as when the call moves to another device; returns what was sent.
    fn through_switch(
        options: VoiceProcessing,
        played: &[i16],
        mic: &[i16],
        new_device_at: Option<usize>,
    ) -> Vec<i16> {
        let mut p = VoiceProcessor::new(options).unwrap();
        let mut sent = Vec::with_capacity(mic.len());
        for (speaker, mic) in played
            .chunks_exact(ROOM_FRAME_SAMPLES)
            .zip(mic.chunks_exact(ROOM_FRAME_SAMPLES))
        {
            if new_device_at == Some(sent.len()) {
                p = p.for_new_device();
            }
            let mut frame = mic.to_vec();
            p.captured(&mut frame);
            sent.extend_from_slice(&frame);
            p.played(speaker);
        }
        sent
    }

    fn through(options: VoiceProcessing, played: &[i16], mic: &[i16]) -> Vec<i16> {
        through_switch(options, played, mic, None)
    }

    #[test]
    fn the_echo_of_what_is_played_is_cancelled_by_30_db_once_converged() {
        let played = far_end(12);
        let mic = echo_of(&played);
        let sent = through(VoiceProcessing::default(), &played, &mic);
        // Judged over the last 6 s, after the canceller has found the delay.
        let tail = 6 * 48_000;
        let erle = erle(&mic[mic.len() - tail..], &sent[sent.len() - tail..]);
        eprintln!(
            "ERLE over the last 6 s: {erle:.1} dB; per second: {:.0?}",
            erle_per_second(&mic, &sent)
        );
        assert!(erle >= 30.0, "ERLE {erle:.1} dB");
    }

    /// A switch to another device mid-call is a new echo path: a longer delay (another sound
    /// server route) and a louder speaker. The call's processor starts afresh for it and
    /// cancels the echo within its first second.
    #[test]
    fn a_new_echo_path_mid_call_is_cancelled_within_a_second() {
        let played = far_end(20);
        let (before, after) = (
            echo_through(&played, 60, 1.0),
            echo_through(&played, 140, 1.6),
        );
        let switch = 8 * 48_000;
        let mic: Vec<i16> = before[..switch]
            .iter()
            .chain(&after[switch..])
            .copied()
            .collect();
        let sent = through_switch(VoiceProcessing::default(), &played, &mic, Some(switch));
        let erle = erle_per_second(&mic, &sent);
        eprintln!("ERLE per second, the device switched at 8 s: {erle:.0?}");
        assert!(
            erle[8] >= 15.0,
            "converging in the first second: {erle:.0?}"
        );
        assert!(
            erle[9..].iter().all(|e| *e >= 30.0),
            "converged after: {erle:.0?}"
        );
    }

    /// While the customer's voice echoes, the agent talks too (double talk): the agent's voice
    /// still goes out.
    #[test]
    fn the_agents_voice_goes_out_over_the_echo() {
        let played = far_end(14);
        let echo = echo_of(&played);
        // The agent: another voice, in its own rhythm, from 8 s on.
        let agent: Vec<i16> = voice(14, 0x1234_5678, 4.3)
            .iter()
            .enumerate()
            .map(|(i, s)| if i >= 8 * 48_000 { *s } else { 0 })
            .collect();
        let mic = mixed(&echo, &agent);
        let options = VoiceProcessing {
            auto_gain: false,
            ..VoiceProcessing::default()
        };
        let sent = through(options, &played, &mic);
        // The agent's voice, as loud as the customer's and ~10 dB over its echo, goes out at
        // most 9 dB down: the legacy canceller's suppressor still trades some of it for the
        // echo while both talk (−7.8 dB at Moderate; High cut it to −11).
        let talk = 9 * 48_000..13 * 48_000;
        let kept = -erle(&agent[talk.clone()], &sent[talk]);
        eprintln!("double talk: what goes out is {kept:.1} dB of the agent's voice");
        assert!(
            kept > -9.0,
            "the agent's voice cut by {kept:.1} dB while the customer talks"
        );
        // And before the agent talks, the echo alone is still taken out.
        let alone = 6 * 48_000..8 * 48_000;
        let erle = erle(&mic[alone.clone()], &sent[alone]);
        assert!(erle >= 30.0, "ERLE {erle:.1} dB");
    }

    /// A steady background (a fan's rumble and hiss, ≈ −35 dBFS) under talk with pauses:
    /// noise suppression takes the background down in the pauses and leaves the talk. (Much
    /// quieter backgrounds, under ≈ −45 dBFS, it leaves nearly as they are.)
    #[test]
    fn noise_suppression_takes_the_background_down_and_keeps_the_talk() {
        let seconds = 12;
        // Talk 1.5 s, pause 1 s.
        let talking = |i: usize| (i % 120_000) < 72_000;
        let talk: Vec<i16> = voice(seconds, 0x0bad_cafe, 4.3)
            .iter()
            .enumerate()
            .map(|(i, s)| if talking(i) { *s / 2 } else { 0 })
            .collect();
        let mut state = 0x9e37_79b9_u32;
        let mut rumble = 0.0_f64;
        let noise: Vec<i16> = (0..seconds * 48_000)
            .map(|_| {
                let hiss = white(&mut state);
                rumble += 0.02 * (hiss - rumble);
                (hiss * 400.0 + rumble * 20_000.0) as i16
            })
            .collect();
        let mic = mixed(&talk, &noise);
        let only_ns = VoiceProcessing {
            noise_suppression: true,
            ..VoiceProcessing::OFF
        };
        let sent = through(only_ns, &vec![0; mic.len()], &mic);
        // Judged after 4 s (the suppressor learns the noise in the first pauses).
        let (mut pauses, mut talks) = ((Vec::new(), Vec::new()), (Vec::new(), Vec::new()));
        for i in 4 * 48_000..mic.len() {
            let (before, after) = if talking(i) { &mut talks } else { &mut pauses };
            before.push(mic[i]);
            after.push(sent[i]);
        }
        let db = |(before, after): &(Vec<i16>, Vec<i16>)| -erle(before, after);
        let (noise_gain, talk_gain) = (db(&pauses), db(&talks));
        eprintln!(
            "noise suppression: the background {noise_gain:.1} dB, the talk {talk_gain:.1} dB"
        );
        assert!(
            noise_gain < -10.0,
            "the background only {noise_gain:.1} dB down"
        );
        assert!(talk_gain > -4.0, "the talk {talk_gain:.1} dB down");
    }

    #[test]
    fn with_echo_cancellation_off_the_echo_goes_out() {
        let played = far_end(6);
        let mic = echo_of(&played);
        let off = VoiceProcessing {
            echo_cancellation: false,
            ..VoiceProcessing::default()
        };
        let sent = through(off, &played, &mic);
        let tail = 3 * 48_000;
        let erle = erle(&mic[mic.len() - tail..], &sent[sent.len() - tail..]);
        assert!(erle < 10.0, "ERLE {erle:.1} dB with the canceller off");
    }

    #[test]
    fn everything_off_leaves_the_microphone_untouched() {
        let played = far_end(1);
        let mic = echo_of(&played);
        assert_eq!(through(VoiceProcessing::OFF, &played, &mic), mic);
    }
}
