// Web performance figures as JSON lines: server-render TTFB of a faceted search, JavaScript shipped to the
// search page (gzipped), and Largest Contentful Paint measured in Debian's Chromium.
// Needs the site running (LEARN_WEB_URL, default http://127.0.0.1:8062) with the API and a catalog behind it.
import http from "node:http";
import { gzipSync } from "node:zlib";
import { launch, newPage } from "../e2e/browser.mjs";

const BASE = (process.env.LEARN_WEB_URL || "http://127.0.0.1:8062").replace(/\/$/, "");
const SEARCH = "/search?q=machine+learning&topic=Engineering&free=true&sortby=new";
const RUNS = Number(process.env.BENCH_RUNS || 15);

function ttfb(path) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = http.get(`${BASE}${path}`, (res) => {
      let first = null;
      res.on("data", () => {
        if (first === null) first = Number(process.hrtime.bigint() - start) / 1e6;
      });
      res.on("end", () => resolve({ status: res.statusCode, ttfb: first, total: Number(process.hrtime.bigint() - start) / 1e6 }));
    });
    req.on("error", reject);
  });
}
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const round = (x) => Math.round(x * 10) / 10;

// 1. TTFB of the server-rendered search page (facets, tabs, results). First request warms the process.
await ttfb(SEARCH);
const samples = [];
for (let i = 0; i < RUNS; i++) {
  const r = await ttfb(SEARCH);
  if (r.status !== 200) throw new Error(`search page answered ${r.status}`);
  samples.push(r);
}
console.log(JSON.stringify({
  metric: "search_ssr_ttfb_ms", path: SEARCH, runs: RUNS,
  p50: round(pct(samples.map((s) => s.ttfb), 50)), p95: round(pct(samples.map((s) => s.ttfb), 95)),
  full_html_p50: round(pct(samples.map((s) => s.total), 50)), target_ms: 200,
}));

// 2. JavaScript shipped to the search page, gzipped.
const html = await (await fetch(`${BASE}${SEARCH}`)).text();
const scripts = [...new Set([...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)].map((m) => m[1]))];
let raw = 0;
let gz = 0;
for (const src of scripts) {
  const body = Buffer.from(await (await fetch(new URL(src, BASE))).arrayBuffer());
  raw += body.length;
  gz += gzipSync(body).length;
}
const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join("");
console.log(JSON.stringify({
  metric: "search_js_gzip_kb", scripts: scripts.length, raw_kb: round(raw / 1024), gzip_kb: round(gz / 1024),
  inline_payload_gzip_kb: round(gzipSync(Buffer.from(inline)).length / 1024), target_kb: 200,
}));

// 3. Largest Contentful Paint in Chromium (fresh context per run, external hosts blocked).
const browser = await launch();
const lcps = [];
for (let i = 0; i < 5; i++) {
  const page = await newPage(browser, 1280);
  await page.goto(`${BASE}${SEARCH}`, { waitUntil: "load" });
  const lcp = await page.evaluate(
    () =>
      new Promise((resolve) => {
        let last = 0;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) last = e.startTime;
        }).observe({ type: "largest-contentful-paint", buffered: true });
        setTimeout(() => resolve(last), 1000);
      }),
  );
  lcps.push(lcp);
  await page.context().close();
}
await browser.close();
console.log(JSON.stringify({ metric: "search_lcp_ms", runs: lcps.length, p50: round(pct(lcps, 50)), max: round(Math.max(...lcps)), target_ms: 2500 }));
