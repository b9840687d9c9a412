//! Contacts (customers) as the contact's page shows and edits them (`docs/protocol.md#contacts`).

use serde::{Deserialize, Serialize};

use crate::{CallRecord, ProfileField};

/// The longest contact name, in characters.
pub const CONTACT_NAME_MAX: usize = 100;
/// The most numbers a contact has.
pub const CONTACT_NUMBERS_MAX: usize = 5;
/// The longest email address, in characters.
pub const CONTACT_EMAIL_MAX: usize = 254;
/// The longest postal address, in characters.
pub const CONTACT_ADDRESS_MAX: usize = 300;
/// The most profile fields a contact has.
pub const CONTACT_FIELDS_MAX: usize = 30;
/// The longest profile field label, in characters.
pub const FIELD_NAME_MAX: usize = 50;
/// The longest profile field value, in characters.
pub const FIELD_VALUE_MAX: usize = 500;

/// A contact whole (`GET /api/v1/contacts/{id}`): what its page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ContactDetail {
    /// Id.
    pub id: i64,
    /// Name, when someone gave one.
    pub name: Option<String>,
    /// E.164 numbers; the first is the one it is shown with.
    pub numbers: Vec<String>,
    /// Email address.
    pub email: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// A lead: nobody gave it a name or a profile field yet (an unknown caller's number
    /// makes one).
    pub lead: bool,
    /// Every profile field, in order (a ring shows the first 3).
    pub fields: Vec<ProfileField>,
    /// When it was made, RFC 3339.
    pub created_at: String,
    /// Its newest calls (any of its numbers), newest first, at most [`CONTACT_CALLS_SHOWN`].
    pub calls: Vec<CallRecord>,
}

/// How many calls a contact's page lists.
pub const CONTACT_CALLS_SHOWN: usize = 20;

/// What a manager sets on a contact (`PUT /api/v1/contacts/{id}`), or a new contact
/// (`POST /api/v1/contacts`; a lead while it has no name or profile field). Numbers may be typed nationally (`010-1234-5678`); the cloud
/// keeps them E.164.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ContactForm {
    /// Name (up to [`CONTACT_NAME_MAX`] characters; blank: none).
    #[serde(default)]
    pub name: Option<String>,
    /// 1–[`CONTACT_NUMBERS_MAX`] phone numbers, each naming no other contact.
    pub numbers: Vec<String>,
    /// Email address (blank: none).
    #[serde(default)]
    pub email: Option<String>,
    /// Postal address (blank: none).
    #[serde(default)]
    pub address: Option<String>,
    /// Profile fields, in order (up to [`CONTACT_FIELDS_MAX`]).
    #[serde(default)]
    pub fields: Vec<ProfileField>,
}
