// What tells one course from another with the same title: its primary number, the term of the run shown,
// who teaches it and at what level. Shared by cards, the drawer and the resource page.
import type { Resource, Run } from "@/api/client";
import { bestRun, levelLabels } from "./format";

export interface CourseIdentity {
  /** Primary course number ("18.06"), or the first listed one; empty when the resource has none. */
  number: string;
  /** Other numbers the course is listed under ("18.700 is also 6.xxx"). */
  crossListed: string[];
  /** "Spring 2010" (or a start year) of the run shown; empty when unknown. */
  term: string;
  instructors: string[];
  levels: string[];
}

function runInstructors(run: Run | undefined): string[] {
  const out: string[] = [];
  for (const i of run?.instructors ?? []) {
    const name = (i?.full_name || [i?.first_name, i?.last_name].filter(Boolean).join(" ")).trim();
    if (name && !out.includes(name)) out.push(name);
  }
  return out;
}

export function runTerm(run: Pick<Run, "semester" | "year" | "start_date"> | undefined): string {
  if (!run) return "";
  const year = run.year || (run.start_date ? new Date(run.start_date).getUTCFullYear() : undefined);
  return [run.semester, year].filter(Boolean).join(" ");
}

export function courseIdentity(resource: Pick<Resource, "runs" | "best_run_id"> & { course?: unknown }): CourseIdentity {
  const course = (resource.course ?? null) as { course_numbers?: { value?: string; listing_type?: string }[] | null } | null;
  const numbers = (course?.course_numbers ?? []).filter((n) => n?.value);
  const primary = numbers.find((n) => (n.listing_type ?? "").toLowerCase() === "primary") ?? numbers[0];
  const run = bestRun(resource);
  // The run shown names its own teachers; a resource whose best run lists none falls back to any run's.
  let instructors = runInstructors(run);
  if (!instructors.length) for (const r of resource.runs ?? []) instructors = [...new Set([...instructors, ...runInstructors(r)])];
  return {
    number: primary?.value ?? "",
    crossListed: numbers.filter((n) => n !== primary).map((n) => n.value as string),
    term: runTerm(run),
    instructors,
    levels: levelLabels((run?.level ?? []) as never),
  };
}

/** The search for one instructor's resources. */
export function instructorHref(name: string): string {
  return `/search?${new URLSearchParams({ instructor: name })}`;
}
