// Operating hours as an editor: weekly open periods, holidays and a time zone. The channel's
// hours (the setup tab) and a workflow's own active hours (the workflow editor) both use it;
// each editor lives in a container named by `scope`, so two on one page stay apart.
import { t } from "../i18n";
import { esc } from "../tauri";
import type { OpenPeriod, OperatingHours, Weekday } from "../wire";

const DAYS: Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
/** A time of day as the cloud takes it: 00:00–23:59, or 24:00 for the end of the day. */
const CLOCK = /^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/;

/** Hours with nothing open yet, in the default zone. */
export function emptyHours(): OperatingHours {
  return { timeZone: "Asia/Seoul", periods: [], holidays: [] };
}

/** The first period whose times are not `HH:MM` (24:00 allowed as an end), as text. */
export function badPeriod(hours: OperatingHours): string | null {
  const bad = hours.periods.find((p) => !CLOCK.test(p.start) || !CLOCK.test(p.end));
  return bad ? `${bad.start}–${bad.end}` : null;
}

function periodRow(p: OpenPeriod, i: number): string {
  const s = t().setup;
  const days = DAYS.map((d) => `<option value="${d}" ${p.day === d ? "selected" : ""}>${s.day[d]}</option>`).join("");
  return `<li class="row">
      <select class="period-day" data-i="${i}">${days}</select>
      <input class="period-start" data-i="${i}" value="${esc(p.start)}" size="5" placeholder="09:00" />
      <span>–</span>
      <input class="period-end" data-i="${i}" value="${esc(p.end)}" size="5" placeholder="18:00" />
      <button class="period-remove link" data-i="${i}">${s.remove}</button>
    </li>`;
}

/** The editor's fields, in a container with the id `scope`. */
export function hoursFields(scope: string, h: OperatingHours): string {
  const s = t().setup;
  return `<div id="${scope}" class="hours-editor">
      <label>${s.timeZone} <input class="hours-zone" value="${esc(h.timeZone)}" /></label>
      <ol class="periods plain">${h.periods.map(periodRow).join("")}</ol>
      <p class="row"><button class="period-add secondary">${s.addPeriod}</button><button class="weekdays-9-18 secondary">${s.weekdays918}</button></p>
      <label>${s.holidays} <input class="holidays" value="${esc(h.holidays.join(", "))}" placeholder="2026-12-25, 2027-01-01" /></label>
    </div>`;
}

/** Binds the editor in `scope` to `hours` (edited in place); `rerender` after a row is added or
 * removed, `changed` after any edit. */
export function bindHours(scope: string, hours: () => OperatingHours, rerender: () => void, changed: () => void = () => {}): void {
  const root = document.getElementById(scope);
  if (!root) return;
  const all = <T extends HTMLElement>(sel: string) => Array.from(root.querySelectorAll<T>(sel));
  const on = <T extends HTMLElement>(sel: string, event: string, act: (el: T) => void) =>
    all<T>(sel).forEach((el) => el.addEventListener(event, () => act(el)));
  const period = (el: HTMLElement) => hours().periods[Number(el.dataset.i)];
  on<HTMLSelectElement>(".period-day", "change", (el) => { period(el).day = el.value as Weekday; changed(); });
  on<HTMLInputElement>(".period-start", "change", (el) => { period(el).start = el.value.trim(); changed(); });
  on<HTMLInputElement>(".period-end", "change", (el) => { period(el).end = el.value.trim(); changed(); });
  on(".period-remove", "click", (el) => { hours().periods.splice(Number(el.dataset.i), 1); changed(); rerender(); });
  on<HTMLInputElement>(".hours-zone", "change", (el) => { hours().timeZone = el.value.trim(); changed(); });
  on<HTMLInputElement>(".holidays", "change", (el) => { hours().holidays = el.value.split(/[,\s]+/).filter((d) => d); changed(); });
  on(".period-add", "click", () => { hours().periods.push({ day: "mon", start: "09:00", end: "18:00" }); changed(); rerender(); });
  on(".weekdays-9-18", "click", () => {
    hours().periods = DAYS.slice(0, 5).map((day) => ({ day, start: "09:00", end: "18:00" }));
    changed();
    rerender();
  });
}
