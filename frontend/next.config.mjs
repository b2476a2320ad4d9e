// The API origin the server talks to and that /api/ is rewritten to (one origin in development).
const apiOrigin = (process.env.LEARN_API_ORIGIN || "http://127.0.0.1:8063").replace(/\/$/, "");
const dev = process.env.NODE_ENV !== "production";

// Next.js hydrates with inline scripts (hence 'unsafe-inline'; the dev server also evaluates code).
// Resource images and podcast audio come from the sources' hosts; videos embed youtube-nocookie.
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "media-src 'self' https:",
  "font-src 'self' data:",
  `connect-src 'self'${dev ? " ws:" : ""}`,
  "frame-src https://www.youtube-nocookie.com",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join("; ");

const securityHeaders = [
  { key: "Content-Security-Policy", value: contentSecurityPolicy },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  // Browsers honour it only over HTTPS; it asks them to keep using HTTPS for a year.
  { key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // The web image builds a standalone server (deploy/docker/web.Dockerfile); `next start` stays as is.
  output: process.env.NEXT_OUTPUT === "standalone" ? "standalone" : undefined,
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Metadata (title, Open Graph) is rendered in <head> for every client rather than streamed later.
  htmlLimitedBots: /.*/,
  reactStrictMode: true,
  // The API's paths end in a slash (Django adds it with a 301); Next.js would strip it with a 308:
  // the two redirected each other forever. /api/ paths now reach the API as they were requested.
  skipTrailingSlashRedirect: true,
  async rewrites() {
    return [
      { source: "/api/:path*/", destination: `${apiOrigin}/api/:path*/` },
      { source: "/api/:path*", destination: `${apiOrigin}/api/:path*` },
      // Sign-in and sign-out live on the API (local accounts, the OIDC flow, the admin).
      { source: "/login", destination: `${apiOrigin}/login` },
      { source: "/login/:path*/", destination: `${apiOrigin}/login/:path*/` },
      { source: "/login/:path*", destination: `${apiOrigin}/login/:path*/` },
      { source: "/logout", destination: `${apiOrigin}/logout` },
      { source: "/logout/:path*", destination: `${apiOrigin}/logout/:path*` },
      // Atom feeds of a saved search or a channel.
      { source: "/feeds/:path*/", destination: `${apiOrigin}/feeds/:path*/` },
    ];
  },
  async headers() {
    // API responses carry the API's own headers (a stricter policy); pages get these.
    return [{ source: "/((?!api/).*)", headers: securityHeaders }];
  },
};

export default nextConfig;
