//! The cloud's configuration, from the command line (and environment, via clap).

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use ringdesk_media::prompt::Prompt;
use ringdesk_sip::trunk::{OutboundRoute, TrunkPeer};

/// Command-line options of `ringdesk-cloud`.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "ringdesk-cloud",
    version,
    about = "Ringdesk cloud: SIP trunk, WebRTC agents, call routing and API"
)]
pub struct Args {
    /// Directory for the database and generated TLS certificate.
    #[arg(long, env = "RINGDESK_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Where the store lives: `sqlite://PATH` or `postgres://USER:PASSWORD@HOST:PORT/DB`
    /// (default: the embedded SQLite file `ringdesk.sqlite` in the data directory).
    #[arg(long, env = "RINGDESK_DATABASE")]
    pub database: Option<String>,
    /// HTTPS/WSS API address.
    #[arg(long, env = "RINGDESK_API", default_value = "127.0.0.1:8443")]
    pub api: SocketAddr,
    /// Serve plain HTTP instead of HTTPS. Refused unless `--api` is a loopback address.
    #[arg(long)]
    pub insecure_http: bool,
    /// PEM certificate chain for the API (a self-signed one is generated when absent).
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for `--tls-cert`.
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// SIP trunk address (UDP and TCP).
    #[arg(long, env = "RINGDESK_SIP", default_value = "127.0.0.1:5060")]
    pub sip: SocketAddr,
    /// Address trunk peers reach us at, for Contact/Via (default: the SIP bind address).
    #[arg(long)]
    pub sip_advertised: Option<IpAddr>,
    /// IP for RTP and WebRTC media sockets (default: the SIP bind address, or 127.0.0.1).
    #[arg(long)]
    pub media_ip: Option<IpAddr>,
    /// Trunk peer addresses allowed to send calls (repeatable). Default: loopback only.
    #[arg(long = "trunk-allow")]
    pub trunk_allow: Vec<IpAddr>,
    /// Digest username trunk peers must authenticate with.
    #[arg(long, requires = "trunk_password")]
    pub trunk_user: Option<String>,
    /// Digest password for `--trunk-user`.
    #[arg(long, env = "RINGDESK_TRUNK_PASSWORD", requires = "trunk_user")]
    pub trunk_password: Option<String>,
    /// The carrier's SIP address (UDP) calls placed by managers go to; without it managers
    /// can't dial out.
    #[arg(long, env = "RINGDESK_TRUNK_OUTBOUND")]
    pub trunk_outbound: Option<SocketAddr>,
    /// Host part of the Request-URI for placed calls (default: the carrier's address).
    #[arg(long, requires = "trunk_outbound")]
    pub trunk_outbound_domain: Option<String>,
    /// Digest username the carrier challenges placed calls for.
    #[arg(long, requires_all = ["trunk_outbound", "trunk_outbound_password"])]
    pub trunk_outbound_user: Option<String>,
    /// Digest password for `--trunk-outbound-user`.
    #[arg(
        long,
        env = "RINGDESK_TRUNK_OUTBOUND_PASSWORD",
        requires = "trunk_outbound_user"
    )]
    pub trunk_outbound_password: Option<String>,
    /// A reverse proxy in front of the API (repeatable). Requests from it carry the visitor's
    /// address in `X-Forwarded-For`, which the meet page's per-address limit then uses;
    /// from anyone else that header is ignored.
    #[arg(long = "trusted-proxy")]
    pub trusted_proxies: Vec<IpAddr>,
    /// Seconds a call a manager places may ring unanswered before we give up on it (CANCEL).
    #[arg(long, default_value_t = 60)]
    pub dial_timeout_secs: u64,
    /// The SMS provider's API that workflows' text messages are POSTed to (`http(s)://…`);
    /// without it an SMS step is recorded as not sent.
    #[arg(long)]
    pub sms_endpoint: Option<String>,
    /// Bearer key for `--sms-endpoint`.
    #[arg(long, env = "RINGDESK_SMS_API_KEY", requires = "sms_endpoint")]
    pub sms_api_key: Option<String>,
    /// Seconds a call rings one manager before moving on.
    #[arg(long, default_value_t = 30)]
    pub ring_timeout_secs: u64,
    /// Seconds without RTP from an answered customer before the call is ended (with a BYE).
    #[arg(long, default_value_t = 60)]
    pub rtp_timeout_secs: u64,
    /// Do not create demo data on first start.
    #[arg(long)]
    pub no_demo: bool,
    /// With the demo data, a few days of past calls, conversations and a callback (`cargo
    /// xtask run` asks for them; tests start without).
    #[arg(long, conflicts_with = "no_demo")]
    pub demo_activity: bool,
    /// What held customers hear: a PCM WAV file, looped (default: the one in `assets/`,
    /// built in).
    #[arg(long, env = "RINGDESK_HOLD_MUSIC")]
    pub hold_music: Option<PathBuf>,
    /// The Kokoro voice's directory (`cargo xtask setup` installs it under
    /// `~/.cache/ringdesk/voices/kokoro`): Korean text-to-speech prompts are spoken with it.
    /// Without it they come from eSpeak NG, which Korean callers find hard to follow.
    #[arg(long, env = "RINGDESK_KOREAN_VOICE")]
    pub korean_voice: Option<PathBuf>,
    /// The Whisper model (ggml) call recordings are transcribed with (`cargo xtask setup`
    /// installs it as `~/.cache/ringdesk/models/whisper-base/ggml-base.bin`). Without it calls
    /// are recorded, not transcribed.
    #[arg(long, env = "RINGDESK_WHISPER_MODEL")]
    pub whisper_model: Option<PathBuf>,
    /// Threads transcribing at most (each takes a core while it works).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub transcribe_workers: u16,
}

/// The hold music every build carries (`assets/hold-music.wav`).
const BUILT_IN_HOLD_MUSIC: &[u8] = include_bytes!("../../../assets/hold-music.wav");

/// Validated configuration.
#[derive(Debug, Clone)]
pub struct CloudConfig {
    /// Database and certificate directory.
    pub data_dir: PathBuf,
    /// The store's URL (`sqlite://…` or `postgres://…`).
    pub database: String,
    /// API bind address.
    pub api: SocketAddr,
    /// Plain HTTP (loopback only).
    pub insecure_http: bool,
    /// Configured certificate and key.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// SIP bind address.
    pub sip: SocketAddr,
    /// SIP advertised IP.
    pub sip_advertised: IpAddr,
    /// Media IP.
    pub media_ip: IpAddr,
    /// Trunk peers.
    pub trunk_peers: Vec<TrunkPeer>,
    /// Where placed calls go; `None`: managers can't dial out.
    pub outbound: Option<OutboundRoute>,
    /// How long a placed call may ring unanswered.
    pub dial_timeout: Duration,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// Ring timeout per manager.
    pub ring_timeout: Duration,
    /// Silence on the customer's RTP after which an answered call is ended.
    pub rtp_timeout: Duration,
    /// Seed demo data on first start.
    pub demo: bool,
    /// Seed the demo's past activity too.
    pub demo_activity: bool,
    /// What held customers hear, decoded.
    pub hold_music: Prompt,
    /// Where workflows' text messages go: the endpoint and its key.
    pub sms: Option<(String, Option<String>)>,
    /// The Kokoro voice's directory for Korean prompts, if one is installed.
    pub korean_voice: Option<PathBuf>,
    /// The Whisper model transcripts are made with, if one is installed.
    pub whisper_model: Option<PathBuf>,
    /// Transcription threads.
    pub transcribe_workers: usize,
}

/// Why a configuration is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// Plain HTTP was asked for on a non-loopback address.
    #[error(
        "--insecure-http is only allowed on a loopback address (got {0}); signaling must be TLS elsewhere"
    )]
    InsecureNonLoopback(SocketAddr),
    /// A wildcard address can't be put in SDP or Contact.
    #[error(
        "{0} is a wildcard address; pass --sip-advertised / --media-ip with the address peers should use"
    )]
    WildcardNeedsAdvertised(IpAddr),
    /// The SMS endpoint is not an HTTP(S) URL.
    #[error("--sms-endpoint must be an http:// or https:// URL, not {0:?}")]
    SmsEndpoint(String),
    /// The hold music file cannot be read or played.
    #[error("hold music {path}: {problem}")]
    HoldMusic {
        /// The file.
        path: String,
        /// What is wrong.
        problem: String,
    },
}

impl Args {
    /// Checks and fills defaults.
    pub fn into_config(self) -> Result<CloudConfig, ConfigError> {
        if self.insecure_http && !self.api.ip().is_loopback() {
            return Err(ConfigError::InsecureNonLoopback(self.api));
        }
        let sip_ip = self.sip.ip();
        let sip_advertised = match self.sip_advertised {
            Some(ip) => ip,
            None if sip_ip.is_unspecified() => {
                return Err(ConfigError::WildcardNeedsAdvertised(sip_ip));
            }
            None => sip_ip,
        };
        let media_ip = self.media_ip.unwrap_or(sip_advertised);
        if media_ip.is_unspecified() {
            return Err(ConfigError::WildcardNeedsAdvertised(media_ip));
        }
        let allow = if self.trunk_allow.is_empty() && self.trunk_user.is_none() {
            vec![
                "127.0.0.1".parse().expect("literal"),
                "::1".parse().expect("literal"),
            ]
        } else {
            self.trunk_allow
        };
        let peer = TrunkPeer {
            name: "trunk".into(),
            addresses: allow,
            credentials: self.trunk_user.zip(self.trunk_password),
        };
        let hold_music = match &self.hold_music {
            None => Prompt::from_wav(BUILT_IN_HOLD_MUSIC).expect("the built-in hold music plays"),
            Some(path) => {
                let bad = |problem: String| ConfigError::HoldMusic {
                    path: path.display().to_string(),
                    problem,
                };
                let bytes = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
                Prompt::from_wav(&bytes).map_err(|e| bad(e.to_string()))?
            }
        };
        let database = self.database.unwrap_or_else(|| {
            format!(
                "sqlite://{}",
                self.data_dir.join("ringdesk.sqlite").display()
            )
        });
        Ok(CloudConfig {
            database,
            data_dir: self.data_dir,
            api: self.api,
            insecure_http: self.insecure_http,
            tls: self.tls_cert.zip(self.tls_key),
            sip: self.sip,
            sip_advertised,
            media_ip,
            trunk_peers: vec![peer],
            dial_timeout: Duration::from_secs(self.dial_timeout_secs.max(1)),
            trusted_proxies: self.trusted_proxies,
            outbound: self.trunk_outbound.map(|target| OutboundRoute {
                target,
                domain: self
                    .trunk_outbound_domain
                    .unwrap_or_else(|| target.ip().to_string()),
                credentials: self.trunk_outbound_user.zip(self.trunk_outbound_password),
            }),
            ring_timeout: Duration::from_secs(self.ring_timeout_secs),
            rtp_timeout: Duration::from_secs(self.rtp_timeout_secs.max(1)),
            demo: !self.no_demo,
            demo_activity: self.demo_activity,
            hold_music,
            sms: match self.sms_endpoint {
                Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                    Some((url, self.sms_api_key))
                }
                Some(other) => return Err(ConfigError::SmsEndpoint(other)),
                None => None,
            },
            korean_voice: self.korean_voice,
            whisper_model: self.whisper_model,
            transcribe_workers: usize::from(self.transcribe_workers),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(args: &[&str]) -> Result<CloudConfig, ConfigError> {
        Args::parse_from(std::iter::once("ringdesk-cloud").chain(args.iter().copied()))
            .into_config()
    }

    #[test]
    fn the_sms_endpoint_is_an_http_url() {
        assert_eq!(
            parse(&["--sms-endpoint", "sms.example.com/send"]).unwrap_err(),
            ConfigError::SmsEndpoint("sms.example.com/send".into())
        );
        let ok = parse(&["--sms-endpoint", "https://sms.example.com/send"]).unwrap();
        assert_eq!(ok.sms, Some(("https://sms.example.com/send".into(), None)));
    }

    #[test]
    fn plain_http_only_on_loopback() {
        assert!(parse(&["--insecure-http"]).unwrap().insecure_http);
        assert_eq!(
            parse(&["--insecure-http", "--api", "0.0.0.0:80"]).unwrap_err(),
            ConfigError::InsecureNonLoopback("0.0.0.0:80".parse().unwrap())
        );
    }

    #[test]
    fn wildcard_sip_needs_an_advertised_address() {
        assert!(parse(&["--sip", "0.0.0.0:5060"]).is_err());
        let c = parse(&["--sip", "0.0.0.0:5060", "--sip-advertised", "10.0.0.5"]).unwrap();
        assert_eq!(c.media_ip, "10.0.0.5".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn hold_music_is_built_in_or_a_playable_file() {
        assert!(
            parse(&[]).unwrap().hold_music.len() > 48_000,
            "seconds of built-in music"
        );
        let dir = std::env::temp_dir().join(format!("ringdesk-hold-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mp3 = dir.join("music.mp3");
        std::fs::write(&mp3, b"ID3\x03 not a wav").unwrap();
        let err = parse(&["--hold-music", mp3.to_str().unwrap()]).unwrap_err();
        assert!(
            matches!(&err, ConfigError::HoldMusic { problem, .. } if problem.contains("not a WAV")),
            "{err}"
        );
        let missing = dir.join("missing.wav");
        assert!(matches!(
            parse(&["--hold-music", missing.to_str().unwrap()]),
            Err(ConfigError::HoldMusic { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn default_trunk_is_loopback_and_digest_is_optional() {
        let c = parse(&[]).unwrap();
        assert_eq!(c.trunk_peers[0].addresses.len(), 2);
        assert!(c.trunk_peers[0].credentials.is_none());
        let c = parse(&["--trunk-user", "pbx", "--trunk-password", "pw"]).unwrap();
        assert!(
            c.trunk_peers[0].addresses.is_empty(),
            "digest alone, from anywhere"
        );
        assert_eq!(
            c.trunk_peers[0].credentials,
            Some(("pbx".into(), "pw".into()))
        );
    }

    #[test]
    fn the_store_is_embedded_sqlite_unless_a_url_is_given() {
        let c = parse(&["--data-dir", "/var/lib/ringdesk"]).unwrap();
        assert_eq!(c.database, "sqlite:///var/lib/ringdesk/ringdesk.sqlite");
        let url = "postgres://ringdesk:pw@db:5432/ringdesk";
        assert_eq!(parse(&["--database", url]).unwrap().database, url);
    }

    #[test]
    fn placed_calls_need_an_outbound_route() {
        assert_eq!(parse(&[]).unwrap().outbound, None);
        let c = parse(&[
            "--trunk-outbound",
            "127.0.0.1:5070",
            "--trunk-outbound-user",
            "ringdesk",
            "--trunk-outbound-password",
            "pw",
        ])
        .unwrap();
        let route = c.outbound.unwrap();
        assert_eq!(route.domain, "127.0.0.1");
        assert_eq!(route.credentials, Some(("ringdesk".into(), "pw".into())));
    }
}
