// Small formatting helpers shared by the views.
import { esc } from "../tauri";
import { language } from "../i18n";
import type { Caller } from "../wire";

export function callerLabel(c: Caller): string {
  return c.name ?? c.number;
}

/** Initials for an avatar: first letter of a name, or the last two digits of a number. */
export function initials(c: Caller | string): string {
  if (typeof c === "string") return esc(c.slice(0, 1));
  if (c.name) return esc(c.name.slice(0, 1));
  return esc(c.number.slice(-2));
}

export function clock(ms: number): string {
  return new Date(ms).toLocaleString(language() === "ko" ? "ko-KR" : "en-US", {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

export function duration(secs: number): string {
  const m = Math.floor(secs / 60);
  return `${String(m).padStart(2, "0")}:${String(secs % 60).padStart(2, "0")}`;
}

/** What a figure that has no value shows (a rate over no calls). */
export const DASH = "–";

/** Seconds as m:ss (h:mm:ss from an hour on); `DASH` for none. */
export function minSec(secs: number | null): string {
  if (secs === null) return DASH;
  const all = Math.max(0, Math.round(secs));
  const h = Math.floor(all / 3600);
  const m = Math.floor((all % 3600) / 60);
  const ss = String(all % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** A rate (0–1) as a percentage with one decimal ("87.5%"); `DASH` for none. */
export function percent(rate: number | null): string {
  return rate === null ? DASH : `${(rate * 100).toFixed(1)}%`;
}
