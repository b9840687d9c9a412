// The dialpad window (Ctrl+Shift+D): digits, paste, backspace. In a call every digit goes to the
// far end as DTMF; dialing out arrives with the call-control issue, and the window says so.
import { t } from "../i18n";
import { esc, invoke, listen } from "../tauri";
import type { AgentEvent, DeskState } from "../wire";

const state = { number: "", activeCall: null as number | null };
const app = document.getElementById("app")!;
const DIALABLE = /[0-9*#+]/g;

function render(): void {
  const s = t();
  document.title = s.dialpadTitle;
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"]
    .map((k) => `<button class="key" data-key="${k}">${k}</button>`)
    .join("");
  app.innerHTML = `
    <section id="dialpad" class="card">
      <input id="dial-number" value="${esc(state.number)}" inputmode="tel" />
      <div class="keypad">${keys}</div>
      <div class="actions">
        <button id="paste" class="secondary">${s.paste}</button>
        <button id="backspace" class="secondary">${s.backspace}</button>
      </div>
      <p id="dial-note" class="muted">${state.activeCall !== null ? s.dtmfSent : s.dialingLater}</p>
    </section>`;
  bind();
}

function press(digits: string): void {
  state.number += digits;
  if (state.activeCall !== null) void invoke("dtmf", { callId: state.activeCall, digits: digits.replace(/\+/g, "") });
  render();
}

/** Adds what can be dialled from pasted text: "010-1234-5678" pastes as 01012345678. */
function paste(text: string): void {
  state.number += (text.match(DIALABLE) ?? []).join("");
  render();
}

function bind(): void {
  document.querySelectorAll<HTMLButtonElement>(".key").forEach((b) => b.addEventListener("click", () => press(b.dataset.key!)));
  document.getElementById("backspace")?.addEventListener("click", () => {
    state.number = state.number.slice(0, -1);
    render();
  });
  document.getElementById("paste")?.addEventListener("click", () => {
    void invoke<string>("read_clipboard")
      .then(paste)
      .catch(() => undefined);
  });
  const input = document.getElementById("dial-number") as HTMLInputElement;
  // Ctrl+V in the field: filtered like the button, not pasted raw.
  input.addEventListener("paste", (e) => {
    e.preventDefault();
    paste(e.clipboardData?.getData("text") ?? "");
  });
  input.addEventListener("change", () => {
    state.number = (input.value.match(DIALABLE) ?? []).join("");
    render();
  });
}

export async function startDialpadWindow(): Promise<() => void> {
  await listen<AgentEvent>("agent-event", (e) => {
    if (e.event === "callConnected") state.activeCall = e.callId;
    else if (e.event === "callEnded" && state.activeCall === e.callId) state.activeCall = null;
    else return;
    render();
  });
  state.activeCall = (await invoke<DeskState>("desk_state")).activeCall;
  render();
  return render;
}
