"""PostHog server-side events (search performed, resource viewed), off unless POSTHOG_API_KEY.

Consent: a visitor's ``learn_analytics_consent`` cookie (``granted``/``denied``, set by the site's
consent switch) wins; without it ``POSTHOG_CONSENT_DEFAULT`` applies; ``DNT: 1`` or ``Sec-GPC: 1``
always mean denied. Events carry no personal data: an anonymous visitor is the site's PostHog
distinct id when its cookie exists, else an unprofiled per-request id.
"""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any
from urllib.parse import unquote

from django.http import HttpRequest
from posthog import Posthog

from learn.config.env import get_env

CONSENT_COOKIE = "learn_analytics_consent"
SEARCH_PERFORMED = "search performed"
RESOURCE_VIEWED = "resource viewed"

_lock = threading.Lock()
_client: Posthog | None = None


def client() -> Posthog | None:
    """The process-wide PostHog client, or None while analytics are off."""
    global _client
    env = get_env()
    if not env.posthog_api_key:
        return None
    with _lock:
        if _client is None:
            _client = Posthog(env.posthog_api_key, host=env.posthog_host, disable_geoip=True)
        return _client


def reset_client() -> None:
    """Flush and forget the client (tests; settings changed)."""
    global _client
    with _lock:
        if _client is not None:
            _client.shutdown()
        _client = None


def consented(request: HttpRequest) -> bool:
    if request.headers.get("DNT") == "1" or request.headers.get("Sec-GPC") == "1":
        return False
    choice = request.COOKIES.get(CONSENT_COOKIE)
    if choice in {"granted", "denied"}:
        return choice == "granted"
    return get_env().posthog_consent_default == "granted"


def _site_distinct_id(request: HttpRequest) -> str | None:
    """posthog-js keeps ``{"distinct_id": ...}`` in the cookie ``ph_<key>_posthog``."""
    key = get_env().posthog_api_key
    raw = request.COOKIES.get(f"ph_{key}_posthog")
    if not raw:
        return None
    try:
        value = json.loads(unquote(raw)).get("distinct_id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and len(value) <= 200 else None


def capture(request: HttpRequest, event: str, properties: dict[str, Any]) -> bool:
    """Send one event when analytics are on and the visitor consents; returns whether it did."""
    posthog = client()
    if posthog is None or not consented(request):
        return False
    user = getattr(request, "user", None)
    props = {**properties, "request_id": request.META.get("LEARN_REQUEST_ID")}
    if user is not None and getattr(user, "is_authenticated", False):
        distinct_id = f"user-{user.pk}"
    else:
        distinct_id = _site_distinct_id(request) or f"anon-{uuid.uuid4().hex}"
        props["$process_person_profile"] = False
    posthog.capture(event, distinct_id=distinct_id, properties=props)
    return True


SEARCH_ROUTES = {
    "learning_resources_search",
    "content_file_search",
    "vector_learning_resources_search",
    "vector_content_files_search",
}
RESOURCE_ROUTES = {
    f"{name}-detail"
    for name in (
        "learning_resources",
        "courses",
        "programs",
        "learningpaths",
        "podcasts",
        "podcast_episodes",
        "videos",
        "video_playlists",
    )
}
SEARCH_PARAMS = ("q", "search_mode", "resource_type", "offered_by", "topic", "sortby", "limit")


def track_response(request: HttpRequest, status: int, data: Any) -> bool:
    """Capture the event a successful API response stands for (called by the request middleware),
    so views stay free of analytics."""
    match = getattr(request, "resolver_match", None)
    if status != 200 or match is None or client() is None:
        return False
    if match.url_name in SEARCH_ROUTES:
        props: dict[str, Any] = {"endpoint": match.url_name}
        for param in SEARCH_PARAMS:
            values = request.GET.getlist(param)
            if values:
                props[param] = values if len(values) > 1 else values[0]
        if isinstance(data, dict) and isinstance(data.get("count"), int):
            props["count"] = data["count"]
        return capture(request, SEARCH_PERFORMED, props)
    if match.url_name in RESOURCE_ROUTES:
        props = {"resource_id": match.kwargs.get("pk"), "endpoint": match.url_name}
        if isinstance(data, dict):
            props["resource_type"] = data.get("resource_type")
            props["platform"] = (
                (data.get("platform") or {}).get("code")
                if isinstance(data.get("platform"), dict)
                else None
            )
        return capture(request, RESOURCE_VIEWED, props)
    return False
