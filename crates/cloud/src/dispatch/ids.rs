//! Call ids the dispatcher hands out itself, from blocks reserved in the store ahead of need,
//! so a new call gets its id — and rings — without waiting for the database. A new block is
//! asked for while half of the current one is left; ids of a block never used are skipped.

use std::ops::Range;

use ringdesk_core::CallId;

use super::{Dispatcher, Input};

/// How many ids a reservation takes: ~128 calls may start while one is under way.
pub const BLOCK: u32 = 256;
/// Fewer ids than this left: reserve the next block.
const LOW: i64 = BLOCK as i64 / 2;

/// The ids at hand: the block in use and the next one, if reserved already.
#[derive(Debug)]
pub(super) struct CallIds {
    current: Range<i64>,
    spare: Option<Range<i64>>,
    reserving: bool,
}

impl CallIds {
    pub(super) fn new(first: Range<i64>) -> CallIds {
        CallIds {
            current: first,
            spare: None,
            reserving: false,
        }
    }

    /// The next id; `None` when every reserved id is used (calls came faster than the store
    /// could reserve more).
    pub(super) fn next(&mut self) -> Option<i64> {
        if self.current.is_empty() {
            self.current = self.spare.take()?;
        }
        self.current.next()
    }

    /// Whether to reserve a block now: running low, none spare, none on its way. Saying yes
    /// counts as starting the reservation.
    pub(super) fn wants_block(&mut self) -> bool {
        let low = self.current.end - self.current.start < LOW;
        let wants = low && self.spare.is_none() && !self.reserving;
        self.reserving |= wants;
        wants
    }

    /// A reservation ended: with a block, or failed (the next id asks again).
    pub(super) fn reserved(&mut self, block: Option<Range<i64>>) {
        self.reserving = false;
        if block.is_some() {
            self.spare = block;
        }
    }
}

impl Dispatcher {
    /// A new call's id, reserving the next block when this one runs low.
    pub(super) fn next_call_id(&mut self) -> Option<CallId> {
        let id = self.call_ids.next();
        if self.call_ids.wants_block() {
            let (store, inbox) = (self.store.clone(), self.inbox.clone());
            tokio::spawn(async move {
                let block = store
                    .reserve_call_ids(BLOCK)
                    .await
                    .map_err(|e| e.to_string());
                let _ = inbox.send(Input::CallIdsReserved(block));
            });
        }
        if id.is_none() {
            tracing::error!("no call ids left: the store has not reserved more yet");
        }
        id.map(CallId)
    }

    pub(super) fn call_ids_reserved(&mut self, block: Result<Range<i64>, String>) {
        match block {
            Ok(block) => self.call_ids.reserved(Some(block)),
            Err(e) => {
                tracing::error!("reserving call ids failed (asked again at the next call): {e}");
                self.call_ids.reserved(None);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{BLOCK, CallIds};

    #[test]
    fn ids_run_through_blocks_and_ask_for_the_next_one_at_half() {
        let block = i64::from(BLOCK);
        let mut ids = CallIds::new(1..1 + block);
        let mut asked = Vec::new();
        let mut handed = Vec::new();
        for _ in 0..block {
            handed.push(ids.next().unwrap());
            if ids.wants_block() {
                asked.push(handed.len());
            }
        }
        assert_eq!(handed, (1..1 + block).collect::<Vec<_>>());
        assert_eq!(
            asked,
            [BLOCK as usize / 2 + 1],
            "asked once, at half, while under way"
        );
        assert_eq!(ids.next(), None, "used up before the next block came");
        ids.reserved(Some(1000..1000 + block));
        assert_eq!(ids.next(), Some(1000), "then on with the new block");
        assert!(!ids.wants_block(), "a full block in use");
    }

    #[test]
    fn a_failed_reservation_is_asked_for_again() {
        let mut ids = CallIds::new(1..3);
        assert_eq!(ids.next(), Some(1));
        assert!(ids.wants_block());
        assert!(!ids.wants_block(), "one reservation at a time");
        ids.reserved(None);
        assert!(
            ids.wants_block(),
            "after a failure, the next call asks again"
        );
    }
}
