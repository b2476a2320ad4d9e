"""Type-specific detail rows (Course, Program, Podcast, ...) built from a record.

Course numbers come from ``record.course_numbers``; every other detail field from
``record.detail`` by the model's field name. Only the fields a record carries are written, so a
value filled by another job (a video transcript, say) survives a catalog reload.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.db import models

from learn.catalog.models import (
    Course,
    LearningPath,
    Podcast,
    PodcastEpisode,
    Program,
    Video,
    VideoPlaylist,
)
from learn.etl.records import CourseNumberRecord, ResourceRecord

DETAIL_MODELS: dict[str, type[models.Model]] = {
    "course": Course,
    "program": Program,
    "learning_path": LearningPath,
    "podcast": Podcast,
    "podcast_episode": PodcastEpisode,
    "video": Video,
    "video_playlist": VideoPlaylist,
}
# detail keys that are read by the loader itself rather than stored on the detail row
AUXILIARY_KEYS = {"channel_title"}


class DepartmentNames(Protocol):
    def department_name(self, department_id: str | None) -> str | None: ...


def sort_coursenum(value: str) -> str:
    """The sortable form of a course number: a one-digit department prefix gets a leading 0."""
    prefix, dot, rest = value.partition(".")
    if dot and len(prefix) == 1 and prefix.isdigit():
        return f"0{prefix}.{rest}"
    return value


def course_number_department(number: CourseNumberRecord) -> str | None:
    if number.department_id:
        return number.department_id
    prefix = number.value.split(".", 1)[0].strip()
    return prefix or None


def course_numbers_json(
    numbers: list[CourseNumberRecord], departments: DepartmentNames
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for number in numbers:
        department_id = course_number_department(number)
        name = departments.department_name(department_id)
        out.append(
            {
                "value": number.value,
                "listing_type": number.listing_type,
                "department": (
                    {"department_id": department_id, "name": name} if name is not None else None
                ),
                "sort_coursenum": sort_coursenum(number.value),
                "primary": number.listing_type == "primary",
            }
        )
    return out


def _field_names(model: type[models.Model]) -> dict[str, str]:
    """Accepted detail key → attribute name, for the model's concrete non-key fields."""
    names: dict[str, str] = {}
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        names[f.name] = f.attname
        names[f.attname] = f.attname
    return names


def detail_values(record: ResourceRecord, departments: DepartmentNames) -> dict[str, Any]:
    """The detail row's values for ``record``; unknown keys raise ``ValueError``."""
    model = DETAIL_MODELS.get(record.resource_type)
    if model is None:
        return {}
    if model is Course:
        numbers = course_numbers_json(record.course_numbers, departments)
        primary = next((n for n in numbers if n["primary"]), numbers[0] if numbers else None)
        return {
            "course_numbers": numbers,
            "sort_coursenum": primary["sort_coursenum"] if primary else "",
        }
    accepted = _field_names(model)
    values: dict[str, Any] = {}
    for key, value in record.detail.items():
        if key in AUXILIARY_KEYS:
            continue
        if key not in accepted:
            raise ValueError(
                f"unknown {record.resource_type} detail field {key!r}; "
                f"expected one of {sorted(set(accepted.values()))}"
            )
        values[accepted[key]] = value
    return values
