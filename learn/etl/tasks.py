"""Celery tasks: one per source (``learn.etl.get_<source>_data``) plus a generic one.

Catalog loads go to ``default``; sources declaring ``QUEUE = "edx_content"`` (content
ingestion) go there. Tasks acknowledge late, and retry with backoff on network failures (the
failed run is recorded each time; nothing is unpublished by a failed run).
"""

from __future__ import annotations

from typing import Any

from celery import Task

from learn.config.celery import app
from learn.etl.task_options import RETRY_OPTIONS, EtlNetworkError

__all__ = ["RETRY_OPTIONS", "EtlNetworkError"]


def _run(name: str, source: str | None = None, force: bool = False) -> dict[str, Any]:
    from learn.etl.pipeline import is_network_error, run_source

    try:
        run = run_source(name, source=source, force=force, raise_network_errors=True)
    except Exception as exc:
        if is_network_error(exc):
            raise EtlNetworkError(f"{name}: {exc}") from exc
        raise
    return {
        "run": run.pk,
        "source": run.source,
        "status": run.status,
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "unpublished": run.unpublished,
        "skipped": run.skipped,
        "failed": run.failed,
    }


@app.task(name="learn.etl.run_source", **RETRY_OPTIONS)
def run_source_task(name: str, source: str | None = None, force: bool = False) -> dict[str, Any]:
    """Run any registered source by name."""
    return _run(name, source, force)


def task_name(source: str) -> str:
    return f"learn.etl.get_{source}_data"


def _make_task(source: str, queue: str) -> Task:
    def get_data(location: str | None = None, force: bool = False) -> dict[str, Any]:
        return _run(source, location, force)

    get_data.__name__ = f"get_{source}_data"
    get_data.__doc__ = f"Load the {source} source into the catalog."
    task: Task = app.task(name=task_name(source), **RETRY_OPTIONS)(get_data)
    routes = app.conf.task_routes
    if isinstance(routes, dict):
        routes[task.name] = {"queue": queue}
    else:
        app.conf.task_routes = {task.name: {"queue": queue}}
    return task


def _register_source_tasks() -> dict[str, Task]:
    from learn.etl.pipeline import registry

    return {name: _make_task(name, spec.queue) for name, spec in registry().items()}


SOURCE_TASKS: dict[str, Task] = _register_source_tasks()

# the webhooks' tasks (learn/etl/webhook_tasks.py) register with the worker through this module
from learn.etl import webhook_tasks as webhook_tasks  # noqa: E402
