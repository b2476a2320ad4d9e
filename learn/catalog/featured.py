"""Featured lists as MIT Learn keeps them: one system-owned learning path per offeror (unit).

Each offeror with published courses gets a learning path ``featured-<code>`` ("<Offeror> Featured
Resources", author ``system``) holding its first ``size`` published courses (most viewed first),
and a ``FeaturedList`` row naming it the unit's featured list. ``/api/v1/featured/`` lists their
items and the unit channel shows the path as its ``featured_list``. Re-running replaces the
items; the resources in the lists are announced for re-indexing (their featured rank changes).
"""

from __future__ import annotations

from django.db import transaction

from learn.catalog.constants import RelationType, ResourceType
from learn.catalog.hooks import resources_changed
from learn.catalog.models import (
    FeaturedList,
    LearningPath,
    LearningResource,
    LearningResourceRelationship,
    Offeror,
)

SYSTEM_AUTHOR = "system"
DEFAULT_SIZE = 12


def featured_path_id(offeror: Offeror) -> str:
    return f"featured-{offeror.code}"


@transaction.atomic
def build_featured_lists(size: int = DEFAULT_SIZE) -> dict[str, int]:
    """(Re)build every offeror's featured list; returns offeror code → items in its list."""
    if size < 1:
        raise ValueError("size must be at least 1")
    built: dict[str, int] = {}
    featured: set[int] = set(
        LearningResourceRelationship.objects.filter(
            parent__in=FeaturedList.objects.values("learning_path")
        ).values_list("child_id", flat=True)
    )
    for offeror in Offeror.objects.order_by("code"):
        courses = list(
            LearningResource.objects.filter(
                offered_by=offeror,
                published=True,
                test_mode=False,
                resource_type=ResourceType.course,
            ).order_by("-view_count", "id")[:size]
        )
        if not courses:
            continue
        path, _ = LearningResource.objects.update_or_create(
            readable_id=featured_path_id(offeror),
            resource_type=ResourceType.learning_path,
            defaults={
                "title": f"{offeror.name} Featured Resources",
                "description": f"Resources featured by {offeror.name}.",
                "published": True,
            },
        )
        LearningPath.objects.update_or_create(
            learning_resource=path, defaults={"author": SYSTEM_AUTHOR}
        )
        LearningResourceRelationship.objects.filter(
            parent=path, relation_type=RelationType.LEARNING_PATH_ITEMS
        ).delete()
        LearningResourceRelationship.objects.bulk_create(
            LearningResourceRelationship(
                parent=path,
                child=course,
                position=position,
                relation_type=RelationType.LEARNING_PATH_ITEMS,
            )
            for position, course in enumerate(courses)
        )
        FeaturedList.objects.update_or_create(offeror=offeror, defaults={"learning_path": path})
        built[offeror.code] = len(courses)
        featured.update(course.pk for course in courses)
    # their featured rank (a search ranking signal) changed: announce them for re-indexing
    transaction.on_commit(lambda: resources_changed(sorted(featured)))
    return built
