// The workspace window: where the agent works between calls — the shared inbox, contacts and
// their pages, callbacks, call history. Tabs on top; each page draws into the body under them. Another
// window (a ring's history button, the main window) opens it on a page with `open_workspace`.
import { t } from "../i18n";
import { invoke, listen } from "../tauri";
import type { AgentEvent, WorkspaceView } from "../wire";
import * as callbacks from "./callbacks";
import * as contacts from "./contacts";
import * as history from "./history";
import * as inbox from "./inbox";

type Page = WorkspaceView["page"];
const PAGES: Page[] = ["inbox", "contact", "callbacks", "history"];

const app = document.getElementById("app")!;

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
  frame();
  const page = document.body.dataset.page as Page;
  if (page === "inbox") inbox.render();
  else if (page === "contact") contacts.render();
  else if (page === "history") history.render();
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
  await listen("workspace-view", (view) => void go(view));
  await listen("agent-event", (e: AgentEvent) => {
    if (e.event === "callbacksChanged" && document.body.dataset.page === "callbacks") void callbacks.refresh();
  });
  draw();
  await inbox.startInbox();
  if (asked) await go(asked);
  return draw;
}
