//! The simulator: a draft walked on a pretend call, before it is published.
//!
//! The same [`WorkflowRun`] a real call uses runs on a virtual clock. Prompts last as long as
//! their audio; the caller acts only once what plays has ended (a key, silence until the
//! input timeout, or hanging up), in the order given. When the caller has nothing left to do
//! the simulation stops and says what the call waits for, so an editor can replay it with one
//! more key each time. An assign step meets a pretend queue: full, nobody who could answer, or
//! the caller's place in it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{
    AssignTarget, CallFacts, Key, MissedReason, Prompt, RunInput, RunOutput, Schedule, StepId,
    Workflow, WorkflowRun,
};
use crate::switchboard::QUEUE_CAPACITY;

/// What the pretend caller does next, once what plays has ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallerAction {
    /// Presses a key.
    Press(Key),
    /// Says nothing until the step gives up waiting (the input timeout, a voicemail's limit).
    Silence,
    /// Hangs up.
    HangUp,
}

/// The queue an assign step would meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PretendQueue {
    /// Callers already waiting there.
    pub waiting: usize,
    /// Nobody of the team could take calls (all offline, away…).
    pub nobody_available: bool,
}

/// One thing that happened, `at` from the start of the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimLine {
    /// When.
    pub at: Duration,
    /// What.
    pub event: SimEvent,
}

/// What happened in the simulation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimEvent {
    /// The call entered this step.
    Entered(StepId),
    /// A prompt played (cut short by a key or not).
    Played(Prompt),
    /// The caller pressed a key at this step.
    Pressed(StepId, Key),
    /// An input form's value.
    Typed {
        /// The form's label.
        label: String,
        /// The digits.
        value: String,
    },
    /// The call was tagged.
    Tagged(String),
    /// A text message would go to the caller.
    Texted(String),
    /// A voicemail would be recorded.
    RecordsVoicemail,
    /// The voicemail would be kept.
    VoicemailKept,
    /// The caller's place would be kept for a callback.
    KeepsPlaceForCallback,
    /// The call would wait in this queue at this position (1: first).
    Queued(AssignTarget, usize),
    /// The queue would turn the call away.
    TurnedAway(AssignTarget, MissedReason),
    /// The caller would go back to waiting (a workflow for waiting calls ended).
    BackToQueue,
    /// The call would end, missed for this reason.
    Ended(MissedReason),
    /// The caller hung up at this step.
    HungUp(StepId),
}

/// Where the simulation stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimEnd {
    /// The workflow is done with the call.
    Done,
    /// The call waits for the caller (a key, or silence until the step gives up).
    WaitsForCaller,
}

/// A whole simulation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Simulation {
    /// What happened, in order.
    pub lines: Vec<SimLine>,
    /// Where it stopped.
    pub end: SimEnd,
}

/// The longest a simulation goes on: a loop of messages can't make it spin forever.
const MAX_LINES: usize = 500;

/// Walks `workflow` for a call with `facts` arriving at `unix_ms`, the caller doing `actions`
/// in turn. `origin` is any instant (the run's clock is virtual); `prompt_length` says how long
/// each prompt plays.
pub fn simulate(
    workflow: Arc<Workflow>,
    (facts, hours, unix_ms): (CallFacts, Schedule, i64),
    actions: &[CallerAction],
    queue: PretendQueue,
    origin: Instant,
    prompt_length: impl Fn(&Prompt) -> Duration,
) -> Simulation {
    let mut now = origin;
    let mut run = WorkflowRun::start(now, unix_ms, workflow, facts, hours);
    let mut lines = Vec::new();
    let mut actions = actions.iter();
    // The prompt playing and when it ends.
    let mut playing = None;
    loop {
        while let Some(out) = run.poll_output() {
            let at = now - origin;
            let mut line = |event| lines.push(SimLine { at, event });
            match out {
                RunOutput::Entered(step) => line(SimEvent::Entered(step)),
                RunOutput::Play { id, prompt } => {
                    playing = Some((id, now + prompt_length(&prompt)));
                    line(SimEvent::Played(prompt));
                }
                RunOutput::StopPrompt => playing = None,
                RunOutput::RecordVoicemail { .. } => line(SimEvent::RecordsVoicemail),
                RunOutput::SaveVoicemail => line(SimEvent::VoicemailKept),
                RunOutput::Pressed { step, key } => line(SimEvent::Pressed(step, key)),
                RunOutput::FormFilled { label, value, .. } => {
                    line(SimEvent::Typed { label, value })
                }
                RunOutput::Tag(tag) => line(SimEvent::Tagged(tag)),
                RunOutput::SendSms(text) => line(SimEvent::Texted(text)),
                RunOutput::KeepPlaceForCallback => line(SimEvent::KeepsPlaceForCallback),
                RunOutput::Assign(target) => line(if queue.waiting >= QUEUE_CAPACITY {
                    SimEvent::TurnedAway(target, MissedReason::ExceededQueue)
                } else if queue.nobody_available {
                    SimEvent::TurnedAway(target, MissedReason::NoOperator)
                } else {
                    SimEvent::Queued(target, queue.waiting + 1)
                }),
                RunOutput::BackToQueue => line(SimEvent::BackToQueue),
                RunOutput::EndCall(missed) => line(SimEvent::Ended(missed)),
                RunOutput::Dropped(step) => line(SimEvent::HungUp(step)),
            }
        }
        if run.is_done() || lines.len() >= MAX_LINES {
            return Simulation {
                lines,
                end: SimEnd::Done,
            };
        }
        if let Some((id, ends)) = playing.take() {
            now = ends;
            run.handle_input(now, RunInput::PromptFinished(id));
            continue;
        }
        match actions.next() {
            Some(CallerAction::Press(key)) => run.handle_input(now, RunInput::Key(*key)),
            Some(CallerAction::HangUp) => run.handle_input(now, RunInput::CallerLeft),
            Some(CallerAction::Silence) => {
                if let Some(deadline) = run.poll_timeout() {
                    now = now.max(deadline);
                    run.handle_timeout(now);
                }
            }
            None => {
                return Simulation {
                    lines,
                    end: SimEnd::WaitsForCaller,
                };
            }
        }
    }
}
