from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from factories import Catalog

from learn.retrieval import hybrid
from learn.search.backends import reset_backend
from learn.search.backends.tantivy import TantivyBackend
from learn.search.indexing import rebuild_index
from learn.search.query import SearchQuery
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
    from learn.retrieval.hydration import _from_search_index, resources_json

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


def _pages(query: SearchQuery, lexical: TantivyBackend, pool: int, size: int) -> list[int]:
    ids: list[int] = []
    offset = 0
    while True:
        page, _ = hybrid.hybrid_search(
            SearchQuery(text=query.text, filters=query.filters, offset=offset, limit=size),
            lexical,
            pool=pool,
        )
        if not page.hits:
            return ids
        ids += _ids(page)
        offset += size


@pytest.mark.parametrize(
    ("text", "pool", "dense_only_expected"),
    [
        ("physics algorithms", 2, False),  # more lexical matches than the fused pool
        ("matrices and eigenvalues", 3, True),  # candidates only the dense side finds
    ],
)
def test_count_pages_and_facets_cover_every_lexical_match_beyond_the_pool(
    both: Catalog, lexical: TantivyBackend, text: str, pool: int, dense_only_expected: bool
) -> None:
    from learn.vectors.search import resource_query_vector

    plain = lexical.search(SearchQuery(text=text, limit=1000))
    assert len(plain.hits) == plain.total
    query = SearchQuery(text=text, limit=5, aggregations=("resource_type", "platform"))
    result, flags = hybrid.hybrid_search(query, lexical, pool=pool)
    assert flags["search_mode"] == "hybrid"
    dense, _ = hybrid._dense_ranked(query, resource_query_vector(text), {}, pool)
    above = {rid for rid, score in dense if score >= hybrid.DENSE_ONLY_FLOOR}
    dense_only = above - {h.id for h in plain.hits}
    assert bool(dense_only) if dense_only_expected else plain.total > pool
    # every lexical match, plus the dense-only candidates, each once
    assert result.total == plain.total + len(dense_only)
    paged = _pages(query, lexical, pool, size=2)
    assert len(paged) == len(set(paged)) == result.total
    assert set(paged) == {int(h.id) for h in plain.hits} | {int(r) for r in dense_only}
    for name in ("resource_type", "platform"):
        buckets = result.aggregations[name]
        assert sum(b["doc_count"] for b in buckets) == result.total
        # the most common values first, then by name
        assert buckets == sorted(buckets, key=lambda b: (-b["doc_count"], str(b["key"])))
    # the first page is the fused pool's head, the rest follow in lexical order
    assert _ids(result) == paged[:5]
    tail = [int(h.id) for h in plain.hits if int(h.id) not in paged[: pool + len(dense)]]
    # more lexical matches than the fused pool holds: some follow it, in lexical order
    assert len(tail) >= plain.total - pool - len(dense)
    assert bool(tail) == (not dense_only_expected)  # the first case's tail is not empty
    assert paged[len(paged) - len(tail) :] == tail


def test_disjunctive_facets_count_the_candidates_of_the_other_filters(
    both: Catalog, lexical: TantivyBackend
) -> None:
    filters = {"platform": ("ocw",)}
    text = "physics algorithms"
    query = SearchQuery(text=text, limit=5, filters=filters, aggregations=("platform",))
    result, _ = hybrid.hybrid_search(query, lexical, pool=2)
    assert result.hits and all(h.source["platform"]["code"] == "ocw" for h in result.hits)
    assert result.total == len(_pages(query, lexical, 2, size=4))
    # the platform facet ignores its own filter: it counts the unfiltered result set, whose dense
    # candidates are the top ones under the other filters (none here)
    unfiltered, _ = hybrid.hybrid_search(
        SearchQuery(text=text, limit=0, aggregations=("platform",)), lexical, pool=2
    )
    assert result.aggregations["platform"] == unfiltered.aggregations["platform"]
    assert sum(b["doc_count"] for b in result.aggregations["platform"]) == unfiltered.total
    typed, _ = hybrid.hybrid_search(
        replace(query, aggregations=("resource_type",)), lexical, pool=2
    )
    assert sum(b["doc_count"] for b in typed.aggregations["resource_type"]) == result.total


def test_default_mode_is_hybrid_when_resources_are_embedded(
    both: Catalog, lexical: TantivyBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hybrid, "POOL", 2)
    params = {"q": "physics algorithms", "aggregations": "resource_type", "limit": 2}
    body = Client().get(SEARCH, params).json()
    assert body["metadata"]["search_mode"] == "hybrid" and body["metadata"]["fusion"] == "rrf"
    assert (
        sum(b["doc_count"] for b in body["metadata"]["aggregations"]["resource_type"])
        == (body["count"])
    )
    seen = [r["id"] for r in body["results"]]
    url = body["next"]
    while url:
        page = Client().get(url).json()
        assert page["count"] == body["count"]
        seen += [r["id"] for r in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == body["count"]
    assert Client().get(SEARCH, {"q": "matrices and eigenvalues"}).json()["results"][0]["id"] == (
        both["linear_algebra"].pk
    )


def test_default_mode_without_resource_vectors_is_quietly_lexical(
    catalog: Catalog, store: VectorStore, lexical: TantivyBackend
) -> None:
    rebuild_index(lexical)  # indexed, but nothing embedded: the store holds no resource
    body = Client().get(SEARCH, {"q": "algorithms", "aggregations": "platform"}).json()
    phrase = (
        Client()
        .get(SEARCH, {"q": "algorithms", "aggregations": "platform", "search_mode": "phrase"})
        .json()
    )
    assert body["metadata"]["search_mode"] == "phrase"
    assert "hybrid_fallback" not in body["metadata"]
    assert body["results"] == phrase["results"] and body["count"] == phrase["count"]
    assert body["metadata"]["aggregations"] == phrase["metadata"]["aggregations"]


def test_vectors_down_default_and_explicit_hybrid_both_flag_the_fallback(
    both: Catalog, lexical: TantivyBackend
) -> None:
    previous = set_store(ServerStore.connect("http://127.0.0.1:8189", None, "t"))
    hybrid.forget_vector_presence()
    try:
        default = Client().get(SEARCH, {"q": "algorithms"})
        asked = Client().get(SEARCH, {"q": "algorithms", "search_mode": "hybrid"})
    finally:
        set_store(previous)
        hybrid.forget_vector_presence()
    assert default.status_code == asked.status_code == 200
    assert default.json()["metadata"]["search_mode"] == "phrase"
    assert default.json()["metadata"]["hybrid_fallback"] == "lexical"  # never silently lexical
    assert "unreachable" in default.json()["metadata"]["hybrid_error"]
    assert asked.json()["metadata"]["hybrid_fallback"] == "lexical"
    assert asked.json()["metadata"]["hybrid_error"]
    assert default.json()["results"] == asked.json()["results"]


def test_vector_presence_is_checked_once_per_interval(
    store: VectorStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = store.count

    def counting(name: str, flt: Any = None) -> int:
        calls.append(name)
        return real(name, flt)

    monkeypatch.setattr(store, "count", counting)
    assert not hybrid.resource_vectors_present()
    assert not hybrid.resource_vectors_present()
    assert len(calls) == 1
    hybrid.forget_vector_presence()
    assert not hybrid.resource_vectors_present() and len(calls) == 2


@pytest.fixture
def feedback(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from learn.config.env import get_env

    def configure(docs: int, weight: float = 0.5) -> None:
        monkeypatch.setenv("VECTOR_QUERY_FEEDBACK_DOCS", str(docs))
        monkeypatch.setenv("VECTOR_QUERY_FEEDBACK_WEIGHT", str(weight))
        get_env.cache_clear()

    yield configure
    monkeypatch.undo()
    get_env.cache_clear()


def test_query_vector_moves_toward_its_nearest_resources(
    embedded: Catalog, store: VectorStore, feedback: Any
) -> None:
    import numpy as np

    from learn.vectors.documents import RESOURCES
    from learn.vectors.search import embed_query, resource_query_vector

    text = "how do computers sort lists quickly"
    raw = np.asarray(embed_query(text))
    feedback(0)
    assert resource_query_vector(text) == list(raw)  # off: the plain embedding
    feedback(3, 0.5)
    near = store.search(RESOURCES, list(raw), None, limit=3)
    rows = store.retrieve(RESOURCES, [h.id for h in near], with_vectors=True)
    expected = raw + 0.5 * np.mean([h.vector for h in rows], axis=0)
    expected /= np.linalg.norm(expected)
    moved = np.asarray(resource_query_vector(text))
    assert np.allclose(moved, expected, atol=1e-6)
    assert np.isclose(np.linalg.norm(moved), 1.0)
    # Closer to each feedback resource than the raw query was.
    for hit in rows:
        assert float(moved @ hit.vector) > float(raw @ hit.vector)


@pytest.fixture
def query_vector_texts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts that hybrid and vector search turn into resource query vectors, in order."""
    from learn.vectors import search

    texts: list[str] = []
    real = search.resource_query_vector

    def spy(q: str) -> list[float]:
        texts.append(q)
        return real(q)

    monkeypatch.setattr(search, "resource_query_vector", spy)
    monkeypatch.setattr(hybrid, "resource_query_vector", spy)
    return texts


def test_hybrid_and_vector_search_use_the_feedback_vector(
    both: Catalog, lexical: TantivyBackend, feedback: Any, query_vector_texts: list[str]
) -> None:
    from learn.vectors import search

    feedback(5)
    calls = query_vector_texts
    hybrid.hybrid_search(SearchQuery(text="how do computers sort lists quickly"), lexical)
    search.search_resources(search.SearchParams(q="matrices and vectors"))
    # (hybrid embeds the lexical engine's spelling correction when it has one)
    assert len(calls) == 2 and calls[1] == "matrices and vectors"


def test_feedback_with_an_empty_store_is_the_plain_embedding(
    db: None, store: VectorStore, feedback: Any
) -> None:
    from learn.vectors.search import embed_query, resource_query_vector

    feedback(5)
    assert resource_query_vector("anything at all") == embed_query("anything at all")


def test_dense_side_embeds_a_correction_only_when_it_found_matches() -> None:
    from learn.search.query import SearchResult

    fixed = SearchResult(total=12, hits=[], aggregations={}, suggest=["optimization"])
    assert hybrid.embedding_text("optmization", fixed) == "optimization"
    # Nothing matched the "correction" either: the words were real, only missing from the corpus.
    nothing = SearchResult(
        total=0, hits=[], aggregations={}, suggest=["how my body rights off terms"]
    )
    assert hybrid.embedding_text("how my body fights off germs", nothing) == (
        "how my body fights off germs"
    )
    plain = SearchResult(total=3, hits=[], aggregations={}, suggest=[])
    assert hybrid.embedding_text("linear algebra", plain) == "linear algebra"


def test_hybrid_embeds_the_typed_words_when_the_correction_finds_nothing(
    both: Catalog, lexical: TantivyBackend, query_vector_texts: list[str]
) -> None:
    embedded_texts = query_vector_texts
    text = "how do computers sort lists quickly"
    first = lexical.search(SearchQuery(text=text))
    assert first.total == 0 and first.suggest  # the corpus lacks some words: a "correction"
    hybrid.hybrid_search(SearchQuery(text=text), lexical)
    assert embedded_texts == [text]


# ------------------------------------------------------------ exact signals and one result set


def test_exact_signals_of_a_query() -> None:
    from learn.retrieval.exact_signals import exact_signal
    from learn.search.query import Hit

    hits = [
        Hit(
            id="1",
            score=9.0,
            source={
                "title": "Design and Analysis of Algorithms",
                "course": {"course_numbers": [{"value": "6.046J"}]},
                "runs": [{"instructors": [{"first_name": "Erik", "last_name": "Demaine"}]}],
            },
        ),
        Hit(id="2", score=5.0, source={"title": "Quantum Physics I", "runs": []}),
        Hit(
            id="3",
            score=4.0,
            source={"title": "Statistics", "runs": [{"instructors": [{"full_name": "Ann Good"}]}]},
        ),
    ]
    assert exact_signal("6.046 algorithms", hits) == "course_number"
    assert exact_signal("6.046J", hits) == "course_number"
    assert exact_signal("quantum physics i", hits) == "title"
    assert exact_signal("Demaine algorithms", hits) == "instructor"
    assert exact_signal("6.006 algorithms", hits) is None  # another number
    assert exact_signal("quantum physics", hits) is None  # part of a title is not the title
    assert exact_signal("how do algorithms work", hits) is None
    assert exact_signal("good statistics", hits) == "instructor"
    assert exact_signal("what is a good first course on statistics", hits) is None  # a question
    assert exact_signal("6.046 algorithms", []) is None


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("6.006 algorithms", "course_number"),
        ("18.06 matrices", "course_number"),
        ("Linear Algebra", "title"),
        ("Introduction to Algorithms", "title"),
        ("Strang linear algebra", "instructor"),
        ("Demaine algorithms", "instructor"),
    ],
)
def test_hybrid_never_ranks_an_exact_signal_below_phrase(
    both: Catalog, lexical: TantivyBackend, text: str, signal: str
) -> None:
    # The whole phrase order (not only its top hit) leads the hybrid order; dense only adds.
    phrase = _ids(lexical.search(SearchQuery(text=text, limit=10)))
    result, flags = hybrid.hybrid_search(SearchQuery(text=text, limit=10), lexical)
    assert flags["exact_signal"] == signal and flags["lexical_weight"] == 1.0
    assert phrase and _ids(result)[: len(phrase)] == phrase


def test_a_question_has_no_exact_signal(both: Catalog, lexical: TantivyBackend) -> None:
    _, flags = hybrid.hybrid_search(SearchQuery(text="matrices and eigenvalues"), lexical)
    assert "exact_signal" not in flags and flags["lexical_weight"] < 1.0


def test_nonsense_finds_nothing(both: Catalog, lexical: TantivyBackend) -> None:
    for text in ("zzqxjv", "qwxzkvbn fjdksla"):
        query = SearchQuery(text=text, limit=10, aggregations=("resource_type",))
        result, flags = hybrid.hybrid_search(query, lexical)
        assert flags["dense_only_floor"] == hybrid.DENSE_ONLY_FLOOR
        assert result.total == 0 and result.hits == [], text
        assert result.aggregations == {"resource_type": []}


def test_dense_only_candidates_need_the_similarity_floor(
    both: Catalog, lexical: TantivyBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = SearchQuery(text="matrices and eigenvalues", limit=50)
    kept, _ = hybrid.hybrid_search(query, lexical)
    monkeypatch.setattr(hybrid, "DENSE_ONLY_FLOOR", 0.99)
    strict, _ = hybrid.hybrid_search(query, lexical)
    assert strict.total == lexical.search(query).total < kept.total


@pytest.mark.parametrize("text", ["matrices and eigenvalues", "engineering", "Linear Algebra"])
def test_every_sort_orders_the_hybrid_set(
    both: Catalog, lexical: TantivyBackend, text: str
) -> None:
    base = SearchQuery(text=text, limit=100, aggregations=("resource_type", "platform"))
    ranked, _ = hybrid.hybrid_search(base, lexical)
    assert ranked.total == len(ranked.hits) > 0
    for sort in ("-id", "new", "-views", "mitcoursenumber", "start_date"):
        ordered, flags = hybrid.hybrid_search(replace(base, sort=sort), lexical)
        assert flags["search_mode"] == "hybrid"
        assert ordered.total == ranked.total, sort
        assert sorted(_ids(ordered)) == sorted(_ids(ranked)), sort
        assert ordered.aggregations == ranked.aggregations, sort
    by_id, _ = hybrid.hybrid_search(replace(base, sort="-id"), lexical)
    assert _ids(by_id) == sorted(_ids(ranked), reverse=True)
    pages = [
        _ids(hybrid.hybrid_search(replace(base, sort="-id", limit=2, offset=o), lexical)[0])
        for o in range(0, ranked.total, 2)
    ]
    assert [i for p in pages for i in p] == _ids(by_id)


def test_facet_counts_are_counts_within_the_hybrid_set(
    both: Catalog, lexical: TantivyBackend
) -> None:
    base = SearchQuery(text="matrices and eigenvalues", limit=100, aggregations=("platform",))
    result, _ = hybrid.hybrid_search(base, lexical)
    for bucket in result.aggregations["platform"]:
        picked, _ = hybrid.hybrid_search(
            replace(base, filters={"platform": (bucket["key"],)}), lexical
        )
        assert picked.total == bucket["doc_count"] == len(picked.hits), bucket
        assert {h.source["platform"]["code"] for h in picked.hits} == {bucket["key"]}


def test_hybrid_answers_the_same_on_pgvector(
    both: Catalog,
    lexical: TantivyBackend,
    store: VectorStore,
    embedder: Any,
    pgvector_db: None,
) -> None:
    """The same points in pgvector (real PostgreSQL) give the same hybrid answers: results, order,
    counts, facets, filters and the query feedback's nearest resources."""
    from learn.vectors.documents import (
        CONTENT_FILES,
        RESOURCES,
        content_file_indexes,
        resource_indexes,
    )
    from learn.vectors.store import Point
    from learn.vectors.store.pgvector import PgVectorStore

    queries = [
        SearchQuery(text="matrices and eigenvalues", limit=10),
        SearchQuery(text="how do computers sort things", limit=10, aggregations=("platform",)),
        SearchQuery(
            text="engineering",
            limit=20,
            filters={"platform": ("ocw",)},
            aggregations=("platform", "resource_type"),
        ),
        SearchQuery(text="Introduction to Algorithms", limit=5),
    ]
    on_edge = [hybrid.hybrid_search(q, lexical) for q in queries]
    pg = PgVectorStore(prefix="hyb")
    dim = embedder.dim
    pg.ensure_collection(RESOURCES, dim, resource_indexes())  # type: ignore[arg-type]
    pg.ensure_collection(CONTENT_FILES, dim, content_file_indexes())  # type: ignore[arg-type]
    for name in (RESOURCES, CONTENT_FILES):
        page, _ = store.scroll(name, limit=1000)
        full = store.retrieve(name, [h.id for h in page], with_vectors=True)
        pg.upsert(name, [Point(h.id, h.vector or [], h.payload) for h in full])
    assert pg.count(RESOURCES) == store.count(RESOURCES) > 0
    previous = set_store(pg)
    hybrid.forget_vector_presence()
    try:
        on_pg = [hybrid.hybrid_search(q, lexical) for q in queries]
    finally:
        set_store(previous)
        hybrid.forget_vector_presence()
    for (edge_result, edge_flags), (pg_result, pg_flags) in zip(on_edge, on_pg, strict=True):
        assert pg_flags == edge_flags and pg_flags["search_mode"] == "hybrid"
        assert _ids(pg_result) == _ids(edge_result)
        assert pg_result.total == edge_result.total
        assert pg_result.aggregations == edge_result.aggregations


def test_the_fused_order_follows_each_lists_weight_beyond_the_top_hit(
    both: Catalog, lexical: TantivyBackend
) -> None:
    """All lexical weight: the page is the lexical order, then the dense-only candidates; no
    lexical weight: the dense order, then the lexical-only matches. Both orders, past the top."""
    from learn.vectors.search import resource_query_vector

    text = "physics algorithms"
    query = SearchQuery(text=text, limit=20)
    lexical_ids = [int(h.id) for h in lexical.search(SearchQuery(text=text, limit=20)).hits]
    dense, _ = hybrid._dense_ranked(query, resource_query_vector(text), {}, hybrid.POOL)
    dense_ids = [int(rid) for rid, _ in dense]

    lexical_led, flags = hybrid.hybrid_search(query, lexical, alpha=1.0)
    assert flags["lexical_weight"] == 1.0
    page = _ids(lexical_led)
    assert page[: len(lexical_ids)] == lexical_ids
    assert len(lexical_ids) >= 3

    dense_led, flags = hybrid.hybrid_search(query, lexical, alpha=0.0)
    assert flags["lexical_weight"] == 0.0
    page = _ids(dense_led)
    in_dense = [i for i in page if i in dense_ids]
    assert len(in_dense) >= 3
    assert in_dense == [i for i in dense_ids if i in in_dense]
    assert page[: len(in_dense)] == in_dense  # lexical-only matches follow the dense ones
    assert _ids(dense_led) != _ids(lexical_led)
