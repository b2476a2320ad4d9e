from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from factories import Catalog
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from learn.vectors.store import set_store
from learn.vectors.store.server import ServerStore

VECTOR_SEARCH = "/api/v0/vector_learning_resources_search/"
VECTOR_FILES = "/api/v0/vector_content_files_search/"


def similar_url(pk: int) -> str:
    return f"/api/v1/learning_resources/{pk}/vector_similar/"


def validated(contract: Any, response: Any) -> Any:
    assert response.status_code == 200, response.content[:500]
    contract.validate_response(
        DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
    )
    return response.json()


@pytest.fixture
def client() -> Client:
    return Client()


def test_vector_search_finds_by_meaning(
    embedded: Catalog, client: Client, contract_v0: Any
) -> None:
    body = validated(contract_v0, client.get(VECTOR_SEARCH, {"q": "matrices and eigenvalues"}))
    assert body["results"][0]["id"] == embedded["linear_algebra"].pk
    assert body["count"] >= 1 and body["metadata"]["aggregations"] == {}


def test_vector_search_filters_and_aggregations(
    embedded: Catalog, client: Client, contract_v0: Any
) -> None:
    body = validated(
        contract_v0,
        client.get(
            VECTOR_SEARCH,
            {"q": "physics", "platform": "mitxonline", "aggregations": ["platform", "free"]},
        ),
    )
    assert body["results"] and all(r["platform"]["code"] == "mitxonline" for r in body["results"])
    platforms = body["metadata"]["aggregations"]["platform"]
    assert platforms == [{"key": "mitxonline", "doc_count": body["count"]}]
    # filters are case-insensitive, like the lexical search
    topic = validated(contract_v0, client.get(VECTOR_SEARCH, {"q": "physics", "topic": "PHYSICS"}))
    assert topic["results"] and all(
        "Physics" in [t["name"] for t in r["topics"]] for r in topic["results"]
    )


def test_vector_search_without_q_lists_with_exact_count(
    embedded: Catalog, client: Client, contract_v0: Any
) -> None:
    body = validated(
        contract_v0,
        client.get(
            VECTOR_SEARCH, {"limit": 3, "aggregations": "resource_type", "sortby": "-views"}
        ),
    )
    visible = [r for r in embedded.resources.values() if r.published and not r.test_mode]
    assert body["count"] == len(visible)
    assert len(body["results"]) == 3 and body["next"]
    views = [r["views"] for r in body["results"]]
    assert views == sorted(views, reverse=True)
    counts = {b["key"]: b["doc_count"] for b in body["metadata"]["aggregations"]["resource_type"]}
    assert sum(counts.values()) == len(visible)


def test_vector_search_pagination(embedded: Catalog, client: Client) -> None:
    everything = client.get(VECTOR_SEARCH, {"q": "course", "limit": 50}).json()
    page = client.get(VECTOR_SEARCH, {"q": "course", "limit": 2, "offset": 2}).json()
    assert [r["id"] for r in page["results"]] == [r["id"] for r in everything["results"][2:4]]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 10_000},
        {"q": "algebra", "color": "blue"},
        {"q": "algebra", "score_cutoff": "5"},
        {"q": "algebra", "score_cutoff": "-0.1"},
        {"q": "algebra", "score_cutoff": "abc"},
        {"q": "algebra", "resource_type": "spaceship"},
        {"q": "algebra", "sortby": "price"},
        {"q": "algebra", "limit": "0"},
        {"q": "algebra", "offset": "999", "limit": "10"},
        {"q": "algebra", "free": "maybe"},
        {"q": "algebra", "aggregations": "nope"},
    ],
)
def test_vector_search_bad_input_is_400(
    embedded: Catalog, client: Client, params: dict[str, str]
) -> None:
    response = client.get(VECTOR_SEARCH, params)
    assert response.status_code == 400
    body = response.json()
    # The one refusal shape of every search endpoint: the first parameter named, all listed.
    assert body["param"] in body["errors"] and body["detail"].startswith(f"{body['param']}: ")
    assert set(body["errors"]) <= set(params) | {"limit"}


def test_empty_q_is_a_listing_not_an_error(embedded: Catalog, client: Client) -> None:
    response = client.get(VECTOR_SEARCH, {"q": "   "})
    assert response.status_code == 200 and response.json()["count"] > 0


def test_high_score_cutoff_gives_clear_empty_answer(
    embedded: Catalog, client: Client, contract_v0: Any
) -> None:
    body = validated(contract_v0, client.get(VECTOR_SEARCH, {"q": "algebra", "score_cutoff": "1"}))
    assert body["count"] == 0 and body["results"] == []


def test_vector_store_down_is_503_json(embedded: Catalog, client: Client) -> None:
    previous = set_store(ServerStore.connect("http://127.0.0.1:8189", None, "t"))
    try:
        for url, params in ((VECTOR_SEARCH, {"q": "algebra"}), (VECTOR_FILES, {"q": "graphs"})):
            response = client.get(url, params)
            assert response.status_code == 503
            assert "unavailable" in response.json()["detail"]
        response = client.get(similar_url(embedded["algorithms"].pk))
        assert response.status_code in (404, 503)
    finally:
        set_store(previous)


def test_vector_similar_excludes_itself(
    embedded: Catalog, client: Client, contract_v1: Any
) -> None:
    pk = embedded["algorithms"].pk
    body = validated(contract_v1, client.get(similar_url(pk), {"limit": 5}))
    ids = [r["id"] for r in body]
    assert pk not in ids and 0 < len(ids) <= 5
    hidden = {r.pk for r in embedded.resources.values() if not r.published or r.test_mode}
    assert not hidden & set(ids)
    only_mitx = validated(contract_v1, client.get(similar_url(pk), {"offered_by": "mitx"}))
    assert all(r["offered_by"]["code"] == "mitx" for r in only_mitx)


def test_vector_similar_unknown_or_unembedded_is_404(embedded: Catalog, client: Client) -> None:
    assert client.get(similar_url(999_999)).status_code == 404
    hidden = embedded["test_mode"].pk
    assert client.get(similar_url(hidden)).status_code == 404
    assert client.get(similar_url(embedded["algorithms"].pk), {"limit": "x"}).status_code == 400


def test_content_file_search(embedded: Catalog, client: Client, contract_v0: Any) -> None:
    body = validated(
        contract_v0,
        client.get(
            VECTOR_FILES,
            {"q": "problem set", "aggregations": ["platform", "resource_readable_id"], "limit": 20},
        ),
    )
    assert body["results"]
    keys = [r["key"] for r in body["results"]]
    assert "courses/6.006/problem_set_1" in keys
    first = body["results"][0]
    assert first["content"] and first["platform"]["code"] and first["resource_readable_id"]
    assert body["metadata"]["aggregations"]["platform"]


def test_content_file_search_filters_and_grouping(
    embedded: Catalog, client: Client, contract_v0: Any
) -> None:
    rid = embedded["algorithms"].readable_id
    body = validated(
        contract_v0, client.get(VECTOR_FILES, {"q": "algorithms", "resource_readable_id": rid})
    )
    assert body["results"] and all(r["resource_readable_id"] == rid for r in body["results"])
    grouped = validated(
        contract_v0,
        client.get(
            VECTOR_FILES, {"q": "course", "group_by": "resource_readable_id", "group_size": 1}
        ),
    )
    readable = [r["resource_readable_id"] for r in grouped["results"]]
    assert len(readable) == len(set(readable))
    assert client.get(VECTOR_FILES, {"q": "x", "collection_name": "other"}).status_code == 400
