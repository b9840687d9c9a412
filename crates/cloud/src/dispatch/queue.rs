//! Callers waiting in a queue (`docs/product.md#queues`): which queue a workflow's assign step
//! puts a call in, and the announcements of position and estimated wait a queue may make.
//!
//! The switchboard keeps the order and the estimate (from the queue's recent answers); here
//! they become words. A caller is told their position, and the estimate only when there is
//! one: nothing is said rather than a wrong number. The words are spoken by the speech engine
//! off the dispatcher's task and kept, so a queue of callers hearing "number 3" shares one
//! rendering.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ringdesk_core::switchboard::{QUEUE_MAX_WAIT, QueueId, QueuePlace};
use ringdesk_core::workflow::{AssignTarget, Language};
use ringdesk_core::{CallId, ManagerId, SwitchboardInput};
use ringdesk_media::prompt::Prompt;
use ringdesk_store::{QueueSettingsRow, TeamRow};
use ringdesk_wire::{ANNOUNCE_EVERY_SECONDS, QUEUE_WAIT_SECONDS};

use super::Dispatcher;
use crate::room::RoomCommand;

/// The play id of an announcement, apart from any workflow's prompts.
pub(super) const ANNOUNCEMENT_PLAY: u32 = u32::MAX;

/// How many different announcements are kept rendered; past it the cache starts over.
const RENDERED_KEPT: usize = 512;

/// A team's members, in ring order.
pub(super) fn members(team: &TeamRow) -> Vec<ManagerId> {
    team.members.iter().copied().map(ManagerId).collect()
}

/// A team's maximum wait (kept within its range whatever the database says).
pub(super) fn max_wait(queue: &QueueSettingsRow) -> Duration {
    let seconds = u32::try_from(queue.max_wait_seconds).unwrap_or(u32::MAX);
    Duration::from_secs(
        seconds
            .clamp(*QUEUE_WAIT_SECONDS.start(), *QUEUE_WAIT_SECONDS.end())
            .into(),
    )
}

/// How often a team's callers hear where they are; `None`: never.
fn announce_every(queue: &QueueSettingsRow) -> Option<Duration> {
    let seconds = u32::try_from(queue.announce_every_seconds).ok()?;
    ANNOUNCE_EVERY_SECONDS
        .contains(&seconds)
        .then(|| Duration::from_secs(seconds.into()))
}

fn language(queue: &QueueSettingsRow) -> Language {
    match queue.language.as_str() {
        "en" => Language::English,
        _ => Language::Korean,
    }
}

/// What a waiting caller is told: their position and, when there is one, the estimated wait
/// in whole minutes, rounded up.
pub fn announcement(language: Language, place: QueuePlace, wait: Option<Duration>) -> String {
    let minutes = wait.map(|w| w.as_secs().div_ceil(60));
    let p = place.position;
    match language {
        Language::Korean => {
            let mut text = format!("고객님의 대기 순번은 {p}번입니다.");
            match minutes {
                Some(0 | 1) => text.push_str(" 예상 대기 시간은 1분 이내입니다."),
                Some(m) => text.push_str(&format!(" 예상 대기 시간은 약 {m}분입니다.")),
                None => {}
            }
            text.push_str(" 잠시만 기다려 주세요.");
            text
        }
        Language::English => {
            let mut text = format!("You are number {p} in the queue.");
            match minutes {
                Some(0 | 1) => text.push_str(" Your estimated wait is less than a minute."),
                Some(m) => text.push_str(&format!(" Your estimated wait is about {m} minutes.")),
                None => {}
            }
            text.push_str(" Please stay on the line.");
            text
        }
    }
}

/// A waiting caller's announcements.
pub(super) struct Announcing {
    every: Duration,
    language: Language,
    next: Instant,
}

/// Announcements already spoken, by language and text.
#[derive(Default)]
pub(super) struct Rendered {
    /// Texts already spoken.
    spoken: HashMap<(Language, String), Prompt>,
    /// Texts being spoken now: one rendering each (a neural voice takes seconds).
    rendering: HashSet<(Language, String)>,
}

impl Dispatcher {
    /// A workflow's assign step: the call joins the team's queue (or the manager's own) and
    /// hears the queue music; the team's settings say how long it may wait and whether it
    /// hears where it is.
    /// `team` is the assigned team as loaded with the workflow (`None` when it is gone).
    pub(super) fn assign(&mut self, call: CallId, target: AssignTarget, team: Option<&TeamRow>) {
        let (queue, candidates, settings) = match target {
            AssignTarget::Team(t) => {
                let candidates = team.map(members).unwrap_or_default();
                (QueueId::Team(t), candidates, team.map(|t| t.queue.clone()))
            }
            AssignTarget::Manager(m) => {
                let m = ManagerId(m);
                (QueueId::Manager(m), vec![m], None)
            }
        };
        let max_wait = settings.as_ref().map_or(QUEUE_MAX_WAIT, max_wait);
        if let Some(c) = self.calls.get_mut(&call) {
            c.announcing = settings.as_ref().and_then(|s| {
                let every = announce_every(s)?;
                Some(Announcing {
                    every,
                    language: language(s),
                    next: Instant::now() + every,
                })
            });
        }
        let (team_id, manager_id) = match queue {
            QueueId::Team(t) => (Some(t), None),
            QueueId::Manager(m) => (None, Some(m.0)),
        };
        let at_ms = ringdesk_store::time::now_ms();
        let queue_name = match queue {
            QueueId::Team(_) => team.map(|t| t.name.clone()).unwrap_or_default(),
            QueueId::Manager(m) => self.manager_ref(m).name,
        };
        self.note_queued(call, queue_name, at_ms);
        self.record_event(ringdesk_store::CallEvent::Queued {
            call_id: call.0,
            team_id,
            manager_id,
            at_ms,
        });
        self.input(SwitchboardInput::Route {
            call,
            queue,
            candidates,
            max_wait,
        });
    }

    /// The next announcement due.
    pub(super) fn announcement_deadline(&self) -> Option<Instant> {
        self.calls
            .values()
            .filter_map(|c| c.announcing.as_ref().map(|a| a.next))
            .min()
    }

    /// Tells the callers whose announcement is due where they are.
    pub(super) fn announce_due(&mut self, now: Instant) {
        let due: Vec<(CallId, Language)> = self
            .calls
            .iter_mut()
            .filter_map(|(id, c)| {
                let a = c.announcing.as_mut().filter(|a| a.next <= now)?;
                a.next = now + a.every;
                // A caller waiting for a callback is not on the line to hear it.
                (!c.customer_gone).then_some((*id, a.language))
            })
            .collect();
        for (call, language) in due {
            let Some(place) = self.switchboard.queue_place(call) else {
                continue;
            };
            let wait = self.switchboard.estimated_wait(now, call);
            let text = announcement(language, place, wait);
            let key = (language, text.clone());
            if let Some(prompt) = self.rendered.spoken.get(&key) {
                self.play_announcement(call, prompt.clone());
                continue;
            }
            // Already being spoken for another caller: this one hears the next round.
            if !self.rendered.rendering.insert(key.clone()) {
                continue;
            }
            let engine = Arc::clone(&self.config.speech);
            let spoken = text.clone();
            let render = async move {
                tokio::task::spawn_blocking(move || engine.render(language, &spoken))
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|r| r.map_err(|e| e.to_string()))
            };
            self.hand_back(render, move |d, rendered| {
                d.rendered.rendering.remove(&key);
                match rendered {
                    Ok(prompt) => {
                        if d.rendered.spoken.len() >= RENDERED_KEPT {
                            d.rendered.spoken.clear();
                        }
                        d.rendered.spoken.insert(key, prompt.clone());
                        // The rendering took a while: say it only if it is still true.
                        if d.announcement_now(call) == Some(text) {
                            d.play_announcement(call, prompt);
                        }
                    }
                    Err(e) => {
                        tracing::warn!(%call, "a queue announcement could not be spoken: {e}")
                    }
                }
            });
        }
    }

    /// What a waiting caller's announcement would say now.
    fn announcement_now(&self, call: CallId) -> Option<String> {
        let language = self.calls.get(&call)?.announcing.as_ref()?.language;
        let place = self.switchboard.queue_place(call)?;
        let wait = self.switchboard.estimated_wait(Instant::now(), call);
        Some(announcement(language, place, wait))
    }

    /// Plays an announcement to a caller still waiting (one may have been answered while it
    /// was being spoken).
    fn play_announcement(&mut self, call: CallId, prompt: Prompt) {
        let waiting = self.switchboard.queue_place(call).is_some();
        if let Some(c) = self
            .calls
            .get(&call)
            .filter(|c| waiting && c.workflow.is_none())
        {
            c.room.send(RoomCommand::PlayPrompt {
                id: ANNOUNCEMENT_PLAY,
                prompt,
            });
        }
    }

    /// The call left its queue (a manager took it): no more announcements, and one playing
    /// stops so the caller hears the manager.
    pub(super) fn stop_announcing(&mut self, call: CallId) {
        if let Some(c) = self.calls.get_mut(&call)
            && c.announcing.take().is_some()
        {
            c.room.send(RoomCommand::StopPrompt);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_hears_their_position_and_an_estimate_only_when_there_is_one() {
        let place = |position| QueuePlace {
            queue: QueueId::Team(1),
            position,
            waiting: 5,
        };
        let minutes = |m: u64| Some(Duration::from_secs(m * 60 - 20));
        assert_eq!(
            announcement(Language::Korean, place(3), minutes(2)),
            "고객님의 대기 순번은 3번입니다. 예상 대기 시간은 약 2분입니다. 잠시만 기다려 주세요."
        );
        assert_eq!(
            announcement(Language::Korean, place(1), None),
            "고객님의 대기 순번은 1번입니다. 잠시만 기다려 주세요."
        );
        assert_eq!(
            announcement(Language::English, place(1), Some(Duration::from_secs(40))),
            "You are number 1 in the queue. Your estimated wait is less than a minute. \
             Please stay on the line."
        );
        assert_eq!(
            announcement(Language::English, place(4), minutes(6)),
            "You are number 4 in the queue. Your estimated wait is about 6 minutes. \
             Please stay on the line."
        );
    }
}
