import Link from "next/link";
import type { Department, Offeror, Resource, SearchResponse } from "@/api/client";
import { ApiUnavailableError, NotFoundError, getDepartments, getItems, getOfferors, getResource, getSimilar, search } from "@/lib/api";
import { formatCount } from "@/lib/format";
import { CERTIFICATION_LABELS, DELIVERY_LABELS, LEVEL_LABELS, RESOURCE_TYPE_LABELS, humanize } from "@/lib/labels";
import {
  ALL_FACETS,
  FACET_NAMES,
  PAGE_SIZE,
  SORTS,
  TABS,
  clearFacets,
  hrefFor,
  parseSearchState,
  sortLabel,
  tabLabel,
  toApiQuery,
  toggleFacet,
  withPage,
  withProfessional,
  withQuery,
  withResource,
  withSort,
  withTab,
  type FacetName,
  type RawParams,
  type SearchState,
} from "@/lib/searchState";
import { Carousel } from "./Carousel";
import { Drawer } from "./Drawer";
import { ErrorState } from "./ErrorState";
import { FacetGroup, type FacetOption } from "./FacetGroup";
import { FilterSheet } from "./FilterSheet";
import { Pagination } from "./Pagination";
import { ResourceCard } from "./ResourceCard";
import { ResourceDetails } from "./ResourceDetails";
import { SortSelect } from "./SortSelect";

export const FACET_TITLES: Record<FacetName, string> = {
  resource_type: "Resource type",
  certification_type: "Certificate",
  delivery: "Format",
  department: "Department",
  topic: "Topic",
  offered_by: "Offered by",
  free: "Cost",
  resource_category: "Resource category",
  level: "Level",
  platform: "Platform",
  course_feature: "Course feature",
  instructor: "Instructor",
};

type Bucket = { key: string; doc_count: number };

export function facetValueLabel(name: FacetName, key: string, lookups: { departments: Department[]; offerors: Offeror[] }): string {
  switch (name) {
    case "resource_type":
      return RESOURCE_TYPE_LABELS[key] ?? humanize(key);
    case "certification_type":
      return CERTIFICATION_LABELS[key] ?? humanize(key);
    case "delivery":
      return DELIVERY_LABELS[key] ?? humanize(key);
    case "level":
      return LEVEL_LABELS[key] ?? humanize(key);
    case "free":
      return key === "true" ? "Free" : "Paid";
    case "department":
      return lookups.departments.find((d) => d.department_id === key)?.name ?? key;
    case "offered_by":
      return lookups.offerors.find((o) => o.code === key)?.name ?? key.toUpperCase();
    default:
      return key;
  }
}

/**
 * Facet options: zero counts hidden, sorted by count (then label), active values always kept. A group with
 * nothing chosen whose only value covers every result (all free, all from one unit) offers no choice: it
 * gets no options, so it is not shown. `total` is the number of results the page shows.
 */
export function facetOptions(
  name: FacetName,
  buckets: Bucket[] | undefined,
  state: SearchState,
  pathname: string,
  fixed: Partial<Record<FacetName, string[]>>,
  label: (key: string) => string,
  total?: number,
): FacetOption[] {
  const active = state.facets[name] ?? [];
  const pinned = fixed[name] ?? [];
  const counts = new Map<string, number>();
  for (const b of buckets ?? []) if (b.doc_count > 0) counts.set(String(b.key), b.doc_count);
  if (name === "free") counts.delete("false");
  for (const v of active) if (!counts.has(v)) counts.set(v, 0);
  const entries = [...counts.entries()].filter(([key]) => !pinned.includes(key));
  if (!active.length && (entries.length === 0 || (entries.length === 1 && (total === undefined || entries[0][1] >= total)))) return [];
  return entries
    .sort((a, b) => b[1] - a[1] || label(a[0]).localeCompare(label(b[0])))
    .map(([key, count]) => ({
      key,
      label: label(key),
      count,
      checked: active.includes(key),
      href: hrefFor(pathname, toggleFacet(state, name, key), fixed),
    }));
}

function suggestionOf(data: SearchResponse): string | null {
  const meta = (data.metadata ?? {}) as { suggestions?: unknown; suggest?: unknown };
  const list = Array.isArray(meta.suggestions) ? meta.suggestions : Array.isArray(meta.suggest) ? meta.suggest : [];
  const first = list.find((s): s is string => typeof s === "string" && s.trim().length > 0);
  return first ?? null;
}

async function loadDrawer(id: number): Promise<{ resource: Resource | null; related: { title: string; items: Resource[] }[]; failed: boolean }> {
  try {
    const resource = await getResource(id);
    const related = await relatedCarousels(resource);
    return { resource, related, failed: false };
  } catch (e) {
    return { resource: null, related: [], failed: !(e instanceof NotFoundError) };
  }
}

/** Program courses, playlist/podcast siblings and similar resources for a resource. */
export async function relatedCarousels(resource: Resource): Promise<{ title: string; items: Resource[] }[]> {
  const out: { title: string; items: Resource[] }[] = [];
  const kind = resource.resource_type;
  const [children, similar] = await Promise.all([
    ["program", "learning_path", "podcast", "video_playlist"].includes(kind) ? getItems(resource.id, 12) : Promise.resolve([]),
    getSimilar(resource.id, 12),
  ]);
  const childTitle: Record<string, string> = { program: "Courses in this program", learning_path: "In this learning path", podcast: "Episodes", video_playlist: "Videos in this playlist" };
  if (children.length) out.push({ title: childTitle[kind], items: children });
  if (kind === "podcast_episode") {
    const parent = resource.podcast_episode?.parent_podcasts?.[0];
    if (parent) out.push({ title: `More from ${parent.title}`, items: (await getItems(parent.id, 12)).filter((r) => r.id !== resource.id) });
  }
  if (similar.length) out.push({ title: "Similar learning resources", items: similar });
  return out.filter((c) => c.items.length);
}

export interface SearchViewProps {
  pathname: string;
  params: RawParams;
  /** Channel pages pin a filter; it is applied but not shown as removable. */
  fixed?: Partial<Record<FacetName, string[]>>;
  heading: string;
  headingLevel?: 1 | 2;
}

export async function SearchView({ pathname, params, fixed = {}, heading, headingLevel = 1 }: SearchViewProps) {
  const { state, notices } = parseSearchState(params);
  const apiState: SearchState = { ...state, facets: { ...state.facets } };
  // The channel's filter replaces any value of the same facet from the URL: other values would widen it.
  for (const [name, values] of Object.entries(fixed) as [FacetName, string[]][]) {
    apiState.facets[name] = [...values];
    state.facets = { ...state.facets };
    delete state.facets[name];
  }
  const here = hrefFor(pathname, state, fixed);
  const Heading = `h${headingLevel}` as "h1" | "h2";

  let data: SearchResponse | null = null;
  let tabCounts: Map<string, number> | null = null;
  let failed = false;
  const lookupsPromise = Promise.all([getDepartments().catch(() => [] as Department[]), getOfferors().catch(() => [] as Offeror[])]);
  const drawerPromise = state.resource ? loadDrawer(Number(state.resource)) : Promise.resolve(null);
  try {
    const main = search(toApiQuery(apiState));
    const tabs = state.tab === "all" ? main : search({ ...toApiQuery(apiState, { includeTab: false }), limit: 0, offset: 0, aggregations: ["resource_type_group"] });
    const [m, t] = await Promise.all([main, tabs]);
    data = m;
    tabCounts = new Map((t.metadata.aggregations?.resource_type_group ?? []).map((b) => [String(b.key), b.doc_count]));
    tabCounts.set("all", t.count);
  } catch (e) {
    if (!(e instanceof ApiUnavailableError)) throw e;
    failed = true;
  }
  const [[departments, offerors], drawer] = await Promise.all([lookupsPromise, drawerPromise]);
  const lookups = { departments, offerors };

  const chips: { label: string; href: string }[] = [];
  for (const name of ALL_FACETS) {
    for (const v of state.facets[name] ?? []) {
      if ((fixed[name] ?? []).includes(v)) continue;
      chips.push({ label: `${FACET_TITLES[name]}: ${facetValueLabel(name, v, lookups)}`, href: hrefFor(pathname, toggleFacet(state, name, v), fixed) });
    }
  }
  if (state.professional) {
    chips.push({ label: state.professional === "true" ? "Professional" : "Academic", href: hrefFor(pathname, withProfessional(state, ""), fixed) });
  }

  // The channel's own filter is fixed: its group is not offered (another value would widen the channel).
  const shownFacets = ALL_FACETS.filter(
    (n) => !fixed[n]?.length && ((FACET_NAMES as readonly string[]).includes(n) || state.facets[n]?.length),
  );
  const aggregations = (data?.metadata.aggregations ?? {}) as Record<string, Bucket[]>;
  const count = data?.count ?? 0;
  const lastPage = Math.max(1, Math.ceil(count / PAGE_SIZE));
  const suggestion = data ? suggestionOf(data) : null;
  const results = data?.results ?? [];
  // Academic/Professional only when the results hold both (or one is chosen): otherwise it is a dead end.
  const audiences = new Map((aggregations.professional ?? []).map((b) => [String(b.key), b.doc_count]));
  const showAudience = Boolean(state.professional) || ((audiences.get("true") ?? 0) > 0 && (audiences.get("false") ?? 0) > 0);
  // Tabs with nothing behind them are not offered (the current one always is).
  const shownTabs = TABS.filter((t) => t === "all" || t === state.tab || !tabCounts || (tabCounts.get(t) ?? 0) > 0);
  const activeFilters = chips.length;

  return (
    <div className="search-view">
      <div className="search-heading">
        <Heading>{heading}</Heading>
        <form role="search" action={pathname} method="get" className="search-form" aria-label={`Search ${heading}`}>
          <label htmlFor="search-q" className="visually-hidden">
            Search for learning resources
          </label>
          <input id="search-q" name="q" type="search" defaultValue={state.q} maxLength={200} placeholder="What do you want to learn?" />
          {ALL_FACETS.flatMap((n) => (state.facets[n] ?? []).filter((v) => !(fixed[n] ?? []).includes(v)).map((v) => <input key={`${n}=${v}`} type="hidden" name={n} value={v} />))}
          {state.tab !== "all" && <input type="hidden" name="tab" value={state.tab} />}
          {state.sort && <input type="hidden" name="sortby" value={state.sort} />}
          {state.professional && <input type="hidden" name="professional" value={state.professional} />}
          <button type="submit">Search</button>
        </form>
      </div>

      {notices.length > 0 && (
        <div className="notice" role="note">
          {notices.map((n, i) => (
            <p key={i}>{n}</p>
          ))}
        </div>
      )}

      <div className="search-layout">
        <aside className="facets" aria-label="Filters">
          <FilterSheet activeCount={activeFilters} resultCount={failed ? null : count}>
            {showAudience && (
              <div className="prof-toggle" role="group" aria-label="Audience">
                {(["", "false", "true"] as const).map((p) => (
                  <Link prefetch={false} key={p || "all"} href={hrefFor(pathname, withProfessional(state, p), fixed)} aria-current={state.professional === p ? "true" : undefined} scroll={false}>
                    {p === "" ? "All" : p === "true" ? "Professional" : "Academic"}
                  </Link>
                ))}
              </div>
            )}
            {shownFacets.map((name) => (
              <FacetGroup
                key={name}
                title={FACET_TITLES[name]}
                options={facetOptions(name, aggregations[name], state, pathname, fixed, (k) => facetValueLabel(name, k, lookups), count)}
              />
            ))}
          </FilterSheet>
        </aside>

        <section className="results" aria-labelledby="results-heading">
          <h2 id="results-heading" className="visually-hidden">
            Results
          </h2>
          <nav className="tabs" aria-label="Resource categories">
            <ul>
              {shownTabs.map((t) => (
                <li key={t}>
                  <Link prefetch={false} href={hrefFor(pathname, withTab(state, t), fixed)} aria-current={state.tab === t ? "page" : undefined} scroll={false}>
                    {tabLabel(t)}
                    {tabCounts && <span className="tab-count"> ({formatCount(tabCounts.get(t) ?? 0)})</span>}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>

          <div className="toolbar">
            <p className="result-count" role="status" aria-live="polite" aria-atomic="true">
              {failed ? "Results unavailable" : `${formatCount(count)} ${count === 1 ? "result" : "results"}${state.q ? ` for “${state.q}”` : ""}`}
            </p>
            <SortSelect
              value={state.sort}
              options={SORTS.map((s) => ({ value: s, label: sortLabel(s), href: hrefFor(pathname, withSort(state, s), fixed) }))}
            />
          </div>

          {chips.length > 0 && (
            <div className="chips" aria-label="Active filters" role="group">
              <ul>
                {chips.map((c) => (
                  <li key={c.href}>
                    <Link prefetch={false} className="chip" href={c.href} scroll={false} aria-label={`Remove filter ${c.label}`}>
                      {c.label} <span aria-hidden="true">×</span>
                    </Link>
                  </li>
                ))}
              </ul>
              <Link prefetch={false} className="clear-all" href={hrefFor(pathname, clearFacets(state), fixed)} scroll={false}>
                Clear all
              </Link>
            </div>
          )}

          {suggestion && suggestion.toLowerCase() !== state.q.toLowerCase() && (
            <p className="did-you-mean">
              Did you mean <Link prefetch={false} href={hrefFor(pathname, withQuery(state, suggestion), fixed)}>{suggestion}</Link>?
            </p>
          )}

          {failed ? (
            <ErrorState retryHref={here} />
          ) : results.length === 0 ? (
            <div className="empty-state">
              <h3>No results found</h3>
              {state.page > lastPage ? (
                <p>
                  This page is past the last page of results. <Link prefetch={false} href={hrefFor(pathname, withPage(state, 1), fixed)}>Go to the first page</Link>.
                </p>
              ) : (
                <p>Try different words, fewer filters, or browse by topic.</p>
              )}
              {chips.length > 0 && (
                <p>
                  <Link prefetch={false} href={hrefFor(pathname, clearFacets(state), fixed)}>Clear all filters</Link>
                </p>
              )}
            </div>
          ) : (
            <ol className="result-list" start={(state.page - 1) * PAGE_SIZE + 1}>
              {results.map((r) => (
                <li key={r.id}>
                  <ResourceCard resource={r} href={hrefFor(pathname, withResource(state, String(r.id)), fixed)} />
                </li>
              ))}
            </ol>
          )}
          {!failed && <Pagination page={state.page} lastPage={lastPage} hrefForPage={(p) => hrefFor(pathname, withPage(state, p), fixed)} />}
        </section>
      </div>

      {state.resource && drawer && (
        <Drawer title={drawer.resource?.title ?? "Resource"} closeHref={hrefFor(pathname, withResource(state, null), fixed)} resourceId={state.resource}>
          {drawer.resource ? (
            <>
              <ResourceDetails resource={drawer.resource} headingLevel={2} />
              <p>
                <Link prefetch={false} href={`/resource/${drawer.resource.id}`}>View full page</Link>
              </p>
              {drawer.related.map((c, i) => (
                <Carousel key={c.title} id={`drawer-carousel-${i}`} title={c.title} resources={c.items} />
              ))}
            </>
          ) : drawer.failed ? (
            <ErrorState retryHref={hrefFor(pathname, state, fixed)} />
          ) : (
            <p>This resource could not be found. It may have been removed from the catalog.</p>
          )}
        </Drawer>
      )}
    </div>
  );
}
