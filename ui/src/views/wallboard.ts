// The workspace's wallboard page (대기 현황): the queue right now for every manager — who waits
// and for how long, today's service level and counts, and how each teammate is. While the page
// is shown the cloud pushes a new board on every change (`watch_wallboard`), never polled;
// between pushes the page counts the waits up itself each second on the cloud's clock (its
// `serverNowMs` against ours when the board came), so every app shows the same waits. A
// waiting caller opens their contact, with its calls, in the contacts page.
import { errorText, t } from "../i18n";
import { esc, invoke } from "../tauri";
import type { AgentStatus, LiveManager, WaitingCaller, Wallboard } from "../wire";
import { DASH, minSec, percent } from "./format";

/** A manager's status as the board shows it: `null` (no app open) is offline. */
type Shown = AgentStatus | "offline";
const STATUSES: Shown[] = ["available", "inCall", "wrapUp", "away", "offline"];

const state = {
  board: null as Wallboard | null,
  /** The cloud's clock minus ours, when the last board came. */
  offsetMs: 0,
  error: "",
};
/** Counts the waits up while the page is shown. */
let ticker: number | undefined;

const root = (): HTMLElement => document.getElementById("ws-body")!;

/** Time since a moment of the cloud's clock, m:ss. */
function since(ms: number): string {
  return minSec(Math.max(0, Math.floor((Date.now() + state.offsetMs - ms) / 1000)));
}

const shown = (m: LiveManager): Shown => m.status ?? "offline";

function tile(id: string, label: string, value: string, note = "", sinceMs: number | null = null): string {
  const tick = sinceMs === null ? "" : ` data-since="${sinceMs}"`;
  return `<div class="tile" id="${id}"><span class="label">${label}</span><strong${tick}>${value}</strong>${note ? `<small>${esc(note)}</small>` : ""}</div>`;
}

function callerRow(c: WaitingCaller): string {
  const s = t().wb;
  return `<tr class="wb-caller" data-number="${esc(c.number)}" title="${esc(s.openContact)}">
    <td><strong>${esc(c.name ?? c.number)}</strong>${c.name ? ` <small class="muted">${esc(c.number)}</small>` : ""}</td>
    <td>${esc(c.queue)}</td>
    <td class="wait" data-since="${c.sinceMs}">${since(c.sinceMs)}</td>
    <td>${c.ringing ? `<span class="badge ok">${s.ringing}</span>` : ""} ${c.callback ? `<span class="badge">${s.callback}</span>` : ""}</td>
  </tr>`;
}

function managerLine(m: LiveManager): string {
  const status = shown(m);
  const clock = m.sinceMs === null ? "" : `<small class="muted for" data-since="${m.sinceMs}">${esc(t().wb.for(since(m.sinceMs)))}</small>`;
  return `<li class="wb-manager ${status}" data-id="${m.id}"><span class="dot ${status}"></span>
    <span class="name">${esc(m.name)}</span><span class="word">${t()[status]}</span>${clock}</li>`;
}

function boardView(b: Wallboard): string {
  const s = t().wb;
  const today = b.today;
  const longest = b.waiting.length ? Math.min(...b.waiting.map((c) => c.sinceMs)) : null;
  const level = today ? percent(today.serviceLevelCalls ? today.answeredInTime / today.serviceLevelCalls : null) : DASH;
  const count = (n: number | undefined) => (n === undefined ? DASH : String(n));
  const counts = STATUSES.map((st) =>
    tile(`wb-count-${st}`, `<span class="dot ${st}"></span> ${t()[st]}`, String(b.managers.filter((m) => shown(m) === st).length)),
  ).join("");
  return `<div class="wallboard">
    <div class="tiles wb-big">
      ${tile("wb-waiting-count", s.waitingNow, String(b.waiting.length))}
      ${tile("wb-longest", s.longestWait, longest === null ? DASH : since(longest), "", longest)}
      ${tile("wb-sl", s.serviceLevel, level, today ? s.within(today.answerWithinS) : "")}
      ${tile("wb-inbound", s.inbound, count(today?.inbound))}
      ${tile("wb-answered", s.answered, count(today?.answered))}
      ${tile("wb-missed", s.missed, count(today?.missed))}
    </div>
    <div class="tiles wb-counts">${counts}</div>
    <div class="wb-grid">
      <section class="card"><h3>${s.waiting}</h3>
        <div class="table-wrap"><table id="wb-waiting" class="data text">
          <thead><tr><th>${s.caller}</th><th>${s.queue}</th><th>${s.waitedFor}</th><th></th></tr></thead>
          <tbody>${b.waiting.map(callerRow).join("") || `<tr><td colspan="4" class="muted">${s.noneWaiting}</td></tr>`}</tbody>
        </table></div></section>
      <section class="card"><h3>${s.managers}</h3>
        <ul id="wb-managers" class="wb-managers">${b.managers.map(managerLine).join("") || `<li class="muted">${s.noManagers}</li>`}</ul></section>
    </div>
  </div>`;
}

/** Draws the page. */
export function render(): void {
  if (document.body.dataset.page !== "wallboard") return;
  const s = t().wb;
  const body = state.board
    ? boardView(state.board)
    : `<section class="card"><h2>${s.title}</h2><p id="wb-placeholder" class="muted">${s.first}</p></section>`;
  root().innerHTML = `${body}${state.error ? `<p id="wb-error" class="error">${esc(state.error)}</p>` : ""}`;
  bind();
}

/** Counts every shown wait up to now, without drawing the page again. */
function tick(): void {
  document.querySelectorAll<HTMLElement>("#ws-body [data-since]").forEach((el) => {
    const d = since(Number(el.dataset.since));
    el.textContent = el.classList.contains("for") ? t().wb.for(d) : d;
  });
}

/** A board the cloud pushed. */
export function update(b: Wallboard): void {
  state.board = b;
  state.offsetMs = b.serverNowMs - Date.now();
  render();
}

/** The page opens: the cloud starts pushing boards, and the clock ticks. */
export function enter(): void {
  state.board = null;
  state.error = "";
  void invoke("watch_wallboard", { watch: true }).catch((e) => {
    state.error = errorText(String(e));
    render();
  });
  window.clearInterval(ticker);
  ticker = window.setInterval(tick, 1000);
}

/** The page goes: no more boards, no more ticking. */
export function leave(): void {
  window.clearInterval(ticker);
  ticker = undefined;
  void invoke("watch_wallboard", { watch: false }).catch(() => undefined);
}

function bind(): void {
  document.querySelectorAll<HTMLTableRowElement>("#wb-waiting tr.wb-caller").forEach((tr) =>
    tr.addEventListener("click", () => {
      void invoke("open_contact_by_number", { number: tr.dataset.number ?? "" }).catch((e) => {
        const code = String(e);
        state.error = code === "notFound" ? t().wb.noContact : errorText(code);
        render();
      });
    }),
  );
}
