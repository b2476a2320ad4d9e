"""Beat entries of the semantic layer: the hourly embeddings catch-up."""

from __future__ import annotations

from celery.schedules import crontab

from learn.config.celery import register_schedule

register_schedule(
    "embeddings-catch-up",
    {
        "task": "learn.vectors.catch_up",
        "schedule": crontab(minute=20),
        "options": {"queue": "embeddings"},
    },
)
