"""Catalog → index documents: the stored JSON is the API's own serialization of each object."""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import random
import signal
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from django.db import connection, connections
from django.db.models import Q

from learn.catalog.bulk_json import ResourceJsonBuilder
from learn.catalog.constants import ResourceType
from learn.catalog.models import FeaturedList, LearningResourceRelationship
from learn.catalog.queries import content_file_queryset, published_resources
from learn.catalog.serializers import ContentFileSerializer
from learn.search.backends import SearchBackend, get_backend
from learn.search.backends.base import ProgressCallback
from learn.search.query import IndexDocument, IndexName

BATCH = 1000
# Large text is searchable but not returned (as MIT Learn's _source excludes it).
UNSTORED_FILE_FIELDS = ("content", "summary", "flashcards")


def featured_ranks() -> dict[int, float]:
    """Lowest position of each resource in any featured list, plus a random tie-breaker."""
    ranks: dict[int, float] = {}
    paths = FeaturedList.objects.values_list("learning_path_id", flat=True)
    rows = LearningResourceRelationship.objects.filter(parent_id__in=list(paths)).values_list(
        "child_id", "position"
    )
    for child_id, position in rows:
        ranks[child_id] = min(ranks.get(child_id, float("inf")), float(position))
    return {k: v + random.random() for k, v in ranks.items()}


def _indexable() -> Any:
    # Learning paths are not searched (as in MIT Learn).
    return published_resources().exclude(resource_type=ResourceType.learning_path)


def _resource_pks(ids: Sequence[int] | None = None) -> list[int]:
    qs = _indexable().order_by("id")
    if ids is not None:
        qs = qs.filter(id__in=list(ids))
    return list(qs.values_list("id", flat=True))


def _resource_batch(
    chunk: list[int], ranks: dict[int, float], builder: ResourceJsonBuilder
) -> list[IndexDocument]:
    resources = list(_indexable().filter(id__in=chunk).order_by("id"))
    created = {r.pk: r.created_on.isoformat() for r in resources}
    docs: list[IndexDocument] = []
    for data in builder.serialize(resources):
        rid = int(data["id"])
        signals: dict[str, Any] = {"created_on": created.get(rid)}
        if rid in ranks:
            signals["featured_rank"] = ranks[rid]
        docs.append(
            IndexDocument(id=str(rid), source=dict(data), index="resource", signals=signals)
        )
    return docs


def resource_documents(ids: Sequence[int] | None = None) -> Iterator[IndexDocument]:
    """Index documents of the searchable resources (all, or ``ids``), in id order. The JSON is
    ``serialize_resources``'s, built in bulk by ``ResourceJsonBuilder``."""
    pks = _resource_pks(ids)
    ranks = featured_ranks()
    builder = ResourceJsonBuilder()
    for start in range(0, len(pks), BATCH):
        yield from _resource_batch(pks[start : start + BATCH], ranks, builder)


def _content_file_pks(resource_ids: Sequence[int] | None = None) -> list[int]:
    qs = content_file_queryset()
    if resource_ids is not None:
        ids = list(resource_ids)
        if not ids:
            return []
        qs = qs.filter(
            Q(run__learning_resource_id__in=ids)
            | Q(learning_resource_id__in=ids)
            | Q(direct_learning_resource_id__in=ids)
        )
    return list(qs.values_list("id", flat=True))


def _content_file_batch(chunk: list[int]) -> list[IndexDocument]:
    files = list(content_file_queryset().filter(id__in=chunk))
    docs: list[IndexDocument] = []
    for data in ContentFileSerializer(files, many=True).data:
        source = dict(data)
        content = source.get("content") or ""
        for name in UNSTORED_FILE_FIELDS:
            source.pop(name, None)
        source["content"] = None
        source["flashcards"] = None  # the contract requires the key; the text is not returned
        docs.append(
            IndexDocument(
                id=str(source["id"]),
                source=source,
                index="content_file",
                signals={"content": content},
            )
        )
    return docs


def _batch(
    kind: IndexName, chunk: list[int], ranks: dict[int, float], builder: ResourceJsonBuilder
) -> list[IndexDocument]:
    """One batch of a rebuild: resources or content files, by primary key."""
    if kind == "resource":
        return _resource_batch(chunk, ranks, builder)
    return _content_file_batch(chunk)


def content_file_documents(resource_ids: Sequence[int] | None = None) -> Iterator[IndexDocument]:
    pks = _content_file_pks(resource_ids)
    for start in range(0, len(pks), BATCH):
        yield from _content_file_batch(pks[start : start + BATCH])


def count_indexable() -> tuple[int, int]:
    return _indexable().count(), content_file_queryset().count()


@contextmanager
def _young_garbage() -> Iterator[None]:
    """Collect a batch's garbage once, at its end. Building a batch allocates a great many
    objects, which makes Python's cyclic collector run often, and its full passes over every
    long-lived object (Django's, the builder's caches) cost a third of the serialization time."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def rebuild_workers() -> int:
    """Worker processes a full rebuild serializes in: one per core (none on a single core)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return cores or 1


def rebuild_index(
    backend: SearchBackend | None = None,
    progress: ProgressCallback | None = None,
    workers: int | None = None,
) -> int:
    """Rebuild every index from the catalog; searches keep answering from the old one.

    With ``workers`` > 1 (default: one per core), batches of documents are serialized and
    prepared for the engine (``SearchBackend.prepare``) in that many forked processes while this
    one feeds the engine, in catalog order. In-process when the catalog is a single batch, or
    inside a transaction (workers would not see its uncommitted rows)."""
    from learn.search.models import IndexQueueItem

    backend = backend or get_backend()
    started = IndexQueueItem.objects.order_by("-id").values_list("id", flat=True).first() or 0
    resource_pks, file_pks = _resource_pks(), _content_file_pks()
    tasks: list[tuple[IndexName, list[int]]] = [
        ("resource", resource_pks[i : i + BATCH]) for i in range(0, len(resource_pks), BATCH)
    ] + [("content_file", file_pks[i : i + BATCH]) for i in range(0, len(file_pks), BATCH)]
    workers = rebuild_workers() if workers is None else workers
    parallel = (
        workers > 1
        and len(tasks) > 1
        and not connection.in_atomic_block
        and "fork" in multiprocessing.get_all_start_methods()
    )
    if parallel:
        with _Producer(backend, tasks, featured_ranks(), workers) as produced:
            count = backend.rebuild(produced, progress)
    else:

        def documents() -> Iterator[IndexDocument]:
            ranks = featured_ranks()
            builder = ResourceJsonBuilder()
            for kind, chunk in tasks:
                with _young_garbage():
                    docs = _batch(kind, chunk, ranks, builder)
                yield from docs

        count = backend.rebuild(documents(), progress)
    # Everything queued before the rebuild began is now in the index.
    IndexQueueItem.objects.filter(id__lte=started).delete()
    return count


# A worker's state: set in the parent before the fork, so forked workers inherit it.
_WORKER: dict[str, Any] = {}


def _prepare_batch(kind: IndexName, chunk: list[int]) -> list[Any]:
    """In a worker: serialize one batch and prepare it for the engine."""
    backend: SearchBackend = _WORKER["backend"]
    with _young_garbage():
        builder = _WORKER.get("builder")
        if builder is None:
            builder = _WORKER["builder"] = ResourceJsonBuilder()
        docs = _batch(kind, chunk, _WORKER["ranks"], builder)
        return [backend.prepare(doc) for doc in docs]


def _start_worker(parent: int) -> None:
    die_with_parent(parent)
    # What the worker inherited stays: the collector need not look at it again.
    gc.freeze()


PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Make this (forked) process die when ``parent`` does, even by ``kill -9``: on Linux the
    kernel sends SIGKILL (prctl PR_SET_PDEATHSIG); a parent already gone ends it at once."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the death signal was armed
        os._exit(1)


def start_rebuild_workers(workers: int) -> ProcessPoolExecutor:
    """Forked worker processes that never outlive this one (no orphans after ``kill -9``)."""
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(os.getpid(),),
    )


class _Producer:
    """Prepared documents of ``tasks``, in order, made by forked worker processes; at most a
    few batches ahead of the consumer. A worker's error (or its death) is raised to the consumer,
    which aborts the rebuild before the new index replaces the old one."""

    def __init__(
        self,
        backend: SearchBackend,
        tasks: list[tuple[IndexName, list[int]]],
        ranks: dict[int, float],
        workers: int,
    ) -> None:
        self.tasks = tasks
        self.workers = workers
        self.ahead = 2 * workers + 1
        _WORKER.clear()
        _WORKER.update(backend=backend, ranks=ranks)
        self.pending: deque[Future[list[Any]]] = deque()
        self.executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> _Producer:
        # Forked workers must open their own database connections, not share ours.
        connections.close_all()
        self.executor = start_rebuild_workers(self.workers)
        self.next_task = 0
        # Fork now, before the engine starts threads of its own.
        self._submit()
        return self

    def _submit(self) -> None:
        assert self.executor is not None
        while len(self.pending) < self.ahead and self.next_task < len(self.tasks):
            kind, chunk = self.tasks[self.next_task]
            self.pending.append(self.executor.submit(_prepare_batch, kind, chunk))
            self.next_task += 1

    def __iter__(self) -> Iterator[Any]:
        while self.pending:
            with _young_garbage():
                batch = self.pending.popleft().result()
                self._submit()
                yield from batch

    def __exit__(self, *exc: object) -> None:
        _WORKER.clear()
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
