"""A real Celery worker process that consumes only ``edx_content``, for round-trip tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from learn.config.env import get_env


@contextmanager
def edx_content_worker(var_dir: Path, name: str, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    """The worker, on its own fresh catalog (migrated first), with ``env`` added to its
    environment; skips the test when no Redis is configured.

    The catalog is the database engine the tests run on: with ``DATABASE_URL`` (CI: PostgreSQL)
    a new database on that server, dropped afterwards; without it a SQLite file under
    ``var_dir``."""
    redis_url = get_env().redis_url
    if not redis_url:
        pytest.skip("REDIS_URL is not set: the worker round trip needs a real Redis")
    with _worker_database(name) as database_url:
        environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        if database_url:
            environ["DATABASE_URL"] = database_url
        with _worker(environ, var_dir, name, redis_url, env) as proc:
            yield proc


@contextmanager
def _worker_database(name: str) -> Iterator[str | None]:
    """A fresh, empty PostgreSQL database on the ``DATABASE_URL`` server (its URL), or None."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield None
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    database = f"{parts.path.lstrip('/') or 'learn'}_worker_{name}_{os.getpid()}"[:63]
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(database)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    try:
        yield urlunsplit(parts._replace(path="/" + database))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
            )


@contextmanager
def _worker(
    environ: dict[str, str], var_dir: Path, name: str, redis_url: str, env: dict[str, str]
) -> Iterator[subprocess.Popen[bytes]]:
    # LEARN_DEBUG: development settings (with DATABASE_URL a production worker refuses them)
    environ.update(
        REDIS_URL=redis_url, CELERY_TASK_ALWAYS_EAGER="false", LEARN_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="learn.config.settings", LEARN_DEBUG="true", **env,
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
