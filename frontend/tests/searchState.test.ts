import { describe, expect, it } from "vitest";
import { MAX_Q_LENGTH, PAGE_SIZE, hrefFor, parseSearchState, toApiQuery, toQueryString, toggleFacet, withPage, withResource, withSort } from "@/lib/searchState";

const parse = (qs: string) => parseSearchState(Object.fromEntries([...new URLSearchParams(qs).keys()].map((k) => [k, new URLSearchParams(qs).getAll(k)])));

describe("parseSearchState", () => {
  it("reads every piece of state from the URL", () => {
    const { state, notices } = parse("q=linear+algebra&topic=Mathematics&topic=Physics&resource_type=course&sortby=new&page=3&tab=course&professional=false&resource=42");
    expect(notices).toEqual([]);
    expect(state).toEqual({
      q: "linear algebra",
      facets: { topic: ["Mathematics", "Physics"], resource_type: ["course"] },
      sort: "new",
      page: 3,
      tab: "course",
      professional: "false",
      resource: "42",
    });
  });

  it("round-trips through the query string", () => {
    const qs = "q=ml&resource_type=course&topic=AI&professional=true&tab=program&sortby=-views&page=2&resource=7";
    const { state } = parse(qs);
    expect(parse(toQueryString(state)).state).toEqual(state);
  });

  it("falls back to page 1 with a notice for negative, zero, fractional and huge pages", () => {
    for (const bad of ["-3", "0", "1.5", "abc", "99999999"]) {
      const { state, notices } = parse(`page=${bad}`);
      expect(state.page).toBe(1);
      expect(notices.join(" ")).toMatch(/not a valid page number/);
    }
  });

  it("shortens a 5,000-character query and says so", () => {
    const { state, notices } = parse(`q=${"a".repeat(5000)}`);
    expect(state.q.length).toBe(MAX_Q_LENGTH);
    expect(notices[0]).toMatch(/shortened/);
  });

  it("drops unknown facet values and unknown facets, reporting the values", () => {
    const { state, notices } = parse("resource_type=spaceship&resource_type=course&delivery=teleport&unknown_facet=x&department=<script>");
    expect(state.facets).toEqual({ resource_type: ["course"] });
    expect(notices.join(" ")).toMatch(/resource_type=spaceship/);
    expect(notices.join(" ")).toMatch(/delivery=teleport/);
    expect(notices.join(" ")).not.toMatch(/unknown_facet/);
  });

  it("keeps script tags in q as plain text (never interpreted)", () => {
    const { state } = parse(`q=${encodeURIComponent("<script>alert(1)</script>")}`);
    expect(state.q).toBe("<script>alert(1)</script>");
  });

  it("rejects unknown sort, tab and a non-numeric resource id", () => {
    const { state, notices } = parse("sortby=random&tab=spaceships&resource=abc");
    expect(state.sort).toBe("");
    expect(state.tab).toBe("all");
    expect(state.resource).toBeNull();
    expect(notices).toHaveLength(2);
  });
});

describe("transitions", () => {
  it("toggling a facet resets the page and closes the drawer", () => {
    const { state } = parse("q=x&page=4&resource=9");
    const next = toggleFacet(state, "topic", "AI");
    expect(next.page).toBe(1);
    expect(next.resource).toBeNull();
    expect(toggleFacet(next, "topic", "AI").facets).toEqual({});
  });

  it("sort resets page; opening the drawer keeps the rest", () => {
    const { state } = parse("q=x&page=4");
    expect(withSort(state, "new").page).toBe(1);
    expect(hrefFor("/search", withResource(withPage(state, 2), "5"))).toBe("/search?q=x&page=2&resource=5");
  });

  it("omits pinned channel filters from URLs", () => {
    const { state } = parse("topic=Physics&topic=AI");
    expect(hrefFor("/c/topic/ai", state, { topic: ["AI"] })).toBe("/c/topic/ai?topic=Physics");
  });
});

describe("toApiQuery", () => {
  it("maps state to API parameters with paging, tab group and aggregations", () => {
    const { state } = parse("q=ml&topic=AI&free=true&tab=course&page=3&sortby=upcoming&level=graduate");
    const q = toApiQuery(state);
    expect(q).toMatchObject({ q: "ml", topic: ["AI"], free: "true", resource_type_group: ["course"], sortby: "upcoming", limit: PAGE_SIZE, offset: 2 * PAGE_SIZE });
    expect(q.aggregations).toEqual(expect.arrayContaining(["resource_type", "topic", "resource_type_group", "level"]));
    expect(toApiQuery(state, { includeTab: false })).not.toHaveProperty("resource_type_group");
  });
});
