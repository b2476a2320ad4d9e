"""pgvector: vectors in PostgreSQL, shared by every process of a deployment (VECTOR_ENGINE).

One table per collection, ``<prefix>_vec_<name>``, in the database Django uses:

- ``id uuid`` (the point id), ``embedding vector(dim)`` with an HNSW index (cosine), and
  ``payload jsonb`` as written;
- ``filters jsonb``, a column PostgreSQL generates from the payload: every key the collection
  indexes (``ensure_collection``'s ``indexes``), its value always a JSON array, under one GIN
  (``jsonb_path_ops``) index. A filter value is then one containment test, ``filters @>
  '{"key": [value]}'``, whether the payload holds a scalar or a list, as Qdrant matches either.
  The indexed keys are kept in the table's comment, so every process reads the same set.

Writes and reads go through Django's connection (its pooling, its transactions: a rolled-back
transaction rolls its vectors back too). Searches set ``hnsw.ef_search`` like the Qdrant stores'
``hnsw_ef`` and, under a filter, ``hnsw.iterative_scan`` so a selective filter still fills the page.
Vectors are stored unit-length, as Qdrant stores cosine vectors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from django.db import DatabaseError, InterfaceError, OperationalError, connections, transaction

from learn.vectors.store.base import (
    Filter,
    Hit,
    IndexType,
    Point,
    VectorStoreError,
    VectorStoreUnavailable,
    uniform,
)

HNSW_EF = 128  # the Qdrant stores' search-time hnsw_ef
HNSW_M, HNSW_EF_CONSTRUCTION = 16, 64  # pgvector's defaults, written out
_NAME = re.compile(r"^[a-z0-9_]+$")
CREATE_EXTENSION_HINT = (
    "the pgvector extension is not installed in this database: as a superuser (or the database "
    "owner, PostgreSQL 13+ where the extension is trusted), run `CREATE EXTENSION vector;` in it, "
    "then `learn migrate` (the server needs the pgvector package: see .ci/pgvector.sh)"
)


def ensure_extension(connection: Any) -> str | None:
    """Create the ``vector`` extension in ``connection``'s database when it is missing and the
    role may; returns what was done or what an administrator must do (None: nothing to say).
    Raises when VECTOR_ENGINE=pgvector and the extension cannot be had: vectors would fail."""
    from learn.config.env import get_env

    if connection.vendor != "postgresql":
        return None
    required = get_env().vector_engine_in_use == "pgvector"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT installed_version FROM pg_available_extensions WHERE name = 'vector'"
        )
        row = cursor.fetchone()
    if row is not None and row[0] is not None:
        return None
    if row is None:
        problem = (
            "the PostgreSQL server has no pgvector package (build it with .ci/pgvector.sh, or "
            "install postgresql-NN-pgvector), then run `learn migrate` again"
        )
    else:
        try:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS vector")
            return "created the vector extension"
        except DatabaseError as exc:
            problem = f"this role may not create it ({exc}); {CREATE_EXTENSION_HINT}"
    if required:
        raise VectorStoreError(f"VECTOR_ENGINE=pgvector: {problem}")
    return f"not installed (only VECTOR_ENGINE=pgvector needs it): {problem}"


def _vector_text(vector: Sequence[float]) -> str:
    """pgvector's text form of the unit vector along ``vector``."""
    arr = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(arr))
    if norm > 0:
        arr = arr / norm
    return "[" + ",".join(repr(x) for x in arr.tolist()) + "]"


def _json(value: Any) -> dict[str, Any]:
    """A jsonb column's value (Django's psycopg setup leaves jsonb as text)."""
    return dict(json.loads(value) if isinstance(value, str | bytes) else value or {})


def _parse_vector(text: str | None) -> list[float] | None:
    return None if text is None else [float(x) for x in text[1:-1].split(",")]


def _as_array(expr: str) -> str:
    """SQL: the JSON value ``expr`` as an array (a scalar becomes a one-element array)."""
    return (
        f"CASE WHEN {expr} IS NULL OR jsonb_typeof({expr}) = 'null' THEN NULL "
        f"WHEN jsonb_typeof({expr}) = 'array' THEN {expr} ELSE '[]'::jsonb || {expr} END"
    )


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _filters_expression(keys: Sequence[str]) -> str:
    """SQL generating the ``filters`` column from ``payload`` for the indexed ``keys`` (only
    immutable functions: jsonb_build_object is not)."""
    if not keys:
        return "'{}'::jsonb"
    parts = [
        f"jsonb_set('{{}}'::jsonb, ARRAY[{_literal(k)}], "
        f"COALESCE({_as_array(f'(payload -> {_literal(k)})')}, 'null'::jsonb))"
        for k in sorted(keys)
    ]
    return "jsonb_strip_nulls(" + " || ".join(parts) + ")"


class PgVectorStore:
    engine = "pgvector"  # the VECTOR_ENGINE value that selects this store

    def __init__(self, prefix: str = "learn", alias: str = "default") -> None:
        self.prefix = re.sub(r"[^a-z0-9_]", "_", prefix.lower())
        self.alias = alias
        self._indexed: dict[str, frozenset[str]] = {}  # table -> indexed keys (from its comment)

    # ------------------------------------------------------------------ plumbing
    def table(self, name: str) -> str:
        if not _NAME.match(name):
            raise VectorStoreError(f"invalid collection name {name!r}")
        return f"{self.prefix}_vec_{name}"

    @contextmanager
    def _cursor(self, read_only: bool = False) -> Iterator[Any]:
        """A cursor in a transaction (a savepoint inside the caller's): a failed statement
        rolls back only this operation. Reads outside any transaction skip it (two round trips
        fewer): each of their statements is atomic on its own. Database errors become the
        port's errors."""
        connection = connections[self.alias]
        if connection.vendor != "postgresql":
            raise VectorStoreError(
                "VECTOR_ENGINE=pgvector needs PostgreSQL: set DATABASE_URL=postgres://..."
            )
        try:
            if read_only and not connection.in_atomic_block:
                with connection.cursor() as cursor:
                    yield cursor
                return
            with transaction.atomic(using=self.alias), connection.cursor() as cursor:
                yield cursor
        except (OperationalError, InterfaceError) as exc:
            raise VectorStoreUnavailable(f"PostgreSQL is unreachable: {exc}") from exc
        except DatabaseError as exc:
            cause = exc.__cause__
            sqlstate = getattr(cause, "sqlstate", None)
            if sqlstate == "42704" and "vector" in str(exc):  # undefined_object: type "vector"
                raise VectorStoreError(CREATE_EXTENSION_HINT) from exc
            if sqlstate == "42P01":  # undefined_table: dropped by another process since
                self._indexed.clear()
                raise VectorStoreError(
                    "the collection does not exist yet: run `learn embeddings generate`"
                ) from exc
            raise VectorStoreError(f"PostgreSQL rejected the operation: {exc}") from exc

    def _exists(self, cursor: Any, table: str) -> bool:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        return bool(cursor.fetchone()[0])

    def _require(self, cursor: Any, name: str) -> str:
        table = self.table(name)
        if table not in self._indexed:
            cursor.execute("SELECT obj_description(to_regclass(%s), 'pg_class')", [table])
            row = cursor.fetchone()
            if row is None or row[0] is None:
                raise VectorStoreError(
                    f"collection {name!r} does not exist yet: run `learn embeddings generate`"
                )
            self._indexed[table] = frozenset(json.loads(row[0]).get("indexes", {}))
        return table

    def _where(self, table: str, flt: Filter | None) -> tuple[str, list[Any]]:
        if flt is None or flt.is_empty():
            return "TRUE", []
        indexed = self._indexed.get(table, frozenset())
        clauses: list[str] = []
        params: list[Any] = []
        for key, values in flt.must.items():
            matches = uniform(values)
            if not matches:
                clauses.append("FALSE")
                continue
            if key in indexed:
                ors = ["filters @> %s::jsonb"] * len(matches)
                params.extend(json.dumps({key: [v]}) for v in matches)
            else:  # not indexed: the payload itself (scalar or array)
                ors = ["(payload -> %s) @> %s::jsonb"] * len(matches)
                for v in matches:
                    params.extend([key, json.dumps(v)])
            clauses.append("(" + " OR ".join(ors) + ")")
        if flt.exclude_ids:
            clauses.append("id <> ALL(%s::uuid[])")
            params.append(list(flt.exclude_ids))
        return " AND ".join(clauses), params

    @staticmethod
    def _payload_sql(fields: Sequence[str] | None) -> tuple[str, list[Any]]:
        if fields is None:
            return "payload", []
        return (
            "COALESCE((SELECT jsonb_object_agg(key, value) FROM jsonb_each(payload) "
            "WHERE key = ANY(%s::text[])), '{}'::jsonb)",
            [list(fields)],
        )

    # ------------------------------------------------------------------ collections
    def ensure_collection(self, name: str, dim: int, indexes: dict[str, IndexType]) -> None:
        table = self.table(name)
        keys = sorted(indexes)
        with self._cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [table])
            if not self._exists(cursor, table):
                cursor.execute(
                    f"CREATE TABLE {table} (id uuid PRIMARY KEY, embedding vector({int(dim)}) "
                    "NOT NULL, payload jsonb NOT NULL DEFAULT '{}'::jsonb, filters jsonb "
                    f"GENERATED ALWAYS AS ({_filters_expression(keys)}) STORED)"
                )
                # Vectors inline in the row (a 384-d vector is 1.5 kB): a distance never reads
                # the TOAST table; payloads go out of line first. (HNSW takes up to 2,000
                # dimensions of type vector.)
                if dim <= 1024:
                    cursor.execute(f"ALTER TABLE {table} ALTER COLUMN embedding SET STORAGE PLAIN")
                cursor.execute(
                    f"CREATE INDEX {table}_hnsw ON {table} USING hnsw "
                    f"(embedding vector_cosine_ops) WITH (m = {HNSW_M}, "
                    f"ef_construction = {HNSW_EF_CONSTRUCTION})"
                )
                cursor.execute(
                    f"CREATE INDEX {table}_filters ON {table} USING gin (filters jsonb_path_ops)"
                )
                self._comment(cursor, table, keys)
            cursor.execute(
                "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                "WHERE attrelid = to_regclass(%s) AND attname = 'embedding'",
                [table],
            )
            stored = cursor.fetchone()[0]
            if stored != f"vector({int(dim)})":
                raise VectorStoreError(
                    f"collection {name!r} holds {stored} vectors, the embedder makes {dim}-d: "
                    "run `learn embeddings generate --all --recreate`"
                )
            cursor.execute("SELECT obj_description(to_regclass(%s), 'pg_class')", [table])
            known = set(json.loads(cursor.fetchone()[0] or "{}").get("indexes", {}))
            if not set(keys) <= known:
                # New indexed keys: regenerate the column (PostgreSQL 15 cannot alter a
                # generated expression) and its index.
                wanted = sorted(known | set(keys))
                cursor.execute(f"ALTER TABLE {table} DROP COLUMN filters")
                cursor.execute(
                    f"ALTER TABLE {table} ADD COLUMN filters jsonb GENERATED ALWAYS AS "
                    f"({_filters_expression(wanted)}) STORED"
                )
                cursor.execute(
                    f"CREATE INDEX {table}_filters ON {table} USING gin (filters jsonb_path_ops)"
                )
                self._comment(cursor, table, wanted)
        self._indexed.pop(table, None)

    @staticmethod
    def _comment(cursor: Any, table: str, keys: Sequence[str]) -> None:
        note = json.dumps({"learn_vector_collection": True, "indexes": list(keys)})
        cursor.execute(f"COMMENT ON TABLE {table} IS {_literal(note)}")

    def drop_collection(self, name: str) -> None:
        table = self.table(name)
        with self._cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        self._indexed.pop(table, None)

    # ------------------------------------------------------------------ writes
    def upsert(self, name: str, points: Sequence[Point]) -> None:
        if not points:
            return
        with self._cursor() as cursor:
            table = self._require(cursor, name)
            cursor.executemany(
                f"INSERT INTO {table} (id, embedding, payload) VALUES (%s, %s::vector, %s::jsonb) "
                "ON CONFLICT (id) DO UPDATE SET embedding = EXCLUDED.embedding, "
                "payload = EXCLUDED.payload",
                [(p.id, _vector_text(p.vector), json.dumps(p.payload)) for p in points],
            )

    def set_payload(self, name: str, point_id: str, payload: dict[str, Any]) -> None:
        with self._cursor() as cursor:
            table = self._require(cursor, name)
            cursor.execute(
                f"UPDATE {table} SET payload = payload || %s::jsonb WHERE id = %s",
                [json.dumps(payload), point_id],
            )

    def delete(self, name: str, ids: Sequence[str]) -> None:
        if not ids:
            return
        with self._cursor() as cursor:
            table = self._require(cursor, name)
            cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s::uuid[])", [list(ids)])

    def delete_where(self, name: str, flt: Filter) -> None:
        if flt.is_empty():
            raise VectorStoreError("refusing to delete with an empty filter")
        with self._cursor() as cursor:
            table = self._require(cursor, name)
            where, params = self._where(table, flt)
            cursor.execute(f"DELETE FROM {table} WHERE {where}", params)

    # ------------------------------------------------------------------ reads
    def search(
        self,
        name: str,
        vector: Sequence[float],
        flt: Filter | None = None,
        limit: int = 10,
        offset: int = 0,
        score_threshold: float | None = None,
        payload_fields: Sequence[str] | None = None,
        with_vectors: bool = False,
    ) -> list[Hit]:
        if limit <= 0:
            return []
        query, wanted = _vector_text(vector), limit + offset
        payload_sql, payload_params = self._payload_sql(payload_fields)
        vec_sql = "embedding::text" if with_vectors else "NULL::text"
        with self._cursor(read_only=True) as cursor:
            table = self._require(cursor, name)
            where, params = self._where(table, flt)
            nearest = (
                f"SELECT id, embedding <=> %s::vector AS distance FROM {table} WHERE {where} "
                "ORDER BY embedding <=> %s::vector LIMIT %s"
            )
            nearest_params = [query, *params, query, wanted]
            # One message, one implicit transaction: the settings are local to it (and reset
            # at its end for a caller's transaction). First the HNSW index (PostgreSQL cannot
            # estimate a jsonb filter's selectivity and would often scan and sort the table
            # instead); under a filter it scans on (iterative_scan) until the page is full or
            # hnsw.max_scan_tuples is reached. Payloads are read for the nearest rows only.
            cursor.execute(
                "SELECT set_config('hnsw.ef_search', %s, true), "
                "set_config('hnsw.iterative_scan', %s, true), "
                "set_config('enable_seqscan', 'off', true), "
                "set_config('enable_bitmapscan', 'off', true); "
                f"SELECT t.id::text, n.distance, {payload_sql}, {vec_sql} "
                f"FROM ({nearest}) AS n JOIN {table} AS t ON t.id = n.id; "
                "SELECT set_config('enable_seqscan', 'on', true), "
                "set_config('enable_bitmapscan', 'on', true)",
                [
                    str(max(HNSW_EF, min(wanted, 1000))),
                    "relaxed_order" if params else "off",
                    *payload_params,
                    *nearest_params,
                ],
            )
            cursor.nextset()
            rows = cursor.fetchall()
            if len(rows) < wanted:
                # Fewer than asked: a selective filter (or a small collection). The exact
                # answer, through the filter's GIN index or a scan, is then cheap and complete.
                cursor.execute(
                    "SELECT set_config('enable_indexscan', 'off', true); "
                    f"{nearest}; SELECT set_config('enable_indexscan', 'on', true)",
                    nearest_params,
                )
                cursor.nextset()
                exact = {str(i): float(d) for i, d in cursor.fetchall()}
                cursor.execute(
                    f"SELECT id::text, {payload_sql}, {vec_sql} FROM {table} "
                    "WHERE id = ANY(%s::uuid[])",
                    [*payload_params, list(exact)],
                )
                rows = [(r[0], exact[r[0]], r[1], r[2]) for r in cursor.fetchall()]
        ranked = sorted(rows, key=lambda r: (float(r[1]), r[0]))[offset:]
        hits = [
            Hit(id=r[0], score=1 - float(r[1]), payload=_json(r[2]), vector=_parse_vector(r[3]))
            for r in ranked
        ]
        if score_threshold is not None:
            hits = [h for h in hits if h.score >= score_threshold]
        return hits

    def retrieve(
        self,
        name: str,
        ids: Sequence[str],
        with_vectors: bool = False,
        payload_fields: Sequence[str] | None = None,
    ) -> list[Hit]:
        if not ids:
            return []
        with self._cursor(read_only=True) as cursor:
            table = self._require(cursor, name)
            payload_sql, payload_params = self._payload_sql(payload_fields)
            cursor.execute(
                f"SELECT id::text, {payload_sql}, "
                f"{'embedding::text' if with_vectors else 'NULL::text'} "
                f"FROM {table} WHERE id = ANY(%s::uuid[])",
                [*payload_params, list(ids)],
            )
            found = {
                r[0]: Hit(id=r[0], score=0.0, payload=_json(r[1]), vector=_parse_vector(r[2]))
                for r in cursor.fetchall()
            }
        return [found[i] for i in dict.fromkeys(str(i).lower() for i in ids) if i in found]

    def scroll(
        self, name: str, flt: Filter | None = None, limit: int = 100, offset: str | None = None
    ) -> tuple[list[Hit], str | None]:
        with self._cursor(read_only=True) as cursor:
            table = self._require(cursor, name)
            where, params = self._where(table, flt)
            if offset is not None:
                where += " AND id >= %s::uuid"
                params.append(offset)
            cursor.execute(
                f"SELECT id::text, payload FROM {table} WHERE {where} ORDER BY id LIMIT %s",
                [*params, limit + 1],
            )
            rows = cursor.fetchall()
        hits = [Hit(id=r[0], score=0.0, payload=_json(r[1])) for r in rows[:limit]]
        return hits, (rows[limit][0] if len(rows) > limit else None)

    def count(self, name: str, flt: Filter | None = None) -> int:
        with self._cursor(read_only=True) as cursor:
            table = self._require(cursor, name)
            where, params = self._where(table, flt)
            cursor.execute(f"SELECT count(*) FROM {table} WHERE {where}", params)
            return int(cursor.fetchone()[0])

    def facet(
        self, name: str, key: str, flt: Filter | None = None, limit: int = 1000
    ) -> list[tuple[str, int]]:
        with self._cursor(read_only=True) as cursor:
            table = self._require(cursor, name)
            where, params = self._where(table, flt)
            values = (
                "filters -> %s"
                if key in self._indexed.get(table, frozenset())
                else _as_array("(payload -> %s)")
            )
            key_params = [key] * values.count("%s")
            cursor.execute(
                f"SELECT value, count(DISTINCT id) FROM {table}, "
                f"jsonb_array_elements_text({values}) AS value WHERE {where} "
                "GROUP BY value ORDER BY count(DISTINCT id) DESC, value LIMIT %s",
                [*key_params, *params, limit],
            )
            return [(str(v), int(c)) for v, c in cursor.fetchall()]

    def optimize(self, name: str) -> None:
        """Refresh the planner's statistics after a bulk load (the HNSW index needs nothing)."""
        with self._cursor() as cursor:
            table = self._require(cursor, name)
            cursor.execute(f"ANALYZE {table}")

    def close(self) -> None:
        """Django owns the connections."""
