//! The shared inbox's API (`docs/protocol.md#inbox`): the channel's conversations — listed
//! with filters, shown whole with their call, recording and notes — and what managers change
//! on them: state, assignee, tags, internal notes, the wrap-up form, a bulk close; and the
//! classifications owners and admins define for the wrap-up form.
//!
//! Every change is written first, then told to the dispatcher
//! ([`Input::ConversationChanged`]), which pushes it to every manager of the channel and
//! keeps the assignee in wrap-up while a phone conversation stays open after its call. Another
//! channel's conversation does not exist here (404).

use std::time::Duration;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use ringdesk_store::Store;
use ringdesk_store::conversations::{
    ConversationFilter, ConversationRefusal, ConversationRow, NoteRow, WrapUpRow,
};
use ringdesk_store::time::{now_ms, rfc3339};
use ringdesk_wire::{
    BULK_MAX, BulkClose, BulkClosed, CLASSIFICATION_MAX_CHARS, CallDirection, Classification,
    ContactInfo, ConversationDetail, ConversationNote, ConversationPage, ConversationQuery,
    ConversationSource, ConversationState, ConversationSummary, CustomerGrade, ErrorCode,
    ManagerRef, NOTE_MAX_CHARS, NewClassification, NewNote, ProcessingStatus, SEARCH_HITS_MAX,
    SEARCH_QUERY_MAX, SEARCH_QUERY_MIN, Sentiment, SetAssignee, SetConversationState, SetTags,
    Speaker, TAG_MAX_CHARS, TAGS_MAX, TranscriptHit, TranscriptLine, TranscriptQuery, WrapUp,
};
use tokio::sync::mpsc;

use crate::api::{Admin, ApiErr, AppState, Authed, bad_json, call_record};
use crate::dispatch::Input;

/// How often snoozed conversations are checked for their time.
const WAKE_EVERY: Duration = Duration::from_secs(15);

/// The routes, merged into the API's router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/conversations", get(list))
        .route("/api/v1/conversations/close", post(bulk_close))
        .route("/api/v1/transcripts/search", get(search))
        .route("/api/v1/conversations/{id}", get(detail))
        .route("/api/v1/conversations/{id}/state", put(set_state))
        .route("/api/v1/conversations/{id}/assignee", put(set_assignee))
        .route("/api/v1/conversations/{id}/tags", put(set_tags))
        .route("/api/v1/conversations/{id}/notes", post(add_note))
        .route("/api/v1/conversations/{id}/wrap-up", put(set_wrap_up))
        .route(
            "/api/v1/classifications",
            get(classifications).post(add_classification),
        )
        .route(
            "/api/v1/classifications/{id}",
            delete(delete_classification),
        )
}

/// Opens snoozed conversations whose time has come, every few seconds, and tells the
/// dispatcher (their assignees may be back in wrap-up).
pub fn spawn_snooze_waker(store: Store, dispatcher: mpsc::UnboundedSender<Input>) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(WAKE_EVERY);
        loop {
            every.tick().await;
            match store.wake_snoozed(now_ms()).await {
                Ok(woken) => {
                    for (id, channel_id, assignee) in woken {
                        let _ = dispatcher.send(Input::ConversationChanged {
                            channel_id,
                            id,
                            assignee,
                            open: true,
                        });
                    }
                }
                Err(e) => tracing::warn!("waking snoozed conversations failed: {e}"),
            }
        }
    });
}

fn not_found() -> ApiErr {
    ApiErr::new(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "no such conversation",
    )
}

fn refused(r: ConversationRefusal) -> ApiErr {
    match r {
        ConversationRefusal::NotFound => not_found(),
        ConversationRefusal::MissedCannotReopen => ApiErr::new(
            StatusCode::CONFLICT,
            ErrorCode::MissedCannotReopen,
            "a missed call's conversation can be closed, never made open or snoozed again",
        ),
        ConversationRefusal::UnknownManager => ApiErr::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::UnknownManager,
            "no such manager in the channel",
        ),
        ConversationRefusal::UnknownClassification => ApiErr::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::UnknownClassification,
            "no such classification in the channel",
        ),
    }
}

/// Tells the dispatcher a conversation's notes, tags or wrap-up changed (it pushes it to the
/// channel's managers); the answer for a change with no body.
fn noted(s: &AppState, channel_id: i64, id: i64) -> StatusCode {
    let _ = s
        .dispatcher
        .send(Input::ConversationNoted { channel_id, id });
    StatusCode::NO_CONTENT
}

fn bad_query(e: QueryRejection) -> ApiErr {
    ApiErr::new(StatusCode::BAD_REQUEST, ErrorCode::BadQuery, e.body_text())
}

/// Tells the dispatcher a conversation changed: it pushes it to the channel's managers and
/// updates the assignee's wrap-up.
fn changed(s: &AppState, channel_id: i64, id: i64, assignee: Option<i64>, state: &str) {
    let _ = s.dispatcher.send(Input::ConversationChanged {
        channel_id,
        id,
        assignee,
        open: state == ringdesk_store::conversations::OPEN,
    });
}

/// A stored code as its wire enum; an unknown one (a newer version's) is left out.
fn code<T: Copy>(stored: Option<&str>, parse: fn(&str) -> Option<T>) -> Option<T> {
    stored.and_then(parse)
}

/// A row as the inbox list shows it.
pub fn summary(r: &ConversationRow) -> ConversationSummary {
    ConversationSummary {
        id: r.id,
        source: ConversationSource::Phone,
        state: ConversationState::parse(&r.state).unwrap_or(ConversationState::Open),
        missed: r.missed,
        direction: CallDirection::parse(&r.direction).unwrap_or(CallDirection::Unknown),
        customer_number: r.caller_number.clone(),
        contact: r.contact_id.map(|id| ContactInfo {
            id,
            name: r.contact_name.clone(),
            phone: r.contact_phone.clone().unwrap_or_default(),
            lead: r.contact_lead.unwrap_or(false),
            fields: Vec::new(),
        }),
        assignee: r.assignee_id.map(|id| ManagerRef {
            id,
            name: r.assignee_name.clone().unwrap_or_default(),
        }),
        team_id: r.team_id,
        team_name: r.team_name.clone(),
        tags: r.tags.clone(),
        last_note: r.last_note.clone(),
        created_at: rfc3339(r.started_at_ms),
        updated_at: rfc3339(r.updated_at_ms),
        snoozed_until: r.snoozed_until_ms.map(rfc3339),
    }
}

fn note(n: NoteRow) -> ConversationNote {
    ConversationNote {
        id: n.id,
        author: ManagerRef {
            id: n.manager_id,
            name: n.manager_name,
        },
        text: n.text,
        at: rfc3339(n.at_ms),
    }
}

async fn list(
    State(s): State<AppState>,
    Authed(m): Authed,
    q: Result<Query<ConversationQuery>, QueryRejection>,
) -> Result<Json<ConversationPage>, ApiErr> {
    let Query(q) = q.map_err(bad_query)?;
    let page = q.page.unwrap_or(1).max(1);
    let per_page = q.per_page.unwrap_or(50);
    if !(1..=200).contains(&per_page) {
        return Err(ApiErr::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadQuery,
            "perPage must be between 1 and 200",
        ));
    }
    let filter = ConversationFilter {
        state: q.state.map(|s| s.as_str().to_string()),
        assignee: q.assignee,
        tag: q.tag,
        contact: q.contact,
    };
    let (rows, total) = s
        .store
        .conversations(m.channel_id, &filter, page, per_page)
        .await?;
    Ok(Json(ConversationPage {
        conversations: rows.iter().map(summary).collect(),
        page,
        per_page,
        total,
    }))
}

async fn detail(
    State(s): State<AppState>,
    Authed(m): Authed,
    Path(id): Path<i64>,
) -> Result<Json<ConversationDetail>, ApiErr> {
    let row = s
        .store
        .conversation(m.channel_id, id)
        .await?
        .ok_or_else(not_found)?;
    let call = s
        .store
        .get_call(m.channel_id, id)
        .await?
        .ok_or_else(not_found)?;
    let recording = s.store.recording(m.channel_id, id).await?;
    let notes = s.store.notes(id).await?;
    let transcript = s.store.transcript(m.channel_id, id).await?;
    Ok(Json(ConversationDetail {
        summary: summary(&row),
        call: call_record(call),
        recording: recording.map(crate::recording::api::recording_info),
        transcript: transcript
            .into_iter()
            .map(|l| TranscriptLine {
                speaker: Speaker::parse(&l.speaker).unwrap_or(Speaker::Customer),
                start_ms: l.start_ms,
                end_ms: l.end_ms,
                text: l.text,
            })
            .collect(),
        notes: notes.into_iter().map(note).collect(),
        wrap_up: WrapUp {
            classification_id: row.classification_id,
            sentiment: code(row.sentiment.as_deref(), Sentiment::parse),
            grade: code(row.grade.as_deref(), CustomerGrade::parse),
            processing: code(row.processing.as_deref(), ProcessingStatus::parse),
        },
    }))
}

async fn set_state(
    State(s): State<AppState>,
    Authed(m): Authed,
    Path(id): Path<i64>,
    body: Result<Json<SetConversationState>, JsonRejection>,
) -> Result<StatusCode, ApiErr> {
    let Json(b) = body.map_err(bad_json)?;
    let now = now_ms();
    let bad = |why: &str| ApiErr::new(StatusCode::BAD_REQUEST, ErrorCode::BadState, why);
    let until = match (b.state, b.snoozed_until.as_deref()) {
        (ConversationState::Missed, _) => {
            return Err(bad("only a missed call makes a conversation missed"));
        }
        (ConversationState::Snoozed, Some(t)) => {
            let at = chrono::DateTime::parse_from_rfc3339(t)
                .map_err(|e| bad(&format!("snoozedUntil is not an RFC 3339 time: {e}")))?
                .timestamp_millis();
            if at <= now {
                return Err(bad("snoozedUntil must be in the future"));
            }
            Some(at)
        }
        (ConversationState::Snoozed, None) => return Err(bad("a snooze needs snoozedUntil")),
        _ => None,
    };
    let state = b.state.as_str();
    let assignee = s
        .store
        .set_conversation_state(m.channel_id, id, state, until, now)
        .await?
        .map_err(refused)?;
    changed(&s, m.channel_id, id, assignee, state);
    Ok(StatusCode::NO_CONTENT)
}

async fn set_assignee(
    State(s): State<AppState>,
    Authed(m): Authed,
    Path(id): Path<i64>,
    body: Result<Json<SetAssignee>, JsonRejection>,
) -> Result<StatusCode, ApiErr> {
    let Json(b) = body.map_err(bad_json)?;
    let assignee = s
        .store
        .set_conversation_assignee(m.channel_id, id, b.manager_id, now_ms())
        .await?
        .map_err(refused)?;
    let state = s
        .store
        .conversation(m.channel_id, id)
        .await?
        .map(|r| r.state)
        .unwrap_or_default();
    changed(&s, m.channel_id, id, assignee, &state);
    Ok(StatusCode::NO_CONTENT)
}

/// Checks and tidies a tag set: each trimmed, 1–50 characters; at most 20 (duplicates count
/// once).
fn tidy_tags(tags: Vec<String>) -> Result<Vec<String>, ApiErr> {
    let bad = |why: String| ApiErr::new(StatusCode::BAD_REQUEST, ErrorCode::BadTag, why);
    let mut tidy: Vec<String> = Vec::new();
    for t in tags {
        let t = t.trim().to_string();
        if t.is_empty() {
            return Err(bad("a tag cannot be empty".into()));
        }
        if t.chars().count() > TAG_MAX_CHARS {
            return Err(bad(format!("a tag is at most {TAG_MAX_CHARS} characters")));
        }
        if !tidy.contains(&t) {
            tidy.push(t);
        }
    }
    if tidy.len() > TAGS_MAX {
        return Err(bad(format!(
            "a conversation carries at most {TAGS_MAX} tags"
        )));
    }
    Ok(tidy)
}

async fn set_tags(
    State(s): State<AppState>,
    Authed(m): Authed,
    Path(id): Path<i64>,
    body: Result<Json<SetTags>, JsonRejection>,
) -> Result<StatusCode, ApiErr> {
    let Json(b) = body.map_err(bad_json)?;
    let tags = tidy_tags(b.tags)?;
    s.store
        .set_conversation_tags(m.channel_id, id, &tags, now_ms())
        .await?
        .map_err(refused)?;
    Ok(noted(&s, m.channel_id, id))
}

async fn add_note(
    State(s): State<AppState>,
    Authed(m): Authed,
    Path(id): Path<i64>,
    body: Result<Json<NewNote>, JsonRejection>,
) -> Result<(StatusCode, Json<ConversationNote>), ApiErr> {
    let Json(b) = body.map_err(bad_json)?;
    let text = b.text.trim();
    let chars = text.chars().count();
    if chars == 0 || chars > NOTE_MAX_CHARS {
        let why = format!("a note is 1 to {NOTE_MAX_CHARS} characters, not {chars}");
        return Err(ApiErr::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadNote,
            why,
        ));
    }
    let saved = s
        .store
        .add_note(m.channel_id, id, m.id, text, now_ms())
        .await?
        .map_err(refused)?;
    noted(&s, m.channel_id, id);
    Ok((StatusCode::CREATED, Json(note(saved))))
}

async fn set_wrap_up(
    State(s): State<AppState>,
    Authed(m): Authed,
    Path(id): Path<i64>,
    body: Result<Json<WrapUp>, JsonRejection>,
) -> Result<StatusCode, ApiErr> {
    let Json(w) = body.map_err(bad_json)?;
    let row = WrapUpRow {
        classification_id: w.classification_id,
        sentiment: w.sentiment.map(|v| v.as_str().to_string()),
        grade: w.grade.map(|v| v.as_str().to_string()),
        processing: w.processing.map(|v| v.as_str().to_string()),
    };
    s.store
        .set_wrap_up(m.channel_id, id, &row, now_ms())
        .await?
        .map_err(refused)?;
    Ok(noted(&s, m.channel_id, id))
}

async fn bulk_close(
    State(s): State<AppState>,
    Authed(m): Authed,
    body: Result<Json<BulkClose>, JsonRejection>,
) -> Result<Json<BulkClosed>, ApiErr> {
    let Json(b) = body.map_err(bad_json)?;
    if b.ids.is_empty() || b.ids.len() > BULK_MAX {
        let why = format!(
            "close 1 to {BULK_MAX} conversations at once, not {}",
            b.ids.len()
        );
        return Err(ApiErr::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadQuery,
            why,
        ));
    }
    let closed = s
        .store
        .close_conversations(m.channel_id, &b.ids, now_ms())
        .await?;
    // Only what was closed here is told: another channel's ids stay unknown.
    for &id in &closed {
        changed(
            &s,
            m.channel_id,
            id,
            None,
            ringdesk_store::conversations::CLOSED,
        );
    }
    Ok(Json(BulkClosed {
        closed: closed.len() as i64,
    }))
}

// The store finds nothing below the API's minimum; the two say the same.
const _: () = assert!(SEARCH_QUERY_MIN == ringdesk_store::recordings::SEARCH_QUERY_MIN_CHARS);

async fn search(
    State(s): State<AppState>,
    Authed(m): Authed,
    q: Result<Query<TranscriptQuery>, QueryRejection>,
) -> Result<Json<Vec<TranscriptHit>>, ApiErr> {
    let Query(q) = q.map_err(bad_query)?;
    let chars = q.q.trim().chars().count();
    if !(SEARCH_QUERY_MIN..=SEARCH_QUERY_MAX).contains(&chars) {
        let why =
            format!("search for {SEARCH_QUERY_MIN} to {SEARCH_QUERY_MAX} characters, not {chars}");
        return Err(ApiErr::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadQuery,
            why,
        ));
    }
    let hits = s
        .store
        .search_transcripts(m.channel_id, q.q.trim(), SEARCH_HITS_MAX)
        .await?;
    Ok(Json(
        hits.into_iter()
            .map(|h| TranscriptHit {
                call_id: h.call_id,
                speaker: Speaker::parse(&h.speaker).unwrap_or(Speaker::Customer),
                start_ms: h.start_ms,
                text: h.text,
                started_at: rfc3339(h.started_at_ms),
                customer_number: h.caller_number,
                customer_name: h.contact_name,
            })
            .collect(),
    ))
}

async fn classifications(
    State(s): State<AppState>,
    Authed(m): Authed,
) -> Result<Json<Vec<Classification>>, ApiErr> {
    let rows = s.store.classifications(m.channel_id).await?;
    Ok(Json(
        rows.into_iter()
            .map(|(id, name)| Classification { id, name })
            .collect(),
    ))
}

async fn add_classification(
    State(s): State<AppState>,
    Admin(m): Admin,
    body: Result<Json<NewClassification>, JsonRejection>,
) -> Result<(StatusCode, Json<Classification>), ApiErr> {
    let Json(b) = body.map_err(bad_json)?;
    let name = b.name.trim().to_string();
    let chars = name.chars().count();
    if chars == 0 || chars > CLASSIFICATION_MAX_CHARS {
        let why = format!("a classification's name is 1 to {CLASSIFICATION_MAX_CHARS} characters");
        return Err(ApiErr::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadQuery,
            why,
        ));
    }
    match s.store.add_classification(m.channel_id, &name).await? {
        Some(id) => Ok((StatusCode::CREATED, Json(Classification { id, name }))),
        None => Err(ApiErr::new(
            StatusCode::CONFLICT,
            ErrorCode::DuplicateName,
            format!("the channel has a classification named {name:?} already"),
        )),
    }
}

async fn delete_classification(
    State(s): State<AppState>,
    Admin(m): Admin,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiErr> {
    if s.store.delete_classification(m.channel_id, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiErr::new(
            StatusCode::NOT_FOUND,
            ErrorCode::UnknownClassification,
            "no such classification in the channel",
        ))
    }
}
