//! The manager's call history from the cloud (`docs/protocol.md#history`): read, deleted one
//! call or all; and the main window's lists made from it, the local cache's lines for calls
//! still going on merged in (the cloud writes a call's part a moment later), so the lists are
//! the cloud's and still show offline from the cache.

use reqwest::Method;
use ringdesk_wire::{
    CallVia, Caller, HistoryEntry, HistoryKind, HistoryOutcome, RecentCall, RecentCallOutcome,
};

use crate::AgentError;
use crate::admin::{answer, api_url, request};
use crate::client::{ServerConfig, checked, unreadable};

/// A page of the manager's history, newest first.
pub async fn history(
    server: &ServerConfig,
    token: &str,
    kind: HistoryKind,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<HistoryEntry>, AgentError> {
    let mut url = api_url(server, "/api/v1/history")?;
    {
        let mut pairs = url.query_pairs_mut();
        pairs.append_pair("kind", kind.as_str());
        pairs.append_pair("limit", &limit.to_string());
        if let Some(b) = before {
            pairs.append_pair("before", &b.to_string());
        }
    }
    let http = server.http()?;
    answer!(http.get(url).bearer_auth(token))
}

/// Deletes one call from the manager's history.
pub async fn delete(server: &ServerConfig, token: &str, call_id: i64) -> Result<(), AgentError> {
    let path = format!("/api/v1/history/{call_id}");
    checked(request(server, token, Method::DELETE, &path)?.send().await).await?;
    Ok(())
}

/// Deletes the manager's whole history.
pub async fn clear(server: &ServerConfig, token: &str) -> Result<(), AgentError> {
    checked(
        request(server, token, Method::DELETE, "/api/v1/history")?
            .send()
            .await,
    )
    .await?;
    Ok(())
}

/// A cloud history entry as a main-window line.
pub fn line(e: &HistoryEntry) -> RecentCall {
    let started_at_ms = chrono::DateTime::parse_from_rfc3339(&e.started_at)
        .map(|t| t.timestamp_millis())
        .unwrap_or(0);
    let outbound = e.direction == ringdesk_wire::CallDirection::Outbound;
    RecentCall {
        call_id: e.call_id,
        caller: Caller {
            number: e.number.clone(),
            name: e.name.clone(),
            fields: Vec::new(),
        },
        via: CallVia {
            number: String::new(),
            team_name: String::new(),
        },
        started_at_ms,
        answered_at_ms: None,
        ended_at_ms: Some(started_at_ms + e.duration_s * 1000),
        outcome: match e.outcome {
            HistoryOutcome::Answered if outbound => RecentCallOutcome::Outbound,
            HistoryOutcome::Answered => RecentCallOutcome::Answered,
            HistoryOutcome::Missed => RecentCallOutcome::Missed,
            HistoryOutcome::TakenByTeammate => RecentCallOutcome::AnsweredElsewhere,
            HistoryOutcome::NotAnswered => RecentCallOutcome::NotReached,
        },
        invited_by: e.invited_by.as_ref().map(|m| m.name.clone()),
        already_handled: e.already_handled,
        medium: e.medium,
    }
}

/// The cloud's lines with the cached ones of calls still going on (ringing, in a call,
/// dialling) that the cloud does not list yet, newest first, at most `limit`.
pub fn merged(cloud: &[HistoryEntry], cached: &[RecentCall], limit: usize) -> Vec<RecentCall> {
    let live = |o: RecentCallOutcome| {
        matches!(
            o,
            RecentCallOutcome::Ringing | RecentCallOutcome::InCall | RecentCallOutcome::Dialing
        )
    };
    let mut lines: Vec<RecentCall> = cloud.iter().map(line).collect();
    for c in cached {
        match lines.iter_mut().find(|l| l.call_id == c.call_id) {
            // Going on here: the cache knows better than a record written a moment ago.
            Some(l) if live(c.outcome) => l.outcome = c.outcome,
            Some(_) => {}
            None if live(c.outcome) => lines.push(c.clone()),
            None => {}
        }
    }
    lines.sort_by(|a, b| {
        b.started_at_ms
            .cmp(&a.started_at_ms)
            .then(b.call_id.cmp(&a.call_id))
    });
    lines.truncate(limit);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use ringdesk_wire::{CallDirection, CallMedium, ManagerRef};

    fn entry(call_id: i64, at: &str, outcome: HistoryOutcome) -> HistoryEntry {
        HistoryEntry {
            call_id,
            direction: CallDirection::Inbound,
            medium: CallMedium::Phone,
            number: "+821012345678".into(),
            name: Some("박서연".into()),
            outcome,
            invited_by: None,
            already_handled: false,
            redial: Some("+821012345678".into()),
            started_at: at.into(),
            duration_s: 30,
        }
    }

    #[test]
    fn cloud_lines_carry_the_invitation_and_what_was_handled() {
        let mut e = entry(5, "2026-11-30T01:00:00Z", HistoryOutcome::Missed);
        e.invited_by = Some(ManagerRef {
            id: 2,
            name: "이준호".into(),
        });
        e.already_handled = true;
        let l = line(&e);
        assert_eq!(l.outcome, RecentCallOutcome::Missed);
        assert_eq!(l.invited_by.as_deref(), Some("이준호"));
        assert!(l.already_handled);
        assert_eq!(l.started_at_ms, 1_796_000_400_000);
        let mut out = entry(6, "2026-11-30T01:00:00Z", HistoryOutcome::Answered);
        out.direction = CallDirection::Outbound;
        assert_eq!(line(&out).outcome, RecentCallOutcome::Outbound);
    }

    #[test]
    fn a_call_going_on_shows_from_the_cache_until_the_cloud_lists_it() {
        let cloud = [
            entry(2, "2026-11-30T01:00:00Z", HistoryOutcome::Answered),
            entry(1, "2026-11-30T00:00:00Z", HistoryOutcome::Missed),
        ];
        let mut ringing = line(&entry(3, "2026-11-30T02:00:00Z", HistoryOutcome::Missed));
        ringing.outcome = RecentCallOutcome::Ringing;
        let mut stale = line(&entry(9, "2026-11-30T03:00:00Z", HistoryOutcome::Missed));
        stale.outcome = RecentCallOutcome::Answered;
        let mut in_call = line(&entry(2, "2026-11-30T01:00:00Z", HistoryOutcome::Answered));
        in_call.outcome = RecentCallOutcome::InCall;
        let lines = merged(&cloud, &[ringing, stale, in_call], 5);
        let shown: Vec<(i64, RecentCallOutcome)> =
            lines.iter().map(|l| (l.call_id, l.outcome)).collect();
        assert_eq!(
            shown,
            [
                (3, RecentCallOutcome::Ringing),
                (2, RecentCallOutcome::InCall),
                (1, RecentCallOutcome::Missed)
            ],
            "a finished line the cloud no longer lists (deleted elsewhere) is not brought back"
        );
        assert_eq!(merged(&cloud, &[], 1).len(), 1);
    }
}
