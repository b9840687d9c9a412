//! `ringdesk-agent`: a headless agent. Prints every event as one JSON line on stdout and takes
//! commands on stdin, so it can be scripted, tested and used without a window:
//!
//! - ringing calls: `answer ID`, `decline ID`, `pickup ID [leave]` (a call ringing at a
//!   teammate; `leave` leaves the call we are in first);
//! - in a call: `hangup ID` (leave), `end ID` (end for all), `hold ID`, `resume ID`,
//!   `record ID pause|resume` (the call's recording),
//!   `dtmf ID DIGITS`, `mute ID on|off`, `invite ID MANAGER`,
//!   `transfer ID cold|warm manager|team N`, `complete ID`, `cancel ID` (a transfer),
//!   `queue ID TEAM`, `parallel ID manager N` / `parallel ID number NUMBER [CALLER_ID]`,
//!   `switch ID` (the other line), `merge ID`;
//! - placing calls: `dial NUMBER [CALLER_ID]` (Korean national form or `+` international);
//! - the desk: `wav PLAY RECORD`, `status available|away [dnd]`, `wallboard on|off`, `quit`.
//!
//! With `--keyring` the session token goes to the OS keyring and later runs need no password;
//! `--logout` revokes and forgets it. With `--data-dir` the recent-calls list is kept in the
//! local cache, and `--history` prints it (also offline).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use ringdesk_agent::audio::AudioDevice;
use ringdesk_agent::audio::cpal_device::CpalDevice;
use ringdesk_agent::audio::wav::WavDevice;
use ringdesk_agent::cache::LocalCache;
use ringdesk_agent::client::{self, ServerConfig};
use ringdesk_agent::{
    AgentCommand, AgentConfig, AudioSetup, Credentials, ParallelTo, TransferTo, credentials,
};
use ringdesk_wire::{AgentEvent, AgentStatus, Assignment, ErrorCode, ServerEvent, TransferKind};
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
    /// Print the audio devices cpal sees as JSON and exit.
    #[arg(long)]
    list_devices: bool,
    /// Print the microphone's level (dBFS) ten times a second for this many seconds, and exit.
    #[arg(long, value_name = "SECONDS")]
    input_level: Option<u64>,
    /// The microphone for --input-level, by name (default: the system's).
    #[arg(long)]
    microphone: Option<String>,
    /// Login email.
    #[arg(long, env = "RINGDESK_EMAIL", required_unless_present_any = ["list_devices", "input_level"])]
    email: Option<String>,
    /// Password; may be left out with --keyring once a token is saved.
    #[arg(long, env = "RINGDESK_PASSWORD")]
    password: Option<String>,
    /// Keep the session token in the OS keyring (and use a saved one when no password is given).
    #[arg(long)]
    keyring: bool,
    /// Revoke the saved token at the cloud, delete it from the keyring, and exit.
    #[arg(long, requires = "keyring")]
    logout: bool,
    /// Directory of the local cache (settings and recent calls).
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Print the recent and missed calls from the local cache as JSON and exit.
    #[arg(long, requires = "data_dir")]
    history: bool,
    /// Join calls muted.
    #[arg(long)]
    start_muted: bool,
    /// Send the microphone as it is: no echo cancellation, noise suppression or gain control.
    #[arg(long)]
    no_voice_processing: bool,
    /// How long before a callback's time its reminder (`callbackDue`) comes, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = ringdesk_wire::CALLBACK_REMINDER_LEAD_S as u64)]
    callback_lead: u64,
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
    /// WAV to record the ringtone into, as the ringer device (with --wav).
    #[arg(long, requires = "wav")]
    ringer: Option<PathBuf>,
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
            .ok_or_else(|| {
                format!(
                    "expected a number (call, manager or team id) as word {} of {line:?}",
                    i + 1
                )
            })
    };
    match parts.first().copied() {
        Some("answer") => Ok(AgentCommand::Answer(id(1)?)),
        Some("decline") => Ok(AgentCommand::Decline(id(1)?)),
        Some("hangup") => Ok(AgentCommand::Hangup(id(1)?)),
        Some("end") => Ok(AgentCommand::EndForAll(id(1)?)),
        Some("pickup") if parts.get(2) == Some(&"leave") => {
            Ok(AgentCommand::PickUpLeavingCurrent(id(1)?))
        }
        Some("pickup") => Ok(AgentCommand::PickUp(id(1)?)),
        Some("dial") => Ok(AgentCommand::Dial {
            number: parts
                .get(1)
                .ok_or_else(|| format!("expected `dial NUMBER [CALLER_ID]` in {line:?}"))?
                .to_string(),
            caller_id: parts.get(2).map(|s| s.to_string()),
        }),
        Some("invite") => Ok(AgentCommand::Invite(id(1)?, id(2)?)),
        Some("transfer") => {
            let kind = match parts.get(2).copied() {
                Some("cold") => TransferKind::Cold,
                Some("warm") => TransferKind::Warm,
                _ => {
                    return Err(format!(
                        "expected `transfer ID cold|warm manager|team N` in {line:?}"
                    ));
                }
            };
            let to = match parts.get(3).copied() {
                Some("manager") => TransferTo::Manager(id(4)?),
                Some("team") => TransferTo::Team(id(4)?),
                _ => {
                    return Err(format!(
                        "expected `transfer ID cold|warm manager|team N` in {line:?}"
                    ));
                }
            };
            Ok(AgentCommand::Transfer {
                call_id: id(1)?,
                kind,
                to,
            })
        }
        Some("parallel") => {
            let to = match (parts.get(2).copied(), parts.get(3)) {
                (Some("manager"), _) => ParallelTo::Manager(id(3)?),
                (Some("number"), Some(n)) => {
                    ParallelTo::Number(n.to_string(), parts.get(4).map(|s| s.to_string()))
                }
                _ => {
                    return Err(format!(
                        "expected `parallel ID manager N` or `parallel ID number NUMBER` in {line:?}"
                    ));
                }
            };
            Ok(AgentCommand::ParallelCall {
                call_id: id(1)?,
                to,
            })
        }
        Some("switch") => Ok(AgentCommand::SwitchLine(id(1)?)),
        Some("merge") => Ok(AgentCommand::Merge(id(1)?)),
        Some("complete") => Ok(AgentCommand::CompleteTransfer(id(1)?)),
        Some("cancel") => Ok(AgentCommand::CancelTransfer(id(1)?)),
        Some("queue") => Ok(AgentCommand::TransferToQueue(id(1)?, id(2)?)),
        Some("hold") => Ok(AgentCommand::SetHold(id(1)?, true)),
        Some("resume") => Ok(AgentCommand::SetHold(id(1)?, false)),
        Some("record") => Ok(AgentCommand::SetRecordingPaused(
            id(1)?,
            match parts.get(2).copied() {
                Some("pause") => true,
                Some("resume") => false,
                _ => return Err("record ID pause|resume".into()),
            },
        )),
        Some("mute") => Ok(AgentCommand::SetMuted(
            id(1)?,
            match parts.get(2).copied() {
                Some("on") => true,
                Some("off") => false,
                _ => return Err(format!("expected `mute ID on|off` in {line:?}")),
            },
        )),
        Some("wav") => Ok(AgentCommand::SetAudio(AudioSetup {
            call: Arc::new(WavDevice {
                play: parts.get(1).map(PathBuf::from),
                record: parts.get(2).map(PathBuf::from),
                loop_play: true,
            }),
            ringer: None,
        })),
        Some("dtmf") => Ok(AgentCommand::Dtmf(
            id(1)?,
            parts.get(2).ok_or("expected digits")?.to_string(),
        )),
        Some("status") => Ok(AgentCommand::SetStatus {
            status: parse_status(parts.get(1).copied().unwrap_or(""))?,
            do_not_disturb: parts.get(2) == Some(&"dnd"),
        }),
        Some("assignment") => Ok(AgentCommand::SetAssignment(Assignment {
            takes_phone_calls: !parts.contains(&"no-phone"),
            ring_unassigned: !parts.contains(&"no-unassigned"),
        })),
        Some("wallboard") => match parts.get(1).copied() {
            Some("on") => Ok(AgentCommand::WatchWallboard(true)),
            Some("off") => Ok(AgentCommand::WatchWallboard(false)),
            _ => Err("expected `wallboard on` or `wallboard off`".into()),
        },
        Some("quit") => Ok(AgentCommand::Shutdown),
        _ => Err(format!("unknown command {line:?}")),
    }
}

/// `--history`: the local cache's lists, one JSON object, without touching the network.
fn print_history(path: Option<&std::path::Path>, account: &str) -> anyhow::Result<()> {
    let path = path.ok_or_else(|| anyhow::anyhow!("--history needs --data-dir"))?;
    let cache = LocalCache::open(path, ringdesk_agent::cache::unix_now_ms())?;
    let lists = ringdesk_wire::RecentCallLists {
        recent: cache.recent_calls(account, 5)?,
        missed: cache.missed_calls(account, 50)?,
    };
    println!("{}", serde_json::to_string(&lists)?);
    Ok(())
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
    if args.list_devices {
        let (inputs, outputs) = ringdesk_agent::audio::cpal_device::list_devices()?;
        println!(
            "{}",
            serde_json::to_string(&ringdesk_wire::AudioDeviceList { inputs, outputs })?
        );
        return Ok(());
    }
    if let Some(secs) = args.input_level {
        let device = Arc::new(CpalDevice {
            input: args.microphone.clone(),
            output: None,
        });
        let _meter = ringdesk_agent::audio::check::start_level_meter(device, |dbfs| {
            println!("{dbfs:.1}");
        })?;
        tokio::time::sleep(Duration::from_secs(secs)).await;
        return Ok(());
    }
    let email = args.email.clone().unwrap_or_default();
    let server = ServerConfig::with_ca_file(&args.server, args.ca_cert.as_deref())?;
    let account = credentials::account(&server.url, &email);
    let cache_path = args.data_dir.as_ref().map(|d| d.join("cache.sqlite3"));
    if args.history {
        return print_history(cache_path.as_deref(), &account);
    }
    if args.logout {
        if let Some(token) = credentials::load_token(&account)? {
            client::logout(&server, &token).await?;
        }
        credentials::delete_token(&account)?;
        return Ok(());
    }
    let credentials = match (&args.password, args.keyring) {
        (Some(p), _) => Credentials::Password(p.clone()),
        (None, true) => {
            Credentials::Token(credentials::load_token(&account)?.ok_or_else(|| {
                anyhow::anyhow!("no saved session for {account}; log in with --password")
            })?)
        }
        (None, false) => {
            anyhow::bail!("--password is required (or --keyring with a saved session)")
        }
    };
    let audio = if args.wav {
        AudioSetup {
            call: Arc::new(WavDevice {
                play: args.play.clone(),
                record: args.record.clone(),
                loop_play: true,
            }),
            ringer: args.ringer.clone().map(|r| {
                Arc::new(WavDevice {
                    play: None,
                    record: Some(r),
                    loop_play: false,
                }) as Arc<dyn AudioDevice>
            }),
        }
    } else {
        let device: Arc<dyn AudioDevice> = Arc::new(CpalDevice::default());
        AudioSetup {
            call: device.clone(),
            ringer: Some(device),
        }
    };
    let config = AgentConfig {
        server,
        email,
        credentials,
        initial_status: args.status,
        audio,
        start_muted: args.start_muted,
        voice: if args.no_voice_processing {
            ringdesk_wire::VoiceProcessing::OFF
        } else {
            ringdesk_wire::VoiceProcessing::default()
        },
        volume: ringdesk_wire::CallVolume::default(),
        cache_path,
        callback_lead: Duration::from_secs(args.callback_lead),
    };
    let ringdesk_agent::Started {
        agent,
        mut events,
        token,
        ..
    } = ringdesk_agent::start(config).await?;
    if args.keyring {
        credentials::save_token(&account, &token)?;
    }
    let mut stdin = BufReader::new(tokio::io::stdin()).lines();
    let mut stdin_open = true;
    loop {
        tokio::select! {
            e = events.recv() => {
                let Some(e) = e else { break };
                print(&e);
                match &e {
                    AgentEvent::Server(ServerEvent::Ring { call_id, .. }) => {
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
                    Err(message) => print(&AgentEvent::error(ErrorCode::BadCommand, message)),
                },
                // stdin closed (e.g. run from a script): keep going on events alone.
                _ => stdin_open = false,
            },
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    Ok(())
}
