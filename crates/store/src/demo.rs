//! Demo data for the first start: one channel, one team, two managers, three contacts and one
//! number, so `cargo xtask run` rings something real right away.

use crate::{Result, Store, on_pool};

/// A demo login.
#[derive(Debug, Clone, Copy)]
pub struct DemoManager {
    /// Display name.
    pub name: &'static str,
    /// Login email.
    pub email: &'static str,
    /// Password (demo only; printed by `cargo xtask run`).
    pub password: &'static str,
}

/// The demo managers, in the team's ring order.
pub const DEMO_MANAGERS: [DemoManager; 2] = [
    DemoManager {
        name: "김민지",
        email: "minji@demo.ringdesk.dev",
        password: "ringdesk-demo-1",
    },
    DemoManager {
        name: "이준호",
        email: "junho@demo.ringdesk.dev",
        password: "ringdesk-demo-2",
    },
];

/// The demo channel's number (070-7666-0100 in E.164).
pub const DEMO_NUMBER: &str = "+827076660100";
/// The demo channel's second number: the cloud puts its demo IVR in front of it.
pub const DEMO_IVR_NUMBER: &str = "+827076660200";

/// (name, phone, email, profile fields) of a demo contact.
type DemoContact = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// The demo contacts. 박서연 has one profile field more than a ring shows, so the demo (and the
/// suites that call as her) show the cap at work.
const CONTACTS: [DemoContact; 3] = [
    (
        "박서연",
        "+821012345678",
        "seoyeon@example.kr",
        &[
            ("고객 등급", "VIP"),
            ("최근 주문", "#20261118-0042"),
            ("메모", "배송 문의 잦음"),
            ("선호 연락 시간", "오후 2시 이후"),
        ],
    ),
    (
        "최도윤",
        "+821098765432",
        "doyun@example.kr",
        &[
            ("고객 등급", "일반"),
            ("최근 주문", "#20261102-0107"),
            ("회사", "도윤상사"),
        ],
    ),
    (
        "Emily Carter",
        "+14155550123",
        "emily@example.com",
        &[
            ("Plan", "Business"),
            ("Language", "English"),
            ("Timezone", "America/Los_Angeles"),
        ],
    ),
];

pub(crate) async fn seed(store: &Store, now_ms: i64) -> Result<()> {
    let mut hashes = Vec::with_capacity(DEMO_MANAGERS.len());
    for m in &DEMO_MANAGERS {
        hashes.push(crate::password::hash(m.password).await?);
    }
    on_pool!(store, |p| {
        let mut tx = p.begin().await?;
        let channel: i64 = sqlx::query_scalar(
            "INSERT INTO channels (name, created_at_ms) VALUES ('링데스크 데모', $1) RETURNING id",
        )
        .bind(now_ms)
        .fetch_one(&mut *tx)
        .await?;
        let team: i64 = sqlx::query_scalar(
            "INSERT INTO teams (channel_id, name) VALUES ($1, '고객지원팀') RETURNING id",
        )
        .bind(channel)
        .fetch_one(&mut *tx)
        .await?;
        for (position, (m, hash)) in DEMO_MANAGERS.iter().zip(&hashes).enumerate() {
            let role = if position == 0 { "owner" } else { "manager" };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO managers (channel_id, name, email, password_hash, role, \
                 outbound_permission) VALUES ($1, $2, $3, $4, $5, TRUE) RETURNING id",
            )
            .bind(channel)
            .bind(m.name)
            .bind(m.email)
            .bind(hash)
            .bind(role)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO team_members (team_id, manager_id, position) VALUES ($1, $2, $3)",
            )
            .bind(team)
            .bind(id)
            .bind(position as i64)
            .execute(&mut *tx)
            .await?;
        }
        for (name, phone, email, fields) in CONTACTS {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO contacts (channel_id, name, phone, email, created_at_ms) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(channel)
            .bind(name)
            .bind(phone)
            .bind(email)
            .bind(now_ms)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO contact_numbers (contact_id, channel_id, position, e164) \
                 VALUES ($1, $2, 0, $3)",
            )
            .bind(id)
            .bind(channel)
            .bind(phone)
            .execute(&mut *tx)
            .await?;
            for (position, (k, v)) in fields.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO contact_fields (contact_id, position, name, value) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(position as i64)
                .bind(k)
                .bind(v)
                .execute(&mut *tx)
                .await?;
            }
        }
        sqlx::query(
            "INSERT INTO numbers (channel_id, e164, team_id, label) VALUES ($1, $2, $3, '대표번호')",
        )
        .bind(channel)
        .bind(DEMO_NUMBER)
        .bind(team)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO numbers (channel_id, e164, team_id, label) VALUES ($1, $2, $3, 'IVR 데모')",
        )
        .bind(channel)
        .bind(DEMO_IVR_NUMBER)
        .bind(team)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    })
}
