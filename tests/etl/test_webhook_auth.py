"""Webhook authentication on its own: what a sender must send, and each way a request is refused.

The views' answers (status and body) are ``WebhookError.status`` and ``WebhookError.body()``;
``tests/etl/test_webhooks.py`` checks them through HTTP.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Iterator

import pytest

from learn.etl.webhook_auth import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookError,
    sign,
    signed_headers,
    verify_request,
)

SECRET = "s3cret-for-tests"
BODY = b'{"source": "mit_edx"}'
NOW = 1_800_000_000


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def _headers(**changes: str) -> dict[str, str]:
    headers = signed_headers(SECRET, BODY, uuid.uuid4().hex, timestamp=NOW)
    headers.update(changes)
    return headers


def _refused(headers: dict[str, str], body: bytes = BODY, now: float = NOW) -> WebhookError:
    with pytest.raises(WebhookError) as caught:
        verify_request(body, headers, SECRET, now=now)
    return caught.value


def test_the_signature_is_the_hmac_of_timestamp_delivery_and_body() -> None:
    expected = hmac.new(SECRET.encode(), b"123.abc." + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, BODY, 123, "abc") == expected
    headers = signed_headers(SECRET, BODY, "abc", timestamp=123)
    assert headers == {SIGNATURE_HEADER: expected, TIMESTAMP_HEADER: "123", DELIVERY_HEADER: "abc"}


def test_a_signed_request_passes_with_or_without_the_prefix_in_any_case() -> None:
    verify_request(BODY, _headers(), SECRET, now=NOW)
    headers = _headers()
    headers[SIGNATURE_HEADER] = "SHA256=" + headers[SIGNATURE_HEADER].upper()
    verify_request(BODY, headers, SECRET, now=NOW)


def test_signed_headers_stamp_the_current_time() -> None:
    import time

    headers = signed_headers(SECRET, BODY, "now-1")
    verify_request(BODY, headers, SECRET)
    assert abs(int(headers[TIMESTAMP_HEADER]) - time.time()) < 300


@pytest.mark.parametrize(
    "signature",
    [
        "sha256=",  # the prefix alone: an empty signature
        " ",
        "0",
    ],
)
def test_an_empty_or_trivial_signature_is_refused(signature: str) -> None:
    error = _refused(_headers(**{SIGNATURE_HEADER: signature}))
    assert error.status == 403
    assert error.body()["status"] == "error"


def test_a_truncated_or_extended_signature_is_refused() -> None:
    good = _headers()
    full = good[SIGNATURE_HEADER]
    for forged in (full[:-1], full[:32], full[:1], "sha256=" + full[:10], full + "0"):
        error = _refused({**good, SIGNATURE_HEADER: forged})
        assert (error.status, error.error) == (403, f"invalid {SIGNATURE_HEADER} signature")


def test_a_signature_for_another_body_secret_stamp_or_delivery_is_refused() -> None:
    good = _headers()
    stamp, delivery = good[TIMESTAMP_HEADER], good[DELIVERY_HEADER]
    assert _refused(good, body=BODY + b" ").status == 403
    other_secret = sign("other", BODY, stamp, delivery)
    assert _refused({**good, SIGNATURE_HEADER: other_secret}).status == 403
    later = str(NOW + 1)
    assert _refused({**good, TIMESTAMP_HEADER: later}).status == 403
    assert _refused({**good, DELIVERY_HEADER: "another-id"}).status == 403


@pytest.mark.parametrize("missing", [SIGNATURE_HEADER, TIMESTAMP_HEADER, DELIVERY_HEADER])
def test_a_missing_or_blank_header_is_named(missing: str) -> None:
    headers = _headers()
    headers.pop(missing)
    assert (_refused(headers).status, _refused(headers).error) == (403, f"missing {missing} header")
    assert _refused({**_headers(), missing: "  "}).error == f"missing {missing} header"


def test_an_unset_secret_is_a_503_naming_the_variable() -> None:
    for secret in (None, ""):
        with pytest.raises(WebhookError) as caught:
            verify_request(BODY, _headers(), secret, secret_name="OCW_WEBHOOK_KEY", now=NOW)
        assert caught.value.status == 503
        assert caught.value.body() == {
            "status": "error",
            "error": "webhook secret not configured: set OCW_WEBHOOK_KEY",
        }


@pytest.mark.parametrize("stamp", ["-5", "12.5", "1e9", "abc", "1" * 13])
def test_a_timestamp_that_is_not_unix_seconds_is_refused(stamp: str) -> None:
    headers = _headers(**{TIMESTAMP_HEADER: stamp})
    error = _refused(headers)
    assert (error.status, error.error) == (403, f"{TIMESTAMP_HEADER} must be Unix seconds")


def test_unix_seconds_have_at_most_twelve_digits() -> None:
    far = 10**11  # twelve digits
    headers = signed_headers(SECRET, BODY, "far-future", timestamp=far)
    verify_request(BODY, headers, SECRET, now=far)
    headers = signed_headers(SECRET, BODY, "too-far", timestamp=10**12)
    with pytest.raises(WebhookError, match="must be Unix seconds"):
        verify_request(BODY, headers, SECRET, now=10**12)


def test_the_skew_window_is_inclusive_on_both_sides() -> None:
    for now in (NOW + 300, NOW - 300):
        verify_request(BODY, _headers(), SECRET, now=now)
    for now in (NOW + 301, NOW - 301):
        error = _refused(_headers(), now=now)
        assert (error.status, error.error) == (
            403,
            f"{TIMESTAMP_HEADER} is 301 s away from now (window 300 s)",
        )
    verify_request(BODY, _headers(), SECRET, now=NOW + 30, max_skew=30)
    with pytest.raises(WebhookError):
        verify_request(BODY, _headers(), SECRET, now=NOW + 31, max_skew=30)


@pytest.mark.parametrize("delivery", ["has space", "a/b", "x" * 129, "é"])
def test_a_malformed_delivery_id_is_refused(delivery: str) -> None:
    headers = signed_headers(SECRET, BODY, delivery, timestamp=NOW)
    error = _refused(headers)
    assert (error.status, error.error) == (403, f"{DELIVERY_HEADER} must be 1-128 of A-Za-z0-9._:-")


def test_delivery_ids_of_every_allowed_character_pass() -> None:
    for delivery in ("A-z_0.9:x", "x" * 128, "1"):
        verify_request(BODY, signed_headers(SECRET, BODY, delivery, timestamp=NOW), SECRET, now=NOW)


def test_a_replayed_delivery_is_a_409_and_is_remembered_beyond_the_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.core.cache import cache

    timeouts: list[float] = []
    add = cache.add

    def spy(key: str, value: object, timeout: float) -> bool:
        timeouts.append(timeout)
        return add(key, value, timeout=timeout)

    monkeypatch.setattr(cache, "add", spy)
    headers = _headers()
    verify_request(BODY, headers, SECRET, now=NOW)
    error = _refused(headers)
    assert error.status == 409
    assert (
        error.error == f"delivery {headers[DELIVERY_HEADER]} was already received: replay refused"
    )
    # remembered for both sides of the skew window and a minute more
    assert timeouts == [660, 660]
    # a forged replay is refused as forged and does not touch the memory
    forged = {**_headers(), SIGNATURE_HEADER: "0" * 64}
    assert _refused(forged).status == 403
    assert len(timeouts) == 2
