//! Real SIP peers: sipp with our scenarios, baresip with WAV audio.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use super::{ChildGuard, TempDir, free_port, free_port_pair};

/// The cloud's options that send its placed calls to the sipp carrier on `port` (scenario
/// `carrier_answer.xml` and its kin), with the credentials the carrier challenges for
/// (`USER` `ringdesk`, `PASSWORD` `carrier-s3cret`).
pub fn carrier_args(port: u16) -> Vec<String> {
    [
        "--trunk-outbound",
        &format!("127.0.0.1:{port}"),
        "--trunk-outbound-user",
        "ringdesk",
        "--trunk-outbound-password",
        "carrier-s3cret",
    ]
    .map(String::from)
    .to_vec()
}

/// Renders a scenario template from `tests/data/sipp` with `{KEY}` substitutions.
pub fn scenario(dir: &TempDir, name: &str, vars: &[(&str, &str)]) -> PathBuf {
    let src = super::crate_dir().join("data/sipp").join(name);
    let mut text =
        std::fs::read_to_string(&src).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    for (k, v) in vars {
        text = text.replace(&format!("{{{k}}}"), v);
    }
    // An unfilled `{NAME}` would reach sipp as text and fail far from the cause.
    if let Some(start) = text
        .find('{')
        .filter(|&i| text[i + 1..].starts_with(|c: char| c.is_ascii_uppercase()))
    {
        let name: String = text[start..].chars().take_while(|c| *c != '}').collect();
        panic!("{name}}} in {} was not filled in", src.display());
    }
    let out = dir.path(name);
    std::fs::write(&out, text).expect("write scenario");
    out
}

/// Outcome of one sipp run.
#[derive(Debug)]
pub struct SippRun {
    pub success: bool,
    pub log: String,
}

/// Runs sipp for `calls` calls of `scenario` to `service` at `target`, waiting up to
/// `timeout`. Each run gets its own SIP and media ports so suites run in parallel.
pub fn run_sipp(
    dir: &TempDir,
    scenario: &Path,
    target: SocketAddr,
    service: &str,
    calls: u32,
    extra: &[&str],
    timeout: Duration,
) -> SippRun {
    let port = free_port().to_string();
    let media_port = free_port().to_string();
    let errors = dir.path("sipp-errors.log");
    let messages = dir.path("sipp-messages.log");
    let out = Command::new("sipp")
        .current_dir(&dir.0)
        .args([
            "-sf",
            scenario.to_str().unwrap(),
            "-s",
            service,
            "-i",
            "127.0.0.1",
            "-p",
            &port,
            "-mp",
            &media_port,
        ])
        .args([
            "-m",
            &calls.to_string(),
            "-timeout",
            &format!("{}s", timeout.as_secs()),
            "-timeout_error",
        ])
        .args([
            "-trace_err",
            "-error_file",
            errors.to_str().unwrap(),
            "-trace_msg",
            "-message_file",
            messages.to_str().unwrap(),
        ])
        .arg("-nostdin")
        .args(extra)
        .arg(target.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("sipp is installed (apt install sip-tester)");
    let mut log = String::from_utf8_lossy(&out.stderr).to_string();
    log.push_str(&std::fs::read_to_string(&errors).unwrap_or_default());
    log.push_str(&std::fs::read_to_string(&messages).unwrap_or_default());
    SippRun {
        success: out.status.success(),
        log,
    }
}

/// A sipp carrier: serves `scenario` on 127.0.0.1:`port` for one call (the cloud's outbound
/// route points there), echoing RTP back (`-rtp_echo`). Returns once sipp listens; join the
/// handle for the outcome.
pub fn carrier_in_background(
    dir: TempDir,
    scenario: PathBuf,
    port: u16,
    timeout: Duration,
) -> std::thread::JoinHandle<SippRun> {
    let handle = std::thread::spawn(move || {
        let errors = dir.path("sipp-errors.log");
        let messages = dir.path("sipp-messages.log");
        let out = Command::new("sipp")
            .current_dir(&dir.0)
            .args(["-sf", scenario.to_str().unwrap(), "-i", "127.0.0.1"])
            .args(["-p", &port.to_string(), "-mp", &free_port().to_string()])
            .args(["-rtp_echo", "-m", "1"])
            .args([
                "-timeout",
                &format!("{}s", timeout.as_secs()),
                "-timeout_error",
            ])
            .args(["-trace_err", "-error_file", errors.to_str().unwrap()])
            .args(["-trace_msg", "-message_file", messages.to_str().unwrap()])
            .arg("-nostdin")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .expect("sipp is installed (apt install sip-tester)");
        let mut log = String::from_utf8_lossy(&out.stderr).to_string();
        log.push_str(&std::fs::read_to_string(&errors).unwrap_or_default());
        log.push_str(&std::fs::read_to_string(&messages).unwrap_or_default());
        SippRun {
            success: out.status.success(),
            log,
        }
    });
    // sipp holds the UDP port once it listens; until then we could bind it ourselves.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while std::net::UdpSocket::bind(("127.0.0.1", port)).is_ok() {
        assert!(
            std::time::Instant::now() < deadline && !handle.is_finished(),
            "sipp did not start listening on {port}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    handle
}

/// Places one call to the demo number in the background: renders scenario `name` with `vars`
/// in its own scratch directory and runs sipp; join the handle for the outcome.
pub fn call_in_background(
    name: &'static str,
    vars: &[(&str, &str)],
    target: SocketAddr,
    timeout: Duration,
) -> std::thread::JoinHandle<SippRun> {
    call_number_in_background(name, vars, target, super::DEMO_SERVICE, timeout)
}

/// [`call_in_background`] to another number (`service`, as a carrier puts it in the
/// Request-URI).
pub fn call_number_in_background(
    name: &'static str,
    vars: &[(&str, &str)],
    target: SocketAddr,
    service: &'static str,
    timeout: Duration,
) -> std::thread::JoinHandle<SippRun> {
    let dir = TempDir::new("sipp");
    let sf = scenario(&dir, name, vars);
    std::thread::spawn(move || run_sipp(&dir, &sf, target, service, 1, &[], timeout))
}

/// A baresip caller playing `play` as its microphone and dumping what it hears (sndfile).
pub struct Baresip {
    pub dir: TempDir,
    child: ChildGuard,
}

impl Baresip {
    /// Dials `uri` right away and quits (hanging up) after `quit_after`, recording what it
    /// hears (ALSA `null` player + sndfile).
    pub fn call(uri: &str, play: &Path, quit_after: Duration) -> Baresip {
        Baresip::start(uri, play, quit_after, true)
    }

    /// Like [`Baresip::call`] without any audio player: the received stream is not played or
    /// recorded. ALSA's `null` player has no clock and makes baresip spin, so footprint
    /// figures use this mode.
    pub fn call_without_player(uri: &str, play: &Path, quit_after: Duration) -> Baresip {
        Baresip::start(uri, play, quit_after, false)
    }

    fn start(uri: &str, play: &Path, quit_after: Duration, with_player: bool) -> Baresip {
        let dir = TempDir::new("baresip");
        let port = free_port();
        let rtp = free_port_pair();
        let config = format!(
            "poll_method epoll\n\
             sip_listen 127.0.0.1:{port}\n\
             audio_path /usr/share/baresip\n\
             {player}\
             audio_source aufile,{play}\n\
             ausrc_srate 8000\n\
             auplay_srate 8000\n\
             rtp_ports {rtp}-{rtp_end}\n\
             module_path /usr/lib/baresip/modules\n\
             module g711.so\n\
             module aufile.so\n\
             module sndfile.so\n\
             module_app account.so\n\
             module_app menu.so\n\
             snd_path {dir}\n",
            play = play.display(),
            player = if with_player {
                "audio_player alsa,null\naudio_alert alsa,null\nmodule alsa.so\n"
            } else {
                ""
            },
            rtp_end = rtp + 1,
            dir = dir.0.display(),
        );
        std::fs::write(dir.path("config"), config).expect("baresip config");
        std::fs::write(
            dir.path("accounts"),
            format!(
                "<sip:caller@127.0.0.1:{port}>;regint=0;audio_codecs=PCMA/8000/1,PCMU/8000/1\n"
            ),
        )
        .expect("accounts");
        let child = Command::new("baresip")
            .args([
                "-f",
                dir.0.to_str().unwrap(),
                "-e",
                &format!("/dial {uri}"),
                "-t",
                &quit_after.as_secs().to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("baresip is installed (apt install baresip)");
        Baresip {
            dir,
            child: ChildGuard(child),
        }
    }

    /// baresip's process id (for footprint figures).
    pub fn pid(&self) -> u32 {
        self.child.0.id()
    }

    /// The WAV of decoded (heard) audio sndfile writes during the call.
    fn heard_wav(&self) -> Option<PathBuf> {
        std::fs::read_dir(&self.dir.0)
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| {
                p.extension().is_some_and(|x| x == "wav")
                    && p.file_name()
                        .is_some_and(|n| n.to_string_lossy().contains("dec"))
            })
    }

    /// What the caller heard, once the call is over: sndfile writes the WAV header's length
    /// only when it closes the file, so this waits (up to 10 s) for a closed recording.
    pub fn heard_after_hangup(&self) -> PathBuf {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let closed = self
                .heard_wav()
                .filter(|w| hound::WavReader::open(w).is_ok_and(|r| r.len() > 0));
            if let Some(w) = closed {
                return w;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "baresip wrote no recording in {}",
                self.dir.0.display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
