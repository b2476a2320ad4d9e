import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense, cache } from "react";
import Loading from "@/components/Loading";
import type { Resource } from "@/api/client";
import { Carousel } from "@/components/Carousel";
import { CourseMaterials } from "@/components/CourseMaterials";
import { ErrorState } from "@/components/ErrorState";
import { ResourceDetails, } from "@/components/ResourceDetails";
import { relatedCarousels } from "@/components/SearchView";
import { ApiUnavailableError, NotFoundError, getResource } from "@/lib/api";
import { descriptionText } from "@/lib/markdown";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }>; searchParams?: Promise<Record<string, string | string[] | undefined>> };

/** The search within the course's materials (`?materials_q=`), trimmed and bounded like the main search. */
function materialsQuery(raw: string | string[] | undefined): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  return (value ?? "").replace(/\s+/g, " ").trim().slice(0, 200);
}

const load = cache(async (raw: string) => {
  if (!/^\d{1,12}$/.test(raw)) return { resource: null, unavailable: false };
  try {
    return { resource: await getResource(Number(raw)), unavailable: false };
  } catch (e) {
    if (e instanceof NotFoundError) return { resource: null, unavailable: false };
    if (e instanceof ApiUnavailableError) return { resource: null, unavailable: true };
    throw e;
  }
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  const { resource, unavailable } = await load(id);
  if (!resource && !unavailable) notFound(); // decided before anything streams, so the status is 404
  if (!resource) return { title: "Temporarily unavailable", robots: { index: false } };
  const description = descriptionText(resource.description, 200);
  return {
    title: resource.title,
    description,
    alternates: { canonical: `/resource/${resource.id}` },
    openGraph: {
      title: resource.title,
      description,
      type: "website",
      url: `/resource/${resource.id}`,
      images: resource.image?.url ? [{ url: resource.image.url, alt: resource.image.alt || resource.title }] : undefined,
    },
  };
}

export default async function ResourcePage({ params, searchParams }: Props) {
  const { id } = await params;
  const q = materialsQuery((await searchParams)?.materials_q);
  const { resource, unavailable } = await load(id);
  if (unavailable) return <ErrorState retryHref={`/resource/${encodeURIComponent(id)}`} />;
  if (!resource) notFound();
  // The body streams inside a Suspense boundary (404s are decided above, before anything is sent).
  return (
    <article className="resource-page">
      <Suspense fallback={<Loading />}>
        <ResourceBody resource={resource} materialsQ={q} />
      </Suspense>
    </article>
  );
}

async function ResourceBody({ resource, materialsQ }: { resource: Resource; materialsQ: string }) {
  const related = await relatedCarousels(resource);
  return (
    <>
      <ResourceDetails resource={resource} headingLevel={1} />
      {resource.resource_type === "course" && <CourseMaterials resource={resource} q={materialsQ} />}
      {related.map((c, i) => (
        <Carousel key={c.title} id={`related-${i}`} title={c.title} resources={c.items} />
      ))}
    </>
  );
}
