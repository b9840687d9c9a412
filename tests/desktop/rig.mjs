// The desktop test rig: everything a real agent's desktop has, started inside the
// `xvfb-run -a` + `dbus-run-session` the test runs under — an unlocked gnome-keyring, a dunst
// notification server with dbus-monitor watching Notify calls, PulseAudio with test devices
// (a sine-wave microphone and null sinks whose monitors the test records), the cloud, and
// tauri-driver for WebDriver. Every process is killed when the test exits.

import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import net from "node:net";

const children = [];
export const work = mkdtempSync(join(tmpdir(), "ringdesk-desktop-"));
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
});

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something truthy. */
export async function until(what, timeoutMs, probe) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(150);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message ?? last}` : ""}`);
}

export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export function start(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: ["ignore", "inherit", "inherit"], ...opts });
  children.push(child);
  return child;
}

/** Runs a command to completion; returns its stdout (throws on failure unless `allowFail`). */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", ...opts });
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
  return r.status === 0 ? r.stdout : null;
}

/** A private HOME, so the app's data and config dirs (and the keyring) are the test's own. */
export function privateHome() {
  const home = join(work, "home");
  mkdirSync(home, { recursive: true });
  process.env.HOME = home;
  for (const v of ["XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"]) delete process.env[v];
  process.env.XDG_RUNTIME_DIR = join(work, "run");
  mkdirSync(process.env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });
  return home;
}

/** gnome-keyring's Secret Service, unlocked with a test password. */
export function startKeyring() {
  const out = run("gnome-keyring-daemon", ["--replace", "--unlock", "--components=secrets"], { input: "ringdesk-test\n" });
  for (const line of out.split("\n")) {
    const [k, v] = line.split("=");
    if (k && v) process.env[k] = v;
  }
}

/** The token the keyring holds for an account, or null. */
export function keyringToken(account) {
  const out = run("secret-tool", ["lookup", "service", "dev.ringdesk.desktop", "username", account], { allowFail: true });
  return out ? out.trim() : null;
}

/** dunst as the notification server, and a dbus-monitor collecting Notify calls. */
export function startNotifications() {
  start("dunst", [], { stdio: ["ignore", "ignore", "ignore"] });
  const monitor = start("dbus-monitor", ["interface='org.freedesktop.Notifications',member='Notify'"], { stdio: ["ignore", "pipe", "ignore"] });
  const seen = { text: "" };
  monitor.stdout.on("data", (d) => (seen.text += d.toString()));
  return seen;
}

/**
 * PulseAudio with the test devices, and an ALSA config naming them for cpal: two microphones
 * (the monitors of `headset_mic`, the one the agent picks, and `mic_feed`, the system default;
 * a sine is streamed into each in real time), two speakers, a ringer, and the caller's ear
 * (`caller_out`). Null sinks play in real time; the test records their monitors.
 * (module-sine-source hands out ~2 s bursts and module-sine played silence here, so the
 * microphones are fed by pacat.)
 */
export async function startPulse({ micHz }) {
  const conf = join(work, "pulse.pa");
  writeFileSync(
    conf,
    [
      "load-module module-native-protocol-unix",
      // pacmd (kill-sink-input) for the device-failure step.
      "load-module module-cli-protocol-unix",
      ...["headset_mic", "mic_feed", "speaker_a", "speaker_b", "ringer", "caller_out"].map(
        (s) => `load-module module-null-sink sink_name=${s} rate=48000 channels=1`,
      ),
      // The "system default" devices the app falls back to when its chosen ones fail.
      "set-default-sink speaker_a",
      "set-default-source mic_feed.monitor",
    ].join("\n") + "\n",
  );
  start("pulseaudio", ["-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "--log-target=stderr", "--log-level=error", "-F", conf], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  await until("pulseaudio", 10000, () => run("pactl", ["info"], { allowFail: true }));
  feedSine("headset_mic", micHz);
  feedSine("mic_feed", micHz);
  const alsa = join(work, "asound.conf");
  const pcm = (name, device, description) =>
    `pcm.${name} { type pulse; device "${device}"; hint { show on; description "${description}" } }`;
  writeFileSync(
    alsa,
    [
      pcm("ringdesk_mic", "headset_mic.monitor", DEVICES.mic),
      pcm("ringdesk_speaker_a", "speaker_a", DEVICES.speakerA),
      pcm("ringdesk_speaker_b", "speaker_b", DEVICES.speakerB),
      pcm("ringdesk_ringer", "ringer", DEVICES.ringer),
      "pcm.!default { type pulse }",
      "ctl.!default { type pulse }",
    ].join("\n") + "\n",
  );
  process.env.ALSA_CONFIG_PATH = `/usr/share/alsa/alsa.conf:${alsa}`;
}

/**
 * Silences a microphone (`on` false) or gives it back: its sink is suspended, so its monitor
 * delivers nothing while the app's stream on it stays open — as a headset that stops sending
 * audio, or a default microphone that delivers none. (Killing the app's stream instead is not
 * deterministic: ALSA's pulse plugin turns a kill into an overrun and reconnects, or into an
 * endless I/O error, as the race goes.)
 */
export function setMicrophoneLive(sink, on) {
  run("pactl", ["suspend-sink", sink, on ? "0" : "1"]);
}

/** Streams an endless sine into a sink through pacat, paced by PulseAudio (pipe back-pressure). */
function feedSine(sink, hz) {
  const pacat = start("pacat", [`--device=${sink}`, "--rate=48000", "--channels=1", "--format=s16le", "--raw", "--latency-msec=20"], {
    stdio: ["pipe", "ignore", "inherit"],
  });
  const second = Buffer.alloc(48000 * 2);
  for (let i = 0; i < 48000; i++) second.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / 48000)), i * 2);
  const pump = () => {
    while (pacat.stdin.write(second));
    pacat.stdin.once("drain", pump);
  };
  pacat.stdin.on("error", () => {});
  pump();
}

/** The names cpal shows for the test devices. */
export const DEVICES = {
  mic: "Ringdesk test microphone",
  speakerA: "Ringdesk test speaker A",
  speakerB: "Ringdesk test speaker B",
  ringer: "Ringdesk test ringer",
};

/** Records `ms` of what a sink plays (its monitor), 48 kHz mono s16. The promise's `started`
 * resolves once the recording is running. */
export function recordSink(sink, ms) {
  let markStarted;
  const started = new Promise((resolve) => (markStarted = resolve));
  const samples = new Promise((resolve, reject) => {
    const p = spawn("parec", [`--device=${sink}.monitor`, "--rate=48000", "--channels=1", "--format=s16le", "--raw", "--latency-msec=20"]);
    const chunks = [];
    p.stdout.on("data", (d) => {
      // `ms` of audio, counted from when parec delivers (it can take a while to connect).
      if (chunks.length === 0) {
        setTimeout(() => p.kill("SIGTERM"), ms);
        markStarted();
      }
      chunks.push(d);
    });
    p.once("error", reject);
    p.once("exit", () => {
      const buf = Buffer.concat(chunks);
      resolve(new Int16Array(buf.buffer, buf.byteOffset, Math.floor(buf.length / 2)));
    });
  });
  samples.started = started;
  return samples;
}

/** Power of one frequency (Goertzel), normalised by the block's energy: 0 (absent) to ~1. */
export function toneRatio(samples, rateHz, freqHz) {
  const n = samples.length;
  if (n === 0) return 0;
  const k = 2 * Math.cos((2 * Math.PI * freqHz) / rateHz);
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (let i = 0; i < n; i++) {
    const x = samples[i];
    const s0 = x + k * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += x * x;
  }
  const power = s1 * s1 + s2 * s2 - k * s1 * s2;
  return energy > 0 ? (2 * power) / (n * energy) : 0;
}

/**
 * How a tone is heard, judged 100 ms at a time: `ratio` is the median block's tone ratio (the
 * tone heard throughout), `peak` the highest block's (heard at all). One Goertzel over a whole
 * second is phase-coherent: a single dropped or repeated chunk anywhere in it (a scheduling gap
 * on a busy machine, a slider's gain step) can halve its figure while a listener hears the tone
 * the whole time — the desktop test's checks failed on that, not on missing audio.
 */
export function toneBlocks(samples, rateHz, freqHz) {
  const block = Math.round(rateHz / 10);
  const ratios = [];
  for (let at = 0; at + block <= samples.length; at += block) ratios.push(toneRatio(samples.subarray(at, at + block), rateHz, freqHz));
  if (ratios.length === 0) return { ratio: 0, peak: 0 };
  ratios.sort((a, b) => a - b);
  return { ratio: ratios[Math.floor(ratios.length / 2)], peak: ratios[ratios.length - 1] };
}

/** Root-mean-square level of a block, in dBFS. */
export function levelDbfs(samples) {
  if (samples.length === 0) return -90;
  let sum = 0;
  for (const s of samples) sum += s * s;
  const rms = Math.sqrt(sum / samples.length) / 32768;
  return rms > 0 ? Math.max(-90, 20 * Math.log10(rms)) : -90;
}

/** A mono 16-bit PCM WAV of one sine. */
export function writeToneWav(path, rateHz, freqHz, seconds) {
  const n = rateHz * seconds;
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * freqHz * i) / rateHz)), i * 2);
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVEfmt ", 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rateHz, 24);
  header.writeUInt32LE(rateHz * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([header, data]));
}

/** The cloud with demo data; resolves to its ready line (api, sip, caCert) and `child`. */
export async function startCloud(binDir, extra = [], { api = "127.0.0.1:0", sip = "127.0.0.1:0" } = {}) {
  const cloud = start(join(binDir, "ringdesk-cloud"), ["--data-dir", join(work, "cloud"), "--api", api, "--sip", sip, ...extra], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: cloud.stdout }).once("line", (l) => resolve({ ...JSON.parse(l), child: cloud }));
    cloud.once("exit", (c) => reject(new Error(`cloud exited ${c}`)));
  });
}

/** A teammate on a headless `ringdesk-agent`: plays `toneWav` as its microphone, answers what
 * rings after `answerMs`; `events` collects what it prints, `command` types on its stdin. */
export async function headlessAgent(binDir, cloud, email, password, toneWav, answerMs) {
  const child = start(
    join(binDir, "ringdesk-agent"),
    ["--server", cloud.api, "--ca-cert", cloud.caCert, "--email", email, "--password", password,
     "--wav", "--play", toneWav, "--auto-answer-ms", String(answerMs), "--no-voice-processing"],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const events = [];
  createInterface({ input: child.stdout }).on("line", (l) => events.push(JSON.parse(l)));
  const up = await until(`${email} logged in`, 30000, () => events.find((e) => e.event === "sessionUp"));
  return {
    child,
    events,
    manager: up.manager,
    command: (line) => child.stdin.write(`${line}\n`),
    stop: () => child.kill(),
  };
}

/** A baresip user agent on a fresh port: plays `toneWav` as its microphone and what it hears
 * into the `caller_out` sink. Returns its directory and SIP port. */
async function baresipAgent(toneWav, user, extraAccountParams = "") {
  const dir = join(work, `baresip-${Date.now()}`);
  mkdirSync(dir);
  const port = await freePort();
  const rtp = await freePort();
  writeFileSync(
    join(dir, "config"),
    [
      "poll_method epoll",
      `sip_listen 127.0.0.1:${port}`,
      `audio_source aufile,${toneWav}`,
      "audio_player pulse,caller_out",
      "audio_alert pulse,caller_out",
      "ausrc_srate 8000",
      "auplay_srate 8000",
      `rtp_ports ${rtp}-${rtp + 1}`,
      "module_path /usr/lib/baresip/modules",
      "module g711.so",
      "module aufile.so",
      "module pulse.so",
      "module_app account.so",
      "module_app menu.so",
    ].join("\n") + "\n",
  );
  writeFileSync(join(dir, "accounts"), `<sip:${user}@127.0.0.1:${port}>;regint=0;audio_codecs=PCMA/8000/1,PCMU/8000/1${extraAccountParams}\n`);
  return { dir, port };
}

/**
 * baresip calling the demo number: plays a tone WAV as its microphone and plays what it hears
 * into the `caller_out` sink, so the test can record the caller's ear.
 */
export async function baresipCall(sipAddr, toneWav, seconds, from = "caller") {
  const { dir } = await baresipAgent(toneWav, from);
  return start("baresip", ["-f", dir, "-e", `/dial sip:827076660100@${sipAddr}`, "-t", String(seconds)], {
    stdio: ["ignore", "ignore", "ignore"],
  });
}

/**
 * baresip answering any call to `sip:peer@127.0.0.1:<port>` at once, for `seconds` (another
 * softphone's far end in the footprint bench). `established()` tells whether a call is up.
 */
export async function baresipAnswerer(toneWav, seconds) {
  const { dir, port } = await baresipAgent(toneWav, "peer", ";answermode=auto");
  let log = "";
  const child = start("baresip", ["-f", dir, "-t", String(seconds)], { stdio: ["ignore", "pipe", "ignore"] });
  child.stdout.on("data", (d) => (log += d));
  return { uri: `sip:peer@127.0.0.1:${port}`, child, established: () => log.includes("Call established") };
}

/** A minimal W3C WebDriver client over fetch (tauri-driver → WebKitWebDriver). */
export class Driver {
  constructor(url, sid) {
    this.url = url;
    this.sid = sid;
  }

  static async start(driverBin, app, env) {
    const port = await freePort();
    const nativePort = await freePort();
    start(driverBin, ["--port", String(port), "--native-port", String(nativePort)], { env: { ...process.env, ...env } });
    const url = `http://127.0.0.1:${port}`;
    await until("tauri-driver", 20000, async () => (await fetch(`${url}/status`)).ok);
    const d = new Driver(url, null);
    const session = await d.call("POST", "/session", {
      capabilities: { alwaysMatch: { browserName: "wry", "tauri:options": { application: app } } },
    });
    d.sid = session.sessionId;
    return d;
  }

  async call(method, path, body) {
    const full = this.sid && path.startsWith("/") && !path.startsWith("/session") ? `/session/${this.sid}${path}` : path;
    const res = await fetch(this.url + full, { method, headers: { "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${full}: ${res.status} ${JSON.stringify(json.value?.message ?? json)}`);
    return json.value;
  }

  s(path) {
    return `/session/${this.sid}${path}`;
  }

  async find(css) {
    return Object.values(await this.call("POST", this.s("/element"), { using: "css selector", value: css }))[0];
  }

  async exists(css) {
    const res = await fetch(this.url + this.s("/elements"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ using: "css selector", value: css }) });
    return (await res.json()).value.length > 0;
  }

  /**
   * Finds `css` and acts on the element, finding it again if the UI re-rendered it in
   * between (WebKit then says the node "was not found"): a render pushed by the app (a
   * status change, a reconnect) may land between our find and our click.
   */
  async onElement(css, act) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await act(await this.find(css));
      } catch (e) {
        const replaced = /was not found|stale element/i.test(String(e.message));
        if (!replaced || attempt === 5) throw e;
        await sleep(100);
      }
    }
  }

  async text(css) {
    return this.onElement(css, (el) => this.call("GET", this.s(`/element/${el}/text`)));
  }

  async attr(css, name) {
    return this.onElement(css, (el) => this.call("GET", this.s(`/element/${el}/attribute/${name}`)));
  }

  async click(css) {
    await this.onElement(css, (el) => this.call("POST", this.s(`/element/${el}/click`), {}));
  }

  async type(css, text) {
    await this.onElement(css, async (el) => {
      await this.call("POST", this.s(`/element/${el}/clear`), {});
      await this.call("POST", this.s(`/element/${el}/value`), { text });
    });
  }

  /** Chooses an option of a <select> by its value. */
  async select(css, value) {
    await this.script("const s = document.querySelector(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change'));", [css, value]);
  }

  async script(body, args = []) {
    return this.call("POST", this.s("/execute/sync"), { script: body, args });
  }

  /** Runs a desktop RPC command from the current window. */
  async invoke(cmd, args = {}) {
    return this.call("POST", this.s("/execute/async"), {
      script: "const done = arguments[2]; window.__TAURI__.core.invoke(arguments[0], arguments[1]).then(done, (e) => done({ error: String(e) }));",
      args: [cmd, args],
    });
  }

  /** Switches to the window whose URL ends with `fragment` ("" for the main window). */
  async window(fragment) {
    const handles = await this.call("GET", this.s("/window/handles"));
    for (const h of handles) {
      await this.call("POST", this.s("/window"), { handle: h });
      const url = await this.call("GET", this.s("/url"));
      const hash = new URL(url).hash;
      if (hash === fragment) return h;
    }
    throw new Error(`no window with ${JSON.stringify(fragment)}`);
  }

  /**
   * A PNG of the window, base64. WebKitGTK takes it at the page's next rendering update, and a
   * page where nothing changes has none: the request would wait forever. So one pixel in a
   * corner (all but transparent) is repainted until the picture is taken.
   */
  async screenshot() {
    await this.script(`
      const dot = document.getElementById("__shot") ?? document.body.appendChild(Object.assign(document.createElement("div"), { id: "__shot" }));
      dot.style.cssText = "position:fixed;right:0;bottom:0;width:1px;height:1px;opacity:0.02;pointer-events:none";
      clearInterval(window.__shotTick);
      window.__shotTick = setInterval(() => (dot.style.background = dot.style.background === "black" ? "white" : "black"), 40);`);
    try {
      return await this.call("GET", this.s("/screenshot"));
    } finally {
      await this.script("clearInterval(window.__shotTick); document.getElementById('__shot')?.remove();");
    }
  }

  async close() {
    await fetch(`${this.url}/session/${this.sid}`, { method: "DELETE" }).catch(() => {});
  }
}
