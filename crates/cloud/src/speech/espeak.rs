//! eSpeak NG (Debian's `espeak-ng`), run as a program: offline and fast, clear in English, but
//! its Korean is hard to follow — Korean goes to the Kokoro voice when it is installed.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ringdesk_core::workflow::Language;
use ringdesk_media::prompt::Prompt;

use super::{SpeechEngine, SpeechError, language_code};

/// The longest a rendering may take before it is given up (a prompt takes milliseconds).
const RENDER_TIMEOUT: Duration = Duration::from_secs(20);

/// eSpeak NG, run as a program.
#[derive(Debug, Clone)]
pub struct Espeak {
    program: PathBuf,
}

impl Espeak {
    /// `program` is the `espeak-ng` binary (found on `PATH` by name).
    pub fn new(program: impl Into<PathBuf>) -> Espeak {
        Espeak {
            program: program.into(),
        }
    }
}

impl Default for Espeak {
    fn default() -> Self {
        Espeak::new("espeak-ng")
    }
}

impl SpeechEngine for Espeak {
    fn render(&self, language: Language, text: &str) -> Result<Prompt, SpeechError> {
        let voice = language_code(language);
        let out = std::env::temp_dir().join(format!(
            "ringdesk-speech-{}-{}.wav",
            std::process::id(),
            rand::random::<u64>()
        ));
        let spawned = Command::new(&self.program)
            .args(["-v", voice, "-w"])
            .arg(&out)
            // After `--`, a text starting with `-` is still text.
            .arg("--")
            .arg(text)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let result = match spawned {
            Err(e) => Err(SpeechError::Unavailable(format!(
                "{}: {e}",
                self.program.display()
            ))),
            Ok(child) => finish(child).and_then(|()| {
                std::fs::read(&out)
                    .map_err(|e| SpeechError::Failed(format!("no audio: {e}")))
                    .and_then(|wav| {
                        Prompt::from_wav(&wav).map_err(|e| SpeechError::Failed(e.to_string()))
                    })
            }),
        };
        let _ = std::fs::remove_file(&out);
        result
    }
}

/// Waits for the engine to finish, at most [`RENDER_TIMEOUT`] (then it is killed).
fn finish(mut child: std::process::Child) -> Result<(), SpeechError> {
    let deadline = Instant::now() + RENDER_TIMEOUT;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(SpeechError::Failed(format!("the engine {status}"))),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(SpeechError::Failed(format!(
                    "the engine took over {} s",
                    RENDER_TIMEOUT.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(SpeechError::Failed(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn espeak_speaks_korean_and_english_and_says_when_it_is_missing() {
        let engine = Espeak::default();
        let korean = engine
            .render(Language::Korean, "예약 확인은 1번을 눌러 주세요.")
            .expect("espeak-ng is installed (cargo xtask setup)");
        let english = engine
            .render(Language::English, "-1 is not a flag here")
            .unwrap();
        for p in [&korean, &english] {
            assert!(p.duration_ms() > 500, "{} ms", p.duration_ms());
        }
        let missing = Espeak::new("/nonexistent/espeak-ng")
            .render(Language::English, "hello")
            .unwrap_err();
        assert!(matches!(missing, SpeechError::Unavailable(_)), "{missing}");
        assert!(
            missing.to_string().contains("upload a recording"),
            "{missing}"
        );
    }
}
