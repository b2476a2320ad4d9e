import type { Resource } from "@/api/client";
import { ResourceCard } from "./ResourceCard";

/** A horizontally scrolling list of resource tiles, reachable by keyboard. */
export function Carousel({ title, resources, id, hrefFor = (r) => `/resource/${r.id}` }: { title: string; resources: Resource[]; id: string; hrefFor?: (r: Resource) => string }) {
  if (!resources.length) return null;
  return (
    <section className="carousel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <div className="carousel-track" role="region" aria-label={`${title} (scrollable)`} tabIndex={0}>
        <ul>
          {resources.map((r) => (
            <li key={r.id}>
              <ResourceCard resource={r} href={hrefFor(r)} variant="tile" />
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
