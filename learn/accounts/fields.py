"""Serializer fields shared by the accounts serializers."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from learn.catalog.models import Topic
from learn.catalog.serializers import LearningResourceTopicSerializer


@extend_schema_field(LearningResourceTopicSerializer(many=True))
class TopicListField(serializers.Field):  # type: ignore[type-arg]
    """Topics written as ids (or objects carrying an ``id``) and read as topic objects."""

    default_error_messages = {
        "not_a_list": "Expected a list of topic ids.",
        "bad_id": "Topic ids must be integers: {value!r}.",
        "unknown": "Unknown topic ids: {ids}.",
    }

    def to_internal_value(self, data: Any) -> list[Topic]:
        if not isinstance(data, list):
            self.fail("not_a_list")
        ids: list[int] = []
        for item in data:
            value = item.get("id") if isinstance(item, dict) else item
            if isinstance(value, bool) or not isinstance(value, int | str):
                self.fail("bad_id", value=value)
            text = str(value)
            if not (text.isascii() and text.isdigit()) or len(text) > 18:
                self.fail("bad_id", value=value)
            ids.append(int(text))
        topics = {t.pk: t for t in Topic.objects.filter(pk__in=ids)}
        missing = sorted(set(ids) - set(topics))
        if missing:
            self.fail("unknown", ids=", ".join(map(str, missing)))
        return [topics[i] for i in dict.fromkeys(ids)]

    def to_representation(self, value: Any) -> list[dict[str, Any]]:
        topics = value.all() if hasattr(value, "all") else value
        return list(LearningResourceTopicSerializer(topics, many=True).data)
