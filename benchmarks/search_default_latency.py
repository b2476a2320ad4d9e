"""In-process latency of /api/v1/learning_resources_search/ in its default mode vs phrase (JSON).

Usage: LEARN_VAR_DIR=... python benchmarks/search_default_latency.py [--rounds 3]
Needs the corpus loaded, the lexical index built and (for hybrid) the resources embedded. Runs the
development set's queries through Django's test client (no HTTP server), as the search page asks
them (facet counts, 20 results), once with ``search_mode=phrase`` (the former default) and once
with no search_mode (``SEARCH_DEFAULT_MODE``). The first round of the default suite embeds every
query (``cold``); later rounds hit the query-vector cache (``warm``). Also times page 3 (offset
40) and a deep page (offset 200), past the fused pool. Prints one JSON line per suite.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

FACETS = ["resource_type", "certification", "delivery", "department", "topic", "offered_by", "free"]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from learn.config.bootstrap import setup_django

    setup_django()
    from django.conf import settings
    from django.test import Client

    from learn.config.env import get_env

    shared = get_env().shared_path()
    assert shared is not None, "the shared folder is missing"
    queries = [
        q["q"]
        for q in json.loads((Path(shared) / "eval" / "relevance_dev.json").read_text())["queries"]
    ]
    client = Client()
    path = "/api/v1/learning_resources_search/"

    def run(name: str, extra: dict[str, Any], rounds: int) -> None:
        times: list[list[float]] = []
        modes: set[str] = set()
        for _ in range(rounds):
            row = []
            for q in queries:
                params = {"q": q, "limit": "20", "aggregations": FACETS, **extra}
                start = time.perf_counter()
                response = client.get(path, params)
                row.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, response.content[:200]
                modes.add(str(response.json()["metadata"].get("search_mode")))
            times.append(row)
        for label, values in (
            ("cold", times[0]),
            ("warm", [t for row in times[1:] for t in row]),
        ):
            if not values:
                continue
            print(
                json.dumps(
                    {
                        "benchmark": "search_default_latency",
                        "suite": name,
                        "round": label,
                        "default_mode": settings.SEARCH_DEFAULT_MODE,
                        "modes_used": sorted(modes),
                        "n": len(values),
                        "p50_ms": round(statistics.median(values), 1),
                        "p95_ms": round(pct(values, 95), 1),
                        "mean_ms": round(statistics.fmean(values), 1),
                    }
                ),
                flush=True,
            )

    for q in queries[:5]:  # warm the engines (index readers, the ONNX session)
        client.get(path, {"q": q, "search_mode": "phrase"})
        client.get(path, {"q": f"{q} warm-up"})
    run("phrase", {"search_mode": "phrase"}, args.rounds)
    run("default", {}, args.rounds)
    run("phrase_offset40", {"search_mode": "phrase", "offset": "40"}, 1)
    run("default_offset40", {"offset": "40"}, 1)
    run("phrase_offset200", {"search_mode": "phrase", "offset": "200"}, 1)
    run("default_offset200", {"offset": "200"}, 1)


if __name__ == "__main__":
    main()
