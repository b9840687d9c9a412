// The main window: login (or resuming the keyring-held session), status with the reason calls
// would not ring, the calls ringing at teammates now (pick-up; in a call, taking one asks to
// leave ours first: one call at a time), the last 5 calls and missed calls (from the local
// cache, so also offline), settings and logout. Ringing and calls live in the call window.
import { errorText, t } from "../i18n";
import { esc, invoke, listen } from "../tauri";
import type { AgentEvent, AgentStatus, Assignment, Callback, CallState, DesktopStartup, ManagerInfo, NotRingingReason, RecentCall, RecentCallLists } from "../wire";
import { callerLabel, clock } from "./format";
import { settingsPanel } from "./settings";

const state = {
  startup: null as DesktopStartup | null,
  manager: null as ManagerInfo | null,
  loginError: "",
  busy: "" as "" | "login" | "resume",
  online: false,
  status: "away" as AgentStatus,
  dnd: false,
  /** The assignment settings as the cloud last said (`presence`). */
  assignment: { takesPhoneCalls: true, ringUnassigned: true } as Assignment,
  notRinging: null as NotRingingReason | null,
  lists: { recent: [], missed: [] } as RecentCallLists,
  lastError: "",
  showSettings: false,
  /** Offer the network test (after the first login, until taken or put off). */
  networkOffer: false,
  /** The channel's calls ringing at a manager, as the cloud last pushed them (`ringingCalls`). */
  ringingCalls: [] as CallState[],
  /** The call whose pick-up waits for "leave mine and take it". */
  confirming: null as number | null,
  /** The recent call whose redial waits for "call anyway" (already handled). */
  redialing: null as number | null,
  /** Callbacks whose reminder came, each with its call button. */
  due: [] as Callback[],
};

const app = document.getElementById("app")!;
const panel = settingsPanel(() => render());

function loginView(): string {
  const s = t();
  const label = state.busy === "login" ? s.loggingIn : state.busy === "resume" ? s.resuming : s.login;
  return `
    <form id="login" class="card">
      <h1>${s.appTitle}</h1>
      <label>${s.server}<input id="server" value="${esc(state.startup?.server ?? "")}" required /></label>
      <label>${s.email}<input id="email" type="email" value="${esc(state.startup?.email ?? "")}" required /></label>
      <label>${s.password}<input id="password" type="password" /></label>
      <button id="login-button" type="submit" ${state.busy ? "disabled" : ""}>${label}</button>
      <p id="login-error" class="error">${esc(state.loginError)}</p>
    </form>`;
}

function callLine(c: RecentCall): string {
  const s = t();
  // A phone caller can be called back (the dial rules apply); a meet's visitor has no number.
  // One already called back asks first.
  const redial =
    state.redialing === c.callId
      ? `<span class="muted">${s.hi.alreadyHandled}</span>
         <button class="redial-anyway answer" data-number="${esc(c.caller.number)}">${s.hi.callAnyway}</button>
         <button class="redial-cancel secondary">${s.cancel}</button>`
      : state.manager && c.caller.number && c.medium !== "meet"
        ? `<button class="redial secondary" data-number="${esc(c.caller.number)}" data-call-id="${c.callId}" data-handled="${c.alreadyHandled ? "1" : ""}" title="${esc(s.callBack)}">${s.callBack}</button>`
        : "";
  const outcome = c.invitedBy && c.outcome === "missed" ? s.hi.invitation(c.invitedBy) : s.outcome[c.outcome];
  return `<li class="recent-call ${esc(c.outcome)}" data-call-id="${c.callId}">
      <span class="who">${esc(callerLabel(c.caller))}</span>
      <span class="muted">${esc(outcome)}${c.alreadyHandled ? ` · ${s.hi.handled}` : ""} · ${esc(clock(c.startedAtMs))}</span>
      ${redial}
    </li>`;
}

function listView(id: string, title: string, calls: RecentCall[]): string {
  const body = calls.length ? calls.map(callLine).join("") : `<li class="muted">${t().noCalls}</li>`;
  return `<section class="card"><h3>${title}</h3><ul id="${id}" class="calls">${body}</ul></section>`;
}

/** The first login's offer to test the network and microphone before the first call. */
function networkOfferView(): string {
  const s = t().net;
  return `<section id="network-offer" class="card notice">
      <p>${s.offer}</p>
      <div class="row">
        <button id="network-offer-run">${s.offerRun}</button>
        <button id="network-offer-later" class="secondary">${s.offerLater}</button>
      </div>
    </section>`;
}

/** Remembers that the network test was offered, so it is not offered again. */
async function networkOffered(): Promise<void> {
  state.networkOffer = false;
  const current = await invoke("get_settings");
  await invoke("save_settings", { settings: { ...current, networkTestOffered: true } });
}

function statusView(): string {
  const s = t();
  const shown = state.status;
  const reason = state.notRinging ? s.notRinging[state.notRinging] : s.waitingForCalls;
  const chosen = shown === "available" || shown === "away";
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
        <select id="status" ${chosen ? "" : "disabled"}>
          <option value="available" ${shown === "available" ? "selected" : ""}>${s.available}</option>
          <option value="away" ${shown === "away" ? "selected" : ""}>${s.away}</option>
          ${shown === "inCall" ? `<option value="inCall" selected>${s.inCall}</option>` : ""}
          ${shown === "wrapUp" ? `<option value="wrapUp" selected>${s.wrapUp}</option>` : ""}
        </select></span>
      </label>
      <label class="row"><input id="dnd" type="checkbox" ${state.dnd ? "checked" : ""} /> ${s.dnd}</label>
      <label class="row"><input id="takes-phone" type="checkbox" ${state.assignment.takesPhoneCalls ? "checked" : ""} /> ${s.takesPhoneCalls}</label>
      <label class="row"><input id="ring-unassigned" type="checkbox" ${state.assignment.ringUnassigned ? "checked" : ""} /> ${s.ringUnassigned}</label>
      <p id="not-ringing" class="muted">${esc(state.online ? reason : s.reconnecting)}</p>
      ${state.lastError ? `<p id="last-error" class="error">${esc(state.lastError)}</p>` : ""}
    </section>
    ${state.networkOffer ? networkOfferView() : ""}
    ${dueView()}
    ${liveView()}
    ${listView("recent-calls", s.recentCalls, state.lists.recent)}
    ${listView("missed-calls", s.missedCalls, state.lists.missed)}`;
}

/** Callbacks whose time is near: one click dials each from its caller-ID. */
function dueView(): string {
  if (state.due.length === 0) return "";
  const s = t().cb;
  const rows = state.due
    .map((c) => {
      const at = new Date(c.dueAt).toLocaleTimeString(document.documentElement.lang === "en" ? "en-US" : "ko-KR", { hour: "2-digit", minute: "2-digit" });
      return `<li class="due-callback" data-id="${c.id}"><span><strong>${esc(c.customerName ?? c.customerNumber)}</strong>
        <small class="muted">· ${esc(at)}${c.note ? ` · ${esc(c.note)}` : ""}</small></span>
        <button class="due-dial answer" data-id="${c.id}">${s.dial}</button>
        <button class="due-dismiss secondary" data-id="${c.id}" aria-label="${s.dismiss}">×</button></li>`;
    })
    .join("");
  return `<section class="card due"><h3>${s.due}</h3><ul id="due-callbacks" class="calls">${rows}</ul></section>`;
}

async function refreshDue(): Promise<void> {
  state.due = await invoke("due_callbacks").catch(() => []);
}

/** Calls ringing at teammates (routed to them, not to us): each can be picked up. */
function liveView(): string {
  const s = t();
  const me = state.manager?.id;
  const ringingElsewhere = state.ringingCalls.filter(
    (c) => c.ringing.some((r) => r.purpose.kind === "route" && r.manager.id !== me) && !c.managers.some((m) => m.id === me),
  );
  if (ringingElsewhere.length === 0) return "";
  const rows = ringingElsewhere
    .map((c) => {
      const at = c.ringing.map((r) => r.manager.name).join(", ");
      const action =
        state.confirming === c.callId
          ? `<span class="muted">${s.leaveAndTake}</span>
             <button class="take-leaving answer" data-call-id="${c.callId}">${s.leaveAndTakeButton}</button>
             <button class="take-cancel secondary">${s.cancel}</button>`
          : `<button class="pick-up answer" data-call-id="${c.callId}">${s.pickUp}</button>`;
      return `<li class="live-call" data-call-id="${c.callId}"><span>${esc(callerLabel(c.customer))} <small class="muted">· ${esc(s.ringingAt(at))}</small></span> ${action}</li>`;
    })
    .join("");
  return `<section class="card"><h3>${s.liveCalls}</h3><ul id="live-calls" class="calls">${rows}</ul></section>`;
}

/** We are in a call (taking another one leaves it first, once confirmed). */
async function inCall(): Promise<boolean> {
  return (await invoke("desk_state")).activeCall !== null;
}

/** The cloud pushed the channel's ringing calls: redraw only when the list changed. */
function onRingingCalls(calls: CallState[]): void {
  // Re-rendering for nothing would replace the window under the agent's pointer (an open
  // status menu would close, a click could miss).
  if (JSON.stringify(calls) === JSON.stringify(state.ringingCalls)) return;
  state.ringingCalls = calls;
  if (!state.showSettings) render();
}

function render(): void {
  const s = t();
  document.title = s.appTitle;
  let body: string;
  // Logged out (or offline with no session): the cached lists still show under the form.
  if (!state.manager) body = loginView();
  else if (state.showSettings) body = panel.html();
  else body = statusView();
  const footer = state.manager
    ? `<button id="open-inbox" class="link">${s.ib.open}</button>
       <button id="open-contacts" class="link">${s.ct.title}</button>
       <button id="open-callbacks" class="link">${s.cb.title}</button>
       <button id="open-history" class="link">${s.hi.title}</button>
       ${state.manager.canAdminister ? `<button id="open-workflows" class="link">${s.openWorkflows}</button>` : ""}
       <button id="open-settings" class="link">${state.showSettings ? s.closeSettings : s.settings}</button>
       <button id="logout" class="link">${s.logout}</button>`
    : "";
  app.innerHTML = `${body}<footer>${footer}</footer>`;
  bind();
  if (state.showSettings) panel.bind();
}

function bind(): void {
  document.getElementById("login")?.addEventListener("submit", (e) => {
    e.preventDefault();
    const v = (id: string) => (document.getElementById(id) as HTMLInputElement).value;
    void doLogin(v("server"), v("email"), v("password"));
  });
  document.getElementById("status")?.addEventListener("change", (e) => {
    const status = (e.target as HTMLSelectElement).value as AgentStatus;
    void invoke("set_status", { status, doNotDisturb: state.dnd });
  });
  document.getElementById("dnd")?.addEventListener("change", (e) => {
    const dnd = (e.target as HTMLInputElement).checked;
    const status = state.status === "available" ? "available" : "away";
    void invoke("set_status", { status, doNotDisturb: dnd });
  });
  const assignment = () => ({
    takesPhoneCalls: (document.getElementById("takes-phone") as HTMLInputElement).checked,
    ringUnassigned: (document.getElementById("ring-unassigned") as HTMLInputElement).checked,
  });
  for (const id of ["takes-phone", "ring-unassigned"]) {
    document.getElementById(id)?.addEventListener("change", () => void invoke("set_assignment", assignment()));
  }
  document.getElementById("open-workflows")?.addEventListener("click", () => void invoke("open_workflows"));
  document.getElementById("open-inbox")?.addEventListener("click", () => void invoke("open_inbox"));
  document.getElementById("open-contacts")?.addEventListener("click", () => void invoke("open_workspace", { view: { page: "contact", id: 0 } }));
  document.getElementById("open-callbacks")?.addEventListener("click", () => void invoke("open_workspace", { view: { page: "callbacks" } }));
  document.querySelectorAll<HTMLButtonElement>("#due-callbacks button.due-dial").forEach((b) =>
    b.addEventListener("click", () => {
      void invoke("dial_callback", { id: Number(b.dataset.id) })
        .catch((e) => (state.lastError = errorText(String(e))))
        .then(refreshDue)
        .then(render);
    }),
  );
  document.querySelectorAll<HTMLButtonElement>("#due-callbacks button.due-dismiss").forEach((b) =>
    b.addEventListener("click", () => void invoke("dismiss_callback", { id: Number(b.dataset.id) }).then(refreshDue).then(render)),
  );
  document.getElementById("network-offer-later")?.addEventListener("click", () => void networkOffered().then(render));
  document.getElementById("network-offer-run")?.addEventListener("click", () => {
    state.showSettings = true;
    // The panel reads the settings once the offer is marked taken.
    void networkOffered()
      .then(() => panel.open())
      .then(() => panel.testNetwork());
    render();
  });
  document.getElementById("open-settings")?.addEventListener("click", () => {
    state.showSettings = !state.showSettings;
    if (state.showSettings) void panel.open();
    else panel.close();
    render();
  });
  document.querySelectorAll<HTMLButtonElement>("button.redial").forEach((b) =>
    b.addEventListener("click", () => {
      if (b.dataset.handled) {
        state.redialing = Number(b.dataset.callId);
        render();
      } else void invoke("dial", { number: b.dataset.number ?? "", callerId: null });
    }),
  );
  document.querySelectorAll<HTMLButtonElement>("button.redial-anyway").forEach((b) =>
    b.addEventListener("click", () => {
      state.redialing = null;
      void invoke("dial", { number: b.dataset.number ?? "", callerId: null });
      render();
    }),
  );
  document.querySelector<HTMLButtonElement>("button.redial-cancel")?.addEventListener("click", () => {
    state.redialing = null;
    render();
  });
  document.getElementById("open-history")?.addEventListener("click", () => void invoke("open_workspace", { view: { page: "history" } }));
  document.querySelectorAll<HTMLButtonElement>("#live-calls button.pick-up").forEach((b) =>
    b.addEventListener("click", async () => {
      const callId = Number(b.dataset.callId);
      if (await inCall()) {
        state.confirming = callId;
        render();
      } else {
        void invoke("pick_up", { callId, leaveCurrent: false });
      }
    }),
  );
  document.querySelectorAll<HTMLButtonElement>("#live-calls button.take-leaving").forEach((b) =>
    b.addEventListener("click", () => {
      state.confirming = null;
      void invoke("pick_up", { callId: Number(b.dataset.callId), leaveCurrent: true });
    }),
  );
  document.querySelector<HTMLButtonElement>("#live-calls button.take-cancel")?.addEventListener("click", () => {
    state.confirming = null;
    render();
  });
  document.getElementById("logout")?.addEventListener("click", () => {
    void invoke("logout").finally(() => {
      state.manager = null;
      // The next person at this desk sees none of this manager's calls.
      state.lists = { recent: [], missed: [] };
      state.due = [];
      state.showSettings = false;
      panel.close();
      render();
    });
  });
}

async function refreshLists(): Promise<void> {
  try {
    state.lists = await invoke("recent_calls");
  } catch (e) {
    state.lastError = errorText(String(e));
  }
}

/** Logs in (`login`) or resumes the keyring-held session (`resume`), then loads the lists. */
async function startSession(how: "login" | "resume", start: () => Promise<ManagerInfo>): Promise<void> {
  state.busy = how;
  state.loginError = "";
  render();
  try {
    state.manager = await start();
    await refreshLists();
    await refreshDue();
    state.networkOffer = !(await invoke("get_settings")).networkTestOffered;
  } catch (e) {
    state.loginError = errorText(String(e));
  } finally {
    state.busy = "";
    render();
  }
}

const doLogin = (server: string, email: string, password: string | null) =>
  startSession("login", () => invoke("login", { server, email, password }));

function onEvent(e: AgentEvent): void {
  switch (e.event) {
    case "sessionUp":
      state.online = true;
      state.manager = e.manager;
      break;
    case "sessionDown":
      // What rang a moment ago may be taken or gone; the next session sends the list again.
      state.online = false;
      state.ringingCalls = [];
      break;
    case "sessionExpired":
      state.manager = null;
      state.loginError = errorText("sessionExpired");
      break;
    case "presence":
      state.online = true;
      state.status = e.status;
      state.dnd = e.doNotDisturb;
      state.assignment = e.assignment;
      state.notRinging = e.notRinging;
      break;
    case "ring":
    case "ringStopped":
    case "dialing":
    case "callConnected":
    case "callEnded":
      // The list changes with every step of a call; the cache has already been written. An
      // open settings panel is not redrawn: that would throw away what is being typed.
      void refreshLists().then(() => {
        if (!state.showSettings) render();
      });
      return;
    case "ringingCalls":
      onRingingCalls(e.calls);
      return;
    case "callbackDue":
      void refreshDue().then(() => {
        if (!state.showSettings) render();
      });
      return;
    case "error":
    case "dialRefused":
      state.lastError = errorText(e.code);
      break;
    case "dialFailed":
      state.lastError = t().dialFailed(e.reason, e.sipCode);
      break;
    default:
      return;
  }
  if (!state.showSettings) render();
}

export async function startMainWindow(): Promise<() => void> {
  await listen("agent-event", onEvent);
  state.startup = await invoke("startup");
  // Opened again from the tray: the session runs on in the app; show it as it is now.
  const running = await invoke("main_window_feed");
  running.forEach(onEvent);
  // Offline or not, the cached lists show at once.
  await refreshLists();
  render();
  if (running.length > 0) {
    await refreshDue();
    state.networkOffer = !(await invoke("get_settings")).networkTestOffered;
    render();
  } else if (state.startup.autoLogin && state.startup.email) await doLogin(state.startup.server, state.startup.email, null);
  else if (state.startup.savedSession) await startSession("resume", () => invoke("resume"));
  return render;
}
