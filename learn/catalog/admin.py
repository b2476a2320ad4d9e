"""Django admin for the catalog: read-mostly, for operators looking into what the ETL loaded.

Sources and the taxonomy files own the data, so most pages are view-only; an operator can
(un)publish resources, which goes through the catalog's change hook like any other writer.
Changelists join their foreign keys up front, skip the full COUNT(*) and never render a select of
every related row, so they stay fast with hundreds of thousands of rows.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from learn.catalog.hooks import resources_changed, resources_removed
from learn.catalog.models import (
    Channel,
    ContentFile,
    Department,
    Instructor,
    LearningResource,
    LearningResourceRun,
    Offeror,
    Platform,
    School,
    Testimonial,
    Topic,
    TopicMapping,
)


class CatalogAdmin(admin.ModelAdmin):
    show_full_result_count = False  # a COUNT(*) of the whole table on every page is not needed
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ReadOnlyAdmin(CatalogAdmin):
    """View-only: the rows come from sources or taxonomy files, which would overwrite edits."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _announce_after_commit(published_ids: list[int], unpublished_ids: list[int]) -> None:
    """Tell the indexes, once the transaction has committed, through the catalog's hook."""

    def announce() -> None:
        resources_changed(published_ids)
        resources_removed(unpublished_ids)

    transaction.on_commit(announce)


# ---------------------------------------------------------------- resources


class RunInline(admin.TabularInline):
    model = LearningResourceRun
    fields = ("run_id", "title", "published", "semester", "year", "start_date", "end_date")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LearningResource)
class LearningResourceAdmin(CatalogAdmin):
    list_display = (
        "id",
        "title",
        "resource_type",
        "platform",
        "offered_by",
        "published",
        "last_modified",
    )
    list_display_links = ("id", "title")
    list_editable = ("published",)
    list_filter = ("resource_type", "platform", "offered_by", "published")
    list_select_related = ("platform", "offered_by")
    search_fields = ("title", "readable_id")
    inlines = (RunInline,)
    actions = ("publish", "unpublish")
    # Everything but ``published`` is owned by the ETL; relations show as text, never as selects.
    fields = (
        ("readable_id", "resource_type", "resource_category"),
        "title",
        "published",
        ("platform", "offered_by", "etl_source"),
        "url",
        "description",
        ("topics", "departments"),
        ("free", "professional", "certification", "certification_type"),
        ("next_start_date", "best_run", "last_modified"),
        ("delivery", "pace", "format", "languages"),
        ("prices", "availability"),
        ("image", "ocw_topics"),
        ("created_on", "updated_on"),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [name for row in self.fields for name in _flat(row) if name != "published"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self,
        request: HttpRequest,
        obj: LearningResource,
        form: ModelForm,
        change: bool,
    ) -> None:
        super().save_model(request, obj, form, change)
        if "published" in form.changed_data:
            ids = [obj.pk]
            _announce_after_commit(ids if obj.published else [], [] if obj.published else ids)

    @admin.action(description="Publish selected resources", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[LearningResource]) -> None:
        self._set_published(request, queryset, True)

    @admin.action(description="Unpublish selected resources", permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[LearningResource]) -> None:
        self._set_published(request, queryset, False)

    def _set_published(
        self, request: HttpRequest, queryset: QuerySet[LearningResource], published: bool
    ) -> None:
        ids = list(queryset.exclude(published=published).values_list("pk", flat=True))
        LearningResource.objects.filter(pk__in=ids).update(published=published)
        _announce_after_commit(ids if published else [], [] if published else ids)
        state = "published" if published else "unpublished"
        self.message_user(request, f"{len(ids)} resources {state}.", messages.SUCCESS)


def _flat(row: str | tuple[str, ...]) -> tuple[str, ...]:
    return row if isinstance(row, tuple) else (row,)


@admin.register(LearningResourceRun)
class LearningResourceRunAdmin(ReadOnlyAdmin):
    list_display = ("id", "run_id", "title", "learning_resource", "published", "start_date")
    list_filter = ("published", "semester")
    list_select_related = ("learning_resource",)
    search_fields = ("run_id", "title", "learning_resource__readable_id")
    raw_id_fields = ("learning_resource", "image")
    exclude = ("instructors",)
    readonly_fields = ("instructor_names",)

    @admin.display(description="Instructors")
    def instructor_names(self, obj: LearningResourceRun) -> str:
        return ", ".join(i.full_name for i in obj.instructors.all())


@admin.register(ContentFile)
class ContentFileAdmin(ReadOnlyAdmin):
    list_display = ("id", "key", "title", "content_type", "file_type", "run", "published")
    list_filter = ("content_type", "published")
    list_select_related = ("run",)
    search_fields = ("key", "title")
    raw_id_fields = ("run", "learning_resource", "direct_learning_resource")
    exclude = ("content_tags",)


@admin.register(Instructor)
class InstructorAdmin(ReadOnlyAdmin):
    list_display = ("full_name", "last_name", "first_name")
    search_fields = ("full_name", "last_name")


# ---------------------------------------------------------------- taxonomy (learn taxonomy load)


class TopicMappingInline(admin.TabularInline):
    model = TopicMapping
    fields = ("offeror", "topic_name")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Topic)
class TopicAdmin(ReadOnlyAdmin):
    list_display = ("name", "parent", "icon", "topic_uuid")
    list_filter = (("parent", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("parent",)
    search_fields = ("name",)
    inlines = (TopicMappingInline,)


@admin.register(TopicMapping)
class TopicMappingAdmin(ReadOnlyAdmin):
    list_display = ("topic_name", "topic", "offeror")
    list_filter = ("offeror",)
    list_select_related = ("topic", "offeror")
    search_fields = ("topic_name", "topic__name")
    autocomplete_fields = ("topic",)


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ("department_id", "name", "school")
    list_filter = ("school",)
    list_select_related = ("school",)
    search_fields = ("department_id", "name")


@admin.register(School)
class SchoolAdmin(ReadOnlyAdmin):
    list_display = ("id", "name", "url")
    search_fields = ("name",)


@admin.register(Offeror)
class OfferorAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "professional", "display_facet")
    search_fields = ("code", "name")


@admin.register(Platform)
class PlatformAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "url", "is_edx", "has_content_files")
    list_filter = ("is_edx", "has_content_files")
    search_fields = ("code", "name")


# ---------------------------------------------------------------- channels and testimonials


@admin.register(Channel)
class ChannelAdmin(ReadOnlyAdmin):
    """Channels follow the taxonomy (``learn.catalog.channels``): view only."""

    list_display = ("id", "channel_type", "name", "title", "search_filter", "published")
    list_filter = ("channel_type", "published")
    search_fields = ("name", "title")


@admin.register(Testimonial)
class TestimonialAdmin(CatalogAdmin):
    list_display = ("attestant_name", "title", "position", "publish_date")
    list_filter = ("offerors",)
    search_fields = ("attestant_name", "title", "quote")
    filter_horizontal = ("channels", "offerors")
