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
from learn.retrieval.responses import ParamError, bad_request, page_envelope, unavailable
from learn.vectors import search
from learn.vectors.embedders import EmbeddingError
from learn.vectors.store import VectorStoreError, VectorStoreUnavailable


def _unavailable(exc: Exception) -> Response:
    return unavailable("Vector search", exc, "vector_store_unavailable")


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
        except ParamError as exc:
            return bad_request(exc)
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
        body = page_envelope(request, page.count, results, v["offset"], v["limit"], metadata)
        return Response(body)


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
        except ParamError as exc:
            return bad_request(exc)
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
        body = page_envelope(request, page.count, results, v["offset"], v["limit"], metadata)
        return Response(body)


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
        except ParamError as exc:
            return bad_request(exc)
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
        except ParamError as exc:
            return bad_request(exc)
        try:
            return Response(similar_lexical(pk, parsed.filters, parsed.values["limit"]))
        except LookupError as exc:
            return Response({"detail": str(exc)}, status=404)
        except SearchUnavailable as exc:
            return unavailable("The search engine", exc, "search_unavailable")


__all__ = [
    "LexicalSimilarView",
    "VectorContentFileSearchView",
    "VectorResourceSearchView",
    "VectorSimilarView",
    "settings",
]
