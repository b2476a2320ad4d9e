"""A Qdrant server or cluster through qdrant-client (used when ``QDRANT_URL`` is set).

Tests run this code against qdrant-client's own local engine (``location=":memory:"``), which
skips payload indexes and search parameters; the engine's rules (a facet needs a payload index)
are checked on Qdrant Edge, the same engine in-process (see docs/engines.md). No Qdrant server can
be had on the build machine, so the network path itself stays unverified here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import ResponseHandlingException, UnexpectedResponse

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
    "keyword": models.PayloadSchemaType.KEYWORD,
    "integer": models.PayloadSchemaType.INTEGER,
    "float": models.PayloadSchemaType.FLOAT,
    "datetime": models.PayloadSchemaType.DATETIME,
}
_DOWN = (ResponseHandlingException, ConnectionError, TimeoutError, OSError)


def _to_filter(flt: Filter | None) -> models.Filter | None:
    if flt is None or flt.is_empty():
        return None
    must: list[Any] = [
        models.FieldCondition(key=key, match=models.MatchAny(any=uniform(values)))
        for key, values in flt.must.items()
    ]
    must_not: list[Any] = []
    if flt.exclude_ids:
        must_not.append(models.HasIdCondition(has_id=list(flt.exclude_ids)))
    return models.Filter(must=must or None, must_not=must_not or None)


class ServerStore:
    engine = "qdrant"  # the VECTOR_ENGINE value that selects this store

    def __init__(self, client: QdrantClient, prefix: str = "learn") -> None:
        self.client = client
        self.prefix = prefix
        self._indexed: dict[str, set[str]] = {}  # payload keys known indexed, per collection

    @classmethod
    def connect(cls, url: str, api_key: str | None, prefix: str) -> ServerStore:
        # port=None: a URL without a port is used as given (https://host → 443), where
        # qdrant-client would otherwise append its default :6333; a URL's own port still wins.
        return cls(QdrantClient(url=url, port=None, api_key=api_key, timeout=10), prefix)

    def _name(self, name: str) -> str:
        return f"{self.prefix}.{name}"

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except _DOWN as exc:
            raise VectorStoreUnavailable(f"Qdrant is unreachable: {exc}") from exc
        except UnexpectedResponse as exc:
            raise VectorStoreError(f"Qdrant rejected the request: {exc}") from exc
        except ValueError as exc:  # local engine: unknown collection
            raise VectorStoreError(str(exc)) from exc

    def ensure_collection(self, name: str, dim: int, indexes: dict[str, IndexType]) -> None:
        full = self._name(name)
        if not self._call(self.client.collection_exists, full):
            self._call(
                self.client.create_collection,
                full,
                vectors_config=models.VectorParams(size=dim, distance=models.Distance.COSINE),
                on_disk_payload=True,
            )
        info = self._call(self.client.get_collection, full)
        params = info.config.params.vectors
        size = getattr(params, "size", None)
        if size is not None and size != dim:
            raise VectorStoreError(
                f"collection {full!r} holds {size}-d vectors, the embedder makes {dim}-d"
            )
        existing = set((info.payload_schema or {}).keys())
        for key, kind in indexes.items():
            if key not in existing:
                self._create_index(full, key, kind)
        self._indexed[full] = existing | set(indexes)

    def _create_index(self, full: str, key: str, kind: IndexType) -> None:
        self._call(
            self.client.create_payload_index,
            full,
            field_name=key,
            field_schema=_SCHEMAS[kind],
            wait=True,
        )

    def drop_collection(self, name: str) -> None:
        self._indexed.pop(self._name(name), None)
        self._call(self.client.delete_collection, self._name(name))

    def upsert(self, name: str, points: Sequence[Point]) -> None:
        if points:
            structs = [
                models.PointStruct(id=p.id, vector=[float(x) for x in p.vector], payload=p.payload)
                for p in points
            ]
            self._call(self.client.upsert, self._name(name), points=structs, wait=True)

    def set_payload(self, name: str, point_id: str, payload: dict[str, Any]) -> None:
        self._call(self.client.set_payload, self._name(name), payload=payload, points=[point_id])

    def delete(self, name: str, ids: Sequence[str]) -> None:
        if ids:
            selector = models.PointIdsList(points=list(ids))
            self._call(self.client.delete, self._name(name), points_selector=selector)

    def delete_where(self, name: str, flt: Filter) -> None:
        native = _to_filter(flt)
        if native is None:
            raise VectorStoreError("refusing to delete with an empty filter")
        selector = models.FilterSelector(filter=native)
        self._call(self.client.delete, self._name(name), points_selector=selector)

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
        response = self._call(
            self.client.query_points,
            self._name(name),
            query=[float(x) for x in vector],
            query_filter=_to_filter(flt),
            limit=limit,
            offset=offset or None,
            score_threshold=score_threshold,
            with_payload=True if payload_fields is None else list(payload_fields),
            with_vectors=with_vectors,
            search_params=models.SearchParams(hnsw_ef=128),
        )
        return [hit_from(p) for p in response.points]

    def retrieve(
        self,
        name: str,
        ids: Sequence[str],
        with_vectors: bool = False,
        payload_fields: Sequence[str] | None = None,
    ) -> list[Hit]:
        if not ids:
            return []
        records = self._call(
            self.client.retrieve,
            self._name(name),
            ids=list(ids),
            with_vectors=with_vectors,
            with_payload=True if payload_fields is None else list(payload_fields),
        )
        return [hit_from(r) for r in records]

    def scroll(
        self, name: str, flt: Filter | None = None, limit: int = 100, offset: str | None = None
    ) -> tuple[list[Hit], str | None]:
        records, next_id = self._call(
            self.client.scroll,
            self._name(name),
            scroll_filter=_to_filter(flt),
            limit=limit,
            offset=offset,
            with_payload=True,
        )
        return [hit_from(r) for r in records], (str(next_id) if next_id is not None else None)

    def count(self, name: str, flt: Filter | None = None) -> int:
        result = self._call(
            self.client.count, self._name(name), count_filter=_to_filter(flt), exact=True
        )
        return int(result.count)

    def _ensure_facet_index(self, full: str) -> set[str]:
        known = self._indexed.get(full)
        if known is None:
            info = self._call(self.client.get_collection, full)
            known = self._indexed[full] = set((info.payload_schema or {}).keys())
        return known

    def facet(
        self, name: str, key: str, flt: Filter | None = None, limit: int = 1000
    ) -> list[tuple[str, int]]:
        """Counts of ``key``'s values. Qdrant facets only indexed payload keys ("No appropriate
        index for faceting"): a key without an index gets a keyword index first."""
        full = self._name(name)
        known = self._ensure_facet_index(full)
        if key not in known:
            self._create_index(full, key, "keyword")
            known.add(key)
        result = self._call(
            self.client.facet,
            self._name(name),
            key=key,
            facet_filter=_to_filter(flt),
            limit=limit,
            exact=True,
        )
        return [(str(h.value), int(h.count)) for h in result.hits]

    def optimize(self, name: str) -> None:
        """The server optimizes on its own."""

    def close(self) -> None:
        self.client.close()
