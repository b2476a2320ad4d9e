"""Every implemented v1 endpoint answers JSON that validates against MIT Learn's contract.

The contract is read from ../shared with two documented corrections (see ``conftest.contract``):
nullable nested objects accept null, and ``children`` is the list the real API sends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from factories import Catalog

V1 = "/api/v1"

# name → (list url, detail url) built from the catalog
ENDPOINTS: dict[str, Callable[[Catalog], tuple[str, str | None]]] = {
    "learning_resources": lambda c: (
        f"{V1}/learning_resources/",
        f"{V1}/learning_resources/{c['algorithms'].pk}/",
    ),
    "courses": lambda c: (f"{V1}/courses/", f"{V1}/courses/{c['mechanics'].pk}/"),
    "programs": lambda c: (f"{V1}/programs/", f"{V1}/programs/{c['program'].pk}/"),
    "learningpaths": lambda c: (f"{V1}/learningpaths/", f"{V1}/learningpaths/{c['path'].pk}/"),
    "podcasts": lambda c: (f"{V1}/podcasts/", f"{V1}/podcasts/{c['podcast'].pk}/"),
    "podcast_episodes": lambda c: (
        f"{V1}/podcast_episodes/",
        f"{V1}/podcast_episodes/{c['episode_1'].pk}/",
    ),
    "videos": lambda c: (f"{V1}/videos/", f"{V1}/videos/{c['video_1'].pk}/"),
    "video_playlists": lambda c: (
        f"{V1}/video_playlists/",
        f"{V1}/video_playlists/{c['playlist'].pk}/",
    ),
    "featured": lambda c: (f"{V1}/featured/", f"{V1}/featured/{c['algorithms'].pk}/"),
    "display_info": lambda c: (
        f"{V1}/learning_resource_display_info/",
        f"{V1}/learning_resource_display_info/{c['program'].pk}/",
    ),
    "summary": lambda c: (f"{V1}/learning_resources/summary/", None),
    "items": lambda c: (
        f"{V1}/learning_resources/{c['program'].pk}/items/",
        f"{V1}/learning_resources/{c['program'].pk}/items/"
        f"{c['program'].children.order_by('position').first().pk}/",
    ),
    "podcast_items": lambda c: (
        f"{V1}/podcasts/{c['podcast'].pk}/items/",
        f"{V1}/podcasts/{c['podcast'].pk}/items/{c['podcast'].children.first().pk}/",
    ),
    "video_playlist_items": lambda c: (
        f"{V1}/video_playlists/{c['playlist'].pk}/items/",
        f"{V1}/video_playlists/{c['playlist'].pk}/items/{c['playlist'].children.first().pk}/",
    ),
    "learningpath_items": lambda c: (
        f"{V1}/learningpaths/{c['path'].pk}/items/",
        f"{V1}/learningpaths/{c['path'].pk}/items/{c['path'].children.first().pk}/",
    ),
    "contentfiles": lambda c: (
        f"{V1}/contentfiles/",
        f"{V1}/contentfiles/{c.files['lecture_1_notes'].pk}/",
    ),
    "resource_contentfiles": lambda c: (
        f"{V1}/learning_resources/{c['document'].pk}/contentfiles/",
        f"{V1}/learning_resources/{c['document'].pk}/contentfiles/{c.files['document_source'].pk}/",
    ),
    "course_contentfiles": lambda c: (
        f"{V1}/courses/{c['algorithms'].pk}/contentfiles/",
        f"{V1}/courses/{c['algorithms'].pk}/contentfiles/{c.files['problem_set_1'].pk}/",
    ),
    "topics": lambda c: (f"{V1}/topics/", f"{V1}/topics/{c.ref.topics['Physics'].pk}/"),
    "departments": lambda c: (f"{V1}/departments/", f"{V1}/departments/6/"),
    "schools": lambda c: (f"{V1}/schools/", f"{V1}/schools/{c.ref.schools['science'].pk}/"),
    "offerors": lambda c: (f"{V1}/offerors/", f"{V1}/offerors/ocw/"),
    "platforms": lambda c: (f"{V1}/platforms/", f"{V1}/platforms/ocw/"),
    "course_features": lambda c: (
        f"{V1}/course_features/",
        f"{V1}/course_features/{c.ref.features['Exams'].pk}/",
    ),
}


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_list_and_detail_validate_against_the_contract(
    name: str, catalog: Catalog, checked: Any
) -> None:
    list_url, detail_url = ENDPOINTS[name](catalog)
    page = checked.get(f"{list_url}?limit=100")
    assert page["count"] == len(page["results"]) > 0
    if detail_url:
        detail = checked.get(detail_url)
        assert detail


def test_every_resource_type_validates_in_the_mixed_list(catalog: Catalog, checked: Any) -> None:
    page = checked.get(f"{V1}/learning_resources/?limit=100")
    types = {item["resource_type"] for item in page["results"]}
    assert types == {
        "course",
        "program",
        "learning_path",
        "podcast",
        "podcast_episode",
        "video",
        "video_playlist",
        "document",
    }


@pytest.mark.parametrize(
    "query",
    [
        "offered_by=ocw&offered_by=mitx",
        "platform=mitxonline",
        "topic=Computer Science&sortby=-views",
        "department=18",
        "level=introductory",
        "delivery=hybrid",
        "free=false",
        "professional=true",
        "certification=true&certification_type=completion",
        "course_feature=Lecture Videos",
        "resource_type=course&resource_type=video",
        "resource_type_group=learning_material",
        "readable_id=18.06+spring_2010",
        "sortby=mitcoursenumber",
        "sortby=-start_date&limit=3&offset=1",
    ],
)
def test_filtered_lists_validate(query: str, catalog: Catalog, checked: Any) -> None:
    for path in ("learning_resources", "courses", "featured", "learning_resource_display_info"):
        checked.get(f"{V1}/{path}/?{query}")
    checked.get(f"{V1}/learning_resources/summary/?{query}")


def test_filtered_content_files_and_topics_validate(catalog: Catalog, checked: Any) -> None:
    run_id = catalog["algorithms"].runs.get(run_id="spring_2020").pk
    for query in (
        f"run_id={run_id}",
        f"resource_id={catalog['algorithms'].pk}",
        "content_feature_type=Problem Sets",
        "offered_by=ocw",
        "platform=ocw",
        "edx_module_id=block-v1:ps1",
    ):
        checked.get(f"{V1}/contentfiles/?{query}")
    checked.get(f"{V1}/topics/?is_toplevel=true")
    checked.get(f"{V1}/topics/?parent_topic_id={catalog.ref.topics['Science'].pk}")
