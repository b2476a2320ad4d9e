import type { MetadataRoute } from "next";
import { getDepartments, getOfferors, getTopics, search } from "@/lib/api";
import { departmentPath, topicPath, unitPath } from "@/lib/channels";

export const dynamic = "force-dynamic";

const MAX_RESOURCES = 5000;
const PAGE = 100; // the API's maximum page size

/** Static pages, channels and resource pages (newest first, capped). Missing parts are skipped, not fatal. */
export default async function sitemap(): Promise<MetadataRoute.Sitemap> {
  const site = (process.env.LEARN_SITE_URL || "http://127.0.0.1:8062").replace(/\/$/, "");
  const entries: MetadataRoute.Sitemap = ["/", "/topics", "/departments", "/units", "/podcasts", "/videos"].map((p) => ({ url: `${site}${p}` }));
  const [topics, departments, offerors] = await Promise.all([
    getTopics().catch(() => []),
    getDepartments().catch(() => []),
    getOfferors().catch(() => []),
  ]);
  entries.push(...topics.map((t) => ({ url: `${site}${topicPath(t)}` })));
  entries.push(...departments.map((d) => ({ url: `${site}${departmentPath(d)}` })));
  entries.push(...offerors.map((o) => ({ url: `${site}${unitPath(o)}` })));
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
