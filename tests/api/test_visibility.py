"""Unpublished (and test-mode) resources, unpublished runs and files never appear anywhere."""

from __future__ import annotations

import json

from factories import Catalog
from rest_framework.test import APIClient

V1 = "/api/v1"
HIDDEN = ("unpublished_course", "episode_hidden", "test_mode")


def everything(api: APIClient, catalog: Catalog) -> str:
    """The text of every list and detail response the API has for the catalog."""
    urls = [
        f"{V1}/learning_resources/?limit=100",
        f"{V1}/learning_resources/summary/",
        f"{V1}/featured/",
        f"{V1}/learning_resource_display_info/?limit=100",
        f"{V1}/contentfiles/?limit=100",
        f"{V1}/learning_resources/{catalog['program'].pk}/items/",
        f"{V1}/learning_resources/{catalog['path'].pk}/items/",
        f"{V1}/podcasts/{catalog['podcast'].pk}/items/",
        f"{V1}/courses/{catalog['algorithms'].pk}/contentfiles/",
    ]
    for name in ("courses", "programs", "learningpaths", "podcasts", "podcast_episodes"):
        urls.append(f"{V1}/{name}/?limit=100")
    for resource_id in catalog.published_ids:
        urls.append(f"{V1}/learning_resources/{resource_id}/")
    bodies = []
    for url in urls:
        response = api.get(url)
        if response.status_code == 200:
            bodies.append(json.dumps(response.json()))
    return "\n".join(bodies)


def test_unpublished_resources_never_show(catalog: Catalog, api: APIClient) -> None:
    text = everything(api, catalog)
    for key in HIDDEN:
        assert catalog[key].readable_id not in text
        assert catalog[key].title not in text


def test_unpublished_runs_and_their_data_never_show(catalog: Catalog, api: APIClient) -> None:
    text = everything(api, catalog)
    assert "hidden_run" not in text
    assert "Hidden Person" not in text
    assert "unpublished_file" not in text
    assert "hidden_run_file" not in text


def test_unpublished_detail_is_404(catalog: Catalog, api: APIClient) -> None:
    for key in HIDDEN:
        pk = catalog[key].pk
        assert api.get(f"{V1}/learning_resources/{pk}/").status_code == 404
        assert api.get(f"{V1}/learning_resource_display_info/{pk}/").status_code == 404
    unpublished = catalog["unpublished_course"].pk
    assert api.get(f"{V1}/courses/{unpublished}/").status_code == 404
    assert api.get(f"{V1}/learning_resources/{unpublished}/items/").json()["count"] == 0
    assert api.get(f"{V1}/courses/{unpublished}/contentfiles/").status_code == 404
    hidden_file = catalog.files["hidden_run_file"].pk
    assert api.get(f"{V1}/contentfiles/{hidden_file}/").status_code == 404


def test_counts_skip_unpublished_children(catalog: Catalog, api: APIClient) -> None:
    program = api.get(f"{V1}/programs/{catalog['program'].pk}/").json()
    assert program["program"] == {"course_count": 2, "program_count": 0}
    assert len(program["children"]) == 2
    path = api.get(f"{V1}/learningpaths/{catalog['path'].pk}/").json()
    assert path["learning_path"]["item_count"] == 2
    podcast = api.get(f"{V1}/podcasts/{catalog['podcast'].pk}/").json()
    assert podcast["podcast"]["episode_count"] == 2
