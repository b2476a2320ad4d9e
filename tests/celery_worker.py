"""A real Celery worker process that consumes only ``edx_content``, for round-trip tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from learn.config.env import get_env


@contextmanager
def edx_content_worker(var_dir: Path, name: str, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    """The worker, on its own fresh SQLite catalog under ``var_dir`` (migrated first), with
    ``env`` added to its environment; skips the test when no Redis is configured."""
    redis_url = get_env().redis_url
    if not redis_url:
        pytest.skip("REDIS_URL is not set: the worker round trip needs a real Redis")
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environ.update(
        REDIS_URL=redis_url, CELERY_TASK_ALWAYS_EAGER="false", LEARN_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="learn.config.settings", **env,
    )  # fmt: skip
    migrate = "import django; django.setup(); from django.core.management import call_command; "
    migrate += "call_command('migrate', verbosity=0)"
    subprocess.run([sys.executable, "-c", migrate], env=environ, check=True, timeout=300)
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "learn.config.celery", "worker",
            "-Q", "edx_content", "-c", "1", "--pool", "solo", "--loglevel", "WARNING",
            "-n", f"{name}-{os.getpid()}@%h",
        ],
        env=environ,
    )  # fmt: skip
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)
