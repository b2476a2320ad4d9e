"""Search relevance on the judged development set (OCW corpus loaded): prints JSON lines.

    LEARN_VAR_DIR=... .venv/bin/python benchmarks/search_relevance.py [--file eval.json] [--details]

Reports nDCG@10 and MRR@10 per query kind for our lexical ranking (phrase and best_fields modes)
and for a plain BM25 baseline over title and description on the same index.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.config.settings")


def main() -> None:
    import django

    django.setup()
    from dataclasses import replace

    import tantivy

    from learn.config.env import get_env
    from learn.search.backends import get_backend
    from learn.search.backends.tantivy import TantivyBackend
    from learn.search.query import SearchQuery, Tuning
    from learn.search.relevance import evaluate, load_judgments

    shared = get_env().shared_path()
    parser = argparse.ArgumentParser()
    parser.add_argument("--file", default=str(Path(shared or ".") / "eval/relevance_dev.json"))
    parser.add_argument("--details", action="store_true")
    args = parser.parse_args()
    queries = load_judgments(Path(args.file))
    backend = get_backend()
    if backend.status().counts.get("resource", 0) == 0:
        sys.exit("index is empty: load the OCW corpus (learn etl run ocw) and learn index rebuild")

    from learn.catalog.models import LearningResource

    corpus = [
        u or ""
        for u in LearningResource.objects.filter(published=True).values_list("url", flat=True)
    ]

    def ranker(mode: str):
        def run(q: str) -> list[str]:
            query = SearchQuery(text=q, limit=10, tuning=replace(Tuning(), search_mode=mode))
            return [h.source.get("url") or "" for h in backend.search(query).hits]

        return run

    for mode in ("phrase", "best_fields", "most_fields"):
        report = evaluate(queries, ranker(mode), corpus)
        line = {"benchmark": "search_relevance", "ranking": f"learn:{mode}", **report["summary"]}
        print(json.dumps(line))
        if args.details:
            for d in report["queries"]:
                print(json.dumps({"mode": mode, **d}))

    if isinstance(backend, TantivyBackend):
        index = backend._ensure_open()
        searcher = index.searcher()
        kind = tantivy.Query.term_query(backend.schema, "kind", "resource")

        def bm25(q: str) -> list[str]:
            text = index.parse_query_lenient(q, ["title", "description"])[0]
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, kind), (tantivy.Occur.Must, text)]
            )
            hits = searcher.search(query, limit=10).hits
            return [json.loads(bytes(searcher.doc(a).get_first("source")))["url"] for _, a in hits]

        report = evaluate(queries, bm25, corpus)
        print(
            json.dumps(
                {
                    "benchmark": "search_relevance",
                    "ranking": "plain_bm25_title_description",
                    **report["summary"],
                }
            )
        )


if __name__ == "__main__":
    main()
