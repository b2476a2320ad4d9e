"""Beat schedule: drain whatever the index queue still holds (e.g. after an engine outage)."""

from __future__ import annotations

from learn.config.celery import register_schedule

register_schedule(
    "search-drain-index-queue",
    {"task": "learn.search.drain_index_queue", "schedule": 60.0, "options": {"queue": "default"}},
)
