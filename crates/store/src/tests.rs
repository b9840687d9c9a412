use super::*;

async fn temp_store() -> (Store, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "ringdesk-store-{}-{}",
        std::process::id(),
        rand::rng().random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(dir.join("db.sqlite").to_str().unwrap())
        .await
        .unwrap();
    (store, dir)
}

#[tokio::test]
async fn first_start_migrates_seeds_and_uses_wal() {
    let (store, dir) = temp_store().await;
    assert_eq!(store.journal_mode().await.unwrap(), "wal");
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
    assert_eq!(contact.fields.len(), 3);
    assert!(store.number_route("+820000").await.unwrap().is_none());
    drop(store);
    // Reopening an existing database keeps its data.
    let again = Store::open(dir.join("db.sqlite").to_str().unwrap())
        .await
        .unwrap();
    assert!(again.number_route(DEMO_NUMBER).await.unwrap().is_some());
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn login_sessions_and_wrong_credentials() {
    let (store, dir) = temp_store().await;
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
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn call_records_are_written_as_the_call_goes_and_scoped_to_the_channel() {
    let (store, dir) = temp_store().await;
    store.seed_demo_if_empty(1).await.unwrap();
    let route = store.number_route(DEMO_NUMBER).await.unwrap().unwrap();
    let other = store
        .create_channel("Other", "owner@other.test", "pw", "+8225550000", 1)
        .await
        .unwrap();
    let call = store
        .insert_call(&NewCall {
            channel_id: route.channel_id,
            direction: "inbound",
            number: DEMO_NUMBER.into(),
            caller_number: "+821012345678".into(),
            caller_name: Some("박서연".into()),
            contact_id: None,
            team_id: route.team_id,
            started_at_ms: 10_000,
        })
        .await
        .unwrap();
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
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn orphaned_calls_are_closed_after_a_crash() {
    let (store, dir) = temp_store().await;
    store.seed_demo_if_empty(1).await.unwrap();
    let route = store.number_route(DEMO_NUMBER).await.unwrap().unwrap();
    let call = store
        .insert_call(&NewCall {
            channel_id: route.channel_id,
            direction: "inbound",
            number: DEMO_NUMBER.into(),
            caller_number: "+8210".into(),
            caller_name: None,
            contact_id: None,
            team_id: None,
            started_at_ms: 0,
        })
        .await
        .unwrap();
    assert_eq!(store.close_orphaned_calls(5_000).await.unwrap(), 1);
    let row = store
        .get_call(route.channel_id, call)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.hangup_cause.as_deref(), Some("serviceRestart"));
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn the_rate_table_is_replaced_whole_or_not_at_all() {
    let (store, dir) = temp_store().await;
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
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_placed_call_is_answered_by_the_called_party_not_the_dialler() {
    let (store, dir) = temp_store().await;
    store.seed_demo_if_empty(1).await.unwrap();
    let route = store.number_route(DEMO_NUMBER).await.unwrap().unwrap();
    let numbers = store.channel_numbers(route.channel_id).await.unwrap();
    assert_eq!(
        numbers,
        vec![(DEMO_NUMBER.to_string(), "대표번호".to_string())]
    );
    let call = store
        .insert_call(&NewCall {
            channel_id: route.channel_id,
            direction: "outbound",
            number: DEMO_NUMBER.into(),
            caller_number: "+821012345678".into(),
            caller_name: None,
            contact_id: None,
            team_id: None,
            started_at_ms: 1_000,
        })
        .await
        .unwrap();
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
    std::fs::remove_dir_all(dir).ok();
}
