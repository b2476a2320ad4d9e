import type { Metadata } from "next";
import Link from "next/link";
import type { Department } from "@/api/client";
import { ErrorState } from "@/components/ErrorState";
import { getChannelCounts, getDepartments } from "@/lib/api";
import { countsByUrl, countsLabel, departmentPath } from "@/lib/channels";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Departments", description: "Browse learning resources by MIT academic department." };

// As MIT Learn's departments page: the departments by school, with each department channel's counts.
export default async function DepartmentsPage() {
  let departments: Department[];
  try {
    departments = await getDepartments();
  } catch {
    return <ErrorState retryHref="/departments" />;
  }
  const channelCounts = await getChannelCounts("department").catch(() => null);
  const counts = countsByUrl(channelCounts ?? []);
  const countOf = (d: Department) => (d.channel_url ? counts.get(d.channel_url) : undefined);
  // Only departments with a channel and courses or programs in it (any other page would be missing or empty).
  if (channelCounts) departments = departments.filter((d) => ((countOf(d)?.courses ?? 0) + (countOf(d)?.programs ?? 0)) > 0);
  const bySchool = new Map<string, typeof departments>();
  for (const d of departments) {
    const school = d.school && typeof d.school === "object" && "name" in d.school ? String(d.school.name) : "Other";
    bySchool.set(school, [...(bySchool.get(school) ?? []), d]);
  }
  return (
    <>
      <h1>Departments</h1>
      {departments.length === 0 && <p>No departments are available yet.</p>}
      {[...bySchool.entries()]
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map(([school, list]) => (
          <section key={school} aria-label={school}>
            <h2>{school}</h2>
            <ul className="grid-list">
              {list
                .sort((a, b) => a.name.localeCompare(b.name))
                .map((d) => {
                  const label = countsLabel(countOf(d));
                  return (
                    <li key={d.department_id}>
                      <Link prefetch={false} href={departmentPath(d)}>{d.name}</Link>
                      {label && <p className="facet-count">{label}</p>}
                    </li>
                  );
                })}
            </ul>
          </section>
        ))}
    </>
  );
}
