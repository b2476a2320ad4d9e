// End-to-end journey in Chromium against the running site (next start) and the real API with a catalog.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { BASE, axe, describeViolations, launch, newPage, shoot } from "./browser.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const url = (page) => new URL(page.url());
async function waitForUrl(page, predicate) {
  await page.waitForURL((u) => predicate(new URL(u)), { timeout: 15000 });
  await page.waitForLoadState("networkidle");
}

describe("search journey", () => {
  it("search → facet → chip removal → sort → drawer → resource page → channel → back restores state", async () => {
    const page = await newPage(browser);
    await page.goto(`${BASE}/`);
    await page.getByRole("search", { name: "Site search" }).getByRole("searchbox").fill("algorithms");
    await page.getByRole("search", { name: "Site search" }).getByRole("button", { name: "Search" }).click();
    await waitForUrl(page, (u) => u.pathname === "/search" && u.searchParams.get("q") === "algorithms");
    const status = page.getByRole("status");
    const initialCount = await status.textContent();
    assert.match(initialCount, /^[\d,]+ results? for “algorithms”$/);
    const total = Number(initialCount.split(" ")[0].replace(/,/g, ""));
    assert.ok(total > 0, "search returns results");

    // Facets come before results in the tab order.
    const facetsFirst = await page.evaluate(() => {
      const facet = document.querySelector(".facets input[type=checkbox]");
      const result = document.querySelector(".result-list a");
      return Boolean(facet && result && facet.compareDocumentPosition(result) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
    assert.ok(facetsFirst, "facet checkboxes precede result links");

    // Facet: first topic value.
    const topicGroup = page.getByRole("group", { name: "Topic" });
    const firstTopic = topicGroup.getByRole("checkbox").first();
    const topicLabel = (await topicGroup.locator(".facet-label").first().textContent()).trim();
    await firstTopic.click();
    await waitForUrl(page, (u) => u.searchParams.getAll("topic").includes(topicLabel));
    await assertChecked(page, topicLabel);
    const filtered = Number((await status.textContent()).split(" ")[0].replace(/,/g, ""));
    assert.ok(filtered <= total, "a facet narrows results");
    const chip = page.getByRole("link", { name: `Remove filter Topic: ${topicLabel}` });
    await chip.waitFor();
    await shoot(page, "search-filtered-1280");
    const violationsFiltered = await axe(page);
    assert.deepEqual(violationsFiltered, [], describeViolations(violationsFiltered));

    // Chip removal.
    await chip.click();
    await waitForUrl(page, (u) => !u.searchParams.has("topic"));
    assert.equal(url(page).searchParams.get("q"), "algorithms");

    // Sort.
    await page.getByLabel("Sort by").selectOption("new");
    await waitForUrl(page, (u) => u.searchParams.get("sortby") === "new");
    assert.equal(await page.getByLabel("Sort by").inputValue(), "new");

    // Drawer: opens with focus on Close, Escape closes and focus returns to the result link.
    const firstResult = page.locator(".result-list .card-title a").first();
    const title = (await firstResult.textContent()).trim();
    await firstResult.click();
    await waitForUrl(page, (u) => u.searchParams.has("resource"));
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Close");
    await dialog.getByRole("heading", { level: 2, name: title }).waitFor();
    const drawerViolations = await axe(page, ".drawer");
    assert.deepEqual(drawerViolations, [], describeViolations(drawerViolations));
    await shoot(page, "search-drawer-1280");
    for (let i = 0; i < 30; i++) await page.keyboard.press("Tab");
    assert.ok(await page.evaluate(() => Boolean(document.activeElement?.closest(".drawer"))), "focus stays in the drawer");
    await page.keyboard.press("Escape");
    await waitForUrl(page, (u) => !u.searchParams.has("resource"));
    await dialog.waitFor({ state: "detached" });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), title);

    // Reopen the drawer and go to the full resource page.
    await firstResult.click();
    await waitForUrl(page, (u) => u.searchParams.has("resource"));
    const searchWithDrawer = page.url();
    await page.getByRole("link", { name: "View full page" }).click();
    await waitForUrl(page, (u) => u.pathname.startsWith("/resource/"));
    await page.getByRole("heading", { level: 1, name: title }).waitFor();
    assert.equal(await page.title(), `${title} | Learn`);

    // Channel page from the resource's topic or department link.
    const channelLink = page.locator('.info a[href^="/c/"]').first();
    const channelName = (await channelLink.textContent()).trim();
    await channelLink.click();
    await waitForUrl(page, (u) => u.pathname.startsWith("/c/"));
    await page.getByRole("heading", { level: 1, name: channelName }).waitFor();
    assert.match(await page.getByRole("status").textContent(), /results?/);

    // Back twice: resource page, then the search with the drawer open and sort kept.
    await page.goBack();
    await waitForUrl(page, (u) => u.pathname.startsWith("/resource/"));
    await page.goBack();
    await waitForUrl(page, (u) => u.pathname === "/search");
    assert.equal(page.url(), searchWithDrawer);
    await page.getByRole("dialog").waitFor();
    assert.equal(await page.getByLabel("Sort by").inputValue(), "new");
    assert.equal(url(page).searchParams.get("q"), "algorithms");
    await page.goBack();
    await waitForUrl(page, (u) => !u.searchParams.has("resource"));
    // Back/forward restore from the router cache: the URL changes at popstate, the tree a moment later.
    await page.getByRole("dialog").waitFor({ state: "detached" });
    assert.equal(await page.getByLabel("Sort by").inputValue(), "new");
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  it("tabs carry counts and switching a tab filters by group", async () => {
    const page = await newPage(browser);
    await page.goto(`${BASE}/search?q=physics`);
    const tabs = page.getByRole("navigation", { name: "Resource categories" });
    const all = await tabs.getByRole("link", { name: /^All/ }).textContent();
    assert.match(all, /All \([\d,]+\)/);
    await tabs.getByRole("link", { name: /^Courses/ }).click();
    await waitForUrl(page, (u) => u.searchParams.get("tab") === "course");
    assert.equal(await tabs.getByRole("link", { name: /^Courses/ }).getAttribute("aria-current"), "page");
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});

async function assertChecked(page, label) {
  const box = page.getByRole("group", { name: "Topic" }).getByRole("checkbox", { name: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`) });
  assert.ok(await box.isChecked(), `${label} is checked`);
}

describe("pages, accessibility and screenshots", () => {
  const pages = [
    ["home", "/"],
    ["search", "/search?q=machine+learning&free=true"],
    ["topics", "/topics"],
    ["departments", "/departments"],
    ["units", "/units"],
    ["podcasts", "/podcasts"],
    ["videos", "/videos"],
    ["not-found", "/no/such/page"],
  ];

  it("resolves a resource and a channel to screenshot", async () => {
    const page = await newPage(browser);
    await page.goto(`${BASE}/search?q=linear+algebra`);
    const href = await page.locator(".result-list .card-title a").first().getAttribute("href");
    const id = new URLSearchParams(href.split("?")[1]).get("resource");
    pages.push(["resource", `/resource/${id}`]);
    pages.push(["search-drawer", href]);
    await page.goto(`${BASE}/topics`);
    pages.push(["channel-topic", await page.locator('main a[href^="/c/topic/"]').first().getAttribute("href")]);
    await page.goto(`${BASE}/departments`);
    pages.push(["channel-department", await page.locator('main a[href^="/c/department/"]').first().getAttribute("href")]);
    await page.goto(`${BASE}/units`);
    pages.push(["channel-unit", await page.locator('main a[href^="/c/unit/"]').first().getAttribute("href")]);
    await page.context().close();
  });

  for (const width of [1280, 360]) {
    it(`every page at ${width}px: no serious/critical axe violations, no horizontal overflow`, async () => {
      const page = await newPage(browser, width);
      const failures = [];
      for (const [name, path] of pages) {
        const response = await page.goto(`${BASE}${path}`);
        await page.waitForLoadState("networkidle");
        if (name === "not-found") assert.equal(response.status(), 404);
        else assert.equal(response.status(), 200, `${path} answers 200`);
        await shoot(page, `${name}-${width}`);
        const violations = await axe(page);
        if (violations.length) failures.push(`${name}:\n${describeViolations(violations)}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 1) failures.push(`${name}: page is ${overflow}px wider than the ${width}px viewport`);
      }
      assert.deepEqual(failures, []);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });
  }
});

describe("bad input and metadata", () => {
  it("a malformed search URL renders a normal page with a clear message and no reflected script", async () => {
    const page = await newPage(browser);
    const q = encodeURIComponent('<script>alert("x")</script>') + "a".repeat(5000);
    const response = await page.goto(`${BASE}/search?q=${q}&page=-4&resource_type=spaceship&sortby=random&topic=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E`);
    assert.equal(response.status(), 200);
    const note = await page.getByRole("note").textContent();
    assert.match(note, /shortened/);
    assert.match(note, /not a valid page number/);
    assert.match(note, /resource_type=spaceship/);
    assert.equal(await page.locator("main script").count(), 0);
    assert.equal(await page.locator("img[onerror]").count(), 0);
    // errors thrown while the page hydrates and fetches arrive after the first paint
    await page.waitForLoadState("networkidle");
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  it("unknown resources and channels give the 404 page", async () => {
    const page = await newPage(browser);
    for (const path of ["/resource/987654321", "/resource/abc", "/c/topic/no-such-topic", "/c/planet/mars"]) {
      const response = await page.goto(`${BASE}${path}`);
      assert.equal(response.status(), 404, path);
      await page.getByRole("heading", { name: "Page not found" }).waitFor();
    }
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  it("robots, sitemap, noindex on search and Open Graph on resource pages", async () => {
    const robots = await (await fetch(`${BASE}/robots.txt`)).text();
    assert.match(robots, /Disallow: \/search/);
    const sitemap = await (await fetch(`${BASE}/sitemap.xml`)).text();
    assert.ok(/<loc>[^<]*\/resource\/\d+<\/loc>/.test(sitemap), "sitemap lists resource pages");
    assert.ok(/<loc>[^<]*\/c\/topic\/[^<]+<\/loc>/.test(sitemap), "sitemap lists topic channels");
    const page = await newPage(browser);
    await page.goto(`${BASE}/search?q=energy`);
    assert.match(await page.locator('meta[name="robots"]').getAttribute("content"), /noindex/);
    const id = new URLSearchParams((await page.locator(".result-list .card-title a").first().getAttribute("href")).split("?")[1]).get("resource");
    await page.goto(`${BASE}/resource/${id}`);
    assert.ok(await page.locator('meta[property="og:title"]').getAttribute("content"));
    assert.equal(await page.locator('meta[name="robots"]').count(), 0);
    await page.context().close();
  });
});
