// The desktop RPC's and the cloud's types as the UI sees them: generated from ringdesk-wire
// into ./gen (see crates/wire/src/typescript.rs) and re-exported here for the views. Never
// written by hand: change the Rust types and regenerate with
// `RINGDESK_UPDATE_TS=1 cargo test -p ringdesk-wire`.
export type * from "./gen/codes";
export type * from "./gen/rest";
export type * from "./gen/signaling";
export type * from "./gen/desktop";
export type * from "./gen/workflows";
export type * from "./gen/inbox";
export type * from "./gen/contacts";
export type * from "./gen/callbacks";
export type * from "./gen/history";
export type * from "./gen/statistics";
