// The workspace's statistics page: how the calls went over a period of whole days — the
// summary figures (service level, speed of answer, abandonment, averages), missed calls by
// reason, calls per day and the weekday × hour heat map (Chart.js), and the figures per team,
// queue and manager. Owners and admins see the whole channel and may export its calls as CSV;
// owners also keep the statistics API's access keys here. Any other manager sees their own
// figures only (the cloud sends them nothing else).
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from "chart.js";
import { MatrixController, MatrixElement } from "chartjs-chart-matrix";
import { errorText, language, t } from "../i18n";
import { esc, invoke } from "../tauri";
import type { AccessKey, CallMetrics, CreatedAccessKey, ManagerInfo, ManagerMetrics, MissedByReason, Statistics } from "../wire";
import { minSec, percent } from "./format";

// Only what the two charts use, so the bundle leaves the rest of Chart.js out.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip, MatrixController, MatrixElement);

/** The thresholds the cloud accepts (`ANSWER_WITHIN_CHOICES`, `SHORT_ABANDON_CHOICES`). */
const ANSWER_WITHIN = [10, 15, 20, 30, 45, 60, 90, 120, 180, 300];
const SHORT_ABANDON = [0, 5, 10, 15, 20, 30];
/** An access key's label, in characters (`ACCESS_KEY_LABEL_MAX`). */
const LABEL_MAX = 60;

/** The summary tiles, in order: counts, rates (`…Rate`, `serviceLevel`) and seconds (`…S`). */
const TILES = [
  "total", "inbound", "outbound", "answered", "missed", "inboundCompletionRate", "outboundCompletionRate", "serviceLevel",
  "averageSpeedOfAnswerS", "abandonmentRate", "averageCallDurationS", "averageFirstResponseS", "averageWrapUpS",
  "averageHandleTimeS", "averageHoldS",
] as const satisfies readonly (keyof CallMetrics)[];
type Tile = (typeof TILES)[number];

const REASONS: (keyof MissedByReason)[] = [
  "notInOperation", "noOperator", "abandonedInQueue", "ringTimeOver", "userLeft", "exceededQueue", "workflow",
];

/** A heat map cell: weekday (0 = Monday), hour and its calls. */
type Cell = { x: number; y: number; v: number };

/** A local date `n` days before today, `YYYY-MM-DD`. */
function daysAgo(n: number): string {
  const d = new Date();
  d.setDate(d.getDate() - n);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

const state = {
  from: daysAgo(6),
  to: daysAgo(0),
  answerWithinS: 20,
  shortAbandonS: 5,
  teamId: null as number | null,
  /** Every team an answer named, for the team filter (one team's answer may list only it). */
  teams: new Map<number, string>(),
  /** Who is looking: what they may see and do. */
  me: null as ManagerInfo | null,
  stats: null as Statistics | null,
  loading: false,
  exporting: false,
  /** Where the last export was saved. */
  exported: "",
  error: "",
  keys: [] as AccessKey[],
  /** The key just created, its secret shown until dismissed or the page is left. */
  created: null as CreatedAccessKey | null,
  /** The key whose revoking waits for "revoke" again. */
  revoking: null as number | null,
  keyError: "",
};

/** The charts drawn: destroyed before drawing again and when the page goes. */
let charts: Chart[] = [];
/** Counts the requests: an answer to one older than the last is dropped. */
let asked = 0;

const root = (): HTMLElement => document.getElementById("ws-body")!;

function when(iso: string): string {
  return new Date(iso).toLocaleString(language() === "en" ? "en-US" : "ko-KR", {
    year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit",
  });
}

function figure(m: CallMetrics, k: Tile): string {
  const v = m[k];
  if (k.endsWith("S")) return minSec(v);
  if (k.endsWith("Rate") || k === "serviceLevel") return percent(v);
  return String(v);
}

function tile(label: string, value: string, id = "", note = ""): string {
  return `<div class="tile" ${id ? `id="${id}"` : ""}><span class="label">${label}</span><strong>${value}</strong>${note ? `<small>${esc(note)}</small>` : ""}</div>`;
}

/** A table of figures; the cells come escaped. */
function table(id: string, head: string[], rows: string[][], kind = ""): string {
  const body =
    rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("") ||
    `<tr><td colspan="${head.length}" class="muted">${t().st.noRows}</td></tr>`;
  return `<div class="table-wrap"><table id="${id}" class="data ${kind}">
    <thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>${body}</tbody></table></div>`;
}

function controls(): string {
  const s = t().st;
  const admin = state.me?.canAdminister ?? false;
  const today = daysAgo(0);
  const quick = ([[1, s.today], [7, s.days7], [30, s.days30]] as const)
    .map(([n, label]) => {
      const on = state.to === today && state.from === daysAgo(n - 1);
      return `<button class="${on ? "current" : "secondary"}" data-days="${n}">${label}</button>`;
    })
    .join("");
  const choices = (list: number[], chosen: number) =>
    list.map((v) => `<option value="${v}" ${v === chosen ? "selected" : ""}>${s.seconds(v)}</option>`).join("");
  const teams = [...state.teams]
    .sort((a, b) => a[1].localeCompare(b[1]))
    .map(([id, name]) => `<option value="${id}" ${id === state.teamId ? "selected" : ""}>${esc(name)}</option>`)
    .join("");
  const filters = admin
    ? `<label>${s.answerWithin}<select id="st-answer-within">${choices(ANSWER_WITHIN, state.answerWithinS)}</select></label>
       <label>${s.shortAbandon}<select id="st-short-abandon">${choices(SHORT_ABANDON, state.shortAbandonS)}</select></label>
       <label>${s.team}<select id="st-team"><option value="">${s.allTeams}</option>${teams}</select></label>`
    : "";
  return `<section class="card st-controls">
    <div class="bar"><h2>${s.title}</h2><span class="row">
      ${state.stats ? `<span id="st-zone" class="muted">${esc(s.zone(state.stats.timeZone))}</span>` : ""}
      ${admin ? `<button id="st-export" class="secondary" ${state.exporting ? "disabled" : ""}>${state.exporting ? s.exporting : s.exportCsv}</button>` : ""}</span></div>
    <div class="st-filters">
      <label>${s.from}<input id="st-from" type="date" value="${esc(state.from)}" /></label>
      <label>${s.to}<input id="st-to" type="date" value="${esc(state.to)}" /></label>
      <div id="st-quick" class="tabs">${quick}</div>
      ${filters}
      <button id="st-refresh" ${state.loading ? "disabled" : ""}>${state.loading ? s.loading : s.refresh}</button>
    </div>
    ${state.exported ? `<p id="st-export-result" class="muted">${esc(s.savedTo(state.exported))}</p>` : ""}
    ${state.error ? `<p id="st-error" class="error">${esc(state.error)}</p>` : ""}
  </section>`;
}

function metricsRow(name: string, m: CallMetrics): string[] {
  return [name, String(m.total), String(m.answered), String(m.missed), percent(m.serviceLevel), minSec(m.averageSpeedOfAnswerS), percent(m.abandonmentRate)];
}

function managerRow(m: ManagerMetrics): string[] {
  const st = m.status;
  return [
    esc(m.name), String(m.total), String(m.outbound), String(m.answered), minSec(m.talkS), minSec(m.totalS), String(m.missedRings),
    minSec(st.availableS), minSec(st.awayS), minSec(st.inCallS), minSec(st.wrapUpS), minSec(st.offlineS),
  ];
}

/** The whole channel (or team): owners and admins. */
function channelView(stats: Statistics, m: CallMetrics): string {
  const s = t().st;
  const c = s.cols;
  const note = (k: Tile) =>
    k === "serviceLevel" ? s.within(stats.answerWithinS) : k === "abandonmentRate" ? s.shortAbandonNote(stats.shortAbandonS) : "";
  const tiles = TILES.map((k) => tile(s.tiles[k], figure(m, k), `st-tile-${k}`, note(k))).join("");
  const reasons = REASONS.map((r) => {
    const n = m.missedByReason[r];
    const width = m.missed ? (n / m.missed) * 100 : 0;
    return `<li data-reason="${r}"><span>${s.reasons[r]}</span><span class="meter"><div style="width: ${width.toFixed(1)}%"></div></span><strong>${n}</strong></li>`;
  }).join("");
  const head = [c.name, c.total, c.answered, c.missed, c.serviceLevel, c.asa, c.abandonment];
  const teams = stats.teams.map((tm) => metricsRow(tm.name ? esc(tm.name) : `<span class="muted">${s.noTeam}</span>`, tm.metrics));
  const queues = stats.queues.map((q) =>
    metricsRow(`${esc(q.name)}${q.managerId !== null ? ` <small class="muted">${s.ownQueue}</small>` : ""}`, q.metrics),
  );
  const statusHead = [t().available, t().away, t().inCall, t().wrapUp, t().offline];
  const managerHead = [c.name, c.total, c.outbound, c.answered, c.talk, c.duration, c.missedRings, ...statusHead];
  return `<section class="card"><h3>${s.summary}</h3><div id="st-tiles" class="tiles">${tiles}</div></section>
    <div class="st-charts">
      <section class="card"><h3>${s.daily}</h3><div class="chart-box"><canvas id="st-days-chart"></canvas></div></section>
      <section class="card"><h3>${s.missedByReason}</h3><ul id="st-missed" class="reasons">${reasons}</ul></section>
    </div>
    <section class="card"><h3>${s.heatmap}</h3><div class="chart-box heat"><canvas id="st-heatmap"></canvas></div></section>
    <section class="card"><h3>${s.byTeam}</h3>${table("st-teams", head, teams)}</section>
    <section class="card"><h3>${s.byQueue}</h3>${table("st-queues", head, queues)}</section>
    <section class="card"><h3>${s.byManager}</h3>${table("st-managers", managerHead, stats.managers.map(managerRow))}</section>`;
}

/** A manager's own row, as tiles: any manager who is not an owner or admin. */
function ownView(stats: Statistics): string {
  const s = t().st;
  const c = s.cols;
  const m = stats.managers[0];
  if (!m) return `<section id="st-me" class="card"><h3>${s.mine}</h3><p class="muted">${s.noRows}</p></section>`;
  const st = m.status;
  const tiles = [
    tile(c.total, String(m.total)), tile(c.outbound, String(m.outbound)), tile(c.answered, String(m.answered)),
    tile(c.talk, minSec(m.talkS)), tile(c.duration, minSec(m.totalS)), tile(c.missedRings, String(m.missedRings)),
    tile(t().available, minSec(st.availableS)), tile(t().away, minSec(st.awayS)), tile(t().inCall, minSec(st.inCallS)),
    tile(t().wrapUp, minSec(st.wrapUpS)), tile(t().offline, minSec(st.offlineS)),
  ].join("");
  return `<section id="st-me" class="card"><h3>${s.mine} · ${esc(m.name)}</h3><p class="muted">${s.mineHint}</p><div class="tiles">${tiles}</div></section>`;
}

/** The statistics API's keys: owners. */
function keysView(): string {
  if (!state.me?.isOwner) return "";
  const s = t().st;
  const k = s.keyCols;
  const rows = state.keys.map((key) => {
    const shown = key.revokedAt
      ? `<span class="muted">${esc(s.revokedAt(when(key.revokedAt)))}</span>`
      : state.revoking === key.id
        ? `<span class="row"><span class="muted">${s.revokeAsk}</span>
             <button id="st-key-revoke-yes" class="decline" data-id="${key.id}">${s.revoke}</button>
             <button id="st-key-revoke-no" class="secondary">${t().cancel}</button></span>`
        : `<span class="row"><span class="badge ok">${s.active}</span><button class="st-key-revoke link" data-id="${key.id}">${s.revoke}</button></span>`;
    return [`<code>${esc(key.keyId)}</code>`, esc(key.label), esc(key.createdBy.name), esc(when(key.createdAt)), shown];
  });
  const created = state.created
    ? `<div class="secret-box"><strong>${esc(s.secretTitle(state.created.key.keyId))}</strong>
        <code id="st-key-secret">${esc(state.created.secret)}</code>
        <p class="muted">${s.secretHint}</p>
        <button id="st-key-secret-done" class="secondary">${s.secretDone}</button></div>`
    : "";
  return `<section class="card st-keys"><h3>${s.keys}</h3><p class="muted">${s.keysHint}</p>
    ${created}
    ${rows.length ? table("st-keys", [k.keyId, k.label, k.createdBy, k.createdAt, k.state], rows, "text") : `<p id="st-keys" class="muted">${s.noKeys}</p>`}
    <div class="row"><input id="st-key-label" maxlength="${LABEL_MAX}" placeholder="${s.keyLabel}" aria-label="${s.keyLabel}" />
      <button id="st-key-create">${s.createKey}</button></div>
    ${state.keyError ? `<p id="st-key-error" class="error">${esc(state.keyError)}</p>` : ""}
  </section>`;
}

function destroyCharts(): void {
  charts.forEach((c) => c.destroy());
  charts = [];
}

function drawCharts(stats: Statistics): void {
  const s = t().st;
  const days = document.getElementById("st-days-chart") as HTMLCanvasElement | null;
  const heat = document.getElementById("st-heatmap") as HTMLCanvasElement | null;
  if (!days || !heat) return;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  const daily = (pick: (d: Statistics["days"][number]) => number) => stats.days.map(pick);
  charts.push(
    new Chart(days, {
      type: "bar",
      data: {
        labels: stats.days.map((d) => `${Number(d.date.slice(5, 7))}/${Number(d.date.slice(8, 10))}`),
        datasets: [
          { label: s.cols.answered, data: daily((d) => d.answered), backgroundColor: "#27ae60" },
          { label: s.cols.missed, data: daily((d) => d.missed), backgroundColor: "#e74c3c" },
          { label: s.cols.outbound, data: daily((d) => d.outbound), backgroundColor: "#2c4a6e" },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { x: { stacked: true, grid: { display: false } }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
      },
    }),
  );
  const cells: Cell[] = stats.byWeekdayHour.flatMap((row, y) => row.map((v, x) => ({ x, y, v })));
  const most = Math.max(1, ...cells.map((c) => c.v));
  // Cells are centred on whole numbers: the axis runs half a cell past each end, a tick on each.
  const axis = (count: number, label: (i: number) => string) => ({
    type: "linear" as const,
    min: -0.5,
    max: count - 0.5,
    grid: { display: false },
    border: { display: false },
    afterBuildTicks: (scale: { ticks: { value: number }[] }) => {
      scale.ticks = Array.from({ length: count }, (_, value) => ({ value }));
    },
    ticks: { autoSkip: false, callback: (v: string | number) => label(Number(v)) },
  });
  charts.push(
    new Chart(heat, {
      type: "matrix",
      data: {
        datasets: [
          {
            label: s.heatmap,
            data: cells,
            backgroundColor: (ctx) => `rgba(31, 122, 77, ${(0.06 + (0.94 * ((ctx.raw as Cell | undefined)?.v ?? 0)) / most).toFixed(3)})`,
            borderWidth: 0,
            width: ({ chart }) => Math.max(0, (chart.chartArea?.width ?? 0) / 24 - 2),
            height: ({ chart }) => Math.max(0, (chart.chartArea?.height ?? 0) / 7 - 2),
          },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { x: axis(24, String), y: { ...axis(7, (i) => s.weekdays[i] ?? ""), reverse: true } },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: (items) => {
                const c = items[0]?.raw as Cell | undefined;
                return c ? s.heatTip(s.weekdays[c.y] ?? "", c.x) : "";
              },
              label: (item) => s.calls((item.raw as Cell).v),
            },
          },
        },
      },
    }),
  );
}

/** Draws the page. */
export function render(): void {
  if (document.body.dataset.page !== "statistics") return;
  destroyCharts();
  const stats = state.stats;
  const figures = !stats ? "" : stats.channel ? channelView(stats, stats.channel) : ownView(stats);
  root().innerHTML = `<div class="statistics">${controls()}${figures}${keysView()}</div>`;
  bind();
  if (stats?.channel) drawCharts(stats);
}

/** The page goes: its charts with it. */
export function leave(): void {
  destroyCharts();
}

/** Opens the page: who is looking (what they may see), then the figures and the keys. */
export async function show(): Promise<void> {
  state.created = null;
  state.revoking = null;
  state.exported = "";
  state.keyError = "";
  try {
    state.me = await invoke("current_manager");
  } catch (e) {
    state.error = errorText(String(e));
  }
  await Promise.all([refresh(), refreshKeys()]);
}

/** Reads the figures of the chosen period again. */
export async function refresh(): Promise<void> {
  const n = ++asked;
  state.loading = true;
  render();
  try {
    const stats = await invoke("statistics", {
      query: { from: state.from, to: state.to, answerWithinS: state.answerWithinS, shortAbandonS: state.shortAbandonS, teamId: state.teamId },
    });
    if (n !== asked) return;
    state.stats = stats;
    state.answerWithinS = stats.answerWithinS;
    state.shortAbandonS = stats.shortAbandonS;
    stats.teams.forEach((tm) => tm.teamId !== null && state.teams.set(tm.teamId, tm.name));
    state.error = "";
  } catch (e) {
    if (n !== asked) return;
    // Figures of another period under the new one's dates would mislead: none until it reads.
    state.stats = null;
    state.error = errorText(String(e));
  }
  state.loading = false;
  render();
}

async function refreshKeys(): Promise<void> {
  if (!state.me?.isOwner) return;
  try {
    state.keys = await invoke("access_keys");
  } catch (e) {
    state.keyError = errorText(String(e));
  }
  render();
}

function keyFail(e: unknown): void {
  state.keyError = errorText(String(e));
  render();
}

function bind(): void {
  const on = (id: string, f: () => void) => document.getElementById(id)?.addEventListener("click", f);
  const change = (id: string, f: (value: string) => void) =>
    document.getElementById(id)?.addEventListener("change", (e) => {
      f((e.target as HTMLInputElement | HTMLSelectElement).value);
      void refresh();
    });
  change("st-from", (v) => (state.from = v));
  change("st-to", (v) => (state.to = v));
  change("st-answer-within", (v) => (state.answerWithinS = Number(v)));
  change("st-short-abandon", (v) => (state.shortAbandonS = Number(v)));
  change("st-team", (v) => (state.teamId = v ? Number(v) : null));
  document.querySelectorAll<HTMLButtonElement>("#st-quick button").forEach((b) =>
    b.addEventListener("click", () => {
      state.from = daysAgo(Number(b.dataset.days) - 1);
      state.to = daysAgo(0);
      void refresh();
    }),
  );
  on("st-refresh", () => void refresh());
  on("st-export", () => {
    state.exporting = true;
    state.exported = "";
    render();
    invoke("export_calls", { query: { from: state.from, to: state.to } })
      .then((path) => {
        state.exported = path;
        state.error = "";
      })
      .catch((e) => (state.error = errorText(String(e))))
      .finally(() => {
        state.exporting = false;
        render();
      });
  });
  on("st-key-create", () => {
    const label = (document.getElementById("st-key-label") as HTMLInputElement).value.trim();
    const chars = [...label].length;
    if (chars < 1 || chars > LABEL_MAX) {
      state.keyError = t().st.badLabel;
      render();
      return;
    }
    invoke("create_access_key", { label })
      .then((created) => {
        state.created = created;
        state.keyError = "";
        return refreshKeys();
      })
      .catch(keyFail);
  });
  on("st-key-secret-done", () => {
    state.created = null;
    render();
  });
  document.querySelectorAll<HTMLButtonElement>("button.st-key-revoke").forEach((b) =>
    b.addEventListener("click", () => {
      state.revoking = Number(b.dataset.id);
      render();
    }),
  );
  on("st-key-revoke-no", () => {
    state.revoking = null;
    render();
  });
  on("st-key-revoke-yes", () => {
    const id = state.revoking;
    state.revoking = null;
    if (id !== null) invoke("revoke_access_key", { id }).then(refreshKeys).catch(keyFail);
  });
}
