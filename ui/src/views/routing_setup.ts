// The editor window's second tab (owners and admins): which workflow answers each number, the
// channel's operating hours (weekly periods, holidays, time zone), and each team's queue
// (maximum wait, spoken position announcements). Each part saves on its own.
import { errorText, t } from "../i18n";
import { esc, invoke } from "../tauri";
import type { ChannelNumber, Team, WorkflowSummary } from "../wire";
import { badPeriod, bindHours, emptyHours, hoursFields } from "./hours_editor";


const state = {
  numbers: [] as ChannelNumber[],
  teams: [] as Team[],
  hours: emptyHours(),
  /** Hours were never set: the channel is always open. */
  hoursUnset: true,
  loaded: false,
};

/** Loads what the tab shows (once: edits not yet saved survive leaving the tab). */
export async function loadSetup(): Promise<void> {
  if (state.loaded) return;
  const [numbers, targets, hours] = await Promise.all([invoke("channel_numbers"), invoke("call_targets"), invoke("operating_hours")]);
  state.numbers = numbers;
  state.teams = targets.teams;
  state.hoursUnset = hours === null;
  state.hours = hours ?? emptyHours();
  state.loaded = true;
}

function numbersCard(workflows: WorkflowSummary[]): string {
  const s = t().setup;
  const rows = state.numbers
    .map((n) => {
      const linked = workflows.find((w) => w.linkedNumbers.includes(n.e164))?.id ?? null;
      const options = [`<option value="" ${linked === null ? "selected" : ""}>${s.firstWorkflow}</option>`]
        .concat(workflows.map((w) => `<option value="${w.id}" ${linked === w.id ? "selected" : ""}>${esc(w.name)}</option>`))
        .join("");
      return `<li><span>${esc(n.e164)} <small class="muted">${esc(n.label)}</small></span>
        <select class="number-link" data-e164="${esc(n.e164)}">${options}</select></li>`;
    })
    .join("");
  return `<section class="card"><h3>${s.numbers}</h3><ul id="number-links" class="plain">${rows}</ul></section>`;
}

function hoursCard(): string {
  const s = t().setup;
  return `<section class="card">
      <h3>${s.hours}</h3>
      <p class="muted">${state.hoursUnset ? s.alwaysOpen : s.hoursHint}</p>
      ${hoursFields("channel-hours", state.hours)}
      <p class="row"><button id="hours-save">${s.save}</button></p>
    </section>`;
}

function queueRow(team: Team): string {
  const s = t().setup;
  const q = team.queue;
  return `<li data-team="${team.id}">
      <strong>${esc(team.name)}</strong>
      <label>${s.maxWait} <input class="q-wait" type="number" min="5" max="3600" value="${q.maxWaitSeconds}" /></label>
      <label>${s.announceEvery} <input class="q-every" type="number" min="0" max="600" value="${q.announceEverySeconds}" /></label>
      <label>${s.language} <select class="q-lang"><option value="ko" ${q.language === "ko" ? "selected" : ""}>한국어</option><option value="en" ${q.language === "en" ? "selected" : ""}>English</option></select></label>
      <button class="q-save secondary">${s.save}</button>
    </li>`;
}

function queuesCard(): string {
  const s = t().setup;
  return `<section class="card"><h3>${s.queues}</h3><p class="muted">${s.queuesHint}</p>
      <ul id="queues" class="plain">${state.teams.map(queueRow).join("")}</ul></section>`;
}

/** The tab's HTML. */
export function setupView(workflows: WorkflowSummary[]): string {
  if (!state.loaded) return `<p class="muted">…</p>`;
  return `<div class="setup">${numbersCard(workflows)}${hoursCard()}${queuesCard()}</div>`;
}

/** What the tab does; `done(notice, error)` re-renders the window with a message. */
export function bindSetup(done: (notice: string, error?: string) => void, reloadWorkflows: () => Promise<void>): void {
  const s = t().setup;
  const failed = (e: unknown) => done("", errorText(String(e)));
  const all = <T extends HTMLElement>(sel: string) => Array.from(document.querySelectorAll<T>(sel));
  all<HTMLSelectElement>(".number-link").forEach((el) =>
    el.addEventListener("change", async () => {
      try {
        await invoke("link_number", { e164: el.dataset.e164!, workflowId: el.value ? Number(el.value) : null });
        await reloadWorkflows();
        done(s.linked(el.dataset.e164!));
      } catch (e) {
        failed(e);
      }
    }),
  );
  bindHours("channel-hours", () => state.hours, () => done(""));
  document.getElementById("hours-save")?.addEventListener("click", async () => {
    const bad = badPeriod(state.hours);
    if (bad) return done("", s.badTime(bad));
    try {
      await invoke("save_operating_hours", { hours: state.hours });
      state.hoursUnset = false;
      done(s.hoursSaved);
    } catch (e) {
      failed(e);
    }
  });
  // Typed values are kept, so a re-render (another part saved) does not lose them.
  const queueField = (cls: string, set: (team: Team, v: string) => void) =>
    all<HTMLInputElement>(cls).forEach((el) =>
      el.addEventListener("change", () => set(state.teams.find((tm) => tm.id === Number(el.closest<HTMLElement>("li")!.dataset.team))!, el.value)),
    );
  queueField(".q-wait", (team, v) => (team.queue.maxWaitSeconds = Number(v)));
  queueField(".q-every", (team, v) => (team.queue.announceEverySeconds = Number(v)));
  queueField(".q-lang", (team, v) => (team.queue.language = v as "ko" | "en"));
  all(".q-save").forEach((el) =>
    el.addEventListener("click", async () => {
      const row = el.closest<HTMLElement>("li")!;
      const team = state.teams.find((tm) => tm.id === Number(row.dataset.team))!;
      const settings = {
        maxWaitSeconds: Number(row.querySelector<HTMLInputElement>(".q-wait")!.value),
        announceEverySeconds: Number(row.querySelector<HTMLInputElement>(".q-every")!.value),
        language: row.querySelector<HTMLSelectElement>(".q-lang")!.value as "ko" | "en",
      };
      team.queue = settings;
      try {
        await invoke("save_queue_settings", { teamId: team.id, settings });
        done(s.queueSaved(team.name));
      } catch (e) {
        failed(e);
      }
    }),
  );
}
