"""The backend contract, run fully against the embedded Tantivy engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from backend_contract import BackendContract

from learn.search.backends.tantivy import TantivyBackend


class TestTantivyBackend(BackendContract):
    @pytest.fixture
    def backend(self, tmp_path: Path) -> TantivyBackend:
        return TantivyBackend(tmp_path / "search")


def test_reopening_keeps_the_index(tmp_path: Path) -> None:
    from search_fixtures import corpus

    from learn.search.query import SearchQuery

    TantivyBackend(tmp_path).rebuild(corpus())
    assert TantivyBackend(tmp_path).search(SearchQuery(text="6.006")).total == 2


def test_a_held_writer_lock_reports_unavailable(tmp_path: Path) -> None:
    from search_fixtures import resource

    from learn.search.backends import SearchUnavailable

    backend = TantivyBackend(tmp_path)
    backend.rebuild([resource(1, "One")])
    other = TantivyBackend(tmp_path)
    writer = other._ensure_open().writer()
    try:
        with pytest.raises(SearchUnavailable):
            backend.index([resource(2, "Two")])
    finally:
        del writer
