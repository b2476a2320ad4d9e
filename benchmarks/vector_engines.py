"""pgvector vs the embedded store: hybrid latency over HTTP, worker lag, HNSW build at scale (JSON).

Usage: DATABASE_URL=postgres://... LEARN_VAR_DIR=VAR python benchmarks/vector_engines.py
       [--requests 200] [--port 9122] [--lag 10] [--scale 100000] [--skip http,lag,scale]
Needs the catalog loaded and embedded into the embedded store on PostgreSQL, e.g.
``VECTOR_ENGINE=embedded learn demo --no-serve`` with DATABASE_URL set and no broker. Suites:

- ``copy``: every point of the embedded store copied into pgvector (collection prefix ``bench``),
  so both engines hold the same vectors;
- ``hybrid_http``: ``learn serve`` (one worker) on each engine in turn, sequential requests of
  ``/api/v1/learning_resources_search/?search_mode=hybrid`` with facets, as the search page asks
  them: the first round embeds each query (``cold``), later rounds hit the query-vector cache
  (``warm``, where the engines differ most);
- ``lag`` (needs REDIS_URL): a real Celery worker on the ``embeddings`` queue with pgvector; for
  each of N resources its points are removed, ``embed_resources`` is queued, and the time until
  its point is searchable (a search for its own vector in another connection returns it) is the
  lag. The first includes the worker's model load;
- ``scale``: a ``bench<N>`` collection of N points (the real vectors plus noisy copies, real
  payloads), loaded without index, then the HNSW build timed (maintenance_work_mem 1GB) and
  top-10 search p50/p95 (unfiltered and filtered) with recall@10 against an exact scan.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

logging.getLogger("httpx").setLevel(logging.WARNING)
FACETS = ["resource_type", "certification", "delivery", "department", "topic", "offered_by", "free"]
PREFIX = "bench"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def emit(**fields: Any) -> None:
    print(json.dumps(fields), flush=True)


def summary(ms: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(pct(ms, 50), 2),
        "p95_ms": round(pct(ms, 95), 2),
        "mean_ms": round(statistics.mean(ms), 2),
        "n": len(ms),
    }


def queries() -> list[str]:
    from learn.config.env import get_env

    shared = get_env().shared_path()
    assert shared is not None, "the shared folder is missing"
    data = json.loads((Path(shared) / "eval" / "relevance_dev.json").read_text())
    return [q["q"] for q in data["queries"]]


# ---------------------------------------------------------------------------------------- copy
def copy_points() -> None:
    from learn.config.env import get_env
    from learn.vectors.documents import CONTENT_FILES, RESOURCES
    from learn.vectors.embedders import get_embedder
    from learn.vectors.indexing import ensure_collections, forget_collections
    from learn.vectors.store.edge import EdgeStore
    from learn.vectors.store.pgvector import PgVectorStore

    env = get_env()
    edge = EdgeStore(env.var_dir / "vectors" / env.qdrant_collection_prefix)
    pg = PgVectorStore(PREFIX)
    started = time.perf_counter()
    for name in (RESOURCES, CONTENT_FILES):
        pg.drop_collection(name)
    forget_collections()
    ensure_collections(pg, get_embedder())  # type: ignore[arg-type]
    copied = {}
    for name in (RESOURCES, CONTENT_FILES):
        cursor, total = None, 0
        while True:
            page, cursor = edge.scroll(name, limit=500, offset=cursor)
            if page:
                full = edge.retrieve(name, [h.id for h in page], with_vectors=True)
                from learn.vectors.store import Point

                pg.upsert(name, [Point(h.id, h.vector or [], h.payload) for h in full])
                total += len(full)
            if cursor is None:
                break
        pg.optimize(name)
        copied[name] = total
    edge.close()
    emit(suite="copy", points=copied, seconds=round(time.perf_counter() - started, 2))


# ----------------------------------------------------------------------------------- hybrid http
def serve(engine: str, port: int, extra: dict[str, str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, "VECTOR_ENGINE": engine, **extra}
    env.pop("REDIS_URL", None)  # one process, tasks in-process: the embedded store's setting
    proc = subprocess.Popen(
        [sys.executable, "-m", "learn.cli.main", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health/liveness/", timeout=5).is_success:
                return proc
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"the {engine} server did not start")


def hybrid_http(port: int, requests: int) -> None:
    texts = queries()
    for engine, extra in (("embedded", {}), ("pgvector", {"QDRANT_COLLECTION_PREFIX": PREFIX})):
        proc = serve(engine, port, extra)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
                rounds: dict[str, list[float]] = {"cold": [], "warm": []}
                modes: set[str] = set()
                for i in range(len(texts) + requests):
                    q = texts[i % len(texts)]
                    params = {"q": q, "search_mode": "hybrid", "limit": 20, "aggregations": FACETS}
                    started = time.perf_counter()
                    response = client.get("/api/v1/learning_resources_search/", params=params)
                    elapsed = (time.perf_counter() - started) * 1000
                    response.raise_for_status()
                    meta = response.json()["metadata"]
                    modes.add(meta.get("hybrid_fallback") or meta["search_mode"])
                    rounds["cold" if i < len(texts) else "warm"].append(elapsed)
            for name, ms in rounds.items():
                emit(
                    suite="hybrid_http",
                    engine=engine,
                    queries=name,
                    modes=sorted(modes),
                    **summary(ms),
                )
        finally:
            proc.terminate()
            proc.wait(timeout=30)


# ------------------------------------------------------------------------------------------- lag
def lag(count: int) -> None:
    from learn.config.env import get_env
    from learn.vectors.documents import RESOURCES
    from learn.vectors.models import EmbeddedPoint
    from learn.vectors.store.pgvector import PgVectorStore
    from learn.vectors.tasks import embed_resources_task

    env = get_env()
    if not env.redis_url:
        emit(suite="lag", skipped="REDIS_URL is not set")
        return
    from learn.config.celery import app

    app.conf.task_always_eager = False
    app.control.purge()
    pg = PgVectorStore(PREFIX)
    worker_env = {
        **os.environ,
        "VECTOR_ENGINE": "pgvector",
        "QDRANT_COLLECTION_PREFIX": PREFIX,
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "learn.config.celery", "worker", "-Q", "embeddings"]
        + ["-c", "1", "--pool", "solo", "--loglevel", "WARNING", "-n", f"bench-{os.getpid()}@%h"],
        env=worker_env,
    )
    try:
        rows = list(
            EmbeddedPoint.objects.filter(collection=RESOURCES, source="resource").order_by(
                "resource_id"
            )[:count]
        )
        lags: list[float] = []
        for row in rows:
            pid = str(row.point_id)
            vector = pg.retrieve(RESOURCES, [pid], with_vectors=True)[0].vector
            assert vector is not None
            EmbeddedPoint.objects.filter(resource_id=row.resource_id).delete()
            pg.delete_where(RESOURCES, _by_resource(row.resource_id))
            started = time.perf_counter()
            embed_resources_task.apply_async(([row.resource_id],))
            while True:
                hits = pg.search(RESOURCES, vector, limit=1)
                if hits and hits[0].id == pid:
                    break
                if time.perf_counter() - started > 300 or worker.poll() is not None:
                    raise SystemExit("the worker did not embed the resource")
                time.sleep(0.02)
            lags.append((time.perf_counter() - started) * 1000)
        emit(
            suite="lag",
            engine="pgvector",
            first_ms=round(lags[0], 1),
            **summary(lags[1:] or lags),
            what="queued -> searchable through a Celery worker, one resource per task",
        )
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def _by_resource(resource_id: int) -> Any:
    from learn.vectors.store import Filter

    return Filter(must={"resource_id": [int(resource_id)]})


# ----------------------------------------------------------------------------------------- scale
def scale(n: int) -> None:
    from django.db import connection, transaction

    from learn.vectors.documents import RESOURCES, resource_indexes
    from learn.vectors.store import Filter
    from learn.vectors.store.pgvector import PgVectorStore

    source = PgVectorStore(PREFIX)
    table_prefix = f"bench{n}"
    big = PgVectorStore(table_prefix)
    real: list[tuple[list[float], dict[str, Any]]] = []
    cursor_id = None
    while True:
        page, cursor_id = source.scroll(RESOURCES, limit=500, offset=cursor_id)
        full = source.retrieve(RESOURCES, [h.id for h in page], with_vectors=True)
        real.extend((h.vector or [], h.payload) for h in full)
        if cursor_id is None:
            break
    vectors = np.array([v for v, _ in real], dtype=np.float32)
    dim = vectors.shape[1]
    big.drop_collection(RESOURCES)
    big.ensure_collection(RESOURCES, dim, resource_indexes())  # type: ignore[arg-type]
    table = big.table(RESOURCES)
    rng = np.random.default_rng(0)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {table}_hnsw")
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        with raw.copy(f"COPY {table} (id, embedding, payload) FROM STDIN") as copy:
            for i in range(n):
                base, payload = real[i % len(real)]
                v = np.asarray(base, dtype=np.float32)
                if i >= len(real):
                    v = v + rng.normal(0, 0.02, dim).astype(np.float32)
                v = v / np.linalg.norm(v)
                pid = f"00000000-0000-4000-8000-{i:012d}"
                copy.write_row(
                    (pid, "[" + ",".join(map(repr, v.tolist())) + "]", json.dumps(payload))
                )
    load_s = time.perf_counter() - started
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        started = time.perf_counter()
        cursor.execute(
            f"CREATE INDEX {table}_hnsw ON {table} USING hnsw (embedding vector_cosine_ops) "
            "WITH (m = 16, ef_construction = 64)"
        )
        build_s = time.perf_counter() - started
        cursor.execute(f"ANALYZE {table}")
        cursor.execute(f"SELECT pg_total_relation_size('{table}')")
        size_mb = cursor.fetchone()[0] / 1e6
    emit(suite="scale", points=n, dim=dim, copy_load_s=round(load_s, 1),
         hnsw_build_s=round(build_s, 1), table_and_indexes_mb=round(size_mb, 1),
         maintenance_work_mem="1GB")  # fmt: skip
    picks = rng.choice(len(real), size=min(100, len(real)), replace=False)
    departments = [d for _, p in real for d in p.get("f_department", [])]
    common = max(set(departments), key=departments.count) if departments else None
    for label, flt in (
        ("unfiltered", None),
        (f"f_department={common}", Filter(must={"f_department": [common]})),
    ):
        if label != "unfiltered" and common is None:
            continue
        ms: list[float] = []
        recall: list[float] = []
        for k in picks:
            q = vectors[k] + rng.normal(0, 0.05, dim).astype(np.float32)
            started = time.perf_counter()
            hits = big.search(RESOURCES, q.tolist(), flt, limit=10, payload_fields=["resource_id"])
            ms.append((time.perf_counter() - started) * 1000)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_indexscan = off")
                exact = big.search(
                    RESOURCES, q.tolist(), flt, limit=10, payload_fields=["resource_id"]
                )
            truth = {h.id for h in exact}
            recall.append(len(truth & {h.id for h in hits}) / max(1, len(truth)))
        emit(suite="scale_search", points=n, filter=label, top=10, ef_search=128,
             recall_at_10=round(statistics.mean(recall), 3), **summary(ms))  # fmt: skip
    big.drop_collection(RESOURCES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--lag", type=int, default=10)
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--skip", default="", help="comma-separated suites to skip")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    from learn.cli.main import setup_django

    setup_django()
    if "copy" not in skip:
        copy_points()
    if "http" not in skip:
        port = args.port
        if not port:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = int(sock.getsockname()[1])
        hybrid_http(port, args.requests)
    if "lag" not in skip:
        lag(args.lag)
    if "scale" not in skip:
        scale(args.scale)


if __name__ == "__main__":
    main()
