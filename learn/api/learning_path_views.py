"""Learning paths, writable by editors (staff and the ``learning_path_editors`` group).

The read side is the catalog's (published paths for everyone, drafts for editors too); the
writes are ``learn.accounts.learning_paths``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from learn.accounts.learning_paths import (
    LearningPathItemSerializer,
    LearningPathWriteSerializer,
    delete_path,
    path_items,
    remove_item,
    set_resource_paths,
    visible_paths,
)
from learn.accounts.permissions import (
    IsLearningPathEditor,
    IsLearningPathEditorOrReadOnly,
    is_learning_path_editor,
)
from learn.accounts.serializers import MicroRelationshipSerializer
from learn.api.views import LearningPathViewSet, NumericIdMixin, ResourceItemsViewSet
from learn.catalog.constants import RelationType, ResourceType
from learn.catalog.models import LearningResource, LearningResourceRelationship
from learn.catalog.queries import published_resources
from learn.catalog.serializers import (
    LearningPathResourceSerializer,
    LearningResourceRelationshipSerializer,
)


@extend_schema_view(
    create=extend_schema(summary="Create", description="Create a learning path"),
    partial_update=extend_schema(
        summary="Update", description="Update individual fields of a learning path"
    ),
    destroy=extend_schema(summary="Destroy", description="Remove a learning path"),
)
class EditableLearningPathViewSet(
    LearningPathViewSet,  # type: ignore[valid-type,misc]
    viewsets.ModelViewSet[LearningResource],
):
    permission_classes = [IsLearningPathEditorOrReadOnly]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[LearningResource]:
        return visible_paths(self.request.user)

    def get_serializer_class(self) -> Any:
        if self.action in ("create", "partial_update", "update"):
            return LearningPathWriteSerializer
        return LearningPathResourceSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "author": self.request.user}

    def _respond(self, path: LearningResource, code: int) -> Response:
        fresh = visible_paths(self.request.user).get(pk=path.pk)
        return Response(LearningPathResourceSerializer(fresh).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._respond(serializer.save(), status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        return self._respond(serializer.save(), status.HTTP_200_OK)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        delete_path(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="List",
        description="Get a list of all learning path items",
        responses=MicroRelationshipSerializer(many=True),
    )
    def membership(self, request: Request) -> Response:
        if not is_learning_path_editor(request.user):
            return Response([])
        items = LearningResourceRelationship.objects.filter(
            relation_type=RelationType.LEARNING_PATH_ITEMS,
            parent__resource_type=ResourceType.learning_path,
        ).order_by("parent_id", "position", "id")
        return Response(MicroRelationshipSerializer(items, many=True).data)


class EditableLearningPathItemsViewSet(
    ResourceItemsViewSet,  # type: ignore[valid-type,misc]
    viewsets.ModelViewSet[LearningResourceRelationship],
):
    """``/api/v1/learningpaths/{id}/items/``: add, move (``position``) and remove items."""

    permission_classes = [IsLearningPathEditorOrReadOnly]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    serializer_class = LearningPathItemSerializer
    filter_backends: list[Any] = []

    def path(self) -> LearningResource:
        return get_object_or_404(
            visible_paths(self.request.user), pk=self.kwargs["learning_resource_id"]
        )

    def get_queryset(self) -> QuerySet[LearningResourceRelationship]:
        if getattr(self, "swagger_fake_view", False):
            return LearningResourceRelationship.objects.none()
        return path_items(int(self.kwargs["learning_resource_id"]), self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        if not getattr(self, "swagger_fake_view", False) and self.request.method != "GET":
            context["path"] = self.path()
        return context

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        remove_item(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ResourceLearningPathsView(NumericIdMixin, APIView):
    """``PATCH /api/v1/learning_resources/{id}/learning_paths/?learning_path_id=…``."""

    permission_classes = [IsLearningPathEditor]
    numeric_kwargs = ("id",)

    @extend_schema(
        summary="Set Learning Path Relationships",
        parameters=[OpenApiParameter("learning_path_id", int, many=True)],
        request=None,
        responses=LearningResourceRelationshipSerializer(many=True),
    )
    def patch(self, request: Request, id: int) -> Response:
        resource = get_object_or_404(published_resources(), pk=id)
        wanted: list[int] = []
        for value in request.query_params.getlist("learning_path_id"):
            for part in value.split(","):
                part = part.strip()
                if not part:
                    continue
                if not (part.isascii() and part.isdigit()) or len(part) > 18:
                    raise ValidationError({"learning_path_id": [f"{part!r} is not an integer id."]})
                wanted.append(int(part))
        paths = set(visible_paths(request.user).filter(pk__in=wanted).values_list("pk", flat=True))
        unknown = sorted(set(wanted) - paths)
        if unknown:
            raise ValidationError(
                {"learning_path_id": [f"Unknown learning paths: {', '.join(map(str, unknown))}."]}
            )
        if resource.pk in paths:
            raise ValidationError({"learning_path_id": ["A learning path cannot contain itself."]})
        items = set_resource_paths(resource, wanted)
        return Response(LearningResourceRelationshipSerializer(items, many=True).data)
