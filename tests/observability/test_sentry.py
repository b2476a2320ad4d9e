"""Sentry over real HTTP: the SDK, initialised as the app does, sends an error from a Django request
to a local receiver that parses Sentry's envelope format."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import pytest
import sentry_sdk
from django.core.wsgi import get_wsgi_application
from django.test import RequestFactory

from learn.config.env import LearnEnv, get_env
from learn.observability.sentry import init_sentry
from tests.observability.receivers import Receiver, parse_envelope, receiver
from tests.observability.sentry_urls import RUNTIME_SECRETS

RUNTIME_SECRETS["database_url"] = "postgres://learn:" + "db-password-" + "9f1e@db.internal/learn"
RUNTIME_SECRETS["api_key"] = "sk-live-" + "4c0ffee-secret"
SECRETS = [
    "db-password-9f1e",
    "sk-live-4c0ffee-secret",
    "gateway-secret-abc123",
    "session-cookie-value-77",
    "Bearer tok-9876",
    "alice@example.com",
    "203.0.113.9",
]


@pytest.fixture
def sentry_receiver() -> Iterator[Receiver]:
    with receiver() as recv:
        yield recv
    sentry_sdk.init()  # no DSN: the SDK stops sending


def test_default_traces_sample_rate_is_a_quarter() -> None:
    assert LearnEnv(_env_file=None).sentry_traces_sample_rate == 0.25


def test_no_dsn_means_no_sentry() -> None:
    assert init_sentry(LearnEnv(sentry_dsn=None)) is False


# transaction=True: the real WSGI handler closes and reopens database connections per request.
@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("tests.observability.sentry_urls")
def test_request_error_reaches_sentry_with_release_and_without_secrets(
    sentry_receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The request comes through the gateway: its identity headers are accepted, then must not leak.
    monkeypatch.setattr(get_env(), "learn_gateway_secret", "gateway-secret-abc123")
    env = LearnEnv(
        sentry_dsn=f"{sentry_receiver.url.replace('://', '://publickey0123@')}/42",
        learn_release="learn@2026.12.1",
        learn_environment="ci",
        sentry_traces_sample_rate=0.0,
    )
    assert init_sentry(env)
    assert sentry_sdk.get_client().options["traces_sample_rate"] == 0.0
    # Through the real WSGI handler (which Sentry's Django integration wraps), as Granian calls it.
    environ = (
        RequestFactory()
        .get(
            "/boom/",
            {"email": "alice@example.com", "token": "tok-9876", "q": "linear algebra"},
            HTTP_X_USERINFO=base64.b64encode(
                json.dumps({"sub": "alice-1", "email": "alice@example.com"}).encode()
            ).decode(),
            HTTP_X_LEARN_GATEWAY_AUTH="gateway-secret-abc123",
            HTTP_AUTHORIZATION="Bearer tok-9876",
            HTTP_COOKIE="sessionid=session-cookie-value-77",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
            HTTP_X_REQUEST_ID="sentry-test-request-1",
        )
        .environ
    )
    statuses: list[str] = []
    body = b"".join(
        get_wsgi_application()(environ, lambda status, headers: statuses.append(status))
    )
    assert statuses[0].startswith("500"), body[:300]
    sentry_sdk.flush(timeout=10)

    envelopes = [r for r in sentry_receiver.requests if r.path == "/api/42/envelope/"]
    assert envelopes, [r.path for r in sentry_receiver.requests]
    assert "sentry_key=publickey0123" in envelopes[0].headers["x-sentry-auth"]
    events = []
    for received in envelopes:
        header, items = parse_envelope(received.body)
        events += [(header, json.loads(p)) for h, p in items if h["type"] == "event"]
    ours = [
        (header, event)
        for header, event in events
        if event.get("exception", {}).get("values", [{}])[-1].get("type") == "RuntimeError"
    ]
    assert len(ours) == 1, [e.get("exception") for _, e in events]
    header, event = ours[0]
    assert header["event_id"] == event["event_id"]
    assert event["release"] == "learn@2026.12.1"
    assert event["environment"] == "ci"
    exception = event["exception"]["values"][-1]
    assert exception["type"] == "RuntimeError"
    assert exception["value"] == "catalog exploded while serving a test request"
    assert event["tags"]["request_id"] == "sentry-test-request-1"
    request = event["request"]
    assert request["url"].endswith("/boom/") and request["method"] == "GET"
    assert "linear+algebra" in request["query_string"]  # ordinary parameters stay readable
    assert not {"x-userinfo", "x-learn-gateway-auth"} & {h.lower() for h in request["headers"]}
    frames = exception["stacktrace"]["frames"]
    assert any(f["function"] == "explode" for f in frames)
    assert "user" not in event or not event["user"].get("ip_address")

    text = "".join(r.body.decode("utf-8", "replace") for r in sentry_receiver.requests)
    leaked = [secret for secret in SECRETS if secret in text]
    assert leaked == []
