// Generated from crates/wire/src/workflows.rs by its tests: do not edit. After changing the
// types, regenerate with `RINGDESK_UPDATE_TS=1 cargo test -p ringdesk-wire`.

import type { ErrorCode, MissedReason } from "./codes";
import type { ProfileField } from "./signaling";

/** A day of the week in a schedule. */
export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

/** The language text-to-speech speaks a prompt in. */
export type SpeechLanguage = "ko" | "en";

/** A ready workflow to start from (the seed's recipes). */
export type WorkflowRecipe = "ivr" | "callback";

/** What is wrong with a workflow (`WorkflowProblem.code`). */
export type ProblemCode =
  | "noSteps"
  | "noFirstStep"
  | "unnamedStep"
  | "duplicateName"
  | "missingTarget"
  | "unreachable"
  | "loopWithoutInput"
  | "menuWithoutButtons"
  | "badButton"
  | "missingPrompt"
  | "speechTooLong"
  | "badDigitCount"
  | "unlabelledForm"
  | "badVoicemailLength"
  | "unknownAssignee"
  | "emptyText"
  | "emptyBranch"
  | "callbackOutsideQueue"
  | "badInputTimeout"
  | "badQueueWait"
  | "badSchedule"
  | "emptyCondition"
  | "unknown";

/**
 * One open period of a week: `start` to `end` (`"HH:MM"`) on `day`; an `end` at or before
 * `start` runs past midnight.
 */
export type OpenPeriod = {
  /** The day it starts on. */
  day: Weekday,
  /** `"09:00"`. */
  start: string,
  /** `"18:00"`; `"24:00"` is the end of the day. */
  end: string,
};

/**
 * When a channel (or a workflow) is open: weekly periods and whole-day holidays in a time
 * zone (`docs/product.md#workflow-rules`).
 */
export type OperatingHours = {
  /** An IANA time zone, e.g. `Asia/Seoul`. */
  timeZone: string,
  /** The open periods. */
  periods: Array<OpenPeriod>,
  /** Closed days, `"YYYY-MM-DD"` in the zone's calendar. */
  holidays: Array<string>,
};

/** What the caller hears. */
export type PromptSource =
  | {
      "kind": "recording",
      /** The prompt's id (`POST /api/v1/prompts`). */
      promptId: number,
    }
  | {
      "kind": "speech",
      /** The language. */
      language: SpeechLanguage,
      /** What is said. */
      text: string,
    };

/** One test on a call. */
export type WorkflowCondition =
  | { "kind": "operatingHours" }
  | {
      "kind": "knownContact",
      /** Known or not. */
      known: boolean,
    }
  | {
      "kind": "fieldEquals",
      /** The field. */
      key: string,
      /** The value. */
      value: string,
    }
  | {
      "kind": "callerPrefix",
      /** E.g. `+8210`. */
      prefix: string,
    }
  | {
      "kind": "numberIs",
      /** E.164. */
      number: string,
    }
  | {
      "kind": "not",
      /** The condition negated. */
      condition: WorkflowCondition,
    };

/** A branch's arm. */
export type BranchArm = {
  /** All must hold. */
  when: Array<WorkflowCondition>,
  /** The step it leads to. */
  next: number,
};

/** A menu button: a key 0–9 and the step it leads to (the button is named by that step). */
export type MenuButton = {
  /** 0–9. */
  key: number,
  /** The step. */
  next: number,
};

/** What a step does (`docs/product.md#workflow-rules`). */
export type WorkflowAction =
  | {
      "kind": "branch",
      /** In order. */
      arms: Array<BranchArm>,
      /** When none holds. */
      otherwise: number | null,
    }
  | {
      "kind": "menu",
      /** Says what each key does. */
      prompt: PromptSource,
      /** The keys. */
      buttons: Array<MenuButton>,
    }
  | {
      "kind": "message",
      /** What is said. */
      prompt: PromptSource,
      /** After it. */
      next: number | null,
    }
  | { "kind": "endCall" }
  | {
      "kind": "voicemail",
      /** The greeting. */
      prompt: PromptSource,
      /** The longest message, seconds. */
      maxSeconds: number,
    }
  | {
      "kind": "inputForm",
      /** Asks for them. */
      prompt: PromptSource,
      /** What they are. */
      label: string,
      /** How many. */
      digits: number,
      /** After it. */
      next: number | null,
    }
  | {
      "kind": "assign",
      /** The team (exactly one of `teamId` and `managerId`). */
      teamId: number | null,
      /** The manager. */
      managerId: number | null,
    }
  | {
      "kind": "sendSms",
      /** The message. */
      text: string,
      /** After it. */
      next: number | null,
    }
  | {
      "kind": "tag",
      /** The tag. */
      tag: string,
      /** After it. */
      next: number | null,
    }
  | {
      "kind": "callback",
      /** After it. */
      next: number | null,
    };

/** A step. */
export type WorkflowStep = {
  /** Stable id; buttons and branches point at it. */
  id: number,
  /** Shown in the editor, the analytics and on buttons. */
  name: string,
  /** What it does. */
  action: WorkflowAction,
};

/** When a workflow starts. */
export type WorkflowTrigger =
  | { "kind": "customerCalled" }
  | {
      "kind": "waitingInQueue",
      /** Seconds. */
      afterSeconds: number,
    };

/** A whole workflow, as a draft or a published version. */
export type WorkflowDefinition = {
  /** When it starts. */
  trigger: WorkflowTrigger,
  /** It runs for calls meeting all of these. */
  filters: Array<WorkflowCondition>,
  /** It runs only within these hours (none: always). */
  active: OperatingHours | null,
  /** Seconds to wait for a key before the call ends. */
  inputTimeoutSeconds: number,
  /** The step calls start at. */
  first: number,
  /** Its steps. */
  steps: Array<WorkflowStep>,
};

/** One problem that keeps a draft from being published. */
export type WorkflowProblem = {
  /** What kind. */
  code: ProblemCode,
  /** The step it is about, when one. */
  stepId: number | null,
  /** For people (English; the app words it from the code). */
  message: string,
};

/** A workflow in the channel's list (`GET /api/v1/workflows`). */
export type WorkflowSummary = {
  /** Id. */
  id: number,
  /** Name. */
  name: string,
  /** The version calls run; none until published. */
  publishedVersion: number | null,
  /**
   * The numbers it answers: those linked to it, and when it is first in the list those
   * linked to no workflow.
   */
  numbers: Array<string>,
  /** The numbers linked to it by name (`PUT /api/v1/numbers/{e164}/workflow`). */
  linkedNumbers: Array<string>,
};

/** A published version. */
export type WorkflowVersion = {
  /** From 1. */
  version: number,
  /** When. */
  publishedAtMs: number,
  /** By whom (manager id). */
  publishedBy: number,
};

/** A workflow for the editor (`GET /api/v1/workflows/{id}`). */
export type WorkflowDetail = {
  /** Id. */
  id: number,
  /** Name. */
  name: string,
  /** The draft. */
  draft: WorkflowDefinition,
  /** What keeps the draft from being published (empty: it can be). */
  problems: Array<WorkflowProblem>,
  /** The version calls run. */
  publishedVersion: number | null,
  /** Every published version, newest first. */
  versions: Array<WorkflowVersion>,
};

/** `POST /api/v1/workflows`. */
export type NewWorkflow = {
  /** Name. */
  name: string,
  /** Start from a recipe (none: an empty workflow with one step). */
  recipe: WorkflowRecipe | null,
};

/** `PUT /api/v1/workflows/{id}/draft`. */
export type SaveDraft = {
  /** Name. */
  name: string,
  /** The draft. */
  draft: WorkflowDefinition,
};

/** `POST /api/v1/workflows/{id}/publish` answer. */
export type Published = {
  /** The new current version. */
  version: number,
};

/** A refused publish (HTTP 422): every problem of the draft. */
export type PublishRefused = {
  /** `workflowProblems`. */
  code: ErrorCode,
  /** For people. */
  message: string,
  /** Every problem. */
  problems: Array<WorkflowProblem>,
};

/** `POST /api/v1/workflows/{id}/rollback`. */
export type RollBack = {
  /** The version to make current. */
  version: number,
};

/** `PUT /api/v1/workflows/order`: every workflow id of the channel, first first. */
export type WorkflowOrder = {
  /** The ids. */
  ids: Array<number>,
};

/** `PUT /api/v1/numbers/{e164}/workflow`. */
export type NumberWorkflow = {
  /** The workflow (none: the first of the list). */
  workflowId: number | null,
};

/** An uploaded prompt (`GET /api/v1/prompts`). */
export type PromptInfo = {
  /** Id. */
  id: number,
  /** Name. */
  name: string,
  /** Length. */
  durationMs: number,
  /** When uploaded. */
  createdAtMs: number,
};

/** `POST /api/v1/prompts?name=…`: the body is the WAV file. */
export type PromptUpload = {
  /** The prompt's name. */
  name: string,
};

/** One step's figures for one published version (`GET /api/v1/workflows/{id}/analytics`). */
export type StepAnalytics = {
  /** The step. */
  stepId: number,
  /** Calls that entered it. */
  entered: number,
  /** Calls whose caller hung up there. */
  dropped: number,
  /** Keys pressed there. */
  keys: Array<KeyCount>,
};

/** How often a key was pressed at a step. */
export type KeyCount = {
  /** `0`–`9`, `*`, `#`. */
  key: string,
  /** Times pressed. */
  count: number,
};

/** `GET /api/v1/workflows/{id}/analytics?version=`: a version (none: the current one). */
export type AnalyticsQuery = {
  /** The version. */
  version: number | null,
};

/** How a team's queue treats its callers (`GET /api/v1/teams`, `PUT /api/v1/teams/{id}/queue`). */
export type QueueSettings = {
  /**
   * The longest a caller waits before the call ends `abandonedInQueue`:
   * `QUEUE_WAIT_SECONDS`.
   */
  maxWaitSeconds: number,
  /**
   * How often a waiting caller hears their position and estimated wait; 0: never, else
   * within `ANNOUNCE_EVERY_SECONDS`.
   */
  announceEverySeconds: number,
  /** The language of those announcements. */
  language: SpeechLanguage,
};

/**
 * `POST /api/v1/workflows/{id}/simulate`: walk the draft on a pretend call. Everything is
 * optional: now, an unknown caller, nothing pressed, an empty queue with managers free.
 */
export type SimulationRequest = {
  /** The time of the call on the channel's clock, `YYYY-MM-DDTHH:MM`; none: now. */
  at: string | null,
  /** Who calls; none: an unknown caller (+821012345678) to the channel's first number. */
  caller: SimulatedCaller | null,
  /** What the caller does, in turn, once what plays has ended. */
  actions: Array<SimulatedAction>,
  /** The queue an assign step meets. */
  queue: SimulatedQueue,
};

/** The pretend caller. */
export type SimulatedCaller = {
  /** Their number. */
  number: string,
  /** The number called (one of the channel's); none: the first. */
  called: string | null,
  /** They are a known contact. */
  knownContact: boolean,
  /** Their contact's profile fields. */
  fields: Array<ProfileField>,
};

/** One thing the pretend caller does. */
export type SimulatedAction =
  | {
      "kind": "press",
      /** The key. */
      key: string,
    }
  | { "kind": "silence" }
  | { "kind": "hangUp" };

/** The queue an assign step meets in a simulation. */
export type SimulatedQueue = {
  /** Callers already waiting. */
  waiting: number,
  /** Nobody of the team could take calls. */
  nobodyAvailable: boolean,
};

/** The simulation's answer. */
export type SimulationResult = {
  /** What happened, in order. */
  lines: Array<SimulationLine>,
  /** Where it stopped. */
  end: SimulationEnd,
  /** The draft's problems, which would keep it from being published. */
  problems: Array<WorkflowProblem>,
};

/** Where a simulation stopped. */
export type SimulationEnd = "done" | "waitsForCaller";

/** One thing that happened in a simulation. */
export type SimulationLine = {
  /** When, from the start of the call. */
  atMs: number,
  /** What. */
  event: SimulationEvent,
};

/** What happened. */
export type SimulationEvent =
  | {
      "kind": "entered",
      /** The step. */
      stepId: number,
      /** Its name. */
      name: string,
    }
  | {
      "kind": "played",
      /** What. */
      prompt: PromptSource,
      /** How long it lasts. */
      durationMs: number,
    }
  | {
      "kind": "pressed",
      /** At which step. */
      stepId: number,
      /** The key. */
      key: string,
    }
  | {
      "kind": "typed",
      /** The form's label. */
      label: string,
      /** The digits. */
      value: string,
    }
  | {
      "kind": "tagged",
      /** The tag. */
      tag: string,
    }
  | {
      "kind": "texted",
      /** What it says. */
      text: string,
    }
  | { "kind": "recordsVoicemail" }
  | { "kind": "voicemailKept" }
  | { "kind": "keepsPlaceForCallback" }
  | {
      "kind": "queued",
      /** The team's queue, or */
      teamId: number | null,
      /** the manager's own. */
      managerId: number | null,
      /** Its position (1: first). */
      position: number,
    }
  | {
      "kind": "turnedAway",
      /** The team's queue, or */
      teamId: number | null,
      /** the manager's own. */
      managerId: number | null,
      /** Why. */
      missedReason: MissedReason,
    }
  | { "kind": "backToQueue" }
  | {
      "kind": "ended",
      /** Why. */
      missedReason: MissedReason,
    }
  | {
      "kind": "hungUp",
      /** The step. */
      stepId: number,
    };

/** `POST /api/v1/speech/preview`: hear a spoken prompt before it is published. */
export type SpeechPreview = {
  /** The language. */
  language: SpeechLanguage,
  /** What is said. */
  text: string,
};
