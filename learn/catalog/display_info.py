"""Human-readable display facts of a resource (the ``learning_resource_display_info`` JSON).

Everything here is text meant for a reader (formatted prices, dates, labels), computed from the
same prefetched relations the resource serializers use.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from learn.catalog.constants import (
    CertificationType,
    Format,
    Level,
    ResourceType,
    label_of,
)
from learn.catalog.models import LearningResource, LearningResourceRun
from learn.catalog.serializers import public_runs_of, published_children


def format_money(amount: Decimal) -> str:
    whole = amount == amount.to_integral_value()
    return f"${amount:,.0f}" if whole else f"${amount:,.2f}"


def price_text(prices: list[Any], free: bool) -> str | None:
    amounts = sorted({Decimal(str(p)) for p in prices if Decimal(str(p)) > 0})
    if not amounts:
        return "Free" if free else None
    if len(amounts) == 1:
        return format_money(amounts[0])
    return f"{format_money(amounts[0])} – {format_money(amounts[-1])}"


def date_text(value: datetime | None) -> str | None:
    return f"{value:%B} {value.day}, {value.year}" if value else None


def run_instructor_names(run: LearningResourceRun) -> list[str]:
    links = sorted(run.runinstructor_set.all(), key=lambda link: (link.position, link.pk))
    return [link.instructor.full_name for link in links]


class RunDisplaySerializer(serializers.Serializer[dict[str, Any]]):
    code = serializers.CharField()
    name = serializers.CharField()
    location = serializers.CharField()
    start_date = serializers.CharField()
    instructors = serializers.ListField(child=serializers.CharField())
    duration = serializers.CharField()
    price = serializers.CharField()
    format = serializers.ListField(child=serializers.CharField())


class ResourceChildSummarySerializer(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField()
    readable_id = serializers.CharField()
    description = serializers.CharField()
    resource_type = serializers.CharField()
    topics = serializers.ListField(child=serializers.CharField())
    parent_program = serializers.CharField(required=False)


def _str_list() -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(), read_only=True, allow_null=True)


class LearningResourceDisplayInfoResponseSerializer(serializers.Serializer[LearningResource]):
    """Serializer for the response of the display info endpoint."""

    title = serializers.CharField(read_only=True, help_text="Title")
    description = serializers.SerializerMethodField(help_text="Description")
    full_description = serializers.CharField(
        read_only=True, allow_null=True, help_text="Full Description"
    )
    url = serializers.SerializerMethodField(help_text="Website")
    free = serializers.BooleanField(read_only=True, allow_null=True, help_text="Free")
    topics = serializers.SerializerMethodField(help_text="Topics")
    price = serializers.SerializerMethodField(help_text="Price")
    extra_price_info = serializers.SerializerMethodField(help_text="Extra Price Information")
    certification = serializers.SerializerMethodField(help_text="Certificate")
    instructors = serializers.SerializerMethodField(help_text="Instructors")
    runs = serializers.SerializerMethodField(help_text="Runs/Sessions")
    offered_by = serializers.SerializerMethodField(help_text="Offered By")
    languages = _str_list()
    levels = serializers.SerializerMethodField(help_text="Levels")
    departments = serializers.SerializerMethodField(help_text="Departments")
    platform = serializers.SerializerMethodField(help_text="Platform")
    number_of_courses = serializers.SerializerMethodField(help_text="Number of Courses")
    number_of_programs = serializers.SerializerMethodField(help_text="Number of Programs")
    program_courses = serializers.SerializerMethodField(
        help_text="Child courses and programs included in this learning resource"
    )
    location = serializers.SerializerMethodField(help_text="Location")
    starts = serializers.SerializerMethodField(help_text="Starts")
    format_type = serializers.SerializerMethodField(help_text="Format")
    as_taught_in = serializers.SerializerMethodField(help_text="As Taught In")
    duration = serializers.SerializerMethodField(help_text="Duration")
    id = serializers.IntegerField(read_only=True)

    def get_description(self, resource: LearningResource) -> str:
        return resource.description or ""

    def get_url(self, resource: LearningResource) -> str:
        return resource.url or ""

    def get_topics(self, resource: LearningResource) -> list[str]:
        return [topic.name for topic in resource.topics.all()]

    def get_price(self, resource: LearningResource) -> str | None:
        return price_text(list(resource.prices or []), resource.free)

    def get_extra_price_info(self, resource: LearningResource) -> str | None:
        amounts = [Decimal(str(p)) for p in resource.prices or []]
        if resource.free and any(a > 0 for a in amounts):
            return "Free to learn; a paid certificate is available."
        return None

    def get_certification(self, resource: LearningResource) -> str | None:
        if not resource.certification:
            return None
        return label_of(CertificationType, resource.certification_type)

    def get_instructors(self, resource: LearningResource) -> list[str] | None:
        names: list[str] = []
        for run in public_runs_of(resource):
            names.extend(n for n in run_instructor_names(run) if n not in names)
        return names

    @extend_schema_field(RunDisplaySerializer(many=True, allow_null=True))
    def get_runs(self, resource: LearningResource) -> list[dict[str, Any]] | None:
        return [
            {
                "code": run.run_id,
                "name": run.title,
                "location": run.location,
                "start_date": date_text(run.start_date) or "Anytime",
                "instructors": run_instructor_names(run),
                "duration": run.duration,
                "price": price_text(list(run.prices or []), resource.free) or "",
                "format": [label_of(Format, code) for code in run.format or []],
            }
            for run in public_runs_of(resource)
        ]

    def get_offered_by(self, resource: LearningResource) -> str | None:
        return resource.offered_by.name if resource.offered_by else None

    def get_levels(self, resource: LearningResource) -> list[str] | None:
        levels: list[str] = []
        for run in public_runs_of(resource):
            levels.extend(
                label for code in run.level or [] if (label := label_of(Level, code)) not in levels
            )
        return levels

    def get_departments(self, resource: LearningResource) -> list[str]:
        return [department.name for department in resource.departments.all()]

    def get_platform(self, resource: LearningResource) -> str | None:
        return resource.platform.name if resource.platform else None

    def _children_of_type(self, resource: LearningResource, resource_type: str) -> int | None:
        if resource.resource_type != ResourceType.program:
            return None
        return sum(
            1 for rel in published_children(resource) if rel.child.resource_type == resource_type
        )

    def get_number_of_courses(self, resource: LearningResource) -> float | None:
        return self._children_of_type(resource, ResourceType.course)

    def get_number_of_programs(self, resource: LearningResource) -> float | None:
        return self._children_of_type(resource, ResourceType.program)

    @extend_schema_field(ResourceChildSummarySerializer(many=True, allow_null=True))
    def get_program_courses(self, resource: LearningResource) -> list[dict[str, Any]] | None:
        if resource.resource_type != ResourceType.program:
            return None
        return [
            {
                "title": rel.child.title,
                "readable_id": rel.child.readable_id,
                "description": rel.child.description or "",
                "resource_type": rel.child.resource_type,
                "topics": [topic.name for topic in rel.child.topics.all()],
                "parent_program": resource.readable_id,
            }
            for rel in published_children(resource)
        ]

    def get_location(self, resource: LearningResource) -> str | None:
        return resource.location or None

    def get_starts(self, resource: LearningResource) -> list[str] | None:
        dates = [date_text(run.start_date) for run in public_runs_of(resource)]
        return [d for d in dates if d]

    def get_format_type(self, resource: LearningResource) -> list[str] | None:
        return [label_of(Format, code) for code in resource.format or []]

    def get_as_taught_in(self, resource: LearningResource) -> list[str] | None:
        terms = [
            " ".join(str(part) for part in (run.semester, run.year) if part)
            for run in public_runs_of(resource)
        ]
        return [term for term in terms if term]

    def get_duration(self, resource: LearningResource) -> str | None:
        return resource.duration or None
