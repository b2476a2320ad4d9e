from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from learn.config.env import get_env

# The tests' upstream stand-ins listen on 127.0.0.1: the fetcher refuses loopback otherwise.
os.environ.setdefault("ETL_ALLOW_PRIVATE_NETWORKS", "true")
get_env.cache_clear()  # the settings module read the environment before this file


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    path = get_env().shared_path()
    if path is None:
        pytest.fail("../shared is missing: tests read the shared fixtures where they lie")
    return path


@pytest.fixture(autouse=True)
def _fresh_view_cache() -> Iterator[None]:
    """Each test builds its catalog with factories, which announce nothing, and its database
    rolls back to the same catalog version: pages (and reference rows) a previous test cached
    would match. (Tests of the cache itself announce their changes.)"""
    from learn.api.view_cache import clear_view_cache, forget_builders

    # (Never through get_env(): between two fixtures' teardowns it would cache a test's settings.)
    clear_view_cache()
    forget_builders()
    yield
    clear_view_cache()
    forget_builders()


@pytest.fixture
def embedded_tasks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run as the embedded mode does (tasks in-process), even when CI sets a Redis broker."""
    from learn.config.celery import app

    monkeypatch.setenv("CELERY_TASK_ALWAYS_EAGER", "true")
    get_env.cache_clear()
    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = was_eager
        monkeypatch.undo()
        get_env.cache_clear()


@pytest.fixture(autouse=True)
def _rate_limits_off(request: pytest.FixtureRequest) -> Iterator[None]:
    """Rate limits are off in tests that do not test them (mark ``rate_limits`` to keep them)."""
    if request.node.get_closest_marker("rate_limits"):
        yield
        return
    from django.conf import settings

    was = settings.RATE_LIMITS
    settings.RATE_LIMITS = "off"
    try:
        yield
    finally:
        settings.RATE_LIMITS = was


def _pgvector_missing() -> None:
    """Skip unless the test database is PostgreSQL with the pgvector extension (the vectors
    migration creates it), except in CI (``CI`` set), which builds pgvector (.ci/pgvector.sh) and
    runs on PostgreSQL: there a missing extension fails the test."""
    import os

    from django.db import connection

    reason = None
    if connection.vendor != "postgresql":
        reason = "pgvector needs DATABASE_URL on PostgreSQL"
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'")
            if cursor.fetchone() is None:
                reason = "the pgvector extension is not installed (run .ci/pgvector.sh)"
    if reason is not None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI must run the pgvector tests: {reason}")
        pytest.skip(reason)


@pytest.fixture
def pgvector_db(db: None) -> None:
    """The test database, in the test's transaction, on PostgreSQL + pgvector."""
    _pgvector_missing()


@pytest.fixture
def pgvector_transactional_db(transactional_db: None) -> None:
    """The test database, committed (other processes see it), on PostgreSQL + pgvector."""
    _pgvector_missing()
