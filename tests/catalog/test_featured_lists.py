"""Featured lists: one system-owned learning path per offeror, served by /featured/ and channels."""

from __future__ import annotations

from typing import Any

import pytest
from factories import build_catalog
from rest_framework.test import APIClient

from learn.catalog import hooks
from learn.catalog.featured import build_featured_lists
from learn.catalog.models import FeaturedList, LearningResource

pytestmark = pytest.mark.django_db


def test_build_featured_lists_fills_the_home_carousel(
    django_capture_on_commit_callbacks: Any,
) -> None:
    catalog = build_catalog()
    announced: list[list[int]] = []
    hooks.on_resources_changed(announced.append)
    try:
        with pytest.raises(ValueError):
            build_featured_lists(size=0)
        with django_capture_on_commit_callbacks(execute=True):
            built = build_featured_lists(size=2)
    finally:
        hooks._changed.remove(announced.append)
    assert built["ocw"] == 2
    featured = FeaturedList.objects.get(offeror_id="ocw")
    path = featured.learning_path
    assert (path.readable_id, path.resource_type, path.published) == (
        "featured-ocw",
        "learning_path",
        True,
    )
    assert path.title == "MIT OpenCourseWare Featured Resources"
    assert path.learning_path.author == "system"
    items = list(path.children.order_by("position").values_list("child_id", flat=True))
    ocw_courses = LearningResource.objects.filter(
        offered_by="ocw", published=True, test_mode=False, resource_type="course"
    ).order_by("-view_count", "id")
    assert items == list(ocw_courses.values_list("id", flat=True)[:2])
    assert catalog["unpublished_course"].pk not in items

    page = APIClient().get("/api/v1/featured/?limit=50").json()
    ids = [r["id"] for r in page["results"]]
    assert set(items) <= set(ids)
    unit = APIClient().get("/api/v0/channels/type/unit/ocw/").json()
    assert unit["featured_list"] == {"title": path.title, "url": path.url, "id": path.pk}

    # re-running replaces the items, keeps the path, and announces the featured resources
    assert build_featured_lists(size=1)["ocw"] == 1
    assert FeaturedList.objects.get(offeror_id="ocw").learning_path_id == path.pk
    assert path.children.count() == 1
    assert announced and set(items) <= set(announced[0])
