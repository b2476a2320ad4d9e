"""API shapes of MIT Learn's ``PercolateQuery`` (plus our ``frequency``)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from learn.retrieval.search_schema import LearningResourcesSearchRequestSerializer
from learn.subscriptions import service
from learn.subscriptions.models import Frequency, PercolateQuery, SourceType


class PercolateQuerySerializer(serializers.ModelSerializer[PercolateQuery]):
    """Serializer for PercolateQuery objects"""

    source_description = serializers.SerializerMethodField()
    source_label = serializers.SerializerMethodField()
    original_query = serializers.JSONField()
    query = serializers.JSONField()
    source_type = serializers.ChoiceField(choices=SourceType.choices)
    frequency = serializers.SerializerMethodField(
        help_text="How often the caller gets mail for it (daily or weekly)"
    )

    class Meta:
        model = PercolateQuery
        fields = [
            "id",
            "source_description",
            "source_label",
            "original_query",
            "query",
            "source_type",
            "display_label",
            "frequency",
        ]
        read_only_fields = fields

    def get_source_description(self, obj: PercolateQuery) -> str:
        return service.source_description(obj)

    def get_source_label(self, obj: PercolateQuery) -> str:
        return service.source_label(obj)

    def get_frequency(self, obj: PercolateQuery) -> str:
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return str(Frequency.daily)
        return service.frequency_of(request.user, obj)


class PercolateQuerySubscriptionRequestSerializer(LearningResourcesSearchRequestSerializer):  # type: ignore[misc,valid-type]
    """The search to subscribe to (its parameters), the source type, and optionally the
    digest frequency and a display label."""

    source_type = serializers.ChoiceField(
        choices=SourceType.choices, required=False, help_text="The subscription type"
    )
    frequency = serializers.ChoiceField(
        choices=Frequency.choices, required=False, help_text="Digest frequency (default daily)"
    )
    display_label = serializers.CharField(required=False, max_length=255)


class SubscriptionUpdateSerializer(serializers.Serializer[Any]):
    frequency = serializers.ChoiceField(choices=Frequency.choices)


class UnsubscribeResultSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()


class UnsubscribeErrorSerializer(serializers.Serializer[Any]):
    error = serializers.CharField()
