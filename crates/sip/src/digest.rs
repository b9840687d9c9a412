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
        let rest = header.trim().strip_prefix("Digest")?.trim();
        // Parameters are comma separated; reuse the `;`-param reader on a rewritten string.
        let mut flat = String::from("x");
        for part in split_params(rest) {
            flat.push(';');
            flat.push_str(part.trim());
        }
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
}
