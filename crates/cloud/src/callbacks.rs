//! Callbacks (`docs/protocol.md#callbacks`): a manager books one for a customer — when, who
//! calls, from which of the channel's numbers, with a note — from a conversation or a missed
//! call; each manager lists theirs and marks them done or undone. The assignee's app is told
//! at once (`callbacksChanged`) so it can remind them ahead of time. Another channel's
//! callback does not exist here (404).

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use ringdesk_store::callbacks::{CallbackRow, NewCallbackRow};
use ringdesk_store::time::{now_ms, rfc3339};
use ringdesk_wire::{
    CALLBACK_AHEAD_MAX_DAYS, CALLBACK_NOTE_MAX, Callback, CallbackQuery, ErrorCode, ManagerRef,
    NewCallback, SetCallbackDone,
};

use crate::api::{ApiErr, AppState, Authed, bad_json};
use crate::dialplan;
use crate::dispatch::Input;

/// The routes, merged into the API's router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/callbacks", get(list).post(book))
        .route("/api/v1/callbacks/{id}/done", put(set_done))
}

fn not_found() -> ApiErr {
    ApiErr::new(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "no such callback",
    )
}

fn bad(why: impl Into<String>) -> ApiErr {
    ApiErr::new(StatusCode::BAD_REQUEST, ErrorCode::BadCallback, why)
}

/// A stored callback as the API shows it.
fn callback(r: CallbackRow) -> Callback {
    Callback {
        id: r.id,
        customer_number: r.customer_number,
        customer_name: r.customer_name,
        conversation_id: r.conversation_id,
        assignee: ManagerRef {
            id: r.assignee_id,
            name: r.assignee_name,
        },
        caller_id: r.caller_id,
        due_at: rfc3339(r.due_at_ms),
        note: r.note,
        booked_by: ManagerRef {
            id: r.booked_by,
            name: r.booked_by_name,
        },
        done_at: r.done_at_ms.map(rfc3339),
    }
}

/// When a callback is due, read from its RFC 3339 time: in the future, not too far ahead.
pub fn due_at_ms(due_at: &str, now_ms: i64) -> Result<i64, String> {
    let at = chrono::DateTime::parse_from_rfc3339(due_at)
        .map_err(|e| format!("dueAt {due_at:?} is not an RFC 3339 time: {e}"))?
        .timestamp_millis();
    if at <= now_ms {
        return Err(format!("dueAt {due_at} is in the past"));
    }
    if at > now_ms + CALLBACK_AHEAD_MAX_DAYS * 24 * 3600 * 1000 {
        return Err(format!(
            "dueAt {due_at} is more than {CALLBACK_AHEAD_MAX_DAYS} days ahead"
        ));
    }
    Ok(at)
}

/// Tells the dispatcher whose callbacks changed: it pushes `callbacksChanged` to them.
fn changed(s: &AppState, manager_ids: Vec<i64>) {
    let _ = s.dispatcher.send(Input::CallbacksChanged { manager_ids });
}

async fn book(
    State(s): State<AppState>,
    Authed(m): Authed,
    body: Result<Json<NewCallback>, JsonRejection>,
) -> Result<(StatusCode, Json<Callback>), ApiErr> {
    let Json(b) = body.map_err(bad_json)?;
    let now = now_ms();
    let due_at_ms = due_at_ms(&b.due_at, now).map_err(bad)?;
    let note = b.note.trim().to_string();
    let length = note.chars().count();
    if length > CALLBACK_NOTE_MAX {
        return Err(bad(format!(
            "the note is {length} characters; at most {CALLBACK_NOTE_MAX}"
        )));
    }
    let country = s.store.channel_country_code(m.channel_id).await?;
    let customer_number =
        ringdesk_core::number::normalize(&b.customer_number, country.as_deref().unwrap_or("82"))
            .ok_or_else(|| bad(format!("{:?} is not a phone number", b.customer_number)))?;
    let ours = dialplan::channel_numbers(&s.store, m.channel_id).await?;
    if !ours.iter().any(|n| n.e164 == b.caller_id) {
        return Err(ApiErr::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::CallerIdNotOurs,
            format!("{} is not one of the channel's numbers", b.caller_id),
        ));
    }
    let managers = s.store.channel_managers(m.channel_id).await?;
    if !managers.iter().any(|(id, _)| *id == b.assignee_id) {
        return Err(ApiErr::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::UnknownManager,
            "no such manager in the channel",
        ));
    }
    if let Some(conversation) = b.conversation_id
        && s.store
            .conversation(m.channel_id, conversation)
            .await?
            .is_none()
    {
        return Err(bad(format!("there is no conversation {conversation}")));
    }
    let row = NewCallbackRow {
        customer_number,
        conversation_id: b.conversation_id,
        assignee_id: b.assignee_id,
        caller_id: b.caller_id,
        due_at_ms,
        note,
        booked_by: m.id,
    };
    let id = s.store.book_callback(m.channel_id, &row, now).await?;
    changed(&s, vec![b.assignee_id]);
    let booked = s
        .store
        .callback(m.channel_id, id)
        .await?
        .ok_or_else(not_found)?;
    Ok((StatusCode::CREATED, Json(callback(booked))))
}

/// A manager's callbacks (the asker's own unless `assignee` names a teammate).
async fn list(
    State(s): State<AppState>,
    Authed(m): Authed,
    q: Result<Query<CallbackQuery>, QueryRejection>,
) -> Result<Json<Vec<Callback>>, ApiErr> {
    let Query(q) =
        q.map_err(|e| ApiErr::new(StatusCode::BAD_REQUEST, ErrorCode::BadQuery, e.body_text()))?;
    let rows = s
        .store
        .callbacks_of(
            m.channel_id,
            q.assignee.unwrap_or(m.id),
            q.include_done.unwrap_or(false),
        )
        .await?;
    Ok(Json(rows.into_iter().map(callback).collect()))
}

async fn set_done(
    State(s): State<AppState>,
    Authed(m): Authed,
    Path(id): Path<i64>,
    body: Result<Json<SetCallbackDone>, JsonRejection>,
) -> Result<Json<Callback>, ApiErr> {
    let Json(b) = body.map_err(bad_json)?;
    if !s
        .store
        .set_callback_done(m.channel_id, id, b.done, now_ms())
        .await?
    {
        return Err(not_found());
    }
    let row = s
        .store
        .callback(m.channel_id, id)
        .await?
        .ok_or_else(not_found)?;
    changed(&s, vec![row.assignee_id]);
    Ok(Json(callback(row)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_callback_is_due_in_the_future_within_a_year() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-30T12:00:00+09:00")
            .unwrap()
            .timestamp_millis();
        assert_eq!(
            due_at_ms("2026-11-30T12:10:00+09:00", now),
            Ok(now + 600_000)
        );
        assert!(
            due_at_ms("2026-11-30T11:59:59+09:00", now)
                .unwrap_err()
                .contains("in the past")
        );
        assert!(
            due_at_ms("2026-11-30T12:00:00+09:00", now)
                .unwrap_err()
                .contains("in the past")
        );
        assert!(
            due_at_ms("2027-12-30T12:00:00+09:00", now)
                .unwrap_err()
                .contains("366 days ahead")
        );
        assert!(
            due_at_ms("내일 오후 3시", now)
                .unwrap_err()
                .contains("not an RFC 3339 time")
        );
    }
}
