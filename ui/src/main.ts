// Ringdesk's first desktop screen: login, status, and the ring popup, driven by agent events.
import "./style.css";
import { t, toggleLanguage } from "./i18n";
import type { AgentEvent, AgentStatus, Caller, CallVia, DesktopStartup, ManagerInfo } from "./wire";

declare global {
  interface Window {
    __TAURI__: {
      core: { invoke<T>(cmd: string, args?: Record<string, unknown>): Promise<T> };
      event: { listen<T>(name: string, cb: (e: { payload: T }) => void): Promise<() => void> };
    };
  }
}

const invoke = <T>(cmd: string, args?: Record<string, unknown>) => window.__TAURI__.core.invoke<T>(cmd, args);

interface Ringing { callId: number; caller: Caller; via: CallVia }
interface InCall { callId: number; caller: Caller; since: number; media: boolean; digits: string }

const state = {
  startup: null as DesktopStartup | null,
  manager: null as ManagerInfo | null,
  loginError: "",
  loggingIn: false,
  online: false,
  status: "available" as AgentStatus,
  dnd: false,
  notRinging: null as string | null,
  ringing: null as Ringing | null,
  call: null as InCall | null,
  lastEnded: "",
  lastError: "",
};

const app = document.getElementById("app")!;

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function callerLabel(c: Caller): string {
  return c.name ?? c.number;
}

function loginView(): string {
  const s = t();
  return `
    <form id="login" class="card">
      <h1>${s.appTitle}</h1>
      <label>${s.server}<input id="server" value="${esc(state.startup?.server ?? "")}" required /></label>
      <label>${s.email}<input id="email" type="email" value="${esc(state.startup?.email ?? "")}" required /></label>
      <label>${s.password}<input id="password" type="password" /></label>
      <button id="login-button" type="submit" ${state.loggingIn ? "disabled" : ""}>${state.loggingIn ? s.loggingIn : s.login}</button>
      <p id="login-error" class="error">${esc(state.loginError)}</p>
    </form>`;
}

function statusView(): string {
  const s = t();
  const shown: AgentStatus = state.call ? "inCall" : state.status;
  // While a call rings here or is live, the popup says it all.
  const busy = state.call !== null || state.ringing !== null;
  const reason = state.notRinging && !busy ? s.notRinging[state.notRinging] ?? state.notRinging : "";
  return `
    <header class="bar">
      <div>
        <strong id="manager-name">${esc(state.manager!.name)}</strong>
        <span class="muted">${esc(state.manager!.channelName)}</span>
      </div>
      <span id="connection" class="dot ${state.online ? "ok" : "warn"}" title="${state.online ? s.connected : s.reconnecting}"></span>
    </header>
    <section class="card">
      <label>${s.status}
        <span class="row"><span id="status-dot" class="dot ${shown}"></span>
        <select id="status" ${state.call ? "disabled" : ""}>
          <option value="available" ${shown === "available" ? "selected" : ""}>${s.available}</option>
          <option value="away" ${shown === "away" ? "selected" : ""}>${s.away}</option>
          ${shown === "inCall" ? `<option value="inCall" selected>${s.inCall}</option>` : ""}
        </select></span>
      </label>
      <label class="row"><input id="dnd" type="checkbox" ${state.dnd ? "checked" : ""} /> ${s.dnd}</label>
      <p id="not-ringing" class="muted">${esc(reason || (busy ? "" : s.waitingForCalls))}</p>
      ${state.lastEnded ? `<p class="muted">${s.lastCall}: ${esc(state.lastEnded)}</p>` : ""}
      ${state.lastError ? `<p class="error">${esc(state.lastError)}</p>` : ""}
    </section>`;
}

function ringView(r: Ringing): string {
  const s = t();
  const fields = r.caller.fields.slice(0, 3).map((f) => `<li><span>${esc(f.name)}</span><b>${esc(f.value)}</b></li>`).join("");
  return `
    <aside id="ring" class="ring" role="alertdialog" aria-label="${s.incomingCall}">
      <p class="muted">${s.incomingCall}</p>
      <h2 id="ring-caller">${esc(callerLabel(r.caller))}</h2>
      ${r.caller.name ? `<p id="ring-number">${esc(r.caller.number)}</p>` : ""}
      <p class="muted">${s.via}: ${esc(r.via.number)} · ${esc(r.via.teamName)}</p>
      <ul class="fields">${fields}</ul>
      <div class="actions">
        <button id="answer" class="answer">${s.answer}</button>
        <button id="decline" class="decline">${s.decline}</button>
      </div>
    </aside>`;
}

function callView(c: InCall): string {
  const s = t();
  const secs = Math.floor((Date.now() - c.since) / 1000);
  const timer = `${String(Math.floor(secs / 60)).padStart(2, "0")}:${String(secs % 60).padStart(2, "0")}`;
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"].map((k) => `<button class="key" data-key="${k}">${k}</button>`).join("");
  return `
    <aside id="call" class="ring small">
      <h2>${esc(callerLabel(c.caller))}</h2>
      <p><span id="call-timer">${timer}</span> ${c.media ? "" : "…"}</p>
      <details><summary>${s.dialpad}</summary><div class="keypad">${keys}</div><p>${esc(c.digits)}</p></details>
      <div class="actions"><button id="hangup" class="decline">${s.hangup}</button></div>
    </aside>`;
}

function render(): void {
  const s = t();
  document.title = s.appTitle;
  const body = state.manager ? statusView() : loginView();
  const popup = state.ringing ? ringView(state.ringing) : state.call ? callView(state.call) : "";
  app.innerHTML = `${body}${popup}<footer><button id="lang" class="link">${s.language}</button></footer>`;
  bind();
}

function bind(): void {
  document.getElementById("lang")?.addEventListener("click", () => {
    toggleLanguage();
    render();
  });
  document.getElementById("login")?.addEventListener("submit", (e) => {
    e.preventDefault();
    const v = (id: string) => (document.getElementById(id) as HTMLInputElement).value;
    void doLogin(v("server"), v("email"), v("password"));
  });
  document.getElementById("status")?.addEventListener("change", (e) => {
    const status = (e.target as HTMLSelectElement).value as AgentStatus;
    state.status = status;
    void invoke("set_status", { status, doNotDisturb: state.dnd });
  });
  document.getElementById("dnd")?.addEventListener("change", (e) => {
    state.dnd = (e.target as HTMLInputElement).checked;
    void invoke("set_status", { status: state.status, doNotDisturb: state.dnd });
  });
  document.getElementById("answer")?.addEventListener("click", () => {
    const r = state.ringing;
    if (!r) return;
    state.call = { callId: r.callId, caller: r.caller, since: Date.now(), media: false, digits: "" };
    state.ringing = null;
    void invoke("answer", { callId: r.callId });
    render();
  });
  document.getElementById("decline")?.addEventListener("click", () => {
    const r = state.ringing;
    if (!r) return;
    state.ringing = null;
    void invoke("decline", { callId: r.callId });
    render();
  });
  document.getElementById("hangup")?.addEventListener("click", () => {
    if (state.call) void invoke("hangup", { callId: state.call.callId });
  });
  document.querySelectorAll<HTMLButtonElement>(".key").forEach((b) =>
    b.addEventListener("click", () => {
      if (!state.call) return;
      const digit = b.dataset.key!;
      state.call.digits += digit;
      void invoke("dtmf", { callId: state.call.callId, digits: digit });
    }),
  );
}

async function doLogin(server: string, email: string, password: string | null): Promise<void> {
  state.loggingIn = true;
  state.loginError = "";
  render();
  try {
    state.manager = await invoke<ManagerInfo>("login", { server, email, password });
  } catch (e) {
    state.loginError = String(e);
  } finally {
    state.loggingIn = false;
    render();
  }
}

function onEvent(e: AgentEvent): void {
  switch (e.event) {
    case "sessionUp":
      state.online = true;
      state.manager = e.manager;
      break;
    case "sessionDown":
      state.online = false;
      break;
    case "presence":
      if (e.status === "available" || e.status === "away") state.status = e.status;
      state.dnd = e.doNotDisturb;
      state.notRinging = e.notRinging;
      break;
    case "ring":
      state.ringing = { callId: e.callId, caller: e.caller, via: e.via };
      break;
    case "ringStopped":
      if (state.ringing?.callId === e.callId) state.ringing = null;
      break;
    case "mediaConnected":
      if (state.call?.callId === e.callId) state.call.media = true;
      break;
    case "callEnded":
      if (state.call?.callId === e.callId) {
        state.lastEnded = `${callerLabel(state.call.caller)} · ${t().ended}`;
        state.call = null;
      }
      break;
    case "error":
      state.lastError = `${e.code}: ${e.message}`;
      break;
    default:
      return;
  }
  render();
}

async function main(): Promise<void> {
  await window.__TAURI__.event.listen<AgentEvent>("agent-event", (e) => onEvent(e.payload));
  state.startup = await invoke<DesktopStartup>("startup");
  render();
  setInterval(() => {
    if (state.call) render();
  }, 1000);
  if (state.startup.autoLogin && state.startup.email) await doLogin(state.startup.server, state.startup.email, null);
}

void main();
