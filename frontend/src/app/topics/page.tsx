import type { Metadata } from "next";
import Link from "next/link";
import { ErrorState } from "@/components/ErrorState";
import { getChannelCounts, getTopics } from "@/lib/api";
import { countsByUrl, countsLabel, topicPath } from "@/lib/channels";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Browse by topic", description: "All topics in the Learn catalog." };

// As MIT Learn's topics page: the topic tree, with each topic channel's course and program counts.
export default async function TopicsPage() {
  let topics;
  try {
    topics = await getTopics();
  } catch {
    return <ErrorState retryHref="/topics" />;
  }
  const counts = countsByUrl(await getChannelCounts("topic").catch(() => []));
  const top = topics.filter((t) => !t.parent).sort((a, b) => a.name.localeCompare(b.name));
  const childrenOf = (id: number) => topics.filter((t) => t.parent === id).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <>
      <h1>Browse by topic</h1>
      {top.length === 0 && <p>No topics are available yet.</p>}
      <ul className="grid-list">
        {top.map((t) => {
          const label = countsLabel(t.channel_url ? counts.get(t.channel_url) : undefined);
          return (
            <li key={t.id}>
              <h2>
                <Link prefetch={false} href={topicPath(t)}>{t.name}</Link>
              </h2>
              {label && <p className="facet-count">{label}</p>}
              {childrenOf(t.id).length > 0 && (
                <ul className="tags" aria-label={`${t.name} subtopics`}>
                  {childrenOf(t.id).map((c) => (
                    <li key={c.id}>
                      <Link prefetch={false} href={topicPath(c)}>{c.name}</Link>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}
