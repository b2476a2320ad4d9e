"""Lexical search policy shared by every mode and both engines:

- a query of three or more concepts that finds fewer than ``FEW_MATCHES`` documents when each
  needs all but one of them is run again needing half of them (``word_match="some"``), so a
  question in a learner's own words is not answered with nothing;
- "Did you mean" is offered only when the corrected query finds something.
"""

from __future__ import annotations

from dataclasses import replace

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
