"""Beat entry: the news/events feeds every 3 hours, as the reference does."""

from __future__ import annotations

from celery.schedules import crontab

from learn.config.celery import register_schedule

register_schedule(
    "news-events-feeds",
    {
        "task": "learn.news_events.tasks.refresh_feeds",
        "schedule": crontab(hour="*/3", minute=20),
        "options": {"queue": "default"},
    },
)
