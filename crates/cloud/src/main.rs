//! `ringdesk-cloud`: run the cloud service.
//!
//! Prints one JSON line `{"event":"ready",...}` on stdout when every listener is up, so
//! scripts, tests and the desktop app can find the ports it chose. Ctrl-C or SIGTERM shut it
//! down cleanly (every record reported is written first); if the call dispatcher ever dies the
//! process exits with status 70 so a supervisor restarts it.

use clap::Parser;
use ringdesk_cloud::config::Args;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,str0m=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    if !ringdesk_cloud::memory::return_large_blocks_when_freed() {
        tracing::warn!("malloc refused its mmap threshold: freed memory may stay resident");
    }
    let config = Args::parse().into_config()?;
    let mut cloud = ringdesk_cloud::start(config).await?;
    let ready = serde_json::json!({
        "event": "ready",
        "api": cloud.api_url,
        "sip": cloud.sip_addr.to_string(),
        "caCert": cloud.ca_cert.as_ref().map(|p| p.display().to_string()),
        "database": cloud.database,
    });
    println!("{ready}");
    tracing::info!(
        "Ringdesk cloud ready: API {} · SIP {} (UDP/TCP)",
        cloud.api_url,
        cloud.sip_addr
    );
    tokio::select! {
        why = shutdown_signal() => tracing::info!("{}; shutting down", why?),
        ended = &mut cloud.dispatcher => {
            // Without its dispatcher the service takes calls it can never route: stop, so a
            // supervisor starts a whole one. Records queued so far are still written.
            tracing::error!("the call dispatcher stopped ({ended:?}); exiting");
            cloud.writer.flush().await;
            std::process::exit(70);
        }
    }
    // Calls still going on are closed as `serviceRestart` at the next start; what was
    // recorded so far is written before we go.
    cloud.writer.flush().await;
    cloud.store.close().await;
    tracing::info!("records written; bye");
    Ok(())
}

/// Ctrl-C, or on Unix SIGTERM (what supervisors and `kill` send): either is a clean shutdown.
async fn shutdown_signal() -> std::io::Result<&'static str> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut terminate = signal(SignalKind::terminate())?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r.map(|()| "interrupted"),
            _ = terminate.recv() => Ok("terminated"),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await.map(|()| "interrupted")
    }
}
