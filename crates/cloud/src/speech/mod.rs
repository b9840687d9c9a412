//! Text-to-speech for workflow prompts: rendered once, when a workflow is published, and kept,
//! so a call never waits for it (`docs/product.md#workflow-rules`). Queue announcements are the
//! exception: their words depend on the caller's place, so each new text is rendered when first
//! needed (seconds with the neural voice; the caller hears the music meanwhile) and then kept.
//!
//! The engines are behind [`SpeechEngine`]; [`Voices`] picks one per language: English from
//! eSpeak NG ([`espeak`]), Korean from the Kokoro voice ([`kokoro`], reading our Korean
//! pronunciation, [`korean`]) when it is installed, else eSpeak NG's hard-to-follow Korean. For
//! Korean a recorded prompt is better still, and the editor says so.

use std::path::Path;

use ringdesk_core::workflow::Language;
use ringdesk_media::prompt::Prompt;

pub mod espeak;
pub mod kokoro;
pub mod korean;

pub use espeak::Espeak;
pub use kokoro::KokoroVoice;

/// Why a text could not be spoken.
#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    /// The engine is not installed or would not start.
    #[error("text-to-speech is not available ({0}); upload a recording instead")]
    Unavailable(String),
    /// The engine ran and failed, or made no audio.
    #[error("text-to-speech failed: {0}")]
    Failed(String),
}

/// How a language is kept with its renderings (the wire's `SpeechLanguage` codes).
pub fn language_code(language: Language) -> &'static str {
    match language {
        Language::Korean => "ko",
        Language::English => "en",
    }
}

/// Speaks text.
pub trait SpeechEngine: Send + Sync + std::fmt::Debug {
    /// The audio of `text` in `language`. It blocks: call it off the async runtime.
    fn render(&self, language: Language, text: &str) -> Result<Prompt, SpeechError>;
}

/// The shipped engines, one per language: what the cloud renders prompts with.
#[derive(Debug)]
pub struct Voices {
    english: Espeak,
    /// `None` when the Kokoro voice is not installed: Korean falls back to eSpeak NG.
    korean: Option<KokoroVoice>,
}

impl Voices {
    /// eSpeak NG for English; for Korean the Kokoro voice in `korean_voice_dir` if given. A
    /// directory that does not hold a usable voice is an error: a configured voice must work.
    pub fn new(korean_voice_dir: Option<&Path>) -> Result<Voices, SpeechError> {
        Ok(Voices {
            english: Espeak::default(),
            korean: korean_voice_dir.map(KokoroVoice::load).transpose()?,
        })
    }
}

impl SpeechEngine for Voices {
    fn render(&self, language: Language, text: &str) -> Result<Prompt, SpeechError> {
        match (language, &self.korean) {
            (Language::Korean, Some(voice)) => voice.render(language, text),
            _ => self.english.render(language, text),
        }
    }
}
