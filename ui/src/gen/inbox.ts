// Generated from crates/wire/src/inbox.rs by its tests: do not edit. After changing the
// types, regenerate with `RINGDESK_UPDATE_TS=1 cargo test -p ringdesk-wire`.

import type {
  CallDirection,
  ConversationState,
  Sentiment,
  CustomerGrade,
  ProcessingStatus,
  Speaker,
} from "./codes";
import type { ContactInfo, RecordingInfo, TranscriptLine, CallRecord } from "./rest";
import type { ManagerRef } from "./signaling";

/** Where a conversation came from. Only phone calls are conversations so far. */
export type ConversationSource = "phone";

/** One conversation as the inbox list shows it. */
export type ConversationSummary = {
  /** Id (a phone conversation has its call's id). */
  id: number,
  /** Where it came from: a phone call (the list's phone icon). */
  source: ConversationSource,
  /** Where it stands. */
  state: ConversationState,
  /** It began as a missed call: it may be closed, never made open or snoozed again. */
  missed: boolean,
  /** The call's direction. */
  direction: CallDirection,
  /** The customer's number (E.164). */
  customerNumber: string,
  /** The customer's contact, by number (a lead for a number nobody knew). */
  contact: ContactInfo | null,
  /** Who owns it; `None`: nobody yet. */
  assignee: ManagerRef | null,
  /** The team the call came in for, and its name. */
  teamId: number | null,
  /** The team's name. */
  teamName: string | null,
  /** Its tags. */
  tags: Array<string>,
  /** The last internal note, for the list's preview. */
  lastNote: string | null,
  /** When the call started, RFC 3339. */
  createdAt: string,
  /** When anything on it last changed, RFC 3339. */
  updatedAt: string,
  /** Until when it is snoozed, RFC 3339. */
  snoozedUntil: string | null,
};

/** A conversation whole, as its view shows it. */
export type ConversationDetail = {
  /** What the list shows. */
  summary: ConversationSummary,
  /** The call it is about. */
  call: CallRecord,
  /** The call's recording, when there is one. */
  recording: RecordingInfo | null,
  /** Its transcript's lines in time order (empty until it is made). */
  transcript: Array<TranscriptLine>,
  /** Internal notes, oldest first. */
  notes: Array<ConversationNote>,
  /** The wrap-up form as filled so far. */
  wrapUp: WrapUp,
};

/** An internal note: seen by the channel's managers, never by the customer. */
export type ConversationNote = {
  /** Id. */
  id: number,
  /** Who wrote it. */
  author: ManagerRef,
  /** What it says (1–`NOTE_MAX_CHARS` characters). */
  text: string,
  /** When, RFC 3339. */
  at: string,
};

/**
 * The wrap-up form after a call: how it went, for the team's records and statistics. Each
 * field may be left unset.
 */
export type WrapUp = {
  /** One of the channel's classifications (`GET /api/v1/classifications`). */
  classificationId: number | null,
  /** How the customer felt. */
  sentiment: Sentiment | null,
  /** What kind of customer they are. */
  grade: CustomerGrade | null,
  /** Where the matter stands. */
  processing: ProcessingStatus | null,
};

/** A category an admin defines for the wrap-up form (상담 분류). */
export type Classification = {
  /** Id. */
  id: number,
  /** Its name (1–`CLASSIFICATION_MAX_CHARS` characters, unique in the channel). */
  name: string,
};

/** `POST /api/v1/classifications`. */
export type NewClassification = {
  /** Its name. */
  name: string,
};

/** `GET /api/v1/conversations` query: every filter optional, all must hold. */
export type ConversationQuery = {
  /** Only this state (`missed`: the missed list). */
  state: ConversationState | null,
  /** Only this source. */
  source: ConversationSource | null,
  /** Only this manager's (`0`: only unassigned ones). */
  assignee: number | null,
  /** Only those carrying this tag. */
  tag: string | null,
  /** Only this contact's. */
  contact: number | null,
  /** Page, from 1. */
  page: number | null,
  /** Per page, 1–200 (50). */
  perPage: number | null,
};

/** A page of conversations, most recently changed first. */
export type ConversationPage = {
  /** This page. */
  conversations: Array<ConversationSummary>,
  /** Which page. */
  page: number,
  /** Its size. */
  perPage: number,
  /** How many match in all. */
  total: number,
};

/** `PUT /api/v1/conversations/{id}/state`. */
export type SetConversationState = {
  /**
   * `open`, `snoozed` (with `snoozedUntil`) or `closed`; never `missed`, which only a
   * missed call makes.
   */
  state: ConversationState,
  /** Until when, RFC 3339, in the future: for `snoozed`. */
  snoozedUntil: string | null,
};

/** `PUT /api/v1/conversations/{id}/assignee`. */
export type SetAssignee = {
  /** A manager of the channel, or `None` for nobody. */
  managerId: number | null,
};

/** `PUT /api/v1/conversations/{id}/tags`: the whole set. */
export type SetTags = {
  /** Each 1–`TAG_MAX_CHARS` characters, at most `TAGS_MAX`; duplicates are one. */
  tags: Array<string>,
};

/** `POST /api/v1/conversations/{id}/notes`. */
export type NewNote = {
  /** 1–`NOTE_MAX_CHARS` characters. */
  text: string,
};

/** `POST /api/v1/conversations/close`: close many at once (the missed list's bulk close). */
export type BulkClose = {
  /** 1–`BULK_MAX` conversation ids of the channel. */
  ids: Array<number>,
};

/** What a bulk close did. */
export type BulkClosed = {
  /** How many were closed now (those closed already are left as they were). */
  closed: number,
};

/** `GET /api/v1/transcripts/search?q=…`. */
export type TranscriptQuery = {
  /**
   * What was said: `SEARCH_QUERY_MIN`–`SEARCH_QUERY_MAX` characters, found inside words too (Korean
   * particles and endings attach to words), any case.
   */
  q: string,
};

/** A transcript line a search found: the call (its conversation) and where in it. */
export type TranscriptHit = {
  /** The call and its conversation. */
  callId: number,
  /** Who said it. */
  speaker: Speaker,
  /** Where, ms into the recording (the player starts there). */
  startMs: number,
  /** The line. */
  text: string,
  /** When the call started, RFC 3339. */
  startedAt: string,
  /** The customer's number. */
  customerNumber: string,
  /** The customer's name, when known. */
  customerName: string | null,
};
