"""Every search endpoint refuses a bad parameter with the same body and pages the same way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from factories import Catalog

from learn.search.backends import reset_backend
from learn.search.backends.tantivy import TantivyBackend
from learn.search.indexing import rebuild_index

ENDPOINTS = [
    "/api/v1/learning_resources_search/",
    "/api/v1/content_file_search/",
    "/api/v0/vector_learning_resources_search/",
    "/api/v0/vector_content_files_search/",
    "/api/v1/learning_resources/1/vector_similar/",
    "/api/v1/learning_resources/1/similar/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    ("query", "param"),
    [("colour=red", "colour"), ("limit=abc", "limit"), ("topic=", "topic")],
)
def test_one_refusal_shape(path: str, query: str, param: str) -> None:
    response = Client().get(f"{path}?{query}")
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert set(body) - {"choices"} == {"detail", "param", "errors"}
    assert body["param"] == param and body["detail"].startswith(f"{param}: ")
    assert list(body["errors"]) == [param]
    assert all(isinstance(m, str) and m for m in body["errors"][param])


@pytest.mark.django_db
def test_every_refused_parameter_is_listed() -> None:
    for path in ("/api/v1/learning_resources_search/", "/api/v0/vector_learning_resources_search/"):
        body = Client().get(f"{path}?colour=red&limit=abc").json()
        assert body["param"] in ("colour", "limit") and "colour" in body["detail"]


@pytest.fixture
def both(embedded: Catalog, tmp_path: Path) -> Iterator[Catalog]:
    backend = TantivyBackend(tmp_path / "search")
    reset_backend(backend)
    rebuild_index(backend)
    yield embedded
    reset_backend(None)


def test_lexical_and_vector_pages_share_one_envelope(both: Catalog) -> None:
    client = Client()
    lexical = client.get("/api/v1/learning_resources_search/?limit=1&offset=1").json()
    vector = client.get("/api/v0/vector_learning_resources_search/?limit=1&offset=1")
    vector_body = vector.json()
    for body, path in ((lexical, "learning_resources_search"), (vector_body, "vector_learning")):
        assert list(body) == ["count", "next", "previous", "results", "metadata"]
        assert body["count"] > 2 and len(body["results"]) == 1, (path, body["count"])
        assert path in body["next"] and "offset=2" in body["next"] and "limit=1" in body["next"]
        assert "offset=0" in body["previous"]
