//! `ringdesk-cloud`: run the cloud service.
//!
//! Prints one JSON line `{"event":"ready",...}` on stdout when every listener is up, so
//! scripts, tests and the desktop app can find the ports it chose.

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
    let config = Args::parse().into_config()?;
    let cloud = ringdesk_cloud::start(config).await?;
    let ready = serde_json::json!({
        "event": "ready",
        "api": cloud.api_url,
        "sip": cloud.sip_addr.to_string(),
        "caCert": cloud.ca_cert.as_ref().map(|p| p.display().to_string()),
        "database": cloud.database.display().to_string(),
    });
    println!("{ready}");
    tracing::info!(
        "Ringdesk cloud ready: API {} · SIP {} (UDP/TCP)",
        cloud.api_url,
        cloud.sip_addr
    );
    tokio::signal::ctrl_c().await?;
    tracing::info!("shutting down");
    Ok(())
}
