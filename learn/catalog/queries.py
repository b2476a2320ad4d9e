"""Querysets that load resources with everything their JSON needs in a constant number of queries.

``resource_queryset()`` is what every resource list and the search indexer use: the number of
queries it runs does not grow with the number of rows (related rows come in one query per relation).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import F, Lookup, Prefetch, Q, QuerySet

from learn.catalog.constants import CANONICAL_PARENT_RELATIONS
from learn.catalog.models import (
    ContentFile,
    Department,
    LearningResource,
    LearningResourceRelationship,
    LearningResourceRun,
    RunInstructor,
)

RESOURCE_SELECT_RELATED = (
    "image",
    "platform",
    "offered_by",
    "course",
    "program",
    "learning_path",
    "podcast",
    "podcast_episode",
    "video",
    "video_playlist__channel",
    "video_playlist__parent_learning_resource__course",
)


def public_runs() -> QuerySet[LearningResourceRun]:
    """Runs the API shows: published and not a variant."""
    return LearningResourceRun.objects.filter(published=True, is_variant=False)


def published_resources() -> QuerySet[LearningResource]:
    """Resources the public API may show (``test_mode`` ones stay hidden)."""
    return LearningResource.objects.filter(published=True, test_mode=False)


def published_content_files() -> QuerySet[ContentFile]:
    """Published files whose owning resource (and run, if any) are published too."""
    files = ContentFile.objects.filter(published=True)
    return (
        files.exclude(run__published=False)
        .exclude(run__learning_resource__published=False)
        .exclude(learning_resource__published=False)
        .exclude(direct_learning_resource__published=False)
    )


def resource_prefetches(
    child_topics: bool = False, content_files: bool = True
) -> list[str | Prefetch]:
    runs = (
        public_runs()
        .select_related("image")
        .prefetch_related(
            "resource_prices",
            Prefetch(
                "runinstructor_set",
                queryset=RunInstructor.objects.select_related("instructor").order_by(
                    "position", "id"
                ),
            ),
        )
    )
    children = (
        LearningResourceRelationship.objects.filter(child__published=True)
        .select_related("child", "child__image")
        .order_by("position", "id")
    )
    if child_topics:
        children = children.prefetch_related("child__topics")
    parents = LearningResourceRelationship.objects.filter(
        relation_type__in=CANONICAL_PARENT_RELATIONS
    ).select_related("parent")
    direct_files = (
        ContentFile.objects.filter(published=True)
        .select_related("run")
        .prefetch_related("content_tags")
    )
    prefetches: list[str | Prefetch] = [
        "topics",
        Prefetch("departments", queryset=Department.objects.select_related("school")),
        "resource_tags",
        "resource_prices",
        Prefetch("runs", queryset=runs),
        Prefetch("children", queryset=children),
        Prefetch("parents", queryset=parents),
    ]
    if content_files:
        prefetches.append(Prefetch("direct_content_files", queryset=direct_files))
    return prefetches


def with_related(queryset: QuerySet[LearningResource]) -> QuerySet[LearningResource]:
    """Add the joins and prefetches the resource serializers read."""
    return queryset.select_related(*RESOURCE_SELECT_RELATED).prefetch_related(
        *resource_prefetches()
    )


def resource_queryset() -> QuerySet[LearningResource]:
    """Published resources with everything their JSON needs."""
    return with_related(published_resources())


def display_info_queryset() -> QuerySet[LearningResource]:
    """Published resources with what the display-info JSON needs (children's topics too)."""
    return (
        published_resources()
        .select_related(*RESOURCE_SELECT_RELATED)
        .prefetch_related(*resource_prefetches(child_topics=True, content_files=False))
    )


def summary_queryset() -> QuerySet[LearningResource]:
    """Published resources with only their canonical parents (for the summary list)."""
    parents = LearningResourceRelationship.objects.filter(
        relation_type__in=CANONICAL_PARENT_RELATIONS
    )
    return published_resources().prefetch_related(Prefetch("parents", queryset=parents))


def content_file_queryset() -> QuerySet[ContentFile]:
    """Published content files with their run and tags; owners are attached by the serializer."""
    return (
        published_content_files()
        .select_related("run")
        .prefetch_related("content_tags")
        .order_by("id")
    )


def files_of_resource(resource_id: int) -> QuerySet[ContentFile]:
    """Published files of one resource, whichever way they belong to it."""
    return content_file_queryset().filter(
        Q(run__learning_resource_id=resource_id)
        | Q(learning_resource_id=resource_id)
        | Q(direct_learning_resource_id=resource_id)
    )


# ---------------------------------------------------------------- JSON list membership


class JsonListHasAny(Lookup):  # type: ignore[type-arg]
    """SQLite: true when the JSON array in ``lhs`` holds any of the values in ``rhs``."""

    lookup_name = "json_list_has_any"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[str]:
        return [str(v) for v in self.rhs]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        values = [str(v) for v in self.rhs]
        placeholders = ", ".join(["%s"] * len(values))
        sql = (
            f"EXISTS (SELECT 1 FROM json_each({lhs_sql}) WHERE json_each.value IN ({placeholders}))"
        )
        return sql, (*lhs_params, *values)


def json_list_has_any(field: str, values: Sequence[str]) -> Q | JsonListHasAny:
    """A filter condition: the JSON array ``field`` contains at least one of ``values``.

    PostgreSQL uses jsonb containment (``__contains``, index-friendly); SQLite has no JSON
    containment lookup, so it looks the values up in ``json_each`` of the stored array.
    """
    if connection.vendor == "postgresql":
        condition = Q()
        for value in values:
            condition |= Q(**{f"{field}__contains": [value]})
        return condition
    return JsonListHasAny(F(field), list(values))
