"""The orjson renderer writes the bytes DRF's JSONRenderer writes."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.utils.functional import lazy
from rest_framework.renderers import JSONRenderer

from learn.api.renderers import FastJSONRenderer

lazy_text = lazy(lambda: "lazy é", str)

PAYLOADS: list[Any] = [
    {"count": 2, "next": None, "results": [{"id": 1, "title": "Thermodynamics"}], "ok": True},
    {"when": dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC), "naive": dt.datetime(2026, 1, 2)},
    {"day": dt.date(2026, 12, 3), "at": dt.time(8, 30), "price": Decimal("12.50")},
    {"id": uuid.UUID("12345678-1234-5678-1234-567812345678"), "label": lazy_text()},
    {"text": "line\u2028separator\u2029 and \u00e9 \U0001f600 <script>", 1: "int key"},
    [1.0, 0.1, 1234.5678, 10**18, "x"],
    {"big": 2**70},
    {"nested": {"a": [{"b": [None, False, ""]}]}},
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_same_bytes_as_drf(payload: Any) -> None:
    assert FastJSONRenderer().render(payload) == JSONRenderer().render(payload)


def test_indentation_asked_for_is_honoured() -> None:
    media = "application/json; indent=2"
    rendered = FastJSONRenderer().render({"a": 1}, media, {})
    assert rendered == JSONRenderer().render({"a": 1}, media, {}) and b"\n" in rendered


def test_nothing_renders_as_no_bytes() -> None:
    assert FastJSONRenderer().render(None) == b""


def test_exponents_differ_only_in_spelling() -> None:
    """orjson writes 2.5e-8 where the standard library writes 2.5e-08: the same number."""
    payload = [-2.5e-8, 6.02e23]
    fast, drf = FastJSONRenderer().render(payload), JSONRenderer().render(payload)
    assert json.loads(fast) == json.loads(drf) == payload
