import Link from "next/link";
import { listByType } from "@/lib/api";
import { ErrorState } from "./ErrorState";
import { ResourceCard } from "./ResourceCard";

/** A page listing the newest resources of a few types, each linking to its resource page. */
export async function ListingPage({ title, path, sections }: { title: string; path: string; sections: { title: string; type: string }[] }) {
  let data;
  try {
    data = await Promise.all(sections.map((s) => listByType(s.type, 24)));
  } catch {
    return <ErrorState retryHref={path} />;
  }
  const shown = sections.map((s, i) => ({ ...s, data: data[i] })).filter((s) => s.data.count > 0);
  return (
    <>
      <h1>{title}</h1>
      {shown.length === 0 && (
        <div className="empty-state">
          <p>The catalog holds no {title.toLowerCase()} yet.</p>
          <p>
            <Link prefetch={false} href="/search">Browse everything in the catalog</Link>
          </p>
        </div>
      )}
      {shown.map((s) => (
        <section key={s.type} aria-labelledby={`section-${s.type}`}>
          <h2 id={`section-${s.type}`}>
            {s.title} <span className="facet-count">({s.data.count})</span>
          </h2>
          {s.data.results.length === 0 ? (
            <p>Nothing here yet.</p>
          ) : (
            <ul className="result-list">
              {s.data.results.map((r) => (
                <li key={r.id}>
                  <ResourceCard resource={r} href={`/resource/${r.id}`} />
                </li>
              ))}
            </ul>
          )}
          {s.data.count > s.data.results.length && (
            <p>
              <Link prefetch={false} href={`/search?resource_type=${s.type}&sortby=new`}>See all {s.title.toLowerCase()}</Link>
            </p>
          )}
        </section>
      ))}
    </>
  );
}
