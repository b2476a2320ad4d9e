import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import Loading from "@/components/Loading";
import type { Offeror, Resource, Topic } from "@/api/client";
import { Carousel } from "@/components/Carousel";
import { ErrorState } from "@/components/ErrorState";
import { catalogCounts, getFeatured, getOfferors, getTopics, search } from "@/lib/api";
import { topicPath, unitPath } from "@/lib/channels";

export const dynamic = "force-dynamic";
export const metadata: Metadata = {
  title: { absolute: "Learn: courses, programs and learning materials" },
  openGraph: { title: "Learn", description: "Find courses, programs, podcasts and videos from across MIT in one catalog." },
};

const FEATURED_TABS = [
  { key: "all", label: "All", query: {} },
  { key: "free", label: "Free", query: { free: true } },
  { key: "certificate", label: "With Certificate", query: { certification: true } },
  { key: "professional", label: "Professional & Executive Learning", query: { professional: true } },
] as const;

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

async function safe<T>(p: Promise<T>, fallback: T): Promise<{ value: T; failed: boolean }> {
  try {
    return { value: await p, failed: false };
  } catch {
    return { value: fallback, failed: true };
  }
}

export default async function HomePage({ searchParams }: Props) {
  const featured = (await searchParams).featured;
  return (
    <>
      <section className="hero" aria-labelledby="hero-title">
        <h1 id="hero-title">Learn with MIT</h1>
        <p>Courses, programs, podcasts and videos from across the Institute, in one place.</p>
        <form role="search" action="/search" method="get" aria-label="Search the catalog">
          <label htmlFor="home-q" className="visually-hidden">
            What do you want to learn?
          </label>
          <input id="home-q" name="q" type="search" placeholder="What do you want to learn?" maxLength={200} />
          <button type="submit">Search</button>
        </form>
      </section>
      <Suspense fallback={<Loading />}>
        <HomeSections featuredTab={featured} />
      </Suspense>
    </>
  );
}

async function HomeSections({ featuredTab: raw }: { featuredTab: string | string[] | undefined }) {
  const tab = FEATURED_TABS.find((t) => t.key === raw) ?? FEATURED_TABS[0];
  const [featured, newest, popular, topics, offerors, tabCounts, counts] = await Promise.all([
    safe<Resource[]>(
      // No curated list yet: fall back to the most popular resources matching the tab.
      getFeatured({ ...tab.query, limit: 12 }).then(async (list) =>
        list.length ? list : (await search({ ...tab.query, sortby: "-views", limit: 12 })).results,
      ),
      [],
    ),
    safe(search({ sortby: "new", limit: 12 }).then((r) => r.results), [] as Resource[]),
    safe(search({ sortby: "-views", limit: 12 }).then((r) => r.results), [] as Resource[]),
    safe<Topic[]>(getTopics(), []),
    safe<Offeror[]>(getOfferors(), []),
    // A featured tab with nothing behind it is not offered.
    safe(Promise.all(FEATURED_TABS.map((t) => (t.key === "all" ? Promise.resolve(1) : search({ ...t.query, limit: 0 }).then((r) => r.count)))), [] as number[]),
    safe(catalogCounts(), null),
  ]);
  const shownTabs = FEATURED_TABS.filter((t, i) => t.key === "all" || t.key === tab.key || tabCounts.failed || (tabCounts.value[i] ?? 0) > 0);
  const units = counts.value ? offerors.value.filter((o) => (counts.value?.byOfferor.get(o.code) ?? 0) > 0) : offerors.value;
  const allFailed = [featured, newest, popular, topics, offerors].every((x) => x.failed);
  const topTopics = topics.value.filter((t) => !t.parent).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <>
      {allFailed && <ErrorState retryHref="/" />}

      <section aria-labelledby="featured-title">
        <h2 id="featured-title">Featured</h2>
        {shownTabs.length > 1 && (
          <nav className="featured-tabs" aria-label="Featured categories">
            <ul>
              {shownTabs.map((t) => (
                <li key={t.key}>
                  <Link prefetch={false} href={t.key === "all" ? "/" : `/?featured=${t.key}`} aria-current={t.key === tab.key ? "true" : undefined} scroll={false}>
                    {t.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        )}
        {featured.value.length ? (
          <Carousel id="featured" title={`Featured: ${tab.label}`} resources={featured.value} />
        ) : (
          !allFailed && <p>No featured resources in this category yet.</p>
        )}
      </section>

      {topTopics.length > 0 && (
        <section aria-labelledby="topics-title">
          <h2 id="topics-title">Browse by topic</h2>
          <ul className="grid-list">
            {topTopics.map((t) => (
              <li key={t.id}>
                <Link prefetch={false} href={topicPath(t)}>{t.name}</Link>
              </li>
            ))}
          </ul>
        </section>
      )}

      <Carousel id="newest" title="New" resources={newest.value} />
      <Carousel id="popular" title="Popular" resources={popular.value} />

      {units.length > 0 && (
        <section aria-labelledby="units-title">
          <h2 id="units-title">Academic and professional units</h2>
          <ul className="grid-list">
            {units.map((o) => (
              <li key={o.code}>
                <h3>
                  <Link prefetch={false} href={unitPath(o)}>{o.name}</Link>
                </h3>
                {o.value_prop && <p>{o.value_prop}</p>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
