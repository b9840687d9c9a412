//! SIP message parsing and printing (RFC 3261 §7, §20), enough for a trunk user agent.
//!
//! The parser is strict where a wrong guess would misroute a call (start line, Content-Length,
//! the headers every request needs) and lenient elsewhere (unknown headers pass through,
//! compact header names are understood, folded lines are joined). It never panics.

use std::fmt::Write;

use crate::SipError;

/// Largest message we accept. UDP cannot carry more, and TCP framing uses it to drop a
/// connection that streams garbage.
pub const MAX_MESSAGE_LEN: usize = 64 * 1024;

/// Request or response start line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartLine {
    /// `METHOD uri SIP/2.0`.
    Request {
        /// Method, upper case as received.
        method: String,
        /// Request-URI.
        uri: String,
    },
    /// `SIP/2.0 code reason`.
    Response {
        /// Status code.
        code: u16,
        /// Reason phrase.
        reason: String,
    },
}

/// A parsed SIP message: start line, headers in order, body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SipMessage {
    /// The first line.
    pub start: StartLine,
    /// Headers as (name as received, value), in order.
    pub headers: Vec<(String, String)>,
    /// The body (SDP for INVITE).
    pub body: Vec<u8>,
}

/// Long name of a compact header form (RFC 3261 §7.3.3), or the name itself.
fn canonical(name: &str) -> &str {
    match name {
        "i" | "I" => "call-id",
        "m" | "M" => "contact",
        "e" | "E" => "content-encoding",
        "l" | "L" => "content-length",
        "c" | "C" => "content-type",
        "f" | "F" => "from",
        "k" | "K" => "supported",
        "t" | "T" => "to",
        "v" | "V" => "via",
        other => other,
    }
}

fn same_header(a: &str, b: &str) -> bool {
    canonical(a).eq_ignore_ascii_case(canonical(b))
}

/// Finds the end of the header block: the index just past the blank line.
fn header_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
        .or_else(|| {
            // RFC 3261 §7.5 asks us to accept bare LF line ends from sloppy peers.
            buf.windows(2).position(|w| w == b"\n\n").map(|p| p + 2)
        })
}

impl SipMessage {
    /// Parses one complete message (a UDP datagram or a framed TCP message).
    pub fn parse(buf: &[u8]) -> Result<SipMessage, SipError> {
        if buf.len() > MAX_MESSAGE_LEN {
            return Err(SipError::Malformed("message too large".into()));
        }
        let head_end = header_end(buf)
            .ok_or_else(|| SipError::Malformed("no blank line after the headers".into()))?;
        let head = std::str::from_utf8(&buf[..head_end])
            .map_err(|_| SipError::Malformed("headers are not UTF-8".into()))?;
        let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
        let first = lines.next().unwrap_or_default();
        let start = parse_start_line(first)?;
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in lines {
            if line.is_empty() {
                break;
            }
            if line.starts_with([' ', '\t']) {
                // Folded continuation of the previous header (RFC 3261 §7.3.1).
                let Some(last) = headers.last_mut() else {
                    return Err(SipError::Malformed(
                        "continuation line before any header".into(),
                    ));
                };
                last.1.push(' ');
                last.1.push_str(line.trim());
                continue;
            }
            let (name, value) = line.split_once(':').ok_or_else(|| {
                SipError::Malformed(format!("header line without a colon: {:.40}", line))
            })?;
            let name = name.trim();
            if name.is_empty()
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b))
            {
                return Err(SipError::Malformed(format!("bad header name: {name:.40}")));
            }
            headers.push((name.to_string(), value.trim().to_string()));
        }
        let mut msg = SipMessage {
            start,
            headers,
            body: Vec::new(),
        };
        let rest = &buf[head_end..];
        let body_len = match msg.header("content-length") {
            Some(v) => v
                .parse::<usize>()
                .map_err(|_| SipError::Malformed("Content-Length is not a number".into()))?,
            // UDP without Content-Length: the body runs to the end of the datagram (§18.3).
            None => rest.len(),
        };
        if body_len > rest.len() {
            return Err(SipError::Malformed(
                "body shorter than Content-Length".into(),
            ));
        }
        msg.body = rest[..body_len].to_vec();
        Ok(msg)
    }

    /// First value of a header (compact forms and case are handled).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| same_header(n, name))
            .map(|(_, v)| v.as_str())
    }

    /// All values of a header, in order.
    pub fn header_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| same_header(n, name))
            .map(|(_, v)| v.as_str())
    }

    /// The method of a request, or the CSeq method of a response.
    pub fn method(&self) -> Option<&str> {
        match &self.start {
            StartLine::Request { method, .. } => Some(method),
            StartLine::Response { .. } => self.cseq().map(|(_, m)| m),
        }
    }

    /// CSeq number and method.
    pub fn cseq(&self) -> Option<(u32, &str)> {
        let v = self.header("cseq")?;
        let (n, m) = v.split_once(char::is_whitespace)?;
        Some((n.trim().parse().ok()?, m.trim()))
    }

    /// The Call-ID.
    pub fn call_id(&self) -> Option<&str> {
        self.header("call-id")
    }

    /// The branch parameter of the top Via (the transaction id, RFC 3261 §17.2.3).
    pub fn top_via_branch(&self) -> Option<&str> {
        let via = self.header("via")?;
        let first = via.split(',').next()?;
        param(first, "branch")
    }

    /// Serialises, setting Content-Length to the body's length.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut s = String::with_capacity(512 + self.body.len());
        match &self.start {
            StartLine::Request { method, uri } => {
                let _ = write!(s, "{method} {uri} SIP/2.0\r\n");
            }
            StartLine::Response { code, reason } => {
                let _ = write!(s, "SIP/2.0 {code} {reason}\r\n");
            }
        }
        for (n, v) in &self.headers {
            if same_header(n, "content-length") {
                continue;
            }
            let _ = write!(s, "{n}: {v}\r\n");
        }
        let _ = write!(s, "Content-Length: {}\r\n\r\n", self.body.len());
        let mut out = s.into_bytes();
        out.extend_from_slice(&self.body);
        out
    }
}

fn parse_start_line(line: &str) -> Result<StartLine, SipError> {
    if let Some(rest) = line.strip_prefix("SIP/2.0 ") {
        let (code, reason) = rest.split_once(' ').unwrap_or((rest, ""));
        let code: u16 = code
            .parse()
            .map_err(|_| SipError::Malformed("bad status code".into()))?;
        if !(100..700).contains(&code) {
            return Err(SipError::Malformed("status code out of range".into()));
        }
        return Ok(StartLine::Response {
            code,
            reason: reason.to_string(),
        });
    }
    let mut parts = line.split(' ');
    let (Some(method), Some(uri), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(SipError::Malformed(
            "start line is not `METHOD URI SIP/2.0`".into(),
        ));
    };
    if version != "SIP/2.0" {
        return Err(SipError::Malformed(format!(
            "unsupported version {version:.20}"
        )));
    }
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(SipError::Malformed("bad method".into()));
    }
    if !valid_uri(uri) {
        return Err(SipError::Malformed("bad Request-URI".into()));
    }
    Ok(StartLine::Request {
        method: method.to_string(),
        uri: uri.to_string(),
    })
}

/// Whether `uri` can stand in a start line or as a dialog's remote target: a scheme, and no
/// whitespace or control characters (RFC 3261 §25.1 leaves no room for them unescaped).
pub fn valid_uri(uri: &str) -> bool {
    uri.split_once(':').is_some_and(|(scheme, rest)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && !rest.is_empty()
    }) && !uri.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Value of `;name=value` in a header value (case-insensitive name), quotes removed.
pub fn param<'a>(value: &'a str, name: &str) -> Option<&'a str> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().trim_matches('"'))
    })
}

/// A From/To/Contact value: `"Name" <uri>;params` or `uri;params`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameAddr {
    /// Display name, unquoted.
    pub display: Option<String>,
    /// The URI inside the angle brackets.
    pub uri: String,
    /// Header parameters after the URI (e.g. `tag`).
    pub params: String,
}

impl NameAddr {
    /// Parses a name-addr or addr-spec (RFC 3261 §20.10).
    pub fn parse(value: &str) -> Result<NameAddr, SipError> {
        let value = value.trim();
        if let Some(open) = value.find('<') {
            let close = value[open..]
                .find('>')
                .map(|c| open + c)
                .ok_or_else(|| SipError::Malformed("unclosed <".into()))?;
            let display = value[..open].trim().trim_matches('"').trim();
            Ok(NameAddr {
                display: (!display.is_empty()).then(|| display.to_string()),
                uri: value[open + 1..close].to_string(),
                params: value[close + 1..].to_string(),
            })
        } else {
            let (uri, params) = match value.find(';') {
                Some(p) => (&value[..p], &value[p..]),
                None => (value, ""),
            };
            if uri.is_empty() {
                return Err(SipError::Malformed("empty URI".into()));
            }
            Ok(NameAddr {
                display: None,
                uri: uri.to_string(),
                params: params.to_string(),
            })
        }
    }

    /// The `tag` parameter.
    pub fn tag(&self) -> Option<&str> {
        // `params` is empty or starts with ';', which is the shape `param` expects.
        param(&self.params, "tag")
    }
}

/// The user part of a `sip:`, `sips:` or `tel:` URI, percent-decoding nothing (numbers don't
/// need it): `sip:+8270@host;x` → `+8270`.
pub fn uri_user(uri: &str) -> Option<&str> {
    let rest = uri
        .strip_prefix("sip:")
        .or_else(|| uri.strip_prefix("sips:"))
        .or_else(|| uri.strip_prefix("tel:"))?;
    let rest = rest.split([';', '?']).next()?;
    let user = match rest.split_once('@') {
        Some((user, _)) => user,
        None if uri.starts_with("tel:") => rest,
        None => return None,
    };
    let user = user.split(':').next()?; // drop a password part
    (!user.is_empty()).then_some(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    const INVITE: &str = "INVITE sip:+827076660100@127.0.0.1:5060 SIP/2.0\r\n\
Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1;rport\r\n\
f: \"Kim Minji\" <sip:01012345678@127.0.0.1:5061>;tag=abc\r\n\
t: <sip:+827076660100@127.0.0.1>\r\n\
i: call-1@127.0.0.1\r\n\
CSeq: 1 INVITE\r\n\
Contact: <sip:01012345678@127.0.0.1:5061>\r\n\
Subject: folded\r\n \tvalue\r\n\
Content-Type: application/sdp\r\n\
Content-Length: 4\r\n\r\nv=0\n";

    #[test]
    fn parses_an_invite_with_compact_and_folded_headers() {
        let m = SipMessage::parse(INVITE.as_bytes()).unwrap();
        assert_eq!(
            m.start,
            StartLine::Request {
                method: "INVITE".into(),
                uri: "sip:+827076660100@127.0.0.1:5060".into()
            }
        );
        assert_eq!(m.call_id(), Some("call-1@127.0.0.1"));
        assert_eq!(m.cseq(), Some((1, "INVITE")));
        assert_eq!(m.top_via_branch(), Some("z9hG4bK-1"));
        assert_eq!(m.header("subject"), Some("folded value"));
        assert_eq!(m.body, b"v=0\n");
        let from = NameAddr::parse(m.header("From").unwrap()).unwrap();
        assert_eq!(from.display.as_deref(), Some("Kim Minji"));
        assert_eq!(from.tag(), Some("abc"));
        assert_eq!(uri_user(&from.uri), Some("01012345678"));
        // Printing and parsing again is stable.
        assert_eq!(SipMessage::parse(&m.to_bytes()).unwrap(), m);
    }

    #[test]
    fn rejects_malformed_messages_with_reasons() {
        for (bad, why) in [
            ("hello world", "no blank line"),
            ("\r\n\r\n", "start line"),
            ("INVITE sip:x SIP/3.0\r\n\r\n", "version"),
            ("invite sip:x SIP/2.0\r\n\r\n", "method"),
            ("INVITE sip:x\u{1}y SIP/2.0\r\n\r\n", "Request-URI"),
            ("INVITE nocolon SIP/2.0\r\n\r\n", "Request-URI"),
            ("INVITE sip:x SIP/2.0\r\nNoColonHere\r\n\r\n", "colon"),
            (
                "INVITE sip:x SIP/2.0\r\nContent-Length: 99\r\n\r\nabc",
                "Content-Length",
            ),
            (
                "INVITE sip:x SIP/2.0\r\nContent-Length: -1\r\n\r\n",
                "not a number",
            ),
            ("SIP/2.0 99 Odd\r\n\r\n", "out of range"),
        ] {
            let err = SipMessage::parse(bad.as_bytes()).unwrap_err().to_string();
            assert!(err.contains(why), "{bad:?}: {err}");
        }
        assert!(SipMessage::parse(&[0xff, 0xfe, b'\r', b'\n', b'\r', b'\n']).is_err());
    }

    #[test]
    fn uri_users() {
        assert_eq!(uri_user("sip:+8270@example.com;user=phone"), Some("+8270"));
        assert_eq!(uri_user("tel:+8270;phone-context=x"), Some("+8270"));
        assert_eq!(uri_user("sip:alice:secret@host"), Some("alice"));
        assert_eq!(uri_user("sip:host.only"), None);
        assert_eq!(uri_user("mailto:x@y"), None);
    }
}
