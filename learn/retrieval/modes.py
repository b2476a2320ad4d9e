"""Running a query in its ``search_mode``: the lexical modes go to the engine (with the lexical
policy of ``learn.retrieval.lexical``); ``hybrid`` (resource search only) is fused above the
engines by ``learn.retrieval.hybrid``."""

from __future__ import annotations

from typing import Any

from learn.observability.metrics import timed_search
from learn.retrieval.hybrid import hybrid_search
from learn.retrieval.lexical import helpful_suggestions, lexical_search
from learn.retrieval.result_cache import result_cache
from learn.search.backends import get_backend
from learn.search.query import SearchQuery, SearchResult


def run_search(query: SearchQuery, explicit: bool = True) -> tuple[SearchResult, dict[str, Any]]:
    """The result and the response metadata flags (``search_mode`` used, hybrid's fusion).

    Lexical results come from the per-process result cache when the engine reports an index
    version (``learn.retrieval.result_cache``).

    ``explicit=False``: hybrid is only the default mode, so it answers quietly lexically when no
    resource is embedded or the vector side fails (``learn.retrieval.hybrid.hybrid_search``).
    """
    backend = get_backend()
    hybrid = query.tuning.search_mode == "hybrid" and query.index == "resource"

    def answer() -> tuple[SearchResult, dict[str, Any]]:
        if hybrid:
            result, flags = hybrid_search(query, backend, explicit=explicit)
        else:
            result = lexical_search(backend, query)
            flags = {"search_mode": query.tuning.search_mode} if query.index == "resource" else {}
        if result.suggest:
            result.suggest = helpful_suggestions(backend, query, result.suggest)
        return result, flags

    with timed_search(backend.name, query.tuning.search_mode, query.index):
        if hybrid:  # the vector side reports no version: never cached
            return answer()
        return result_cache().get_or_compute(backend.version(), query, answer)
