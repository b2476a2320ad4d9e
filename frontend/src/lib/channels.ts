import type { Channel, ChannelCounts, Department, Offeror, Topic } from "@/api/client";
import { ALL_FACETS, type FacetName } from "./searchState";

/** The channel types the v0 channels API serves (`/api/v0/channels/type/{type}/{name}/`). */
export const CHANNEL_TYPES = ["topic", "department", "unit", "pathway"] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];
export const isChannelType = (value: string): value is ChannelType => (CHANNEL_TYPES as readonly string[]).includes(value);

export function slugify(value: string): string {
  return value
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** The channel name segment: taken from the API's channel_url when it has one, else derived. */
export function channelSlug(channelUrl: string | null | undefined, fallback: string): string {
  if (channelUrl) {
    try {
      const parts = new URL(channelUrl, "http://x").pathname.split("/").filter(Boolean);
      const i = parts.indexOf("c");
      if (i >= 0 && parts[i + 2]) return decodeURIComponent(parts[i + 2]);
    } catch {
      /* fall through */
    }
  }
  return slugify(fallback);
}

export const channelPath = (type: string, name: string) => `/c/${type}/${encodeURIComponent(name)}`;
export const topicPath = (t: Pick<Topic, "name" | "channel_url">) => channelPath("topic", channelSlug(t.channel_url, t.name));
export const departmentPath = (d: Pick<Department, "name" | "channel_url">) => channelPath("department", channelSlug(d.channel_url, d.name));
export const unitPath = (o: Pick<Offeror, "code" | "channel_url">) => channelPath("unit", channelSlug(o.channel_url, o.code));

export type FixedParams = Partial<Record<FacetName, string[]>>;

/** Facets whose values are names that may hold a comma ("Science, Technology, and Society"): never split. */
const NAME_FACETS: readonly FacetName[] = ["topic", "resource_category", "course_feature", "instructor"];

/**
 * The search a channel is pinned to, from its `search_filter` (a query string such as `topic=Physics` or
 * `offered_by=ocw&department=6`). Repeated keys add values; a comma-separated value of a code facet is
 * several values (MIT Learn writes `offered_by=mitx,ocw`). Keys the site's search cannot pin are returned in
 * `unsupported` rather than silently widening the channel's search.
 */
export function channelSearchParams(searchFilter: string | null | undefined): { fixed: FixedParams; unsupported: string[] } {
  const fixed: FixedParams = {};
  const unsupported: string[] = [];
  const params = new URLSearchParams((searchFilter ?? "").trim().replace(/^\?/, ""));
  for (const [key, raw] of params) {
    if (!(ALL_FACETS as readonly string[]).includes(key)) {
      if (!unsupported.includes(key)) unsupported.push(key);
      continue;
    }
    const name = key as FacetName;
    const values = NAME_FACETS.includes(name) ? [raw] : raw.split(",");
    for (const value of values.map((v) => v.trim()).filter(Boolean)) {
      const list = (fixed[name] ??= []);
      if (!list.includes(value)) list.push(value);
    }
  }
  return { fixed, unsupported };
}

/** What the channel page shows: everything from the channel API's answer. */
export interface ChannelView {
  type: ChannelType;
  name: string;
  title: string;
  description: string;
  fixed: FixedParams;
  /** Sub-channels (a topic's subtopics), in the API's order; titled from `titles` (else their name). */
  subChannels: { name: string; title: string; path: string }[];
  featured: { id: number; title: string } | null;
}

export function channelView(channel: Channel, titles: ReadonlyMap<string, string> = new Map()): ChannelView {
  const type = channel.channel_type;
  const unit = channel.channel_type === "unit" ? channel.unit_detail.unit : undefined;
  const fallback: Record<ChannelType, string> = {
    topic: `Courses, programs and learning materials about ${channel.title}.`,
    department: `Learning resources from the MIT department of ${channel.title}.`,
    unit: unit?.value_prop || `Learning resources offered by ${channel.title}.`,
    pathway: `Learning resources in the ${channel.title} pathway.`,
  };
  return {
    type,
    name: channel.name,
    title: channel.title,
    description: channel.public_description?.trim() || fallback[type],
    fixed: channelSearchParams(channel.search_filter).fixed,
    subChannels: [...channel.sub_channels]
      .sort((a, b) => (a.position ?? 0) - (b.position ?? 0))
      .map((s) => ({ name: s.channel, title: titles.get(s.channel) ?? s.channel, path: channelPath(type, s.channel) })),
    featured: channel.featured_list ? { id: channel.featured_list.id, title: channel.featured_list.title } : null,
  };
}

/** A channel's course and program counts, by its channel_url (how MIT Learn's listing pages match them). */
export function countsByUrl(counts: ChannelCounts[]): Map<string, ChannelCounts["counts"]> {
  return new Map(counts.map((c) => [c.channel_url, c.counts]));
}

export function countsLabel(counts: ChannelCounts["counts"] | undefined): string {
  if (!counts) return "";
  const part = (n: number, one: string, many: string) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
  return [part(counts.courses, "course", "courses"), counts.programs ? part(counts.programs, "program", "programs") : ""].filter(Boolean).join(" · ");
}
