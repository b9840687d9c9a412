//! Call records, written as a call goes (start, rings, answers, parallel parties, end) and read
//! back a page at a time.

use std::ops::Range;

use crate::statistics::{add_call_to_statistics, status_writes, write_sums};
use crate::workflow_records::{WorkflowRecords, records_where};
use crate::{
    CallEvent, CallManagerRow, CallPartyRow, CallRow, CallbackStep, ManagerPart, NewCall, Result,
    Store, on_pool,
};

/// Picks a call's latest parallel party: one line runs at a time, and its events are written
/// in order, so the latest row is the party an event is about.
macro_rules! latest_party {
    ($call:literal) => {
        concat!(
            "(SELECT MAX(id) FROM call_parties WHERE call_id = ",
            $call,
            ")"
        )
    };
}

/// Picks a manager's open leg of a call (`$1` the call, `$2` the manager) that is, or is not
/// yet, answered: one ring or join of theirs is open at a time, the latest.
macro_rules! open_leg {
    ($answered:literal) => {
        concat!(
            "(SELECT MAX(id) FROM call_legs WHERE call_id = $1 AND manager_id = $2 \
             AND ended_at_ms IS NULL AND ",
            $answered,
            ")"
        )
    };
}

/// Opens a leg (`$1` call, `$2` manager, `$3` purpose, `$4` ring time, `$5` answer time).
const OPEN_LEG: &str = "INSERT INTO call_legs \
     (call_id, manager_id, purpose, rang_at_ms, answered_at_ms) VALUES ($1, $2, $3, $4, $5)";

/// What closing a call sets besides its end (`$1` the end): the talk seconds, and a hold
/// still running counted into the hold time.
macro_rules! close_call {
    () => {
        "duration_s = CASE WHEN answered_at_ms IS NULL THEN 0 \
         ELSE ($1 - answered_at_ms) / 1000 END, \
         hold_ms = hold_ms + CASE WHEN held_since_ms IS NULL THEN 0 \
         ELSE $1 - held_since_ms END, held_since_ms = NULL"
    };
}

/// The columns of [`CallRow`], as a literal so queries stay static strings.
macro_rules! call_columns {
    () => {
        "id, direction, number, caller_number, caller_name, started_at_ms, answered_at_ms, \
         ended_at_ms, duration_s, hangup_cause, missed_reason, callback_requested_at_ms, \
         callback_attempts, callback_answered_at_ms"
    };
}

/// One page of a channel's calls, newest first: `$1` channel, `$2` caller or NULL, `$3` page
/// size, `$4` offset. The page's parts are read with the same filter (`read_parts!`), so a page
/// costs the same seven queries whatever its size.
macro_rules! page_filter {
    () => {
        "channel_id = $1 AND ($2 IS NULL OR caller_number = $2)"
    };
}
macro_rules! page_ids {
    () => {
        concat!(
            "SELECT id FROM calls WHERE ",
            page_filter!(),
            " ORDER BY started_at_ms DESC, id DESC LIMIT $3 OFFSET $4"
        )
    };
}

/// The managers' events of the calls `WHERE cm.call_id …` picks, in the order recorded.
macro_rules! call_managers_where {
    ($($condition:tt)*) => {
        concat!(
            "SELECT cm.call_id, cm.manager_id AS id, m.name, cm.role, cm.purpose, \
             cm.by_manager_id, cm.cause \
             FROM call_managers cm JOIN managers m ON m.id = cm.manager_id WHERE cm.call_id ",
            $($condition)*,
            " ORDER BY cm.id"
        )
    };
}

/// The parallel parties of the calls `WHERE call_id …` picks, in the order dialled.
macro_rules! call_parties_where {
    ($($condition:tt)*) => {
        concat!(
            "SELECT call_id, number, by_manager_id, started_at_ms, answered_at_ms, ended_at_ms, \
             outcome FROM call_parties WHERE call_id ",
            $($condition)*,
            " ORDER BY id"
        )
    };
}

/// Reads the parts of the calls `WHERE call_id <condition>` picks — the managers' events, the
/// parallel parties, what a workflow left — binding the condition's parameters, and puts each
/// on its call: a page costs the same five queries as a single call.
macro_rules! read_parts {
    ($p:expr, $calls:expr, [$($condition:tt)*], $($bind:expr),+) => {{
        let managers: Vec<CallManagerEvent> =
            sqlx::query_as(call_managers_where!($($condition)*))$(.bind($bind))+.fetch_all($p).await?;
        let parties: Vec<CallPartyEvent> =
            sqlx::query_as(call_parties_where!($($condition)*))$(.bind($bind))+.fetch_all($p).await?;
        attach_parts($calls, managers, parties);
        WorkflowRecords {
            inputs: sqlx::query_as(records_where!(
                "label, value", "call_inputs", "call_id, at_ms", $($condition)*
            ))$(.bind($bind))+.fetch_all($p).await?,
            tags: sqlx::query_as(records_where!("tag", "call_tags", "call_id, tag", $($condition)*))
                $(.bind($bind))+.fetch_all($p).await?,
            voicemails: sqlx::query_as(records_where!(
                "duration_ms", "call_voicemails", "call_id", $($condition)*
            ))$(.bind($bind))+.fetch_all($p).await?,
            sms: sqlx::query_as(records_where!(
                "to_number, text, error", "call_sms", "call_id, at_ms", $($condition)*
            ))$(.bind($bind))+.fetch_all($p).await?,
        }
        .attach($calls);
    }};
}

/// A manager event with the call it belongs to.
#[derive(sqlx::FromRow)]
struct CallManagerEvent {
    call_id: i64,
    #[sqlx(flatten)]
    row: CallManagerRow,
}

/// A parallel party with the call it belongs to.
#[derive(sqlx::FromRow)]
struct CallPartyEvent {
    call_id: i64,
    #[sqlx(flatten)]
    row: CallPartyRow,
}

/// Hands each call its managers and parties; both lists are ordered as recorded.
fn attach_parts(
    calls: &mut [CallRow],
    managers: Vec<CallManagerEvent>,
    parties: Vec<CallPartyEvent>,
) {
    for m in managers {
        if let Some(c) = calls.iter_mut().find(|c| c.id == m.call_id) {
            c.managers.push(m.row);
        }
    }
    for p in parties {
        if let Some(c) = calls.iter_mut().find(|c| c.id == p.call_id) {
            c.parties.push(p.row);
        }
    }
}

impl Store {
    /// Reserves `count` call ids for the cloud to hand out itself: new calls ring at once and
    /// their records follow ([`CallEvent::Started`]). Ids of a block never used are skipped.
    pub async fn reserve_call_ids(&self, count: u32) -> Result<Range<i64>> {
        let count = i64::from(count);
        let start: i64 = on_pool!(self, |p| sqlx::query_scalar(
            "UPDATE id_blocks SET next_id = next_id + $1 WHERE name = 'calls' \
             RETURNING next_id - $1"
        )
        .bind(count)
        .fetch_one(p)
        .await?);
        Ok(start..start + count)
    }

    /// Writes one event of a call to its record.
    pub async fn record(&self, event: &CallEvent) -> Result<()> {
        match event {
            CallEvent::Started(call) => self.insert_call(call).await,
            CallEvent::Manager {
                call_id,
                manager_id,
                part,
                at_ms,
            } => {
                self.record_manager(*call_id, *manager_id, *part, *at_ms)
                    .await
            }
            CallEvent::Queued {
                call_id,
                team_id,
                manager_id,
                at_ms,
            } => {
                self.call_queued(*call_id, *team_id, *manager_id, *at_ms)
                    .await
            }
            CallEvent::Hold {
                call_id,
                held,
                by_manager_id,
                at_ms,
            } => {
                self.call_hold(*call_id, *held, *by_manager_id, *at_ms)
                    .await
            }
            CallEvent::OutboundAnswered { call_id, at_ms } => {
                self.outbound_answered(*call_id, *at_ms).await
            }
            CallEvent::Callback {
                call_id,
                step,
                at_ms,
            } => self.callback_step(*call_id, *step, *at_ms).await,
            CallEvent::Ended {
                call_id,
                at_ms,
                cause,
                missed_reason,
            } => self.end_call(*call_id, *at_ms, cause, *missed_reason).await,
            CallEvent::PartyDialled {
                call_id,
                number,
                by_manager_id,
                at_ms,
            } => {
                self.party_dialled(*call_id, number, *by_manager_id, *at_ms)
                    .await
            }
            CallEvent::PartyAnswered { call_id, at_ms } => {
                self.party_answered(*call_id, *at_ms).await
            }
            CallEvent::PartyOutcome {
                call_id,
                outcome,
                ended_at_ms,
            } => self.party_outcome(*call_id, outcome, *ended_at_ms).await,
            CallEvent::WorkflowStep {
                call_id,
                workflow_id,
                version,
                step_id,
                event,
                key,
                at_ms,
            } => {
                self.record_step(
                    *call_id,
                    *workflow_id,
                    *version,
                    *step_id,
                    event,
                    *key,
                    *at_ms,
                )
                .await
            }
            CallEvent::Input {
                call_id,
                label,
                value,
                at_ms,
            } => self.record_input(*call_id, label, value, *at_ms).await,
            CallEvent::Tagged { call_id, tag } => self.record_tag(*call_id, tag).await,
            CallEvent::Sms {
                call_id,
                to,
                text,
                error,
                at_ms,
            } => {
                self.record_sms(*call_id, to, text, error.as_deref(), *at_ms)
                    .await
            }
            CallEvent::Voicemail {
                call_id,
                wav,
                duration_ms,
                at_ms,
            } => {
                self.record_voicemail(*call_id, wav, *duration_ms, *at_ms)
                    .await
            }
        }
    }

    /// Records a new call as it starts, under the id it was given.
    pub async fn insert_call(&self, c: &NewCall) -> Result<()> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(
                "INSERT INTO calls (id, channel_id, direction, number, caller_number, \
                 caller_name, contact_id, team_id, started_at_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(c.id)
            .bind(c.channel_id)
            .bind(c.direction)
            .bind(&c.number)
            .bind(&c.caller_number)
            .bind(&c.caller_name)
            .bind(c.contact_id)
            .bind(c.team_id)
            .bind(c.started_at_ms)
            .execute(&mut *tx)
            .await?;
            // Every call opens its conversation in the inbox (docs/product.md#inbox).
            sqlx::query(
                "INSERT INTO conversations (id, channel_id, call_id, state, updated_at_ms) \
                 VALUES ($1, $2, $1, 'open', $3)",
            )
            .bind(c.id)
            .bind(c.channel_id)
            .bind(c.started_at_ms)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Records one event of a manager's part in a call: the part itself (`call_managers`) and,
    /// in the same transaction, the leg it opens or closes (`call_legs`).
    pub async fn record_manager(
        &self,
        call_id: i64,
        manager_id: i64,
        part: ManagerPart<'_>,
        at_ms: i64,
    ) -> Result<()> {
        let (role, purpose, by, cause) = match part {
            ManagerPart::Rang { purpose, by } => ("rang", Some(purpose), by, None),
            ManagerPart::Declined => ("declined", None, None, None),
            ManagerPart::Answered { purpose } => ("answered", Some(purpose), None, None),
            ManagerPart::Left { cause } => ("left", None, None, Some(cause)),
            ManagerPart::RingStopped { reason } => ("ringStopped", None, None, Some(reason)),
        };
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            if role == "ringStopped" {
                sqlx::query(
                    "INSERT INTO call_events (call_id, kind, at_ms, manager_id, detail) \
                     VALUES ($1, 'ringStopped', $2, $3, $4)",
                )
                .bind(call_id)
                .bind(at_ms)
                .bind(manager_id)
                .bind(cause)
                .execute(&mut *tx)
                .await?;
            } else {
                sqlx::query(
                    "INSERT INTO call_managers \
                     (call_id, manager_id, role, at_ms, purpose, by_manager_id, cause) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(call_id)
                .bind(manager_id)
                .bind(role)
                .bind(at_ms)
                .bind(purpose)
                .bind(by)
                .bind(cause)
                .execute(&mut *tx)
                .await?;
            }
            match part {
                ManagerPart::Rang { purpose, .. } => {
                    sqlx::query(OPEN_LEG)
                        .bind(call_id)
                        .bind(manager_id)
                        .bind(purpose)
                        .bind(at_ms)
                        .bind(None::<i64>)
                        .execute(&mut *tx)
                        .await?;
                }
                ManagerPart::Answered { purpose } => {
                    let rung = sqlx::query(concat!(
                        "UPDATE call_legs SET answered_at_ms = $3 WHERE id = ",
                        open_leg!("answered_at_ms IS NULL")
                    ))
                    .bind(call_id)
                    .bind(manager_id)
                    .bind(at_ms)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if rung == 0 {
                        // Joined without a ring: a pick-up, a dial, a callback taken.
                        sqlx::query(OPEN_LEG)
                            .bind(call_id)
                            .bind(manager_id)
                            .bind(purpose)
                            .bind(None::<i64>)
                            .bind(at_ms)
                            .execute(&mut *tx)
                            .await?;
                    }
                    // A placed call is answered by the called party, not by the manager who
                    // dials.
                    sqlx::query(
                        "UPDATE calls SET answered_at_ms = COALESCE(answered_at_ms, $1) \
                         WHERE id = $2 AND direction = 'inbound'",
                    )
                    .bind(at_ms)
                    .bind(call_id)
                    .execute(&mut *tx)
                    .await?;
                }
                ManagerPart::Declined | ManagerPart::RingStopped { .. } => {
                    sqlx::query(concat!(
                        "UPDATE call_legs SET ended_at_ms = $3, outcome = $4 WHERE id = ",
                        open_leg!("answered_at_ms IS NULL")
                    ))
                    .bind(call_id)
                    .bind(manager_id)
                    .bind(at_ms)
                    .bind(cause.unwrap_or("declined"))
                    .execute(&mut *tx)
                    .await?;
                }
                ManagerPart::Left { cause } => {
                    sqlx::query(concat!(
                        "UPDATE call_legs SET ended_at_ms = $3, outcome = $4 WHERE id = ",
                        open_leg!("answered_at_ms IS NOT NULL")
                    ))
                    .bind(call_id)
                    .bind(manager_id)
                    .bind(at_ms)
                    .bind(cause)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// The call joined a queue: the first queue and its entry time are kept on the call.
    pub async fn call_queued(
        &self,
        call_id: i64,
        team_id: Option<i64>,
        manager_id: Option<i64>,
        at_ms: i64,
    ) -> Result<()> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(
                "INSERT INTO call_events (call_id, kind, at_ms, manager_id, team_id) \
                 VALUES ($1, 'queued', $2, $3, $4)",
            )
            .bind(call_id)
            .bind(at_ms)
            .bind(manager_id)
            .bind(team_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE calls SET queued_at_ms = $2, queue_team_id = $3, queue_manager_id = $4 \
                 WHERE id = $1 AND queued_at_ms IS NULL",
            )
            .bind(call_id)
            .bind(at_ms)
            .bind(team_id)
            .bind(manager_id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The customer went on hold or came back: the call's hold time grows by each stretch.
    pub async fn call_hold(
        &self,
        call_id: i64,
        held: bool,
        by_manager_id: i64,
        at_ms: i64,
    ) -> Result<()> {
        let update = if held {
            "UPDATE calls SET held_since_ms = COALESCE(held_since_ms, $2) WHERE id = $1"
        } else {
            "UPDATE calls SET hold_ms = hold_ms + ($2 - held_since_ms), held_since_ms = NULL \
             WHERE id = $1 AND held_since_ms IS NOT NULL"
        };
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(
                "INSERT INTO call_events (call_id, kind, at_ms, manager_id) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(call_id)
            .bind(if held { "held" } else { "resumed" })
            .bind(at_ms)
            .bind(by_manager_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(update)
                .bind(call_id)
                .bind(at_ms)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// At start, before any app connects: every manager whose last logged status is not
    /// `offline` went offline now (the service stopped under them), so their time in a status
    /// does not run on through the outage. Returns how many.
    pub async fn log_everyone_offline(&self, now_ms: i64) -> Result<u64> {
        let online: Vec<(i64, i64)> = on_pool!(self, |p| sqlx::query_as(
            "SELECT channel_id, manager_id FROM manager_statuses WHERE id IN \
             (SELECT MAX(id) FROM manager_statuses GROUP BY manager_id) AND status <> 'offline'"
        )
        .fetch_all(p)
        .await?);
        for &(channel_id, manager_id) in &online {
            self.log_status(channel_id, manager_id, "offline", now_ms)
                .await?;
        }
        Ok(online.len() as u64)
    }

    /// A manager's status as others see it changed (`available`, `away`, `inCall`,
    /// `wrapUp`, `offline`): time in each status is read from these.
    pub async fn log_status(
        &self,
        channel_id: i64,
        manager_id: i64,
        status: &str,
        at_ms: i64,
    ) -> Result<()> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            // The status it leaves: its time is summed now.
            let previous: Option<(String, i64)> = sqlx::query_as(
                "SELECT status, from_ms FROM manager_statuses WHERE manager_id = $1 \
                 ORDER BY id DESC LIMIT 1",
            )
            .bind(manager_id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((was, since)) = previous {
                let writes = status_writes(channel_id, manager_id, &was, since, at_ms);
                write_sums!(tx, writes);
            }
            sqlx::query(
                "INSERT INTO manager_statuses (channel_id, manager_id, status, from_ms) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(channel_id)
            .bind(manager_id)
            .bind(status)
            .bind(at_ms)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The called party of a placed call answered: the talk time starts now.
    pub async fn outbound_answered(&self, call_id: i64, at_ms: i64) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE calls SET answered_at_ms = COALESCE(answered_at_ms, $1) WHERE id = $2"
        )
        .bind(at_ms)
        .bind(call_id)
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Notes a queue callback's progress on its call.
    pub async fn callback_step(&self, call_id: i64, step: CallbackStep, at_ms: i64) -> Result<()> {
        // Each statement takes the time as $1 (a try's count has no use for it but keeps it
        // bound the same way).
        let sql = match step {
            CallbackStep::Requested => {
                "UPDATE calls SET callback_requested_at_ms = $1 WHERE id = $2"
            }
            CallbackStep::Dialled => {
                "UPDATE calls SET callback_attempts = callback_attempts + 1 \
                 WHERE id = $2 AND callback_requested_at_ms <= $1"
            }
            CallbackStep::Answered => {
                "UPDATE calls SET callback_answered_at_ms = $1, \
                 answered_at_ms = COALESCE(answered_at_ms, $1) WHERE id = $2"
            }
        };
        on_pool!(self, |p| sqlx::query(sql)
            .bind(at_ms)
            .bind(call_id)
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Closes a call record: end time, talk duration, cause and missed reason. A record
    /// already closed keeps its first end.
    pub async fn end_call(
        &self,
        call_id: i64,
        ended_at_ms: i64,
        cause: &str,
        missed_reason: Option<&str>,
    ) -> Result<()> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let ended = sqlx::query(concat!(
                "UPDATE calls SET ended_at_ms = $1, hangup_cause = $2, missed_reason = $3, ",
                close_call!(),
                " WHERE id = $4 AND ended_at_ms IS NULL"
            ))
            .bind(ended_at_ms)
            .bind(cause)
            .bind(missed_reason)
            .bind(call_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            // Rings and legs still open end with the call.
            sqlx::query(
                "UPDATE call_legs SET ended_at_ms = $2, outcome = $3 \
                 WHERE call_id = $1 AND ended_at_ms IS NULL",
            )
            .bind(call_id)
            .bind(ended_at_ms)
            .bind(cause)
            .execute(&mut *tx)
            .await?;
            if ended > 0 {
                add_call_to_statistics!(tx, call_id);
            }
            // A missed call's conversation goes to the missed list.
            if missed_reason.is_some() {
                sqlx::query(
                    "UPDATE conversations SET state = 'missed', missed = $2, \
                     updated_at_ms = $3 WHERE id = $1",
                )
                .bind(call_id)
                .bind(true)
                .bind(ended_at_ms)
                .execute(&mut *tx)
                .await?;
            } else {
                sqlx::query("UPDATE conversations SET updated_at_ms = $2 WHERE id = $1")
                    .bind(call_id)
                    .bind(ended_at_ms)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Closes records left open by a crash, so nothing stays "in progress" forever.
    pub async fn close_orphaned_calls(&self, now_ms: i64) -> Result<u64> {
        let r = on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let open: Vec<i64> =
                sqlx::query_scalar("SELECT id FROM calls WHERE ended_at_ms IS NULL")
                    .fetch_all(&mut *tx)
                    .await?;
            for &call_id in &open {
                sqlx::query(concat!(
                    "UPDATE calls SET ended_at_ms = $1, hangup_cause = 'serviceRestart', ",
                    close_call!(),
                    " WHERE id = $2"
                ))
                .bind(now_ms)
                .bind(call_id)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE call_legs SET ended_at_ms = $1, outcome = 'serviceRestart' \
                     WHERE call_id = $2 AND ended_at_ms IS NULL",
                )
                .bind(now_ms)
                .bind(call_id)
                .execute(&mut *tx)
                .await?;
                add_call_to_statistics!(tx, call_id);
            }
            tx.commit().await?;
            open.len() as u64
        });
        Ok(r)
    }

    /// A manager dialled `number` on a parallel line of `call_id`.
    pub async fn party_dialled(
        &self,
        call_id: i64,
        number: &str,
        by_manager_id: i64,
        at_ms: i64,
    ) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "INSERT INTO call_parties (call_id, number, by_manager_id, started_at_ms) \
             VALUES ($1, $2, $3, $4)"
        )
        .bind(call_id)
        .bind(number)
        .bind(by_manager_id)
        .bind(at_ms)
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }

    /// The call's latest parallel party answered.
    pub async fn party_answered(&self, call_id: i64, at_ms: i64) -> Result<()> {
        on_pool!(self, |p| sqlx::query(concat!(
            "UPDATE call_parties SET answered_at_ms = $1 WHERE answered_at_ms IS NULL AND id = ",
            latest_party!("$2")
        ))
        .bind(at_ms)
        .bind(call_id)
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }

    /// How the call's latest parallel party's line went: `merged` (the party stays in the
    /// call; its end is recorded later), or how it ended. The first outcome and end stay.
    pub async fn party_outcome(
        &self,
        call_id: i64,
        outcome: &str,
        ended_at_ms: Option<i64>,
    ) -> Result<()> {
        on_pool!(self, |p| sqlx::query(concat!(
            "UPDATE call_parties SET outcome = COALESCE(outcome, $1), \
             ended_at_ms = COALESCE(ended_at_ms, $2) WHERE id = ",
            latest_party!("$3")
        ))
        .bind(outcome)
        .bind(ended_at_ms)
        .bind(call_id)
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }

    /// One page of a channel's calls, newest first, and the total count; with `caller`, only
    /// that customer's calls (the ring popup's history button). Four queries, whatever the
    /// page size: the count, the page, and the page's managers and parties.
    pub async fn list_calls(
        &self,
        channel_id: i64,
        caller: Option<&str>,
        page: u32,
        per_page: u32,
    ) -> Result<(Vec<CallRow>, i64)> {
        let limit = i64::from(per_page);
        let offset = i64::from(page.saturating_sub(1)) * limit;
        on_pool!(self, |p| {
            let total: i64 =
                sqlx::query_scalar(concat!("SELECT COUNT(*) FROM calls WHERE ", page_filter!()))
                    .bind(channel_id)
                    .bind(caller)
                    .fetch_one(p)
                    .await?;
            let mut calls: Vec<CallRow> = sqlx::query_as(concat!(
                "SELECT ",
                call_columns!(),
                " FROM calls WHERE ",
                page_filter!(),
                " ORDER BY started_at_ms DESC, id DESC LIMIT $3 OFFSET $4"
            ))
            .bind(channel_id)
            .bind(caller)
            .bind(limit)
            .bind(offset)
            .fetch_all(p)
            .await?;
            read_parts!(
                p,
                &mut calls,
                ["IN (", page_ids!(), ")"],
                channel_id,
                caller,
                limit,
                offset
            );
            Ok((calls, total))
        })
    }

    /// One call, only if it belongs to `channel_id` (other channels' calls don't exist for you).
    pub async fn get_call(&self, channel_id: i64, call_id: i64) -> Result<Option<CallRow>> {
        on_pool!(self, |p| {
            let call: Option<CallRow> = sqlx::query_as(concat!(
                "SELECT ",
                call_columns!(),
                " FROM calls WHERE channel_id = $1 AND id = $2"
            ))
            .bind(channel_id)
            .bind(call_id)
            .fetch_optional(p)
            .await?;
            let Some(call) = call else {
                return Ok(None);
            };
            let mut calls = [call];
            read_parts!(p, &mut calls, ["= $1"], call_id);
            let [call] = calls;
            Ok(Some(call))
        })
    }
}
