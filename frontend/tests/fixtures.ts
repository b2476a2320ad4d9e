// Small builders for API-shaped payloads used by component tests (fetch is mocked at the boundary).
import type { Resource, SearchResponse } from "@/api/client";
import { vi } from "vitest";

export function resource(over: Partial<Record<string, unknown>> = {}): Resource {
  return {
    id: 1,
    title: "Introduction to Algorithms",
    resource_type: "course",
    readable_id: "6.006",
    description: "<p>Algorithms &amp; data structures.</p>",
    url: "https://ocw.example/6-006",
    image: { id: 1, url: "https://img.example/6006.jpg", alt: "" },
    offered_by: { code: "ocw", name: "MIT OpenCourseWare", channel_url: "https://learn.example/c/unit/ocw/" },
    platform: { code: "ocw", name: "OCW" },
    topics: [{ id: 3, name: "Computer Science", channel_url: "https://learn.example/c/topic/computer-science/" }],
    departments: [{ department_id: "6", name: "Electrical Engineering and Computer Science", channel_url: null, school: null }],
    certification: false,
    certification_type: { code: "none", name: "No Certificate" },
    free: true,
    prices: [],
    resource_prices: [],
    delivery: [{ code: "online", name: "Online" }],
    runs: [
      {
        id: 11,
        run_id: "fall-2020",
        title: "Fall 2020",
        semester: "Fall",
        year: 2020,
        start_date: null,
        end_date: null,
        level: [{ code: "undergraduate", name: "Undergraduate" }],
        instructors: [{ id: 1, first_name: "Erik", last_name: "Demaine", full_name: "Prof. Erik Demaine" }],
        delivery: [{ code: "online", name: "Online" }],
        format: [],
        pace: [],
        resource_prices: [],
        image: null,
      },
    ],
    best_run_id: 11,
    languages: ["en"],
    views: 10,
    ...over,
  } as unknown as Resource;
}

export function searchResponse(over: Partial<SearchResponse> = {}, results: Resource[] = [resource()]): SearchResponse {
  return {
    count: results.length,
    next: null,
    previous: null,
    results,
    metadata: {
      aggregations: {
        resource_type: [
          { key: "course", doc_count: 40 },
          { key: "video", doc_count: 70 },
          { key: "podcast", doc_count: 0 },
        ],
        topic: Array.from({ length: 8 }, (_, i) => ({ key: `Topic ${i}`, doc_count: 100 - i })),
        free: [
          { key: "true", doc_count: 90 },
          { key: "false", doc_count: 20 },
        ],
        resource_type_group: [
          { key: "course", doc_count: 40 },
          { key: "learning_material", doc_count: 70 },
        ],
      },
      suggestions: [],
    },
    ...over,
  } as SearchResponse;
}

type Route = (url: URL) => unknown | Response | undefined;

/** Stubs global fetch: each call is answered by the first route returning something; others 404. */
export function mockFetch(route: Route) {
  const calls: URL[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    calls.push(url);
    const out = route(url);
    if (out instanceof Response) return out;
    if (out === undefined) return new Response(JSON.stringify({ detail: "Not found." }), { status: 404, headers: { "content-type": "application/json" } });
    return new Response(JSON.stringify(out), { status: 200, headers: { "content-type": "application/json" } });
  });
  vi.stubGlobal("fetch", fn);
  return { fn, calls };
}

export const router = { push: vi.fn(), replace: vi.fn(), back: vi.fn(), forward: vi.fn(), refresh: vi.fn(), prefetch: vi.fn() };
