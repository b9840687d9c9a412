// The workspace's contacts page: the contacts changed last, or find one by name or number
// (suggestions as you type),
// see one whole — numbers (each with a call button), email, address, every profile field, its
// calls and conversations — edit it, and add a new lead.
import { errorText, t } from "../i18n";
import { esc, invoke } from "../tauri";
import type { CallRecord, ContactDetail, ContactForm, ContactInfo, ConversationSummary } from "../wire";
import { duration } from "./format";
import { PHONE_ICON } from "./inbox";

const state = {
  query: "",
  found: [] as ContactInfo[],
  contact: null as ContactDetail | null,
  conversations: [] as ConversationSummary[],
  /** The form is open: for the shown contact, or for a new lead when `contact` is null. */
  editing: false,
  notice: "",
  error: "",
};

const root = (): HTMLElement => document.getElementById("ws-body")!;
let searchTimer: number | undefined;

function when(iso: string): string {
  const lang = document.documentElement.lang === "en" ? "en-US" : "ko-KR";
  return new Date(iso).toLocaleString(lang, { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

function fail(e: unknown): void {
  state.error = errorText(String(e));
  render();
}

function label(c: { name?: string | null; phone?: string; numbers?: string[] }): string {
  return c.name ?? c.phone ?? c.numbers?.[0] ?? "";
}

function listView(): string {
  const s = t().ct;
  const rows = state.found
    .map(
      (c) => `<li class="contact-hit ${state.contact?.id === c.id ? "selected" : ""}" data-id="${c.id}">
        <strong>${esc(label(c))}</strong>${c.lead ? ` <span class="badge">${t().ib.lead}</span>` : ""}
        ${c.name ? `<small class="muted">${esc(c.phone)}</small>` : ""}</li>`,
    )
    .join("");
  const typed = state.query.trim().length >= 1;
  const empty = typed ? `<li class="muted">${s.noneFound}</li>` : `<li class="muted">${s.searchHint}</li>`;
  return `<nav class="card list">
    <h2>${s.title}</h2>
    <input id="contact-search" placeholder="${s.search}" value="${esc(state.query)}" autocomplete="off" />
    ${!typed && rows ? `<p class="muted list-note">${s.recent}</p>` : ""}
    <ul id="contact-list" class="calls">${rows || empty}</ul>
    <button id="new-lead" class="secondary">${s.newLead}</button>
  </nav>`;
}

function callLine(c: CallRecord): string {
  const s = t().ct;
  const outcome = c.missedReason ? s.missed : c.answeredAt ? duration(c.durationS) : s.notAnswered;
  const by = c.managers.find((m) => m.role === "answered")?.name ?? "";
  return `<li class="contact-call"><span>${c.direction === "outbound" ? "↗" : "↙"} ${when(c.startedAt)}</span>
    <span class="muted">${esc(outcome)}${by ? ` · ${esc(by)}` : ""}</span></li>`;
}

function formView(c: ContactDetail | null): string {
  const s = t().ct;
  const fields = (c?.fields ?? []).concat([{ name: "", value: "" }]);
  const rows = fields
    .map(
      (f, i) => `<div class="row field-row"><input class="c-field-name" data-i="${i}" placeholder="${s.fieldName}" value="${esc(f.name)}" />
        <input class="c-field-value" data-i="${i}" placeholder="${s.fieldValue}" value="${esc(f.value)}" /></div>`,
    )
    .join("");
  return `<form id="contact-form" class="card contact-form">
    <h3>${c ? s.edit : s.newLead}</h3><p class="muted">${s.leadHint}</p>
    <label>${s.name}<input id="c-name" value="${esc(c?.name ?? "")}" /></label>
    <label>${s.numbers}<textarea id="c-numbers" rows="2" placeholder="010-1234-5678">${esc((c?.numbers ?? []).join("\n"))}</textarea></label>
    <label>${s.email}<input id="c-email" type="email" value="${esc(c?.email ?? "")}" /></label>
    <label>${s.address}<input id="c-address" value="${esc(c?.address ?? "")}" /></label>
    <h4>${s.fields}</h4>${rows}
    <div class="row"><button id="save-contact" type="submit">${s.save}</button><button id="cancel-contact" type="button" class="secondary">${t().cancel}</button></div>
  </form>`;
}

function detailView(): string {
  const s = t().ct;
  if (state.editing) return formView(state.contact);
  const c = state.contact;
  if (!c) return `<p class="muted pick">${s.pick}</p>`;
  const numbers = c.numbers
    .map((n) => `<li><span>${esc(n)}</span><button class="call-number answer" data-number="${esc(n)}">${s.call}</button></li>`)
    .join("");
  const fields = c.fields.map((f) => `<li><span>${esc(f.name)}</span>${esc(f.value)}</li>`).join("");
  const conversations = state.conversations
    .map(
      (v) => `<li class="contact-conversation" data-id="${v.id}"><span>${PHONE_ICON} ${when(v.createdAt)}</span>
        <span class="state ${v.state}">${t().ib.states[v.state]}</span></li>`,
    )
    .join("");
  return `<div class="contact-view">
    <section class="card" id="contact-head">
      <div class="bar"><h2>${esc(c.name ?? s.unnamed)}${c.lead ? ` <span class="badge">${t().ib.lead}</span>` : ""}</h2>
        <button id="edit-contact" class="secondary">${s.edit}</button></div>
      <ul class="fields numbers">${numbers}</ul>
      <ul class="fields">
        ${c.email ? `<li><span>${s.email}</span>${esc(c.email)}</li>` : ""}
        ${c.address ? `<li><span>${s.address}</span>${esc(c.address)}</li>` : ""}
        ${fields}
      </ul>
    </section>
    <section class="card"><h3>${s.calls}</h3><ul id="contact-calls" class="calls">${c.calls.map(callLine).join("") || `<li class="muted">${t().noCalls}</li>`}</ul></section>
    <section class="card"><h3>${s.conversations}</h3><ul id="contact-conversations" class="calls">${conversations || `<li class="muted">${t().ib.empty}</li>`}</ul></section>
  </div>`;
}

/** Draws the page. */
export function render(): void {
  if (document.body.dataset.page !== "contact") return;
  const hadFocus = document.activeElement?.id === "contact-search";
  root().innerHTML = `<div class="inbox contacts">${listView()}<main class="detail one">${detailView()}</main></div>
    ${state.notice ? `<p id="ct-notice" class="muted">${esc(state.notice)}</p>` : ""}
    ${state.error ? `<p id="ct-error" class="error">${esc(state.error)}</p>` : ""}`;
  if (hadFocus) {
    const box = document.getElementById("contact-search") as HTMLInputElement;
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  }
  bind();
}

/** Fills the list: what the typed text finds, or with nothing typed the contacts changed last.
 *  Typing waits 200 ms for the next key; an empty box asks at once. */
export function search(): void {
  window.clearTimeout(searchTimer);
  const q = state.query.trim();
  const ask = () =>
    invoke("search_contacts", { query: q })
      .then((found) => {
        if (q !== state.query.trim()) return;
        state.found = found;
        render();
      })
      .catch(fail);
  if (!q) void ask();
  else searchTimer = window.setTimeout(() => void ask(), 200);
}

/** Shows one contact with its conversations. */
export async function show(id: number): Promise<void> {
  state.editing = false;
  state.error = "";
  state.notice = "";
  try {
    const [contact, page] = await Promise.all([
      invoke("contact", { id }),
      invoke("conversations", { query: { state: null, source: null, assignee: null, tag: null, contact: id, page: null, perPage: 20 } }),
    ]);
    state.contact = contact;
    state.conversations = page.conversations;
    if (state.found.length === 0 && !state.query.trim()) search();
  } catch (e) {
    state.error = errorText(String(e));
  }
  render();
}

function formValue(): ContactForm {
  const value = (id: string) => (document.getElementById(id) as HTMLInputElement).value;
  const names = Array.from(document.querySelectorAll<HTMLInputElement>(".c-field-name"));
  const values = Array.from(document.querySelectorAll<HTMLInputElement>(".c-field-value"));
  return {
    name: value("c-name") || null,
    numbers: value("c-numbers").split(/[\n,]/).map((n) => n.trim()).filter(Boolean),
    email: value("c-email") || null,
    address: value("c-address") || null,
    fields: names.map((n, i) => ({ name: n.value, value: values[i]?.value ?? "" })).filter((f) => f.name.trim() || f.value.trim()),
  };
}

function bind(): void {
  const on = (id: string, f: () => void) => document.getElementById(id)?.addEventListener("click", f);
  const box = document.getElementById("contact-search") as HTMLInputElement | null;
  box?.addEventListener("input", () => {
    state.query = box.value;
    search();
  });
  document.querySelectorAll<HTMLLIElement>("#contact-list li.contact-hit").forEach((li) =>
    li.addEventListener("click", () => void show(Number(li.dataset.id))),
  );
  on("new-lead", () => {
    state.contact = null;
    state.editing = true;
    render();
  });
  on("edit-contact", () => {
    state.editing = true;
    render();
  });
  on("cancel-contact", () => {
    state.editing = false;
    render();
  });
  document.getElementById("contact-form")?.addEventListener("submit", (e) => {
    e.preventDefault();
    const form = formValue();
    const id = state.contact?.id;
    const saving = id === undefined ? invoke("add_lead", { form }) : invoke("save_contact", { id, form });
    saving
      .then(async (saved) => {
        state.notice = t().ct.saved;
        await show(saved.id);
        state.notice = t().ct.saved;
        render();
      })
      .catch(fail);
  });
  document.querySelectorAll<HTMLButtonElement>("button.call-number").forEach((b) =>
    b.addEventListener("click", () => void invoke("dial", { number: b.dataset.number ?? "", callerId: null }).catch(fail)),
  );
  document.querySelectorAll<HTMLLIElement>("#contact-conversations li.contact-conversation").forEach((li) =>
    li.addEventListener("click", () => openConversation(Number(li.dataset.id))),
  );
}

/** Set by the workspace: shows a conversation in the inbox page. */
let openConversation: (id: number) => void = () => undefined;

/** Wires the page to the workspace. */
export function startContacts(showConversation: (id: number) => void): void {
  openConversation = showConversation;
}
