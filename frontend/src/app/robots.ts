import type { MetadataRoute } from "next";

export default function robots(): MetadataRoute.Robots {
  const site = process.env.LEARN_SITE_URL || "http://127.0.0.1:8062";
  return {
    rules: [{ userAgent: "*", allow: "/", disallow: ["/search", "/api/", "/*?resource="] }],
    sitemap: `${site}/sitemap.xml`,
  };
}
