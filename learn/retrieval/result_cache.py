"""Lexical search results kept per process, keyed by the index version and the whole query.

A learner's searches repeat (the first page of a popular word, a facet clicked back and forth);
answering a repeat from memory saves the engine's ranking and facet counting. Correctness rests on
the key: the engine's ``version()`` token changes with every commit or rebuild it can see, so an
entry is never served for an index it was not computed on; an engine that cannot give a token
(OpenSearch: its own shard request cache does this server side) is never cached here. Hybrid
results are not cached (the vector side has no such token), nor ``dev_mode`` explanations.

Entries are shallow copies out and in, so a caller that edits the lists it gets back cannot
change what the next caller sees. Ranking ages resources by the clock, so an entry also
expires with the clock hour it was computed in. ``SEARCH_RESULT_CACHE_SIZE`` bounds the entries
(LRU; 0: off).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from learn.observability.metrics import SEARCH_RESULT_CACHE
from learn.search.query import SearchQuery, SearchResult

Entry = tuple[SearchResult, dict[str, Any]]


def _copy(entry: Entry) -> Entry:
    result, flags = entry
    return (
        replace(
            result,
            hits=list(result.hits),
            aggregations={name: list(rows) for name, rows in result.aggregations.items()},
            suggest=list(result.suggest),
        ),
        dict(flags),
    )


class ResultCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[str, str], Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(
        self, version: str | None, query: SearchQuery, compute: Callable[[], Entry]
    ) -> Entry:
        if version is None or self.size <= 0 or query.explain:
            return compute()
        # Ranking decays with a resource's age: an entry lives at most within one clock hour.
        key = (f"{version}@{int(time.time() // 3600)}", repr(query))
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
        if found is not None:
            SEARCH_RESULT_CACHE.labels("hit").inc()
            return _copy(found)
        SEARCH_RESULT_CACHE.labels("miss").inc()
        entry = compute()
        with self._lock:
            self._entries[key] = _copy(entry)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_cache: ResultCache | None = None


def result_cache() -> ResultCache:
    global _cache
    from learn.config.env import get_env

    size = get_env().search_result_cache_size
    if _cache is None or _cache.size != size:
        _cache = ResultCache(size)
    return _cache
