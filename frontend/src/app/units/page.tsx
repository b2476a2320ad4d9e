import type { Metadata } from "next";
import Link from "next/link";
import type { Offeror } from "@/api/client";
import { ErrorState } from "@/components/ErrorState";
import { getChannelCounts, getOfferors } from "@/lib/api";
import { countsByUrl, countsLabel, unitPath } from "@/lib/channels";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Academic and professional units", description: "The MIT units that offer learning resources." };

// As MIT Learn's units page: the offerors, academic then professional, with each unit channel's counts.
export default async function UnitsPage() {
  let offerors: Offeror[];
  try {
    offerors = await getOfferors();
  } catch {
    return <ErrorState retryHref="/units" />;
  }
  const channelCounts = await getChannelCounts("unit").catch(() => null);
  const counts = countsByUrl(channelCounts ?? []);
  const countOf = (o: Offeror) => (o.channel_url ? counts.get(o.channel_url) : undefined);
  // Only units with a channel and courses or programs in it (any other page would be missing or empty).
  if (channelCounts) offerors = offerors.filter((o) => ((countOf(o)?.courses ?? 0) + (countOf(o)?.programs ?? 0)) > 0);
  const groups = [
    { title: "Academic units", list: offerors.filter((o) => !o.professional) },
    { title: "Professional units", list: offerors.filter((o) => o.professional) },
  ];
  return (
    <>
      <h1>Academic and professional units</h1>
      {offerors.length === 0 && <p>No units are available yet.</p>}
      {groups
        .filter((g) => g.list.length)
        .map((g) => (
          <section key={g.title} aria-label={g.title}>
            <h2>{g.title}</h2>
            <ul className="grid-list">
              {g.list.map((o) => {
                const label = countsLabel(countOf(o));
                return (
                  <li key={o.code}>
                    <h3>
                      <Link prefetch={false} href={unitPath(o)}>{o.name}</Link>
                    </h3>
                    {label && <p className="facet-count">{label}</p>}
                    {o.value_prop && <p>{o.value_prop}</p>}
                  </li>
                );
              })}
            </ul>
          </section>
        ))}
    </>
  );
}
