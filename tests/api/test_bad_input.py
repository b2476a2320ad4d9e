"""Bad input gets a clear JSON error (400 or 404), never a 500, and changes nothing."""

from __future__ import annotations

import pytest
from factories import Catalog
from rest_framework.test import APIClient

from learn.api.pagination import DefaultPagination
from learn.catalog.models import LearningResource

V1 = "/api/v1"


@pytest.mark.parametrize(
    ("query", "parameter", "a_valid_choice"),
    [
        ("resource_type=lecture", "resource_type", "course"),
        ("offered_by=harvard", "offered_by", "ocw"),
        ("offered_by=ocw&offered_by=nope", "offered_by", "mitx"),
        ("platform=coursera", "platform", "mitxonline"),
        ("department=99", "department", "18"),
        ("level=expert", "level", "introductory"),
        ("delivery=telepathy", "delivery", "in_person"),
        ("certification_type=gold", "certification_type", "micromasters"),
        ("resource_type_group=stuff", "resource_type_group", "learning_material"),
        ("sortby=popularity", "sortby", "-views"),
    ],
)
def test_invalid_enum_values_are_400_naming_parameter_and_choices(
    query: str, parameter: str, a_valid_choice: str, catalog: Catalog, api: APIClient
) -> None:
    for path in ("learning_resources", "courses", "learning_resources/summary", "featured"):
        response = api.get(f"{V1}/{path}/?{query}")
        assert response.status_code == 400, (path, response.content)
        body = response.json()
        assert parameter in body["detail"]
        message = " ".join(body["errors"][parameter])
        assert a_valid_choice in message


@pytest.mark.parametrize(
    "query",
    [
        "free=maybe",
        "professional=2",
        "certification=yes please",
        "resource_id=abc",
        "resource_id=1,x",
        "readable_id=a%00b",
        "topic=%00",
        "course_feature=Exams%00",
        "free=50%25",
        "resource_id=%25s",
        "platform=%25d%25s",
    ],
)
def test_malformed_booleans_and_numbers_are_400(
    query: str, catalog: Catalog, api: APIClient
) -> None:
    response = api.get(f"{V1}/learning_resources/?{query}")
    assert response.status_code == 400
    parameter = query.split("=")[0]
    assert parameter in response.json()["errors"]


def test_invalid_content_file_and_topic_filters_are_400(catalog: Catalog, api: APIClient) -> None:
    assert api.get(f"{V1}/contentfiles/?platform=nowhere").status_code == 400
    assert api.get(f"{V1}/contentfiles/?run_id=first").status_code == 400
    assert api.get(f"{V1}/topics/?is_toplevel=perhaps").status_code == 400
    assert api.get(f"{V1}/topics/?parent_topic_id=x").status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "learning_resources/abc/",
        "learning_resources/1.5/",
        "learning_resources/-1/",
        "learning_resources/%C2%B2/",
        "learning_resources/%D9%A1/",
        "learning_resources/99999999999999999999999/",
        "courses/abc/",
        "learning_resources/abc/items/",
        "learning_resources/abc/items/1/",
        "learning_resources/1/items/abc/",
        "podcasts/x/items/",
        "learning_resources/abc/contentfiles/",
        "courses/abc/contentfiles/1/",
        "contentfiles/abc/",
        "topics/abc/",
        "schools/abc/",
        "course_features/abc/",
        "departments/NOPE/",
        "offerors/nope/",
        "platforms/nope/",
        "learning_resource_display_info/abc/",
        "featured/abc/",
        "learning_resources/999999/",
    ],
)
def test_bad_ids_are_json_404(path: str, catalog: Catalog, api: APIClient) -> None:
    response = api.get(f"{V1}/{path}")
    assert response.status_code == 404, (path, response.status_code)
    assert "detail" in response.json()


def test_limit_above_the_maximum_is_capped(catalog: Catalog, api: APIClient) -> None:
    LearningResource.objects.bulk_create(
        LearningResource(resource_type="document", readable_id=f"bulk-{n}", title=f"Bulk {n}")
        for n in range(DefaultPagination.max_limit + 5)
    )
    body = api.get(f"{V1}/learning_resources/?limit=100000").json()
    assert body["count"] > DefaultPagination.max_limit
    assert len(body["results"]) == DefaultPagination.max_limit == 100
    assert f"limit={DefaultPagination.max_limit}" in body["next"]


LIST_PATHS = [
    "learning_resources", "learning_resources/summary", "courses", "programs", "podcasts",
    "podcast_episodes", "videos", "video_playlists", "learningpaths", "featured",
    "learning_resource_display_info", "contentfiles", "topics", "departments", "schools",
    "offerors", "platforms", "course_features",
]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("limit=-1", "limit"),
        ("limit=abc", "limit"),
        ("limit=99999999999999999999999", "limit"),
        ("offset=-4", "offset"),
        ("offset=9223372036854775808", "offset"),
        ("id=abc", "id"),
        ("nonsense=1", "nonsense"),
    ],
)
def test_bad_pagination_and_unknown_parameters_are_400_naming_them(
    query: str, parameter: str, catalog: Catalog, api: APIClient
) -> None:
    for path in LIST_PATHS:
        response = api.get(f"{V1}/{path}/?{query}")
        assert response.status_code == 400, (path, query, response.content)
        body = response.json()
        assert body["param"] == parameter and body["detail"].startswith(f"{parameter}: ")


def test_unknown_parameter_lists_the_known_ones(catalog: Catalog, api: APIClient) -> None:
    body = api.get(f"{V1}/learning_resources/?id=abc").json()
    assert {"resource_id", "limit", "offset", "sortby", "topic"} <= set(body["choices"])
    body = api.get(f"{V1}/learning_resources/1/items/?bogus=1").json()
    assert body["choices"] == ["format", "limit", "offset", "sortby"]


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("learning_resources", "resource_id=9223372036854775808"),
        ("learning_resources", "resource_id=-9223372036854775809"),
        ("courses", "resource_id=1,99999999999999999999999999"),
        ("learning_resources/summary", "resource_id=9223372036854775808"),
        ("learning_resource_display_info", "resource_id=9223372036854775808"),
        ("featured", "resource_id=9223372036854775808"),
        ("contentfiles", "resource_id=9223372036854775808"),
        ("contentfiles", "run_id=9223372036854775808"),
        ("topics", "parent_topic_id=9223372036854775808"),
    ],
)
def test_overflowing_integers_are_400_naming_the_parameter(
    path: str, query: str, catalog: Catalog, api: APIClient
) -> None:
    response = api.get(f"{V1}/{path}/?{query}")
    assert response.status_code == 400, (path, response.content)
    parameter = query.split("=")[0]
    assert parameter in response.json()["errors"]
    assert "out of range" in " ".join(response.json()["errors"][parameter])


def test_the_largest_database_integer_is_accepted(catalog: Catalog, api: APIClient) -> None:
    response = api.get(f"{V1}/learning_resources/?resource_id=9223372036854775807")
    assert response.status_code == 200 and response.json()["count"] == 0
    assert api.get(f"{V1}/learning_resources/?limit=0&format=json").status_code == 200


def test_bad_requests_change_nothing(catalog: Catalog, api: APIClient) -> None:
    # (runs after the capping test: its bulk rows were rolled back with its savepoint)
    assert LearningResource.objects.count() == len(catalog.resources)
    before = list(LearningResource.objects.order_by("id").values_list("id", "published", "title"))
    api.get(f"{V1}/learning_resources/?resource_type=lecture")
    api.get(f"{V1}/learning_resources/abc/")
    assert (
        list(LearningResource.objects.order_by("id").values_list("id", "published", "title"))
        == before
    )
