"""Missing free text is "" (as MIT Learn sends it), never null, in the API and search documents."""

from __future__ import annotations

from typing import Any

from factories import Catalog
from rest_framework.test import APIClient

from learn.catalog.bulk_json import ResourceJsonBuilder
from learn.catalog.models import Course, Image, Instructor, LearningResource, LearningResourceRun
from learn.catalog.queries import resource_queryset
from learn.catalog.serializers import serialize_resource

V1 = "/api/v1"


def _blank_out(resource: LearningResource) -> None:
    """Store NULL in every free-text field of the kind MIT Learn sends as "" when missing."""
    LearningResource.objects.filter(pk=resource.pk).update(description=None, full_description=None)
    runs = LearningResourceRun.objects.filter(learning_resource=resource)
    runs.update(description=None, full_description=None)
    Image.objects.filter(pk=resource.image_id).update(description=None, alt=None)
    instructors = Instructor.objects.filter(runinstructor__run__in=runs)
    instructors.update(first_name=None, last_name=None)


def _check(data: dict[str, Any]) -> None:
    assert data["description"] == ""
    assert data["full_description"] == ""
    assert data["image"]["description"] == ""
    assert data["image"]["alt"] == ""
    assert data["runs"]
    instructors = [i for run in data["runs"] for i in run["instructors"]]
    assert instructors
    for run in data["runs"]:
        assert run["description"] == ""
        assert run["full_description"] == ""
    for instructor in instructors:
        assert instructor["first_name"] == ""
        assert instructor["last_name"] == ""
        assert instructor["full_name"]


def test_missing_text_is_an_empty_string(catalog: Catalog, api: APIClient) -> None:
    resource = catalog["algorithms"]
    _blank_out(resource)
    detail = api.get(f"{V1}/courses/{resource.pk}/").json()
    _check(detail)
    listed = api.get(f"{V1}/courses/?platform=ocw&limit=100").json()["results"]
    _check(next(item for item in listed if item["id"] == resource.pk))


def test_search_documents_carry_empty_strings_too(catalog: Catalog) -> None:
    resource = catalog["algorithms"]
    _blank_out(resource)
    fresh = resource_queryset().get(pk=resource.pk)
    _check(serialize_resource(fresh))
    (bulk,) = ResourceJsonBuilder().serialize([fresh])
    _check(bulk)
    assert bulk == serialize_resource(fresh)


def test_present_text_is_unchanged(catalog: Catalog, api: APIClient) -> None:
    resource = catalog["algorithms"]
    detail = api.get(f"{V1}/courses/{resource.pk}/").json()
    assert detail["description"] == "Introduction to Algorithms: an introduction."
    assert detail["image"]["alt"] == resource.image.alt


def test_a_course_number_of_no_known_department_has_a_null_department(
    catalog: Catalog, api: APIClient
) -> None:
    """MIT Learn sends ``department: null`` for a number outside its department list (its schema
    says non-nullable; its serializer passes the stored null through). Learn does the same."""
    resource = catalog["algorithms"]
    course = Course.objects.get(learning_resource=resource)
    course.course_numbers = [
        *course.course_numbers,
        {"value": "EC.S01", "listing_type": "cross-listed", "department": None},
    ]
    course.save()
    numbers = api.get(f"{V1}/courses/{resource.pk}/").json()["course"]["course_numbers"]
    assert numbers[-1] == {"value": "EC.S01", "department": None, "listing_type": "cross-listed"}
    assert numbers[0]["department"]["department_id"]
