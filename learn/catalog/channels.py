"""Channels kept in step with the taxonomy: one per topic, per department of a school, per offeror.

MIT Learn creates a channel whenever a topic, department or offeror is upserted; Learn does the
same through ``post_save`` (one row) and ``sync_channels`` (everything, run after every taxonomy
load, so rows written in bulk are covered too). A renamed topic keeps its channel id; a deleted
one takes its channel with it (``on_delete=CASCADE``). A department without a school has no
channel, as in MIT Learn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Model, Q, QuerySet
from django.db.models.signals import post_save
from django.utils.text import slugify

from learn.catalog.constants import ResourceType
from learn.catalog.models import Channel, ChannelType, Department, Offeror, Topic

NAME_LENGTH = Channel._meta.get_field("name").max_length or 100
TITLE_LENGTH = Channel._meta.get_field("title").max_length or 100

# channel type → the Channel field naming its source row
SOURCE_FIELDS: dict[str, str] = {
    ChannelType.topic: "topic",
    ChannelType.department: "department",
    ChannelType.unit: "unit",
}


@dataclass
class ChannelSyncReport:
    created: int = 0
    updated: int = 0
    removed: int = 0


def _wanted(source: Model) -> tuple[str, str, dict[str, Any]] | None:
    """(channel type, source field, values) of the channel a row should have, or None."""
    if isinstance(source, Topic):
        values = {
            "name": slugify(source.name)[:NAME_LENGTH],
            "title": source.name[:TITLE_LENGTH],
            "search_filter": urlencode({"topic": source.name}),
        }
        return ChannelType.topic, "topic", values
    if isinstance(source, Department):
        if source.school_id is None:
            return None
        values = {
            "name": slugify(source.name)[:NAME_LENGTH],
            "title": source.name[:TITLE_LENGTH],
            "search_filter": urlencode({"department": source.department_id}),
        }
        return ChannelType.department, "department", values
    if isinstance(source, Offeror):
        values = {
            "name": source.code,
            "title": source.name[:TITLE_LENGTH],
            "search_filter": urlencode({"offered_by": source.code}),
        }
        return ChannelType.unit, "unit", values
    raise TypeError(f"no channel kind for {type(source).__name__}")


def _free_name(channel_type: str, name: str, exclude: int | None) -> str:
    """``name``, or ``name-2``, ``name-3`` ... when another channel of the type holds it."""
    taken = Channel.objects.filter(channel_type=channel_type)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    candidate, n = name, 1
    while taken.filter(name=candidate).exists():
        n += 1
        suffix = f"-{n}"
        candidate = f"{name[: NAME_LENGTH - len(suffix)]}{suffix}"
    return candidate


def upsert_channel(source: Topic | Department | Offeror) -> tuple[Channel | None, str]:
    """Create, update or delete the channel of one taxonomy row: (channel, what happened)."""
    wanted = _wanted(source)
    field = {Topic: "topic", Department: "department", Offeror: "unit"}[type(source)]
    row = Channel.objects.filter(**{field: source}).first()
    if wanted is None:
        if row is not None:
            row.delete()
            return None, "removed"
        return None, "unchanged"
    channel_type, field, values = wanted
    if row is None:
        values["name"] = _free_name(channel_type, values["name"], None)
        row = Channel.objects.create(channel_type=channel_type, **{field: source}, **values)
        return row, "created"
    if values["name"] != row.name:
        values["name"] = _free_name(channel_type, values["name"], row.pk)
    changed = [key for key, value in values.items() if getattr(row, key) != value]
    if not changed:
        return row, "unchanged"
    for key in changed:
        setattr(row, key, values[key])
    row.save(update_fields=[*changed, "updated_on"])
    return row, "updated"


def sync_channels() -> ChannelSyncReport:
    """Bring every topic, department and unit channel in step with the taxonomy rows."""
    report = ChannelSyncReport()
    sources: list[Topic | Department | Offeror] = [
        *Topic.objects.order_by("id"),
        *Department.objects.order_by("department_id"),
        *Offeror.objects.order_by("code"),
    ]
    for source in sources:
        _, what = upsert_channel(source)
        if what != "unchanged":
            setattr(report, what, getattr(report, what) + 1)
    # a channel whose source row is gone (rows are normally deleted with it)
    orphans = Channel.objects.filter(
        Q(channel_type=ChannelType.topic, topic__isnull=True)
        | Q(channel_type=ChannelType.department, department__isnull=True)
        | Q(channel_type=ChannelType.unit, unit__isnull=True)
    )
    report.removed += orphans.delete()[0]
    return report


def channel_counts() -> dict[str, int]:
    """How many channels of each type exist."""
    rows = Channel.objects.values_list("channel_type").annotate(n=Count("id"))
    found = dict(rows)
    return {kind.value: found.get(kind.value, 0) for kind in ChannelType}


def _on_save(sender: type[Model], instance: Any, raw: bool = False, **_: Any) -> None:
    if not raw:
        upsert_channel(instance)


def connect_signals() -> None:
    for model in (Topic, Department, Offeror):
        post_save.connect(_on_save, sender=model, dispatch_uid=f"channel-of-{model.__name__}")


# ---------------------------------------------------------------- counts


def channels_with_counts(channel_type: str) -> QuerySet[Channel]:
    """Published channels of a type, annotated with their published course and program counts."""
    field = SOURCE_FIELDS.get(channel_type)
    queryset = Channel.objects.filter(channel_type=channel_type, published=True).order_by("id")
    if field is None:  # pathways count nothing
        return queryset.annotate(
            course_count=Count("pk", filter=Q(pk__in=[])),
            program_count=Count("pk", filter=Q(pk__in=[])),
        )
    resources = {
        "topic": "topic__resources",
        "department": "department__resources",
        "unit": "unit__learningresource",
    }[field]

    def count(resource_type: str) -> Count:
        return Count(
            resources,
            filter=Q(
                **{
                    f"{resources}__published": True,
                    f"{resources}__test_mode": False,
                    f"{resources}__resource_type": resource_type,
                }
            ),
            distinct=True,
        )

    return queryset.annotate(
        course_count=count(ResourceType.course), program_count=count(ResourceType.program)
    )
