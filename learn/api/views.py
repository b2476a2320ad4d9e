"""Read-only v1 catalog views: thin wrappers over catalog querysets, filters and serializers."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from learn.api.filters import ContentFileFilterSet, LearningResourceFilterSet, TopicFilterSet
from learn.api.pagination import DefaultPagination, LargePagination
from learn.api.params import MAX_DB_INT, check_known
from learn.api.view_cache import cached_page, page_builder
from learn.catalog.constants import RelationType, ResourceType
from learn.catalog.display_info import LearningResourceDisplayInfoResponseSerializer
from learn.catalog.models import (
    ContentFile,
    ContentTag,
    Department,
    FeaturedList,
    LearningResource,
    LearningResourceRelationship,
    Offeror,
    Platform,
    School,
    Topic,
)
from learn.catalog.queries import (
    content_file_queryset,
    display_info_queryset,
    files_of_resource,
    published_resources,
    resource_queryset,
    summary_queryset,
)
from learn.catalog.serializers import (
    ContentFileSerializer,
    CourseResourceSerializer,
    LearningPathRelationshipSerializer,
    LearningPathResourceSerializer,
    LearningResourceContentTagSerializer,
    LearningResourceDepartmentSerializer,
    LearningResourceOfferorDetailSerializer,
    LearningResourcePlatformSerializer,
    LearningResourceRelationshipSerializer,
    LearningResourceSchoolSerializer,
    LearningResourceSerializer,
    LearningResourceSummarySerializer,
    LearningResourceTopicSerializer,
    PodcastEpisodeResourceSerializer,
    PodcastResourceSerializer,
    ProgramResourceSerializer,
    VideoPlaylistResourceSerializer,
    VideoResourceSerializer,
    learning_resource_schema,
)


def as_db_id(value: Any) -> int:
    """A URL id as an integer the database accepts, or a 404 (never a 500)."""
    text = str(value)
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_DB_INT:
        raise NotFound(f"No resource with id {text!r}.")
    return int(text)


class NumericIdMixin:
    """Reject non-numeric ``id`` / ``learning_resource_id`` URL parts with a JSON 404."""

    numeric_kwargs: tuple[str, ...] = ("pk", "id", "learning_resource_id")
    # Route anything up to the next slash here, so "1.5" gets this JSON 404 too.
    lookup_value_regex = "[^/]+"
    kwargs: dict[str, Any]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        for key in self.numeric_kwargs:
            if key in self.kwargs:
                self.kwargs[key] = as_db_id(self.kwargs[key])
        super().initial(request, *args, **kwargs)  # type: ignore[misc]


class SortbyOrderingFilter(OrderingFilter):
    ordering_param = "sortby"


class StrictParamsMixin:
    """An unknown query parameter is a JSON 400 naming it (search answers the same way)."""

    def allowed_params(self) -> set[str]:
        names: set[str] = set()
        filterset = getattr(self, "filterset_class", None)
        if filterset is not None:
            names.update(filterset.base_filters)
        paginator = getattr(self, "paginator", None)
        if paginator is not None:
            names.update({paginator.limit_query_param, paginator.offset_query_param})
        for backend in getattr(self, "filter_backends", ()):
            if issubclass(backend, OrderingFilter):
                names.add(backend.ordering_param)
        return names

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        request: Request = getattr(self, "request")  # noqa: B009 - a DRF view's request
        check_known(request.query_params.keys(), self.allowed_params())
        return super().filter_queryset(queryset)  # type: ignore[misc,no-any-return]


# ---------------------------------------------------------------- resources


class ResourceViewSet(
    StrictParamsMixin, NumericIdMixin, viewsets.ReadOnlyModelViewSet[LearningResource]
):
    """Published learning resources of every type (or of ``resource_type`` in a subclass)."""

    serializer_class: type[BaseSerializer[Any]] = LearningResourceSerializer
    filterset_class = LearningResourceFilterSet
    pagination_class = DefaultPagination
    resource_type: str | None = None

    def get_queryset(self) -> QuerySet[LearningResource]:
        queryset = resource_queryset()
        if self.resource_type:
            queryset = queryset.filter(resource_type=self.resource_type)
        return queryset

    # Anonymous pages come from the view cache while the catalog version stays the same.
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return cached_page(request, self._list_page)

    def _list_page(self) -> Response:
        # The page's resources are serialized by the bulk builder (the same JSON as the
        # serializers, tests/catalog/test_bulk_json.py) in a few queries, not the prefetches;
        # its reference rows are kept while the catalog version stays the same.
        queryset = self.filter_queryset(self.get_queryset()).prefetch_related(None)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(page_builder().serialize(list(page or [])))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return cached_page(
            request, lambda: super(ResourceViewSet, self).retrieve(request, *args, **kwargs)
        )


@extend_schema_view(
    list=extend_schema(
        summary="List",
        description="Get a paginated list of learning resources.",
        responses=learning_resource_schema(many=True),
    ),
    retrieve=extend_schema(
        summary="Retrieve",
        description="Retrieve a single learning resource.",
        responses=learning_resource_schema(),
    ),
)
class LearningResourceViewSet(ResourceViewSet):
    @extend_schema(
        summary="Summary list",
        description="Minimal fields of every published resource (for sitemaps).",
        responses=LearningResourceSummarySerializer(many=True),
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="summary",
        pagination_class=LargePagination,
        serializer_class=LearningResourceSummarySerializer,
    )
    def summary(self, request: Request) -> Response:
        queryset = self.filter_queryset(summary_queryset())
        page = self.paginate_queryset(queryset)
        serializer = LearningResourceSummarySerializer(page, many=True)
        return self.get_paginated_response(serializer.data)


def typed_viewset(
    resource_type: str, serializer: type[BaseSerializer[Any]], noun: str
) -> type[ResourceViewSet]:
    @extend_schema_view(
        list=extend_schema(summary="List", description=f"Get a paginated list of {noun}s"),
        retrieve=extend_schema(summary="Retrieve", description=f"Retrieve a single {noun}"),
    )
    class TypedResourceViewSet(ResourceViewSet):
        pass

    TypedResourceViewSet.resource_type = resource_type
    TypedResourceViewSet.serializer_class = serializer
    TypedResourceViewSet.__name__ = f"{serializer.__name__.replace('Serializer', '')}ViewSet"
    TypedResourceViewSet.__qualname__ = TypedResourceViewSet.__name__
    return TypedResourceViewSet


CourseViewSet = typed_viewset(ResourceType.course, CourseResourceSerializer, "course")
ProgramViewSet = typed_viewset(ResourceType.program, ProgramResourceSerializer, "program")
LearningPathViewSet = typed_viewset(
    ResourceType.learning_path, LearningPathResourceSerializer, "learning path"
)
PodcastViewSet = typed_viewset(ResourceType.podcast, PodcastResourceSerializer, "podcast")
PodcastEpisodeViewSet = typed_viewset(
    ResourceType.podcast_episode, PodcastEpisodeResourceSerializer, "podcast episode"
)
VideoViewSet = typed_viewset(ResourceType.video, VideoResourceSerializer, "video")
VideoPlaylistViewSet = typed_viewset(
    ResourceType.video_playlist, VideoPlaylistResourceSerializer, "video playlist"
)


def featured_queryset() -> QuerySet[LearningResource]:
    """Items of the learning paths that are units' featured lists, by their position."""
    featured_paths = FeaturedList.objects.filter(
        learning_path__published=True, learning_path__resource_type=ResourceType.learning_path
    ).values("learning_path_id")
    first_position = (
        LearningResourceRelationship.objects.filter(
            child=OuterRef("pk"),
            parent_id__in=featured_paths,
            relation_type=RelationType.LEARNING_PATH_ITEMS,
        )
        .order_by("position")
        .values("position")[:1]
    )
    return (
        resource_queryset()
        .annotate(position=Subquery(first_position))
        .filter(position__isnull=False)
        .order_by("position", "id")
    )


@extend_schema_view(
    list=extend_schema(
        summary="List",
        description="Get a paginated list of featured resources",
        responses=learning_resource_schema(many=True),
    ),
    retrieve=extend_schema(
        summary="Retrieve",
        description="Retrieve a single featured resource",
        responses=learning_resource_schema(),
    ),
)
class FeaturedViewSet(ResourceViewSet):
    def get_queryset(self) -> QuerySet[LearningResource]:
        return featured_queryset()


@extend_schema_view(
    list=extend_schema(summary="List", description="Display information of resources"),
    retrieve=extend_schema(summary="Retrieve", description="Display information of a resource"),
)
class LearningResourceDisplayInfoViewSet(
    StrictParamsMixin, NumericIdMixin, viewsets.ReadOnlyModelViewSet[LearningResource]
):
    serializer_class = LearningResourceDisplayInfoResponseSerializer
    filterset_class = LearningResourceFilterSet
    pagination_class = DefaultPagination

    def get_queryset(self) -> QuerySet[LearningResource]:
        return display_info_queryset()


# ---------------------------------------------------------------- nested items


ITEM_PARAMETER = OpenApiParameter(
    "learning_resource_id",
    int,
    OpenApiParameter.PATH,
    description="id of the parent learning resource",
)


@extend_schema_view(
    list=extend_schema(
        summary="Nested Learning Resource List",
        description="Get a list of related learning resources for a learning resource.",
        parameters=[ITEM_PARAMETER],
    ),
    retrieve=extend_schema(
        summary="Nested Learning Resource Retrieve",
        description="Get a single related learning resource for a learning resource.",
        parameters=[ITEM_PARAMETER],
    ),
)
class ResourceItemsViewSet(
    StrictParamsMixin,
    NumericIdMixin,
    viewsets.ReadOnlyModelViewSet[LearningResourceRelationship],
):
    """Published children of a published resource (of ``parent_type`` in subclasses)."""

    serializer_class: type[BaseSerializer[Any]] = LearningResourceRelationshipSerializer
    filter_backends = [SortbyOrderingFilter]
    ordering_fields = ["position", "id", "child_id"]
    ordering = ["position", "id"]
    pagination_class = DefaultPagination
    parent_type: str | None = None

    def get_queryset(self) -> QuerySet[LearningResourceRelationship]:
        parents = published_resources()
        if self.parent_type:
            parents = parents.filter(resource_type=self.parent_type)
        return (
            LearningResourceRelationship.objects.filter(
                parent_id=self.kwargs.get("learning_resource_id"),
                parent__in=parents,
                child__in=published_resources(),
            )
            .prefetch_related(Prefetch("child", queryset=resource_queryset()))
            .order_by("position", "id")
        )


class PodcastItemsViewSet(ResourceItemsViewSet):
    parent_type = ResourceType.podcast


class VideoPlaylistItemsViewSet(ResourceItemsViewSet):
    parent_type = ResourceType.video_playlist


class LearningPathItemsViewSet(ResourceItemsViewSet):
    parent_type = ResourceType.learning_path
    serializer_class = LearningPathRelationshipSerializer


# ---------------------------------------------------------------- content files


@extend_schema_view(
    list=extend_schema(summary="List", description="Viewset for ContentFiles"),
    retrieve=extend_schema(summary="Retrieve", description="Viewset for ContentFiles"),
)
class ContentFileViewSet(
    StrictParamsMixin, NumericIdMixin, viewsets.ReadOnlyModelViewSet[ContentFile]
):
    serializer_class = ContentFileSerializer
    filterset_class = ContentFileFilterSet
    pagination_class = DefaultPagination

    def get_queryset(self) -> QuerySet[ContentFile]:
        return content_file_queryset()


@extend_schema_view(
    list=extend_schema(
        summary="Learning Resource Content File List",
        description="Show content files for a learning resource",
        parameters=[ITEM_PARAMETER],
    ),
    retrieve=extend_schema(
        summary="Learning Resource Content File Retrieve",
        description="Show content files for a learning resource",
        parameters=[ITEM_PARAMETER],
    ),
)
class ResourceContentFileViewSet(ContentFileViewSet):
    parent_type: str | None = None

    def get_queryset(self) -> QuerySet[ContentFile]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no parent to check
            return ContentFile.objects.none()
        parent_id = int(self.kwargs["learning_resource_id"])
        parents = published_resources().filter(pk=parent_id)
        if self.parent_type:
            parents = parents.filter(resource_type=self.parent_type)
        if not parents.exists():
            raise NotFound("No published learning resource with this id.")
        return files_of_resource(parent_id)


class CourseContentFileViewSet(ResourceContentFileViewSet):
    parent_type = ResourceType.course


# ---------------------------------------------------------------- lookups


class LookupViewSet(StrictParamsMixin, viewsets.ReadOnlyModelViewSet[Any]):
    pagination_class = LargePagination
    lookup_value_regex = "[^/]+"


@extend_schema_view(
    list=extend_schema(summary="List", description="Topics covered by learning resources"),
    retrieve=extend_schema(summary="Retrieve", description="Topics covered by learning resources"),
)
class TopicViewSet(NumericIdMixin, LookupViewSet):
    queryset = Topic.objects.order_by("name")
    serializer_class = LearningResourceTopicSerializer
    filterset_class = TopicFilterSet


@extend_schema_view(
    list=extend_schema(summary="List", description="MIT academic departments"),
    retrieve=extend_schema(summary="Retrieve", description="MIT academic departments"),
)
class DepartmentViewSet(LookupViewSet):
    queryset = Department.objects.select_related("school").order_by("department_id")
    serializer_class = LearningResourceDepartmentSerializer
    lookup_field = "department_id"
    lookup_value_regex = "[^/]+"


@extend_schema_view(
    list=extend_schema(summary="List", description="MIT schools"),
    retrieve=extend_schema(summary="Retrieve", description="MIT schools"),
)
class SchoolViewSet(NumericIdMixin, LookupViewSet):
    queryset = School.objects.prefetch_related("departments").order_by("id")
    serializer_class = LearningResourceSchoolSerializer


@extend_schema_view(
    list=extend_schema(summary="List", description="MIT offerors"),
    retrieve=extend_schema(summary="Retrieve", description="MIT offerors"),
)
class OfferorViewSet(LookupViewSet):
    queryset = Offeror.objects.order_by("code")
    serializer_class = LearningResourceOfferorDetailSerializer
    lookup_field = "code"


@extend_schema_view(
    list=extend_schema(summary="List", description="Platforms"),
    retrieve=extend_schema(summary="Retrieve", description="Platforms"),
)
class PlatformViewSet(LookupViewSet):
    queryset = Platform.objects.order_by("code")
    serializer_class = LearningResourcePlatformSerializer
    lookup_field = "code"


@extend_schema_view(
    list=extend_schema(summary="List", description="Course Features and Content Feature Types"),
    retrieve=extend_schema(
        summary="Retrieve", description="Course Features and Content Feature Types"
    ),
)
class CourseFeatureViewSet(NumericIdMixin, LookupViewSet):
    queryset = ContentTag.objects.order_by("name")
    serializer_class = LearningResourceContentTagSerializer
