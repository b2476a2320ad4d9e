"""API views of users, profiles and user lists (thin: querysets and writes live in
``lists`` / ``serializers``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from learn.accounts.lists import (
    own_lists,
    published_items,
    readable_lists,
    set_resource_lists,
    with_items,
)
from learn.accounts.models import Profile, UserList, UserListRelationship
from learn.accounts.permissions import AuthenticatedForWrites
from learn.accounts.serializers import (
    CurrentUserSerializer,
    MicroRelationshipSerializer,
    ProfileSerializer,
    UserListRelationshipSerializer,
    UserListSerializer,
)
from learn.catalog.queries import published_resources


def numeric_id(value: Any, what: str = "id") -> int:
    text = str(value)
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise NotFound(f"No {what} {text!r}.")
    return int(text)


def id_list(request: Request, name: str) -> list[int]:
    """Repeated integer query parameter ``name`` (400 naming it when one is not an integer)."""
    values = request.query_params.getlist(name)
    ids: list[int] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            if not (part.isascii() and part.isdigit()) or len(part) > 18:
                raise ValidationError({name: [f"{part!r} is not an integer id."]})
            ids.append(int(part))
    return ids


@method_decorator(ensure_csrf_cookie, name="get")
class CurrentUserView(APIView):
    """``GET /api/v0/users/me/``: the requesting user, anonymous ones included. Also sets the
    CSRF cookie the web app sends back on session writes."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=CurrentUserSerializer)
    def get(self, request: Request) -> Response:
        return Response(CurrentUserSerializer(request.user).data)  # type: ignore[arg-type]


@extend_schema(
    parameters=[OpenApiParameter("user__username", str, OpenApiParameter.PATH)],
)
class ProfileViewSet(
    mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet[Profile]
):
    """``/api/v0/profiles/{username|me}/``: read by its owner and staff, written by its owner."""

    serializer_class = ProfileSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "user__username"
    lookup_value_regex = "[^/]+"

    def get_object(self) -> Profile:
        user = self.request.user
        username = self.kwargs["user__username"]
        if username == "me":
            username = user.get_username()
        queryset = Profile.objects.select_related("user").prefetch_related("topic_interests")
        if not (user.is_staff and self.request.method in permissions.SAFE_METHODS):
            queryset = queryset.filter(user_id=user.pk or 0)
        return get_object_or_404(queryset, user__username=username)


ITEMS_PARAMETER = OpenApiParameter(
    "userlist_id", int, OpenApiParameter.PATH, description="id of the parent user list"
)


class UserListViewSet(viewsets.ModelViewSet[UserList]):
    """``/api/v1/userlists/``: the signed-in user's lists; an unlisted list opens for anyone by
    its id; only the author writes."""

    serializer_class = UserListSerializer
    permission_classes = [AuthenticatedForWrites]
    lookup_value_regex = "[^/]+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[UserList]:
        user = self.request.user
        if self.action == "list":
            return with_items(own_lists(user)).order_by("id")
        if self.request.method in permissions.SAFE_METHODS:
            return with_items(readable_lists(user))
        return with_items(own_lists(user))

    def get_object(self) -> UserList:
        self.kwargs["pk"] = numeric_id(self.kwargs["pk"], "user list")
        return super().get_object()

    def perform_create(self, serializer: Any) -> None:
        serializer.save(author=self.request.user)

    @extend_schema(responses=MicroRelationshipSerializer(many=True))
    def membership(self, request: Request) -> Response:
        items = UserListRelationship.objects.filter(parent__in=own_lists(request.user)).order_by(
            "parent_id", "position", "id"
        )
        return Response(MicroRelationshipSerializer(items, many=True).data)


@extend_schema_view(
    list=extend_schema(parameters=[ITEMS_PARAMETER]),
    retrieve=extend_schema(parameters=[ITEMS_PARAMETER]),
    create=extend_schema(parameters=[ITEMS_PARAMETER]),
    partial_update=extend_schema(parameters=[ITEMS_PARAMETER]),
    destroy=extend_schema(parameters=[ITEMS_PARAMETER]),
)
class UserListItemViewSet(viewsets.ModelViewSet[UserListRelationship]):
    """``/api/v1/userlists/{userlist_id}/items/``: read as the list is, written by its author."""

    serializer_class = UserListRelationshipSerializer
    permission_classes = [AuthenticatedForWrites]
    lookup_value_regex = "[^/]+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def user_list(self) -> UserList:
        if getattr(self, "swagger_fake_view", False):
            return UserList()
        list_id = numeric_id(self.kwargs["userlist_id"], "user list")
        lists = (
            readable_lists(self.request.user)
            if self.request.method in permissions.SAFE_METHODS
            else own_lists(self.request.user)
        )
        return get_object_or_404(lists, pk=list_id)

    def get_queryset(self) -> QuerySet[UserListRelationship]:
        if getattr(self, "swagger_fake_view", False):
            return UserListRelationship.objects.none()
        return published_items(self.user_list().pk)

    def get_object(self) -> UserListRelationship:
        self.kwargs["pk"] = numeric_id(self.kwargs["pk"], "user list item")
        return super().get_object()

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if self.request.method not in permissions.SAFE_METHODS and not getattr(
            self, "swagger_fake_view", False
        ):
            context["user_list"] = self.user_list()
        return context

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        item = self.get_object()
        item.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class ResourceUserListsView(APIView):
    """``PATCH /api/v1/learning_resources/{id}/userlists/?userlist_id=…``: put a resource in
    exactly these lists of the signed-in user."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("userlist_id", int, many=True)],
        request=None,
        responses=UserListRelationshipSerializer(many=True),
    )
    def patch(self, request: Request, id: str) -> Response:
        resource = get_object_or_404(published_resources(), pk=numeric_id(id, "resource"))
        wanted = id_list(request, "userlist_id")
        mine = set(own_lists(request.user).filter(pk__in=wanted).values_list("pk", flat=True))
        foreign = sorted(set(wanted) - mine)
        if foreign:
            raise ValidationError(
                {"userlist_id": [f"Not lists of yours: {', '.join(map(str, foreign))}."]}
            )
        items = set_resource_lists(request.user, resource, wanted)  # type: ignore[arg-type]
        return Response(UserListRelationshipSerializer(items, many=True).data)
