//! Headless Chromium as a voice-meet visitor, driven over the DevTools protocol: a fake
//! microphone playing a WAV file, loopback WebRTC allowed, our self-signed certificate
//! accepted. Just enough CDP to open a page and evaluate JavaScript in it.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use super::{ChildGuard, TempDir, free_port};

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A running headless Chromium with one page.
pub struct Browser {
    page: Ws,
    next_id: u64,
    _child: ChildGuard,
    _profile: TempDir,
}

impl Browser {
    /// Starts Chromium whose microphone plays `microphone` (a PCM WAV, looped).
    pub async fn start(microphone: &Path) -> Browser {
        let profile = TempDir::new("chromium");
        let port = free_port();
        let child = Command::new("chromium")
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                "--allow-loopback-in-peer-connection",
                "--ignore-certificate-errors",
                "--autoplay-policy=no-user-gesture-required",
            ])
            .arg(format!(
                "--use-file-for-fake-audio-capture={}",
                microphone.display()
            ))
            .arg(format!("--remote-debugging-port={port}"))
            .arg(format!("--user-data-dir={}", profile.0.display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium is installed (apt install chromium)");
        let child = ChildGuard(child);
        let list_url = format!("http://127.0.0.1:{port}/json/list");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        let ws_url = loop {
            let pages: Option<Vec<Value>> = match reqwest::get(&list_url).await {
                Ok(r) => r.json().await.ok(),
                Err(_) => None,
            };
            let page = pages.and_then(|p| {
                p.into_iter()
                    .find(|t| t["type"] == "page")
                    .and_then(|t| t["webSocketDebuggerUrl"].as_str().map(str::to_string))
            });
            if let Some(url) = page {
                break url;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "chromium did not start"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        let (page, _) = tokio_tungstenite::connect_async(ws_url.as_str())
            .await
            .expect("DevTools WebSocket");
        Browser {
            page,
            next_id: 1,
            _child: child,
            _profile: profile,
        }
    }

    /// Sends one DevTools command and returns its result.
    async fn command(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let msg = json!({ "id": id, "method": method, "params": params });
        self.page
            .send(Message::Text(msg.to_string().into()))
            .await
            .expect("DevTools send");
        loop {
            let frame = tokio::time::timeout(Duration::from_secs(30), self.page.next())
                .await
                .unwrap_or_else(|_| panic!("no answer to {method}"))
                .expect("DevTools open")
                .expect("frame");
            if let Message::Text(t) = frame {
                let v: Value = serde_json::from_str(&t).expect("DevTools JSON");
                if v["id"] == id {
                    assert!(v["error"].is_null(), "{method} failed: {}", v["error"]);
                    return v["result"].clone();
                }
            }
        }
    }

    /// Opens `url` in the page.
    pub async fn open(&mut self, url: &str) {
        self.command("Page.navigate", json!({ "url": url })).await;
    }

    /// Evaluates `expression` (awaiting a promise) and returns its value.
    pub async fn eval(&mut self, expression: &str) -> Value {
        let r = self
            .command(
                "Runtime.evaluate",
                json!({ "expression": expression, "awaitPromise": true, "returnByValue": true }),
            )
            .await;
        assert!(
            r["exceptionDetails"].is_null(),
            "{expression} threw: {}",
            r["exceptionDetails"]
        );
        r["result"]["value"].clone()
    }
}
