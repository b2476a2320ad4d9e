"""Write one feed's records: upsert the source and its items by guid, drop items it no longer
lists (unless the feed came back empty), record details by type."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from learn.news_events.models import FeedEventDetail, FeedItem, FeedNewsDetail, FeedSource
from learn.news_events.records import FeedRecord


@dataclass
class FeedLoadResult:
    source: str
    created: int = 0
    updated: int = 0
    deleted: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)


@transaction.atomic
def load_feed(record: FeedRecord) -> FeedLoadResult:
    result = FeedLoadResult(source=record.url, errors=list(record.errors))
    source, _ = FeedSource.objects.update_or_create(
        url=record.url,
        defaults={
            "title": record.title[:256],
            "description": record.description,
            "feed_type": record.feed_type,
            "image_url": record.image_url,
        },
    )
    seen: set[str] = set()
    for item in record.items:
        if item.guid in seen:
            result.errors.append({"record": item.guid, "message": "duplicate item in the feed"})
            continue
        seen.add(item.guid)
        row, created = FeedItem.objects.update_or_create(
            source=source,
            guid=item.guid,
            defaults={
                "title": item.title,
                "url": item.url,
                "summary": item.summary,
                "content": item.content,
                "image_url": item.image_url,
                "image_alt": item.image_alt,
                "item_type": record.feed_type,
            },
        )
        if item.news is not None:
            FeedNewsDetail.objects.update_or_create(item=row, defaults=item.news.model_dump())
        if item.event is not None:
            FeedEventDetail.objects.update_or_create(item=row, defaults=item.event.model_dump())
        if created:
            result.created += 1
        else:
            result.updated += 1
    if seen:  # an empty feed is more likely an upstream hiccup than a wipe-out
        stale = FeedItem.objects.filter(source=source).exclude(guid__in=seen)
        result.deleted = stale.count()
        stale.delete()
    return result
