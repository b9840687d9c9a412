//! The shared inbox's contract (`docs/protocol.md#inbox`): every call is a conversation with a
//! phone icon, tied to the customer's contact, carrying the managers' internal notes, tags,
//! assignee and the wrap-up form; the REST bodies that list, show and change them, and the
//! live push that tells every manager of the channel one changed.

use serde::{Deserialize, Serialize};

use crate::{
    CallDirection, CallRecord, ContactInfo, ConversationState, CustomerGrade, ManagerRef,
    ProcessingStatus, RecordingInfo, Sentiment,
};

/// The longest internal note, in characters.
pub const NOTE_MAX_CHARS: usize = 5_000;
/// The longest tag, in characters.
pub const TAG_MAX_CHARS: usize = 50;
/// Tags one conversation may carry.
pub const TAGS_MAX: usize = 20;
/// Conversations one bulk close takes at most.
pub const BULK_MAX: usize = 500;
/// The longest classification name, in characters.
pub const CLASSIFICATION_MAX_CHARS: usize = 50;

/// One conversation as the inbox list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ConversationSummary {
    /// Id (a phone conversation has its call's id).
    pub id: i64,
    /// Where it came from: a phone call (the list's phone icon).
    pub source: ConversationSource,
    /// Where it stands.
    pub state: ConversationState,
    /// It began as a missed call: it may be closed, never made open or snoozed again.
    pub missed: bool,
    /// The call's direction.
    pub direction: CallDirection,
    /// The customer's number (E.164).
    pub customer_number: String,
    /// The customer's contact, by number (a lead for a number nobody knew).
    pub contact: Option<ContactInfo>,
    /// Who owns it; `None`: nobody yet.
    pub assignee: Option<ManagerRef>,
    /// The team the call came in for, and its name.
    pub team_id: Option<i64>,
    /// The team's name.
    pub team_name: Option<String>,
    /// Its tags.
    pub tags: Vec<String>,
    /// The last internal note, for the list's preview.
    pub last_note: Option<String>,
    /// When the call started, RFC 3339.
    pub created_at: String,
    /// When anything on it last changed, RFC 3339.
    pub updated_at: String,
    /// Until when it is snoozed, RFC 3339.
    pub snoozed_until: Option<String>,
}

/// Where a conversation came from. Only phone calls are conversations so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum ConversationSource {
    /// A phone call (or a voice meet): only internal notes, no messages to the customer.
    Phone,
}

/// A conversation whole, as its view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ConversationDetail {
    /// What the list shows.
    pub summary: ConversationSummary,
    /// The call it is about.
    pub call: CallRecord,
    /// The call's recording, when there is one.
    pub recording: Option<RecordingInfo>,
    /// Its transcript's lines in time order (empty until it is made).
    pub transcript: Vec<crate::TranscriptLine>,
    /// Internal notes, oldest first.
    pub notes: Vec<ConversationNote>,
    /// The wrap-up form as filled so far.
    pub wrap_up: WrapUp,
}

/// An internal note: seen by the channel's managers, never by the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ConversationNote {
    /// Id.
    pub id: i64,
    /// Who wrote it.
    pub author: ManagerRef,
    /// What it says (1–[`NOTE_MAX_CHARS`] characters).
    pub text: String,
    /// When, RFC 3339.
    pub at: String,
}

/// The wrap-up form after a call: how it went, for the team's records and statistics. Each
/// field may be left unset.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct WrapUp {
    /// One of the channel's classifications (`GET /api/v1/classifications`).
    #[serde(default)]
    pub classification_id: Option<i64>,
    /// How the customer felt.
    #[serde(default)]
    pub sentiment: Option<Sentiment>,
    /// What kind of customer they are.
    #[serde(default)]
    pub grade: Option<CustomerGrade>,
    /// Where the matter stands.
    #[serde(default)]
    pub processing: Option<ProcessingStatus>,
}

/// A category an admin defines for the wrap-up form (상담 분류).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Classification {
    /// Id.
    pub id: i64,
    /// Its name (1–[`CLASSIFICATION_MAX_CHARS`] characters, unique in the channel).
    pub name: String,
}

/// `POST /api/v1/classifications`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NewClassification {
    /// Its name.
    pub name: String,
}

/// `GET /api/v1/conversations` query: every filter optional, all must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ConversationQuery {
    /// Only this state (`missed`: the missed list).
    #[serde(default)]
    pub state: Option<ConversationState>,
    /// Only this source.
    #[serde(default)]
    pub source: Option<ConversationSource>,
    /// Only this manager's (`0`: only unassigned ones).
    #[serde(default)]
    pub assignee: Option<i64>,
    /// Only those carrying this tag.
    #[serde(default)]
    pub tag: Option<String>,
    /// Only this contact's.
    #[serde(default)]
    pub contact: Option<i64>,
    /// Page, from 1.
    #[serde(default)]
    pub page: Option<i64>,
    /// Per page, 1–200 (50).
    #[serde(default)]
    pub per_page: Option<i64>,
}

/// A page of conversations, most recently changed first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ConversationPage {
    /// This page.
    pub conversations: Vec<ConversationSummary>,
    /// Which page.
    pub page: i64,
    /// Its size.
    pub per_page: i64,
    /// How many match in all.
    pub total: i64,
}

/// `PUT /api/v1/conversations/{id}/state`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SetConversationState {
    /// `open`, `snoozed` (with `snoozedUntil`) or `closed`; never `missed`, which only a
    /// missed call makes.
    pub state: ConversationState,
    /// Until when, RFC 3339, in the future: for `snoozed`.
    #[serde(default)]
    pub snoozed_until: Option<String>,
}

/// `PUT /api/v1/conversations/{id}/assignee`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SetAssignee {
    /// A manager of the channel, or `None` for nobody.
    pub manager_id: Option<i64>,
}

/// `PUT /api/v1/conversations/{id}/tags`: the whole set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SetTags {
    /// Each 1–[`TAG_MAX_CHARS`] characters, at most [`TAGS_MAX`]; duplicates are one.
    pub tags: Vec<String>,
}

/// `POST /api/v1/conversations/{id}/notes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NewNote {
    /// 1–[`NOTE_MAX_CHARS`] characters.
    pub text: String,
}

/// `POST /api/v1/conversations/close`: close many at once (the missed list's bulk close).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BulkClose {
    /// 1–[`BULK_MAX`] conversation ids of the channel.
    pub ids: Vec<i64>,
}

/// What a bulk close did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BulkClosed {
    /// How many were closed now (those closed already are left as they were).
    pub closed: i64,
}

/// The shortest transcript search, in characters: one character would match most lines.
pub const SEARCH_QUERY_MIN: usize = 2;
/// The longest transcript search, in characters.
pub const SEARCH_QUERY_MAX: usize = 200;
/// Lines a transcript search returns at most.
pub const SEARCH_HITS_MAX: i64 = 50;

/// `GET /api/v1/transcripts/search?q=…`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TranscriptQuery {
    /// What was said: [`SEARCH_QUERY_MIN`]–[`SEARCH_QUERY_MAX`] characters, found inside words too (Korean
    /// particles and endings attach to words), any case.
    pub q: String,
}

/// A transcript line a search found: the call (its conversation) and where in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TranscriptHit {
    /// The call and its conversation.
    pub call_id: i64,
    /// Who said it.
    pub speaker: crate::Speaker,
    /// Where, ms into the recording (the player starts there).
    pub start_ms: i64,
    /// The line.
    pub text: String,
    /// When the call started, RFC 3339.
    pub started_at: String,
    /// The customer's number.
    pub customer_number: String,
    /// The customer's name, when known.
    pub customer_name: Option<String>,
}
