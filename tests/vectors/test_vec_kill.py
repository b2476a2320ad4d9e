"""kill -9 in the middle of ``learn embeddings generate --all`` (real processes; the embedded store,
and pgvector in a fresh PostgreSQL database when the tests run on PostgreSQL):
the rerun embeds only what the dead run did not record, and every published resource ends with
exactly one resource point and one set of chunks, the store and the bookkeeping agreeing.

Kill points: after the first page of resources is stored and recorded ("page"), and inside a
page, after a group's points reached the store but before its bookkeeping was committed
("upserted": the store is ahead of the database)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery_worker import _worker_database

from tests.ops.server_process import embedded_env, learn_command

# `learn embeddings generate --all` itself, pages of 8 resources, dying at the chosen point.
GENERATE_THEN_DIE = """
import os, signal, sys
point = sys.argv[1]
from learn.config.bootstrap import setup_django
setup_django()
from learn.vectors import indexing
from learn.vectors.store import get_store
indexing.PAGE_SIZE = 8
def die():
    os.kill(os.getpid(), signal.SIGKILL)
if point == "page":
    embed = indexing.embed_resources
    def embed_then_die(*args, **kwargs):
        report = embed(*args, **kwargs)  # this page is in the store and recorded
        die()
    indexing.embed_resources = embed_then_die
else:
    store = get_store()
    upsert, calls = store.upsert, []
    def upsert_then_die(name, points):
        upsert(name, points)  # committed (pgvector: autocommit outside the bookkeeping's)
        calls.append(name)
        if len(calls) == 11:  # a later page's group: in the store, not in the bookkeeping
            die()
    store.upsert = upsert_then_die
from learn.cli.main import main
sys.argv = ["learn", "embeddings", "generate", "--all"]
main()
"""

STATE = """
import json, os
from learn.config.bootstrap import setup_django
setup_django()
from django.test import Client
from learn.catalog.models import LearningResource
from learn.vectors.documents import CONTENT_FILES, RESOURCES
from learn.vectors.models import EmbeddedPoint
from learn.vectors.store import get_store
store = get_store()
def points(collection):
    found, offset = [], None
    while True:
        hits, offset = store.scroll(collection, limit=256, offset=offset)
        found += hits
        if offset is None:
            return found
resources, files = points(RESOURCES), points(CONTENT_FILES)
search = Client().get("/api/v0/vector_learning_resources_search/?q=linear+algebra&limit=5")
print(json.dumps({
    "published": sorted(
        LearningResource.objects.filter(published=True, test_mode=False)
        .values_list("pk", flat=True)
    ),
    "resource_points": [int(h.payload["resource_id"]) for h in resources],
    "chunks": [
        [int(h.payload["resource_id"]), h.payload.get("key"), h.payload.get("chunk_number")]
        for h in files
    ],
    "point_ids": sorted(h.id for h in resources + files),
    "recorded": sorted(str(p) for p in EmbeddedPoint.objects.values_list("point_id", flat=True)),
    "search": [search.status_code, [r["id"] for r in search.json().get("results", [])]],
}))
"""


def _learn(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [*learn_command(), *args], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


def _state(env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", STATE], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    state: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return state


def _recorded(env: dict[str, str]) -> int:
    status = json.loads(_learn(env, "embeddings", "status").strip().splitlines()[-1])
    return int(sum(status["recorded"].values()))


@pytest.fixture(params=["embedded", "pgvector"])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    env = embedded_env(tmp_path / "var", LOG_LEVEL="WARNING", VECTOR_ENGINE=request.param)
    if request.param == "embedded":
        yield env
        return
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        pytest.skip("pgvector needs the tests on PostgreSQL (DATABASE_URL)")
    with _worker_database("vec_kill") as database_url:
        assert database_url
        env.update(DATABASE_URL=database_url, LEARN_DEBUG="true")
        yield env


@pytest.mark.parametrize("point", ["page", "upserted"])
def test_killed_embedding_run_then_rerun_embeds_the_rest_once(
    env: dict[str, str], point: str
) -> None:
    _learn(env, "migrate")
    _learn(env, "etl", "run", "demo")
    killed = subprocess.run(
        [sys.executable, "-c", GENERATE_THEN_DIE, point],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert killed.returncode == -9, killed.stderr[-3000:]
    recorded = _recorded(env)
    assert recorded > 0  # the dead run stored and recorded some points ...
    partial = _state(env)
    assert len(set(partial["resource_points"])) < len(partial["published"])  # ... not all
    ahead = set(partial["point_ids"]) - set(partial["recorded"])
    if point == "upserted":
        assert ahead  # points in the store the bookkeeping does not know

    out = _learn(env, "embeddings", "generate", "--all")  # the rerun
    report = json.loads(out.strip().splitlines()[-1])
    final = _state(env)
    total = len(final["recorded"])
    # Only what the dead run did not record is embedded again (an unrecorded group is redone).
    assert report["embedded_points"] == total - recorded
    assert report["unchanged_groups"] > 0 and report["failed"] == 0

    published = final["published"]
    assert sorted(final["resource_points"]) == published  # every resource once, no duplicate
    chunks = Counter(tuple(c) for c in final["chunks"])
    assert chunks and max(chunks.values()) == 1  # one point per resource, file and chunk
    assert {c[0] for c in chunks} <= set(published)
    assert final["point_ids"] == final["recorded"]  # the store and the bookkeeping agree
    assert final["search"][0] == 200 and final["search"][1]  # vector search works

    again = json.loads(_learn(env, "embeddings", "generate", "--all").strip().splitlines()[-1])
    assert again["embedded_points"] == 0  # converged: nothing left to do
