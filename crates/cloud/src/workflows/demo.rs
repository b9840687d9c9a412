//! The demo channel's IVR: published on first start in front of the demo's second number, so a
//! test call shows a workflow (the first number keeps ringing the team directly).

use std::sync::Arc;

use ringdesk_store::time::now_ms;
use ringdesk_store::{DEMO_IVR_NUMBER, DEMO_NUMBER, Store};
use ringdesk_wire::{
    MenuButton, WorkflowAction, WorkflowCondition, WorkflowDefinition, WorkflowTrigger,
};

use super::convert;
use super::recipes::{
    assign, closed_message, hours_check, korean, reservation_form, step, workflow,
};
use super::speech::render_speech;
use crate::speech::SpeechEngine;

/// The demo IVR: in operating hours a menu (1: a manager, 2: a reservation number first,
/// 3: a voicemail), outside them a closed message.
fn definition(team_id: i64) -> WorkflowDefinition {
    let steps = vec![
        hours_check(2),
        step(
            2,
            "문의 유형 선택",
            WorkflowAction::Menu {
                prompt: korean(
                    "링데스크 데모입니다. 상담원 연결은 1번, 예약 번호를 남기시려면 2번, \
                     음성 메시지는 3번을 눌러 주세요. 다시 들으시려면 별표를 눌러 주세요.",
                ),
                buttons: vec![
                    MenuButton { key: 1, next: 5 },
                    MenuButton { key: 2, next: 4 },
                    MenuButton { key: 3, next: 6 },
                ],
            },
        ),
        closed_message(),
        reservation_form("예약 번호 여섯 자리를 눌러 주세요."),
        step(5, "고객지원팀 배정", assign(team_id)),
        step(
            6,
            "음성 메시지",
            WorkflowAction::Voicemail {
                prompt: korean("삐 소리가 나면 메시지를 남겨 주세요."),
                max_seconds: 120,
            },
        ),
    ];
    WorkflowDefinition {
        // Only for calls to its own number: the demo's first number rings the team directly.
        filters: vec![WorkflowCondition::NumberIs {
            number: DEMO_IVR_NUMBER.into(),
        }],
        ..workflow(WorkflowTrigger::CustomerCalled, steps)
    }
}

/// Creates and publishes the demo IVR (the demo data was just created). Without a speech engine
/// it stays a draft, with a warning: everything else of the demo works without it.
pub async fn seed(store: &Store, speech: &Arc<dyn SpeechEngine>) -> anyhow::Result<()> {
    let Some(route) = store.number_route(DEMO_NUMBER).await? else {
        return Ok(());
    };
    let (Some(team), Some(&owner)) = (route.team_id, route.members.first()) else {
        return Ok(());
    };
    let draft = definition(team);
    let json = serde_json::to_string(&draft)?;
    let id = store
        .create_workflow(route.channel_id, "IVR 데모", &json, now_ms())
        .await?;
    let workflow = convert::workflow(&draft)?;
    if let Err(e) = render_speech(store, speech, &workflow).await {
        tracing::warn!("the demo IVR stays a draft: {e}");
        return Ok(());
    }
    store
        .publish_workflow(route.channel_id, id, &json, owner, now_ms())
        .await?;
    tracing::info!("published the demo IVR in front of {DEMO_IVR_NUMBER}");
    Ok(())
}
