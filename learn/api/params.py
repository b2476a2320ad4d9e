"""Query parameters of the v1 lists answered like search answers them: a JSON 400 naming the
parameter for an unknown name, a number out of range or a bad ``limit``/``offset``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework import status
from rest_framework.exceptions import APIException

# Accepted by every view: DRF's format override (``?format=json``).
ALWAYS_ALLOWED = frozenset({"format"})
MAX_DB_INT = 2**63 - 1


class InvalidParameter(APIException):
    """``{"detail": "<param>: <message>", "param": ..., "choices"?: [...]}`` with status 400."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_parameter"

    def __init__(self, param: str, message: str, choices: Iterable[str] | None = None) -> None:
        body: dict[str, Any] = {"detail": f"{param}: {message}", "param": param}
        if choices is not None:
            body["choices"] = sorted(choices)
        super().__init__(detail=body)


def check_known(names: Iterable[str], allowed: Iterable[str]) -> None:
    known = frozenset(allowed) | ALWAYS_ALLOWED
    unknown = sorted(name for name in names if name not in known)
    if unknown:
        raise InvalidParameter(unknown[0], "unknown parameter", known)


def non_negative_int(param: str, raw: str) -> int:
    """A ``limit``/``offset`` value: digits only, within the database's integer range."""
    text = raw.strip()
    if not (text.isascii() and text.isdigit()):
        raise InvalidParameter(param, f"{raw[:50]!r} is not a non-negative integer")
    value = int(text)
    if value > MAX_DB_INT:
        raise InvalidParameter(param, f"must be at most {MAX_DB_INT}")
    return value
