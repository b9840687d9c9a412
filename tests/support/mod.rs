//! Shared harness of the end-to-end suites: start `ringdesk-cloud` and `ringdesk-agent`
//! processes on loopback with free ports, make tone files and pcaps, drive sipp and baresip.
//!
//! Every wait polls with a deadline (no fixed sleeps to wait for conditions), and every child
//! process is killed when its guard drops, so a failing test leaves nothing running.

#![allow(missing_docs)]

pub mod admin;
pub mod audio;
pub mod browser;
pub mod gateway;
pub mod impair;
pub mod peers;
pub mod procstat;
pub mod rtp_caller;
pub mod sms;
pub mod ws;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ringdesk_wire::{AgentEvent, ServerEvent};

/// This crate's directory (`tests/`) in the clone being tested: cargo's run-time
/// `CARGO_MANIFEST_DIR`, not the compile-time one — clones sharing a target dir may share a
/// test binary built in another clone, and must still read their own files.
pub fn crate_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

/// The directory holding the workspace's built binaries (next to this test executable).
pub fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    // target/<profile>/deps/<test>-<hash> → target/<profile>
    exe.parent()
        .and_then(Path::parent)
        .expect("target dir")
        .to_path_buf()
}

/// Path to a workspace binary, with a clear message when it was not built.
pub fn binary(name: &str) -> PathBuf {
    let p = bin_dir().join(name);
    assert!(
        p.exists(),
        "{} is missing: run `cargo build --workspace --bins` first (cargo xtask test does)",
        p.display()
    );
    p
}

/// A scratch directory removed at drop (kept when RINGDESK_KEEP_TMP is set, for debugging).
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> Self {
        let p = std::env::temp_dir().join(format!(
            "ringdesk-{label}-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::env::var_os("RINGDESK_KEEP_TMP").is_none() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Kills the child on drop.
pub struct ChildGuard(pub Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Where [`free_port`] looks: below Linux's ephemeral range (32768–60999), so a socket the
/// system numbers itself — a cloud's media sockets, a browser's — cannot take a port between
/// the test picking it and the peer binding it. (Picked from the ephemeral range, a baresip
/// caller now and then lost its port that way and never called: a ring awaited for 20 s.)
const TEST_PORTS: std::ops::Range<u16> = 20_000..32_000;

/// Whether `port` can be bound on loopback for UDP and TCP now.
fn port_is_free(port: u16) -> bool {
    std::net::UdpSocket::bind(("127.0.0.1", port)).is_ok()
        && std::net::TcpListener::bind(("127.0.0.1", port)).is_ok()
}

/// A free UDP+TCP port on loopback (bound then released), outside the ephemeral range.
pub fn free_port() -> u16 {
    loop {
        let port = TEST_PORTS.start + rand::random::<u16>() % (TEST_PORTS.end - TEST_PORTS.start);
        if port_is_free(port) {
            return port;
        }
    }
}

/// Two free neighbouring ports, the first even: RTP and its RTCP.
pub fn free_port_pair() -> u16 {
    loop {
        let port = free_port() & !1;
        if port_is_free(port) && port_is_free(port + 1) {
            return port;
        }
    }
}

/// The variable choosing the store the suites' clouds run on: unset or `sqlite` (the embedded
/// default), or `postgres` (a fresh database per cloud on the server `RINGDESK_TEST_POSTGRES`
/// names; `cargo xtask test` runs one suite that way).
pub const BACKEND_ENV: &str = "RINGDESK_TEST_BACKEND";

/// A fresh PostgreSQL database when the suites run on PostgreSQL, else `None` (the cloud's
/// embedded SQLite file in its data directory).
fn scratch_database() -> Option<ringdesk_store::scratch::ScratchDatabase> {
    match std::env::var(BACKEND_ENV).as_deref() {
        Err(_) | Ok("sqlite") => None,
        Ok("postgres") => {
            // Cloud::start is called from inside async tests; make the database on a thread
            // with its own runtime rather than blocking theirs.
            let made = std::thread::spawn(|| {
                tokio::runtime::Runtime::new().expect("a runtime").block_on(
                    ringdesk_store::scratch::ScratchDatabase::new(
                        ringdesk_store::Backend::Postgres,
                    ),
                )
            })
            .join();
            Some(made.expect("a PostgreSQL database for the cloud"))
        }
        Ok(other) => panic!("{BACKEND_ENV}={other:?}: expected sqlite or postgres"),
    }
}

/// A running `ringdesk-cloud`.
pub struct Cloud {
    pub api: String,
    pub sip: SocketAddr,
    pub ca_cert: PathBuf,
    pub data: TempDir,
    /// The PostgreSQL database it runs on, if not its embedded SQLite file.
    postgres: Option<ringdesk_store::scratch::ScratchDatabase>,
    child: ChildGuard,
}

impl Cloud {
    /// The certificate to trust, unless it serves plain HTTP (`--insecure-http`).
    pub fn ca(&self) -> Option<&Path> {
        (!self.ca_cert.as_os_str().is_empty()).then_some(self.ca_cert.as_path())
    }

    /// The cloud's process id (for CPU and memory figures).
    pub fn pid(&self) -> u32 {
        self.child.0.id()
    }

    /// Starts a cloud with demo data on free ports; `extra` adds command-line options.
    pub fn start(extra: &[&str]) -> Cloud {
        Cloud::start_at(
            TempDir::new("cloud"),
            scratch_database(),
            "127.0.0.1:0",
            "127.0.0.1:0",
            extra,
        )
    }

    /// Starts a cloud on `data` (and `postgres`, if given) with the given API and SIP addresses.
    fn start_at(
        data: TempDir,
        postgres: Option<ringdesk_store::scratch::ScratchDatabase>,
        api: &str,
        sip: &str,
        extra: &[&str],
    ) -> Cloud {
        let mut command = Command::new(binary("ringdesk-cloud"));
        if let Some(db) = &postgres {
            command.args(["--database", db.url()]);
        }
        let mut child = command
            .args([
                "--data-dir",
                data.0.to_str().unwrap(),
                "--api",
                api,
                "--sip",
                sip,
            ])
            .args(extra)
            .env(
                "RUST_LOG",
                std::env::var("RINGDESK_CLOUD_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn ringdesk-cloud");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let guard = ChildGuard(child);
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("ringdesk-cloud printed its ready line");
        let ready: serde_json::Value = serde_json::from_str(&line).expect("ready line is JSON");
        Cloud {
            api: ready["api"].as_str().expect("api").to_string(),
            sip: ready["sip"]
                .as_str()
                .expect("sip")
                .parse()
                .expect("sip addr"),
            // No certificate with `--insecure-http`: an empty path.
            ca_cert: PathBuf::from(ready["caCert"].as_str().unwrap_or_default()),
            data,
            postgres,
            child: guard,
        }
    }

    /// Stops the process (as a crash would) and starts a new one on the same data and ports.
    pub fn restart(self) -> Cloud {
        let Cloud {
            api,
            sip,
            data,
            postgres,
            child,
            ..
        } = self;
        drop(child);
        let api_addr = api.trim_start_matches("https://").to_string();
        Cloud::start_at(data, postgres, &api_addr, &sip.to_string(), &[])
    }

    /// Asks the process to stop cleanly (SIGTERM, as a supervisor would).
    pub fn terminate(&self) {
        let ok = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "kill -TERM {}", self.pid());
    }

    /// How the process exited, if it has.
    pub fn exit_status(&mut self) -> Option<std::process::ExitStatus> {
        self.child.0.try_wait().expect("the cloud's status")
    }

    /// Waits (up to `timeout`) for the process to exit, for how it did.
    pub fn wait_exit(&mut self, timeout: Duration) -> std::process::ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.exit_status() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the cloud did not exit in {timeout:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The URL of the store it runs on, for `Store::connect`.
    pub fn database(&self) -> String {
        match &self.postgres {
            Some(db) => db.url().to_string(),
            None => format!("sqlite://{}", self.data.path("ringdesk.sqlite").display()),
        }
    }

    /// Opens the store it runs on (to add managers or numbers the demo data lacks).
    pub async fn store(&self) -> ringdesk_store::Store {
        ringdesk_store::Store::connect(&self.database())
            .await
            .expect("the cloud's store opens")
    }

    pub fn server_config(&self) -> ringdesk_agent::client::ServerConfig {
        ringdesk_agent::client::ServerConfig::with_ca_file(&self.api, self.ca())
            .expect("server config")
    }

    /// Logs in over the API and returns the token.
    pub async fn token(&self, email: &str, password: &str) -> String {
        ringdesk_agent::client::login(&self.server_config(), email, password)
            .await
            .expect("login")
            .token
    }

    /// A page of call records as `who` sees them; `query` is the URL query (`perPage=1`).
    pub async fn calls(&self, who: (&str, &str), query: &str) -> ringdesk_wire::CallPage {
        let token = self.token(who.0, who.1).await;
        http(self)
            .get(format!("{}/api/v1/calls?{query}", self.api))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET /api/v1/calls")
            .json()
            .await
            .expect("a call page")
    }

    /// The newest call record of the demo channel.
    pub fn last_call(&self) -> ringdesk_wire::CallRecord {
        block_on(self.calls(MINJI, "perPage=1"))
            .calls
            .into_iter()
            .next()
            .expect("a call record")
    }

    /// One call's record, as `who` sees it.
    pub async fn call(&self, who: (&str, &str), id: i64) -> ringdesk_wire::CallRecord {
        let token = self.token(who.0, who.1).await;
        http(self)
            .get(format!("{}/api/v1/calls/{id}", self.api))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET /api/v1/calls/{id}")
            .json()
            .await
            .expect("a call record")
    }

    /// The ring-latency summary from /metrics: (p50 seconds, p99 seconds, count).
    pub async fn ring_latency(&self) -> (f64, f64, u64) {
        let text = http(self)
            .get(format!("{}/metrics", self.api))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let value = |key: &str| {
            text.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().last())
                .map(str::to_string)
        };
        (
            value("ringdesk_ring_latency_seconds{quantile=\"0.5\"}")
                .unwrap()
                .parse()
                .unwrap(),
            value("ringdesk_ring_latency_seconds{quantile=\"0.99\"}")
                .unwrap()
                .parse()
                .unwrap(),
            value("ringdesk_ring_latency_seconds_count")
                .unwrap()
                .parse()
                .unwrap(),
        )
    }
}

/// An HTTP client trusting the cloud's certificate.
pub fn http(cloud: &Cloud) -> reqwest::Client {
    let Some(ca) = cloud.ca() else {
        return reqwest::Client::new();
    };
    let pem = std::fs::read(ca).unwrap();
    reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(&pem).unwrap()])
        .build()
        .unwrap()
}

/// The demo managers (see ringdesk-store's demo data).
pub const MINJI: (&str, &str) = ("minji@demo.ringdesk.dev", "ringdesk-demo-1");
pub const JUNHO: (&str, &str) = ("junho@demo.ringdesk.dev", "ringdesk-demo-2");
pub const DEMO_NUMBER: &str = "+827076660100";
/// The demo number as a carrier puts it in the Request-URI (what sipp's `-s` takes).
pub const DEMO_SERVICE: &str = "827076660100";

/// Runs a future to completion on a fresh current-thread runtime (the suites are synchronous:
/// they wait on processes, and only the API calls are async).
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// A running headless `ringdesk-agent`, its events as they arrive.
pub struct AgentProc {
    events: mpsc::Receiver<(Instant, AgentEvent)>,
    pub seen: Vec<(Instant, AgentEvent)>,
    /// Which of `seen` a wait has taken.
    taken: Vec<bool>,
    stdin: std::process::ChildStdin,
    child: ChildGuard,
}

impl AgentProc {
    /// An agent with WAV audio: `play` as its microphone, `record` for what it hears, answering
    /// every ring after `auto_answer_ms`.
    pub fn wav(
        cloud: &Cloud,
        who: (&str, &str),
        play: &Path,
        record: Option<&Path>,
        auto_answer_ms: u64,
    ) -> AgentProc {
        let mut args = vec!["--wav".into(), "--play".into(), play.display().to_string()];
        if let Some(r) = record {
            args.extend(["--record".into(), r.display().to_string()]);
        }
        args.extend(["--auto-answer-ms".into(), auto_answer_ms.to_string()]);
        AgentProc::start(cloud, who, &args)
    }

    pub fn start(
        cloud: &Cloud,
        who: (&str, &str),
        extra: &[impl AsRef<std::ffi::OsStr>],
    ) -> AgentProc {
        AgentProc::start_via(cloud, &cloud.api, who, extra)
    }

    /// [`AgentProc::start`] with `server` as the cloud's URL (a gateway in front of it).
    pub fn start_via(
        cloud: &Cloud,
        server: &str,
        who: (&str, &str),
        extra: &[impl AsRef<std::ffi::OsStr>],
    ) -> AgentProc {
        let mut command = Command::new(binary("ringdesk-agent"));
        if let Some(ca) = cloud.ca() {
            command.arg("--ca-cert").arg(ca);
        }
        let mut child = command
            .args([
                "--server",
                server,
                "--email",
                who.0,
                "--password",
                who.1,
                // The suites' microphones are steady tones, which noise suppression rightly
                // takes for noise and fades out; what the processing does is judged in its own
                // tests (`agent/src/audio/voice.rs`, the desktop test's echo path).
                "--no-voice-processing",
            ])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn ringdesk-agent");
        let stdout = child.stdout.take().expect("stdout");
        let stdin = child.stdin.take().expect("stdin");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                match serde_json::from_str::<AgentEvent>(&line) {
                    Ok(e) => {
                        let _ = tx.send((Instant::now(), e));
                    }
                    Err(e) => eprintln!("agent printed a non-event line ({e}): {line}"),
                }
            }
        });
        let mut a = AgentProc {
            events: rx,
            seen: Vec::new(),
            taken: Vec::new(),
            stdin,
            child: ChildGuard(child),
        };
        a.wait_for("session up", Duration::from_secs(30), |e| {
            matches!(e, AgentEvent::SessionUp { .. })
        });
        a.wait_for("presence", Duration::from_secs(10), |e| {
            matches!(e, AgentEvent::Server(ServerEvent::Presence { .. }))
        });
        a
    }

    /// The logged-in manager's id (from the `sessionUp` event every agent starts with).
    pub fn manager_id(&self) -> i64 {
        self.seen
            .iter()
            .find_map(|(_, e)| match e {
                AgentEvent::SessionUp { manager } => Some(manager.id),
                _ => None,
            })
            .expect("a sessionUp event")
    }

    /// The agent's process id (for footprint figures).
    pub fn pid(&self) -> u32 {
        self.child.0.id()
    }

    /// Sends a CLI command line.
    pub fn command(&mut self, line: &str) {
        use std::io::Write;
        writeln!(self.stdin, "{line}").expect("agent stdin");
    }

    /// Marks every event received so far as taken: later waits look only at what comes next
    /// (when an earlier event would match a wait meant for a later state).
    pub fn skip_seen(&mut self) {
        self.taken.iter_mut().for_each(|t| *t = true);
    }

    /// Whether an event satisfying `f` that no wait took has arrived by now (without
    /// waiting for more).
    pub fn has_arrived(&mut self, f: impl Fn(&AgentEvent) -> bool) -> bool {
        while let Ok((at, e)) = self.events.try_recv() {
            self.seen.push((at, e));
            self.taken.push(false);
        }
        (0..self.seen.len()).any(|i| !self.taken[i] && f(&self.seen[i].1))
    }

    /// Takes the first event satisfying `f` that no earlier wait took, waiting up to
    /// `timeout` for it to arrive. Events arrive in the cloud's order, which need not be the
    /// order a test waits in (a `callEnded` may come before the `transferEnded` that explains
    /// it); taking each event once lets a test wait for them in any order.
    pub fn wait_for(
        &mut self,
        what: &str,
        timeout: Duration,
        f: impl Fn(&AgentEvent) -> bool,
    ) -> (Instant, AgentEvent) {
        if let Some(i) = (0..self.seen.len()).find(|&i| !self.taken[i] && f(&self.seen[i].1)) {
            self.taken[i] = true;
            return self.seen[i].clone();
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok((at, e)) => {
                    let matched = f(&e);
                    self.seen.push((at, e.clone()));
                    self.taken.push(matched);
                    if matched {
                        return (at, e);
                    }
                }
                Err(_) => panic!(
                    "timed out after {timeout:?} waiting for {what}; events so far: {:#?}",
                    self.seen
                ),
            }
        }
    }
}

/// Adds managers `{name}{i}@demo.test` (password `password`) to the demo channel's team, for
/// the benches that need many agents; their emails.
pub fn add_managers(
    cloud: &Cloud,
    name: &str,
    numbered: std::ops::Range<usize>,
    password: &str,
) -> Vec<String> {
    block_on(async {
        let store = cloud.store().await;
        let channel = store
            .number_route(DEMO_NUMBER)
            .await
            .unwrap()
            .unwrap()
            .channel_id;
        let mut emails = Vec::new();
        for i in numbered {
            let email = format!("{name}{i}@demo.test");
            store
                .add_team_manager(channel, &format!("{name} {i}"), &email, password)
                .await
                .unwrap();
            emails.push(email);
        }
        emails
    })
}
