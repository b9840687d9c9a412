//! The codes shared by every contract: presence, transfer kinds, and (as they become enums)
//! the reasons and outcomes that messages and records carry.

use serde::{Deserialize, Serialize};

/// A manager's chosen status (PRODUCT.md §2). `inCall` is set by the cloud, not chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AgentStatus {
    /// Green: takes calls.
    Available,
    /// Grey: no calls.
    Away,
    /// Red: in a call.
    InCall,
    /// After a call.
    WrapUp,
}

/// Cold or warm transfer (PRODUCT.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TransferKind {
    /// Ring the target; hand over as soon as they answer.
    Cold,
    /// Ring the target and talk to them first; hand over with `completeTransfer`.
    Warm,
}
