//! A workflow's JSON (the wire's shape) read into the core's model, and the core's problems
//! written back for the editor. What JSON can say but the model cannot hold — a time zone, a
//! time of day or a date that is not one — is a [`ReadError`] naming the field; everything
//! else the model holds, and validation judges.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::NaiveDate;
use ringdesk_core::workflow::{self as core, Problem};
use ringdesk_wire::{
    OperatingHours, ProblemCode, PromptSource, SpeechLanguage, Weekday, WorkflowAction,
    WorkflowCondition, WorkflowDefinition, WorkflowProblem, WorkflowTrigger,
};

/// Why a definition or operating hours cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ReadError(pub String);

/// Minutes after midnight of `"HH:MM"` (`"24:00"` allowed as an end).
fn minutes(field: &str, text: &str) -> Result<u16, ReadError> {
    let bad = || ReadError(format!("{field} {text:?} is not a time of day (HH:MM)"));
    let (h, m) = text.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

fn weekday(d: Weekday) -> chrono::Weekday {
    match d {
        Weekday::Mon => chrono::Weekday::Mon,
        Weekday::Tue => chrono::Weekday::Tue,
        Weekday::Wed => chrono::Weekday::Wed,
        Weekday::Thu => chrono::Weekday::Thu,
        Weekday::Fri => chrono::Weekday::Fri,
        Weekday::Sat => chrono::Weekday::Sat,
        Weekday::Sun => chrono::Weekday::Sun,
    }
}

/// Reads operating hours.
pub fn schedule(hours: &OperatingHours) -> Result<core::Schedule, ReadError> {
    let zone: chrono_tz::Tz = hours.time_zone.parse().map_err(|_| {
        ReadError(format!(
            "time zone {:?} is not one (use an IANA name such as Asia/Seoul)",
            hours.time_zone
        ))
    })?;
    let periods = hours
        .periods
        .iter()
        .map(|p| {
            Ok(core::OpenPeriod {
                day: weekday(p.day),
                start: minutes("start", &p.start)?,
                end: minutes("end", &p.end)?,
            })
        })
        .collect::<Result<_, ReadError>>()?;
    let holidays = hours
        .holidays
        .iter()
        .map(|d| {
            NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .map_err(|_| ReadError(format!("holiday {d:?} is not a date (YYYY-MM-DD)")))
        })
        .collect::<Result<_, ReadError>>()?;
    Ok(core::Schedule {
        zone,
        periods,
        holidays,
    })
}

fn prompt(p: &PromptSource) -> core::Prompt {
    match p {
        PromptSource::Recording { prompt_id } => core::Prompt::Recording(*prompt_id),
        PromptSource::Speech { language, text } => core::Prompt::Speech {
            language: self::language(*language),
            text: text.clone(),
        },
    }
}

/// A prompt's language in the core's terms.
pub fn language(l: SpeechLanguage) -> core::Language {
    match l {
        SpeechLanguage::Korean => core::Language::Korean,
        SpeechLanguage::English => core::Language::English,
    }
}

/// A prompt's language in the wire's terms.
pub fn wire_language(l: core::Language) -> SpeechLanguage {
    match l {
        core::Language::Korean => SpeechLanguage::Korean,
        core::Language::English => SpeechLanguage::English,
    }
}

fn condition(c: &WorkflowCondition) -> core::Condition {
    match c {
        WorkflowCondition::OperatingHours => core::Condition::OperatingHours,
        WorkflowCondition::KnownContact { known } => core::Condition::KnownContact(*known),
        WorkflowCondition::FieldEquals { key, value } => core::Condition::FieldEquals {
            key: key.clone(),
            value: value.clone(),
        },
        WorkflowCondition::CallerPrefix { prefix } => core::Condition::CallerPrefix(prefix.clone()),
        WorkflowCondition::NumberIs { number } => core::Condition::NumberIs(number.clone()),
        WorkflowCondition::Not { condition: inner } => {
            core::Condition::Not(Box::new(condition(inner)))
        }
    }
}

fn step_ids(next: Option<u32>) -> Option<core::StepId> {
    next.map(core::StepId)
}

fn action(a: &WorkflowAction) -> Result<core::Action, ReadError> {
    Ok(match a {
        WorkflowAction::Branch { arms, otherwise } => core::Action::Branch {
            arms: arms
                .iter()
                .map(|arm| core::BranchArm {
                    when: arm.when.iter().map(condition).collect(),
                    next: core::StepId(arm.next),
                })
                .collect(),
            otherwise: step_ids(*otherwise),
        },
        WorkflowAction::Menu { prompt: p, buttons } => {
            let mut keys = BTreeMap::new();
            for b in buttons {
                if keys.insert(b.key, core::StepId(b.next)).is_some() {
                    return Err(ReadError(format!("key {} has two buttons", b.key)));
                }
            }
            core::Action::Menu {
                prompt: prompt(p),
                buttons: keys,
            }
        }
        WorkflowAction::Message { prompt: p, next } => core::Action::Message {
            prompt: prompt(p),
            next: step_ids(*next),
        },
        WorkflowAction::EndCall => core::Action::EndCall,
        WorkflowAction::Voicemail {
            prompt: p,
            max_seconds,
        } => core::Action::Voicemail {
            prompt: prompt(p),
            max: Duration::from_secs(u64::from(*max_seconds)),
        },
        WorkflowAction::InputForm {
            prompt: p,
            label,
            digits,
            next,
        } => core::Action::InputForm {
            prompt: prompt(p),
            label: label.clone(),
            digits: *digits,
            next: step_ids(*next),
        },
        WorkflowAction::Assign {
            team_id,
            manager_id,
        } => core::Action::Assign(match (team_id, manager_id) {
            (Some(t), None) => core::AssignTarget::Team(*t),
            (None, Some(m)) => core::AssignTarget::Manager(*m),
            _ => {
                return Err(ReadError(
                    "an assign step names exactly one of teamId and managerId".into(),
                ));
            }
        }),
        WorkflowAction::SendSms { text, next } => core::Action::SendSms {
            text: text.clone(),
            next: step_ids(*next),
        },
        WorkflowAction::Tag { tag, next } => core::Action::Tag {
            tag: tag.clone(),
            next: step_ids(*next),
        },
        WorkflowAction::Callback { next } => core::Action::Callback {
            next: step_ids(*next),
        },
    })
}

/// Reads a definition into the core's model.
pub fn workflow(d: &WorkflowDefinition) -> Result<core::Workflow, ReadError> {
    let mut steps = BTreeMap::new();
    for s in &d.steps {
        let step = core::Step {
            name: s.name.clone(),
            action: action(&s.action).map_err(|e| ReadError(format!("step #{}: {e}", s.id)))?,
        };
        if steps.insert(core::StepId(s.id), step).is_some() {
            return Err(ReadError(format!("two steps have the id {}", s.id)));
        }
    }
    Ok(core::Workflow {
        trigger: match d.trigger {
            WorkflowTrigger::CustomerCalled => core::Trigger::CustomerCalled,
            WorkflowTrigger::WaitingInQueue { after_seconds } => core::Trigger::WaitingInQueue {
                after: Duration::from_secs(u64::from(after_seconds)),
            },
        },
        filters: d.filters.iter().map(condition).collect(),
        active: d
            .active
            .as_ref()
            .map(schedule)
            .transpose()
            .map_err(|e| ReadError(format!("the workflow's schedule: {e}")))?,
        input_timeout: Duration::from_secs(u64::from(d.input_timeout_seconds)),
        first: core::StepId(d.first),
        steps,
    })
}

/// A problem as the editor shows it.
pub fn problem(p: &Problem) -> WorkflowProblem {
    let (code, step) = match p {
        Problem::NoSteps => (ProblemCode::NoSteps, None),
        Problem::NoFirstStep(s) => (ProblemCode::NoFirstStep, Some(*s)),
        Problem::UnnamedStep(s) => (ProblemCode::UnnamedStep, Some(*s)),
        Problem::DuplicateName(_) => (ProblemCode::DuplicateName, None),
        Problem::MissingTarget { step, .. } => (ProblemCode::MissingTarget, Some(*step)),
        Problem::Unreachable(s) => (ProblemCode::Unreachable, Some(*s)),
        Problem::LoopWithoutInput(steps) => (ProblemCode::LoopWithoutInput, steps.first().copied()),
        Problem::MenuWithoutButtons(s) => (ProblemCode::MenuWithoutButtons, Some(*s)),
        Problem::BadButton { step, .. } => (ProblemCode::BadButton, Some(*step)),
        Problem::MissingPrompt(s) => (ProblemCode::MissingPrompt, Some(*s)),
        Problem::SpeechTooLong(s) => (ProblemCode::SpeechTooLong, Some(*s)),
        Problem::BadDigitCount(s) => (ProblemCode::BadDigitCount, Some(*s)),
        Problem::UnlabelledForm(s) => (ProblemCode::UnlabelledForm, Some(*s)),
        Problem::BadVoicemailLength(s) => (ProblemCode::BadVoicemailLength, Some(*s)),
        Problem::UnknownAssignee { step, .. } => (ProblemCode::UnknownAssignee, Some(*step)),
        Problem::EmptyText(s) => (ProblemCode::EmptyText, Some(*s)),
        Problem::EmptyBranch(s) => (ProblemCode::EmptyBranch, Some(*s)),
        Problem::CallbackOutsideQueue(s) => (ProblemCode::CallbackOutsideQueue, Some(*s)),
        Problem::BadInputTimeout => (ProblemCode::BadInputTimeout, None),
        Problem::BadQueueWait => (ProblemCode::BadQueueWait, None),
        Problem::BadSchedule(_) => (ProblemCode::BadSchedule, None),
        Problem::EmptyCondition(s) => (ProblemCode::EmptyCondition, *s),
    };
    WorkflowProblem {
        code,
        step_id: step.map(|s| s.0),
        message: p.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ringdesk_wire::OpenPeriod;

    fn hours(zone: &str, start: &str, end: &str, holiday: &str) -> OperatingHours {
        OperatingHours {
            time_zone: zone.into(),
            periods: vec![OpenPeriod {
                day: Weekday::Mon,
                start: start.into(),
                end: end.into(),
            }],
            holidays: vec![holiday.into()],
        }
    }

    #[test]
    fn hours_read_or_say_which_field_is_wrong() {
        let s = schedule(&hours("Asia/Seoul", "09:30", "24:00", "2026-12-25")).unwrap();
        assert_eq!((s.periods[0].start, s.periods[0].end), (570, 1440));
        let err = |h| schedule(&h).unwrap_err().to_string();
        assert_eq!(
            err(hours("Mars/Olympus", "09:00", "18:00", "2026-12-25")),
            "time zone \"Mars/Olympus\" is not one (use an IANA name such as Asia/Seoul)"
        );
        assert_eq!(
            err(hours("Asia/Seoul", "9:00", "18:00", "2026-12-25")),
            "start \"9:00\" is not a time of day (HH:MM)"
        );
        assert_eq!(
            err(hours("Asia/Seoul", "09:00", "24:30", "2026-12-25")),
            "end \"24:30\" is not a time of day (HH:MM)"
        );
        assert_eq!(
            err(hours("Asia/Seoul", "09:00", "18:00", "2026-13-01")),
            "holiday \"2026-13-01\" is not a date (YYYY-MM-DD)"
        );
    }
}
