"""Load test of the API over HTTP: many concurrent clients, JSON-lines figures.

Usage: python benchmarks/load.py [--url http://127.0.0.1:PORT] [--workload NAME ...]
       [--clients N] [--seconds S] [--serve-workers W]

Without ``--url`` it serves the API itself (``learn serve``, rate limits off) from the current
LEARN_VAR_DIR / DATABASE_URL: load a catalog first (``learn demo --no-serve``). ``--url`` must be
a loopback address: this script never loads anyone else's server.

Workloads (``--workload``, repeatable; default: lexical, mixed):
- ``lexical``: lexical search with facets (``search_mode=best_fields``, four aggregations);
- ``mixed``: lists, lexical faceted search, hybrid search and ``vector_similar``, in turn;
- ``uncached``: the mixed workload's requests made so that hardly any repeats (what the result
  and view caches cannot help);
- ``soak``: the mixed workload, meant for ``--clients 200 --seconds 300``.

Each client is an asyncio task with its own keep-alive connection, sending its next request as
soon as the last one answered (closed loop). ``--driver wrk`` sends the same requests (the same
generated paths, in turn) from ``wrk`` (C, one thread, ``apt-get install wrk``), whose own cost on
a machine shared with the server is a fraction of the asyncio client's: use it for throughput
ceilings, and the asyncio client where a Python-only machine is all there is.
One JSON line per workload: requests, req/s,
p50/p95/p99 in ms, errors (transport errors and 5xx; 429s counted separately) and the server's
resident memory at the start and the end (MB, when it runs here).
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

AGGS = "&aggregations=resource_type&aggregations=offered_by&aggregations=topic&aggregations=free"
WORDS = [
    "physics", "calculus", "linear algebra", "economics", "machine learning", "biology",
    "chemistry", "music", "history", "algorithms", "probability", "energy", "writing",
    "neuroscience", "statistics", "design", "thermodynamics", "finance", "robotics", "data",
]  # fmt: skip


def lexical(rng: random.Random, ids: list[int]) -> str:
    word = rng.choice(WORDS)
    return f"/api/v1/learning_resources_search/?q={word}&search_mode=best_fields&limit=10{AGGS}"


MIXED = [
    lambda rng, ids: f"/api/v1/learning_resources/?limit=10&offset={rng.randrange(0, 500)}",
    lambda rng, ids: f"/api/v1/courses/?limit=10&offered_by=ocw&offset={rng.randrange(0, 200)}",
    lexical,
    lambda rng, ids: (
        f"/api/v1/learning_resources_search/?q={rng.choice(WORDS)}&search_mode=hybrid&limit=10"
    ),
    lambda rng, ids: f"/api/v1/learning_resources/{rng.choice(ids)}/vector_similar/?limit=10",
]


# ``uncached``: the mixed workload's five requests, made so that hardly any repeats (two-word
# queries from this vocabulary, list pages anywhere in the catalog): what the caches cannot help.
VOCABULARY = [
    "introduction", "advanced", "quantum", "classical", "mechanics", "electricity", "magnetism",
    "waves", "optics", "organic", "inorganic", "molecular", "cell", "genetics", "evolution",
    "ecology", "climate", "ocean", "earth", "planetary", "astronomy", "cosmology", "relativity",
    "circuits", "signals", "systems", "control", "networks", "computation", "programming",
    "software", "databases", "security", "cryptography", "graphics", "vision", "language",
    "speech", "learning", "inference", "optimization", "numerical", "analysis", "differential",
    "equations", "geometry", "topology", "algebra", "number", "theory", "combinatorics", "logic",
    "philosophy", "ethics", "politics", "government", "law", "policy", "urban", "planning",
    "architecture", "art", "media", "film", "literature", "poetry", "fiction", "drama",
    "theater", "dance", "anthropology", "sociology", "psychology", "cognition", "brain",
    "memory", "health", "medicine", "nutrition", "management", "marketing", "accounting",
    "strategy", "entrepreneurship", "innovation", "supply", "chain", "manufacturing",
    "materials", "polymers", "structures", "fluids", "heat", "transfer", "combustion",
    "aerospace", "nuclear", "reactor", "materials", "semiconductor", "devices", "photonics",
    "chemistry", "kinetics",
]  # fmt: skip


def _two_words(rng: random.Random) -> str:
    return f"{rng.choice(VOCABULARY)}+{rng.choice(VOCABULARY)}"


UNCACHED = [
    lambda rng, ids: (
        f"/api/v1/learning_resources/?limit={rng.choice((10, 20))}&offset={rng.randrange(0, 2800)}"
    ),
    lambda rng, ids: (
        f"/api/v1/courses/?limit={rng.choice((10, 20))}&offered_by=ocw"
        f"&offset={rng.randrange(0, 2500)}"
    ),
    lambda rng, ids: (
        f"/api/v1/learning_resources_search/?q={_two_words(rng)}&search_mode=best_fields"
        f"&limit=10{AGGS}"
    ),
    lambda rng, ids: (
        f"/api/v1/learning_resources_search/?q={_two_words(rng)}&search_mode=hybrid&limit=10"
    ),
    lambda rng, ids: f"/api/v1/learning_resources/{rng.choice(ids)}/vector_similar/?limit=10",
]


def path_for(workload: str, index: int, rng: random.Random, ids: list[int]) -> str:
    if workload == "lexical":
        return lexical(rng, ids)
    if workload == "uncached":
        return UNCACHED[index % len(UNCACHED)](rng, ids)
    return MIXED[index % len(MIXED)](rng, ids)


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def rss_mb(pid: int | None) -> float | None:
    """Resident memory of a process and its children (Granian workers), in MB."""
    if pid is None:
        return None
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return round(total / 1024, 1)


async def client(
    http: httpx.AsyncClient,
    workload: str,
    seed: int,
    ids: list[int],
    deadline: float,
    latencies: list[float],
    counts: dict[str, int],
) -> None:
    rng = random.Random(seed)
    index = seed
    while time.monotonic() < deadline:
        path = path_for(workload, index, rng, ids)
        index += 1
        started = time.perf_counter()
        try:
            response = await http.get(path)
        except httpx.HTTPError:
            counts["errors"] += 1
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status_code == 429:
            counts["throttled"] += 1
        elif response.status_code >= 500:
            counts["errors"] += 1
            counts[f"status_{response.status_code}"] = (
                counts.get(f"status_{response.status_code}", 0) + 1
            )


async def run_workload(
    base: str, workload: str, clients: int, seconds: float, ids: list[int], server: int | None
) -> dict[str, object]:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
        latencies: list[float] = []
        counts = {"errors": 0, "throttled": 0}
        memory_start = rss_mb(server)
        started = time.monotonic()
        deadline = started + seconds
        await asyncio.gather(
            *(client(http, workload, n, ids, deadline, latencies, counts) for n in range(clients))
        )
        elapsed = time.monotonic() - started
    total = (
        len(latencies)
        + counts["errors"]
        - sum(v for k, v in counts.items() if k.startswith("status_"))
    )
    return {
        "benchmark": "load",
        "workload": workload,
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": total,
        "req_per_s": round(total / elapsed, 1),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "error_rate": round(counts["errors"] / total, 5) if total else None,
        **counts,
        "server_rss_mb_start": memory_start,
        "server_rss_mb_end": rss_mb(server),
    }


WRK_SCRIPT = """
local paths = {%s}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  math.randomseed(os.time() + #threads)
  idx = math.random(#paths); failed = 0; throttled = 0
end
function request()
  idx = idx %% #paths + 1
  return wrk.format("GET", paths[idx])
end
function response(status, headers, body)
  if status >= 500 then failed = failed + 1 elseif status == 429 then throttled = throttled + 1 end
end
function done(summary, latency, requests)
  local f, t = 0, 0
  for _, th in ipairs(threads) do f = f + th:get("failed"); t = t + th:get("throttled") end
  io.write(string.format('WRKJSON {"requests": %%d, "duration_us": %%d, "p50_us": %%d, ' ..
    '"p95_us": %%d, "p99_us": %%d, "transport_errors": %%d, "status_5xx": %%d, ' ..
    '"throttled": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, f, t))
end
"""


def run_wrk(
    base: str, workload: str, clients: int, seconds: float, ids: list[int], server: int | None
) -> dict[str, object]:
    """The workload from ``wrk``: 2,000 paths (20,000 uncached) generated as the asyncio client
    would send them."""
    rng = random.Random(7)
    count = 20000 if workload == "uncached" else 2000
    paths = [path_for(workload, n, rng, ids) for n in range(count)]
    script = WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    memory_start = rss_mb(server)
    try:
        done = subprocess.run(
            ["wrk", "-t1", f"-c{clients}", f"-d{int(seconds)}s", "--timeout", "30s",
             "-s", handle.name, base],
            capture_output=True, text=True,
        )  # fmt: skip
    finally:
        os.unlink(handle.name)
    out = done.stdout
    if done.returncode != 0 or "WRKJSON " not in out:
        sys.exit(f"wrk failed (exit {done.returncode}): {(done.stderr or out).strip()[-2000:]}")
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    raw = json.loads(line.removeprefix("WRKJSON "))
    elapsed = raw["duration_us"] / 1e6
    errors = raw["transport_errors"] + raw["status_5xx"]
    return {
        "benchmark": "load",
        "driver": "wrk",
        "workload": workload,
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": raw["requests"],
        "req_per_s": round(raw["requests"] / elapsed, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p95_ms": round(raw["p95_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "error_rate": round(errors / raw["requests"], 5) if raw["requests"] else None,
        "errors": errors,
        "throttled": raw["throttled"],
        "server_rss_mb_start": memory_start,
        "server_rss_mb_end": rss_mb(server),
    }


def loopback_only(url: str) -> None:
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror:
        sys.exit(f"cannot resolve {host!r}")
    if not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        sys.exit(f"refusing to load {url}: only loopback addresses are allowed")


def start_server(workers: int | None) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    env = {**os.environ, "RATE_LIMITS": "off", "LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "learn.cli.main", "serve", "--port", str(port)]
    if workers:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            if httpx.get(f"{base}/health/liveness/", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.kill()
    sys.exit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running server (loopback only)")
    parser.add_argument(
        "--workload", action="append", choices=["lexical", "mixed", "uncached", "soak"]
    )
    parser.add_argument("--clients", type=int, action="append")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--serve-workers", type=int, default=None)
    parser.add_argument("--driver", choices=["asyncio", "wrk"], default="asyncio")
    parser.add_argument("--pid", type=int, help="the server's process (for its memory), with --url")
    args = parser.parse_args()
    server = None
    if args.driver == "wrk" and not shutil.which("wrk"):
        sys.exit("--driver wrk needs wrk (apt-get install wrk)")
    if args.url:
        loopback_only(args.url)
        base = args.url.rstrip("/")
    else:
        server, base = start_server(args.serve_workers)
    try:
        listing = httpx.get(f"{base}/api/v1/learning_resources/?limit=100", timeout=60).json()
        ids = [r["id"] for r in listing["results"]] or [1]
        for workload in args.workload or ["lexical", "mixed"]:
            for clients in args.clients or [50]:
                if args.warmup:
                    asyncio.run(run_workload(base, workload, 10, args.warmup, ids, None))
                pid = server.pid if server else args.pid
                if args.driver == "wrk":
                    figures = run_wrk(base, workload, clients, args.seconds, ids, pid)
                else:
                    figures = asyncio.run(
                        run_workload(base, workload, clients, args.seconds, ids, pid)
                    )
                print(json.dumps(figures), flush=True)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
