// The workspace's call history page: the manager's own calls from the cloud — recent, missed,
// inbound, outbound — each with what it was for them ("{name}'s invitation" for one they did
// not answer), a redial on the same medium (a missed call already called back asks first),
// and deleting one call or all of them.
import { errorText, t } from "../i18n";
import { esc, invoke } from "../tauri";
import type { HistoryEntry, HistoryKind } from "../wire";
import { clock, duration } from "./format";

const KINDS: HistoryKind[] = ["recent", "missed", "inbound", "outbound"];

const state = {
  kind: "recent" as HistoryKind,
  entries: [] as HistoryEntry[],
  /** The last page was full: there may be older calls. */
  more: false,
  /** The entry whose redial waits for "call anyway" (already handled). */
  confirming: null as number | null,
  clearing: false,
  notice: "",
  error: "",
};

const PAGE = 50;
const root = (): HTMLElement => document.getElementById("ws-body")!;

function outcomeLabel(e: HistoryEntry): string {
  const s = t().hi;
  if (e.invitedBy && e.outcome === "missed") return s.invitation(e.invitedBy.name);
  return s.outcomes[e.outcome];
}

function row(e: HistoryEntry): string {
  const s = t().hi;
  const icon = e.medium === "meet" ? `<span class="badge">${s.web}</span>` : e.direction === "outbound" ? "↗" : "↙";
  const who = e.name ?? (e.number || s.visitor);
  const redial =
    state.confirming === e.callId
      ? `<span class="muted">${s.alreadyHandled}</span>
         <button class="h-redial-anyway answer" data-id="${e.callId}">${s.callAnyway}</button>
         <button class="h-redial-cancel secondary">${t().cancel}</button>`
      : e.redial
        ? `<button class="h-redial secondary" data-id="${e.callId}">${s.redial}</button>`
        : `<span class="muted" title="${esc(s.noRedial)}">${s.noRedialShort}</span>`;
  return `<li class="history-entry ${e.outcome}" data-id="${e.callId}">
    <span class="icon">${icon}</span>
    <span class="who"><strong>${esc(who)}</strong> ${e.name && e.number ? `<small class="muted">${esc(e.number)}</small>` : ""}
      <br /><small class="outcome">${esc(outcomeLabel(e))}${e.alreadyHandled ? ` · ${s.handled}` : ""}</small></span>
    <span class="muted when">${esc(clock(new Date(e.startedAt).getTime()))}${e.durationS ? ` · ${duration(e.durationS)}` : ""}</span>
    <span class="row actions">${redial}<button class="h-delete link" data-id="${e.callId}" aria-label="${s.delete}" title="${s.delete}">×</button></span>
  </li>`;
}

/** Draws the page. */
export function render(): void {
  if (document.body.dataset.page !== "history") return;
  const s = t().hi;
  const kinds = KINDS.map(
    (k) => `<button class="${k === state.kind ? "current" : "secondary"}" data-kind="${k}">${s.kinds[k]}</button>`,
  ).join("");
  const clear = state.clearing
    ? `<span class="muted">${s.clearAsk}</span><button id="h-clear-yes" class="decline">${s.clearAll}</button><button id="h-clear-no" class="secondary">${t().cancel}</button>`
    : `<button id="h-clear" class="link">${s.clearAll}</button>`;
  root().innerHTML = `<section class="card history-page">
      <div class="bar"><h2>${s.title}</h2><span class="row">${clear}</span></div>
      <div id="history-kinds" class="tabs">${kinds}</div>
      <p class="muted">${s.kept}</p>
      <ul id="history-list" class="history-list">${state.entries.map(row).join("") || `<li class="muted">${t().noCalls}</li>`}</ul>
      ${state.more ? `<button id="h-more" class="secondary">${s.more}</button>` : ""}
    </section>
    ${state.notice ? `<p id="h-notice" class="muted">${esc(state.notice)}</p>` : ""}
    ${state.error ? `<p id="h-error" class="error">${esc(state.error)}</p>` : ""}`;
  bind();
}

/** Reads the first page of the chosen kind again. */
export async function refresh(): Promise<void> {
  try {
    state.entries = await invoke("history", { kind: state.kind, before: null });
    state.more = state.entries.length === PAGE;
    state.error = "";
  } catch (e) {
    state.error = errorText(String(e));
  }
  render();
}

function fail(e: unknown): void {
  state.error = errorText(String(e));
  render();
}

function dial(id: number): void {
  const e = state.entries.find((x) => x.callId === id);
  state.confirming = null;
  if (e?.redial) {
    state.notice = t().hi.dialling(e.name ?? e.redial);
    void invoke("dial", { number: e.redial, callerId: null }).catch(fail);
  }
  render();
}

function bind(): void {
  const on = (id: string, f: () => void) => document.getElementById(id)?.addEventListener("click", f);
  document.querySelectorAll<HTMLButtonElement>("#history-kinds button").forEach((b) =>
    b.addEventListener("click", () => {
      state.kind = b.dataset.kind as HistoryKind;
      void refresh();
    }),
  );
  document.querySelectorAll<HTMLButtonElement>("button.h-redial").forEach((b) =>
    b.addEventListener("click", () => {
      const id = Number(b.dataset.id);
      if (state.entries.find((x) => x.callId === id)?.alreadyHandled) {
        state.confirming = id;
        render();
      } else dial(id);
    }),
  );
  document.querySelectorAll<HTMLButtonElement>("button.h-redial-anyway").forEach((b) => b.addEventListener("click", () => dial(Number(b.dataset.id))));
  document.querySelector<HTMLButtonElement>("button.h-redial-cancel")?.addEventListener("click", () => {
    state.confirming = null;
    render();
  });
  document.querySelectorAll<HTMLButtonElement>("button.h-delete").forEach((b) =>
    b.addEventListener("click", () => {
      void invoke("delete_history", { callId: Number(b.dataset.id) }).then(refresh).catch(fail);
    }),
  );
  on("h-clear", () => {
    state.clearing = true;
    render();
  });
  on("h-clear-no", () => {
    state.clearing = false;
    render();
  });
  on("h-clear-yes", () => {
    state.clearing = false;
    void invoke("clear_history").then(refresh).catch(fail);
  });
  on("h-more", () => {
    const last = state.entries[state.entries.length - 1];
    if (!last) return;
    void invoke("history", { kind: state.kind, before: last.callId })
      .then((older) => {
        state.entries = state.entries.concat(older);
        state.more = older.length === PAGE;
        render();
      })
      .catch(fail);
  });
}
