"""The OpenSearch adapter follows the engine's documented rules (issue #21), checked offline
through the client double ``FakeOpenSearch`` (a test fixture that enforces those rules: refresh
visibility, max_result_window, per-item bulk errors, aliases, index existence)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import test_opensearch_contract  # noqa: F401  (registers the ranking script's Python reading)
from opensearch_double import FakeOpenSearch
from search_fixtures import corpus, resource

from learn.search.backends import SearchUnavailable, SearchWriteError
from learn.search.backends.opensearch import (
    INDEX_TYPES,
    MAX_RESULT_WINDOW,
    OpenSearchBackend,
    index_settings,
)
from learn.search.query import IndexDocument, SearchQuery, Tuning


@pytest.fixture
def client() -> FakeOpenSearch:
    return FakeOpenSearch()


@pytest.fixture
def backend(client: FakeOpenSearch) -> OpenSearchBackend:
    backend = OpenSearchBackend(client, prefix="t", replicas=0)
    backend.rebuild(corpus())
    return backend


def _ids(backend: OpenSearchBackend, **kwargs: object) -> list[int]:
    result = backend.search(SearchQuery(limit=50, show_ocw_files=True, **kwargs))  # type: ignore[arg-type]
    return [int(h.source["id"]) for h in result.hits]


# 1 ---------------------------------------------------------------- refresh


def test_rebuild_refreshes_the_new_indexes_before_the_swap(
    backend: OpenSearchBackend, client: FakeOpenSearch
) -> None:
    assert backend.search(SearchQuery(show_ocw_files=True)).total == len(corpus())
    client.calls.clear()
    backend.rebuild(corpus()[:3])
    kinds = [k for k, _ in client.calls]
    assert "indices.refresh" in kinds
    assert kinds.index("indices.refresh") < len(kinds) - 1 - kinds[::-1].index(
        "indices.update_aliases"
    )
    assert backend.search(SearchQuery(show_ocw_files=True)).total == 3


def test_writes_become_visible_with_a_refresh(backend: OpenSearchBackend) -> None:
    backend.index([resource(90, "Quantum Widgets")])
    assert _ids(backend, text="quantum widgets") == []  # the engine's near-real-time rule
    backend.refresh()
    assert _ids(backend, text="quantum widgets") == [90]
    assert index_settings()["settings"]["refresh_interval"] == "1s"


# 2 ---------------------------------------------------------------- bulk failures


def test_rejected_bulk_items_fail_index_and_delete(
    backend: OpenSearchBackend, client: FakeOpenSearch
) -> None:
    client.bulk_item_failure = (429, "es_rejected_execution_exception")
    with pytest.raises(SearchUnavailable):
        backend.index([resource(90, "Quantum Widgets")])
    with pytest.raises(SearchUnavailable):
        backend.delete("resource", ["1"])
    client.bulk_item_failure = (400, "mapper_parsing_exception")
    with pytest.raises(SearchWriteError):
        backend.index([resource(90, "Quantum Widgets")])


def test_a_failed_rebuild_never_swaps(backend: OpenSearchBackend, client: FakeOpenSearch) -> None:
    before = set(client.indexes)
    client.bulk_item_failure = (429, "es_rejected_execution_exception")
    with pytest.raises(SearchUnavailable):
        backend.rebuild([resource(99, "Only One")])
    client.bulk_item_failure = None
    assert set(client.indexes) == before  # the new indexes are dropped, the live ones stay
    assert backend.search(SearchQuery(show_ocw_files=True)).total == len(corpus())
    assert not client.aliases.keys() & {backend.alias(t, "reindexing") for t in INDEX_TYPES}


def test_busy_engine_is_unavailable(backend: OpenSearchBackend, client: FakeOpenSearch) -> None:
    for status in (429, 503):
        client.unavailable_status = status
        with pytest.raises(SearchUnavailable):
            backend.search(SearchQuery(text="algorithms"))


@pytest.fixture
def opensearch_app(db: None, client: FakeOpenSearch) -> Iterator[OpenSearchBackend]:
    from learn.search.backends import reset_backend

    backend = OpenSearchBackend(client, prefix="t", replicas=0)
    backend.rebuild(corpus())
    reset_backend(backend)
    yield backend
    reset_backend(None)


def test_busy_engine_is_503_at_the_api(
    opensearch_app: OpenSearchBackend, client: FakeOpenSearch
) -> None:
    from rest_framework.test import APIClient

    api = APIClient()
    url = "/api/v1/learning_resources_search/"
    assert api.get(url, {"q": "algorithms", "search_mode": "phrase"}).status_code == 200
    client.unavailable_status = 429
    assert api.get(url, {"q": "algorithms", "search_mode": "phrase"}).status_code == 503


def test_drain_keeps_the_queue_when_bulk_items_fail(
    opensearch_app: OpenSearchBackend, client: FakeOpenSearch
) -> None:
    from factories import build_catalog

    from learn.catalog import hooks
    from learn.search.models import IndexQueueItem
    from learn.search.queue import drain

    catalog = build_catalog()
    IndexQueueItem.objects.all().delete()
    hooks.resources_changed([catalog["algorithms"].pk])
    queued = IndexQueueItem.objects.count()
    assert queued
    for failure in ((429, "es_rejected_execution_exception"), (400, "mapper_parsing_exception")):
        client.bulk_item_failure = failure
        report = drain(opensearch_app)
        assert report.error and report.processed == 0
        assert IndexQueueItem.objects.count() == queued  # nothing lost
    client.bulk_item_failure = None
    report = drain(opensearch_app)
    assert report.processed == queued and IndexQueueItem.objects.count() == 0


# 3 ---------------------------------------------------------------- a partly typed last word


def test_unfinished_last_word_matches_as_a_prefix(backend: OpenSearchBackend) -> None:
    assert set(_ids(backend, text="introduction to algo")[:2]) == {1, 2}
    # Either of two words may match (as on Tantivy): the unfinished one ranks both first.
    assert set(_ids(backend, text="linear alg")[:2]) == {4, 5}


# 4 ---------------------------------------------------------------- max_result_window


def test_deep_pages_stay_inside_the_result_window(backend: OpenSearchBackend) -> None:
    total = backend.search(SearchQuery(show_ocw_files=True)).total
    near = backend.search(SearchQuery(show_ocw_files=True, offset=MAX_RESULT_WINDOW - 5, limit=20))
    past = backend.search(SearchQuery(show_ocw_files=True, offset=MAX_RESULT_WINDOW, limit=20))
    assert near.hits == [] and past.hits == [] and near.total == past.total == total


def test_the_window_caps_from_plus_size() -> None:
    client = FakeOpenSearch()
    backend = OpenSearchBackend(client, prefix="t")
    backend.rebuild([resource(i, f"Course {i}") for i in range(1, 13)])
    result = backend.search(SearchQuery(sort="id", offset=MAX_RESULT_WINDOW - 2, limit=20))
    body = client.calls[-1][1]["body"]
    assert body["from"] + body["size"] <= MAX_RESULT_WINDOW and result.total == 12


# 5 ---------------------------------------------------------------- a filter that leaves no index


def test_a_filter_that_leaves_no_index_searches_nothing(client: FakeOpenSearch) -> None:
    other = OpenSearchBackend(client, prefix="other")
    other.rebuild(corpus())  # another application's indexes on the same cluster
    mine = OpenSearchBackend(client, prefix="mine")
    mine.rebuild([])
    client.calls.clear()
    result = mine.search(SearchQuery(filters={"resource_type": ("learning_path",)}))
    assert result.total == 0 and result.hits == []
    assert not [c for k, c in client.calls if k == "search" and not c["index"]]


# 6 ---------------------------------------------------------------- deletes during a rebuild


def test_a_delete_during_a_rebuild_reaches_the_new_index(backend: OpenSearchBackend) -> None:
    many = corpus() + [resource(1000 + i, f"Course {i}") for i in range(120)]

    def documents() -> Iterator[IndexDocument]:
        for i, doc in enumerate(many):
            if i == 110:  # the first bulk of 100 (resource 1 in it) is in the new index
                backend.delete("resource", ["1"])
            yield doc

    backend.rebuild(documents())
    assert 1 not in _ids(backend)
    assert backend.search(SearchQuery(filters={"id": ("1",)})).total == 0


# 7 ------------------------------------------------------- scoring across shards, min_score


def test_keyword_searches_use_dfs_query_then_fetch(
    backend: OpenSearchBackend, client: FakeOpenSearch
) -> None:
    client.calls.clear()
    backend.search(SearchQuery(text="algorithms"))
    backend.search(SearchQuery())
    searches = [c for k, c in client.calls if k == "search"]
    assert searches[-1].get("search_type") is None  # browse: no text statistics needed
    assert {c.get("search_type") for c in searches[:-1]} == {"dfs_query_then_fetch"}


def test_min_score_is_a_share_of_the_best_score(backend: OpenSearchBackend) -> None:
    everything = backend.search(SearchQuery(text="algorithms", tuning=Tuning(min_score=0.0)))
    best = max(h.score for h in everything.hits)
    top = backend.search(SearchQuery(text="algorithms", tuning=Tuning(min_score=100.0)))
    assert top.hits and all(h.score == pytest.approx(best) for h in top.hits)
    half = backend.search(SearchQuery(text="algorithms", tuning=Tuning(min_score=50.0)))
    expected = {h.id for h in everything.hits if h.score >= best * 0.5}
    assert {h.id for h in half.hits} == expected and half.total == len(expected)


# 8 ---------------------------------------------------------------- synonyms at search time only


def test_synonyms_apply_at_search_time_only() -> None:
    settings = index_settings()
    analyzers = settings["settings"]["analysis"]["analyzer"]
    title = settings["mappings"]["properties"]["search"]["properties"]["title"]
    index_side = analyzers[title["analyzer"]]["filter"]
    search_side = analyzers[title["search_analyzer"]]["filter"]
    assert "synonym_filter" not in index_side and "synonym_filter" in search_side
    # every analyzer an index uses at index time is synonym-free
    for name, spec in analyzers.items():
        if name != title["search_analyzer"]:
            assert "synonym_filter" not in spec["filter"]


# 9 ---------------------------------------------------------------- smaller ones


def test_a_type_change_leaves_the_old_types_index(backend: OpenSearchBackend) -> None:
    backend.index([resource(4, "Linear Algebra", numbers=("18.06",), resource_type="video")])
    backend.refresh()
    result = backend.search(SearchQuery(filters={"id": ("4",)}))
    assert result.total == 1 and result.hits[0].source["resource_type"] == "video"


def test_alias_lookups_do_not_grow_with_the_documents(
    backend: OpenSearchBackend, client: FakeOpenSearch
) -> None:
    docs = [resource(100 + i, f"Course {i}") for i in range(15)]
    client.calls.clear()
    backend.index(docs)
    backend.index(docs[:3])
    lookups = [k for k, _ in client.calls if k in ("indices.exists_alias", "indices.get_alias")]
    assert len(lookups) <= 2  # one look for a running rebuild per write, nothing per document


def test_replicas_are_configurable(client: FakeOpenSearch) -> None:
    OpenSearchBackend(client, prefix="r", replicas=0).rebuild([])
    assert {i.settings["number_of_replicas"] for i in client.indexes.values()} == {0}
    assert index_settings()["settings"]["number_of_replicas"] == 2  # MIT Learn's default
