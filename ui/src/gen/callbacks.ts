// Generated from crates/wire/src/callbacks.rs by its tests: do not edit. After changing the
// types, regenerate with `RINGDESK_UPDATE_TS=1 cargo test -p ringdesk-wire`.

import type { ManagerRef } from "./signaling";

/** A booked callback. */
export type Callback = {
  /** Id. */
  id: number,
  /** Whom to call (E.164). */
  customerNumber: string,
  /** Their contact's name, when the number has one. */
  customerName: string | null,
  /** The conversation it was booked from, if any. */
  conversationId: number | null,
  /** Who calls them back. */
  assignee: ManagerRef,
  /** The channel number to call from. */
  callerId: string,
  /** When, RFC 3339. */
  dueAt: string,
  /** What to say or check. */
  note: string,
  /** Who booked it. */
  bookedBy: ManagerRef,
  /** When it was marked done, RFC 3339; `None`: still to do. */
  doneAt: string | null,
};

/** `POST /api/v1/callbacks`: books a callback. */
export type NewCallback = {
  /** Whom to call (E.164 or national in the channel's country). */
  customerNumber: string,
  /** The conversation (or missed call's conversation) it is booked from. */
  conversationId: number | null,
  /** Who calls them back (a manager of the channel). */
  assigneeId: number,
  /** One of the channel's numbers. */
  callerId: string,
  /**
   * When, RFC 3339 with an offset; in the future, at most
   * `CALLBACK_AHEAD_MAX_DAYS` ahead.
   */
  dueAt: string,
  /** Up to `CALLBACK_NOTE_MAX` characters. */
  note: string,
};

/** `GET /api/v1/callbacks` query. */
export type CallbackQuery = {
  /** Whose (default: the asker's own). */
  assignee: number | null,
  /** `true`: also those marked done (newest first after the open ones). */
  includeDone: boolean | null,
};

/** `PUT /api/v1/callbacks/{id}/done`: marks a callback done or still to do. */
export type SetCallbackDone = {
  /** Done (`true`) or still to do. */
  done: boolean,
};
