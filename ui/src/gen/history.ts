// Generated from crates/wire/src/history.rs by its tests: do not edit. After changing the
// types, regenerate with `RINGDESK_UPDATE_TS=1 cargo test -p ringdesk-wire`.

import type { CallDirection } from "./codes";
import type { ManagerRef } from "./signaling";

/** Which of the manager's calls a history list shows. */
export type HistoryKind = "recent" | "missed" | "inbound" | "outbound";

/** What a call was for the manager whose history it is in. */
export type HistoryOutcome = "answered" | "missed" | "takenByTeammate" | "notAnswered";

/** How the customer was reached: a redial uses the same. */
export type CallMedium = "phone" | "meet";

/** One call of the manager's history. */
export type HistoryEntry = {
  /** The call. */
  callId: number,
  /** Inbound or outbound. */
  direction: CallDirection,
  /** Phone or voice meet. */
  medium: CallMedium,
  /** The customer's number (E.164; empty for a meet's visitor). */
  number: string,
  /** The customer's name, when known. */
  name: string | null,
  /** What it was for this manager. */
  outcome: HistoryOutcome,
  /** A teammate invited this manager and they did not answer: "{name}'s invitation". */
  invitedBy: ManagerRef | null,
  /**
   * A missed call whose customer was reached by a later answered call: redialling warns
   * first.
   */
  alreadyHandled: boolean,
  /**
   * The number to redial on the same medium; `None`: it cannot be redialled (a meet's
   * visitor).
   */
  redial: string | null,
  /** RFC 3339 UTC. */
  startedAt: string,
  /** Talk time in seconds. */
  durationS: number,
};

/** `GET /api/v1/history` query. */
export type HistoryQuery = {
  /** Which calls (default: recent). */
  kind: HistoryKind | null,
  /** Only calls older than this call (the previous page's last). */
  before: number | null,
  /** Page size, 1–`HISTORY_PAGE_MAX` (default 50). */
  limit: number | null,
};
