//! Ready workflows to start from: the two recipes of the product's help pages, and the
//! smallest valid workflow for "new" (every call to the channel's first team).

use ringdesk_wire::{
    BranchArm, MenuButton, PromptSource, SpeechLanguage, WorkflowAction, WorkflowCondition,
    WorkflowDefinition, WorkflowRecipe, WorkflowStep, WorkflowTrigger,
};

/// Korean text for text-to-speech.
pub(super) fn korean(text: &str) -> PromptSource {
    PromptSource::Speech {
        language: SpeechLanguage::Korean,
        text: text.into(),
    }
}

/// A step.
pub(super) fn step(id: u32, name: &str, action: WorkflowAction) -> WorkflowStep {
    WorkflowStep {
        id,
        name: name.into(),
        action,
    }
}

/// Hands the call to a team.
pub(super) fn assign(team_id: i64) -> WorkflowAction {
    WorkflowAction::Assign {
        team_id: Some(team_id),
        manager_id: None,
    }
}

/// Step 1 of the IVR shapes: open → `open`, closed → step 3, the closed message.
pub(super) fn hours_check(open: u32) -> WorkflowStep {
    step(
        1,
        "운영시간 확인",
        WorkflowAction::Branch {
            arms: vec![BranchArm {
                when: vec![WorkflowCondition::OperatingHours],
                next: open,
            }],
            otherwise: Some(3),
        },
    )
}

/// Step 3 of the IVR shapes: said outside operating hours, then the call ends.
pub(super) fn closed_message() -> WorkflowStep {
    step(
        3,
        "미운영 안내",
        WorkflowAction::Message {
            prompt: korean("지금은 상담 시간이 아니에요. 운영 시간에 다시 전화해 주세요."),
            next: None,
        },
    )
}

/// Step 4 of the IVR shapes: a six-digit reservation number asked with `prompt`, then step 5.
pub(super) fn reservation_form(prompt: &str) -> WorkflowStep {
    step(
        4,
        "예약 번호 입력",
        WorkflowAction::InputForm {
            prompt: korean(prompt),
            label: "예약 번호".into(),
            digits: 6,
            next: Some(5),
        },
    )
}

/// A workflow of `steps` from step 1, for every call, with the usual 10 s to press a key.
pub(super) fn workflow(trigger: WorkflowTrigger, steps: Vec<WorkflowStep>) -> WorkflowDefinition {
    WorkflowDefinition {
        trigger,
        filters: Vec::new(),
        active: None,
        input_timeout_seconds: 10,
        first: 1,
        steps,
    }
}

/// The definition a new workflow starts with; `team_id` is the channel's first team.
pub fn definition(recipe: Option<WorkflowRecipe>, team_id: i64) -> WorkflowDefinition {
    match recipe {
        None => workflow(
            WorkflowTrigger::CustomerCalled,
            vec![step(1, "상담팀 배정", assign(team_id))],
        ),
        Some(WorkflowRecipe::Ivr) => ivr(team_id),
        Some(WorkflowRecipe::Callback) => callback(),
    }
}

/// "IVR 경험 설계하기": in operating hours a menu by inquiry type (a reservation number first,
/// or straight to the team), outside them a closed message.
fn ivr(team_id: i64) -> WorkflowDefinition {
    workflow(
        WorkflowTrigger::CustomerCalled,
        vec![
            hours_check(2),
            step(
                2,
                "문의 유형 선택",
                WorkflowAction::Menu {
                    prompt: korean(
                        "예약 확인은 1번, 상담원 연결은 2번을 눌러 주세요. \
                         다시 들으시려면 별표를 눌러 주세요.",
                    ),
                    buttons: vec![
                        MenuButton { key: 1, next: 4 },
                        MenuButton { key: 2, next: 5 },
                    ],
                },
            ),
            closed_message(),
            reservation_form("예약 번호 여섯 자리를 누르고 우물 정자를 눌러 주세요."),
            step(5, "상담팀 배정", assign(team_id)),
        ],
    )
}

/// "전화 상담량이 많을 때, 콜백 정보 받기": after a minute in the queue, offer a callback that
/// keeps the caller's place, or a voicemail; silence keeps them waiting.
fn callback() -> WorkflowDefinition {
    workflow(
        WorkflowTrigger::WaitingInQueue { after_seconds: 60 },
        vec![
            step(
                1,
                "대기 안내",
                WorkflowAction::Menu {
                    prompt: korean(
                        "상담원이 모두 통화 중이에요. 순서가 되면 전화를 받으시려면 1번, \
                         음성 메시지를 남기시려면 2번을 눌러 주세요. \
                         계속 기다리시려면 그대로 기다려 주세요.",
                    ),
                    buttons: vec![
                        MenuButton { key: 1, next: 2 },
                        MenuButton { key: 2, next: 4 },
                    ],
                },
            ),
            step(2, "콜백 접수", WorkflowAction::Callback { next: Some(3) }),
            step(
                3,
                "콜백 안내",
                WorkflowAction::Message {
                    prompt: korean("순서가 되면 이 번호로 전화 드릴게요. 감사합니다."),
                    next: None,
                },
            ),
            step(
                4,
                "음성 메시지",
                WorkflowAction::Voicemail {
                    prompt: korean("삐 소리가 나면 메시지를 남겨 주세요."),
                    max_seconds: 120,
                },
            ),
        ],
    )
}
