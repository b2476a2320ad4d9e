"""OpenSearch adapter without a server: golden request bodies, recorded-shape responses,
bulk splitting, the alias swap of a zero-downtime reindex (through the client double
``FakeOpenSearch``), and an unreachable engine. The engine rules of issue #21 are in
test_opensearch_engine_rules.py, the shared contract in test_opensearch_contract.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from golden_cases import CASES, NOW
from opensearch_double import FakeOpenSearch
from search_fixtures import corpus

from learn.search.backends import SearchUnavailable
from learn.search.backends.opensearch import (
    OpenSearchBackend,
    bulk_chunks,
    document_body,
    index_settings,
    parse_search_response,
    search_body,
)
from learn.search.query import SearchQuery

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("name", sorted(CASES))
def test_request_bodies_match_golden_files(name: str) -> None:
    expected = json.loads((GOLDEN / f"{name}.json").read_text())
    assert json.loads(json.dumps(search_body(CASES[name], NOW))) == expected


def test_disjunctive_facets_skip_their_own_filter() -> None:
    body = search_body(CASES["text_with_facets"], NOW)
    topic_filter = json.dumps(body["aggs"]["topic"]["filter"])
    assert "search.f.topic" not in topic_filter
    assert "search.f.resource_type" in topic_filter and "search.f.free" in topic_filter
    assert len(body["post_filter"]["bool"]["must"]) == 3


def test_course_numbers_and_typos_in_the_query() -> None:
    body = json.dumps(search_body(CASES["text_with_facets"], NOW))
    assert '"value": "18.06"' in body and "AUTO:4,8" in body
    assert "script_score" in body  # completeness and age decay


def test_browse_sorts_by_featured_rank() -> None:
    body = search_body(SearchQuery(), NOW)
    assert body["sort"][0] == {"search.n.browse_key": "asc"}
    assert "function_score" not in json.dumps(body["query"])


def test_settings_carry_synonyms_and_english_analysis() -> None:
    settings = index_settings()
    analysis = settings["settings"]["analysis"]
    rules = analysis["filter"]["synonym_filter"]["synonyms"]
    assert "ai, ml, artificial intelligence, machine learning" in rules
    assert any(r.startswith("scm") for r in rules) and any("micromasters" in r for r in rules)
    assert analysis["analyzer"]["custom_english"]["filter"][-1] == "english_stemmer"
    assert analysis["analyzer"]["custom_english_search"]["filter"][-1] == "english_stemmer"
    props = settings["mappings"]["properties"]["search"]["properties"]
    assert props["f"]["properties"]["topic"] == {"type": "keyword"}
    assert props["n"]["properties"]["age_ts"] == {"type": "double"}


RECORDED_RESPONSE: dict[str, Any] = {
    "took": 7,
    "timed_out": False,
    "_shards": {"total": 2, "successful": 2, "skipped": 0, "failed": 0},
    "hits": {
        "total": {"value": 42, "relation": "eq"},
        "max_score": 12.5,
        "hits": [
            {
                "_index": "learn_course_5f0c",
                "_id": "4",
                "_score": 12.5,
                "_source": {"resource": {"id": 4, "title": "Linear Algebra"}},
            }
        ],
    },
    "aggregations": {
        "resource_type": {
            "doc_count": 50,
            "resource_type": {
                "doc_count_error_upper_bound": 0,
                "sum_other_doc_count": 0,
                "buckets": [
                    {"key": "course", "doc_count": 40},
                    {"key": "program", "doc_count": 10},
                ],
            },
        },
        "free": {
            "doc_count": 42,
            "free": {
                "buckets": [{"key": "true", "doc_count": 30}, {"key": "false", "doc_count": 12}]
            },
        },
    },
}


def test_parse_recorded_response() -> None:
    query = SearchQuery(text="linear", aggregations=("resource_type", "free"))
    result = parse_search_response(query, RECORDED_RESPONSE)
    assert result.total == 42
    assert result.hits[0].source == {"id": 4, "title": "Linear Algebra"}
    assert result.aggregations["resource_type"][1] == {"key": "program", "doc_count": 10}
    assert result.aggregations["free"][0] == {"key": "true", "doc_count": 30}


def test_bulk_bodies_stay_under_the_size_limit() -> None:
    actions = [({"index": {"_index": "x", "_id": d.id}}, document_body(d)) for d in corpus()]
    one = len("".join(bulk_chunks(actions)).encode())
    chunks = list(bulk_chunks(actions, max_bytes=one // 3))
    assert len(chunks) >= 3
    assert all(len(c.encode()) <= one // 3 for c in chunks)
    lines = "".join(chunks).splitlines()
    assert len(lines) == 2 * len(actions)  # nothing lost at the seams


def test_rebuild_builds_new_indexes_then_swaps_aliases_atomically() -> None:
    client = FakeOpenSearch()
    backend = OpenSearchBackend(client, prefix="learn")
    backend.rebuild([])
    old = set(client.indexes)
    client.calls.clear()
    count = backend.rebuild(corpus())
    assert count == len(corpus())
    kinds = [k for k, _ in client.calls]
    assert kinds.index("bulk") > max(i for i, k in enumerate(kinds) if k == "indices.create")
    swap = client.calls[-1]
    assert swap[0] == "indices.update_aliases"
    actions = swap[1]["body"]["actions"]
    old_course = next(n for n in old if n.startswith("learn_course_"))
    assert {"remove_index": {"index": old_course}} in actions
    added = {a["add"]["alias"] for a in actions if "add" in a}
    assert {"learn_course_default", "learn_program_default", "learn_all_default"} <= added
    assert not old & set(client.indexes)  # the old indexes are gone with the swap
    bulk = "".join(call["body"] for k, call in client.calls if k == "bulk")
    assert '"_index": "learn_program_' in bulk and '"_index": "learn_video_' in bulk


def test_rebuild_refuses_to_overlap_a_running_one() -> None:
    client = FakeOpenSearch()
    client.indices.create(index="learn_course_new")
    client.indices.update_aliases(
        body={
            "actions": [{"add": {"index": "learn_course_new", "alias": "learn_course_reindexing"}}]
        }
    )
    with pytest.raises(RuntimeError, match="already running"):
        OpenSearchBackend(client).rebuild(corpus())


def test_unreachable_engine_is_reported_as_unavailable() -> None:
    backend = OpenSearchBackend.from_url("http://127.0.0.1:8179", prefix="learn")
    backend.client.transport.max_retries = 0
    with pytest.raises(SearchUnavailable):
        backend.search(SearchQuery(text="anything"))
    assert backend.status().available is False
