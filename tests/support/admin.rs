//! The admin API as the demo owner (Minji) uses it: JSON requests and publishing a workflow.

use ringdesk_wire::PromptInfo;
use serde_json::{Value, json};

use super::audio::write_tone_wav;
use super::{Cloud, MINJI, TempDir, http};

/// Uploads a one-second 700 Hz tone as a prompt; its id.
pub async fn upload_tone_prompt(cloud: &Cloud, dir: &TempDir) -> i64 {
    upload_tone(cloud, dir, "tone", 700.0, 1.0).await
}

/// Uploads `seconds` of a `freq_hz` tone as the prompt `name` (URL-safe); its id.
pub async fn upload_tone(
    cloud: &Cloud,
    dir: &TempDir,
    name: &str,
    freq_hz: f64,
    seconds: f64,
) -> i64 {
    let wav = dir.path(&format!("prompt-{freq_hz}.wav"));
    write_tone_wav(&wav, 8_000, freq_hz, seconds);
    let token = cloud.token(MINJI.0, MINJI.1).await;
    let response = http(cloud)
        .post(format!("{}/api/v1/prompts?name={name}", cloud.api))
        .bearer_auth(token)
        .body(std::fs::read(&wav).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json::<PromptInfo>().await.unwrap().id
}

/// Calls `method path` as the demo owner with a JSON body; the answer's status and body.
pub async fn admin(
    cloud: &Cloud,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let token = cloud.token(MINJI.0, MINJI.1).await;
    let response = http(cloud)
        .request(method, format!("{}{path}", cloud.api))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("the API answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Publishes `steps`, starting at step `first`, as a new workflow named "테스트 IVR" for calls
/// that come in — the demo number runs it — with a 4 s input timeout.
pub async fn publish(cloud: &Cloud, steps: Value, first: u32) {
    let trigger = json!({"kind": "customerCalled"});
    publish_named(cloud, "테스트 IVR", trigger, steps, first).await;
}

/// Publishes a new workflow `name` with `trigger` (e.g. for calls waiting in a queue).
pub async fn publish_named(cloud: &Cloud, name: &str, trigger: Value, steps: Value, first: u32) {
    let (status, created) = admin(
        cloud,
        reqwest::Method::POST,
        "/api/v1/workflows",
        json!({ "name": name }),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let draft = json!({
        "name": name,
        "draft": {
            "trigger": trigger,
            "inputTimeoutSeconds": 4,
            "first": first,
            "steps": steps,
        }
    });
    let path = format!("/api/v1/workflows/{id}/draft");
    let (status, saved) = admin(cloud, reqwest::Method::PUT, &path, draft).await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["problems"], json!([]), "{saved}");
    let path = format!("/api/v1/workflows/{id}/publish");
    let (status, published) = admin(cloud, reqwest::Method::POST, &path, json!(null)).await;
    assert_eq!((status, published), (200, json!({"version": 1})));
}
