"""The search port: every engine adapter implements ``SearchBackend``."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from learn.search.query import IndexDocument, IndexName, IndexStatus, SearchQuery, SearchResult


class SearchUnavailable(RuntimeError):
    """The engine cannot be reached or is overloaded (429/503); callers answer 503 and keep
    queued updates."""


class SearchWriteError(RuntimeError):
    """The engine answered but refused some writes (a bulk item failed): the operation failed,
    queued updates are kept and a rebuild does not swap."""


ProgressCallback = Callable[[int], None]


class SearchBackend(ABC):
    name: str = "base"

    @abstractmethod
    def index(self, documents: Iterable[IndexDocument]) -> int:
        """Insert or replace documents; return how many were written."""

    @abstractmethod
    def delete(self, index: IndexName, ids: Iterable[str]) -> int:
        """Remove documents by id (missing ids are fine); return how many ids were processed."""

    @abstractmethod
    def delete_content_files_of(self, resource_ids: Iterable[int]) -> int:
        """Remove the content files that belong to the given resources."""

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResult:
        """Run a query: hits carry the stored serialized object, plus total and aggregations."""

    def aggregate(self, query: SearchQuery) -> dict[str, list[dict[str, object]]]:
        """Only the facet counts of a query."""
        from dataclasses import replace

        return self.search(replace(query, limit=0, offset=0)).aggregations

    def prepare(self, doc: IndexDocument) -> Any:
        """``doc`` as ``rebuild`` indexes it, computed ahead: a rebuild calls this in worker
        processes (the result must pickle) and passes the results to ``rebuild``."""
        return doc

    @abstractmethod
    def rebuild(self, documents: Iterable[Any], progress: ProgressCallback | None = None) -> int:
        """Replace the whole index with ``documents`` (``IndexDocument``s, or what ``prepare``
        made of them); searches keep answering meanwhile."""

    @abstractmethod
    def match_queries(
        self, queries: Mapping[str, SearchQuery], documents: Sequence[IndexDocument]
    ) -> dict[str, list[str]]:
        """Percolation: for every saved query (by key), the ids of ``documents`` it matches, in
        the order given. A document matches when the query's text and filters would find it
        (unranked: no ``min_score`` floor, no paging); ``documents`` need not be indexed."""

    def version(self) -> str | None:
        """A token that changes whenever what this process's searches see may change (a commit,
        a rebuild), or None when the engine cannot tell cheaply: the retrieval layer caches
        results only under a token."""
        return None

    def is_missing(self) -> bool:
        """Whether the index does not exist at all (an engine that creates it on demand: no)."""
        return False

    @abstractmethod
    def status(self) -> IndexStatus:
        """Document counts per index and whether the engine answers."""

    @abstractmethod
    def clear(self) -> None:
        """Drop every document (tests and resets)."""
