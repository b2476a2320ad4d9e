"""Search endpoints: parse parameters, ask the backend, shape MIT Learn's response (thin)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from learn.search.backends import SearchUnavailable, get_backend
from learn.search.params import (
    ParamError,
    content_file_search_query,
    resource_search_query,
)
from learn.search.query import DEFAULT_TUNING, SearchQuery, SearchResult

logger = logging.getLogger(__name__)


def _page_url(request: HttpRequest, offset: int, limit: int) -> str:
    params = request.GET.copy()
    params["offset"] = str(offset)
    params["limit"] = str(limit)
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def search_response(
    request: HttpRequest, query: SearchQuery, result: SearchResult
) -> dict[str, Any]:
    end = query.offset + query.limit
    nxt = _page_url(request, end, query.limit) if query.limit and end < result.total else None
    prev = None
    if query.offset > 0 and query.limit:
        prev = _page_url(request, max(0, query.offset - query.limit), query.limit)
    return {
        "count": result.total,
        "next": nxt,
        "previous": prev,
        "results": [hit.source for hit in result.hits],
        "metadata": {
            "aggregations": result.aggregations,
            "suggest": result.suggest,
            "suggestions": result.suggest,
        },
    }


def _run(
    request: HttpRequest, build: Callable[[Mapping[str, Any], int], SearchQuery]
) -> JsonResponse:
    try:
        query = build(request.GET, settings.API_MAX_PAGE_SIZE)
    except ParamError as exc:
        return JsonResponse(exc.as_json(), status=400)
    flags: dict[str, Any] = {}
    try:
        if query.tuning.search_mode == "hybrid" and query.index == "resource":
            # Lexical + dense fusion lives in the semantic layer (falls back to lexical itself).
            from learn.vectors.hybrid import hybrid_search

            result, flags = hybrid_search(query, get_backend())
        else:
            result = get_backend().search(query)
    except SearchUnavailable as exc:
        logger.warning("search engine unavailable: %s", exc)
        return JsonResponse(
            {
                "detail": "The search engine is unavailable; please retry shortly.",
                "error": str(exc),
            },
            status=503,
        )
    body = search_response(request, query, result)
    body["metadata"].update(flags)
    return JsonResponse(body)


@require_GET
def learning_resources_search(request: HttpRequest) -> JsonResponse:
    return _run(request, resource_search_query)


@require_GET
def content_file_search(request: HttpRequest) -> JsonResponse:
    return _run(request, content_file_search_query)


@require_GET
def admin_params(request: HttpRequest) -> JsonResponse:
    return JsonResponse(DEFAULT_TUNING.as_dict())
