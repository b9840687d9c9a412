//! Renders one text-to-speech prompt to a WAV file with the engines the cloud uses, to listen
//! to a prompt or measure it (`bench/intelligibility`).
//!
//! `cargo run -p ringdesk-cloud --example speak -- ko|en TEXT OUT.wav [KOREAN_VOICE_DIR]`

#![allow(missing_docs)]

use std::path::Path;

use ringdesk_cloud::speech::{SpeechEngine, Voices};
use ringdesk_core::workflow::Language;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [language, text, out, rest @ ..] = args.as_slice() else {
        anyhow::bail!("usage: speak ko|en TEXT OUT.wav [KOREAN_VOICE_DIR]");
    };
    let language = match language.as_str() {
        "ko" => Language::Korean,
        "en" => Language::English,
        other => anyhow::bail!("language must be ko or en, not {other:?}"),
    };
    let voices = Voices::new(rest.first().map(Path::new))?;
    let prompt = voices.render(language, text)?;
    std::fs::write(out, prompt.to_wav())?;
    println!("{out}: {} ms", prompt.duration_ms());
    Ok(())
}
