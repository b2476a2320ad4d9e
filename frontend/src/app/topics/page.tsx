import type { Metadata } from "next";
import Link from "next/link";
import { ErrorState } from "@/components/ErrorState";
import { getTopics } from "@/lib/api";
import { topicPath } from "@/lib/channels";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Browse by topic", description: "All topics in the Learn catalog." };

export default async function TopicsPage() {
  let topics;
  try {
    topics = await getTopics();
  } catch {
    return <ErrorState retryHref="/topics" />;
  }
  const top = topics.filter((t) => !t.parent).sort((a, b) => a.name.localeCompare(b.name));
  const childrenOf = (id: number) => topics.filter((t) => t.parent === id).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <>
      <h1>Browse by topic</h1>
      {top.length === 0 && <p>No topics are available yet.</p>}
      <ul className="grid-list">
        {top.map((t) => (
          <li key={t.id}>
            <h2>
              <Link prefetch={false} href={topicPath(t)}>{t.name}</Link>
            </h2>
            {childrenOf(t.id).length > 0 && (
              <ul className="tags">
                {childrenOf(t.id).map((c) => (
                  <li key={c.id}>
                    <Link prefetch={false} href={topicPath(c)}>{c.name}</Link>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
