import Link from "next/link";

export function Pagination({ page, lastPage, hrefForPage }: { page: number; lastPage: number; hrefForPage: (p: number) => string }) {
  if (lastPage <= 1) return null;
  const pages = new Set<number>([1, lastPage]);
  for (let p = page - 2; p <= page + 2; p++) if (p >= 1 && p <= lastPage) pages.add(p);
  const sorted = [...pages].sort((a, b) => a - b);
  return (
    <nav className="pagination" aria-label="Pagination">
      <ul>
        <li>{page > 1 ? <Link prefetch={false} href={hrefForPage(page - 1)} rel="prev">Previous</Link> : <span aria-disabled="true">Previous</span>}</li>
        {sorted.map((p, i) => (
          <li key={p}>
            {i > 0 && sorted[i - 1] !== p - 1 && <span aria-hidden="true">…</span>}
            {p === page ? (
              <span aria-current="page" className="current">
                <span className="visually-hidden">Page </span>
                {p}
              </span>
            ) : (
              <Link prefetch={false} href={hrefForPage(p)} aria-label={`Page ${p}`}>
                {p}
              </Link>
            )}
          </li>
        ))}
        <li>{page < lastPage ? <Link prefetch={false} href={hrefForPage(page + 1)} rel="next">Next</Link> : <span aria-disabled="true">Next</span>}</li>
      </ul>
    </nav>
  );
}
