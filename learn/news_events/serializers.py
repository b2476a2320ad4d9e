"""News and events JSON in MIT Learn's v0 shapes (NewsFeedItem, EventFeedItem, FeedSource).

Learn keeps a feed item's image on the item itself (no image table): the ``image`` object takes
the item's id. Dates the contract requires fall back to when Learn first saw the item.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from learn.news_events.models import FeedItem, FeedSource, FeedType


class FeedImageSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    url = serializers.CharField(max_length=2048)
    description = serializers.CharField(max_length=1024)
    alt = serializers.CharField(max_length=1024)


def _image(pk: int, url: str, alt: str) -> dict[str, Any]:
    return {"id": pk, "url": url, "description": "", "alt": alt}


class FeedNewsDetailSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    authors = serializers.ListField(child=serializers.CharField(max_length=255))
    topics = serializers.ListField(child=serializers.CharField(max_length=255))
    publish_date = serializers.DateTimeField()


class FeedEventDetailSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    audience = serializers.ListField(child=serializers.CharField(max_length=255))
    location = serializers.ListField(child=serializers.CharField(max_length=255))
    event_type = serializers.ListField(child=serializers.CharField(max_length=255))
    event_datetime = serializers.DateTimeField()
    event_end_datetime = serializers.DateTimeField(allow_null=True)


class FeedItemBaseSerializer(serializers.ModelSerializer[FeedItem]):
    feed_type = serializers.CharField(source="item_type", read_only=True)
    image = serializers.SerializerMethodField()
    source = serializers.IntegerField(source="source_id", read_only=True)  # type: ignore[assignment]

    class Meta:
        model = FeedItem
        fields = [
            "id",
            "feed_type",
            "image",
            "guid",
            "title",
            "url",
            "summary",
            "content",
            "source",
        ]

    @extend_schema_field(FeedImageSerializer)
    def get_image(self, item: FeedItem) -> dict[str, Any]:
        return _image(item.pk, item.image_url, item.image_alt)


class NewsFeedItemSerializer(FeedItemBaseSerializer):
    news_details = serializers.SerializerMethodField()

    class Meta(FeedItemBaseSerializer.Meta):
        fields = [*FeedItemBaseSerializer.Meta.fields[:3], "news_details"] + [
            *FeedItemBaseSerializer.Meta.fields[3:]
        ]

    @extend_schema_field(FeedNewsDetailSerializer)
    def get_news_details(self, item: FeedItem) -> dict[str, Any]:
        detail = getattr(item, "news_details", None)
        when = (detail.publish_date if detail else None) or item.created_on
        return {
            "id": detail.pk if detail else item.pk,
            "authors": list(detail.authors) if detail else [],
            "topics": list(detail.topics) if detail else [],
            "publish_date": serializers.DateTimeField().to_representation(when),
        }


class EventFeedItemSerializer(FeedItemBaseSerializer):
    event_details = serializers.SerializerMethodField()

    class Meta(FeedItemBaseSerializer.Meta):
        fields = [*FeedItemBaseSerializer.Meta.fields[:3], "event_details"] + [
            *FeedItemBaseSerializer.Meta.fields[3:]
        ]

    @extend_schema_field(FeedEventDetailSerializer)
    def get_event_details(self, item: FeedItem) -> dict[str, Any]:
        detail = getattr(item, "event_details", None)
        dates = serializers.DateTimeField()
        start = (detail.event_datetime if detail else None) or item.created_on
        end = detail.event_end_datetime if detail else None
        return {
            "id": detail.pk if detail else item.pk,
            "audience": list(detail.audience) if detail else [],
            "location": list(detail.location) if detail else [],
            "event_type": list(detail.event_type) if detail else [],
            "event_datetime": dates.to_representation(start),
            "event_end_datetime": dates.to_representation(end) if end else None,
        }


feed_item_schema = PolymorphicProxySerializer(
    component_name="FeedItem",
    serializers={"news": NewsFeedItemSerializer, "events": EventFeedItemSerializer},
    resource_type_field_name="feed_type",
)


class FeedItemSerializer(serializers.BaseSerializer[FeedItem]):
    """A news item or an event, in the shape of its type."""

    def to_representation(self, instance: FeedItem) -> dict[str, Any]:
        cls = (
            NewsFeedItemSerializer
            if instance.item_type == FeedType.news
            else EventFeedItemSerializer
        )
        return dict(cls(context=self.context).to_representation(instance))


class FeedSourceSerializer(serializers.ModelSerializer[FeedSource]):
    image = serializers.SerializerMethodField()

    class Meta:
        model = FeedSource
        fields = ["id", "image", "title", "url", "description", "feed_type"]

    @extend_schema_field(FeedImageSerializer)
    def get_image(self, source: FeedSource) -> dict[str, Any]:
        return _image(source.pk, source.image_url, source.title)
