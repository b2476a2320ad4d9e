"""Celery task: refresh every configured news/events feed."""

from __future__ import annotations

from typing import Any

from learn.config.celery import app


@app.task(name="learn.news_events.tasks.refresh_feeds", acks_late=True)
def refresh_feeds() -> list[dict[str, Any]]:
    from learn.news_events.run import run_feeds

    return [
        {
            "feed": run.name,
            "ok": run.ok,
            "error": run.error,
            "created": run.result.created if run.result else 0,
            "updated": run.result.updated if run.result else 0,
            "deleted": run.result.deleted if run.result else 0,
        }
        for run in run_feeds()
    ]
