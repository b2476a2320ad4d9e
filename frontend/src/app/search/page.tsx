import type { Metadata } from "next";
import { Suspense } from "react";
import Loading from "@/components/Loading";
import { SearchView } from "@/components/SearchView";
import { FollowButton } from "@/components/account/FollowButton";
import { parseSearchState, searchFeedHref, subscriptionParams, type RawParams } from "@/lib/searchState";

export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<RawParams> };

export async function generateMetadata({ searchParams }: Props): Promise<Metadata> {
  const { state } = parseSearchState(await searchParams);
  const title = state.q ? `Search: ${state.q.slice(0, 60)}` : "Search";
  // Result pages are endless permutations of the catalog: keep them out of indexes but follow their links.
  const feed = searchFeedHref(subscriptionParams(state));
  return { title, robots: { index: false, follow: true }, openGraph: { title }, alternates: { types: { "application/atom+xml": feed } } };
}

export default async function SearchPage({ searchParams }: Props) {
  const params = await searchParams;
  // The results stream after the shell (header, search box) on a first load. On client navigations the page
  // stays mounted (its segment key ignores the query string), so facets keep focus while new results load;
  // see NavigationBuffer for why those navigations read the whole RSC response first.
  const saved = subscriptionParams(parseSearchState(params).state);
  return (
    <>
      <Suspense fallback={<Loading label="Loading results…" />}>
        <SearchView pathname="/search" params={params} heading="Search" />
      </Suspense>
      {/* After the results: on a phone the first result stays on the first screen. */}
      <FollowButton params={saved} sourceType="search_subscription_type" label="Save this search" feedHref={searchFeedHref(saved)} />
    </>
  );
}
