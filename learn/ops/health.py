"""Health probes for orchestrators: startup, liveness, readiness and full.

The probes reuse django-health-check's check classes (database, cache, Redis, Celery ping) and add
a migrations check. A service the current mode does not use (Redis or workers in the embedded
mode) is reported as ``not configured`` and does not fail the probe.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from health_check.base import HealthCheck, HealthCheckResult
from health_check.checks import Database
from health_check.exceptions import ServiceUnavailable

from learn.config.env import get_env

NOT_CONFIGURED = "not configured"


@dataclasses.dataclass
class Migrations(HealthCheck):
    """Fails while the database has unapplied migrations."""

    alias: str = DEFAULT_DB_ALIAS

    def run(self) -> None:
        connection = connections[self.alias]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        connection.close()
        if plan:
            raise ServiceUnavailable(f"{len(plan)} migration(s) not applied: run `learn migrate`")


@dataclasses.dataclass
class SearchIndex(HealthCheck):
    """Fails while the search index is missing or cannot be opened (searches answer 503)."""

    def run(self) -> None:
        from learn.search.backends import get_backend

        status = get_backend().status()
        if not status.available:
            raise ServiceUnavailable(f"search index unavailable: {status.detail}")


@dataclasses.dataclass
class Vectors(HealthCheck):
    """Fails when this process cannot use its vector store (the embedded shard held by another
    process, pgvector missing, a Qdrant server down): semantic search would answer lexically.
    The error names the setting to change."""

    def run(self) -> None:
        from learn.vectors.store import VectorStoreError, VectorStoreUnavailable
        from learn.vectors.store.engine import vector_store_status

        try:
            vector_store_status()
        except (VectorStoreUnavailable, VectorStoreError) as exc:
            raise ServiceUnavailable(str(exc)) from exc
        finally:
            connections.close_all()  # this executor thread's own (pgvector) connection


def _redis_check() -> HealthCheck | None:
    url = get_env().redis_url
    if not url:
        return None
    from health_check.contrib.redis import Redis
    from redis.asyncio import Redis as AsyncRedis

    return Redis(client_factory=lambda: AsyncRedis.from_url(url, socket_timeout=2))


def _celery_check() -> HealthCheck | None:
    if get_env().tasks_eager:
        return None
    import datetime

    from health_check.contrib.celery import Ping

    from learn.config.celery import app

    return Ping(app=app, timeout=datetime.timedelta(seconds=2))


def _database() -> HealthCheck:
    return Database(alias=DEFAULT_DB_ALIAS)


@dataclasses.dataclass
class CacheRoundTrip(HealthCheck):
    """Sets and reads back a key of its own. Synchronous: django-health-check's async cache
    check cannot reach a local-memory cache from the ASGI server's thread."""

    alias: str = "default"

    def run(self) -> None:
        key = f"learn-health:{uuid.uuid4().hex}"
        try:
            cache = caches[self.alias]
            cache.set(key, "ok", timeout=5)
            found = cache.get(key)
            cache.delete(key)
        except Exception as exc:  # noqa: BLE001 - any backend failure is the answer
            raise ServiceUnavailable(f"cache {self.alias!r}: {exc}") from exc
        if found != "ok":
            raise ServiceUnavailable(f"cache {self.alias!r} did not keep a value")


def _cache() -> HealthCheck:
    return CacheRoundTrip(alias="default")


CheckFactory = Callable[[], HealthCheck | None]

PROBES: dict[str, list[tuple[str, CheckFactory]]] = {
    "startup": [
        ("migrations", Migrations),
        ("cache", _cache),
        ("redis", _redis_check),
        ("database", _database),
    ],
    "liveness": [("database", _database)],
    "readiness": [
        ("cache", _cache),
        ("redis", _redis_check),
        ("database", _database),
        ("vectors", Vectors),
    ],
    "full": [
        ("migrations", Migrations),
        ("cache", _cache),
        ("redis", _redis_check),
        ("database", _database),
        ("vectors", Vectors),
        ("celery", _celery_check),
        ("search", SearchIndex),
    ],
}


async def _gather(checks: list[HealthCheck]) -> list[HealthCheckResult]:
    return list(await asyncio.gather(*(check.get_result() for check in checks)))


def run_probe(probe: str) -> tuple[bool, dict[str, Any]]:
    """Run one probe; returns (healthy, JSON body)."""
    named: list[tuple[str, HealthCheck]] = []
    body: dict[str, Any] = {}
    for name, factory in PROBES[probe]:
        check = factory()
        if check is None:
            body[name] = {"status": NOT_CONFIGURED}
        else:
            named.append((name, check))
    results = asyncio.run(_gather([check for _, check in named]))
    healthy = True
    for (name, _), result in zip(named, results, strict=True):
        if result.error is None:
            body[name] = {"status": "ok", "seconds": round(result.time_taken, 4)}
        else:
            healthy = False
            body[name] = {"status": "error", "error": str(result.error)}
    return healthy, {
        "status": "ok" if healthy else "error",
        "probe": probe,
        "process": os.getpid(),  # which worker answered, where several serve
        "checks": body,
    }
