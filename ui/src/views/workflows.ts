// The workflow editor window (owners and admins): the channel's workflows; a workflow's steps
// with their prompts, buttons and where each leads, the figures of the published version on
// each step; save, publish with the problems listed; and the simulator — the saved draft walked
// on a pretend call (a time of day, a queue, the caller's keys), each prompt playable.
import { errorText, t } from "../i18n";
import { esc, invoke } from "../tauri";
import { badPeriod, bindHours, emptyHours, hoursFields } from "./hours_editor";
import { bindSetup, loadSetup, setupView } from "./routing_setup";
import type {
  BranchArm, CallTargets, OperatingHours, PromptInfo, PromptSource, SimulatedAction, SimulationEvent, SimulationResult, StepAnalytics,
  WorkflowAction, WorkflowCondition, WorkflowDetail, WorkflowStep, WorkflowSummary, WorkflowTrigger,
} from "../wire";

type Kind = WorkflowAction["kind"];

const state = {
  list: [] as WorkflowSummary[],
  detail: null as WorkflowDetail | null,
  /** The draft as edited; saved with "save". */
  steps: [] as WorkflowStep[],
  first: 1,
  inputTimeout: 10,
  trigger: { kind: "customerCalled" } as WorkflowTrigger,
  /** The workflow runs for calls meeting all of these. */
  filters: [] as WorkflowCondition[],
  /** It runs only within these hours (none: always). */
  active: null as OperatingHours | null,
  dirty: false,
  figures: [] as StepAnalytics[],
  prompts: [] as PromptInfo[],
  targets: { teammates: [], teams: [] } as CallTargets,
  notice: "",
  error: "",
  /** A prompt being recorded from the microphone. */
  recording: false,
  /** The name typed for the next upload or recording (kept across renders). */
  promptName: "",
  /** The workflows, or the numbers, hours and queues. */
  tab: "workflows" as "workflows" | "setup",
  sim: {
    at: "",
    waiting: 0,
    nobodyAvailable: false,
    actions: [] as SimulatedAction[],
    result: null as SimulationResult | null,
  },
};

const app = document.getElementById("app")!;

/** A fresh action of a kind, with what it needs filled sensibly. */
function newAction(kind: Kind): WorkflowAction {
  const say: PromptSource = { kind: "speech", language: "ko", text: "" };
  switch (kind) {
    case "menu": return { kind, prompt: say, buttons: [] };
    case "message": return { kind, prompt: say, next: null };
    case "inputForm": return { kind, prompt: say, label: "", digits: 6, next: null };
    case "voicemail": return { kind, prompt: say, maxSeconds: 120 };
    case "assign": return { kind, teamId: state.targets.teams[0]?.id ?? null, managerId: null };
    case "sendSms": return { kind, text: "", next: null };
    case "tag": return { kind, tag: "", next: null };
    case "callback": return { kind, next: null };
    case "branch": return { kind, arms: [], otherwise: null };
    default: return { kind: "endCall" };
  }
}

const KINDS: Kind[] = ["menu", "message", "inputForm", "voicemail", "assign", "sendSms", "tag", "callback", "branch", "endCall"];

function stepOptions(selected: number | null, allowNone: boolean): string {
  const s = t().wf;
  const none = allowNone ? `<option value="" ${selected === null ? "selected" : ""}>${s.endHere}</option>` : "";
  return none + state.steps.map((st) => `<option value="${st.id}" ${st.id === selected ? "selected" : ""}>#${st.id} ${esc(st.name)}</option>`).join("");
}

function promptEditor(step: WorkflowStep, prompt: PromptSource): string {
  const s = t().wf;
  const speech = prompt.kind === "speech";
  const recordings = state.prompts
    .map((p) => `<option value="${p.id}" ${!speech && prompt.promptId === p.id ? "selected" : ""}>${esc(p.name)} (${(p.durationMs / 1000).toFixed(1)}s)</option>`)
    .join("");
  const body = speech
    ? `<select class="f-lang" data-step="${step.id}"><option value="ko" ${prompt.language === "ko" ? "selected" : ""}>한국어</option><option value="en" ${prompt.language === "en" ? "selected" : ""}>English</option></select>
       <textarea class="f-text" data-step="${step.id}" rows="2">${esc(prompt.text)}</textarea>
       ${prompt.language === "ko" ? `<small class="muted">${s.koreanSpeechHint}</small>` : ""}`
    : `<select class="f-recording" data-step="${step.id}">${recordings}</select>`;
  return `<div class="prompt">
      <select class="f-source" data-step="${step.id}">
        <option value="speech" ${speech ? "selected" : ""}>${s.speech}</option>
        <option value="recording" ${speech ? "" : "selected"} ${state.prompts.length ? "" : "disabled"}>${s.recording}</option>
      </select>
      ${body}
      <button class="play secondary" data-step="${step.id}" title="${s.listen}">▶ ${s.listen}</button>
    </div>`;
}

function nextField(step: WorkflowStep, next: number | null): string {
  return `<label>${t().wf.next} <select class="f-next" data-step="${step.id}">${stepOptions(next, true)}</select></label>`;
}

function actionEditor(step: WorkflowStep): string {
  const s = t().wf;
  const a = step.action;
  switch (a.kind) {
    case "menu": {
      const buttons = a.buttons
        .map((b, i) => `<li><span class="key">${b.key}</span> → <select class="f-button" data-step="${step.id}" data-index="${i}">${stepOptions(b.next, false)}</select>
            <button class="f-remove-button link" data-step="${step.id}" data-index="${i}">${s.remove}</button></li>`)
        .join("");
      const used = new Set(a.buttons.map((b) => b.key));
      const free = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0].filter((k) => !used.has(k));
      return `${promptEditor(step, a.prompt)}
        <ul class="buttons">${buttons}</ul>
        ${free.length ? `<button class="f-add-button secondary" data-step="${step.id}" data-key="${free[0]}">${s.addButton(free[0])}</button>` : ""}`;
    }
    case "message":
      return promptEditor(step, a.prompt) + nextField(step, a.next);
    case "inputForm":
      return `${promptEditor(step, a.prompt)}
        <label>${s.label} <input class="f-label" data-step="${step.id}" value="${esc(a.label)}" /></label>
        <label>${s.digits} <input class="f-digits" data-step="${step.id}" type="number" min="1" max="20" value="${a.digits}" /></label>
        ${nextField(step, a.next)}`;
    case "voicemail":
      return `${promptEditor(step, a.prompt)}
        <label>${s.maxSeconds} <input class="f-max" data-step="${step.id}" type="number" min="5" max="300" value="${a.maxSeconds}" /></label>`;
    case "assign": {
      const teams = state.targets.teams.map((tm) => `<option value="team:${tm.id}" ${a.teamId === tm.id ? "selected" : ""}>${s.team}: ${esc(tm.name)}</option>`);
      const people = state.targets.teammates.map((m) => `<option value="manager:${m.id}" ${a.managerId === m.id ? "selected" : ""}>${s.manager}: ${esc(m.name)}</option>`);
      return `<label>${s.assignTo} <select class="f-assign" data-step="${step.id}">${teams.join("")}${people.join("")}</select></label>`;
    }
    case "sendSms":
      return `<textarea class="f-sms" data-step="${step.id}" rows="2">${esc(a.text)}</textarea>${nextField(step, a.next)}`;
    case "tag":
      return `<label>${s.tag} <input class="f-tag" data-step="${step.id}" value="${esc(a.tag)}" /></label>${nextField(step, a.next)}`;
    case "callback":
      return nextField(step, a.next);
    case "branch": {
      const arms = a.arms.map((arm, i) => armEditor(step, arm, i)).join("");
      return `<ul class="arms">${arms}</ul>
        <button class="arm-add link" data-step="${step.id}">${s.addArm}</button>
        <label>${s.otherwise} <select class="f-otherwise" data-step="${step.id}">${stepOptions(a.otherwise, true)}</select></label>`;
    }
    default:
      return "";
  }
}

/** The kinds a condition can be (each may be negated). */
const CONDITION_KINDS = ["operatingHours", "knownContact", "fieldEquals", "callerPrefix", "numberIs"] as const;
type ConditionKind = (typeof CONDITION_KINDS)[number];

/** A fresh condition of a kind, with what it needs filled sensibly. */
function newCondition(kind: ConditionKind): WorkflowCondition {
  switch (kind) {
    case "operatingHours": return { kind };
    case "knownContact": return { kind, known: true };
    case "fieldEquals": return { kind, key: "", value: "" };
    case "callerPrefix": return { kind, prefix: "+8210" };
    case "numberIs": return { kind, number: "" };
  }
}

/** One condition's editor: negation, kind and its values. `list` is a branch arm's index in
 * `step`, or "filters" for the workflow's own filters. */
function conditionEditor(step: WorkflowStep | null, list: number | "filters", index: number, c: WorkflowCondition): string {
  const s = t().wf;
  const negated = c.kind === "not";
  const base = c.kind === "not" ? c.condition : c;
  const at = `data-step="${step?.id ?? ""}" data-arm="${list}" data-cond="${index}"`;
  const kinds = CONDITION_KINDS.map((k) => `<option value="${k}" ${base.kind === k ? "selected" : ""}>${s.condition(k)}</option>`).join("");
  let values = "";
  switch (base.kind) {
    case "knownContact":
      values = `<select class="c-known" ${at}><option value="yes" ${base.known ? "selected" : ""}>${s.yes}</option><option value="no" ${base.known ? "" : "selected"}>${s.no}</option></select>`;
      break;
    case "fieldEquals":
      values = `<input class="c-key" ${at} placeholder="${s.fieldKey}" value="${esc(base.key)}" size="8" /> = <input class="c-value" ${at} placeholder="${s.fieldValue}" value="${esc(base.value)}" size="8" />`;
      break;
    case "callerPrefix":
      values = `<input class="c-prefix" ${at} value="${esc(base.prefix)}" size="10" />`;
      break;
    case "numberIs":
      values = `<input class="c-number" ${at} value="${esc(base.number)}" placeholder="+8270…" size="14" />`;
      break;
  }
  return `<li class="row">
      <label class="row"><input type="checkbox" class="c-not" ${at} ${negated ? "checked" : ""} />${s.condition("not")}</label>
      <select class="c-kind" ${at}>${kinds}</select>${values}
      <button class="c-remove link" ${at}>${s.remove}</button>
    </li>`;
}

/** A branch arm's editor: its conditions (all must hold) and where it leads. */
function armEditor(step: WorkflowStep, arm: BranchArm, i: number): string {
  const s = t().wf;
  const at = `data-step="${step.id}" data-arm="${i}"`;
  return `<li class="arm">
      <ul class="conds">${arm.when.map((c, j) => conditionEditor(step, i, j, c)).join("")}</ul>
      <div class="row">
        <button class="c-add link" ${at}>${s.addCondition}</button>
        → <select class="arm-next" ${at}>${stepOptions(arm.next, false)}</select>
        <button class="arm-remove link" ${at}>${s.remove}</button>
      </div>
    </li>`;
}

/** The branch arm an element of its editor belongs to. */
function armOf(el: HTMLElement): BranchArm {
  const a = findStep(el).action;
  return (a as Extract<WorkflowAction, { kind: "branch" }>).arms[Number(el.dataset.arm)];
}

/** The condition list an element edits: a branch arm's, or the workflow's filters. */
function conditionsOf(el: HTMLElement): WorkflowCondition[] {
  return el.dataset.arm === "filters" ? state.filters : armOf(el).when;
}

/** Replaces the condition an element edits, keeping its negation. */
function setCondition(el: HTMLElement, edit: (base: WorkflowCondition) => WorkflowCondition): void {
  const list = conditionsOf(el);
  const i = Number(el.dataset.cond);
  const c = list[i];
  list[i] = c.kind === "not" ? { kind: "not", condition: edit(c.condition) } : edit(c);
}

function bindBranches(): void {
  on(".arm-add", "click", (el) => {
    const a = findStep(el).action;
    if (a.kind === "branch") a.arms.push({ when: [{ kind: "operatingHours" }], next: state.steps[0].id });
    edited();
  });
  on(".arm-remove", "click", (el) => {
    const a = findStep(el).action;
    if (a.kind === "branch") a.arms.splice(Number(el.dataset.arm), 1);
    edited();
  });
  on(".arm-next", "change", (el) => { armOf(el).next = Number((el as HTMLSelectElement).value); edited(); });
  on(".c-add", "click", (el) => { conditionsOf(el).push({ kind: "operatingHours" }); edited(); });
  on(".c-remove", "click", (el) => { conditionsOf(el).splice(Number(el.dataset.cond), 1); edited(); });
  on(".c-not", "change", (el) => {
    const list = conditionsOf(el);
    const i = Number(el.dataset.cond);
    const c = list[i];
    list[i] = c.kind === "not" ? c.condition : { kind: "not", condition: c };
    edited();
  });
  on("#wf-trigger", "change", (el) => {
    const waiting = (el as HTMLSelectElement).value === "waitingInQueue";
    state.trigger = waiting ? { kind: "waitingInQueue", afterSeconds: 30 } : { kind: "customerCalled" };
    edited();
  });
  on("#wf-after", "change", (el) => {
    if (state.trigger.kind === "waitingInQueue") state.trigger.afterSeconds = Number((el as HTMLInputElement).value);
    edited();
  });
  on(".c-kind", "change", (el) => { setCondition(el, () => newCondition((el as HTMLSelectElement).value as ConditionKind)); edited(); });
  const value = (el: HTMLElement) => (el as HTMLInputElement).value;
  on(".c-known", "change", (el) => { setCondition(el, () => ({ kind: "knownContact", known: value(el) === "yes" })); edited(); });
  on(".c-key", "input", (el) => { setCondition(el, (c) => (c.kind === "fieldEquals" ? { ...c, key: value(el) } : c)); edited(false); });
  on(".c-value", "input", (el) => { setCondition(el, (c) => (c.kind === "fieldEquals" ? { ...c, value: value(el) } : c)); edited(false); });
  on(".c-prefix", "input", (el) => { setCondition(el, () => ({ kind: "callerPrefix", prefix: value(el) })); edited(false); });
  on(".c-number", "input", (el) => { setCondition(el, () => ({ kind: "numberIs", number: value(el) })); edited(false); });
}

function figuresOf(stepId: number): string {
  // A live workflow shows each step's figures, nobody yet included.
  if (!state.detail?.publishedVersion) return "";
  const f = state.figures.find((x) => x.stepId === stepId) ?? { stepId, entered: 0, dropped: 0, keys: [] };
  const keys = f.keys.map((k) => `${esc(k.key)}:${k.count}`).join(" ");
  return `<span class="figures" data-step="${stepId}">${t().wf.figures(f.entered, f.dropped)}${keys ? ` · ${keys}` : ""}</span>`;
}

function stepCard(step: WorkflowStep): string {
  const s = t().wf;
  const problems = (state.detail?.problems ?? []).filter((p) => p.stepId === step.id);
  const first = step.id === state.first ? `<span class="badge">${s.firstStep}</span>` : "";
  return `<li class="step ${problems.length ? "has-problem" : ""}" data-step="${step.id}">
      <header><span class="muted">#${step.id}</span>
        <input class="f-name" data-step="${step.id}" value="${esc(step.name)}" />
        <span class="kind">${s.kind[step.action.kind]}</span> ${first} ${figuresOf(step.id)}
        <button class="f-delete link" data-step="${step.id}">${s.remove}</button>
      </header>
      ${actionEditor(step)}
      ${problems.map((p) => `<p class="error">${esc(s.problem(p.code, p.stepId))}</p>`).join("")}
    </li>`;
}

function simLine(e: SimulationEvent): string {
  const s = t().wf;
  switch (e.kind) {
    case "entered": return s.simEntered(e.stepId, e.name);
    case "played": return e.prompt.kind === "speech" ? s.simPlayedText(e.prompt.text, e.durationMs) : s.simPlayedRecording(e.durationMs);
    case "pressed": return s.simPressed(e.key);
    case "typed": return s.simTyped(e.label, e.value);
    case "tagged": return s.simTagged(e.tag);
    case "texted": return s.simTexted(e.text);
    case "recordsVoicemail": return s.simRecords;
    case "voicemailKept": return s.simVoicemailKept;
    case "keepsPlaceForCallback": return s.simCallback;
    case "queued": return s.simQueued(e.position);
    case "turnedAway": return s.simTurnedAway(e.missedReason);
    case "backToQueue": return s.simBackToQueue;
    case "ended": return s.simEnded(e.missedReason);
    case "hungUp": return s.simHungUp;
  }
}

function simulatorView(): string {
  const s = t().wf;
  const r = state.sim.result;
  const lines = r
    ? r.lines
        .map((l, i) => {
          const play = l.event.kind === "played" ? ` <button class="sim-play link" data-line="${i}">▶</button>` : "";
          return `<li><span class="muted">${(l.atMs / 1000).toFixed(1)}s</span> ${esc(simLine(l.event))}${play}</li>`;
        })
        .join("")
    : "";
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"]
    .map((k) => `<button class="sim-key secondary" data-key="${k}" id="sim-key-${k === "*" ? "star" : k === "#" ? "hash" : k}">${k}</button>`)
    .join("");
  const end = r ? `<p id="sim-end" class="muted">${r.end === "done" ? s.simDone : s.simWaiting}</p>` : "";
  return `<section class="card simulator">
      <h3>${s.simulator}</h3>
      <label>${s.simAt} <input id="sim-at" type="datetime-local" value="${esc(state.sim.at)}" /></label>
      <label>${s.simWaitingCallers} <input id="sim-waiting" type="number" min="0" max="500" value="${state.sim.waiting}" /></label>
      <label class="row"><input id="sim-nobody" type="checkbox" ${state.sim.nobodyAvailable ? "checked" : ""} /> ${s.simNobody}</label>
      <div class="row"><button id="sim-start">${s.simStart}</button><button id="sim-silence" class="secondary">${s.simSilence}</button><button id="sim-hang-up" class="secondary">${s.simHangUp}</button></div>
      <div class="keypad">${keys}</div>
      <ol id="sim-lines">${lines}</ol>
      ${end}
    </section>`;
}

/** The channel's recorded prompts: play one, upload a WAV, or record one now. */
function promptsView(): string {
  const s = t().wf;
  const items = state.prompts
    .map((p) => `<li>${esc(p.name)} <small class="muted">${(p.durationMs / 1000).toFixed(1)}s</small> <button class="prompt-play link" data-id="${p.id}" aria-label="${s.listen}">▶</button></li>`)
    .join("");
  const record = state.recording
    ? `<button id="rec-stop">${s.recordSave}</button><button id="rec-cancel" class="secondary">${s.recordCancel}</button><span id="rec-live" class="error">● ${s.recordingNow}</span>`
    : `<button id="rec-start" class="secondary">● ${s.recordStart}</button>`;
  return `<section class="card prompts">
      <h3>${s.recordings}</h3>
      <ul id="prompt-list">${items || `<li class="muted">${s.noRecordings}</li>`}</ul>
      <input id="prompt-name" placeholder="${s.promptName}" value="${esc(state.promptName)}" />
      <div class="row">
        <label class="button secondary" for="prompt-file">${s.uploadWav}</label>
        <input id="prompt-file" type="file" accept=".wav,audio/wav,audio/x-wav" hidden />
        ${record}
      </div>
      <small class="muted">${s.recordingHint}</small>
    </section>`;
}

function editorView(): string {
  const s = t().wf;
  const d = state.detail!;
  const kinds = KINDS.map((k) => `<option value="${k}">${s.kind[k]}</option>`).join("");
  const published = d.publishedVersion ? s.publishedVersion(d.publishedVersion) : s.notPublished;
  const problems = d.problems.length
    ? `<ul id="problems" class="error">${d.problems.map((p) => `<li>${esc(s.problem(p.code, p.stepId))}</li>`).join("")}</ul>`
    : `<p id="problems" class="muted">${s.noProblems}</p>`;
  return `<section class="editor">
      <header class="bar">
        <input id="wf-name" value="${esc(d.name)}" />
        <span id="wf-published" class="muted">${published}</span>
        <button id="wf-save" ${state.dirty ? "" : "class=\"secondary\""}>${s.save}</button>
        <button id="wf-publish">${s.publish}</button>
      </header>
      <p class="row">
        <label>${s.trigger} <select id="wf-trigger">
          <option value="customerCalled" ${state.trigger.kind === "customerCalled" ? "selected" : ""}>${s.triggerCalled}</option>
          <option value="waitingInQueue" ${state.trigger.kind === "waitingInQueue" ? "selected" : ""}>${s.triggerWaiting}</option>
        </select></label>
        ${state.trigger.kind === "waitingInQueue" ? `<label>${s.afterSeconds} <input id="wf-after" type="number" min="1" max="3600" value="${state.trigger.afterSeconds}" /></label>` : ""}
      </p>
      <div class="filters">
        <span class="muted">${s.filters}</span>
        <ul class="conds">${state.filters.map((c, i) => conditionEditor(null, "filters", i, c)).join("")}</ul>
        <button class="c-add link" data-arm="filters">${s.addCondition}</button>
      </div>
      <div class="active-hours">
        <label class="row"><input id="wf-active-on" type="checkbox" ${state.active ? "checked" : ""} /> ${s.activeHours}</label>
        ${state.active ? hoursFields("wf-active", state.active) : ""}
      </div>
      <p class="row">
        <label>${s.firstStep} <select id="wf-first">${stepOptions(state.first, false)}</select></label>
        <label>${s.inputTimeout} <input id="wf-timeout" type="number" min="1" max="120" value="${state.inputTimeout}" /></label>
      </p>
      ${problems}
      <ol id="steps">${state.steps.map(stepCard).join("")}</ol>
      <p class="row"><select id="new-kind">${kinds}</select><button id="add-step" class="secondary">${s.addStep}</button></p>
    </section>`;
}

function render(): void {
  const s = t().wf;
  document.title = s.title;
  const list = state.list
    .map((w) => `<li><button class="wf-open link ${state.detail?.id === w.id ? "current" : ""}" data-id="${w.id}">${esc(w.name)}</button>
        <small class="muted">${w.publishedVersion ? `v${w.publishedVersion}` : s.draftOnly} ${esc(w.numbers.join(", "))}</small></li>`)
    .join("");
  const tabs = `<div class="tabs row">
      <button id="tab-workflows" class="${state.tab === "workflows" ? "" : "secondary"}">${s.workflows}</button>
      <button id="tab-setup" class="${state.tab === "setup" ? "" : "secondary"}">${t().setup.tab}</button>
    </div>`;
  const body = state.tab === "setup"
    ? setupView(state.list)
    : `<div class="workflows">
      <nav><section class="card"><h3>${s.workflows}</h3><ul id="wf-list">${list}</ul></section>${promptsView()}</nav>
      ${state.detail ? editorView() + simulatorView() : `<p class="muted">${s.pick}</p>`}
    </div>`;
  app.innerHTML = `${tabs}${body}
    <p id="wf-notice" class="${state.error ? "error" : "muted"}">${esc(state.error || state.notice)}</p>`;
  bind();
}

function findStep(el: HTMLElement): WorkflowStep {
  return state.steps.find((st) => st.id === Number(el.dataset.step))!;
}

function promptOf(a: WorkflowAction): PromptSource | null {
  return "prompt" in a ? a.prompt : null;
}

function setPrompt(step: WorkflowStep, p: PromptSource): void {
  if ("prompt" in step.action) step.action.prompt = p;
}

function setNext(step: WorkflowStep, next: number | null): void {
  if ("next" in step.action) step.action.next = next;
}

/** An edit to the draft: mark it unsaved and show it. */
function edited(full = true): void {
  state.dirty = true;
  state.notice = t().wf.unsaved;
  if (full) return render();
  // While typing, only what says "unsaved" changes: a render would lose the caret.
  document.getElementById("wf-save")?.classList.remove("secondary");
  const notice = document.getElementById("wf-notice");
  if (notice) {
    notice.textContent = state.notice;
    notice.className = "muted";
  }
}

function on(selector: string, event: string, act: (el: HTMLElement) => void): void {
  document.querySelectorAll<HTMLElement>(selector).forEach((el) => el.addEventListener(event, () => act(el)));
}

/** The name typed for a new prompt, else `fallback`. */
function promptName(fallback: string): string {
  return state.promptName.trim() || fallback;
}

/** The most a prompt file may weigh: what the cloud takes. */
const MAX_PROMPT_BYTES = 20 * 1024 * 1024;

/** A prompt was added: list it and say so. */
async function promptAdded(p: PromptInfo): Promise<void> {
  state.prompts = await invoke("workflow_prompts");
  state.promptName = "";
  state.error = "";
  state.notice = t().wf.promptAdded(p.name);
  render();
}

async function uploadFile(file: File): Promise<void> {
  if (file.size > MAX_PROMPT_BYTES) {
    state.error = errorText("tooLarge");
    return render();
  }
  try {
    const wav = Array.from(new Uint8Array(await file.arrayBuffer()));
    await promptAdded(await invoke("upload_prompt", { name: promptName(file.name.replace(/\.[^.]*$/, "")), wav }));
  } catch (e) {
    shown(e);
  }
}

async function recordControl(action: "start" | "save" | "cancel"): Promise<void> {
  try {
    if (action === "start") {
      await invoke("start_prompt_recording");
      state.recording = true;
      state.error = "";
      state.notice = "";
      return render();
    }
    if (action === "cancel") {
      await invoke("cancel_prompt_recording");
      state.recording = false;
      return render();
    }
    const stamp = new Date().toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    const name = promptName(t().wf.recordedName(stamp));
    // Once this settles the shell has stopped the recorder, whether the upload went or not.
    const added = invoke("finish_prompt_recording", { name });
    await added.finally(() => (state.recording = false));
    await promptAdded(await added);
  } catch (e) {
    shown(e);
  }
}

async function showTab(tab: "workflows" | "setup"): Promise<void> {
  state.tab = tab;
  if (tab === "setup") {
    try {
      await loadSetup();
    } catch (e) {
      state.tab = "workflows";
      return shown(e);
    }
  }
  render();
}

function bind(): void {
  on("#tab-workflows", "click", () => void showTab("workflows"));
  on("#tab-setup", "click", () => void showTab("setup"));
  if (state.tab === "setup") {
    bindSetup(
      (notice, error) => {
        state.notice = notice;
        state.error = error ?? "";
        render();
      },
      async () => {
        state.list = await invoke("workflows");
      },
    );
    return;
  }
  on(".wf-open", "click", (el) => void open(Number(el.dataset.id)));
  bindBranches();
  on("#wf-active-on", "change", (el) => {
    state.active = (el as HTMLInputElement).checked ? emptyHours() : null;
    edited();
  });
  bindHours("wf-active", () => state.active!, () => render(), () => edited(false));
  on(".prompt-play", "click", (el) => void play({ kind: "recording", promptId: Number(el.dataset.id) }));
  on("#prompt-file", "change", (el) => {
    const file = (el as HTMLInputElement).files?.[0];
    if (file) void uploadFile(file);
  });
  on("#prompt-name", "input", (el) => { state.promptName = (el as HTMLInputElement).value; });
  on("#rec-start", "click", () => void recordControl("start"));
  on("#rec-stop", "click", () => void recordControl("save"));
  on("#rec-cancel", "click", () => void recordControl("cancel"));
  on(".f-name", "input", (el) => { findStep(el).name = (el as HTMLInputElement).value; edited(false); });
  on(".f-text", "input", (el) => {
    const p = promptOf(findStep(el).action);
    if (p?.kind === "speech") p.text = (el as HTMLTextAreaElement).value;
    edited(false);
  });
  on(".f-lang", "change", (el) => {
    const p = promptOf(findStep(el).action);
    if (p?.kind === "speech") p.language = (el as HTMLSelectElement).value as "ko" | "en";
    edited();
  });
  on(".f-source", "change", (el) => {
    const step = findStep(el);
    const speech = (el as HTMLSelectElement).value === "speech";
    setPrompt(step, speech ? { kind: "speech", language: "ko", text: "" } : { kind: "recording", promptId: state.prompts[0].id });
    edited();
  });
  on(".f-recording", "change", (el) => { setPrompt(findStep(el), { kind: "recording", promptId: Number((el as HTMLSelectElement).value) }); edited(); });
  on(".f-next", "change", (el) => { const v = (el as HTMLSelectElement).value; setNext(findStep(el), v ? Number(v) : null); edited(); });
  on(".f-otherwise", "change", (el) => {
    const a = findStep(el).action;
    const v = (el as HTMLSelectElement).value;
    if (a.kind === "branch") a.otherwise = v ? Number(v) : null;
    edited();
  });
  on(".f-button", "change", (el) => {
    const a = findStep(el).action;
    if (a.kind === "menu") a.buttons[Number(el.dataset.index)].next = Number((el as HTMLSelectElement).value);
    edited();
  });
  on(".f-add-button", "click", (el) => {
    const a = findStep(el).action;
    if (a.kind === "menu") a.buttons.push({ key: Number(el.dataset.key), next: state.steps[0].id });
    edited();
  });
  on(".f-remove-button", "click", (el) => {
    const a = findStep(el).action;
    if (a.kind === "menu") a.buttons.splice(Number(el.dataset.index), 1);
    edited();
  });
  on(".f-label", "input", (el) => { const a = findStep(el).action; if (a.kind === "inputForm") a.label = (el as HTMLInputElement).value; edited(false); });
  on(".f-digits", "input", (el) => { const a = findStep(el).action; if (a.kind === "inputForm") a.digits = Number((el as HTMLInputElement).value); edited(false); });
  on(".f-max", "input", (el) => { const a = findStep(el).action; if (a.kind === "voicemail") a.maxSeconds = Number((el as HTMLInputElement).value); edited(false); });
  on(".f-sms", "input", (el) => { const a = findStep(el).action; if (a.kind === "sendSms") a.text = (el as HTMLTextAreaElement).value; edited(false); });
  on(".f-tag", "input", (el) => { const a = findStep(el).action; if (a.kind === "tag") a.tag = (el as HTMLInputElement).value; edited(false); });
  on(".f-assign", "change", (el) => {
    const a = findStep(el).action;
    const [what, id] = (el as HTMLSelectElement).value.split(":");
    if (a.kind === "assign") {
      a.teamId = what === "team" ? Number(id) : null;
      a.managerId = what === "manager" ? Number(id) : null;
    }
    edited();
  });
  on(".f-delete", "click", (el) => {
    const id = Number(el.dataset.step);
    state.steps = state.steps.filter((st) => st.id !== id);
    edited();
  });
  on(".play", "click", (el) => {
    const p = promptOf(findStep(el).action);
    if (p) void play(p);
  });
  document.getElementById("wf-name")?.addEventListener("input", () => edited(false));
  document.getElementById("wf-first")?.addEventListener("change", (e) => { state.first = Number((e.target as HTMLSelectElement).value); edited(); });
  document.getElementById("wf-timeout")?.addEventListener("input", (e) => { state.inputTimeout = Number((e.target as HTMLInputElement).value); edited(false); });
  document.getElementById("add-step")?.addEventListener("click", () => {
    const kind = (document.getElementById("new-kind") as HTMLSelectElement).value as Kind;
    const id = Math.max(0, ...state.steps.map((st) => st.id)) + 1;
    state.steps.push({ id, name: `${t().wf.kind[kind]} ${id}`, action: newAction(kind) });
    edited();
  });
  document.getElementById("wf-save")?.addEventListener("click", () => void save());
  document.getElementById("wf-publish")?.addEventListener("click", () => void publish());
  // The simulator.
  document.getElementById("sim-at")?.addEventListener("change", (e) => { state.sim.at = (e.target as HTMLInputElement).value; });
  document.getElementById("sim-waiting")?.addEventListener("change", (e) => { state.sim.waiting = Number((e.target as HTMLInputElement).value); });
  document.getElementById("sim-nobody")?.addEventListener("change", (e) => { state.sim.nobodyAvailable = (e.target as HTMLInputElement).checked; });
  document.getElementById("sim-start")?.addEventListener("click", () => { state.sim.actions = []; void simulate(); });
  document.getElementById("sim-silence")?.addEventListener("click", () => act({ kind: "silence" }));
  document.getElementById("sim-hang-up")?.addEventListener("click", () => act({ kind: "hangUp" }));
  on(".sim-key", "click", (el) => act({ kind: "press", key: el.dataset.key! }));
  on(".sim-play", "click", (el) => {
    const e = state.sim.result?.lines[Number(el.dataset.line)]?.event;
    if (e?.kind === "played") void play(e.prompt);
  });
}

function act(action: SimulatedAction): void {
  state.sim.actions.push(action);
  void simulate();
}

function shown(e: unknown): void {
  state.error = errorText(String(e));
  render();
}

async function play(prompt: PromptSource): Promise<void> {
  try {
    await invoke("play_prompt", { prompt });
    state.error = "";
    state.notice = t().wf.played;
    render();
  } catch (e) {
    shown(e);
  }
}

function loaded(d: WorkflowDetail): void {
  state.detail = d;
  state.steps = structuredClone(d.draft.steps);
  state.first = d.draft.first;
  state.inputTimeout = d.draft.inputTimeoutSeconds;
  state.trigger = structuredClone(d.draft.trigger);
  state.filters = structuredClone(d.draft.filters);
  state.active = structuredClone(d.draft.active ?? null);
  state.dirty = false;
}

async function open(id: number): Promise<void> {
  try {
    loaded(await invoke("workflow_detail", { id }));
    state.figures = await invoke("workflow_analytics", { id });
    state.sim.result = null;
    state.sim.actions = [];
    state.error = "";
    state.notice = "";
  } catch (e) {
    state.error = errorText(String(e));
  }
  render();
}

/** Saves the draft as edited; its problems come back. */
async function save(): Promise<boolean> {
  const d = state.detail!;
  const name = (document.getElementById("wf-name") as HTMLInputElement).value;
  const bad = state.active ? badPeriod(state.active) : null;
  if (bad) {
    state.error = t().setup.badTime(bad);
    render();
    return false;
  }
  const draft = {
    ...d.draft,
    steps: state.steps,
    first: state.first,
    inputTimeoutSeconds: state.inputTimeout,
    trigger: state.trigger,
    filters: state.filters,
    active: state.active,
  };
  try {
    loaded(await invoke("save_workflow_draft", { id: d.id, save: { name, draft } }));
    state.list = await invoke("workflows");
    state.error = "";
    state.notice = t().wf.saved;
    render();
    return true;
  } catch (e) {
    shown(e);
    return false;
  }
}

async function publish(): Promise<void> {
  if (state.dirty && !(await save())) return;
  const d = state.detail!;
  try {
    const { version } = await invoke("publish_workflow", { id: d.id });
    loaded(await invoke("workflow_detail", { id: d.id }));
    state.list = await invoke("workflows");
    state.error = "";
    state.notice = t().wf.published(version);
  } catch (e) {
    // Refused: the saved draft's problems say why.
    loaded(await invoke("workflow_detail", { id: d.id }));
    state.error = errorText(String(e));
  }
  render();
}

/** Runs the simulator on the saved draft (saving first what was edited). */
async function simulate(): Promise<void> {
  if (state.dirty && !(await save())) return;
  const d = state.detail!;
  try {
    state.sim.result = await invoke("simulate_workflow", {
      id: d.id,
      request: {
        at: state.sim.at ? state.sim.at.slice(0, 16) : null,
        caller: null,
        actions: state.sim.actions,
        queue: { waiting: state.sim.waiting, nobodyAvailable: state.sim.nobodyAvailable },
      },
    });
    state.error = "";
  } catch (e) {
    state.error = errorText(String(e));
  }
  render();
}

export async function startWorkflowsWindow(): Promise<() => void> {
  try {
    [state.list, state.prompts, state.targets] = await Promise.all([invoke("workflows"), invoke("workflow_prompts"), invoke("call_targets")]);
  } catch (e) {
    state.error = errorText(String(e));
  }
  render();
  return render;
}
