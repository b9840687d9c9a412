//! Drives a [`TrunkEngine`] over real sockets: one UDP socket and a TCP listener on the same
//! port. One task owns the engine (no locks); TCP connections get a reader task that frames
//! messages by Content-Length and a writer task fed by a channel.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::mpsc;

use crate::SipError;
use crate::message::MAX_MESSAGE_LEN;
use crate::trunk::{
    DialRequest, Remote, SipCall, Transport, TrunkConfig, TrunkEngine, TrunkEvent, TrunkOutput,
};

/// What the application asks of the trunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrunkCommand {
    /// 180 (no SDP) or 183 with SDP.
    Progress {
        /// The call.
        call: SipCall,
        /// Early-media SDP.
        sdp: Option<String>,
    },
    /// 200 OK with SDP.
    Answer {
        /// The call.
        call: SipCall,
        /// Our SDP answer.
        sdp: String,
    },
    /// A final error response.
    Reject {
        /// The call.
        call: SipCall,
        /// Status code.
        code: u16,
        /// Reason phrase.
        reason: String,
    },
    /// End the call from our side (CANCEL or BYE for a call we placed).
    HangUp {
        /// The call.
        call: SipCall,
    },
    /// Place a call through the outbound route.
    Dial {
        /// The handle [`TrunkHandle::dial`] gave it.
        call: SipCall,
        /// Where to, from which caller-ID, with which offer.
        request: DialRequest,
    },
}

/// Handles of calls we place start here, far above the engine's own numbering of received
/// calls, so the two never meet.
const FIRST_PLACED_CALL: u64 = 1 << 48;

/// Handle to a running trunk.
#[derive(Debug, Clone)]
pub struct TrunkHandle {
    commands: mpsc::UnboundedSender<TrunkCommand>,
    next_placed: Arc<AtomicU64>,
    /// The bound address (UDP and TCP share the port).
    pub local_addr: SocketAddr,
}

impl TrunkHandle {
    /// A handle whose commands come out of the returned receiver instead of going to a running
    /// trunk: for driving what uses a trunk (the cloud's dispatcher) in-process, without
    /// sockets, and reading what it told the trunk.
    pub fn channel(local_addr: SocketAddr) -> (TrunkHandle, mpsc::UnboundedReceiver<TrunkCommand>) {
        let (commands, rx) = mpsc::unbounded_channel();
        let handle = TrunkHandle {
            commands,
            next_placed: Arc::new(AtomicU64::new(0)),
            local_addr,
        };
        (handle, rx)
    }

    /// Queues a command; a stopped trunk ignores it (the call is gone anyway).
    pub fn send(&self, command: TrunkCommand) {
        let _ = self.commands.send(command);
    }

    /// Places a call; what happens to it comes back as events under the returned handle
    /// (`Progress`, `Answered`, `Rejected`, `HungUp`).
    pub fn dial(&self, request: DialRequest) -> SipCall {
        let call = SipCall(FIRST_PLACED_CALL + self.next_placed.fetch_add(1, Ordering::Relaxed));
        self.send(TrunkCommand::Dial { call, request });
        call
    }
}

enum Net {
    Tcp {
        connection: u64,
        from: SocketAddr,
        bytes: Vec<u8>,
    },
    TcpClosed {
        connection: u64,
    },
    TcpOpened {
        connection: u64,
        writer: mpsc::UnboundedSender<Vec<u8>>,
    },
}

/// How many ports an ephemeral bind tries before it gives up.
const EPHEMERAL_TRIES: usize = 20;

/// Binds UDP and TCP on the same address. With port 0 the system picks the UDP port, which
/// TCP may already have in use for something else: then another port is tried.
async fn bind_both(bind: SocketAddr) -> Result<(UdpSocket, TcpListener, SocketAddr), SipError> {
    let tries = if bind.port() == 0 { EPHEMERAL_TRIES } else { 1 };
    let mut last = String::new();
    for _ in 0..tries {
        let udp = UdpSocket::bind(bind)
            .await
            .map_err(|e| SipError::Io(format!("bind UDP {bind}: {e}")))?;
        let local_addr = udp.local_addr().map_err(|e| SipError::Io(e.to_string()))?;
        match TcpListener::bind(local_addr).await {
            Ok(tcp) => return Ok((udp, tcp, local_addr)),
            Err(e) => last = format!("bind TCP {local_addr}: {e}"),
        }
    }
    Err(SipError::Io(last))
}

/// Binds UDP and TCP on `bind` and starts the engine task. Events come out of the returned
/// receiver (each with the instant it was observed, for latency figures).
pub async fn start(
    bind: SocketAddr,
    mut config: TrunkConfig,
    seed: u64,
) -> Result<(TrunkHandle, mpsc::UnboundedReceiver<(Instant, TrunkEvent)>), SipError> {
    let (udp, tcp, local_addr) = bind_both(bind).await?;
    if config.advertised.port() == 0 {
        config.advertised.set_port(local_addr.port());
    }
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let (event_tx, event_rx) = mpsc::unbounded_channel();
    let (net_tx, net_rx) = mpsc::unbounded_channel();
    tokio::spawn(accept_loop(tcp, net_tx));
    tokio::spawn(engine_loop(
        TrunkEngine::new(config, seed),
        udp,
        cmd_rx,
        net_rx,
        event_tx,
    ));
    Ok((
        TrunkHandle {
            commands: cmd_tx,
            next_placed: Arc::new(AtomicU64::new(0)),
            local_addr,
        },
        event_rx,
    ))
}

async fn accept_loop(listener: TcpListener, net: mpsc::UnboundedSender<Net>) {
    let mut next_connection = 1u64;
    loop {
        let Ok((stream, from)) = listener.accept().await else {
            continue;
        };
        let connection = next_connection;
        next_connection += 1;
        let (read, mut write) = stream.into_split();
        let (wtx, mut wrx) = mpsc::unbounded_channel::<Vec<u8>>();
        if net
            .send(Net::TcpOpened {
                connection,
                writer: wtx,
            })
            .is_err()
        {
            return;
        }
        tokio::spawn(async move {
            while let Some(bytes) = wrx.recv().await {
                if write.write_all(&bytes).await.is_err() {
                    break;
                }
            }
        });
        tokio::spawn(read_stream(read, from, connection, net.clone()));
    }
}

/// Splits a TCP byte stream into messages (RFC 3261 §18.3: Content-Length is mandatory on
/// streams). Keep-alive CRLFs between messages are skipped (RFC 5626 §3.5.1).
pub fn take_framed(buf: &mut Vec<u8>) -> Result<Option<Vec<u8>>, SipError> {
    let skip = buf
        .iter()
        .take_while(|b| **b == b'\r' || **b == b'\n')
        .count();
    buf.drain(..skip);
    let Some(head_end) = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4) else {
        if buf.len() > MAX_MESSAGE_LEN {
            return Err(SipError::Malformed(
                "no end of headers within 64 KiB".into(),
            ));
        }
        return Ok(None);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]);
    let length = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(n, _)| {
            n.trim().eq_ignore_ascii_case("content-length") || n.trim().eq_ignore_ascii_case("l")
        })
        .map(|(_, v)| v.trim().parse::<usize>())
        .ok_or_else(|| SipError::Malformed("Content-Length is required on TCP".into()))?
        .map_err(|_| SipError::Malformed("Content-Length is not a number".into()))?;
    if head_end + length > MAX_MESSAGE_LEN {
        return Err(SipError::Malformed("message too large".into()));
    }
    if buf.len() < head_end + length {
        return Ok(None);
    }
    Ok(Some(buf.drain(..head_end + length).collect()))
}

async fn read_stream(
    mut read: tokio::net::tcp::OwnedReadHalf,
    from: SocketAddr,
    connection: u64,
    net: mpsc::UnboundedSender<Net>,
) {
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 8192];
    'outer: loop {
        let n = match read.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        buf.extend_from_slice(&chunk[..n]);
        loop {
            match take_framed(&mut buf) {
                Ok(Some(bytes)) => {
                    if net
                        .send(Net::Tcp {
                            connection,
                            from,
                            bytes,
                        })
                        .is_err()
                    {
                        break 'outer;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    // The stream has lost its framing; nothing after this can be trusted.
                    tracing::warn!(connection, "closing SIP TCP connection: {e}");
                    break 'outer;
                }
            }
        }
    }
    let _ = net.send(Net::TcpClosed { connection });
}

async fn engine_loop(
    mut engine: TrunkEngine,
    udp: UdpSocket,
    mut commands: mpsc::UnboundedReceiver<TrunkCommand>,
    mut net: mpsc::UnboundedReceiver<Net>,
    events: mpsc::UnboundedSender<(Instant, TrunkEvent)>,
) {
    let mut writers: HashMap<u64, mpsc::UnboundedSender<Vec<u8>>> = HashMap::new();
    let mut buf = vec![0u8; MAX_MESSAGE_LEN];
    loop {
        // Drain before waiting (sans-IO contract).
        while let Some(out) = engine.poll_output() {
            match out {
                TrunkOutput::Transmit { to, bytes } => match to.transport {
                    Transport::Udp => {
                        if let Err(e) = udp.send_to(&bytes, to.addr).await {
                            tracing::warn!("SIP UDP send failed: {e}");
                        }
                    }
                    Transport::Tcp { connection } => {
                        if let Some(w) = writers.get(&connection) {
                            let _ = w.send(bytes);
                        }
                    }
                },
                TrunkOutput::Event(e) => {
                    if events.send((Instant::now(), e)).is_err() {
                        return;
                    }
                }
            }
        }
        let deadline = engine.poll_timeout();
        let sleep = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(d.into()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            r = udp.recv_from(&mut buf) => match r {
                Ok((n, from)) => engine.handle_message(Instant::now(), Remote { transport: Transport::Udp, addr: from }, &buf[..n]),
                // ICMP port unreachable surfaces here on Linux; the peer is gone, not us.
                Err(e) => tracing::debug!("SIP UDP receive error: {e}"),
            },
            Some(n) = net.recv() => match n {
                Net::Tcp { connection, from, bytes } => engine.handle_message(
                    Instant::now(),
                    Remote { transport: Transport::Tcp { connection }, addr: from },
                    &bytes,
                ),
                Net::TcpOpened { connection, writer } => { writers.insert(connection, writer); }
                Net::TcpClosed { connection } => {
                    writers.remove(&connection);
                    engine.connection_closed(Instant::now(), connection);
                }
            },
            c = commands.recv() => {
                let Some(c) = c else { return };
                let now = Instant::now();
                match c {
                    TrunkCommand::Progress { call, sdp } => engine.progress(call, sdp),
                    TrunkCommand::Answer { call, sdp } => engine.answer(now, call, sdp),
                    TrunkCommand::Reject { call, code, reason } => engine.reject(now, call, code, &reason),
                    TrunkCommand::HangUp { call } => engine.hang_up(now, call),
                    TrunkCommand::Dial { call, request } => engine.dial(now, call, request),
                }
            }
            _ = sleep => engine.handle_timeout(Instant::now()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::take_framed;

    #[test]
    fn frames_tcp_stream_by_content_length() {
        let mut buf = b"\r\n\r\nOPTIONS sip:x SIP/2.0\r\nContent-Length: 3\r\n\r\nabcBYE sip:x SIP/2.0\r\nl: 0\r\n".to_vec();
        let first = take_framed(&mut buf).unwrap().unwrap();
        assert!(first.starts_with(b"OPTIONS") && first.ends_with(b"abc"));
        assert_eq!(
            take_framed(&mut buf).unwrap(),
            None,
            "second message is incomplete"
        );
        buf.extend_from_slice(b"\r\n");
        assert!(take_framed(&mut buf).unwrap().unwrap().starts_with(b"BYE"));
        let mut bad = b"INVITE sip:x SIP/2.0\r\nVia: x\r\n\r\n".to_vec();
        assert!(take_framed(&mut bad).is_err(), "TCP needs Content-Length");
    }

    #[tokio::test]
    async fn udp_and_tcp_share_the_port_and_a_taken_one_is_refused_clearly() {
        let (udp, tcp, addr) = crate::runtime::bind_both("127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        assert_eq!(udp.local_addr().unwrap(), addr);
        assert_eq!(tcp.local_addr().unwrap(), addr);
        // The same port asked for again: UDP is taken, and the error says which.
        let taken = crate::runtime::bind_both(addr)
            .await
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(taken.contains(&format!("bind UDP {addr}")), "{taken}");
    }
}
