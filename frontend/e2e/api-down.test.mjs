// With the API unreachable the site still answers: a friendly error with a retry link, and the server logs
// the cause. Starts its own `next start` (same build) pointed at a closed port.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { launch, newPage } from "./browser.mjs";

const PORT = Number(process.env.LEARN_WEB_DOWN_PORT || 8164);
const BASE = `http://127.0.0.1:${PORT}`;
let server;
let log = "";
let browser;

before(async () => {
  server = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(PORT), "-H", "127.0.0.1"], {
    env: { ...process.env, LEARN_API_ORIGIN: "http://127.0.0.1:9" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout.on("data", (d) => (log += d));
  server.stderr.on("data", (d) => (log += d));
  for (let i = 0; i < 60; i++) {
    try {
      if ((await fetch(`${BASE}/robots.txt`)).ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  browser = await launch();
});
after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
});

describe("API down", () => {
  it("search, home, resource and channel pages show a friendly error with retry; the server logs the cause", async () => {
    const page = await newPage(browser);
    const response = await page.goto(`${BASE}/search?q=physics&topic=Physics`);
    assert.equal(response.status(), 200);
    await page.getByRole("alert").filter({ hasText: "not responding" }).waitFor();
    assert.equal(await page.getByRole("link", { name: "Try again" }).getAttribute("href"), "/search?q=physics&topic=Physics");
    await page.goto(`${BASE}/`);
    await page.getByRole("alert").filter({ hasText: "not responding" }).waitFor();
    await page.goto(`${BASE}/resource/1`);
    await page.getByRole("link", { name: "Try again" }).waitFor();
    // A channel page: the channel API is down, so the error (not a 404).
    const channel = await page.goto(`${BASE}/c/topic/physics`);
    assert.notEqual(channel.status(), 404);
    assert.equal(await page.getByRole("link", { name: "Try again" }).getAttribute("href"), "/c/topic/physics");
    await page.goto(`${BASE}/topics`);
    await page.getByRole("link", { name: "Try again" }).waitFor();
    assert.match(log, /\[learn-web\] API unreachable while fetching search results/);
    assert.match(log, /\[learn-web\] API unreachable while fetching channel topic\/physics/);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
