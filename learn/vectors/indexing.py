"""Embed catalog resources and content files into the vector store, and remove what left the
catalog.

Work is grouped per point group (a resource point, a course's metadata chunks, one file's chunks).
A group whose input checksum is unchanged is never re-embedded; a payload-only change rewrites the
payload. New vectors are computed before anything is written, so a provider error leaves the last
good vectors in place. Resources are read in pages, so memory stays bounded on any corpus.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet

from learn.catalog.models import ContentFile, LearningResource
from learn.config.env import get_env
from learn.vectors import chunking
from learn.vectors.documents import (
    CONTENT_FILES,
    RESOURCES,
    checksum,
    chunk_point_id,
    content_file_base_payload,
    content_file_indexes,
    course_metadata_text,
    course_numbers,
    resource_document,
    resource_indexes,
)
from learn.vectors.embedders import Embedder, EmbeddingError, embed_texts, get_embedder
from learn.vectors.models import EmbeddedPoint, EmbeddingFailure
from learn.vectors.store import Filter, Point, VectorStore, VectorStoreError, get_store

logger = logging.getLogger(__name__)

PAGE_SIZE = 64  # resources read and embedded together
_ready: set[tuple[int, str, int]] = set()
_ready_lock = threading.Lock()


@dataclass
class Report:
    resources: int = 0
    embedded_points: int = 0
    payload_updates: int = 0
    unchanged_groups: int = 0
    removed_points: int = 0
    failed: list[int] = field(default_factory=list)

    def add(self, other: Report) -> None:
        self.resources += other.resources
        self.embedded_points += other.embedded_points
        self.payload_updates += other.payload_updates
        self.unchanged_groups += other.unchanged_groups
        self.removed_points += other.removed_points
        self.failed.extend(other.failed)

    def as_dict(self) -> dict[str, Any]:
        return {
            "resources": self.resources,
            "embedded_points": self.embedded_points,
            "payload_updates": self.payload_updates,
            "unchanged_groups": self.unchanged_groups,
            "removed_points": self.removed_points,
            "failed": len(self.failed),
        }


@dataclass
class Group:
    """Points that are written, replaced and checksummed together."""

    collection: str
    resource_id: int
    source: str  # resource | course_metadata | file
    content_file_id: int | None
    text_checksum: str
    payload_checksum: str
    ids: list[str]
    texts: list[str]
    payloads: list[dict[str, Any]]
    previous: list[EmbeddedPoint]
    payload_only: bool = False


def ensure_collections(store: VectorStore, embedder: Embedder) -> None:
    key = (id(store), embedder.name, embedder.dim)
    if key in _ready:
        return
    with _ready_lock:
        store.ensure_collection(RESOURCES, embedder.dim, resource_indexes())  # type: ignore[arg-type]
        store.ensure_collection(CONTENT_FILES, embedder.dim, content_file_indexes())  # type: ignore[arg-type]
        _ready.add(key)


def forget_collections() -> None:
    """Tests: collections may have been dropped."""
    _ready.clear()


def _resources(ids: Sequence[int]) -> QuerySet[LearningResource]:
    return (
        LearningResource.objects.filter(pk__in=ids)
        .select_related("platform", "offered_by", "course", "best_run")
        .prefetch_related("topics", "departments", "resource_tags", "runs__instructors")
    )


def _files(resource: LearningResource) -> list[ContentFile]:
    """Published files of the best run, plus files attached without a run."""
    files = ContentFile.objects.filter(published=True).filter(
        Q(run__learning_resource_id=resource.pk, run__published=True)
        | Q(learning_resource_id=resource.pk, run__isnull=True)
        | Q(direct_learning_resource_id=resource.pk)
    )
    if resource.best_run_id:
        files = files.filter(Q(run__isnull=True) | Q(run_id=resource.best_run_id))
    return list(files.select_related("run").prefetch_related("content_tags").order_by("id"))


def _groups_for(
    resource: LearningResource, embedder: Embedder, previous: list[EmbeddedPoint]
) -> tuple[list[Group], list[EmbeddedPoint]]:
    """Groups whose text or payload changed, and previous points no longer wanted (stale)."""
    env = get_env()
    size = min(env.content_file_embedding_chunk_size, embedder.max_input_tokens)
    overlap = env.content_file_embedding_chunk_overlap
    by_group: dict[tuple[str, int | None], list[EmbeddedPoint]] = {}
    for row in previous:
        by_group.setdefault((row.source, row.content_file_id), []).append(row)
    groups: list[Group] = []
    wanted: set[tuple[str, int | None]] = set()

    def consider(
        collection: str,
        source: str,
        file_id: int | None,
        text_ck: str,
        payload: dict[str, Any],
        make: Callable[[], tuple[list[str], list[str], list[dict[str, Any]]]],
    ) -> None:
        wanted.add((source, file_id))
        payload_ck = checksum(payload)
        old = by_group.get((source, file_id), [])
        same_text = bool(old) and all(r.text_checksum == text_ck for r in old)
        if same_text and all(r.payload_checksum == payload_ck for r in old):
            groups.append(
                Group(
                    collection, resource.pk, source, file_id, text_ck, payload_ck, [], [], [], old
                )
            )
            return
        if same_text:
            ids = [str(r.point_id) for r in old]
            groups.append(
                Group(
                    collection,
                    resource.pk,
                    source,
                    file_id,
                    text_ck,
                    payload_ck,
                    ids,
                    [],
                    [payload] * len(ids),
                    old,
                    payload_only=True,
                )
            )
            return
        ids, texts, payloads = make()
        groups.append(
            Group(
                collection,
                resource.pk,
                source,
                file_id,
                text_ck,
                payload_ck,
                ids,
                texts,
                payloads,
                old,
            )
        )

    doc = resource_document(resource)
    consider(
        RESOURCES,
        "resource",
        None,
        checksum(embedder.name, doc.text),
        doc.payload,
        lambda: ([doc.point_id], [doc.text], [doc.payload]),
    )
    numbers = course_numbers(resource)
    if resource.resource_type in ("course", "program"):
        meta = course_metadata_text(resource)
        base = content_file_base_payload(resource, None, numbers)
        consider(
            CONTENT_FILES,
            "course_metadata",
            None,
            checksum(embedder.name, size, overlap, meta),
            base,
            lambda: _chunked(resource, None, meta, base, size, overlap, markdown=True),
        )
    for file in _files(resource):
        text = "\n\n".join(x for x in (file.content_title or file.title, file.content) if x)
        if not (file.content or "").strip():
            continue
        base = content_file_base_payload(resource, file, numbers)
        md = chunking.looks_like_markdown(file.content or "", file.file_extension)
        consider(
            CONTENT_FILES,
            "file",
            file.pk,
            checksum(embedder.name, size, overlap, md, text),
            base,
            lambda file=file, text=text, base=base, md=md: _chunked(  # type: ignore[misc]
                resource, file, text, base, size, overlap, markdown=md
            ),
        )
    stale = [r for key, rows in by_group.items() if key not in wanted for r in rows]
    return groups, stale


def _chunked(
    resource: LearningResource,
    file: ContentFile | None,
    text: str,
    base: dict[str, Any],
    size: int,
    overlap: int,
    markdown: bool,
) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    chunks = chunking.chunk_document(text, size, overlap, markdown=markdown)
    ids = [chunk_point_id(resource, file, n) for n in range(len(chunks))]
    payloads = [dict(base, chunk_number=n, chunk_content=c) for n, c in enumerate(chunks)]
    return ids, chunks, payloads


def _write(store: VectorStore, embedder: Embedder, groups: list[Group], report: Report) -> None:
    """Embed every pending text of ``groups`` first, then write points and bookkeeping."""
    texts = [t for g in groups if not g.payload_only for t in g.texts]
    vectors = embed_texts(embedder, texts) if texts else None  # may raise EmbeddingError
    cursor = 0
    for group in groups:
        if not group.ids and not group.previous:
            continue
        if not group.ids:  # unchanged
            report.unchanged_groups += 1
            continue
        if group.payload_only:
            for pid, payload in zip(group.ids, group.payloads, strict=True):
                store.set_payload(group.collection, pid, payload)
            report.payload_updates += 1
        else:
            assert vectors is not None
            rows = vectors[cursor : cursor + len(group.texts)]
            cursor += len(group.texts)
            store.upsert(
                group.collection,
                [
                    Point(pid, row, payload)
                    for pid, row, payload in zip(group.ids, rows, group.payloads, strict=True)
                ],
            )
            report.embedded_points += len(group.ids)
        new_ids = set(group.ids)
        gone = [str(r.point_id) for r in group.previous if str(r.point_id) not in new_ids]
        store.delete(group.collection, gone)
        report.removed_points += len(gone)
        with transaction.atomic():
            EmbeddedPoint.objects.filter(point_id__in=[r.point_id for r in group.previous]).delete()
            EmbeddedPoint.objects.bulk_create(
                [
                    EmbeddedPoint(
                        point_id=pid,
                        collection=group.collection,
                        resource_id=group.resource_id,
                        content_file_id=group.content_file_id,
                        source=group.source,
                        chunk_number=n,
                        text_checksum=group.text_checksum,
                        payload_checksum=group.payload_checksum,
                        model=embedder.name,
                    )
                    for n, pid in enumerate(group.ids)
                ]
            )


def embed_resources(
    ids: Iterable[int],
    *,
    store: VectorStore | None = None,
    embedder: Embedder | None = None,
    raise_errors: bool = False,
) -> Report:
    """Embed (or refresh, or remove) the given resources; unchanged content is not re-embedded."""
    store = store or get_store()
    embedder = embedder or get_embedder()
    ensure_collections(store, embedder)
    report = Report()
    id_list = sorted(set(ids))
    for start in range(0, len(id_list), PAGE_SIZE):
        page = id_list[start : start + PAGE_SIZE]
        resources = list(_resources(page))
        found = {r.pk for r in resources}
        gone = [i for i in page if i not in found]
        gone += [r.pk for r in resources if not r.published or r.test_mode]
        if gone:
            report.removed_points += remove_resources(gone, store=store)
        live = [r for r in resources if r.published and not r.test_mode]
        # Every model's points: a point made by another model has another checksum (the model
        # name is part of it), so it is re-embedded in place under the same point id.
        previous: dict[int, list[EmbeddedPoint]] = {}
        for row in EmbeddedPoint.objects.filter(resource_id__in=[r.pk for r in live]):
            previous.setdefault(row.resource_id, []).append(row)
        groups: list[Group] = []
        stale: list[EmbeddedPoint] = []
        for resource in live:
            found_groups, found_stale = _groups_for(
                resource, embedder, previous.get(resource.pk, [])
            )
            groups.extend(found_groups)
            stale.extend(found_stale)
        try:
            _write(store, embedder, groups, report)
        except EmbeddingError as exc:
            _record_failures([r.pk for r in live], str(exc))
            report.failed.extend(r.pk for r in live)
            logger.warning("embedding failed for %d resources: %s", len(live), exc)
            if raise_errors:
                raise
            continue
        _drop_points(store, stale)
        report.removed_points += len(stale)
        EmbeddingFailure.objects.filter(resource_id__in=[r.pk for r in live]).delete()
        report.resources += len(live)
    return report


def _record_failures(ids: list[int], error: str) -> None:
    for resource_id in ids:
        updated = EmbeddingFailure.objects.filter(resource_id=resource_id).update(
            error=error[:2000], attempts=F("attempts") + 1
        )
        if not updated:
            EmbeddingFailure.objects.create(resource_id=resource_id, error=error[:2000])


def _drop_points(store: VectorStore, rows: Iterable[EmbeddedPoint]) -> None:
    by_collection: dict[str, list[str]] = {}
    pks = []
    for row in rows:
        by_collection.setdefault(row.collection, []).append(str(row.point_id))
        pks.append(row.point_id)
    for collection, point_ids in by_collection.items():
        store.delete(collection, point_ids)
    EmbeddedPoint.objects.filter(point_id__in=pks).delete()


def remove_resources(ids: Iterable[int], *, store: VectorStore | None = None) -> int:
    """Delete every point of the given resources (unpublished or deleted); returns points
    removed."""
    store = store or get_store()
    id_list = sorted(set(ids))
    rows = list(EmbeddedPoint.objects.filter(resource_id__in=id_list))
    _drop_points(store, rows)
    for collection in (RESOURCES, CONTENT_FILES):  # points whose bookkeeping was lost
        with contextlib.suppress(VectorStoreError):  # no collection yet: nothing to remove
            store.delete_where(collection, Filter(must={"resource_id": list(id_list)}))
    return len(rows)


def iter_resource_ids(
    source: str | None = None, since: datetime | None = None
) -> Iterator[list[int]]:
    """Pages of resource ids to (re-)embed, streamed from the database."""
    qs = LearningResource.objects.all()
    if source:
        qs = qs.filter(etl_source=source)
    if since:
        changed_files = ContentFile.objects.filter(updated_on__gte=since)
        qs = qs.filter(
            Q(updated_on__gte=since)
            | Q(pk__in=EmbeddingFailure.objects.values("resource_id"))
            | Q(runs__content_files__in=changed_files)
            | Q(content_files__in=changed_files)
        ).distinct()
    page: list[int] = []
    for pk in qs.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=2000):
        page.append(pk)
        if len(page) >= PAGE_SIZE:
            yield page
            page = []
    if page:
        yield page


def orphaned_resource_ids() -> list[int]:
    """Resources with points that no longer exist in the catalog or are no longer published."""
    embedded = set(EmbeddedPoint.objects.values_list("resource_id", flat=True).distinct())
    live = set(
        LearningResource.objects.filter(
            pk__in=embedded, published=True, test_mode=False
        ).values_list("pk", flat=True)
    )
    return sorted(embedded - live)


def generate(
    *,
    source: str | None = None,
    since: datetime | None = None,
    progress: Callable[[int, Report], None] | None = None,
    store: VectorStore | None = None,
    embedder: Embedder | None = None,
) -> Report:
    """Backfill or catch up: every (or every changed) resource, page by page, then cleanup."""
    store = store or get_store()
    embedder = embedder or get_embedder()
    total = Report()
    for page in iter_resource_ids(source, since):
        total.add(embed_resources(page, store=store, embedder=embedder))
        if progress:
            progress(len(page), total)
    orphans = orphaned_resource_ids()
    if orphans and source is None:
        total.removed_points += remove_resources(orphans, store=store)
    optimize = getattr(store, "optimize", None)
    if optimize is not None and total.embedded_points:
        for collection in (RESOURCES, CONTENT_FILES):
            optimize(collection)
    return total


def embed_pending(*, store: VectorStore | None = None, embedder: Embedder | None = None) -> Report:
    """Embed (or remove) every resource recorded as pending by the change hook."""
    from learn.vectors.models import PendingEmbedding

    total = Report()
    while True:
        page = list(
            PendingEmbedding.objects.order_by("resource_id").values_list("resource_id", flat=True)[
                :PAGE_SIZE
            ]
        )
        if not page:
            return total
        report = embed_resources(page, store=store, embedder=embedder)
        total.add(report)
        done = [i for i in page if i not in set(report.failed)]
        PendingEmbedding.objects.filter(resource_id__in=done).delete()
        if len(done) < len(page):  # failures stay pending for the next run
            return total


def catch_up(
    since: datetime, *, store: VectorStore | None = None, embedder: Embedder | None = None
) -> Report:
    """The hourly pass: pending ids, anything changed since ``since``, and removals."""
    report = embed_pending(store=store, embedder=embedder)
    report.add(generate(since=since, store=store, embedder=embedder))
    return report
