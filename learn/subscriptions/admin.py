"""Django admin: saved queries with their followers, and what was mailed (read-only)."""

from __future__ import annotations

from django.contrib import admin

from learn.subscriptions.models import PercolateQuery, Subscription, SubscriptionDelivery


class SubscriptionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Subscription
    extra = 0
    raw_id_fields = ("user",)


@admin.register(PercolateQuery)
class PercolateQueryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "source_type", "display_label", "query", "created_on")
    list_filter = ("source_type",)
    search_fields = ("display_label",)
    inlines = [SubscriptionInline]


@admin.register(SubscriptionDelivery)
class SubscriptionDeliveryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "user", "resource", "percolate_query", "sent_on")
    raw_id_fields = ("user", "resource", "percolate_query")
    list_select_related = ("user", "resource")
    show_full_result_count = False

    def has_add_permission(self, request: object) -> bool:  # type: ignore[override]
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:  # type: ignore[override]
        return False
