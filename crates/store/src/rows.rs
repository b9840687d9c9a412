//! The rows the store hands out and takes in. Those read from the database derive `FromRow`,
//! so each column is fetched with `try_get`: a missing column or a wrong type is a
//! [`crate::StoreError::Db`], never a panic.

/// A manager row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Manager {
    /// Id.
    pub id: i64,
    /// Channel.
    pub channel_id: i64,
    /// Channel name.
    pub channel_name: String,
    /// Display name.
    pub name: String,
    /// Login email.
    pub email: String,
    /// Has an operator seat.
    pub operator_seat: bool,
    /// Saved status code (`available`, `away`).
    pub status: String,
    /// Saved do-not-disturb.
    pub do_not_disturb: bool,
    /// May place calls (docs/product.md#outbound).
    pub outbound_permission: bool,
    /// `owner`, `admin` or `manager`: owners and admins change the channel's settings
    /// ([`Manager::can_administer`]).
    pub role: String,
    /// The "phone" type of their assignment settings: off, they are never rung.
    pub takes_phone_calls: bool,
    /// Calls to a number without a team ring them.
    pub ring_unassigned: bool,
}

impl Manager {
    /// An owner or admin: may change the channel's setup.
    pub fn can_administer(&self) -> bool {
        self.role == "owner" || self.role == "admin"
    }
}

/// One row of the international rate table: where calls may go and what one costs.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RateRow {
    /// Calling code, digits only.
    pub code: String,
    /// Price per call in CU (stored as a 64-bit integer; the schema keeps it within u32).
    #[sqlx(try_from = "i64")]
    pub price_cu: u32,
    /// Country name.
    pub country: String,
}

/// How a dialled number routes.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NumberRoute {
    /// The channel owning the number.
    pub channel_id: i64,
    /// The channel's default country code (for normalising callers' national numbers).
    pub default_country_code: String,
    /// The number, E.164.
    pub e164: String,
    /// Team the number rings.
    pub team_id: Option<i64>,
    /// The team's name.
    pub team_name: String,
    /// Team members in ring-preference order.
    #[sqlx(skip)]
    pub members: Vec<i64>,
}

/// A contact, with its first profile fields.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Contact {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: Option<String>,
    /// E.164 number.
    pub phone: String,
    /// Made from an unknown caller's number (no name or profile yet), not entered by anyone.
    pub is_lead: bool,
    /// Profile fields in display order (at most [`crate::CONTACT_FIELDS_SHOWN`]).
    #[sqlx(skip)]
    pub fields: Vec<(String, String)>,
}

/// A new call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCall {
    /// Its id, from a block [`crate::Store::reserve_call_ids`] handed out.
    pub id: i64,
    /// Channel.
    pub channel_id: i64,
    /// `inbound`/`outbound`.
    pub direction: &'static str,
    /// Channel number.
    pub number: String,
    /// Customer number.
    pub caller_number: String,
    /// Customer name.
    pub caller_name: Option<String>,
    /// Matched contact.
    pub contact_id: Option<i64>,
    /// Routed team.
    pub team_id: Option<i64>,
    /// Start, Unix ms.
    pub started_at_ms: i64,
}

/// A stored call record.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CallRow {
    /// Id.
    pub id: i64,
    /// Direction.
    pub direction: String,
    /// Channel number.
    pub number: String,
    /// Customer number.
    pub caller_number: String,
    /// Customer name.
    pub caller_name: Option<String>,
    /// Start, Unix ms.
    pub started_at_ms: i64,
    /// Answer, Unix ms.
    pub answered_at_ms: Option<i64>,
    /// End, Unix ms.
    pub ended_at_ms: Option<i64>,
    /// Talk seconds.
    pub duration_s: i64,
    /// Hangup cause code.
    pub hangup_cause: Option<String>,
    /// Missed reason code.
    pub missed_reason: Option<String>,
    /// Each manager's part, in order.
    #[sqlx(skip)]
    pub managers: Vec<CallManagerRow>,
    /// Numbers called on a parallel line, in order.
    #[sqlx(skip)]
    pub parties: Vec<CallPartyRow>,
    /// What the caller typed into a workflow's input forms: (label, digits), in order.
    #[sqlx(skip)]
    pub inputs: Vec<(String, String)>,
    /// Tags a workflow put on the call, in order.
    #[sqlx(skip)]
    pub tags: Vec<String>,
    /// The length of the caller's voicemail, when they left one.
    #[sqlx(skip)]
    pub voicemail_ms: Option<i64>,
    /// Text messages a workflow sent, in order.
    #[sqlx(skip)]
    pub sms: Vec<CallSmsRow>,
    /// When the caller asked to be called back from a queue.
    pub callback_requested_at_ms: Option<i64>,
    /// How many times they were dialled back.
    pub callback_attempts: i64,
    /// When they answered the callback.
    pub callback_answered_at_ms: Option<i64>,
}

/// A number a manager called on a parallel line of a call.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct CallPartyRow {
    /// E.164.
    pub number: String,
    /// Who called it.
    pub by_manager_id: i64,
    /// When it was dialled, Unix ms.
    pub started_at_ms: i64,
    /// When it answered.
    pub answered_at_ms: Option<i64>,
    /// When its leg ended.
    pub ended_at_ms: Option<i64>,
    /// How its line ended (`merged`, `unreachable`, `partyLeft`, `ownerLeft`, or the call's
    /// cause).
    pub outcome: Option<String>,
}

/// One event of a manager's part in a call: rung, declined, answered, left.
#[derive(Debug, Clone, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct CallManagerRow {
    /// Manager id.
    pub id: i64,
    /// Manager name.
    pub name: String,
    /// `rang`, `declined`, `answered`, `left`.
    pub role: String,
    /// How they came to the call (rang/answered): `route`, `invite`, `coldTransfer`,
    /// `warmTransfer`, `pickUp`, `dial`.
    pub purpose: Option<String>,
    /// Who invited or transferred them.
    pub by_manager_id: Option<i64>,
    /// How their leg ended (left).
    pub cause: Option<String>,
}

/// A manager's part in a call, as it is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManagerPart<'a> {
    /// Rung for it: why, and by whom.
    Rang {
        /// `route`, `invite`, `coldTransfer`, `warmTransfer`.
        purpose: &'a str,
        /// Who invited or transferred.
        by: Option<i64>,
    },
    /// Declined the ring.
    Declined,
    /// Joined the call (sets the call's answer time the first time).
    Answered {
        /// `route`, `invite`, `coldTransfer`, `warmTransfer`, `pickUp`, `dial`.
        purpose: &'a str,
    },
    /// Their leg ended.
    Left {
        /// `left`, `transferred`, `transferCancelled`, or the call's hangup cause.
        cause: &'a str,
    },
    /// Their ring stopped unanswered for another reason than declining it (it timed out,
    /// another manager answered, the caller left…): a manager's missed rings and ringing
    /// time are read from it.
    RingStopped {
        /// The ring stop's code (`timedOut`, `answeredElsewhere`, …).
        reason: &'a str,
    },
}

/// A text message a workflow sent for a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallSmsRow {
    /// To whom (E.164).
    pub to: String,
    /// What it said.
    pub text: String,
    /// Why it was not sent; `None`: the provider took it.
    pub error: Option<String>,
}

/// A queue callback's steps, as its call's record keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackStep {
    /// The caller asked to be called back and left the line.
    Requested,
    /// A manager took it and the customer was dialled (once per try).
    Dialled,
    /// The customer answered: the talk time starts.
    Answered,
}

/// Something that happened to a call, for its record. The cloud queues these, as they
/// happen, to one writer ([`crate::Store::record`]), so a slow database delays the record and
/// never the call, and each call's events are written in the order they happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallEvent {
    /// The call started.
    Started(NewCall),
    /// A manager's part in it.
    Manager {
        /// The call.
        call_id: i64,
        /// The manager.
        manager_id: i64,
        /// What they did.
        part: ManagerPart<'static>,
        /// When, Unix ms.
        at_ms: i64,
    },
    /// A workflow sent (or failed to send) a text message.
    Sms {
        /// The call.
        call_id: i64,
        /// To whom (E.164).
        to: String,
        /// What it said.
        text: String,
        /// Why it was not sent; `None`: the provider took it.
        error: Option<String>,
        /// When, Unix ms.
        at_ms: i64,
    },
    /// A queue callback went a step further.
    Callback {
        /// The call.
        call_id: i64,
        /// Which step.
        step: CallbackStep,
        /// When, Unix ms.
        at_ms: i64,
    },
    /// The call joined a queue (a workflow assigned it): the wait the service level and the
    /// average speed of answer measure starts.
    Queued {
        /// The call.
        call_id: i64,
        /// The team whose queue it is; `None` for one manager's own queue.
        team_id: Option<i64>,
        /// The manager whose own queue it is.
        manager_id: Option<i64>,
        /// When, Unix ms.
        at_ms: i64,
    },
    /// The customer went on hold or came back (hold time is part of handle time).
    Hold {
        /// The call.
        call_id: i64,
        /// On hold now.
        held: bool,
        /// Who changed it.
        by_manager_id: i64,
        /// When, Unix ms.
        at_ms: i64,
    },
    /// The called party of a placed call answered: the talk time starts.
    OutboundAnswered {
        /// The call.
        call_id: i64,
        /// When, Unix ms.
        at_ms: i64,
    },
    /// The call ended.
    Ended {
        /// The call.
        call_id: i64,
        /// When, Unix ms.
        at_ms: i64,
        /// The hangup cause code.
        cause: &'static str,
        /// The missed reason code, if it was missed.
        missed_reason: Option<&'static str>,
    },
    /// A manager dialled a number on a parallel line of the call.
    PartyDialled {
        /// The call.
        call_id: i64,
        /// The number, E.164.
        number: String,
        /// Who dialled it.
        by_manager_id: i64,
        /// When, Unix ms.
        at_ms: i64,
    },
    /// The call's latest parallel party answered.
    PartyAnswered {
        /// The call.
        call_id: i64,
        /// When, Unix ms.
        at_ms: i64,
    },
    /// How the call's latest parallel party's line went (see
    /// [`crate::Store::party_outcome`]).
    PartyOutcome {
        /// The call.
        call_id: i64,
        /// `merged`, `unreachable`, `partyLeft`, `ownerLeft`, or the call's cause.
        outcome: &'static str,
        /// When its leg ended, if it did.
        ended_at_ms: Option<i64>,
    },
    /// A workflow step the call walked: entered, dropped (the caller hung up there), or a
    /// key pressed there — what the step analytics count.
    WorkflowStep {
        /// The call.
        call_id: i64,
        /// The workflow.
        workflow_id: i64,
        /// Its version the call ran.
        version: i64,
        /// The step.
        step_id: i64,
        /// `entered`, `dropped` or `pressed`.
        event: &'static str,
        /// The key, for `pressed`.
        key: Option<char>,
        /// When, Unix ms.
        at_ms: i64,
    },
    /// Digits the caller typed into a workflow's input form.
    Input {
        /// The call.
        call_id: i64,
        /// The form's label.
        label: String,
        /// The digits.
        value: String,
        /// When, Unix ms.
        at_ms: i64,
    },
    /// A tag a workflow put on the call (once per tag).
    Tagged {
        /// The call.
        call_id: i64,
        /// The tag.
        tag: String,
    },
    /// The caller's voicemail (a WAV file).
    Voicemail {
        /// The call.
        call_id: i64,
        /// The file.
        wav: Vec<u8>,
        /// Its length.
        duration_ms: i64,
        /// When it was recorded, Unix ms.
        at_ms: i64,
    },
}

impl CallEvent {
    /// The call it is about.
    pub fn call_id(&self) -> i64 {
        match self {
            CallEvent::Started(c) => c.id,
            CallEvent::Manager { call_id, .. }
            | CallEvent::OutboundAnswered { call_id, .. }
            | CallEvent::Queued { call_id, .. }
            | CallEvent::Hold { call_id, .. }
            | CallEvent::Callback { call_id, .. }
            | CallEvent::Sms { call_id, .. }
            | CallEvent::Ended { call_id, .. }
            | CallEvent::PartyDialled { call_id, .. }
            | CallEvent::WorkflowStep { call_id, .. }
            | CallEvent::Input { call_id, .. }
            | CallEvent::Tagged { call_id, .. }
            | CallEvent::Voicemail { call_id, .. }
            | CallEvent::PartyAnswered { call_id, .. }
            | CallEvent::PartyOutcome { call_id, .. } => *call_id,
        }
    }
}

/// A team of a channel, for transfer pickers and its queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Members in ring order.
    pub members: Vec<i64>,
    /// How its queue treats callers.
    pub queue: QueueSettingsRow,
}

/// How a team's queue treats its callers (a team never set has [`Default`]).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueueSettingsRow {
    /// The longest a caller waits, then the call ends `abandonedInQueue`.
    pub max_wait_seconds: i64,
    /// How often a waiting caller hears their position and estimated wait; 0: never.
    pub announce_every_seconds: i64,
    /// The language of those announcements (`ko`, `en`).
    pub language: String,
}

impl Default for QueueSettingsRow {
    fn default() -> Self {
        QueueSettingsRow {
            max_wait_seconds: 3600,
            announce_every_seconds: 0,
            language: "ko".into(),
        }
    }
}
