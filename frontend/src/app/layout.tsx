import type { Metadata, Viewport } from "next";
import Link from "next/link";
import { AccountMenu } from "@/components/account/AccountMenu";
import { Suspense } from "react";
import { MediaNavItems, MediaNavLinks } from "@/components/MediaNavLinks";
import { NavigationBuffer } from "@/components/NavigationBuffer";
import "./globals.css";

export const metadata: Metadata = {
  metadataBase: new URL(process.env.LEARN_SITE_URL || "http://127.0.0.1:8062"),
  title: { default: "Learn: courses, programs and learning materials", template: "%s | Learn" },
  description: "Find courses, programs, podcasts and videos from across MIT in one catalog.",
  openGraph: { siteName: "Learn", type: "website" },
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <NavigationBuffer />
        <a className="skip-link" href="#main">
          Skip to main content
        </a>
        <header className="site-header">
          <div className="header-inner">
            <Link prefetch={false} href="/" className="logo">
              Learn
            </Link>
            <form role="search" action="/search" method="get" className="header-search" aria-label="Site search">
              <label htmlFor="header-q" className="visually-hidden">
                Search the catalog
              </label>
              <input id="header-q" name="q" type="search" placeholder="Search courses, programs, podcasts…" maxLength={200} />
              <button type="submit">Search</button>
            </form>
            <nav aria-label="Main">
              <ul>
                <li>
                  <Link prefetch={false} href="/search">Browse</Link>
                </li>
                <li>
                  <Link prefetch={false} href="/topics">Topics</Link>
                </li>
                <li>
                  <Link prefetch={false} href="/departments">Departments</Link>
                </li>
                <li>
                  <Link prefetch={false} href="/units">Units</Link>
                </li>
                <Suspense fallback={<MediaNavItems />}>
                  <MediaNavLinks />
                </Suspense>
              </ul>
            </nav>
            <AccountMenu />
          </div>
        </header>
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        <footer className="site-footer">
          <nav aria-label="Footer">
            <ul>
              <li>
                <Link prefetch={false} href="/topics">All topics</Link>
              </li>
              <li>
                <Link prefetch={false} href="/departments">All departments</Link>
              </li>
              <li>
                <Link prefetch={false} href="/units">Academic and professional units</Link>
              </li>
            </ul>
          </nav>
          <p>Learn is an open catalog of learning resources. Content belongs to its providers.</p>
        </footer>
      </body>
    </html>
  );
}
