"""Catalog → index documents: the stored JSON is the API's own serialization of each object."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import Q

from learn.catalog.bulk_json import ResourceJsonBuilder
from learn.catalog.constants import ResourceType
from learn.catalog.models import FeaturedList, LearningResourceRelationship
from learn.catalog.queries import content_file_queryset, published_resources
from learn.catalog.serializers import ContentFileSerializer
from learn.search.backends import SearchBackend, get_backend
from learn.search.backends.base import ProgressCallback
from learn.search.query import IndexDocument

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


def resource_documents(ids: Sequence[int] | None = None) -> Iterator[IndexDocument]:
    """Index documents of the searchable resources (all, or ``ids``), in id order. The JSON is
    ``serialize_resources``'s, built in bulk by ``ResourceJsonBuilder``."""
    qs = _indexable().order_by("id")
    if ids is not None:
        qs = qs.filter(id__in=list(ids))
    ranks = featured_ranks()
    builder = ResourceJsonBuilder()
    pks = list(qs.values_list("id", flat=True))
    for start in range(0, len(pks), BATCH):
        chunk = pks[start : start + BATCH]
        resources = list(_indexable().filter(id__in=chunk).order_by("id"))
        created = {r.pk: r.created_on.isoformat() for r in resources}
        for data in builder.serialize(resources):
            rid = int(data["id"])
            signals: dict[str, Any] = {"created_on": created.get(rid)}
            if rid in ranks:
                signals["featured_rank"] = ranks[rid]
            yield IndexDocument(id=str(rid), source=dict(data), index="resource", signals=signals)


def content_file_documents(resource_ids: Sequence[int] | None = None) -> Iterator[IndexDocument]:
    qs = content_file_queryset()
    if resource_ids is not None:
        ids = list(resource_ids)
        if not ids:
            return
        qs = qs.filter(
            Q(run__learning_resource_id__in=ids)
            | Q(learning_resource_id__in=ids)
            | Q(direct_learning_resource_id__in=ids)
        )
    pks = list(qs.values_list("id", flat=True))
    for start in range(0, len(pks), BATCH):
        files = list(content_file_queryset().filter(id__in=pks[start : start + BATCH]))
        for data in ContentFileSerializer(files, many=True).data:
            source = dict(data)
            content = source.get("content") or ""
            for name in UNSTORED_FILE_FIELDS:
                source.pop(name, None)
            source["content"] = None
            yield IndexDocument(
                id=str(source["id"]),
                source=source,
                index="content_file",
                signals={"content": content},
            )


def count_indexable() -> tuple[int, int]:
    return _indexable().count(), content_file_queryset().count()


def rebuild_index(
    backend: SearchBackend | None = None, progress: ProgressCallback | None = None
) -> int:
    """Rebuild every index from the catalog; searches keep answering from the old one."""
    from learn.search.models import IndexQueueItem

    backend = backend or get_backend()
    started = IndexQueueItem.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def documents() -> Iterator[IndexDocument]:
        yield from resource_documents()
        yield from content_file_documents()

    count = backend.rebuild(documents(), progress)
    # Everything queued before the rebuild began is now in the index.
    IndexQueueItem.objects.filter(id__lte=started).delete()
    return count
