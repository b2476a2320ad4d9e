"""Webhook authentication: HMAC-SHA256 body signatures and the OCW body key, in constant time.

Content-file and OVS webhooks sign the raw body with ``WEBHOOK_SECRET`` and send the hex digest in
``X-MITLearn-Signature`` (a ``sha256=`` prefix is accepted). The OCW publisher puts
``OCW_WEBHOOK_KEY`` in the body as ``webhook_key``. An unset secret is a 503 naming the variable.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

SIGNATURE_HEADER = "X-MITLearn-Signature"


class WebhookError(Exception):
    """A request the webhook refuses: ``status`` is the HTTP status, ``error`` says why."""

    def __init__(self, status: int, error: str) -> None:
        super().__init__(error)
        self.status = status
        self.error = error

    def body(self) -> dict[str, Any]:
        return {"status": "error", "error": self.error}


def sign(secret: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``body`` (what a sender puts in ``X-MITLearn-Signature``)."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, header: str | None, secret: str | None) -> None:
    if not secret:
        raise WebhookError(503, "webhook secret not configured: set WEBHOOK_SECRET")
    if not header or not header.strip():
        raise WebhookError(403, f"missing {SIGNATURE_HEADER} header")
    given = header.strip()
    if given.lower().startswith("sha256="):
        given = given[len("sha256=") :]
    if not hmac.compare_digest(given.lower().encode(), sign(secret, body).encode()):
        raise WebhookError(403, f"invalid {SIGNATURE_HEADER} signature")


def verify_key(given: object, key: str | None) -> None:
    if not key:
        raise WebhookError(503, "OCW webhook key not configured: set OCW_WEBHOOK_KEY")
    if not isinstance(given, str) or not given:
        raise WebhookError(403, "missing webhook_key in the body")
    if not hmac.compare_digest(given.encode(), key.encode()):
        raise WebhookError(403, "invalid webhook_key")
