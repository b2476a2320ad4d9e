import type { ContentFileSearchResponse, Resource } from "@/api/client";
import { courseMaterials } from "@/lib/api";
import { bestRun } from "@/lib/format";
import { runTerm } from "@/lib/identity";
import { groupMaterials, materialTitle } from "@/lib/materials";

/**
 * A course's materials on its page: the content files of the run shown, grouped by type, each linking to
 * the source, and a search within them (content_file_search). Nothing at all when the catalog holds none.
 */
export async function CourseMaterials({ resource, q }: { resource: Resource; q: string }) {
  const run = bestRun(resource);
  const runId = resource.best_run_id ?? run?.id ?? null;
  let all: ContentFileSearchResponse;
  let found: ContentFileSearchResponse | null = null;
  try {
    [all, found] = await Promise.all([courseMaterials(resource.id, runId, "", 100), q ? courseMaterials(resource.id, runId, q, 100) : Promise.resolve(null)]);
  } catch {
    return null; // optional section: the page stays useful without it
  }
  if (!all.count) return null;
  const shown = found ?? all;
  const groups = groupMaterials(shown.results.filter((f) => f.url || f.title || f.content_title));
  const term = runTerm(run);
  return (
    <section className="materials" aria-labelledby="materials-title">
      <h2 id="materials-title">Course materials</h2>
      <p className="materials-note">
        {all.count} {all.count === 1 ? "item" : "items"}
        {term ? ` from ${term}` : ""}, on the provider’s site.
      </p>
      <form role="search" method="get" action={`/resource/${resource.id}`} className="materials-search" aria-label="Search this course’s materials">
        <label htmlFor="materials-q" className="visually-hidden">
          Search this course’s materials
        </label>
        <input id="materials-q" name="materials_q" type="search" defaultValue={q} maxLength={200} placeholder="Search this course’s materials" />
        <button type="submit">Search</button>
      </form>
      {q && (
        <p className="result-count" role="status">
          {shown.count} {shown.count === 1 ? "material matches" : "materials match"} “{q}”.{" "}
          <a href={`/resource/${resource.id}#materials-title`}>Show all materials</a>
        </p>
      )}
      {groups.map((g) => (
        <div key={g.key} className="materials-group">
          <h3>
            {g.title} <span className="facet-count">({g.files.length})</span>
          </h3>
          <ul className="materials-list">
            {g.files.map((f) => (
              <li key={f.id}>
                {f.url ? (
                  <a href={f.url} rel="noopener noreferrer" target="_blank">
                    {materialTitle(f)}
                    <span className="visually-hidden"> (opens in a new tab)</span>
                  </a>
                ) : (
                  materialTitle(f)
                )}
              </li>
            ))}
          </ul>
        </div>
      ))}
      {all.count > all.results.length && !q && <p>Showing the first {all.results.length}; search above to find the others.</p>}
    </section>
  );
}
