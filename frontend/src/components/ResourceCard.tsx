import Link from "next/link";
import type { Resource } from "@/api/client";
import { ListButtons } from "@/components/account/ListButtons";
import { bestRun, certificationLabel, formatDate, highlightSegments, labelOf, plainText, priceText, resourceTypeLabel } from "@/lib/format";
import { courseIdentity } from "@/lib/identity";
import { descriptionText } from "@/lib/markdown";

type Highlighted = { highlight?: Record<string, string[] | undefined> };

function Highlight({ fragment }: { fragment: string }) {
  return (
    <>
      {highlightSegments(fragment).map((s, i) => (s.mark ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}
    </>
  );
}

/** A result row (search) or a tile (carousels). `href` decides whether it opens the drawer or a page. */
export function ResourceCard({ resource, href, variant = "row", headingLevel = 3 }: { resource: Resource; href: string; variant?: "row" | "tile"; headingLevel?: 2 | 3 | 4 }) {
  const Heading = `h${headingLevel}` as "h2" | "h3" | "h4";
  const highlight = (resource as Resource & Highlighted).highlight ?? {};
  const titleFragment = highlight.title?.[0];
  const descFragment = highlight.description?.[0] ?? highlight.full_description?.[0];
  const run = bestRun(resource);
  const starts = resource.next_start_date ?? run?.start_date;
  const cert = certificationLabel(resource);
  const image = resource.image?.url;
  const identity = courseIdentity(resource);
  const shownInstructors = identity.instructors.slice(0, 3);
  const moreInstructors = identity.instructors.length - shownInstructors.length;
  return (
    <article className={`card card-${variant}`} data-resource-id={resource.id}>
      {image ? (
        // eslint-disable-next-line @next/next/no-img-element
        <img className="card-image" src={image} alt="" loading="lazy" width={variant === "row" ? 160 : 280} height={variant === "row" ? 100 : 160} />
      ) : (
        <div className="card-image card-image-empty" aria-hidden="true" />
      )}
      <div className="card-body">
        <p className="card-type">
          {resourceTypeLabel(resource)}
          {identity.number && (
            <>
              {" · "}
              <span className="course-number">{identity.number}</span>
            </>
          )}
        </p>
        <Heading className="card-title">
          <Link prefetch={false} href={href} scroll={false}>
            {titleFragment ? <Highlight fragment={titleFragment} /> : resource.title}
          </Link>
        </Heading>
        {variant === "row" && (
          <p className="card-description">{descFragment ? <Highlight fragment={descFragment} /> : descriptionText(resource.description, 220)}</p>
        )}
        {(identity.term || shownInstructors.length > 0 || identity.levels.length > 0) && (
          <ul className="card-identity">
            {identity.term && <li className="card-term">{identity.term}</li>}
            {shownInstructors.length > 0 && (
              <li className="card-instructors">
                {shownInstructors.join(", ")}
                {moreInstructors > 0 && ` +${moreInstructors} more`}
              </li>
            )}
            {identity.levels.length > 0 && <li className="card-level">{identity.levels.join(", ")}</li>}
          </ul>
        )}
        <ul className="card-meta" aria-label="Details">
          {resource.offered_by && <li>{labelOf(resource.offered_by as never)}</li>}
          {cert && <li className="badge">{cert}</li>}
          <li>{priceText(resource)}</li>
          {starts && variant === "row" && <li>Starts {formatDate(starts)}</li>}
        </ul>
        <ListButtons resourceId={resource.id} title={resource.title} />
      </div>
    </article>
  );
}
