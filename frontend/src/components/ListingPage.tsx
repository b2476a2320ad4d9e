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
  return (
    <>
      <h1>{title}</h1>
      {sections.map((s, i) => (
        <section key={s.type} aria-labelledby={`section-${s.type}`}>
          <h2 id={`section-${s.type}`}>
            {s.title} <span className="facet-count">({data[i].count})</span>
          </h2>
          {data[i].results.length === 0 ? (
            <p>Nothing here yet.</p>
          ) : (
            <ul className="result-list">
              {data[i].results.map((r) => (
                <li key={r.id}>
                  <ResourceCard resource={r} href={`/resource/${r.id}`} />
                </li>
              ))}
            </ul>
          )}
          {data[i].count > data[i].results.length && (
            <p>
              <Link prefetch={false} href={`/search?resource_type=${s.type}&sortby=new`}>See all {s.title.toLowerCase()}</Link>
            </p>
          )}
        </section>
      ))}
    </>
  );
}
