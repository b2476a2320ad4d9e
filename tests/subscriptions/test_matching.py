"""match_queries, the percolation contract of the search port: run on Tantivy here, on
OpenSearch when OPENSEARCH_URL is set; the OpenSearch request bodies are checked offline."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "search"))
from search_fixtures import resource  # noqa: E402

from learn.search.backends.base import SearchBackend  # noqa: E402
from learn.search.backends.opensearch import (  # noqa: E402
    OpenSearchBackend,
    parse_percolate_response,
    percolate_body,
    percolator_index_settings,
    percolator_query,
)
from learn.search.backends.tantivy import TantivyBackend  # noqa: E402
from learn.search.query import SearchQuery  # noqa: E402

NEW = [
    resource(1, "Quantum Mechanics", topics=("Physics",), departments=("8",)),
    resource(2, "Linear Algebra", topics=("Mathematics",), departments=("18",)),
    resource(3, "Statistical Mechanics", topics=("Physics",), offered_by="mitx", platform="edx"),
    resource(4, "Introduction to Algorithms", topics=("Computer Science",), departments=("6",)),
]


class MatchContract:
    def test_text_filters_and_both(self, backend: SearchBackend) -> None:
        found = backend.match_queries(
            {
                "mechanics": SearchQuery(text="mechanics"),
                "physics": SearchQuery(filters={"topic": ("Physics",)}),
                "mitx physics": SearchQuery(
                    filters={"topic": ("Physics",), "offered_by": ("mitx",)}
                ),
                "quantum physics": SearchQuery(text="quantum", filters={"topic": ("Physics",)}),
                "algebra in physics": SearchQuery(text="algebra", filters={"topic": ("Physics",)}),
                "nothing": SearchQuery(text="pottery"),
                "everything": SearchQuery(),
                "maths or cs": SearchQuery(filters={"department": ("18", "6")}),
            },
            NEW,
        )
        assert found == {
            "mechanics": ["1", "3"],
            "physics": ["1", "3"],
            "mitx physics": ["3"],
            "quantum physics": ["1"],
            "algebra in physics": [],
            "nothing": [],
            "everything": ["1", "2", "3", "4"],
            "maths or cs": ["2", "4"],
        }

    def test_only_the_given_documents_and_nothing_for_nothing(self, backend: SearchBackend) -> None:
        assert backend.match_queries({"q": SearchQuery(text="algebra")}, NEW[:1]) == {"q": []}
        assert backend.match_queries({"q": SearchQuery(text="algebra")}, []) == {"q": []}
        assert backend.match_queries({}, NEW) == {}


class TestTantivyMatching(MatchContract):
    @pytest.fixture
    def backend(self, tmp_path: Path) -> SearchBackend:
        return TantivyBackend(tmp_path / "search")

    def test_the_live_index_is_untouched(self, tmp_path: Path) -> None:
        backend = TantivyBackend(tmp_path / "search")
        backend.rebuild([resource(9, "Organic Chemistry")])
        backend.match_queries({"q": SearchQuery(text="chemistry")}, NEW)
        hits = backend.search(SearchQuery(text="chemistry")).hits
        assert [h.id for h in hits] == ["9"]
        assert not (tmp_path / "search" / "scratch-unused").exists()


@pytest.mark.skipif(not os.environ.get("OPENSEARCH_URL"), reason="OPENSEARCH_URL is not set")
class TestOpenSearchMatching(MatchContract):
    @pytest.fixture
    def backend(self) -> SearchBackend:
        import uuid

        url = os.environ["OPENSEARCH_URL"]
        return OpenSearchBackend.from_url(url, prefix=f"test_{uuid.uuid4().hex[:8]}")


def test_the_stored_query_is_the_search_query_without_scoring() -> None:
    query = SearchQuery(text="quantum", filters={"topic": ("Physics",)})
    stored = percolator_query(query)
    filters = stored["bool"]["filter"]
    assert {"term": {"search.kind": "resource"}} in filters
    assert any("search.f.topic" in str(f) for f in filters)
    assert "multi_match" in str(stored["bool"]["must"])
    assert "function_score" not in str(stored) and "min_score" not in str(stored)
    assert "must" not in percolator_query(SearchQuery(filters={"topic": ("Physics",)}))["bool"]


def test_percolate_request_and_response() -> None:
    body: dict[str, Any] = percolate_body(["7", "8"], NEW[:2])
    assert body["query"]["bool"]["filter"] == [{"ids": {"values": ["7", "8"]}}]
    percolate = body["query"]["bool"]["must"][0]["percolate"]
    assert percolate["field"] == "query" and len(percolate["documents"]) == 2
    assert percolate["documents"][0]["search"]["id"] == 1
    assert body["size"] == 2
    response = {
        "hits": {
            "hits": [
                {"_id": "7", "fields": {"_percolator_document_slot": [1, 0]}},
                {"_id": "8", "fields": {"_percolator_document_slot": [1]}},
            ]
        }
    }
    assert parse_percolate_response(response, NEW[:2]) == {"7": ["1", "2"], "8": ["2"]}
    mappings = percolator_index_settings()["mappings"]["properties"]
    assert mappings["query"] == {"type": "percolator"} and "search" in mappings
