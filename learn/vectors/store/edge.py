"""Qdrant's in-process engine (qdrant-edge-py): one shard folder per collection under var/vectors/.

A shard is opened by one process at a time (its WAL is locked); another process gets
``VectorStoreUnavailable``. Several processes share it through a vector host (``host.py``, which
``learn serve --workers N`` runs) or use pgvector / a Qdrant server.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import qdrant_edge as qe

from learn.vectors.store.base import (
    Filter,
    Hit,
    IndexType,
    Point,
    VectorStoreError,
    VectorStoreUnavailable,
    hit_from,
    uniform,
)

_SCHEMAS = {
    "keyword": qe.PayloadSchemaType.Keyword,
    "integer": qe.PayloadSchemaType.Integer,
    "float": qe.PayloadSchemaType.Float,
    "datetime": qe.PayloadSchemaType.Datetime,
}


def _to_filter(flt: Filter | None) -> qe.Filter | None:
    if flt is None or flt.is_empty():
        return None
    must: list[Any] = [
        qe.FieldCondition(key, match=qe.MatchAny(uniform(values)))
        for key, values in flt.must.items()
    ]
    must_not: list[Any] = []
    if flt.exclude_ids:
        must_not.append(qe.HasIdCondition({uuid.UUID(i) for i in flt.exclude_ids}))
    return qe.Filter(must=must or None, must_not=must_not or None)


def _with_payload(fields: Sequence[str] | None) -> Any:
    return True if fields is None else qe.PayloadSelector.Include(list(fields))


def lock_holders(path: Path) -> list[int]:
    """Process ids holding a lock on ``path`` (from ``/proc/locks``; empty where unknown)."""
    try:
        info = path.stat()
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return []
    where = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    pids: list[int] = []
    for line in lines:
        parts = line.split()
        if len(parts) > 5 and parts[1] != "->" and parts[5] == where and parts[4].isdigit():
            pids.append(int(parts[4]))
    return sorted(set(pids))


def _command(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "command unknown"
    return " ".join(arg.decode(errors="replace") for arg in raw.split(b"\0") if arg)[:200]


class EdgeStore:
    engine = "embedded"  # the VECTOR_ENGINE value that selects this store

    def __init__(self, root: Path) -> None:
        self.root = root
        self._shards: dict[str, qe.EdgeShard] = {}
        self._lock = threading.RLock()
        self._indexed: dict[str, set[str]] = {}  # payload keys with an index, per shard

    # ------------------------------------------------------------------ shards
    def _path(self, name: str) -> Path:
        return self.root / name

    def _open(self, name: str) -> qe.EdgeShard:
        shard = self._shards.get(name)
        if shard is not None:
            return shard
        with self._lock:
            shard = self._shards.get(name)
            if shard is None:
                path = self._path(name)
                if not (path / "wal").exists():
                    raise VectorStoreError(
                        f"collection {name!r} does not exist yet: run `learn embeddings generate`"
                    )
                try:
                    shard = qe.EdgeShard.load(str(path))
                except Exception as exc:
                    raise VectorStoreUnavailable(
                        f"cannot open vector shard {name!r}: {exc}"
                    ) from exc
                self._shards[name] = shard
            return shard

    def existing(self) -> list[str]:
        """The collections (shard folders) under this store's root."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if (p / "wal").is_dir())

    def open_existing(self) -> list[str]:
        """Open every existing shard now (taking their locks); their names."""
        names = self.existing()
        for name in names:
            self._open(name)
        return names

    def held_elsewhere(self, name: str) -> str | None:
        """Who else holds shard ``name`` open (its WAL folder's ``flock``), said in a sentence;
        None when nobody does, this store has it open, or it does not exist. Only probes: never
        takes the lock beyond a non-blocking test, so it can neither wait nor disturb the holder."""
        wal = self._path(name) / "wal"
        if name in self._shards or not wal.is_dir():
            return None
        fd = os.open(wal, os.O_RDONLY | os.O_DIRECTORY)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pass
            else:
                fcntl.flock(fd, fcntl.LOCK_UN)
                return None
            holders = lock_holders(wal)
        finally:
            os.close(fd)
        if not holders:
            return f"vector shard {name!r} is held by another process"
        named = ", ".join(f"pid {pid} ({_command(pid)})" for pid in holders)
        return f"vector shard {name!r} is held by another process: {named}"

    def _update(self, name: str, operation: Any) -> None:
        shard = self._open(name)
        with self._lock:
            shard.update(operation)

    def ensure_collection(self, name: str, dim: int, indexes: dict[str, IndexType]) -> None:
        with self._lock:
            path = self._path(name)
            if name not in self._shards and not (path / "wal").exists():
                path.mkdir(parents=True, exist_ok=True)
                config = qe.EdgeConfig(
                    vectors=qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine)
                )
                try:
                    self._shards[name] = qe.EdgeShard.create(str(path), config)
                except Exception as exc:
                    raise VectorStoreUnavailable(f"cannot create shard {name!r}: {exc}") from exc
            shard = self._open(name)
            info = shard.info()
            existing = set(info.payload_schema)
            for key, kind in indexes.items():
                if key not in existing:
                    shard.update(qe.UpdateOperation.create_field_index(key, _SCHEMAS[kind]))
            self._indexed[name] = existing | set(indexes)
            stored = self._stored_dim(shard)
            if stored is not None and stored != dim:
                raise VectorStoreError(
                    f"collection {name!r} holds {stored}-d vectors, the embedder makes {dim}-d: "
                    "run `learn embeddings generate --all --recreate`"
                )

    @staticmethod
    def _stored_dim(shard: qe.EdgeShard) -> int | None:
        records, _ = shard.scroll(qe.ScrollRequest(limit=1, with_vector=True, with_payload=False))
        for record in records:
            if isinstance(record.vector, list):
                return len(record.vector)
        return None

    def drop_collection(self, name: str) -> None:
        with self._lock:
            shard = self._shards.pop(name, None)
            self._indexed.pop(name, None)
            if shard is not None:
                shard.close()
            shutil.rmtree(self._path(name), ignore_errors=True)

    # ------------------------------------------------------------------ writes
    def upsert(self, name: str, points: Sequence[Point]) -> None:
        if points:
            self._update(
                name,
                qe.UpdateOperation.upsert_points(
                    [
                        qe.Point(uuid.UUID(p.id), [float(x) for x in p.vector], p.payload)
                        for p in points
                    ]
                ),
            )

    def set_payload(self, name: str, point_id: str, payload: dict[str, Any]) -> None:
        self._update(name, qe.UpdateOperation.set_payload([uuid.UUID(point_id)], payload))

    def delete(self, name: str, ids: Sequence[str]) -> None:
        if ids:
            self._update(name, qe.UpdateOperation.delete_points([uuid.UUID(i) for i in ids]))

    def delete_where(self, name: str, flt: Filter) -> None:
        native = _to_filter(flt)
        if native is None:
            raise VectorStoreError("refusing to delete with an empty filter")
        self._update(name, qe.UpdateOperation.delete_points_by_filter(native))

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
        request = qe.QueryRequest(
            limit=limit,
            offset=offset or None,
            query=qe.Query.Nearest([float(x) for x in vector]),
            filter=_to_filter(flt),
            with_payload=_with_payload(payload_fields),
            with_vector=with_vectors,
            score_threshold=score_threshold,
            params=qe.SearchParams(hnsw_ef=128),
        )
        return [hit_from(p) for p in self._open(name).query(request)]

    def retrieve(
        self,
        name: str,
        ids: Sequence[str],
        with_vectors: bool = False,
        payload_fields: Sequence[str] | None = None,
    ) -> list[Hit]:
        if not ids:
            return []
        records = self._open(name).retrieve(
            [uuid.UUID(i) for i in ids], _with_payload(payload_fields), with_vectors
        )
        return [hit_from(r) for r in records]

    def scroll(
        self, name: str, flt: Filter | None = None, limit: int = 100, offset: str | None = None
    ) -> tuple[list[Hit], str | None]:
        request = qe.ScrollRequest(
            offset=uuid.UUID(offset) if offset else None,
            limit=limit,
            filter=_to_filter(flt),
            with_payload=True,
            with_vector=False,
        )
        records, next_id = self._open(name).scroll(request)
        return [hit_from(r) for r in records], (str(next_id) if next_id is not None else None)

    def count(self, name: str, flt: Filter | None = None) -> int:
        return int(self._open(name).count(qe.CountRequest(exact=True, filter=_to_filter(flt))))

    def facet(
        self, name: str, key: str, flt: Filter | None = None, limit: int = 1000
    ) -> list[tuple[str, int]]:
        """Counts of ``key``'s values. The engine facets only indexed payload keys ("No
        appropriate index for faceting"): a key without an index gets a keyword index first."""
        shard = self._open(name)
        with self._lock:
            known = self._indexed.get(name)
            if known is None:
                known = self._indexed[name] = set(shard.info().payload_schema)
            if key not in known:
                shard.update(qe.UpdateOperation.create_field_index(key, _SCHEMAS["keyword"]))
                known.add(key)
        response = shard.facet(
            qe.FacetRequest(key, limit=limit, exact=True, filter=_to_filter(flt))
        )
        return [(str(h.value), int(h.count)) for h in response.hits]

    def optimize(self, name: str) -> None:
        with self._lock:
            self._open(name).optimize()

    def close(self) -> None:
        with self._lock:
            for shard in self._shards.values():
                shard.close()
            self._shards.clear()
            self._indexed.clear()
