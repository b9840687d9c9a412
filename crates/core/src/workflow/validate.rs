//! Checks a workflow before it is published and returns every problem at once, so the editor
//! can list them all (`docs/product.md#ivr`). A workflow with a problem is never published.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::time::Duration;

use super::model::{Action, AssignTarget, Condition, Prompt, StepId, Trigger, Workflow};

/// The most digits an input form takes (a phone number with a country code fits).
pub const MAX_FORM_DIGITS: u8 = 20;
/// The longest voicemail message.
pub const MAX_VOICEMAIL: Duration = Duration::from_secs(5 * 60);
/// The longest a caller may be given to press a key.
pub const MAX_INPUT_TIMEOUT: Duration = Duration::from_secs(120);
/// The longest text a spoken prompt may have (a minute or two of speech; longer belongs in a
/// recording).
pub const MAX_SPEECH_CHARS: usize = 500;

/// What exists in the channel, for the references a workflow makes.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// Uploaded recordings.
    pub recordings: BTreeSet<i64>,
    /// Teams.
    pub teams: BTreeSet<i64>,
    /// Managers.
    pub managers: BTreeSet<i64>,
}

/// One thing wrong with a workflow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The workflow has no steps.
    NoSteps,
    /// The first step does not exist.
    NoFirstStep(StepId),
    /// A step's name is empty.
    UnnamedStep(StepId),
    /// Two steps share a name (buttons and analytics name steps, so names must tell apart).
    DuplicateName(String),
    /// A step sends calls to a step that does not exist (e.g. a button to nowhere).
    MissingTarget {
        /// The step.
        step: StepId,
        /// Where it points.
        target: StepId,
    },
    /// No call can ever reach the step.
    Unreachable(StepId),
    /// Steps that send the call round in a circle without waiting for a key: the caller
    /// would hear the same thing for ever.
    LoopWithoutInput(Vec<StepId>),
    /// A menu without buttons.
    MenuWithoutButtons(StepId),
    /// A menu button on a key other than 0–9.
    BadButton {
        /// The step.
        step: StepId,
        /// The key as given.
        key: u8,
    },
    /// A prompt with nothing to say, or a recording that is not uploaded.
    MissingPrompt(StepId),
    /// A spoken prompt longer than [`MAX_SPEECH_CHARS`].
    SpeechTooLong(StepId),
    /// An input form taking no digits, or more than [`MAX_FORM_DIGITS`].
    BadDigitCount(StepId),
    /// An input form without a label.
    UnlabelledForm(StepId),
    /// A voicemail of no length, or longer than [`MAX_VOICEMAIL`].
    BadVoicemailLength(StepId),
    /// An assign step names a team or manager that does not exist.
    UnknownAssignee {
        /// The step.
        step: StepId,
        /// The target.
        target: AssignTarget,
    },
    /// A text message or tag with no text.
    EmptyText(StepId),
    /// A branch with neither arms nor an `otherwise`.
    EmptyBranch(StepId),
    /// A callback offer in a workflow that does not run while a call waits in a queue.
    CallbackOutsideQueue(StepId),
    /// The input timeout is zero or longer than [`MAX_INPUT_TIMEOUT`].
    BadInputTimeout,
    /// A queue trigger's wait is zero.
    BadQueueWait,
    /// A schedule period is not within a day.
    BadSchedule(String),
    /// A filter or branch condition with an empty value.
    EmptyCondition(Option<StepId>),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NoSteps => write!(f, "the workflow has no steps"),
            Problem::NoFirstStep(s) => write!(f, "the first step {s} does not exist"),
            Problem::UnnamedStep(s) => write!(f, "step {s} has no name"),
            Problem::DuplicateName(n) => write!(f, "two steps are named {n:?}"),
            Problem::MissingTarget { step, target } => {
                write!(f, "step {step} leads to {target}, which does not exist")
            }
            Problem::Unreachable(s) => write!(f, "no call can reach step {s}"),
            Problem::LoopWithoutInput(steps) => {
                let names: Vec<String> = steps.iter().map(StepId::to_string).collect();
                write!(
                    f,
                    "steps {} go round in a circle without waiting for a key",
                    names.join(" → ")
                )
            }
            Problem::MenuWithoutButtons(s) => write!(f, "the menu {s} has no buttons"),
            Problem::BadButton { step, key } => {
                write!(f, "the menu {step} has a button on {key}; buttons are 0–9")
            }
            Problem::MissingPrompt(s) => write!(f, "step {s} has nothing to play"),
            Problem::SpeechTooLong(s) => write!(
                f,
                "step {s} speaks more than {MAX_SPEECH_CHARS} characters; upload a recording"
            ),
            Problem::BadDigitCount(s) => write!(
                f,
                "the input form {s} must take 1 to {MAX_FORM_DIGITS} digits"
            ),
            Problem::UnlabelledForm(s) => write!(f, "the input form {s} has no label"),
            Problem::BadVoicemailLength(s) => write!(
                f,
                "the voicemail {s} must last 1 s to {} s",
                MAX_VOICEMAIL.as_secs()
            ),
            Problem::UnknownAssignee { step, target } => match target {
                AssignTarget::Team(id) => {
                    write!(f, "step {step} assigns to team {id}, which does not exist")
                }
                AssignTarget::Manager(id) => {
                    write!(f, "step {step} assigns to manager {id}, who does not exist")
                }
            },
            Problem::EmptyText(s) => write!(f, "step {s} has no text"),
            Problem::EmptyBranch(s) => write!(f, "the branch {s} leads nowhere"),
            Problem::CallbackOutsideQueue(s) => write!(
                f,
                "step {s} offers a callback, which only a workflow for waiting calls can"
            ),
            Problem::BadInputTimeout => write!(
                f,
                "the input timeout must be 1 s to {} s",
                MAX_INPUT_TIMEOUT.as_secs()
            ),
            Problem::BadQueueWait => write!(f, "the queue trigger's wait must be at least 1 s"),
            Problem::BadSchedule(why) => write!(f, "the schedule: {why}"),
            Problem::EmptyCondition(Some(s)) => write!(f, "a condition of step {s} is empty"),
            Problem::EmptyCondition(None) => write!(f, "a filter condition is empty"),
        }
    }
}

/// Every problem of `workflow`, in a stable order; empty when it can be published.
pub fn validate(workflow: &Workflow, known: &Known) -> Vec<Problem> {
    let mut problems = Vec::new();
    let w = workflow;
    if w.steps.is_empty() {
        problems.push(Problem::NoSteps);
        return problems;
    }
    if !w.steps.contains_key(&w.first) {
        problems.push(Problem::NoFirstStep(w.first));
    }
    if w.input_timeout.is_zero() || w.input_timeout > MAX_INPUT_TIMEOUT {
        problems.push(Problem::BadInputTimeout);
    }
    if let Trigger::WaitingInQueue { after } = w.trigger
        && after < Duration::from_secs(1)
    {
        problems.push(Problem::BadQueueWait);
    }
    if let Some(schedule) = &w.active {
        problems.extend(schedule.problems().into_iter().map(Problem::BadSchedule));
    }
    if w.filters.iter().any(|c| !condition_is_whole(c)) {
        problems.push(Problem::EmptyCondition(None));
    }
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for (&id, step) in &w.steps {
        let name = step.name.trim();
        if name.is_empty() {
            problems.push(Problem::UnnamedStep(id));
        } else {
            *names.entry(name).or_default() += 1;
        }
        for target in step.action.targets() {
            if !w.steps.contains_key(&target) {
                problems.push(Problem::MissingTarget { step: id, target });
            }
        }
        step_problems(w, id, &step.action, known, &mut problems);
    }
    problems.extend(
        names
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(name, _)| Problem::DuplicateName(name.to_string())),
    );
    let reachable = reachable(w);
    problems.extend(
        w.steps
            .keys()
            .filter(|id| !reachable.contains(id))
            .map(|&id| Problem::Unreachable(id)),
    );
    problems.extend(
        loops_without_input(w)
            .into_iter()
            .map(Problem::LoopWithoutInput),
    );
    problems
}

fn condition_is_whole(c: &Condition) -> bool {
    match c {
        Condition::FieldEquals { key, .. } => !key.trim().is_empty(),
        Condition::CallerPrefix(p) | Condition::NumberIs(p) => !p.trim().is_empty(),
        Condition::Not(inner) => condition_is_whole(inner),
        Condition::OperatingHours | Condition::KnownContact(_) => true,
    }
}

fn prompt_is_whole(prompt: &Prompt, known: &Known) -> bool {
    match prompt {
        Prompt::Recording(id) => known.recordings.contains(id),
        Prompt::Speech { text, .. } => !text.trim().is_empty(),
    }
}

fn step_problems(
    w: &Workflow,
    id: StepId,
    action: &Action,
    known: &Known,
    problems: &mut Vec<Problem>,
) {
    if let Some(prompt) = action.prompt() {
        if !prompt_is_whole(prompt, known) {
            problems.push(Problem::MissingPrompt(id));
        }
        if let Prompt::Speech { text, .. } = prompt
            && text.chars().count() > MAX_SPEECH_CHARS
        {
            problems.push(Problem::SpeechTooLong(id));
        }
    }
    match action {
        Action::Branch { arms, otherwise } => {
            if arms.is_empty() && otherwise.is_none() {
                problems.push(Problem::EmptyBranch(id));
            }
            if arms
                .iter()
                .flat_map(|a| &a.when)
                .any(|c| !condition_is_whole(c))
            {
                problems.push(Problem::EmptyCondition(Some(id)));
            }
        }
        Action::Menu { buttons, .. } => {
            if buttons.is_empty() {
                problems.push(Problem::MenuWithoutButtons(id));
            }
            problems.extend(
                buttons
                    .keys()
                    .filter(|&&k| k > 9)
                    .map(|&key| Problem::BadButton { step: id, key }),
            );
        }
        Action::InputForm { label, digits, .. } => {
            if *digits == 0 || *digits > MAX_FORM_DIGITS {
                problems.push(Problem::BadDigitCount(id));
            }
            if label.trim().is_empty() {
                problems.push(Problem::UnlabelledForm(id));
            }
        }
        Action::Voicemail { max, .. } => {
            if *max < Duration::from_secs(1) || *max > MAX_VOICEMAIL {
                problems.push(Problem::BadVoicemailLength(id));
            }
        }
        Action::Assign(target) => {
            let exists = match target {
                AssignTarget::Team(t) => known.teams.contains(t),
                AssignTarget::Manager(m) => known.managers.contains(m),
            };
            if !exists {
                problems.push(Problem::UnknownAssignee {
                    step: id,
                    target: *target,
                });
            }
        }
        Action::SendSms { text, .. } | Action::Tag { tag: text, .. } => {
            if text.trim().is_empty() {
                problems.push(Problem::EmptyText(id));
            }
        }
        Action::Callback { .. } => {
            if !matches!(w.trigger, Trigger::WaitingInQueue { .. }) {
                problems.push(Problem::CallbackOutsideQueue(id));
            }
        }
        Action::Message { .. } | Action::EndCall => {}
    }
}

fn reachable(w: &Workflow) -> BTreeSet<StepId> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![w.first];
    while let Some(id) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        if let Some(step) = w.steps.get(&id) {
            todo.extend(step.action.targets());
        }
    }
    seen.retain(|id| w.steps.contains_key(id));
    seen
}

/// Cycles through steps that never wait for a key, each reported once, from its smallest id.
fn loops_without_input(w: &Workflow) -> Vec<Vec<StepId>> {
    // Edges out of steps that move on by themselves; a step waiting for keys breaks a cycle.
    let next = |id: StepId| -> Vec<StepId> {
        match w.steps.get(&id) {
            Some(s) if !s.action.waits_for_keys() => s
                .action
                .targets()
                .into_iter()
                .filter(|t| w.steps.contains_key(t))
                .collect(),
            _ => Vec::new(),
        }
    };
    let mut loops = Vec::new();
    let mut in_a_loop = BTreeSet::new();
    for &start in w.steps.keys() {
        if in_a_loop.contains(&start) {
            continue;
        }
        // Depth-first from `start`, looking for a way back to it through larger ids only, so
        // each cycle is found once, from its smallest step. Whether a step leads back does not
        // depend on the way it was reached, so each is visited once.
        let mut path = vec![start];
        let mut visited = BTreeSet::from([start]);
        let mut stack = vec![next(start).into_iter()];
        while let Some(edges) = stack.last_mut() {
            match edges.next() {
                Some(t) if t == start => {
                    in_a_loop.extend(path.iter().copied());
                    loops.push(path.clone());
                    break;
                }
                Some(t) if t > start && visited.insert(t) => {
                    path.push(t);
                    stack.push(next(t).into_iter());
                }
                Some(_) => {}
                None => {
                    stack.pop();
                    path.pop();
                }
            }
        }
    }
    loops
}
