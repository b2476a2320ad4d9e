"""Celery: the request id travels with each task; every task logs its outcome and duration.

A task enqueued while serving a request carries the request's id in its message headers; the
worker binds it (with the task's id and name) to the log context while the task runs.
"""

from __future__ import annotations

import time
from typing import Any

import structlog
from celery import signals

from learn.observability.metrics import CELERY_TASK_DURATION, CELERY_TASKS

logger = structlog.stdlib.get_logger("learn.task")
HEADER = "learn_request_id"
_started: dict[str, float] = {}


def _add_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    if headers is not None and request_id and HEADER not in headers:
        headers[HEADER] = request_id


def _prerun(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    request_id = getattr(task.request, HEADER, None) if task is not None else None
    headers = getattr(task.request, "headers", None) or {}
    request_id = request_id or headers.get(HEADER)
    outer = structlog.contextvars.get_contextvars()
    structlog.contextvars.bind_contextvars(
        task_id=task_id,
        task=getattr(task, "name", None),
        request_id=request_id or outer.get("request_id"),
    )
    if task_id:
        _started[task_id] = time.perf_counter()


def _postrun(
    task_id: str | None = None, task: Any = None, state: str | None = None, **_: Any
) -> None:
    name = getattr(task, "name", None) or "unknown"
    started = _started.pop(task_id, None) if task_id else None
    duration = time.perf_counter() - started if started is not None else None
    CELERY_TASKS.labels(name, state or "UNKNOWN").inc()
    if duration is not None:
        CELERY_TASK_DURATION.labels(name).observe(duration)
    logger.info(
        "task finished",
        state=state,
        duration_ms=round(duration * 1000, 2) if duration is not None else None,
    )
    structlog.contextvars.unbind_contextvars("task_id", "task")


def _retry(request: Any = None, **_: Any) -> None:
    CELERY_TASKS.labels(getattr(request, "task", None) or "unknown", "RETRY").inc()


def connect() -> None:
    signals.before_task_publish.connect(_add_request_id, weak=False)
    signals.task_prerun.connect(_prerun, weak=False)
    signals.task_postrun.connect(_postrun, weak=False)
    signals.task_retry.connect(_retry, weak=False)
