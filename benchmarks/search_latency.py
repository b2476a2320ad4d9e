"""Search speed: index rebuild, raw engine and HTTP latency, throughput. Prints JSON lines.

    LEARN_VAR_DIR=<var with the OCW corpus loaded> .venv/bin/python benchmarks/search_latency.py \
        [--size 100000] [--requests 400] [--port 8171]

The corpus is the OCW catalog from the database, cloned to ``--size`` documents with varied ids,
titles and facets (size 0: the catalog itself, also rebuilt end to end from the database as
``learn index rebuild`` does, step ``catalog_rebuild``). The index is built in a scratch folder;
a granian server with 2 workers serves ``/api/v1/learning_resources_search/`` from it; every
request asks for 5 aggregations in the lexical ``phrase`` mode.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.config.settings")

AGGS = ("resource_type", "platform", "offered_by", "topic", "free")
QUERIES = [
    "linear algebra",
    "6.006",
    "18.06SC",
    "introduction to algorithms",
    "neurosience",
    "machine learning",
    "economics",
    "history of art",
    "quantum physics",
    "writing",
    "",
    "biology",
    "optimization methods",
    "Demaine",
    "urban design",
]
PLATFORMS = ["ocw", "edx", "mitxonline", "xpro", "youtube", "podcast"]
OFFERORS = ["ocw", "mitx", "xpro", "mitpe", "see", "climate"]
TYPES = ["course", "course", "course", "program", "video", "podcast_episode", "document"]
WORDS = [
    "advanced",
    "applied",
    "modern",
    "practical",
    "topics",
    "seminar",
    "studio",
    "lab",
    "principles",
    "methods",
]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def emit(**fields: Any) -> None:
    print(json.dumps({"benchmark": "search_latency", **fields}), flush=True)


def build_corpus(size: int) -> list[Any]:
    from learn.search.indexing import resource_documents
    from learn.search.query import IndexDocument

    base = list(resource_documents())
    if not base:
        sys.exit("no resources in the catalog: load the OCW corpus first (learn etl run ocw)")
    rng = random.Random(7)
    docs: list[IndexDocument] = []
    for i in range(size):
        template = base[i % len(base)]
        if i < len(base):
            docs.append(template)
            continue
        src = dict(template.source)
        src["id"] = 1_000_000 + i
        src["readable_id"] = f"{src.get('readable_id')}-{i}"
        src["title"] = f"{rng.choice(WORDS).title()} {src.get('title')} {rng.randint(1, 99)}"
        src["resource_type"] = rng.choice(TYPES)
        platform = rng.choice(PLATFORMS)
        src["platform"] = {"code": platform, "name": platform}
        offeror = rng.choice(OFFERORS)
        src["offered_by"] = {"code": offeror, "name": offeror}
        src["free"] = rng.random() < 0.7
        src["views"] = rng.randint(0, 5000)
        src["url"] = f"https://example.org/{src['readable_id']}"
        docs.append(IndexDocument(id=str(src["id"]), source=src, signals=template.signals))
    return docs


def catalog_rebuild() -> dict[str, Any]:
    """What ``learn index rebuild`` does (serialize the catalog and index it, one stream), into a
    scratch index: the real index and its queue are left alone."""
    from learn.search.backends.tantivy import TantivyBackend
    from learn.search.indexing import content_file_documents, resource_documents

    def documents() -> Any:
        yield from resource_documents()
        yield from content_file_documents()

    with tempfile.TemporaryDirectory(prefix="learn-search-bench-") as var:
        started, cpu = time.perf_counter(), time.process_time()
        count = TantivyBackend(Path(var) / "search").rebuild(documents())
        return {
            "docs": count,
            "seconds": round(time.perf_counter() - started, 2),
            "cpu_seconds": round(time.process_time() - cpu, 2),
            "load_average": round(os.getloadavg()[0], 2),
        }


def raw_engine(backend: Any, requests: int) -> dict[str, float]:
    from learn.search.query import SearchQuery

    for q in QUERIES:  # warm caches (spelling vocabulary, browse facet counts) as HTTP does
        backend.search(SearchQuery(text=q, aggregations=AGGS))
    timings: list[float] = []
    for i in range(requests):
        query = SearchQuery(text=QUERIES[i % len(QUERIES)], aggregations=AGGS)
        start = time.perf_counter()
        backend.search(query)
        timings.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": percentile(timings, 50), "p95_ms": percentile(timings, 95)}


def url_for(port: int, i: int) -> str:
    from urllib.parse import urlencode

    # The lexical engine's figures (issue #4): hybrid is measured by vector_latency.py.
    params: list[tuple[str, str]] = [("aggregations", a) for a in AGGS]
    params.append(("search_mode", "phrase"))
    q = QUERIES[i % len(QUERIES)]
    if q:
        params.append(("q", q))
    return f"http://127.0.0.1:{port}/api/v1/learning_resources_search/?{urlencode(params)}"


def http_latency(port: int, requests: int) -> dict[str, float]:
    import httpx

    timings: list[float] = []
    with httpx.Client(timeout=30) as client:
        for i in range(30):  # warm both workers
            client.get(url_for(port, i)).raise_for_status()
        for i in range(requests):
            start = time.perf_counter()
            response = client.get(url_for(port, i))
            timings.append((time.perf_counter() - start) * 1000)
            response.raise_for_status()
    return {"p50_ms": percentile(timings, 50), "p95_ms": percentile(timings, 95)}


def throughput(port: int, seconds: float, clients: int) -> float:
    import httpx

    done = [0] * clients
    stop = time.perf_counter() + seconds

    def worker(n: int) -> None:
        with httpx.Client(timeout=30) as client:
            i = n
            while time.perf_counter() < stop:
                client.get(url_for(port, i)).raise_for_status()
                done[n] += 1
                i += clients

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / seconds


def wait_for(port: int, proc: subprocess.Popen[bytes]) -> None:
    import httpx

    for _ in range(200):
        if proc.poll() is not None:
            sys.exit(f"server exited with {proc.returncode}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v0/learning_resources_search_admin_params/")
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    sys.exit("server did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, nargs="*", default=[0, 100_000])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--port", type=int, default=8171)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()

    import django

    django.setup()
    from learn.search.backends.tantivy import TantivyBackend

    for size in args.size:
        started, cpu = time.perf_counter(), time.process_time()
        if size:
            docs = build_corpus(size)
        else:
            from learn.search.indexing import resource_documents

            docs = list(resource_documents())
        label = f"ocw_{len(docs)}" if not size else f"synthetic_{size}"
        emit(
            corpus=label,
            step="documents_ready",
            seconds=round(time.perf_counter() - started, 2),
            cpu_seconds=round(time.process_time() - cpu, 2),
        )
        if not size:
            emit(corpus=label, step="catalog_rebuild", **catalog_rebuild())
        with tempfile.TemporaryDirectory(prefix="learn-search-bench-") as var:
            backend = TantivyBackend(Path(var) / "search")
            started, cpu = time.perf_counter(), time.process_time()
            backend.rebuild(docs)
            # CPU seconds (this process and Tantivy's threads) do not depend on other load.
            emit(
                corpus=label,
                step="rebuild",
                docs=len(docs),
                seconds=round(time.perf_counter() - started, 2),
                cpu_seconds=round(time.process_time() - cpu, 2),
                load_average=round(os.getloadavg()[0], 2),
            )
            emit(corpus=label, step="raw_engine_5_aggs", **raw_engine(backend, args.requests))
            env = {**os.environ, "LEARN_VAR_DIR": var, "LEARN_DEBUG": "false"}
            server = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("granian")),
                    "--interface",
                    "wsgi",
                    "--workers",
                    "2",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(args.port),
                    "--no-ws",
                    "--log-level",
                    "warning",
                    "learn.config.wsgi:application",
                ],
                env=env,
            )
            try:
                wait_for(args.port, server)
                emit(corpus=label, step="http_5_aggs", **http_latency(args.port, args.requests))
                rps = throughput(args.port, args.seconds, clients=4)
                emit(
                    corpus=label,
                    step="http_throughput_2_workers",
                    clients=4,
                    requests_per_second=round(rps, 1),
                )
            finally:
                server.terminate()
                server.wait(timeout=30)


if __name__ == "__main__":
    main()
