"""Thin DRF views over ``learn.vectors.search``: parse, call, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from learn.catalog.serializers import learning_resource_schema
from learn.config.env import get_env
from learn.retrieval import hybrid, hydration
from learn.retrieval import vector_params as params
from learn.vectors import search
from learn.vectors.embedders import EmbeddingError
from learn.vectors.store import VectorStoreError, VectorStoreUnavailable


def _page_url(request: Request, offset: int, limit: int) -> str:
    query = request.query_params.copy()
    query["offset"] = str(offset)
    query["limit"] = str(limit)
    return request.build_absolute_uri(request.path + "?" + query.urlencode())


def _envelope(
    request: Request,
    count: int,
    results: list[Any],
    offset: int,
    limit: int,
    metadata: dict[str, Any],
) -> dict[str, Any]:
    nxt = _page_url(request, offset + limit, limit) if offset + limit < count else None
    prev = _page_url(request, max(0, offset - limit), limit) if offset > 0 else None
    return {"count": count, "next": nxt, "previous": prev, "results": results, "metadata": metadata}


def _bad(exc: params.ParamError) -> Response:
    return Response(
        {"detail": f"Invalid query parameter(s): {exc}", "errors": exc.errors}, status=400
    )


def _unavailable(exc: Exception) -> Response:
    return Response(
        {"detail": f"Vector search is unavailable: {exc}", "code": "vector_store_unavailable"},
        status=503,
    )


@extend_schema(
    methods=["GET"],
    responses={200: OpenApiTypes.OBJECT},
    summary="Vector search over learning resources",
)
class VectorResourceSearchView(APIView):
    """GET /api/v0/vector_learning_resources_search/"""

    def get(self, request: Request) -> Response:
        try:
            parsed = params.parse_resource_search(request.query_params)
        except params.ParamError as exc:
            return _bad(exc)
        v = parsed.values
        query = search.SearchParams(
            q=v["q"],
            filters=parsed.filters,
            aggregations=v["aggregations"],
            sortby=v["sortby"],
            limit=v["limit"],
            offset=v["offset"],
            score_cutoff=v["score_cutoff"],
        )
        try:
            if v["hybrid_search"] and v["q"] and hybrid.supports(parsed.filters):
                page = hybrid.hybrid_resource_search(query)
            else:
                page = search.search_resources(query)
        except (VectorStoreUnavailable, VectorStoreError, EmbeddingError) as exc:
            return _unavailable(exc)
        metadata: dict[str, Any] = {"aggregations": page.aggregations, "suggestions": []}
        metadata.update(page.metadata)
        results = hydration.resources_json(page.ids)
        return Response(_envelope(request, page.count, results, v["offset"], v["limit"], metadata))


@extend_schema(
    methods=["GET"],
    responses={200: OpenApiTypes.OBJECT},
    summary="Vector search over content-file chunks",
)
class VectorContentFileSearchView(APIView):
    """GET /api/v0/vector_content_files_search/ (anonymous while VECTOR_CONTENT_FILES_ANONYMOUS)."""

    def get(self, request: Request) -> Response:
        user = getattr(request, "user", None)
        if not get_env().vector_content_files_anonymous and not getattr(user, "is_staff", False):
            return Response({"detail": "Staff only."}, status=403)
        try:
            parsed = params.parse_content_file_search(request.query_params)
        except params.ParamError as exc:
            return _bad(exc)
        v = parsed.values
        query = search.SearchParams(
            q=v["q"],
            filters=parsed.filters,
            aggregations=v["aggregations"],
            limit=v["limit"],
            offset=v["offset"],
            group_by=v["group_by"],
            group_size=v["group_size"],
        )
        try:
            page = search.search_content_files(query)
        except (VectorStoreUnavailable, VectorStoreError, EmbeddingError) as exc:
            return _unavailable(exc)
        results = hydration.content_files_json(page.hits)
        metadata = {"aggregations": page.aggregations, "suggestions": []}
        return Response(_envelope(request, page.count, results, v["offset"], v["limit"], metadata))


@extend_schema(
    methods=["GET"],
    responses={200: learning_resource_schema(many=True)},
    summary="Nearest neighbours of a resource",
)
class VectorSimilarView(APIView):
    """GET /api/v1/learning_resources/{id}/vector_similar/"""

    def get(self, request: Request, pk: int) -> Response:
        try:
            parsed = params.parse_similar(request.query_params)
        except params.ParamError as exc:
            return _bad(exc)
        try:
            hits = search.similar_resources(pk, parsed.filters, parsed.values["limit"])
        except search.NotFound as exc:
            return Response({"detail": str(exc)}, status=404)
        except (VectorStoreUnavailable, VectorStoreError) as exc:
            return _unavailable(exc)
        ids = [int(h.payload["resource_id"]) for h in hits]
        return Response(hydration.resources_json(ids))


@extend_schema(
    methods=["GET"],
    responses={200: learning_resource_schema(many=True)},
    summary="Lexically similar resources",
)
class LexicalSimilarView(APIView):
    """GET /api/v1/learning_resources/{id}/similar/ (lexical more-like-this)"""

    def get(self, request: Request, pk: int) -> Response:
        from learn.retrieval.lexical_similar import similar_lexical
        from learn.search.backends import SearchUnavailable

        try:
            parsed = params.parse_similar(request.query_params)
        except params.ParamError as exc:
            return _bad(exc)
        try:
            return Response(similar_lexical(pk, parsed.filters, parsed.values["limit"]))
        except LookupError as exc:
            return Response({"detail": str(exc)}, status=404)
        except SearchUnavailable as exc:
            return Response({"detail": f"Search is unavailable: {exc}"}, status=503)


__all__ = [
    "LexicalSimilarView",
    "VectorContentFileSearchView",
    "VectorResourceSearchView",
    "VectorSimilarView",
    "settings",
]
