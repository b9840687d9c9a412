// The call window: the ring popup (caller, number called, profile fields, history, answer /
// decline) that shrinks into the in-call box (participants with avatars, timer, mute, dialpad,
// hold (shown on the customer's avatar), devices, leave, end for all).
import { errorText, t } from "../i18n";
import { esc, invoke, listen } from "../tauri";
import type { AgentEvent, AudioDeviceList, CallRecord, Caller, CallVia, DesktopSettings } from "../wire";
import { callerLabel, duration, initials } from "./format";

interface Ringing { callId: number; caller: Caller; via: CallVia; history: CallRecord[] | null; showHistory: boolean }
interface InCall {
  callId: number;
  caller: Caller;
  via: CallVia;
  since: number;
  media: boolean;
  muted: boolean;
  held: boolean;
  panel: "" | "keypad" | "devices";
  digits: string;
}

const state = {
  me: "",
  ringing: null as Ringing | null,
  call: null as InCall | null,
  error: "",
  devices: { inputs: [], outputs: [] } as AudioDeviceList,
  settings: null as DesktopSettings | null,
};

const app = document.getElementById("app")!;

function ringView(r: Ringing): string {
  const s = t();
  const fields = r.caller.fields
    .slice(0, 3)
    .map((f) => `<li><span>${esc(f.name)}</span><b>${esc(f.value)}</b></li>`)
    .join("");
  const history = !r.showHistory
    ? ""
    : r.history === null
      ? `<p class="muted">…</p>`
      : r.history.length === 0
        ? `<p id="history" class="muted">${s.noHistory}</p>`
        : `<ul id="history" class="history">${r.history
            .map((h) => `<li>${esc(h.startedAt.slice(0, 16).replace("T", " "))} · ${esc(s.outcome[h.missedReason ? "missed" : "answered"])} · ${duration(h.durationS)}</li>`)
            .join("")}</ul>`;
  return `
    <section id="ring" class="popup" role="alertdialog" aria-label="${s.incomingCall}">
      <p class="muted">${s.incomingCall}</p>
      <div class="row"><span class="avatar customer">${initials(r.caller)}</span>
        <div><h2 id="ring-caller">${esc(callerLabel(r.caller))}</h2>
        ${r.caller.name ? `<p id="ring-number" class="muted">${esc(r.caller.number)}</p>` : ""}</div></div>
      <p id="ring-via" class="muted">${s.via}: ${esc(r.via.number)} · ${esc(r.via.teamName)}</p>
      <ul class="fields">${fields}</ul>
      <button id="history-button" class="link">${s.history}</button>
      ${history}
      <div class="actions">
        <button id="answer" class="answer">${s.answer}</button>
        <button id="decline" class="decline">${s.decline}</button>
      </div>
    </section>`;
}

function devicePanel(): string {
  const s = t();
  const select = (id: string, label: string, names: string[], chosen: string | null | undefined) =>
    `<label>${label}<select id="${id}"><option value="">${s.systemDefault}</option>${names
      .map((n) => `<option value="${esc(n)}" ${n === chosen ? "selected" : ""}>${esc(n)}</option>`)
      .join("")}</select></label>`;
  return `<div id="call-devices">
      ${select("call-microphone", s.microphone, state.devices.inputs, state.settings?.microphone)}
      ${select("call-speaker", s.speaker, state.devices.outputs, state.settings?.speaker)}
    </div>`;
}

function callView(c: InCall): string {
  const s = t();
  const secs = c.media ? Math.floor((Date.now() - c.since) / 1000) : 0;
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"]
    .map((k) => `<button class="key" data-key="${k}">${k}</button>`)
    .join("");
  const panel =
    c.panel === "keypad"
      ? `<div id="keypad" class="keypad">${keys}</div><p id="sent-digits" class="muted">${esc(c.digits)}</p>`
      : c.panel === "devices"
        ? devicePanel()
        : "";
  return `
    <section id="call-box" class="popup small">
      <div id="participants" class="row">
        <span id="customer-avatar" class="avatar customer ${c.held ? "held" : ""}" title="${c.held ? s.onHold : s.customer}">${initials(c.caller)}</span>
        <span class="avatar me ${c.muted ? "muted" : ""}" title="${s.me}">${initials(state.me || s.me)}</span>
        <div><strong>${esc(callerLabel(c.caller))}</strong>
          <p class="muted"><span id="call-timer">${duration(secs)}</span>${c.media ? "" : " …"}${c.muted ? ` · <span id="muted-note">${s.muted}</span>` : ""}${c.held ? ` · <span id="held-note">${s.onHold}</span>` : ""}</p></div>
      </div>
      <div class="controls">
        <button id="mute" class="secondary" aria-pressed="${c.muted}">${c.muted ? s.unmute : s.mute}</button>
        <button id="hold" class="secondary" aria-pressed="${c.held}">${c.held ? s.resume : s.hold}</button>
        <button id="dialpad-toggle" class="secondary" aria-pressed="${c.panel === "keypad"}">${s.dialpad}</button>
        <button id="devices-button" class="secondary" aria-pressed="${c.panel === "devices"}">${s.devices}</button>
      </div>
      ${panel}
      <div class="actions">
        <button id="leave" class="decline">${s.hangup}</button>
        <button id="end-for-all" class="decline">${s.endForAll}</button>
      </div>
      ${state.error ? `<p class="error">${esc(state.error)}</p>` : ""}
    </section>`;
}

function render(): void {
  document.title = t().appTitle;
  app.innerHTML = state.call ? callView(state.call) : state.ringing ? ringView(state.ringing) : "";
  bind();
}

function setPanel(panel: InCall["panel"]): void {
  if (!state.call) return;
  state.call.panel = state.call.panel === panel ? "" : panel;
  void invoke("set_call_window_expanded", { expanded: state.call.panel !== "" });
  render();
}

async function switchDevice(field: "microphone" | "speaker", value: string): Promise<void> {
  const current = await invoke<DesktopSettings>("get_settings");
  state.settings = await invoke<DesktopSettings>("save_settings", {
    settings: { ...current, [field]: value || null },
  });
}

function bind(): void {
  const on = (id: string, f: () => void) => document.getElementById(id)?.addEventListener("click", f);
  on("answer", () => state.ringing && void invoke("answer", { callId: state.ringing.callId }));
  on("decline", () => state.ringing && void invoke("decline", { callId: state.ringing.callId }));
  on("history-button", () => {
    const r = state.ringing;
    if (!r) return;
    r.showHistory = !r.showHistory;
    if (r.showHistory && r.history === null) {
      void invoke<CallRecord[]>("caller_history", { number: r.caller.number })
        .then((h) => (r.history = h.filter((c) => c.id !== r.callId)))
        .catch((e) => (state.error = errorText(String(e))))
        .finally(render);
    }
    render();
  });
  on("mute", () => state.call && void invoke("set_muted", { callId: state.call.callId, muted: !state.call.muted }));
  on("hold", () => state.call && void invoke("set_hold", { callId: state.call.callId, held: !state.call.held }));
  on("dialpad-toggle", () => setPanel("keypad"));
  on("devices-button", () => {
    void Promise.all([invoke<AudioDeviceList>("audio_devices"), invoke<DesktopSettings>("get_settings")]).then(
      ([devices, settings]) => {
        state.devices = devices;
        state.settings = settings;
        render();
      },
    );
    setPanel("devices");
  });
  on("leave", () => state.call && void invoke("hangup", { callId: state.call.callId }));
  on("end-for-all", () => state.call && void invoke("end_for_all", { callId: state.call.callId }));
  document.querySelectorAll<HTMLButtonElement>(".key").forEach((b) =>
    b.addEventListener("click", () => {
      if (!state.call) return;
      const digit = b.dataset.key!;
      state.call.digits += digit;
      void invoke("dtmf", { callId: state.call.callId, digits: digit });
      render();
    }),
  );
  document.getElementById("call-microphone")?.addEventListener("change", (e) => void switchDevice("microphone", (e.target as HTMLSelectElement).value));
  document.getElementById("call-speaker")?.addEventListener("change", (e) => void switchDevice("speaker", (e.target as HTMLSelectElement).value));
}

function onEvent(e: AgentEvent): void {
  switch (e.event) {
    case "sessionUp":
      state.me = e.manager.name;
      return;
    case "ring":
      state.ringing = { callId: e.callId, caller: e.caller, via: e.via, history: null, showHistory: false };
      state.error = "";
      break;
    case "ringStopped":
      if (state.ringing?.callId === e.callId) state.ringing = null;
      break;
    case "callConnected":
      if (state.ringing?.callId === e.callId) {
        const r = state.ringing;
        state.call = { callId: r.callId, caller: r.caller, via: r.via, since: Date.now(), media: false, muted: false, held: false, panel: "", digits: "" };
        state.ringing = null;
      }
      break;
    case "mediaConnected":
      if (state.call?.callId === e.callId) {
        state.call.media = true;
        state.call.since = Date.now();
      }
      break;
    case "muteChanged":
      if (state.call?.callId === e.callId) state.call.muted = e.muted;
      break;
    case "holdChanged":
      if (state.call?.callId === e.callId) state.call.held = e.held;
      break;
    case "callEnded":
      if (state.call?.callId === e.callId) state.call = null;
      if (state.ringing?.callId === e.callId) state.ringing = null;
      break;
    case "sessionExpired":
      state.call = null;
      state.ringing = null;
      break;
    case "error":
      if (!state.call && !state.ringing) return;
      state.error = errorText(e.code);
      break;
    default:
      return;
  }
  render();
}

export async function startCallWindow(): Promise<() => void> {
  // The window is created on the ring, so the ring itself may be over before we listen:
  // replay what the shell has seen of the current call, then what arrived meanwhile.
  let early: AgentEvent[] | null = [];
  await listen<AgentEvent>("agent-event", (e) => (early ? early.push(e) : onEvent(e)));
  for (const e of await invoke<AgentEvent[]>("call_window_feed")) onEvent(e);
  for (const e of early) onEvent(e);
  early = null;
  setInterval(() => {
    const timer = document.getElementById("call-timer");
    if (state.call?.media && timer) timer.textContent = duration(Math.floor((Date.now() - state.call.since) / 1000));
  }, 1000);
  render();
  return render;
}
