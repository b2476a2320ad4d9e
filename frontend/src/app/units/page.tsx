import type { Metadata } from "next";
import Link from "next/link";
import { ErrorState } from "@/components/ErrorState";
import { catalogCounts, getOfferors } from "@/lib/api";
import { unitPath } from "@/lib/channels";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Academic and professional units", description: "The MIT units that offer learning resources." };

export default async function UnitsPage() {
  let offerors;
  try {
    offerors = await getOfferors();
  } catch {
    return <ErrorState retryHref="/units" />;
  }
  // Units with nothing in the catalog are not offered (their page would be empty).
  const counts = await catalogCounts().catch(() => null);
  const count = (code: string) => counts?.byOfferor.get(code) ?? 0;
  if (counts) offerors = offerors.filter((o) => count(o.code) > 0);
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
              {g.list.map((o) => (
                <li key={o.code}>
                  <h3>
                    <Link prefetch={false} href={unitPath(o)}>{o.name}</Link>
                  </h3>
                  {counts && <p className="facet-count">{count(o.code).toLocaleString("en-US")} {count(o.code) === 1 ? "resource" : "resources"}</p>}
                  {o.value_prop && <p>{o.value_prop}</p>}
                </li>
              ))}
            </ul>
          </section>
        ))}
    </>
  );
}
