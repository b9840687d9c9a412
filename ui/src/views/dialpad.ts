// The dialpad window (Ctrl+Shift+D): digits, paste, backspace. Out of a call it dials: the
// caller-ID picker (when the channel has several numbers), what the number would be — a domestic
// call, or an international one with its country and price — or why it can't be dialled, all
// before the call button is pressed. In a call every digit goes to the far end as DTMF.
import { errorText, t } from "../i18n";
import { esc, invoke, listen } from "../tauri";
import type { AgentEvent, ChannelNumber, ContactInfo, DialPlan } from "../wire";

const state = {
  /** What the box holds: digits to dial, or a name to find. */
  typed: "",
  /** Contacts whose name or number has what was typed, newest search. */
  suggestions: [] as ContactInfo[],
  number: "",
  activeCall: null as number | null,
  numbers: [] as ChannelNumber[],
  callerId: null as string | null,
  /** What the number would be, or the refusal's code, for the number as it is now. */
  plan: null as DialPlan | null,
  refusal: "",
  /** The outcome of our last dial, when it did not connect. */
  note: "",
};
const app = document.getElementById("app")!;
const DIALABLE = /[0-9*#+]/g;
let checkTimer: number | undefined;
let suggestTimer: number | undefined;
/** Letters in the box: it is a name being searched, not a number. */
const NAME_LIKE = /[^0-9*#+\-\s().]/;

function planLine(): string {
  const s = t();
  if (state.refusal) return `<p id="dial-plan" class="error">${esc(errorText(state.refusal))}</p>`;
  if (!state.plan) return "";
  const i = state.plan.international;
  const text = i ? s.dialPrice(i.country, i.priceCu) : s.nationalCall;
  return `<p id="dial-plan" class="muted">${esc(state.plan.to)} · ${esc(text)}</p>`;
}

function callerIdPicker(): string {
  if (state.numbers.length < 2) return "";
  const options = state.numbers
    .map((n) => `<option value="${esc(n.e164)}" ${n.e164 === state.callerId ? "selected" : ""}>${esc(n.label)} ${esc(n.e164)}</option>`)
    .join("");
  return `<label>${t().callerId} <select id="caller-id">${options}</select></label>`;
}

/** Suggestions under the box; a number that is a contact's shows their name. */
function suggestionsView(): string {
  if (state.activeCall !== null || state.suggestions.length === 0) return "";
  const rows = state.suggestions
    .slice(0, 5)
    .map((c) => `<li class="suggestion" data-phone="${esc(c.phone)}"><strong>${esc(c.name ?? c.phone)}</strong> <small class="muted">${esc(c.phone)}</small></li>`)
    .join("");
  return `<ul id="suggestions" class="suggestions">${rows}</ul>`;
}

/** The contact whose number is the one typed, if any. */
function matchedContact(): ContactInfo | undefined {
  const digits = state.number.replace(/\D/g, "").replace(/^0/, "");
  if (digits.length < 7) return undefined;
  return state.suggestions.find((c) => c.phone.replace(/\D/g, "").endsWith(digits));
}

function render(): void {
  const s = t();
  document.title = s.dialpadTitle;
  const hadFocus = document.activeElement?.id === "dial-number";
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"]
    .map((k) => `<button class="key" data-key="${k}">${k}</button>`)
    .join("");
  const inCall = state.activeCall !== null;
  const dialing = inCall
    ? `<p id="dial-note" class="muted">${s.dtmfSent}</p>`
    : `${callerIdPicker()}${planLine()}
      <button id="call" class="answer" ${state.number && !state.refusal ? "" : "disabled"}>${s.call}</button>
      ${state.note ? `<p id="dial-note" class="error">${esc(state.note)}</p>` : ""}`;
  app.innerHTML = `
    <section id="dialpad" class="card">
      <input id="dial-number" value="${esc(state.typed || state.number)}" placeholder="${s.dialOrSearch}" autocomplete="off" />
      ${matchedContact() ? `<p id="dial-contact" class="contact-name">${esc(matchedContact()!.name ?? "")}</p>` : ""}
      ${suggestionsView()}
      <div class="keypad">${keys}</div>
      <div class="actions">
        <button id="paste" class="secondary">${s.paste}</button>
        <button id="backspace" class="secondary">${s.backspace}</button>
      </div>
      ${dialing}
    </section>`;
  if (hadFocus) {
    const box = document.getElementById("dial-number") as HTMLInputElement;
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  }
  bind();
}

/** Asks the cloud for contacts matching what was typed, a moment after the typing stops. */
function suggest(): void {
  window.clearTimeout(suggestTimer);
  const query = state.typed.trim();
  if (state.activeCall !== null || query.replace(/[\s-]/g, "").length < 2) {
    state.suggestions = [];
    return;
  }
  suggestTimer = window.setTimeout(() => {
    invoke("search_contacts", { query })
      .then((found) => {
        if (query !== state.typed.trim()) return;
        state.suggestions = found;
        render();
      })
      .catch(() => undefined);
  }, 200);
}

/** The box changed: a number is checked for dialling, a name only searched. */
function typed(text: string): void {
  state.typed = text;
  state.number = NAME_LIKE.test(text) ? "" : (text.match(DIALABLE) ?? []).join("");
  suggest();
  numberChanged();
}

/** Asks the cloud what the number would be, a moment after the typing stops. */
function numberChanged(): void {
  state.plan = null;
  state.refusal = "";
  state.note = "";
  window.clearTimeout(checkTimer);
  if (state.activeCall === null && state.number) {
    const number = state.number;
    checkTimer = window.setTimeout(() => {
      invoke("dial_check", { number, callerId: state.callerId })
        .then((plan) => {
          if (number !== state.number) return;
          state.plan = plan;
          render();
        })
        .catch((code: string) => {
          if (number !== state.number) return;
          state.refusal = code;
          render();
        });
    }, 250);
  }
  render();
}

function press(digits: string): void {
  state.number += digits;
  state.typed = state.number;
  if (state.activeCall !== null) void invoke("dtmf", { callId: state.activeCall, digits: digits.replace(/\+/g, "") });
  numberChanged();
}

/** Adds what can be dialled from pasted text: "010-1234-5678" pastes as 01012345678. */
function paste(text: string): void {
  typed(state.number + (text.match(DIALABLE) ?? []).join(""));
}

function bind(): void {
  document.querySelectorAll<HTMLButtonElement>(".key").forEach((b) => b.addEventListener("click", () => press(b.dataset.key!)));
  document.getElementById("backspace")?.addEventListener("click", () => {
    typed((state.typed || state.number).slice(0, -1));
  });
  document.getElementById("paste")?.addEventListener("click", () => {
    void invoke("read_clipboard")
      .then(paste)
      .catch(() => undefined);
  });
  document.getElementById("call")?.addEventListener("click", () => {
    state.note = "";
    void invoke("dial", { number: state.number, callerId: state.callerId }).catch((code: string) => {
      state.note = errorText(code);
      render();
    });
  });
  document.getElementById("caller-id")?.addEventListener("change", (e) => {
    state.callerId = (e.target as HTMLSelectElement).value;
    numberChanged();
  });
  const input = document.getElementById("dial-number") as HTMLInputElement;
  // Ctrl+V in the field: filtered like the button, not pasted raw.
  input.addEventListener("paste", (e) => {
    e.preventDefault();
    paste(e.clipboardData?.getData("text") ?? "");
  });
  input.addEventListener("input", () => typed(input.value));
  input.addEventListener("change", () => typed(input.value));
  document.querySelectorAll<HTMLLIElement>("#suggestions li.suggestion").forEach((li) =>
    li.addEventListener("click", () => {
      typed(li.dataset.phone ?? "");
      state.suggestions = state.suggestions.filter((c) => c.phone === li.dataset.phone);
      render();
    }),
  );
}

function onEvent(e: AgentEvent): void {
  switch (e.event) {
    case "callConnected":
      state.activeCall = e.callId;
      break;
    case "dialing":
      state.activeCall = e.callId;
      state.number = "";
      state.typed = "";
      state.suggestions = [];
      state.plan = null;
      break;
    case "callEnded":
      if (state.activeCall === e.callId) state.activeCall = null;
      break;
    case "dialRefused":
      state.note = errorText(e.code);
      break;
    case "dialFailed":
      state.note = t().dialFailed(e.reason, e.sipCode);
      break;
    default:
      return;
  }
  render();
}

export async function startDialpadWindow(): Promise<() => void> {
  await listen("agent-event", onEvent);
  state.activeCall = (await invoke("desk_state")).activeCall;
  render();
  invoke("channel_numbers")
    .then((numbers) => {
      state.numbers = numbers;
      state.callerId = numbers[0]?.e164 ?? null;
      render();
    })
    .catch(() => undefined);
  return render;
}
