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
