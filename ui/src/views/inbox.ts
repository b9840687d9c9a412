// The inbox window: the channel's conversations (every call is one, with a phone icon) filtered
// by state, assignee, tag and source; the missed list's bulk close; and one conversation whole —
// its recording (player with speed and the paused stretches marked, MP3 download), internal
// notes, tags, assignee, state, and the wrap-up form. Changes pushed by the cloud
// (`conversationChanged`) reload what they touch.
import { errorText, t } from "../i18n";
import { esc, invoke, listen } from "../tauri";
import type {
  AgentEvent, ChannelNumber, Classification, ConversationDetail, ConversationState, ConversationSummary, CustomerGrade, ProcessingStatus,
  Sentiment, Teammate, TranscriptHit, WrapUp,
} from "../wire";

/** The shortest search the cloud takes (`ringdesk_wire::SEARCH_QUERY_MIN`): said here
 *  before asking, rather than as the cloud's refusal. */
const SEARCH_QUERY_MIN = 2;

type StateFilter = ConversationState | "all";
type AssigneeFilter = "anyone" | "mine" | "nobody";

const state = {
  myId: 0,
  filter: { state: "open" as StateFilter, assignee: "anyone" as AssigneeFilter, tag: "", phoneOnly: false },
  list: [] as ConversationSummary[],
  total: 0,
  selected: null as number | null,
  detail: null as ConversationDetail | null,
  /** The selected conversation's recording as a `blob:` URL, once loaded. */
  audio: null as string | null,
  audioFor: null as number | null,
  speed: 1,
  /** Missed conversations ticked for a bulk close. */
  ticked: new Set<number>(),
  /** The wrap-up form as edited (saved with its button). */
  wrapUp: {} as WrapUp,
  /** The note being written, kept across re-renders. */
  note: "",
  classifications: [] as Classification[],
  teammates: [] as Teammate[],
  /** What a transcript search found (`null`: the list shows conversations). */
  hits: null as TranscriptHit[] | null,
  /** What the search box holds (kept across re-renders) and what was last searched. */
  searchText: "",
  searched: "",
  /** The callback form under the conversation's head is open. */
  booking: false,
  numbers: [] as ChannelNumber[],
  /** Where the player starts once the recording is loaded (a search hit's line), in ms. */
  seekTo: null as number | null,
  notice: "",
  error: "",
};

/** Where the inbox draws: the workspace's page body. */
const root = (): HTMLElement => document.getElementById("ws-body") ?? document.getElementById("app")!;

export const PHONE_ICON = `<svg class="phone-icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"><path fill="currentColor" d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2c.3-.3.7-.4 1-.2 1.1.4 2.3.6 3.6.6.6 0 1 .4 1 1V20c0 .6-.4 1-1 1A17 17 0 0 1 3 4c0-.6.4-1 1-1h3.5c.6 0 1 .4 1 1 0 1.3.2 2.5.6 3.6.1.3 0 .7-.2 1z"/></svg>`;

function fail(e: unknown): void {
  state.error = errorText(String(e));
  render();
}

function when(iso: string): string {
  const d = new Date(iso);
  const lang = document.documentElement.lang === "en" ? "en-US" : "ko-KR";
  return d.toLocaleString(lang, { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

function who(c: ConversationSummary): string {
  return c.contact?.name ?? c.customerNumber;
}

async function loadList(): Promise<void> {
  const f = state.filter;
  const page = await invoke("conversations", {
    query: {
      state: f.state === "all" ? null : f.state,
      source: f.phoneOnly ? "phone" : null,
      assignee: f.assignee === "mine" ? state.myId : f.assignee === "nobody" ? 0 : null,
      tag: f.tag.trim() || null,
      contact: null,
      page: 1,
      perPage: 100,
    },
  });
  state.list = page.conversations;
  state.total = page.total;
  for (const id of [...state.ticked]) if (!state.list.some((c) => c.id === id)) state.ticked.delete(id);
}

async function loadDetail(id: number): Promise<void> {
  const detail = await invoke("conversation_detail", { id });
  if (state.selected !== id) return;
  const fresh = state.detail?.summary.id !== id;
  state.detail = detail;
  if (fresh) state.wrapUp = { ...detail.wrapUp };
  if (detail.recording?.state === "ready" && state.audioFor !== id) {
    state.audioFor = id;
    state.audio = null;
    invoke("recording_audio", { callId: id })
      .then((url) => {
        if (state.audioFor === id) {
          state.audio = blobUrl(url);
          render();
        }
      })
      .catch(fail);
  }
}

/** The MP3 from its `data:` URL as a `blob:` URL, which every webview's player seeks in (the
 * previous one is let go). */
function blobUrl(data: string): string {
  if (state.audio) URL.revokeObjectURL(state.audio);
  const base64 = data.slice(data.indexOf(",") + 1);
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return URL.createObjectURL(new Blob([bytes], { type: "audio/mpeg" }));
}

/** Shows one conversation (also from another page of the workspace). */
export async function select(id: number): Promise<void> {
  state.selected = id;
  state.booking = false;
  state.note = "";
  state.notice = "";
  state.error = "";
  state.detail = null;
  if (state.audio) URL.revokeObjectURL(state.audio);
  state.audio = null;
  state.audioFor = null;
  render();
  await loadDetail(id).catch(fail);
  render();
}

async function refresh(): Promise<void> {
  await loadList().catch(fail);
  if (state.selected !== null) await loadDetail(state.selected).catch(fail);
  render();
}

function filtersView(): string {
  const s = t().ib;
  const states: StateFilter[] = ["open", "snoozed", "missed", "closed", "all"];
  const tabs = states
    .map((st) => `<button class="tab ${state.filter.state === st ? "current" : "secondary"}" data-state="${st}">${s.states[st]}</button>`)
    .join("");
  const assignees: AssigneeFilter[] = ["anyone", "mine", "nobody"];
  const assignee = assignees
    .map((a) => `<option value="${a}" ${state.filter.assignee === a ? "selected" : ""}>${s[a]}</option>`)
    .join("");
  return `<div class="tabs" id="state-tabs">${tabs}</div>
    <div class="row filters">
      <select id="assignee-filter" aria-label="${s.assignee}">${assignee}</select>
      <select id="source-filter" aria-label="${s.source}">
        <option value="all" ${state.filter.phoneOnly ? "" : "selected"}>${s.allSources}</option>
        <option value="phone" ${state.filter.phoneOnly ? "selected" : ""}>${s.phone}</option>
      </select>
    </div>
    <input id="tag-filter" placeholder="${s.tagFilter}" value="${esc(state.filter.tag)}" />
    <input id="transcript-search" type="search" placeholder="${s.search}" value="${esc(state.searchText)}" />`;
}

/** A search hit's line with what was searched marked. */
function marked(text: string, q: string): string {
  const at = text.toLowerCase().indexOf(q.toLowerCase());
  if (at < 0 || !q) return esc(text);
  return `${esc(text.slice(0, at))}<mark>${esc(text.slice(at, at + q.length))}</mark>${esc(text.slice(at + q.length))}`;
}

function hitsView(hits: TranscriptHit[]): string {
  const s = t().ib;
  const items = hits
    .map((h) => `<li class="hit" data-id="${h.callId}" data-ms="${h.startMs}">
        <div class="bar"><strong>${esc(h.customerName ?? h.customerNumber)}</strong><small class="muted">${when(h.startedAt)}</small></div>
        <p><span class="muted">${h.speaker === "customer" ? s.customer : s.agents}</span> ${marked(h.text, state.searched)}</p></li>`)
    .join("");
  return `<div class="bar"><small class="muted">${s.found(hits.length)}</small><button id="clear-search" class="link">${s.clearSearch}</button></div>
    <ul id="search-hits" class="conversations">${items || `<li class="muted">${s.noHits}</li>`}</ul>`;
}

function listView(): string {
  const s = t().ib;
  if (state.hits) return hitsView(state.hits);
  const missedList = state.filter.state === "missed" && state.list.length > 0;
  const bulk = missedList
    ? `<div class="row bulk"><label class="row"><input type="checkbox" id="tick-all" ${state.ticked.size === state.list.length ? "checked" : ""} /> ${s.selectAll}</label>
       <button id="close-ticked" class="secondary" ${state.ticked.size ? "" : "disabled"}>${s.closeSelected(state.ticked.size)}</button></div>`
    : "";
  const items = state.list
    .map((c) => {
      const tick = missedList
        ? `<input type="checkbox" class="tick" data-id="${c.id}" ${state.ticked.has(c.id) ? "checked" : ""} aria-label="${esc(who(c))}" />`
        : "";
      const tags = c.tags.map((tg) => `<span class="chip">${esc(tg)}</span>`).join("");
      return `<li class="conversation ${state.selected === c.id ? "current" : ""} ${c.missed ? "missed" : ""}" data-id="${c.id}">
        ${tick}
        <span class="source ${c.direction}" title="${c.direction === "outbound" ? s.outbound : s.inbound}">${PHONE_ICON}</span>
        <div class="summary">
          <div class="bar"><strong>${esc(who(c))}</strong>${c.contact?.lead ? ` <span class="badge">${s.lead}</span>` : ""}<small class="muted">${when(c.updatedAt)}</small></div>
          <p class="muted">${s.states[c.state]}${c.assignee ? ` · ${esc(c.assignee.name)}` : ""}${c.lastNote ? ` · ${esc(c.lastNote)}` : ""}</p>
          ${tags ? `<div class="chips">${tags}</div>` : ""}
        </div>
      </li>`;
    })
    .join("");
  return `${bulk}<ul id="conversation-list" class="conversations">${items || `<li class="muted">${s.empty}</li>`}</ul>`;
}

/** The player: the MP3 with speeds, and the paused stretches marked on a bar under it. */
function playerView(d: ConversationDetail): string {
  const s = t().ib;
  const r = d.recording;
  if (!r) return `<p class="muted" id="recording-state">${s.noRecording}</p>`;
  if (r.state === "recording") return `<p class="muted" id="recording-state">${s.recordingNotReady}</p>`;
  if (r.state === "failed") return `<p class="error" id="recording-state">${s.recordingFailed}</p>`;
  const total = Math.max(r.durationMs, 1);
  const marks = r.pauses
    .map((p) => {
      const from = (p.fromMs / total) * 100;
      const to = ((p.toMs ?? total) / total) * 100;
      return `<span class="pause-mark" style="left:${from.toFixed(2)}%;width:${Math.max(to - from, 0.5).toFixed(2)}%" title="${s.paused}"></span>`;
    })
    .join("");
  const speeds = [0.75, 1, 1.25, 1.5, 2]
    .map((v) => `<option value="${v}" ${state.speed === v ? "selected" : ""}>${v}×</option>`)
    .join("");
  return `<div class="player">
      ${state.audio ? `<audio id="player" controls preload="auto" src="${state.audio}"></audio>` : `<p class="muted">…</p>`}
      <div class="timeline" id="pause-marks" aria-label="${s.paused}">${marks}</div>
      <div class="row player-bar"><label class="row">${s.speed} <select id="speed">${speeds}</select></label>
        <small class="muted">${s.channels}</small><span class="spacer"></span>
        <button id="download" class="secondary">${s.download}</button></div>
    </div>`;
}

/** The transcript beside the player: each line who said it, when; a click plays from there. */
function transcriptView(d: ConversationDetail): string {
  const s = t().ib;
  const state = d.recording?.transcript;
  if (!state) return "";
  if (state === "pending") return `<p class="muted" id="transcript-state">${s.transcribing}</p>`;
  if (state === "failed") return `<p class="error" id="transcript-state">${s.transcriptFailed}</p>`;
  if (d.transcript.length === 0) return `<p class="muted" id="transcript-state">${s.nothingSaid}</p>`;
  const at = (ms: number) => `${Math.floor(ms / 60000)}:${String(Math.floor(ms / 1000) % 60).padStart(2, "0")}`;
  const lines = d.transcript
    .map((l) => `<li class="line ${l.speaker}" data-ms="${l.startMs}"><button class="link seek">${at(l.startMs)}</button>
      <strong>${l.speaker === "customer" ? s.customer : s.agents}</strong> ${esc(l.text)}</li>`)
    .join("");
  return `<h3>${s.transcript}</h3><ul id="transcript" class="transcript">${lines}</ul>`;
}

function option<T extends string>(value: T | null | undefined, values: readonly T[], names: Record<T, string>): string {
  const s = t().ib;
  return `<option value="" ${value ? "" : "selected"}>${s.unset}</option>` +
    values.map((v) => `<option value="${v}" ${value === v ? "selected" : ""}>${names[v]}</option>`).join("");
}

function wrapUpView(): string {
  const s = t().ib;
  const w = state.wrapUp;
  const classes = `<option value="" ${w.classificationId ? "" : "selected"}>${s.unset}</option>` +
    state.classifications.map((c) => `<option value="${c.id}" ${w.classificationId === c.id ? "selected" : ""}>${esc(c.name)}</option>`).join("");
  return `<section class="card" id="wrap-up">
      <h3>${s.wrapUp}</h3>
      <label>${s.classification}<select id="wu-classification">${classes}</select></label>
      <label>${s.sentiment}<select id="wu-sentiment">${option<Sentiment>(w.sentiment, ["positive", "neutral", "negative"], s.sentiments)}</select></label>
      <label>${s.grade}<select id="wu-grade">${option<CustomerGrade>(w.grade, ["new", "regular", "vip", "caution"], s.grades)}</select></label>
      <label>${s.processing}<select id="wu-processing">${option<ProcessingStatus>(w.processing, ["resolved", "inProgress", "escalated"], s.processings)}</select></label>
      <button id="save-wrap-up">${s.saveWrapUp}</button>
    </section>`;
}

function detailView(): string {
  const s = t().ib;
  const d = state.detail;
  if (!d) return `<p class="muted pick">${state.selected === null ? s.pick : "…"}</p>`;
  const c = d.summary;
  const actions = c.missed
    ? c.state === "closed" ? "" : `<button id="close-conversation">${s.close}</button>`
    : c.state === "closed" || c.state === "snoozed"
      ? `<button id="reopen" class="secondary">${s.reopen}</button>${c.state === "snoozed" ? `<button id="close-conversation">${s.close}</button>` : ""}`
      : `<button id="snooze-hour" class="secondary">${s.snoozeHour}</button>
         <button id="snooze-tomorrow" class="secondary">${s.snoozeTomorrow}</button>
         <button id="close-conversation">${s.close}</button>`;
  const assignee = `<option value="" ${c.assignee ? "" : "selected"}>${s.nobody}</option>` +
    state.teammates.map((m) => `<option value="${m.id}" ${c.assignee?.id === m.id ? "selected" : ""}>${esc(m.name)}</option>`).join("");
  const notes = d.notes
    .map((n) => `<li class="note"><div class="bar"><strong>${esc(n.author.name)}</strong><small class="muted">${when(n.at)}</small></div><p>${esc(n.text)}</p></li>`)
    .join("");
  const tags = c.tags
    .map((tg) => `<span class="chip">${esc(tg)}<button class="remove-tag link" data-tag="${esc(tg)}" aria-label="${esc(s.removeTag(tg))}">×</button></span>`)
    .join("");
  const call = d.call;
  const talk = `${Math.floor(call.durationS / 60)}:${String(call.durationS % 60).padStart(2, "0")}`;
  return `<div class="conversation-view">
    <section class="card" id="conversation-head">
      <div class="bar"><h2>${PHONE_ICON} ${c.contact ? `<button id="open-contact" class="link" data-id="${c.contact.id}">${esc(who(c))}</button>` : esc(who(c))}${c.contact?.lead ? ` <span class="badge">${s.lead}</span>` : ""}</h2>
        <span class="state ${c.state}" id="conversation-state">${c.snoozedUntil ? esc(s.snoozedUntil(when(c.snoozedUntil))) : s.states[c.state]}</span></div>
      <p class="muted">${esc(c.customerNumber)} · ${c.direction === "outbound" ? s.outbound : s.inbound} · ${when(c.createdAt)}${c.teamName ? ` · ${esc(c.teamName)}` : ""}</p>
      ${c.missed && c.state !== "closed" ? `<p class="muted">${s.missedNote}</p>` : ""}
      <div class="row head-actions"><label class="row">${s.assignee}<select id="assignee">${assignee}</select></label><span class="spacer"></span>${actions}</div>
      <div class="row head-actions">
        <button id="call-customer" class="answer">${s.callCustomer}</button>
        <button id="book-callback-open" class="secondary">${s.bookCallback}</button>
      </div>
      ${state.booking ? callbackForm(c.customerNumber) : ""}
    </section>
    <section class="card"><h3>${s.recording}</h3>${playerView(d)}${transcriptView(d)}</section>
    <section class="card" id="notes">
      <h3>${s.notes}</h3><p class="muted">${s.notesHint}</p>
      <ul class="notes">${notes}</ul>
      <textarea id="note-text" rows="3" placeholder="${s.notePlaceholder}">${esc(state.note)}</textarea>
      <button id="add-note" ${state.note.trim() ? "" : "disabled"}>${s.addNote}</button>
    </section>
  </div>
  <aside class="side">
    ${wrapUpView()}
    <section class="card" id="tags"><h3>${s.tags}</h3><div class="chips">${tags}</div><input id="tag-input" placeholder="${s.addTag}" /></section>
    <section class="card"><h3>${s.call}</h3>
      <ul class="fields"><li><span>${s.number}</span>${esc(call.number)}</li><li><span>${s.started}</span>${when(call.startedAt)}</li>
      <li><span>${s.duration}</span>${talk}</li>${c.teamName ? `<li><span>${s.team}</span>${esc(c.teamName)}</li>` : ""}</ul></section>
  </aside>`;
}

/** A callback's default time: the next whole hour, at least 30 minutes ahead. */
function nextSlot(): string {
  const d = new Date(Date.now() + 30 * 60_000);
  d.setMinutes(0, 0, 0);
  d.setHours(d.getHours() + 1);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Booking a callback for the conversation's customer: when, who calls, from which number. */
function callbackForm(number: string): string {
  const s = t().ib;
  const people = state.teammates
    .map((m) => `<option value="${m.id}" ${m.id === state.myId ? "selected" : ""}>${esc(m.name)}</option>`)
    .join("");
  const numbers = state.numbers.map((n) => `<option value="${esc(n.e164)}">${esc(n.label)} ${esc(n.e164)}</option>`).join("");
  return `<form id="callback-form" class="callback-form">
    <p class="muted">${esc(s.callbackFor(number))}</p>
    <label>${s.callbackWhen}<input id="cb-when" type="datetime-local" value="${nextSlot()}" required /></label>
    <label>${s.assignee}<select id="cb-assignee">${people}</select></label>
    <label>${s.callbackFrom}<select id="cb-caller-id">${numbers}</select></label>
    <label>${s.callbackNote}<textarea id="cb-note" rows="2"></textarea></label>
    <div class="row"><button id="cb-book" type="submit">${s.bookCallback}</button><button id="cb-cancel" type="button" class="secondary">${t().cancel}</button></div>
  </form>`;
}

export function render(): void {
  // Another page of the workspace is showing: drawn when the inbox is shown again.
  if ((document.body.dataset.page ?? "inbox") !== "inbox") return;
  const s = t().ib;
  // Keep the player where it is across re-renders (a push must not restart the audio).
  const playing = document.getElementById("player") as HTMLAudioElement | null;
  const at = playing && state.audio && playing.src === state.audio ? playing.currentTime : 0;
  const wasPlaying = playing ? !playing.paused : false;
  root().innerHTML = `<div class="inbox">
      <nav class="card list"><h2>${s.title} <small class="muted">${state.total}</small></h2>${filtersView()}${listView()}</nav>
      <main class="detail">${detailView()}</main>
    </div>
    ${state.notice ? `<p id="ib-notice" class="muted">${esc(state.notice)}</p>` : ""}
    ${state.error ? `<p id="ib-error" class="error">${esc(state.error)}</p>` : ""}`;
  const player = document.getElementById("player") as HTMLAudioElement | null;
  if (player) {
    player.playbackRate = state.speed;
    if (state.seekTo !== null) {
      player.currentTime = state.seekTo / 1000;
      state.seekTo = null;
    } else if (at) player.currentTime = at;
    if (wasPlaying) void player.play();
  }
  bind();
}

/** Runs a change (which may say what it did), then shows what the cloud has now. */
async function change(work: () => Promise<unknown>): Promise<void> {
  state.error = "";
  state.notice = "";
  try {
    const said = await work();
    if (typeof said === "string") state.notice = said;
  } catch (e) {
    state.error = errorText(String(e));
  }
  await refresh();
}

function snoozeUntil(tomorrow: boolean): string {
  const d = new Date();
  if (tomorrow) {
    d.setDate(d.getDate() + 1);
    d.setHours(9, 0, 0, 0);
  } else {
    d.setHours(d.getHours() + 1);
  }
  return d.toISOString();
}

function bind(): void {
  const on = (id: string, f: () => void) => document.getElementById(id)?.addEventListener("click", f);
  const id = state.selected;
  on("open-contact", () => {
    const contact = Number(document.getElementById("open-contact")?.dataset.id);
    void invoke("open_workspace", { view: { page: "contact", id: contact } });
  });
  on("call-customer", () => {
    const number = state.detail?.summary.customerNumber;
    if (number) void invoke("dial", { number, callerId: state.detail?.call.number ?? null }).catch(fail);
  });
  on("book-callback-open", () => {
    state.booking = !state.booking;
    render();
  });
  on("cb-cancel", () => {
    state.booking = false;
    render();
  });
  document.getElementById("callback-form")?.addEventListener("submit", (e) => {
    e.preventDefault();
    const d = state.detail;
    if (!d) return;
    const value = (sel: string) => (document.getElementById(sel) as HTMLInputElement).value;
    const when = new Date(value("cb-when"));
    void change(async () => {
      await invoke("book_callback", {
        callback: {
          customerNumber: d.summary.customerNumber,
          conversationId: d.summary.id,
          assigneeId: Number(value("cb-assignee")),
          callerId: value("cb-caller-id"),
          dueAt: isNaN(when.getTime()) ? value("cb-when") : when.toISOString(),
          note: value("cb-note"),
        },
      });
      state.booking = false;
      return t().ib.callbackBooked(when.toLocaleString());
    });
  });
  document.querySelectorAll<HTMLButtonElement>("#state-tabs button").forEach((b) =>
    b.addEventListener("click", () => {
      state.filter.state = b.dataset.state as StateFilter;
      state.ticked.clear();
      void refresh();
    }),
  );
  document.getElementById("assignee-filter")?.addEventListener("change", (e) => {
    state.filter.assignee = (e.target as HTMLSelectElement).value as AssigneeFilter;
    void refresh();
  });
  document.getElementById("source-filter")?.addEventListener("change", (e) => {
    state.filter.phoneOnly = (e.target as HTMLSelectElement).value === "phone";
    void refresh();
  });
  document.getElementById("tag-filter")?.addEventListener("change", (e) => {
    state.filter.tag = (e.target as HTMLInputElement).value;
    void refresh();
  });
  const search = document.getElementById("transcript-search") as HTMLInputElement | null;
  search?.addEventListener("input", () => (state.searchText = search.value));
  search?.addEventListener("keydown", (e) => {
    if (e.key !== "Enter") return;
    const q = search.value.trim();
    if (!q) return;
    if ([...q].length < SEARCH_QUERY_MIN) {
      state.error = t().ib.searchTooShort;
      render();
      return;
    }
    invoke("search_transcripts", { query: q })
      .then((hits) => {
        state.hits = hits;
        state.searched = q;
        state.error = "";
        render();
      })
      .catch(fail);
  });
  on("clear-search", () => {
    state.error = "";
    state.hits = null;
    state.searched = "";
    state.searchText = "";
    render();
  });
  document.querySelectorAll<HTMLLIElement>("#search-hits li.hit").forEach((li) =>
    li.addEventListener("click", () => {
      state.seekTo = Number(li.dataset.ms);
      void select(Number(li.dataset.id));
    }),
  );
  document.querySelectorAll<HTMLLIElement>("#conversation-list li.conversation").forEach((li) =>
    li.addEventListener("click", (e) => {
      if ((e.target as HTMLElement).classList.contains("tick")) return;
      void select(Number(li.dataset.id));
    }),
  );
  document.querySelectorAll<HTMLInputElement>("#conversation-list input.tick").forEach((box) =>
    box.addEventListener("change", () => {
      const n = Number(box.dataset.id);
      if (box.checked) state.ticked.add(n);
      else state.ticked.delete(n);
      render();
    }),
  );
  document.getElementById("tick-all")?.addEventListener("change", (e) => {
    state.ticked = (e.target as HTMLInputElement).checked ? new Set(state.list.map((c) => c.id)) : new Set();
    render();
  });
  on("close-ticked", () => {
    const ids = [...state.ticked];
    void change(async () => {
      const closed = await invoke("close_conversations", { ids });
      state.ticked.clear();
      return t().ib.closedCount(closed.closed);
    });
  });
  if (id === null) return;
  on("close-conversation", () => void change(() => invoke("set_conversation_state", { id, change: { state: "closed", snoozedUntil: null } })));
  on("reopen", () => void change(() => invoke("set_conversation_state", { id, change: { state: "open", snoozedUntil: null } })));
  on("snooze-hour", () => void change(() => invoke("set_conversation_state", { id, change: { state: "snoozed", snoozedUntil: snoozeUntil(false) } })));
  on("snooze-tomorrow", () => void change(() => invoke("set_conversation_state", { id, change: { state: "snoozed", snoozedUntil: snoozeUntil(true) } })));
  document.getElementById("assignee")?.addEventListener("change", (e) => {
    const v = (e.target as HTMLSelectElement).value;
    void change(() => invoke("set_conversation_assignee", { id, managerId: v ? Number(v) : null }));
  });
  const note = document.getElementById("note-text") as HTMLTextAreaElement | null;
  note?.addEventListener("input", () => {
    state.note = note.value;
    (document.getElementById("add-note") as HTMLButtonElement).disabled = !note.value.trim();
  });
  on("add-note", () => {
    const text = state.note;
    void change(async () => {
      await invoke("add_conversation_note", { id, text });
      state.note = "";
    });
  });
  const tags = state.detail?.summary.tags ?? [];
  const tagInput = document.getElementById("tag-input") as HTMLInputElement | null;
  tagInput?.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" || !tagInput.value.trim()) return;
    const next = [...tags, tagInput.value.trim()];
    void change(() => invoke("set_conversation_tags", { id, tags: next }));
  });
  document.querySelectorAll<HTMLButtonElement>("#tags button.remove-tag").forEach((b) =>
    b.addEventListener("click", () => void change(() => invoke("set_conversation_tags", { id, tags: tags.filter((tg) => tg !== b.dataset.tag) }))),
  );
  // Each choice is kept as it is made: a push re-rendering the window keeps the form as edited.
  const pick = (field: string) => (document.getElementById(field) as HTMLSelectElement).value;
  const edited = () => {
    state.wrapUp = {
      classificationId: pick("wu-classification") ? Number(pick("wu-classification")) : null,
      sentiment: (pick("wu-sentiment") || null) as Sentiment | null,
      grade: (pick("wu-grade") || null) as CustomerGrade | null,
      processing: (pick("wu-processing") || null) as ProcessingStatus | null,
    };
  };
  for (const field of ["wu-classification", "wu-sentiment", "wu-grade", "wu-processing"]) {
    document.getElementById(field)?.addEventListener("change", edited);
  }
  on("save-wrap-up", () => {
    edited();
    const wrapUp = state.wrapUp;
    void change(async () => {
      await invoke("save_wrap_up", { id, wrapUp });
      return t().ib.saved;
    });
  });
  document.getElementById("speed")?.addEventListener("change", (e) => {
    state.speed = Number((e.target as HTMLSelectElement).value);
    const player = document.getElementById("player") as HTMLAudioElement | null;
    if (player) player.playbackRate = state.speed;
  });
  document.getElementById("pause-marks")?.addEventListener("click", (e) => {
    const bar = e.currentTarget as HTMLElement;
    const player = document.getElementById("player") as HTMLAudioElement | null;
    const total = (state.detail?.recording?.durationMs ?? 0) / 1000;
    if (!player || !total) return;
    player.currentTime = ((e.clientX - bar.getBoundingClientRect().left) / bar.clientWidth) * total;
  });
  document.querySelectorAll<HTMLLIElement>("#transcript li.line").forEach((li) =>
    li.addEventListener("click", () => {
      const player = document.getElementById("player") as HTMLAudioElement | null;
      if (!player) return;
      player.currentTime = Number(li.dataset.ms) / 1000;
      void player.play();
    }),
  );
  on("download", () => {
    void invoke("download_recording", { callId: id })
      .then((path) => {
        state.notice = t().ib.savedTo(path);
        render();
      })
      .catch(fail);
  });
}

/** Loads the inbox and keeps it current; the workspace shows it. */
export async function startInbox(): Promise<void> {
  // Pushes from the cloud: reload once for a burst of them.
  let pending: number | null = null;
  await listen("agent-event", (e: AgentEvent) => {
    if (e.event !== "conversationChanged") return;
    if (pending !== null) clearTimeout(pending);
    pending = window.setTimeout(() => {
      pending = null;
      void refresh();
    }, 150);
  });
  const [me, targets, classifications] = await Promise.all([
    invoke("current_manager"),
    invoke("call_targets"),
    invoke("classifications"),
  ]).catch((e) => {
    fail(e);
    return [null, null, null] as const;
  });
  if (me) state.myId = me.id;
  if (targets) state.teammates = targets.teammates;
  if (classifications) state.classifications = classifications;
  state.numbers = await invoke("channel_numbers").catch(() => []);
  await refresh();
}
