// Entry of every window: the URL fragment says which view this webview shows.
import "./style.css";
import { setLanguage } from "./i18n";
import { invoke, listen } from "./tauri";
import { startMainWindow } from "./views/main";
import { startCallWindow } from "./views/call";
import { startDialpadWindow } from "./views/dialpad";
import { startWorkflowsWindow } from "./views/workflows";
import { startWorkspaceWindow } from "./views/workspace";

async function main(): Promise<void> {
  setLanguage(await invoke("language"));
  const rerender: Array<() => void> = [];
  await listen("settings-changed", () => {
    void invoke("language").then((l) => {
      setLanguage(l);
      rerender.forEach((r) => r());
    });
  });
  const view = window.location.hash;
  document.body.dataset.view = view.slice(1) || "main";
  if (view === "#call") rerender.push(await startCallWindow());
  else if (view === "#dialpad") rerender.push(await startDialpadWindow());
  else if (view === "#workflows") rerender.push(await startWorkflowsWindow());
  else if (view === "#inbox") rerender.push(await startWorkspaceWindow());
  else rerender.push(await startMainWindow());
}

void main();
