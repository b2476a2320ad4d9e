"""Lexical modes loosen a long query that finds too little: all but one of its concepts, then half
of them (engine-neutral policy in learn.retrieval.modes, the engine's ``word_match``)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from factories import Catalog, build_catalog

from learn.retrieval.lexical import lexical_search
from learn.retrieval.modes import run_search
from learn.search.backends.tantivy import TantivyBackend
from learn.search.indexing import rebuild_index
from learn.search.query import SearchQuery, Tuning
from learn.search.text import needed_concepts


@pytest.fixture
def indexed(db: None, search_backend: TantivyBackend) -> Catalog:
    catalog = build_catalog()
    rebuild_index(search_backend)
    return catalog


def test_needed_concepts() -> None:
    assert [needed_concepts(n) for n in (1, 2, 3, 4, 6)] == [1, 1, 2, 3, 5]
    assert [needed_concepts(n, "some") for n in (1, 2, 3, 4, 6)] == [1, 1, 2, 2, 3]


@pytest.mark.parametrize("mode", ["phrase", "best_fields", "most_fields"])
def test_a_long_query_that_finds_nothing_falls_back_to_half_its_words(
    indexed: Catalog, search_backend: TantivyBackend, mode: str
) -> None:
    query = SearchQuery(
        text="introduction algorithms zebra giraffe", tuning=Tuning(search_mode=mode)
    )
    assert search_backend.search(query).total == 0  # three of four words: nothing
    loose = search_backend.search(replace(query, word_match="some"))
    assert indexed["algorithms"].pk in [int(h.id) for h in loose.hits]
    result = lexical_search(search_backend, query)
    assert result.total == loose.total > 0
    via_mode, flags = run_search(query)
    assert [h.id for h in via_mode.hits] == [h.id for h in loose.hits]
    assert flags == {"search_mode": mode}


def test_enough_matches_keep_the_stricter_set(
    indexed: Catalog, search_backend: TantivyBackend
) -> None:
    query = SearchQuery(text="introduction to algorithms", tuning=Tuning(search_mode="phrase"))
    strict = search_backend.search(query)
    assert [h.id for h in lexical_search(search_backend, query).hits] == [h.id for h in strict.hits]
    # Two words or fewer are never loosened: one of two is already enough.
    short = SearchQuery(text="zebra giraffe", tuning=Tuning(search_mode="phrase"))
    assert lexical_search(search_backend, short).total == 0


def test_sorted_requests_order_the_relevance_set(
    indexed: Catalog, search_backend: TantivyBackend
) -> None:
    base = SearchQuery(text="computer science algorithms", limit=50, aggregations=("platform",))
    ranked = search_backend.search(base)
    assert ranked.total > 0
    for sort in ("-id", "id", "new", "-views", "mitcoursenumber", "-start_date"):
        ordered = search_backend.search(replace(base, sort=sort))
        assert ordered.total == ranked.total, sort
        assert sorted(h.id for h in ordered.hits) == sorted(h.id for h in ranked.hits), sort
        assert ordered.aggregations == ranked.aggregations, sort
