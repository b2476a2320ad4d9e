"""OCW webhook tasks on a real Celery worker (Redis broker) whose pool process is killed (SIGKILL,
as the OOM killer would) at a chosen point: the worker requeues the task (``acks_late`` and
``task_reject_on_worker_lost``), a new pool process runs it again, and the catalog and the search
index end up reflecting each webhook exactly once.

Kill points: the upsert webhook (two courses, batches of one) dies after its first batch
committed, before anything was announced to the index; the unpublish webhook dies after its
UPDATE committed, before the removal was announced to the index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from celery_worker import _worker_database

from learn.config.env import get_env
from tests.ops.server_process import learn_command

pytestmark = [pytest.mark.redis, pytest.mark.slow]
SLUG_A = "18-06-linear-algebra-spring-2010"
SLUG_B = "6-006-introduction-to-algorithms-spring-2020"
MARK = "xylophonic"

# A pool process dies once at each armed point (the marker file makes it once: the requeued
# task runs in a fresh pool process forked from the same patched parent).
WORKER = """
import os, signal, sys
from pathlib import Path
import django
django.setup()
markers = Path(sys.argv[1])
def die_once(point):
    marker = markers / point
    if (markers / f"arm-{point}").exists() and not marker.exists():
        marker.write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
from learn.catalog import hooks
from learn.etl import loader
load_chunk = loader._load_chunk
def load_then_die(*args, **kwargs):
    outcome = load_chunk(*args, **kwargs)  # this batch committed, nothing announced yet
    die_once("upsert")
    return outcome
loader._load_chunk = load_then_die
removed = hooks.resources_removed
def die_then_announce(ids):
    if list(ids):
        die_once("unpublish")  # the UPDATE committed; the index was not told
    removed(ids)
hooks.resources_removed = die_then_announce
from learn.config.celery import app
app.worker_main(["worker", "-Q", "default", "-c", "1", "--pool", "prefork", "--loglevel",
                 "WARNING", "-n", sys.argv[2]])
"""

STATE = """
import json, os
from learn.config.bootstrap import setup_django
setup_django()
from django.db.models import Count
from django.test import Client
from learn.catalog.models import LearningResource, LearningResourceRun
from learn.etl.models import EtlRun
from learn.search.models import IndexQueueItem
from learn.search.status import index_status
courses = LearningResource.objects.filter(platform_id="ocw", resource_type="course")
search = Client().get(
    "/api/v1/learning_resources_search/?limit=50&search_mode=best_fields&q=" + os.environ["MARK"]
)
print(json.dumps({
    "courses": sorted([c.readable_id, c.title, c.published] for c in courses),
    "duplicates": list(
        courses.values("readable_id").annotate(n=Count("id")).filter(n__gt=1)
        .values_list("readable_id", flat=True)
    ),
    "runs": LearningResourceRun.objects.filter(learning_resource__in=courses).count(),
    "etl_runs": [[r.status, r.origin, r.message] for r in EtlRun.objects.order_by("pk")],
    "queued": IndexQueueItem.objects.count(),
    "index": index_status(),
    "found": sorted(r["title"] for r in search.json().get("results", [])),
}))
"""


@contextmanager
def _worker(env: dict[str, str], markers: Path) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(markers), f"webhook-kill-{os.getpid()}@%h"], env=env
    )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _learn(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [*learn_command(), *args], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def _state(env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", STATE], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    state: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return state


def _settled(env: dict[str, str]) -> dict[str, Any]:
    """The state once the worker drained the index queue (the drain follows each write)."""
    deadline = time.monotonic() + 120
    while True:
        state = _state(env)
        if state["queued"] == 0 or time.monotonic() > deadline:
            return state
        time.sleep(1)


def _edit_title(root: Path, slug: str, title: str) -> None:
    path = root / "courses" / slug / "data.json"
    data = json.loads(path.read_text())
    data["course_title"] = title
    path.write_text(json.dumps(data))


@pytest.fixture
def environ(tmp_path: Path, ocw_subset: Callable[..., Path]) -> Iterator[dict[str, str]]:
    redis_url = get_env().redis_url
    if not redis_url:
        pytest.skip("REDIS_URL is not set: the worker round trip needs a real Redis")
    site = ocw_subset([SLUG_A, SLUG_B])
    with _worker_database("webhook_kill") as database_url:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "QDRANT_URL")}
        if database_url:
            env["DATABASE_URL"] = database_url
        env.update(
            REDIS_URL=redis_url, CELERY_TASK_ALWAYS_EAGER="false",
            LEARN_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="learn.config.settings",
            LEARN_DEBUG="true", OCW_DATA_SOURCE=str(site), ETL_BATCH_SIZE="1",
            LOG_LEVEL="WARNING", MARK=MARK,
        )  # fmt: skip
        yield env


def test_killed_webhook_tasks_are_redone_and_the_catalog_reflects_them_once(
    environ: dict[str, str], tmp_path: Path
) -> None:
    from learn.config.celery import app

    env, site = environ, Path(environ["OCW_DATA_SOURCE"])
    _learn(env, "migrate")
    _learn(env, "etl", "run", "ocw")
    _learn(env, "index", "rebuild")
    start = _state(env)
    assert len(start["courses"]) == 2 and start["found"] == []
    app.control.purge()  # tasks the loads above sent with no worker to run them

    markers = tmp_path / "markers"
    markers.mkdir()
    for slug in (SLUG_A, SLUG_B):
        _edit_title(site, slug, f"{MARK} {slug}")
    (markers / "arm-upsert").touch()
    (markers / "arm-unpublish").touch()
    with _worker(env, markers) as worker:
        upsert = app.send_task(
            "learn.etl.webhook_ocw_courses", args=[[SLUG_A, SLUG_B]], queue="default"
        )
        summary = upsert.get(timeout=300)  # the requeued run's answer
        assert (markers / "upsert").exists()  # a pool process died mid-load
        assert summary["status"] == "ok", summary
        loaded = _settled(env)
        assert loaded["duplicates"] == [] and loaded["runs"] == start["runs"]
        expected = sorted(f"{MARK} {slug}" for slug in (SLUG_A, SLUG_B))
        assert sorted(c[1] for c in loaded["courses"]) == expected
        assert all(c[2] for c in loaded["courses"])
        assert loaded["found"] == expected  # the index agrees
        dead = [r for r in loaded["etl_runs"] if r[0] == "failed"]
        assert len(dead) == 1 and "interrupted" in dead[0][2]

        data = json.loads((site / "courses" / SLUG_A / "data.json").read_text())
        site_uid = data.get("legacy_uid") or data["site_uid"]  # the run id OCW loads name
        unpublish = app.send_task(
            "learn.etl.webhook_ocw_unpublish", args=[site_uid], queue="default"
        )
        unpublish.get(timeout=300)
        assert (markers / "unpublish").exists()  # a pool process died mid-unpublish
        final = _settled(env)
        assert worker.poll() is None  # the worker itself lived on
    assert final["duplicates"] == [] and len(final["courses"]) == 2
    published = {c[1]: c[2] for c in final["courses"]}
    assert published == {f"{MARK} {SLUG_A}": False, f"{MARK} {SLUG_B}": True}
    assert final["found"] == [f"{MARK} {SLUG_B}"]  # the unpublished course left the index
    index = final["index"]
    assert index["indexed"]["resource"] == index["catalog"]["resource"]
    assert final["queued"] == 0
