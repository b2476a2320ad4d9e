import type { Metadata } from "next";
import Link from "next/link";
import { ErrorState } from "@/components/ErrorState";
import { catalogCounts, getDepartments } from "@/lib/api";
import { departmentPath } from "@/lib/channels";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Departments", description: "Browse learning resources by MIT academic department." };

export default async function DepartmentsPage() {
  let departments;
  try {
    departments = await getDepartments();
  } catch {
    return <ErrorState retryHref="/departments" />;
  }
  // Departments with nothing in the catalog are not offered (their page would be empty).
  const counts = await catalogCounts().catch(() => null);
  if (counts) departments = departments.filter((d) => (counts.byDepartment.get(d.department_id) ?? 0) > 0);
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
                .map((d) => (
                  <li key={d.department_id}>
                    <Link prefetch={false} href={departmentPath(d)}>{d.name}</Link>
                  </li>
                ))}
            </ul>
          </section>
        ))}
    </>
  );
}
