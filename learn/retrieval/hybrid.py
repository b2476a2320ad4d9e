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
import time
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from learn.retrieval.exact_signals import exact_signal
from learn.retrieval.fusion import Method, fuse
from learn.retrieval.lexical import lexical_search
from learn.search.backends.base import SearchBackend
from learn.search.query import BOOLEAN_FACETS, Hit, SearchQuery, SearchResult
from learn.vectors.documents import RESOURCES
from learn.vectors.embedders import EmbeddingError
from learn.vectors.search import (
    DENSE_MIN_CUTOFF,
    SearchPage,
    SearchParams,
    resource_query_vector,
)
from learn.vectors.store import Filter, VectorStoreError, VectorStoreUnavailable, get_store

logger = logging.getLogger(__name__)

POOL = 100  # candidates taken from each retriever
DEFAULT_METHOD: Method = "rrf"
# The lexical list's weight in the fusion follows ``lexical_confidence`` c: from LEXICAL_WEIGHT[0]
# (no subject word of the query in a top title: the dense side alone orders the candidates, and
# lexical-only matches follow them) to LEXICAL_WEIGHT[1] (a title or an instructor was asked for:
# lexical leads, dense only reorders the tail), as low + (high - low) * c**3. A partial match is
# mostly one incidental word of a description or a question ("bridges" in "Bridges of Boston" for
# "how do bridges stay up"), so it moves the weight little. A floor of 0.2 instead of 0 measured
# worse on semantic queries (dev 0.454 vs 0.473, a 40-query held-out set 0.629 vs 0.642) and the
# same on the others: with RRF's flat 1/(60 + rank), any weight on a noisy lexical list outranks
# the dense order.
LEXICAL_WEIGHT = (0.0, 0.9)


def lexical_weight(confidence: float) -> float:
    low, high = LEXICAL_WEIGHT
    return low + (high - low) * confidence**3


DEFAULT_LEXICAL_MODE = "phrase"  # the lexical default; best_fields measured the same
# A candidate only the dense side found enters the result set only at this cosine similarity or
# above (the query's feedback vector against the resource's); candidates the lexical query also
# matches need no floor. Measured by benchmarks/dense_floor.py on the judged development queries
# (relevance_dev, semantic_check, exact_signals_dev; no held-out set) over OCW: the best dense
# candidate of six nonsense queries ("zzqxjv", ...) scores 0.374-0.415; judged-relevant dense-only
# candidates have median 0.547 (p25 0.447), unjudged ones median 0.324. At 0.45 nonsense finds
# nothing, 73% of the relevant dense-only candidates stay and 9% of the unjudged ones do.
DENSE_ONLY_FLOOR = 0.45
VECTOR_FAILURES = (VectorStoreUnavailable, VectorStoreError, EmbeddingError)


@dataclass
class DenseSide:
    """The dense candidates of one filter set, split by the lexical query's membership."""

    ranked: list[tuple[str, float]]  # candidates kept (they exist in the index), dense order
    payloads: dict[str, dict[str, Any]]  # resource id -> vector payload
    only: dict[str, dict[str, Any]]  # dense-only candidates (no lexical match) -> source
    lexical: set[str]  # candidates the lexical query matches beyond its pool


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


def _restricted(
    lexical_query: SearchQuery,
    backend: SearchBackend,
    filters: dict[str, tuple[str, ...]],
    ids: list[str],
    text: bool = True,
) -> list[Hit]:
    """The lexical query (or, ``text=False``, only its filters) restricted to ``ids``."""
    return backend.search(
        replace(
            lexical_query,
            text=lexical_query.text if text else "",
            filters={**filters, "id": tuple(ids)},
            offset=0,
            limit=len(ids),
            aggregations=(),
            sort=None,
            explain=False,
        )
    ).hits


def _dense_side(
    lexical_query: SearchQuery,
    backend: SearchBackend,
    vector: list[float],
    filters: dict[str, tuple[str, ...]],
    pool: int,
    lexical_pool: set[str],
    lexical_complete: bool,
    anchor: str | None = None,
) -> DenseSide:
    """Dense top-``pool`` under ``filters``; which of them the lexical query matches outside its
    pool is asked of the lexical engine (the query restricted by ``id`` to those candidates), and
    the rest (dense-only) must exist in the lexical index under the same filters to be counted."""
    ranked, payloads = _dense_ranked(lexical_query, vector, filters, pool)
    outside = [rid for rid, _ in ranked if rid not in lexical_pool]
    matched: set[str] = set()
    if outside and not lexical_complete:
        # The lexical top hit rides along: a cut relative to the best score (Tantivy's
        # min_score) then falls where it falls in the unrestricted query.
        extra = [anchor] if anchor and anchor not in outside else []
        found = _restricted(lexical_query, backend, filters, [*outside, *extra])
        matched = {h.id for h in found} - set(extra)
    score = dict(ranked)
    rest = [rid for rid in outside if rid not in matched and score[rid] >= DENSE_ONLY_FLOOR]
    only: dict[str, dict[str, Any]] = {}
    if rest:
        found = _restricted(lexical_query, backend, filters, rest, text=False)
        only = {h.id: h.source for h in found}
    keep = lexical_pool | matched | set(only)
    return DenseSide([(r, s) for r, s in ranked if r in keep], payloads, only, matched)


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


def embedding_text(text: str, first: SearchResult) -> str:
    """The text the dense side embeds: the lexical engine's spelling correction when it searched
    with it and found matches (MiniLM has no fuzzy matching: "optmization" embeds as noise), else
    the words as typed. A correction that found nothing came from words the corpus lacks, which
    are mostly real words ("germs" -> "terms", "push" -> "bush"), not typos."""
    if first.suggest and first.total > 0:
        return first.suggest[0]
    return text


def is_course_number_query(text: str) -> bool:
    """Course numbers are exact identifiers: meaning-based neighbours only add noise."""
    from learn.search.documents import looks_like_course_number

    words = text.split()
    return bool(words) and all(looks_like_course_number(w) for w in words)


def _merged_facet(
    buckets: list[dict[str, Any]], name: str, side: DenseSide
) -> list[dict[str, Any]]:
    """The lexical engine's buckets plus the facet values of the dense-only candidates."""
    counts: Counter[str] = Counter({str(b["key"]): int(b["doc_count"]) for b in buckets})
    for rid, source in side.only.items():
        payload = side.payloads.get(rid) or {}
        if name in payload:
            values = [str(v) for v in payload.get(name) or []]
        else:
            values = _source_values(source, name)
        counts.update(set(values))
    return [
        {"key": k, "doc_count": c}
        for k, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if c > 0
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


# How long the "does the vector store hold resources?" answer is trusted when hybrid is only the
# default: an empty or unreachable store then costs one cheap count every few seconds, not an
# exception per request.
PRESENCE_TTL = 10.0
_presence: dict[int, tuple[float, bool, str | None]] = {}


def forget_vector_presence() -> None:
    _presence.clear()


def resource_vectors_state() -> tuple[bool, str | None]:
    """Whether the vector store holds resource points, and why not when it failed (an
    unreachable or unopenable store, not an empty one); cached PRESENCE_TTL seconds."""
    now = time.monotonic()
    try:
        store = get_store()
    except VECTOR_FAILURES as exc:
        return False, str(exc)
    cached = _presence.get(id(store))
    if cached is not None and cached[0] > now:
        return cached[1], cached[2]
    failure: str | None = None
    try:
        present = store.count(RESOURCES) > 0
    except VectorStoreError as exc:
        present = False  # no collection yet: nothing embedded, not a failure
        if "does not exist yet" not in str(exc):
            failure = str(exc)
    except VECTOR_FAILURES as exc:
        present, failure = False, str(exc)
    if failure:
        logger.warning("the vector store fails, hybrid search answers lexically: %s", failure)
    _presence[id(store)] = (now + PRESENCE_TTL, present, failure)
    return present, failure


def resource_vectors_present() -> bool:
    """Whether the vector store answers and holds resource points (cached PRESENCE_TTL seconds)."""
    return resource_vectors_state()[0]


def _lexical_only(
    lexical_query: SearchQuery, backend: SearchBackend, error: str | None
) -> tuple[SearchResult, dict[str, Any]]:
    """The lexical answer; a vector-side failure is always flagged (never silently lexical)."""
    result = lexical_search(backend, lexical_query)
    if error is not None:
        return result, {
            "search_mode": lexical_query.tuning.search_mode,
            "hybrid_fallback": "lexical",
            "hybrid_error": error,
        }
    return result, {"search_mode": lexical_query.tuning.search_mode}


def hybrid_search(
    query: SearchQuery,
    backend: SearchBackend,
    method: Method = DEFAULT_METHOD,
    alpha: float | None = None,
    lexical_mode: str = DEFAULT_LEXICAL_MODE,
    pool: int | None = None,
    explicit: bool = True,
) -> tuple[SearchResult, dict[str, Any]]:
    """Fused lexical + dense results; the dict holds metadata flags for the response.

    The result set is every lexical match under the filters plus the dense top-``pool``
    candidates (above the dense cutoff) the lexical query does not match. Its order: the fusion
    of the lexical top-``pool`` and the dense candidates, then the remaining lexical matches in
    lexical order. ``count`` is the lexical total plus the dense-only candidates; the facet
    counts are the lexical engine's (disjunctive) plus the dense-only candidates' values.

    ``alpha`` fixes the lexical list's weight; by default it follows the lexical confidence.
    ``explicit=False`` (hybrid is only the default mode): with no resource vectors yet the answer
    is quietly lexical (metadata ``search_mode`` says which). When the vector side fails, every
    answer (default or explicit) carries ``hybrid_fallback``/``hybrid_error``.
    """
    pool = POOL if pool is None else pool
    lexical_query = replace(query, tuning=replace(query.tuning, search_mode=lexical_mode))
    if not query.text.strip() or query.index != "resource":
        return backend.search(lexical_query), {"search_mode": lexical_mode}
    if is_course_number_query(query.text):
        return backend.search(lexical_query), {"search_mode": "hybrid", "fusion": "lexical"}
    if not explicit:
        present, failure = resource_vectors_state()
        if not present:
            return _lexical_only(lexical_query, backend, failure)
    try:
        # The lexical side keeps "most" words: loosened, a long question's lexical list is
        # noise the dense side orders better (held-out semantic 0.702 -> 0.674 when loosened).
        first = backend.search(replace(lexical_query, offset=0, limit=pool, sort=None))
        text = embedding_text(query.text, first)
        vector = resource_query_vector(text)
        signal = exact_signal(query.text, first.hits)
        if signal is not None:
            # The lexical ranking found what was named: its order stands, dense only adds.
            alpha = 1.0
        elif alpha is None:
            alpha = lexical_weight(lexical_confidence(text, first.hits))
        in_pool = {h.id for h in first.hits}
        complete = first.total <= len(first.hits)
        anchor = first.hits[0].id if first.hits else None
        main = _dense_side(
            lexical_query, backend, vector, query.filters, pool, in_pool, complete, anchor
        )
        aggregations: dict[str, list[dict[str, Any]]] = {}
        for name in query.aggregations:
            side = main
            if name in query.filters:  # disjunctive: the facet ignores its own filter
                others = {k: v for k, v in query.filters.items() if k != name}
                side = _dense_side(
                    lexical_query, backend, vector, others, pool, set(), False, anchor
                )
            aggregations[name] = _merged_facet(first.aggregations.get(name, []), name, side)
    except VECTOR_FAILURES as exc:
        if explicit:
            logger.warning("hybrid search falls back to lexical: %s", exc)
        else:
            logger.info("default hybrid search answers lexically: %s", exc)
        return _lexical_only(lexical_query, backend, str(exc))
    total = first.total + len(main.only)
    flags: dict[str, Any] = {"search_mode": "hybrid", "fusion": method}
    flags["lexical_weight"] = round(alpha, 2)
    flags["dense_only_floor"] = DENSE_ONLY_FLOOR
    if signal is not None:
        flags["exact_signal"] = signal
    if query.sort:
        # Every sort orders the same set: the lexical matches plus the dense-only candidates.
        ordered = backend.search(
            replace(lexical_query, aggregations=(), also_ids=tuple(main.only), explain=False)
        )
        hits = ordered.hits
    else:
        hits = _fused_page(query, lexical_query, backend, first, main, method, alpha, total)
    result = SearchResult(
        total=total,
        hits=hits,
        aggregations=aggregations,
        suggest=first.suggest,
        debug=first.debug,
    )
    return result, flags


def _fused_page(
    query: SearchQuery,
    lexical_query: SearchQuery,
    backend: SearchBackend,
    first: SearchResult,
    main: DenseSide,
    method: Method,
    alpha: float,
    total: int,
) -> list[Hit]:
    """The requested page of the relevance order: the fused pool, then the remaining lexical
    matches in lexical order."""
    fused = fuse([(h.id, h.score) for h in first.hits], main.ranked, method=method, alpha=alpha)
    start, end = query.offset, min(query.offset + query.limit, total)
    page = fused[start:end]
    hits_by_id = {h.id: h for h in first.hits}
    if end > max(start, len(fused)):
        # Past the fused pool: the remaining lexical matches, in lexical order, without the
        # candidates the fusion already placed (main.lexical: the dense candidates the lexical
        # query matches past its pool). The page is tail[skip_from:take] of them.
        skip_from, take = max(0, start - len(fused)), end - len(fused)
        if main.lexical:
            # Their lexical ranks are unknown: the matches from the pool's end on are read far
            # enough to skip them.
            offset, limit, keep = len(first.hits), take + len(main.lexical), slice(skip_from, take)
        else:
            # No such candidate: the page is one offset away.
            offset, limit, keep = len(first.hits) + skip_from, take - skip_from, slice(None)
        rest = backend.search(
            replace(lexical_query, offset=offset, limit=limit, aggregations=(), sort=None)
        ).hits
        tail = [h for h in rest if h.id not in main.lexical][keep]
        hits_by_id.update({h.id: h for h in tail})
        page += [(h.id, h.score) for h in tail]
    sources = _sources([rid for rid, _ in page], hits_by_id, main.only)
    return [
        Hit(
            id=rid,
            score=score,
            source=sources[rid],
            explanation=hits_by_id[rid].explanation if rid in hits_by_id else None,
        )
        for rid, score in page
        if rid in sources
    ]


def _sources(
    ids: list[str], lexical: dict[str, Hit], dense_only: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    from learn.retrieval.hydration import resources_json

    out = {rid: lexical[rid].source for rid in ids if rid in lexical}
    out.update({rid: dense_only[rid] for rid in ids if rid in dense_only})
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
