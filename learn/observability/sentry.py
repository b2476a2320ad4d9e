"""Sentry: errors and a sample of traces from Django, Celery and Redis, without secrets or PII.

On when ``SENTRY_DSN`` is set. ``send_default_pii`` stays off (no user e-mail, IP, cookies) and
a recursive scrubber removes secret-looking keys anywhere in the event (locals included) plus the
gateway's identity headers.
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import parse_qsl, urlencode

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.redis import RedisIntegration
from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST, EventScrubber

from learn.config.env import LearnEnv

DENYLIST = [
    *DEFAULT_DENYLIST,
    "secret_key",
    "database_url",
    "redis_url",
    "dsn",
    "x_userinfo",
    "x-userinfo",
    "x_learn_gateway_auth",
    "x-learn-gateway-auth",
    "x-api-key",
    "x-access-token",
    "x-mitlearn-signature",
    "email",
]
PII_DENYLIST = [*DEFAULT_PII_DENYLIST, "x-forwarded-for", "x-real-ip"]
FILTERED = "[Filtered]"
IDENTITY_HEADERS = {"x-userinfo", "x-learn-gateway-auth", "authorization", "cookie"}


def release(env: LearnEnv) -> str:
    if env.learn_release:
        return env.learn_release
    try:
        return f"learn@{version('learn')}"
    except PackageNotFoundError:  # pragma: no cover - the package is installed in every mode
        return "learn@unknown"


def _scrub_query(query: str) -> str:
    """Mask query values named like secrets or holding an e-mail address."""
    pairs = parse_qsl(query, keep_blank_values=True)
    masked = [
        (key, FILTERED if key.lower() in DENYLIST or "@" in value else value)
        for key, value in pairs
    ]
    return urlencode(masked)


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _scrub_text(value: Any) -> Any:
    """E-mail addresses in free text (log messages, breadcrumbs) are personal data."""
    if isinstance(value, str):
        return EMAIL.sub(FILTERED, value)
    if isinstance(value, dict):
        return {key: _scrub_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub_text(item) for item in value]
    return value


def _before_send(event: Any, hint: Any) -> Any:
    user = event.get("user")
    if isinstance(user, dict):  # the id only: no e-mail, name or address
        event["user"] = {key: value for key, value in user.items() if key == "id"}
    for key in ("breadcrumbs", "logentry", "message", "extra"):
        if key in event:
            event[key] = _scrub_text(event[key])
    request = event.get("request") or {}
    headers = request.get("headers")
    if isinstance(headers, dict):
        for key in list(headers):
            if key.lower() in IDENTITY_HEADERS:
                del headers[key]
    if isinstance(request.get("query_string"), str):
        request["query_string"] = _scrub_query(request["query_string"])
    return event


def init_sentry(env: LearnEnv) -> bool:
    """Initialise the SDK when a DSN is configured; returns whether it did."""
    if not env.sentry_dsn:
        return False
    sentry_sdk.init(
        dsn=env.sentry_dsn,
        release=release(env),
        environment=env.learn_environment,
        traces_sample_rate=env.sentry_traces_sample_rate,
        include_local_variables=False,  # a repr (a request, a URL) may hold personal data
        event_scrubber=EventScrubber(denylist=DENYLIST, pii_denylist=PII_DENYLIST, recursive=True),
        before_send=_before_send,
        integrations=[DjangoIntegration(), CeleryIntegration(), RedisIntegration()],
    )
    return True
