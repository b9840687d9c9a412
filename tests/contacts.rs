//! End to end: contacts. An unknown caller's number becomes a lead contact with their first
//! call (once, however often they call); a known contact stays as it was; the contacts API
//! finds them by number and refuses what is not one.

use std::time::Duration;

use ringdesk_tests::admin::admin;
use ringdesk_tests::audio::write_tone_wav;
use ringdesk_tests::rtp_caller::RtpCaller;
use ringdesk_tests::{AgentProc, Cloud, DEMO_SERVICE, MINJI, TempDir, block_on, http};
use ringdesk_wire::{AgentEvent, ContactInfo, ServerEvent};
use serde_json::json;

/// `GET /api/v1/contacts?{param}=…` as Minji: the status and, when 200, the contacts.
fn get_contacts(cloud: &Cloud, param: &str, value: &str) -> (u16, Vec<ContactInfo>) {
    block_on(async {
        let token = cloud.token(MINJI.0, MINJI.1).await;
        let url = reqwest::Url::parse_with_params(
            &format!("{}/api/v1/contacts", cloud.api),
            [(param, value)],
        )
        .unwrap();
        let response = http(cloud)
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .expect("the API answers");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or_default())
    })
}

/// The contact with a number.
fn contacts(cloud: &Cloud, phone: &str) -> (u16, Vec<ContactInfo>) {
    get_contacts(cloud, "phone", phone)
}

/// One call from `from`, answered by Minji, then hung up by the caller; she closes its
/// conversation (ending her wrap-up) so that the next call rings her.
fn call_once(cloud: &Cloud, minji: &mut AgentProc, from: &str) {
    let (caller, _) = RtpCaller::call_from(cloud.sip, DEMO_SERVICE, from);
    caller.hang_up();
    let (_, ended) = minji.wait_for("the call ends", Duration::from_secs(10), |e| {
        matches!(e, AgentEvent::Server(ServerEvent::CallEnded { .. }))
    });
    let AgentEvent::Server(ServerEvent::CallEnded { call_id, .. }) = ended else {
        unreachable!()
    };
    let path = format!("/api/v1/conversations/{call_id}/state");
    let closed = block_on(admin(
        cloud,
        reqwest::Method::PUT,
        &path,
        json!({"state": "closed"}),
    ));
    assert_eq!(closed.0, 204, "{closed:?}");
}

#[test]
fn an_unknown_caller_becomes_one_lead_and_a_known_contact_stays_as_it_was() {
    let cloud = Cloud::start(&[]);
    let dir = TempDir::new("contacts");
    let voice = dir.path("minji.wav");
    write_tone_wav(&voice, 48_000, 440.0, 5.0);
    let mut minji = AgentProc::wav(&cloud, MINJI, &voice, None, 100);
    assert_eq!(
        contacts(&cloud, "010-7777-8888"),
        (200, vec![]),
        "no contact before the call"
    );

    call_once(&cloud, &mut minji, "01077778888");
    let (status, found) = contacts(&cloud, "+821077778888");
    assert_eq!(status, 200);
    assert_eq!(found.len(), 1, "{found:?}");
    let lead = &found[0];
    assert!(lead.lead && lead.name.is_none(), "{lead:?}");
    assert_eq!(lead.phone, "+821077778888");

    call_once(&cloud, &mut minji, "01077778888");
    assert_eq!(
        contacts(&cloud, "010-7777-8888").1,
        found,
        "a second call finds the same lead"
    );

    // The demo contact 010-1234-5678 (박서연) is known: no lead is made over it.
    call_once(&cloud, &mut minji, "01012345678");
    let (_, known) = contacts(&cloud, "+821012345678");
    assert_eq!(known.len(), 1, "{known:?}");
    assert!(!known[0].lead && known[0].name.is_some(), "{known:?}");

    for bad in ["", "not a number", &"9".repeat(40)] {
        assert_eq!(contacts(&cloud, bad).0, 400, "{bad:?} is refused");
    }
}

/// A search: the status and the names (or numbers) found.
fn search(cloud: &Cloud, query: &str) -> (u16, Vec<String>) {
    let (status, found) = get_contacts(cloud, "query", query);
    let names = found.into_iter().map(|c| c.name.unwrap_or(c.phone));
    (status, names.collect())
}

#[test]
fn contacts_are_found_by_part_of_a_name_or_number_as_a_manager_types() {
    let cloud = Cloud::start(&[]);
    assert_eq!(search(&cloud, "서연"), (200, vec!["박서연".to_string()]));
    assert_eq!(
        search(&cloud, "emily"),
        (200, vec!["Emily Carter".to_string()])
    );
    assert_eq!(
        search(&cloud, "010-9876"),
        (200, vec!["최도윤".to_string()])
    );
    assert_eq!(
        search(&cloud, "4155550"),
        (200, vec!["Emily Carter".to_string()])
    );
    assert_eq!(search(&cloud, "없는 이름"), (200, vec![]));
    // LIKE's wildcards are plain characters here.
    assert_eq!(search(&cloud, "%"), (200, vec![]));
    for bad in ["", "   ", &"가".repeat(101)] {
        assert_eq!(search(&cloud, bad).0, 400, "{bad:?} is refused");
    }
}
