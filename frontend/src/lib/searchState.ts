// The search page's whole state lives in the URL. These pure functions parse it (defensively: the URL is
// user input), serialise it back, and translate it into API query parameters.
import { SORT_LABELS, TAB_LABELS } from "./labels";

export const FACET_NAMES = [
  "resource_type",
  "certification_type",
  "delivery",
  "department",
  "topic",
  "offered_by",
  "free",
  "resource_category",
  "instructor",
] as const;
/** Facets accepted from the URL (shown when present) beyond the default ones. */
export const EXTRA_FACET_NAMES = ["level", "platform", "course_feature"] as const;
export type FacetName = (typeof FACET_NAMES)[number] | (typeof EXTRA_FACET_NAMES)[number];
export const ALL_FACETS: readonly FacetName[] = [...FACET_NAMES, ...EXTRA_FACET_NAMES];

export const TABS = ["all", "course", "program", "learning_material"] as const;
export type Tab = (typeof TABS)[number];
export const SORTS = ["", "new", "-views", "upcoming"] as const;
export type Sort = (typeof SORTS)[number];
export type Professional = "" | "true" | "false";

export const PAGE_SIZE = 20;
export const MAX_Q_LENGTH = 200;
export const MAX_PAGE = 500;
const MAX_VALUES_PER_FACET = 25;

/** Allowed values for facets whose values form a closed set; other facets get a shape check. */
const ENUM_VALUES: Partial<Record<FacetName, readonly string[]>> = {
  resource_type: ["course", "program", "learning_path", "podcast", "podcast_episode", "video", "video_playlist", "document"],
  certification_type: ["micromasters", "professional", "completion", "none"],
  delivery: ["online", "hybrid", "in_person", "offline"],
  free: ["true", "false"],
  level: ["undergraduate", "graduate", "high_school", "noncredit", "advanced", "intermediate", "introductory"],
};
const FREE_TEXT = /^[\p{L}\p{N} &,.:'()\/+-]{1,120}$/u;
const CODE = /^[A-Za-z0-9_.-]{1,40}$/;
const SHAPES: Partial<Record<FacetName, RegExp>> = {
  topic: FREE_TEXT,
  resource_category: FREE_TEXT,
  department: CODE,
  offered_by: CODE,
  platform: CODE,
  course_feature: FREE_TEXT,
  instructor: FREE_TEXT,
};

export interface SearchState {
  q: string;
  facets: Partial<Record<FacetName, string[]>>;
  sort: Sort;
  page: number;
  tab: Tab;
  professional: Professional;
  resource: string | null;
}

export type RawParams = Record<string, string | string[] | undefined>;

export const EMPTY_STATE: SearchState = { q: "", facets: {}, sort: "", page: 1, tab: "all", professional: "", resource: null };

function all(raw: RawParams, key: string): string[] {
  const v = raw[key];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}
function first(raw: RawParams, key: string): string | undefined {
  return all(raw, key)[0];
}

export function isValidFacetValue(name: FacetName, value: string): boolean {
  const allowed = ENUM_VALUES[name];
  if (allowed) return allowed.includes(value);
  const shape = SHAPES[name];
  return shape ? shape.test(value) : false;
}

/** Parses URL search params into a state plus user-facing notes about anything that was ignored. */
export function parseSearchState(raw: RawParams): { state: SearchState; notices: string[] } {
  const notices: string[] = [];
  let q = (first(raw, "q") ?? "").replace(/\s+/g, " ").trim();
  if (q.length > MAX_Q_LENGTH) {
    q = q.slice(0, MAX_Q_LENGTH).trim();
    notices.push(`Your search text was too long and was shortened to ${MAX_Q_LENGTH} characters.`);
  }

  const facets: SearchState["facets"] = {};
  const ignored: string[] = [];
  for (const name of ALL_FACETS) {
    const values = [...new Set(all(raw, name).map((v) => v.trim()).filter(Boolean))];
    const good = values.filter((v) => isValidFacetValue(name, v)).slice(0, MAX_VALUES_PER_FACET);
    ignored.push(...values.filter((v) => !good.includes(v)).map((v) => `${name}=${v.slice(0, 40)}`));
    if (good.length) facets[name] = good;
  }
  if (ignored.length) notices.push(`Some filters in the address were not recognised and were ignored: ${ignored.join(", ")}.`);

  const rawSort = first(raw, "sortby") ?? "";
  let sort: Sort = "";
  if ((SORTS as readonly string[]).includes(rawSort)) sort = rawSort as Sort;
  else notices.push(`Unknown sort order “${rawSort.slice(0, 40)}”; showing best matches.`);

  const rawPage = first(raw, "page");
  let page = 1;
  if (rawPage !== undefined) {
    const n = Number(rawPage);
    if (Number.isInteger(n) && n >= 1 && n <= MAX_PAGE) page = n;
    else notices.push(`Page “${rawPage.slice(0, 20)}” is not a valid page number; showing the first page.`);
  }

  const rawTab = first(raw, "tab") ?? "all";
  let tab: Tab = "all";
  if ((TABS as readonly string[]).includes(rawTab)) tab = rawTab as Tab;
  else notices.push(`Unknown tab “${rawTab.slice(0, 40)}”; showing all results.`);

  const rawProf = first(raw, "professional") ?? "";
  const professional: Professional = rawProf === "true" || rawProf === "false" ? rawProf : "";

  const rawResource = first(raw, "resource");
  const resource = rawResource && /^\d{1,12}$/.test(rawResource) ? rawResource : null;

  return { state: { q, facets, sort, page, tab, professional, resource }, notices };
}

/** Serialises a state into a query string (without "?"), omitting defaults. Stable key order. */
export function toQueryString(state: SearchState, fixed: Partial<Record<FacetName, string[]>> = {}): string {
  const p = new URLSearchParams();
  if (state.q) p.set("q", state.q);
  for (const name of ALL_FACETS) {
    const fixedValues = fixed[name] ?? [];
    for (const v of state.facets[name] ?? []) if (!fixedValues.includes(v)) p.append(name, v);
  }
  if (state.professional) p.set("professional", state.professional);
  if (state.tab !== "all") p.set("tab", state.tab);
  if (state.sort) p.set("sortby", state.sort);
  if (state.page > 1) p.set("page", String(state.page));
  if (state.resource) p.set("resource", state.resource);
  return p.toString();
}

export function hrefFor(pathname: string, state: SearchState, fixed?: Partial<Record<FacetName, string[]>>): string {
  const qs = toQueryString(state, fixed);
  return qs ? `${pathname}?${qs}` : pathname;
}

/** State transitions. Any change of the result set goes back to page 1 and closes the drawer. */
export function toggleFacet(state: SearchState, name: FacetName, value: string): SearchState {
  const current = state.facets[name] ?? [];
  const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
  const facets = { ...state.facets, [name]: next };
  if (!next.length) delete facets[name];
  return { ...state, facets, page: 1, resource: null };
}
export function clearFacets(state: SearchState, keep: Partial<Record<FacetName, string[]>> = {}): SearchState {
  return { ...state, facets: { ...keep }, professional: "", page: 1, resource: null };
}
export function withSort(state: SearchState, sort: Sort): SearchState {
  return { ...state, sort, page: 1, resource: null };
}
export function withTab(state: SearchState, tab: Tab): SearchState {
  return { ...state, tab, page: 1, resource: null };
}
export function withPage(state: SearchState, page: number): SearchState {
  return { ...state, page, resource: null };
}
export function withProfessional(state: SearchState, professional: Professional): SearchState {
  return { ...state, professional, page: 1, resource: null };
}
export function withResource(state: SearchState, resource: string | null): SearchState {
  return { ...state, resource };
}
export function withQuery(state: SearchState, q: string): SearchState {
  return { ...state, q, page: 1, resource: null };
}

export type ApiQuery = Record<string, string | string[] | number | boolean>;

/** API query parameters for the state (the aggregations asked for are the default facets + active ones). */
export function toApiQuery(state: SearchState, opts: { includeTab?: boolean } = {}): ApiQuery {
  const query: ApiQuery = {
    limit: PAGE_SIZE,
    offset: (state.page - 1) * PAGE_SIZE,
  };
  if (state.q) query.q = state.q;
  for (const name of ALL_FACETS) {
    const values = state.facets[name];
    if (!values?.length) continue;
    // Cost is one boolean: "Free" and "Paid" both chosen is no filter at all.
    if (name === "free") {
      if (values.length === 1) query.free = values[0];
    } else query[name] = values;
  }
  if (state.professional) query.professional = state.professional;
  if (state.sort) query.sortby = state.sort;
  if (opts.includeTab !== false && state.tab !== "all") query.resource_type_group = [state.tab];
  const aggregations = new Set<string>([...FACET_NAMES, "resource_type_group", "professional"]);
  for (const name of EXTRA_FACET_NAMES) if (state.facets[name]?.length) aggregations.add(name);
  query.aggregations = [...aggregations];
  return query;
}

export function sortLabel(sort: Sort): string {
  return SORT_LABELS[sort];
}
export function tabLabel(tab: Tab): string {
  return TAB_LABELS[tab];
}

/** Search parameters as lists of strings (a saved search, a feed's query). */
export type SearchParams = Record<string, string[]>;

/** The parameters of a state that decide what matches (no paging, sorting or aggregations): what a saved
 * search stores and what its Atom feed asks for. */
export function subscriptionParams(state: SearchState): SearchParams {
  const params: SearchParams = {};
  for (const [name, value] of Object.entries(toApiQuery(state))) {
    if (["limit", "offset", "sortby", "aggregations"].includes(name)) continue;
    params[name] = Array.isArray(value) ? value.map(String) : [String(value)];
  }
  return params;
}

export function searchFeedHref(params: SearchParams): string {
  const p = new URLSearchParams();
  for (const [name, values] of Object.entries(params)) for (const v of values) p.append(name, v);
  return `/feeds/search/?${p.toString()}`;
}
