import type { MetadataRoute } from "next";
import { getChannels, search } from "@/lib/api";
import { channelPath } from "@/lib/channels";

export const dynamic = "force-dynamic";

const MAX_RESOURCES = 5000;
const PAGE = 100; // the API's maximum page size

/** Static pages, channels and resource pages (newest first, capped). Missing parts are skipped, not fatal. */
export default async function sitemap(): Promise<MetadataRoute.Sitemap> {
  const site = (process.env.LEARN_SITE_URL || "http://127.0.0.1:8062").replace(/\/$/, "");
  const entries: MetadataRoute.Sitemap = ["/", "/topics", "/departments", "/units", "/podcasts", "/videos"].map((p) => ({ url: `${site}${p}` }));
  // Every published channel, as the channels API lists them (a department without a school has none).
  const channels = await getChannels().catch(() => []);
  entries.push(...channels.map((c) => ({ url: `${site}${channelPath(c.channel_type, c.name)}`, lastModified: c.updated_on })));
  try {
    for (let offset = 0; offset < MAX_RESOURCES; offset += PAGE) {
      const page = await search({ limit: PAGE, offset, sortby: "new" });
      entries.push(...page.results.map((r) => ({ url: `${site}/resource/${r.id}`, lastModified: r.last_modified ?? undefined })));
      if (page.results.length < PAGE) break;
    }
  } catch {
    /* API unavailable: serve what we have */
  }
  return entries;
}
