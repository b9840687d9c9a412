//! A demo channel's past few days (`--demo-activity`, which `cargo xtask run` turns on): a few
//! calls with their conversations — written up with notes, tags and the wrap-up form, a
//! missed call waiting in the missed list, one already called back — the
//! wrap-up form's classifications, a callback booked for tomorrow, and a week of traffic for
//! the statistics (`demo_traffic`), so every view of the workspace has something to show
//! before the first test call. Written through the store's
//! API, like live calls; the tests' cloud starts without it.

use ringdesk_store::callbacks::NewCallbackRow;
use ringdesk_store::conversations::WrapUpRow;
use ringdesk_store::{CallEvent, DEMO_MANAGERS, DEMO_NUMBER, ManagerPart, NewCall, Store};

const MINUTE: i64 = 60_000;
const DAY: i64 = 24 * 60 * MINUTE;

/// One demo call: who, when (before now), who answered, how long it talked.
struct DemoCall {
    caller: &'static str,
    ago: i64,
    answered_by: Option<usize>,
    talk_s: i64,
}

/// Seeds the demo channel's activity (once: on the first start, with the demo data).
pub async fn seed(store: &Store, now_ms: i64) -> ringdesk_store::Result<()> {
    let Some(route) = store.number_route(DEMO_NUMBER).await? else {
        return Ok(());
    };
    let channel = route.channel_id;
    let mut managers = Vec::new();
    for m in DEMO_MANAGERS {
        managers.push(store.verify_login(m.email, m.password).await?.id);
    }
    // A week of traffic first: the statistics and the wallboard's day have figures.
    crate::demo_traffic::seed(store, channel, route.team_id, &managers, now_ms).await?;
    let mut classifications = Vec::new();
    for name in ["배송 문의", "환불 · 교환", "결제", "계정"] {
        if let Some(id) = store.add_classification(channel, name).await? {
            classifications.push(id);
        }
    }
    let calls = [
        DemoCall {
            caller: "+821098765432",
            ago: 2 * DAY + 3 * 60 * MINUTE,
            answered_by: Some(0),
            talk_s: 184,
        },
        DemoCall {
            caller: "+821055501234",
            ago: DAY + 5 * 60 * MINUTE,
            answered_by: None,
            talk_s: 0,
        },
        DemoCall {
            caller: "+821055501234",
            ago: DAY + 4 * 60 * MINUTE,
            answered_by: Some(1),
            talk_s: 95,
        },
        DemoCall {
            caller: "+14155550123",
            ago: 5 * 60 * MINUTE,
            answered_by: Some(0),
            talk_s: 312,
        },
        DemoCall {
            caller: "+821077004411",
            ago: 40 * MINUTE,
            answered_by: None,
            talk_s: 0,
        },
    ];
    let ids = store.reserve_call_ids(calls.len() as u32).await?;
    for (id, call) in ids.clone().zip(&calls) {
        let at = now_ms - call.ago;
        let contact = store.contact_or_new_lead(channel, call.caller, at).await?;
        store
            .record(&CallEvent::Started(NewCall {
                id,
                channel_id: channel,
                direction: "inbound",
                number: DEMO_NUMBER.into(),
                caller_number: call.caller.into(),
                caller_name: contact.name.clone(),
                contact_id: Some(contact.id),
                team_id: route.team_id,
                started_at_ms: at,
            }))
            .await?;
        for &m in &managers {
            let rang = ManagerPart::Rang {
                purpose: "route",
                by: None,
            };
            store.record(&manager(id, m, rang, at + 2_000)).await?;
        }
        let ended = match call.answered_by {
            Some(who) => {
                let answered = ManagerPart::Answered { purpose: "route" };
                store
                    .record(&manager(id, managers[who], answered, at + 8_000))
                    .await?;
                store
                    .assign_call_conversation(id, managers[who], at + 8_000)
                    .await?;
                CallEvent::Ended {
                    call_id: id,
                    at_ms: at + 8_000 + call.talk_s * 1_000,
                    cause: "customerHangup",
                    missed_reason: None,
                }
            }
            None => CallEvent::Ended {
                call_id: id,
                at_ms: at + 32_000,
                cause: "customerHangup",
                missed_reason: Some("ringTimeOver"),
            },
        };
        store.record(&ended).await?;
    }
    let id = |i: u64| ids.start + i as i64;
    // A few minutes after an answered call's end: its wrap-up as a manager would do it.
    let wrapped_up =
        |i: usize| now_ms - calls[i].ago + 8_000 + calls[i].talk_s * 1_000 + 3 * MINUTE;
    let (minji, junho) = (managers[0], managers[1]);
    // Written up and closed.
    let at = wrapped_up(0);
    store
        .add_note(
            channel,
            id(0),
            minji,
            "배송지 변경 요청. 내일 출고분부터 새 주소로 보내기로 함",
            at,
        )
        .await?
        .ok();
    store
        .set_conversation_tags(channel, id(0), &["배송".into(), "주소 변경".into()], at)
        .await?
        .ok();
    let wrap_up = WrapUpRow {
        classification_id: classifications.first().copied(),
        sentiment: Some("positive".into()),
        grade: Some("regular".into()),
        processing: Some("resolved".into()),
    };
    store.set_wrap_up(channel, id(0), &wrap_up, at).await?.ok();
    store
        .set_conversation_state(channel, id(0), "closed", None, at)
        .await?
        .ok();
    // The missed call that Junho's answered call reached later: closed from the missed list.
    store
        .close_conversations(channel, &[id(1)], now_ms - DAY)
        .await?;
    store
        .set_conversation_state(channel, id(2), "closed", None, wrapped_up(2))
        .await?
        .ok();
    // Minji's English-speaking customer, a refund under way (closed: an open one would keep
    // her in wrap-up, and the first test call would not ring her).
    store
        .add_note(
            channel,
            id(3),
            minji,
            "Refund for order #4572 requested; finance to confirm by Friday",
            wrapped_up(3),
        )
        .await?
        .ok();
    store
        .set_conversation_tags(
            channel,
            id(3),
            &["환불".into(), "English".into()],
            wrapped_up(3),
        )
        .await?
        .ok();
    store
        .set_conversation_state(channel, id(3), "closed", None, wrapped_up(3))
        .await?
        .ok();
    // A callback for tomorrow morning for the customer who is still waiting for one.
    let tomorrow_ten = (now_ms / DAY + 1) * DAY + 60 * MINUTE; // 10:00 in Seoul (UTC+9)
    store
        .book_callback(
            channel,
            &NewCallbackRow {
                customer_number: "+821077004411".into(),
                conversation_id: Some(id(4)),
                assignee_id: minji,
                caller_id: DEMO_NUMBER.into(),
                due_at_ms: tomorrow_ten,
                note: "부재중 전화 회신 — 주문 취소 문의로 추정".into(),
                booked_by: junho,
            },
            now_ms - 30 * MINUTE,
        )
        .await?;
    Ok(())
}

fn manager(call_id: i64, manager_id: i64, part: ManagerPart<'static>, at_ms: i64) -> CallEvent {
    CallEvent::Manager {
        call_id,
        manager_id,
        part,
        at_ms,
    }
}
