// The workspace window: where the agent works between calls — the shared inbox, contacts and
// their pages, callbacks, call history, statistics and the live wallboard. Tabs on top; each
// page draws into the body under them. Another window (a ring's history button, the main
// window) opens it on a page with `open_workspace`.
import { t } from "../i18n";
import { invoke, listen } from "../tauri";
import type { AgentEvent, WorkspaceView } from "../wire";
import * as callbacks from "./callbacks";
import * as contacts from "./contacts";
import * as history from "./history";
import * as inbox from "./inbox";
import * as statistics from "./statistics";
import * as wallboard from "./wallboard";

type Page = WorkspaceView["page"];
const PAGES: Page[] = ["inbox", "contact", "callbacks", "history", "statistics", "wallboard"];

const app = document.getElementById("app")!;
/** The page drawn last: what leaving it has to stop. */
let shown: Page | null = null;

/** Moves from the page shown to another: the wallboard's live feed and clock run only while it
 * shows, and the statistics' charts go with their page. */
function switchPage(page: Page): void {
  if (shown === page) return;
  if (shown === "wallboard") wallboard.leave();
  if (shown === "statistics") statistics.leave();
  if (page === "wallboard") wallboard.enter();
  shown = page;
}

/** Stops the inbox's player before its page goes: a playing element torn out of the page
 * keeps its media pipeline busy (WebKitGTK then stops painting the window). */
function stopPlayer(): void {
  const player = document.getElementById("player") as HTMLAudioElement | null;
  if (!player) return;
  player.pause();
  player.removeAttribute("src");
  player.load();
}

function frame(): void {
  const s = t().ws;
  stopPlayer();
  const page = document.body.dataset.page as Page;
  document.title = `${t().appTitle} · ${s.tabs[page]}`;
  const tabs = PAGES.map(
    (p) => `<button id="ws-tab-${p}" class="tab ${p === page ? "active" : ""}" data-page="${p}">${s.tabs[p]}</button>`,
  ).join("");
  app.innerHTML = `<nav id="ws-tabs" class="tabs">${tabs}</nav><div id="ws-body"></div>`;
  document.querySelectorAll<HTMLButtonElement>("#ws-tabs button").forEach((b) =>
    b.addEventListener("click", () => void go({ page: b.dataset.page as Page } as WorkspaceView)),
  );
}

function draw(): void {
  const page = document.body.dataset.page as Page;
  switchPage(page);
  frame();
  if (page === "inbox") inbox.render();
  else if (page === "contact") contacts.render();
  else if (page === "history") history.render();
  else if (page === "statistics") statistics.render();
  else if (page === "wallboard") wallboard.render();
  else callbacks.render();
}

/** Shows a page (a contact's, with its id). */
async function go(view: WorkspaceView): Promise<void> {
  const page: Page = view.page;
  document.body.dataset.page = page;
  draw();
  if (view.page === "contact" && view.id > 0) await contacts.show(view.id);
  else if (page === "contact") contacts.search();
  if (page === "callbacks") await callbacks.refresh();
  if (page === "history") await history.refresh();
  if (page === "statistics") await statistics.show();
}

export async function startWorkspaceWindow(): Promise<() => void> {
  // Opened for a page (a ring's history button): that page from the first paint.
  const asked = await invoke("take_workspace_view").catch(() => null);
  document.body.dataset.page = asked?.page ?? "inbox";
  contacts.startContacts((id) => {
    document.body.dataset.page = "inbox";
    draw();
    void inbox.select(id);
  });
  await listen("workspace-view", (view) => {
    // Heard while open: taken, so the next time the window opens it starts on the inbox,
    // not on this page again.
    void invoke("take_workspace_view").catch(() => null);
    void go(view);
  });
  await listen("agent-event", (e: AgentEvent) => {
    if (e.event === "callbacksChanged" && document.body.dataset.page === "callbacks") void callbacks.refresh();
    if (e.event === "wallboard") wallboard.update({ serverNowMs: e.serverNowMs, waiting: e.waiting, managers: e.managers, today: e.today });
  });
  // A window closed on the wallboard stops its feed too (as far as a closing page can say so).
  window.addEventListener("pagehide", () => shown === "wallboard" && wallboard.leave());
  draw();
  await inbox.startInbox();
  if (asked) await go(asked);
  return draw;
}
