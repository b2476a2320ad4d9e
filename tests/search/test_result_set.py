"""One result set per relevance-ranked request (Tantivy): min_score trims the weak tail from the
count, every page and the facet counts alike, whatever ``limit`` and ``offset`` are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from search_fixtures import resource

from learn.search.backends import tantivy as engine
from learn.search.backends.tantivy import TantivyBackend
from learn.search.query import IndexDocument, SearchQuery, SearchResult, Tuning

TYPES = ("course", "video", "podcast")
FILLER = " ".join(f"filler{i}" for i in range(60))


def _corpus() -> list[IndexDocument]:
    """Three resources about thermodynamics, and six that only mention it once in a long,
    incomplete description (the weak tail min_score trims), of every resource type."""
    docs = [
        resource(1, "Thermodynamics", topics=("Thermodynamics",), resource_type="course"),
        resource(2, "Thermodynamics and Kinetics", resource_type="video"),
        resource(3, "Statistical Thermodynamics", resource_type="podcast", platform="podcast"),
    ]
    for i in range(6):
        docs.append(
            resource(
                10 + i,
                f"Survey {i}",
                description=f"{FILLER} thermodynamics {FILLER}",
                resource_type=TYPES[i % 3],
                platform="podcast" if TYPES[i % 3] == "podcast" else "ocw",
                completeness=0.0,
            )
        )
    docs.append(resource(30, "Organic Chemistry", resource_type="course"))
    return docs


@pytest.fixture
def backend(tmp_path: Path) -> TantivyBackend:
    backend = TantivyBackend(tmp_path / "search")
    backend.rebuild(_corpus())
    return backend


def _search(backend: TantivyBackend, **kwargs: Any) -> SearchResult:
    query = SearchQuery(text="thermodynamics", aggregations=("resource_type",), **kwargs)
    return backend.search(query)


def _type_sum(result: SearchResult) -> int:
    return sum(b["doc_count"] for b in result.aggregations["resource_type"])


def _paged(backend: TantivyBackend, size: int, **kwargs: Any) -> list[str]:
    ids: list[str] = []
    offset = 0
    while True:
        hits = _search(backend, limit=size, offset=offset, **kwargs).hits
        if not hits:
            return ids
        ids += [h.id for h in hits]
        offset += size


def test_count_pages_and_facets_describe_one_trimmed_set(backend: TantivyBackend) -> None:
    untrimmed = _search(backend, limit=0, tuning=Tuning(min_score=0)).total
    counts = {limit: _search(backend, limit=limit) for limit in (0, 5, 20)}
    count = counts[0].total
    assert untrimmed == 9 and count == 3  # the weak tail is trimmed
    for result in counts.values():
        assert result.total == count
        assert _type_sum(result) == count
        assert result.aggregations == counts[0].aggregations
    assert len(counts[20].hits) == count
    for size in (1, 2, 5):
        pages = _paged(backend, size)
        assert len(pages) == count and len(set(pages)) == count
    # Without trimming, everything matches and is counted alike.
    plain = _search(backend, limit=2, tuning=Tuning(min_score=0))
    assert plain.total == _type_sum(plain) == untrimmed
    assert len(_paged(backend, 4, tuning=Tuning(min_score=0))) == untrimmed


def test_a_filtered_facet_counts_its_selected_value_like_the_request(
    backend: TantivyBackend,
) -> None:
    filters = {"resource_type": ("course",)}
    for limit in (0, 5, 20):
        result = _search(backend, limit=limit, filters=filters)
        buckets = {b["key"]: b["doc_count"] for b in result.aggregations["resource_type"]}
        assert result.total == buckets["course"] == 1
        # The other types are counted as if chosen, by the same floor: their weak tail is out.
        assert buckets == {"course": 1, "video": 1, "podcast": 1}
        assert len(result.hits) == min(limit, 1)


def test_deeper_windows_give_the_same_set(
    backend: TantivyBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _search(backend, limit=20)
    # The first window holds a few matches; the rest are ranked in a deeper one.
    monkeypatch.setattr(engine, "RERANK_WINDOW", 2)
    monkeypatch.setattr(engine, "MAX_WINDOW", 50)
    for limit in (0, 1, 20):
        result = _search(backend, limit=limit)
        assert result.total == expected.total == _type_sum(result)
    # The matches after the first window follow it: pages are slices of one ranking.
    ranked = [h.id for h in _search(backend, limit=20).hits]
    assert _paged(backend, 1) == ranked
    assert sorted(ranked) == sorted(h.id for h in expected.hits)


def test_a_window_whose_tail_cannot_reach_the_floor_settles_the_set(
    backend: TantivyBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    strict = Tuning(min_score=60)
    expected = _search(backend, limit=20, tuning=strict)
    monkeypatch.setattr(engine, "RERANK_WINDOW", 4)
    monkeypatch.setattr(engine, "MAX_WINDOW", 4)
    result = _search(backend, limit=0, tuning=strict, explain=True)
    assert result.debug and result.debug["min_score"]["exact"] is True
    assert result.debug["min_score"]["matched"] == 9
    assert result.total == expected.total == _type_sum(result)


def test_too_many_matches_to_settle_count_everything(
    backend: TantivyBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "RERANK_WINDOW", 2)
    monkeypatch.setattr(engine, "MAX_WINDOW", 2)
    for limit in (0, 1, 2):
        result = _search(backend, limit=limit, explain=True)
        assert result.debug and result.debug["min_score"]["exact"] is False
        assert result.total == _type_sum(result) == 9


# ---------------------------------------------------------------- the search API


@pytest.fixture
def thermo_catalog(db: None, search_backend: TantivyBackend) -> TantivyBackend:
    from factories import build_catalog, make_course, make_resource

    from learn.catalog.models import LearningResource
    from learn.search.indexing import rebuild_index

    catalog = build_catalog()
    ref = catalog.ref
    make_course(ref, "2.40+fall_2020", "Thermodynamics", numbers=(("2.40", "6"),))
    make_resource(ref, "video", "thermo-video", "Thermodynamics and Kinetics", platform="youtube")
    weak = [
        make_course(ref, f"2.9{i}+fall_2020", f"Survey {i}", numbers=((f"2.9{i}", "6"),))
        for i in range(3)
    ]
    weak += [
        make_resource(ref, "video", f"survey-video-{i}", f"Survey video {i}", platform="youtube")
        for i in range(3)
    ]
    LearningResource.objects.filter(pk__in=[r.pk for r in weak]).update(
        description=f"{FILLER} thermodynamics {FILLER}",
        full_description="",
        completeness=0.0,
    )
    rebuild_index(search_backend)
    return search_backend


def test_the_api_counts_pages_and_facets_one_set(thermo_catalog: TantivyBackend) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    url = "/api/v1/learning_resources_search/?q=thermodynamics&aggregations=resource_type"
    untrimmed = thermo_catalog.search(
        SearchQuery(text="thermodynamics", limit=0, tuning=Tuning(min_score=0))
    ).total
    bodies = {limit: client.get(f"{url}&limit={limit}").json() for limit in (0, 5, 20)}
    count = bodies[0]["count"]
    assert 0 < count < untrimmed
    for body in bodies.values():
        assert body["count"] == count
        types = body["metadata"]["aggregations"]["resource_type"]
        assert sum(b["doc_count"] for b in types) == count
    ids: list[int] = []
    for offset in range(0, count + 4, 2):
        ids += [r["id"] for r in client.get(f"{url}&limit=2&offset={offset}").json()["results"]]
    assert len(ids) == len(set(ids)) == count
    # A filtered facet counts the selected value exactly as the request counts.
    body = client.get(f"{url}&resource_type=video&limit=1").json()
    videos = {b["key"]: b["doc_count"] for b in body["metadata"]["aggregations"]["resource_type"]}
    assert body["count"] == videos["video"]
