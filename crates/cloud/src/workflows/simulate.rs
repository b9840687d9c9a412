//! The simulator over the admin API: `POST /api/v1/workflows/{id}/simulate` walks the saved
//! draft on a pretend call (the core's `simulate`: the same run a real call gets, on a virtual
//! clock), and `POST /api/v1/speech/preview` speaks a prompt so the editor can play it before
//! anything is published.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDateTime, TimeZone};
use ringdesk_core::workflow::{
    self as core, AssignTarget, CallFacts, CallerAction, Key, PretendQueue, SimEnd, SimEvent,
};
use ringdesk_store::time::now_ms;
use ringdesk_wire::{
    ErrorCode, PromptSource, SimulatedAction, SimulationEnd, SimulationEvent, SimulationLine,
    SimulationRequest, SimulationResult, SpeechPreview,
};

use super::api::{not_found, problems, stored_definition, unreadable};
use super::convert;
use crate::api::{Admin, ApiErr, AppState, bad_json};
use crate::speech::language_code;

/// A spoken prompt not rendered yet is taken to last this long per character.
const SPEECH_MS_PER_CHAR: u64 = 90;

/// The caller a simulation pretends when none is given.
const PRETEND_CALLER: &str = "+821012345678";

fn bad(why: impl Into<String>) -> ApiErr {
    ApiErr::new(StatusCode::BAD_REQUEST, ErrorCode::InvalidMessage, why)
}

/// The caller's actions in the core's terms.
fn actions(actions: &[SimulatedAction]) -> Result<Vec<CallerAction>, ApiErr> {
    actions
        .iter()
        .map(|a| match a {
            SimulatedAction::Press { key } => {
                let mut chars = key.chars();
                match (chars.next().and_then(Key::from_char), chars.next()) {
                    (Some(k), None) => Ok(CallerAction::Press(k)),
                    _ => Err(bad(format!("{key:?} is not a key (0-9, *, #)"))),
                }
            }
            SimulatedAction::Silence => Ok(CallerAction::Silence),
            SimulatedAction::HangUp => Ok(CallerAction::HangUp),
        })
        .collect()
}

/// `at` on the channel's clock, in Unix ms.
fn when(at: Option<&str>, zone: chrono_tz::Tz) -> Result<i64, ApiErr> {
    let Some(at) = at else {
        return Ok(now_ms());
    };
    let local = NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M")
        .map_err(|e| bad(format!("at {at:?} is not YYYY-MM-DDTHH:MM ({e})")))?;
    zone.from_local_datetime(&local)
        .earliest()
        .map(|t| t.timestamp_millis())
        .ok_or_else(|| bad(format!("{at} does not exist in {zone}")))
}

fn wire_prompt(p: &core::Prompt) -> PromptSource {
    match p {
        core::Prompt::Recording(id) => PromptSource::Recording { prompt_id: *id },
        core::Prompt::Speech { language, text } => PromptSource::Speech {
            language: convert::wire_language(*language),
            text: text.clone(),
        },
    }
}

fn queue_of(target: AssignTarget) -> (Option<i64>, Option<i64>) {
    match target {
        AssignTarget::Team(t) => (Some(t), None),
        AssignTarget::Manager(m) => (None, Some(m)),
    }
}

/// How long each of the workflow's prompts plays: a recording's length, a spoken prompt's
/// rendering if it was made, else an estimate from its length.
async fn prompt_lengths(
    s: &AppState,
    channel: i64,
    workflow: &core::Workflow,
) -> Result<HashMap<core::Prompt, Duration>, ApiErr> {
    let recordings: HashMap<i64, i64> = s
        .store
        .prompts(channel)
        .await?
        .into_iter()
        .map(|p| (p.id, p.duration_ms))
        .collect();
    let mut lengths = HashMap::new();
    for step in workflow.steps.values() {
        let Some(prompt) = step.action.prompt() else {
            continue;
        };
        let ms = match prompt {
            core::Prompt::Recording(id) => recordings.get(id).copied().unwrap_or(0).max(0) as u64,
            core::Prompt::Speech { language, text } => {
                match s
                    .store
                    .speech_length(language_code(*language), text)
                    .await?
                {
                    Some(ms) => ms.max(0) as u64,
                    None => text.chars().count() as u64 * SPEECH_MS_PER_CHAR,
                }
            }
        };
        lengths.insert(prompt.clone(), Duration::from_millis(ms));
    }
    Ok(lengths)
}

/// `POST /api/v1/workflows/{id}/simulate`.
pub async fn simulate(
    State(s): State<AppState>,
    Admin(m): Admin,
    Path(id): Path<i64>,
    body: Result<Json<SimulationRequest>, JsonRejection>,
) -> Result<Json<SimulationResult>, ApiErr> {
    let Json(request) = body.map_err(bad_json)?;
    let w = s
        .store
        .workflow(m.channel_id, id)
        .await?
        .ok_or_else(|| not_found("workflow"))?;
    let draft = stored_definition(&w.draft)?;
    let problems = problems(&s.store, m.channel_id, &draft).await?;
    let workflow = convert::workflow(&draft).map_err(unreadable)?;
    let actions = actions(&request.actions)?;
    let hours = super::channel_hours(&s.store, m.channel_id)
        .await
        .map_err(|e| ApiErr::internal(format!("a channel's hours: {e}")))?;
    let unix_ms = when(request.at.as_deref(), hours.zone)?;
    let first_number = s
        .store
        .channel_numbers(m.channel_id)
        .await?
        .into_iter()
        .next()
        .map(|(e164, _)| e164)
        .unwrap_or_default();
    let facts = match request.caller {
        Some(c) => CallFacts {
            caller: c.number,
            number: c.called.unwrap_or(first_number),
            known_contact: c.known_contact,
            fields: c.fields.into_iter().map(|f| (f.name, f.value)).collect(),
        },
        None => CallFacts {
            caller: PRETEND_CALLER.into(),
            number: first_number,
            ..CallFacts::default()
        },
    };
    let lengths = prompt_lengths(&s, m.channel_id, &workflow).await?;
    let queue = PretendQueue {
        waiting: request.queue.waiting as usize,
        nobody_available: request.queue.nobody_available,
    };
    let names: HashMap<u32, String> = workflow
        .steps
        .iter()
        .map(|(id, step)| (id.0, step.name.clone()))
        .collect();
    let sim = core::simulate(
        std::sync::Arc::new(workflow),
        (facts, hours, unix_ms),
        &actions,
        queue,
        Instant::now(),
        |p| lengths.get(p).copied().unwrap_or_default(),
    );
    let lines = sim
        .lines
        .into_iter()
        .map(|line| SimulationLine {
            at_ms: line.at.as_millis() as u64,
            event: wire_event(line.event, &names, &lengths),
        })
        .collect();
    Ok(Json(SimulationResult {
        lines,
        end: match sim.end {
            SimEnd::Done => SimulationEnd::Done,
            SimEnd::WaitsForCaller => SimulationEnd::WaitsForCaller,
        },
        problems,
    }))
}

fn wire_event(
    e: SimEvent,
    names: &HashMap<u32, String>,
    lengths: &HashMap<core::Prompt, Duration>,
) -> SimulationEvent {
    use crate::codes::ToWire;
    match e {
        SimEvent::Entered(step) => SimulationEvent::Entered {
            step_id: step.0,
            name: names.get(&step.0).cloned().unwrap_or_default(),
        },
        SimEvent::Played(prompt) => SimulationEvent::Played {
            duration_ms: lengths.get(&prompt).map_or(0, |d| d.as_millis() as u64),
            prompt: wire_prompt(&prompt),
        },
        SimEvent::Pressed(step, key) => SimulationEvent::Pressed {
            step_id: step.0,
            key: key.as_char().to_string(),
        },
        SimEvent::Typed { label, value } => SimulationEvent::Typed { label, value },
        SimEvent::Tagged(tag) => SimulationEvent::Tagged { tag },
        SimEvent::Texted(text) => SimulationEvent::Texted { text },
        SimEvent::RecordsVoicemail => SimulationEvent::RecordsVoicemail,
        SimEvent::VoicemailKept => SimulationEvent::VoicemailKept,
        SimEvent::KeepsPlaceForCallback => SimulationEvent::KeepsPlaceForCallback,
        SimEvent::Queued(target, position) => {
            let (team_id, manager_id) = queue_of(target);
            SimulationEvent::Queued {
                team_id,
                manager_id,
                position: position as u32,
            }
        }
        SimEvent::TurnedAway(target, missed) => {
            let (team_id, manager_id) = queue_of(target);
            SimulationEvent::TurnedAway {
                team_id,
                manager_id,
                missed_reason: missed.to_wire(),
            }
        }
        SimEvent::BackToQueue => SimulationEvent::BackToQueue,
        SimEvent::Ended(missed) => SimulationEvent::Ended {
            missed_reason: missed.to_wire(),
        },
        SimEvent::HungUp(step) => SimulationEvent::HungUp { step_id: step.0 },
    }
}

/// `POST /api/v1/speech/preview`: the text spoken, as a WAV, without keeping it.
pub async fn speech_preview(
    State(s): State<AppState>,
    Admin(_): Admin,
    body: Result<Json<SpeechPreview>, JsonRejection>,
) -> Result<Response, ApiErr> {
    let Json(preview) = body.map_err(bad_json)?;
    let chars = preview.text.trim().chars().count();
    if chars == 0 || chars > core::MAX_SPEECH_CHARS {
        let why = format!(
            "a spoken prompt has 1 to {} characters",
            core::MAX_SPEECH_CHARS
        );
        return Err(bad(why));
    }
    let language = convert::language(preview.language);
    let engine = s.speech.clone();
    let rendered = tokio::task::spawn_blocking(move || engine.render(language, &preview.text))
        .await
        .map_err(|e| ApiErr::internal(format!("speaking a preview: {e}")))?
        .map_err(|e| {
            ApiErr::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::SpeechFailed,
                e.to_string(),
            )
        })?;
    Ok(([(header::CONTENT_TYPE, "audio/wav")], rendered.to_wav()).into_response())
}
