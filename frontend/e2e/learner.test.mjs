// The learner's everyday tasks (issue 14), each at 1280 and 360 px in Chromium, with axe scans and screenshots:
// course identity on cards, instructor links, filtering within a channel, no empty tab, Markdown descriptions,
// the phone filter sheet, a course's materials.
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

const PHONE = 360;
const countOf = (text) => Number(String(text).trim().split(" ")[0].replace(/,/g, ""));
async function settle(page, predicate) {
  await page.waitForURL((u) => predicate(new URL(u)), { timeout: 20000 });
  await page.waitForLoadState("networkidle");
}
// The API itself (ci.sh exports LEARN_API_ORIGIN): what the site shows is checked against it.
const API = (process.env.LEARN_API_ORIGIN || process.env.LEARN_API_URL || BASE).replace(/\/$/, "");
async function api(path) {
  const response = await fetch(`${API}${path}`, { headers: { accept: "application/json" } });
  assert.equal(response.status, 200, path);
  return response.json();
}
async function noSeriousViolations(page, name) {
  const violations = await axe(page);
  assert.deepEqual(violations, [], `${name}: ${describeViolations(violations)}`);
}
/** The number of results a search view shows, once its results have streamed in. */
async function shownCount(page) {
  const status = page.locator(".search-view .result-count");
  await status.waitFor();
  return countOf(await status.textContent());
}
/** On phones the filters sit behind the "Filters (n)" button: open the sheet first. */
async function openFilters(page, width) {
  if (width !== PHONE) return page.getByRole("complementary", { name: "Filters" });
  await page.getByRole("button", { name: /^Filters \(\d+\)$/ }).click();
  const sheet = page.getByRole("dialog", { name: "Filters" });
  await sheet.waitFor();
  return sheet;
}
async function closeFilters(page, width) {
  if (width !== PHONE) return;
  const sheet = page.getByRole("dialog", { name: "Filters" });
  await sheet.getByRole("button", { name: /^Show [\d,]+ results?$/ }).click();
  await sheet.waitFor({ state: "detached" });
}

for (const width of [1280, PHONE]) {
  describe(`learner tasks at ${width}px`, () => {
    it("cards tell courses apart: number, term, instructors, level", async () => {
      const page = await newPage(browser, width);
      await page.goto(`${BASE}/search?q=linear+algebra`);
      const cards = page.locator(".result-list .card");
      await cards.first().waitFor();
      const identities = await cards.evaluateAll((els) =>
        els.map((el) => ({
          number: el.querySelector(".course-number")?.textContent?.trim() ?? "",
          term: el.querySelector(".card-term")?.textContent?.trim() ?? "",
          instructors: el.querySelector(".card-instructors")?.textContent?.trim() ?? "",
          level: el.querySelector(".card-level")?.textContent?.trim() ?? "",
          title: el.querySelector(".card-title")?.textContent?.trim() ?? "",
        })),
      );
      // Level shows where the source gives one (the OCW corpus mostly does not).
      const full = identities.filter((c) => c.number && c.term && c.instructors);
      assert.ok(full.length >= identities.length / 2, `most cards carry number, term and instructors: ${JSON.stringify(identities.slice(0, 4))}`);
      for (const c of full) {
        assert.match(c.number, /^[\dA-Z]+(\.[\dA-Z-]+)+$/i);
        assert.match(c.term, /\b(19|20)\d\d$/);
      }
      // Same-titled courses now differ by number or term.
      const byTitle = new Map();
      for (const c of full) byTitle.set(c.title, [...(byTitle.get(c.title) ?? []), `${c.number} ${c.term}`]);
      for (const [title, ids] of byTitle) assert.equal(new Set(ids).size, ids.length, `same-titled "${title}" cards are told apart`);
      await shoot(page, `learner-identity-cards-${width}`);
      await noSeriousViolations(page, "search cards");
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });

    it("an instructor's name on a course links to that instructor's resources", async () => {
      const page = await newPage(browser, width);
      await page.goto(`${BASE}/search?q=linear+algebra`);
      const href = await page.locator(".result-list .card-title a").first().getAttribute("href");
      const id = new URLSearchParams(href.split("?")[1]).get("resource");
      await page.goto(`${BASE}/resource/${id}`);
      const identity = page.getByRole("list", { name: "Course details" });
      await identity.waitFor();
      const link = identity.locator(".resource-instructors a").first();
      const name = (await link.textContent()).trim();
      await shoot(page, `learner-resource-identity-${width}`);
      await link.click();
      await settle(page, (u) => u.pathname === "/search" && u.searchParams.get("instructor") === name);
      const count = await shownCount(page);
      assert.ok(count >= 1, "the instructor has results");
      await page.getByRole("link", { name: `Remove filter Instructor: ${name}` }).waitFor();
      const expected = await api(`/api/v1/learning_resources_search/?instructor=${encodeURIComponent(name)}&limit=100`);
      assert.equal(count, expected.count, "the site shows the API's instructor filter count");
      assert.ok(expected.results.some((r) => String(r.id) === id), "the course we came from is among them");
      for (const r of expected.results) {
        const taught = r.runs.flatMap((run) => run.instructors.map((i) => i.full_name));
        assert.ok(taught.includes(name), `${r.title} is taught by ${name}`);
      }
      const filters = await openFilters(page, width);
      assert.ok(await filters.getByRole("group", { name: "Instructor" }).getByRole("checkbox", { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`) }).isChecked());
      await closeFilters(page, width);
      await shoot(page, `learner-instructor-search-${width}`);
      await noSeriousViolations(page, "instructor search");
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });

    it("a department page filters within the department, with counts within it", async () => {
      const page = await newPage(browser, width);
      await page.goto(`${BASE}/departments`);
      const channel = await page.locator('main a[href^="/c/department/"]', { hasText: "Electrical Engineering" }).first().getAttribute("href");
      await page.goto(`${BASE}${channel}`);
      const heading = (await page.getByRole("heading", { level: 1 }).textContent()).trim();
      // The results stream in after the channel header (a loading status shows meanwhile).
      const status = page.locator(".result-count");
      await status.waitFor();
      const total = countOf(await status.textContent());
      assert.ok(total > 0);
      const filters = await openFilters(page, width);
      assert.equal(await filters.getByRole("group", { name: "Department" }).count(), 0, "the channel's own filter is not offered");
      const topics = filters.getByRole("group", { name: "Topic" });
      const counts = (await topics.locator(".facet-count").allTextContents()).map(Number);
      assert.ok(counts.length > 0 && counts.every((n) => n <= total), `topic counts are within the department (${counts} ≤ ${total})`);
      const label = (await topics.locator(".facet-label").first().textContent()).trim();
      await topics.getByRole("checkbox").first().click();
      await settle(page, (u) => u.pathname === channel && u.searchParams.getAll("topic").includes(label));
      if (width === PHONE) {
        // The sheet stays open with the new count on its button.
        const show = page.getByRole("dialog", { name: "Filters" }).getByRole("button", { name: /^Show [\d,]+ results?$/ });
        await show.waitFor();
        await shoot(page, `learner-channel-sheet-${width}`);
      }
      await closeFilters(page, width);
      const narrowed = countOf(await status.textContent());
      assert.ok(narrowed <= total, `a filter narrows within the department (${narrowed} ≤ ${total})`);
      assert.equal((await page.getByRole("heading", { level: 1 }).textContent()).trim(), heading);
      const department = decodeURIComponent(channel.split("/").pop());
      const departments = await api("/api/v1/departments/?limit=500");
      const id = departments.results.find((d) => d.channel_url?.includes(`/department/${department}/`) || d.name === heading)?.department_id;
      const expected = await api(`/api/v1/learning_resources_search/?department=${encodeURIComponent(id)}&topic=${encodeURIComponent(label)}&limit=0`);
      assert.equal(narrowed, expected.count, "the count is the department ∩ topic count");
      await shoot(page, `learner-channel-filtered-${width}`);
      await noSeriousViolations(page, "channel filtered");
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });

    it("no dead ends: no empty tab, toggle, one-value group, or empty media page is offered", async () => {
      const page = await newPage(browser, width);
      await page.goto(`${BASE}/search?q=energy`);
      const tabs = page.getByRole("navigation", { name: "Resource categories" });
      const labels = await tabs.getByRole("link").allTextContents();
      for (const label of labels) assert.match(label, /\(([1-9][\d,]*)\)$/, `tab "${label}" has something behind it`);
      const total = await shownCount(page);
      const filters = await openFilters(page, width);
      for (const group of await filters.locator("fieldset.facet").all()) {
        const counts = (await group.locator(".facet-count").allTextContents()).map(Number);
        const legend = await group.locator("legend").textContent();
        assert.ok(counts.length >= 2 || counts[0] < total, `filter group "${legend}" offers a real choice`);
      }
      const audience = await api(`/api/v1/learning_resources_search/?q=energy&limit=0&aggregations=professional`);
      const sides = audience.metadata.aggregations.professional.filter((b) => b.doc_count > 0).length;
      assert.equal(await filters.getByRole("group", { name: "Audience" }).count(), sides > 1 ? 1 : 0, "the audience toggle only when both sides hold results");
      await closeFilters(page, width);
      await shoot(page, `learner-no-dead-ends-${width}`);
      // Podcasts and videos are linked only when the catalog holds some; their pages say so honestly.
      const types = await api("/api/v1/learning_resources_search/?limit=0&aggregations=resource_type");
      const has = (t) => types.metadata.aggregations.resource_type.some((b) => t.includes(b.key) && b.doc_count > 0);
      const nav = page.getByRole("navigation", { name: "Main" });
      assert.equal(await nav.getByRole("link", { name: "Podcasts", exact: true }).count(), has(["podcast", "podcast_episode"]) ? 1 : 0);
      assert.equal(await nav.getByRole("link", { name: "Videos", exact: true }).count(), has(["video", "video_playlist"]) ? 1 : 0);
      if (!has(["podcast", "podcast_episode"])) {
        await page.goto(`${BASE}/podcasts`);
        await page.getByText("The catalog holds no podcasts yet.").waitFor();
      }
      // Units: every unit offered has resources.
      await page.goto(`${BASE}/units`);
      for (const text of await page.locator("main .grid-list .facet-count").allTextContents()) assert.ok(countOf(text) > 0, `unit shows ${text}`);
      await noSeriousViolations(page, "units");
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });

    it("a description written in Markdown/HTML keeps its paragraphs; cards show clean text", async () => {
      const page = await newPage(browser, width);
      let structured;
      for (let offset = 0; !structured && offset < 1000; offset += 100) {
        const list = await api(`/api/v1/learning_resources/?limit=100&offset=${offset}`);
        structured = list.results.find((r) => /\n\s*\n|<p>|\*\*/.test(r.description ?? ""));
        if (!list.next) break;
      }
      assert.ok(structured, "the catalog has a description with structure");
      await page.goto(`${BASE}/resource/${structured.id}`);
      const description = page.getByRole("region", { name: "Description" });
      await description.waitFor();
      const paragraphs = await description.locator("p, li").count();
      assert.ok(paragraphs >= 2, `the description keeps its paragraphs (${paragraphs})`);
      const text = await description.textContent();
      assert.doesNotMatch(text, /\*\*|<\/?p>|&amp;|__/);
      await shoot(page, `learner-description-${width}`);
      await noSeriousViolations(page, "resource description");
      await page.goto(`${BASE}/search?q=${encodeURIComponent(structured.title)}`);
      const card = page.locator(`.result-list [data-resource-id="${structured.id}"] .card-description`);
      if (await card.count()) assert.doesNotMatch(await card.textContent(), /\*\*|<\/?p>|__/);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });

    it(width === PHONE ? "phones: results first, filters in a sheet with Show N results" : "wide screens: filters beside the results, no sheet button", async () => {
      const page = await newPage(browser, width);
      await page.goto(`${BASE}/search?q=physics`);
      const button = page.getByRole("button", { name: /^Filters \(\d+\)$/ });
      const firstResult = page.locator(".result-list .card").first();
      await firstResult.waitFor();
      if (width !== PHONE) {
        assert.equal(await button.isVisible(), false);
        assert.ok(await page.getByRole("group", { name: "Topic" }).isVisible());
        await page.context().close();
        return;
      }
      assert.equal((await button.textContent()).trim(), "Filters (0)");
      const top = (await firstResult.boundingBox()).y;
      assert.ok(top < 600, `the first result is on the first phone screen (${top}px of 780)`);
      assert.equal(await page.getByRole("group", { name: "Topic" }).isVisible(), false, "filters are behind the button");
      await shoot(page, `learner-phone-results-${width}`);
      await button.click();
      const sheet = page.getByRole("dialog", { name: "Filters" });
      await sheet.waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("aria-label")), "Close filters");
      await noSeriousViolations(page, "filter sheet");
      const topic = sheet.getByRole("group", { name: "Topic" });
      const label = (await topic.locator(".facet-label").first().textContent()).trim();
      const expected = Number(await topic.locator(".facet-count").first().textContent());
      await topic.getByRole("checkbox").first().click();
      await settle(page, (u) => u.searchParams.getAll("topic").includes(label));
      const show = sheet.getByRole("button", { name: `Show ${expected.toLocaleString("en-US")} ${expected === 1 ? "result" : "results"}` });
      await show.waitFor();
      await shoot(page, `learner-phone-sheet-${width}`);
      await show.click();
      await sheet.waitFor({ state: "detached" });
      assert.equal((await button.textContent()).trim(), "Filters (1)");
      assert.equal(await shownCount(page), expected);
      assert.ok((await firstResult.boundingBox()).y < 650, "results still come first after filtering");
      // Escape closes the sheet and gives focus back to its button.
      await button.click();
      await sheet.waitFor();
      await page.keyboard.press("Escape");
      await sheet.waitFor({ state: "detached" });
      await page.waitForFunction(() => document.activeElement?.classList.contains("filters-button"), null, { timeout: 2000 }).catch(() => {});
      assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), "Filters (1)");
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });

    it("a course page lists its materials by type, linking to the source, with a search within them", async () => {
      const page = await newPage(browser, width);
      const files = await api("/api/v1/content_file_search/?limit=1");
      assert.ok(files.count > 0, "the catalog holds content files (CI loads the recorded OCW course site)");
      const id = files.results[0].resource_id;
      await page.goto(`${BASE}/resource/${id}`);
      const section = page.getByRole("region", { name: "Course materials" });
      await section.waitFor();
      const groups = (await section.locator(".materials-group h3").allTextContents()).map((t) => t.replace(/\s*\(\d+\)$/, "").trim());
      assert.ok(groups.length >= 2, `materials are grouped by type: ${groups}`);
      const hrefs = await section.locator(".materials-list a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
      assert.ok(hrefs.length > 0 && hrefs.every((h) => /^https?:\/\//.test(h)), "each material links to the source");
      await section.scrollIntoViewIfNeeded();
      await shoot(page, `learner-materials-${width}`);
      await noSeriousViolations(page, "materials");
      const all = await section.locator(".materials-list li").count();
      await section.getByRole("searchbox").fill("video");
      await section.getByRole("button", { name: "Search" }).click();
      await settle(page, (u) => u.searchParams.get("materials_q") === "video");
      const found = await page.getByRole("region", { name: "Course materials" }).locator(".materials-list li").count();
      const expected = await api(`/api/v1/content_file_search/?resource_id=${id}&q=video&limit=100`);
      assert.match(await page.getByRole("region", { name: "Course materials" }).getByRole("status").textContent(), new RegExp(`^${expected.count} material`));
      assert.ok(found <= all && found === Math.min(expected.count, 100), `the search narrows the materials (${found} of ${all})`);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    });
  });
}

describe("channels come from the channel API (/api/v0/channels/)", () => {
  it("a department channel: title from the channel API, course count = the counts endpoint, on the listing and on the page", async () => {
    const page = await newPage(browser);
    await page.goto(`${BASE}/departments`);
    const link = page.locator('main a[href^="/c/department/"]', { hasText: "Electrical Engineering" }).first();
    const href = await link.getAttribute("href");
    const name = decodeURIComponent(href.split("/").pop());
    const channel = await api(`/api/v0/channels/type/department/${encodeURIComponent(name)}/`);
    const counts = (await api("/api/v0/channels/counts/department/")).find((c) => c.name === name)?.counts;
    assert.ok(counts && counts.courses > 0, `the counts endpoint has ${name}`);
    const listed = await link.locator("xpath=..").locator(".facet-count").textContent();
    assert.equal(countOf(listed), counts.courses, "the listing shows the counts endpoint's course count");
    await page.goto(`${BASE}${href}?tab=course`);
    assert.equal((await page.getByRole("heading", { level: 1 }).textContent()).trim(), channel.title);
    assert.equal(await shownCount(page), counts.courses, "the channel's courses are the counts endpoint's");
    // The whole channel is the search its search_filter fixes.
    await page.goto(`${BASE}${href}`);
    const expected = await api(`/api/v1/learning_resources_search/?${channel.search_filter}&limit=0`);
    assert.equal(await shownCount(page), expected.count, `the results are the search ${channel.search_filter}`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  it("a topic channel lists its sub-channels from the channel API, titled and linked", async () => {
    const topics = [];
    for (let offset = 0, next = true; next; offset += 100) {
      const list = await api(`/api/v0/channels/?channel_type=topic&limit=100&offset=${offset}`);
      topics.push(...list.results);
      next = Boolean(list.next);
    }
    const parent = topics.find((c) => c.sub_channels.length > 0);
    assert.ok(parent, "some topic channel has sub-channels");
    for (const width of [1280, PHONE]) {
      const page = await newPage(browser, width);
      const response = await page.goto(`${BASE}/c/topic/${encodeURIComponent(parent.name)}`);
      assert.equal(response.status(), 200);
      assert.equal((await page.getByRole("heading", { level: 1 }).textContent()).trim(), parent.title);
      const nav = page.getByRole("navigation", { name: "Subtopics" });
      const hrefs = await nav.getByRole("link").evaluateAll((links) => links.map((a) => [a.getAttribute("href"), a.textContent.trim()]));
      const wanted = [...parent.sub_channels]
        .sort((a, b) => a.position - b.position)
        .map((s) => [`/c/topic/${encodeURIComponent(s.channel)}`, topics.find((c) => c.name === s.channel)?.title ?? s.channel]);
      assert.deepEqual(hrefs, wanted);
      await noSeriousViolations(page, `topic channel ${width}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `no horizontal overflow at ${width}px`);
      await shoot(page, `learner-channel-subtopics-${width}`);
      assert.deepEqual(page.errors, []);
      await page.context().close();
    }
  });
});
