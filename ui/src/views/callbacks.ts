// The workspace's callbacks page: the manager's booked callbacks, open ones soonest first
// (overdue ones marked), each dialled with one click from its caller-ID and marked done or
// undone; the done ones listed after them on request.
import { errorText, t } from "../i18n";
import { esc, invoke } from "../tauri";
import type { Callback } from "../wire";

const state = {
  list: [] as Callback[],
  showDone: false,
  error: "",
};

const root = (): HTMLElement => document.getElementById("ws-body")!;

function when(iso: string): string {
  const lang = document.documentElement.lang === "en" ? "en-US" : "ko-KR";
  return new Date(iso).toLocaleString(lang, { month: "numeric", day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit" });
}

function row(c: Callback): string {
  const s = t().cb;
  const overdue = !c.doneAt && new Date(c.dueAt).getTime() < Date.now();
  return `<li class="callback ${c.doneAt ? "done" : ""} ${overdue ? "overdue" : ""}" data-id="${c.id}">
    <div class="when"><strong>${when(c.dueAt)}</strong>${overdue ? ` <span class="badge warn">${s.overdue}</span>` : ""}</div>
    <div class="who"><strong>${esc(c.customerName ?? c.customerNumber)}</strong>${c.customerName ? ` <small class="muted">${esc(c.customerNumber)}</small>` : ""}
      ${c.note ? `<p>${esc(c.note)}</p>` : ""}
      <small class="muted">${esc(s.from(c.callerId))} · ${esc(s.bookedBy(c.bookedBy.name))}</small></div>
    <div class="row actions">
      ${c.doneAt ? "" : `<button class="cb-dial answer" data-id="${c.id}">${s.dial}</button>`}
      <button class="cb-done secondary" data-id="${c.id}" data-done="${c.doneAt ? "false" : "true"}">${c.doneAt ? s.undo : s.done}</button>
    </div>
  </li>`;
}

/** Draws the page. */
export function render(): void {
  if (document.body.dataset.page !== "callbacks") return;
  const s = t().cb;
  root().innerHTML = `<section class="card callbacks">
      <div class="bar"><h2>${s.title}</h2>
        <label class="row"><input id="cb-show-done" type="checkbox" ${state.showDone ? "checked" : ""} /> ${s.showDone}</label></div>
      <p class="muted">${s.hint}</p>
      <ul id="callback-list" class="callback-list">${state.list.map(row).join("") || `<li class="muted">${s.none}</li>`}</ul>
    </section>
    ${state.error ? `<p id="cb-error" class="error">${esc(state.error)}</p>` : ""}`;
  bind();
}

/** Reads the manager's callbacks again and draws them. */
export async function refresh(): Promise<void> {
  try {
    state.list = await invoke("my_callbacks", { includeDone: state.showDone });
    state.error = "";
  } catch (e) {
    state.error = errorText(String(e));
  }
  render();
}

function bind(): void {
  document.getElementById("cb-show-done")?.addEventListener("change", (e) => {
    state.showDone = (e.target as HTMLInputElement).checked;
    void refresh();
  });
  document.querySelectorAll<HTMLButtonElement>("button.cb-dial").forEach((b) =>
    b.addEventListener("click", () => {
      const c = state.list.find((x) => x.id === Number(b.dataset.id));
      if (c) void invoke("dial", { number: c.customerNumber, callerId: c.callerId }).catch((e) => {
        state.error = errorText(String(e));
        render();
      });
    }),
  );
  document.querySelectorAll<HTMLButtonElement>("button.cb-done").forEach((b) =>
    b.addEventListener("click", () => {
      void invoke("set_callback_done", { id: Number(b.dataset.id), done: b.dataset.done === "true" })
        .then(refresh)
        .catch((e) => {
          state.error = errorText(String(e));
          render();
        });
    }),
  );
}
