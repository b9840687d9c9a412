//! Workflows: the IVR a call walks before it reaches a queue (`docs/product.md#ivr`).
//!
//! A [`Workflow`] is data (its steps in [`model`]), checked by [`validate`] before it is
//! published. A [`WorkflowRun`] walks one published version for one call, sans-IO like the
//! switchboard: the runtime feeds it the caller's keys, the end of each prompt and the caller
//! hanging up, with the time; it hands back what to play, record, send and tag, where the call
//! goes, and its next deadline. Time of day comes from the call's arrival (Unix ms) plus the
//! `Instant`s given since, so operating hours are tested on a virtual clock like everything else.
//!
//! Rules the run keeps:
//! - A menu's prompt can be cut short by a key (barge-in); a message's cannot — keys pressed
//!   while a message plays are dropped. `*` in a menu repeats its prompt; a key without a
//!   button repeats it too (counted in the analytics).
//! - After a menu's or a form's prompt, the caller has the workflow's input timeout to press a
//!   key; silence ends the call (in a queue workflow, the caller goes back to waiting). A form's digits keep coming until it has its count, `#`, or the
//!   timeout (then what was typed is taken; nothing typed ends the call). `*` starts a form over.
//! - A call the workflow ends is missed with `notInOperation` when the channel is closed at that
//!   moment, else with `workflow` (`docs/product.md#missed-reasons`).
//! - The end of a path ends the call, except in a queue workflow (trigger *waiting in queue*),
//!   where the caller goes back to waiting — unless they asked to be called back.
//! - More than [`MAX_STEPS_WITHOUT_INPUT`] steps in a row without a key end the call (validation
//!   forbids such loops; this guards versions published before a rule existed).

pub mod hours;
pub mod model;
pub mod simulate;
pub mod validate;

#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use hours::{OpenPeriod, Schedule};
pub use model::{
    Action, AssignTarget, BranchArm, CallFacts, Condition, Key, Language, Prompt, Step, StepId,
    Trigger, Workflow,
};
pub use simulate::{CallerAction, PretendQueue, SimEnd, SimEvent, SimLine, Simulation, simulate};
pub use validate::{Known, MAX_SPEECH_CHARS, Problem, validate};

use crate::switchboard::MissedReason;

/// The beep before a voicemail records; the message may last its full length after it.
pub const VOICEMAIL_BEEP: Duration = Duration::from_millis(300);

/// Steps a run may enter in a row without a key from the caller before it gives up.
pub const MAX_STEPS_WITHOUT_INPUT: u32 = 50;

/// Numbers one playback, so the end of a prompt that was cut short is not taken for the end of
/// the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlayId(pub u32);

/// What happens to the call, for the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunInput {
    /// The caller pressed a key (RFC 4733 or in-band, already told apart by the runtime).
    Key(Key),
    /// A prompt played to its end.
    PromptFinished(PlayId),
    /// The caller hung up.
    CallerLeft,
}

/// What the runtime must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunOutput {
    /// The call entered a step (for the step analytics).
    Entered(StepId),
    /// Play a prompt to the caller; report its end as [`RunInput::PromptFinished`].
    Play {
        /// This playback.
        id: PlayId,
        /// What to play.
        prompt: Prompt,
    },
    /// Stop the prompt playing now.
    StopPrompt,
    /// Beep, then record the caller for at most `max`.
    RecordVoicemail {
        /// The longest message.
        max: Duration,
    },
    /// Stop recording and keep the message on the call.
    SaveVoicemail,
    /// The caller pressed `key` in a menu or form (for the analytics; a button's key, `*`, or a
    /// key without a button).
    Pressed {
        /// The step.
        step: StepId,
        /// The key.
        key: Key,
    },
    /// An input form's value, kept on the call and shown to the manager who answers.
    FormFilled {
        /// The form's step.
        step: StepId,
        /// What the value is.
        label: String,
        /// The digits.
        value: String,
    },
    /// Tag the call's conversation.
    Tag(String),
    /// Send this text message to the caller's number.
    SendSms(String),
    /// Keep the call's place in its queue and call the customer back when it comes up.
    KeepPlaceForCallback,
    /// Hand the call to this queue. The run is over.
    Assign(AssignTarget),
    /// A queue workflow is over: the caller waits on. The run is over.
    BackToQueue,
    /// End the call, missed for this reason. The run is over.
    EndCall(MissedReason),
    /// The caller hung up at this step (for the analytics). The run is over.
    Dropped(StepId),
}

/// Where a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// A prompt of `step` plays.
    Playing { step: StepId, play: PlayId },
    /// A menu or form waits for a key until `until`.
    Waiting { step: StepId, until: Instant },
    /// A voicemail records until `until`.
    Recording { step: StepId, until: Instant },
    /// Over.
    Done,
}

/// One call walking one published version of a workflow.
#[derive(Debug)]
pub struct WorkflowRun {
    workflow: Arc<Workflow>,
    facts: CallFacts,
    hours: Schedule,
    started: Instant,
    started_unix_ms: i64,
    phase: Phase,
    /// The digits typed into the form being filled.
    typed: String,
    plays: u32,
    steps_without_input: u32,
    callback: bool,
    outputs: VecDeque<RunOutput>,
}

impl Workflow {
    /// Whether the workflow runs for this call now: its filters hold and its schedule is open.
    pub fn applies(&self, facts: &CallFacts, unix_ms: i64, hours: &Schedule) -> bool {
        self.active.as_ref().is_none_or(|s| s.is_open(unix_ms))
            && self.filters.iter().all(|c| holds(c, facts, hours, unix_ms))
    }
}

fn holds(c: &Condition, facts: &CallFacts, hours: &Schedule, unix_ms: i64) -> bool {
    match c {
        Condition::OperatingHours => hours.is_open(unix_ms),
        Condition::KnownContact(known) => facts.known_contact == *known,
        Condition::FieldEquals { key, value } => {
            facts.fields.iter().any(|(k, v)| k == key && v == value)
        }
        Condition::CallerPrefix(prefix) => facts.caller.starts_with(prefix.as_str()),
        Condition::NumberIs(number) => facts.number == *number,
        Condition::Not(inner) => !holds(inner, facts, hours, unix_ms),
    }
}

impl WorkflowRun {
    /// Starts `workflow` for a call that arrived at `now` (`unix_ms` on the wall clock), in a
    /// channel open during `hours`.
    pub fn start(
        now: Instant,
        unix_ms: i64,
        workflow: Arc<Workflow>,
        facts: CallFacts,
        hours: Schedule,
    ) -> WorkflowRun {
        let first = workflow.first;
        let mut run = WorkflowRun {
            workflow,
            facts,
            hours,
            started: now,
            started_unix_ms: unix_ms,
            phase: Phase::Done,
            typed: String::new(),
            plays: 0,
            steps_without_input: 0,
            callback: false,
            outputs: VecDeque::new(),
        };
        run.enter(now, Some(first));
        run
    }

    /// The next output.
    pub fn poll_output(&mut self) -> Option<RunOutput> {
        self.outputs.pop_front()
    }

    /// When [`WorkflowRun::handle_timeout`] is due: the end of a wait for a key or of a
    /// recording.
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.phase {
            Phase::Waiting { until, .. } | Phase::Recording { until, .. } => Some(until),
            Phase::Playing { .. } | Phase::Done => None,
        }
    }

    /// The run is over (the call was handed on or ended).
    pub fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// The step the call is at, while the run goes on.
    pub fn step(&self) -> Option<StepId> {
        match self.phase {
            Phase::Playing { step, .. }
            | Phase::Waiting { step, .. }
            | Phase::Recording { step, .. } => Some(step),
            Phase::Done => None,
        }
    }

    /// Acts on a deadline at or before `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        match self.phase {
            Phase::Waiting { step, until } if until <= now => {
                if self.form_of(step).is_some() && !self.typed.is_empty() {
                    self.fill_form(now, step);
                } else {
                    // Silence: the end of the path (a waiting caller keeps waiting).
                    self.path_ended(now);
                }
            }
            Phase::Recording { until, .. } if until <= now => {
                self.outputs.push_back(RunOutput::SaveVoicemail);
                self.end_call(now);
            }
            _ => {}
        }
    }

    /// Applies one input.
    pub fn handle_input(&mut self, now: Instant, input: RunInput) {
        match input {
            RunInput::CallerLeft => self.caller_left(now),
            RunInput::PromptFinished(id) => self.prompt_finished(now, id),
            RunInput::Key(key) => self.key(now, key),
        }
    }

    fn wall_ms(&self, now: Instant) -> i64 {
        let since = now.saturating_duration_since(self.started);
        self.started_unix_ms + since.as_millis() as i64
    }

    fn caller_left(&mut self, now: Instant) {
        match self.phase {
            Phase::Recording { .. } => {
                // Hanging up is how most voicemails end.
                self.outputs.push_back(RunOutput::SaveVoicemail);
                self.end_call(now);
            }
            Phase::Playing { step, .. } | Phase::Waiting { step, .. } => {
                self.phase = Phase::Done;
                self.outputs.push_back(RunOutput::Dropped(step));
            }
            Phase::Done => {}
        }
    }

    fn prompt_finished(&mut self, now: Instant, id: PlayId) {
        let Phase::Playing { step, play } = self.phase else {
            return;
        };
        if play != id {
            return;
        }
        let Some(action) = self.workflow.steps.get(&step).map(|s| s.action.clone()) else {
            return self.end_call(now);
        };
        match action {
            Action::Menu { .. } | Action::InputForm { .. } => self.wait_for_key(now, step),
            Action::Voicemail { max, .. } => {
                self.outputs.push_back(RunOutput::RecordVoicemail { max });
                self.phase = Phase::Recording {
                    step,
                    until: now + VOICEMAIL_BEEP + max,
                };
            }
            Action::Message { next, .. } => self.enter(now, next),
            _ => self.end_call(now),
        }
    }

    fn wait_for_key(&mut self, now: Instant, step: StepId) {
        self.phase = Phase::Waiting {
            step,
            until: now + self.workflow.input_timeout,
        };
    }

    fn key(&mut self, now: Instant, key: Key) {
        let (step, playing) = match self.phase {
            Phase::Playing { step, .. } => (step, true),
            Phase::Waiting { step, .. } => (step, false),
            Phase::Recording { .. } => {
                if key == Key::Hash {
                    self.outputs.push_back(RunOutput::SaveVoicemail);
                    self.end_call(now);
                }
                return;
            }
            Phase::Done => return,
        };
        let Some(action) = self.workflow.steps.get(&step).map(|s| s.action.clone()) else {
            return;
        };
        match action {
            Action::Menu { buttons, .. } => {
                self.steps_without_input = 0;
                if playing {
                    self.outputs.push_back(RunOutput::StopPrompt);
                }
                self.outputs.push_back(RunOutput::Pressed { step, key });
                let target = match key {
                    Key::Digit(d) => buttons.get(&d).copied(),
                    Key::Star | Key::Hash => None,
                };
                match target {
                    Some(next) => self.enter(now, Some(next)),
                    // `*`, or a key without a button: say the menu again.
                    None => self.play(step),
                }
            }
            Action::InputForm { digits, .. } => {
                self.steps_without_input = 0;
                if playing {
                    self.outputs.push_back(RunOutput::StopPrompt);
                }
                match key {
                    Key::Digit(d) => {
                        self.typed.push((b'0' + d) as char);
                        if self.typed.len() >= usize::from(digits) {
                            self.fill_form(now, step);
                        } else {
                            self.wait_for_key(now, step);
                        }
                    }
                    Key::Hash if !self.typed.is_empty() => self.fill_form(now, step),
                    // `#` before any digit, or `*`: ask again from the start.
                    Key::Hash | Key::Star => {
                        self.outputs.push_back(RunOutput::Pressed { step, key });
                        self.typed.clear();
                        self.play(step);
                    }
                }
            }
            // A message plays to its end; keys meanwhile are dropped.
            _ => {}
        }
    }

    fn form_of(&self, step: StepId) -> Option<(String, Option<StepId>)> {
        match &self.workflow.steps.get(&step)?.action {
            Action::InputForm { label, next, .. } => Some((label.clone(), *next)),
            _ => None,
        }
    }

    fn fill_form(&mut self, now: Instant, step: StepId) {
        let Some((label, next)) = self.form_of(step) else {
            return;
        };
        let value = std::mem::take(&mut self.typed);
        self.outputs
            .push_back(RunOutput::FormFilled { step, label, value });
        self.enter(now, next);
    }

    fn play(&mut self, step: StepId) {
        let Some(prompt) = self
            .workflow
            .steps
            .get(&step)
            .and_then(|s| s.action.prompt().cloned())
        else {
            return;
        };
        self.plays += 1;
        let id = PlayId(self.plays);
        self.outputs.push_back(RunOutput::Play { id, prompt });
        self.phase = Phase::Playing { step, play: id };
    }

    /// Enters `next` and runs every step that does not wait (branches, tags, messages'
    /// start…); `None` is the end of a path.
    fn enter(&mut self, now: Instant, next: Option<StepId>) {
        let mut next = next;
        loop {
            let Some(id) = next else {
                return self.path_ended(now);
            };
            let Some(step) = self.workflow.steps.get(&id) else {
                // Validation forbids it; a broken version must not strand the caller.
                return self.end_call(now);
            };
            self.steps_without_input += 1;
            if self.steps_without_input > MAX_STEPS_WITHOUT_INPUT {
                return self.end_call(now);
            }
            self.outputs.push_back(RunOutput::Entered(id));
            next = match step.action.clone() {
                Action::Branch { arms, otherwise } => {
                    let wall = self.wall_ms(now);
                    arms.iter()
                        .find(|arm| {
                            arm.when
                                .iter()
                                .all(|c| holds(c, &self.facts, &self.hours, wall))
                        })
                        .map(|arm| arm.next)
                        .or(otherwise)
                }
                Action::Tag { tag, next } => {
                    self.outputs.push_back(RunOutput::Tag(tag));
                    next
                }
                Action::SendSms { text, next } => {
                    self.outputs.push_back(RunOutput::SendSms(text));
                    next
                }
                Action::Callback { next } => {
                    self.callback = true;
                    self.outputs.push_back(RunOutput::KeepPlaceForCallback);
                    next
                }
                Action::Assign(target) => {
                    self.phase = Phase::Done;
                    self.outputs.push_back(RunOutput::Assign(target));
                    return;
                }
                Action::EndCall => return self.end_call(now),
                Action::InputForm { .. } => {
                    self.typed.clear();
                    return self.play(id);
                }
                Action::Menu { .. } | Action::Message { .. } | Action::Voicemail { .. } => {
                    return self.play(id);
                }
            };
        }
    }

    fn path_ended(&mut self, now: Instant) {
        let queue_flow = matches!(self.workflow.trigger, Trigger::WaitingInQueue { .. });
        if queue_flow && !self.callback {
            self.phase = Phase::Done;
            self.outputs.push_back(RunOutput::BackToQueue);
        } else {
            self.end_call(now);
        }
    }

    fn end_call(&mut self, now: Instant) {
        let reason = if self.hours.is_open(self.wall_ms(now)) {
            MissedReason::Workflow
        } else {
            MissedReason::NotInOperation
        };
        self.phase = Phase::Done;
        self.outputs.push_back(RunOutput::EndCall(reason));
    }
}
