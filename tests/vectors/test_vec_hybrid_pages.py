"""Hybrid pages and facet counts over engines whose answers the test sets exactly.

The lexical engine is a fixed list of matches (best first) over a small index; the vector store
a fixed list of dense candidates. Each case places the dense candidates differently against the
lexical pool (inside it, among the lexical matches past it, only in the dense list, under the
similarity floor, missing from the lexical index), so that every page of the result (any offset,
any size) can be checked against one independently computed order: the fused pool first, then
the remaining lexical matches in lexical order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from learn.retrieval import hybrid
from learn.search.query import Hit, SearchQuery, SearchResult
from learn.vectors.store import Hit as VectorHit
from learn.vectors.store import set_store

FLOOR = hybrid.DENSE_ONLY_FLOOR


def _source(rid: str) -> dict[str, Any]:
    return {"id": int(rid), "title": f"Resource {rid}", "platform": {"code": "ocw"}}


@dataclass
class Lexical:
    """A lexical engine: ``matches`` is the text query's result set, best first; ``index`` holds
    every document (what a filters-only query finds). Pages are slices, as the real ranking's."""

    matches: list[str]
    index: list[str]
    buckets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def search(self, query: SearchQuery) -> SearchResult:
        ids = self.matches if query.text else self.index
        if "id" in query.filters:
            wanted = set(query.filters["id"])
            ids = [i for i in ids if i in wanted]
        hits = [Hit(id=i, score=float(len(ids) - n), source=_source(i)) for n, i in enumerate(ids)]
        return SearchResult(
            total=len(ids),
            hits=hits[query.offset : query.offset + query.limit],
            aggregations={name: self.buckets.get(name, []) for name in query.aggregations},
        )


@dataclass
class Dense:
    """A vector store answering every search with the same candidates, best first."""

    ranked: list[tuple[str, float]]
    payloads: dict[str, dict[str, Any]] = field(default_factory=dict)

    def search(
        self, name: str, vector: Sequence[float], flt: Any = None, limit: int = 10, **_: Any
    ) -> list[VectorHit]:
        return [
            VectorHit(
                id=rid, score=s, payload={"resource_id": int(rid), **self.payloads.get(rid, {})}
            )
            for rid, s in self.ranked[:limit]
        ]


@pytest.fixture
def engines(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``engines(matches, dense, extra=...)``: the lexical engine (``extra``: indexed documents
    the text query does not match) and the vector store the next hybrid searches use."""
    from learn.retrieval import hydration

    monkeypatch.setattr(hybrid, "resource_query_vector", lambda text: [1.0, 0.0])
    # the documents the fusion places without a lexical hit at hand are read by id
    monkeypatch.setattr(hydration, "resources_json", lambda ids: [_source(str(i)) for i in ids])
    previous: list[Any] = []

    def configure(
        matches: list[str], dense: list[tuple[str, float]], extra: Sequence[str] = ()
    ) -> Lexical:
        previous.append(set_store(Dense(dense)))  # type: ignore[arg-type]
        return Lexical(matches, [*matches, *extra])

    yield configure
    if previous:
        set_store(previous[0])


MATCHES = [str(n) for n in range(1, 25)]  # the lexical result set, best first
EXTRA = ("101", "102", "103", "104")  # indexed, but the text query does not match them
CASES = {
    # dense candidates among the lexical matches past the pool, far from its end
    "matched-far": (6, [("12", 0.9), ("101", 0.8), ("3", 0.7), ("20", 0.6), ("15", 0.5)]),
    # ... right after the pool's end
    "matched-adjacent": (4, [("5", 0.9), ("6", 0.8), ("101", 0.7), ("1", 0.6)]),
    # none past the pool: dense-only candidates (one under the floor, one not in the index)
    "dense-only": (4, [("101", 0.9), ("2", 0.8), ("102", 0.7), ("999", 0.6), ("103", 0.3)]),
    # the dense list is the lexical pool itself
    "same-pool": (3, [("2", 0.9), ("1", 0.8), ("3", 0.7)]),
    # no dense candidate at all
    "no-dense": (5, []),
}


def _expected(pool: int, dense: list[tuple[str, float]]) -> tuple[set[str], list[str]]:
    """The fused pool's members, and the lexical matches that follow it, in lexical order."""
    head = set(MATCHES[:pool])
    for rid, score in dense[:pool]:
        if rid in MATCHES or (rid in EXTRA and score >= FLOOR):
            head.add(rid)
    return head, [rid for rid in MATCHES if rid not in head]


def _page(lexical: Lexical, pool: int, offset: int, limit: int) -> tuple[list[str], int]:
    query = SearchQuery(text="bridges", offset=offset, limit=limit)
    result, flags = hybrid.hybrid_search(query, lexical, pool=pool, alpha=0.5)  # type: ignore[arg-type]
    assert flags["search_mode"] == "hybrid"
    return [h.id for h in result.hits], result.total


@pytest.mark.parametrize("case", list(CASES))
def test_every_page_is_a_slice_of_one_order(engines: Any, case: str) -> None:
    pool, dense = CASES[case]
    lexical = engines(MATCHES, dense, EXTRA)
    head, after = _expected(pool, dense)
    everything, total = _page(lexical, pool, 0, 100)
    # the fused pool, then every other lexical match in lexical order; each id once
    assert set(everything[: len(head)]) == head
    assert everything[len(head) :] == after
    assert total == len(everything) == len(set(everything)) == len(head) + len(after)
    for limit in (*range(1, 12), total - 1, total, total + 1):
        for offset in range(total + 2):
            page, count = _page(lexical, pool, offset, limit)
            assert count == total, (offset, limit)
            assert page == everything[offset : offset + limit], (offset, limit)


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("size", [1, 2, 3, 5, 7])
def test_walking_the_pages_lists_each_result_once(engines: Any, case: str, size: int) -> None:
    pool, dense = CASES[case]
    lexical = engines(MATCHES, dense, EXTRA)
    everything, total = _page(lexical, pool, 0, 100)
    walked: list[str] = []
    for offset in range(0, total, size):
        page, count = _page(lexical, pool, offset, size)
        assert count == total and len(page) == min(size, total - offset)
        walked += page
    assert walked == everything


# ------------------------------------------------------------------------ merged facet counts


def _side(only: dict[str, dict[str, Any]], payloads: dict[str, dict[str, Any]]) -> hybrid.DenseSide:
    return hybrid.DenseSide(
        ranked=[(rid, 0.9) for rid in only], payloads=payloads, only=only, lexical=set()
    )


def test_facet_values_with_equal_counts_are_listed_by_name() -> None:
    side = _side({}, {})
    for buckets in (
        [{"key": "ocw", "doc_count": 2}, {"key": "edx", "doc_count": 2}],
        [{"key": "edx", "doc_count": 2}, {"key": "ocw", "doc_count": 2}],
    ):
        merged = hybrid._merged_facet(
            [{"key": "mitpe", "doc_count": 5}, *buckets], "platform", side
        )
        assert merged == [
            {"key": "mitpe", "doc_count": 5},
            {"key": "edx", "doc_count": 2},
            {"key": "ocw", "doc_count": 2},
        ]


def test_dense_only_candidates_add_their_payload_values_else_their_source_values() -> None:
    only = {
        # the payload (what the dense search fetched) carries the facet: its values count
        "101": {"platform": {"code": "ocw"}, "resource_type": "course"},
        # the payload lacks the facet: the source document's values count
        "102": {"platform": {"code": "edx"}, "resource_type": "video"},
        # no payload at all: the source document's values count
        "103": {"platform": {"code": "ocw"}, "resource_type": "course"},
    }
    payloads = {"101": {"platform": ["xpro", "mitpe"]}, "102": {"resource_type": ["podcast"]}}
    side = _side(only, payloads)
    lexical = [{"key": "ocw", "doc_count": 3}, {"key": "edx", "doc_count": 1}]
    assert hybrid._merged_facet(lexical, "platform", side) == [
        {"key": "ocw", "doc_count": 4},
        {"key": "edx", "doc_count": 2},
        {"key": "mitpe", "doc_count": 1},
        {"key": "xpro", "doc_count": 1},
    ]
    assert hybrid._merged_facet([], "resource_type", side) == [
        {"key": "course", "doc_count": 2},
        {"key": "podcast", "doc_count": 1},
    ]


def test_a_facet_value_counted_zero_times_is_not_listed() -> None:
    buckets = [{"key": "ocw", "doc_count": 3}, {"key": "edx", "doc_count": 0}]
    side = _side({"101": {"platform": {"code": "mitpe"}}}, {"101": {}})
    assert hybrid._merged_facet(buckets, "platform", side) == [
        {"key": "ocw", "doc_count": 3},
        {"key": "mitpe", "doc_count": 1},
    ]
