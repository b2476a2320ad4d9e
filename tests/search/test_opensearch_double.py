"""The client double enforces the engine rules it claims to (a fixture that let everything
through would make the OpenSearch tests unable to fail)."""

from __future__ import annotations

import json

import pytest
from opensearch_double import FakeOpenSearch
from opensearchpy.exceptions import NotFoundError, RequestError

MAPPINGS = {"properties": {"t": {"type": "text", "analyzer": "standard"}, "k": {"type": "keyword"}}}


def _cluster() -> FakeOpenSearch:
    client = FakeOpenSearch()
    client.indices.create(index="a1", body={"mappings": MAPPINGS})
    client.indices.update_aliases(body={"actions": [{"add": {"index": "a1", "alias": "a"}}]})
    return client


def _write(client: FakeOpenSearch, index: str, doc_id: str, doc: dict[str, str]) -> dict:  # type: ignore[type-arg]
    return client.bulk(
        body=json.dumps({"index": {"_index": index, "_id": doc_id}}) + "\n" + json.dumps(doc) + "\n"
    )


def test_writes_are_invisible_until_a_refresh() -> None:
    client = _cluster()
    _write(client, "a", "1", {"t": "hello world", "k": "x"})
    assert client.search(index="a", body={"query": {"match_all": {}}})["hits"]["hits"] == []
    assert client.count(index="a")["count"] == 0
    client.indices.refresh(index="a")
    assert client.count(index="a")["count"] == 1


def test_result_window_and_unknown_names_are_errors() -> None:
    client = _cluster()
    with pytest.raises(RequestError):
        client.search(index="a", body={"from": 9_995, "size": 10})
    with pytest.raises(NotFoundError):
        client.search(index="missing", body={})
    with pytest.raises(RequestError):
        client.search(
            index="a",
            body={"query": {"multi_match": {"query": "x", "fields": ["t"], "operatr": "and"}}},
        )


def test_alias_actions_are_atomic_and_bulk_items_fail_alone() -> None:
    client = _cluster()
    with pytest.raises(NotFoundError):
        client.indices.update_aliases(
            body={
                "actions": [
                    {"add": {"index": "a1", "alias": "b"}},
                    {"add": {"index": "nope", "alias": "b"}},
                ]
            }
        )
    assert not client.indices.exists_alias(name="b")
    client.bulk_item_failure = (429, "es_rejected_execution_exception")
    result = _write(client, "a", "1", {"t": "x"})
    assert result["errors"] and result["items"][0]["index"]["status"] == 429


def test_queries_are_evaluated() -> None:
    client = _cluster()
    _write(client, "a", "1", {"t": "Introduction to Algorithms", "k": "x"})
    _write(client, "a", "2", {"t": "Linear Algebra", "k": "y"})
    client.indices.refresh(index="a")

    def ids(query: dict) -> list[str]:  # type: ignore[type-arg]
        hits = client.search(index="a", body={"query": query})["hits"]["hits"]
        return [h["_id"] for h in hits]

    assert ids(
        {"multi_match": {"query": "algebra linear", "fields": ["t"], "operator": "and"}}
    ) == ["2"]
    assert (
        ids({"multi_match": {"query": "algebra linear", "fields": ["t"], "type": "phrase"}}) == []
    )
    assert ids({"multi_match": {"query": "algo", "fields": ["t"], "type": "phrase_prefix"}}) == [
        "1"
    ]
    assert ids({"multi_match": {"query": "algo", "fields": ["t"]}}) == []
    assert ids({"multi_match": {"query": "algebar", "fields": ["t"], "fuzziness": "AUTO"}}) == ["2"]
    assert ids({"term": {"k": {"value": "Y", "case_insensitive": True}}}) == ["2"]
    assert ids({"bool": {"must_not": [{"term": {"k": "y"}}]}}) == ["1"]
