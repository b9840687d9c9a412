//! Statistics as the app uses them (`docs/statistics.md`): a period's figures, the raw calls
//! saved as CSV, and the owner's metrics API access keys. Each is one REST call with the
//! session's token; refusals come back as `Api` errors with their code.

use std::path::Path;

use reqwest::Method;
use ringdesk_wire::StatisticsQuery;
use ringdesk_wire::{AccessKey, CallsExportQuery, CreatedAccessKey, NewAccessKey, Statistics};
use tokio::io::AsyncWriteExt;

use crate::AgentError;
use crate::admin::{answer, api_url, request};
use crate::client::{ServerConfig, checked, unreadable};

/// A period's statistics: the channel's for owners and admins, the manager's own row for
/// others.
pub async fn statistics(
    server: &ServerConfig,
    token: &str,
    query: &StatisticsQuery,
) -> Result<Statistics, AgentError> {
    let http = server.http()?;
    let mut url = api_url(server, "/api/v1/statistics")?;
    {
        let mut pairs = url.query_pairs_mut();
        pairs
            .append_pair("from", &query.from)
            .append_pair("to", &query.to);
        let optional = [
            ("answerWithinS", query.answer_within_s),
            ("shortAbandonS", query.short_abandon_s),
            ("teamId", query.team_id),
        ];
        for (name, value) in optional {
            if let Some(v) = value {
                pairs.append_pair(name, &v.to_string());
            }
        }
    }
    answer!(http.get(url).bearer_auth(token))
}

/// Streams a period's calls as CSV into `path`: the body is written as it arrives (a year
/// of calls never sits in memory), into `path` + `.part` renamed at the end, so a dropped
/// connection leaves no half file under the real name. Returns the bytes written.
pub async fn export_calls(
    server: &ServerConfig,
    token: &str,
    query: &CallsExportQuery,
    path: &Path,
) -> Result<u64, AgentError> {
    let http = server.http()?;
    let mut url = api_url(server, "/api/v1/statistics/calls.csv")?;
    url.query_pairs_mut()
        .append_pair("from", &query.from)
        .append_pair("to", &query.to);
    let mut resp = checked(http.get(url).bearer_auth(token).send().await).await?;
    let part = path.with_extension("csv.part");
    let local = |e: std::io::Error| AgentError::Config(format!("{}: {e}", part.display()));
    let mut file = tokio::fs::File::create(&part).await.map_err(local)?;
    let mut written = 0u64;
    let streamed = async {
        while let Some(chunk) = resp.chunk().await.map_err(unreadable)? {
            file.write_all(&chunk).await.map_err(local)?;
            written += chunk.len() as u64;
        }
        file.flush().await.map_err(local)?;
        Ok::<_, AgentError>(())
    }
    .await;
    drop(file);
    if let Err(e) = streamed {
        let _ = tokio::fs::remove_file(&part).await;
        return Err(e);
    }
    tokio::fs::rename(&part, path).await.map_err(local)?;
    Ok(written)
}

/// The channel's metrics API access keys (owners).
pub async fn access_keys(server: &ServerConfig, token: &str) -> Result<Vec<AccessKey>, AgentError> {
    answer!(request(server, token, Method::GET, "/api/v1/access-keys")?)
}

/// Creates an access key; the secret is in this answer only.
pub async fn create_access_key(
    server: &ServerConfig,
    token: &str,
    label: &str,
) -> Result<CreatedAccessKey, AgentError> {
    let body = NewAccessKey {
        label: label.to_string(),
    };
    answer!(request(server, token, Method::POST, "/api/v1/access-keys")?.json(&body))
}

/// Revokes an access key: requests made with it are refused from now on.
pub async fn revoke_access_key(
    server: &ServerConfig,
    token: &str,
    id: i64,
) -> Result<(), AgentError> {
    let path = format!("/api/v1/access-keys/{id}");
    checked(request(server, token, Method::DELETE, &path)?.send().await).await?;
    Ok(())
}
