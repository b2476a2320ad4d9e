"""Full embedding of the loaded catalog: wall time, points, chunks/s and peak memory (JSON lines).

Usage: LEARN_VAR_DIR=... python benchmarks/embed_corpus.py [--source ocw]
Load the corpus first (`learn etl run ocw --source ../shared/data/ocw_site`). The collections are
dropped and rebuilt, then a second pass measures the no-change path (nothing is re-embedded).
"""

from __future__ import annotations

import argparse
import json
import resource
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", default=None)
    args = parser.parse_args()
    from learn.config.bootstrap import setup_django

    setup_django()
    from learn.catalog.models import LearningResource
    from learn.vectors import indexing
    from learn.vectors.documents import CONTENT_FILES, RESOURCES
    from learn.vectors.embedders import get_embedder
    from learn.vectors.models import EmbeddedPoint
    from learn.vectors.store import get_store

    store = get_store()
    for collection in (RESOURCES, CONTENT_FILES):
        store.drop_collection(collection)
    EmbeddedPoint.objects.all().delete()
    indexing.forget_collections()
    embedder = get_embedder()
    resources = LearningResource.objects.count()
    start = time.perf_counter()
    report = indexing.generate(source=args.source, store=store, embedder=embedder)
    wall = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "benchmark": "embed_corpus_full",
                "model": embedder.name,
                "resources": resources,
                "points": report.embedded_points,
                "wall_s": round(wall, 1),
                "points_per_s": round(report.embedded_points / wall, 1),
                "peak_rss_mb": round(peak_mb),
                "resource_points": store.count(RESOURCES),
                "chunk_points": store.count(CONTENT_FILES),
            }
        )
    )
    start = time.perf_counter()
    again = indexing.generate(source=args.source, store=store, embedder=embedder)
    print(
        json.dumps(
            {
                "benchmark": "embed_corpus_unchanged_rerun",
                "wall_s": round(time.perf_counter() - start, 1),
                "points_embedded": again.embedded_points,
                "unchanged_groups": again.unchanged_groups,
            }
        )
    )


if __name__ == "__main__":
    main()
