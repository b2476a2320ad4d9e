import type { Department, Offeror, Topic } from "@/api/client";
import type { FacetName } from "./searchState";

export const CHANNEL_TYPES = ["topic", "department", "unit"] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

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

export const topicPath = (t: Pick<Topic, "name" | "channel_url">) => `/c/topic/${encodeURIComponent(channelSlug(t.channel_url, t.name))}`;
export const departmentPath = (d: Pick<Department, "name" | "channel_url">) =>
  `/c/department/${encodeURIComponent(channelSlug(d.channel_url, d.name))}`;
export const unitPath = (o: Pick<Offeror, "code" | "channel_url">) => `/c/unit/${encodeURIComponent(channelSlug(o.channel_url, o.code))}`;

export interface Channel {
  type: ChannelType;
  title: string;
  description: string;
  /** The filter the embedded search is pinned to. */
  fixed: Partial<Record<FacetName, string[]>>;
}

export function findChannel(
  type: ChannelType,
  name: string,
  lists: { topics?: Topic[]; departments?: Department[]; offerors?: Offeror[] },
): Channel | null {
  const wanted = slugify(name);
  if (type === "topic") {
    const t = (lists.topics ?? []).find((x) => channelSlug(x.channel_url, x.name) === name || slugify(x.name) === wanted);
    return t ? { type, title: t.name, description: `Courses, programs and learning materials about ${t.name}.`, fixed: { topic: [t.name] } } : null;
  }
  if (type === "department") {
    const d = (lists.departments ?? []).find(
      (x) => channelSlug(x.channel_url, x.name) === name || slugify(x.name) === wanted || x.department_id === name,
    );
    const school = d?.school && typeof d.school === "object" && "name" in d.school ? ` Part of ${String(d.school.name)}.` : "";
    return d
      ? { type, title: d.name, description: `Learning resources from the MIT department of ${d.name}.${school}`, fixed: { department: [d.department_id] } }
      : null;
  }
  const o = (lists.offerors ?? []).find((x) => channelSlug(x.channel_url, x.code) === name || x.code === name || slugify(x.name) === wanted);
  return o ? { type, title: o.name, description: o.value_prop || `Learning resources offered by ${o.name}.`, fixed: { offered_by: [o.code] } } : null;
}
