"""Search endpoints: parse parameters, ask the backend, shape MIT Learn's response (thin).

DRF views, so they appear in our OpenAPI schema (``schema.py`` describes their parameters and
responses); parsing and validation stay in ``params.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from learn.retrieval.modes import run_search
from learn.retrieval.responses import ParamError, bad_request, page_envelope, unavailable
from learn.retrieval.search_params import (
    content_file_search_query,
    resource_search_query,
    served_tuning,
)
from learn.retrieval.search_schema import (
    ContentFileSearchRequestSerializer,
    ContentFileSearchResponseSerializer,
    LearningResourcesSearchAdminParamsSerializer,
    LearningResourcesSearchRequestSerializer,
    LearningResourcesSearchResponseSerializer,
)
from learn.search.backends import SearchUnavailable
from learn.search.query import SearchQuery, SearchResult

logger = logging.getLogger(__name__)


def search_response(
    request: HttpRequest | Request, query: SearchQuery, result: SearchResult
) -> dict[str, Any]:
    metadata = {
        "aggregations": result.aggregations,
        "suggest": result.suggest,
        "suggestions": result.suggest,
    }
    results = [hit.source for hit in result.hits]
    return page_envelope(request, result.total, results, query.offset, query.limit, metadata)


def _run(request: Request, build: Callable[[Mapping[str, Any], int], SearchQuery]) -> Response:
    try:
        query = build(request.query_params, settings.API_MAX_PAGE_SIZE)
    except ParamError as exc:
        return bad_request(exc)
    try:
        # Hybrid falls back to lexical itself: quietly when it is only the default, with flags
        # when it was asked for.
        explicit = bool(request.query_params.get("search_mode"))
        result, flags = run_search(query, explicit=explicit)
    except SearchUnavailable as exc:
        logger.warning("search engine unavailable: %s", exc)
        return unavailable("The search engine", exc, "search_unavailable")
    body = search_response(request, query, result)
    body["metadata"].update(flags)
    if query.explain:
        # dev_mode: how the engine read and ran the query, and why each hit scored as it did.
        body["metadata"]["dev_mode"] = {
            **(result.debug or {}),
            "hits": [
                {"id": hit.id, "score": hit.score, "explanation": hit.explanation}
                for hit in result.hits
            ],
        }
    return Response(body)


ERRORS = {
    400: OpenApiResponse(description="An invalid or unknown query parameter (named in `param`)"),
    503: OpenApiResponse(description="The search engine is unavailable"),
}


class LearningResourcesSearchView(APIView):
    """Search for learning resources"""

    @extend_schema(
        summary="Search",
        description="Search for learning resources",
        parameters=[LearningResourcesSearchRequestSerializer],
        responses={200: LearningResourcesSearchResponseSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        return _run(request, resource_search_query)


class ContentFileSearchView(APIView):
    """Search for content files"""

    @extend_schema(
        summary="Search",
        description="Search for content files",
        parameters=[ContentFileSearchRequestSerializer],
        responses={200: ContentFileSearchResponseSerializer, **ERRORS},
    )
    def get(self, request: Request) -> Response:
        return _run(request, content_file_search_query)


class LearningResourcesSearchAdminParamsView(APIView):
    """Learning resource search default admin param values"""

    @extend_schema(
        summary="Search admin params",
        description="Learning resource search default admin param values",
        responses={200: LearningResourcesSearchAdminParamsSerializer},
    )
    def get(self, request: Request) -> Response:
        return Response(served_tuning().as_dict())
