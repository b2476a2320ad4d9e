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
