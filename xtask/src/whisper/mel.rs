//! Whisper's mel filter bank, which a whisper.cpp model file carries (whisper.cpp computes the
//! spectrogram itself but takes the filters from the file). OpenAI made theirs with
//! `librosa.filters.mel(sr=16000, n_fft=400, n_mels)` (Slaney mel scale and normalisation,
//! float32); this reproduces it bit for bit, so the converted model hears what it was trained on.

/// Whisper's sample rate (Hz).
pub(super) const SAMPLE_RATE: u32 = 16_000;
/// Whisper's FFT size (25 ms at 16 kHz); the bank has `N_FFT / 2 + 1` columns.
pub(super) const N_FFT: usize = 400;

/// Hz per mel on the Slaney scale's linear part (below 1 kHz).
const F_SP: f64 = 200.0 / 3.0;
/// Where the Slaney scale turns logarithmic (Hz).
const MIN_LOG_HZ: f64 = 1000.0;
/// [`MIN_LOG_HZ`] in mels (15).
const MIN_LOG_MEL: f64 = MIN_LOG_HZ / F_SP;

/// The Slaney scale's log step: 27 mels per factor 6.4 above 1 kHz.
fn logstep() -> f64 {
    6.4f64.ln() / 27.0
}

/// Hz → mel, Slaney (librosa's `htk=False`).
fn hz_to_mel(f: f64) -> f64 {
    if f >= MIN_LOG_HZ {
        MIN_LOG_MEL + (f / MIN_LOG_HZ).ln() / logstep()
    } else {
        f / F_SP
    }
}

/// Mel → Hz, the inverse of [`hz_to_mel`].
fn mel_to_hz(m: f64) -> f64 {
    if m >= MIN_LOG_MEL {
        MIN_LOG_HZ * (logstep() * (m - MIN_LOG_MEL)).exp()
    } else {
        F_SP * m
    }
}

/// The bank, row-major (`n_mels` rows of `N_FFT / 2 + 1` bins), computed as librosa does with
/// the same two float32 roundings, so every value equals OpenAI's `mel_filters.npz`.
pub(super) fn filters(n_mels: usize) -> Vec<f32> {
    let n_bins = N_FFT / 2 + 1;
    // np.fft.rfftfreq(n_fft, 1 / sr)
    let val = 1.0 / (N_FFT as f64 * (1.0 / f64::from(SAMPLE_RATE)));
    let fftfreqs: Vec<f64> = (0..n_bins).map(|k| k as f64 * val).collect();
    // np.linspace(min_mel, max_mel, n_mels + 2): i * step + start, the last point exactly stop.
    let (min_mel, max_mel) = (hz_to_mel(0.0), hz_to_mel(f64::from(SAMPLE_RATE) / 2.0));
    let num = n_mels + 2;
    let step = (max_mel - min_mel) / (num - 1) as f64;
    let mut mels: Vec<f64> = (0..num).map(|i| i as f64 * step + min_mel).collect();
    mels[num - 1] = max_mel;
    let mel_f: Vec<f64> = mels.iter().map(|&m| mel_to_hz(m)).collect();
    let fdiff: Vec<f64> = mel_f.windows(2).map(|w| w[1] - w[0]).collect();
    let mut w = vec![0f32; n_mels * n_bins];
    for (i, row) in w.chunks_exact_mut(n_bins).enumerate() {
        // librosa fills a float32 array, then scales it in place (float32 * float64 → float32).
        let enorm = 2.0 / (mel_f[i + 2] - mel_f[i]);
        for (k, cell) in row.iter_mut().enumerate() {
            let lower = -(mel_f[i] - fftfreqs[k]) / fdiff[i];
            let upper = (mel_f[i + 2] - fftfreqs[k]) / fdiff[i + 1];
            // np.maximum(0, np.minimum(lower, upper)) keeps the -0.0 at [0][0] (lower = -0 / x).
            let mn = lower.min(upper);
            let v = (if mn >= 0.0 { mn } else { 0.0 }) as f32;
            *cell = (f64::from(v) * enorm) as f32;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bits of values of OpenAI's `mel_filters.npz["mel_80"]` (openai-whisper 20250625).
    #[test]
    fn known_values() {
        let f = filters(80);
        assert_eq!(f.len(), 80 * 201);
        let at = |i: usize, k: usize| f[i * 201 + k].to_bits();
        assert_eq!(at(0, 0), 0x8000_0000, "-0.0, as numpy leaves it");
        assert_eq!(at(0, 1), 0x3ccb_aca4);
        assert_eq!(at(1, 2), 0x3cbb_5d95);
        assert_eq!(at(10, 10), 0x3ca3_168f);
        assert_eq!(at(40, 43), 0x3c71_6d72);
        assert_eq!(at(79, 190), 0x3b12_47ab);
        assert_eq!(at(79, 200), 0);
    }

    /// Row sums (in f64, bin by bin) and non-zero counts equal the npz's, and FNV-1a of all
    /// 80 × 201 little-endian floats equals the npz's: the whole bank is bit-identical.
    #[test]
    fn whole_bank() {
        let f = filters(80);
        let row = |i: usize| &f[i * 201..(i + 1) * 201];
        let sum = |i: usize| row(i).iter().fold(0f64, |s, &x| s + f64::from(x));
        assert_eq!(sum(0), 0.024_862_594_902_515_41);
        assert_eq!(sum(40), 0.026_664_861_012_250_185);
        assert_eq!(sum(79), 0.024_925_339_792_389_423);
        let nonzero = |i: usize| row(i).iter().filter(|&&x| x != 0.0).count();
        assert_eq!([0, 1, 40, 79].map(nonzero), [1, 2, 3, 14]);
        let fnv = f
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
        assert_eq!(fnv, 0x173a_8442_ad00_0426);
    }
}
