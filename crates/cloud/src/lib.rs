//! ringdesk-cloud: the service customers' calls reach and agents' apps connect to.
//!
//! Contract: [`start`] brings up, on one tokio runtime, the SIP trunk (UDP+TCP), the HTTPS/WSS
//! API, the dispatcher (switchboard runtime) and a room per live call, over the store (an
//! embedded SQLite file by default, or PostgreSQL). The `ringdesk-cloud` binary is a thin CLI around it; the desktop app runs that binary
//! as a child process for the single-machine setup (see ARCHITECTURE.md).
//!
//! Calls to a number with a published workflow walk it (the IVR) before anyone rings
//! (`workflows`, `dispatch/workflow.rs`); every answered call is recorded (`recording`).

pub mod api;
pub mod callbacks;
pub mod codes;
pub mod config;
pub mod contacts;
pub mod demo_activity;
pub mod demo_traffic;
pub mod dialplan;
pub mod dispatch;
pub mod history;
pub mod inbox;
pub mod limit;
pub mod memory;
pub mod metrics;
pub mod network_test;
pub mod recording;
pub mod room;
pub mod sms;
pub mod speech;
pub mod statistics;
pub mod tls;
pub mod transcribe;
pub mod workflows;
pub mod writer;
mod ws;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use anyhow::Context;
use ringdesk_sip::trunk::TrunkConfig;
use ringdesk_store::Store;
use ringdesk_store::time::now_ms;

use crate::config::CloudConfig;
use crate::dispatch::{DispatchConfig, Dispatcher};
use crate::metrics::Metrics;
use crate::room::RoomMedia;
use crate::writer::RecordWriter;

/// A started cloud: where it listens, and the tasks its process lives by.
#[derive(Debug)]
pub struct RunningCloud {
    /// Base URL of the API (`https://127.0.0.1:8443`).
    pub api_url: String,
    /// SIP trunk address (UDP and TCP).
    pub sip_addr: SocketAddr,
    /// The certificate agents should trust (self-signed or configured); `None` for plain HTTP.
    pub ca_cert: Option<PathBuf>,
    /// The store's URL, password hidden.
    pub database: String,
    /// The dispatcher's task: it ends only if the dispatcher died, and then the process must
    /// exit (non-zero) for its supervisor to restart it, rather than run on without routing.
    pub dispatcher: tokio::task::JoinHandle<()>,
    /// The queue of records to write; [`RecordWriter::flush`] it before exiting.
    pub writer: RecordWriter,
    /// The store, to close after the flush.
    pub store: Store,
}

/// Starts every part of the cloud and returns once all are listening.
pub async fn start(config: CloudConfig) -> anyhow::Result<RunningCloud> {
    ringdesk_rtc::install_crypto();
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating {}", config.data_dir.display()))?;
    let database = ringdesk_store::redacted_url(&config.database);
    let store = Store::connect(&config.database)
        .await
        .with_context(|| format!("opening the store {database}"))?;
    let orphans = store.close_orphaned_calls(now_ms()).await?;
    if orphans > 0 {
        tracing::warn!("closed {orphans} call records left open by an earlier crash");
    }
    store.log_everyone_offline(now_ms()).await?;
    let speech: Arc<dyn speech::SpeechEngine> = Arc::new(
        speech::Voices::new(config.korean_voice.as_deref())
            .context("loading the Korean voice (--korean-voice)")?,
    );
    if config.demo && store.seed_demo_if_empty(now_ms()).await? {
        tracing::info!("created demo data");
        workflows::demo::seed(&store, &speech).await?;
        if config.demo_activity {
            demo_activity::seed(&store, now_ms()).await?;
        }
    }
    if dialplan::seed_rates_if_empty(&store).await? {
        tracing::info!("seeded the international rate table");
    }
    let trunk_config = TrunkConfig {
        realm: "ringdesk".into(),
        advertised: SocketAddr::new(config.sip_advertised, config.sip.port()),
        peers: config.trunk_peers.clone(),
        user_agent: format!("Ringdesk/{}", env!("CARGO_PKG_VERSION")),
        outbound: config.outbound.clone(),
    };
    let (trunk, trunk_events) =
        ringdesk_sip::runtime::start(config.sip, trunk_config, rand::random())
            .await
            .with_context(|| format!("starting the SIP trunk on {}", config.sip))?;
    let metrics = Metrics::default();
    let writer = RecordWriter::spawn(store.clone());
    let transcriber = match &config.whisper_model {
        Some(model) => Some(
            transcribe::Transcriber::load(model, config.transcribe_workers)
                .context("loading the Whisper model (--whisper-model)")?,
        ),
        None => {
            tracing::info!(
                "no Whisper model (--whisper-model): calls are recorded, not transcribed"
            );
            None
        }
    };
    let recordings = recording::Recordings::new(&config.data_dir, writer.clone(), transcriber)
        .with_context(|| {
            format!(
                "creating the recordings' directory in {}",
                config.data_dir.display()
            )
        })?;
    let unfinished = recordings.recover(&store).await?;
    if unfinished > 0 {
        tracing::warn!("finishing {unfinished} recordings an earlier crash left being written");
    }
    recordings.spawn_retention(store.clone());
    let first_ids = store
        .reserve_call_ids(dispatch::CALL_ID_BLOCK)
        .await
        .context("reserving call ids")?;
    let dispatcher = Dispatcher::spawn(
        DispatchConfig {
            ring_timeout: config.ring_timeout,
            can_dial_out: config.outbound.is_some(),
            dial_timeout: config.dial_timeout,
            room: RoomMedia {
                ip: config.media_ip,
                rtp_timeout: config.rtp_timeout,
                hold_music: config.hold_music.clone(),
                recordings: recordings.clone(),
            },
            speech: speech.clone(),
            sms: config
                .sms
                .clone()
                .map(|(endpoint, key)| sms::SmsProvider::new(endpoint, key)),
        },
        store.clone(),
        writer.clone(),
        first_ids,
        trunk.clone(),
        trunk_events,
        metrics.clone(),
    );
    inbox::spawn_snooze_waker(store.clone(), dispatcher.tx.clone());
    let app = api::router(api::AppState {
        store: store.clone(),
        dispatcher: dispatcher.tx,
        next_session: Arc::new(AtomicU64::new(1)),
        meet_limit: Arc::new(std::sync::Mutex::new(limit::AttemptLimit::new(
            api::MEET_CALLS_PER_MINUTE,
            std::time::Duration::from_secs(60),
        ))),
        network_test_limit: Arc::new(std::sync::Mutex::new(limit::AttemptLimit::new(
            network_test::NETWORK_TESTS_PER_MINUTE,
            std::time::Duration::from_secs(60),
        ))),
        metrics_api_limit: Arc::new(std::sync::Mutex::new(limit::AttemptLimit::new(
            statistics::metrics_api::REQUESTS_PER_MINUTE,
            std::time::Duration::from_secs(60),
        ))),
        media_ip: config.media_ip,
        trusted_proxies: config.trusted_proxies.clone().into(),
        metrics,
        speech,
        recordings,
    });
    let listener = std::net::TcpListener::bind(config.api)
        .with_context(|| format!("binding the API on {}", config.api))?;
    listener.set_nonblocking(true)?;
    let api_addr = listener.local_addr()?;
    let (api_url, ca_cert) = if config.insecure_http {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        tokio::spawn(async move {
            let app = app.into_make_service_with_connect_info::<SocketAddr>();
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!("API server stopped: {e}");
            }
        });
        (format!("http://{api_addr}"), None)
    } else {
        let (cert, key) = match &config.tls {
            Some(pair) => pair.clone(),
            None => tls::ensure_certificate(&config.data_dir, Some(api_addr.ip()))?,
        };
        let rustls = axum_server::tls_rustls::RustlsConfig::from_pem_file(&cert, &key)
            .await
            .with_context(|| format!("loading TLS certificate {}", cert.display()))?;
        let server = axum_server::from_tcp_rustls(listener, rustls)?;
        tokio::spawn(async move {
            let app = app.into_make_service_with_connect_info::<SocketAddr>();
            if let Err(e) = server.serve(app).await {
                tracing::error!("API server stopped: {e}");
            }
        });
        (format!("https://{api_addr}"), Some(cert))
    };
    Ok(RunningCloud {
        api_url,
        sip_addr: trunk.local_addr,
        ca_cert,
        database,
        dispatcher: dispatcher.task,
        writer,
        store,
    })
}
