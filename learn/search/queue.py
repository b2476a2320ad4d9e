"""Durable index queue: the catalog hook enqueues, ``drain`` writes to the engine.

Rows are appended (never updated) so a change that arrives while a drain runs is never lost: the
drain deletes only the rows it processed, and only after the engine accepted them. If the engine
is down the rows stay, with the error recorded, and the next drain retries them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Min
from django.utils import timezone

from learn.catalog import hooks
from learn.search.backends import SearchBackend, SearchUnavailable, SearchWriteError, get_backend
from learn.search.models import IndexQueueItem

logger = logging.getLogger(__name__)

DRAIN_BATCH = 500


@dataclass
class DrainReport:
    processed: int = 0
    remaining: int = 0
    error: str = ""


def enqueue(ids: Iterable[int], action: str, index: str = "resource") -> int:
    rows = [IndexQueueItem(index=index, object_id=int(i), action=action) for i in ids]
    IndexQueueItem.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


# learn.search.tasks, registered by the app config: looked up by name, so the queue does not
# import the tasks that import it (eager mode still drains in process).
DRAIN_TASK = "learn.search.drain_index_queue"


def _schedule_drain() -> None:
    from learn.config.celery import app

    try:
        app.tasks[DRAIN_TASK].delay()
    except Exception:  # broker down: the beat schedule drains later, nothing is lost
        logger.warning("could not schedule an index drain; the queue keeps the changes")


def on_changed(ids: list[int]) -> None:
    enqueue(ids, IndexQueueItem.Action.upsert)
    transaction.on_commit(_schedule_drain)


def on_removed(ids: list[int]) -> None:
    enqueue(ids, IndexQueueItem.Action.delete)
    transaction.on_commit(_schedule_drain)


def connect_catalog_hooks() -> None:
    hooks.on_resources_changed(on_changed)
    hooks.on_resources_removed(on_removed)


def _apply(backend: SearchBackend, rows: list[IndexQueueItem]) -> None:
    from learn.search.indexing import content_file_documents, resource_documents

    latest: dict[tuple[str, int], str] = {}
    for row in rows:  # ordered by id: the last action for an object wins
        latest[(row.index, row.object_id)] = row.action
    upsert = [oid for (idx, oid), act in latest.items() if idx == "resource" and act == "upsert"]
    delete = [oid for (idx, oid), act in latest.items() if idx == "resource" and act == "delete"]
    docs = list(resource_documents(ids=upsert))
    found = {int(d.id) for d in docs}
    delete.extend(oid for oid in upsert if oid not in found)  # unpublished since
    if docs:
        backend.index(docs)
        backend.index(content_file_documents(resource_ids=sorted(found)))
    if delete:
        backend.delete("resource", [str(i) for i in delete])
        backend.delete_content_files_of(delete)


def drain(backend: SearchBackend | None = None, batch_size: int = DRAIN_BATCH) -> DrainReport:
    """Write queued changes to the engine until the queue is empty or the engine fails."""
    backend = backend or get_backend()
    report = DrainReport()
    refusal = _missing_index_refusal(backend)
    if refusal:
        IndexQueueItem.objects.update(attempts=F("attempts") + 1, last_error=refusal[:2000])
        report.error = refusal
        report.remaining = IndexQueueItem.objects.count()
        logger.warning(refusal)
        return report
    while True:
        rows = list(IndexQueueItem.objects.order_by("id")[:batch_size])
        if not rows:
            break
        ids = [r.pk for r in rows]
        try:
            _apply(backend, rows)
        except (SearchUnavailable, SearchWriteError) as exc:
            # Nothing of the batch is known written: its rows stay queued for the next drain.
            IndexQueueItem.objects.filter(pk__in=ids).update(
                attempts=F("attempts") + 1, last_error=str(exc)[:2000]
            )
            report.error = str(exc)
            break
        IndexQueueItem.objects.filter(pk__in=ids).delete()
        report.processed += len(rows)
    report.remaining = IndexQueueItem.objects.count()
    return report


def _missing_index_refusal(backend: SearchBackend) -> str:
    """A missing index may be created by a drain only when the queue holds the whole catalog
    (a first load); otherwise it was lost and an incremental write would hide that."""
    if not backend.is_missing():
        return ""
    from learn.catalog.queries import published_resources

    published = published_resources().count()
    queued = (
        IndexQueueItem.objects.filter(index="resource", action=IndexQueueItem.Action.upsert)
        .values("object_id")
        .distinct()
        .count()
    )
    if published <= queued:
        return ""
    return (
        f"the search index is missing while {published} resources are published and only "
        f"{queued} are queued: run `learn index rebuild` (the queue keeps the changes)"
    )


def queue_lag_seconds() -> float:
    oldest = IndexQueueItem.objects.aggregate(oldest=Min("enqueued_on"))["oldest"]
    return (timezone.now() - oldest).total_seconds() if oldest else 0.0
