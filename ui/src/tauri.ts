// The two halves of the desktop RPC as the UI sees them: commands (invoke) and events (listen).
declare global {
  interface Window {
    __TAURI__: {
      core: { invoke<T>(cmd: string, args?: Record<string, unknown>): Promise<T> };
      event: { listen<T>(name: string, cb: (e: { payload: T }) => void): Promise<() => void> };
    };
  }
}

export const invoke = <T>(cmd: string, args?: Record<string, unknown>): Promise<T> =>
  window.__TAURI__.core.invoke<T>(cmd, args);

export const listen = <T>(name: string, cb: (payload: T) => void): Promise<() => void> =>
  window.__TAURI__.event.listen<T>(name, (e) => cb(e.payload));

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
