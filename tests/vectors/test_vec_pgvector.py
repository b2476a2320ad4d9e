"""What the pgvector store does beyond the shared contract: its SQL shape (HNSW + generated filter
column), filters on keys it does not index, and keys indexed after points were written."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection

from learn.vectors.documents import point_id
from learn.vectors.store import Filter, Point, VectorStoreError
from learn.vectors.store.pgvector import PgVectorStore

pytestmark = pytest.mark.usefixtures("pgvector_db")
DIM = 4


def _points() -> list[Point]:
    rng = np.random.default_rng(7)
    return [
        Point(
            point_id("t", str(i)),
            list(rng.standard_normal(DIM) * 3),  # not unit length: the store normalizes
            {"n": i, "tag": "even" if i % 2 == 0 else ["odd", f"x{i}"], "title": f"T{i}"},
        )
        for i in range(10)
    ]


def test_tables_have_an_hnsw_index_and_a_gin_filter_index() -> None:
    store = PgVectorStore(prefix="pgt")
    store.ensure_collection("things", DIM, {"tag": "keyword"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'pgt_vec_things'")
        defs = " ".join(r[0] for r in cursor.fetchall())
    assert "USING hnsw (embedding vector_cosine_ops)" in defs
    assert "USING gin (filters jsonb_path_ops)" in defs


def test_vectors_are_stored_unit_length_and_scored_by_cosine() -> None:
    store = PgVectorStore(prefix="pgt")
    store.ensure_collection("things", DIM, {"tag": "keyword"})
    points = _points()
    store.upsert("things", points)
    got = store.retrieve("things", [points[3].id], with_vectors=True)[0].vector
    assert got is not None and np.linalg.norm(got) == pytest.approx(1.0, abs=1e-5)
    hit = store.search("things", points[3].vector, limit=1)[0]
    assert hit.id == points[3].id and hit.score == pytest.approx(1.0, abs=1e-5)


def test_filter_and_facet_on_a_key_that_is_not_indexed() -> None:
    store = PgVectorStore(prefix="pgt")
    store.ensure_collection("things", DIM, {"tag": "keyword"})
    store.upsert("things", _points())
    assert store.count("things", Filter(must={"n": [1, 2, 99]})) == 2
    assert store.count("things", Filter(must={"title": ["T4"]})) == 1
    assert dict(store.facet("things", "title", Filter(must={"tag": ["odd"]}))) == {
        f"T{i}": 1 for i in (1, 3, 5, 7, 9)
    }


def test_a_key_indexed_later_covers_the_points_already_written() -> None:
    store = PgVectorStore(prefix="pgt")
    store.ensure_collection("things", DIM, {"tag": "keyword"})
    store.upsert("things", _points())
    store.ensure_collection("things", DIM, {"tag": "keyword", "n": "integer"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT filters FROM pgt_vec_things WHERE payload->'n' = '3'")
        assert '"n": [3]' in cursor.fetchone()[0]
    fresh = PgVectorStore(prefix="pgt")  # another process: reads the indexed keys from the table
    assert fresh.count("things", Filter(must={"n": [3, 4]}, exclude_ids=[_points()[4].id])) == 1
    assert dict(fresh.facet("things", "tag")) == {"even": 5, "odd": 5, **{}} | {
        f"x{i}": 1 for i in (1, 3, 5, 7, 9)
    }


def test_set_payload_updates_the_filter_column() -> None:
    store = PgVectorStore(prefix="pgt")
    store.ensure_collection("things", DIM, {"tag": "keyword"})
    points = _points()
    store.upsert("things", points)
    store.set_payload("things", points[0].id, {"tag": ["gone"]})
    assert store.count("things", Filter(must={"tag": ["gone"]})) == 1
    assert store.count("things", Filter(must={"tag": ["even"]})) == 4


def test_a_failed_operation_leaves_the_callers_transaction_usable() -> None:
    store = PgVectorStore(prefix="pgt")
    with pytest.raises(VectorStoreError, match="does not exist yet"):
        store.count("missing")
    with pytest.raises(VectorStoreError, match="invalid collection name"):
        store.count("x; drop table y")
    store.ensure_collection("things", DIM, {})
    assert store.count("things") == 0


def test_a_collection_dropped_by_another_process_is_reported_as_missing() -> None:
    store = PgVectorStore(prefix="pgt")
    store.ensure_collection("things", DIM, {"tag": "keyword"})
    assert store.count("things") == 0
    PgVectorStore(prefix="pgt").drop_collection("things")  # another process
    with pytest.raises(VectorStoreError, match="does not exist yet"):
        store.count("things")
