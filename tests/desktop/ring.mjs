// Desktop end-to-end: the Tauri app, under Xvfb, driven over WebDriver (tauri-driver +
// WebKitWebDriver), logs in as a demo manager and shows the ring of a real SIP call from sipp;
// declining it sends the caller a 480. Saves a screenshot of the ring (RINGDESK_SCREENSHOT).
//
// Run by `cargo xtask test` as:
//   xvfb-run -a dbus-run-session -- node tests/desktop/ring.mjs
// with RINGDESK_BIN_DIR (built binaries) and TAURI_DRIVER set.

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import net from "node:net";

const here = dirname(fileURLToPath(import.meta.url));
const binDir = process.env.RINGDESK_BIN_DIR;
const driverBin = process.env.TAURI_DRIVER ?? "tauri-driver";
const screenshot = process.env.RINGDESK_SCREENSHOT ?? join(tmpdir(), "ringdesk-desktop-ring.png");
if (!binDir) throw new Error("RINGDESK_BIN_DIR must point at the built binaries");

const children = [];
const work = mkdtempSync(join(tmpdir(), "ringdesk-desktop-"));
function cleanup() {
  for (const c of children) c.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
}
process.on("exit", cleanup);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, timeoutMs, probe) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ""}`);
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// 1. The cloud, with demo data.
const cloud = spawn(join(binDir, "ringdesk-cloud"), ["--data-dir", join(work, "cloud"), "--api", "127.0.0.1:0", "--sip", "127.0.0.1:0"], {
  stdio: ["ignore", "pipe", "inherit"],
});
children.push(cloud);
const ready = await new Promise((resolve, reject) => {
  createInterface({ input: cloud.stdout }).once("line", (l) => resolve(JSON.parse(l)));
  cloud.once("exit", (c) => reject(new Error(`cloud exited ${c}`)));
});
console.log("cloud ready", ready.api, ready.sip);

// 2. tauri-driver, which starts the app with this environment (auto-login as 김민지).
const port = await freePort();
const nativePort = await freePort();
const driver = spawn(driverBin, ["--port", String(port), "--native-port", String(nativePort)], {
  stdio: ["ignore", "inherit", "inherit"],
  env: {
    ...process.env,
    RINGDESK_SERVER: ready.api,
    RINGDESK_CA_CERT: ready.caCert,
    RINGDESK_EMAIL: "minji@demo.ringdesk.dev",
    RINGDESK_PASSWORD: "ringdesk-demo-1",
    RINGDESK_AUDIO: "wav",
  },
});
children.push(driver);
const wd = `http://127.0.0.1:${port}`;

async function call(method, path, body) {
  const res = await fetch(wd + path, { method, headers: { "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json.value;
}

await until("tauri-driver", 20000, async () => (await fetch(`${wd}/status`)).ok);
const session = await call("POST", "/session", {
  capabilities: { alwaysMatch: { browserName: "wry", "tauri:options": { application: join(binDir, "ringdesk") } } },
});
const sid = session.sessionId;
const find = async (css) => Object.values(await call("POST", `/session/${sid}/element`, { using: "css selector", value: css }))[0];
const text = async (css) => call("GET", `/session/${sid}/element/${await find(css)}/text`);

try {
  // 3. Logged in automatically: the manager's name shows.
  const name = await until("logged-in screen", 60000, () => text("#manager-name"));
  if (name !== "김민지") throw new Error(`logged in as ${name}`);
  await until("available presence", 20000, async () => (await text("#not-ringing")).length > 0);

  const idle = await call("GET", `/session/${sid}/screenshot`);

  // 4. A real SIP call from 010-9876-5432 (최도윤, a demo contact).
  const template = readFileSync(join(here, "../data/sipp/uac_unanswered.xml"), "utf8");
  const scenario = join(work, "call.xml");
  writeFileSync(scenario, template.replaceAll("{FINAL}", "480"));
  const sipp = spawn("sipp", ["-sf", scenario, "-s", "827076660100", "-i", "127.0.0.1", "-p", String(await freePort()), "-mp", String(await freePort()), "-m", "1", "-timeout", "60s", "-timeout_error", "-nostdin", ready.sip], {
    cwd: work,
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(sipp);
  const sippDone = new Promise((resolve) => sipp.once("exit", resolve));

  // 5. The ring popup shows the caller's contact name and profile fields.
  const caller = await until("ring popup", 20000, () => text("#ring-caller"));
  if (caller !== "최도윤") throw new Error(`ring shows ${caller}`);
  const popup = await text("#ring");
  for (const expected of ["+821098765432", "고객 등급", "+827076660100", "고객지원팀", "받기", "거절"]) {
    if (!popup.includes(expected)) throw new Error(`ring popup lacks ${expected}: ${popup}`);
  }
  // The DOM updates before WebKit paints: wait until the screen differs from the idle frame.
  const png = await until("ring painted", 10000, async () => {
    const shot = await call("GET", `/session/${sid}/screenshot`);
    return shot !== idle ? shot : null;
  });
  writeFileSync(screenshot, Buffer.from(png, "base64"));
  console.log("screenshot saved to", screenshot);

  // 6. Declining ends the call for the caller (no one else is online): 480.
  await call("POST", `/session/${sid}/element/${await find("#decline")}/click`, {});
  const code = await Promise.race([sippDone, sleep(30000).then(() => "timeout")]);
  if (code !== 0) throw new Error(`sipp expected a 480 after decline, exit ${code}`);
  await until("ring popup gone", 10000, async () => {
    const found = await fetch(`${wd}/session/${sid}/element`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ using: "css selector", value: "#ring" }) });
    return found.status === 404;
  });
  console.log("desktop ring test passed");
} finally {
  await fetch(`${wd}/session/${sid}`, { method: "DELETE" }).catch(() => {});
}
process.exit(0);
