//! What a manager's dial becomes, from the store's data: their permission and seat, the
//! channel's numbers, the international rate table. The rules themselves are
//! `ringdesk_core::outbound`; this module only gathers their inputs, so the dial request and
//! `POST /api/v1/dial/check` (the price shown before dialing) answer alike.

use ringdesk_core::outbound::{CountryRate, DialRefusal, Dialer, parse_rates, plan_outbound};
use ringdesk_store::{Manager, RateRow, Store, StoreError};
use ringdesk_wire::{ChannelNumber, DialCheck, DialPlan, ErrorCode, InternationalRate};

use crate::codes::ToWire;

/// The rate table every fresh database starts from (`assets/international-rates.csv`).
const BUILT_IN_RATES: &str = include_str!("../../../assets/international-rates.csv");

/// Why a dial can't go ahead: a refusal of the rules, or the store failing.
#[derive(Debug, thiserror::Error)]
pub enum DialError {
    /// The rules refuse it; the manager reads why.
    #[error("{0}")]
    Refused(#[from] DialRefusal),
    /// The channel has no number to show as caller-ID.
    #[error("this channel has no phone number to call from")]
    NoNumber,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl DialError {
    /// The wire code (`dialRefused.code`, the API error's code).
    pub fn code(&self) -> ErrorCode {
        match self {
            DialError::Refused(r) => r.to_wire(),
            DialError::NoNumber => ErrorCode::NoChannelNumber,
            DialError::Store(_) => ErrorCode::Internal,
        }
    }
}

/// Fills the rate table from the built-in list when it is empty (first start). Returns
/// whether it did.
pub async fn seed_rates_if_empty(store: &Store) -> anyhow::Result<bool> {
    if !store.international_rates().await?.is_empty() {
        return Ok(false);
    }
    let rows: Vec<RateRow> = parse_rates(BUILT_IN_RATES)
        .map_err(|e| anyhow::anyhow!("built-in rate table: {e}"))?
        .into_iter()
        .map(|r| RateRow {
            code: r.code,
            price_cu: r.price_cu,
            country: r.name,
        })
        .collect();
    store.replace_international_rates(&rows).await?;
    Ok(true)
}

/// Decides `check` for `manager`. Without a caller-ID the channel's first number is used.
pub async fn plan(
    store: &Store,
    manager: &Manager,
    check: &DialCheck,
) -> Result<DialPlan, DialError> {
    let numbers: Vec<String> = store
        .channel_numbers(manager.channel_id)
        .await?
        .into_iter()
        .map(|(e164, _)| e164)
        .collect();
    let rates: Vec<CountryRate> = store
        .international_rates()
        .await?
        .into_iter()
        .map(|r| CountryRate {
            code: r.code,
            price_cu: r.price_cu,
            name: r.country,
        })
        .collect();
    let caller_id = match &check.caller_id {
        Some(c) => c.clone(),
        None => numbers.first().cloned().ok_or(DialError::NoNumber)?,
    };
    let dialer = Dialer {
        operator_seat: manager.operator_seat,
        outbound_permission: manager.outbound_permission,
        channel_numbers: &numbers,
        rates: &rates,
    };
    let plan = plan_outbound(dialer, &check.number, &caller_id)?;
    Ok(DialPlan {
        to: plan.to,
        caller_id: plan.caller_id,
        international: plan.international.map(|r| InternationalRate {
            code: r.code,
            country: r.name,
            price_cu: r.price_cu,
        }),
    })
}

/// The channel's numbers for the caller-ID picker.
pub async fn channel_numbers(
    store: &Store,
    channel_id: i64,
) -> Result<Vec<ChannelNumber>, StoreError> {
    Ok(store
        .channel_numbers(channel_id)
        .await?
        .into_iter()
        .map(|(e164, label)| ChannelNumber {
            international: ringdesk_core::outbound::international_caller_id(&e164),
            e164,
            label,
        })
        .collect())
}
