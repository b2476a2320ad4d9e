"""Celery task on queue ``edx_content``: ingest one platform's content files from a location.

Discovered by the Celery app (``learn.etl.content`` is in its autodiscover list); routed by the
central ``learn.etl.content.*`` entry of ``task_routes`` and by the task's own default queue.
"""

from __future__ import annotations

from typing import Any

from celery import Task
from celery.result import AsyncResult

from learn.config.celery import app

QUEUE = "edx_content"
TASK_NAME = "learn.etl.content.ingest_content_files"


def summary(report: Any) -> dict[str, Any]:
    run = report.run
    return {
        "platform": report.platform,
        "source": report.source,
        "run": run.pk if run is not None else None,
        "status": run.status if run is not None else None,
        "courses": [
            {"run_id": c.run_id, "status": c.status, "message": c.message} for c in report.courses
        ],
        "created": report.total("created"),
        "updated": report.total("updated"),
        "unchanged": report.total("unchanged"),
        "unpublished": report.total("unpublished"),
        # files whose very bytes failed extraction before: skipped, never re-extracted here
        "not_extracted_again": sum(c.remembered for c in report.courses),
        "problems": [{"run_id": r, "key": p.key, "message": p.message} for r, p in report.problems],
    }


class EdxContentTask(Task):  # type: ignore[misc]
    """Sends to ``edx_content`` unless the caller names a queue.

    The explicit option does not depend on ``task_routes``, which Celery's router copies once
    (routes added after the first task was sent are not seen by that router).
    """

    def apply_async(self, args: Any = None, kwargs: Any = None, **options: Any) -> AsyncResult:  # type: ignore[type-arg]
        options.setdefault("queue", QUEUE)
        return super().apply_async(args, kwargs, **options)


# A worker lost mid-ingest is not a reason to run the same files again: the task is recorded as
# failed instead of re-queued (extraction runs in a limited child, so a crafted file no longer
# takes the worker down; if something else does, it must not loop).
NO_REDELIVERY = {"acks_late": True, "reject_on_worker_lost": False}


@app.task(name=TASK_NAME, base=EdxContentTask, **NO_REDELIVERY)
def ingest_content_files_task(
    platform: str, source: str, run_id: str | None = None
) -> dict[str, Any]:
    """Ingest the content files of ``platform`` from ``source`` (archive, folder, OCW tree)."""
    from learn.etl.content.ingest import ingest_content_files

    return summary(ingest_content_files(platform, source, run_id=run_id))
