import { describe, expect, it } from "vitest";
import { parseSearchState, searchFeedHref, subscriptionParams } from "@/lib/searchState";

describe("saved-search parameters", () => {
  it("keep the text and filters, drop paging, sorting and aggregations", () => {
    const { state } = parseSearchState({ q: "linear algebra", topic: ["Mathematics", "Physics"], sortby: "new", page: "3" });
    expect(subscriptionParams(state)).toEqual({ q: ["linear algebra"], topic: ["Mathematics", "Physics"] });
  });

  it("build the Atom feed link of the same search", () => {
    const { state } = parseSearchState({ q: "waves", department: "8" });
    expect(searchFeedHref(subscriptionParams(state))).toBe("/feeds/search/?q=waves&department=8");
  });
});
