//! What a workflow is: a trigger, filters, and steps joined by their next steps, buttons and
//! branches (`docs/product.md#ivr`). Plain data: the cloud stores and edits it, validation
//! checks it, and a [`super::WorkflowRun`] walks it for one call.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use super::hours::Schedule;

/// A step's id, stable across edits (names change; buttons and branches point at ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StepId(pub u32);

impl fmt::Display for StepId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A key on the caller's dial pad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    /// `0`–`9`.
    Digit(u8),
    /// `*`: repeat the prompt (in a menu), start over (in an input form).
    Star,
    /// `#`: finish an input form or a voicemail.
    Hash,
}

impl Key {
    /// The key for a DTMF character (`0-9*#`); `A`–`D` and anything else are not keys a
    /// workflow uses.
    pub fn from_char(c: char) -> Option<Key> {
        match c {
            '0'..='9' => Some(Key::Digit(c as u8 - b'0')),
            '*' => Some(Key::Star),
            '#' => Some(Key::Hash),
            _ => None,
        }
    }

    /// The key's character.
    pub fn as_char(self) -> char {
        match self {
            Key::Digit(d) => (b'0' + d) as char,
            Key::Star => '*',
            Key::Hash => '#',
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_char())
    }
}

/// What the caller hears: an uploaded recording or text spoken by the text-to-speech engine
/// (rendered once, when the workflow is published).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Prompt {
    /// An uploaded recording, by id.
    Recording(i64),
    /// Text to speak.
    Speech {
        /// The language it is spoken in.
        language: Language,
        /// What is said.
        text: String,
    },
}

/// A language prompts are spoken in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// 한국어.
    Korean,
    /// English.
    English,
}

/// Whom an assign step hands the call to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignTarget {
    /// A team's queue.
    Team(i64),
    /// One manager (their own queue).
    Manager(i64),
}

/// What is known of the call when it arrives; filters and branches test it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallFacts {
    /// The caller's number (E.164 when it is one).
    pub caller: String,
    /// The channel number called.
    pub number: String,
    /// The caller is a known contact.
    pub known_contact: bool,
    /// The contact's profile fields (key, value).
    pub fields: Vec<(String, String)>,
}

/// One test on a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// The channel is open now (its operating hours).
    OperatingHours,
    /// The caller is (`true`) or is not a known contact.
    KnownContact(bool),
    /// The contact's profile field `key` equals `value` (case as written).
    FieldEquals {
        /// The field.
        key: String,
        /// Its value.
        value: String,
    },
    /// The caller's number starts with this (e.g. `+8210` for Korean mobiles).
    CallerPrefix(String),
    /// The number called is this one.
    NumberIs(String),
    /// The opposite of the condition inside.
    Not(Box<Condition>),
}

/// One arm of a branch: when all its conditions hold, the call goes to `next`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchArm {
    /// All must hold (none: always).
    pub when: Vec<Condition>,
    /// Where the call goes.
    pub next: StepId,
}

/// What a step does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Goes to the first arm whose conditions hold, else to `otherwise` (none: the call ends).
    Branch {
        /// Tested in order.
        arms: Vec<BranchArm>,
        /// When no arm matches.
        otherwise: Option<StepId>,
    },
    /// Plays `prompt` and waits for a key: a button's key goes to its step, `*` repeats the
    /// prompt. A key pressed during the prompt acts at once.
    Menu {
        /// Says what each key does.
        prompt: Prompt,
        /// Keys 0–9 and their steps (a button is named by its step).
        buttons: BTreeMap<u8, StepId>,
    },
    /// Plays `prompt`, then goes on to `next` (none: the call ends).
    Message {
        /// What is said.
        prompt: Prompt,
        /// After it.
        next: Option<StepId>,
    },
    /// Ends the call.
    EndCall,
    /// Plays `prompt` (and a beep), then records the caller's message until they hang up,
    /// press `#`, or `max` passes; then the call ends.
    Voicemail {
        /// The greeting.
        prompt: Prompt,
        /// The longest message.
        max: Duration,
    },
    /// Plays `prompt`, then collects up to `digits` digits (`#` finishes early, `*` starts
    /// over); the value is kept on the call as `label` and shown to the manager who answers.
    InputForm {
        /// Asks for the value.
        prompt: Prompt,
        /// What the value is (e.g. "예약 번호").
        label: String,
        /// The most digits taken.
        digits: u8,
        /// After it.
        next: Option<StepId>,
    },
    /// Hands the call to a queue; the workflow is done with it.
    Assign(AssignTarget),
    /// Sends a text message to the caller's number, then goes on.
    SendSms {
        /// The message.
        text: String,
        /// After it.
        next: Option<StepId>,
    },
    /// Tags the call's conversation, then goes on.
    Tag {
        /// The tag.
        tag: String,
        /// After it.
        next: Option<StepId>,
    },
    /// Offers to call the caller back: the call keeps its place in the queue it waits in and
    /// the caller may hang up. Only in a queue workflow.
    Callback {
        /// After it (e.g. a message confirming it).
        next: Option<StepId>,
    },
}

impl Action {
    /// Where this step can send a call next, in a stable order.
    pub fn targets(&self) -> Vec<StepId> {
        match self {
            Action::Branch { arms, otherwise } => arms
                .iter()
                .map(|a| a.next)
                .chain(otherwise.iter().copied())
                .collect(),
            Action::Menu { buttons, .. } => buttons.values().copied().collect(),
            Action::Message { next, .. }
            | Action::InputForm { next, .. }
            | Action::SendSms { next, .. }
            | Action::Tag { next, .. }
            | Action::Callback { next } => next.iter().copied().collect(),
            Action::EndCall | Action::Voicemail { .. } | Action::Assign(_) => Vec::new(),
        }
    }

    /// The step waits for the caller's keys before it moves on.
    pub fn waits_for_keys(&self) -> bool {
        matches!(self, Action::Menu { .. } | Action::InputForm { .. })
    }

    /// The prompt this step plays, if it plays one.
    pub fn prompt(&self) -> Option<&Prompt> {
        match self {
            Action::Menu { prompt, .. }
            | Action::Message { prompt, .. }
            | Action::Voicemail { prompt, .. }
            | Action::InputForm { prompt, .. } => Some(prompt),
            _ => None,
        }
    }
}

/// A named step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Shown in the editor, the analytics and the inbox; a button is named by its step.
    pub name: String,
    /// What it does.
    pub action: Action,
}

/// When a workflow starts for a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// A customer called one of the channel's numbers linked to the workflow.
    CustomerCalled,
    /// A call has waited in a queue this long.
    WaitingInQueue {
        /// How long first.
        after: Duration,
    },
}

/// A workflow: what runs for a call, from `first`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workflow {
    /// When it starts.
    pub trigger: Trigger,
    /// It runs only for calls that meet all of these (none: every call).
    pub filters: Vec<Condition>,
    /// It runs only within this schedule (none: always).
    pub active: Option<Schedule>,
    /// How long to wait for a key before ending the call.
    pub input_timeout: Duration,
    /// The step a call starts at.
    pub first: StepId,
    /// Every step, by id.
    pub steps: BTreeMap<StepId, Step>,
}

impl Workflow {
    /// The default time to wait for a key.
    pub const DEFAULT_INPUT_TIMEOUT: Duration = Duration::from_secs(10);

    /// A step's name, or its id when there is no such step.
    pub fn step_name(&self, id: StepId) -> String {
        self.steps
            .get(&id)
            .map_or_else(|| id.to_string(), |s| s.name.clone())
    }
}
