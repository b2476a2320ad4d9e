"""v0 news and events (from the feeds ETL in ``learn.news_events``) and testimonials."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError

from learn.api.filters import ListValueField
from learn.api.pagination import DefaultPagination, LargePagination
from learn.api.views import NumericIdMixin
from learn.catalog.models import Channel, Offeror, Testimonial
from learn.catalog.testimonial_serializers import AttestationSerializer
from learn.news_events.models import FeedItem, FeedSource, FeedType
from learn.news_events.serializers import (
    FeedItemSerializer,
    FeedSourceSerializer,
    feed_item_schema,
)

SORTS = {
    "id": ("id",),
    "-id": ("-id",),
    "news_date": ("news_details__publish_date", "id"),
    "-news_date": ("-news_details__publish_date", "-id"),
    "event_date": ("event_details__event_datetime", "id"),
    "-event_date": ("-event_details__event_datetime", "-id"),
}


class FeedTypeFilter(django_filters.MultipleChoiceFilter):
    field_class = ListValueField


class FeedItemFilterSet(django_filters.FilterSet):
    feed_type = FeedTypeFilter(
        field_name="item_type", choices=FeedType.choices, help_text="The type of item"
    )
    sortby = django_filters.ChoiceFilter(
        choices=[(key, key) for key in SORTS], method="sort", help_text="Sort By"
    )

    class Meta:
        model = FeedItem
        fields = ["feed_type"]

    def sort(self, queryset: QuerySet[FeedItem], name: str, value: str) -> QuerySet[FeedItem]:
        return queryset.order_by(*SORTS[value])


class FeedSourceFilterSet(django_filters.FilterSet):
    feed_type = FeedTypeFilter(choices=FeedType.choices, help_text="The type of source")

    class Meta:
        model = FeedSource
        fields = ["feed_type"]


@extend_schema_view(
    list=extend_schema(
        description="Get a paginated list of feed items.", responses=feed_item_schema
    ),
    retrieve=extend_schema(description="Retrieve a single feed item.", responses=feed_item_schema),
)
class FeedItemViewSet(NumericIdMixin, viewsets.ReadOnlyModelViewSet[FeedItem]):
    """News, and events that have not started yet (as MIT Learn lists them), newest first."""

    serializer_class = FeedItemSerializer
    filterset_class = FeedItemFilterSet
    pagination_class = DefaultPagination
    numeric_kwargs = ("pk",)

    def get_queryset(self) -> QuerySet[FeedItem]:
        return (
            FeedItem.objects.select_related("news_details", "event_details")
            .filter(
                Q(item_type=FeedType.news) | Q(event_details__event_datetime__gte=timezone.now())
            )
            .order_by("-news_details__publish_date", "-event_details__event_datetime", "-id")
        )


@extend_schema_view(
    list=extend_schema(description="Get a paginated list of news/event feed sources."),
    retrieve=extend_schema(description="Retrieve a single news/event feed source."),
)
class FeedSourceViewSet(NumericIdMixin, viewsets.ReadOnlyModelViewSet[FeedSource]):
    """The news and events feeds Learn reads."""

    serializer_class = FeedSourceSerializer
    filterset_class = FeedSourceFilterSet
    pagination_class = DefaultPagination
    numeric_kwargs = ("pk",)
    queryset = FeedSource.objects.order_by("id")


class TestimonialFilterSet(django_filters.FilterSet):
    channels = django_filters.ModelMultipleChoiceFilter(
        queryset=Channel.objects.all(), help_text="The channels the attestation is for"
    )
    offerors = django_filters.ModelMultipleChoiceFilter(
        queryset=Offeror.objects.all(), help_text="The offerors the attestation is for"
    )
    position = django_filters.NumberFilter(help_text="Only show items at this position")

    class Meta:
        model = Testimonial
        fields = ["channels", "offerors", "position"]


@extend_schema_view(
    list=extend_schema(summary="List", description="List all testimonials."),
    retrieve=extend_schema(summary="Retrieve", description="Retrieve a testimonial."),
)
class TestimonialViewSet(NumericIdMixin, viewsets.ReadOnlyModelViewSet[Testimonial]):
    """Published testimonials (no publish date, or one in the past), by position."""

    serializer_class = AttestationSerializer
    filterset_class = TestimonialFilterSet
    pagination_class = LargePagination
    numeric_kwargs = ("pk",)

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # integer filters outside the database's range are a 400 naming them, not a 500
        for name in ("channels", "position"):
            for value in self.request.query_params.getlist(name):
                try:
                    number = int(float(value)) if name == "position" else int(value)
                except ValueError:
                    continue  # the filter itself answers a non-number
                if not -(2**63) <= number < 2**63:
                    raise ValidationError({name: [f"{value!r} is out of range."]})
        return super().filter_queryset(queryset)

    def get_queryset(self) -> QuerySet[Testimonial]:
        return (
            Testimonial.objects.filter(
                Q(publish_date__isnull=True) | Q(publish_date__lte=timezone.now())
            )
            .prefetch_related("channels", "offerors")
            .order_by("position", "-updated_on")
            .distinct()
        )
