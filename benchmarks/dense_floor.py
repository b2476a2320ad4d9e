"""Where to put hybrid's similarity floor for dense-only candidates: prints JSON lines.

    LEARN_VAR_DIR=... python benchmarks/dense_floor.py [--queries FILE ...]

Needs the OCW corpus loaded, indexed and embedded (``learn demo --no-serve``). For each judged query
(default: the development set and the project's development query files, never a held-out set)
the dense top-100 is taken with the query vector hybrid uses (feedback included); the candidates
the lexical query does not match are the dense-only ones. Printed: the similarity quantiles of
dense-only candidates a judge marked relevant and of those not marked, the best similarity of
nonsense queries, and for each candidate floor the share of relevant dense-only candidates kept,
the share of unjudged ones kept and the results nonsense queries would get.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

NONSENSE = ("zzqxjv", "qwxzkvbn", "fjdksla qpwoei", "blorptwizzle", "xqzv kpfw", "vvvvzzzz")
FLOORS = (0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65)


def quantiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    v = sorted(values)
    return {f"p{q}": round(v[min(len(v) - 1, int(q / 100 * len(v)))], 3) for q in (5, 25, 50, 95)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=Path, nargs="*")
    args = parser.parse_args()
    from learn.config.bootstrap import setup_django

    setup_django()
    from learn.config.env import get_env
    from learn.search.backends import get_backend
    from learn.search.query import SearchQuery
    from learn.search.relevance import grade, load_judgments
    from learn.vectors.documents import RESOURCES
    from learn.vectors.search import resource_query_vector
    from learn.vectors.store import Filter, get_store

    shared = Path(get_env().shared_path() or "../shared")
    here = Path(__file__).parent / "queries"
    files = args.queries or [
        shared / "eval/relevance_dev.json",
        here / "semantic_check.json",
        here / "exact_signals_dev.json",
    ]
    backend, store = get_backend(), get_store()
    url_of: dict[str, str] = {}

    def dense_only(q: str) -> list[tuple[str, float]]:
        hits = store.search(
            RESOURCES,
            resource_query_vector(q),
            Filter(must={"f_published": ["true"]}),
            limit=100,
            payload_fields=["resource_id", "url"],
        )
        for h in hits:
            url_of[str(h.payload["resource_id"])] = str(h.payload.get("url") or "")
        ids = [str(h.payload["resource_id"]) for h in hits]
        lexical = backend.search(SearchQuery(text=q, filters={"id": tuple(ids)}, limit=len(ids)))
        matched = {h.id for h in lexical.hits}
        return [
            (str(h.payload["resource_id"]), h.score)
            for h in hits
            if h.payload and str(h.payload["resource_id"]) not in matched
        ]

    relevant: list[float] = []
    other: list[float] = []
    for path in files:
        for item in load_judgments(path):
            for rid, score in dense_only(item["q"]):
                url = url_of.get(rid) or ""
                (relevant if grade(url, item["rel"]) > 0 else other).append(score)
    nonsense = {q: [s for _, s in dense_only(q)] for q in NONSENSE}
    print(
        json.dumps(
            {
                "benchmark": "dense_floor",
                "queries": [str(p.name) for p in files],
                "relevant_dense_only": {"n": len(relevant), **quantiles(relevant)},
                "unjudged_dense_only": {"n": len(other), **quantiles(other)},
                "nonsense_best": {q: round(max(v, default=0.0), 3) for q, v in nonsense.items()},
            }
        )
    )
    for floor in FLOORS:
        print(
            json.dumps(
                {
                    "benchmark": "dense_floor",
                    "floor": floor,
                    "relevant_kept": round(
                        sum(s >= floor for s in relevant) / max(1, len(relevant)), 3
                    ),
                    "unjudged_kept": round(sum(s >= floor for s in other) / max(1, len(other)), 3),
                    "nonsense_results": sum(sum(s >= floor for s in v) for v in nonsense.values()),
                }
            )
        )


if __name__ == "__main__":
    main()
