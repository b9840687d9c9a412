use super::*;
use crate::auth::SESSION_LIFETIME_MS;
use crate::scratch::ScratchDatabase;

mod statistics;
use statistics::*;

/// Every scenario below runs once per backend, each on a fresh, empty database.
macro_rules! on_both_backends {
    ($($scenario:ident),* $(,)?) => {
        $(mod $scenario {
            #[tokio::test]
            async fn sqlite() {
                super::$scenario(super::ScratchDatabase::new(super::Backend::Sqlite).await).await
            }
            #[tokio::test]
            async fn postgres() {
                super::$scenario(super::ScratchDatabase::new(super::Backend::Postgres).await).await
            }
        })*
    };
}

on_both_backends!(
    every_figure_is_a_sum_of_what_the_days_calls_did,
    generated_traffic_adds_up_to_what_was_generated,
    time_in_each_status_is_cut_to_the_period,
    access_keys_are_checked_and_revoked_per_channel,
    contacts_are_searched_and_leads_made_once,
    a_contact_is_edited_whole_and_a_number_names_one_contact,
    callbacks_are_listed_per_assignee_open_ones_first,
    a_managers_history_is_what_each_call_was_for_them,
    first_start_migrates_seeds_and_reopens,
    login_sessions_and_wrong_credentials,
    call_records_are_written_as_the_call_goes_and_scoped_to_the_channel,
    a_page_of_calls_carries_each_calls_parts,
    orphaned_calls_are_closed_after_a_crash,
    the_rate_table_is_replaced_whole_or_not_at_all,
    a_placed_call_is_answered_by_the_called_party_not_the_dialler,
    times_are_64_bit,
    call_ids_come_in_blocks_that_never_overlap,
    a_calls_events_are_recorded_in_order,
    workflows_publish_immutable_versions_per_channel,
    what_a_workflow_leaves_is_kept_on_the_call_and_counted_per_step,
    queue_settings_and_assignment_settings_decide_who_waits_and_who_rings,
    a_callback_and_text_messages_are_kept_on_their_call,
    recordings_are_kept_per_channel_with_their_pauses_until_they_expire,
    every_call_is_a_conversation_with_notes_tags_state_and_wrap_up,
);

async fn first_start_migrates_seeds_and_reopens(db: ScratchDatabase) {
    let store = db.open().await;
    let wal = (store.backend() == Backend::Sqlite).then(|| "wal".to_string());
    assert_eq!(store.journal_mode().await.unwrap(), wal);
    assert!(store.seed_demo_if_empty(1).await.unwrap());
    assert!(
        !store.seed_demo_if_empty(2).await.unwrap(),
        "seeding happens once"
    );
    let route = store.number_route(DEMO_NUMBER).await.unwrap().unwrap();
    assert_eq!(route.team_name, "고객지원팀");
    assert_eq!(route.members.len(), 2);
    let added = store
        .add_team_manager(route.channel_id, "박하늘", "haneul@demo.test", "pw")
        .await
        .unwrap();
    let route = store.number_route(DEMO_NUMBER).await.unwrap().unwrap();
    assert_eq!(route.members.last(), Some(&added), "new members ring last");
    let teams = store.teams(route.channel_id, None).await.unwrap();
    assert_eq!(teams.len(), 1);
    assert_eq!(
        (teams[0].id, teams[0].name.as_str(), &teams[0].members),
        (route.team_id.unwrap(), "고객지원팀", &route.members)
    );
    assert_eq!(
        store
            .teams(route.channel_id, Some(teams[0].id + 1))
            .await
            .unwrap(),
        vec![],
        "an unknown team id finds nothing"
    );
    let names: Vec<String> = store
        .channel_managers(route.channel_id)
        .await
        .unwrap()
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    assert_eq!(names, ["김민지", "이준호", "박하늘"]);
    let contact = store
        .contact_by_phone(route.channel_id, "+821012345678")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(contact.name.as_deref(), Some("박서연"));
    assert_eq!(
        contact
            .fields
            .iter()
            .map(|(k, _)| k.as_str())
            .collect::<Vec<_>>(),
        ["고객 등급", "최근 주문", "메모"],
        "the first 3 of her 4 profile fields, in order"
    );
    assert!(store.number_route("+820000").await.unwrap().is_none());
    drop(store);
    // Reopening an existing database keeps its data.
    let again = db.open().await;
    assert!(again.number_route(DEMO_NUMBER).await.unwrap().is_some());
}

async fn contacts_are_searched_and_leads_made_once(db: ScratchDatabase) {
    let store = db.open().await;
    store.seed_demo_if_empty(1_000).await.unwrap();
    let channel = store
        .number_route(DEMO_NUMBER)
        .await
        .unwrap()
        .unwrap()
        .channel_id;
    let names = |found: Vec<Contact>| -> Vec<String> {
        found
            .into_iter()
            .map(|c| c.name.unwrap_or(c.phone))
            .collect()
    };
    let search =
        |name: &'static str, digits: &'static str| store.search_contacts(channel, name, digits, 20);
    assert_eq!(names(search("서연", "").await.unwrap()), ["박서연"]);
    assert_eq!(names(search("EMILY", "").await.unwrap()), ["Emily Carter"]);
    assert_eq!(names(search("x", "109876").await.unwrap()), ["최도윤"]);
    assert_eq!(names(search("%", "").await.unwrap()), Vec::<String>::new());
    let lead = store
        .contact_or_new_lead(channel, "+821077778888", 2_000)
        .await
        .unwrap();
    assert!(lead.is_lead && lead.name.is_none());
    let again = store
        .contact_or_new_lead(channel, "+821077778888", 3_000)
        .await
        .unwrap();
    assert_eq!(again, lead, "one lead per number");
    let known = store
        .contact_or_new_lead(channel, "+821012345678", 3_000)
        .await
        .unwrap();
    assert!(!known.is_lead, "a known contact is found, not made a lead");
    // A lead is found by its digits, after the named contacts.
    assert_eq!(
        names(search("", "1077778").await.unwrap()),
        ["+821077778888"]
    );
}

async fn login_sessions_and_wrong_credentials(db: ScratchDatabase) {
    let store = db.open().await;
    store.seed_demo_if_empty(1).await.unwrap();
    let demo = DEMO_MANAGERS[0];
    let m = store.verify_login(demo.email, demo.password).await.unwrap();
    assert_eq!(m.name, demo.name);
    assert!(matches!(
        store.verify_login(demo.email, "nope").await,
        Err(StoreError::InvalidCredentials)
    ));
    assert!(matches!(
        store.verify_login("nobody@x", demo.password).await,
        Err(StoreError::InvalidCredentials)
    ));
    let token = store.create_session(m.id, 1000).await.unwrap();
    assert_eq!(
        store
            .manager_for_token(&token, 2000)
            .await
            .unwrap()
            .map(|m| m.id),
        Some(m.id)
    );
    assert_eq!(store.manager_for_token("forged", 2000).await.unwrap(), None);
    assert_eq!(
        store
            .manager_for_token(&token, 1000 + SESSION_LIFETIME_MS)
            .await
            .unwrap(),
        None,
        "expired"
    );
    store.delete_session(&token).await.unwrap();
    assert_eq!(
        store.manager_for_token(&token, 2000).await.unwrap(),
        None,
        "logged out"
    );
}

async fn call_records_are_written_as_the_call_goes_and_scoped_to_the_channel(db: ScratchDatabase) {
    let store = db.open().await;
    store.seed_demo_if_empty(1).await.unwrap();
    let route = store.number_route(DEMO_NUMBER).await.unwrap().unwrap();
    let other = store
        .create_channel("Other", "owner@other.test", "pw", "+8225550000", 1)
        .await
        .unwrap();
    let call = insert(
        &store,
        NewCall {
            id: 0,
            channel_id: route.channel_id,
            direction: "inbound",
            number: DEMO_NUMBER.into(),
            caller_number: "+821012345678".into(),
            caller_name: Some("박서연".into()),
            contact_id: None,
            team_id: route.team_id,
            started_at_ms: 10_000,
        },
    )
    .await;
    let (first, second) = (route.members[0], route.members[1]);
    let parts = [
        (
            first,
            ManagerPart::Rang {
                purpose: "route",
                by: None,
            },
            10_100,
        ),
        (first, ManagerPart::Answered { purpose: "route" }, 13_000),
        (
            second,
            ManagerPart::Rang {
                purpose: "warmTransfer",
                by: Some(first),
            },
            20_000,
        ),
        (
            second,
            ManagerPart::Answered {
                purpose: "warmTransfer",
            },
            22_000,
        ),
        (
            first,
            ManagerPart::Left {
                cause: "transferred",
            },
            30_000,
        ),
        (
            second,
            ManagerPart::Left {
                cause: "customerHangup",
            },
            75_500,
        ),
    ];
    for (manager, part, at) in parts {
        store.record_manager(call, manager, part, at).await.unwrap();
    }
    store
        .end_call(call, 75_500, "customerHangup", None)
        .await
        .unwrap();
    let row = store
        .get_call(route.channel_id, call)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.duration_s, 62);
    assert_eq!(row.answered_at_ms, Some(13_000));
    assert_eq!(
        row.managers
            .iter()
            .map(|m| m.role.as_str())
            .collect::<Vec<_>>(),
        ["rang", "answered", "rang", "answered", "left", "left"]
    );
    assert_eq!(
        row.managers[2],
        CallManagerRow {
            id: second,
            name: "이준호".into(),
            role: "rang".into(),
            purpose: Some("warmTransfer".into()),
            by_manager_id: Some(first),
            cause: None,
        }
    );
    assert_eq!(row.managers[4].cause.as_deref(), Some("transferred"));
    assert_eq!(
        row.answered_at_ms,
        Some(13_000),
        "the second answer keeps the first answer time"
    );
    assert_eq!(
        store.get_call(other, call).await.unwrap(),
        None,
        "another channel cannot see it"
    );
    let (page, total) = store
        .list_calls(route.channel_id, None, 1, 10)
        .await
        .unwrap();
    assert_eq!((page.len(), total), (1, 1));
    assert_eq!(store.list_calls(other, None, 1, 10).await.unwrap().1, 0);
    let by_caller = |n: &'static str| store.list_calls(route.channel_id, Some(n), 1, 10);
    assert_eq!(by_caller("+821012345678").await.unwrap().1, 1);
    assert_eq!(
        by_caller("+821098765432").await.unwrap(),
        (vec![], 0),
        "another caller's history is empty"
    );
    // Ending twice keeps the first end.
    store
        .end_call(call, 99_000, "managerHangup", None)
        .await
        .unwrap();
    assert_eq!(
        store
            .get_call(route.channel_id, call)
            .await
            .unwrap()
            .unwrap()
            .hangup_cause
            .as_deref(),
        Some("customerHangup")
    );
}

async fn orphaned_calls_are_closed_after_a_crash(db: ScratchDatabase) {
    let store = db.open().await;
    store.seed_demo_if_empty(1).await.unwrap();
    let route = store.number_route(DEMO_NUMBER).await.unwrap().unwrap();
    let call = insert(
        &store,
        NewCall {
            id: 0,
            channel_id: route.channel_id,
            direction: "inbound",
            number: DEMO_NUMBER.into(),
            caller_number: "+8210".into(),
            caller_name: None,
            contact_id: None,
            team_id: None,
            started_at_ms: 0,
        },
    )
    .await;
    assert_eq!(store.close_orphaned_calls(5_000).await.unwrap(), 1);
    let row = store
        .get_call(route.channel_id, call)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.hangup_cause.as_deref(), Some("serviceRestart"));
}

async fn the_rate_table_is_replaced_whole_or_not_at_all(db: ScratchDatabase) {
    let store = db.open().await;
    assert!(store.international_rates().await.unwrap().is_empty());
    let row = |code: &str, price_cu, country: &str| RateRow {
        code: code.into(),
        price_cu,
        country: country.into(),
    };
    let table = vec![row("81", 200, "Japan"), row("1", 72, "USA/Canada")];
    store.replace_international_rates(&table).await.unwrap();
    let read = store.international_rates().await.unwrap();
    assert_eq!(
        read,
        vec![row("1", 72, "USA/Canada"), row("81", 200, "Japan")]
    );
    let bad = vec![row("64", 72, "New Zealand"), row("8a", 1, "Nowhere")];
    assert!(store.replace_international_rates(&bad).await.is_err());
    assert_eq!(
        store.international_rates().await.unwrap(),
        read,
        "a bad row leaves the old table"
    );
}

async fn a_placed_call_is_answered_by_the_called_party_not_the_dialler(db: ScratchDatabase) {
    let store = db.open().await;
    store.seed_demo_if_empty(1).await.unwrap();
    let route = store.number_route(DEMO_NUMBER).await.unwrap().unwrap();
    let numbers = store.channel_numbers(route.channel_id).await.unwrap();
    assert_eq!(
        numbers,
        vec![
            (DEMO_NUMBER.to_string(), "대표번호".to_string()),
            (DEMO_IVR_NUMBER.to_string(), "IVR 데모".to_string())
        ]
    );
    let call = insert(
        &store,
        NewCall {
            id: 0,
            channel_id: route.channel_id,
            direction: "outbound",
            number: DEMO_NUMBER.into(),
            caller_number: "+821012345678".into(),
            caller_name: None,
            contact_id: None,
            team_id: None,
            started_at_ms: 1_000,
        },
    )
    .await;
    let dialler = route.members[0];
    let dial = ManagerPart::Answered { purpose: "dial" };
    store
        .record_manager(call, dialler, dial, 1_000)
        .await
        .unwrap();
    let row = store
        .get_call(route.channel_id, call)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.answered_at_ms, None, "dialling is not an answer");
    store.outbound_answered(call, 5_000).await.unwrap();
    let row = store
        .get_call(route.channel_id, call)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.answered_at_ms, Some(5_000));
}

/// Records `call` under a newly reserved id; returns the id.
async fn insert(store: &Store, mut call: NewCall) -> i64 {
    call.id = store.reserve_call_ids(1).await.unwrap().start;
    store.insert_call(&call).await.unwrap();
    call.id
}

fn new_call(channel_id: i64, caller: &str, started_at_ms: i64) -> NewCall {
    NewCall {
        id: 0,
        channel_id,
        direction: "inbound",
        number: DEMO_NUMBER.into(),
        caller_number: caller.into(),
        caller_name: None,
        contact_id: None,
        team_id: None,
        started_at_ms,
    }
}

async fn a_page_of_calls_carries_each_calls_parts(db: ScratchDatabase) {
    let store = db.open().await;
    store.seed_demo_if_empty(1).await.unwrap();
    let route = store.number_route(DEMO_NUMBER).await.unwrap().unwrap();
    let (first, second) = (route.members[0], route.members[1]);
    let mut ids = Vec::new();
    for i in 0..5_i64 {
        let call = insert(
            &store,
            new_call(route.channel_id, "+821012345678", 1_000 * i),
        )
        .await;
        // Call i has i rings (alternating managers) and, when odd, a parallel party.
        for ring in 0..i {
            let who = if ring % 2 == 0 { first } else { second };
            let part = ManagerPart::Rang {
                purpose: "route",
                by: None,
            };
            store.record_manager(call, who, part, ring).await.unwrap();
        }
        if i % 2 == 1 {
            let party = format!("+8210555000{i}");
            store.party_dialled(call, &party, first, 5).await.unwrap();
        }
        ids.push(call);
    }
    let (page, total) = store
        .list_calls(route.channel_id, None, 1, 3)
        .await
        .unwrap();
    assert_eq!(total, 5);
    let summary: Vec<(i64, usize, Vec<String>)> = page
        .iter()
        .map(|c| {
            let parties = c.parties.iter().map(|p| p.number.clone()).collect();
            (c.id, c.managers.len(), parties)
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (ids[4], 4, vec![]),
            (ids[3], 3, vec!["+82105550003".to_string()]),
            (ids[2], 2, vec![]),
        ],
        "newest first, each with its own parts"
    );
    assert_eq!(
        page[0].managers.iter().map(|m| m.id).collect::<Vec<_>>(),
        [first, second, first, second],
        "parts in the order recorded"
    );
    let (second_page, _) = store
        .list_calls(route.channel_id, None, 2, 3)
        .await
        .unwrap();
    let summary: Vec<(i64, usize, usize)> = second_page
        .iter()
        .map(|c| (c.id, c.managers.len(), c.parties.len()))
        .collect();
    assert_eq!(summary, vec![(ids[1], 1, 1), (ids[0], 0, 0)]);
    let one = store.get_call(route.channel_id, ids[3]).await.unwrap();
    assert_eq!(one.as_ref(), page.get(1), "one call reads as it lists");
}

async fn times_are_64_bit(db: ScratchDatabase) {
    let store = db.open().await;
    store.seed_demo_if_empty(1_795_246_560_123).await.unwrap();
    let route = store.number_route(DEMO_NUMBER).await.unwrap().unwrap();
    // Unix milliseconds today are past 2^40; a 32-bit column would overflow.
    let started = 1_795_246_560_123_i64;
    let call = insert(&store, new_call(route.channel_id, "+8210", started)).await;
    let part = ManagerPart::Answered { purpose: "route" };
    store
        .record_manager(call, route.members[0], part, started + 2_000)
        .await
        .unwrap();
    store
        .end_call(call, started + 92_500, "customerHangup", None)
        .await
        .unwrap();
    let row = store
        .get_call(route.channel_id, call)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            row.started_at_ms,
            row.answered_at_ms,
            row.ended_at_ms,
            row.duration_s
        ),
        (started, Some(started + 2_000), Some(started + 92_500), 90)
    );
    let token = store
        .create_session(route.members[0], started)
        .await
        .unwrap();
    assert!(
        store
            .manager_for_token(&token, started + 1)
            .await
            .unwrap()
            .is_some(),
        "a session made today is live"
    );
}

#[test]
fn both_backends_have_the_same_migration_versions() {
    let versions = |dir: &str| -> Vec<String> {
        // The run-time directory: a binary built in another clone sharing the target dir may
        // be the one running.
        let crate_dir =
            std::env::var("CARGO_MANIFEST_DIR").unwrap_or(env!("CARGO_MANIFEST_DIR").into());
        let path = std::path::Path::new(&crate_dir).join(dir);
        let mut names: Vec<String> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let sqlite = versions("migrations/sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(
        sqlite,
        versions("migrations/postgres"),
        "every schema change is written for both backends, under the same version and name"
    );
}

#[tokio::test]
async fn an_unknown_database_url_is_refused_clearly() {
    let err = Store::connect("mysql://localhost/ringdesk")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::UnsupportedUrl(_)));
    assert_eq!(
        err.to_string(),
        "unsupported database URL \"mysql://localhost/ringdesk\": expected sqlite://PATH or postgres://…"
    );
}

#[test]
fn passwords_stay_out_of_printed_urls() {
    assert_eq!(
        redacted_url("postgres://ringdesk:s3cret@db:5432/ringdesk"),
        "postgres://ringdesk:***@db:5432/ringdesk"
    );
    assert_eq!(
        redacted_url("postgres://pg@127.0.0.1:5433/postgres"),
        "postgres://pg@127.0.0.1:5433/postgres"
    );
    assert_eq!(
        redacted_url("sqlite:///var/lib/ringdesk/ringdesk.sqlite"),
        "sqlite:///var/lib/ringdesk/ringdesk.sqlite"
    );
}

async fn call_ids_come_in_blocks_that_never_overlap(db: ScratchDatabase) {
    let store = db.open().await;
    store.seed_demo_if_empty(1).await.unwrap();
    let first = store.reserve_call_ids(3).await.unwrap();
    let second = store.reserve_call_ids(2).await.unwrap();
    assert_eq!((first.end - first.start, second.end - second.start), (3, 2));
    assert_eq!(
        second.start, first.end,
        "the next block starts where the last ended"
    );
    drop(store);
    let reopened = db.open().await;
    let third = reopened.reserve_call_ids(1).await.unwrap();
    assert_eq!(
        third.start, second.end,
        "a restart never hands out an id again"
    );
}

async fn a_calls_events_are_recorded_in_order(db: ScratchDatabase) {
    let store = db.open().await;
    store.seed_demo_if_empty(1).await.unwrap();
    let route = store.number_route(DEMO_NUMBER).await.unwrap().unwrap();
    let minji = route.members[0];
    let id = store.reserve_call_ids(1).await.unwrap().start;
    let dialled = |number: &str, at_ms| CallEvent::PartyDialled {
        call_id: id,
        number: number.into(),
        by_manager_id: minji,
        at_ms,
    };
    let events = [
        CallEvent::Started(NewCall {
            id,
            direction: "outbound",
            ..new_call(route.channel_id, "+821012345678", 1_000)
        }),
        CallEvent::Manager {
            call_id: id,
            manager_id: minji,
            part: ManagerPart::Answered { purpose: "dial" },
            at_ms: 1_000,
        },
        CallEvent::OutboundAnswered {
            call_id: id,
            at_ms: 4_000,
        },
        // A first parallel number never answers; the second answers and is merged.
        dialled("+821055500001", 10_000),
        CallEvent::PartyOutcome {
            call_id: id,
            outcome: "unreachable",
            ended_at_ms: Some(12_000),
        },
        dialled("+821055500002", 20_000),
        CallEvent::PartyAnswered {
            call_id: id,
            at_ms: 23_000,
        },
        CallEvent::PartyOutcome {
            call_id: id,
            outcome: "merged",
            ended_at_ms: None,
        },
        CallEvent::PartyOutcome {
            call_id: id,
            outcome: "partyLeft",
            ended_at_ms: Some(40_000),
        },
        CallEvent::Ended {
            call_id: id,
            at_ms: 64_000,
            cause: "managerHangup",
            missed_reason: None,
        },
    ];
    for event in &events {
        assert_eq!(event.call_id(), id);
        store.record(event).await.unwrap();
    }
    let row = store.get_call(route.channel_id, id).await.unwrap().unwrap();
    assert_eq!(
        (row.direction.as_str(), row.answered_at_ms, row.duration_s),
        ("outbound", Some(4_000), 60)
    );
    assert_eq!(row.hangup_cause.as_deref(), Some("managerHangup"));
    let party = |number: &str, answered, ended, outcome: &str| CallPartyRow {
        number: number.into(),
        by_manager_id: minji,
        started_at_ms: if number.ends_with('1') {
            10_000
        } else {
            20_000
        },
        answered_at_ms: answered,
        ended_at_ms: Some(ended),
        outcome: Some(outcome.into()),
    };
    assert_eq!(
        row.parties,
        vec![
            party("+821055500001", None, 12_000, "unreachable"),
            party("+821055500002", Some(23_000), 40_000, "merged"),
        ],
        "each party event lands on the party dialled last; a merge stays a merge"
    );
}

/// The demo channel (seeded) and another one: `(demo channel, its owner, the other channel)`.
async fn demo_and_other_channel(store: &Store) -> (i64, i64, i64) {
    store.seed_demo_if_empty(1).await.unwrap();
    let demo = store.number_route(DEMO_NUMBER).await.unwrap().unwrap();
    let other = store
        .create_channel("Other", "owner@other.test", "pw", "+8225550000", 1)
        .await
        .unwrap();
    (demo.channel_id, demo.members[0], other)
}

async fn workflows_publish_immutable_versions_per_channel(db: ScratchDatabase) {
    let store = db.open().await;
    let (channel, admin, other) = demo_and_other_channel(&store).await;

    let menu = store
        .create_workflow(channel, "메뉴", "{\"v\":1}", 10)
        .await
        .unwrap();
    let night = store
        .create_workflow(channel, "야간", "{}", 11)
        .await
        .unwrap();
    let names: Vec<(String, i64)> = store
        .workflows(channel)
        .await
        .unwrap()
        .into_iter()
        .map(|w| (w.name, w.position))
        .collect();
    assert_eq!(names, [("메뉴".to_string(), 1), ("야간".to_string(), 2)]);
    assert_eq!(
        store.workflow(other, menu).await.unwrap(),
        None,
        "other channel"
    );
    assert!(
        store
            .live_workflows_for_number(DEMO_NUMBER)
            .await
            .unwrap()
            .is_empty()
    );

    // Publishing numbers versions from 1; each is kept as it was.
    assert_eq!(
        store
            .publish_workflow(channel, menu, "{\"v\":1}", admin, 20)
            .await
            .unwrap(),
        Some(1)
    );
    assert!(
        store
            .save_workflow_draft(channel, menu, "메뉴", "{\"v\":2}", 30)
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .publish_workflow(channel, menu, "{\"v\":2}", admin, 40)
            .await
            .unwrap(),
        Some(2)
    );
    assert_eq!(
        store
            .publish_workflow(other, menu, "{}", admin, 41)
            .await
            .unwrap(),
        None
    );
    assert!(
        !store
            .save_workflow_draft(other, menu, "x", "{}", 42)
            .await
            .unwrap()
    );
    let versions: Vec<i64> = store
        .workflow_versions(channel, menu)
        .await
        .unwrap()
        .iter()
        .map(|v| v.version)
        .collect();
    assert_eq!(versions, [2, 1]);
    assert_eq!(
        store
            .workflow_version(channel, menu, 1)
            .await
            .unwrap()
            .as_deref(),
        Some("{\"v\":1}")
    );
    let live = store.live_workflows_for_number(DEMO_NUMBER).await.unwrap();
    assert_eq!(
        live.iter()
            .map(|l| (l.workflow_id, l.version))
            .collect::<Vec<_>>(),
        [(menu, 2)],
        "only published workflows run"
    );

    // Rolling back moves the current version; a version that does not exist is refused.
    assert!(store.roll_back_workflow(channel, menu, 1).await.unwrap());
    assert!(!store.roll_back_workflow(channel, menu, 9).await.unwrap());
    assert!(!store.roll_back_workflow(other, menu, 1).await.unwrap());
    let current = store.workflow(channel, menu).await.unwrap().unwrap();
    assert_eq!(
        (current.published_version, current.draft.as_str()),
        (Some(1), "{\"v\":2}")
    );

    // The number's own workflow comes first; then the list order.
    store
        .publish_workflow(channel, night, "{}", admin, 50)
        .await
        .unwrap();
    let order = |live: Vec<LiveWorkflow>| live.iter().map(|l| l.workflow_id).collect::<Vec<_>>();
    assert_eq!(
        order(store.live_workflows_for_number(DEMO_NUMBER).await.unwrap()),
        [menu, night]
    );
    assert!(
        store
            .link_number_workflow(channel, DEMO_NUMBER, Some(night))
            .await
            .unwrap()
    );
    assert_eq!(
        order(store.live_workflows_for_number(DEMO_NUMBER).await.unwrap()),
        [night, menu]
    );
    assert!(
        !store
            .link_number_workflow(other, DEMO_NUMBER, None)
            .await
            .unwrap()
    );
    assert!(
        !store
            .link_number_workflow(channel, DEMO_NUMBER, Some(9_999))
            .await
            .unwrap()
    );
    assert!(
        !store.reorder_workflows(channel, &[night]).await.unwrap(),
        "not all of them"
    );
    assert!(
        store
            .reorder_workflows(channel, &[night, menu])
            .await
            .unwrap()
    );
    assert!(
        store
            .link_number_workflow(channel, DEMO_NUMBER, None)
            .await
            .unwrap()
    );
    assert_eq!(
        order(store.live_workflows_for_number(DEMO_NUMBER).await.unwrap()),
        [night, menu]
    );

    // Deleting a linked workflow unlinks its numbers.
    store
        .link_number_workflow(channel, DEMO_NUMBER, Some(menu))
        .await
        .unwrap();
    assert!(!store.delete_workflow(other, menu).await.unwrap());
    assert!(store.delete_workflow(channel, menu).await.unwrap());
    assert_eq!(
        store.number_workflows(channel).await.unwrap(),
        [
            (DEMO_NUMBER.to_string(), None),
            (DEMO_IVR_NUMBER.to_string(), None)
        ]
    );

    // Hours and prompts are the channel's own.
    assert_eq!(store.operating_hours(channel).await.unwrap(), None);
    store
        .save_operating_hours(channel, "{\"zone\":\"Asia/Seoul\"}")
        .await
        .unwrap();
    assert!(store.operating_hours(channel).await.unwrap().is_some());
    assert_eq!(store.operating_hours(other).await.unwrap(), None);
    let prompt = store
        .add_prompt(channel, "인사", &[1, 2, 3], 1500, 60)
        .await
        .unwrap();
    assert_eq!(
        store.prompt_wav(channel, prompt).await.unwrap(),
        Some(vec![1, 2, 3])
    );
    assert_eq!(store.prompt_wav(other, prompt).await.unwrap(), None);
    assert_eq!(store.prompts(channel).await.unwrap()[0].duration_ms, 1500);
    assert!(!store.delete_prompt(other, prompt).await.unwrap());
    assert!(store.delete_prompt(channel, prompt).await.unwrap());

    // Spoken prompts are kept by language and text; a new rendering replaces the old.
    assert_eq!(store.speech("ko", "안녕하세요").await.unwrap(), None);
    store
        .save_speech("ko", "안녕하세요", &[1], 900, 70)
        .await
        .unwrap();
    store
        .save_speech("ko", "안녕하세요", &[2], 950, 71)
        .await
        .unwrap();
    store
        .save_speech("en", "안녕하세요", &[3], 950, 71)
        .await
        .unwrap();
    assert_eq!(
        store.speech("ko", "안녕하세요").await.unwrap(),
        Some(vec![2])
    );
}

async fn what_a_workflow_leaves_is_kept_on_the_call_and_counted_per_step(db: ScratchDatabase) {
    let store = db.open().await;
    let (channel, _, other) = demo_and_other_channel(&store).await;
    let workflow = store
        .create_workflow(channel, "메뉴", "{}", 1)
        .await
        .unwrap();
    let first = insert(&store, new_call(channel, "+821012345678", 10)).await;
    let second = insert(&store, new_call(channel, "+821012345678", 11)).await;
    let step = |call_id, step_id, event, key| CallEvent::WorkflowStep {
        call_id,
        workflow_id: workflow,
        version: 1,
        step_id,
        event,
        key,
        at_ms: 20,
    };
    for e in [
        step(first, 1, "entered", None),
        step(first, 1, "pressed", Some('*')),
        step(first, 1, "pressed", Some('1')),
        step(first, 4, "entered", None),
        step(second, 1, "entered", None),
        step(second, 1, "pressed", Some('1')),
        step(second, 4, "entered", None),
        step(second, 4, "dropped", None),
        CallEvent::Input {
            call_id: first,
            label: "예약 번호".into(),
            value: "123456".into(),
            at_ms: 21,
        },
        CallEvent::Tagged {
            call_id: first,
            tag: "예약".into(),
        },
        CallEvent::Tagged {
            call_id: first,
            tag: "예약".into(),
        },
        CallEvent::Voicemail {
            call_id: second,
            wav: vec![1, 2, 3],
            duration_ms: 4_000,
            at_ms: 22,
        },
    ] {
        store.record(&e).await.unwrap();
    }
    let figures = store.step_figures(channel, workflow, 1).await.unwrap();
    assert_eq!(
        figures,
        [
            StepFigures {
                step_id: 1,
                entered: 2,
                dropped: 0,
                keys: vec![("*".into(), 1), ("1".into(), 2)],
            },
            StepFigures {
                step_id: 4,
                entered: 2,
                dropped: 1,
                keys: vec![],
            },
        ]
    );
    assert!(
        store
            .step_figures(other, workflow, 1)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .step_figures(channel, workflow, 2)
            .await
            .unwrap()
            .is_empty()
    );

    let (page, _) = store.list_calls(channel, None, 1, 10).await.unwrap();
    let (newest, oldest) = (&page[0], &page[1]);
    assert_eq!((newest.id, oldest.id), (second, first));
    assert_eq!(
        oldest.inputs,
        [("예약 번호".to_string(), "123456".to_string())]
    );
    assert_eq!(oldest.tags, ["예약"], "a tag once");
    assert_eq!(
        (oldest.voicemail_ms, newest.voicemail_ms),
        (None, Some(4_000))
    );
    let one = store.get_call(channel, first).await.unwrap().unwrap();
    assert_eq!(
        (one.inputs, one.tags),
        (oldest.inputs.clone(), oldest.tags.clone())
    );
    assert_eq!(
        store.voicemail(channel, second).await.unwrap(),
        Some(vec![1, 2, 3])
    );
    assert_eq!(store.voicemail(other, second).await.unwrap(), None);
    assert_eq!(store.voicemail(channel, first).await.unwrap(), None);

    // A deleted workflow takes its figures along; its id is never handed out again.
    assert!(store.delete_workflow(channel, workflow).await.unwrap());
    let next = store
        .create_workflow(other, "새 메뉴", "{}", 2)
        .await
        .unwrap();
    assert_ne!(next, workflow);
    assert!(
        store
            .step_figures(channel, workflow, 1)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn queue_settings_and_assignment_settings_decide_who_waits_and_who_rings(
    db: ScratchDatabase,
) {
    let store = db.open().await;
    let (channel, owner, other) = demo_and_other_channel(&store).await;
    let team = store.teams(channel, None).await.unwrap()[0].clone();
    assert_eq!(
        team.queue,
        QueueSettingsRow::default(),
        "never set: the defaults"
    );
    let quick = QueueSettingsRow {
        max_wait_seconds: 90,
        announce_every_seconds: 30,
        language: "en".into(),
    };
    assert!(
        store
            .set_queue_settings(channel, team.id, &quick)
            .await
            .unwrap()
    );
    let again = QueueSettingsRow {
        max_wait_seconds: 120,
        ..quick.clone()
    };
    assert!(
        store
            .set_queue_settings(channel, team.id, &again)
            .await
            .unwrap()
    );
    let read = store.teams(channel, Some(team.id)).await.unwrap();
    assert_eq!(read[0].queue, again, "saved over the first");
    assert_eq!(read[0].members, team.members);
    assert!(
        !store
            .set_queue_settings(other, team.id, &quick)
            .await
            .unwrap(),
        "another channel's team is not there"
    );
    assert_eq!(
        store.teams(channel, Some(team.id)).await.unwrap()[0].queue,
        again
    );

    // A number without a team rings those who want unassigned calls.
    store
        .add_number(channel, "+827000000009", "no team")
        .await
        .unwrap();
    let everyone = store.number_route("+827000000009").await.unwrap().unwrap();
    assert!(everyone.members.contains(&owner), "{:?}", everyone.members);
    store.set_assignment(owner, false, false).await.unwrap();
    let without = store.number_route("+827000000009").await.unwrap().unwrap();
    assert!(!without.members.contains(&owner));
    assert_eq!(without.members.len() + 1, everyone.members.len());
    let (email, password) = (DEMO_MANAGERS[0].email, DEMO_MANAGERS[0].password);
    let me = store.verify_login(email, password).await.unwrap();
    assert_eq!(me.id, owner);
    assert!(!me.takes_phone_calls && !me.ring_unassigned);
}

async fn a_callback_and_text_messages_are_kept_on_their_call(db: ScratchDatabase) {
    let store = db.open().await;
    let (channel, _, other) = demo_and_other_channel(&store).await;
    let id = insert(&store, new_call(channel, "+821012345678", 1_000)).await;
    let step = |step, at_ms| CallEvent::Callback {
        call_id: id,
        step,
        at_ms,
    };
    for event in [
        step(CallbackStep::Requested, 5_000),
        step(CallbackStep::Dialled, 60_000),
        step(CallbackStep::Dialled, 90_000),
        step(CallbackStep::Answered, 95_000),
        CallEvent::Sms {
            call_id: id,
            to: "+821012345678".into(),
            text: "예약이 접수되었어요".into(),
            error: None,
            at_ms: 2_000,
        },
        CallEvent::Sms {
            call_id: id,
            to: "+821012345678".into(),
            text: "두 번째".into(),
            error: Some("the SMS provider refused it (500): down".into()),
            at_ms: 3_000,
        },
    ] {
        store.record(&event).await.unwrap();
    }
    let call = store.get_call(channel, id).await.unwrap().unwrap();
    assert_eq!(
        (
            call.callback_requested_at_ms,
            call.callback_attempts,
            call.callback_answered_at_ms,
            call.answered_at_ms
        ),
        (Some(5_000), 2, Some(95_000), Some(95_000)),
        "asked, dialled twice, answered: the talk starts then"
    );
    let sent: Vec<(&str, Option<&str>)> = call
        .sms
        .iter()
        .map(|m| (m.text.as_str(), m.error.as_deref()))
        .collect();
    assert_eq!(
        sent,
        [
            ("예약이 접수되었어요", None),
            ("두 번째", Some("the SMS provider refused it (500): down"))
        ]
    );
    assert_eq!(store.get_call(other, id).await.unwrap(), None);
}

async fn recordings_are_kept_per_channel_with_their_pauses_until_they_expire(db: ScratchDatabase) {
    let store = db.open().await;
    let (channel, _, other) = demo_and_other_channel(&store).await;
    let day = 86_400_000;
    let old = insert(&store, new_call(channel, "+821012340001", 1_000)).await;
    let new = insert(&store, new_call(channel, "+821012340002", 100 * day)).await;
    store.recording_started(old, channel, 1_000).await.unwrap();
    store
        .recording_started(new, channel, 100 * day)
        .await
        .unwrap();
    store.recording_paused(new, 2_000, true).await.unwrap();
    store.recording_paused(new, 5_000, false).await.unwrap();
    store.recording_paused(new, 9_000, true).await.unwrap();
    assert_eq!(store.unfinished_recordings().await.unwrap(), vec![old, new]);
    store
        .recording_finished(old, 30_000, Ok(180_000))
        .await
        .unwrap();
    store
        .recording_finished(new, 12_000, Err("no audio"))
        .await
        .unwrap();
    assert!(store.unfinished_recordings().await.unwrap().is_empty());

    let row = store.recording(channel, new).await.unwrap().unwrap();
    assert_eq!(
        (row.state.as_str(), row.duration_ms, row.error.as_deref()),
        ("failed", 12_000, Some("no audio"))
    );
    assert_eq!(row.pauses, vec![(2_000, Some(5_000)), (9_000, None)]);
    let ready = store.recording(channel, old).await.unwrap().unwrap();
    assert_eq!((ready.state.as_str(), ready.mp3_bytes), ("ready", 180_000));
    assert_eq!(
        store.recording(other, old).await.unwrap(),
        None,
        "another channel sees none"
    );
    assert_eq!(store.recording(channel, 999_999).await.unwrap(), None);

    // Kept 183 days by default; a channel keeping 30 lets the old one go at day 31.
    assert_eq!(
        store.recording_retention_days(channel).await.unwrap(),
        Some(crate::DEFAULT_RETENTION_DAYS)
    );
    assert!(store.expired_recordings(31 * day).await.unwrap().is_empty());
    store
        .set_recording_retention_days(channel, 30)
        .await
        .unwrap();
    assert_eq!(store.expired_recordings(31 * day).await.unwrap(), vec![old]);
    // The old one's transcript: pending, then its lines (the channel's only).
    store.transcript_pending(old).await.unwrap();
    assert_eq!(store.pending_transcripts().await.unwrap(), vec![old]);
    let line = |speaker: &str, start_ms, text: &str| crate::TranscriptLineRow {
        speaker: speaker.into(),
        start_ms,
        end_ms: start_ms + 1_000,
        text: text.into(),
    };
    let lines = vec![
        line("agent", 500, "안녕하세요"),
        line("customer", 2_000, "환불하고 싶어요"),
    ];
    store.transcript_finished(old, Ok(&lines)).await.unwrap();
    // Keyword search: a part of a Korean word, any case in English, the channel's only.
    let english = vec![line("customer", 4_000, "The Package arrived BROKEN")];
    store.transcript_finished(new, Ok(&english)).await.unwrap();
    let found = |q: &str| {
        let store = store.clone();
        let q = q.to_string();
        async move {
            let hits = store.search_transcripts(channel, &q, 50).await.unwrap();
            hits.into_iter()
                .map(|h| (h.call_id, h.start_ms))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        found("환불").await,
        vec![(old, 2_000)],
        "two syllables inside a word"
    );
    assert_eq!(
        found("불하고").await,
        vec![(old, 2_000)],
        "three, through the index"
    );
    assert_eq!(found("package arr").await, vec![(new, 4_000)]);
    assert_eq!(found("broken").await, vec![(new, 4_000)], "any case");
    assert!(found("refund").await.is_empty());
    assert!(found("%").await.is_empty(), "wildcards are taken out");
    assert_eq!(
        found("환\\불").await,
        vec![(old, 2_000)],
        "and PostgreSQL's LIKE escape, the same on both"
    );
    assert!(found("요").await.is_empty(), "one character is too short");
    assert!(found(" 요 ").await.is_empty(), "spaces do not count");
    // Newest first, and the page's end cuts the older lines off.
    store
        .transcript_finished(new, Ok(&[line("agent", 7_000, "환불 도와드릴게요")]))
        .await
        .unwrap();
    assert_eq!(found("환불").await, vec![(new, 7_000), (old, 2_000)]);
    let page = store.search_transcripts(channel, "환불", 1).await.unwrap();
    assert_eq!((page.len(), page[0].call_id), (1, new), "the newest line");
    // A transcript written again leaves no trace of the old one in the index.
    assert!(found("broken").await.is_empty(), "replaced");
    store.transcript_finished(new, Ok(&english)).await.unwrap();
    assert_eq!(found("환불").await, vec![(old, 2_000)]);
    assert!(
        store
            .search_transcripts(other, "환불", 50)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.pending_transcripts().await.unwrap().is_empty());
    assert_eq!(store.transcript(channel, old).await.unwrap(), lines);
    assert!(store.transcript(other, old).await.unwrap().is_empty());
    let row = store.recording(channel, old).await.unwrap().unwrap();
    assert_eq!(row.transcript_state.as_deref(), Some("ready"));
    store
        .transcript_finished(new, Err("the model failed"))
        .await
        .unwrap();
    let row = store.recording(channel, new).await.unwrap().unwrap();
    assert_eq!(row.transcript_state.as_deref(), Some("failed"));
    store.delete_recording(old).await.unwrap();
    assert!(store.transcript(channel, old).await.unwrap().is_empty());
    store.delete_recording(new).await.unwrap();
    assert_eq!(store.recording(channel, new).await.unwrap(), None);
}

async fn every_call_is_a_conversation_with_notes_tags_state_and_wrap_up(db: ScratchDatabase) {
    use crate::conversations::{ConversationFilter, ConversationRefusal, WrapUpRow};
    let store = db.open().await;
    let (channel, owner, other) = demo_and_other_channel(&store).await;
    // An answered call (the owner took it) and a missed one.
    let seoyeon = store
        .contact_by_phone(channel, "+821012345678")
        .await
        .unwrap()
        .unwrap();
    let answered = insert(
        &store,
        NewCall {
            contact_id: Some(seoyeon.id),
            ..new_call(channel, "+821012345678", 1_000)
        },
    )
    .await;
    let answer = ManagerPart::Answered { purpose: "route" };
    store
        .record_manager(answered, owner, answer, 2_000)
        .await
        .unwrap();
    let invited = ManagerPart::Answered { purpose: "invite" };
    let teammate = store
        .number_route(DEMO_NUMBER)
        .await
        .unwrap()
        .unwrap()
        .members[1];
    store
        .record_manager(answered, teammate, invited, 2_500)
        .await
        .unwrap();
    // The dispatcher names who took the call.
    store
        .assign_call_conversation(answered, owner, 2_000)
        .await
        .unwrap();
    let missed = insert(&store, new_call(channel, "+821099990000", 3_000)).await;
    assert!(
        store.wrap_up_conversations(owner).await.unwrap().is_empty(),
        "no wrap-up while the call goes on"
    );
    store
        .end_call(answered, 9_000, "customerHungUp", None)
        .await
        .unwrap();
    store
        .end_call(missed, 10_000, "customerHungUp", Some("userleft"))
        .await
        .unwrap();

    let row = store
        .conversation(channel, answered)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.state.as_str(), row.missed), ("open", false));
    assert_eq!(row.assignee_id, Some(owner), "the one the dispatcher named");
    assert_eq!(
        row.contact_name.as_deref(),
        Some("박서연"),
        "linked to the contact by number"
    );
    assert_eq!(
        store.wrap_up_conversations(owner).await.unwrap(),
        vec![answered]
    );
    let row = store.conversation(channel, missed).await.unwrap().unwrap();
    assert_eq!(
        (row.state.as_str(), row.missed, row.assignee_id),
        ("missed", true, None)
    );
    assert_eq!(store.conversation(other, answered).await.unwrap(), None);

    // Notes, tags and the filters.
    let note = store
        .add_note(channel, answered, owner, "환불 요청", 11_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((note.text.as_str(), note.manager_id), ("환불 요청", owner));
    assert_eq!(
        store
            .add_note(other, answered, owner, "x", 11_000)
            .await
            .unwrap(),
        Err(ConversationRefusal::NotFound)
    );
    let tags = vec!["환불".to_string(), "vip".to_string(), "환불".to_string()];
    store
        .set_conversation_tags(channel, answered, &tags, 12_000)
        .await
        .unwrap()
        .unwrap();
    let filter =
        |state: Option<&str>, assignee: Option<i64>, tag: Option<&str>| ConversationFilter {
            state: state.map(str::to_string),
            assignee,
            tag: tag.map(str::to_string),
            contact: None,
        };
    let ids = |rows: Vec<crate::conversations::ConversationRow>| -> Vec<i64> {
        rows.into_iter().map(|r| r.id).collect()
    };
    let (rows, total) = store
        .conversations(channel, &filter(None, None, None), 1, 50)
        .await
        .unwrap();
    assert_eq!(total, 2);
    assert_eq!(rows[0].id, answered, "most recently changed first");
    assert_eq!(rows[0].tags, vec!["vip".to_string(), "환불".to_string()]);
    assert_eq!(rows[0].last_note.as_deref(), Some("환불 요청"));
    let store_ref = &store;
    let page = |f: ConversationFilter| async move {
        ids(store_ref.conversations(channel, &f, 1, 50).await.unwrap().0)
    };
    assert_eq!(page(filter(Some("missed"), None, None)).await, vec![missed]);
    assert_eq!(page(filter(None, Some(owner), None)).await, vec![answered]);
    assert_eq!(
        page(filter(None, Some(0), None)).await,
        vec![missed],
        "0: nobody's"
    );
    assert_eq!(page(filter(None, None, Some("환불"))).await, vec![answered]);
    assert_eq!(
        page(filter(Some("open"), None, Some("없는 태그"))).await,
        Vec::<i64>::new()
    );
    assert_eq!(
        store
            .conversations(other, &filter(None, None, None), 1, 50)
            .await
            .unwrap()
            .1,
        0
    );

    // The wrap-up form, with a classification the channel defines.
    let refund = store
        .add_classification(channel, "환불")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store.add_classification(channel, "환불").await.unwrap(),
        None,
        "one name once"
    );
    let theirs = store
        .add_classification(other, "기타")
        .await
        .unwrap()
        .unwrap();
    let form = |classification_id| WrapUpRow {
        classification_id,
        sentiment: Some("negative".into()),
        grade: Some("vip".into()),
        processing: Some("inProgress".into()),
    };
    assert_eq!(
        store
            .set_wrap_up(channel, answered, &form(Some(theirs)), 13_000)
            .await
            .unwrap(),
        Err(ConversationRefusal::UnknownClassification)
    );
    store
        .set_wrap_up(channel, answered, &form(Some(refund)), 13_000)
        .await
        .unwrap()
        .unwrap();
    let row = store
        .conversation(channel, answered)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            row.classification_id,
            row.grade.as_deref(),
            row.processing.as_deref()
        ),
        (Some(refund), Some("vip"), Some("inProgress"))
    );

    // States: snoozed (back to open when due), closed; a missed one only closes.
    let snooze = store.set_conversation_state(channel, answered, "snoozed", Some(20_000), 14_000);
    assert_eq!(snooze.await.unwrap(), Ok(Some(owner)));
    assert!(
        store.wrap_up_conversations(owner).await.unwrap().is_empty(),
        "snoozed ends wrap-up"
    );
    assert!(store.wake_snoozed(19_999).await.unwrap().is_empty());
    assert_eq!(
        store.wake_snoozed(20_000).await.unwrap(),
        vec![(answered, channel, Some(owner))]
    );
    for state in ["open", "snoozed"] {
        assert_eq!(
            store
                .set_conversation_state(channel, missed, state, Some(99_000), 15_000)
                .await
                .unwrap(),
            Err(ConversationRefusal::MissedCannotReopen)
        );
    }
    let close = |channel, ids: Vec<i64>, at| {
        let store = store.clone();
        async move { store.close_conversations(channel, &ids, at).await.unwrap() }
    };
    assert!(
        close(other, vec![missed, answered], 16_000)
            .await
            .is_empty()
    );
    assert_eq!(
        close(channel, vec![missed, answered, 424_242], 16_000).await,
        vec![missed, answered]
    );
    assert!(
        close(channel, vec![missed], 17_000).await.is_empty(),
        "once"
    );
    assert_eq!(
        store
            .set_conversation_state(channel, missed, "open", None, 18_000)
            .await
            .unwrap(),
        Err(ConversationRefusal::MissedCannotReopen),
        "closed, a missed conversation stays closed"
    );
    assert!(
        store.wrap_up_conversations(owner).await.unwrap().is_empty(),
        "closed ends wrap-up"
    );
    // Assignee: a manager of the channel, or nobody.
    let other_owner = store
        .verify_login("owner@other.test", "pw")
        .await
        .unwrap()
        .id;
    assert_eq!(
        store
            .set_conversation_assignee(channel, missed, Some(other_owner), 19_000)
            .await
            .unwrap(),
        Err(ConversationRefusal::UnknownManager)
    );
    assert_eq!(
        store
            .set_conversation_assignee(channel, missed, Some(teammate), 19_000)
            .await
            .unwrap(),
        Ok(Some(teammate))
    );
    assert!(store.delete_classification(channel, refund).await.unwrap());
    assert!(
        !store.delete_classification(channel, theirs).await.unwrap(),
        "not ours"
    );
    let row = store
        .conversation(channel, answered)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.classification_id, None);
}

async fn demo_channel(store: &Store) -> i64 {
    store
        .number_route(DEMO_NUMBER)
        .await
        .unwrap()
        .unwrap()
        .channel_id
}

async fn a_contact_is_edited_whole_and_a_number_names_one_contact(db: ScratchDatabase) {
    let store = db.open().await;
    store.seed_demo_if_empty(1_000).await.unwrap();
    let channel = demo_channel(&store).await;
    let edit = ContactEdit {
        name: Some("한지우".into()),
        numbers: vec!["+821055550101".into(), "+821055550102".into()],
        email: Some("jiwoo@example.kr".into()),
        address: Some("서울시 중구".into()),
        fields: (1..=5)
            .map(|i| (format!("항목 {i}"), format!("값 {i}")))
            .collect(),
    };
    let id = store
        .create_contact(channel, &edit, 2_000)
        .await
        .unwrap()
        .unwrap();
    let whole = store.contact(channel, id).await.unwrap().unwrap();
    assert_eq!(whole.numbers, edit.numbers);
    assert_eq!(whole.fields.len(), 5, "every field kept");
    assert!(!whole.is_lead, "added with a name: a known contact");
    let bare = ContactEdit {
        numbers: vec!["+821055550199".into()],
        ..ContactEdit::default()
    };
    let lead = store
        .create_contact(channel, &bare, 2_000)
        .await
        .unwrap()
        .unwrap();
    assert!(
        store.contact(channel, lead).await.unwrap().unwrap().is_lead,
        "no name: a lead"
    );
    let by_second = store
        .contact_by_phone(channel, "+821055550102")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (by_second.id, by_second.phone.as_str()),
        (id, "+821055550101")
    );
    assert_eq!(by_second.fields.len(), 3, "a ring shows three");
    // Another contact's number is refused whole: nothing of the edit is written.
    let mut taken = edit.clone();
    taken.name = Some("바뀐 이름".into());
    taken.numbers.push("+821012345678".into());
    assert_eq!(
        store
            .update_contact(channel, id, &taken, 3_000)
            .await
            .unwrap(),
        Err(ContactRefusal::NumberTaken("+821012345678".into()))
    );
    assert_eq!(store.contact(channel, id).await.unwrap().unwrap(), whole);
    // A contact keeps its own numbers when edited; a dropped one no longer finds it.
    let mut fewer = edit.clone();
    fewer.numbers = vec!["+821055550102".into()];
    fewer.fields.truncate(1);
    store
        .update_contact(channel, id, &fewer, 3_000)
        .await
        .unwrap()
        .unwrap();
    assert!(
        store
            .contact_by_phone(channel, "+821055550101")
            .await
            .unwrap()
            .is_none()
    );
    let edited = store.contact(channel, id).await.unwrap().unwrap();
    assert_eq!(edited.numbers, ["+821055550102"]);
    assert_eq!(edited.fields.len(), 1);
    // Another channel has no such contact.
    let other = store
        .create_channel("Other", "o@other.test", "pw-other-1", "+8225550000", 1)
        .await
        .unwrap();
    assert!(store.contact(other, id).await.unwrap().is_none());
    assert_eq!(
        store
            .update_contact(other, id, &fewer, 4_000)
            .await
            .unwrap(),
        Err(ContactRefusal::NotFound)
    );
}

async fn callbacks_are_listed_per_assignee_open_ones_first(db: ScratchDatabase) {
    use crate::callbacks::NewCallbackRow;
    let store = db.open().await;
    store.seed_demo_if_empty(1_000).await.unwrap();
    let channel = demo_channel(&store).await;
    let minji = store
        .verify_login(DEMO_MANAGERS[0].email, DEMO_MANAGERS[0].password)
        .await
        .unwrap();
    let junho = store
        .verify_login(DEMO_MANAGERS[1].email, DEMO_MANAGERS[1].password)
        .await
        .unwrap();
    let book = |due: i64, assignee: i64| NewCallbackRow {
        customer_number: "+821012345678".into(),
        conversation_id: None,
        assignee_id: assignee,
        caller_id: DEMO_NUMBER.into(),
        due_at_ms: due,
        note: format!("due {due}"),
        booked_by: minji.id,
    };
    let late = store
        .book_callback(channel, &book(9_000, junho.id), 1)
        .await
        .unwrap();
    let soon = store
        .book_callback(channel, &book(5_000, junho.id), 1)
        .await
        .unwrap();
    let mine = store
        .book_callback(channel, &book(7_000, minji.id), 1)
        .await
        .unwrap();
    let ids = |rows: Vec<crate::callbacks::CallbackRow>| {
        rows.into_iter().map(|r| r.id).collect::<Vec<_>>()
    };
    assert_eq!(
        ids(store.callbacks_of(channel, junho.id, false).await.unwrap()),
        [soon, late]
    );
    assert_eq!(
        ids(store.callbacks_of(channel, minji.id, false).await.unwrap()),
        [mine]
    );
    let row = store.callback(channel, soon).await.unwrap().unwrap();
    assert_eq!(row.customer_name.as_deref(), Some("박서연"));
    assert_eq!(
        (row.assignee_name.as_str(), row.booked_by_name.as_str()),
        ("이준호", "김민지")
    );
    assert!(
        store
            .set_callback_done(channel, soon, true, 6_000)
            .await
            .unwrap()
    );
    assert_eq!(
        ids(store.callbacks_of(channel, junho.id, false).await.unwrap()),
        [late]
    );
    assert_eq!(
        ids(store.callbacks_of(channel, junho.id, true).await.unwrap()),
        [late, soon]
    );
    assert!(
        store
            .set_callback_done(channel, soon, false, 7_000)
            .await
            .unwrap()
    );
    assert_eq!(
        ids(store.callbacks_of(channel, junho.id, false).await.unwrap()),
        [soon, late]
    );
    let other = store
        .create_channel("Other", "o@other.test", "pw-other-1", "+8225550000", 1)
        .await
        .unwrap();
    assert!(
        !store
            .set_callback_done(other, soon, true, 8_000)
            .await
            .unwrap()
    );
    assert!(store.callback(other, soon).await.unwrap().is_none());
}

async fn a_managers_history_is_what_each_call_was_for_them(db: ScratchDatabase) {
    use crate::history::{HISTORY_KEEP_MS, HistoryFilter};
    let store = db.open().await;
    store.seed_demo_if_empty(1_000).await.unwrap();
    let channel = demo_channel(&store).await;
    let minji = store
        .verify_login(DEMO_MANAGERS[0].email, DEMO_MANAGERS[0].password)
        .await
        .unwrap()
        .id;
    let junho = store
        .verify_login(DEMO_MANAGERS[1].email, DEMO_MANAGERS[1].password)
        .await
        .unwrap()
        .id;
    let now = 400 * 24 * 3600 * 1000_i64;
    let ids = store.reserve_call_ids(6).await.unwrap();
    let id = |i: i64| ids.start + i;
    let call = |i: i64, direction: &'static str, from: &'static str, at: i64| {
        CallEvent::Started(NewCall {
            id: id(i),
            channel_id: channel,
            direction,
            number: DEMO_NUMBER.into(),
            caller_number: from.into(),
            caller_name: None,
            contact_id: None,
            team_id: None,
            started_at_ms: at,
        })
    };
    let part = |i: i64, manager: i64, part: ManagerPart<'static>, at: i64| CallEvent::Manager {
        call_id: id(i),
        manager_id: manager,
        part,
        at_ms: at,
    };
    let end = |i: i64, at: i64, missed: Option<&'static str>| CallEvent::Ended {
        call_id: id(i),
        at_ms: at,
        cause: "customerHangup",
        missed_reason: missed,
    };
    let rang = ManagerPart::Rang {
        purpose: "route",
        by: None,
    };
    let day = 24 * 3600 * 1000;
    let events = [
        // 0: seven months ago, answered by Minji: too old to show.
        call(0, "inbound", "+821011110000", now - 210 * day),
        part(0, minji, rang, now - 210 * day),
        part(
            0,
            minji,
            ManagerPart::Answered { purpose: "route" },
            now - 210 * day,
        ),
        end(0, now - 210 * day + 60_000, None),
        // 1: rang Minji, nobody answered.
        call(1, "inbound", "+821022220000", now - 5 * day),
        part(1, minji, rang, now - 5 * day),
        end(1, now - 5 * day + 30_000, Some("ringTimeOver")),
        // 2: rang Minji, Junho took it.
        call(2, "inbound", "+821033330000", now - 4 * day),
        part(2, minji, rang, now - 4 * day),
        part(
            2,
            junho,
            ManagerPart::Answered { purpose: "route" },
            now - 4 * day + 5_000,
        ),
        end(2, now - 4 * day + 65_000, None),
        // 3: Junho invited Minji into a call; she did not answer.
        call(3, "inbound", "+821044440000", now - 3 * day),
        part(
            3,
            junho,
            ManagerPart::Answered { purpose: "route" },
            now - 3 * day,
        ),
        part(
            3,
            minji,
            ManagerPart::Rang {
                purpose: "invite",
                by: Some(junho),
            },
            now - 3 * day + 10_000,
        ),
        end(3, now - 3 * day + 90_000, None),
        // 4: Minji calls the missed customer of call 1 back; they answer.
        call(4, "outbound", "+821022220000", now - 2 * day),
        part(
            4,
            minji,
            ManagerPart::Answered { purpose: "dial" },
            now - 2 * day,
        ),
        CallEvent::OutboundAnswered {
            call_id: id(4),
            at_ms: now - 2 * day + 4_000,
        },
        end(4, now - 2 * day + 64_000, None),
        // 5: Junho's own call: not in Minji's history.
        call(5, "inbound", "+821055550000", now - day),
        part(
            5,
            junho,
            ManagerPart::Answered { purpose: "route" },
            now - day,
        ),
        end(5, now - day + 60_000, None),
    ];
    for e in &events {
        store.record(e).await.unwrap();
    }
    let history = |filter| store.history(minji, filter, None, 50, now);
    let all = history(HistoryFilter::All).await.unwrap();
    let shown: Vec<i64> = all.iter().map(|r| r.id).collect();
    assert_eq!(
        shown,
        [id(4), id(3), id(2), id(1)],
        "hers only, six months back, newest first"
    );
    let row = |i: i64| all.iter().find(|r| r.id == id(i)).unwrap().clone();
    assert!(row(4).answered_by_me && row(4).answered_at_ms.is_some());
    assert!(
        !row(2).answered_by_me && row(2).answered_at_ms.is_some(),
        "taken by a teammate"
    );
    assert_eq!(
        (row(3).invited_by_id, row(3).invited_by_name.as_deref()),
        (Some(junho), Some("이준호"))
    );
    assert!(row(1).handled_later, "called back by call 4");
    assert!(!row(2).handled_later);
    let missed: Vec<i64> = history(HistoryFilter::Missed)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(missed, [id(1)]);
    let outbound: Vec<i64> = history(HistoryFilter::Outbound)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(outbound, [id(4)]);
    let page: Vec<i64> = store
        .history(minji, HistoryFilter::All, Some(id(3)), 1, now)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(page, [id(2)], "the page after call 3");
    // Deleting hides from her history only.
    store.hide_from_history(minji, id(2)).await.unwrap();
    let after: Vec<i64> = history(HistoryFilter::All)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(after, [id(4), id(3), id(1)]);
    assert_eq!(
        store
            .history(junho, HistoryFilter::All, None, 50, now)
            .await
            .unwrap()
            .len(),
        3,
        "Junho keeps his"
    );
    store.clear_history(minji, now).await.unwrap();
    assert!(history(HistoryFilter::All).await.unwrap().is_empty());
    assert!(HISTORY_KEEP_MS < 210 * day);
}
