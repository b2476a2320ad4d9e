"""Saved queries (MIT Learn's ``PercolateQuery``), who follows them and how often, and what was
mailed to whom (the exactly-once record of the digests)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from learn.catalog.models import LearningResource


class SourceType(models.TextChoices):
    search = "search_subscription_type", "search_subscription_type"
    channel = "channel_subscription_type", "channel_subscription_type"


class Frequency(models.TextChoices):
    daily = "daily", "Daily"
    weekly = "weekly", "Weekly"


class PercolateQuery(models.Model):
    """A saved search. ``original_query`` is the request as the user made it; ``query`` is its
    normalised form (paging, sorting and ranking knobs dropped, keys and lists sorted), the key
    that makes two requests for the same results one saved query."""

    original_query = models.JSONField()
    query = models.JSONField()
    source_type = models.CharField(max_length=255, choices=SourceType.choices)
    display_label = models.CharField(
        max_length=255, blank=True, default="", help_text="Friendly display label for the query"
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Subscription", related_name="percolate_queries"
    )
    created_on = models.DateTimeField(auto_now_add=True)
    updated_on = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["source_type", "query"], name="unique_saved_query")
        ]

    def __str__(self) -> str:
        return f"saved query {self.pk}: {self.query}"


class Subscription(models.Model):
    """One user following one saved query, with the digest frequency they chose."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    percolate_query = models.ForeignKey(PercolateQuery, on_delete=models.CASCADE)
    frequency = models.CharField(max_length=8, choices=Frequency.choices, default=Frequency.daily)
    created_on = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "percolate_query"], name="unique_user_subscription"
            )
        ]

    def __str__(self) -> str:
        return f"user {self.user_id} follows query {self.percolate_query_id}"


class SubscriptionDelivery(models.Model):
    """A resource mailed to a user for a saved query. Written in the same transaction that
    sends the mail, so a retried digest never mails it again; the unique key makes two
    workers racing on the same user collide instead of both sending."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    resource = models.ForeignKey(LearningResource, on_delete=models.CASCADE)
    percolate_query = models.ForeignKey(PercolateQuery, on_delete=models.CASCADE)
    message_id = models.CharField(max_length=255)
    sent_on = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "resource", "percolate_query"], name="unique_delivery"
            )
        ]

    def __str__(self) -> str:
        return f"resource {self.resource_id} mailed to user {self.user_id}"


class UnsubscribeToken(models.Model):
    """A one-click unsubscribe token that has been used (tokens are signed, not stored; a used
    one is remembered so it cannot be replayed)."""

    nonce = models.CharField(max_length=64, unique=True)
    used_on = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"used unsubscribe token {self.nonce}"
