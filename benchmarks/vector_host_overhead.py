"""What the vector host adds to a store call: the same searches (10 hits, no vectors; the whole
payload or one field)
through ``HostedStore`` (a host process on the shard) and on ``EdgeStore`` opened in process.

Usage: python benchmarks/vector_host_overhead.py --var /path/to/var [--n 2000]
(nothing else may hold the var folder's shard). Prints one JSON line per path: p50/p95/mean in µs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from learn.vectors.store.edge import EdgeStore
from learn.vectors.store.hosted import HostedStore, answers


def _time(store: object, vectors: list[list[float]], fields: list[str] | None) -> list[float]:
    search = store.search  # type: ignore[attr-defined]
    for v in vectors[:50]:
        search("resources", v, limit=10, payload_fields=fields)
    out = []
    for v in vectors:
        start = time.perf_counter()
        search("resources", v, limit=10, payload_fields=fields)
        out.append((time.perf_counter() - start) * 1e6)
    return out


# The whole payload (the worst case), and the one field vector_similar asks for.
FIELDS: dict[str, list[str] | None] = {"payload": None, "resource_id": ["resource_id"]}


def _line(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    return json.dumps(
        {
            "benchmark": f"store_search_{name}",
            "n": len(times),
            "p50_us": round(statistics.median(times), 1),
            "p95_us": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
            "mean_us": round(statistics.fmean(times), 1),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--var", required=True, type=Path)
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    root = args.var.resolve() / "vectors" / "learn"
    sock = root.with_name("bench.sock")
    direct = EdgeStore(root)
    hits, _ = direct.scroll("resources", limit=1)
    dim = len(direct.retrieve("resources", [hits[0].id], with_vectors=True)[0].vector or [])
    rng = np.random.default_rng(5)
    vectors = [[float(x) for x in rng.standard_normal(dim)] for _ in range(args.n)]
    for what, fields in FIELDS.items():
        print(_line(f"direct_{what}", _time(direct, vectors, fields)), flush=True)
    direct.close()
    host = subprocess.Popen(
        [sys.executable, "-m", "learn.vectors.store.host", "--socket", str(sock)]
        + ["--root", str(root)]
    )
    try:
        while not answers(sock):
            if host.poll() is not None:
                sys.exit("the vector host did not start")
            time.sleep(0.05)
        hosted = HostedStore(sock)
        for what, fields in FIELDS.items():
            print(_line(f"hosted_{what}", _time(hosted, vectors, fields)), flush=True)
        hosted.close()
    finally:
        host.terminate()
        host.wait(timeout=30)


if __name__ == "__main__":
    main()
