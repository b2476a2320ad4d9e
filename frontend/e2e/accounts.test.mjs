// The accounts journey in Chromium: sign in with the OpenID provider (tests/oidc, started by .ci/run) →
// onboarding → favorite a course from search → create an unlisted list, add two items → open its share link
// signed out → sign out. Needs LEARN_OIDC_ISSUER (the provider the API is configured with); without it the
// test skips locally and fails under CI.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { BASE, launch, newPage, shoot } from "./browser.mjs";

const ISSUER = process.env.LEARN_OIDC_ISSUER;
let browser;
before(async () => {
  if (ISSUER) browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function me(page) {
  return page.evaluate(async () => (await fetch("/api/v0/users/me/", { credentials: "same-origin" })).json());
}

async function signInAtProvider(page, login) {
  await page.waitForURL((u) => u.href.startsWith(ISSUER), { timeout: 20000 });
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  await page.locator('button[type="submit"]').click();
  // The consent page of the test provider (first sign-in of this client).
  await page.waitForLoadState("load");
  if (page.url().startsWith(ISSUER)) await page.locator('button[type="submit"]').click();
}

describe("accounts journey", () => {
  it("sign in → onboarding → favorite → unlisted list with two items → share link signed out → sign out", { skip: !ISSUER && !process.env.CI ? "LEARN_OIDC_ISSUER is not set" : false }, async () => {
    assert.ok(ISSUER, "CI must run the journey against the test OpenID provider (LEARN_OIDC_ISSUER)");
    const page = await newPage(browser);
    await page.goto(`${BASE}/search?q=algorithms`);
    await page.getByRole("link", { name: "Sign in" }).click();
    const login = `learner-${Date.now()}`;
    await signInAtProvider(page, login);

    // First sign-in: onboarding, then back to the search page.
    await page.waitForURL((u) => new URL(u).pathname === "/onboarding", { timeout: 20000 });
    await page.getByRole("heading", { name: /Welcome, Learner/ }).waitFor();
    await shoot(page, "accounts-onboarding");
    await page.getByRole("checkbox").first().check();
    for (let step = 0; step < 5; step++) await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("checkbox", { name: "Online" }).check();
    await page.getByRole("button", { name: "Finish" }).click();
    await page.waitForURL((u) => new URL(u).pathname === "/search", { timeout: 20000 });
    const signedIn = await me(page);
    assert.equal(signedIn.username, login);
    assert.equal(signedIn.profile.completed_onboarding, true);

    // Favorite the first course of the search.
    const cards = page.locator("article.card");
    await cards.first().getByRole("button", { name: /Add to favorites/ }).click();
    await cards.first().getByRole("button", { name: /Remove from favorites/ }).waitFor();
    const firstId = Number(await cards.first().getAttribute("data-resource-id"));
    const secondId = Number(await cards.nth(1).getAttribute("data-resource-id"));

    // A new unlisted list on the dashboard, then two items added from the search cards.
    await page.goto(`${BASE}/dashboard`);
    await page.getByLabel("New list").fill("Weekend reading");
    await page.getByLabel("Who can see it").selectOption("unlisted");
    await page.getByRole("button", { name: "Create list" }).click();
    await page.getByRole("link", { name: "Weekend reading" }).waitFor();
    await page.getByRole("link", { name: "Favorites" }).waitFor();
    await page.goto(`${BASE}/search?q=algorithms`);
    for (const index of [0, 1]) {
      const card = page.locator("article.card").nth(index);
      await card.getByRole("button", { name: /Add to list/ }).click();
      // The box turns checked once the API has saved the membership.
      await card.getByRole("checkbox", { name: "Weekend reading" }).click();
      await card.getByRole("checkbox", { name: "Weekend reading", checked: true }).waitFor();
    }
    await page.goto(`${BASE}/dashboard`);
    await page.getByRole("link", { name: "Weekend reading" }).click();
    await page.waitForURL((u) => new URL(u).pathname.startsWith("/lists/"));
    const shareUrl = await page.getByLabel("Share link").inputValue();
    assert.match(shareUrl, /\/lists\/\d+$/);
    await shoot(page, "accounts-list");

    // Signed out (a fresh browser context), the share link shows the two items.
    const stranger = await newPage(browser);
    await stranger.goto(shareUrl);
    await stranger.getByRole("heading", { name: "Weekend reading" }).waitFor();
    const shown = await stranger.locator(".list-items li").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-resource-id"))));
    assert.deepEqual(shown.sort(), [firstId, secondId].sort());
    assert.equal((await me(stranger)).is_authenticated, false);
    await stranger.context().close();

    // Sign out (here and at the provider).
    await page.getByRole("link", { name: "Sign out" }).click();
    await page.waitForURL((u) => u.href.startsWith(ISSUER), { timeout: 20000 });
    const confirm = page.locator('button[autofocus], button[type="submit"]').first();
    if (await confirm.count()) await confirm.click();
    await page.waitForURL((u) => u.href.startsWith(BASE), { timeout: 20000 });
    assert.equal((await me(page)).is_authenticated, false);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});
