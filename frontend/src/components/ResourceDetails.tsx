import { ListButtons } from "@/components/account/ListButtons";
import Link from "next/link";
import { VideoEmbed } from "@/components/VideoEmbed";
import type { Resource } from "@/api/client";
import { departmentPath, topicPath } from "@/lib/channels";
import {
  bestRun,
  certificationLabel,
  deliveryLabels,
  formatDate,
  formatPrice,
  labelOf,
  languageNames,
  priceText,
  resourceTypeLabel,
  runDates,
} from "@/lib/format";
import { courseIdentity, instructorHref } from "@/lib/identity";
import { DELIVERY_LABELS } from "@/lib/labels";
import { descriptionHtml } from "@/lib/markdown";
import { unitPath } from "@/lib/channels";

function youtubeId(url: string | null | undefined): string | null {
  if (!url) return null;
  const m = url.match(/(?:youtube\.com\/(?:watch\?v=|embed\/)|youtu\.be\/)([\w-]{6,20})/);
  return m ? m[1] : null;
}

function Media({ resource }: { resource: Resource }) {
  if (resource.resource_type === "podcast_episode" && resource.podcast_episode?.audio_url) {
    return (
      <figure className="media">
        <audio controls preload="none" src={resource.podcast_episode.audio_url}>
          <a href={resource.podcast_episode.audio_url}>Download the episode audio</a>
        </audio>
        <figcaption className="visually-hidden">Audio player for {resource.title}</figcaption>
      </figure>
    );
  }
  if (resource.resource_type === "video") {
    const yt = youtubeId(resource.url) ?? youtubeId(resource.video?.streaming_url);
    if (yt) {
      return (
        <VideoEmbed videoId={yt} title={resource.title} />
      );
    }
    if (resource.video?.streaming_url) {
      return <video className="media" controls preload="none" src={resource.video.streaming_url} aria-label={`Video: ${resource.title}`} />;
    }
  }
  if (resource.image?.url) {
    // eslint-disable-next-line @next/next/no-img-element
    return <img className="media resource-image" src={resource.image.url} alt={resource.image.alt || ""} />;
  }
  return null;
}

function Info({ label, children }: { label: string; children: React.ReactNode }) {
  if (children === null || children === undefined || children === "" || (Array.isArray(children) && !children.length)) return null;
  return (
    <div className="info-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function ctaLabel(resource: Resource): string {
  switch (resource.resource_type) {
    case "podcast":
    case "podcast_episode":
      return "Listen to Podcast";
    case "video":
    case "video_playlist":
      return "Watch on the provider’s site";
    default:
      return resource.platform?.code === "ocw" || resource.offered_by?.code === "ocw" ? "Access Course Materials" : "Learn More";
  }
}

/** Everything about one resource; shared by the drawer and the resource page. */
export function ResourceDetails({ resource, headingLevel }: { resource: Resource; headingLevel: 1 | 2 }) {
  const Heading = `h${headingLevel}` as "h1" | "h2";
  const Sub = `h${headingLevel + 1}` as "h2" | "h3";
  const run = bestRun(resource);
  const description = descriptionHtml(resource.full_description || resource.description);
  const topics = resource.topics ?? [];
  const departments = resource.departments ?? [];
  const identity = courseIdentity(resource);
  const instructors = identity.instructors;
  const levels = identity.levels;
  const formats = deliveryLabels(resource.delivery as never);
  const languages = languageNames(resource.languages ?? run?.languages);
  const courseCount = resource.resource_type === "program" ? resource.program?.course_count : undefined;
  const episodeCount = resource.resource_type === "podcast" ? resource.podcast?.episode_count : undefined;
  const duration = resource.duration || (resource.resource_type === "podcast_episode" ? resource.podcast_episode?.duration : "") || (resource.resource_type === "video" ? resource.video?.duration : "");
  const parentPodcasts = resource.resource_type === "podcast_episode" ? (resource.podcast_episode?.parent_podcasts ?? []) : [];
  const cert = certificationLabel(resource);
  const runs = resource.runs ?? [];
  return (
    <div className="resource-details">
      <p className="card-type">{resourceTypeLabel(resource)}</p>
      <Heading className="resource-title">{resource.title}</Heading>
      <ListButtons resourceId={resource.id} title={resource.title} />
      {(identity.number || identity.term || instructors.length > 0 || levels.length > 0) && (
        <ul className="resource-identity" aria-label="Course details">
          {identity.number && (
            <li className="course-number">
              {identity.number}
              {identity.crossListed.length > 0 && <span className="cross-listed"> (also {identity.crossListed.join(", ")})</span>}
            </li>
          )}
          {identity.term && <li className="resource-term">{identity.term}</li>}
          {instructors.length > 0 && (
            <li className="resource-instructors">
              <span className="visually-hidden">Instructors: </span>
              {instructors.map((name, i) => (
                <span key={name}>
                  {i > 0 && ", "}
                  <Link prefetch={false} href={instructorHref(name)} title={`Resources taught by ${name}`}>
                    {name}
                  </Link>
                </span>
              ))}
            </li>
          )}
          {levels.length > 0 && <li className="resource-level">{levels.join(", ")}</li>}
        </ul>
      )}
      <Media resource={resource} />
      {resource.url && (
        <p>
          <a className="button" href={resource.url} rel="noopener noreferrer" target="_blank">
            {ctaLabel(resource)}
            <span className="visually-hidden"> (opens in a new tab)</span>
          </a>
        </p>
      )}
      {description && (
        // Sanitized by descriptionHtml (markdown-it + sanitize-html allow-list).
        <section aria-label="Description" className="description" dangerouslySetInnerHTML={{ __html: description }} />
      )}
      <section aria-label="Information">
        <Sub>Information</Sub>
        <dl className="info">
          <Info label="Starts">{resource.next_start_date ? formatDate(resource.next_start_date) : run?.start_date ? formatDate(run.start_date) : ""}</Info>
          <Info label="Format">{formats.join(", ")}</Info>
          <Info label="Location">{resource.location || ""}</Info>
          <Info label="Price">{priceText(resource)}</Info>
          <Info label="Certificate">{cert || "No certificate"}</Info>
          <Info label="As taught in">{run?.semester || run?.year ? [run?.semester, run?.year].filter(Boolean).join(" ") : ""}</Info>
          <Info label="Topics">
            {topics.length ? (
              <ul className="tags">
                {topics.map((t) => (
                  <li key={t.id}>
                    <Link prefetch={false} href={topicPath(t)}>{t.name}</Link>
                  </li>
                ))}
              </ul>
            ) : null}
          </Info>
          <Info label="Department">
            {departments.length ? (
              <ul className="tags">
                {departments.map((d) => (
                  <li key={d.department_id}>
                    <Link prefetch={false} href={departmentPath(d)}>{d.name}</Link>
                  </li>
                ))}
              </ul>
            ) : null}
          </Info>
          <Info label="Level">{levels.join(", ")}</Info>
          <Info label="Languages">{languages.join(", ")}</Info>
          <Info label="Duration">{duration || ""}</Info>
          <Info label="Time commitment">{resource.time_commitment || ""}</Info>
          <Info label="Offered by">{resource.offered_by ? <Link prefetch={false} href={unitPath(resource.offered_by)}>{resource.offered_by.name}</Link> : null}</Info>
          <Info label="Number of courses">{courseCount ? String(courseCount) : ""}</Info>
          <Info label="Number of episodes">{episodeCount ? String(episodeCount) : ""}</Info>
          <Info label="Podcast">
            {parentPodcasts.length ? (
              <ul className="tags">
                {parentPodcasts.map((p) => (
                  <li key={p.id}>
                    <Link prefetch={false} href={`/resource/${p.id}`}>{p.title}</Link>
                  </li>
                ))}
              </ul>
            ) : null}
          </Info>
          <Info label="Date posted">{resource.last_modified ? formatDate(resource.last_modified) : ""}</Info>
        </dl>
      </section>
      {runs.length > 0 && (
        <section aria-label="Runs">
          <Sub>Dates and formats</Sub>
          <div className="table-wrap" role="region" aria-label="Runs table (scrollable)" tabIndex={0}>
            <table className="runs">
              <thead>
                <tr>
                  <th scope="col">Dates</th>
                  <th scope="col">Format</th>
                  <th scope="col">Location</th>
                  <th scope="col">Price</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((r) => (
                  <tr key={r.id}>
                    <td>{runDates(r)}</td>
                    <td>{deliveryLabels(r.delivery as never).join(", ") || labelOf((r.delivery?.[0] as never) ?? "", DELIVERY_LABELS) || "Online"}</td>
                    <td>{r.location || "—"}</td>
                    <td>{(r.resource_prices ?? []).length ? r.resource_prices.map((p) => formatPrice(p.amount, p.currency)).join(", ") : resource.free ? "Free" : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </div>
  );
}
