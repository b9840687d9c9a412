// The call window: the ring popup (caller, number called, profile fields, who invited or
// transferred, history, answer / decline) that shrinks into the in-call box — or, for a call we
// place, the in-call box at once, saying "calling…" and "ringing" until the other end answers — (participants with
// avatars, timer, mute, dialpad, hold (shown on the customer's avatar), invite and transfer,
// devices, leave, end for all).
import { errorText, t } from "../i18n";
import { esc, invoke, listen } from "../tauri";
import type {
  AgentEvent,
  AudioDeviceList,
  CallRecord,
  Caller,
  CallState,
  CallTargets,
  CallVia,
  DesktopSettings,
  RingPurpose,
  TransferKind,
} from "../wire";
import { callerLabel, duration, initials } from "./format";

interface Ringing {
  callId: number;
  caller: Caller;
  via: CallVia;
  purpose: RingPurpose;
  history: CallRecord[] | null;
  showHistory: boolean;
}
interface InCall {
  callId: number;
  caller: Caller;
  via: CallVia;
  since: number;
  media: boolean;
  muted: boolean;
  held: boolean;
  panel: "" | "keypad" | "devices" | "people";
  digits: string;
  /** Who is in the call, who rings for it, any transfer (from the cloud's callState). */
  room: CallState | null;
  /** A one-line outcome of our last invite or transfer. */
  note: string;
  /** A call we placed that the other end has not answered: "calling", then "ringing". */
  dialing: "" | "calling" | "ringing";
  /** Why the microphone is not working, while the call goes on without it. */
  micLost?: string;
}

const state = {
  me: "",
  myId: 0,
  targets: null as CallTargets | null,
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
  const from =
    r.purpose.kind === "invite"
      ? s.invitedBy(r.purpose.by.name)
      : r.purpose.kind === "transfer"
        ? s.transferredBy(r.purpose.by.name)
        : r.purpose.kind === "parallel"
          ? s.parallelBy(r.purpose.by.name)
          : s.incomingCall;
  return `
    <section id="ring" class="popup" role="alertdialog" aria-label="${s.incomingCall}">
      <p id="ring-purpose" class="muted">${esc(from)}</p>
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
  const volume = state.settings?.volume ?? { speaker: 100, microphone: 100 };
  const slider = (id: string, label: string, value: number, max: number) =>
    `<label class="volume"><span>${label} <output for="${id}">${value}%</output></span>
      <input id="${id}" type="range" min="0" max="${max}" step="5" value="${value}" /></label>`;
  return `<div id="call-devices">
      ${select("call-microphone", s.microphone, state.devices.inputs, state.settings?.microphone)}
      ${slider("call-microphone-gain", s.microphoneGain, volume.microphone, 200)}
      ${select("call-speaker", s.speaker, state.devices.outputs, state.settings?.speaker)}
      ${slider("call-speaker-volume", s.speakerVolume, volume.speaker, 100)}
    </div>`;
}

/** The invite / transfer panel: teammates and teams with what can be done with each. */
function peoplePanel(c: InCall): string {
  const s = t();
  if (!state.targets) return `<div id="people"><p class="muted">…</p></div>`;
  const inCall = new Set([...(c.room?.managers ?? []), ...(c.room?.ringing ?? []).map((r) => r.manager)].map((m) => m.id));
  const busy = !!c.room?.transfer || !!c.room?.parallel;
  // A meet has no hold, so nothing that rests on it: no parallel call, no talk-first transfer.
  const meet = !!c.room?.meet;
  const people = state.targets.teammates
    .filter((m) => m.id !== state.myId && !inCall.has(m.id))
    .map((m) => {
      const why = m.notRinging ? s.notRinging[m.notRinging] : "";
      const off = m.notRinging ? "disabled" : "";
      return `<li data-manager="${m.id}"><span title="${esc(why)}">${esc(m.name)}${why ? ` <small class="muted">· ${esc(why)}</small>` : ""}</span>
        <button class="invite secondary" data-manager="${m.id}" ${off}>${s.invite}</button>
        ${meet ? "" : `<button class="parallel secondary" data-manager="${m.id}" ${off || (busy ? "disabled" : "")}>${s.parallelCall}</button>`}
        <button class="transfer secondary" data-manager="${m.id}" data-kind="cold" ${off || (busy ? "disabled" : "")}>${s.coldTransfer}</button>
        ${meet ? "" : `<button class="transfer secondary" data-manager="${m.id}" data-kind="warm" ${off || (busy ? "disabled" : "")}>${s.warmTransfer}</button>`}</li>`;
    })
    .join("");
  const teams = state.targets.teams
    .map(
      (team) => `<li data-team="${team.id}"><span>${esc(team.name)}</span>
        <button class="transfer secondary" data-team="${team.id}" data-kind="cold" ${busy ? "disabled" : ""}>${s.coldTransfer}</button>
        <button class="queue secondary" data-team="${team.id}" ${busy ? "disabled" : ""}>${s.queueTransfer}</button></li>`,
    )
    .join("");
  const number = meet
    ? `<p id="meet-note" class="muted">${esc(errorText("notSupportedInMeets"))}</p>`
    : `<div class="row"><input id="parallel-number" inputmode="tel" placeholder="010-…" />
    <button id="parallel-number-call" class="secondary" ${busy ? "disabled" : ""}>${s.parallelNumber}</button></div>`;
  return `<div id="people"><h3>${s.teammates}</h3><ul class="people">${people}</ul><h3>${s.teams}</h3><ul class="people">${teams}</ul>${number}</div>`;
}

/** Our parallel call: whom, which line we are on, switch and merge. */
function parallelBar(c: InCall): string {
  const s = t();
  const p = c.room?.parallel;
  if (!p || p.by.id !== state.myId) return "";
  const who = p.manager?.name ?? p.number ?? "";
  const where = !p.answered ? s.parallelRinging : p.onSecond ? s.onSecondLine : s.onFirstLine;
  return `<div id="parallel-bar"><p>${esc(s.parallelWith(who))} · <span id="parallel-line">${esc(where)}</span></p>
    <button id="switch-line" class="secondary">${s.switchLine}</button>
    <button id="merge" class="answer" ${p.answered ? "" : "disabled"}>${s.merge}</button></div>`;
}

/** What our transfer is doing now, with its buttons. */
function transferBar(c: InCall): string {
  const s = t();
  const tr = c.room?.transfer;
  if (!tr || tr.by.id !== state.myId) return "";
  const target = tr.consulting?.name ?? (c.room?.ringing ?? []).map((r) => r.manager.name).join(", ");
  const text = tr.consulting ? s.consulting(target) : s.transferring(target);
  return `<div id="transfer-bar"><p>${esc(text)}</p>
    ${tr.consulting ? `<button id="complete-transfer" class="answer">${s.completeTransfer}</button>` : ""}
    <button id="cancel-transfer" class="secondary">${s.cancelTransfer}</button></div>`;
}

/** The recording's state beside the timer: a red dot while it records. */
function recordingNote(c: InCall): string {
  const s = t();
  if (!c.room?.recording) return "";
  return c.room.recordingPaused
    ? ` · <span id="recording-note" class="recording paused">${s.recordingPaused}</span>`
    : ` · <span id="recording-note" class="recording">● ${s.recordingNow}</span>`;
}

function callView(c: InCall): string {
  const s = t();
  const secs = c.media ? Math.floor((Date.now() - c.since) / 1000) : 0;
  const waiting = c.dialing !== "";
  const meet = !!c.room?.meet;
  const status = waiting
    ? `<span id="dial-status">${c.dialing === "ringing" ? s.ringingOut : s.calling}</span>`
    : `<span id="call-timer">${duration(secs)}</span>${c.media ? "" : " …"}`;
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"]
    .map((k) => `<button class="key" data-key="${k}">${k}</button>`)
    .join("");
  const panel =
    c.panel === "keypad"
      ? `<div id="keypad" class="keypad">${keys}</div><p id="sent-digits" class="muted">${esc(c.digits)}</p>`
      : c.panel === "devices"
        ? devicePanel()
        : c.panel === "people"
          ? peoplePanel(c)
          : "";
  const others = (c.room?.managers ?? [])
    .filter((m) => m.id !== state.myId)
    .map((m) => `<span class="avatar teammate" data-manager="${m.id}" title="${esc(m.name)}">${initials(m.name)}</span>`)
    .join("");
  const ringingOthers = (c.room?.ringing ?? [])
    .map((r) => `<span class="avatar teammate ringing" data-manager="${r.manager.id}" title="${esc(r.manager.name)} · ${s.ringingNow}">${initials(r.manager.name)}</span>`)
    .join("");
  return `
    <section id="call-box" class="popup small">
      <div id="participants" class="row">
        <span id="customer-avatar" class="avatar customer ${c.held ? "held" : ""}" title="${c.held ? s.onHold : s.customer}">${initials(c.caller)}</span>
        <span class="avatar me ${c.muted ? "muted" : ""}" title="${s.me}">${initials(state.me || s.me)}</span>${others}${ringingOthers}
        <div><strong>${esc(callerLabel(c.caller))}</strong>
          <p class="muted">${status}${c.muted ? ` · <span id="muted-note">${s.muted}</span>` : ""}${c.held ? ` · <span id="held-note">${s.onHold}</span>` : ""}${recordingNote(c)}</p></div>
      </div>
      ${
        c.micLost
          ? `<div id="mic-lost" class="warning" title="${esc(c.micLost)}"><span>${s.micLost}</span>
        <button id="mic-lost-devices" class="link">${s.chooseMicrophone}</button></div>`
          : ""
      }
      <div class="controls">
        <button id="mute" class="secondary" aria-pressed="${c.muted}">${c.muted ? s.unmute : s.mute}</button>
        <button id="hold" class="secondary" aria-pressed="${c.held}" ${waiting || meet ? "disabled" : ""} ${meet ? `title="${esc(errorText("notSupportedInMeets"))}"` : ""}>${c.held ? s.resume : s.hold}</button>
        <button id="dialpad-toggle" class="secondary" aria-pressed="${c.panel === "keypad"}">${s.dialpad}</button>
        <button id="people-button" class="secondary" aria-pressed="${c.panel === "people"}" ${waiting ? "disabled" : ""}>${s.callControl}</button>
        <button id="devices-button" class="secondary" aria-pressed="${c.panel === "devices"}">${s.devices}</button>
        <button id="record-toggle" class="secondary" aria-pressed="${!!c.room?.recordingPaused}" ${c.room?.recording ? "" : "disabled"}>${c.room?.recordingPaused ? s.resumeRecording : s.pauseRecording}</button>
      </div>
      ${transferBar(c)}
      ${parallelBar(c)}
      ${panel}
      ${c.note ? `<p id="call-note" class="muted">${esc(c.note)}</p>` : ""}
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

/** Sends both sliders' levels; the call hears the change at once. */
async function setVolume(): Promise<void> {
  const level = (id: string) => Number((document.getElementById(id) as HTMLInputElement | null)?.value ?? 100);
  const volume = await invoke("set_volume", {
    volume: { speaker: level("call-speaker-volume"), microphone: level("call-microphone-gain") },
  });
  if (state.settings) state.settings.volume = volume;
}

async function switchDevice(field: "microphone" | "speaker", value: string): Promise<void> {
  const current = await invoke("get_settings");
  state.settings = await invoke("save_settings", {
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
    // The caller's contact page (calls and conversations) opens beside the ring, before
    // answering; the last calls also show here.
    if (r.showHistory) void invoke("open_contact_by_number", { number: r.caller.number }).catch(() => undefined);
    if (r.showHistory && r.history === null) {
      void invoke("caller_history", { number: r.caller.number })
        .then((h) => (r.history = h.filter((c) => c.id !== r.callId)))
        .catch((e) => (state.error = errorText(String(e))))
        .finally(render);
    }
    render();
  });
  on("mute", () => state.call && void invoke("set_muted", { callId: state.call.callId, muted: !state.call.muted }));
  on("hold", () => state.call && void invoke("set_hold", { callId: state.call.callId, held: !state.call.held }));
  on("record-toggle", () => {
    const c = state.call;
    if (c?.room?.recording) void invoke("set_recording_paused", { callId: c.callId, paused: !c.room.recordingPaused });
  });
  on("dialpad-toggle", () => setPanel("keypad"));
  on("devices-button", () => {
    void Promise.all([invoke("audio_devices"), invoke("get_settings")]).then(
      ([devices, settings]) => {
        state.devices = devices;
        state.settings = settings;
        render();
      },
    );
    setPanel("devices");
  });
  // The dead microphone's warning opens the device picker (the same panel as its button).
  on("mic-lost-devices", () => {
    if (state.call?.panel !== "devices") document.getElementById("devices-button")?.click();
  });
  on("people-button", () => {
    void invoke("call_targets")
      .then((targets) => (state.targets = targets))
      .catch((e) => (state.error = errorText(String(e))))
      .finally(render);
    setPanel("people");
  });
  on("complete-transfer", () => state.call && void invoke("complete_transfer", { callId: state.call.callId }));
  on("cancel-transfer", () => state.call && void invoke("cancel_transfer", { callId: state.call.callId }));
  const each = (selector: string, f: (b: HTMLButtonElement, callId: number) => void) =>
    document.querySelectorAll<HTMLButtonElement>(selector).forEach((b) =>
      b.addEventListener("click", () => state.call && f(b, state.call.callId)),
    );
  each("#people button.invite", (b, callId) => void invoke("invite", { callId, managerId: Number(b.dataset.manager) }));
  each("#people button.transfer", (b, callId) =>
    void invoke("transfer", {
      callId,
      kind: b.dataset.kind as TransferKind,
      managerId: b.dataset.manager ? Number(b.dataset.manager) : null,
      teamId: b.dataset.team ? Number(b.dataset.team) : null,
    }),
  );
  each("#people button.queue", (b, callId) => void invoke("transfer_to_queue", { callId, teamId: Number(b.dataset.team) }));
  each("#people button.parallel", (b, callId) => void invoke("parallel_call", { callId, managerId: Number(b.dataset.manager), number: null }));
  on("parallel-number-call", () => {
    const number = (document.getElementById("parallel-number") as HTMLInputElement | null)?.value.trim();
    if (state.call && number) void invoke("parallel_call", { callId: state.call.callId, managerId: null, number });
  });
  on("switch-line", () => state.call && void invoke("switch_line", { callId: state.call.callId }));
  on("merge", () => state.call && void invoke("merge", { callId: state.call.callId }));
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
  for (const id of ["call-speaker-volume", "call-microphone-gain"]) {
    const slider = document.getElementById(id) as HTMLInputElement | null;
    // The figure follows the thumb; the call (and the saved settings) follow where it is let go.
    slider?.addEventListener("input", () => {
      const shown = slider.parentElement?.querySelector("output");
      if (shown) shown.textContent = `${slider.value}%`;
    });
    slider?.addEventListener("change", () => void setVolume());
  }
}

function onEvent(e: AgentEvent): void {
  switch (e.event) {
    case "sessionUp":
      state.me = e.manager.name;
      state.myId = e.manager.id;
      return;
    case "ring":
      state.ringing = { callId: e.callId, caller: e.caller, via: e.via, purpose: e.purpose ?? { kind: "route" }, history: null, showHistory: false };
      state.error = "";
      break;
    case "ringStopped":
      if (state.ringing?.callId === e.callId) state.ringing = null;
      break;
    case "callConnected":
      if (state.ringing?.callId === e.callId) {
        const r = state.ringing;
        state.call = { callId: r.callId, caller: r.caller, via: r.via, since: Date.now(), media: false, muted: false, held: false, panel: "", digits: "", room: null, note: "", dialing: "" };
        state.ringing = null;
      } else if (state.call?.callId !== e.callId) {
        // Picked up from the main window: it never rang here. Who it is comes with callState.
        const unknown = { number: "", name: null, fields: [] };
        state.call = { callId: e.callId, caller: unknown, via: { number: "", teamName: "" }, since: Date.now(), media: false, muted: false, held: false, panel: "", digits: "", room: null, note: "", dialing: "" };
      }
      break;
    case "dialing":
      state.call = {
        callId: e.callId,
        caller: e.customer,
        via: { number: e.plan.callerId, teamName: "" },
        since: Date.now(),
        media: false,
        muted: false,
        held: false,
        panel: "",
        digits: "",
        room: null,
        note: "",
        dialing: "calling",
      };
      state.error = "";
      break;
    case "dialProgress":
      if (state.call?.callId === e.callId) state.call.dialing = "ringing";
      break;
    case "dialAnswered":
      if (state.call?.callId === e.callId) {
        state.call.dialing = "";
        state.call.since = Date.now();
      }
      break;
    case "mediaConnected":
      if (state.call?.callId === e.callId) {
        state.call.media = true;
        // A placed call's talk time starts at the answer, not when our media is up.
        if (state.call.dialing === "") state.call.since = Date.now();
      }
      break;
    case "microphoneLost":
      if (state.call?.callId === e.callId) state.call.micLost = e.message;
      break;
    case "microphoneBack":
      if (state.call?.callId === e.callId) state.call.micLost = undefined;
      break;
    case "muteChanged":
      if (state.call?.callId === e.callId) state.call.muted = e.muted;
      break;
    case "holdChanged":
      if (state.call?.callId === e.callId) state.call.held = e.held;
      break;
    case "callState":
      if (state.call?.callId === e.callId) {
        state.call.room = e;
        state.call.held = e.held;
        state.call.caller = e.customer;
        if (!state.call.via.number) state.call.via = e.via;
      }
      break;
    case "inviteUnanswered":
      if (state.call?.callId === e.callId) state.call.note = t().inviteUnanswered(e.manager.name);
      break;
    case "transferEnded":
      if (state.call?.callId === e.callId) {
        const s = t();
        state.call.note =
          e.outcome === "unanswered" ? s.transferUnanswered : e.outcome === "cancelled" ? s.transferCancelled : e.outcome === "targetLeft" ? s.transferTargetLeft : "";
      }
      break;
    case "parallelEnded":
      if (state.call?.callId === e.callId) state.call.note = t().parallelEnded[e.reason];
      break;
    case "customerLeft":
      if (state.call?.callId === e.callId) state.call.note = t().customerLeft;
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
  await listen("agent-event", (e) => (early ? early.push(e) : onEvent(e)));
  for (const e of await invoke("call_window_feed")) onEvent(e);
  for (const e of early) onEvent(e);
  early = null;
  setInterval(() => {
    const timer = document.getElementById("call-timer");
    if (state.call?.media && timer) timer.textContent = duration(Math.floor((Date.now() - state.call.since) / 1000));
  }, 1000);
  render();
  return render;
}
