// The two halves of the desktop RPC as the UI sees them: commands (invoke) and events (listen),
// typed by the declarations generated from ringdesk-wire: a wrong command name, argument or
// event name fails `tsc`.
import type { Commands, Events } from "./wire";

declare global {
  interface Window {
    __TAURI__: {
      core: { invoke(cmd: string, args?: Record<string, unknown>): Promise<unknown> };
      event: { listen(name: string, cb: (e: { payload: unknown }) => void): Promise<() => void> };
    };
  }
}

/** A command's arguments; a command without any takes none. */
type Args<C extends keyof Commands> = Commands[C]["args"] extends Record<string, never> ? [] : [args: Commands[C]["args"]];

/** Runs a desktop command. It rejects with an error code (`ErrorCode`) or a message. */
export const invoke = <C extends keyof Commands>(cmd: C, ...args: Args<C>): Promise<Commands[C]["result"]> =>
  window.__TAURI__.core.invoke(cmd, args[0]) as Promise<Commands[C]["result"]>;

/** Listens to a desktop event; resolves to the function that stops listening. */
export const listen = <E extends keyof Events>(name: E, cb: (payload: Events[E]) => void): Promise<() => void> =>
  window.__TAURI__.event.listen(name, (e) => cb(e.payload as Events[E]));

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
