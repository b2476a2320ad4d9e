"""The catalog's JSON, shaped exactly like MIT Learn's v1 contract.

``serialize_resource`` / ``serialize_resources`` give the full resource JSON for one resource or a
batch; the API views and the search indexer both use them, so a search hit and an API response are
the same document. Serializers read prefetched relations (see ``learn.catalog.queries``) and filter
them in Python, so they are correct on bare instances too (just slower).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any, cast

from django.db import models
from django.db.models import Model, QuerySet
from django.db.models.fields.related_descriptors import ReverseOneToOneDescriptor
from django.utils.text import slugify
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_array_type, build_basic_type, build_object_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from learn.catalog.constants import (
    CANONICAL_PARENT_RELATIONS,
    CertificationType,
    Delivery,
    Format,
    Level,
    Pace,
    RelationType,
    ResourceType,
    ResourceTypeGroup,
    label_of,
)
from learn.catalog.models import (
    ContentFile,
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
    School,
    Topic,
    Video,
    VideoChannel,
    VideoPlaylist,
)
from learn.config.env import get_env

# ---------------------------------------------------------------- helpers


def channel_url(kind: str, slug: str) -> str:
    """The web address of a channel page: ``{app_base_url}/c/<kind>/<slug>/``."""
    return f"{get_env().app_base_url.rstrip('/')}/c/{kind}/{slug}/"


def format_price(value: object) -> str:
    return str(Decimal(str(value)).quantize(Decimal("0.01")))


_SHARED: dict[type[Any], Any] = {}


def _shared(serializer_class: type[serializers.BaseSerializer[Any]]) -> Any:
    """One instance per context-free serializer class: DRF builds a serializer's fields on first
    use, so reusing the instance keeps per-item serialization cheap."""
    if serializer_class not in _SHARED:
        _SHARED[serializer_class] = serializer_class()
    return _SHARED[serializer_class]


def represent(serializer_class: type[serializers.BaseSerializer[Any]], obj: Any) -> dict[str, Any]:
    """``obj`` through a context-free serializer (reference data, images, instructors ...)."""
    return dict(_shared(serializer_class).to_representation(obj))


def nested(
    parent: serializers.BaseSerializer[Any], serializer_class: type[serializers.BaseSerializer[Any]]
) -> Any:
    """An instance of ``serializer_class`` sharing ``parent``'s context, built once per parent."""
    cache: dict[type[Any], Any] = parent.__dict__.setdefault("_nested_serializers", {})
    if serializer_class not in cache:
        cache[serializer_class] = serializer_class(context=parent.context)
    return cache[serializer_class]


def public_runs_of(resource: LearningResource) -> list[LearningResourceRun]:
    return [run for run in resource.runs.all() if run.published and not run.is_variant]


def published_children(resource: LearningResource) -> list[LearningResourceRelationship]:
    return [rel for rel in resource.children.all() if rel.child.published]


def canonical_parents(resource: LearningResource, relation: str) -> list[LearningResource]:
    return [rel.parent for rel in resource.parents.all() if rel.relation_type == relation]


def _detail(resource: LearningResource, attr: str) -> Model | None:
    """The 1:1 detail row of a resource (``course``, ``podcast`` ...) or None."""
    descriptor = getattr(type(resource), attr)
    assert isinstance(descriptor, ReverseOneToOneDescriptor)
    try:
        value: Model | None = getattr(resource, attr)
    except descriptor.RelatedObjectDoesNotExist:
        return None
    return value


def course_number_values(resource: LearningResource | None) -> list[str]:
    if resource is None or resource.resource_type != ResourceType.course:
        return []
    course = _detail(resource, "course")
    if not isinstance(course, Course):
        return []
    return [str(num.get("value", "")) for num in course.course_numbers or [] if num.get("value")]


# ---------------------------------------------------------------- blank text


def _name_order(link: RunInstructor) -> tuple[str, int, int]:
    # A missing last name is "" in MIT Learn (its ETL stores empty text), so it sorts first.
    return ((link.instructor.last_name or "").casefold(), link.position, link.pk)


class BlankTextField(serializers.CharField):
    """Free text that MIT Learn sends as ``""`` when it is missing, never ``null``.

    MIT Learn's ETL stores missing descriptions, instructor names and image captions as empty
    strings, and its clients rely on that (MIT's OER export calls ``.strip()`` on run descriptions
    and formats authors as ``f"{last_name}, {first_name}"``). Learn's rows may hold NULL; this
    field answers ``""`` for them, in the API and (same serializers) in search documents.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        value = super().get_attribute(instance)
        return "" if value is None else value


# ---------------------------------------------------------------- code/name fields


class CodeNameField(serializers.Field):
    """A stored enum code shown as ``{"code": ..., "name": label}``."""

    def __init__(self, choices: type[models.TextChoices], **kwargs: Any) -> None:
        self.enum = choices
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> dict[str, str]:
        return {"code": str(value), "name": label_of(self.enum, str(value))}


class CodeNameListField(CodeNameField):
    """A stored list of enum codes shown as ``[{"code": ..., "name": label}]``."""

    def to_representation(self, value: Any) -> list[dict[str, str]]:  # type: ignore[override]
        return [super(CodeNameListField, self).to_representation(code) for code in value or []]


class CodeNameFieldSchema(OpenApiSerializerFieldExtension):
    target_class = CodeNameField
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        field = self.target
        item = build_object_type(
            properties={
                "code": {"type": "string", "enum": [c.value for c in field.enum]},
                "name": build_basic_type(OpenApiTypes.STR),
            },
            required=["code", "name"],
        )
        return build_array_type(item) if isinstance(field, CodeNameListField) else item


# ---------------------------------------------------------------- reference data


class LearningResourceImageSerializer(serializers.ModelSerializer[Image]):
    description = BlankTextField()
    alt = BlankTextField()

    class Meta:
        model = Image
        fields = ["id", "url", "description", "alt"]


class LearningResourcePlatformSerializer(serializers.ModelSerializer[Platform]):
    class Meta:
        model = Platform
        fields = ["code", "name"]


class LearningResourceOfferorSerializer(serializers.ModelSerializer[Offeror]):
    channel_url = serializers.SerializerMethodField()

    def get_channel_url(self, offeror: Offeror) -> str | None:
        return channel_url("unit", offeror.code)

    class Meta:
        model = Offeror
        fields = ["code", "name", "channel_url", "display_facet"]


class LearningResourceOfferorDetailSerializer(LearningResourceOfferorSerializer):
    offerings = serializers.ListField(child=serializers.CharField(max_length=128))
    audience = serializers.ListField(child=serializers.CharField(max_length=128))
    formats = serializers.ListField(child=serializers.CharField(max_length=128))
    fee = serializers.ListField(child=serializers.CharField(max_length=128))
    certifications = serializers.ListField(child=serializers.CharField(max_length=128))
    content_types = serializers.ListField(child=serializers.CharField(max_length=128))

    class Meta:
        model = Offeror
        fields = [
            "code",
            "channel_url",
            "name",
            "professional",
            "offerings",
            "audience",
            "formats",
            "fee",
            "certifications",
            "content_types",
            "more_information",
            "value_prop",
            "display_facet",
        ]


class LearningResourceBaseSchoolSerializer(serializers.ModelSerializer[School]):
    class Meta:
        model = School
        fields = ["id", "name", "url"]


class LearningResourceBaseDepartmentSerializer(serializers.ModelSerializer[Department]):
    channel_url = serializers.SerializerMethodField()

    def get_channel_url(self, department: Department) -> str | None:
        return channel_url("department", slugify(department.name))

    class Meta:
        model = Department
        fields = ["department_id", "name", "channel_url"]


class LearningResourceDepartmentSerializer(LearningResourceBaseDepartmentSerializer):
    school = LearningResourceBaseSchoolSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Department
        fields = ["department_id", "name", "channel_url", "school"]


class LearningResourceSchoolSerializer(serializers.ModelSerializer[School]):
    departments = LearningResourceBaseDepartmentSerializer(many=True, read_only=True)

    class Meta:
        model = School
        fields = ["id", "name", "url", "departments"]


class LearningResourceTopicSerializer(serializers.ModelSerializer[Topic]):
    channel_url = serializers.SerializerMethodField()

    def get_channel_url(self, topic: Topic) -> str | None:
        return channel_url("topic", slugify(topic.name))

    class Meta:
        model = Topic
        fields = ["id", "name", "icon", "parent", "channel_url"]
        read_only_fields = ["parent"]


class LearningResourceContentTagSerializer(serializers.ModelSerializer[ContentTag]):
    class Meta:
        model = ContentTag
        fields = ["id", "name"]


class LearningResourcePriceSerializer(serializers.ModelSerializer[Price]):
    class Meta:
        model = Price
        fields = ["amount", "currency"]


class LearningResourceInstructorSerializer(serializers.ModelSerializer[Instructor]):
    first_name = BlankTextField()
    last_name = BlankTextField()
    full_name = BlankTextField()

    class Meta:
        model = Instructor
        fields = ["id", "first_name", "last_name", "full_name"]


def _department_map(context: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The JSON of every department (with its school), built once per serialization."""
    cached = context.get("_departments")
    if cached is None:
        departments = Department.objects.select_related("school")
        cached = {d.department_id: department_json(d) for d in departments}
        context["_departments"] = cached
    return cached


def department_json(department: Department) -> dict[str, Any]:
    return represent(LearningResourceDepartmentSerializer, department)


# ---------------------------------------------------------------- runs


DECIMAL_LIST = serializers.ListField(
    child=serializers.DecimalField(max_digits=12, decimal_places=2), allow_null=True
)


class LearningResourceRunSerializer(serializers.ModelSerializer[LearningResourceRun]):
    instructors = serializers.SerializerMethodField()
    image = LearningResourceImageSerializer(read_only=True, allow_null=True)
    level = CodeNameListField(Level)
    delivery = CodeNameListField(Delivery)
    format = CodeNameListField(Format)
    pace = CodeNameListField(Pace)
    resource_prices = LearningResourcePriceSerializer(many=True, read_only=True)
    languages = serializers.ListField(
        child=serializers.CharField(max_length=24), allow_null=True, required=False
    )
    prices = serializers.SerializerMethodField()
    description = BlankTextField()
    full_description = BlankTextField()

    @extend_schema_field(LearningResourceInstructorSerializer(many=True, allow_null=True))
    def get_instructors(self, run: LearningResourceRun) -> list[dict[str, Any]]:
        # MIT Learn's order: by last name (its instructor model's ordering), ties in the
        # source's order — MIT's OER export lists authors so.
        ordered = sorted(run.runinstructor_set.all(), key=_name_order)
        return [
            represent(LearningResourceInstructorSerializer, link.instructor) for link in ordered
        ]

    @extend_schema_field(DECIMAL_LIST)
    def get_prices(self, run: LearningResourceRun) -> list[str]:
        return sorted((format_price(p) for p in run.prices or []), key=Decimal)

    class Meta:
        model = LearningResourceRun
        fields = [
            "id",
            "instructors",
            "image",
            "level",
            "delivery",
            "format",
            "pace",
            "resource_prices",
            "run_id",
            "title",
            "description",
            "full_description",
            "last_modified",
            "published",
            "languages",
            "url",
            "slug",
            "semester",
            "year",
            "start_date",
            "end_date",
            "enrollment_start",
            "enrollment_end",
            "prices",
            "checksum",
            "availability",
            "location",
            "duration",
            "min_weeks",
            "max_weeks",
            "time_commitment",
            "min_weekly_hours",
            "max_weekly_hours",
        ]


# ---------------------------------------------------------------- type details


class CourseNumberSerializer(serializers.Serializer[dict[str, Any]]):
    value = serializers.CharField()
    # null when the number names no known department, as MIT Learn sends it
    department = LearningResourceDepartmentSerializer(allow_null=True)
    listing_type = serializers.CharField()


class CourseSerializer(serializers.ModelSerializer[Course]):
    course_numbers = serializers.SerializerMethodField()

    @extend_schema_field(CourseNumberSerializer(many=True, allow_null=True))
    def get_course_numbers(self, course: Course) -> list[dict[str, Any]]:
        departments = _department_map(cast(dict[str, Any], self.context))
        numbers = []
        for num in course.course_numbers or []:
            dept_ref = num.get("department") or {}
            dept_json: dict[str, Any] | None = departments.get(
                str(dept_ref.get("department_id", ""))
            )
            if dept_json is None and not dept_ref:  # "6.100x" is a number of department 6
                dept_json = departments.get(str(num.get("value", "")).split(".", 1)[0])
            if dept_json is None and dept_ref:
                dept_json = {
                    "department_id": dept_ref.get("department_id"),
                    "name": dept_ref.get("name", ""),
                    "channel_url": channel_url("department", slugify(dept_ref.get("name", ""))),
                    "school": None,
                }
            numbers.append(
                {
                    "value": num.get("value", ""),
                    "department": dept_json,
                    "listing_type": num.get("listing_type", ""),
                }
            )
        return numbers

    class Meta:
        model = Course
        fields = ["course_numbers"]


class ProgramSerializer(serializers.ModelSerializer[Program]):
    course_count = serializers.SerializerMethodField()
    program_count = serializers.SerializerMethodField()

    def _count(self, program: Program, resource_type: str) -> int:
        children = published_children(program.learning_resource)
        return sum(1 for rel in children if rel.child.resource_type == resource_type)

    def get_course_count(self, program: Program) -> int:
        return self._count(program, ResourceType.course)

    def get_program_count(self, program: Program) -> int:
        return self._count(program, ResourceType.program)

    class Meta:
        model = Program
        fields = ["course_count", "program_count"]


class LearningPathSerializer(serializers.ModelSerializer[LearningPath]):
    id = serializers.IntegerField(source="learning_resource_id", read_only=True)
    item_count = serializers.SerializerMethodField(
        help_text="Number of published items in the list."
    )

    def get_item_count(self, path: LearningPath) -> int:
        return len(published_children(path.learning_resource))

    class Meta:
        model = LearningPath
        fields = ["id", "item_count"]


class PodcastSerializer(serializers.ModelSerializer[Podcast]):
    id = serializers.IntegerField(source="learning_resource_id", read_only=True)
    episode_count = serializers.SerializerMethodField()

    def get_episode_count(self, podcast: Podcast) -> int:
        children = published_children(podcast.learning_resource)
        return sum(1 for rel in children if rel.relation_type == RelationType.PODCAST_EPISODES)

    class Meta:
        model = Podcast
        fields = ["id", "episode_count", "apple_podcasts_url", "google_podcasts_url", "rss_url"]


class PodcastEpisodeParentSerializer(serializers.Serializer[LearningResource]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    readable_id = serializers.CharField()


class PodcastEpisodeSerializer(serializers.ModelSerializer[PodcastEpisode]):
    id = serializers.IntegerField(source="learning_resource_id", read_only=True)
    podcasts = serializers.SerializerMethodField(
        help_text="Get the podcast id(s) the episode belongs to"
    )
    parent_podcasts = serializers.SerializerMethodField()

    def _parents(self, episode: PodcastEpisode) -> list[LearningResource]:
        parents = canonical_parents(episode.learning_resource, RelationType.PODCAST_EPISODES)
        return [p for p in parents if p.published]

    def get_podcasts(self, episode: PodcastEpisode) -> list[int]:
        return [p.pk for p in self._parents(episode)]

    @extend_schema_field(PodcastEpisodeParentSerializer(many=True))
    def get_parent_podcasts(self, episode: PodcastEpisode) -> list[dict[str, Any]]:
        return [
            {"id": p.pk, "title": p.title, "readable_id": p.readable_id}
            for p in self._parents(episode)
        ]

    class Meta:
        model = PodcastEpisode
        fields = [
            "id",
            "podcasts",
            "parent_podcasts",
            "transcript",
            "audio_url",
            "episode_link",
            "duration",
            "rss",
        ]


class CaptionUrlSerializer(serializers.Serializer[dict[str, str]]):
    language = serializers.CharField()
    language_name = serializers.CharField()
    url = serializers.URLField()


class VideoSerializer(serializers.ModelSerializer[Video]):
    id = serializers.IntegerField(source="learning_resource_id", read_only=True)
    caption_urls = CaptionUrlSerializer(many=True, read_only=True)

    class Meta:
        model = Video
        fields = ["id", "caption_urls", "streaming_url", "cover_image_url", "duration"]
        read_only_fields = ["streaming_url", "cover_image_url"]


class VideoChannelSerializer(serializers.ModelSerializer[VideoChannel]):
    class Meta:
        model = VideoChannel
        fields = ["channel_id", "title"]


class VideoPlaylistSerializer(serializers.ModelSerializer[VideoPlaylist]):
    id = serializers.IntegerField(source="learning_resource_id", read_only=True)
    channel = VideoChannelSerializer(read_only=True, allow_null=True)
    video_count = serializers.SerializerMethodField()
    parent_learning_resource_id = serializers.IntegerField(read_only=True, allow_null=True)
    parent_title = serializers.SerializerMethodField()
    parent_url = serializers.SerializerMethodField()
    parent_course_numbers = serializers.SerializerMethodField(
        help_text="Extract the course number(s) from the parent course, if any"
    )

    def get_video_count(self, playlist: VideoPlaylist) -> int:
        children = published_children(playlist.learning_resource)
        return sum(1 for rel in children if rel.relation_type == RelationType.PLAYLIST_VIDEOS)

    def get_parent_title(self, playlist: VideoPlaylist) -> str | None:
        parent = playlist.parent_learning_resource
        return parent.title if parent else None

    def get_parent_url(self, playlist: VideoPlaylist) -> str | None:
        parent = playlist.parent_learning_resource
        return parent.url if parent else None

    def get_parent_course_numbers(self, playlist: VideoPlaylist) -> list[str]:
        return course_number_values(playlist.parent_learning_resource)

    class Meta:
        model = VideoPlaylist
        fields = [
            "id",
            "channel",
            "video_count",
            "parent_learning_resource_id",
            "parent_title",
            "parent_url",
            "parent_course_numbers",
        ]


# ---------------------------------------------------------------- content files


def _owner_id(file: ContentFile) -> int | None:
    if file.run is not None:
        return file.run.learning_resource_id
    return file.learning_resource_id or file.direct_learning_resource_id


def attach_owners(
    files: list[ContentFile], known: Iterable[LearningResource] = ()
) -> list[ContentFile]:
    """Set ``file._owner`` (the resource a file belongs to) loading owners in three queries."""
    owners = {resource.pk: resource for resource in known}
    missing = {oid for f in files if (oid := _owner_id(f)) is not None and oid not in owners}
    if missing:
        loaded = (
            LearningResource.objects.filter(pk__in=missing)
            .select_related("offered_by", "platform", "course")
            .prefetch_related("topics", "departments__school")
        )
        owners.update({resource.pk: resource for resource in loaded})
    for file in files:
        oid = _owner_id(file)
        file._owner = owners.get(oid) if oid is not None else None  # type: ignore[attr-defined]
    return files


def _owner(file: ContentFile) -> LearningResource | None:
    if not hasattr(file, "_owner"):
        attach_owners([file])
    owner: LearningResource | None = file._owner  # type: ignore[attr-defined]
    return owner


class ContentFileListSerializer(serializers.ListSerializer[ContentFile]):
    def to_representation(self, data: Any) -> list[Any]:
        files = list(data.all() if hasattr(data, "all") else data)
        attach_owners([f for f in files if not hasattr(f, "_owner")])
        return super().to_representation(files)


RUN_KEYS = ("run_id", "run_title", "run_slug", "semester", "year", "run_readable_id")


class NestedContentFileSerializer(serializers.ModelSerializer[ContentFile]):
    """A content file without its large text fields (content, summary, flashcards)."""

    run_id = serializers.IntegerField(required=False)
    direct_learning_resource_id = serializers.IntegerField(allow_null=True, required=False)
    run_title = serializers.CharField(source="run.title", required=False)
    run_slug = serializers.CharField(source="run.slug", required=False)
    departments = serializers.SerializerMethodField()
    semester = serializers.CharField(source="run.semester", required=False)
    year = serializers.IntegerField(source="run.year", required=False)
    topics = serializers.SerializerMethodField()
    require_summaries = serializers.SerializerMethodField()
    content_feature_type = serializers.SerializerMethodField()
    resource_id = serializers.SerializerMethodField()
    resource_readable_id = serializers.SerializerMethodField()
    course_number = serializers.SerializerMethodField(
        help_text="Extract the course number(s) from the associated course"
    )
    offered_by = serializers.SerializerMethodField()
    platform = serializers.SerializerMethodField()
    run_readable_id = serializers.CharField(source="run.run_id", required=False)

    class Meta:
        model = ContentFile
        list_serializer_class = ContentFileListSerializer
        fields = [
            "id",
            "run_id",
            "direct_learning_resource_id",
            "run_title",
            "run_slug",
            "departments",
            "semester",
            "year",
            "topics",
            "key",
            "uid",
            "title",
            "description",
            "require_summaries",
            "url",
            "content_feature_type",
            "content_type",
            "content_title",
            "content_author",
            "content_language",
            "checksum",
            "image_src",
            "resource_id",
            "resource_readable_id",
            "source_path",
            "course_number",
            "file_type",
            "file_extension",
            "offered_by",
            "platform",
            "run_readable_id",
            "edx_module_id",
            "youtube_id",
        ]

    def to_representation(self, instance: ContentFile) -> dict[str, Any]:
        data = dict(super().to_representation(instance))
        # Fields the contract declares non-nullable are left out when the file has no run.
        for key in RUN_KEYS:
            if data.get(key) is None:
                data.pop(key, None)
        return data

    @extend_schema_field(LearningResourceDepartmentSerializer(many=True))
    def get_departments(self, file: ContentFile) -> list[dict[str, Any]]:
        owner = _owner(file)
        if owner is None:
            return []
        return [department_json(d) for d in owner.departments.all()]

    @extend_schema_field(LearningResourceTopicSerializer(many=True))
    def get_topics(self, file: ContentFile) -> list[dict[str, Any]]:
        owner = _owner(file)
        if owner is None:
            return []
        return [represent(LearningResourceTopicSerializer, t) for t in owner.topics.all()]

    def get_require_summaries(self, file: ContentFile) -> bool:
        owner = _owner(file)
        return bool(owner and owner.require_summaries)

    def get_content_feature_type(self, file: ContentFile) -> list[str]:
        return [tag.name for tag in file.content_tags.all()]

    def get_resource_id(self, file: ContentFile) -> str:
        owner = _owner(file)
        return str(owner.pk) if owner else ""

    def get_resource_readable_id(self, file: ContentFile) -> str:
        owner = _owner(file)
        return owner.readable_id if owner else ""

    def get_course_number(self, file: ContentFile) -> list[str]:
        return course_number_values(_owner(file))

    @extend_schema_field(LearningResourceOfferorSerializer(read_only=True))
    def get_offered_by(self, file: ContentFile) -> dict[str, Any] | None:
        owner = _owner(file)
        if owner is None or owner.offered_by is None:
            return None
        return represent(LearningResourceOfferorSerializer, owner.offered_by)

    @extend_schema_field(LearningResourcePlatformSerializer(read_only=True))
    def get_platform(self, file: ContentFile) -> dict[str, Any] | None:
        owner = _owner(file)
        if owner is None or owner.platform is None:
            return None
        return represent(LearningResourcePlatformSerializer, owner.platform)


class ContentFileSerializer(NestedContentFileSerializer):
    """A content file with its extracted text, summary and flashcards."""

    flashcards = serializers.JSONField()

    class Meta(NestedContentFileSerializer.Meta):
        fields = [
            *(
                field
                for name in NestedContentFileSerializer.Meta.fields[:-1]
                for field in (["content_type", "content"] if name == "content_type" else [name])
            ),
            "summary",
            "flashcards",
            "youtube_id",
        ]


# ---------------------------------------------------------------- resources


class LearningResourceRelationshipChildFieldSerializer(
    serializers.ModelSerializer[LearningResourceRelationship]
):
    """A child of a resource: its id, position and relation, with the child's title."""

    child = serializers.IntegerField(source="child_id")
    title = serializers.CharField(source="child.title", read_only=True)
    readable_id = serializers.CharField(source="child.readable_id", read_only=True)

    class Meta:
        model = LearningResourceRelationship
        fields = ["child", "position", "relation_type", "title", "readable_id"]


RESOURCE_FIELDS = [
    "id",
    "topics",
    "position",
    "offered_by",
    "platform",
    "course_feature",
    "departments",
    "certification",
    "certification_type",
    "prices",
    "resource_prices",
    "runs",
    "image",
    "views",
    "delivery",
    "free",
    "resource_type_group",
    "format",
    "pace",
    "children",
    "best_run_id",
    "resource_type",
    "readable_id",
    "title",
    "description",
    "full_description",
    "last_modified",
    "published",
    "languages",
    "url",
    "resource_category",
    "ocw_topics",
    "professional",
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
    "require_summaries",
]


class LearningResourceBaseSerializer(serializers.ModelSerializer[LearningResource]):
    """Fields shared by every resource type."""

    resource_type_value: str = ""

    topics = LearningResourceTopicSerializer(many=True, read_only=True)
    position = serializers.SerializerMethodField()
    offered_by = LearningResourceOfferorSerializer(read_only=True, allow_null=True)
    platform = LearningResourcePlatformSerializer(read_only=True, allow_null=True)
    course_feature = serializers.SerializerMethodField()
    departments = LearningResourceDepartmentSerializer(many=True, read_only=True, allow_null=True)
    certification_type = CodeNameField(CertificationType)
    prices = serializers.SerializerMethodField()
    resource_prices = LearningResourcePriceSerializer(many=True, read_only=True)
    runs = serializers.SerializerMethodField()
    image = serializers.SerializerMethodField()
    views = serializers.IntegerField(source="view_count", read_only=True)
    delivery = CodeNameListField(Delivery)
    free = serializers.BooleanField(
        read_only=True, help_text="Return true if the resource is free/has a free option"
    )
    resource_type_group = serializers.ChoiceField(
        choices=ResourceTypeGroup.choices,
        read_only=True,
        help_text="The resource type group for UI grouping.",
    )
    format = CodeNameListField(Format)
    pace = CodeNameListField(Pace)
    children = serializers.SerializerMethodField()
    best_run_id = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Return the best run id for the resource, if it has runs",
    )
    resource_category = serializers.SerializerMethodField(
        help_text="The display category for this resource."
    )
    languages = serializers.ListField(
        child=serializers.CharField(max_length=24), allow_null=True, required=False
    )
    ocw_topics = serializers.ListField(child=serializers.CharField(max_length=128), required=False)
    description = BlankTextField()
    full_description = BlankTextField()

    class Meta:
        model = LearningResource
        fields = RESOURCE_FIELDS
        read_only_fields = [
            "certification",
            "professional",
            "readable_id",
            "require_summaries",
        ]

    def get_position(self, resource: LearningResource) -> int | None:
        position = getattr(resource, "position", None)
        return int(position) if position is not None else None

    def get_course_feature(self, resource: LearningResource) -> list[str] | None:
        return [tag.name for tag in resource.resource_tags.all()]

    @extend_schema_field(DECIMAL_LIST)
    def get_prices(self, resource: LearningResource) -> list[str]:
        return sorted((format_price(p) for p in resource.prices or []), key=Decimal)

    @extend_schema_field(LearningResourceRunSerializer(many=True, allow_null=True))
    def get_runs(self, resource: LearningResource) -> list[dict[str, Any]]:
        runs = public_runs_of(resource)
        serializer = nested(self, LearningResourceRunSerializer)
        return [dict(serializer.to_representation(run)) for run in runs]

    @extend_schema_field(LearningResourceImageSerializer(allow_null=True))
    def get_image(self, resource: LearningResource) -> dict[str, Any] | None:
        image = resource.image
        if image is None and resource.resource_type == ResourceType.learning_path:
            # A learning path without its own image shows its first item's.
            image = next(
                (rel.child.image for rel in published_children(resource) if rel.child.image),
                None,
            )
        return represent(LearningResourceImageSerializer, image) if image else None

    @extend_schema_field(LearningResourceRelationshipChildFieldSerializer(many=True))
    def get_children(self, resource: LearningResource) -> list[dict[str, Any]]:
        return [
            represent(LearningResourceRelationshipChildFieldSerializer, rel)
            for rel in published_children(resource)
        ]

    def get_resource_category(self, resource: LearningResource) -> str:
        return resource.resource_category or label_of(ResourceType, resource.resource_type)


def _type_field(resource_type: ResourceType) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=[(resource_type.value, resource_type.label)],
        read_only=True,
        default=resource_type.value,
    )


def _detail_field(serializer_class: type[serializers.ModelSerializer[Any]], attr: str) -> Any:
    """A method body serializing the 1:1 detail row ``attr`` with ``serializer_class``."""

    def getter(self: serializers.Serializer[Any], resource: LearningResource) -> Any:
        row = _detail(resource, attr)
        if row is None:
            return None
        return dict(nested(self, serializer_class).to_representation(row))

    return getter


class CourseResourceSerializer(LearningResourceBaseSerializer):
    resource_type = _type_field(ResourceType.course)
    course = serializers.SerializerMethodField()
    get_course = extend_schema_field(CourseSerializer(read_only=True))(
        _detail_field(CourseSerializer, "course")
    )

    class Meta(LearningResourceBaseSerializer.Meta):
        fields = [*RESOURCE_FIELDS, "course"]


class ProgramResourceSerializer(LearningResourceBaseSerializer):
    resource_type = _type_field(ResourceType.program)
    program = serializers.SerializerMethodField()
    get_program = extend_schema_field(ProgramSerializer(read_only=True))(
        _detail_field(ProgramSerializer, "program")
    )

    class Meta(LearningResourceBaseSerializer.Meta):
        fields = [*RESOURCE_FIELDS, "program"]


class LearningPathResourceSerializer(LearningResourceBaseSerializer):
    resource_type = _type_field(ResourceType.learning_path)
    learning_path = serializers.SerializerMethodField()
    get_learning_path = extend_schema_field(LearningPathSerializer(read_only=True))(
        _detail_field(LearningPathSerializer, "learning_path")
    )

    class Meta(LearningResourceBaseSerializer.Meta):
        fields = [*RESOURCE_FIELDS, "learning_path"]


class PodcastResourceSerializer(LearningResourceBaseSerializer):
    resource_type = _type_field(ResourceType.podcast)
    podcast = serializers.SerializerMethodField()
    get_podcast = extend_schema_field(PodcastSerializer(read_only=True))(
        _detail_field(PodcastSerializer, "podcast")
    )

    class Meta(LearningResourceBaseSerializer.Meta):
        fields = [*RESOURCE_FIELDS, "podcast"]


class PodcastEpisodeResourceSerializer(LearningResourceBaseSerializer):
    resource_type = _type_field(ResourceType.podcast_episode)
    podcast_episode = serializers.SerializerMethodField()
    get_podcast_episode = extend_schema_field(PodcastEpisodeSerializer(read_only=True))(
        _detail_field(PodcastEpisodeSerializer, "podcast_episode")
    )

    class Meta(LearningResourceBaseSerializer.Meta):
        fields = [*RESOURCE_FIELDS, "podcast_episode"]


class VideoPlaylistResourceSerializer(LearningResourceBaseSerializer):
    resource_type = _type_field(ResourceType.video_playlist)
    video_playlist = serializers.SerializerMethodField()
    get_video_playlist = extend_schema_field(VideoPlaylistSerializer(read_only=True))(
        _detail_field(VideoPlaylistSerializer, "video_playlist")
    )

    class Meta(LearningResourceBaseSerializer.Meta):
        fields = [*RESOURCE_FIELDS, "video_playlist"]


def _direct_files(
    serializer: serializers.Serializer[Any], resource: LearningResource
) -> list[dict[str, Any]]:
    files = [f for f in resource.direct_content_files.all() if f.published]
    attach_owners(files, known=[resource])
    file_serializer = nested(serializer, NestedContentFileSerializer)
    return [dict(file_serializer.to_representation(file)) for file in files]


class VideoResourceSerializer(LearningResourceBaseSerializer):
    resource_type = _type_field(ResourceType.video)
    playlists = serializers.SerializerMethodField(
        help_text="Get the playlist id(s) the video belongs to"
    )
    video = serializers.SerializerMethodField()
    content_files = serializers.SerializerMethodField()
    get_video = extend_schema_field(VideoSerializer(read_only=True, allow_null=True))(
        _detail_field(VideoSerializer, "video")
    )

    def get_playlists(self, resource: LearningResource) -> list[str]:
        parents = canonical_parents(resource, RelationType.PLAYLIST_VIDEOS)
        return [str(p.pk) for p in parents if p.published]

    @extend_schema_field(NestedContentFileSerializer(many=True, allow_null=True))
    def get_content_files(self, resource: LearningResource) -> list[dict[str, Any]]:
        return _direct_files(self, resource)

    class Meta(LearningResourceBaseSerializer.Meta):
        fields = [*RESOURCE_FIELDS, "playlists", "video", "content_files"]


class DocumentResourceSerializer(LearningResourceBaseSerializer):
    resource_type = _type_field(ResourceType.document)
    content_files = serializers.SerializerMethodField()

    @extend_schema_field(NestedContentFileSerializer(many=True, allow_null=True))
    def get_content_files(self, resource: LearningResource) -> list[dict[str, Any]]:
        return _direct_files(self, resource)

    class Meta(LearningResourceBaseSerializer.Meta):
        fields = [*RESOURCE_FIELDS, "content_files"]


RESOURCE_SERIALIZERS: dict[str, type[LearningResourceBaseSerializer]] = {
    ResourceType.program: ProgramResourceSerializer,
    ResourceType.course: CourseResourceSerializer,
    ResourceType.learning_path: LearningPathResourceSerializer,
    ResourceType.podcast: PodcastResourceSerializer,
    ResourceType.podcast_episode: PodcastEpisodeResourceSerializer,
    ResourceType.video_playlist: VideoPlaylistResourceSerializer,
    ResourceType.video: VideoResourceSerializer,
    ResourceType.document: DocumentResourceSerializer,
}


def learning_resource_schema(many: bool = False) -> PolymorphicProxySerializer:
    """The ``LearningResource`` oneOf schema, discriminated by ``resource_type``."""
    return PolymorphicProxySerializer(
        component_name="LearningResource",
        serializers={str(k): v for k, v in RESOURCE_SERIALIZERS.items()},
        resource_type_field_name="resource_type",
        many=many,
    )


@extend_schema_field(learning_resource_schema())
class LearningResourceSerializer(serializers.BaseSerializer[LearningResource]):
    """Any resource, serialized with the serializer of its type (the contract's oneOf)."""

    def to_representation(self, instance: LearningResource) -> dict[str, Any]:
        delegates: dict[str, LearningResourceBaseSerializer] = self.__dict__.setdefault(
            "_delegates", {}
        )
        delegate = delegates.get(instance.resource_type)
        if delegate is None:
            serializer_class = RESOURCE_SERIALIZERS[instance.resource_type]
            delegate = serializer_class(context=self.context)
            delegates[instance.resource_type] = delegate
        return dict(delegate.to_representation(instance))


class LearningResourceRelationshipSerializer(
    serializers.ModelSerializer[LearningResourceRelationship]
):
    resource = LearningResourceSerializer(source="child", read_only=True)

    class Meta:
        model = LearningResourceRelationship
        fields = ["id", "resource", "position", "relation_type", "parent", "child"]
        read_only_fields = ["parent", "child"]


class LearningPathRelationshipSerializer(LearningResourceRelationshipSerializer):
    class Meta:
        model = LearningResourceRelationship
        fields = ["id", "resource", "position", "parent", "child"]
        read_only_fields = ["parent", "child"]


class LearningResourceSummarySerializer(serializers.ModelSerializer[LearningResource]):
    canonical_parent_ids = serializers.SerializerMethodField(
        help_text="Ids of the parents that form part of this resource's URL."
    )

    def get_canonical_parent_ids(self, resource: LearningResource) -> list[int]:
        return [
            rel.parent_id
            for rel in resource.parents.all()
            if rel.relation_type in CANONICAL_PARENT_RELATIONS
        ]

    class Meta:
        model = LearningResource
        fields = ["id", "last_modified", "url", "title", "resource_type", "canonical_parent_ids"]


# ---------------------------------------------------------------- plain functions


def serialize_resource(resource: LearningResource) -> dict[str, Any]:
    """The full contract JSON of one resource (reads prefetched relations when present)."""
    return LearningResourceSerializer(resource, context={}).data  # type: ignore[return-value]


def serialize_resources(
    resources: QuerySet[LearningResource] | Iterable[LearningResource],
) -> list[dict[str, Any]]:
    """The full contract JSON of many resources, loading their relations in a fixed number of
    queries (querysets get the prefetches of ``learn.catalog.queries.with_related``)."""
    from django.db.models import prefetch_related_objects

    from learn.catalog.queries import RESOURCE_SELECT_RELATED, resource_prefetches, with_related

    if isinstance(resources, QuerySet):
        # A queryset that already prefetches (e.g. ``resource_queryset()``) is used as it is.
        already = bool(getattr(resources, "_prefetch_related_lookups", ()))
        items = list(resources if already else with_related(resources))
    else:
        items = list(resources)
        unloaded = [r for r in items if not getattr(r, "_prefetched_objects_cache", None)]
        if unloaded:
            prefetch_related_objects(unloaded, *RESOURCE_SELECT_RELATED, *resource_prefetches())
    serializer = LearningResourceSerializer(context={})
    return [serializer.to_representation(resource) for resource in items]
