//! A channel's contacts (customers): found by any of their numbers when they call or are
//! called, suggested as a manager types, made a lead when an unknown number first calls, and
//! kept whole — numbers, email, address, every profile field — for the contact's page.
//!
//! A number names at most one contact of a channel (`contact_numbers`): a call is linked to
//! its customer by it. The first number is also kept in `contacts.phone`, the one a contact is
//! shown with.

use crate::directory::like_escaped;
use crate::{Contact, Result, Store, on_pool};

/// How many of a contact's profile fields a ring shows (docs/product.md#ring).
pub const CONTACT_FIELDS_SHOWN: i64 = 3;

/// A contact whole, as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRecord {
    /// Id.
    pub id: i64,
    /// Name, when someone gave one.
    pub name: Option<String>,
    /// E.164 numbers, the first the one it is shown with.
    pub numbers: Vec<String>,
    /// Email address.
    pub email: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// A lead: nobody gave it a name or a profile field yet.
    pub is_lead: bool,
    /// Every profile field, in order.
    pub fields: Vec<(String, String)>,
    /// When it was made (Unix ms).
    pub created_at_ms: i64,
}

/// What a manager sets on a contact (already checked and its numbers made E.164).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContactEdit {
    /// Name.
    pub name: Option<String>,
    /// E.164 numbers, at least one, no repeats.
    pub numbers: Vec<String>,
    /// Email address.
    pub email: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// Profile fields, in order.
    pub fields: Vec<(String, String)>,
}

/// Why a contact change was refused (nothing was written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactRefusal {
    /// No such contact in the channel.
    NotFound,
    /// The number already names another contact of the channel.
    NumberTaken(String),
}

#[derive(sqlx::FromRow)]
struct ContactHead {
    id: i64,
    name: Option<String>,
    email: Option<String>,
    address: Option<String>,
    is_lead: bool,
    created_at_ms: i64,
}

/// Writes a contact's numbers and profile fields, in order, inside the caller's transaction.
macro_rules! write_parts {
    ($tx:ident, $id:expr, $channel_id:expr, $edit:expr) => {
        for (position, e164) in $edit.numbers.iter().enumerate() {
            sqlx::query(
                "INSERT INTO contact_numbers (contact_id, channel_id, position, e164) \
                     VALUES ($1, $2, $3, $4)",
            )
            .bind($id)
            .bind($channel_id)
            .bind(position as i64)
            .bind(e164)
            .execute(&mut *$tx)
            .await?;
        }
        for (position, (name, value)) in $edit.fields.iter().enumerate() {
            sqlx::query(
                "INSERT INTO contact_fields (contact_id, position, name, value) \
                     VALUES ($1, $2, $3, $4)",
            )
            .bind($id)
            .bind(position as i64)
            .bind(name)
            .bind(value)
            .execute(&mut *$tx)
            .await?;
        }
    };
}

impl ContactEdit {
    /// A contact is a lead until someone gives it a name or a profile field: only then do
    /// workflows treat the caller as a known contact.
    pub fn is_lead(&self) -> bool {
        self.name.is_none() && self.fields.is_empty()
    }
}

impl Store {
    /// The contact with this phone number in a channel, with its first
    /// [`CONTACT_FIELDS_SHOWN`] profile fields.
    pub async fn contact_by_phone(&self, channel_id: i64, e164: &str) -> Result<Option<Contact>> {
        let contact: Option<Contact> = on_pool!(self, |p| sqlx::query_as(
            "SELECT c.id, c.name, c.phone, c.is_lead FROM contacts c \
             JOIN contact_numbers n ON n.contact_id = c.id \
             WHERE n.channel_id = $1 AND n.e164 = $2 ORDER BY c.id LIMIT 1"
        )
        .bind(channel_id)
        .bind(e164)
        .fetch_optional(p)
        .await?);
        let Some(mut contact) = contact else {
            return Ok(None);
        };
        contact.fields = self
            .contact_fields(contact.id, CONTACT_FIELDS_SHOWN)
            .await?;
        Ok(Some(contact))
    }

    /// Contacts whose name contains `name` (any case) or one of whose numbers contains
    /// `digits`, at most `limit`, named ones first: the suggestions as a manager types.
    pub async fn search_contacts(
        &self,
        channel_id: i64,
        name: &str,
        digits: &str,
        limit: i64,
    ) -> Result<Vec<Contact>> {
        // An empty part matches nothing (not everything, as `%%` would).
        let contains = |part: &str| {
            if part.is_empty() {
                "\u{1}".to_string()
            } else {
                format!("%{}%", like_escaped(part))
            }
        };
        let (name_like, digits_like) = (contains(&name.to_lowercase()), contains(digits));
        let found: Vec<Contact> = on_pool!(self, |p| sqlx::query_as(
            "SELECT id, name, phone, is_lead FROM contacts c WHERE channel_id = $1 \
             AND (LOWER(COALESCE(name, '')) LIKE $2 ESCAPE '\\' OR EXISTS ( \
                 SELECT 1 FROM contact_numbers n \
                 WHERE n.contact_id = c.id AND n.e164 LIKE $3 ESCAPE '\\')) \
             ORDER BY CASE WHEN name IS NULL THEN 1 ELSE 0 END, name, id LIMIT $4"
        )
        .bind(channel_id)
        .bind(&name_like)
        .bind(&digits_like)
        .bind(limit)
        .fetch_all(p)
        .await?);
        self.with_fields_shown(found).await
    }

    /// The channel's `limit` contacts changed (or made) last, newest first: what the contact
    /// list shows before anything is typed (a caller just turned lead, a customer just edited).
    pub async fn recent_contacts(&self, channel_id: i64, limit: i64) -> Result<Vec<Contact>> {
        let found: Vec<Contact> = on_pool!(self, |p| sqlx::query_as(
            "SELECT id, name, phone, is_lead FROM contacts WHERE channel_id = $1 \
             ORDER BY COALESCE(updated_at_ms, created_at_ms) DESC, id DESC LIMIT $2"
        )
        .bind(channel_id)
        .bind(limit)
        .fetch_all(p)
        .await?);
        self.with_fields_shown(found).await
    }

    /// `found` with the profile fields a list shows.
    async fn with_fields_shown(&self, found: Vec<Contact>) -> Result<Vec<Contact>> {
        let mut with_fields = Vec::with_capacity(found.len());
        for mut contact in found {
            contact.fields = self
                .contact_fields(contact.id, CONTACT_FIELDS_SHOWN)
                .await?;
            with_fields.push(contact);
        }
        Ok(with_fields)
    }

    /// A contact's first `limit` profile fields, in order.
    async fn contact_fields(&self, contact_id: i64, limit: i64) -> Result<Vec<(String, String)>> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT name, value FROM contact_fields WHERE contact_id = $1 \
             ORDER BY position LIMIT $2"
        )
        .bind(contact_id)
        .bind(limit)
        .fetch_all(p)
        .await?))
    }

    /// The contact with this number, made a lead first if there is none: an unknown caller
    /// becomes a contact, so their calls and conversations are found by number from the first.
    pub async fn contact_or_new_lead(
        &self,
        channel_id: i64,
        e164: &str,
        now_ms: i64,
    ) -> Result<Contact> {
        if let Some(contact) = self.contact_by_phone(channel_id, e164).await? {
            return Ok(contact);
        }
        // Two first calls from one number at once may both get here; the one the earlier id
        // names is the lead both find from then on (`contact_by_phone` orders by id).
        let edit = ContactEdit {
            numbers: vec![e164.to_string()],
            ..ContactEdit::default()
        };
        let id = self.insert_contact(channel_id, &edit, now_ms).await?;
        Ok(Contact {
            id,
            name: None,
            phone: e164.to_string(),
            is_lead: true,
            fields: Vec::new(),
        })
    }

    /// Adds a contact a manager entered (a lead unless it has a name or a profile field),
    /// unless one of its numbers is another contact's.
    pub async fn create_contact(
        &self,
        channel_id: i64,
        edit: &ContactEdit,
        now_ms: i64,
    ) -> Result<std::result::Result<i64, ContactRefusal>> {
        if let Some(taken) = self.number_taken(channel_id, None, &edit.numbers).await? {
            return Ok(Err(ContactRefusal::NumberTaken(taken)));
        }
        Ok(Ok(self.insert_contact(channel_id, edit, now_ms).await?))
    }

    /// Writes a new contact with its numbers and fields in one transaction.
    async fn insert_contact(
        &self,
        channel_id: i64,
        edit: &ContactEdit,
        now_ms: i64,
    ) -> Result<i64> {
        let phone = edit.numbers.first().cloned().unwrap_or_default();
        Ok(on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO contacts \
                 (channel_id, name, phone, email, address, is_lead, created_at_ms, updated_at_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
            )
            .bind(channel_id)
            .bind(&edit.name)
            .bind(&phone)
            .bind(&edit.email)
            .bind(&edit.address)
            .bind(edit.is_lead())
            .bind(now_ms)
            .fetch_one(&mut *tx)
            .await?;
            write_parts!(tx, id, channel_id, edit);
            tx.commit().await?;
            id
        }))
    }

    /// The first of `numbers` that already names a contact of the channel other than
    /// `except`.
    async fn number_taken(
        &self,
        channel_id: i64,
        except: Option<i64>,
        numbers: &[String],
    ) -> Result<Option<String>> {
        for e164 in numbers {
            let owner: Option<i64> = on_pool!(self, |p| sqlx::query_scalar(
                "SELECT contact_id FROM contact_numbers WHERE channel_id = $1 AND e164 = $2 \
                 AND ($3 IS NULL OR contact_id <> $3) LIMIT 1"
            )
            .bind(channel_id)
            .bind(e164)
            .bind(except)
            .fetch_optional(p)
            .await?);
            if owner.is_some() {
                return Ok(Some(e164.clone()));
            }
        }
        Ok(None)
    }

    /// A contact of the channel whole, or `None` when there is no such contact in it.
    pub async fn contact(&self, channel_id: i64, id: i64) -> Result<Option<ContactRecord>> {
        let head: Option<ContactHead> = on_pool!(self, |p| sqlx::query_as(
            "SELECT id, name, email, address, is_lead, created_at_ms FROM contacts \
             WHERE channel_id = $1 AND id = $2"
        )
        .bind(channel_id)
        .bind(id)
        .fetch_optional(p)
        .await?);
        let Some(head) = head else {
            return Ok(None);
        };
        let numbers: Vec<String> = on_pool!(self, |p| sqlx::query_scalar(
            "SELECT e164 FROM contact_numbers WHERE contact_id = $1 ORDER BY position"
        )
        .bind(id)
        .fetch_all(p)
        .await?);
        Ok(Some(ContactRecord {
            id: head.id,
            name: head.name,
            numbers,
            email: head.email,
            address: head.address,
            is_lead: head.is_lead,
            fields: self.contact_fields(id, i64::MAX).await?,
            created_at_ms: head.created_at_ms,
        }))
    }

    /// Replaces what a contact says (name, numbers, email, address, fields) in one
    /// transaction, unless it is not the channel's or a number names another contact.
    pub async fn update_contact(
        &self,
        channel_id: i64,
        id: i64,
        edit: &ContactEdit,
        now_ms: i64,
    ) -> Result<std::result::Result<(), ContactRefusal>> {
        if self.contact(channel_id, id).await?.is_none() {
            return Ok(Err(ContactRefusal::NotFound));
        }
        if let Some(taken) = self
            .number_taken(channel_id, Some(id), &edit.numbers)
            .await?
        {
            return Ok(Err(ContactRefusal::NumberTaken(taken)));
        }
        let phone = edit.numbers.first().cloned().unwrap_or_default();
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(
                "UPDATE contacts SET name = $2, phone = $3, email = $4, address = $5, \
                 updated_at_ms = $6, is_lead = $7 WHERE id = $1",
            )
            .bind(id)
            .bind(&edit.name)
            .bind(&phone)
            .bind(&edit.email)
            .bind(&edit.address)
            .bind(now_ms)
            .bind(edit.is_lead())
            .execute(&mut *tx)
            .await?;
            for clear in [
                "DELETE FROM contact_numbers WHERE contact_id = $1",
                "DELETE FROM contact_fields WHERE contact_id = $1",
            ] {
                sqlx::query(clear).bind(id).execute(&mut *tx).await?;
            }
            write_parts!(tx, id, channel_id, edit);
            tx.commit().await?;
        });
        Ok(Ok(()))
    }
}
