"""A full rebuild in worker processes: the same documents, in the same order, as in-process; a
worker's error aborts it and the old index keeps answering."""

from __future__ import annotations

import os
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from factories import Catalog, build_catalog

from learn.search import indexing
from learn.search.backends.tantivy import TantivyBackend, document_values
from learn.search.indexing import (
    _content_file_pks,
    _Producer,
    _resource_pks,
    content_file_documents,
    count_indexable,
    rebuild_index,
    resource_documents,
)
from learn.search.query import SearchQuery

# The catalog must be committed: forked workers read it over their own connections.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def catalog(monkeypatch: pytest.MonkeyPatch) -> Catalog:
    monkeypatch.setattr(indexing, "BATCH", 2)  # several batches from a small catalog
    monkeypatch.setattr(indexing.random, "random", lambda: 0.25)  # featured tie-breakers
    return build_catalog()


def _tasks() -> list[tuple[indexing.IndexName, list[int]]]:
    resources, files = _resource_pks(), _content_file_pks()
    return [("resource", resources[i : i + 2]) for i in range(0, len(resources), 2)] + [
        ("content_file", files[i : i + 2]) for i in range(0, len(files), 2)
    ]


def test_workers_prepare_what_the_engine_prepares_in_process(
    catalog: Catalog, tmp_path: Path
) -> None:
    backend = TantivyBackend(tmp_path / "search")
    en, words = backend.analyzers["en_learn"], backend.analyzers["words_learn"]
    serial = [
        document_values(doc, en, words)
        for docs in (resource_documents(), content_file_documents())
        for doc in docs
    ]
    tasks = _tasks()
    assert len(tasks) > 4
    with _Producer(backend, tasks, indexing.featured_ranks(), workers=2) as produced:
        parallel = list(produced)
    assert [v["uid"] for v in parallel] == [v["uid"] for v in serial]
    assert parallel == serial


def test_parallel_rebuild_indexes_what_an_in_process_one_does(
    catalog: Catalog, tmp_path: Path
) -> None:
    one, two = TantivyBackend(tmp_path / "one"), TantivyBackend(tmp_path / "two")
    progressed: list[int] = []
    assert rebuild_index(one, workers=1) == rebuild_index(two, progressed.append, workers=2)
    resources, files = count_indexable()
    assert sum(progressed) == resources + files
    assert two.status().counts == {"resource": resources, "content_file": files}
    for text in ("", "algorithms", "linear algebra", "6.006", "lecture"):
        query = SearchQuery(text=text, limit=100, show_ocw_files=True)
        a, b = one.search(query), two.search(query)
        assert a.total == b.total
        # Same documents and scores (segments differ: ties may come in another order, and
        # scores differ in the last bits).
        scores = {h.source["id"]: h.score for h in b.hits}
        assert scores == pytest.approx({h.source["id"]: h.score for h in a.hits}, rel=1e-9)
        assert {h.source["id"]: h.source for h in a.hits} == {
            h.source["id"]: h.source for h in b.hits
        }
        assert a.aggregations == b.aggregations


def _failing_batch(chunk: list[int]) -> list[object]:
    raise RuntimeError("the catalog went away")


def test_a_worker_error_fails_the_rebuild_and_keeps_the_old_index(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = TantivyBackend(tmp_path / "search")
    rebuild_index(backend, workers=1)
    before = backend.status().counts
    generation = backend._read_generation()
    monkeypatch.setattr(indexing, "_content_file_batch", _failing_batch)
    with pytest.raises(RuntimeError, match="the catalog went away"):
        rebuild_index(backend, workers=2)
    assert backend._read_generation() == generation
    assert backend.status().counts == before
    assert backend.search(SearchQuery(text="algorithms")).hits


def _dying_batch(chunk: list[int]) -> list[object]:
    os._exit(1)


def test_a_dead_worker_fails_the_rebuild(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = TantivyBackend(tmp_path / "search")
    monkeypatch.setattr(indexing, "_content_file_batch", _dying_batch)
    with pytest.raises(BrokenProcessPool):
        rebuild_index(backend, workers=2)
    assert backend._read_generation() == ""  # nothing was switched to
