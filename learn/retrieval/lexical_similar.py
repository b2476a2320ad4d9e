"""``/similar/``: lexical more-like-this over the search index (course numbers, title, description).

Each of the resource's key terms is one lexical query; normalised scores are summed per resource
(any-term semantics). The resource itself is excluded; the index holds published resources only.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Any

from learn.catalog.models import LearningResource
from learn.search.backends import get_backend
from learn.search.query import DEFAULT_TUNING, SearchQuery
from learn.vectors.documents import course_numbers

_WORD = re.compile(r"[a-z][a-z\-]{3,}")
_STOP = frozenset(
    [
        "this",
        "that",
        "with",
        "from",
        "their",
        "they",
        "them",
        "will",
        "have",
        "been",
        "into",
        "about",
        "which",
        "course",
        "students",
        "also",
        "more",
        "such",
        "these",
        "those",
        "than",
        "then",
        "what",
        "when",
        "where",
        "while",
        "through",
        "each",
        "other",
        "using",
        "introduction",
        "topics",
        "include",
        "including",
        "study",
        "learn",
        "learning",
        "class",
        "subject",
    ]
)
MAX_TERMS = 12
POOL = 50


def more_like_this_terms(resource: LearningResource) -> list[str]:
    """Course numbers, then the most frequent content words of title and description."""
    words = Counter[str]()
    title = (resource.title or "").lower()
    for word in _WORD.findall(title):
        if word not in _STOP:
            words[word] += 3  # title words weigh more
    for text in (resource.description, resource.full_description):
        for word in _WORD.findall((text or "").lower()):
            if word not in _STOP:
                words[word] += 1
    return [*course_numbers(resource)[:2], *(w for w, _ in words.most_common(MAX_TERMS))]


def similar_lexical(
    resource_id: int, filters: dict[str, list[str]], limit: int = 12
) -> list[dict[str, Any]]:
    resource = (
        LearningResource.objects.select_related("course")
        .filter(pk=resource_id, published=True, test_mode=False)
        .first()
    )
    if resource is None:
        raise LookupError(f"No learning resource {resource_id}")
    backend = get_backend()
    tuning = replace(DEFAULT_TUNING, search_mode="best_fields", min_score=0.0)
    scores: dict[str, float] = {}
    sources: dict[str, dict[str, Any]] = {}
    for term in more_like_this_terms(resource):  # any-term semantics: one query per term
        query = SearchQuery(
            text=term,
            filters={k: tuple(v) for k, v in filters.items()},
            limit=POOL,
            tuning=tuning,
        )
        hits = backend.search(query).hits
        best = max((h.score for h in hits), default=0.0) or 1.0
        for hit in hits:
            if str(hit.id) == str(resource_id):
                continue
            scores[hit.id] = scores.get(hit.id, 0.0) + hit.score / best
            sources[hit.id] = hit.source
    ranked = sorted(scores, key=lambda i: (-scores[i], i))[:limit]
    return [sources[i] for i in ranked]
