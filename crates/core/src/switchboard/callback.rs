//! Queue callbacks: a caller who would rather not wait keeps their place and hangs up; when
//! their turn comes a free manager is rung first, and once that manager answers the customer
//! is dialled — a few times, with a pause between, before the call is given up.
//!
//! While the customer is dialled the call is like one the manager placed: nothing to hold or
//! transfer until the customer answers.

use std::time::{Duration, Instant};

use super::{HangupCause, MissedReason, RingStop, Switchboard, SwitchboardOutput};
use crate::ids::CallId;

/// How many times a callback dials the customer before it gives up.
pub const CALLBACK_ATTEMPTS: u32 = 3;

/// The pause between a callback's tries, unless the switchboard is given another.
pub const CALLBACK_RETRY_PAUSE: Duration = Duration::from_secs(30);

/// A callback's progress.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Callback {
    /// Tries so far.
    attempts: u32,
    /// The next try, after an unanswered one.
    redial_at: Option<Instant>,
}

impl Switchboard {
    /// The caller keeps their place in the queue and may hang up.
    pub(super) fn keep_place_for_callback(&mut self, call: CallId) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        let waiting = c.routing.as_ref().is_some_and(|r| r.queued.is_some());
        if waiting && c.managers.is_empty() && c.callback.is_none() {
            c.callback = Some(Callback::default());
            self.changed.insert(call);
        }
    }

    /// The customer of a call hangs up: true when the call waits for a callback and goes on
    /// without them.
    pub(super) fn left_for_callback(&mut self, call: CallId) -> bool {
        let Some(c) = self.calls.get_mut(&call) else {
            return false;
        };
        let kept = c.callback.is_some() && c.managers.is_empty() && c.customer_present;
        if kept {
            c.customer_present = false;
            self.changed.insert(call);
        }
        kept
    }

    /// A manager took the callback: they are in the call, and the customer is dialled.
    pub(super) fn callback_taken(&mut self, call: CallId) {
        let Some(c) = self.calls.get_mut(&call) else {
            return;
        };
        if c.customer_present {
            return;
        }
        let Some(cb) = c.callback.as_mut() else {
            return;
        };
        // Until the customer answers, the manager waits as for a call they placed.
        c.outbound = true;
        c.answered = false;
        cb.attempts += 1;
        let attempt = cb.attempts;
        self.outputs
            .push_back(SwitchboardOutput::CallCustomerBack { call, attempt });
    }

    /// The customer answered a callback's dial.
    pub(super) fn callback_answered(&mut self, call: CallId) {
        if let Some(c) = self.calls.get_mut(&call).filter(|c| c.callback.is_some()) {
            c.customer_present = true;
        }
    }

    /// A callback's dial failed: another try after the pause, or the end. False when the call
    /// is no callback (a placed call that failed ends as such).
    pub(super) fn callback_unanswered(&mut self, now: Instant, call: CallId) -> bool {
        let pause = self.callback_pause;
        let Some(cb) = self.calls.get_mut(&call).and_then(|c| c.callback.as_mut()) else {
            return false;
        };
        let attempt = cb.attempts;
        let retry_in = (attempt < CALLBACK_ATTEMPTS).then_some(pause);
        cb.redial_at = retry_in.map(|p| now + p);
        self.outputs
            .push_back(SwitchboardOutput::CallbackUnanswered {
                call,
                attempt,
                retry_in,
            });
        if retry_in.is_none() {
            // The customer left the line for a callback and could not be reached again.
            let missed = Some(MissedReason::UserLeft);
            self.end(
                now,
                call,
                HangupCause::NotReached,
                missed,
                RingStop::CallEnded,
            );
        }
        true
    }

    /// The next callback try due.
    pub(super) fn next_redial(&self) -> Option<Instant> {
        self.calls
            .values()
            .filter_map(|c| c.callback.and_then(|cb| cb.redial_at))
            .min()
    }

    /// Dials again the customers whose pause is over.
    pub(super) fn redial_due(&mut self, now: Instant) {
        for (call, c) in &mut self.calls {
            let due = |cb: &&mut Callback| cb.redial_at.is_some_and(|t| t <= now);
            let Some(cb) = c.callback.as_mut().filter(due) else {
                continue;
            };
            cb.redial_at = None;
            cb.attempts += 1;
            let attempt = cb.attempts;
            self.outputs.push_back(SwitchboardOutput::CallCustomerBack {
                call: *call,
                attempt,
            });
        }
    }
}
