from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from factories import Catalog

from learn.search.backends import reset_backend
from learn.search.backends.tantivy import TantivyBackend
from learn.search.indexing import rebuild_index
from learn.search.query import SearchQuery
from learn.vectors import hybrid
from learn.vectors.store import VectorStore, set_store
from learn.vectors.store.server import ServerStore


@pytest.fixture
def lexical(tmp_path: Path) -> Iterator[TantivyBackend]:
    backend = TantivyBackend(tmp_path / "search")
    reset_backend(backend)
    yield backend
    reset_backend(None)


@pytest.fixture
def both(embedded: Catalog, lexical: TantivyBackend) -> Catalog:
    rebuild_index(lexical)
    return embedded


def _ids(result: Any) -> list[int]:
    return [int(h.id) for h in result.hits]


def test_hybrid_finds_meaning_the_words_miss(both: Catalog, lexical: TantivyBackend) -> None:
    # No resource contains these words; dense search brings the right one in.
    query = SearchQuery(text="matrices and eigenvalues", limit=5)
    assert both["linear_algebra"].pk not in _ids(lexical.search(query))
    result, flags = hybrid.hybrid_search(query, lexical)
    assert flags["search_mode"] == "hybrid" and flags["fusion"] == "rrf"
    assert 0.0 <= flags["lexical_weight"] <= 1.0
    assert _ids(result)[0] == both["linear_algebra"].pk


def test_hybrid_keeps_exact_title_matches_on_top(both: Catalog, lexical: TantivyBackend) -> None:
    for method in ("rrf", "score"):
        result, _ = hybrid.hybrid_search(
            SearchQuery(text="Introduction to Algorithms", limit=5),
            lexical,
            method=method,  # type: ignore[arg-type]
        )
        assert _ids(result)[0] == both["algorithms"].pk


def test_hybrid_count_and_facets_agree_with_results(both: Catalog, lexical: TantivyBackend) -> None:
    query = SearchQuery(text="engineering", limit=100, aggregations=("resource_type", "platform"))
    result, _ = hybrid.hybrid_search(query, lexical)
    assert result.total == len(result.hits)
    for name in ("resource_type", "platform"):
        assert sum(b["doc_count"] for b in result.aggregations[name]) == result.total
    types = {b["key"]: b["doc_count"] for b in result.aggregations["resource_type"]}
    assert types == _count(result, lambda s: [s["resource_type"]])


def _count(result: Any, values: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for hit in result.hits:
        for v in values(hit.source):
            out[v] = out.get(v, 0) + 1
    return out


def test_hybrid_filters_and_disjunctive_facets(both: Catalog, lexical: TantivyBackend) -> None:
    query = SearchQuery(
        text="engineering", limit=100, filters={"platform": ("ocw",)}, aggregations=("platform",)
    )
    result, _ = hybrid.hybrid_search(query, lexical)
    assert result.hits and all(h.source["platform"]["code"] == "ocw" for h in result.hits)
    platforms = {b["key"] for b in result.aggregations["platform"]}
    assert "ocw" in platforms and len(platforms) > 1  # the facet ignores its own filter


def test_hybrid_paginates_the_fused_list(both: Catalog, lexical: TantivyBackend) -> None:
    everything, _ = hybrid.hybrid_search(SearchQuery(text="course", limit=50), lexical)
    page, _ = hybrid.hybrid_search(SearchQuery(text="course", limit=2, offset=2), lexical)
    assert _ids(page) == _ids(everything)[2:4]


def test_hybrid_falls_back_to_lexical_when_vectors_are_down(
    both: Catalog, lexical: TantivyBackend, store: VectorStore
) -> None:
    previous = set_store(ServerStore.connect("http://127.0.0.1:8189", None, "t"))
    try:
        query = SearchQuery(text="Introduction to Algorithms", limit=5)
        result, flags = hybrid.hybrid_search(query, lexical)
    finally:
        set_store(previous)
    assert flags["hybrid_fallback"] == "lexical" and flags["hybrid_error"]
    assert _ids(result) == _ids(lexical.search(query))[: len(result.hits)]


def test_vector_endpoint_hybrid_search_flag(both: Catalog, lexical: TantivyBackend) -> None:
    body = (
        Client()
        .get(
            "/api/v0/vector_learning_resources_search/",
            {
                "q": "Introduction to Algorithms",
                "hybrid_search": "true",
                "aggregations": "platform",
            },
        )
        .json()
    )
    assert body["results"][0]["id"] == both["algorithms"].pk
    assert body["metadata"]["search_mode"] == "hybrid"
    assert (
        sum(b["doc_count"] for b in body["metadata"]["aggregations"]["platform"]) == body["count"]
    )


SEARCH = "/api/v1/learning_resources_search/"


def test_search_mode_hybrid_over_http(
    both: Catalog, lexical: TantivyBackend, contract_v1: Any
) -> None:
    from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

    response = Client().get(
        SEARCH, {"q": "matrices and eigenvalues", "search_mode": "hybrid", "aggregations": "topic"}
    )
    assert response.status_code == 200
    contract_v1.validate_response(
        DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
    )
    body = response.json()
    assert body["results"][0]["id"] == both["linear_algebra"].pk
    assert body["metadata"]["search_mode"] == "hybrid"
    topics = {b["key"]: b["doc_count"] for b in body["metadata"]["aggregations"]["topic"]}
    assert topics["Mathematics"] >= 1


def test_vector_store_down_lexical_keeps_working_and_hybrid_falls_back(
    both: Catalog, lexical: TantivyBackend
) -> None:
    previous = set_store(ServerStore.connect("http://127.0.0.1:8189", None, "t"))
    try:
        plain = Client().get(SEARCH, {"q": "algorithms"})
        fused = Client().get(SEARCH, {"q": "algorithms", "search_mode": "hybrid"})
    finally:
        set_store(previous)
    assert plain.status_code == 200 and plain.json()["results"]
    assert fused.status_code == 200
    assert fused.json()["metadata"]["hybrid_fallback"] == "lexical"
    assert fused.json()["results"][0]["id"] == both["algorithms"].pk


def test_course_number_queries_stay_lexical(both: Catalog, lexical: TantivyBackend) -> None:
    query = SearchQuery(text="6.006", limit=5)
    result, flags = hybrid.hybrid_search(query, lexical)
    assert flags["fusion"] == "lexical"
    assert _ids(result) == _ids(lexical.search(query))
    assert _ids(result)[0] == both["algorithms"].pk
    assert hybrid.is_course_number_query("18.06 6.006") and not hybrid.is_course_number_query(
        "6.006 x"
    )


def test_results_rendered_from_the_lexical_index_match_the_database(
    both: Catalog, lexical: TantivyBackend
) -> None:
    from learn.catalog.queries import published_resources
    from learn.catalog.serializers import serialize_resources
    from learn.vectors.responses import _from_search_index, resources_json

    ids = sorted(both.ids("algorithms", "linear_algebra", "mechanics"))
    from_index = _from_search_index(ids)
    assert sorted(from_index) == ids  # served by the index, no database serialization
    from_db = {r["id"]: r for r in serialize_resources(published_resources().filter(pk__in=ids))}
    assert [r["id"] for r in resources_json(ids)] == ids
    assert {i: from_index[i]["title"] for i in ids} == {i: from_db[i]["title"] for i in ids}


def test_lexical_similar_excludes_itself(
    both: Catalog, lexical: TantivyBackend, contract_v1: Any
) -> None:
    from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

    pk = both["algorithms"].pk
    response = Client().get(f"/api/v1/learning_resources/{pk}/similar/", {"limit": 5})
    assert response.status_code == 200
    contract_v1.validate_response(
        DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
    )
    ids = [r["id"] for r in response.json()]
    assert pk not in ids and 0 < len(ids) <= 5
    assert Client().get("/api/v1/learning_resources/999999/similar/").status_code == 404
    bad = Client().get(f"/api/v1/learning_resources/{pk}/similar/", {"color": "red"})
    assert bad.status_code == 400


def test_lexical_confidence_follows_title_and_instructor_matches() -> None:
    from learn.search.query import Hit

    hits = [
        Hit(id="1", score=9.0, source={"title": "Convex Optimization", "runs": []}),
        Hit(
            id="2",
            score=5.0,
            source={
                "title": "Circuits and Electronics",
                "runs": [{"instructors": [{"full_name": "Anant Agarwal"}]}],
            },
        ),
    ]
    assert hybrid.lexical_confidence("convex optimization", hits) == 1.0
    assert hybrid.lexical_confidence("Anant Agarwal", hits) == 1.0
    assert hybrid.lexical_confidence("electronic circuit", hits) == 1.0  # plural, suffix
    assert hybrid.lexical_confidence("designing electronic circuits", hits) == 2 / 3
    assert hybrid.lexical_confidence("why do prices rise", hits) == 0.0
    assert hybrid.lexical_confidence("how to", hits) == 0.0  # no subject word at all
    assert hybrid.lexical_confidence("convex optimization", []) == 0.0


def test_dense_side_leads_when_no_title_matches(both: Catalog, lexical: TantivyBackend) -> None:
    _, keyword = hybrid.hybrid_search(SearchQuery(text="Introduction to Algorithms"), lexical)
    _, described = hybrid.hybrid_search(SearchQuery(text="matrices and eigenvalues"), lexical)
    assert keyword["lexical_weight"] > 0.5 > described["lexical_weight"]
