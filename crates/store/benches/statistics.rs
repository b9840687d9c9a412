//! Every channel metric over 90 days of 1,000,000 calls: p50 and p95 response time of the two
//! statistics reads a statistics page makes (calls per slot, team and queue; managers with
//! their time in each status) on SQLite and, when `RINGDESK_TEST_POSTGRES` names a server, on
//! PostgreSQL. The calls are written in bulk by SQL (the write path is measured elsewhere):
//! a tenth placed, 80 % of the rest queued, a fifth of those missed for one of the seven
//! reasons, with hold and wrap-up on some; each answered call has a leg, every fourth inbound
//! call a ring that timed out, and each manager changes status every 30 minutes.
//! `cargo bench -p ringdesk-store --bench statistics` (a minute or two per backend).

// A benchmark measures wall time.
#![allow(clippy::disallowed_methods, missing_docs)]

use std::time::Instant;

use ringdesk_store::scratch::ScratchDatabase;
use ringdesk_store::{Backend, DEMO_NUMBER};

const CALLS: i64 = 1_000_000;
const DAY_MS: i64 = 86_400_000;
const DAYS: i64 = 90;
/// 1 January 2026, midnight UTC.
const T0: i64 = 1_767_225_600_000;
const ROUNDS: usize = 30;

/// The calls, one per `n` in `0..$2`: `h` is `n` scrambled, and decides everything else.
/// `$1` channel, `$3` team, `$4` the first call's id, `$5` the period's start.
const CALLS_SQL: &str = "WITH RECURSIVE seq(n) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < $2), \
 r AS (SELECT n, (n * 2654435761) % 1000003 AS h FROM seq), \
 c AS (SELECT n, h, \
   $5 + n * 7776 + h % 7000 AS start, \
   h % 10 = 0 AS out, \
   h % 10 <> 0 AND h % 100 >= 80 AS missed, \
   h % 10 <> 0 AND h % 5 <> 0 AS queued FROM r), \
 a AS (SELECT n, h, start, out, missed, queued, \
   CASE WHEN out AND h % 3 <> 0 THEN start + 9000 \
        WHEN out OR missed THEN NULL \
        ELSE start + 4000 + (h / 7) % 40000 END AS answered FROM c) \
 INSERT INTO calls (id, channel_id, direction, number, caller_number, team_id, started_at_ms, \
   answered_at_ms, ended_at_ms, hangup_cause, missed_reason, queue_team_id, queued_at_ms, \
   hold_ms, wrap_up_closed_at_ms) \
 SELECT $4 + n, $1, CASE WHEN out THEN 'outbound' ELSE 'inbound' END, '+8215880000', \
   '+8210' || CAST(10000000 + h AS TEXT), CASE WHEN out THEN NULL ELSE $3 END, start, \
   CASE WHEN missed THEN NULL ELSE answered END, \
   CASE WHEN answered IS NOT NULL THEN answered + 30000 + (h / 11) % 600000 \
        ELSE start + 4000 + (h / 13) % 90000 END, \
   CASE WHEN missed THEN 'customerHangup' ELSE 'managerHangup' END, \
   CASE WHEN NOT missed THEN NULL ELSE CASE (h / 100) % 7 \
     WHEN 0 THEN 'notInOperation' WHEN 1 THEN 'noOperator' WHEN 2 THEN 'abandonedInQueue' \
     WHEN 3 THEN 'ringTimeOver' WHEN 4 THEN 'userleft' WHEN 5 THEN 'exceededQueue' \
     ELSE 'workflow' END END, \
   CASE WHEN queued THEN $3 END, CASE WHEN queued THEN start + 4000 END, \
   CASE WHEN answered IS NOT NULL AND NOT out AND h % 4 = 0 THEN 25000 ELSE 0 END, \
   CASE WHEN answered IS NOT NULL AND NOT out AND h % 2 = 0 \
     THEN answered + 30000 + (h / 11) % 600000 + (h / 17) % 120000 END \
 FROM a";

/// A leg for each answered or placed call (`$1` channel, `$2`–`$4` managers).
const LEGS_SQL: &str = "INSERT INTO call_legs (call_id, \
   manager_id, purpose, rang_at_ms, answered_at_ms, ended_at_ms, outcome) \
 SELECT id, CASE id % 3 WHEN 0 THEN $2 WHEN 1 THEN $3 ELSE $4 END, \
   CASE WHEN direction = 'outbound' THEN 'dial' ELSE 'route' END, \
   CASE WHEN direction = 'inbound' THEN queued_at_ms + 1000 END, \
   CASE WHEN direction = 'outbound' THEN started_at_ms ELSE answered_at_ms END, \
   ended_at_ms, 'left' \
 FROM calls WHERE channel_id = $1 AND (direction = 'outbound' OR answered_at_ms IS NOT NULL)";

/// A ring that timed out on every fourth inbound call (`$1` channel, `$2`–`$4` managers).
const MISSED_RINGS_SQL: &str = "INSERT INTO call_legs (call_id, \
   manager_id, purpose, rang_at_ms, ended_at_ms, outcome) \
 SELECT id, CASE id % 3 WHEN 0 THEN $3 WHEN 1 THEN $4 ELSE $2 END, \
   'route', started_at_ms + 1000, started_at_ms + 21000, 'timedOut' \
 FROM calls WHERE channel_id = $1 AND direction = 'inbound' AND id % 4 = 0";

/// Each manager's status every 30 minutes (`$1` channel, `$2` manager, `$3` start, `$4` count).
const STATUSES_SQL: &str = "WITH RECURSIVE seq(n) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < $4) \
 INSERT INTO manager_statuses (channel_id, manager_id, status, from_ms) \
 SELECT $1, $2, CASE n % 4 WHEN 0 THEN 'available' WHEN 1 THEN 'inCall' \
   WHEN 2 THEN 'wrapUp' ELSE 'away' END, $3 + n * 1800000 FROM seq";

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        measure("SQLite", Backend::Sqlite).await;
        if std::env::var_os("RINGDESK_TEST_POSTGRES").is_some() {
            measure("PostgreSQL", Backend::Postgres).await;
        } else {
            println!("RINGDESK_TEST_POSTGRES is not set: PostgreSQL is not measured");
        }
    });
}

/// Runs the bulk writes on a connection of the bench's own.
async fn fill(db: &ScratchDatabase, backend: Backend, channel: i64, team: i64, managers: &[i64]) {
    macro_rules! fill_on {
        ($pool:expr) => {{
            let pool = $pool;
            sqlx::query(CALLS_SQL)
                .bind(channel)
                .bind(CALLS)
                .bind(team)
                .bind(1_000_000_000_i64)
                .bind(T0)
                .execute(&pool)
                .await
                .unwrap();
            // Three in turn, whatever the team's size.
            let turn = |i: usize| managers[i % managers.len()];
            for sql in [LEGS_SQL, MISSED_RINGS_SQL] {
                sqlx::query(sql)
                    .bind(channel)
                    .bind(turn(0))
                    .bind(turn(1))
                    .bind(turn(2))
                    .execute(&pool)
                    .await
                    .unwrap();
            }
            for &m in managers {
                sqlx::query(STATUSES_SQL)
                    .bind(channel)
                    .bind(m)
                    .bind(T0)
                    .bind(DAYS * 48)
                    .execute(&pool)
                    .await
                    .unwrap();
            }
            pool.close().await;
        }};
    }
    match backend {
        Backend::Sqlite => fill_on!(sqlx::SqlitePool::connect(db.url()).await.unwrap()),
        Backend::Postgres => fill_on!(sqlx::PgPool::connect(db.url()).await.unwrap()),
    }
}

/// Brings the planner's statistics up to date, as a database in service has them.
async fn analyze(db: &ScratchDatabase, backend: Backend) {
    match backend {
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(db.url()).await.unwrap();
            sqlx::query("ANALYZE").execute(&pool).await.unwrap();
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(db.url()).await.unwrap();
            sqlx::query("VACUUM ANALYZE").execute(&pool).await.unwrap();
        }
    }
}

async fn measure(name: &str, backend: Backend) {
    let db = ScratchDatabase::new(backend).await;
    let store = db.open().await;
    store.seed_demo_if_empty(1).await.unwrap();
    let route = store.number_route(DEMO_NUMBER).await.unwrap().unwrap();
    let (channel, team) = (route.channel_id, route.team_id.unwrap());
    let started = Instant::now();
    fill(&db, backend, channel, team, &route.members).await;
    println!(
        "{name}: {CALLS} calls over {DAYS} days written in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    export_all(name, &store, channel).await;
    let started = Instant::now();
    store.rebuild_statistics(channel).await.unwrap();
    println!(
        "{name}: the sums rebuilt from the record in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    analyze(&db, backend).await;
    let (from, to) = (T0, T0 + DAYS * DAY_MS);
    let mut totals = Vec::new();
    let mut parts: [Vec<f64>; 2] = Default::default();
    let mut counted = 0;
    for round in 0..=ROUNDS {
        let round_start = Instant::now();
        let mut lap = Instant::now();
        let mut split = |i: usize, parts: &mut [Vec<f64>; 2]| {
            parts[i].push(lap.elapsed().as_secs_f64() * 1000.0);
            lap = Instant::now();
        };
        let period = store.period_figures(channel, from, to, None).await.unwrap();
        split(0, &mut parts);
        let managers = store.manager_figures(channel, from, to, to).await.unwrap();
        split(1, &mut parts);
        // The first round warms the caches; it is not counted.
        if round > 0 {
            totals.push(round_start.elapsed().as_secs_f64() * 1000.0);
        } else {
            for p in &mut parts {
                p.clear();
            }
        }
        counted = period.slots.iter().map(|s| s.calls).sum::<i64>();
        let by_team = period.teams.iter().map(|t| t.figures.calls).sum::<i64>();
        assert_eq!(by_team, counted);
        assert!(!period.queues.is_empty() && !managers.is_empty());
    }
    totals.sort_by(f64::total_cmp);
    let at = |v: &[f64], q: f64| v[((v.len() - 1) as f64 * q) as usize];
    let mut medians = Vec::new();
    for (label, p) in ["calls by slot, team and queue", "managers"]
        .iter()
        .zip(&mut parts)
    {
        p.sort_by(f64::total_cmp);
        medians.push(format!("{label} {:.0}", at(p, 0.5)));
    }
    println!(
        "{name}: every channel metric over {DAYS} days of {CALLS} calls, {ROUNDS} rounds: \
         p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms (medians, ms: {}; {counted} calls counted)",
        at(&totals, 0.5),
        at(&totals, 0.95),
        at(&totals, 1.0),
        medians.join(", ")
    );
}

/// This process's resident memory now, KiB.
fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Reads every call a page at a time as the CSV export does: the time, and how far resident
/// memory grew above where it started.
async fn export_all(name: &str, store: &ringdesk_store::Store, channel: i64) {
    let before = resident_kib();
    let mut peak = before;
    let started = Instant::now();
    let (mut cursor, mut rows) = (None, 0usize);
    loop {
        let page = store
            .export_page(channel, T0, T0 + DAYS * DAY_MS, cursor, 1_000)
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        cursor = Some((last.started_at_ms, last.id));
        rows += page.len();
        peak = peak.max(resident_kib());
    }
    assert_eq!(rows as i64, CALLS);
    println!(
        "{name}: export of {rows} calls read in {:.1} s, resident memory +{:.1} MiB at most",
        started.elapsed().as_secs_f64(),
        (peak - before) as f64 / 1024.0
    );
}
