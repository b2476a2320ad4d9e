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


def _with_files(tmp_path: Path) -> TantivyBackend:
    from search_fixtures import content_file, corpus

    backend = TantivyBackend(tmp_path)
    backend.rebuild(
        [
            *corpus(),
            content_file(501, "Lecture 3 notes", "eigenvalues and eigenvectors", 4),
            content_file(502, "Lecture 5 notes", "eigenvalues of symmetric matrices", 4),
            content_file(503, "Lecture 4 notes", "determinants and matrix theory", 5),
        ]
    )
    return backend


def test_content_file_matches_count_for_their_resource(tmp_path: Path) -> None:
    from learn.search.query import SearchQuery, Tuning

    backend = _with_files(tmp_path)

    def search(text: str, weight: float) -> dict[str, float]:
        tuning = Tuning(content_file_score_weight=weight, min_score=0.0)
        result = backend.search(
            SearchQuery(text=text, tuning=tuning, aggregations=("resource_type",))
        )
        assert result.total == len(result.hits)
        assert sum(b["doc_count"] for b in result.aggregations["resource_type"]) == result.total
        return {h.id: h.score for h in result.hits}

    # Only its lecture notes mention eigenvalues: the course is found through them.
    assert search("eigenvalues", 1.0).keys() == {"4"}
    assert search("eigenvalues", 0.0) == {}
    # A resource matching on its own gains from its matching files, in proportion to the weight.
    full, half, none = (search("matrix theory", w) for w in (1.0, 0.5, 0.0))
    assert full["5"] > half["5"] > none["5"]
    # Without matching files the weight changes nothing.
    assert search("algorithms", 1.0) == pytest.approx(search("algorithms", 0.0))


def test_dev_mode_explains_the_query_and_every_hit(tmp_path: Path) -> None:
    from learn.search.query import SearchQuery

    backend = _with_files(tmp_path)
    result = backend.search(SearchQuery(text="linear algebr", explain=True))
    assert result.debug is not None
    assert result.debug["engine"] == "tantivy"
    assert result.debug["parsed"]["words"] == ["linear", "algebr"]
    assert result.debug["parsed"]["prefix_word"] == "algebr"
    assert "BooleanQuery" in result.debug["query"]
    assert result.hits
    for hit in result.hits:
        assert hit.explanation is not None
        assert hit.explanation["score"] == pytest.approx(hit.score)
        assert hit.explanation["text"]["value"] == pytest.approx(hit.explanation["text_score"])
    assert backend.search(SearchQuery(text="linear algebra")).debug is None
