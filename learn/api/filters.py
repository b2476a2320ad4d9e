"""Query-parameter filters of the v1 catalog lists, as MIT Learn's contract declares them.

List parameters accept repeated values (``?offered_by=ocw&offered_by=mitx``, the contract's
exploded arrays) and, for compatibility with older clients, comma-separated values. An unknown
enum value is a 400 that names the parameter and lists the valid choices.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from drf_spectacular.utils import extend_schema_field

from learn.api.params import MAX_DB_INT
from learn.catalog.constants import (
    CertificationType,
    Delivery,
    DepartmentId,
    Level,
    OfferedBy,
    PlatformCode,
    ResourceType,
    ResourceTypeGroup,
    SortBy,
)
from learn.catalog.models import ContentFile, LearningResource, Topic
from learn.catalog.queries import json_list_has_any, public_runs

TRUE_VALUES = {"true", "1", "yes", "on"}
FALSE_VALUES = {"false", "0", "no", "off"}


# ---------------------------------------------------------------- form fields


def _invalid(message: str, code: str) -> ValidationError:
    """A validation error quoting user input: django-filter formats messages with ``%``."""
    return ValidationError(message.replace("%", "%%"), code=code)


class ListValueField(forms.MultipleChoiceField):
    """Every value of a repeated query parameter, optionally split on commas, type-checked."""

    def __init__(
        self,
        *,
        item_type: Callable[[str], Any] = str,
        split_commas: bool = True,
        choices: Sequence[tuple[str, str]] = (),
        **kwargs: Any,
    ) -> None:
        self.item_type = item_type
        self.split_commas = split_commas
        super().__init__(choices=choices, **kwargs)

    def to_python(self, value: Any) -> list[str]:
        if value in (None, ""):
            return []
        raw = value if isinstance(value, list | tuple) else [value]
        items: list[str] = []
        for entry in raw:
            if "\x00" in str(entry):  # PostgreSQL cannot even compare such strings
                raise _invalid("Values may not contain NUL characters", code="invalid")
            parts = str(entry).split(",") if self.split_commas else [str(entry)]
            items.extend(part.strip() for part in parts if part.strip())
        return items

    def validate(self, value: Any) -> None:
        valid = [str(code) for code, _ in cast(Iterable[tuple[Any, Any]], self.choices)]
        if not valid:
            return
        invalid = [v for v in value if v not in valid]
        if invalid:
            raise _invalid(
                f"Invalid value(s) {', '.join(repr(v) for v in invalid)}; "
                f"valid choices: {', '.join(valid)}",
                code="invalid_choice",
            )

    def clean(self, value: Any) -> list[Any]:
        items = self.to_python(value)
        self.validate(items)
        converted = []
        for item in items:
            try:
                value = self.item_type(item)
            except (TypeError, ValueError):
                raise _invalid(f"{item!r} is not a valid number", code="invalid") from None
            if isinstance(value, int) and not -MAX_DB_INT - 1 <= value <= MAX_DB_INT:
                raise _invalid(
                    f"{item[:30]!r} is out of range (at most {MAX_DB_INT})", code="invalid"
                )
            converted.append(value)
        return converted


class StrictBooleanField(forms.Field):
    """``true``/``false`` (or 1/0, yes/no); anything else is an error, not a silent no-op."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in TRUE_VALUES:
            return True
        if text in FALSE_VALUES:
            return False
        raise _invalid(f"{value!r} is not a boolean; use true or false", code="invalid")


class StrictChoiceField(forms.ChoiceField):
    def validate(self, value: Any) -> None:
        if value in self.empty_values:
            return
        valid = [str(code) for code, _ in cast(Iterable[tuple[Any, Any]], self.choices)]
        if str(value) not in valid:
            raise _invalid(
                f"Invalid value {value!r}; valid choices: {', '.join(valid)}",
                code="invalid_choice",
            )


# ---------------------------------------------------------------- filters


class ListFilter(django_filters.MultipleChoiceFilter):
    """Any of several values (``field_name__in``); shown in the schema as an exploded array."""

    field_class = ListValueField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__in": value})


def _typed_list(item_type: str, label: str, **kwargs: Any) -> ListFilter:
    """A list filter whose schema items are ``item_type`` (explicit: no model field to read)."""
    convert = int if item_type in ("integer", "number") else str
    list_filter = ListFilter(item_type=convert, label=label, **kwargs)
    schema: dict[str, Any] = {"type": item_type, "description": label}
    if convert is int:  # the database's integer range; larger values are a 400
        schema.update(minimum=-MAX_DB_INT - 1, maximum=MAX_DB_INT)
    else:  # PostgreSQL cannot compare strings with NUL characters: a 400
        schema["pattern"] = "^[^\\u0000]*$"
    return extend_schema_field(schema)(list_filter)  # type: ignore[no-any-return]


def text_list(label: str, **kwargs: Any) -> ListFilter:
    return _typed_list("string", label, **kwargs)


def int_list(label: str, **kwargs: Any) -> ListFilter:
    return _typed_list("integer", label, **kwargs)


def number_list(label: str, **kwargs: Any) -> ListFilter:
    """Ids the contract types as ``number``: only integers match, so the schema says integer."""
    return _typed_list("integer", label, **kwargs)


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class StrictChoiceFilter(django_filters.ChoiceFilter):
    field_class = StrictChoiceField


def matching_values(values: Sequence[str]) -> set[str]:
    """A value and its comma-separated parts: ``topic=A,B`` matches A or B, and a name that
    itself contains a comma still matches whole."""
    found: set[str] = set()
    for value in values:
        found.add(value)
        found.update(part.strip() for part in value.split(",") if part.strip())
    return found


def any_iexact(field: str, values: Sequence[str]) -> Q:
    condition = Q()
    for value in matching_values(values):
        condition |= Q(**{f"{field}__iexact": value})
    return condition


# ---------------------------------------------------------------- sorting

SORT_ORDER: dict[str, list[OrderBy | str]] = {
    SortBy.id: ["id"],
    SortBy.id_desc: ["-id"],
    SortBy.readable_id: ["readable_id", "id"],
    SortBy.readable_id_desc: ["-readable_id", "-id"],
    SortBy.last_modified: [F("last_modified").asc(nulls_last=True), "id"],
    SortBy.last_modified_desc: [F("last_modified").desc(nulls_last=True), "-id"],
    SortBy.new: ["-created_on", "-id"],
    SortBy.start_date: [F("best_run__start_date").asc(nulls_last=True), "id"],
    SortBy.start_date_desc: [F("best_run__start_date").desc(nulls_last=True), "-id"],
    SortBy.mitcoursenumber: [F("course__sort_coursenum").asc(nulls_last=True), "id"],
    SortBy.mitcoursenumber_desc: [F("course__sort_coursenum").desc(nulls_last=True), "-id"],
    SortBy.views: ["view_count", "id"],
    SortBy.views_desc: ["-view_count", "id"],
    SortBy.upcoming: [F("next_start_date").asc(nulls_last=True), "id"],
}


def sort_resources(queryset: QuerySet[LearningResource], sortby: str) -> QuerySet[LearningResource]:
    return queryset.order_by(*SORT_ORDER[sortby])


# ---------------------------------------------------------------- filter sets


class LearningResourceFilterSet(django_filters.FilterSet):
    resource_type = ListFilter(choices=ResourceType.choices, label="The type of learning resource")
    free = StrictBooleanFilter(label="The course/program is offered for free")
    professional = StrictBooleanFilter()
    certification = StrictBooleanFilter()
    certification_type = ListFilter(
        choices=CertificationType.choices, label="The type of certification offered"
    )
    offered_by = ListFilter(
        field_name="offered_by_id",
        choices=OfferedBy.choices,
        label="The organization that offers a learning resource",
    )
    platform = ListFilter(
        field_name="platform_id",
        choices=PlatformCode.choices,
        label="The platform on which learning resources are offered",
    )
    department = ListFilter(
        choices=DepartmentId.choices,
        method="filter_department",
        label="The department that offers learning resources",
    )
    level = ListFilter(
        choices=Level.choices, method="filter_level", label="The academic level of the resources"
    )
    delivery = ListFilter(
        choices=Delivery.choices,
        method="filter_delivery",
        label="The delivery of course/program resources",
    )
    topic = text_list(
        split_commas=False,
        method="filter_topic",
        label="Topics covered by the resources. Load the '/api/v1/topics' endpoint "
        "for a list of topics",
    )
    course_feature = text_list(
        split_commas=False,
        method="filter_course_feature",
        label="Content feature for the resources. Load the 'api/v1/course_features' "
        "endpoint for a list of course features",
    )
    resource_category = text_list(
        split_commas=False,
        method="filter_resource_category",
        label="The category of the resources (e.g. 'Course', 'Lecture Video')",
    )
    readable_id = text_list(label="A unique text identifier for the resources")
    resource_id = int_list(field_name="id", label="Comma-separated list of learning resource IDs")
    resource_type_group = ListFilter(
        choices=ResourceTypeGroup.choices,
        method="filter_resource_type_group",
        label="The resource type group of the learning resources",
    )
    sortby = StrictChoiceFilter(choices=SortBy.choices, method="filter_sortby", label="Sort By")

    class Meta:
        model = LearningResource
        fields: list[str] = []

    def filter_department(
        self, qs: QuerySet[LearningResource], name: str, value: list[str]
    ) -> QuerySet[LearningResource]:
        matching = LearningResource.objects.filter(departments__department_id__in=value)
        return qs.filter(id__in=matching.values("id"))

    def filter_level(
        self, qs: QuerySet[LearningResource], name: str, value: list[str]
    ) -> QuerySet[LearningResource]:
        runs = public_runs().filter(json_list_has_any("level", value))
        return qs.filter(id__in=runs.values("learning_resource_id"))

    def filter_delivery(
        self, qs: QuerySet[LearningResource], name: str, value: list[str]
    ) -> QuerySet[LearningResource]:
        return qs.filter(json_list_has_any("delivery", value))

    def filter_topic(
        self, qs: QuerySet[LearningResource], name: str, value: list[str]
    ) -> QuerySet[LearningResource]:
        matching = LearningResource.objects.filter(any_iexact("topics__name", value))
        return qs.filter(id__in=matching.values("id"))

    def filter_course_feature(
        self, qs: QuerySet[LearningResource], name: str, value: list[str]
    ) -> QuerySet[LearningResource]:
        matching = LearningResource.objects.filter(any_iexact("resource_tags__name", value))
        return qs.filter(id__in=matching.values("id"))

    def filter_resource_category(
        self, qs: QuerySet[LearningResource], name: str, value: list[str]
    ) -> QuerySet[LearningResource]:
        return qs.filter(any_iexact("resource_category", value))

    def filter_resource_type_group(
        self, qs: QuerySet[LearningResource], name: str, value: list[str]
    ) -> QuerySet[LearningResource]:
        catalog_types = [ResourceType.course, ResourceType.program]
        own_category = Q(resource_category__iexact="course") | Q(
            resource_category__iexact="program"
        )
        condition = Q()
        for group in value:
            if group == ResourceTypeGroup.learning_material:
                condition |= ~Q(resource_type__in=catalog_types)
            else:
                # The category decides when it names a group; otherwise the type does.
                condition |= Q(resource_type__in=catalog_types) & (
                    Q(resource_category__iexact=group) | (~own_category & Q(resource_type=group))
                )
        return qs.filter(condition)

    def filter_sortby(
        self, qs: QuerySet[LearningResource], name: str, value: str
    ) -> QuerySet[LearningResource]:
        return sort_resources(qs, value)


def _owned_by(field: str, value: list[Any]) -> Q:
    """Files whose owning resource (through its run, or directly) has ``field`` in ``value``."""
    return (
        Q(**{f"run__learning_resource__{field}__in": value})
        | Q(**{f"learning_resource__{field}__in": value})
        | Q(**{f"direct_learning_resource__{field}__in": value})
    )


class ContentFileFilterSet(django_filters.FilterSet):
    run_id = number_list(
        field_name="run_id",
        label="The id of the learning resource run the content file belongs to",
    )
    resource_id = int_list(
        method="filter_resource_id",
        label="The id of the learning resource the content file belongs to",
    )
    content_feature_type = text_list(
        split_commas=False,
        method="filter_content_feature_type",
        label="Content feature type for the content file. Load the 'api/v1/course_features' "
        "endpoint for a list of course features",
    )
    edx_module_id = text_list(
        split_commas=False,
        field_name="edx_module_id",
        label="The edx module id of the content file",
    )
    offered_by = ListFilter(
        choices=OfferedBy.choices,
        method="filter_offered_by",
        label="The organization that offers a learning resource the content file belongs to",
    )
    platform = ListFilter(
        choices=PlatformCode.choices,
        method="filter_platform",
        label="The platform on which learning resources the content file belongs to is offered",
    )

    class Meta:
        model = ContentFile
        fields: list[str] = []

    def filter_resource_id(
        self, qs: QuerySet[ContentFile], name: str, value: list[int]
    ) -> QuerySet[ContentFile]:
        return qs.filter(_owned_by("id", value))

    def filter_content_feature_type(
        self, qs: QuerySet[ContentFile], name: str, value: list[str]
    ) -> QuerySet[ContentFile]:
        matching = ContentFile.objects.filter(any_iexact("content_tags__name", value))
        return qs.filter(id__in=matching.values("id"))

    def filter_offered_by(
        self, qs: QuerySet[ContentFile], name: str, value: list[str]
    ) -> QuerySet[ContentFile]:
        return qs.filter(_owned_by("offered_by_id", value))

    def filter_platform(
        self, qs: QuerySet[ContentFile], name: str, value: list[str]
    ) -> QuerySet[ContentFile]:
        return qs.filter(_owned_by("platform_id", value))


class TopicFilterSet(django_filters.FilterSet):
    is_toplevel = StrictBooleanFilter(method="filter_toplevel", label="Filter top-level topics")
    name = text_list(split_commas=False, method="filter_name", label="Topic name")
    parent_topic_id = number_list(field_name="parent_id", label="Parent topic ID")

    class Meta:
        model = Topic
        fields: list[str] = []

    def filter_toplevel(self, qs: QuerySet[Topic], name: str, value: bool) -> QuerySet[Topic]:
        return qs.filter(parent__isnull=value)

    def filter_name(self, qs: QuerySet[Topic], name: str, value: list[str]) -> QuerySet[Topic]:
        condition = Q()
        for topic_name in value:
            condition |= Q(name__iexact=topic_name)
        return qs.filter(condition)
