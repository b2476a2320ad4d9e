"""Celery tasks of the search index (they run on the default queue, ``default``)."""

from __future__ import annotations

from typing import Any

from learn.config.celery import app


@app.task(name="learn.search.drain_index_queue", ignore_result=True)
def drain_index_queue() -> dict[str, Any]:
    from learn.search.queue import drain

    report = drain()
    return {"processed": report.processed, "remaining": report.remaining, "error": report.error}
