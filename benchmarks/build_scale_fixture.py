"""Build a 100k-resource var folder for latency benchmarks, from an embedded OCW var folder.

Usage: python benchmarks/build_scale_fixture.py --from VAR --to VAR100K [--n 100000]
- copies the catalog database (SQLite) so the server can serialize results;
- vector store: every real resource vector plus copies with small noise until ``n`` points
  (copies point at real resource ids, so dense hits resolve to real resources);
- lexical index: the real documents plus copies with new ids until ``n`` documents.
Copies are synthetic: they measure latency at scale, not relevance.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from dataclasses import replace
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--from", dest="source", required=True)
    parser.add_argument("--to", dest="target", required=True)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument(
        "--lexical-only", action="store_true", help="rebuild only the lexical index"
    )
    args = parser.parse_args()
    source, target = Path(args.source), Path(args.target)
    target.mkdir(parents=True, exist_ok=True)
    for name in ("learn.sqlite3", "learn.sqlite3-wal", "learn.sqlite3-shm"):
        if (source / name).exists():
            shutil.copy2(source / name, target / name)
    os.environ["LEARN_VAR_DIR"] = str(target)
    from learn.config.bootstrap import setup_django

    setup_django()
    count = upserted = optimized = 0.0
    if not args.lexical_only:
        count, upserted, optimized = _vectors(source, target, args.n)
    _lexical(
        target,
        args.n,
        {
            "vector_points": count,
            "vector_upsert_s": round(upserted, 1),
            "hnsw_build_s": round(optimized, 1),
        },
    )


def _vectors(source: Path, target: Path, n: int) -> tuple[float, float, float]:
    import numpy as np

    from learn.vectors.documents import RESOURCES, point_id, resource_indexes
    from learn.vectors.store import Point
    from learn.vectors.store.edge import EdgeStore

    original = EdgeStore(source / "vectors" / "learn")
    real, cursor = [], None
    while True:
        batch, cursor = original.scroll(RESOURCES, limit=1000, offset=cursor)
        real.extend(batch)
        if cursor is None:
            break
    vectors = {
        h.id: original.retrieve(RESOURCES, [h.id], with_vectors=True)[0].vector for h in real
    }
    original.close()
    shutil.rmtree(target / "vectors", ignore_errors=True)
    store = EdgeStore(target / "vectors" / "learn")
    dim = len(next(iter(vectors.values())) or [])
    store.ensure_collection(RESOURCES, dim, resource_indexes())  # type: ignore[arg-type]
    rng = np.random.default_rng(3)
    start = time.perf_counter()
    points: list[Point] = []
    made = 0
    copy = 0
    while made < n:
        for hit in real:
            if made >= n:
                break
            base = np.array(vectors[hit.id], dtype=np.float32)
            if copy:
                base = base + rng.normal(0, 0.03, base.shape).astype(np.float32)
                base /= np.linalg.norm(base)
            pid = hit.id if copy == 0 else point_id("copy", copy, hit.id)
            points.append(Point(pid, base.tolist(), hit.payload))
            made += 1
            if len(points) >= 2000:
                store.upsert(RESOURCES, points)
                points = []
        copy += 1
    store.upsert(RESOURCES, points)
    upserted = time.perf_counter() - start
    store.optimize(RESOURCES)
    optimized = time.perf_counter() - start - upserted
    count = store.count(RESOURCES)
    store.close()
    return count, upserted, optimized


def _lexical(target: Path, n: int, report: dict[str, float]) -> None:
    from learn.search.backends.tantivy import TantivyBackend
    from learn.search.indexing import resource_documents

    docs = list(resource_documents())
    backend = TantivyBackend(target / "search")

    def all_docs():  # type: ignore[no-untyped-def]
        made = 0
        copy = 0
        while made < n:
            for doc in docs:
                if made >= n:
                    return
                if copy == 0:
                    yield doc
                else:
                    new_id = int(doc.id) + copy * 1_000_000
                    yield replace(doc, id=str(new_id), source={**doc.source, "id": new_id})
                made += 1
            copy += 1

    start = time.perf_counter()
    indexed = backend.rebuild(all_docs())
    print(
        json.dumps(
            {
                "benchmark": "scale_fixture",
                **report,
                "lexical_docs": indexed,
                "lexical_build_s": round(time.perf_counter() - start, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
