// The API origin the server talks to and that /api/ is rewritten to (one origin in development).
const apiOrigin = (process.env.LEARN_API_ORIGIN || "http://127.0.0.1:8063").replace(/\/$/, "");

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Metadata (title, Open Graph) is rendered in <head> for every client rather than streamed later.
  htmlLimitedBots: /.*/,
  reactStrictMode: true,
  async rewrites() {
    return [
      // Next.js drops a trailing slash before rewriting; every API path ends with one (Django's APPEND_SLASH would
      // redirect back and loop), so put it back.
      { source: "/api/:path*", destination: `${apiOrigin}/api/:path*/` },
      // Sign-in and sign-out live on the API (local accounts, the OIDC flow, the admin).
      { source: "/login", destination: `${apiOrigin}/login` },
      { source: "/login/:path*", destination: `${apiOrigin}/login/:path*/` },
      { source: "/logout", destination: `${apiOrigin}/logout` },
      { source: "/logout/:path*", destination: `${apiOrigin}/logout/:path*` },
    ];
  },
};

export default nextConfig;
