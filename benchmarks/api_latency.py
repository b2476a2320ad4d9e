"""Latency of the catalog list endpoint over HTTP under Granian.

Usage: python benchmarks/api_latency.py [--requests N] [--path PATH]
Serves the API from the current LEARN_VAR_DIR / DATABASE_URL (load a catalog first, e.g. with
``learn demo --no-serve``) and prints JSON lines: one per path with p50/p95/mean in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--path",
        action="append",
        default=None,
        help="API path to measure (repeatable)",
    )
    args = parser.parse_args()
    paths = args.path or [
        "/api/v1/learning_resources/?limit=20",
        "/api/v1/courses/?limit=20&platform=ocw",
        "/api/v1/learning_resources/?limit=20&offset=2000&sortby=-start_date",
    ]
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "learn.cli.main", "serve", "--port", str(port)],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=30) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    client.get("/health/liveness/")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            for path in paths:
                count = client.get(path).json().get("count")
                for _ in range(20):  # warm up
                    client.get(path)
                samples = []
                for _ in range(args.requests):
                    start = time.perf_counter()
                    response = client.get(path)
                    samples.append((time.perf_counter() - start) * 1000)
                    response.raise_for_status()
                print(
                    json.dumps(
                        {
                            "benchmark": "api_latency",
                            "path": path,
                            "resources_total": count,
                            "requests": args.requests,
                            "p50_ms": round(percentile(samples, 50), 2),
                            "p95_ms": round(percentile(samples, 95), 2),
                            "mean_ms": round(statistics.fmean(samples), 2),
                        }
                    ),
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
