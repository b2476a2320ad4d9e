"""Relevance of lexical, dense and hybrid search on the development set (nDCG@10 and MRR per kind).

Usage: LEARN_VAR_DIR=... python benchmarks/relevance_hybrid.py [--quick] [--queries FILE]
Needs the OCW corpus loaded, the lexical index built and the embeddings generated. Prints one JSON
line per variant. Grades: a result matches a judged key when its URL's last path segment starts
with the key; each key counts once.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any


def grade_of(url: str, rel: dict[str, int], used: set[str]) -> int:
    slug = (url or "").rstrip("/").rsplit("/", 1)[-1]
    for key, grade in rel.items():
        if key not in used and slug.startswith(key):
            used.add(key)
            return grade
    return 0


def ndcg_and_rr(urls: list[str], rel: dict[str, int], k: int = 10) -> tuple[float, float]:
    used: set[str] = set()
    grades = [grade_of(u, rel, used) for u in urls[:k]]
    dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades))
    ideal = sorted(rel.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    rr = next((1.0 / (i + 1) for i, g in enumerate(grades) if g > 0), 0.0)
    return (dcg / idcg if idcg else 0.0), rr


def evaluate(
    name: str, run: Callable[[str], list[str]], queries: list[dict[str, Any]]
) -> dict[str, Any]:
    per_kind: dict[str, list[tuple[float, float]]] = defaultdict(list)
    latencies = []
    for item in queries:
        start = time.perf_counter()
        urls = run(item["q"])
        latencies.append((time.perf_counter() - start) * 1000)
        per_kind[item["kind"]].append(ndcg_and_rr(urls, item["rel"]))
    ndcg = {k: round(sum(n for n, _ in v) / len(v), 3) for k, v in sorted(per_kind.items())}
    mrr = {k: round(sum(r for _, r in v) / len(v), 3) for k, v in sorted(per_kind.items())}
    scores = [n for v in per_kind.values() for n, _ in v]
    return {
        "benchmark": "relevance_dev",
        "variant": name,
        "ndcg@10": ndcg,
        "mrr": mrr,
        "overall_ndcg@10": round(sum(scores) / len(scores), 3),
        "mean_ms": round(sum(latencies) / len(latencies), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="only lexical, dense and the default")
    parser.add_argument(
        "--queries", type=Path, help="another judged query file of the same shape (default: dev)"
    )
    args = parser.parse_args()
    from learn.config.bootstrap import setup_django

    setup_django()
    from learn.config.env import get_env
    from learn.retrieval import hybrid
    from learn.retrieval.hydration import resources_json
    from learn.retrieval.lexical import lexical_search
    from learn.search.backends import get_backend
    from learn.search.query import SearchQuery
    from learn.vectors.search import SearchParams, search_resources

    shared = get_env().shared_path()
    assert shared is not None, "the shared folder is missing"
    path = args.queries or Path(shared) / "eval" / "relevance_dev.json"
    queries = json.loads(path.read_text())["queries"]
    backend = get_backend()

    def lexical(q: str) -> list[str]:
        # search_mode=phrase as served: the engine's answer with the lexical fallback.
        hits = lexical_search(backend, SearchQuery(text=q, limit=10)).hits
        return [h.source.get("url") or "" for h in hits]

    def dense(q: str) -> list[str]:
        page = search_resources(SearchParams(q=q, limit=10))
        return [item.get("url") or "" for item in resources_json(page.ids)]

    def fused(method: str, alpha: float | None, mode: str) -> Callable[[str], list[str]]:
        def run(q: str) -> list[str]:
            result, _ = hybrid.hybrid_search(
                SearchQuery(text=q, limit=10),
                backend,
                method=method,  # type: ignore[arg-type]
                alpha=alpha,
                lexical_mode=mode,
            )
            return [h.source.get("url") or "" for h in result.hits]

        return run

    variants: list[tuple[str, Callable[[str], list[str]]]] = [
        ("lexical", lexical),
        ("dense", dense),
    ]
    default: tuple[str, float | None, str] = (
        hybrid.DEFAULT_METHOD,
        None,  # the lexical weight follows the lexical confidence
        hybrid.DEFAULT_LEXICAL_MODE,
    )
    grid = [default]
    if not args.quick:
        grid += [
            (method, alpha, mode)
            for method in ("rrf", "score")
            for alpha in (None, 0.3, 0.5, 0.7)
            for mode in ("phrase", "best_fields")
            if (method, alpha, mode) != default
        ]
    for method, alpha, mode in grid:
        weight = "adaptive" if alpha is None else f"a{alpha}"
        variants.append((f"hybrid-{method}-{weight}-{mode}", fused(method, alpha, mode)))
    for name, run in variants:
        print(json.dumps(evaluate(name, run, queries)), flush=True)


if __name__ == "__main__":
    main()
