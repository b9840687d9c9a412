//! HTTP Digest authentication of trunk peers (RFC 3261 §22.4, RFC 2617 with qop=auth; MD5,
//! which is what SIP carriers and sipp speak).

use md5::{Digest, Md5};

use crate::message::param;

fn md5_hex(s: &str) -> String {
    hex::encode(Md5::digest(s.as_bytes()))
}

/// The `WWW-Authenticate` value challenging a request.
pub fn challenge(realm: &str, nonce: &str) -> String {
    format!("Digest realm=\"{realm}\", nonce=\"{nonce}\", algorithm=MD5, qop=\"auth\"")
}

/// The fields of an `Authorization: Digest …` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// username="…"
    pub username: String,
    /// realm="…"
    pub realm: String,
    /// nonce="…"
    pub nonce: String,
    /// uri="…"
    pub uri: String,
    /// response="…"
    pub response: String,
    /// qop=auth, when used.
    pub qop: Option<String>,
    /// nc=…
    pub nc: Option<String>,
    /// cnonce="…"
    pub cnonce: Option<String>,
}

impl Credentials {
    /// Parses an Authorization header; `None` if it is not a Digest header with the fields
    /// every response needs.
    pub fn parse(header: &str) -> Option<Credentials> {
        let flat = digest_fields(header)?;
        let get = |k: &str| param(&flat, k).map(str::to_string);
        Some(Credentials {
            username: get("username")?,
            realm: get("realm")?,
            nonce: get("nonce")?,
            uri: get("uri")?,
            response: get("response")?,
            qop: get("qop"),
            nc: get("nc"),
            cnonce: get("cnonce"),
        })
    }

    /// Whether `response` proves knowledge of `password` for this `method`.
    pub fn verify(&self, method: &str, password: &str) -> bool {
        let ha1 = md5_hex(&format!("{}:{}:{}", self.username, self.realm, password));
        let ha2 = md5_hex(&format!("{method}:{}", self.uri));
        let expected = match (&self.qop, &self.nc, &self.cnonce) {
            (Some(qop), Some(nc), Some(cnonce)) => {
                md5_hex(&format!("{ha1}:{}:{nc}:{cnonce}:{qop}:{ha2}", self.nonce))
            }
            _ => md5_hex(&format!("{ha1}:{}:{ha2}", self.nonce)),
        };
        // Constant-time compare: the response is a secret-derived value.
        expected.len() == self.response.len()
            && expected
                .bytes()
                .zip(self.response.to_ascii_lowercase().bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

/// A carrier's `WWW-Authenticate` / `Proxy-Authenticate: Digest …` challenge to our INVITE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// realm="…"
    pub realm: String,
    /// nonce="…"
    pub nonce: String,
    /// opaque="…", echoed back unchanged.
    pub opaque: Option<String>,
    /// The server offered qop=auth (then we must answer with nc and cnonce).
    pub qop_auth: bool,
}

impl Challenge {
    /// Parses a Digest challenge; `None` for another scheme, a missing realm or nonce, or an
    /// algorithm other than MD5 (all we can answer).
    pub fn parse(header: &str) -> Option<Challenge> {
        let fields = digest_fields(header)?;
        let get = |k: &str| param(&fields, k).map(str::to_string);
        if get("algorithm").is_some_and(|a| !a.eq_ignore_ascii_case("MD5")) {
            return None;
        }
        Some(Challenge {
            realm: get("realm")?,
            nonce: get("nonce")?,
            opaque: get("opaque"),
            qop_auth: get("qop")
                .is_some_and(|q| q.split(',').any(|o| o.trim().eq_ignore_ascii_case("auth"))),
        })
    }

    /// The `Authorization` value answering this challenge for `method` on `uri`; `cnonce`
    /// comes from the caller (random in service, fixed in tests).
    pub fn answer(
        &self,
        method: &str,
        uri: &str,
        username: &str,
        password: &str,
        cnonce: &str,
    ) -> String {
        let ha1 = md5_hex(&format!("{username}:{}:{password}", self.realm));
        let ha2 = md5_hex(&format!("{method}:{uri}"));
        let mut value = format!(
            "Digest username=\"{username}\", realm=\"{}\", nonce=\"{}\", uri=\"{uri}\", algorithm=MD5",
            self.realm, self.nonce
        );
        let response = if self.qop_auth {
            let nc = "00000001";
            value.push_str(&format!(", qop=auth, nc={nc}, cnonce=\"{cnonce}\""));
            md5_hex(&format!("{ha1}:{}:{nc}:{cnonce}:auth:{ha2}", self.nonce))
        } else {
            md5_hex(&format!("{ha1}:{}:{ha2}", self.nonce))
        };
        value.push_str(&format!(", response=\"{response}\""));
        if let Some(opaque) = &self.opaque {
            value.push_str(&format!(", opaque=\"{opaque}\""));
        }
        value
    }
}

/// The comma-separated fields of a `Digest …` header, rewritten as `x;k=v;k=v` for [`param`].
fn digest_fields(header: &str) -> Option<String> {
    let rest = header.trim().strip_prefix("Digest")?.trim();
    let mut flat = String::from("x");
    for part in split_params(rest) {
        flat.push(';');
        flat.push_str(part.trim());
    }
    Some(flat)
}

/// Splits on commas outside quotes.
fn split_params(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc2617_example_verifies() {
        // RFC 2617 §3.5, with method GET as in the RFC.
        let h = r#"Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41""#;
        let c = Credentials::parse(h).unwrap();
        assert!(c.verify("GET", "Circle Of Life"));
        assert!(!c.verify("GET", "circle of life"));
        assert!(!c.verify("POST", "Circle Of Life"));
    }

    #[test]
    fn without_qop_and_malformed() {
        let ha1 = md5_hex("trunk:ringdesk:pw");
        let ha2 = md5_hex("INVITE:sip:+8270@127.0.0.1");
        let resp = md5_hex(&format!("{ha1}:n1:{ha2}"));
        let h = format!(
            r#"Digest username="trunk",realm="ringdesk",nonce="n1",uri="sip:+8270@127.0.0.1",response="{resp}",algorithm=MD5"#
        );
        assert!(Credentials::parse(&h).unwrap().verify("INVITE", "pw"));
        assert!(Credentials::parse("Basic abc").is_none());
        assert!(Credentials::parse(r#"Digest username="x""#).is_none());
    }

    #[test]
    fn answers_a_challenge_the_way_a_server_verifies_it() {
        let header = r#"Digest realm="carrier", nonce="abc123", qop="auth,auth-int", opaque="op", algorithm=MD5"#;
        let ch = Challenge::parse(header).unwrap();
        assert!(ch.qop_auth);
        let value = ch.answer(
            "INVITE",
            "sip:+8210@carrier",
            "ringdesk",
            "s3cret",
            "c0ffee",
        );
        let creds = Credentials::parse(&value).unwrap();
        assert!(creds.verify("INVITE", "s3cret"), "{value}");
        assert!(!creds.verify("INVITE", "wrong"));
        assert!(value.contains(r#"opaque="op""#));
        let plain = Challenge::parse(r#"Digest realm="r", nonce="n""#).unwrap();
        let creds = Credentials::parse(&plain.answer("INVITE", "sip:x@y", "u", "p", "c")).unwrap();
        assert_eq!(creds.qop, None);
        assert!(creds.verify("INVITE", "p"));
        assert!(Challenge::parse(r#"Digest realm="r", nonce="n", algorithm=SHA-256"#).is_none());
        assert!(Challenge::parse(r#"Basic realm="r""#).is_none());
    }
}
