"""The one interface both vector stores implement (in-process Qdrant Edge, Qdrant server).

Filters are a small neutral structure: ``must`` maps a payload key to accepted values (OR
within a key,
AND across keys); ``exclude_ids`` drops points. Booleans are stored as the keywords "true"/"false"
because Qdrant Edge 0.9 never matches a bool payload (see FEASIBILITY.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

IndexType = Literal["keyword", "integer", "float", "datetime"]
Value = str | int


def uniform(values: list[Value]) -> list[str] | list[int]:
    """Match values of one key must share a type: all integers stay integers, else strings."""
    if values and all(isinstance(v, int) for v in values):
        return [int(v) for v in values]
    return [str(v) for v in values]


class VectorStoreUnavailable(RuntimeError):
    """The vector store cannot be reached or opened: endpoints answer 503."""


class VectorStoreError(RuntimeError):
    """The store rejected an operation (bad configuration, dimension mismatch...)."""


@dataclass
class Filter:
    must: dict[str, list[Value]] = field(default_factory=dict)
    exclude_ids: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not self.must and not self.exclude_ids


@dataclass
class Point:
    id: str
    vector: Sequence[float]
    payload: dict[str, Any]


@dataclass
class Hit:
    id: str
    score: float
    payload: dict[str, Any]
    vector: list[float] | None = None


def hit_from(point: Any) -> Hit:
    """A Hit from a point of either Qdrant client (scored or retrieved; same attribute names)."""
    vector = getattr(point, "vector", None)
    return Hit(
        id=str(point.id),
        score=float(getattr(point, "score", 0.0) or 0.0),
        payload=dict(point.payload or {}),
        vector=list(vector) if isinstance(vector, list) else None,
    )


class VectorStore(Protocol):
    def ensure_collection(self, name: str, dim: int, indexes: dict[str, IndexType]) -> None: ...

    def drop_collection(self, name: str) -> None: ...

    def upsert(self, name: str, points: Sequence[Point]) -> None: ...

    def set_payload(self, name: str, point_id: str, payload: dict[str, Any]) -> None: ...

    def delete(self, name: str, ids: Sequence[str]) -> None: ...

    def delete_where(self, name: str, flt: Filter) -> None: ...

    def search(
        self,
        name: str,
        vector: Sequence[float],
        flt: Filter | None = None,
        limit: int = 10,
        offset: int = 0,
        score_threshold: float | None = None,
        payload_fields: Sequence[str] | None = None,  # None: the whole payload
        with_vectors: bool = False,
    ) -> list[Hit]: ...

    def retrieve(
        self,
        name: str,
        ids: Sequence[str],
        with_vectors: bool = False,
        payload_fields: Sequence[str] | None = None,  # None: the whole payload
    ) -> list[Hit]: ...

    def scroll(
        self, name: str, flt: Filter | None = None, limit: int = 100, offset: str | None = None
    ) -> tuple[list[Hit], str | None]: ...

    def count(self, name: str, flt: Filter | None = None) -> int: ...

    def facet(
        self, name: str, key: str, flt: Filter | None = None, limit: int = 1000
    ) -> list[tuple[str, int]]: ...

    def close(self) -> None: ...
