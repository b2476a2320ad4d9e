"""Learning paths written by editors: the path resource, its ordered items, memberships.

A learning path is a catalog ``LearningResource`` of type ``learning_path`` whose items are
``LearningResourceRelationship`` rows (``LEARNING_PATH_ITEMS``). Every write tells the catalog's
change hook, so the search index and vectors follow.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Max, Prefetch, QuerySet
from rest_framework import serializers

from learn.accounts.fields import TopicListField
from learn.accounts.lists import MAX_POSITION
from learn.accounts.permissions import is_learning_path_editor
from learn.catalog import hooks
from learn.catalog.constants import RelationType, ResourceType
from learn.catalog.models import LearningPath, LearningResource, LearningResourceRelationship
from learn.catalog.queries import published_resources, resource_queryset, with_related
from learn.catalog.serializers import LearningResourceSerializer


def visible_paths(user: User | AnonymousUser) -> QuerySet[LearningResource]:
    """Editors see every path (drafts too); everyone else the published ones."""
    paths = LearningResource.objects.filter(resource_type=ResourceType.learning_path)
    if is_learning_path_editor(user):
        return with_related(paths.filter(test_mode=False))
    return resource_queryset().filter(resource_type=ResourceType.learning_path)


def path_items(path_id: int, user: User | AnonymousUser) -> QuerySet[LearningResourceRelationship]:
    items = LearningResourceRelationship.objects.filter(
        parent_id=path_id,
        parent__in=visible_paths(user),
        relation_type=RelationType.LEARNING_PATH_ITEMS,
    )
    if not is_learning_path_editor(user):
        items = items.filter(child__in=published_resources())
    return items.prefetch_related(
        Prefetch("child", queryset=with_related(LearningResource.objects.all()))
    ).order_by("position", "id")


def _announce(ids: Iterable[int]) -> None:
    batch = list(ids)
    transaction.on_commit(lambda: hooks.resources_changed(batch))


class LearningPathWriteSerializer(serializers.ModelSerializer[LearningResource]):
    """The writable fields of a learning path (``LearningPathResourceRequest``)."""

    topics = TopicListField(required=False)
    title = serializers.CharField(max_length=256)
    published = serializers.BooleanField(required=False)

    def create(self, validated_data: dict[str, Any]) -> LearningResource:
        topics = validated_data.pop("topics", None)
        author: User = self.context["author"]
        with transaction.atomic():
            resource = LearningResource.objects.create(
                readable_id=f"learning-path-{uuid.uuid4().hex}",
                resource_type=ResourceType.learning_path,
                resource_category="Learning Path",
                **validated_data,
            )
            LearningPath.objects.create(learning_resource=resource, author=author.username)
            if topics:
                resource.topics.set(topics)
            _announce([resource.pk])
        return resource

    def update(
        self, instance: LearningResource, validated_data: dict[str, Any]
    ) -> LearningResource:
        topics = validated_data.pop("topics", None)
        with transaction.atomic():
            instance = super().update(instance, validated_data)
            if topics is not None:
                instance.topics.set(topics)
            _announce([instance.pk])
        return instance

    class Meta:
        model = LearningResource
        fields = [
            "topics",
            "title",
            "description",
            "full_description",
            "last_modified",
            "published",
            "languages",
            "url",
            "ocw_topics",
            "next_start_date",
            "availability",
            "completeness",
            "license_cc",
            "test_mode",
            "continuing_ed_credits",
            "location",
            "duration",
            "min_weeks",
            "max_weeks",
            "time_commitment",
            "min_weekly_hours",
            "max_weekly_hours",
        ]


def delete_path(path: LearningResource) -> None:
    with transaction.atomic():
        pk = path.pk
        path.delete()
        transaction.on_commit(lambda: hooks.resources_removed([pk]))


def _renumber(path_id: int) -> None:
    items = LearningResourceRelationship.objects.filter(
        parent_id=path_id, relation_type=RelationType.LEARNING_PATH_ITEMS
    ).order_by("position", "id")
    for index, item in enumerate(items):
        if item.position != index:
            item.position = index
            item.save(update_fields=["position"])


class LearningPathItemSerializer(serializers.ModelSerializer[LearningResourceRelationship]):
    """An item of a learning path: ``child`` and ``position``; the parent comes from the URL."""

    resource = LearningResourceSerializer(source="child", read_only=True)
    position = serializers.IntegerField(min_value=0, max_value=MAX_POSITION, required=False)
    parent = serializers.IntegerField(source="parent_id", read_only=True)  # type: ignore[assignment]
    child = serializers.PrimaryKeyRelatedField(queryset=published_resources())

    def validate_child(self, value: LearningResource) -> LearningResource:
        path: LearningResource = self.context["path"]
        if value.pk == path.pk:
            raise serializers.ValidationError("A learning path cannot contain itself.")
        existing = LearningResourceRelationship.objects.filter(
            parent=path, child=value, relation_type=RelationType.LEARNING_PATH_ITEMS
        )
        if self.instance is not None:
            existing = existing.exclude(pk=self.instance.pk)
        if existing.exists():
            raise serializers.ValidationError("This resource is already in the learning path.")
        return value

    def create(self, validated_data: dict[str, Any]) -> LearningResourceRelationship:
        path: LearningResource = self.context["path"]
        with transaction.atomic():
            top = LearningResourceRelationship.objects.filter(
                parent=path, relation_type=RelationType.LEARNING_PATH_ITEMS
            ).aggregate(top=Max("position"))["top"]
            position = validated_data.get("position")
            if position is None:
                position = 0 if top is None else top + 1
            else:  # insert: shift the items at and after the position
                for item in LearningResourceRelationship.objects.filter(
                    parent=path,
                    relation_type=RelationType.LEARNING_PATH_ITEMS,
                    position__gte=position,
                ).order_by("-position"):
                    item.position += 1
                    item.save(update_fields=["position"])
            item = LearningResourceRelationship.objects.create(
                parent=path,
                child=validated_data["child"],
                relation_type=RelationType.LEARNING_PATH_ITEMS,
                position=position,
            )
            _renumber(path.pk)
            item.refresh_from_db()
            _announce([path.pk])
        return item

    def update(
        self, instance: LearningResourceRelationship, validated_data: dict[str, Any]
    ) -> LearningResourceRelationship:
        with transaction.atomic():
            if "child" in validated_data:
                instance.child = validated_data["child"]
            if "position" in validated_data:
                move_item(instance, validated_data["position"])
            instance.save()
            instance.refresh_from_db()
            _announce([instance.parent_id])
        return instance

    class Meta:
        model = LearningResourceRelationship
        fields = ["id", "resource", "position", "parent", "child"]


def move_item(item: LearningResourceRelationship, position: int) -> None:
    """Move an item to ``position`` (0-based), keeping the others in order."""
    siblings = list(
        LearningResourceRelationship.objects.filter(
            parent_id=item.parent_id, relation_type=RelationType.LEARNING_PATH_ITEMS
        )
        .exclude(pk=item.pk)
        .order_by("position", "id")
    )
    siblings.insert(min(position, len(siblings)), item)
    for index, sibling in enumerate(siblings):
        if sibling.position != index or sibling.pk == item.pk:
            sibling.position = index
            if sibling.pk != item.pk:
                sibling.save(update_fields=["position"])


def remove_item(item: LearningResourceRelationship) -> None:
    with transaction.atomic():
        path_id = item.parent_id
        item.delete()
        _renumber(path_id)
        _announce([path_id])


@transaction.atomic
def set_resource_paths(
    resource: LearningResource, path_ids: Iterable[int]
) -> list[LearningResourceRelationship]:
    """Make ``resource`` an item of exactly the learning paths ``path_ids``."""
    wanted = set(path_ids)
    current = LearningResourceRelationship.objects.filter(
        child=resource, relation_type=RelationType.LEARNING_PATH_ITEMS
    )
    touched = set(current.exclude(parent_id__in=wanted).values_list("parent_id", flat=True))
    current.exclude(parent_id__in=wanted).delete()
    for parent_id in touched:
        _renumber(parent_id)
    have = set(current.values_list("parent_id", flat=True))
    for parent_id in sorted(wanted - have):
        top = LearningResourceRelationship.objects.filter(
            parent_id=parent_id, relation_type=RelationType.LEARNING_PATH_ITEMS
        ).aggregate(top=Max("position"))["top"]
        LearningResourceRelationship.objects.create(
            parent_id=parent_id,
            child=resource,
            relation_type=RelationType.LEARNING_PATH_ITEMS,
            position=0 if top is None else top + 1,
        )
        touched.add(parent_id)
    _announce(touched)
    return list(
        LearningResourceRelationship.objects.filter(
            child=resource, relation_type=RelationType.LEARNING_PATH_ITEMS
        )
        .prefetch_related(Prefetch("child", queryset=resource_queryset()))
        .order_by("parent_id")
    )
