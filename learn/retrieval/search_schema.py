"""OpenAPI description of the search endpoints (MIT Learn's v1 contract shapes).

The query-parameter serializers are built from the parser's own tables (``params.py``), so the
schema and what the endpoints accept cannot drift apart. They only describe: parsing stays in
``params.py`` (unknown parameters are refused there).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from learn.catalog.serializers import ContentFileSerializer, learning_resource_schema
from learn.retrieval.search_params import (
    CONTENT_FILE_AGGREGATIONS,
    CONTENT_FILE_LISTS,
    MAX_OFFSET,
    RESOURCE_AGGREGATIONS,
    RESOURCE_BOOLS,
    RESOURCE_LISTS,
    TUNING_RANGES,
    ListParam,
)
from learn.search.query import CONTENT_FILE_SORTS, DEFAULT_TUNING, RESOURCE_SORTS, SEARCH_MODES

LIST_HELP: dict[str, str] = {
    "id": "The id value for the learning resource",
    "resource_type": "The type of learning resource",
    "resource_type_group": "The resource type group of the learning resource",
    "resource_category": "The resource category for the resource",
    "certification_type": "The type of certificate",
    "offered_by": "The organization that offers the learning resource",
    "platform": "The platform on which the learning resource is offered",
    "department": "The department that offers the learning resource",
    "level": "The academic level of the learning resource",
    "delivery": "The delivery options in which the learning resource is offered",
    "topic": "The topic name. To see a list of options go to api/v1/topics/",
    "ocw_topic": "The ocw topic name.",
    "course_feature": "The course feature. Possible options are at api/v1/course_features/",
    "instructor": "An instructor's full name as listed on the resource's runs (case-insensitive)",
    "content_feature_type": (
        "The feature type of the content file. Possible options are at api/v1/course_features/"
    ),
    "run_id": "The id value of the run that the content file belongs to",
    "resource_id": "The id value of the parent learning resource for the content file",
}
BOOL_HELP: dict[str, str] = {
    "free": "True if the learning resource is free",
    "professional": "True if the learning resource is a professional offering",
    "certification": "True if the learning resource offers a certificate",
}
TUNING_HELP: dict[str, str] = {
    "yearly_decay_percent": (
        "Relevance score penalty percent per year for resources without upcoming runs"
    ),
    "min_score": (
        "Minimum score a text query result needs to be displayed, in percent of the best "
        "result's score"
    ),
    "max_incompleteness_penalty": (
        "Maximum score penalty for incomplete OCW courses in percent. An OCW course with "
        "completeness 0 receives this penalty; one with completeness 1 none"
    ),
    "content_file_score_weight": (
        "Score weight of the content files matching the query. 1 is the default; 0 means "
        "content files are ignored"
    ),
}


def _list_field(name: str, spec: ListParam, help_text: str = "") -> serializers.ListField:
    child: serializers.Field[Any, Any, Any, Any]
    if spec.integer:
        child = serializers.IntegerField()
    elif spec.choices is not None:
        child = serializers.ChoiceField(choices=list(spec.choices))
    else:
        child = serializers.CharField(min_length=1)
    return serializers.ListField(
        child=child, required=False, help_text=help_text or LIST_HELP.get(name, "")
    )


def _common_fields(sorts: tuple[str, ...], aggregations: tuple[str, ...]) -> dict[str, Any]:
    return {
        "q": serializers.CharField(min_length=1, required=False, help_text="The search text"),
        "offset": serializers.IntegerField(
            required=False,
            min_value=0,
            max_value=MAX_OFFSET,
            help_text="The initial index from which to return the results",
        ),
        "limit": serializers.IntegerField(
            required=False,
            min_value=0,
            max_value=settings.API_MAX_PAGE_SIZE,
            help_text="Number of results to return per page",
        ),
        "sortby": serializers.ChoiceField(
            choices=list(sorts),
            required=False,
            help_text="If the parameter starts with '-' the sort is in descending order",
        ),
        "aggregations": serializers.ListField(
            child=serializers.ChoiceField(choices=list(aggregations)),
            required=False,
            help_text="Show resource counts by category",
        ),
        "dev_mode": serializers.BooleanField(
            required=False,
            allow_null=True,
            default=False,
            help_text="If true, the response metadata carries the query used and the scores",
        ),
    }


def _serializer(name: str, fields: dict[str, Any]) -> type[serializers.Serializer[Any]]:
    return type(name, (serializers.Serializer,), {"__module__": __name__, **fields})


def _resource_fields() -> dict[str, Any]:
    fields = _common_fields(RESOURCE_SORTS, RESOURCE_AGGREGATIONS)
    fields.update({name: _list_field(name, spec) for name, spec in RESOURCE_LISTS.items()})
    for name in RESOURCE_BOOLS:
        fields[name] = serializers.BooleanField(
            required=False, allow_null=True, default=None, help_text=BOOL_HELP[name]
        )
    fields["search_mode"] = serializers.ChoiceField(
        choices=list(SEARCH_MODES),
        required=False,
        help_text=(
            "The search type for text queries (hybrid fuses in vector search; it is the default "
            "unless SEARCH_DEFAULT_MODE says otherwise, lexical while no resource is embedded)"
        ),
    )
    fields["slop"] = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=100,
        help_text="Allowed distance for phrase search",
    )
    for name, (low, high) in TUNING_RANGES.items():
        fields[name] = serializers.FloatField(
            required=False,
            allow_null=True,
            min_value=low,
            max_value=high,
            help_text=f"{TUNING_HELP[name]} (default {getattr(DEFAULT_TUNING, name):g})",
        )
    fields["show_ocw_files"] = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=False,
        help_text="Whether to include select OCW content files in search results.",
    )
    return fields


def _content_file_fields() -> dict[str, Any]:
    fields = _common_fields(CONTENT_FILE_SORTS, CONTENT_FILE_AGGREGATIONS)
    fields.update({name: _list_field(name, spec) for name, spec in CONTENT_FILE_LISTS.items()})
    fields["id"] = _list_field(
        "id", CONTENT_FILE_LISTS["id"], help_text="The id value for the content file"
    )
    return fields


LearningResourcesSearchRequestSerializer = _serializer(
    "LearningResourcesSearchRequestSerializer", _resource_fields()
)
ContentFileSearchRequestSerializer = _serializer(
    "ContentFileSearchRequestSerializer", _content_file_fields()
)

SEARCH_METADATA_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "aggregations": {
            "type": "object",
            "additionalProperties": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"key": {"type": "string"}, "doc_count": {"type": "integer"}},
                    "required": ["doc_count", "key"],
                },
            },
        },
        "suggestions": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["aggregations", "suggestions"],
}


@extend_schema_field(SEARCH_METADATA_SCHEMA)
class SearchMetadataField(serializers.JSONField):
    """Facet counts by aggregation name, and spelling suggestions for the query."""


@extend_schema_field(learning_resource_schema(many=True))
class LearningResourceListField(serializers.ListField):
    """Serialized learning resources (the contract's ``LearningResource`` oneOf)."""


class SearchResponseSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField(read_only=True)
    next = serializers.CharField(read_only=True, allow_null=True)
    previous = serializers.CharField(read_only=True, allow_null=True)
    metadata = SearchMetadataField(read_only=True)


class LearningResourcesSearchResponseSerializer(SearchResponseSerializer):
    """Learning resources matching a search, with facet counts."""

    results = LearningResourceListField(read_only=True)


class ContentFileSearchResponseSerializer(SearchResponseSerializer):
    """Content files matching a search, with facet counts."""

    results = ContentFileSerializer(many=True, read_only=True)


class LearningResourcesSearchAdminParamsSerializer(serializers.Serializer[Any]):
    """The default ranking parameters of learning-resource search."""

    search_mode = serializers.ChoiceField(choices=list(SEARCH_MODES), read_only=True)
    slop = serializers.IntegerField(read_only=True)
    yearly_decay_percent = serializers.FloatField(read_only=True)
    min_score = serializers.FloatField(read_only=True)
    max_incompleteness_penalty = serializers.FloatField(read_only=True)
    content_file_score_weight = serializers.FloatField(read_only=True)
