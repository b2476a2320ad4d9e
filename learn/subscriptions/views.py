"""Thin views: subscription paths of MIT Learn's v1 API, the one-click unsubscribe, feeds."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from learn.retrieval.responses import ParamError, bad_request
from learn.retrieval.search_params import Params
from learn.retrieval.search_schema import LearningResourcesSearchRequestSerializer
from learn.subscriptions import queries, service, tokens
from learn.subscriptions.models import Frequency, PercolateQuery, SourceType
from learn.subscriptions.serializers import (
    PercolateQuerySerializer,
    PercolateQuerySubscriptionRequestSerializer,
    SubscriptionUpdateSerializer,
    UnsubscribeErrorSerializer,
    UnsubscribeResultSerializer,
)

EXTRA = ("source_type", "frequency", "display_label")


def _request_params(data: Any) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The search parameters and our extra fields (source_type, frequency, display_label)."""
    params = Params(data)
    extra = {name: params.get(name) or "" for name in EXTRA}
    search = queries.search_params(data)
    return search, extra


def _choice(name: str, value: str, choices: list[str], default: str) -> str:
    if not value:
        return default
    if value not in choices:
        raise ParamError(name, f"'{value[:50]}' is not a valid choice", choices)
    return value


class UserSearchSubscriptionViewSet(viewsets.GenericViewSet[Any]):
    """View for listing percolate query subscriptions for a user"""

    permission_classes = (IsAuthenticated,)
    serializer_class = PercolateQuerySerializer
    pagination_class = None

    queryset = PercolateQuery.objects.none()

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return PercolateQuery.objects.none()
        return service.user_queries(self.request.user)

    @extend_schema(
        summary="List subscribed queries",
        parameters=[LearningResourcesSearchRequestSerializer],
        responses=PercolateQuerySerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        found = list(self.get_queryset())
        if request.query_params:
            try:
                wanted = queries.normalise(queries.search_params(request.query_params))
            except ParamError as exc:
                return bad_request(exc)
            found = [q for q in found if all(q.query.get(k) == v for k, v in wanted.items())]
        return Response(self.get_serializer(found, many=True).data)

    @extend_schema(
        summary="Check if a user is subscribed to a specific query",
        parameters=[PercolateQuerySubscriptionRequestSerializer],
        responses=PercolateQuerySerializer(many=True),
    )
    @action(detail=False, methods=["GET"])
    def check(self, request: Request) -> Response:
        try:
            search, extra = _request_params(request.query_params)
            source_type = _choice("source_type", extra["source_type"], SourceType.values, "")
        except ParamError as exc:
            return bad_request(exc)
        if search:
            found = service.matching(request.user, search, source_type or None)
        else:  # no search named: every subscription of the caller (MIT Learn answers so too)
            found = service.user_queries(request.user)
            if source_type:
                found = found.filter(source_type=source_type)
        return Response(self.get_serializer(found, many=True).data)

    @extend_schema(
        summary="Subscribe user to query",
        parameters=[PercolateQuerySubscriptionRequestSerializer],
        request=OpenApiTypes.OBJECT,  # the same fields as the parameters, as JSON or a form
        responses=PercolateQuerySerializer,
    )
    @action(detail=False, methods=["POST"])
    def subscribe(self, request: Request) -> Response:
        data = request.data if request.data else request.query_params
        try:
            search, extra = _request_params(data)
            source_type = _choice(
                "source_type", extra["source_type"], SourceType.values, SourceType.search
            )
            frequency = _choice("frequency", extra["frequency"], Frequency.values, "daily")
        except ParamError as exc:
            return bad_request(exc)
        saved = service.subscribe(
            request.user, search, source_type, frequency, extra["display_label"]
        )
        return Response(self.get_serializer(saved).data)

    @extend_schema(
        summary="Unsubscribe user from query",
        parameters=[OpenApiParameter(name="id", type=int, location=OpenApiParameter.PATH)],
        responses={204: None},
    )
    @action(detail=True, methods=["DELETE"])
    def unsubscribe(self, request: Request, pk: str) -> Response:
        if not pk.isdigit() or not service.unsubscribe(request.user, int(pk)):
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Change the digest frequency of a subscription",
        parameters=[OpenApiParameter(name="id", type=int, location=OpenApiParameter.PATH)],
        request=SubscriptionUpdateSerializer,
        responses=PercolateQuerySerializer,
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        body = SubscriptionUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if not pk.isdigit() or not service.set_frequency(
            request.user, int(pk), body.validated_data["frequency"]
        ):
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        return Response(self.get_serializer(service.user_queries(request.user).get(pk=pk)).data)


def _wants_html(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and "application/json" not in accept


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(APIView):
    """Handle email unsubscribe requests via signed token."""

    permission_classes = (AllowAny,)
    authentication_classes: list[Any] = []

    @extend_schema(
        summary="One-click unsubscribe (RFC 8058)",
        description="Handle email unsubscribe requests via signed token.",
        request=None,
        responses={
            200: OpenApiResponse(UnsubscribeResultSerializer, "Successfully unsubscribed"),
            400: OpenApiResponse(UnsubscribeErrorSerializer, "Invalid or expired token"),
        },
    )
    def post(self, request: Request, token: str) -> Response | HttpResponse:
        try:
            tokens.use_token(token)
        except tokens.TokenRejected as exc:
            if _wants_html(request):
                return _page(str(exc), status.HTTP_400_BAD_REQUEST)
            return Response({"error": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        done = "You will no longer receive these emails."
        if _wants_html(request):
            return _page(done, status.HTTP_200_OK)
        return Response({"detail": done})

    @extend_schema(exclude=True)
    def get(self, request: Request, token: str) -> HttpResponse:
        """A person who opens the link gets a button (a GET changes nothing, RFC 8058)."""
        return _page("Unsubscribe from these emails?", status.HTTP_200_OK, form=True)


def _page(message: str, code: int, form: bool = False) -> HttpResponse:
    body = render_to_string("subscriptions/unsubscribe.html", {"message": message, "form": form})
    return HttpResponse(body, status=code, content_type="text/html; charset=utf-8")
