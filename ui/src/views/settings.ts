// The settings panel of the main window: language, devices (with an input level meter and a
// test tone), start muted, missed-call notifications, and rebindable global hotkeys with the
// reason a binding could not be registered.
import { errorText, t } from "../i18n";
import { esc, invoke, listen } from "../tauri";
import type { AudioDeviceList, DesktopSettings, HotkeyBinding, NetworkIssue, NetworkTestResult } from "../wire";

export interface SettingsPanel {
  html(): string;
  bind(): void;
  open(): Promise<void>;
  close(): void;
  /** Runs the network test and shows its result in the panel. */
  testNetwork(): Promise<void>;
}

/** What the network test shows: not run, running, its result, or why it could not run. */
type NetworkTest = { at: "idle" } | { at: "running" } | { at: "done"; result: NetworkTestResult } | { at: "failed"; error: string };

function issueText(issue: NetworkIssue): string {
  const s = t().net;
  const severity = "severe" in issue && issue.severe ? s.severe : "";
  return `${s.issues[issue.kind]}${severity}`;
}

function networkTestHtml(test: NetworkTest): string {
  const s = t().net;
  let body = `<p class="muted">${s.hint}</p>`;
  if (test.at === "running") body = `<p class="muted">${s.running}</p>`;
  if (test.at === "failed") body = `<p class="error">${esc(test.error)}</p>`;
  if (test.at === "done") {
    const r = test.result;
    const mic = r.microphoneDbfs === null ? s.noMicrophone : `${r.microphoneDbfs.toFixed(0)} dBFS`;
    body = `<div id="network-result" data-verdict="${r.verdict}">
        <p class="verdict ${r.verdict}"><strong>${s.verdicts[r.verdict]}</strong></p>
        <dl class="figures">
          <dt>${s.roundTrip}</dt><dd id="network-rtt">${r.roundTripMs.toFixed(0)} ms</dd>
          <dt>${s.jitter}</dt><dd>${r.jitterMs.toFixed(1)} ms</dd>
          <dt>${s.loss}</dt><dd>${r.lossPercent.toFixed(1)} %</dd>
          <dt>${s.microphone}</dt><dd>${mic}</dd>
          <dt>${s.mos}</dt><dd id="network-mos">${r.mos.toFixed(1)} / 4.5</dd>
        </dl>
        ${r.issues.length ? `<ul class="issues">${r.issues.map((i) => `<li>${esc(issueText(i))}</li>`).join("")}</ul>` : ""}
      </div>`;
  }
  return `<h3>${s.title}</h3>${body}
    <button id="network-test" class="secondary" ${test.at === "running" ? "disabled" : ""}>${s.run}</button>`;
}

function deviceSelect(id: string, label: string, names: string[], chosen: string | null): string {
  const s = t();
  const options = [`<option value="">${s.systemDefault}</option>`]
    .concat(names.map((n) => `<option value="${esc(n)}" ${n === chosen ? "selected" : ""}>${esc(n)}</option>`))
    .join("");
  return `<label>${label}<select id="${id}">${options}</select></label>`;
}

function hotkeyRow(b: HotkeyBinding): string {
  const s = t();
  const error = b.error === null ? "" : b.error === "taken" ? s.hotkeyTaken : `${s.hotkeyInvalid} (${b.error})`;
  return `<li class="hotkey-row">
      <span>${esc(s.hotkeyActions[b.action])}</span>
      <input class="hotkey" data-action="${b.action}" value="${esc(b.accelerator)}" />
      <span class="error hotkey-error" data-action="${b.action}">${esc(error)}</span>
    </li>`;
}

export function settingsPanel(rerender: () => void): SettingsPanel {
  let settings: DesktopSettings | null = null;
  let devices: AudioDeviceList = { inputs: [], outputs: [] };
  let level = -90;
  // The loudest level since the panel opened, for the meter's peak mark.
  let peak = -90;
  let note = "";
  let unlisten: (() => void) | null = null;
  let network: NetworkTest = { at: "idle" };

  function read(): DesktopSettings {
    const value = (id: string) => (document.getElementById(id) as HTMLSelectElement | null)?.value || null;
    const checked = (id: string) => (document.getElementById(id) as HTMLInputElement | null)?.checked ?? false;
    const hotkeys = Array.from(document.querySelectorAll<HTMLInputElement>(".hotkey")).map((i) => ({
      action: i.dataset.action as HotkeyBinding["action"],
      accelerator: i.value,
      error: null,
    }));
    return {
      language: value("language") as DesktopSettings["language"],
      microphone: value("microphone"),
      speaker: value("speaker"),
      ringer: value("ringer"),
      startMuted: checked("start-muted"),
      missedCallNotifications: checked("missed-notifications"),
      hotkeys,
      voice: {
        echoCancellation: checked("echo-cancellation"),
        noiseSuppression: checked("noise-suppression"),
        autoGain: checked("auto-gain"),
      },
      volume: settings?.volume ?? { speaker: 100, microphone: 100 },
      networkTestOffered: settings?.networkTestOffered ?? true,
    };
  }

  function meterWidth(): number {
    return Math.max(0, Math.min(100, ((level + 60) / 60) * 100));
  }

  return {
    html(): string {
      const s = t();
      if (!settings) return `<section id="settings" class="card"><p class="muted">…</p></section>`;
      return `
        <section id="settings" class="card">
          <h3>${s.settings}</h3>
          <label>${s.language}<select id="language">
            <option value="">${s.followSystem}</option>
            <option value="ko" ${settings.language === "ko" ? "selected" : ""}>한국어</option>
            <option value="en" ${settings.language === "en" ? "selected" : ""}>English</option>
          </select></label>
          ${deviceSelect("microphone", s.microphone, devices.inputs, settings.microphone)}
          <div class="row"><span class="muted">${s.inputLevel}</span>
            <div class="meter"><div id="level-meter" data-dbfs="${level.toFixed(0)}" data-peak="${peak.toFixed(0)}" style="width:${meterWidth()}%"></div></div></div>
          ${deviceSelect("speaker", s.speaker, devices.outputs, settings.speaker)}
          <button id="test-speaker" class="secondary">${s.testTone}</button>
          ${deviceSelect("ringer", s.ringer, devices.outputs, settings.ringer)}
          <button id="test-ringer" class="secondary">${s.testTone}</button>
          <label class="row"><input id="start-muted" type="checkbox" ${settings.startMuted ? "checked" : ""} /> ${s.startMuted}</label>
          <label class="row"><input id="missed-notifications" type="checkbox" ${settings.missedCallNotifications ? "checked" : ""} /> ${s.missedNotifications}</label>
          <h3>${s.voiceProcessing}</h3>
          <label class="row"><input id="echo-cancellation" type="checkbox" ${settings.voice.echoCancellation ? "checked" : ""} /> ${s.echoCancellation}</label>
          <label class="row"><input id="noise-suppression" type="checkbox" ${settings.voice.noiseSuppression ? "checked" : ""} /> ${s.noiseSuppression}</label>
          <label class="row"><input id="auto-gain" type="checkbox" ${settings.voice.autoGain ? "checked" : ""} /> ${s.autoGain}</label>
          <p class="muted">${s.voiceProcessingNote}</p>
          <div id="network-test-box">${networkTestHtml(network)}</div>
          <h3>${s.hotkeys}</h3>
          <ul id="hotkeys" class="hotkeys">${settings.hotkeys.map(hotkeyRow).join("")}</ul>
          <button id="save-settings">${s.save}</button>
          <p id="settings-note" class="muted">${esc(note)}</p>
        </section>`;
    },
    bind(): void {
      document.getElementById("save-settings")?.addEventListener("click", () => {
        void invoke("save_settings", { settings: read() }).then((saved) => {
          settings = saved;
          note = t().saved;
          rerender();
        });
      });
      document.getElementById("microphone")?.addEventListener("change", (e) => {
        const microphone = (e.target as HTMLSelectElement).value || null;
        void invoke("start_level_meter", { microphone });
      });
      const tone = (id: string, select: string) =>
        document.getElementById(id)?.addEventListener("click", () => {
          const output = (document.getElementById(select) as HTMLSelectElement).value || null;
          void invoke("play_test_tone", { output });
        });
      tone("test-speaker", "speaker");
      tone("test-ringer", "ringer");
      document.getElementById("network-test")?.addEventListener("click", () => void this.testNetwork());
    },
    async testNetwork(): Promise<void> {
      // The test sits at the panel's foot: bring it into sight, running and done.
      const show = () => {
        rerender();
        document.getElementById("network-test-box")?.scrollIntoView({ block: "end" });
      };
      network = { at: "running" };
      show();
      try {
        network = { at: "done", result: await invoke("run_network_test") };
      } catch (e) {
        network = { at: "failed", error: errorText(String(e)) };
      }
      show();
    },
    async open(): Promise<void> {
      note = "";
      peak = -90;
      // Nothing from the last opening is shown (or typed into) before the fresh values arrive.
      settings = null;
      settings = await invoke("get_settings");
      devices = await invoke("audio_devices").catch(() => ({ inputs: [], outputs: [] }));
      unlisten = await listen("input-level", (dbfs) => {
        level = dbfs;
        peak = Math.max(peak, dbfs);
        const bar = document.getElementById("level-meter");
        if (bar) {
          bar.style.width = `${meterWidth()}%`;
          bar.dataset.dbfs = dbfs.toFixed(0);
          bar.dataset.peak = peak.toFixed(0);
        }
      });
      void invoke("start_level_meter", { microphone: settings.microphone }).catch(() => undefined);
      rerender();
    },
    close(): void {
      unlisten?.();
      unlisten = null;
      void invoke("stop_level_meter");
    },
  };
}
