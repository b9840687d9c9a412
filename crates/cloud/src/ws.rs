//! One app's WebSocket signaling session.
//!
//! Invalid JSON or an unknown message gets a typed `error` and the session stays up; the
//! dispatcher hears of the session's start and end so presence follows the connection.

use axum::extract::ws::{Message, WebSocket};
use futures_util::{SinkExt, StreamExt};
use ringdesk_core::ManagerId;
use ringdesk_store::Manager;
use ringdesk_wire::{ErrorCode, ServerEvent, ServerMessage, parse_client_message};
use tokio::sync::mpsc;

use crate::dispatch::Input;

/// Runs until the socket closes.
pub async fn run_session(
    socket: WebSocket,
    manager: Manager,
    wrap_up: Vec<i64>,
    session: u64,
    dispatcher: mpsc::UnboundedSender<Input>,
) {
    let id = ManagerId(manager.id);
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<ServerMessage>();
    if dispatcher
        .send(Input::SessionOpened {
            manager,
            wrap_up,
            session,
            tx: tx.clone(),
        })
        .is_err()
    {
        return;
    }
    let writer = tokio::spawn(async move {
        while let Some(m) = rx.recv().await {
            let Ok(text) = serde_json::to_string(&m) else {
                continue;
            };
            if sink.send(Message::Text(text.into())).await.is_err() {
                break;
            }
        }
    });
    while let Some(Ok(msg)) = stream.next().await {
        match msg {
            Message::Text(text) => match parse_client_message(&text) {
                Ok(message) => {
                    let _ = dispatcher.send(Input::Client {
                        manager: id,
                        session,
                        message,
                    });
                }
                Err(error) => {
                    let _ = tx.send(error.into());
                }
            },
            Message::Binary(_) => {
                let _ = tx.send(
                    ServerEvent::Error {
                        code: ErrorCode::BadJson,
                        message: "binary frames are not part of the protocol".into(),
                    }
                    .into(),
                );
            }
            Message::Close(_) => break,
            Message::Ping(_) | Message::Pong(_) => {}
        }
    }
    let _ = dispatcher.send(Input::SessionClosed {
        manager: id,
        session,
    });
    writer.abort();
}
