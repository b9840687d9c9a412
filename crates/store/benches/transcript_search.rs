//! Keyword search over 100,000 transcripts: p50 and p95 response time of
//! `Store::search_transcripts` on SQLite (FTS5 trigram) and, when `RINGDESK_TEST_POSTGRES`
//! names a server, on PostgreSQL (pg_trgm). Each transcript is three lines of Korean and
//! English support-call phrases drawn at random (seeded); the queries are words and parts of
//! words of 2 to 8 characters, some frequent, some rare. `cargo bench -p ringdesk-store --bench
//! transcript_search` (a few minutes: the lines are written first, through the store's API).

// A benchmark measures wall time.
#![allow(clippy::disallowed_methods, missing_docs)]

use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use ringdesk_store::scratch::ScratchDatabase;
use ringdesk_store::{Backend, NewCall, Store, TranscriptLineRow};

const TRANSCRIPTS: usize = 100_000;

const PHRASES: &[&str] = &[
    "안녕하세요 고객센터입니다",
    "주문하신 상품이 아직 도착하지 않았어요",
    "환불을 요청하고 싶습니다",
    "배송 조회를 해 드릴게요",
    "결제 내역을 확인해 보겠습니다",
    "교환은 7일 안에 가능합니다",
    "비밀번호를 잊어버렸어요",
    "회원 탈퇴는 어떻게 하나요",
    "쿠폰이 적용되지 않아요",
    "상담원 연결을 원하시면 기다려 주세요",
    "The package arrived broken yesterday",
    "I would like a refund for my order",
    "Your order number is 4572",
    "Can I change my delivery address",
    "The payment failed twice",
    "Thank you for calling customer support",
];
const RARE: &[&str] = &[
    "영수증 재발행",
    "warranty claim",
    "분실 신고",
    "invoice copy",
];
const QUERIES: &[&str] = &[
    "환불",
    "배송",
    "도착하지",
    "비밀번호",
    "쿠폰",
    "영수증",
    "분실 신고",
    "refund",
    "package",
    "order",
    "warranty",
    "invoice",
    "결제 내역",
    "교환은",
    "delivery",
    "분실",
    "신고",
    "재발행",
];

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        measure("SQLite (FTS5 trigram)", Backend::Sqlite).await;
        if std::env::var_os("RINGDESK_TEST_POSTGRES").is_some() {
            measure("PostgreSQL (pg_trgm)", Backend::Postgres).await;
        } else {
            println!("RINGDESK_TEST_POSTGRES is not set: PostgreSQL is not measured");
        }
    });
}

async fn measure(name: &str, backend: Backend) {
    let db = ScratchDatabase::new(backend).await;
    let store = db.open().await;
    store.seed_demo_if_empty(1).await.unwrap();
    let channel = store
        .number_route(ringdesk_store::DEMO_NUMBER)
        .await
        .unwrap()
        .unwrap()
        .channel_id;
    let started = Instant::now();
    let ids = store.reserve_call_ids(TRANSCRIPTS as u32).await.unwrap();
    // SQLite takes one writer at a time (more would wait on its lock until they time out).
    let writers_count = if backend == Backend::Sqlite { 1 } else { 8 };
    let mut writers = Vec::new();
    for w in 0..writers_count {
        let store = store.clone();
        let ids = ids.clone();
        writers.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(w as u64);
            for id in ids.skip(w).step_by(writers_count) {
                write_transcript(&store, channel, id, &mut rng).await;
            }
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    println!(
        "{name}: {TRANSCRIPTS} transcripts (3 lines each) written in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    let mut times = Vec::new();
    let mut hits = 0;
    for round in 0..20 {
        for q in QUERIES {
            let at = Instant::now();
            let found = store.search_transcripts(channel, q, 50).await.unwrap();
            let ms = at.elapsed().as_secs_f64() * 1000.0;
            if round > 0 {
                times.push(ms);
                hits += found.len();
            }
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "{name}: keyword search over {TRANSCRIPTS} transcripts, {} queries: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms ({} hits)",
        times.len(),
        at(0.5),
        at(0.95),
        at(1.0),
        hits
    );
}

async fn write_transcript(store: &Store, channel: i64, id: i64, rng: &mut StdRng) {
    let at = 1_700_000_000_000 + id * 1_000;
    store
        .insert_call(&NewCall {
            id,
            channel_id: channel,
            direction: "inbound",
            number: ringdesk_store::DEMO_NUMBER.into(),
            caller_number: format!("+8210{:08}", id % 100_000_000),
            caller_name: None,
            contact_id: None,
            team_id: None,
            started_at_ms: at,
        })
        .await
        .unwrap();
    store.recording_started(id, channel, at).await.unwrap();
    let lines: Vec<TranscriptLineRow> = (0..3)
        .map(|i| {
            let phrase = if rng.random_range(0..1_000) == 0 {
                RARE[rng.random_range(0..RARE.len())]
            } else {
                PHRASES[rng.random_range(0..PHRASES.len())]
            };
            TranscriptLineRow {
                speaker: if i % 2 == 0 { "customer" } else { "agent" }.into(),
                start_ms: i64::from(i) * 4_000,
                end_ms: i64::from(i) * 4_000 + 3_000,
                text: phrase.into(),
            }
        })
        .collect();
    store.transcript_finished(id, Ok(&lines)).await.unwrap();
}
