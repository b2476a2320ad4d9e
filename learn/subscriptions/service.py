"""Subscribing, unsubscribing and looking up saved queries (the views call these)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from learn.catalog.models import Channel
from learn.subscriptions import queries
from learn.subscriptions.models import Frequency, PercolateQuery, SourceType, Subscription


def user_queries(user: Any) -> QuerySet[PercolateQuery]:
    return PercolateQuery.objects.filter(subscription__user=user).order_by("id")


def matching(
    user: Any, params: Mapping[str, list[str]], source_type: str | None
) -> QuerySet[PercolateQuery]:
    """The caller's saved queries for exactly this search (and source type, when given)."""
    found = user_queries(user).filter(query=queries.normalise(params))
    if source_type:
        found = found.filter(source_type=source_type)
    return found


def subscribe(
    user: Any,
    params: Mapping[str, list[str]],
    source_type: str = SourceType.search,
    frequency: str = Frequency.daily,
    display_label: str = "",
) -> PercolateQuery:
    """Idempotent: the same search (whatever its paging, sorting or key order) is one saved
    query, and a user follows it once."""
    normalised = queries.normalise(params)
    for _ in range(2):  # a concurrent subscriber may create the same row first
        try:
            with transaction.atomic():
                saved, _ = PercolateQuery.objects.get_or_create(
                    source_type=source_type,
                    query=normalised,
                    defaults={
                        "original_query": queries.original_query(params),
                        "display_label": display_label[:255],
                    },
                )
                Subscription.objects.get_or_create(
                    user=user, percolate_query=saved, defaults={"frequency": frequency}
                )
                return saved
        except IntegrityError:
            continue
    raise RuntimeError("could not save the subscription")  # pragma: no cover


def unsubscribe(user: Any, query_id: int) -> bool:
    """Stop ``user`` following the saved query; False when they do not follow it."""
    deleted, _ = Subscription.objects.filter(user=user, percolate_query_id=query_id).delete()
    return bool(deleted)


def set_frequency(user: Any, query_id: int, frequency: str) -> bool:
    return bool(
        Subscription.objects.filter(user=user, percolate_query_id=query_id).update(
            frequency=frequency
        )
    )


def frequency_of(user: Any, query: PercolateQuery) -> str:
    row = Subscription.objects.filter(user=user, percolate_query=query).first()
    return row.frequency if row else Frequency.daily


def source_channel(saved: PercolateQuery) -> Channel | None:
    """The channel a channel-type subscription follows (same search filter)."""
    if saved.source_type != SourceType.channel:
        return None
    return (
        Channel.objects.filter(published=True, search_filter=queries.url_params(saved.query))
        .order_by("id")
        .first()
    )


def source_label(saved: PercolateQuery) -> str:
    channel = source_channel(saved)
    return str(channel.channel_type) if channel else "saved_search"


def source_description(saved: PercolateQuery) -> str:
    if saved.display_label:
        return saved.display_label
    channel = source_channel(saved)
    if channel is not None:
        return channel.title
    return queries.url_params(saved.query)


def describe(saved: PercolateQuery) -> dict[str, Any]:
    return {"label": source_label(saved), "description": source_description(saved)}
