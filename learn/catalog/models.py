"""The catalog: learning resources, their runs and the reference data they point to.

Field names and enum codes follow MIT Learn's v1 contract so the API can expose them as they are.
List-valued logistics (delivery, pace, format, level, languages, prices) are JSON arrays so the same
schema works on SQLite (embedded) and PostgreSQL (production).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.db import models

from learn.catalog.constants import (
    Availability,
    CertificationType,
    ContentType,
    EtlSource,
    RelationType,
    ResourceType,
)


def _default_delivery() -> list[str]:
    return ["online"]


def _default_pace() -> list[str]:
    return ["self_paced"]


def _default_format() -> list[str]:
    return ["asynchronous"]


class TimestampedModel(models.Model):
    created_on = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_on = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


# ---------------------------------------------------------------- reference data


class Platform(TimestampedModel):
    code = models.CharField(max_length=12, primary_key=True)
    name = models.CharField(max_length=256)
    url = models.URLField(blank=True, default="")
    is_edx = models.BooleanField(default=False)
    has_content_files = models.BooleanField(default=False)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Offeror(TimestampedModel):
    code = models.CharField(max_length=12, primary_key=True)
    name = models.CharField(max_length=256)
    professional = models.BooleanField(default=False)
    offerings = models.JSONField(default=list, blank=True)
    audience = models.JSONField(default=list, blank=True)
    formats = models.JSONField(default=list, blank=True)
    fee = models.JSONField(default=list, blank=True)
    certifications = models.JSONField(default=list, blank=True)
    content_types = models.JSONField(default=list, blank=True)
    more_information = models.URLField(blank=True, default="", max_length=2048)
    value_prop = models.TextField(blank=True, default="")
    display_facet = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class School(TimestampedModel):
    name = models.CharField(max_length=256)
    url = models.URLField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Department(TimestampedModel):
    department_id = models.CharField(max_length=6, primary_key=True)
    name = models.CharField(max_length=256)
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.SET_NULL, related_name="departments"
    )

    class Meta:
        ordering = ["department_id"]

    def __str__(self) -> str:
        return f"{self.department_id}: {self.name}"


class Topic(TimestampedModel):
    topic_uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=128, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    icon = models.CharField(max_length=128, blank=True, default="")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TopicMapping(TimestampedModel):
    """Maps a topic name used by one offeror's source to a canonical topic."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="mappings")
    offeror = models.ForeignKey(Offeror, on_delete=models.CASCADE, related_name="topic_mappings")
    topic_name = models.CharField(max_length=256)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["offeror", "topic_name", "topic"], name="unique_topic_mapping"
            )
        ]

    def __str__(self) -> str:
        return f"{self.offeror_id}:{self.topic_name} → {self.topic.name}"


class ContentTag(TimestampedModel):
    """A course feature of a resource, or the content feature type of a file."""

    name = models.CharField(max_length=256, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Image(TimestampedModel):
    url = models.TextField(max_length=2048)
    description = models.CharField(max_length=1024, null=True, blank=True)
    alt = models.CharField(max_length=1024, null=True, blank=True)

    def __str__(self) -> str:
        return self.url


class Price(TimestampedModel):
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["amount", "currency"], name="unique_price")]
        ordering = ["amount"]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class Instructor(TimestampedModel):
    first_name = models.CharField(max_length=128, null=True, blank=True)
    last_name = models.CharField(max_length=128, null=True, blank=True)
    full_name = models.CharField(max_length=256, unique=True)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.full_name


# ---------------------------------------------------------------- resources


class LearningResource(TimestampedModel):
    readable_id = models.CharField(max_length=512)
    title = models.CharField(max_length=256)
    description = models.TextField(null=True, blank=True)
    full_description = models.TextField(null=True, blank=True)
    last_modified = models.DateTimeField(null=True, blank=True)
    published = models.BooleanField(default=True, db_index=True)
    languages = models.JSONField(default=list, blank=True)
    url = models.URLField(null=True, blank=True, max_length=2048)
    image = models.ForeignKey(Image, null=True, blank=True, on_delete=models.SET_NULL)
    platform = models.ForeignKey(Platform, null=True, blank=True, on_delete=models.SET_NULL)
    offered_by = models.ForeignKey(Offeror, null=True, blank=True, on_delete=models.SET_NULL)
    departments = models.ManyToManyField(Department, blank=True, related_name="resources")
    topics = models.ManyToManyField(Topic, blank=True, related_name="resources")
    ocw_topics = models.JSONField(default=list, blank=True)
    resource_tags = models.ManyToManyField(ContentTag, blank=True, related_name="resources")
    resources = models.ManyToManyField(
        "self",
        through="LearningResourceRelationship",
        symmetrical=False,
        related_name="parent_resources",
        blank=True,
    )
    certification = models.BooleanField(default=False)
    certification_type = models.CharField(
        max_length=24, choices=CertificationType.choices, default=CertificationType.none
    )
    resource_type = models.CharField(max_length=24, choices=ResourceType.choices, db_index=True)
    resource_category = models.CharField(max_length=128, blank=True, default="")
    etl_source = models.CharField(
        max_length=24, choices=EtlSource.choices, blank=True, default="", db_index=True
    )
    professional = models.BooleanField(default=False)
    next_start_date = models.DateTimeField(null=True, blank=True, db_index=True)
    prices = models.JSONField(default=list, blank=True)
    resource_prices = models.ManyToManyField(Price, blank=True, related_name="resources")
    availability = models.CharField(
        max_length=24, choices=Availability.choices, null=True, blank=True
    )
    completeness = models.FloatField(default=1.0)
    license_cc = models.BooleanField(default=False)
    test_mode = models.BooleanField(default=False)
    continuing_ed_credits = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    delivery = models.JSONField(default=_default_delivery, blank=True)
    pace = models.JSONField(default=_default_pace, blank=True)
    format = models.JSONField(default=_default_format, blank=True)
    location = models.CharField(max_length=256, blank=True, default="")
    duration = models.CharField(max_length=256, blank=True, default="")
    min_weeks = models.IntegerField(null=True, blank=True)
    max_weeks = models.IntegerField(null=True, blank=True)
    time_commitment = models.CharField(max_length=256, blank=True, default="")
    min_weekly_hours = models.IntegerField(null=True, blank=True)
    max_weekly_hours = models.IntegerField(null=True, blank=True)
    require_summaries = models.BooleanField(default=False)
    view_count = models.IntegerField(default=0, db_index=True)
    # Normalized-record checksum written by the ETL loader: unchanged records write nothing.
    etl_checksum = models.CharField(max_length=64, blank=True, default="")
    # Denormalized best-run values, refreshed whenever runs change (see catalog.runs).
    best_run = models.ForeignKey(
        "LearningResourceRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    free = models.BooleanField(default=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "readable_id", "resource_type"],
                name="unique_platform_readable_id_type",
            )
        ]
        indexes = [models.Index(fields=["published", "resource_type"])]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.resource_type}:{self.readable_id}"

    @property
    def resource_type_group(self) -> str:
        if self.resource_type in (ResourceType.course, ResourceType.program):
            category = (self.resource_category or "").lower()
            if category in ("course", "program"):
                return category
            return str(self.resource_type)
        return "learning_material"


class LearningResourceRun(TimestampedModel):
    learning_resource = models.ForeignKey(
        LearningResource, on_delete=models.CASCADE, related_name="runs"
    )
    run_id = models.CharField(max_length=128)
    title = models.CharField(max_length=256)
    description = models.TextField(null=True, blank=True)
    full_description = models.TextField(null=True, blank=True)
    last_modified = models.DateTimeField(null=True, blank=True)
    published = models.BooleanField(default=True)
    is_b2b = models.BooleanField(default=False)
    is_variant = models.BooleanField(default=False)
    languages = models.JSONField(default=list, blank=True)
    url = models.URLField(null=True, blank=True, max_length=2048)
    image = models.ForeignKey(Image, null=True, blank=True, on_delete=models.SET_NULL)
    level = models.JSONField(default=list, blank=True)
    slug = models.CharField(max_length=1024, null=True, blank=True)
    semester = models.CharField(max_length=20, null=True, blank=True)
    year = models.IntegerField(null=True, blank=True)
    start_date = models.DateTimeField(null=True, blank=True, db_index=True)
    end_date = models.DateTimeField(null=True, blank=True)
    enrollment_start = models.DateTimeField(null=True, blank=True)
    enrollment_end = models.DateTimeField(null=True, blank=True)
    instructors = models.ManyToManyField(
        Instructor, through="RunInstructor", blank=True, related_name="runs"
    )
    prices = models.JSONField(default=list, blank=True)
    resource_prices = models.ManyToManyField(Price, blank=True, related_name="runs")
    checksum = models.CharField(max_length=32, null=True, blank=True)
    archive_key = models.CharField(max_length=1024, null=True, blank=True)
    delivery = models.JSONField(default=_default_delivery, blank=True)
    availability = models.CharField(
        max_length=24, choices=Availability.choices, null=True, blank=True
    )
    pace = models.JSONField(default=_default_pace, blank=True)
    format = models.JSONField(default=_default_format, blank=True)
    location = models.CharField(max_length=256, blank=True, default="")
    duration = models.CharField(max_length=256, blank=True, default="")
    min_weeks = models.IntegerField(null=True, blank=True)
    max_weeks = models.IntegerField(null=True, blank=True)
    time_commitment = models.CharField(max_length=256, blank=True, default="")
    min_weekly_hours = models.IntegerField(null=True, blank=True)
    max_weekly_hours = models.IntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learning_resource", "run_id"], name="unique_resource_run_id"
            )
        ]
        ordering = ["start_date", "id"]

    def __str__(self) -> str:
        return f"{self.learning_resource_id}:{self.run_id}"

    @property
    def is_public(self) -> bool:
        return self.published and not self.is_variant


class RunInstructor(models.Model):
    run = models.ForeignKey(LearningResourceRun, on_delete=models.CASCADE)
    instructor = models.ForeignKey(Instructor, on_delete=models.CASCADE)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "instructor"], name="unique_run_instructor")
        ]

    def __str__(self) -> str:
        return f"{self.run_id} ← instructor {self.instructor_id} #{self.position}"


class LearningResourceRelationship(TimestampedModel):
    parent = models.ForeignKey(LearningResource, on_delete=models.CASCADE, related_name="children")
    child = models.ForeignKey(LearningResource, on_delete=models.CASCADE, related_name="parents")
    position = models.PositiveIntegerField(default=0)
    relation_type = models.CharField(max_length=32, choices=RelationType.choices)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "child", "relation_type"], name="unique_relationship"
            )
        ]

    def __str__(self) -> str:
        return f"{self.parent_id} → {self.child_id} ({self.relation_type} #{self.position})"


# ---------------------------------------------------------------- detail types (1:1)


class Course(models.Model):
    learning_resource = models.OneToOneField(
        LearningResource, on_delete=models.CASCADE, related_name="course", primary_key=True
    )
    # [{value, listing_type, department: {department_id, name} | None, sort_coursenum, primary}]
    course_numbers = models.JSONField(default=list, blank=True)
    # Sort key of the primary course number, for sortby=mitcoursenumber.
    sort_coursenum = models.CharField(max_length=64, blank=True, default="", db_index=True)

    def __str__(self) -> str:
        return f"course {self.learning_resource_id}"


class Program(models.Model):
    learning_resource = models.OneToOneField(
        LearningResource, on_delete=models.CASCADE, related_name="program", primary_key=True
    )

    def __str__(self) -> str:
        return f"program {self.learning_resource_id}"


class LearningPath(models.Model):
    learning_resource = models.OneToOneField(
        LearningResource, on_delete=models.CASCADE, related_name="learning_path", primary_key=True
    )
    author = models.CharField(max_length=256, blank=True, default="")

    def __str__(self) -> str:
        return f"learning path {self.learning_resource_id}"


class Podcast(models.Model):
    learning_resource = models.OneToOneField(
        LearningResource, on_delete=models.CASCADE, related_name="podcast", primary_key=True
    )
    apple_podcasts_url = models.URLField(null=True, blank=True, max_length=2048)
    google_podcasts_url = models.URLField(null=True, blank=True, max_length=2048)
    rss_url = models.URLField(null=True, blank=True, max_length=2048)

    def __str__(self) -> str:
        return f"podcast {self.learning_resource_id}"


class PodcastEpisode(models.Model):
    learning_resource = models.OneToOneField(
        LearningResource,
        on_delete=models.CASCADE,
        related_name="podcast_episode",
        primary_key=True,
    )
    transcript = models.TextField(blank=True, default="")
    audio_url = models.URLField(max_length=2048, blank=True, default="")
    episode_link = models.URLField(null=True, blank=True, max_length=2048)
    duration = models.CharField(max_length=10, null=True, blank=True)
    rss = models.TextField(null=True, blank=True)

    def __str__(self) -> str:
        return f"podcast episode {self.learning_resource_id}"


class VideoChannel(TimestampedModel):
    channel_id = models.CharField(max_length=80, primary_key=True)
    title = models.CharField(max_length=256)
    description = models.TextField(null=True, blank=True)
    published = models.BooleanField(default=True)
    etl_source = models.CharField(max_length=24, blank=True, default="")

    def __str__(self) -> str:
        return self.title


class Video(models.Model):
    learning_resource = models.OneToOneField(
        LearningResource, on_delete=models.CASCADE, related_name="video", primary_key=True
    )
    duration = models.CharField(max_length=11, blank=True, default="")
    transcript = models.TextField(blank=True, default="")
    streaming_url = models.URLField(null=True, blank=True, max_length=2048)
    caption_urls = models.JSONField(default=list, blank=True)
    cover_image_url = models.URLField(null=True, blank=True, max_length=2048)

    def __str__(self) -> str:
        return f"video {self.learning_resource_id}"


class VideoPlaylist(models.Model):
    learning_resource = models.OneToOneField(
        LearningResource, on_delete=models.CASCADE, related_name="video_playlist", primary_key=True
    )
    channel = models.ForeignKey(VideoChannel, null=True, blank=True, on_delete=models.SET_NULL)
    parent_learning_resource = models.ForeignKey(
        LearningResource,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="child_playlists",
    )

    def __str__(self) -> str:
        return f"video playlist {self.learning_resource_id}"


# ---------------------------------------------------------------- content files


class ContentFile(TimestampedModel):
    uid = models.CharField(max_length=36, null=True, blank=True)
    key = models.CharField(max_length=1024, null=True, blank=True)
    run = models.ForeignKey(
        LearningResourceRun,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="content_files",
    )
    learning_resource = models.ForeignKey(
        LearningResource,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="content_files",
    )
    direct_learning_resource = models.ForeignKey(
        LearningResource,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="direct_content_files",
    )
    title = models.CharField(max_length=1024, null=True, blank=True)
    description = models.TextField(null=True, blank=True)
    image_src = models.URLField(null=True, blank=True)
    url = models.TextField(null=True, blank=True)
    file_type = models.CharField(max_length=128, null=True, blank=True)
    content = models.TextField(null=True, blank=True)
    content_title = models.CharField(max_length=1024, null=True, blank=True)
    content_author = models.CharField(max_length=1024, null=True, blank=True)
    content_language = models.CharField(max_length=24, null=True, blank=True)
    content_type = models.CharField(
        max_length=10, choices=ContentType.choices, default=ContentType.file
    )
    content_tags = models.ManyToManyField(ContentTag, blank=True, related_name="content_files")
    published = models.BooleanField(default=True, db_index=True)
    archive_checksum = models.CharField(max_length=32, null=True, blank=True)
    checksum = models.CharField(max_length=32, blank=True, default="")
    source_path = models.CharField(max_length=1024, blank=True, default="")
    file_extension = models.CharField(max_length=32, null=True, blank=True)
    edx_module_id = models.CharField(max_length=1024, null=True, blank=True)
    summary = models.TextField(blank=True, default="")
    flashcards = models.JSONField(default=list, blank=True)
    duration = models.CharField(max_length=11, null=True, blank=True)
    youtube_id = models.CharField(max_length=32, null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "run", "learning_resource", "direct_learning_resource"],
                name="unique_content_file_key",
            )
        ]

    def __str__(self) -> str:
        return self.key or f"content file {self.pk}"

    @property
    def owner_resource_id(self) -> int | None:
        if self.run is not None:
            return self.run.learning_resource_id
        return self.learning_resource_id or self.direct_learning_resource_id


# ---------------------------------------------------------------- curation


class FeaturedList(TimestampedModel):
    """A learning path curated as the featured list of a unit (offeror) channel."""

    offeror = models.OneToOneField(Offeror, on_delete=models.CASCADE, related_name="featured_list")
    learning_path = models.ForeignKey(LearningResource, on_delete=models.CASCADE)

    def __str__(self) -> str:
        return f"featured list of {self.offeror_id}"


# ---------------------------------------------------------------- channels and testimonials


class ChannelType(models.TextChoices):
    topic = "topic", "Topic"
    department = "department", "Department"
    unit = "unit", "Unit"
    pathway = "pathway", "Pathway"


class Channel(TimestampedModel):
    """A channel page (``/c/<type>/<name>/``) of a topic, department or unit (offeror).

    Rows are derived from the taxonomy and kept in step with it by ``learn.catalog.channels``:
    the one of a topic, department or offeror is created, renamed and deleted with it. Pathway
    channels have no source in the taxonomy (MIT Learn curates them by hand).
    """

    channel_type = models.CharField(max_length=16, choices=ChannelType.choices)
    name = models.CharField(max_length=100)
    title = models.CharField(max_length=100)
    search_filter = models.CharField(max_length=2048, blank=True, default="")
    public_description = models.TextField(blank=True, default="")
    topic = models.OneToOneField(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="channel"
    )
    department = models.OneToOneField(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="channel"
    )
    unit = models.OneToOneField(
        Offeror, null=True, blank=True, on_delete=models.CASCADE, related_name="channel"
    )
    published = models.BooleanField(default=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["channel_type", "name"], name="unique_channel_name")
        ]

    def __str__(self) -> str:
        return f"{self.channel_type}/{self.name}"


class Testimonial(TimestampedModel):
    """A quote shown on the home page and on unit channels (MIT Learn's "attestation")."""

    attestant_name = models.CharField(max_length=200)
    title = models.CharField(max_length=255, help_text="The attestant's title")
    quote = models.TextField()
    position = models.IntegerField(default=1, help_text="The position the quote occupies")
    publish_date = models.DateTimeField(
        null=True, blank=True, help_text="Shown from this time on (always when empty)"
    )
    avatar_url = models.URLField(max_length=2048, blank=True, default="")
    cover_url = models.URLField(max_length=2048, blank=True, default="")
    channels = models.ManyToManyField(Channel, blank=True, related_name="testimonials")
    offerors = models.ManyToManyField(Offeror, blank=True, related_name="testimonials")

    class Meta:
        ordering = ["position", "-updated_on"]

    def __str__(self) -> str:
        return f"{self.attestant_name}: {self.quote[:40]}"


class CatalogVersion(models.Model):
    """One row counting announced catalog changes (``learn.catalog.version``): a cache keyed by
    it is never served across a change another process made."""

    counter = models.BigIntegerField(default=0)
    changed_on = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"catalog version {self.counter}"


def compute_free(resource_type: str, professional: bool, prices: list[Any]) -> bool:
    """A course or program is free when not professional and it has no price or a zero price."""
    if resource_type not in (ResourceType.course, ResourceType.program):
        return True
    if professional:
        return False
    amounts = [Decimal(str(p)) for p in prices]
    return not amounts or Decimal("0") in amounts
