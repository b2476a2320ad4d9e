"""Resource JSON for many resources at once: the same documents as ``serialize_resources``, faster.

The search indexer serializes the whole catalog. ``serialize_resources`` spends most of its time in
Django's prefetch machinery (a queryset clone and a related manager per resource and relation) and
in DRF serializing the same topic, department or offeror again for every resource. Here:

- related rows are loaded with one ``values_list`` query per relation and grouped by resource;
- reference rows (topics, departments, offerors, platforms, prices, instructors) are serialized
  once per builder with the API's own serializers and reused (images once per batch);
- every other field goes through the API serializer's own field objects, in the serializer's field
  order, so a field added to a serializer appears here too. The relations those fields read
  (children, canonical parents, the 1:1 detail rows) come from caches filled here; a relation
  added later is still read correctly, with a query per resource, until it gets a cache here.

Videos and documents (their nested content files) go through ``serialize_resources`` unchanged.
A builder caches reference rows: use one per rebuild, not across catalog changes. Documents share
those cached dicts (one topic's JSON in every resource that has it): read them, do not modify.
``tests/catalog/test_bulk_json.py`` checks the output equals ``serialize_resources``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

from django.db.models import Model
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

from learn.catalog.constants import CANONICAL_PARENT_RELATIONS, ResourceType
from learn.catalog.models import (
    ContentTag,
    Course,
    Department,
    Image,
    Instructor,
    LearningPath,
    LearningResource,
    LearningResourceRelationship,
    LearningResourceRun,
    Offeror,
    Platform,
    Podcast,
    PodcastEpisode,
    Price,
    Program,
    RunInstructor,
    Topic,
    Video,
    VideoPlaylist,
)
from learn.catalog.queries import public_runs, with_related
from learn.catalog.serializers import (
    RESOURCE_SERIALIZERS,
    BlankTextField,
    LearningResourceImageSerializer,
    LearningResourceInstructorSerializer,
    LearningResourceOfferorSerializer,
    LearningResourcePlatformSerializer,
    LearningResourcePriceSerializer,
    LearningResourceRunSerializer,
    LearningResourceTopicSerializer,
    department_json,
    published_children,
    represent,
    serialize_resources,
)

# Types whose JSON nests content files: serialized by ``serialize_resources``.
DELEGATED_TYPES = frozenset({ResourceType.video, ResourceType.document})
# Types whose JSON reads canonical parents (podcasts of an episode, playlists of a video).
PARENT_READERS = frozenset({ResourceType.podcast_episode, ResourceType.video})
# The 1:1 detail rows a resource serializer reads, by accessor, with the joins their JSON needs.
DETAILS: dict[str, tuple[type[Model], tuple[str, ...]]] = {
    "course": (Course, ()),
    "program": (Program, ()),
    "learning_path": (LearningPath, ()),
    "podcast": (Podcast, ()),
    "podcast_episode": (PodcastEpisode, ()),
    "video": (Video, ()),
    "video_playlist": (
        VideoPlaylist,
        ("channel", "parent_learning_resource__course"),
    ),
}

Row = dict[str, Any]
Handler = Callable[[Any], Any]
# How a field gets its value: a handler of ours, a model column read directly, the instance
# itself (method fields), or DRF's own ``get_attribute`` (anything else).
HANDLER, COLUMN, INSTANCE, DRF = range(4)
Step = tuple[str, int, Any, Any]


def _plan(
    serializer: serializers.Serializer[Any], model: type[Model], handlers: dict[str, Handler]
) -> list[Step]:
    """(name, kind, handler or column, DRF field) per readable field, in the serializer's order."""
    columns = {f.attname for f in model._meta.concrete_fields if not f.is_relation or f.primary_key}
    plan: list[Step] = []
    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        if name in handlers:
            plan.append((name, HANDLER, handlers[name], field))
        elif field.source == "*":
            plan.append((name, INSTANCE, None, field))
        elif (
            len(field.source_attrs) == 1
            and field.source_attrs[0] in columns
            and not isinstance(field, BlankTextField)
        ):
            plan.append((name, COLUMN, field.source_attrs[0], field))
        else:
            plan.append((name, DRF, None, field))
    return plan


def _run_plan(plan: list[Step], instance: Any) -> Row:
    """DRF's ``Serializer.to_representation``, with some fields answered by handlers."""
    out: Row = {}
    for name, kind, how, field in plan:
        if kind == HANDLER:
            out[name] = how(instance)
            continue
        if kind == COLUMN:
            attribute = getattr(instance, how)
        elif kind == INSTANCE:
            attribute = instance
        else:
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
        value = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        out[name] = None if value is None else field.to_representation(attribute)
    return out


class ResourceJsonBuilder:
    """Serializes batches of resources; caches reference rows between batches."""

    def __init__(self) -> None:
        self.context: dict[str, Any] = {}
        self._topics: dict[int, Row] = {}
        self._departments: dict[str, Row] = {}
        self._offerors: dict[str, Row] = {}
        self._platforms: dict[str, Row] = {}
        self._prices: dict[int, Row] = {}
        self._instructors: dict[int, Row] = {}
        self._tags: dict[int, str] = {}
        self._images: dict[int, Row] = {}
        # Per batch: related ids and JSON grouped by resource (or run) id.
        self._topic_ids: dict[int, list[int]] = {}
        self._department_ids: dict[int, list[str]] = {}
        self._tag_ids: dict[int, list[int]] = {}
        self._price_ids: dict[int, list[int]] = {}
        self._runs: dict[int, list[LearningResourceRun]] = {}
        self._run_prices: dict[int, list[int]] = {}
        self._run_instructors: dict[int, list[int]] = {}
        self._plans: dict[str, list[Step]] = {}
        self._run_plan = _plan(
            LearningResourceRunSerializer(context=self.context),
            LearningResourceRun,
            {
                "instructors": lambda run: [
                    self._instructors[i] for i in self._run_instructors.get(run.pk, [])
                ],
                "image": lambda run: self._image(run.image_id),
                "resource_prices": lambda run: [
                    self._prices[p] for p in self._run_prices.get(run.pk, [])
                ],
            },
        )

    # ------------------------------------------------------------ public

    def serialize(self, resources: Sequence[LearningResource]) -> list[Row]:
        """The JSON of ``resources`` (bare instances, no prefetches needed), in their order."""
        own = [r for r in resources if r.resource_type not in DELEGATED_TYPES]
        delegated = [r.pk for r in resources if r.resource_type in DELEGATED_TYPES]
        out: dict[int, Row] = {}
        if own:
            self._load(own)
            for resource in own:
                out[resource.pk] = _run_plan(self._plan_for(resource.resource_type), resource)
        if delegated:
            queryset = with_related(LearningResource.objects.filter(id__in=delegated))
            for data in serialize_resources(queryset):
                out[int(data["id"])] = data
        return [out[r.pk] for r in resources]

    # ------------------------------------------------------------ plans

    def _plan_for(self, resource_type: str) -> list[Step]:
        plan = self._plans.get(resource_type)
        if plan is None:
            serializer = RESOURCE_SERIALIZERS[resource_type](context=self.context)
            plan = _plan(
                serializer,
                LearningResource,
                {
                    "topics": lambda r: [self._topics[t] for t in self._topic_ids.get(r.pk, [])],
                    "offered_by": lambda r: _get(self._offerors, r.offered_by_id),
                    "platform": lambda r: _get(self._platforms, r.platform_id),
                    "image": self._resource_image,
                    "course_feature": lambda r: [
                        self._tags[t] for t in self._tag_ids.get(r.pk, [])
                    ],
                    "departments": lambda r: [
                        self._departments[d] for d in self._department_ids.get(r.pk, [])
                    ],
                    "resource_prices": lambda r: [
                        self._prices[p] for p in self._price_ids.get(r.pk, [])
                    ],
                    "runs": lambda r: [
                        _run_plan(self._run_plan, run) for run in self._runs.get(r.pk, [])
                    ],
                },
            )
            self._plans[resource_type] = plan
        return plan

    def _image(self, image_id: int | None) -> Row | None:
        return _get(self._images, image_id)

    def _resource_image(self, resource: LearningResource) -> Row | None:
        """``get_image``: its own image; a learning path without one shows its first item's."""
        if resource.image_id is not None or resource.resource_type != ResourceType.learning_path:
            return self._image(resource.image_id)
        for rel in published_children(resource):
            if rel.child.image:
                return represent(LearningResourceImageSerializer, rel.child.image)
        return None

    # ------------------------------------------------------------ loading

    def _load(self, resources: list[LearningResource]) -> None:
        ids = [r.pk for r in resources]
        by_id = {r.pk: r for r in resources}
        self._topic_ids = _m2m(LearningResource.topics, ids)
        self._department_ids = _m2m(LearningResource.departments, ids)
        self._tag_ids = _m2m(LearningResource.resource_tags, ids)
        self._price_ids = _m2m(LearningResource.resource_prices, ids)

        runs = list(public_runs().filter(learning_resource_id__in=ids))
        self._runs = defaultdict(list)
        for run in runs:
            self._runs[run.learning_resource_id].append(run)
        run_ids = [run.pk for run in runs]
        self._run_prices = _m2m(LearningResourceRun.resource_prices, run_ids)
        self._run_instructors = _group(
            RunInstructor.objects.filter(run_id__in=run_ids).order_by("position", "id"),
            "run_id",
            "instructor_id",
        )

        self._children(resources)
        self._parents(resources)
        self._details(resources, by_id)

        self._fill(self._topics, _flat(self._topic_ids), self._topic_json)
        self._fill(self._departments, _flat(self._department_ids), self._department_json)
        self._fill(self._tags, _flat(self._tag_ids), self._tag_names)
        self._fill(
            self._prices,
            _flat(self._price_ids, self._run_prices),
            partial(_represented, Price, LearningResourcePriceSerializer),
        )
        self._fill(
            self._instructors,
            _flat(self._run_instructors),
            partial(_represented, Instructor, LearningResourceInstructorSerializer),
        )
        offerors = {r.offered_by_id for r in resources if r.offered_by_id}
        self._fill(
            self._offerors,
            offerors,
            partial(_represented, Offeror, LearningResourceOfferorSerializer),
        )
        platforms = {r.platform_id for r in resources if r.platform_id}
        self._fill(
            self._platforms,
            platforms,
            partial(_represented, Platform, LearningResourcePlatformSerializer),
        )
        images = {r.image_id for r in resources if r.image_id} | {
            run.image_id for run in runs if run.image_id
        }
        self._images = {}
        self._fill(
            self._images, images, partial(_represented, Image, LearningResourceImageSerializer)
        )

    def _children(self, resources: list[LearningResource]) -> None:
        """Published children (the ``children`` prefetch of ``resource_queryset``)."""
        children: dict[int, list[LearningResourceRelationship]] = defaultdict(list)
        rows = (
            LearningResourceRelationship.objects.filter(
                parent_id__in=[r.pk for r in resources], child__published=True
            )
            .select_related("child", "child__image")
            .order_by("position", "id")
        )
        for rel in rows:
            children[rel.parent_id].append(rel)
        for resource in resources:
            _prefetched(resource, "children", children.get(resource.pk, []))

    def _parents(self, resources: list[LearningResource]) -> None:
        """Canonical parents (the ``parents`` prefetch of ``resource_queryset``) of the types
        whose JSON names them; other types would read them with a query of their own."""
        readers = [r for r in resources if r.resource_type in PARENT_READERS]
        if not readers:
            return
        parents: dict[int, list[LearningResourceRelationship]] = defaultdict(list)
        rows = LearningResourceRelationship.objects.filter(
            child_id__in=[r.pk for r in readers], relation_type__in=CANONICAL_PARENT_RELATIONS
        ).select_related("parent")
        for rel in rows:
            parents[rel.child_id].append(rel)
        for resource in readers:
            _prefetched(resource, "parents", parents.get(resource.pk, []))

    def _details(self, resources: list[LearningResource], by_id: dict[int, Any]) -> None:
        """The 1:1 detail row of each resource's own type, cached on the resource."""
        by_type: dict[str, list[int]] = defaultdict(list)
        for resource in resources:
            by_type[str(resource.resource_type)].append(resource.pk)
        for accessor, (model, joins) in DETAILS.items():
            ids = by_type.get(accessor, [])
            if not ids:
                continue
            found: dict[int, Any] = {}
            queryset = model._default_manager.filter(learning_resource_id__in=ids)
            if joins:
                queryset = queryset.select_related(*joins)
            forward: Any = model._meta.get_field("learning_resource")
            for row in queryset:
                rid = row.pk  # the detail row's key is its resource's
                found[rid] = row
                forward.set_cached_value(row, by_id[rid])
            reverse: Any = LearningResource._meta.get_field(accessor)
            for rid in ids:
                reverse.set_cached_value(by_id[rid], found.get(rid))

    def _fill(
        self,
        cache: dict[Any, Any],
        keys: Iterable[Any],
        load: Callable[[list[Any]], dict[Any, Any]],
    ) -> None:
        missing = [k for k in set(keys) if k not in cache]
        if missing:
            cache.update(load(missing))

    # ------------------------------------------------------------ reference JSON

    def _topic_json(self, ids: list[Any]) -> dict[Any, Row]:
        return {
            t.pk: represent(LearningResourceTopicSerializer, t)
            for t in Topic.objects.filter(pk__in=ids)
        }

    def _department_json(self, ids: list[Any]) -> dict[Any, Row]:
        departments = Department.objects.select_related("school").filter(pk__in=ids)
        return {d.pk: department_json(d) for d in departments}

    def _tag_names(self, ids: list[Any]) -> dict[Any, str]:
        return dict(ContentTag.objects.filter(pk__in=ids).values_list("id", "name"))


def _m2m(descriptor: Any, ids: list[int]) -> dict[Any, list[Any]]:
    """Ids of the rows a many-to-many relation links to each of ``ids``, in the target model's
    Meta ordering (as a prefetch orders them)."""
    field = descriptor.field
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    ordering = [
        f"-{target}__{o[1:]}" if o.startswith("-") else f"{target}__{o}"
        for o in field.related_model._meta.ordering
    ]
    rows = descriptor.through.objects.filter(**{f"{source}_id__in": ids}).order_by(*ordering)
    return _group(rows, f"{source}_id", f"{target}_id")


def _group(queryset: Any, key: str, value: str) -> dict[Any, list[Any]]:
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for k, v in queryset.values_list(key, value):
        grouped[k].append(v)
    return grouped


def _get(cache: dict[Any, Row], key: Any) -> Row | None:
    return cache.get(key) if key is not None else None


def _represented(
    model: type[Model], serializer: type[serializers.BaseSerializer[Any]], ids: list[Any]
) -> dict[Any, Row]:
    """A ``_fill`` loader: the ``model`` objects with these ids, as ``serializer`` renders them."""
    return {o.pk: represent(serializer, o) for o in model._default_manager.filter(pk__in=ids)}


def _flat(*groups: dict[Any, list[Any]]) -> set[Any]:
    return {v for group in groups for values in group.values() for v in values}


def _prefetched(instance: Model, name: str, rows: list[Any]) -> None:
    """Make ``instance.<name>.all()`` answer ``rows`` without a query (as a prefetch does)."""
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[name] = rows
