"""Every filter and sort of the v1 lists, with concrete expected results."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from factories import Catalog
from rest_framework.test import APIClient

V1 = "/api/v1"


def result_ids(api: APIClient, url: str) -> list[int]:
    separator = "&" if "?" in url else "?"
    response = api.get(f"{url}{separator}limit=100")
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def resources(api: APIClient, params: list[tuple[str, str]], path: str = "learning_resources"):
    return set(result_ids(api, f"{V1}/{path}/?{urlencode(params)}"))


COURSES = ("algorithms", "linear_algebra", "mechanics", "ai_leaders")
LEARNING_MATERIALS = (
    "path",
    "podcast",
    "episode_1",
    "episode_2",
    "playlist",
    "video_1",
    "video_2",
    "document",
)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ([("resource_type", "course")], COURSES),
        (
            [("resource_type", "course"), ("resource_type", "video")],
            (*COURSES, "video_1", "video_2"),
        ),
        ([("resource_type", "course,video")], (*COURSES, "video_1", "video_2")),
        ([("offered_by", "mitx")], ("mechanics", "program", "program_as_course")),
        (
            [("offered_by", "mitx"), ("offered_by", "xpro")],
            ("mechanics", "program", "program_as_course", "ai_leaders"),
        ),
        ([("platform", "xpro")], ("ai_leaders",)),
        ([("platform", "youtube")], ("playlist", "video_1", "video_2")),
        ([("department", "18")], ("algorithms", "linear_algebra")),
        (
            [("department", "8"), ("department", "18")],
            ("algorithms", "linear_algebra", "mechanics"),
        ),
        ([("level", "introductory")], ("mechanics",)),
        ([("level", "advanced"), ("level", "introductory")], ("ai_leaders", "mechanics")),
        ([("level", "graduate")], ()),  # only an unpublished run is graduate
        ([("delivery", "hybrid")], ("mechanics",)),
        ([("delivery", "in_person")], ("ai_leaders",)),
        ([("delivery", "in_person"), ("delivery", "hybrid")], ("ai_leaders", "mechanics")),
        ([("free", "false")], ("ai_leaders",)),
        ([("professional", "true")], ("ai_leaders",)),
        ([("certification", "true")], ("mechanics", "ai_leaders", "program")),
        ([("certification_type", "completion")], ("mechanics",)),
        (
            [("certification_type", "micromasters"), ("certification_type", "professional")],
            ("program", "ai_leaders"),
        ),
        ([("course_feature", "lecture videos")], ("algorithms",)),
        (
            [("course_feature", "Exams"), ("course_feature", "Problem Sets")],
            ("algorithms", "linear_algebra"),
        ),
        ([("topic", "physics")], ("mechanics", "episode_1", "episode_2")),
        ([("topic", "Data Science, Analytics & Computer Technology")], ("ai_leaders",)),
        (
            [("topic", "Mathematics,Physics")],
            ("linear_algebra", "mechanics", "episode_1", "episode_2"),
        ),
        ([("readable_id", "18.06+spring_2010")], ("linear_algebra",)),
        ([("readable_id", "18.06+spring_2010,xpro-ai-leaders")], ("linear_algebra", "ai_leaders")),
        (
            [("resource_type_group", "course")],
            (*COURSES, "program_as_course"),
        ),
        ([("resource_type_group", "program")], ("program",)),
        ([("resource_type_group", "learning_material")], LEARNING_MATERIALS),
        ([("resource_category", "lecture video")], ("video_1", "video_2")),
        ([("offered_by", "mitx"), ("resource_type", "course")], ("mechanics",)),
    ],
)
def test_resource_filters(
    params: list[tuple[str, str]], expected: tuple[str, ...], catalog: Catalog, api: APIClient
) -> None:
    assert resources(api, params) == catalog.ids(*expected)


def test_free_true_is_everything_but_the_paid_course(catalog: Catalog, api: APIClient) -> None:
    assert resources(api, [("free", "true")]) == catalog.published_ids - catalog.ids(
        "ai_leaders", "test_mode"
    )


def test_resource_id_accepts_repeats_and_commas(catalog: Catalog, api: APIClient) -> None:
    a, b = catalog["algorithms"].pk, catalog["podcast"].pk
    expected = {a, b}
    assert resources(api, [("resource_id", str(a)), ("resource_id", str(b))]) == expected
    assert resources(api, [("resource_id", f"{a},{b}")]) == expected


def test_type_lists_only_hold_their_type(catalog: Catalog, api: APIClient) -> None:
    assert resources(api, [], "courses") == catalog.ids(*COURSES)
    assert resources(api, [], "programs") == catalog.ids("program", "program_as_course")
    assert resources(api, [], "learningpaths") == catalog.ids("path")
    assert resources(api, [], "podcasts") == catalog.ids("podcast")
    assert resources(api, [], "podcast_episodes") == catalog.ids("episode_1", "episode_2")
    assert resources(api, [], "videos") == catalog.ids("video_1", "video_2")
    assert resources(api, [], "video_playlists") == catalog.ids("playlist")
    # filters work on the type lists too (what ocw_oer_export does)
    assert resources(api, [("platform", "ocw")], "courses") == catalog.ids(
        "algorithms", "linear_algebra"
    )


def ordered(api: APIClient, sortby: str, path: str = "courses") -> list[int]:
    return result_ids(api, f"{V1}/{path}/?sortby={sortby}")


def keys(catalog: Catalog, *names: str) -> list[int]:
    return [catalog[name].pk for name in names]


def test_sort_by_course_number(catalog: Catalog, api: APIClient) -> None:
    expected = keys(catalog, "algorithms", "mechanics", "linear_algebra", "ai_leaders")
    assert ordered(api, "mitcoursenumber") == expected
    assert ordered(api, "-mitcoursenumber") == expected[::-1]


def test_sort_by_views(catalog: Catalog, api: APIClient) -> None:
    expected = keys(catalog, "ai_leaders", "mechanics", "algorithms", "linear_algebra")
    assert ordered(api, "views") == expected
    assert ordered(api, "-views") == expected[::-1]


def test_sort_by_best_run_start_date(catalog: Catalog, api: APIClient) -> None:
    expected = keys(catalog, "linear_algebra", "algorithms", "ai_leaders", "mechanics")
    assert ordered(api, "start_date") == expected
    assert ordered(api, "-start_date") == expected[::-1]


def test_sort_upcoming_puts_the_next_start_first(catalog: Catalog, api: APIClient) -> None:
    assert ordered(api, "upcoming") == keys(
        catalog, "ai_leaders", "mechanics", "algorithms", "linear_algebra"
    )
    everything = ordered(api, "upcoming", "learning_resources")
    assert everything[:3] == keys(catalog, "ai_leaders", "mechanics", "program")


def test_sort_by_id_readable_id_and_new(catalog: Catalog, api: APIClient) -> None:
    by_id = keys(catalog, "algorithms", "linear_algebra", "mechanics", "ai_leaders")
    assert ordered(api, "id") == by_id
    assert ordered(api, "-id") == by_id[::-1]
    assert ordered(api, "new") == by_id[::-1]
    by_readable = keys(catalog, "linear_algebra", "algorithms", "mechanics", "ai_leaders")
    assert ordered(api, "readable_id") == by_readable
    assert ordered(api, "-readable_id") == by_readable[::-1]


def test_sort_by_last_modified(catalog: Catalog, api: APIClient) -> None:
    for sortby, descending in (("last_modified", False), ("-last_modified", True)):
        response = api.get(f"{V1}/learning_resources/?sortby={sortby}&limit=100").json()
        stamps = [item["last_modified"] for item in response["results"]]
        assert stamps == sorted(stamps, reverse=descending)
        assert len(set(stamps)) > 3


def test_content_file_filters(catalog: Catalog, api: APIClient) -> None:
    files = catalog.files
    run = catalog["algorithms"].runs.get(run_id="spring_2020")

    def found(query: str) -> set[int]:
        return set(result_ids(api, f"{V1}/contentfiles/?{query}"))

    def ids(*names: str) -> set[int]:
        return {files[name].pk for name in names}

    assert found(f"run_id={run.pk}") == ids("lecture_1_notes", "problem_set_1")
    assert found(f"resource_id={catalog['algorithms'].pk}") == ids(
        "lecture_1_notes", "problem_set_1"
    )
    assert found(f"resource_id={catalog['document'].pk}") == ids("document_source")
    assert found("content_feature_type=lecture notes") == ids("lecture_1_notes", "document_source")
    assert found("edx_module_id=block-v1:ps1") == ids("problem_set_1")
    assert found("offered_by=mitx") == ids("mechanics_page")
    assert found("platform=mitxonline") == ids("mechanics_page")
    assert found("platform=ocw") == ids("lecture_1_notes", "problem_set_1", "document_source")
    assert found("platform=ocw&platform=mitxonline") == ids(
        "lecture_1_notes", "problem_set_1", "document_source", "mechanics_page"
    )


def test_resource_content_file_lists(catalog: Catalog, api: APIClient) -> None:
    files = catalog.files
    course_files = set(result_ids(api, f"{V1}/courses/{catalog['algorithms'].pk}/contentfiles/"))
    assert course_files == {files["lecture_1_notes"].pk, files["problem_set_1"].pk}
    page_files = result_ids(api, f"{V1}/learning_resources/{catalog['mechanics'].pk}/contentfiles/")
    assert page_files == [files["mechanics_page"].pk]
    # a document is not a course
    assert api.get(f"{V1}/courses/{catalog['document'].pk}/contentfiles/").status_code == 404


def test_topic_filters(catalog: Catalog, api: APIClient) -> None:
    topics = catalog.ref.topics

    def found(query: str) -> set[int]:
        return set(result_ids(api, f"{V1}/topics/?{query}"))

    assert found("is_toplevel=true") == {topics["Engineering"].pk, topics["Science"].pk}
    assert found("is_toplevel=false") == {
        t.pk for name, t in topics.items() if name not in ("Engineering", "Science")
    }
    assert found("name=physics") == {topics["Physics"].pk}
    assert found("name=Physics&name=Mathematics") == {
        topics["Physics"].pk,
        topics["Mathematics"].pk,
    }
    assert found(f"parent_topic_id={topics['Science'].pk}") == {
        topics["Physics"].pk,
        topics["Mathematics"].pk,
    }


def test_items_in_position_order_and_sortable(catalog: Catalog, api: APIClient) -> None:
    program = catalog["program"]
    items = api.get(f"{V1}/learning_resources/{program.pk}/items/").json()["results"]
    assert [item["resource"]["id"] for item in items] == keys(catalog, "algorithms", "mechanics")
    assert [item["position"] for item in items] == [0, 1]
    assert {item["parent"] for item in items} == {program.pk}
    reverse = api.get(f"{V1}/learning_resources/{program.pk}/items/?sortby=-position").json()
    assert [item["resource"]["id"] for item in reverse["results"]] == keys(
        catalog, "mechanics", "algorithms"
    )
    episodes = api.get(f"{V1}/podcasts/{catalog['podcast'].pk}/items/").json()["results"]
    assert [item["child"] for item in episodes] == keys(catalog, "episode_1", "episode_2")
    videos = api.get(f"{V1}/video_playlists/{catalog['playlist'].pk}/items/").json()["results"]
    assert [item["resource"]["resource_type"] for item in videos] == ["video", "video"]
    # a podcast's items route only serves podcasts
    assert api.get(f"{V1}/podcasts/{program.pk}/items/").json()["count"] == 0


def test_featured_lists_path_items_by_position(catalog: Catalog, api: APIClient) -> None:
    results = api.get(f"{V1}/featured/").json()["results"]
    assert [r["id"] for r in results] == keys(catalog, "linear_algebra", "algorithms")
    assert [r["position"] for r in results] == [0, 1]
    assert resources(api, [("platform", "mitxonline")], "featured") == set()


def test_summary_lists_minimal_fields_with_canonical_parents(
    catalog: Catalog, api: APIClient
) -> None:
    body = api.get(f"{V1}/learning_resources/summary/?resource_type=podcast_episode").json()
    assert {r["id"] for r in body["results"]} == catalog.ids("episode_1", "episode_2")
    assert all(r["canonical_parent_ids"] == [catalog["podcast"].pk] for r in body["results"])
    assert set(body["results"][0]) == {
        "id",
        "last_modified",
        "url",
        "title",
        "resource_type",
        "canonical_parent_ids",
    }


def test_limit_offset_pagination(catalog: Catalog, api: APIClient) -> None:
    first = api.get(f"{V1}/learning_resources/?limit=3").json()
    second = api.get(f"{V1}/learning_resources/?limit=3&offset=3").json()
    assert (
        first["count"] == second["count"] == len(catalog.published_ids - catalog.ids("test_mode"))
    )
    assert len(first["results"]) == 3
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    assert "offset=3" in first["next"]
