"""One setting chooses the vector engine, and the embedded store's one-process limit is loud:
check-config, a Celery worker on the embeddings queue, the readiness probe and the default hybrid
search all say so, naming the setting to change (`learn serve --workers N` runs a vector host for
it instead: tests/vectors/test_vector_host_serve.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from learn.config.env import LearnEnv
from learn.retrieval import hybrid
from learn.vectors.store import VectorStore, set_store
from learn.vectors.store.edge import EdgeStore

SETTING = "VECTOR_ENGINE=pgvector"


def _env(**values: str) -> dict[str, str]:
    """The process environment without any engine, database or broker setting, plus ``values``."""
    drop = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "VECTOR_ENGINE", "QDRANT_URL"}
    environ = {k: v for k, v in os.environ.items() if k.upper() not in drop}
    environ.update(values)
    return environ


def _learn(args: list[str], **values: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "learn.cli.main", *args],
        env=_env(**values),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("values", "engine"),
    [
        ({}, "embedded"),
        ({"REDIS_URL": "redis://x"}, "embedded"),
        ({"REDIS_URL": "redis://x", "DATABASE_URL": "postgres://h/db"}, "pgvector"),
        ({"DATABASE_URL": "postgres://h/db"}, "embedded"),  # one process: tasks run in it
        ({"QDRANT_URL": "http://q:6333", "DATABASE_URL": "postgres://h/db"}, "qdrant"),
        ({"VECTOR_ENGINE": "pgvector"}, "pgvector"),
        ({"VECTOR_ENGINE": "embedded", "QDRANT_URL": "http://q:6333"}, "embedded"),
    ],
)
def test_one_setting_chooses_the_engine_with_a_one_process_default(
    values: dict[str, str], engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "VECTOR_ENGINE", "QDRANT_URL"):
        monkeypatch.delenv(key, raising=False)
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("CELERY_TASK_ALWAYS_EAGER", raising=False)
    assert LearnEnv().vector_engine_in_use == engine


def test_unknown_engine_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VECTOR_ENGINE", "faiss")
    with pytest.raises(ValueError, match="vector_engine"):
        LearnEnv()


def test_check_config_names_the_setting_when_workers_meet_the_embedded_store(
    tmp_path: Path,
) -> None:
    result = _learn(
        ["check-config"], REDIS_URL="redis://127.0.0.1:1/0", LEARN_VAR_DIR=str(tmp_path)
    )
    assert result.returncode == 1
    assert "vector_engine_in_use=embedded" in result.stdout
    assert SETTING in result.stderr and "QDRANT_URL" in result.stderr
    fine = _learn(["check-config"], LEARN_VAR_DIR=str(tmp_path))
    assert fine.returncode == 0 and not fine.stderr.strip()
    broken = _learn(["check-config"], VECTOR_ENGINE="pgvector", LEARN_VAR_DIR=str(tmp_path))
    assert broken.returncode == 1 and "DATABASE_URL=postgres://" in broken.stderr


def test_several_workers_on_the_embedded_store_default_to_one_per_core(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for key in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "VECTOR_ENGINE", "QDRANT_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.delenv("LEARN_WEB_CONCURRENCY", raising=False)
    env = LearnEnv()
    assert env.vector_engine_in_use == "embedded"
    assert env.web_concurrency == len(os.sched_getaffinity(0))  # through the vector host
    monkeypatch.setenv("LEARN_WEB_CONCURRENCY", "3")
    assert LearnEnv().web_concurrency == 3


def test_serve_with_a_vector_host_it_cannot_start_exits_2(tmp_path: Path) -> None:
    """`learn serve --workers 2` no longer refuses the embedded store: it starts a vector host,
    and says why when that host cannot open the shard (another process holds it)."""
    holder = EdgeStore(tmp_path / "vectors" / "learn")
    holder.ensure_collection("resources", 4, {})
    try:
        result = _learn(["serve", "--workers", "2", "--port", "9129"], LEARN_VAR_DIR=str(tmp_path))
    finally:
        holder.close()
    assert result.returncode == 2, result.stdout + result.stderr
    assert "the vector host refuses to start" in result.stderr
    assert f"pid {os.getpid()} " in result.stderr and "held by another process" in result.stderr


def test_celery_worker_on_the_embeddings_queue_refuses_the_embedded_store(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "celery", "-A", "learn.config.celery", "worker"]
    command += ["-Q", "default,embeddings", "--pool", "solo", "--loglevel", "WARNING"]
    result = subprocess.run(
        command,
        env=_env(
            REDIS_URL="redis://127.0.0.1:1/0",  # never reached: the worker stops before
            CELERY_TASK_ALWAYS_EAGER="false",
            LEARN_VAR_DIR=str(tmp_path),
            DJANGO_SETTINGS_MODULE="learn.config.settings",
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "refusing to start a Celery worker on the embeddings queue" in result.stderr
    assert SETTING in result.stderr


@pytest.fixture
def held_shard(tmp_path: Path) -> Iterator[VectorStore]:
    """This process's store is an embedded shard another opener already holds."""
    holder = EdgeStore(tmp_path / "v")
    holder.ensure_collection("resources", 4, {})
    blocked = EdgeStore(tmp_path / "v")
    previous = set_store(blocked)
    hybrid.forget_vector_presence()
    yield blocked
    set_store(previous)
    hybrid.forget_vector_presence()
    holder.close()


@pytest.mark.django_db(transaction=True)
def test_readiness_fails_with_the_reason_when_the_embedded_store_is_held(
    held_shard: VectorStore, client: Client
) -> None:
    response = client.get("/health/readiness/")
    assert response.status_code == 503
    error = response.json()["checks"]["vectors"]["error"]
    assert "cannot open vector shard" in error and SETTING in error
    assert response.json()["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_readiness_is_ok_before_anything_is_embedded(tmp_path: Path, client: Client) -> None:
    previous = set_store(EdgeStore(tmp_path / "empty"))
    try:
        body = client.get("/health/readiness/").json()
    finally:
        set_store(previous)
    assert body["checks"]["vectors"]["status"] == "ok"


def test_startup_log_names_the_setting(
    held_shard: VectorStore, caplog: pytest.LogCaptureFixture
) -> None:
    from learn.vectors.store.engine import log_startup

    with caplog.at_level("INFO", logger="learn.vectors"):
        log_startup()
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any("cannot open vector shard" in e and SETTING in e for e in errors), errors
