"""One contract suite for every vector store: Qdrant Edge (in-process), the qdrant-client store and
pgvector (real PostgreSQL with the extension; see the ``pgvector_db`` fixture).

The qdrant-client store runs against qdrant-client's own local engine here (no Qdrant server can be
had on this machine); the same code talks to a server when QDRANT_URL is set.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from qdrant_client import QdrantClient

from learn.config.env import get_env
from learn.vectors.documents import (
    CONTENT_FILE_FILTERS,
    RESOURCE_FILTERS,
    content_file_indexes,
    point_id,
    resource_indexes,
)
from learn.vectors.store import Filter, Point, VectorStore, VectorStoreError, VectorStoreUnavailable
from learn.vectors.store.edge import EdgeStore
from learn.vectors.store.pgvector import PgVectorStore
from learn.vectors.store.server import ServerStore

DIM = 8
INDEXES = {"f_kind": "keyword", "f_topic": "keyword", "resource_id": "integer"}


@pytest.fixture(params=["edge", "client", "pgvector", "server"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[VectorStore]:
    """Every test runs on Qdrant Edge (the real engine, in-process), the qdrant-client store over
    qdrant-client's in-memory mode (which does not enforce payload-index rules), pgvector, and a
    real Qdrant server when QDRANT_URL is set."""
    store: VectorStore
    if request.param == "edge":
        store = EdgeStore(tmp_path / "edge")
    elif request.param == "pgvector":
        request.getfixturevalue("pgvector_db")  # tables live in the test's transaction
        store = PgVectorStore(prefix="t")
    elif request.param == "server":
        url = get_env().qdrant_url
        if not url:
            pytest.skip("QDRANT_URL is not set (no Qdrant server here)")
        store = ServerStore.connect(url, get_env().qdrant_api_key, f"t{uuid.uuid4().hex[:8]}")
    else:
        store = ServerStore(QdrantClient(location=":memory:"), prefix="t")
    store.ensure_collection("things", DIM, INDEXES)  # type: ignore[arg-type]
    yield store
    if request.param == "server":
        store.drop_collection("things")  # a real server keeps it otherwise
    store.close()


def _vec(i: int) -> list[float]:
    rng = np.random.default_rng(i)
    v = rng.standard_normal(DIM)
    return list(v / np.linalg.norm(v))


def _points(n: int = 12) -> list[Point]:
    return [
        Point(
            point_id("ocw", f"res-{i}"),
            _vec(i),
            {
                "resource_id": i,
                "f_kind": ["course" if i % 2 else "video"],
                "kind": ["Course" if i % 2 else "Video"],
                "f_topic": ["math", "physics"] if i % 3 == 0 else ["art"],
                "free": "true" if i < 6 else "false",
            },
        )
        for i in range(n)
    ]


def test_point_ids_are_deterministic_uuid5() -> None:
    assert point_id("ocw", "18.06") == point_id("ocw", "18.06")
    assert point_id("ocw", "18.06") != point_id("edx", "18.06")
    assert point_id("ocw", "18.06", "run", "key", 0) != point_id("ocw", "18.06", "run", "key", 1)


def test_upsert_search_retrieve(any_store: VectorStore) -> None:
    points = _points()
    any_store.upsert("things", points)
    assert any_store.count("things") == 12
    hits = any_store.search("things", points[4].vector, limit=3)
    assert hits[0].id == points[4].id and hits[0].score == pytest.approx(1.0, abs=1e-4)
    assert hits[0].payload["resource_id"] == 4
    found = any_store.retrieve("things", [points[2].id], with_vectors=True)
    assert found[0].vector is not None and np.allclose(found[0].vector, points[2].vector, atol=1e-5)


def test_search_returns_vectors_when_asked(any_store: VectorStore) -> None:
    points = _points()
    any_store.upsert("things", points)
    assert all(h.vector is None for h in any_store.search("things", points[4].vector, limit=3))
    hits = any_store.search("things", points[4].vector, limit=3, with_vectors=True)
    by_id = {p.id: p.vector for p in points}
    assert len(hits) == 3
    for hit in hits:
        assert hit.vector is not None and np.allclose(hit.vector, by_id[hit.id], atol=1e-5)


def test_search_returns_only_the_payload_fields_asked_for(any_store: VectorStore) -> None:
    points = _points()
    any_store.upsert("things", points)
    full = any_store.search("things", points[4].vector, limit=1)[0]
    assert len(full.payload) > 2
    hits = any_store.search(
        "things", points[4].vector, limit=3, payload_fields=["resource_id", "f_kind"]
    )
    assert hits[0].id == points[4].id
    assert hits[0].payload == {k: full.payload[k] for k in ("resource_id", "f_kind")}


def test_filters_or_within_and_across_keys(any_store: VectorStore) -> None:
    any_store.upsert("things", _points())
    flt = Filter(must={"f_kind": ["course"], "f_topic": ["math", "nothing"]})
    hits = any_store.search("things", _vec(0), flt, limit=20)
    assert sorted(h.payload["resource_id"] for h in hits) == [3, 9]
    assert any_store.count("things", flt) == 2
    flt = Filter(must={"resource_id": [1, 2, 3]})
    assert any_store.count("things", flt) == 3


def test_boolean_flags_stored_as_keywords_match(any_store: VectorStore) -> None:
    any_store.upsert("things", _points())
    assert any_store.count("things", Filter(must={"free": ["true"]})) == 6


def test_exclude_ids(any_store: VectorStore) -> None:
    points = _points()
    any_store.upsert("things", points)
    hits = any_store.search(
        "things", points[5].vector, Filter(exclude_ids=[points[5].id]), limit=20
    )
    assert points[5].id not in {h.id for h in hits} and len(hits) == 11


def test_score_threshold_and_offset(any_store: VectorStore) -> None:
    points = _points()
    any_store.upsert("things", points)
    everything = any_store.search("things", points[0].vector, limit=12)
    second_page = any_store.search("things", points[0].vector, limit=3, offset=3)
    assert [h.id for h in second_page] == [h.id for h in everything[3:6]]
    strong = any_store.search("things", points[0].vector, limit=12, score_threshold=0.99)
    assert [h.id for h in strong] == [points[0].id]


def test_scroll_pages_through_everything(any_store: VectorStore) -> None:
    any_store.upsert("things", _points())
    seen, cursor = [], None
    while True:
        batch, cursor = any_store.scroll("things", limit=5, offset=cursor)
        seen.extend(h.id for h in batch)
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 12


def test_facet_counts(any_store: VectorStore) -> None:
    any_store.upsert("things", _points())
    counts = dict(any_store.facet("things", "f_topic"))
    assert counts == {"art": 8, "math": 4, "physics": 4}
    assert dict(any_store.facet("things", "f_topic", Filter(must={"f_kind": ["video"]}))) == {
        "art": 4,
        "math": 2,
        "physics": 2,
    }


def test_facet_on_a_key_without_a_payload_index(any_store: VectorStore) -> None:
    # Qdrant refuses to facet an unindexed key ("No appropriate index for faceting"): Edge and a
    # server do, qdrant-client's in-memory mode does not.
    any_store.upsert("things", _points())
    assert dict(any_store.facet("things", "kind")) == {"Course": 6, "Video": 6}
    assert dict(any_store.facet("things", "kind", Filter(must={"f_topic": ["math"]}))) == {
        "Course": 2,
        "Video": 2,
    }


def test_server_store_indexes_a_faceted_key_once() -> None:
    # qdrant-client's in-memory mode accepts facets on unindexed keys; a server does not, so
    # the store must ask for the index itself (recorded here, since only a server enforces it).
    client = QdrantClient(location=":memory:")
    created: list[str] = []
    real = client.create_payload_index

    def spy(collection_name: str, field_name: str, **kwargs: object) -> object:
        created.append(field_name)
        return real(collection_name, field_name=field_name, **kwargs)  # type: ignore[arg-type]

    client.create_payload_index = spy  # type: ignore[method-assign]
    store = ServerStore(client, prefix="t")
    store.ensure_collection("things", DIM, INDEXES)  # type: ignore[arg-type]
    assert sorted(created) == sorted(INDEXES)
    store.upsert("things", _points())
    created.clear()
    store.facet("things", "kind")
    store.facet("things", "kind")
    store.facet("things", "f_topic")
    assert created == ["kind"]


def test_every_facet_key_has_a_payload_index() -> None:
    # The aggregations of vector search facet the bare filter names (learn.vectors.search).
    assert set(RESOURCE_FILTERS) <= set(resource_indexes())
    assert set(CONTENT_FILE_FILTERS) <= set(content_file_indexes())


def test_a_url_without_a_port_is_used_as_given() -> None:
    store = ServerStore.connect("https://qdrant.invalid", None, "t")
    assert store.client._client.rest_uri == "https://qdrant.invalid"  # not :6333
    store = ServerStore.connect("http://qdrant.invalid:7000", None, "t")
    assert store.client._client.rest_uri == "http://qdrant.invalid:7000"


def test_delete_set_payload_and_delete_where(any_store: VectorStore) -> None:
    points = _points()
    any_store.upsert("things", points)
    any_store.delete("things", [points[0].id, points[1].id])
    assert any_store.count("things") == 10
    any_store.set_payload("things", points[2].id, {"extra": "yes"})
    payload = any_store.retrieve("things", [points[2].id])[0].payload
    assert payload["extra"] == "yes" and payload["resource_id"] == 2  # merged, not replaced
    any_store.delete_where("things", Filter(must={"f_kind": ["video"]}))
    assert any_store.count("things") == 5
    with pytest.raises(VectorStoreError):
        any_store.delete_where("things", Filter())


def test_dimension_mismatch_is_reported(any_store: VectorStore) -> None:
    any_store.upsert("things", _points(2))
    with pytest.raises(VectorStoreError):
        any_store.ensure_collection("things", DIM * 2, INDEXES)  # type: ignore[arg-type]


def test_drop_collection_and_create_it_again(any_store: VectorStore) -> None:
    any_store.upsert("things", _points(3))
    any_store.drop_collection("things")
    with pytest.raises(VectorStoreError):
        any_store.count("things")
    any_store.ensure_collection("things", DIM, INDEXES)  # type: ignore[arg-type]
    assert any_store.count("things") == 0
    any_store.upsert("things", _points(3))
    assert dict(any_store.facet("things", "f_topic")) == {"art": 2, "math": 1, "physics": 1}


def test_missing_collection_is_an_error(any_store: VectorStore) -> None:
    with pytest.raises(VectorStoreError):
        any_store.search("missing", _vec(1), limit=3)


def test_unreachable_server_is_unavailable() -> None:
    store = ServerStore.connect("http://127.0.0.1:8189", None, "t")  # nothing listens there
    with pytest.raises(VectorStoreUnavailable):
        store.count("things")


def test_edge_shard_locked_by_another_opener(tmp_path: Path) -> None:
    first = EdgeStore(tmp_path / "v")
    first.ensure_collection("things", DIM, INDEXES)  # type: ignore[arg-type]
    second = EdgeStore(tmp_path / "v")
    with pytest.raises(VectorStoreUnavailable):
        second.count("things")
    first.close()
    assert second.count("things") == 0
