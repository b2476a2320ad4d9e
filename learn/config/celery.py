"""The Celery app: queues ``default``, ``edx_content`` and ``embeddings``; RedBeat as scheduler.

Without a broker (embedded mode) tasks run in the calling process.
"""

from __future__ import annotations

import os
from typing import Any

from celery import Celery, signals
from kombu import Queue

from learn.config.env import get_env
from learn.config.production import ProductionSettingsError, ensure_production_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learn.config.settings")

app = Celery("learn")
app.config_from_object("django.conf:settings", namespace="CELERY")

QUEUES = ("default", "edx_content", "embeddings")

app.conf.update(
    task_queues=[Queue(name) for name in QUEUES],
    task_default_queue="default",
    # Long ETL tasks: acknowledge after the work is done so a killed worker's task is redelivered,
    # and take one task at a time so a long task does not hold others hostage.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=6 * 3600,
    task_soft_time_limit=6 * 3600 - 300,
    broker_transport_options={"visibility_timeout": 7 * 3600},
    task_default_retry_delay=60,
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    result_expires=24 * 3600,
    beat_scheduler="redbeat.RedBeatScheduler",
    redbeat_key_prefix="learn:redbeat",
    redbeat_lock_timeout=15 * 60,
    worker_hijack_root_logger=False,
    timezone="UTC",
    # One central routing table (Celery copies routes once, at the first send, so routes added
    # later by a tasks module would be missed): embeddings work on its own queue, content
    # ingestion on edx_content, everything else on default.
    task_routes={
        "learn.vectors.*": {"queue": "embeddings"},
        "learn.etl.content.*": {"queue": "edx_content"},
    },
)
# Schedules are contributed by capability packages (etl, vectors, ...) through ``BEAT_SCHEDULES``.
app.conf.beat_schedule = {}
app.autodiscover_tasks(
    [
        "learn.ops",
        "learn.catalog",
        "learn.search",
        "learn.etl",
        "learn.etl.content",
        "learn.vectors",
        "learn.news_events",
        "learn.subscriptions",
    ]
)


@signals.worker_init.connect
@signals.beat_init.connect
def _refuse_development_settings(**_: Any) -> None:
    # Celery logs and swallows a handler's exceptions; SystemExit stops the worker or beat.
    try:
        ensure_production_ready(get_env())
    except ProductionSettingsError as exc:
        raise SystemExit(str(exc)) from exc


def register_schedule(name: str, entry: dict[str, Any]) -> None:
    """Add one periodic task; capability packages call this from their ``schedules`` module."""
    app.conf.beat_schedule[name] = entry
