"""Webhook authentication: HMAC-SHA256 over a timestamp, a delivery id and the body.

Every webhook request carries three headers:

- ``X-MITLearn-Signature`` (MIT Learn's name; a ``sha256=`` prefix is accepted): the hex
  HMAC-SHA256 of ``"{timestamp}.{delivery}.".encode() + body``;
- ``X-MITLearn-Timestamp`` (new): Unix seconds when the sender signed; a request outside
  ``WEBHOOK_MAX_SKEW_SECONDS`` (default 300) of this server's clock is refused (403);
- ``X-MITLearn-Delivery`` (new): a unique id per delivery (1-128 of ``A-Za-z0-9._:-``); an id
  seen within the skew window is a replay and is refused (409). Ids are remembered in the
  Django cache (Redis when ``REDIS_URL`` is set, shared by every process).

Content-file and OVS webhooks are signed with ``WEBHOOK_SECRET``; the OCW publisher's webhook is
signed with ``OCW_WEBHOOK_KEY`` the same way (the key no longer travels in the body). An unset
secret is a 503 naming the variable. Comparisons are constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Mapping
from typing import Any

SIGNATURE_HEADER = "X-MITLearn-Signature"
TIMESTAMP_HEADER = "X-MITLearn-Timestamp"
DELIVERY_HEADER = "X-MITLearn-Delivery"
DEFAULT_MAX_SKEW = 300
_DELIVERY = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class WebhookError(Exception):
    """A request the webhook refuses: ``status`` is the HTTP status, ``error`` says why."""

    def __init__(self, status: int, error: str) -> None:
        super().__init__(error)
        self.status = status
        self.error = error

    def body(self) -> dict[str, Any]:
        return {"status": "error", "error": self.error}


def sign(secret: str, body: bytes, timestamp: str | int, delivery: str) -> str:
    """The hex HMAC-SHA256 a sender puts in ``X-MITLearn-Signature``."""
    message = f"{timestamp}.{delivery}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str, body: bytes, delivery: str, *, timestamp: int | None = None
) -> dict[str, str]:
    """The three headers of a signed delivery of ``body`` (for senders and tests)."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        SIGNATURE_HEADER: sign(secret, body, stamp, delivery),
        TIMESTAMP_HEADER: stamp,
        DELIVERY_HEADER: delivery,
    }


def _header(headers: Mapping[str, str], name: str) -> str:
    value = (headers.get(name) or "").strip()
    if not value:
        raise WebhookError(403, f"missing {name} header")
    return value


def _remember(delivery: str, seconds: int) -> bool:
    """True the first time ``delivery`` is seen within ``seconds``."""
    from django.core.cache import cache

    key = "webhook-delivery:" + hashlib.sha256(delivery.encode()).hexdigest()
    return bool(cache.add(key, 1, timeout=seconds))


def verify_request(
    body: bytes,
    headers: Mapping[str, str],
    secret: str | None,
    *,
    secret_name: str = "WEBHOOK_SECRET",
    max_skew: int = DEFAULT_MAX_SKEW,
    now: float | None = None,
) -> None:
    """Refuse (:class:`WebhookError`) a request that is unsigned, stale, forged or replayed."""
    if not secret:
        raise WebhookError(503, f"webhook secret not configured: set {secret_name}")
    given = _header(headers, SIGNATURE_HEADER)
    stamp = _header(headers, TIMESTAMP_HEADER)
    delivery = _header(headers, DELIVERY_HEADER)
    if not stamp.isdigit() or len(stamp) > 12:
        raise WebhookError(403, f"{TIMESTAMP_HEADER} must be Unix seconds")
    skew = abs((time.time() if now is None else now) - int(stamp))
    if skew > max_skew:
        raise WebhookError(
            403, f"{TIMESTAMP_HEADER} is {int(skew)} s away from now (window {max_skew} s)"
        )
    if not _DELIVERY.match(delivery):
        raise WebhookError(403, f"{DELIVERY_HEADER} must be 1-128 of A-Za-z0-9._:-")
    if given.lower().startswith("sha256="):
        given = given[len("sha256=") :]
    expected = sign(secret, body, stamp, delivery)
    if not hmac.compare_digest(given.lower().encode(), expected.encode()):
        raise WebhookError(403, f"invalid {SIGNATURE_HEADER} signature")
    if not _remember(delivery, 2 * max_skew + 60):
        raise WebhookError(409, f"delivery {delivery} was already received: replay refused")
