//! Calls walking a workflow (the IVR) before anyone rings (`docs/product.md#workflow-rules`).
//!
//! When a call arrives, the number's published workflow — its own, else the first of the
//! channel's list whose trigger is "customer called" and whose filters and schedule fit — is
//! loaded off the dispatcher's task with everything it plays and routes to. The call is then
//! answered, the switchboard holds it without ringing anyone, and the core's `WorkflowRun`
//! drives it: its outputs become room commands (prompts, voicemail), switchboard inputs (route,
//! end) and records; the room's reports and the customer's keys go back in.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use ringdesk_core::workflow::{
    self as wf, AssignTarget, CallFacts, Key, PlayId, RunInput, RunOutput, Schedule, Trigger,
    Workflow, WorkflowRun,
};
use ringdesk_core::{CallId, SwitchboardInput};
use ringdesk_media::prompt::Prompt;
use ringdesk_store::time::now_ms;
use ringdesk_store::{CallEvent, LiveWorkflow, Store, TeamRow};
use ringdesk_wire::{ProfileField, WorkflowDefinition};

use super::Dispatcher;
use crate::room::RoomCommand;
use crate::speech::language_code;
use crate::workflows::convert;
use ringdesk_wire::SmsRequest;

/// What one published version plays, decoded once: versions never change, so calls share it.
#[derive(Default)]
pub(super) struct VersionAudio {
    recordings: HashMap<i64, Prompt>,
    /// Spoken prompts, by language code and text.
    speech: HashMap<(&'static str, String), Prompt>,
}

/// Decoded audio by (workflow, version), so an arriving call does not read and decode its
/// prompts from the database again.
pub(super) type AudioCache = Arc<Mutex<HashMap<(i64, i64), Arc<VersionAudio>>>>;

/// How many versions' audio are kept; past it the cache starts over (rare: versions in use at
/// once are few).
const AUDIO_CACHE_VERSIONS: usize = 64;

/// A published version, with what it plays decoded.
#[derive(Clone)]
pub(super) struct Loaded {
    workflow_id: i64,
    version: i64,
    workflow: Arc<Workflow>,
    audio: Arc<VersionAudio>,
}

/// The workflow a call runs, with all it needs, loaded before it starts.
pub(super) struct Prepared {
    main: Loaded,
    /// The channel's workflow for calls waiting in a queue that fits this call, if any.
    waiting: Option<Loaded>,
    hours: Schedule,
    /// The channel's teams, their members and queues, for its assign steps.
    teams: HashMap<i64, TeamRow>,
}

/// A workflow for waiting calls, due to start for a call that waits that long in its queue.
pub(super) struct WaitingWorkflow {
    loaded: Loaded,
    due: Instant,
    facts: CallFacts,
    hours: Schedule,
    teams: HashMap<i64, TeamRow>,
}

/// The workflow a call to `e164` runs now, if any, loaded with what it plays and routes to.
pub(super) async fn prepare(
    store: &Store,
    audio_cache: &AudioCache,
    channel_id: i64,
    e164: &str,
    facts: &CallFacts,
) -> anyhow::Result<Option<Prepared>> {
    let live = store.live_workflows_for_number(e164).await?;
    if live.is_empty() {
        return Ok(None);
    }
    let hours = crate::workflows::channel_hours(store, channel_id).await?;
    let unix_ms = now_ms();
    let fitting: Vec<(LiveWorkflow, Workflow)> = live
        .into_iter()
        .filter_map(|l| {
            let read = serde_json::from_str::<WorkflowDefinition>(&l.definition)
                .map_err(|e| e.to_string())
                .and_then(|d| convert::workflow(&d).map_err(|e| e.to_string()));
            match read {
                Ok(w) => w.applies(facts, unix_ms, &hours).then_some((l, w)),
                Err(e) => {
                    tracing::error!(
                        workflow = l.workflow_id,
                        "a published workflow does not read: {e}"
                    );
                    None
                }
            }
        })
        .collect();
    let first_with = |waiting: bool| {
        fitting
            .iter()
            .find(|(_, w)| matches!(w.trigger, Trigger::WaitingInQueue { .. }) == waiting)
    };
    let Some(main) = first_with(false) else {
        return Ok(None);
    };
    let main = load(store, audio_cache, channel_id, main).await?;
    let waiting = match first_with(true) {
        Some(w) => Some(load(store, audio_cache, channel_id, w).await?),
        None => None,
    };
    let teams = store
        .teams(channel_id, None)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    Ok(Some(Prepared {
        main,
        waiting,
        hours,
        teams,
    }))
}

/// A published version with its audio, decoded once per version (see [`AudioCache`]).
async fn load(
    store: &Store,
    audio_cache: &AudioCache,
    channel_id: i64,
    (live, workflow): &(LiveWorkflow, Workflow),
) -> anyhow::Result<Loaded> {
    let key = (live.workflow_id, live.version);
    let cached = audio_cache.lock().expect("audio cache").get(&key).cloned();
    let audio = match cached {
        Some(audio) => audio,
        None => {
            let audio = Arc::new(load_audio(store, channel_id, workflow).await?);
            let mut cache = audio_cache.lock().expect("audio cache");
            if cache.len() >= AUDIO_CACHE_VERSIONS {
                cache.clear();
            }
            cache.insert(key, audio.clone());
            audio
        }
    };
    Ok(Loaded {
        workflow_id: live.workflow_id,
        version: live.version,
        workflow: Arc::new(workflow.clone()),
        audio,
    })
}

/// Decodes every prompt a workflow plays: its recordings, and its spoken prompts as rendered
/// when it was published. One missing or undecodable is logged and left out (the step then
/// plays nothing).
async fn load_audio(
    store: &Store,
    channel_id: i64,
    workflow: &Workflow,
) -> anyhow::Result<VersionAudio> {
    let mut audio = VersionAudio::default();
    for step in workflow.steps.values() {
        if let Some(wf::Prompt::Speech { language, text }) = step.action.prompt() {
            let key = (language_code(*language), text.clone());
            if audio.speech.contains_key(&key) {
                continue;
            }
            match store.speech(key.0, text).await? {
                Some(wav) => match Prompt::from_wav(&wav) {
                    Ok(p) => {
                        audio.speech.insert(key, p);
                    }
                    Err(e) => tracing::error!("a kept spoken prompt does not decode: {e}"),
                },
                None => tracing::warn!("a spoken prompt was never rendered: {text:?}"),
            }
        }
        if let Some(wf::Prompt::Recording(id)) = step.action.prompt()
            && !audio.recordings.contains_key(id)
        {
            match store.prompt_wav(channel_id, *id).await? {
                Some(wav) => match Prompt::from_wav(&wav) {
                    Ok(p) => {
                        audio.recordings.insert(*id, p);
                    }
                    Err(e) => tracing::error!(prompt = id, "a kept prompt does not decode: {e}"),
                },
                None => tracing::warn!(prompt = id, "a workflow plays a deleted prompt"),
            }
        }
    }
    Ok(audio)
}

/// A call's workflow while it runs.
pub(super) struct CallWorkflow {
    run: WorkflowRun,
    workflow_id: i64,
    version: i64,
    audio: Arc<VersionAudio>,
    teams: HashMap<i64, TeamRow>,
    /// The workflow for waiting calls, started if this one puts the call in a queue.
    then_waiting: Option<(Loaded, CallFacts, Schedule)>,
}

impl Dispatcher {
    /// Starts `prepared` for a call the switchboard holds (answered, not ringing anyone).
    pub(super) fn start_workflow(&mut self, call: CallId, prepared: Prepared, facts: CallFacts) {
        let then_waiting = prepared
            .waiting
            .map(|w| (w, facts.clone(), prepared.hours.clone()));
        self.run_workflow(
            call,
            prepared.main,
            (facts, prepared.hours),
            prepared.teams,
            then_waiting,
        );
    }

    fn run_workflow(
        &mut self,
        call: CallId,
        loaded: Loaded,
        (facts, hours): (CallFacts, Schedule),
        teams: HashMap<i64, TeamRow>,
        then_waiting: Option<(Loaded, CallFacts, Schedule)>,
    ) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        tracing::info!(
            %call,
            workflow = loaded.workflow_id,
            version = loaded.version,
            "the call walks a workflow"
        );
        c.room.send(RoomCommand::ListenForTones(true));
        let run = WorkflowRun::start(Instant::now(), now_ms(), loaded.workflow, facts, hours);
        c.workflow = Some(Box::new(CallWorkflow {
            run,
            workflow_id: loaded.workflow_id,
            version: loaded.version,
            audio: loaded.audio,
            teams,
            then_waiting,
        }));
        self.drive_workflow(call);
    }

    /// Starts the workflows for waiting calls that are due, for calls still waiting.
    fn start_waiting_workflows(&mut self, now: Instant) {
        let due: Vec<CallId> = self
            .calls
            .iter()
            .filter(|(_, c)| c.waiting_workflow.as_ref().is_some_and(|w| w.due <= now))
            .map(|(id, _)| *id)
            .collect();
        for call in due {
            let Some(w) = self
                .calls
                .get_mut(&call)
                .and_then(|c| c.waiting_workflow.take())
            else {
                continue;
            };
            let still_waiting = self.switchboard.queue_place(call).is_some();
            if still_waiting && self.calls.get(&call).is_some_and(|c| c.workflow.is_none()) {
                self.run_workflow(call, w.loaded, (w.facts, w.hours), w.teams, None);
            }
        }
    }

    /// A manager took the call: a workflow for waiting calls talking to the caller stops.
    pub(super) fn stop_waiting_workflow(&mut self, call: CallId) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        c.waiting_workflow = None;
        if c.workflow.take().is_some() {
            c.room.send(RoomCommand::StopPrompt);
            c.room.send(RoomCommand::ListenForTones(false));
        }
    }

    /// The caller's ACK confirmed our answer: the workflow waiting for it starts.
    pub(super) fn answer_confirmed(&mut self, call: CallId) {
        let pending = self
            .calls
            .get_mut(&call)
            .and_then(|c| c.pending_workflow.take());
        if let Some(pending) = pending {
            let (prepared, facts) = *pending;
            self.start_workflow(call, prepared, facts);
        }
    }

    /// Gives the call's workflow an input; false when the call has no workflow running.
    pub(super) fn workflow_input(&mut self, call: CallId, input: RunInput) -> bool {
        let Some(w) = self.calls.get_mut(&call).and_then(|c| c.workflow.as_mut()) else {
            return false;
        };
        w.run.handle_input(Instant::now(), input);
        self.drive_workflow(call);
        true
    }

    /// A key the customer pressed, for the call's workflow; false when it has none.
    pub(super) fn workflow_key(&mut self, call: CallId, digit: char) -> bool {
        match Key::from_char(digit) {
            Some(key) => self.workflow_input(call, RunInput::Key(key)),
            None => self.calls.get(&call).is_some_and(|c| c.workflow.is_some()),
        }
    }

    /// The earliest deadline of any call's workflow, or of a workflow for waiting calls due
    /// to start.
    pub(super) fn workflow_deadline(&self) -> Option<Instant> {
        self.calls
            .values()
            .flat_map(|c| {
                let running = c.workflow.as_ref().and_then(|w| w.run.poll_timeout());
                running
                    .into_iter()
                    .chain(c.waiting_workflow.as_ref().map(|w| w.due))
            })
            .min()
    }

    /// Expires workflow deadlines at or before `now`.
    pub(super) fn workflow_timeouts(&mut self, now: Instant) {
        let due: Vec<CallId> = self
            .calls
            .iter()
            .filter(|(_, c)| {
                c.workflow
                    .as_ref()
                    .and_then(|w| w.run.poll_timeout())
                    .is_some_and(|t| t <= now)
            })
            .map(|(id, _)| *id)
            .collect();
        for call in due {
            if let Some(w) = self.calls.get_mut(&call).and_then(|c| c.workflow.as_mut()) {
                w.run.handle_timeout(now);
            }
            self.drive_workflow(call);
        }
        self.start_waiting_workflows(now);
    }

    /// Carries out the run's outputs until it waits for something.
    fn drive_workflow(&mut self, call: CallId) {
        loop {
            let Some(c) = self.calls.get_mut(&call) else {
                return;
            };
            let Some(w) = c.workflow.as_mut() else {
                return;
            };
            let Some(output) = w.run.poll_output() else {
                if w.run.is_done() {
                    c.workflow = None;
                    c.room.send(RoomCommand::ListenForTones(false));
                }
                return;
            };
            let (workflow_id, version) = (w.workflow_id, w.version);
            match output {
                RunOutput::Entered(step) => {
                    self.record_step(call, (workflow_id, version), step.0, "entered", None)
                }
                RunOutput::Play { id, prompt } => {
                    let audio = match &prompt {
                        wf::Prompt::Recording(r) => w.audio.recordings.get(r).cloned(),
                        wf::Prompt::Speech { language, text } => w
                            .audio
                            .speech
                            .get(&(language_code(*language), text.clone()))
                            .cloned(),
                    };
                    match audio {
                        Some(p) => c.room.send(RoomCommand::PlayPrompt {
                            id: id.0,
                            prompt: p,
                        }),
                        None => {
                            // Nothing to play (a prompt deleted since, or no speech engine):
                            // the caller hears nothing and the workflow goes on.
                            tracing::warn!(%call, workflow_id, "a prompt has no audio: {prompt:?}");
                            w.run
                                .handle_input(Instant::now(), RunInput::PromptFinished(id));
                        }
                    }
                }
                RunOutput::StopPrompt => c.room.send(RoomCommand::StopPrompt),
                RunOutput::RecordVoicemail { max } => {
                    c.room.send(RoomCommand::RecordVoicemail { max })
                }
                RunOutput::SaveVoicemail => c.room.send(RoomCommand::StopVoicemail),
                RunOutput::Pressed { step, key } => {
                    let key = Some(key.as_char());
                    self.record_step(call, (workflow_id, version), step.0, "pressed", key)
                }
                RunOutput::FormFilled { label, value, .. } => {
                    // The manager who answers sees it on the ring, and it stays on the call.
                    let field = ProfileField {
                        name: label.clone(),
                        value: value.clone(),
                    };
                    c.caller.fields.insert(0, field);
                    self.record_event(CallEvent::Input {
                        call_id: call.0,
                        label,
                        value,
                        at_ms: now_ms(),
                    });
                }
                RunOutput::Tag(tag) => self.record_event(CallEvent::Tagged {
                    call_id: call.0,
                    tag,
                }),
                RunOutput::SendSms(text) => {
                    let message = SmsRequest {
                        from: c.via.number.clone(),
                        to: c.caller.number.clone(),
                        text,
                    };
                    self.send_sms(call, message);
                }
                RunOutput::KeepPlaceForCallback => self.keep_place_for_callback(call),
                RunOutput::Assign(target) => {
                    // The run is done: tone listening stops with it (above).
                    let team = match target {
                        AssignTarget::Team(t) => w.teams.get(&t).cloned(),
                        AssignTarget::Manager(_) => None,
                    };
                    if let Some((loaded, facts, hours)) = w.then_waiting.take()
                        && let Trigger::WaitingInQueue { after } = loaded.workflow.trigger
                    {
                        c.waiting_workflow = Some(Box::new(WaitingWorkflow {
                            loaded,
                            due: Instant::now() + after,
                            facts,
                            hours,
                            teams: w.teams.clone(),
                        }));
                    }
                    self.assign(call, target, team.as_ref());
                }
                // The caller waits on with the queue music.
                RunOutput::BackToQueue => {}
                RunOutput::EndCall(_) if self.awaits_callback(call) => self.let_caller_go(call),
                RunOutput::EndCall(missed) => {
                    self.input(SwitchboardInput::WorkflowEnded { call, missed });
                }
                RunOutput::Dropped(step) => {
                    self.record_step(call, (workflow_id, version), step.0, "dropped", None)
                }
            }
        }
    }

    /// Sends a workflow's text message off the dispatcher's task and keeps how it went on the
    /// call (a failure is logged, and the workflow goes on either way).
    fn send_sms(&self, call: CallId, message: SmsRequest) {
        let provider = self.config.sms.clone();
        let work = async move {
            let sent = crate::sms::send(provider.as_ref(), &message).await;
            (message, sent)
        };
        self.hand_back(work, move |d, (message, sent)| {
            if let Err(e) = &sent {
                tracing::warn!(%call, "a workflow's text message was not sent: {e}");
            }
            d.record_event(CallEvent::Sms {
                call_id: call.0,
                to: message.to,
                text: message.text,
                error: sent.err().map(|e| e.to_string()),
                at_ms: now_ms(),
            });
        });
    }

    /// Queues a step event for the step analytics.
    fn record_step(
        &self,
        call: CallId,
        (workflow_id, version): (i64, i64),
        step_id: u32,
        event: &'static str,
        key: Option<char>,
    ) {
        self.record_event(CallEvent::WorkflowStep {
            call_id: call.0,
            workflow_id,
            version,
            step_id: i64::from(step_id),
            event,
            key,
            at_ms: now_ms(),
        });
    }

    /// Keeps the caller's voicemail (the call may have ended meanwhile).
    pub(super) fn voicemail_recorded(&self, call: CallId, wav: Vec<u8>, duration_ms: u64) {
        self.record_event(CallEvent::Voicemail {
            call_id: call.0,
            wav,
            duration_ms: duration_ms as i64,
            at_ms: now_ms(),
        });
    }
}

/// A played prompt's id as the room reports it.
pub(super) fn play_id(id: u32) -> RunInput {
    RunInput::PromptFinished(PlayId(id))
}
