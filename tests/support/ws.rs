//! A bare signaling session: a manager's WebSocket with no media, for tests that need many
//! managers online (ringing, declining) or that send the cloud malformed messages.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use ringdesk_wire::{ClientMessage, ServerEvent, ServerMessage};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::Cloud;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// One manager's signaling session.
pub struct WsSession {
    ws: Ws,
    /// Every message received so far, in order.
    pub seen: Vec<ServerMessage>,
}

impl WsSession {
    /// Logs `who` in and opens their WebSocket; returns after the `hello`.
    pub async fn connect(cloud: &Cloud, who: (&str, &str)) -> WsSession {
        let token = cloud.token(who.0, who.1).await;
        WsSession::open(cloud, &token).await
    }

    /// Opens the WebSocket of a manager logged in with `token`; returns after the `hello`.
    pub async fn open(cloud: &Cloud, token: &str) -> WsSession {
        let server = cloud.server_config();
        let mut req = server.ws_url().into_client_request().unwrap();
        req.headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        let tls = server.rustls_config().unwrap();
        let (ws, _) = tokio_tungstenite::connect_async_tls_with_config(
            req,
            None,
            false,
            Some(tokio_tungstenite::Connector::Rustls(tls)),
        )
        .await
        .expect("WebSocket upgrade");
        let mut s = WsSession {
            ws,
            seen: Vec::new(),
        };
        s.next_matching("hello", |m| matches!(m, ServerMessage::Hello { .. }))
            .await;
        s
    }

    /// Sends raw text (to test what the cloud does with it).
    pub async fn send_text(&mut self, text: &str) {
        self.ws.send(Message::Text(text.into())).await.unwrap();
    }

    /// Sends a protocol message.
    pub async fn send(&mut self, m: &ClientMessage) {
        self.send_text(&serde_json::to_string(m).unwrap()).await;
    }

    /// Reads and drops whatever the cloud sends until the session ends, as an app that keeps
    /// up with its pushes (a session nobody reads makes the cloud queue them).
    pub async fn discard_until_closed(mut self) {
        while let Some(Ok(_)) = self.ws.next().await {}
    }

    /// The next server message that is not one the cloud sends unasked (a presence update,
    /// the channel's ringing calls).
    pub async fn next_reply(&mut self) -> ServerMessage {
        self.next_matching("a reply", |m| {
            !matches!(
                m,
                ServerMessage::Event(ServerEvent::Presence { .. })
                    | ServerMessage::Event(ServerEvent::RingingCalls { .. })
            )
        })
        .await
    }

    /// Waits up to 10 s for the next message satisfying `f`.
    pub async fn next_matching(
        &mut self,
        what: &str,
        f: impl Fn(&ServerMessage) -> bool,
    ) -> ServerMessage {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let frame = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .unwrap_or_else(|_| panic!("no {what} in 10 s; seen {:#?}", self.seen))
                .expect("session open")
                .expect("frame");
            if let Message::Text(t) = frame {
                let m: ServerMessage =
                    serde_json::from_str(&t).expect("the server speaks the protocol");
                self.seen.push(m.clone());
                if f(&m) {
                    return m;
                }
            }
        }
    }
}
