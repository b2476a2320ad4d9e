"""A real task round trip through Redis and a real Celery worker process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from learn.config.env import get_env

pytestmark = pytest.mark.redis

REDIS_URL = get_env().redis_url


@pytest.fixture(scope="module")
def worker() -> Iterator[subprocess.Popen[bytes]]:
    if not REDIS_URL:
        pytest.skip("REDIS_URL is not set: the broker round trip needs a real Redis")
    from learn.config.celery import app

    # Other tests send real tasks to this broker without a worker (e.g. embeddings after a load);
    # drop that backlog so this worker's first message is ours.
    app.control.purge()
    # A development worker (LEARN_DEBUG): with DATABASE_URL and the development settings of the
    # tests, a production worker refuses to start (tests/ops/test_settings_guard.py).
    env = {
        **os.environ,
        "REDIS_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LEARN_DEBUG": "true",
    }
    if not get_env().database_is_postgresql:
        # A worker on the embeddings queue refuses the embedded vector store; the ping never
        # touches vectors, so any shared engine will do (nothing needs to listen there).
        env.update(VECTOR_ENGINE="qdrant", QDRANT_URL="http://127.0.0.1:9")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "learn.config.celery",
            "worker",
            "-Q",
            "default,edx_content,embeddings",
            "-c",
            "1",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "-n",
            f"ci-{os.getpid()}@%h",
        ],
        env=env,
    )
    yield proc
    proc.terminate()
    proc.wait(timeout=30)


def test_ping_task_round_trip_through_redis(worker: subprocess.Popen[bytes]) -> None:
    from learn.config.celery import app
    from learn.ops.tasks import ping

    assert not app.conf.task_always_eager
    result = ping.apply_async(args=["hello"], queue="default")
    assert result.get(timeout=60) == "hello"
    # The same worker serves the other queues.
    assert ping.apply_async(args=["emb"], queue="embeddings").get(timeout=30) == "emb"


@pytest.mark.django_db(transaction=True)
def test_full_health_sees_the_worker(worker: subprocess.Popen[bytes], client) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 30
    body: dict = {}
    while time.monotonic() < deadline:
        response = client.get("/health/full/")
        body = response.json()
        if body["checks"]["celery"]["status"] == "ok":  # (the search check may fail: no index)
            break
        time.sleep(1)
    assert body["checks"]["celery"]["status"] == "ok", body
    assert body["checks"]["redis"]["status"] == "ok"
