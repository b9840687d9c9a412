//! The channel's contacts (`docs/protocol.md#contacts`): found by number or by what a manager
//! types, shown whole on the contact's page with its calls, edited there, and added as a lead
//! from the app. A number names at most one contact of a channel; another channel's contact
//! does not exist here (404).

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use ringdesk_store::time::{now_ms, rfc3339};
use ringdesk_store::{Contact, ContactEdit, ContactRecord, ContactRefusal};
use ringdesk_wire::{
    CONTACT_ADDRESS_MAX, CONTACT_CALLS_SHOWN, CONTACT_EMAIL_MAX, CONTACT_FIELDS_MAX,
    CONTACT_NAME_MAX, CONTACT_NUMBERS_MAX, CONTACT_QUERY_MAX, ContactDetail, ContactForm,
    ContactInfo, ContactQuery, ErrorCode, FIELD_NAME_MAX, FIELD_VALUE_MAX, ProfileField,
};

use crate::api::{ApiErr, AppState, Authed, bad_json, call_record};

/// The most contacts a search returns (suggestions, not a list).
const CONTACT_RESULTS: i64 = 20;

/// The routes, merged into the API's router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/contacts", get(find).post(create))
        .route("/api/v1/contacts/{id}", get(detail).put(update))
}

fn not_found() -> ApiErr {
    ApiErr::new(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "no such contact",
    )
}

fn refused(r: ContactRefusal) -> ApiErr {
    match r {
        ContactRefusal::NotFound => not_found(),
        ContactRefusal::NumberTaken(number) => ApiErr::new(
            StatusCode::CONFLICT,
            ErrorCode::NumberTaken,
            format!("{number} is already another contact's number"),
        ),
    }
}

/// A contact as a ring or a suggestion shows it.
pub fn contact_info(c: Contact) -> ContactInfo {
    ContactInfo {
        id: c.id,
        name: c.name,
        phone: c.phone,
        lead: c.is_lead,
        fields: c
            .fields
            .into_iter()
            .map(|(name, value)| ProfileField { name, value })
            .collect(),
    }
}

/// The channel's contacts: the one with a number (`phone`), those a typed text finds
/// (`query`: a name's part, or a number's digits) for suggestions as a manager types, or with
/// neither the ones changed last (the list before anything is typed).
async fn find(
    State(s): State<AppState>,
    Authed(m): Authed,
    q: Result<Query<ContactQuery>, QueryRejection>,
) -> Result<Json<Vec<ContactInfo>>, ApiErr> {
    let bad = |why: String| ApiErr::new(StatusCode::BAD_REQUEST, ErrorCode::BadQuery, why);
    let Query(q) = q.map_err(|e| bad(e.body_text()))?;
    let found = match (q.phone, q.query) {
        (Some(phone), None) => {
            let country = s.store.channel_country_code(m.channel_id).await?;
            let e164 = ringdesk_core::number::normalize(&phone, country.as_deref().unwrap_or("82"))
                .ok_or_else(|| bad(format!("{phone:?} is not a phone number")))?;
            s.store
                .contact_by_phone(m.channel_id, &e164)
                .await?
                .into_iter()
                .collect()
        }
        (None, Some(text)) => {
            let text = text.trim();
            let length = text.chars().count();
            if !(1..=CONTACT_QUERY_MAX).contains(&length) {
                return Err(bad(format!(
                    "a search is 1 to {CONTACT_QUERY_MAX} characters, not {length}"
                )));
            }
            let mut digits: String = text.chars().filter(char::is_ascii_digit).collect();
            // 010-1234 is typed nationally; numbers are kept as +8210…: drop the trunk 0.
            if digits.len() > 1 && digits.starts_with('0') {
                digits.remove(0);
            }
            s.store
                .search_contacts(m.channel_id, text, &digits, CONTACT_RESULTS)
                .await?
        }
        (None, None) => {
            s.store
                .recent_contacts(m.channel_id, CONTACT_RESULTS)
                .await?
        }
        (Some(_), Some(_)) => return Err(bad("give either phone or query, not both".into())),
    };
    Ok(Json(found.into_iter().map(contact_info).collect()))
}

/// A blank text is no value; otherwise trimmed, at most `max` characters.
fn optional_text(what: &str, text: Option<String>, max: usize) -> Result<Option<String>, String> {
    let Some(text) = text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let length = text.chars().count();
    if length > max {
        return Err(format!("the {what} is {length} characters; at most {max}"));
    }
    Ok(Some(text))
}

/// Checks a contact form and reads its numbers (national ones in the channel's `country`
/// calling code) as E.164; the first problem found, said plainly.
pub fn check_form(form: ContactForm, country: &str) -> Result<ContactEdit, String> {
    let name = optional_text("name", form.name, CONTACT_NAME_MAX)?;
    let email = optional_text("email", form.email, CONTACT_EMAIL_MAX)?;
    if let Some(email) = &email
        && !email.contains('@')
    {
        return Err(format!("{email:?} is not an email address"));
    }
    let address = optional_text("address", form.address, CONTACT_ADDRESS_MAX)?;
    let typed: Vec<&str> = form
        .numbers
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .collect();
    if typed.is_empty() || typed.len() > CONTACT_NUMBERS_MAX {
        return Err(format!(
            "a contact has 1 to {CONTACT_NUMBERS_MAX} numbers, not {}",
            typed.len()
        ));
    }
    let mut numbers: Vec<String> = Vec::with_capacity(typed.len());
    for number in typed {
        let e164 = ringdesk_core::number::normalize(number, country)
            .ok_or_else(|| format!("{number:?} is not a phone number"))?;
        if !numbers.contains(&e164) {
            numbers.push(e164);
        }
    }
    if form.fields.len() > CONTACT_FIELDS_MAX {
        return Err(format!(
            "a contact has at most {CONTACT_FIELDS_MAX} profile fields, not {}",
            form.fields.len()
        ));
    }
    let mut fields = Vec::with_capacity(form.fields.len());
    for field in form.fields {
        let label = field.name.trim().to_string();
        let value = field.value.trim().to_string();
        if label.is_empty() && value.is_empty() {
            continue;
        }
        if label.is_empty() || label.chars().count() > FIELD_NAME_MAX {
            return Err(format!(
                "a profile field's label is 1 to {FIELD_NAME_MAX} characters ({label:?})"
            ));
        }
        if value.chars().count() > FIELD_VALUE_MAX {
            return Err(format!(
                "the field {label:?} is longer than {FIELD_VALUE_MAX} characters"
            ));
        }
        fields.push((label, value));
    }
    Ok(ContactEdit {
        name,
        numbers,
        email,
        address,
        fields,
    })
}

/// Reads a form the way [`check_form`] does, as a `400 badContact` when it is wrong.
async fn edit_of(
    s: &AppState,
    channel_id: i64,
    body: Result<Json<ContactForm>, JsonRejection>,
) -> Result<ContactEdit, ApiErr> {
    let Json(form) = body.map_err(bad_json)?;
    let country = s.store.channel_country_code(channel_id).await?;
    check_form(form, country.as_deref().unwrap_or("82"))
        .map_err(|why| ApiErr::new(StatusCode::BAD_REQUEST, ErrorCode::BadContact, why))
}

/// A contact whole with its newest calls (any of its numbers).
async fn whole(s: &AppState, channel_id: i64, c: ContactRecord) -> Result<ContactDetail, ApiErr> {
    let mut calls = Vec::new();
    for number in &c.numbers {
        let (rows, _) = s
            .store
            .list_calls(channel_id, Some(number), 1, CONTACT_CALLS_SHOWN as u32)
            .await?;
        calls.extend(rows.into_iter().map(call_record));
    }
    calls.sort_by(|a, b| b.started_at.cmp(&a.started_at).then(b.id.cmp(&a.id)));
    calls.truncate(CONTACT_CALLS_SHOWN);
    Ok(ContactDetail {
        id: c.id,
        name: c.name,
        numbers: c.numbers,
        email: c.email,
        address: c.address,
        lead: c.is_lead,
        fields: c
            .fields
            .into_iter()
            .map(|(name, value)| ProfileField { name, value })
            .collect(),
        created_at: rfc3339(c.created_at_ms),
        calls,
    })
}

async fn detail(
    State(s): State<AppState>,
    Authed(m): Authed,
    Path(id): Path<i64>,
) -> Result<Json<ContactDetail>, ApiErr> {
    let c = s
        .store
        .contact(m.channel_id, id)
        .await?
        .ok_or_else(not_found)?;
    Ok(Json(whole(&s, m.channel_id, c).await?))
}

async fn update(
    State(s): State<AppState>,
    Authed(m): Authed,
    Path(id): Path<i64>,
    body: Result<Json<ContactForm>, JsonRejection>,
) -> Result<Json<ContactDetail>, ApiErr> {
    let edit = edit_of(&s, m.channel_id, body).await?;
    s.store
        .update_contact(m.channel_id, id, &edit, now_ms())
        .await?
        .map_err(refused)?;
    detail(State(s), Authed(m), Path(id)).await
}

/// Adds a lead contact a manager entered (`201`).
async fn create(
    State(s): State<AppState>,
    Authed(m): Authed,
    body: Result<Json<ContactForm>, JsonRejection>,
) -> Result<(StatusCode, Json<ContactDetail>), ApiErr> {
    let edit = edit_of(&s, m.channel_id, body).await?;
    let id = s
        .store
        .create_contact(m.channel_id, &edit, now_ms())
        .await?
        .map_err(refused)?;
    let Json(made) = detail(State(s), Authed(m), Path(id)).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(numbers: &[&str]) -> ContactForm {
        ContactForm {
            numbers: numbers.iter().map(|n| n.to_string()).collect(),
            ..ContactForm::default()
        }
    }

    #[test]
    fn a_form_is_read_with_e164_numbers_and_blank_parts_dropped() {
        let mut f = form(&["010-1234-5678", " ", "+82 10 1234 5678", "+14155550123"]);
        f.name = Some("  김하늘 ".into());
        f.email = Some(" ".into());
        f.fields = vec![
            ProfileField {
                name: "등급".into(),
                value: "VIP".into(),
            },
            ProfileField {
                name: " ".into(),
                value: "".into(),
            },
        ];
        let edit = check_form(f, "82").unwrap();
        assert_eq!(edit.name.as_deref(), Some("김하늘"));
        assert_eq!(edit.numbers, ["+821012345678", "+14155550123"]);
        assert_eq!(edit.email, None);
        assert_eq!(edit.fields, [("등급".to_string(), "VIP".to_string())]);
    }

    #[test]
    fn each_wrong_part_is_named() {
        let why = |f: ContactForm| check_form(f, "82").unwrap_err();
        assert!(why(form(&[])).contains("1 to 5 numbers"));
        assert!(why(form(&["1", "2", "3", "4", "5", "6"])).contains("not 6"));
        assert!(why(form(&["hello"])).contains("\"hello\" is not a phone number"));
        let mut f = form(&["01012345678"]);
        f.email = Some("nobody".into());
        assert!(why(f).contains("not an email address"));
        let mut f = form(&["01012345678"]);
        f.name = Some("가".repeat(CONTACT_NAME_MAX + 1));
        assert!(why(f).contains("the name is 101 characters"));
        let mut f = form(&["01012345678"]);
        f.fields = vec![ProfileField {
            name: "".into(),
            value: "x".into(),
        }];
        assert!(why(f).contains("label is 1 to 50"));
        let mut f = form(&["01012345678"]);
        f.fields = vec![
            ProfileField {
                name: "a".into(),
                value: "b".into(),
            };
            CONTACT_FIELDS_MAX + 1
        ];
        assert!(why(f).contains("at most 30 profile fields"));
    }
}
