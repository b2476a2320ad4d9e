"""Channel JSON in MIT Learn's v0 shapes (TopicChannel, DepartmentChannel, UnitChannel, ...).

Learn has no channel images, curated channel lists, widgets or analytics ids: those fields are
sent empty (``null`` / ``[]`` / ``""``) as MIT Learn sends them for a channel without them.
A topic channel's sub-channels are its child topics' channels; a unit's featured list is the
offeror's ``FeaturedList`` (see ``learn.catalog.featured``).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from learn.catalog.models import Channel, ChannelType, FeaturedList, LearningResource
from learn.catalog.serializers import LearningResourceOfferorDetailSerializer, channel_url


class LearningPathPreviewSerializer(serializers.ModelSerializer[LearningResource]):
    class Meta:
        model = LearningResource
        fields = ["title", "url", "id"]


class SubChannelSerializer(serializers.Serializer[dict[str, Any]]):
    parent_channel = serializers.CharField(read_only=True)
    channel = serializers.CharField(read_only=True)
    position = serializers.IntegerField()


class ChannelBaseSerializer(serializers.ModelSerializer[Channel]):
    avatar = serializers.SerializerMethodField()
    avatar_small = serializers.SerializerMethodField()
    avatar_medium = serializers.SerializerMethodField()
    banner = serializers.SerializerMethodField()
    lists = serializers.SerializerMethodField()
    channel_url = serializers.SerializerMethodField()
    featured_list = serializers.SerializerMethodField(
        help_text="Learning path featured in this channel."
    )
    sub_channels = serializers.SerializerMethodField()
    about = serializers.SerializerMethodField()
    configuration = serializers.SerializerMethodField()
    ga_tracking_id = serializers.SerializerMethodField()
    widget_list = serializers.SerializerMethodField()

    class Meta:
        model = Channel
        fields = [
            "id",
            "avatar",
            "avatar_small",
            "avatar_medium",
            "banner",
            "lists",
            "channel_url",
            "featured_list",
            "sub_channels",
            "channel_type",
            "created_on",
            "updated_on",
            "name",
            "title",
            "about",
            "configuration",
            "search_filter",
            "public_description",
            "ga_tracking_id",
            "widget_list",
        ]

    def get_avatar(self, channel: Channel) -> str | None:
        return None

    def get_avatar_small(self, channel: Channel) -> str | None:
        return None

    def get_avatar_medium(self, channel: Channel) -> str | None:
        return None

    def get_banner(self, channel: Channel) -> str | None:
        return None

    @extend_schema_field(LearningPathPreviewSerializer(many=True))
    def get_lists(self, channel: Channel) -> list[dict[str, Any]]:
        return []

    def get_channel_url(self, channel: Channel) -> str:
        return channel_url(channel.channel_type, channel.name)

    @extend_schema_field(LearningPathPreviewSerializer(allow_null=True))
    def get_featured_list(self, channel: Channel) -> dict[str, Any] | None:
        if channel.unit_id is None:
            return None
        featured = (
            FeaturedList.objects.filter(offeror_id=channel.unit_id, learning_path__published=True)
            .select_related("learning_path")
            .first()
        )
        if featured is None:
            return None
        return dict(LearningPathPreviewSerializer(featured.learning_path).data)

    @extend_schema_field(SubChannelSerializer(many=True))
    def get_sub_channels(self, channel: Channel) -> list[dict[str, Any]]:
        if channel.topic_id is None:
            return []
        children = Channel.objects.filter(
            topic__parent_id=channel.topic_id, published=True
        ).order_by("topic__name")
        return [
            {"parent_channel": channel.name, "channel": child.name, "position": position}
            for position, child in enumerate(children)
        ]

    def get_about(self, channel: Channel) -> Any:
        return None

    def get_configuration(self, channel: Channel) -> dict[str, Any]:
        if channel.topic is not None and channel.topic.icon:
            return {"icon": channel.topic.icon}
        return {}

    def get_ga_tracking_id(self, channel: Channel) -> str:
        return ""

    def get_widget_list(self, channel: Channel) -> int | None:
        return None


def _channel_type_field(value: str) -> Any:
    """``channel_type`` as a one-value enum, so each shape of the Channel oneOf is distinct."""

    @extend_schema_field({"type": "string", "enum": [value]})
    class OneChannelType(serializers.CharField):
        pass

    return OneChannelType(read_only=True)


class TopicChannelSerializer(ChannelBaseSerializer):
    channel_type = _channel_type_field("topic")
    topic_detail = serializers.SerializerMethodField()

    class Meta(ChannelBaseSerializer.Meta):
        fields = [*ChannelBaseSerializer.Meta.fields, "topic_detail"]

    @extend_schema_field({"type": "object", "properties": {"topic": {"type": "integer"}}})
    def get_topic_detail(self, channel: Channel) -> dict[str, Any]:
        return {"topic": channel.topic_id}


class DepartmentChannelSerializer(ChannelBaseSerializer):
    channel_type = _channel_type_field("department")
    department_detail = serializers.SerializerMethodField()

    class Meta(ChannelBaseSerializer.Meta):
        fields = [*ChannelBaseSerializer.Meta.fields, "department_detail"]

    @extend_schema_field({"type": "object", "properties": {"department": {"type": "string"}}})
    def get_department_detail(self, channel: Channel) -> dict[str, Any]:
        return {"department": channel.department_id}


class UnitChannelSerializer(ChannelBaseSerializer):
    channel_type = _channel_type_field("unit")
    unit_detail = serializers.SerializerMethodField()

    class Meta(ChannelBaseSerializer.Meta):
        fields = [*ChannelBaseSerializer.Meta.fields, "unit_detail"]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"unit": {"$ref": "#/components/schemas/LearningResourceOfferorDetail"}},
        }
    )
    def get_unit_detail(self, channel: Channel) -> dict[str, Any]:
        unit = channel.unit
        data = LearningResourceOfferorDetailSerializer(unit).data if unit is not None else None
        return {"unit": data}


class PathwayChannelSerializer(ChannelBaseSerializer):
    channel_type = _channel_type_field("pathway")


CHANNEL_SERIALIZERS: dict[str, type[ChannelBaseSerializer]] = {
    ChannelType.topic: TopicChannelSerializer,
    ChannelType.department: DepartmentChannelSerializer,
    ChannelType.unit: UnitChannelSerializer,
    ChannelType.pathway: PathwayChannelSerializer,
}

channel_schema = PolymorphicProxySerializer(
    component_name="Channel",
    serializers={str(key): value for key, value in CHANNEL_SERIALIZERS.items()},
    resource_type_field_name="channel_type",
)


class ChannelSerializer(serializers.BaseSerializer[Channel]):
    """Any channel, in the shape of its type."""

    def to_representation(self, instance: Channel) -> dict[str, Any]:
        serializer = CHANNEL_SERIALIZERS[instance.channel_type](context=self.context)
        return dict(serializer.to_representation(instance))


class CountsSerializer(serializers.Serializer[dict[str, int]]):
    courses = serializers.IntegerField()
    programs = serializers.IntegerField()


class ChannelCountsSerializer(serializers.ModelSerializer[Channel]):
    """A channel with its published course and program counts (from ``channels_with_counts``)."""

    counts = serializers.SerializerMethodField()
    channel_url = serializers.SerializerMethodField()

    class Meta:
        model = Channel
        fields = [
            "id",
            "counts",
            "channel_url",
            "created_on",
            "updated_on",
            "name",
            "title",
            "channel_type",
            "search_filter",
        ]

    @extend_schema_field(CountsSerializer)
    def get_counts(self, channel: Channel) -> dict[str, int]:
        return {
            "courses": int(getattr(channel, "course_count", 0)),
            "programs": int(getattr(channel, "program_count", 0)),
        }

    def get_channel_url(self, channel: Channel) -> str:
        return channel_url(channel.channel_type, channel.name)
