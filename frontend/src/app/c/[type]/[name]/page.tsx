import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense, cache } from "react";
import Loading from "@/components/Loading";
import { ErrorState } from "@/components/ErrorState";
import { SearchView } from "@/components/SearchView";
import { FollowButton } from "@/components/account/FollowButton";
import { getDepartments, getOfferors, getTopics } from "@/lib/api";
import { CHANNEL_TYPES, findChannel, type Channel, type ChannelType } from "@/lib/channels";
import type { RawParams } from "@/lib/searchState";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ type: string; name: string }>; searchParams: Promise<RawParams> };

const resolve = cache(async (type: string, rawName: string): Promise<{ channel: Channel | null; unavailable: boolean }> => {
  if (!(CHANNEL_TYPES as readonly string[]).includes(type)) return { channel: null, unavailable: false };
  const name = decodeURIComponent(rawName);
  try {
    const t = type as ChannelType;
    const lists =
      t === "topic" ? { topics: await getTopics() } : t === "department" ? { departments: await getDepartments() } : { offerors: await getOfferors() };
    return { channel: findChannel(t, name, lists), unavailable: false };
  } catch {
    return { channel: null, unavailable: true };
  }
});

const TYPE_LABEL: Record<ChannelType, string> = { topic: "Topic", department: "Department", unit: "Unit" };

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
    alternates: { types: { "application/atom+xml": `/feeds/channels/${type}/${encodeURIComponent(decodeURIComponent(name))}/` } },
  };
}

export default async function ChannelPage({ params, searchParams }: Props) {
  const { type, name } = await params;
  const { channel, unavailable } = await resolve(type, name);
  if (unavailable) return <ErrorState retryHref={`/c/${type}/${name}`} />;
  if (!channel) notFound();
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
          feedHref={`/feeds/channels/${type}/${encodeURIComponent(decodeURIComponent(name))}/`}
        />
      </header>
      <Suspense fallback={<Loading label="Loading results…" />}>
        <SearchView pathname={`/c/${type}/${encodeURIComponent(decodeURIComponent(name))}`} params={await searchParams} fixed={channel.fixed} heading={`Search ${channel.title}`} headingLevel={2} />
      </Suspense>
    </>
  );
}
