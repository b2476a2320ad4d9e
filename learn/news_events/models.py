"""External news and events feeds (not learning resources): sources, items and their details."""

from __future__ import annotations

from django.db import models


class FeedType(models.TextChoices):
    news = "news", "News"
    events = "events", "Events"


class FeedSource(models.Model):
    """One upstream feed, e.g. the Open Learning Medium RSS or MIT PE's events feed."""

    url = models.URLField(max_length=2048, unique=True)
    title = models.CharField(max_length=256)
    description = models.TextField(blank=True, default="")
    feed_type = models.CharField(max_length=16, choices=FeedType.choices)
    image_url = models.URLField(max_length=2048, blank=True, default="")
    created_on = models.DateTimeField(auto_now_add=True)
    updated_on = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class FeedItem(models.Model):
    source = models.ForeignKey(FeedSource, on_delete=models.CASCADE, related_name="items")
    guid = models.CharField(max_length=2048)
    title = models.CharField(max_length=2048)
    url = models.URLField(max_length=2048)
    summary = models.TextField(blank=True, default="")
    content = models.TextField(blank=True, default="")
    image_url = models.URLField(max_length=2048, blank=True, default="")
    image_alt = models.CharField(max_length=1024, blank=True, default="")
    item_type = models.CharField(max_length=16, choices=FeedType.choices)
    created_on = models.DateTimeField(auto_now_add=True)
    updated_on = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "guid"], name="unique_feed_item_guid")
        ]

    def __str__(self) -> str:
        return self.title


class FeedNewsDetail(models.Model):
    item = models.OneToOneField(FeedItem, on_delete=models.CASCADE, related_name="news_details")
    authors = models.JSONField(default=list, blank=True)
    topics = models.JSONField(default=list, blank=True)
    publish_date = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"news details of {self.item_id}"


class FeedEventDetail(models.Model):
    item = models.OneToOneField(FeedItem, on_delete=models.CASCADE, related_name="event_details")
    audience = models.JSONField(default=list, blank=True)
    location = models.JSONField(default=list, blank=True)
    event_type = models.JSONField(default=list, blank=True)
    event_datetime = models.DateTimeField(null=True, blank=True)
    event_end_datetime = models.DateTimeField(null=True, blank=True)
    time_range = models.CharField(max_length=256, blank=True, default="")

    def __str__(self) -> str:
        return f"event details of {self.item_id}"
