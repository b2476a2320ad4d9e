"""The multi-process deployment on a shared vector engine: two API worker processes (``learn serve
--workers 2``) and a real Celery worker, on PostgreSQL + pgvector + Redis.

Resources arrive after the servers are up and announce themselves through the catalog hook, as a
loader does; the worker drains the lexical queue into the Tantivy index and embeds them into
pgvector; every API worker must then answer hybrid (default and explicit) and vector search with
them. Workers are told apart by the ``process`` of their health answers (one connection each).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.db import connection
from factories import Catalog, build_catalog

from learn.catalog import hooks
from learn.config.env import get_env
from learn.vectors.store.pgvector import PgVectorStore

PORT = 9121
BASE = f"http://127.0.0.1:{PORT}"
SEARCH = "/api/v1/learning_resources_search/"
VECTOR_SEARCH = "/api/v0/vector_learning_resources_search/"
DEADLINE = 600.0  # seconds for the worker to load the model, embed and index (loaded CI)


def _redis_url() -> str:
    url = get_env().redis_url
    if not url:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI must run the multi-process test: REDIS_URL is not set")
        pytest.skip("REDIS_URL is not set: the multi-process test needs a real Redis")
    return url


@pytest.fixture
def deployment(
    pgvector_transactional_db: None, tmp_path: Path
) -> Iterator[tuple[dict[str, str], list[subprocess.Popen[bytes]]]]:
    redis_url = _redis_url()
    settings = connection.settings_dict
    database_url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    prefix = f"mp{os.getpid()}"
    environ = {k: v for k, v in os.environ.items() if k not in ("QDRANT_URL", "VECTOR_ENGINE")}
    environ.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CELERY_TASK_ALWAYS_EAGER="false",
        VECTOR_ENGINE="pgvector",
        QDRANT_COLLECTION_PREFIX=prefix,
        LEARN_VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="learn.config.settings",
        LEARN_DEBUG="true",  # development settings: a production worker would refuse them
    )
    try:  # Granian binds with SO_REUSEPORT: another server on the port would share the answers
        httpx.get(f"{BASE}/health/liveness/", timeout=2)
        pytest.fail(f"something already serves on port {PORT}")
    except httpx.TransportError:
        pass
    from learn.config.celery import app

    app.control.purge()  # tasks other tests left on this broker without a worker
    logs = tmp_path / "logs"
    logs.mkdir()
    procs: list[subprocess.Popen[bytes]] = []

    def start(name: str, args: list[str]) -> None:
        out = (logs / f"{name}.log").open("wb")
        procs.append(subprocess.Popen([sys.executable, *args], env=environ, stdout=out, stderr=out))

    start(
        "worker",
        ["-m", "celery", "-A", "learn.config.celery", "worker", "-Q", "default,embeddings"]
        + ["-c", "1", "--pool", "solo", "--loglevel", "INFO", "-n", f"{prefix}@%h"],
    )
    start("api", ["-m", "learn.cli.main", "serve", "--workers", "2", "--port", str(PORT)])
    try:
        yield environ, procs
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        store = PgVectorStore(prefix)
        for name in ("resources", "content_files"):
            store.drop_collection(name)
        for log in sorted(logs.iterdir()):
            sys.stderr.write(f"----- {log.name}\n{log.read_text(errors='replace')[-4000:]}\n")


def _wait_until_serving(procs: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            pytest.fail("a worker process exited early (its log is printed below)")
        try:
            if httpx.get(f"{BASE}/health/liveness/", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail("the API did not start")


def _one_connection(catalog: Catalog) -> tuple[int, list[str]]:
    """One fresh connection (one API worker): its pid and what it does not answer yet."""
    algorithms = catalog["algorithms"].pk
    missing: list[str] = []
    with httpx.Client(base_url=BASE, timeout=30) as client:
        ready = client.get("/health/readiness/").json()
        pid = int(ready["process"])
        if ready["checks"]["vectors"]["status"] != "ok":
            missing.append(f"readiness: {ready['checks']['vectors']}")
        for mode in ({"search_mode": "hybrid"}, {}):
            body: dict[str, Any] = client.get(
                SEARCH, params={"q": "Introduction to Algorithms", **mode}
            ).json()
            meta = body.get("metadata", {})
            if meta.get("search_mode") != "hybrid" or "hybrid_fallback" in meta:
                missing.append(f"hybrid {mode}: {meta}")
            elif algorithms not in [r["id"] for r in body["results"]]:
                missing.append(f"hybrid {mode}: algorithms not in the results yet")
        vector = client.get(VECTOR_SEARCH, params={"q": "algorithms and data structures"})
        if vector.status_code != 200 or algorithms not in [
            r["id"] for r in vector.json()["results"]
        ]:
            missing.append(f"vector search: {vector.status_code} {vector.text[:200]}")
    return pid, missing


def test_every_api_worker_answers_hybrid_with_resources_the_celery_worker_embedded(
    deployment: tuple[dict[str, str], list[subprocess.Popen[bytes]]],
) -> None:
    _, procs = deployment
    _wait_until_serving(procs)
    catalog = build_catalog()  # committed: the workers see it
    hooks.resources_changed(catalog.published_ids)  # as a loader announces its changes
    answered: dict[int, list[str]] = {}  # the last answer of each API worker process
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            pytest.fail("a worker process exited (its log is printed below)")
        pid, missing = _one_connection(catalog)
        answered[pid] = missing
        if len(answered) >= 2 and not any(answered.values()):
            break
        time.sleep(0.3)
    assert len(answered) >= 2, f"only one API worker answered: {answered}"
    assert not any(answered.values()), answered
    # The vectors are the worker's, in pgvector: one point per resource point it recorded.
    from learn.vectors.models import EmbeddedPoint

    store = PgVectorStore(deployment[0]["QDRANT_COLLECTION_PREFIX"])
    recorded = EmbeddedPoint.objects.filter(collection="resources").count()
    assert recorded > 0 and store.count("resources") == recorded
