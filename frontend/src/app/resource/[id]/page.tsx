import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Suspense, cache } from "react";
import Loading from "@/components/Loading";
import type { Resource } from "@/api/client";
import { Carousel } from "@/components/Carousel";
import { ErrorState } from "@/components/ErrorState";
import { ResourceDetails, } from "@/components/ResourceDetails";
import { relatedCarousels } from "@/components/SearchView";
import { ApiUnavailableError, NotFoundError, getResource } from "@/lib/api";
import { plainText } from "@/lib/format";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

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
  const description = plainText(resource.description, 200);
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

export default async function ResourcePage({ params }: Props) {
  const { id } = await params;
  const { resource, unavailable } = await load(id);
  if (unavailable) return <ErrorState retryHref={`/resource/${encodeURIComponent(id)}`} />;
  if (!resource) notFound();
  // The body streams inside a Suspense boundary (404s are decided above, before anything is sent).
  return (
    <article className="resource-page">
      <Suspense fallback={<Loading />}>
        <ResourceBody resource={resource} />
      </Suspense>
    </article>
  );
}

async function ResourceBody({ resource }: { resource: Resource }) {
  const related = await relatedCarousels(resource);
  return (
    <>
      <ResourceDetails resource={resource} headingLevel={1} />
      {related.map((c, i) => (
        <Carousel key={c.title} id={`related-${i}`} title={c.title} resources={c.items} />
      ))}
    </>
  );
}
