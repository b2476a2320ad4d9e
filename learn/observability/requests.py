"""Request middleware: a request id for every request, one log line and one latency sample each.

The id is the gateway's ``X-Request-ID`` when it is well formed (the same rule as nginx's map),
else a new one; it is bound to the log context (and Sentry's scope) for the whole request, sent
on to Celery tasks the request enqueues, and returned in the response's ``X-Request-ID``.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import sentry_sdk
import structlog
from django.http import HttpRequest, HttpResponse

from learn.observability.analytics import track_response
from learn.observability.metrics import HTTP_REQUEST_DURATION, status_class

REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
NAMED_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
logger = structlog.stdlib.get_logger("learn.request")


def request_id_from(value: str | None) -> str:
    if value and REQUEST_ID.match(value):
        return value
    return uuid.uuid4().hex


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None or not match.route:
        return "unmatched"
    # Router routes are regexes (``^topics/(?P<pk>[^/.]+)/$``): show them as patterns.
    return "/" + NAMED_GROUP.sub(r"<\1>", match.route).replace("^", "").replace("$", "")


def _user_id(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return user.pk
    return None


class RequestObservabilityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request.headers.get("X-Request-ID"))
        request.META["LEARN_REQUEST_ID"] = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        sentry_sdk.set_tag("request_id", request_id)
        start = time.perf_counter()
        response = self.get_response(request)
        duration = time.perf_counter() - start
        route = _route(request)
        HTTP_REQUEST_DURATION.labels(
            route, request.method or "", status_class(response.status_code)
        ).observe(duration)
        response["X-Request-ID"] = request_id
        logger.info(
            "request",
            method=request.method,
            path=request.path,
            route=route,
            status=response.status_code,
            duration_ms=round(duration * 1000, 2),
            user_id=_user_id(request),
        )
        try:
            track_response(request, response.status_code, getattr(response, "data", None))
        except Exception:  # analytics never break a request
            logger.exception("analytics event not sent")
        structlog.contextvars.clear_contextvars()
        return response
