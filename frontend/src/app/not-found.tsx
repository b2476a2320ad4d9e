import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Page not found", robots: { index: false } };

export default function NotFound() {
  return (
    <div className="empty-state">
      <h1>Page not found</h1>
      <p>We couldn’t find what you were looking for. It may have moved or been removed.</p>
      <p>
        <Link prefetch={false} href="/">Go to the home page</Link> or <Link prefetch={false} href="/search">search the catalog</Link>.
      </p>
    </div>
  );
}
