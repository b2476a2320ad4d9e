// Server-side data access: every call to the API goes through here. Failures are classified so pages can
// show a friendly message (API down vs. not found) while the server logs the cause.
import { apiOrigin, makeClient, type Channel, type ChannelCounts, type ContentFileSearchResponse, type Department, type Offeror, type Resource, type SearchResponse, type Topic } from "@/api/client";
import type { ApiQuery } from "./searchState";

export class ApiUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ApiUnavailableError";
  }
}
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotFoundError";
  }
}

type Result<T> = { data?: T; error?: unknown; response: Response };

async function call<T>(what: string, run: () => Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await run();
  } catch (cause) {
    console.error(`[learn-web] API unreachable while fetching ${what}:`, cause);
    throw new ApiUnavailableError(`The catalog service could not be reached (${what}).`, { cause });
  }
  const { response, data } = result;
  if (response.status === 404) throw new NotFoundError(`${what} not found`);
  if (!response.ok || data === undefined) {
    console.error(`[learn-web] API error ${response.status} while fetching ${what}:`, result.error);
    throw new ApiUnavailableError(`The catalog service answered ${response.status} (${what}).`);
  }
  return data;
}

/** Short in-process memo for slow-changing lists (taxonomy), so pages don't refetch them every request. */
const memo = new Map<string, { at: number; value: Promise<unknown> }>();
const MEMO_MS = 5 * 60 * 1000;
function memoized<T>(key: string, load: () => Promise<T>): Promise<T> {
  const hit = memo.get(key);
  if (hit && Date.now() - hit.at < MEMO_MS) return hit.value as Promise<T>;
  const value = load();
  memo.set(key, { at: Date.now(), value });
  value.catch(() => memo.delete(key));
  return value;
}
export function clearMemo(): void {
  memo.clear();
}

/** Query string with repeated keys for arrays (the API's `form` + `explode` style). */
export function toSearchParams(query: ApiQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  }
  return params;
}

export function search(query: ApiQuery): Promise<SearchResponse> {
  // Not in our OpenAPI schema (plain Django view), so this one call uses fetch with the hand-written type.
  const url = `${apiOrigin()}/api/v1/learning_resources_search/?${toSearchParams(query)}`;
  return call<SearchResponse>("search results", async () => {
    const response = await globalThis.fetch(url, { cache: "no-store", headers: { accept: "application/json" } });
    const data = response.ok ? ((await response.json()) as SearchResponse) : undefined;
    return { data, error: data ? undefined : await response.text().catch(() => ""), response };
  });
}

export function getResource(id: number): Promise<Resource> {
  const client = makeClient();
  return call(`resource ${id}`, () =>
    client.GET("/api/v1/learning_resources/{id}/", { params: { path: { id: String(id) } }, cache: "no-store" }),
  );
}

/** Child resources (program courses, playlist videos, podcast episodes). Empty when unavailable. */
export async function getItems(id: number, limit = 12): Promise<Resource[]> {
  const client = makeClient();
  try {
    const page = await call(`items of ${id}`, () =>
      client.GET("/api/v1/learning_resources/{learning_resource_id}/items/", {
        params: { path: { learning_resource_id: id }, query: { limit } },
        cache: "no-store",
      }),
    );
    return page.results.map((rel) => rel.resource).filter((r): r is Resource => Boolean(r));
  } catch {
    return [];
  }
}

/** Similar resources; the semantic endpoint is optional, so any failure gives an empty list. */
export async function getSimilar(id: number, limit = 12): Promise<Resource[]> {
  const client = makeClient();
  try {
    const { data, response } = await client.GET("/api/v1/learning_resources/{id}/vector_similar/", {
      params: { path: { id }, query: { limit } as never },
      cache: "no-store",
    });
    if (response.ok && Array.isArray(data)) return (data as Resource[]).filter((r) => r.id !== id).slice(0, limit);
  } catch {
    /* optional endpoint */
  }
  return [];
}

export function getFeatured(query: { free?: boolean; certification?: boolean; professional?: boolean; limit?: number }): Promise<Resource[]> {
  const client = makeClient();
  return call("featured resources", () =>
    client.GET("/api/v1/featured/", { params: { query: { limit: 12, ...query } }, cache: "no-store" }),
  ).then((page) => page.results);
}

async function allPages<T>(what: string, fetchPage: (offset: number) => Promise<Result<{ results: T[]; next?: string | null; count?: number }>>): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0, guard = 0; guard < 20; guard++) {
    const page = await call(what, () => fetchPage(offset));
    out.push(...page.results);
    if (!page.next || !page.results.length) break;
    offset += page.results.length;
  }
  return out;
}

export function getTopics(): Promise<Topic[]> {
  const client = makeClient();
  return memoized("topics", () =>
    allPages("topics", (offset) => client.GET("/api/v1/topics/", { params: { query: { limit: 500, offset } }, cache: "no-store" })),
  );
}
export function getDepartments(): Promise<Department[]> {
  const client = makeClient();
  return memoized("departments", () =>
    allPages("departments", (offset) => client.GET("/api/v1/departments/", { params: { query: { limit: 500, offset } }, cache: "no-store" })),
  );
}
export function getOfferors(): Promise<Offeror[]> {
  const client = makeClient();
  return memoized("offerors", () =>
    allPages("offerors", (offset) => client.GET("/api/v1/offerors/", { params: { query: { limit: 500, offset } }, cache: "no-store" })),
  );
}

/** One channel by type and name (`/api/v0/channels/type/{type}/{name}/`); NotFoundError when there is none. */
export function getChannel(type: string, name: string): Promise<Channel> {
  const client = makeClient();
  return call(`channel ${type}/${name}`, () =>
    client.GET("/api/v0/channels/type/{channel_type}/{name}/", { params: { path: { channel_type: type, name } }, cache: "no-store" }),
  );
}

/** Published channels, of one type or all (`/api/v0/channels/`). */
export function getChannels(type?: "topic" | "department" | "unit" | "pathway"): Promise<Channel[]> {
  const client = makeClient();
  return memoized(`channels:${type ?? ""}`, () =>
    allPages(`${type ?? "all"} channels`, (offset) =>
      client.GET("/api/v0/channels/", { params: { query: { limit: 100, offset, ...(type ? { channel_type: type } : {}) } }, cache: "no-store" }),
    ),
  );
}

/** Published channels of a type with their course and program counts (`/api/v0/channels/counts/{type}/`). */
export function getChannelCounts(type: string): Promise<ChannelCounts[]> {
  const client = makeClient();
  return memoized(`channel-counts:${type}`, () =>
    call(`${type} channel counts`, () => client.GET("/api/v0/channels/counts/{channel_type}/", { params: { path: { channel_type: type } }, cache: "no-store" })),
  );
}

/** Lists of one resource type (podcasts, videos, …) through the search endpoint, newest first. */
export function listByType(resourceType: string, limit = 24, offset = 0): Promise<SearchResponse> {
  return search({ resource_type: [resourceType], limit, offset, sortby: "new" });
}

/** A course's content files (one run), optionally matching `q`, through content_file_search. */
export function courseMaterials(resourceId: number, runId: number | null, q = "", limit = 100): Promise<ContentFileSearchResponse> {
  const client = makeClient();
  return call(`materials of ${resourceId}`, () =>
    client.GET("/api/v1/content_file_search/", {
      params: {
        query: {
          resource_id: [resourceId],
          ...(runId ? { run_id: [runId] } : {}),
          ...(q ? { q } : { sortby: "id" as const }),
          limit,
        },
      },
      cache: "no-store",
    }),
  );
}

export interface CatalogCounts {
  total: number;
  byType: Map<string, number>;
  byOfferor: Map<string, number>;
  byDepartment: Map<string, number>;
  byTopic: Map<string, number>;
}

/** How many resources each type, unit, department and topic holds: what pages use to offer no dead ends. */
export function catalogCounts(): Promise<CatalogCounts> {
  return memoized("catalog-counts", async () => {
    const data = await search({ limit: 0, aggregations: ["resource_type", "offered_by", "department", "topic"] });
    const aggs = (data.metadata.aggregations ?? {}) as Record<string, { key: string; doc_count: number }[] | undefined>;
    const map = (name: string) => new Map((aggs[name] ?? []).map((b) => [String(b.key), b.doc_count]));
    return { total: data.count, byType: map("resource_type"), byOfferor: map("offered_by"), byDepartment: map("department"), byTopic: map("topic") };
  });
}
