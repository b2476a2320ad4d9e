"""Latency over HTTP of vector_similar, vector search and hybrid search (p50/p95, JSON lines).

Usage: python benchmarks/vector_latency.py --var /path/to/var [--port 8185] [--n 200] [--workers N]
Starts `learn serve` (Granian; ``--workers``: its default, one per core, when unset; on the embedded
store several workers go through the vector host) on the given var folder, warms it up, then times
sequential requests (includes the query embedding for vector and hybrid search; queries repeat, so
the query-vector cache serves most of them, except in the ``hybrid_search_uncached`` suite, whose
queries are new).
Stops the server at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

QUERIES = [
    "6.046",
    "18.02",
    "artificial intelligence",
    "marketing management",
    "convex optimization",
    "genetics",
    "urban design",
    "film studies",
    "leadership",
    "why do prices go up",
    "designing electronic circuits",
    "writing better essays",
    "how cities are planned",
    "Erik Demaine",
    "quantum mechanics",
    "machine learning",
    "ancient history",
    "climate change",
    "probability and statistics",
    "organic chemistry",
]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def timed(client: httpx.Client, urls: list[tuple[str, dict[str, str]]]) -> list[float]:
    out = []
    for path, params in urls:
        start = time.perf_counter()
        response = client.get(path, params=params)
        out.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (
            path,
            params,
            response.status_code,
            response.text[:300],
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--var", required=True)
    parser.add_argument("--port", type=int, default=8185)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--suite", action="append", help="only these suites (default: all)")
    args = parser.parse_args()
    var = Path(args.var)
    ids = [
        r[0]
        for r in sqlite3.connect(var / "learn.sqlite3").execute(
            "select id from catalog_learningresource where published = 1"
        )
    ]
    rng = random.Random(11)
    env = dict(os.environ, LEARN_VAR_DIR=str(var), RATE_LIMITS="off")
    workers = ["--workers", str(args.workers)] if args.workers else []
    server = subprocess.Popen(
        [sys.executable, "-m", "learn.cli.main", "serve", "--port", str(args.port), *workers],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            for _ in range(120):
                try:
                    client.get("/api/v1/learning_resources_search/", params={"q": "warm"})
                    break
                except httpx.HTTPError:
                    time.sleep(1)
            suites: dict[str, list[tuple[str, dict[str, str]]]] = {
                "vector_similar": [
                    (f"/api/v1/learning_resources/{rng.choice(ids)}/vector_similar/", {})
                    for _ in range(args.n)
                ],
                "vector_search": [
                    ("/api/v0/vector_learning_resources_search/", {"q": rng.choice(QUERIES)})
                    for _ in range(args.n)
                ],
                "hybrid_search": [
                    (
                        "/api/v1/learning_resources_search/",
                        {
                            "q": rng.choice(QUERIES),
                            "search_mode": "hybrid",
                            "aggregations": "resource_type",
                        },
                    )
                    for _ in range(args.n)
                ],
                # Every query new to the server: the query-vector cache never helps.
                "hybrid_search_uncached": [
                    (
                        "/api/v1/learning_resources_search/",
                        {
                            "q": f"{q} {rng.choice(QUERIES)} {i}",
                            "search_mode": "hybrid",
                            "aggregations": "resource_type",
                        },
                    )
                    for i, q in enumerate(rng.choice(QUERIES) for _ in range(args.n))
                ],
                "lexical_search": [
                    (
                        "/api/v1/learning_resources_search/",
                        {
                            "q": rng.choice(QUERIES),
                            "search_mode": "phrase",
                            "aggregations": "resource_type",
                        },
                    )
                    for _ in range(args.n)
                ],
            }
            for name, urls in suites.items():
                if args.suite and name not in args.suite:
                    continue
                timed(client, urls[:10])  # warm-up
                times = timed(client, urls)
                print(
                    json.dumps(
                        {
                            "benchmark": f"{name}_http",
                            "var": str(var),
                            "workers": args.workers or "default",
                            "n": len(times),
                            "p50_ms": round(statistics.median(times), 1),
                            "p95_ms": round(pct(times, 95), 1),
                            "loadavg_1m": round(os.getloadavg()[0], 2),
                        }
                    ),
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
