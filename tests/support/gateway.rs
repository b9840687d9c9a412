//! An application-level gateway between a headless agent and the cloud's plain-HTTP API
//! (`--insecure-http`, loopback only), rewriting SDP as a router's SIP ALG does: each ICE
//! host candidate in a WebSocket message from the cloud is handed to a hook, which may put a
//! [`Relay`](crate::impair::Relay) in front of that address and name the relay instead. So the
//! network emulator sits on an agent's WebRTC leg with no hook in the agent or the cloud: the
//! agent's ICE checks and media go to the relay, the cloud sees the relay as the agent.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// What the gateway does with a candidate's address: the address to name instead.
pub type CandidateHook = dyn Fn(SocketAddr) -> SocketAddr + Send + Sync;

/// A running gateway; stops accepting when dropped.
pub struct Gateway {
    /// The URL to give the agent as its server (`http://127.0.0.1:port`).
    pub url: String,
    stop: Arc<AtomicBool>,
}

impl Gateway {
    /// Listens on a free loopback port and passes every connection on to `api`
    /// (`http://host:port`), rewriting candidates in the cloud's WebSocket messages by `hook`.
    pub fn start(
        api: &str,
        hook: impl Fn(SocketAddr) -> SocketAddr + Send + Sync + 'static,
    ) -> Gateway {
        let upstream: SocketAddr = api
            .strip_prefix("http://")
            .expect("the cloud serves plain HTTP (--insecure-http)")
            .trim_end_matches('/')
            .parse()
            .expect("the API's address");
        let listener = TcpListener::bind("127.0.0.1:0").expect("gateway listener");
        listener.set_nonblocking(true).expect("nonblocking");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let hook: Arc<CandidateHook> = Arc::new(hook);
        std::thread::spawn(move || {
            while !stopping.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let hook = hook.clone();
                        std::thread::spawn(move || pass_on(client, upstream, hook.as_ref()));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Gateway { url, stop }
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// One connection: the client's bytes go up unchanged; the cloud's come down with candidates
/// rewritten once the connection has become a WebSocket.
fn pass_on(client: TcpStream, upstream: SocketAddr, hook: &CandidateHook) {
    let Ok(cloud) = TcpStream::connect(upstream) else {
        return;
    };
    let _ = client.set_nonblocking(false);
    let (mut up_from, mut up_to) = (
        client.try_clone().expect("clone"),
        cloud.try_clone().expect("clone"),
    );
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut up_from, &mut up_to);
        // The client has gone: so does the connection (the cloud then ends its session).
        let _ = up_to.shutdown(std::net::Shutdown::Both);
    });
    let mut client = client;
    let _ = down(BufReader::new(cloud), &mut client, hook);
    // The cloud has gone: so does the connection (the agent then sees it at once).
    let _ = client.shutdown(std::net::Shutdown::Both);
}

fn down(
    mut from: BufReader<TcpStream>,
    to: &mut TcpStream,
    hook: &CandidateHook,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    loop {
        let start = head.len();
        if from.read_until(b'\n', &mut head)? == 0 {
            return Ok(());
        }
        if head[start..] == *b"\r\n" {
            break;
        }
    }
    to.write_all(&head)?;
    let upgraded = head.starts_with(b"HTTP/1.1 101");
    if !upgraded {
        std::io::copy(&mut from, to)?;
        return Ok(());
    }
    loop {
        let mut start = [0_u8; 2];
        from.read_exact(&mut start)?;
        let length = match start[1] & 0x7f {
            126 => {
                let mut b = [0_u8; 2];
                from.read_exact(&mut b)?;
                u64::from(u16::from_be_bytes(b))
            }
            127 => {
                let mut b = [0_u8; 8];
                from.read_exact(&mut b)?;
                u64::from_be_bytes(b)
            }
            n => u64::from(n),
        };
        assert!(start[1] & 0x80 == 0, "a server's frames are not masked");
        let mut payload = vec![0_u8; length as usize];
        from.read_exact(&mut payload)?;
        let text = start[0] & 0x0f == 1;
        if text && let Ok(message) = std::str::from_utf8(&payload) {
            payload = rewrite_candidates(message, hook).into_bytes();
        }
        to.write_all(&frame_head(start[0], payload.len()))?;
        to.write_all(&payload)?;
    }
}

/// An unmasked frame's header for `first` (FIN, opcode) and a payload of `length` bytes.
fn frame_head(first: u8, length: usize) -> Vec<u8> {
    let mut head = vec![first];
    match length {
        0..=125 => head.push(length as u8),
        126..=65535 => {
            head.push(126);
            head.extend((length as u16).to_be_bytes());
        }
        _ => {
            head.push(127);
            head.extend((length as u64).to_be_bytes());
        }
    }
    head
}

/// `text` with the address of each `… <ip> <port> typ host` candidate replaced by `hook`'s.
pub fn rewrite_candidates(text: &str, hook: &CandidateHook) -> String {
    const MARK: &str = " typ host";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(MARK) {
        let before = &rest[..at];
        let parsed = before.rsplit_once(' ').and_then(|(head, port)| {
            let (head, ip) = head.rsplit_once(' ')?;
            Some((head, format!("{ip}:{port}").parse::<SocketAddr>().ok()?))
        });
        match parsed {
            Some((head, address)) => {
                let new = hook(address);
                out.push_str(&format!("{head} {} {}", new.ip(), new.port()));
            }
            None => out.push_str(before),
        }
        out.push_str(MARK);
        rest = &rest[at + MARK.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_are_renamed_and_the_rest_kept() {
        let sdp = r#"{"sdp":"v=0\r\na=candidate:1 1 udp 2130706431 127.0.0.1 41234 typ host\r\na=end-of-candidates\r\n"}"#;
        let hook = |a: SocketAddr| {
            assert_eq!(a, "127.0.0.1:41234".parse().unwrap());
            "127.0.0.1:20001".parse().unwrap()
        };
        assert_eq!(
            rewrite_candidates(sdp, &hook),
            r#"{"sdp":"v=0\r\na=candidate:1 1 udp 2130706431 127.0.0.1 20001 typ host\r\na=end-of-candidates\r\n"}"#
        );
        let plain = "no candidates here typ host";
        assert_eq!(rewrite_candidates(plain, &hook), plain);
    }

    #[test]
    fn frame_heads_carry_each_length_form() {
        assert_eq!(frame_head(0x81, 5), [0x81, 5]);
        assert_eq!(frame_head(0x81, 300), [0x81, 126, 1, 44]);
        assert_eq!(frame_head(0x81, 70_000)[1], 127);
    }
}
