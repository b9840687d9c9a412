//! SDP offer/answer for the trunk's audio (RFC 4566 syntax, RFC 3264 negotiation): G.711
//! PCMU/PCMA plus RFC 4733 telephone-event, 20 ms.

use std::fmt::Write;
use std::net::{IpAddr, SocketAddr};

use crate::SipError;

/// A G.711 variant we can speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum G711 {
    /// µ-law.
    Pcmu,
    /// A-law.
    Pcma,
}

impl G711 {
    /// The rtpmap encoding name.
    pub fn name(self) -> &'static str {
        match self {
            G711::Pcmu => "PCMU",
            G711::Pcma => "PCMA",
        }
    }
}

/// One payload format listed on the audio m-line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Format {
    /// Payload type.
    pub pt: u8,
    /// Encoding name from rtpmap (or the static assignment of RFC 3551).
    pub name: String,
    /// Clock rate.
    pub clock_rate_hz: u32,
}

/// The parts of a remote offer the trunk needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteAudio {
    /// Where to send RTP.
    pub rtp_addr: SocketAddr,
    /// Formats in the offerer's order of preference.
    pub formats: Vec<Format>,
}

/// What both sides agreed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Negotiated {
    /// Where to send RTP.
    pub remote_rtp: SocketAddr,
    /// The voice codec.
    pub codec: G711,
    /// Its payload type (the offer's number).
    pub codec_pt: u8,
    /// telephone-event payload type, if offered.
    pub telephone_event_pt: Option<u8>,
}

/// Parses the audio part of an SDP body.
pub fn parse_remote_audio(body: &[u8]) -> Result<RemoteAudio, SipError> {
    let text = std::str::from_utf8(body).map_err(|_| SipError::BadSdp("not UTF-8".into()))?;
    let mut session_conn: Option<IpAddr> = None;
    let mut media_conn: Option<IpAddr> = None;
    let mut audio: Option<(u16, Vec<u8>)> = None;
    let mut rtpmaps: Vec<(u8, String, u32)> = Vec::new();
    let mut in_audio = false;
    let mut saw_version = false;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        let (kind, value) = line
            .split_once('=')
            .filter(|(k, _)| k.len() == 1)
            .ok_or_else(|| SipError::BadSdp(format!("line is not `x=value`: {line:.40}")))?;
        match kind {
            "v" => saw_version = value == "0",
            "c" => {
                let addr = parse_connection(value)?;
                if audio.is_some() && in_audio {
                    media_conn = Some(addr);
                } else if audio.is_none() {
                    session_conn = Some(addr);
                }
            }
            "m" => {
                in_audio = false;
                let mut parts = value.split_whitespace();
                let (Some(media), Some(port), Some(proto)) =
                    (parts.next(), parts.next(), parts.next())
                else {
                    return Err(SipError::BadSdp(
                        "m-line needs media, port and proto".into(),
                    ));
                };
                if media == "audio" && audio.is_none() {
                    let port: u16 = port
                        .split('/')
                        .next()
                        .and_then(|p| p.parse().ok())
                        .ok_or_else(|| SipError::BadSdp("bad m-line port".into()))?;
                    if proto != "RTP/AVP" {
                        return Err(SipError::NotAcceptable(format!(
                            "unsupported transport {proto:.20}"
                        )));
                    }
                    let pts = parts
                        .map(|p| p.parse::<u8>().ok().filter(|p| *p < 128))
                        .collect::<Option<Vec<u8>>>()
                        .ok_or_else(|| SipError::BadSdp("bad payload type on m-line".into()))?;
                    audio = Some((port, pts));
                    in_audio = true;
                }
            }
            "a" if in_audio => {
                if let Some(map) = value.strip_prefix("rtpmap:") {
                    let (pt, enc) = map
                        .split_once(' ')
                        .ok_or_else(|| SipError::BadSdp("bad rtpmap".into()))?;
                    let pt: u8 = pt
                        .parse()
                        .map_err(|_| SipError::BadSdp("bad rtpmap payload type".into()))?;
                    let mut enc = enc.split('/');
                    let name = enc.next().unwrap_or_default().to_string();
                    let rate = enc
                        .next()
                        .and_then(|r| r.parse().ok())
                        .ok_or_else(|| SipError::BadSdp("bad rtpmap clock rate".into()))?;
                    rtpmaps.push((pt, name, rate));
                }
            }
            _ => {}
        }
    }
    if !saw_version {
        return Err(SipError::BadSdp("missing v=0".into()));
    }
    let (port, pts) =
        audio.ok_or_else(|| SipError::NotAcceptable("no audio stream offered".into()))?;
    let ip = media_conn
        .or(session_conn)
        .ok_or_else(|| SipError::BadSdp("no c= connection address".into()))?;
    let formats = pts
        .into_iter()
        .filter_map(|pt| {
            if let Some((_, name, rate)) = rtpmaps.iter().find(|(p, _, _)| *p == pt) {
                return Some(Format {
                    pt,
                    name: name.clone(),
                    clock_rate_hz: *rate,
                });
            }
            // RFC 3551 static payload types may come without rtpmap.
            match pt {
                0 => Some(Format {
                    pt,
                    name: "PCMU".into(),
                    clock_rate_hz: 8000,
                }),
                8 => Some(Format {
                    pt,
                    name: "PCMA".into(),
                    clock_rate_hz: 8000,
                }),
                _ => None,
            }
        })
        .collect();
    Ok(RemoteAudio {
        rtp_addr: SocketAddr::new(ip, port),
        formats,
    })
}

fn parse_connection(value: &str) -> Result<IpAddr, SipError> {
    let mut parts = value.split_whitespace();
    let (Some("IN"), Some(_addrtype), Some(addr)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(SipError::BadSdp("c-line is not `IN IP4 addr`".into()));
    };
    addr.split('/')
        .next()
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| SipError::BadSdp("bad connection address".into()))
}

/// Picks the offerer's first G.711 format and its telephone-event (RFC 3264 §6.1).
pub fn negotiate(remote: &RemoteAudio) -> Result<Negotiated, SipError> {
    let (codec, codec_pt) = remote
        .formats
        .iter()
        .find_map(
            |f| match (f.name.to_ascii_uppercase().as_str(), f.clock_rate_hz) {
                ("PCMU", 8000) => Some((G711::Pcmu, f.pt)),
                ("PCMA", 8000) => Some((G711::Pcma, f.pt)),
                _ => None,
            },
        )
        .ok_or_else(|| {
            SipError::NotAcceptable("no common codec (we speak PCMU and PCMA)".into())
        })?;
    let telephone_event_pt = remote
        .formats
        .iter()
        .find(|f| f.name.eq_ignore_ascii_case("telephone-event") && f.clock_rate_hz == 8000)
        .map(|f| f.pt);
    Ok(Negotiated {
        remote_rtp: remote.rtp_addr,
        codec,
        codec_pt,
        telephone_event_pt,
    })
}

/// Our answer: the chosen codec, telephone-event when offered, 20 ms, sendrecv.
pub fn answer(local_rtp: SocketAddr, session_id: u64, n: &Negotiated) -> String {
    let ip_kind = if local_rtp.is_ipv4() { "IP4" } else { "IP6" };
    let ip = local_rtp.ip();
    let mut pts = n.codec_pt.to_string();
    if let Some(te) = n.telephone_event_pt {
        let _ = write!(pts, " {te}");
    }
    let mut s = String::new();
    let _ = write!(
        s,
        "v=0\r\no=ringdesk {session_id} {session_id} IN {ip_kind} {ip}\r\ns=ringdesk\r\nc=IN {ip_kind} {ip}\r\nt=0 0\r\n\
m=audio {} RTP/AVP {pts}\r\na=rtpmap:{} {}/8000\r\n",
        local_rtp.port(),
        n.codec_pt,
        n.codec.name()
    );
    if let Some(te) = n.telephone_event_pt {
        let _ = write!(
            s,
            "a=rtpmap:{te} telephone-event/8000\r\na=fmtp:{te} 0-16\r\n"
        );
    }
    s.push_str("a=ptime:20\r\na=sendrecv\r\n");
    s
}

/// The payload type we offer telephone-event on (the dynamic number carriers expect).
pub const OFFER_TELEPHONE_EVENT_PT: u8 = 101;

/// Our offer for a call we place: PCMU and PCMA (the carrier picks), RFC 4733
/// telephone-event for the digits managers press, 20 ms, sendrecv.
pub fn offer(local_rtp: SocketAddr, session_id: u64) -> String {
    let ip_kind = if local_rtp.is_ipv4() { "IP4" } else { "IP6" };
    let ip = local_rtp.ip();
    let te = OFFER_TELEPHONE_EVENT_PT;
    format!(
        "v=0\r\no=ringdesk {session_id} {session_id} IN {ip_kind} {ip}\r\ns=ringdesk\r\nc=IN {ip_kind} {ip}\r\nt=0 0\r\n\
m=audio {} RTP/AVP 0 8 {te}\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n\
a=rtpmap:{te} telephone-event/8000\r\na=fmtp:{te} 0-16\r\na=ptime:20\r\na=sendrecv\r\n",
        local_rtp.port()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIPP_OFFER: &str = "v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-11,16\r\n";

    #[test]
    fn negotiates_sipp_offer() {
        let remote = parse_remote_audio(SIPP_OFFER.as_bytes()).unwrap();
        let n = negotiate(&remote).unwrap();
        assert_eq!(n.codec, G711::Pcma);
        assert_eq!(n.codec_pt, 8);
        assert_eq!(n.telephone_event_pt, Some(101));
        assert_eq!(n.remote_rtp, "127.0.0.1:6000".parse().unwrap());
        let a = answer("127.0.0.1:7000".parse().unwrap(), 1, &n);
        assert!(a.contains("m=audio 7000 RTP/AVP 8 101\r\n"), "{a}");
        assert!(a.contains("a=rtpmap:101 telephone-event/8000"));
        // Our answer is itself valid SDP.
        assert_eq!(
            negotiate(&parse_remote_audio(a.as_bytes()).unwrap())
                .unwrap()
                .codec_pt,
            8
        );
    }

    #[test]
    fn static_payload_types_need_no_rtpmap_and_media_c_wins() {
        let sdp = "v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000 RTP/AVP 0\r\nc=IN IP4 10.0.0.2\r\n";
        let n = negotiate(&parse_remote_audio(sdp.as_bytes()).unwrap()).unwrap();
        assert_eq!((n.codec, n.telephone_event_pt), (G711::Pcmu, None));
        assert_eq!(n.remote_rtp, "10.0.0.2:4000".parse().unwrap());
    }

    #[test]
    fn bad_sdp_and_no_common_codec_are_told_apart() {
        let g729 =
            "v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 4000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n";
        assert!(matches!(
            negotiate(&parse_remote_audio(g729.as_bytes()).unwrap()),
            Err(SipError::NotAcceptable(_))
        ));
        for bad in [
            "garbage",
            "v=0\r\nm=audio x RTP/AVP 0\r\n",
            "v=0\r\nm=audio 4000 RTP/AVP 0\r\n",
            "c=IN IP4 1.2.3.4\r\nm=audio 1 RTP/AVP 0\r\n",
            "v=0\r\nc=IN IP4 nope\r\n",
        ] {
            assert!(
                matches!(parse_remote_audio(bad.as_bytes()), Err(SipError::BadSdp(_))),
                "{bad}"
            );
        }
        let video = "v=0\r\nc=IN IP4 1.2.3.4\r\nm=video 4000 RTP/AVP 96\r\n";
        assert!(matches!(
            parse_remote_audio(video.as_bytes()),
            Err(SipError::NotAcceptable(_))
        ));
        let srtp = "v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 4000 RTP/SAVP 0\r\n";
        assert!(matches!(
            parse_remote_audio(srtp.as_bytes()),
            Err(SipError::NotAcceptable(_))
        ));
    }

    #[test]
    fn our_offer_negotiates_with_itself_and_a_carrier_answer() {
        let ours = offer("127.0.0.1:7000".parse().unwrap(), 9);
        let n = negotiate(&parse_remote_audio(ours.as_bytes()).unwrap()).unwrap();
        assert_eq!((n.codec, n.codec_pt), (G711::Pcmu, 0));
        assert_eq!(n.telephone_event_pt, Some(OFFER_TELEPHONE_EVENT_PT));
        // A carrier answering with PCMA only: the answer's choice wins.
        let answer = "v=0\r\no=- 1 1 IN IP4 10.0.0.9\r\ns=-\r\nc=IN IP4 10.0.0.9\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8 101\r\na=rtpmap:101 telephone-event/8000\r\n";
        let n = negotiate(&parse_remote_audio(answer.as_bytes()).unwrap()).unwrap();
        assert_eq!(
            (n.codec, n.remote_rtp),
            (G711::Pcma, "10.0.0.9:4000".parse().unwrap())
        );
    }
}
