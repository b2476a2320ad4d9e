"""Latency of /api/v1/learning_resources_search/ over HTTP, per search mode (JSON lines).

Usage: LEARN_VAR_DIR=... python benchmarks/search_http_latency.py [--mode phrase --mode hybrid]
       [--url http://127.0.0.1:PORT] [--rounds 2]
Without ``--url`` it serves the API itself (``learn serve``, rate limits off, the per-process
result cache OFF so every request reaches the engine). The queries are the development set
(``../shared/eval``) and the project's judged sets (``benchmarks/queries``), each asked as the
search page asks it (20 results, facet counts). One client, sequential requests: the latency a
learner sees on an idle server. The first round embeds each query once for hybrid (``cold``); the
next rounds are ``warm``. Prints one JSON line per mode and round: p50/p95/p99/mean in ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
FACETS = ["resource_type", "certification", "delivery", "department", "topic", "offered_by", "free"]


def queries() -> list[str]:
    found: list[str] = []
    files = sorted((ROOT / "benchmarks" / "queries").glob("*.json"))
    files += sorted((ROOT.parent / "shared" / "eval").glob("*.json"))
    for path in files:
        data = json.loads(path.read_text())
        items = data.get("queries", []) if isinstance(data, dict) else data
        found += [item["q"] for item in items if isinstance(item, dict) and item.get("q")]
    return list(dict.fromkeys(found))


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))]


def serve() -> tuple[subprocess.Popen[bytes], str]:
    """``learn serve`` as the load benchmark starts it, with the result cache off."""
    os.environ["SEARCH_RESULT_CACHE_SIZE"] = "0"  # every request reaches the engine
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from load import start_server

    return start_server(None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server (loopback)")
    parser.add_argument("--mode", action="append", choices=["phrase", "best_fields", "hybrid"])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    server = None
    base = args.url.rstrip("/") if args.url else None
    if base is None:
        server, base = serve()
    texts = queries()
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            count = client.get("/api/v1/learning_resources/?limit=1").json()["count"]
            for mode in args.mode or ["phrase", "hybrid"]:
                for round_ in range(args.rounds):
                    samples = []
                    for text in texts:
                        params = [("q", text), ("search_mode", mode), ("limit", "20")]
                        params += [("aggregations", f) for f in FACETS]
                        started = time.perf_counter()
                        response = client.get(
                            f"/api/v1/learning_resources_search/?{urlencode(params)}"
                        )
                        samples.append((time.perf_counter() - started) * 1000)
                        response.raise_for_status()
                    print(json.dumps({
                        "benchmark": "search_http_latency",
                        "mode": mode,
                        "round": "cold" if round_ == 0 else "warm",
                        "resources": count,
                        "queries": len(samples),
                        "p50_ms": round(percentile(samples, 50), 1),
                        "p95_ms": round(percentile(samples, 95), 1),
                        "p99_ms": round(percentile(samples, 99), 1),
                        "mean_ms": round(statistics.fmean(samples), 1),
                    }), flush=True)  # fmt: skip
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
