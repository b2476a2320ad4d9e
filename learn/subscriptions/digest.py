"""Digests: which new resources each subscriber gets, the mail, and the exactly-once send.

A run (``plan``) matches the window's new resources against the saved queries of one source
type and frequency and lists, per user, what they have not been sent yet. Each user's mail is
sent (``send_user_digest``) inside the transaction that records its ``SubscriptionDelivery``
rows: a send that fails (SMTP refuses, times out) rolls the record back, so the batch can be
retried; a send that succeeded is committed with its record, so a retried run skips it.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from learn.catalog.models import LearningResource
from learn.config.env import get_env
from learn.subscriptions import queries, service
from learn.subscriptions.matching import match, new_resource_ids
from learn.subscriptions.models import (
    Frequency,
    PercolateQuery,
    Subscription,
    SubscriptionDelivery,
)
from learn.subscriptions.tokens import make_token

logger = logging.getLogger(__name__)

MAX_ITEMS = 10
SITE_NAME = "Learn"
DEFAULT_IMAGE = "/images/default_resource.jpg"
PERIODS = {Frequency.daily.value: timedelta(days=1), Frequency.weekly.value: timedelta(days=7)}
# Plural nouns of the subject line, by resource type.
NOUNS = {
    "course": "Courses",
    "program": "Programs",
    "podcast": "Podcasts",
    "podcast_episode": "Podcast Episodes",
    "video": "Videos",
    "video_playlist": "Video Playlists",
}

# One user's work: [query id, [resource ids]] pairs (JSON, so it travels in a task message).
UserEntries = list[list[Any]]


@dataclass
class Plan:
    users: dict[int, UserEntries]
    invalid: dict[int, str]
    resources: int


def _site() -> str:
    return get_env().app_base_url.rstrip("/")


def _api() -> str:
    env = get_env()
    return (env.api_base_url or env.app_base_url).rstrip("/")


def plan(source_type: str, period: str, now: datetime) -> Plan:
    """Per user (with ``period`` frequency), the new resources their saved queries of
    ``source_type`` match and that they have not been sent for that query."""
    since = now - PERIODS[period]
    resource_ids = new_resource_ids(since, now)
    rows = Subscription.objects.filter(
        percolate_query__source_type=source_type, frequency=period, user__is_active=True
    ).values_list("user_id", "percolate_query_id")
    followers: dict[int, list[int]] = defaultdict(list)
    for user_id, query_id in rows:
        followers[query_id].append(user_id)
    saved = PercolateQuery.objects.filter(id__in=list(followers)).order_by("id")
    found = match(saved, resource_ids)
    sent = set(
        SubscriptionDelivery.objects.filter(
            percolate_query_id__in=list(found.by_query), resource_id__in=resource_ids
        ).values_list("user_id", "percolate_query_id", "resource_id")
    )
    users: dict[int, UserEntries] = defaultdict(list)
    for query_id, matched in sorted(found.by_query.items()):
        for user_id in followers[query_id]:
            fresh = [rid for rid in matched if (user_id, query_id, rid) not in sent]
            if fresh:
                users[user_id].append([query_id, fresh])
    return Plan(users=dict(users), invalid=found.invalid, resources=len(resource_ids))


# ------------------------------------------------------------------ the mail


def group_name(saved: PercolateQuery) -> str:
    """The heading a saved query's resources go under (MIT Learn's choice: the channel, else
    the first department, topic or offeror named, else the query string)."""
    if saved.display_label:
        return saved.display_label
    channel = service.source_channel(saved)
    if channel is not None:
        return channel.title
    from learn.catalog.models import Department, Offeror

    query = saved.query
    if query.get("department"):
        dept = Department.objects.filter(department_id=query["department"][0]).first()
        return dept.name if dept else str(query["department"][0])
    if query.get("topic"):
        return str(query["topic"][0])
    if query.get("offered_by"):
        offeror = Offeror.objects.filter(code=query["offered_by"][0]).first()
        return offeror.name if offeror else str(query["offered_by"][0])
    if query.get("q"):
        return f"\u201c{query['q']}\u201d"
    return queries.url_params(query) or "your saved search"


def search_url(saved: PercolateQuery) -> str:
    """Where "View more" goes: the channel page, else the search sorted by newest first."""
    channel = service.source_channel(saved)
    if channel is not None:
        return f"{_site()}/c/{channel.channel_type}/{channel.name}/"
    params = queries.as_params(saved.query)
    params["sortby"] = ["new"]
    return f"{_site()}/search?{urlencode(params, doseq=True)}"


def image_url(resource: LearningResource) -> str:
    url = resource.image.url if resource.image_id and resource.image else ""
    if url.startswith(("https://", "http://")):
        return url
    return _site() + DEFAULT_IMAGE


def build_message(
    user: Any, groups: list[tuple[PercolateQuery, list[LearningResource]]]
) -> EmailMultiAlternatives:
    sections = []
    for saved, resources in groups:
        url = search_url(saved)
        sep = "&" if "?" in url else "?"
        sections.append(
            {
                "name": group_name(saved),
                "view_more": url,
                "items": [
                    {
                        "title": r.title,
                        "url": f"{url}{sep}{urlencode({'resource': r.pk})}",
                        "image": image_url(r),
                        "fallback_image": _site() + DEFAULT_IMAGE,
                        "type": r.get_resource_type_display(),
                    }
                    for r in resources
                ],
            }
        )
    first_group, first = groups[0][0], groups[0][1][0]
    types = {r.resource_type for _, rs in groups for r in rs}
    noun = NOUNS.get(types.pop(), "Resources") if len(types) == 1 else "Resources"
    subject = f"{SITE_NAME}: New {noun} from {group_name(first_group)}: {first.title}"
    unsubscribe = f"{_api()}/api/v1/unsubscribe/{make_token(user.pk)}/"
    context = {
        "site_name": SITE_NAME,
        "site_url": _site(),
        "sections": sections,
        "unsubscribe_url": unsubscribe,
        "manage_url": f"{_site()}/dashboard/subscriptions",
    }
    domain = str(settings.DEFAULT_FROM_EMAIL).rsplit("@", 1)[-1].strip(">") or "localhost"
    message = EmailMultiAlternatives(
        subject=subject[:200],
        body=render_to_string("subscriptions/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "Message-ID": make_msgid("digest", domain=domain),
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("subscriptions/digest.html", context), "text/html")
    return message


# ------------------------------------------------------------------ sending


def wants_mail(user: Any) -> bool:
    profile = getattr(user, "profile", None)
    return (
        bool(user.email)
        and user.is_active
        and (profile is None or profile.email_optin is not False)
    )


def send_user_digest(user_id: int, entries: UserEntries) -> str:
    """Mail one user their entries not sent yet (at most ``MAX_ITEMS`` resources) and record
    them; returns "sent", "opted_out", "nothing_new" or "gone". Raises when the mail cannot
    be sent (nothing is recorded then)."""
    user = get_user_model().objects.filter(pk=user_id).select_related("profile").first()
    if user is None:
        return "gone"
    if not wants_mail(user):
        return "opted_out"
    with transaction.atomic():
        sent = set(
            SubscriptionDelivery.objects.filter(user_id=user_id).values_list(
                "percolate_query_id", "resource_id"
            )
        )
        chosen: list[tuple[int, int]] = []
        seen: set[int] = set()
        for query_id, resource_ids in entries:
            for rid in resource_ids:
                if (query_id, rid) in sent or rid in seen or len(seen) >= MAX_ITEMS:
                    continue
                chosen.append((int(query_id), int(rid)))
                seen.add(rid)
        if not chosen:
            return "nothing_new"
        saved = PercolateQuery.objects.in_bulk([q for q, _ in chosen])
        resources = LearningResource.objects.select_related("image").in_bulk([r for _, r in chosen])
        groups: dict[int, list[LearningResource]] = {}
        for query_id, rid in chosen:
            if query_id in saved and rid in resources:
                groups.setdefault(query_id, []).append(resources[rid])
        if not groups:
            return "nothing_new"
        message = build_message(user, [(saved[q], rs) for q, rs in groups.items()])
        try:
            with transaction.atomic():
                SubscriptionDelivery.objects.bulk_create(
                    [
                        SubscriptionDelivery(
                            user_id=user_id,
                            percolate_query_id=query_id,
                            resource_id=rid,
                            message_id=str(message.extra_headers["Message-ID"])[:255],
                        )
                        for query_id, rid in chosen
                        if query_id in groups
                    ]
                )
        except IntegrityError:
            return "nothing_new"  # another worker recorded (and sent) these meanwhile
        message.send(fail_silently=False)  # raises: the records roll back with the transaction
    return "sent"
