// The API origin the server talks to and that /api/ is rewritten to (one origin in development).
const apiOrigin = (process.env.LEARN_API_ORIGIN || "http://127.0.0.1:8063").replace(/\/$/, "");

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // The web image builds a standalone server (deploy/docker/web.Dockerfile); `next start` stays as is.
  output: process.env.NEXT_OUTPUT === "standalone" ? "standalone" : undefined,
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Metadata (title, Open Graph) is rendered in <head> for every client rather than streamed later.
  htmlLimitedBots: /.*/,
  reactStrictMode: true,
  async rewrites() {
    return [{ source: "/api/:path*", destination: `${apiOrigin}/api/:path*` }];
  },
};

export default nextConfig;
