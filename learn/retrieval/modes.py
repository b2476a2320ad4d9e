"""Running a query in its ``search_mode``: the lexical modes go to the engine; ``hybrid`` (resource
search only) is fused above the engines by the semantic layer.

Engine-neutral policy applied to every mode:
- a query of three or more concepts that finds fewer than ``FEW_MATCHES`` documents when each
  needs all but one of them is run again needing half of them (``word_match="some"``), so a
  question in a learner's own words is not answered with nothing;
- "Did you mean" is offered only when the corrected query finds something.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from learn.search.backends import get_backend
from learn.search.backends.base import SearchBackend
from learn.search.query import SearchQuery, SearchResult
from learn.search.text import parse

FEW_MATCHES = 3  # fewer matches than this with "most" words: loosen to "some"


def concepts(text: str) -> int:
    parsed = parse(text)
    return len(parsed.course_numbers) + len(parsed.phrases) + len(parsed.units)


def loosens(query: SearchQuery, total: int) -> bool:
    """Whether a lexical result of ``total`` matches is too little for this query's words."""
    return query.word_match == "most" and total < FEW_MATCHES and concepts(query.text) >= 3


def lexical_search(backend: SearchBackend, query: SearchQuery) -> SearchResult:
    """The engine's answer, needing fewer of the words when all but one find too little."""
    result = backend.search(query)
    if loosens(query, result.total):
        loose = backend.search(replace(query, word_match="some"))
        if loose.total > result.total:
            return loose
    return result


def helpful_suggestions(
    backend: SearchBackend, query: SearchQuery, suggest: list[str]
) -> list[str]:
    """The spelling corrections that find something under the query's filters."""
    kept = []
    for text in suggest:
        probe = replace(
            query,
            text=text,
            offset=0,
            limit=0,
            aggregations=(),
            sort=None,
            explain=False,
            also_ids=(),
        )
        if backend.search(probe).total > 0:
            kept.append(text)
    return kept


def run_search(query: SearchQuery, explicit: bool = True) -> tuple[SearchResult, dict[str, Any]]:
    """The result and the response metadata flags (``search_mode`` used, hybrid's fusion).

    ``explicit=False``: hybrid is only the default mode, so it answers quietly lexically when no
    resource is embedded or the vector side fails (``learn.retrieval.hybrid.hybrid_search``).
    """
    backend = get_backend()
    if query.tuning.search_mode == "hybrid" and query.index == "resource":
        # Lazy: learn.vectors depends on learn.search, not the other way round.
        from learn.retrieval.hybrid import hybrid_search

        result, flags = hybrid_search(query, backend, explicit=explicit)
    else:
        result = lexical_search(backend, query)
        flags = {"search_mode": query.tuning.search_mode} if query.index == "resource" else {}
    if result.suggest:
        result.suggest = helpful_suggestions(backend, query, result.suggest)
    return result, flags
