//! `ringdesk-agent`: a headless agent. Prints every event as one JSON line on stdout and takes
//! commands on stdin (`answer ID`, `decline ID`, `hangup ID`, `dtmf ID DIGITS`,
//! `status available|away [dnd]`, `quit`), so it can be scripted, tested and used without a
//! window.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use ringdesk_agent::audio::AudioDevice;
use ringdesk_agent::audio::cpal_device::CpalDevice;
use ringdesk_agent::audio::wav::WavDevice;
use ringdesk_agent::client::ServerConfig;
use ringdesk_agent::{AgentCommand, AgentConfig};
use ringdesk_wire::{AgentEvent, AgentStatus};
use tokio::io::{AsyncBufReadExt, BufReader};
use tracing_subscriber::EnvFilter;

#[derive(Debug, Parser)]
#[command(
    name = "ringdesk-agent",
    version,
    about = "Headless Ringdesk agent (events as JSON lines on stdout)"
)]
struct Args {
    /// Cloud API URL.
    #[arg(
        long,
        env = "RINGDESK_SERVER",
        default_value = "https://127.0.0.1:8443"
    )]
    server: String,
    /// Trust only this PEM certificate (the embedded cloud's self-signed one).
    #[arg(long, env = "RINGDESK_CA_CERT")]
    ca_cert: Option<PathBuf>,
    /// Login email.
    #[arg(long, env = "RINGDESK_EMAIL")]
    email: String,
    /// Password.
    #[arg(long, env = "RINGDESK_PASSWORD")]
    password: String,
    /// Status to set after connecting.
    #[arg(long, value_parser = parse_status)]
    status: Option<AgentStatus>,
    /// Audio through WAV files instead of sound devices.
    #[arg(long)]
    wav: bool,
    /// WAV to use as the microphone (with --wav).
    #[arg(long, requires = "wav")]
    play: Option<PathBuf>,
    /// WAV to record what the call sounds like (with --wav).
    #[arg(long, requires = "wav")]
    record: Option<PathBuf>,
    /// Answer every ring automatically after this many milliseconds.
    #[arg(long)]
    auto_answer_ms: Option<u64>,
    /// Decline every ring automatically.
    #[arg(long, conflicts_with = "auto_answer_ms")]
    auto_decline: bool,
    /// Hang up this many milliseconds after media connects.
    #[arg(long)]
    hangup_after_ms: Option<u64>,
}

fn parse_status(s: &str) -> Result<AgentStatus, String> {
    match s {
        "available" => Ok(AgentStatus::Available),
        "away" => Ok(AgentStatus::Away),
        other => Err(format!("status must be available or away, not {other:?}")),
    }
}

fn print(e: &AgentEvent) {
    if let Ok(line) = serde_json::to_string(e) {
        println!("{line}");
    }
}

fn parse_command(line: &str) -> Result<AgentCommand, String> {
    let parts: Vec<&str> = line.split_whitespace().collect();
    let id = |i: usize| {
        parts
            .get(i)
            .and_then(|s| s.parse::<i64>().ok())
            .ok_or_else(|| format!("expected a call id in {line:?}"))
    };
    match parts.first().copied() {
        Some("answer") => Ok(AgentCommand::Answer(id(1)?)),
        Some("decline") => Ok(AgentCommand::Decline(id(1)?)),
        Some("hangup") => Ok(AgentCommand::Hangup(id(1)?)),
        Some("dtmf") => Ok(AgentCommand::Dtmf(
            id(1)?,
            parts.get(2).ok_or("expected digits")?.to_string(),
        )),
        Some("status") => Ok(AgentCommand::SetStatus {
            status: parse_status(parts.get(1).copied().unwrap_or(""))?,
            do_not_disturb: parts.get(2) == Some(&"dnd"),
        }),
        Some("quit") => Ok(AgentCommand::Shutdown),
        _ => Err(format!("unknown command {line:?}")),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    ringdesk_agent::install_crypto();
    let args = Args::parse();
    let device: Arc<dyn AudioDevice> = if args.wav {
        Arc::new(WavDevice {
            play: args.play.clone(),
            record: args.record.clone(),
            loop_play: true,
        })
    } else {
        Arc::new(CpalDevice::default())
    };
    let config = AgentConfig {
        server: ServerConfig::with_ca_file(&args.server, args.ca_cert.as_deref())?,
        email: args.email.clone(),
        password: args.password.clone(),
        initial_status: args.status,
        device,
    };
    let ringdesk_agent::Started {
        agent, mut events, ..
    } = ringdesk_agent::start(config).await?;
    let mut stdin = BufReader::new(tokio::io::stdin()).lines();
    let mut stdin_open = true;
    loop {
        tokio::select! {
            e = events.recv() => {
                let Some(e) = e else { break };
                print(&e);
                match &e {
                    AgentEvent::Ring { call_id, .. } => {
                        if let Some(ms) = args.auto_answer_ms {
                            let (agent, call) = (agent.clone(), *call_id);
                            tokio::spawn(async move {
                                tokio::time::sleep(Duration::from_millis(ms)).await;
                                agent.send(AgentCommand::Answer(call));
                            });
                        } else if args.auto_decline {
                            agent.send(AgentCommand::Decline(*call_id));
                        }
                    }
                    AgentEvent::MediaConnected { call_id } => {
                        if let Some(ms) = args.hangup_after_ms {
                            let (agent, call) = (agent.clone(), *call_id);
                            tokio::spawn(async move {
                                tokio::time::sleep(Duration::from_millis(ms)).await;
                                agent.send(AgentCommand::Hangup(call));
                            });
                        }
                    }
                    _ => {}
                }
            }
            line = stdin.next_line(), if stdin_open => match line {
                Ok(Some(l)) if l.trim().is_empty() => {}
                Ok(Some(l)) => match parse_command(&l) {
                    Ok(AgentCommand::Shutdown) => {
                        agent.send(AgentCommand::Shutdown);
                        // Give the session a moment to close the socket cleanly.
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        break;
                    }
                    Ok(c) => agent.send(c),
                    Err(message) => print(&AgentEvent::Error { code: "badCommand".into(), message }),
                },
                // stdin closed (e.g. run from a script): keep going on events alone.
                _ => stdin_open = false,
            },
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    Ok(())
}
