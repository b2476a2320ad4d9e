import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Suspense, cache } from "react";
import Loading from "@/components/Loading";
import { ErrorState } from "@/components/ErrorState";
import { SearchView } from "@/components/SearchView";
import { FollowButton } from "@/components/account/FollowButton";
import { NotFoundError, getChannel, getChannels } from "@/lib/api";
import { channelSearchParams, channelView, isChannelType, type ChannelType, type ChannelView } from "@/lib/channels";
import type { RawParams } from "@/lib/searchState";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ type: string; name: string }>; searchParams: Promise<RawParams> };

/** The channel, from `/api/v0/channels/type/{type}/{name}/`: null when the API has none (404), unavailable when it is down. */
const resolve = cache(async (type: string, rawName: string): Promise<{ channel: ChannelView | null; unavailable: boolean }> => {
  if (!isChannelType(type)) return { channel: null, unavailable: false }; // the API answers 400: no such page either
  const name = decodeURIComponent(rawName);
  try {
    const channel = await getChannel(type, name);
    const { unsupported } = channelSearchParams(channel.search_filter);
    if (unsupported.length) console.warn(`[learn-web] channel ${type}/${name}: search_filter keys not pinned: ${unsupported.join(", ")}`);
    // Sub-channels come as names; their titles from the (memoized) list of the type. Without it, names.
    const titles = channel.sub_channels.length
      ? new Map((await getChannels(channel.channel_type).catch(() => [])).map((c) => [c.name, c.title]))
      : undefined;
    return { channel: channelView(channel, titles), unavailable: false };
  } catch (e) {
    if (e instanceof NotFoundError) return { channel: null, unavailable: false };
    return { channel: null, unavailable: true };
  }
});

const TYPE_LABEL: Record<ChannelType, string> = { topic: "Topic", department: "Department", unit: "Unit", pathway: "Pathway" };
const SUB_LABEL: Record<ChannelType, string> = { topic: "Subtopics", department: "Related departments", unit: "Related units", pathway: "Related pathways" };

const feedHref = (channel: ChannelView) => `/feeds/channels/${channel.type}/${encodeURIComponent(channel.name)}/`;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { type, name } = await params;
  const { channel, unavailable } = await resolve(type, name);
  if (!channel && !unavailable) notFound(); // decided before anything streams, so the status is 404
  if (!channel) return { title: "Temporarily unavailable", robots: { index: false } };
  return {
    title: channel.title,
    description: channel.description,
    openGraph: { title: channel.title, description: channel.description },
    // The channel's Atom feed, for feed readers that look for it in the page.
    alternates: { types: { "application/atom+xml": feedHref(channel) } },
  };
}

export default async function ChannelPage({ params, searchParams }: Props) {
  const { type, name } = await params;
  const { channel, unavailable } = await resolve(type, name);
  if (unavailable) return <ErrorState retryHref={`/c/${type}/${name}`} />;
  if (!channel) notFound();
  const pathname = `/c/${channel.type}/${encodeURIComponent(channel.name)}`;
  return (
    <>
      <header className="channel-header">
        <p className="card-type">{TYPE_LABEL[channel.type]}</p>
        <h1>{channel.title}</h1>
        <p>{channel.description}</p>
        <FollowButton
          params={Object.fromEntries(Object.entries(channel.fixed).map(([k, v]) => [k, v ?? []]))}
          sourceType="channel_subscription_type"
          label="Follow"
          feedHref={feedHref(channel)}
        />
      </header>
      {channel.subChannels.length > 0 && (
        <nav className="channel-subchannels" aria-labelledby="sub-channels-heading">
          <h2 id="sub-channels-heading">{SUB_LABEL[channel.type]}</h2>
          <ul className="tags">
            {channel.subChannels.map((s) => (
              <li key={s.name}>
                <Link prefetch={false} href={s.path}>{s.title}</Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {channel.featured && (
        <section className="channel-featured" aria-labelledby="featured-heading">
          <h2 id="featured-heading">Featured learning path</h2>
          <p>
            <Link prefetch={false} href={`/resource/${channel.featured.id}`}>{channel.featured.title}</Link>
          </p>
        </section>
      )}
      <Suspense fallback={<Loading label="Loading results…" />}>
        <SearchView pathname={pathname} params={await searchParams} fixed={channel.fixed} heading={`Search ${channel.title}`} headingLevel={2} />
      </Suspense>
    </>
  );
}
