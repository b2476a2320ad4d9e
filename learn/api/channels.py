"""v0 channels, read only (as MIT Learn serves them since it removed their create/edit API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from learn.api.pagination import DefaultPagination
from learn.api.views import NumericIdMixin
from learn.catalog.channel_serializers import (
    ChannelCountsSerializer,
    ChannelSerializer,
    channel_schema,
)
from learn.catalog.channels import channels_with_counts
from learn.catalog.models import Channel, ChannelType


def published_channels() -> QuerySet[Channel]:
    return (
        Channel.objects.filter(published=True)
        .select_related("topic", "department", "unit")
        .order_by("id")
    )


def checked_type(value: str) -> str:
    if value not in ChannelType.values:
        raise ValidationError(
            {"channel_type": [f"{value!r} is not one of: {', '.join(ChannelType.values)}."]}
        )
    return value


class ChannelFilterSet(django_filters.FilterSet):
    channel_type = django_filters.ChoiceFilter(choices=ChannelType.choices)

    class Meta:
        model = Channel
        fields = ["channel_type"]


@extend_schema_view(
    list=extend_schema(summary="List", responses=channel_schema),
    retrieve=extend_schema(summary="Retrieve", responses=channel_schema),
)
class ChannelViewSet(NumericIdMixin, viewsets.ReadOnlyModelViewSet[Channel]):
    """Published channels (topic, department, unit, pathway), in the shape of their type."""

    serializer_class = ChannelSerializer
    filterset_class = ChannelFilterSet
    pagination_class = DefaultPagination
    numeric_kwargs = ("pk",)

    def get_queryset(self) -> QuerySet[Channel]:
        return published_channels()


TYPE_PARAMETER = OpenApiParameter("channel_type", str, OpenApiParameter.PATH)


class ChannelByTypeNameView(viewsets.ViewSet):
    @extend_schema(
        summary="Channel Detail Lookup by channel type and name",
        parameters=[TYPE_PARAMETER, OpenApiParameter("name", str, OpenApiParameter.PATH)],
        responses=channel_schema,
    )
    def retrieve(self, request: Request, channel_type: str, name: str) -> Response:
        channel = get_object_or_404(
            published_channels(), channel_type=checked_type(channel_type), name=name
        )
        return Response(ChannelSerializer(channel, context={"request": request}).data)


class ChannelCountsView(viewsets.ViewSet):
    @extend_schema(
        summary="Channel Counts by channel type",
        parameters=[TYPE_PARAMETER],
        responses=ChannelCountsSerializer(many=True),
    )
    def list(self, request: Request, channel_type: str, **_: Any) -> Response:
        channels = channels_with_counts(checked_type(channel_type))
        return Response(ChannelCountsSerializer(channels, many=True).data)
