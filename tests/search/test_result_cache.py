"""The per-process lexical result cache: a repeat is answered from memory, an index change is
never answered from an older version, and nothing a caller does to its answer leaks to the next."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from search_fixtures import resource

from learn.observability.metrics import SEARCH_RESULT_CACHE
from learn.retrieval.modes import run_search
from learn.retrieval.result_cache import ResultCache, result_cache
from learn.search.backends import reset_backend
from learn.search.backends.tantivy import TantivyBackend
from learn.search.query import SearchQuery, SearchResult, Tuning

QUERY = SearchQuery(
    text="thermodynamics", aggregations=("resource_type",), tuning=Tuning(search_mode="best_fields")
)


def _hits() -> float:
    return SEARCH_RESULT_CACHE.labels("hit")._value.get()


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[TantivyBackend]:
    engine = TantivyBackend(tmp_path / "search")
    engine.index([resource(1, "Thermodynamics"), resource(2, "Organic Chemistry")])
    reset_backend(engine)
    result_cache().clear()
    yield engine
    reset_backend(None)
    result_cache().clear()


def _ids(result: SearchResult) -> list[str]:
    return [hit.id for hit in result.hits]


def test_a_repeat_is_answered_from_the_cache(backend: TantivyBackend) -> None:
    first, _ = run_search(QUERY)
    before = _hits()
    again, flags = run_search(QUERY)
    assert _hits() == before + 1
    assert _ids(again) == _ids(first) == ["1"] and again.total == first.total == 1
    assert again.aggregations == first.aggregations and flags == {"search_mode": "best_fields"}


def test_an_index_change_is_seen_at_once(backend: TantivyBackend) -> None:
    assert run_search(QUERY)[0].total == 1
    backend.index([resource(3, "Statistical Thermodynamics")])
    result, _ = run_search(QUERY)
    assert result.total == 2 and sorted(_ids(result)) == ["1", "3"]
    backend.delete("resource", ["1"])
    assert _ids(run_search(QUERY)[0]) == ["3"]


def test_editing_an_answer_does_not_change_the_next(backend: TantivyBackend) -> None:
    first, flags = run_search(QUERY)
    first.hits.clear()
    first.aggregations["resource_type"].clear()
    flags["search_mode"] = "changed"
    again, flags_again = run_search(QUERY)
    assert _ids(again) == ["1"] and again.aggregations["resource_type"]
    assert flags_again == {"search_mode": "best_fields"}


def test_different_queries_are_different_entries(backend: TantivyBackend) -> None:
    run_search(QUERY)
    other = SearchQuery(text="chemistry", tuning=Tuning(search_mode="best_fields"))
    assert _ids(run_search(other)[0]) == ["2"]
    paged = SearchQuery(text="thermodynamics", offset=1, tuning=Tuning(search_mode="best_fields"))
    assert run_search(paged)[0].hits == [] and run_search(paged)[0].total == 1


def _entry(n: int) -> tuple[SearchResult, dict[str, str]]:
    return SearchResult(total=n, hits=[]), {}


def test_an_engine_without_a_version_and_a_size_of_zero_are_never_cached() -> None:
    calls: list[int] = []

    def compute() -> tuple[SearchResult, dict[str, str]]:
        calls.append(1)
        return _entry(len(calls))

    ResultCache(8).get_or_compute(None, QUERY, compute)
    ResultCache(8).get_or_compute(None, QUERY, compute)
    off = ResultCache(0)
    off.get_or_compute("v1", QUERY, compute)
    off.get_or_compute("v1", QUERY, compute)
    explained = SearchQuery(text="x", explain=True)
    on = ResultCache(8)
    on.get_or_compute("v1", explained, compute)
    on.get_or_compute("v1", explained, compute)
    assert len(calls) == 6


def test_the_cache_keeps_the_most_recently_used_entries() -> None:
    cache = ResultCache(2)
    queries = [SearchQuery(text=word) for word in ("a", "b", "c")]
    cache.get_or_compute("v", queries[0], lambda: _entry(0))
    cache.get_or_compute("v", queries[1], lambda: _entry(1))
    cache.get_or_compute("v", queries[0], lambda: _entry(99))  # a hit: "a" is now the newest
    cache.get_or_compute("v", queries[2], lambda: _entry(2))  # evicts "b"
    assert cache.get_or_compute("v", queries[0], lambda: _entry(99))[0].total == 0
    assert cache.get_or_compute("v", queries[1], lambda: _entry(11))[0].total == 11
    assert cache.get_or_compute("v2", queries[0], lambda: _entry(5))[0].total == 5
