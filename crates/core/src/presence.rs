//! A manager's presence and the ring-eligibility rules of `docs/product.md#ring-eligibility`.

/// The status a manager picks (or the system sets while in a call).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Green: takes calls.
    Available,
    /// Grey: no calls.
    Away,
    /// Red: set by the system while in a call or meet.
    InCall,
    /// After a call, while the phone conversation is still open.
    WrapUp,
}

/// What the switchboard knows about a manager to decide whether to ring them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Presence {
    /// Has an operator seat (may take or place calls).
    pub operator_seat: bool,
    /// The chosen status.
    pub status: Status,
    /// Do-not-disturb: may be assigned, but is never rung.
    pub do_not_disturb: bool,
    /// The "phone" type is on in their assignment settings: phone calls may be assigned to
    /// them. A manager who only handles chats turns it off and is never rung.
    pub takes_phone_calls: bool,
    /// Has a live app session (someone to ring).
    pub online: bool,
}

/// Why a manager is not rung; the app shows it so nobody wonders why their phone is silent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotRingingReason {
    /// No app session is connected.
    Offline,
    /// The manager has no operator seat.
    NoOperatorSeat,
    /// Status is away.
    Away,
    /// Already in a call (in any channel).
    InCall,
    /// Still wrapping up the previous call.
    WrapUp,
    /// Do-not-disturb is on.
    DoNotDisturb,
    /// Already ringing for another call.
    RingingForAnotherCall,
    /// The "phone" type is off in their assignment settings.
    PhoneOff,
}

impl NotRingingReason {
    /// Stable code for logs and the wire.
    pub fn code(self) -> &'static str {
        match self {
            NotRingingReason::Offline => "offline",
            NotRingingReason::NoOperatorSeat => "noOperatorSeat",
            NotRingingReason::Away => "away",
            NotRingingReason::InCall => "inCall",
            NotRingingReason::WrapUp => "wrapUp",
            NotRingingReason::DoNotDisturb => "doNotDisturb",
            NotRingingReason::RingingForAnotherCall => "ringingForAnotherCall",
            NotRingingReason::PhoneOff => "phoneOff",
        }
    }
}

/// Checks the rules that depend on the manager alone; `busy` adds what the switchboard knows
/// (ringing or talking on another call). Order matters only for which reason is shown first.
pub fn ring_eligibility(
    p: &Presence,
    ringing_elsewhere: bool,
    in_call: bool,
) -> Result<(), NotRingingReason> {
    if !p.online {
        return Err(NotRingingReason::Offline);
    }
    if !p.operator_seat {
        return Err(NotRingingReason::NoOperatorSeat);
    }
    if in_call || p.status == Status::InCall {
        return Err(NotRingingReason::InCall);
    }
    if p.do_not_disturb {
        return Err(NotRingingReason::DoNotDisturb);
    }
    if !p.takes_phone_calls {
        return Err(NotRingingReason::PhoneOff);
    }
    match p.status {
        Status::Away => return Err(NotRingingReason::Away),
        Status::WrapUp => return Err(NotRingingReason::WrapUp),
        Status::Available | Status::InCall => {}
    }
    if ringing_elsewhere {
        return Err(NotRingingReason::RingingForAnotherCall);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn available() -> Presence {
        Presence {
            operator_seat: true,
            status: Status::Available,
            do_not_disturb: false,
            takes_phone_calls: true,
            online: true,
        }
    }

    #[test]
    fn each_rule_blocks_on_its_own() {
        assert_eq!(ring_eligibility(&available(), false, false), Ok(()));
        let cases = [
            (
                Presence {
                    online: false,
                    ..available()
                },
                false,
                false,
                NotRingingReason::Offline,
            ),
            (
                Presence {
                    operator_seat: false,
                    ..available()
                },
                false,
                false,
                NotRingingReason::NoOperatorSeat,
            ),
            (
                Presence {
                    status: Status::Away,
                    ..available()
                },
                false,
                false,
                NotRingingReason::Away,
            ),
            (
                Presence {
                    status: Status::WrapUp,
                    ..available()
                },
                false,
                false,
                NotRingingReason::WrapUp,
            ),
            (
                Presence {
                    status: Status::InCall,
                    ..available()
                },
                false,
                false,
                NotRingingReason::InCall,
            ),
            (
                Presence {
                    do_not_disturb: true,
                    ..available()
                },
                false,
                false,
                NotRingingReason::DoNotDisturb,
            ),
            (
                Presence {
                    takes_phone_calls: false,
                    ..available()
                },
                false,
                false,
                NotRingingReason::PhoneOff,
            ),
            (
                available(),
                true,
                false,
                NotRingingReason::RingingForAnotherCall,
            ),
            (available(), false, true, NotRingingReason::InCall),
        ];
        for (p, ringing, in_call, want) in cases {
            assert_eq!(ring_eligibility(&p, ringing, in_call), Err(want), "{p:?}");
        }
    }
}
