//! The workflow (IVR) contract: how a workflow is written in JSON, and the bodies of the admin
//! API that edits, checks, publishes and links it (`docs/protocol.md#workflows`). The cloud
//! reads a definition into the core's model and checks it there; this is only its shape.

use serde::{Deserialize, Serialize};

use crate::MissedReason;
use crate::codes::codes;

codes! {
    /// A day of the week in a schedule.
    pub enum Weekday {
        /// Monday.
        Mon = "mon",
        /// Tuesday.
        Tue = "tue",
        /// Wednesday.
        Wed = "wed",
        /// Thursday.
        Thu = "thu",
        /// Friday.
        Fri = "fri",
        /// Saturday.
        Sat = "sat",
        /// Sunday.
        Sun = "sun",
    }
}

codes! {
    /// The language text-to-speech speaks a prompt in.
    pub enum SpeechLanguage {
        /// 한국어.
        Korean = "ko",
        /// English.
        English = "en",
    }
}

codes! {
    /// A ready workflow to start from (the seed's recipes).
    pub enum WorkflowRecipe {
        /// "IVR 경험 설계하기": operating hours, a menu by inquiry type, teams, a closed message.
        Ivr = "ivr",
        /// "전화 상담량이 많을 때, 콜백 정보 받기": while a call waits, offer a callback or a message.
        Callback = "callback",
    }
}

codes! {
    /// What is wrong with a workflow (`WorkflowProblem.code`).
    pub enum ProblemCode {
        /// The workflow has no steps.
        NoSteps = "noSteps",
        /// The first step does not exist.
        NoFirstStep = "noFirstStep",
        /// A step without a name.
        UnnamedStep = "unnamedStep",
        /// Two steps with one name.
        DuplicateName = "duplicateName",
        /// A step leads to a step that does not exist.
        MissingTarget = "missingTarget",
        /// No call can reach the step.
        Unreachable = "unreachable",
        /// Steps go round in a circle without waiting for a key.
        LoopWithoutInput = "loopWithoutInput",
        /// A menu without buttons.
        MenuWithoutButtons = "menuWithoutButtons",
        /// A button on a key other than 0–9.
        BadButton = "badButton",
        /// A prompt with nothing to say, or a recording not uploaded.
        MissingPrompt = "missingPrompt",
        /// A spoken prompt too long to speak (upload a recording).
        SpeechTooLong = "speechTooLong",
        /// An input form's digit count is out of range.
        BadDigitCount = "badDigitCount",
        /// An input form without a label.
        UnlabelledForm = "unlabelledForm",
        /// A voicemail's length is out of range.
        BadVoicemailLength = "badVoicemailLength",
        /// An assign step names a team or manager that does not exist.
        UnknownAssignee = "unknownAssignee",
        /// A text message or tag without text.
        EmptyText = "emptyText",
        /// A branch that leads nowhere.
        EmptyBranch = "emptyBranch",
        /// A callback offer outside a workflow for waiting calls.
        CallbackOutsideQueue = "callbackOutsideQueue",
        /// The input timeout is out of range.
        BadInputTimeout = "badInputTimeout",
        /// A queue trigger's wait is zero.
        BadQueueWait = "badQueueWait",
        /// A schedule period is not within a day.
        BadSchedule = "badSchedule",
        /// A condition with an empty value.
        EmptyCondition = "emptyCondition",
        /// A code this build does not know.
        #[serde(other)]
        Unknown = "unknown",
    }
}

/// One open period of a week: `start` to `end` (`"HH:MM"`) on `day`; an `end` at or before
/// `start` runs past midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OpenPeriod {
    /// The day it starts on.
    pub day: Weekday,
    /// `"09:00"`.
    pub start: String,
    /// `"18:00"`; `"24:00"` is the end of the day.
    pub end: String,
}

/// When a channel (or a workflow) is open: weekly periods and whole-day holidays in a time
/// zone (`docs/product.md#workflow-rules`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OperatingHours {
    /// An IANA time zone, e.g. `Asia/Seoul`.
    pub time_zone: String,
    /// The open periods.
    pub periods: Vec<OpenPeriod>,
    /// Closed days, `"YYYY-MM-DD"` in the zone's calendar.
    #[serde(default)]
    pub holidays: Vec<String>,
}

/// What the caller hears.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum PromptSource {
    /// An uploaded recording.
    Recording {
        /// The prompt's id (`POST /api/v1/prompts`).
        prompt_id: i64,
    },
    /// Text spoken by text-to-speech, rendered when the workflow is published.
    Speech {
        /// The language.
        language: SpeechLanguage,
        /// What is said.
        text: String,
    },
}

/// One test on a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum WorkflowCondition {
    /// The channel is open (its operating hours).
    OperatingHours,
    /// The caller is (or is not) a known contact.
    KnownContact {
        /// Known or not.
        known: bool,
    },
    /// A profile field of the contact has this value.
    FieldEquals {
        /// The field.
        key: String,
        /// The value.
        value: String,
    },
    /// The caller's number starts with this.
    CallerPrefix {
        /// E.g. `+8210`.
        prefix: String,
    },
    /// The number called is this one.
    NumberIs {
        /// E.164.
        number: String,
    },
    /// The opposite.
    Not {
        /// The condition negated.
        condition: Box<WorkflowCondition>,
    },
}

/// A branch's arm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BranchArm {
    /// All must hold.
    pub when: Vec<WorkflowCondition>,
    /// The step it leads to.
    pub next: u32,
}

/// A menu button: a key 0–9 and the step it leads to (the button is named by that step).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct MenuButton {
    /// 0–9.
    pub key: u8,
    /// The step.
    pub next: u32,
}

/// What a step does (`docs/product.md#workflow-rules`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum WorkflowAction {
    /// The first arm whose conditions hold, else `otherwise` (none: the call ends).
    Branch {
        /// In order.
        arms: Vec<BranchArm>,
        /// When none holds.
        otherwise: Option<u32>,
    },
    /// A menu of keys; `*` repeats.
    Menu {
        /// Says what each key does.
        prompt: PromptSource,
        /// The keys.
        buttons: Vec<MenuButton>,
    },
    /// A voice message, then `next` (none: the call ends).
    Message {
        /// What is said.
        prompt: PromptSource,
        /// After it.
        next: Option<u32>,
    },
    /// Ends the call.
    EndCall,
    /// Records the caller's message, then the call ends.
    Voicemail {
        /// The greeting.
        prompt: PromptSource,
        /// The longest message, seconds.
        max_seconds: u32,
    },
    /// Collects digits, kept on the call as `label`.
    InputForm {
        /// Asks for them.
        prompt: PromptSource,
        /// What they are.
        label: String,
        /// How many.
        digits: u8,
        /// After it.
        next: Option<u32>,
    },
    /// Hands the call to a team's queue or to one manager.
    Assign {
        /// The team (exactly one of `teamId` and `managerId`).
        team_id: Option<i64>,
        /// The manager.
        manager_id: Option<i64>,
    },
    /// Texts the caller.
    SendSms {
        /// The message.
        text: String,
        /// After it.
        next: Option<u32>,
    },
    /// Tags the call's conversation.
    Tag {
        /// The tag.
        tag: String,
        /// After it.
        next: Option<u32>,
    },
    /// Keeps the waiting caller's place and calls them back (workflows for waiting calls).
    Callback {
        /// After it.
        next: Option<u32>,
    },
}

/// A step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct WorkflowStep {
    /// Stable id; buttons and branches point at it.
    pub id: u32,
    /// Shown in the editor, the analytics and on buttons.
    pub name: String,
    /// What it does.
    pub action: WorkflowAction,
}

/// When a workflow starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum WorkflowTrigger {
    /// A customer called.
    CustomerCalled,
    /// A call has waited in a queue this long.
    WaitingInQueue {
        /// Seconds.
        after_seconds: u32,
    },
}

/// A whole workflow, as a draft or a published version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct WorkflowDefinition {
    /// When it starts.
    pub trigger: WorkflowTrigger,
    /// It runs for calls meeting all of these.
    #[serde(default)]
    pub filters: Vec<WorkflowCondition>,
    /// It runs only within these hours (none: always).
    #[serde(default)]
    pub active: Option<OperatingHours>,
    /// Seconds to wait for a key before the call ends.
    pub input_timeout_seconds: u32,
    /// The step calls start at.
    pub first: u32,
    /// Its steps.
    pub steps: Vec<WorkflowStep>,
}

/// One problem that keeps a draft from being published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct WorkflowProblem {
    /// What kind.
    pub code: ProblemCode,
    /// The step it is about, when one.
    pub step_id: Option<u32>,
    /// For people (English; the app words it from the code).
    pub message: String,
}

/// A workflow in the channel's list (`GET /api/v1/workflows`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct WorkflowSummary {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// The version calls run; none until published.
    pub published_version: Option<i64>,
    /// The numbers it answers: those linked to it, and when it is first in the list those
    /// linked to no workflow.
    pub numbers: Vec<String>,
    /// The numbers linked to it by name (`PUT /api/v1/numbers/{e164}/workflow`).
    #[serde(default)]
    pub linked_numbers: Vec<String>,
}

/// A published version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct WorkflowVersion {
    /// From 1.
    pub version: i64,
    /// When.
    pub published_at_ms: i64,
    /// By whom (manager id).
    pub published_by: i64,
}

/// A workflow for the editor (`GET /api/v1/workflows/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct WorkflowDetail {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// The draft.
    pub draft: WorkflowDefinition,
    /// What keeps the draft from being published (empty: it can be).
    pub problems: Vec<WorkflowProblem>,
    /// The version calls run.
    pub published_version: Option<i64>,
    /// Every published version, newest first.
    pub versions: Vec<WorkflowVersion>,
}

/// `POST /api/v1/workflows`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NewWorkflow {
    /// Name.
    pub name: String,
    /// Start from a recipe (none: an empty workflow with one step).
    #[serde(default)]
    pub recipe: Option<WorkflowRecipe>,
}

/// `PUT /api/v1/workflows/{id}/draft`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SaveDraft {
    /// Name.
    pub name: String,
    /// The draft.
    pub draft: WorkflowDefinition,
}

/// `POST /api/v1/workflows/{id}/publish` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Published {
    /// The new current version.
    pub version: i64,
}

/// A refused publish (HTTP 422): every problem of the draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PublishRefused {
    /// `workflowProblems`.
    pub code: crate::ErrorCode,
    /// For people.
    pub message: String,
    /// Every problem.
    pub problems: Vec<WorkflowProblem>,
}

/// `POST /api/v1/workflows/{id}/rollback`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RollBack {
    /// The version to make current.
    pub version: i64,
}

/// `PUT /api/v1/workflows/order`: every workflow id of the channel, first first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct WorkflowOrder {
    /// The ids.
    pub ids: Vec<i64>,
}

/// `PUT /api/v1/numbers/{e164}/workflow`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NumberWorkflow {
    /// The workflow (none: the first of the list).
    pub workflow_id: Option<i64>,
}

/// An uploaded prompt (`GET /api/v1/prompts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PromptInfo {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Length.
    pub duration_ms: i64,
    /// When uploaded.
    pub created_at_ms: i64,
}

/// `POST /api/v1/prompts?name=…`: the body is the WAV file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PromptUpload {
    /// The prompt's name.
    pub name: String,
}

/// One step's figures for one published version (`GET /api/v1/workflows/{id}/analytics`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct StepAnalytics {
    /// The step.
    pub step_id: u32,
    /// Calls that entered it.
    pub entered: i64,
    /// Calls whose caller hung up there.
    pub dropped: i64,
    /// Keys pressed there.
    pub keys: Vec<KeyCount>,
}

/// How often a key was pressed at a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct KeyCount {
    /// `0`–`9`, `*`, `#`.
    pub key: String,
    /// Times pressed.
    pub count: i64,
}

/// `GET /api/v1/workflows/{id}/analytics?version=`: a version (none: the current one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AnalyticsQuery {
    /// The version.
    #[serde(default)]
    pub version: Option<i64>,
}

/// How a team's queue treats its callers (`GET /api/v1/teams`, `PUT /api/v1/teams/{id}/queue`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct QueueSettings {
    /// The longest a caller waits before the call ends `abandonedInQueue`:
    /// [`QUEUE_WAIT_SECONDS`].
    pub max_wait_seconds: u32,
    /// How often a waiting caller hears their position and estimated wait; 0: never, else
    /// within [`ANNOUNCE_EVERY_SECONDS`].
    pub announce_every_seconds: u32,
    /// The language of those announcements.
    pub language: SpeechLanguage,
}

/// The range of a queue's maximum wait, in seconds (a short one suits a small team that
/// would rather take a voicemail; at most an hour).
pub const QUEUE_WAIT_SECONDS: std::ops::RangeInclusive<u32> = 5..=3600;

/// The range of a queue's announcement interval, in seconds, when it has one.
pub const ANNOUNCE_EVERY_SECONDS: std::ops::RangeInclusive<u32> = 10..=600;

/// `POST /api/v1/workflows/{id}/simulate`: walk the draft on a pretend call. Everything is
/// optional: now, an unknown caller, nothing pressed, an empty queue with managers free.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SimulationRequest {
    /// The time of the call on the channel's clock, `YYYY-MM-DDTHH:MM`; none: now.
    #[serde(default)]
    pub at: Option<String>,
    /// Who calls; none: an unknown caller (+821012345678) to the channel's first number.
    #[serde(default)]
    pub caller: Option<SimulatedCaller>,
    /// What the caller does, in turn, once what plays has ended.
    #[serde(default)]
    pub actions: Vec<SimulatedAction>,
    /// The queue an assign step meets.
    #[serde(default)]
    pub queue: SimulatedQueue,
}

/// The pretend caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SimulatedCaller {
    /// Their number.
    pub number: String,
    /// The number called (one of the channel's); none: the first.
    #[serde(default)]
    pub called: Option<String>,
    /// They are a known contact.
    #[serde(default)]
    pub known_contact: bool,
    /// Their contact's profile fields.
    #[serde(default)]
    pub fields: Vec<crate::ProfileField>,
}

/// One thing the pretend caller does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum SimulatedAction {
    /// Presses a key (`0`–`9`, `*`, `#`).
    Press {
        /// The key.
        key: String,
    },
    /// Says nothing until the step stops waiting.
    Silence,
    /// Hangs up.
    HangUp,
}

/// The queue an assign step meets in a simulation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SimulatedQueue {
    /// Callers already waiting.
    #[serde(default)]
    pub waiting: u32,
    /// Nobody of the team could take calls.
    #[serde(default)]
    pub nobody_available: bool,
}

/// The simulation's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SimulationResult {
    /// What happened, in order.
    pub lines: Vec<SimulationLine>,
    /// Where it stopped.
    pub end: SimulationEnd,
    /// The draft's problems, which would keep it from being published.
    pub problems: Vec<WorkflowProblem>,
}

codes! {
    /// Where a simulation stopped.
    pub enum SimulationEnd {
        /// The workflow is done with the call.
        Done = "done",
        /// The call waits for the caller: a key, or silence until the step gives up.
        WaitsForCaller = "waitsForCaller",
    }
}

/// One thing that happened in a simulation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SimulationLine {
    /// When, from the start of the call.
    pub at_ms: u64,
    /// What.
    pub event: SimulationEvent,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum SimulationEvent {
    /// The call entered a step.
    Entered {
        /// The step.
        step_id: u32,
        /// Its name.
        name: String,
    },
    /// A prompt played (`GET /api/v1/prompts/{id}/audio`, or `POST /api/v1/speech/preview`).
    Played {
        /// What.
        prompt: PromptSource,
        /// How long it lasts.
        duration_ms: u64,
    },
    /// The caller pressed a key.
    Pressed {
        /// At which step.
        step_id: u32,
        /// The key.
        key: String,
    },
    /// An input form's value.
    Typed {
        /// The form's label.
        label: String,
        /// The digits.
        value: String,
    },
    /// The call was tagged.
    Tagged {
        /// The tag.
        tag: String,
    },
    /// A text message would go to the caller.
    Texted {
        /// What it says.
        text: String,
    },
    /// A voicemail would be recorded.
    RecordsVoicemail,
    /// The voicemail would be kept.
    VoicemailKept,
    /// The caller's place would be kept for a callback.
    KeepsPlaceForCallback,
    /// The call would wait in a queue.
    Queued {
        /// The team's queue, or
        team_id: Option<i64>,
        /// the manager's own.
        manager_id: Option<i64>,
        /// Its position (1: first).
        position: u32,
    },
    /// The queue would turn the call away.
    TurnedAway {
        /// The team's queue, or
        team_id: Option<i64>,
        /// the manager's own.
        manager_id: Option<i64>,
        /// Why.
        missed_reason: MissedReason,
    },
    /// The caller goes back to waiting.
    BackToQueue,
    /// The call would end, missed for this reason.
    Ended {
        /// Why.
        missed_reason: MissedReason,
    },
    /// The caller hung up at a step.
    HungUp {
        /// The step.
        step_id: u32,
    },
}

/// `POST /api/v1/speech/preview`: hear a spoken prompt before it is published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct SpeechPreview {
    /// The language.
    pub language: SpeechLanguage,
    /// What is said.
    pub text: String,
}
