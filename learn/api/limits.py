"""Request limits and security headers of the whole app, answered as JSON.

- :class:`ScopedPathThrottle`: per-client rate limits by scope (``search``, ``webhooks``,
  ``login``) from ``RATE_LIMITS`` (``search=20/s,webhooks=5/s,login=10/m``; ``off`` disables);
  over the limit a DRF view answers a JSON 429 with ``Retry-After``.
- :class:`LoginRateLimitMiddleware`: the same limit for the Django admin's login form (not a DRF
  view), counted on POSTs.
- :class:`ContentSecurityPolicyMiddleware`: a ``Content-Security-Policy`` on every response
  (Django 5.2 has none built in); strict for the API, looser for the admin and the schema UI.
- ``bad_request`` / ``not_found`` / ``server_error``: JSON bodies for Django's own errors (an
  oversized body is a 413, too many parameters a 400).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.throttling import SimpleRateThrottle

OFF = {"", "off", "none", "false", "0"}
LOGIN_FORM_PATHS = ("/admin/login/",)


def parse_rates(text: str) -> dict[str, str]:
    """``"search=20/s, login=10/m"`` → ``{"search": "20/s", "login": "10/m"}``."""
    if text.strip().lower() in OFF:
        return {}
    rates: dict[str, str] = {}
    for part in text.split(","):
        if "=" in part:
            scope, rate = part.split("=", 1)
            if rate.strip().lower() not in OFF:
                rates[scope.strip()] = rate.strip()
    return rates


def scope_of(path: str) -> str | None:
    if "/webhooks/" in path or "webhook/" in path:
        return "webhooks"
    if path.rstrip("/").endswith("login") or "/login/" in path:
        return "login"
    if "_search/" in path:
        return "search"
    return None


class ScopedPathThrottle(SimpleRateThrottle):
    """A fixed-window counter per client and scope in the cache (Redis when configured)."""

    def __init__(self) -> None:  # the rate depends on the request: see allow_request
        self.rate: str | None = None

    def allow_request(self, request: Any, view: Any) -> bool:
        self.scope = scope_of(request.path) or ""
        self.rate = parse_rates(str(settings.RATE_LIMITS)).get(self.scope)
        if not self.rate:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def _too_many(wait: float | None) -> JsonResponse:
    seconds = max(1, math.ceil(wait or 1))
    response = JsonResponse(
        {"detail": f"Request was throttled. Expected available in {seconds} seconds."},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


class LoginRateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path.startswith(LOGIN_FORM_PATHS):
            throttle = ScopedPathThrottle()
            if not throttle.allow_request(request, None):
                return _too_many(throttle.wait())
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = settings.CONTENT_SECURITY_POLICY
            for prefix, page_policy in settings.CONTENT_SECURITY_POLICY_PAGES.items():
                if request.path.startswith(prefix):
                    policy = page_policy
                    break
            response["Content-Security-Policy"] = policy
        return response


# ---------------------------------------------------------------- Django's own errors as JSON


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return JsonResponse(
            {"detail": f"Request body too large: at most {limit} bytes are accepted."},
            status=413,
        )
    if isinstance(exception, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return JsonResponse(
            {"detail": f"Too many parameters: at most {limit} are accepted."}, status=400
        )
    return JsonResponse({"detail": "Bad request."}, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return JsonResponse({"detail": "Permission denied."}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return JsonResponse({"detail": "Not found."}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"detail": "Internal server error."}, status=500)
