"""A damaged or missing index answers a JSON 503 on search (never HTML 500, never a quiet empty
result), the rest of the API keeps serving, and health reports it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from factories import Catalog, build_catalog
from rest_framework.test import APIClient

from learn.search.backends.tantivy import TantivyBackend
from learn.search.indexing import rebuild_index
from learn.search.models import IndexQueueItem
from learn.search.queue import drain

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


SEARCHES = (
    "/api/v1/learning_resources_search/?q=physics",
    "/api/v1/content_file_search/?q=lecture",
)


@pytest.fixture
def indexed(search_backend: TantivyBackend) -> Catalog:
    catalog = build_catalog()
    rebuild_index(search_backend)
    return catalog


def _current(backend: TantivyBackend) -> Path:
    return backend.root / (backend.root / "CURRENT").read_text().strip()


def _assert_search_unavailable_rest_serves(api: APIClient) -> None:
    for url in SEARCHES:
        response = api.get(url)
        assert response.status_code == 503, (url, response.content[:300])
        assert response["Content-Type"] == "application/json"
        assert "unavailable" in response.json()["detail"]
    assert api.get("/api/v1/learning_resources/?limit=2").status_code == 200
    assert api.get("/health/liveness/").status_code == 200
    full = api.get("/health/full/")
    assert full.status_code == 503
    assert full.json()["checks"]["search"]["status"] == "error"


def test_a_corrupt_meta_json_is_a_json_503(
    indexed: Catalog, search_backend: TantivyBackend, api: APIClient
) -> None:
    assert api.get(SEARCHES[0]).status_code == 200
    (_current(search_backend) / "meta.json").write_text("{ not json")
    fresh = TantivyBackend(search_backend.root)  # a new process opening the damaged index
    from learn.search.backends import reset_backend

    reset_backend(fresh)
    _assert_search_unavailable_rest_serves(api)


def test_a_deleted_index_is_a_503_not_an_empty_index(
    indexed: Catalog, search_backend: TantivyBackend, api: APIClient
) -> None:
    assert api.get(SEARCHES[0]).json()["count"] > 0
    shutil.rmtree(search_backend.root)
    search_backend._last_reload = 0.0  # the next request re-reads the folder at once
    _assert_search_unavailable_rest_serves(api)
    assert not (search_backend.root / "CURRENT").exists()  # nothing quietly created

    # a later catalog change does not recreate a near-empty index either: the queue keeps it
    one = min(indexed.published_ids)
    IndexQueueItem.objects.create(index="resource", object_id=one, action="upsert")
    report = drain(search_backend)
    assert "search index is missing" in report.error and report.remaining == 1
    assert not (search_backend.root / "CURRENT").exists()

    rebuild_index(search_backend)  # what the 503 tells the operator to run
    assert api.get(SEARCHES[0]).status_code == 200
    assert api.get("/health/full/").json()["checks"]["search"]["status"] == "ok"
