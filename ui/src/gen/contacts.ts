// Generated from crates/wire/src/contacts.rs by its tests: do not edit. After changing the
// types, regenerate with `RINGDESK_UPDATE_TS=1 cargo test -p ringdesk-wire`.

import type { CallRecord } from "./rest";
import type { ProfileField } from "./signaling";

/** A contact whole (`GET /api/v1/contacts/{id}`): what its page shows. */
export type ContactDetail = {
  /** Id. */
  id: number,
  /** Name, when someone gave one. */
  name: string | null,
  /** E.164 numbers; the first is the one it is shown with. */
  numbers: Array<string>,
  /** Email address. */
  email: string | null,
  /** Postal address. */
  address: string | null,
  /**
   * A lead: nobody gave it a name or a profile field yet (an unknown caller's number
   * makes one).
   */
  lead: boolean,
  /** Every profile field, in order (a ring shows the first 3). */
  fields: Array<ProfileField>,
  /** When it was made, RFC 3339. */
  createdAt: string,
  /** Its newest calls (any of its numbers), newest first, at most `CONTACT_CALLS_SHOWN`. */
  calls: Array<CallRecord>,
};

/**
 * What a manager sets on a contact (`PUT /api/v1/contacts/{id}`), or a new contact
 * (`POST /api/v1/contacts`; a lead while it has no name or profile field). Numbers may be typed nationally (`010-1234-5678`); the cloud
 * keeps them E.164.
 */
export type ContactForm = {
  /** Name (up to `CONTACT_NAME_MAX` characters; blank: none). */
  name: string | null,
  /** 1–`CONTACT_NUMBERS_MAX` phone numbers, each naming no other contact. */
  numbers: Array<string>,
  /** Email address (blank: none). */
  email: string | null,
  /** Postal address (blank: none). */
  address: string | null,
  /** Profile fields, in order (up to `CONTACT_FIELDS_MAX`). */
  fields: Array<ProfileField>,
};
