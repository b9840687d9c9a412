// Generated from crates/wire/src/statistics.rs by its tests: do not edit. After changing the
// types, regenerate with `RINGDESK_UPDATE_TS=1 cargo test -p ringdesk-wire`.

import type { AgentStatus } from "./codes";
import type { ManagerRef } from "./signaling";

/**
 * `GET /api/v1/statistics` and the metrics API's query. The period is whole days in the
 * channel's time zone, `from` to `to` inclusive, at most `STATISTICS_MAX_DAYS`.
 */
export type StatisticsQuery = {
  /** First day, `YYYY-MM-DD`. */
  from: string,
  /** Last day, `YYYY-MM-DD` (inclusive). */
  to: string,
  /**
   * Service level: a queued call answered within this many seconds is answered in time
   * (one of `ANSWER_WITHIN_CHOICES`; default 20).
   */
  answerWithinS: number | null,
  /**
   * A queued caller who hangs up sooner is a short abandon, left out of the service level
   * and the abandonment rate (one of `SHORT_ABANDON_CHOICES`; default 5).
   */
  shortAbandonS: number | null,
  /** Only this team's calls and queue (owners and admins). */
  teamId: number | null,
};

/** Missed inbound calls by reason (`docs/product.md#missed-reasons`). */
export type MissedByReason = {
  /** Outside operating hours. */
  notInOperation: number,
  /** No manager could take calls. */
  noOperator: number,
  /** Waited the queue's maximum. */
  abandonedInQueue: number,
  /** Rang, nobody answered. */
  ringTimeOver: number,
  /** The customer hung up first. */
  userLeft: number,
  /** The queue was full. */
  exceededQueue: number,
  /** A workflow ended it. */
  workflow: number,
};

/**
 * The metrics of a set of calls (the channel's, a team's, a queue's) over a period. A call
 * counts once it has ended, in the day and hour it started.
 */
export type CallMetrics = {
  /** Calls: `inbound + outbound`. */
  total: number,
  /** Calls that came in: `answered + missed`. */
  inbound: number,
  /** Calls managers placed. */
  outbound: number,
  /** Inbound calls a manager answered. */
  answered: number,
  /** Placed calls the called party answered. */
  outboundAnswered: number,
  /** Inbound calls nobody answered: the sum of `missedByReason`. */
  missed: number,
  /** The missed calls by reason. */
  missedByReason: MissedByReason,
  /** `answered ÷ inbound`. */
  inboundCompletionRate: number | null,
  /** `outboundAnswered ÷ outbound`. */
  outboundCompletionRate: number | null,
  /** Answer → end over talked calls, hold included, seconds. */
  averageCallDurationS: number | null,
  /** Call start → first manager connected over answered inbound calls, seconds. */
  averageFirstResponseS: number | null,
  /** Call end → conversation closed over calls wrapped up, seconds. */
  averageWrapUpS: number | null,
  /** Time on hold per talked call, seconds. */
  averageHoldS: number | null,
  /**
   * Talk (hold included) + wrap-up per talked call, seconds (a call not yet wrapped up
   * adds no wrap-up).
   */
  averageHandleTimeS: number | null,
  /** Inbound calls that waited in a queue. */
  queued: number,
  /** Queued calls answered within the threshold. */
  answeredInTime: number,
  /**
   * Queued callers who hung up (or waited out the queue) after the short-abandon
   * threshold.
   */
  abandoned: number,
  /** Queued callers who hung up sooner. */
  shortAbandoned: number,
  /** `answeredInTime ÷ (queued calls answered + abandoned)`. */
  serviceLevel: number | null,
  /** Queue entry → answer over queued calls answered, seconds. */
  averageSpeedOfAnswerS: number | null,
  /** `abandoned ÷ (queued − shortAbandoned)`. */
  abandonmentRate: number | null,
};

/** A team's metrics: the calls to the numbers it answers. */
export type TeamMetrics = {
  /** The team; `None` for numbers without one. */
  teamId: number | null,
  /** Its name (empty for numbers without a team). */
  name: string,
  /** The metrics. */
  metrics: CallMetrics,
};

/** A queue's metrics: the calls that first waited in it. */
export type QueueMetrics = {
  /** A team's queue. */
  teamId: number | null,
  /** One manager's own queue. */
  managerId: number | null,
  /** The team's or the manager's name. */
  name: string,
  /** The metrics. */
  metrics: CallMetrics,
};

/** Time in each status, seconds. */
export type StatusTimes = {
  /** Available. */
  availableS: number,
  /** Away. */
  awayS: number,
  /** In a call. */
  inCallS: number,
  /** Wrapping up. */
  wrapUpS: number,
  /** No app connected. */
  offlineS: number,
};

/** One manager's figures over a period (the calls that started in it). */
export type ManagerMetrics = {
  /** The manager. */
  managerId: number,
  /** Their name. */
  name: string,
  /** Calls they were rung for, joined or placed. */
  total: number,
  /** Calls they placed. */
  outbound: number,
  /** Inbound calls they answered. */
  answered: number,
  /** Their time in calls, seconds. */
  talkS: number,
  /** Ringing + talk, seconds. */
  totalS: number,
  /** Rings they let time out, declined, or lost by going away or offline. */
  missedRings: number,
  /** Time in each status. */
  status: StatusTimes,
};

/** One day's traffic. */
export type DayTraffic = {
  /** `YYYY-MM-DD` in the channel's time zone. */
  date: string,
  /** Calls. */
  total: number,
  /** Inbound calls answered. */
  answered: number,
  /** Inbound calls missed. */
  missed: number,
  /** Calls placed. */
  outbound: number,
};

/** A period's statistics. */
export type Statistics = {
  /** First day. */
  from: string,
  /** Last day (inclusive). */
  to: string,
  /** The channel's time zone (IANA) the days and hours are in. */
  timeZone: string,
  /** The service-level threshold used, seconds. */
  answerWithinS: number,
  /** The short-abandon threshold used, seconds. */
  shortAbandonS: number,
  /**
   * The channel's metrics (or the team's, with `teamId`); `None` for a manager who is not
   * an owner or admin: they see their own row only.
   */
  channel: CallMetrics | null,
  /** Per team. */
  teams: Array<TeamMetrics>,
  /** Per queue. */
  queues: Array<QueueMetrics>,
  /** Per manager (only their own for a manager who is not an owner or admin). */
  managers: Array<ManagerMetrics>,
  /** Calls by weekday (Monday first) and hour (0–23) of their start. */
  byWeekdayHour: Array<Array<number>>,
  /** Each day of the period. */
  days: Array<DayTraffic>,
};

/** A metrics API access key as the owner's list shows it (never its secret). */
export type AccessKey = {
  /** What revoking names (`DELETE /api/v1/access-keys/{id}`). */
  id: number,
  /** The public half, sent with every request (`rk_…`). */
  keyId: string,
  /** What the owner called it. */
  label: string,
  /** Who created it. */
  createdBy: ManagerRef,
  /** RFC 3339 UTC. */
  createdAt: string,
  /** RFC 3339 UTC; a revoked key is refused. */
  revokedAt: string | null,
};

/** `POST /api/v1/access-keys` (owners). */
export type NewAccessKey = {
  /** What it is for, 1–`ACCESS_KEY_LABEL_MAX` characters. */
  label: string,
};

/** A new access key and its secret: shown this once, kept only hashed. */
export type CreatedAccessKey = {
  /** The key. */
  key: AccessKey,
  /** Its secret. */
  secret: string,
};

/**
 * `GET /api/v1/statistics/calls.csv` and `GET /metrics-api/v1/calls.csv`: the raw calls of a
 * period of whole days in the channel's zone (at most `STATISTICS_MAX_DAYS`).
 */
export type CallsExportQuery = {
  /** First day, `YYYY-MM-DD`. */
  from: string,
  /** Last day, `YYYY-MM-DD` (inclusive). */
  to: string,
};

/**
 * The live wallboard (the queue view): who waits, how each manager is, and today's service
 * level. The cloud pushes a new one to every app watching it whenever any of that changes
 * (`ClientMessage::WatchWallboard`); the app counts the waits up itself between
 * pushes, from `serverNowMs`.
 */
export type Wallboard = {
  /**
   * The cloud's clock when this was sent, epoch ms: the app's clock may differ, so waits
   * are counted from this.
   */
  serverNowMs: number,
  /** Callers waiting in a queue for a manager, longest wait first. */
  waiting: Array<WaitingCaller>,
  /** The channel's managers, by name. */
  managers: Array<LiveManager>,
  /** Today's counts in the channel's time zone; `None` until first read. */
  today: TodayFigures | null,
};

/** A caller waiting in a queue, as the wallboard shows them. */
export type WaitingCaller = {
  /** The call. */
  callId: number,
  /** Their number (E.164). */
  number: string,
  /** Their contact's name, when they have one. */
  name: string | null,
  /** The queue: its team's name, or the manager's whose own queue it is. */
  queue: string,
  /** When they entered the queue, epoch ms (the cloud's clock). */
  sinceMs: number,
  /** A manager's phone rings for them now. */
  ringing: boolean,
  /**
   * They asked to be called back and hung up: they keep their place but are not on the
   * line.
   */
  callback: boolean,
};

/** A manager as the wallboard shows them. */
export type LiveManager = {
  /** Who. */
  id: number,
  /** Their name. */
  name: string,
  /** What their teammates see; `None`: no app open (offline). */
  status: AgentStatus | null,
  /** Since when, epoch ms (the cloud's clock); `None` when not since the cloud started. */
  sinceMs: number | null,
};

/**
 * Today's figures on the wallboard: counts, so the app computes the rates as the statistics
 * view does (service level = `answeredInTime ÷ serviceLevelCalls`).
 */
export type TodayFigures = {
  /** The day, `YYYY-MM-DD` in the channel's zone. */
  day: string,
  /** The service-level threshold, seconds (the statistics' default). */
  answerWithinS: number,
  /** The short-abandon threshold, seconds (the statistics' default). */
  shortAbandonS: number,
  /** Inbound calls ended today. */
  inbound: number,
  /** Of them, answered. */
  answered: number,
  /** Of them, missed. */
  missed: number,
  /** Queued calls answered within `answerWithinS`. */
  answeredInTime: number,
  /**
   * The service level's denominator: queued calls answered, plus those abandoned after
   * the short-abandon threshold.
   */
  serviceLevelCalls: number,
};
