import { render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SearchView } from "@/components/SearchView";
import { clearMemo } from "@/lib/api";
import { mockFetch, resource, router, searchResponse } from "./fixtures";

vi.mock("next/navigation", () => ({ useRouter: () => router }));

const departments = { count: 1, next: null, previous: null, results: [{ department_id: "6", name: "EECS", channel_url: null, school: null }] };
const offerors = { count: 1, next: null, previous: null, results: [{ code: "ocw", name: "MIT OpenCourseWare", channel_url: null }] };

function api(search: (url: URL) => unknown) {
  return mockFetch((url) => {
    if (url.pathname === "/api/v1/departments/") return departments;
    if (url.pathname === "/api/v1/offerors/") return offerors;
    if (url.pathname === "/api/v1/learning_resources_search/") return search(url);
    if (url.pathname === "/api/v1/learning_resources/5/") return resource({ id: 5, title: "Drawer Course" });
    return undefined;
  });
}

async function renderView(params: Record<string, string | string[]>) {
  const ui = await SearchView({ pathname: "/search", params, heading: "Search" });
  return render(ui);
}

beforeEach(() => clearMemo());
afterEach(() => vi.unstubAllGlobals());

describe("SearchView", () => {
  it("sends the URL state to the API and shows counts, tabs, facets and chips", async () => {
    const { calls } = api(() => searchResponse({ count: 110 }));
    await renderView({ q: "algorithms", resource_type: "video", sortby: "new", page: "2" });

    const searchCall = calls.find((u) => u.pathname === "/api/v1/learning_resources_search/")!;
    expect(searchCall.searchParams.get("q")).toBe("algorithms");
    expect(searchCall.searchParams.getAll("resource_type")).toEqual(["video"]);
    expect(searchCall.searchParams.get("sortby")).toBe("new");
    expect(searchCall.searchParams.get("offset")).toBe("20");

    expect(screen.getByRole("status")).toHaveTextContent("110 results for “algorithms”");
    const tabs = screen.getByRole("navigation", { name: "Resource categories" });
    expect(within(tabs).getByRole("link", { name: /All \(110\)/ })).toHaveAttribute("aria-current", "page");
    expect(within(tabs).getByRole("link", { name: /Learning Materials \(70\)/ })).toBeInTheDocument();

    // Resource type facet: zero counts hidden, sorted by count.
    const facet = screen.getByRole("group", { name: "Resource type" });
    const labels = within(facet).getAllByRole("checkbox").map((c) => c.closest("label")!.textContent);
    expect(labels).toEqual(["Video70", "Course40"]);
    expect(within(facet).getByRole("checkbox", { name: /Video/ })).toBeChecked();

    // Topic facet shows 5 of 8 values with a "show more" control.
    const topics = screen.getByRole("group", { name: "Topic" });
    expect(within(topics).getAllByRole("checkbox")).toHaveLength(5);
    expect(within(topics).getByRole("button", { name: /Show 3 more/ })).toHaveAttribute("aria-expanded", "false");

    // Chip removes the filter and goes back to page 1; clear-all keeps q and sort.
    expect(screen.getByRole("link", { name: "Remove filter Resource type: Video" })).toHaveAttribute("href", "/search?q=algorithms&sortby=new");
    expect(screen.getByRole("link", { name: "Clear all" })).toHaveAttribute("href", "/search?q=algorithms&sortby=new");
    // Free facet shows only the "Free" value.
    const cost = screen.getByRole("group", { name: "Cost" });
    expect(within(cost).getAllByRole("checkbox")).toHaveLength(1);
  });

  it("offers no dead ends: empty tabs, one-value groups and a one-sided audience toggle are hidden", async () => {
    api(() =>
      searchResponse({
        count: 110,
        metadata: {
          aggregations: {
            resource_type_group: [{ key: "course", doc_count: 110 }],
            offered_by: [{ key: "ocw", doc_count: 110 }],
            free: [{ key: "true", doc_count: 110 }],
            topic: [
              { key: "Physics", doc_count: 60 },
              { key: "Mathematics", doc_count: 50 },
            ],
            professional: [{ key: "false", doc_count: 110 }],
          },
          suggestions: [],
        },
      }),
    );
    await renderView({ q: "x" });
    const tabs = screen.getByRole("navigation", { name: "Resource categories" });
    expect(within(tabs).getAllByRole("link").map((a) => a.textContent)).toEqual(["All (110)", "Courses (110)"]);
    expect(screen.queryByRole("group", { name: "Offered by" })).toBeNull();
    expect(screen.queryByRole("group", { name: "Cost" })).toBeNull();
    expect(screen.queryByRole("group", { name: "Audience" })).toBeNull();
    expect(screen.getByRole("group", { name: "Topic" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Filters (0)" })).toBeInTheDocument();
  });

  it("pins a channel's filter: its group is not offered and URL values of it cannot widen the channel", async () => {
    const { calls } = api(() => searchResponse({ count: 110 }));
    const ui = await SearchView({ pathname: "/c/department/eecs", params: { department: "18", topic: "Topic 1" }, fixed: { department: ["6"] }, heading: "Search EECS" });
    render(ui);
    const searches = calls.filter((u) => u.pathname === "/api/v1/learning_resources_search/");
    for (const u of searches) expect(u.searchParams.getAll("department")).toEqual(["6"]);
    expect(searches[0].searchParams.getAll("topic")).toEqual(["Topic 1"]);
    expect(screen.queryByRole("group", { name: "Department" })).toBeNull();
    expect(screen.getByRole("link", { name: "Remove filter Topic: Topic 1" })).toHaveAttribute("href", "/c/department/eecs");
  });

  it("filters by instructor and shows the instructor facet", async () => {
    const { calls } = api(() =>
      searchResponse({
        count: 11,
        metadata: { aggregations: { instructor: [{ key: "Gilbert Strang", doc_count: 11 }, { key: "Alan Edelman", doc_count: 2 }] }, suggestions: [] },
      }),
    );
    await renderView({ instructor: "Gilbert Strang" });
    const searchCall = calls.find((u) => u.pathname === "/api/v1/learning_resources_search/")!;
    expect(searchCall.searchParams.getAll("instructor")).toEqual(["Gilbert Strang"]);
    expect(searchCall.searchParams.getAll("aggregations")).toContain("instructor");
    expect(within(screen.getByRole("group", { name: "Instructor" })).getByRole("checkbox", { name: /Gilbert Strang/ })).toBeChecked();
    expect(screen.getByRole("link", { name: "Remove filter Instructor: Gilbert Strang" })).toBeInTheDocument();
  });

  it("asks for tab counts without the tab filter when a tab is selected", async () => {
    const { calls } = api((url) =>
      url.searchParams.get("resource_type_group") ? searchResponse({ count: 40 }) : searchResponse({ count: 110 }),
    );
    await renderView({ q: "x", tab: "course" });
    const searches = calls.filter((u) => u.pathname === "/api/v1/learning_resources_search/");
    expect(searches).toHaveLength(2);
    expect(searches.some((u) => !u.searchParams.has("resource_type_group"))).toBe(true);
    expect(screen.getByRole("status")).toHaveTextContent("40 results");
    expect(screen.getByRole("link", { name: /Courses \(40\)/ })).toHaveAttribute("aria-current", "page");
  });

  it("links a did-you-mean suggestion and highlights matches safely", async () => {
    const hl = resource({ highlight: { title: ["Intro to <em>Algorithms</em><img src=x onerror=alert(1)>"] } });
    api(() => searchResponse({ metadata: { aggregations: {}, suggestions: ["algorithms"] } }, [hl]));
    const { container } = await renderView({ q: "algorithsm" });
    expect(screen.getByRole("link", { name: "algorithms" })).toHaveAttribute("href", "/search?q=algorithms");
    expect(container.querySelector("mark")).toHaveTextContent("Algorithms");
    expect(container.querySelector("img[onerror]")).toBeNull();
  });

  it("renders bad input as a normal page with notices and no reflected script", async () => {
    api(() => searchResponse({ count: 0 }, []));
    const { container } = await renderView({ q: "<script>alert(1)</script>", page: "-2", resource_type: "spaceship" });
    expect(container.querySelector("script")).toBeNull();
    expect(screen.getByRole("note")).toHaveTextContent(/not a valid page number/);
    expect(screen.getByRole("note")).toHaveTextContent(/resource_type=spaceship/);
    expect(screen.getByRole("status")).toHaveTextContent("0 results for “<script>alert(1)</script>”");
    expect(screen.getByRole("heading", { name: "No results found" })).toBeInTheDocument();
  });

  it("shows a friendly error with retry when the API is down, and logs the cause", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    vi.stubGlobal("fetch", vi.fn(async () => {
      throw new TypeError("fetch failed: ECONNREFUSED");
    }));
    await renderView({ q: "x", topic: "AI" });
    expect(screen.getByRole("alert")).toHaveTextContent(/not responding/);
    expect(screen.getByRole("link", { name: "Try again" })).toHaveAttribute("href", "/search?q=x&topic=AI");
    expect(log.mock.calls.some((c) => String(c[0]).includes("API unreachable"))).toBe(true);
    log.mockRestore();
  });

  it("opens the drawer for ?resource=<id> with the resource's details", async () => {
    api(() => searchResponse());
    await renderView({ q: "x", resource: "5" });
    const dialog = screen.getByRole("dialog", { name: "Drawer Course" });
    expect(within(dialog).getByRole("heading", { level: 2, name: "Drawer Course" })).toBeInTheDocument();
    expect(within(dialog).getByRole("link", { name: "View full page" })).toHaveAttribute("href", "/resource/5");
  });
});
