"""The number of database queries of a list request does not grow with the page size."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from factories import Catalog, build_catalog, make_course, make_run
from rest_framework.test import APIClient

from learn.api.view_cache import forget_builders, view_cache
from learn.catalog.derived import refresh_derived_values
from learn.catalog.models import LearningResource

V1 = "/api/v1"


def more_courses(catalog: Catalog, count: int) -> None:
    for n in range(count):
        course = make_course(
            catalog.ref,
            f"bulk-course-{n}",
            f"Bulk Course {n}",
            numbers=((f"6.{100 + n}", "6"),),
            topics=("Computer Science",),
            departments=("6",),
            features=("Exams",),
        )
        make_run(course, f"run-{n}", start=None, instructors=(f"Teacher {n}",), prices=("0",))
        refresh_derived_values(course)


def queries_for(api: APIClient, url: str) -> int:
    """Queries of a cold page: no page cached, no reference rows kept from an earlier page."""
    view_cache().clear()
    forget_builders()
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)
        assert response.status_code == 200
    return len(captured.captured_queries)


def test_learning_resources_query_count_is_constant_in_page_size(db: None, api: APIClient) -> None:
    catalog = build_catalog()
    more_courses(catalog, 45)
    # Both pages hold a course (course numbers) and a document (content files), so both load
    # every relation; the larger page just has 45 more rows.
    LearningResource.objects.filter(pk=catalog["document"].pk).update(view_count=10_000)
    small = queries_for(api, f"{V1}/learning_resources/?limit=5&sortby=-views")
    large = queries_for(api, f"{V1}/learning_resources/?limit=50&sortby=-views")
    assert len(api.get(f"{V1}/learning_resources/?limit=50").json()["results"]) == 50
    # The bulk builder reads each type's detail rows (podcast, video playlist...) in one query
    # when the page holds that type: the larger page adds one query per type it adds, no more.
    types = {
        limit: {r["resource_type"] for r in api.get(
            f"{V1}/learning_resources/?limit={limit}&sortby=-views"
        ).json()["results"]}
        for limit in (5, 50)
    }  # fmt: skip
    assert types[5] < types[50]
    assert large <= small + len(types[50] - types[5])


def test_other_lists_query_count_is_constant_in_page_size(db: None, api: APIClient) -> None:
    catalog = build_catalog()
    more_courses(catalog, 12)
    LearningResource.objects.filter(pk=catalog["document"].pk).update(view_count=10_000)
    for path in ("courses/", "learning_resource_display_info/", "featured/", "contentfiles/"):
        sort = "" if path == "contentfiles/" else "&sortby=-views"  # files have no sortby
        assert queries_for(api, f"{V1}/{path}?limit=8{sort}") == queries_for(
            api, f"{V1}/{path}?limit=40{sort}"
        ), path
    program = catalog["program"].pk
    assert queries_for(api, f"{V1}/learning_resources/{program}/items/?limit=1") == queries_for(
        api, f"{V1}/learning_resources/{program}/items/?limit=20"
    )
