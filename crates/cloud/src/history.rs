//! A manager's own call history (`docs/protocol.md#history`): the calls they were part of,
//! six months back, each with what it was for them — answered, missed, taken by a teammate,
//! not answered, an invitation they missed — whether a missed one was already handled, and
//! how to redial it; deleting hides a call (or all of them) from their history only.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::delete;
use axum::{Json, Router};
use ringdesk_store::history::{HistoryFilter, HistoryRow};
use ringdesk_store::time::{now_ms, rfc3339};
use ringdesk_wire::{
    CallDirection, CallMedium, ErrorCode, HISTORY_PAGE_MAX, HistoryEntry, HistoryKind,
    HistoryOutcome, HistoryQuery, ManagerRef,
};

use crate::api::{ApiErr, AppState, Authed};

/// The number a voice meet's call record carries instead of a phone number (the columns
/// hold phone numbers; a meet's visitor has none).
pub const MEET_NUMBER: &str = "meet";

/// The routes, merged into the API's router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/history", delete(clear).get(list))
        .route("/api/v1/history/{call_id}", delete(hide))
}

/// What a stored call was for the manager whose history it is in.
pub fn entry(r: HistoryRow) -> HistoryEntry {
    let direction = CallDirection::parse(&r.direction).unwrap_or(CallDirection::Inbound);
    let medium = if r.number == MEET_NUMBER {
        CallMedium::Meet
    } else {
        CallMedium::Phone
    };
    let outcome = match (direction, r.answered_by_me, r.answered_at_ms.is_some()) {
        (_, true, true) => HistoryOutcome::Answered,
        (CallDirection::Outbound, _, _) => HistoryOutcome::NotAnswered,
        (CallDirection::Inbound, _, true) => HistoryOutcome::TakenByTeammate,
        _ => HistoryOutcome::Missed,
    };
    let invited_by = match (r.invited_by_id, r.invited_by_name, r.answered_by_me) {
        (Some(id), Some(name), false) => Some(ManagerRef { id, name }),
        _ => None,
    };
    let number = if medium == CallMedium::Meet {
        String::new()
    } else {
        r.caller_number
    };
    HistoryEntry {
        call_id: r.id,
        direction,
        medium,
        redial: (medium == CallMedium::Phone && is_e164(&number)).then(|| number.clone()),
        number,
        name: r.caller_name,
        already_handled: outcome == HistoryOutcome::Missed && r.handled_later,
        outcome,
        invited_by,
        started_at: rfc3339(r.started_at_ms),
        duration_s: r.duration_s,
    }
}

/// A number the phone network can be dialled back on (a SIP caller may present a name).
fn is_e164(number: &str) -> bool {
    number
        .strip_prefix('+')
        .is_some_and(|digits| !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
}

async fn list(
    State(s): State<AppState>,
    Authed(m): Authed,
    q: Result<Query<HistoryQuery>, QueryRejection>,
) -> Result<Json<Vec<HistoryEntry>>, ApiErr> {
    let bad = |why: String| ApiErr::new(StatusCode::BAD_REQUEST, ErrorCode::BadQuery, why);
    let Query(q) = q.map_err(|e| bad(e.body_text()))?;
    let limit = q.limit.unwrap_or(50);
    if !(1..=HISTORY_PAGE_MAX).contains(&limit) {
        return Err(bad(format!(
            "limit is 1 to {HISTORY_PAGE_MAX}, not {limit}"
        )));
    }
    let filter = match q.kind.unwrap_or(HistoryKind::Recent) {
        HistoryKind::Recent => HistoryFilter::All,
        HistoryKind::Missed => HistoryFilter::Missed,
        HistoryKind::Inbound => HistoryFilter::Inbound,
        HistoryKind::Outbound => HistoryFilter::Outbound,
    };
    let rows = s
        .store
        .history(m.id, filter, q.before, i64::from(limit), now_ms())
        .await?;
    Ok(Json(rows.into_iter().map(entry).collect()))
}

/// Deletes one call from the manager's history (`204`; a call that is not theirs changes
/// nothing).
async fn hide(
    State(s): State<AppState>,
    Authed(m): Authed,
    Path(call_id): Path<i64>,
) -> Result<StatusCode, ApiErr> {
    s.store.hide_from_history(m.id, call_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes the manager's whole history (`204`).
async fn clear(State(s): State<AppState>, Authed(m): Authed) -> Result<StatusCode, ApiErr> {
    s.store.clear_history(m.id, now_ms()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(direction: &str, number: &str, from: &str) -> HistoryRow {
        HistoryRow {
            id: 1,
            direction: direction.into(),
            number: number.into(),
            caller_number: from.into(),
            caller_name: None,
            started_at_ms: 0,
            answered_at_ms: None,
            duration_s: 0,
            missed_reason: None,
            answered_by_me: false,
            invited_by_id: None,
            invited_by_name: None,
            handled_later: false,
        }
    }

    #[test]
    fn each_call_says_what_it_was_for_the_manager_and_how_to_redial_it() {
        let mut missed = row("inbound", "+827076660100", "+821012345678");
        missed.handled_later = true;
        missed.invited_by_id = Some(2);
        missed.invited_by_name = Some("이준호".into());
        let e = entry(missed.clone());
        assert_eq!(e.outcome, HistoryOutcome::Missed);
        assert!(e.already_handled);
        assert_eq!(e.invited_by.map(|m| m.name).as_deref(), Some("이준호"));
        assert_eq!(e.redial.as_deref(), Some("+821012345678"));

        let mut taken = missed.clone();
        taken.answered_at_ms = Some(5);
        let e = entry(taken.clone());
        assert_eq!(e.outcome, HistoryOutcome::TakenByTeammate);
        assert!(
            !e.already_handled,
            "only a missed call is 'already handled'"
        );
        taken.answered_by_me = true;
        let e = entry(taken);
        assert_eq!(e.outcome, HistoryOutcome::Answered);
        assert_eq!(
            e.invited_by, None,
            "an invitation they took is no missed invitation"
        );

        let placed = row("outbound", "+827076660100", "+821012345678");
        assert_eq!(entry(placed).outcome, HistoryOutcome::NotAnswered);

        let meet = row("inbound", MEET_NUMBER, MEET_NUMBER);
        let e = entry(meet);
        assert_eq!(
            (e.medium, e.redial, e.number.as_str()),
            (CallMedium::Meet, None, "")
        );
        let named = row("inbound", "+827076660100", "caller");
        assert_eq!(
            entry(named).redial,
            None,
            "a SIP name is not a number to call"
        );
    }
}
