"""Hybrid search: the lexical backend (learn.search) fused with dense vector search.

``hybrid_search(query, backend)`` is what ``search_mode=hybrid`` calls. Both retrievers return
a pool
of candidates under the same filters; the fused pool is the result set, so ``count`` and the facet
counts (disjunctive: each facet ignores its own filter) describe exactly the results. When the
vector side fails, the answer is plain lexical with ``hybrid_fallback`` set in the metadata.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from learn.search.backends.base import SearchBackend
from learn.search.query import BOOLEAN_FACETS, Hit, SearchQuery, SearchResult
from learn.vectors.documents import RESOURCES, point_id
from learn.vectors.embedders import EmbeddingError
from learn.vectors.fusion import Method, fuse
from learn.vectors.search import DENSE_MIN_CUTOFF, SearchPage, SearchParams, embed_query
from learn.vectors.store import Filter, VectorStoreError, VectorStoreUnavailable, get_store

logger = logging.getLogger(__name__)

POOL = 100  # candidates taken from each retriever
DEFAULT_METHOD: Method = "rrf"
# The lexical list's weight in the fusion follows ``lexical_confidence`` c: from LEXICAL_WEIGHT[0]
# (no subject word of the query in a top title: the dense side leads) to LEXICAL_WEIGHT[1] (a
# title or an instructor was asked for: lexical leads, dense only reorders the tail), as
# low + (high - low) * c**3. A partial match is mostly one incidental word of a description or a
# question ("bridges" in "Bridges of Boston" for "how do bridges stay up"), so it moves the
# weight little.
LEXICAL_WEIGHT = (0.2, 0.9)


def lexical_weight(confidence: float) -> float:
    low, high = LEXICAL_WEIGHT
    return low + (high - low) * confidence**3


DEFAULT_LEXICAL_MODE = "phrase"  # the lexical default; best_fields measured the same
VECTOR_FAILURES = (VectorStoreUnavailable, VectorStoreError, EmbeddingError)


@dataclass
class Candidates:
    ranked: list[tuple[str, float]]
    lexical: dict[str, Hit]
    payloads: dict[str, dict[str, Any]]  # resource id -> vector payload


def _dense_filter(filters: dict[str, tuple[str, ...]]) -> Filter:
    must: dict[str, list[str | int]] = {"f_published": ["true"]}
    for name, values in filters.items():
        if not values:
            continue
        if name == "id":
            must["resource_id"] = [int(v) for v in values if str(v).isdigit()]
        else:
            must[f"f_{name}"] = sorted({str(v).lower() for v in values})
    return Filter(must=must)


def _hidden_ocw_file(payload: dict[str, Any]) -> bool:
    """The lexical default ``show_ocw_files=false`` rule, applied to dense-only hits."""
    if "ocw" not in (payload.get("platform") or []):
        return False
    types = set(payload.get("resource_type") or [])
    return not (types & {"course", "video"}) and "Open Textbook" not in (
        payload.get("resource_category") or []
    )


# Payload keys the fusion reads (facet keys are added per query): the rest is never fetched.
_RANK_FIELDS = ("resource_id", "platform", "resource_type", "resource_category")


def _dense_ranked(
    query: SearchQuery, vector: list[float], filters: dict[str, tuple[str, ...]], pool: int
) -> tuple[list[tuple[str, float]], dict[str, dict[str, Any]]]:
    dense = get_store().search(
        RESOURCES,
        vector,
        _dense_filter(filters),
        limit=pool,
        score_threshold=DENSE_MIN_CUTOFF,
        payload_fields=[*_RANK_FIELDS, *query.aggregations],
    )
    payloads = {str(h.payload["resource_id"]): h.payload for h in dense}
    ranked = [
        (str(h.payload["resource_id"]), h.score)
        for h in dense
        if query.show_ocw_files or not _hidden_ocw_file(h.payload)
    ]
    return ranked, payloads


def _candidates(
    query: SearchQuery,
    backend: SearchBackend,
    vector: list[float],
    filters: dict[str, tuple[str, ...]],
    method: Method,
    alpha: float,
    pool: int,
    lexical: SearchResult | None = None,
) -> Candidates:
    if lexical is None:
        lexical = _lexical(query, backend, filters, pool)
    dense_ranked, payloads = _dense_ranked(query, vector, filters, pool)
    lexical_ranked = [(h.id, h.score) for h in lexical.hits]
    ranked = fuse(lexical_ranked, dense_ranked, method=method, alpha=alpha)
    return Candidates(ranked, {h.id: h for h in lexical.hits}, payloads)


def _lexical(
    query: SearchQuery, backend: SearchBackend, filters: dict[str, tuple[str, ...]], pool: int
) -> SearchResult:
    return backend.search(
        replace(query, filters=filters, offset=0, limit=pool, aggregations=(), sort=None)
    )


# Words that carry no subject: a query made of them says nothing the titles could confirm.
_FUNCTION_WORD_LIST = (
    "a about an and are as at be by can could do does for from how i in into is it my of on or our "
    "should that the their this to up we what when where which who why will with you your"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_WORD_LIST.split())
_WORD = re.compile(r"[0-9a-z]+")
CONFIDENCE_TOP = 3  # lexical hits whose titles and instructors are checked


def _stem(word: str) -> str:
    """A crude stem: the first five letters ("circuits" ~ "circuit", "essays" ~ "essay")."""
    return word[:5]


def _hit_words(source: dict[str, Any]) -> set[str]:
    text = [str(source.get("title") or "")]
    for run in source.get("runs") or []:
        for person in run.get("instructors") or []:
            if isinstance(person, dict):
                text.append(str(person.get("full_name") or person.get("last_name") or ""))
    return {_stem(w) for w in _WORD.findall(" ".join(text).lower())}


def lexical_confidence(text: str, hits: list[Hit]) -> float:
    """How sure the lexical ranking is: the largest share of the query's subject words that one of
    its top hits has in its title or instructor names (1.0: a title or a name was asked for).

    Keyword queries ("linear algebra", "Gilbert Strang") score 1.0; a question or description in
    the user's own words ("how do vaccines train the body") scores low, and the dense side leads.
    """
    words = [w for w in _WORD.findall(text.lower()) if w not in _FUNCTION_WORDS]
    if not words:
        return 0.0
    wanted = {_stem(w) for w in words}
    best = 0.0
    for hit in hits[:CONFIDENCE_TOP]:
        best = max(best, len(wanted & _hit_words(hit.source)) / len(wanted))
    return best


def is_course_number_query(text: str) -> bool:
    """Course numbers are exact identifiers: meaning-based neighbours only add noise."""
    from learn.search.documents import looks_like_course_number

    words = text.split()
    return bool(words) and all(looks_like_course_number(w) for w in words)


def _payloads_for(candidates: Candidates, name: str) -> dict[str, dict[str, Any]]:
    """Vector payloads of every candidate (lexical-only ones are fetched by their point id, with
    only the facet's key)."""
    missing = {}
    for rid, hit in candidates.lexical.items():
        if rid not in candidates.payloads:
            platform = (hit.source.get("platform") or {}).get("code") or "unknown"
            missing[point_id(platform, hit.source.get("readable_id", ""))] = rid
    out = dict(candidates.payloads)
    if missing:
        found_points = get_store().retrieve(
            RESOURCES, list(missing), payload_fields=["resource_id", name]
        )
        for found in found_points:
            out[str(found.payload.get("resource_id"))] = found.payload
    return out


def _facet(name: str, candidates: Candidates) -> list[dict[str, Any]]:
    payloads = _payloads_for(candidates, name)
    counts: Counter[str] = Counter()
    for rid, _ in candidates.ranked:
        payload = payloads.get(rid)
        if payload is None:  # not embedded yet: count from the lexical document
            source = candidates.lexical[rid].source if rid in candidates.lexical else {}
            values = _source_values(source, name)
        else:
            values = [str(v) for v in payload.get(name) or []]
        counts.update(set(values))
    return [
        {"key": k, "doc_count": c}
        for k, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def _source_values(source: dict[str, Any], name: str) -> list[str]:
    value = source.get(name)
    if name in BOOLEAN_FACETS:
        return ["true" if value else "false"]
    if name == "topic":
        return [t.get("name", "") for t in source.get("topics") or []]
    if name == "department":
        return [d.get("department_id", "") for d in source.get("departments") or []]
    items = value if isinstance(value, list) else [value]
    return [str(i.get("code") if isinstance(i, dict) else i) for i in items if i]


def hybrid_search(
    query: SearchQuery,
    backend: SearchBackend,
    method: Method = DEFAULT_METHOD,
    alpha: float | None = None,
    lexical_mode: str = DEFAULT_LEXICAL_MODE,
    pool: int = POOL,
) -> tuple[SearchResult, dict[str, Any]]:
    """Fused lexical + dense results; the dict holds metadata flags for the response.

    ``alpha`` fixes the lexical list's weight; by default it follows the lexical confidence.
    """
    lexical_query = replace(query, tuning=replace(query.tuning, search_mode=lexical_mode))
    if not query.text.strip() or query.sort or query.index != "resource":
        return backend.search(lexical_query), {}
    if is_course_number_query(query.text):
        return backend.search(lexical_query), {"search_mode": "hybrid", "fusion": "lexical"}
    pool = max(pool, query.offset + query.limit)
    try:
        first = _lexical(lexical_query, backend, query.filters, pool)
        # A typo the lexical engine corrected is embedded corrected: MiniLM has no fuzzy matching.
        text = first.suggest[0] if first.suggest else query.text
        vector = embed_query(text)
        if alpha is None:
            alpha = lexical_weight(lexical_confidence(text, first.hits))
        main = _candidates(
            lexical_query, backend, vector, query.filters, method, alpha, pool, lexical=first
        )
        aggregations: dict[str, list[dict[str, Any]]] = {}
        for name in query.aggregations:
            if name in query.filters:  # disjunctive: ignore the facet's own filter
                others = {k: v for k, v in query.filters.items() if k != name}
                aggregations[name] = _facet(
                    name, _candidates(lexical_query, backend, vector, others, method, alpha, pool)
                )
            else:
                aggregations[name] = _facet(name, main)
    except VECTOR_FAILURES as exc:
        logger.warning("hybrid search falls back to lexical: %s", exc)
        return backend.search(lexical_query), {
            "hybrid_fallback": "lexical",
            "hybrid_error": str(exc),
        }
    page = main.ranked[query.offset : query.offset + query.limit]
    sources = _sources([rid for rid, _ in page], main.lexical)
    hits = [Hit(id=rid, score=score, source=sources[rid]) for rid, score in page if rid in sources]
    return SearchResult(total=len(main.ranked), hits=hits, aggregations=aggregations), {
        "search_mode": "hybrid",
        "fusion": method,
        "lexical_weight": round(alpha, 2),
    }


def _sources(ids: list[str], lexical: dict[str, Hit]) -> dict[str, dict[str, Any]]:
    from learn.vectors.responses import resources_json

    out = {rid: lexical[rid].source for rid in ids if rid in lexical}
    missing = [int(rid) for rid in ids if rid not in out]
    for item in resources_json(missing):
        out[str(item["id"])] = item
    return out


def supports(filters: dict[str, list[str]]) -> bool:
    """Whether the lexical engine can apply these vector-endpoint filters (else: dense only)."""
    from learn.search.query import RESOURCE_FACETS

    for name, values in filters.items():
        if name == "published":
            if values != ["true"]:
                return False
        elif name not in RESOURCE_FACETS:
            return False
    return True


def hybrid_resource_search(params: SearchParams) -> SearchPage:
    """``hybrid_search=true`` on the vector endpoint: the same fusion, shaped as a vector page."""
    from learn.search.backends import get_backend

    filters = {k: tuple(v) for k, v in params.filters.items() if k not in ("published",)}
    query = SearchQuery(
        text=params.q,
        filters=filters,
        aggregations=tuple(params.aggregations),
        offset=params.offset,
        limit=params.limit,
    )
    result, flags = hybrid_search(query, get_backend())
    return SearchPage(
        count=result.total,
        ids=[int(h.id) for h in result.hits],
        hits=[],
        aggregations=result.aggregations,
        metadata=flags,
    )
