"""The catalog's JSON functions: computed values, per-type details, and the batch function."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from factories import Catalog
from rest_framework.test import APIClient

from learn.catalog.models import LearningResource
from learn.catalog.queries import resource_queryset
from learn.catalog.serializers import serialize_resource, serialize_resources
from learn.config.env import get_env

V1 = "/api/v1"


def test_serialize_resource_matches_the_api(catalog: Catalog, api: APIClient) -> None:
    for key in ("algorithms", "program", "podcast", "episode_1", "playlist", "video_1", "document"):
        resource = LearningResource.objects.get(pk=catalog[key].pk)
        assert (
            serialize_resource(resource)
            == api.get(f"{V1}/learning_resources/{resource.pk}/").json()
        )


def test_serialize_resources_batches_queries(catalog: Catalog) -> None:
    queryset = LearningResource.objects.filter(published=True, test_mode=False)
    with CaptureQueriesContext(connection) as captured:
        batch = serialize_resources(queryset)
    assert len(batch) == queryset.count()
    assert len(captured.captured_queries) <= 16
    by_id = {item["id"]: item for item in batch}
    assert by_id[catalog["algorithms"].pk] == serialize_resource(catalog["algorithms"])
    # a plain list gets its relations prefetched too, and a prefetching queryset is used as is
    assert serialize_resources(list(queryset)) == batch
    assert serialize_resources(resource_queryset()) == batch


def test_computed_course_values(catalog: Catalog) -> None:
    data = serialize_resource(resource_queryset().get(pk=catalog["mechanics"].pk))
    base = get_env().app_base_url.rstrip("/")
    assert data["free"] is True  # a $0 audit price
    assert data["best_run_id"] == catalog["mechanics"].runs.get(run_id="8.01.1x_3T2027").pk
    assert data["next_start_date"] is not None
    assert data["resource_type_group"] == "course"
    assert data["views"] == 120
    assert data["certification_type"] == {"code": "completion", "name": "Certificate of Completion"}
    assert data["delivery"] == [
        {"code": "online", "name": "Online"},
        {"code": "hybrid", "name": "Hybrid"},
    ]
    assert data["pace"] == [{"code": "instructor_paced", "name": "Instructor-paced"}]
    assert data["format"] == [{"code": "synchronous", "name": "Synchronous"}]
    assert data["prices"] == ["0.00", "75.00"]
    assert data["runs"][0]["level"] == [{"code": "introductory", "name": "Introductory"}]
    assert data["offered_by"]["channel_url"] == f"{base}/c/unit/mitx/"
    assert data["topics"][0]["channel_url"] == f"{base}/c/topic/physics/"
    assert data["departments"][0]["channel_url"] == f"{base}/c/department/physics/"
    assert data["departments"][0]["school"]["name"] == "School of Science"
    number = data["course"]["course_numbers"][0]
    assert number["value"] == "8.01.1x"
    assert number["listing_type"] == "primary"
    assert number["department"]["department_id"] == "8"
    assert number["department"]["school"]["name"] == "School of Science"


def test_paid_course_and_course_features(catalog: Catalog) -> None:
    paid = serialize_resource(catalog["ai_leaders"])
    assert paid["free"] is False
    assert paid["professional"] is True
    assert paid["resource_prices"] == [{"amount": "2500.00", "currency": "USD"}]
    assert paid["continuing_ed_credits"] == "2.50"
    algorithms = serialize_resource(catalog["algorithms"])
    assert algorithms["course_feature"] == ["Lecture Videos", "Problem Sets"]
    assert [i["full_name"] for i in algorithms["runs"][0]["instructors"]] == [
        "Erik Demaine",
        "Jason Ku",
    ]
    assert algorithms["children"] == [
        {
            "child": catalog["document"].pk,
            "position": 0,
            "relation_type": "COURSE_LEARNING_MATERIALS",
            "title": "6.006 Lecture Notes",
            "readable_id": "6.006-lecture-notes-pdf",
        }
    ]


def test_type_details(catalog: Catalog) -> None:
    episode = serialize_resource(catalog["episode_1"])["podcast_episode"]
    assert episode["podcasts"] == [catalog["podcast"].pk]
    assert episode["parent_podcasts"] == [
        {
            "id": catalog["podcast"].pk,
            "title": "Curious Minds at MIT",
            "readable_id": "podcast-curious-minds",
        }
    ]
    playlist = serialize_resource(catalog["playlist"])["video_playlist"]
    assert playlist["video_count"] == 2
    assert playlist["channel"] == {"channel_id": "UCEBb1b_L6zDS3xTUrIALZOw", "title": "MIT OCW"}
    assert playlist["parent_learning_resource_id"] == catalog["algorithms"].pk
    assert playlist["parent_title"] == "Introduction to Algorithms"
    assert playlist["parent_course_numbers"] == ["6.006", "18.410"]
    video = serialize_resource(catalog["video_1"])
    assert video["playlists"] == [str(catalog["playlist"].pk)]
    assert video["video"]["caption_urls"][0]["language"] == "en"
    assert video["resource_type_group"] == "learning_material"
    document = serialize_resource(catalog["document"])
    assert [f["key"] for f in document["content_files"]] == ["courses/6.006/document_source"]
    assert "content" not in document["content_files"][0]  # nested files omit large text
    assert document["content_files"][0]["resource_id"] == str(catalog["document"].pk)
    program_as_course = serialize_resource(catalog["program_as_course"])
    assert program_as_course["resource_type_group"] == "course"


def test_learning_path_without_image_uses_its_first_item_image(catalog: Catalog) -> None:
    path = LearningResource.objects.get(pk=catalog["path"].pk)
    path.image = None
    path.save()
    data = serialize_resource(path)
    assert data["image"]["url"] == catalog["linear_algebra"].image.url


def test_display_info(catalog: Catalog, api: APIClient) -> None:
    program = api.get(f"{V1}/learning_resource_display_info/{catalog['program'].pk}/").json()
    assert program["number_of_courses"] == 2
    assert [c["readable_id"] for c in program["program_courses"]] == [
        "6.006+spring_2020",
        "course-v1:MITxT+8.01.1x",
    ]
    assert program["program_courses"][0]["topics"] == ["Computer Science", "Engineering"]
    assert program["certification"] == "MicroMasters Credential"
    paid = api.get(f"{V1}/learning_resource_display_info/{catalog['ai_leaders'].pk}/").json()
    assert paid["price"] == "$2,500"
    assert paid["location"] == "Cambridge, MA"
    assert paid["levels"] == ["Advanced"]
    algorithms = api.get(f"{V1}/learning_resource_display_info/{catalog['algorithms'].pk}/").json()
    assert algorithms["instructors"] == ["Erik Demaine", "Jason Ku"]
    assert algorithms["as_taught_in"] == ["Spring 2020"]
    assert algorithms["price"] == "Free"


def test_content_file_detail_has_full_text(catalog: Catalog, api: APIClient) -> None:
    file = api.get(f"{V1}/contentfiles/{catalog.files['lecture_1_notes'].pk}/").json()
    assert file["content"] == "Full text of lecture_1_notes."
    assert file["run_readable_id"] == "spring_2020"
    assert file["course_number"] == ["6.006", "18.410"]
    assert file["content_feature_type"] == ["Lecture Notes"]
    page = api.get(f"{V1}/contentfiles/{catalog.files['mechanics_page'].pk}/").json()
    assert "run_id" not in page  # no run: the non-nullable run fields are left out
    assert page["resource_id"] == str(catalog["mechanics"].pk)


def test_our_openapi_schema_generates_cleanly(db: None, tmp_path: Path) -> None:
    target = tmp_path / "schema.yaml"
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--urlconf",
        "learn.api.urls",
        "--file",
        str(target),
    )
    schema = yaml.safe_load(target.read_text())
    operation = schema["paths"]["/api/v1/learning_resources/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert "values above 100 are capped" in parameters["limit"]["description"]
    assert "-mitcoursenumber" in parameters["sortby"]["schema"]["enum"]
    assert parameters["offered_by"]["explode"] is True
    assert "ocw" in parameters["offered_by"]["schema"]["items"]["enum"]
    assert "/api/v1/learning_resources/{id}/" in schema["paths"]
