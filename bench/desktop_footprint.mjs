// Desktop footprint, side by side: Ringdesk's app vs Linphone desktop (Debian's
// linphone-desktop), each launched cold under the same Xvfb, measured the same way:
//   launch → its main window mapped (ms), then after 20 s idle: PSS summed over the app's whole
//   process tree (WebKit's web and network processes included), and CPU used in those 20 s.
//   Ringdesk then closes its main window to the tray (where an agent's app spends the day)
//   and the same is measured there.
// Ringdesk runs logged in to a local cloud (demo manager, available); Linphone runs with no
// account (its first-run assistant), so neither is doing call work. Then each holds a 60 s
// call with real audio devices (the same PulseAudio test devices: the default source plays a
// 1400 Hz tone, the default sink is a null sink) and its CPU and PSS during the call are
// printed, with how much of that tone the far end heard (a call that moves no audio costs
// nothing and proves nothing):
//   Ringdesk: baresip calls the cloud; the call window is watched from dial to painted; the
//     Ctrl+Shift+Space hotkey answers (the main window is in the tray by then); after the call,
//     PSS in the tray again (the call window goes).
//   Linphone: `linphone --call` places a direct SIP call to a baresip that answers at once
//     (no server: Linphone's cheapest call).
//
//   xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- node bench/desktop_footprint.mjs
// with RINGDESK_BIN_DIR pointing at the built binaries (debug or release). Prints one JSON
// line per app, with the PSS of each process in its tree.

import { spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import {
  baresipAnswerer, baresipCall, privateHome, recordSink, toneRatio, run, sleep, start, startCloud, startKeyring, startPulse, until, work, writeToneWav,
} from "../tests/desktop/rig.mjs";

const binDir = process.env.RINGDESK_BIN_DIR;
if (!binDir) throw new Error("RINGDESK_BIN_DIR must point at the built binaries");
const IDLE_MS = 20_000;
const TICKS_PER_S = Number(run("getconf", ["CLK_TCK"]).trim());

function children(pid) {
  const out = [];
  for (const p of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(p));
    } catch {}
  }
  return out;
}

function tree(pid) {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]));
  return all;
}

function pssKib(pids) {
  let total = 0;
  for (const p of pids) {
    try {
      const m = readFileSync(`/proc/${p}/smaps_rollup`, "utf8").match(/^Pss:\s+(\d+) kB/m);
      if (m) total += Number(m[1]);
    } catch {}
  }
  return total;
}

function cpuTicks(pids) {
  let total = 0;
  for (const p of pids) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += Number(f[11]) + Number(f[12]);
    } catch {}
  }
  return total;
}

function windowMapped(title) {
  const out = run("/usr/bin/python3", [join(import.meta.dirname, "../tests/desktop/xwin.py"), "info", title], { allowFail: true });
  return out ? JSON.parse(out).mapped : false;
}

/** Resolves with when (Unix ms) the window titled `title` maps and shows painted content. */
function watchWindow(title) {
  return new Promise((resolve, reject) => {
    const child = spawn("/usr/bin/python3", [join(import.meta.dirname, "../tests/desktop/xwin.py"), "watch", title]);
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`watching ${title}: exit ${code}`))));
  });
}

/** PSS of each process in `pids`, named: where the memory is. */
function perProcess(pids) {
  return pids.map((p) => {
    let comm = "?";
    try {
      comm = readFileSync(`/proc/${p}/comm`, "utf8").trim();
    } catch {}
    return `${comm} ${(pssKib([p]) / 1024).toFixed(1)}`;
  });
}

/** CPU and PSS of `child`'s tree over IDLE_MS from now. */
async function idle(child) {
  const before = cpuTicks(tree(child.pid));
  await sleep(IDLE_MS);
  const pids = tree(child.pid);
  return { ...usage(pids, before, IDLE_MS), processesPssMiB: perProcess(pids) };
}

/** Closes Ringdesk's main window (the app goes to the tray) and measures it resting there. */
async function inTray(child) {
  run("/usr/bin/python3", [join(import.meta.dirname, "../tests/desktop/xwin.py"), "close", "Ringdesk"]);
  await until("main window closed", 10_000, () => !windowMapped("Ringdesk"));
  await sleep(2_000);
  console.log(JSON.stringify({ app: "ringdesk", inTray: await idle(child) }));
}

function usage(pids, fromTicks, ms) {
  return {
    cpuPercent: +((((cpuTicks(pids) - fromTicks) / TICKS_PER_S) / (ms / 1000)) * 100).toFixed(2),
    pssMiB: +(pssKib(pids) / 1024).toFixed(1),
  };
}

const MIC_HZ = 1400;

/** CPU and PSS of `child`'s tree over a 60 s call, and how well the far end hears our mic. */
async function inCall(child) {
  const before = cpuTicks(tree(child.pid));
  await sleep(30_000);
  const heard = toneRatio(await recordSink("caller_out", 1000), 48000, MIC_HZ);
  await sleep(29_000);
  return { ...usage(tree(child.pid), before, 60_000), farEndHearsMicRatio: +heard.toFixed(2) };
}

/** A 60 s call to the running app: rings, the hotkey answers, usage is sampled meanwhile. */
async function ringdeskCall(child, sip) {
  const watch = watchWindow("Ringdesk call");
  await sleep(1_000); // python and Xlib up
  const dialAt = Date.now();
  await baresipCall(sip, tone, 80, "01098765432");
  const seen = await watch;
  const ring = { mappedMs: seen.mappedAt - dialAt, paintedMs: seen.paintedAt - dialAt };
  run("xdotool", ["key", "--clearmodifiers", "ctrl+shift+space"]);
  await sleep(3_000);
  const during = await inCall(child);
  run("xdotool", ["key", "--clearmodifiers", "ctrl+shift+o"]);
  await sleep(IDLE_MS);
  const after = +(pssKib(tree(child.pid)) / 1024).toFixed(1);
  console.log(JSON.stringify({ app: "ringdesk", dialToRingWindow: ring, inCall60s: during, inTrayAfterCallPssMiB: after }));
}

/** A 60 s direct call from a fresh Linphone (`linphone --call`) to a baresip that answers.
 * (Handing the call to an already running Linphone does nothing while its first-run
 * assistant is up.) */
async function linphoneCall() {
  const peer = await baresipAnswerer(tone, 90);
  await sleep(1_000);
  const child = start("linphone", ["--call", peer.uri], { env: { ...process.env, QT_QPA_PLATFORM: "xcb" }, stdio: ["ignore", "ignore", "ignore"] });
  await until("Linphone call established", 30_000, peer.established);
  await sleep(3_000);
  console.log(JSON.stringify({ app: "linphone-desktop", inCall60s: await inCall(child) }));
  child.kill("SIGKILL");
  peer.child.kill();
}

async function measure(name, cmd, args, env, title, duringCall) {
  const t0 = performance.now();
  const child = start(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "ignore"] });
  await until(`${name} window`, 60_000, () => windowMapped(title));
  const launchMs = Math.round(performance.now() - t0);
  await sleep(2_000);
  const rest = await idle(child);
  const result = {
    app: name,
    launchToWindowMs: launchMs,
    idlePssMiB: rest.pssMiB,
    idleCpuPercent: rest.cpuPercent,
    processesPssMiB: rest.processesPssMiB,
  };
  console.log(JSON.stringify(result));
  if (duringCall) await duringCall(child);
  child.kill("SIGKILL");
  await sleep(1_000);
  return result;
}

privateHome();
startKeyring();
await startPulse({ micHz: MIC_HZ });
const cloud = await startCloud(binDir);
const tone = join(work, "bench-far-end.wav");
writeToneWav(tone, 8000, 700, 120);
await measure("ringdesk", join(binDir, "ringdesk"), [], {
  RINGDESK_SERVER: cloud.api,
  RINGDESK_CA_CERT: cloud.caCert,
  RINGDESK_EMAIL: "minji@demo.ringdesk.dev",
  RINGDESK_PASSWORD: "ringdesk-demo-1",
}, "Ringdesk", async (child) => {
  await inTray(child);
  await ringdeskCall(child, cloud.sip);
});
await measure("linphone-desktop", "linphone", [], { QT_QPA_PLATFORM: "xcb" }, "Linphone");
await linphoneCall();
process.exit(0);
