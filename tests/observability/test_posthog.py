"""PostHog server-side events over real HTTP: the posthog SDK sends to a local receiver."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from learn.config.env import get_env
from learn.observability import analytics
from learn.search.backends import reset_backend
from learn.search.backends.tantivy import TantivyBackend
from tests.factories import make_reference_data, make_resource
from tests.observability.receivers import Receiver, receiver

KEY = "phc_testprojectkey0123"


@pytest.fixture
def posthog(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    with receiver(reply=b'{"status": 1}') as recv:
        monkeypatch.setenv("POSTHOG_API_KEY", KEY)
        monkeypatch.setenv("POSTHOG_HOST", recv.url)
        get_env.cache_clear()
        analytics.reset_client()
        yield recv
        analytics.reset_client()
    monkeypatch.undo()
    get_env.cache_clear()


@pytest.fixture
def search_index(tmp_path: Path) -> Iterator[None]:
    backend = TantivyBackend(tmp_path / "search")
    backend.rebuild([])  # an index exists (a missing one answers 503)
    reset_backend(backend)
    yield
    reset_backend(None)


def _events(recv: Receiver) -> list[dict[str, Any]]:
    analytics.reset_client()  # flushes the queue
    events: list[dict[str, Any]] = []
    for request in recv.requests:
        body = json.loads(request.body)
        assert body["api_key"] == KEY
        events += body.get("batch", [body])
    return events


@pytest.mark.django_db
def test_search_and_resource_view_are_sent(posthog: Receiver, search_index: None) -> None:
    resource = make_resource(make_reference_data(), "course", "18.06", "Linear Algebra")
    client = APIClient()
    search = client.get(
        "/api/v1/learning_resources_search/",
        {"q": "linear algebra", "search_mode": "phrase", "resource_type": "course"},
        HTTP_X_REQUEST_ID="posthog-test-0001",
    )
    assert search.status_code == 200
    detail = client.get(f"/api/v1/learning_resources/{resource.pk}/")
    assert detail.status_code == 200
    client.get("/api/v1/learning_resources/999999/")  # a 404 is no view

    events = _events(posthog)
    assert [e["event"] for e in events] == ["search performed", "resource viewed"]
    searched, viewed = events
    assert searched["properties"]["q"] == "linear algebra"
    assert searched["properties"]["search_mode"] == "phrase"
    assert searched["properties"]["resource_type"] == "course"
    assert searched["properties"]["count"] == 0
    assert searched["properties"]["request_id"] == "posthog-test-0001"
    assert searched["properties"]["$process_person_profile"] is False
    assert searched["distinct_id"].startswith("anon-")
    assert viewed["properties"]["resource_id"] == str(resource.pk)
    assert viewed["properties"]["resource_type"] == "course"
    assert viewed["properties"]["platform"] == "ocw"


@pytest.mark.django_db
def test_site_distinct_id_cookie_is_reused(posthog: Receiver) -> None:
    resource = make_resource(make_reference_data(), "course", "6.001", "Structure")
    client = APIClient()
    client.cookies[f"ph_{KEY}_posthog"] = '{"distinct_id": "0190-site-visitor"}'
    client.get(f"/api/v1/learning_resources/{resource.pk}/")
    (event,) = _events(posthog)
    assert event["distinct_id"] == "0190-site-visitor"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cookie", "headers", "default", "sent"),
    [
        ("denied", {}, "granted", False),
        (None, {"HTTP_SEC_GPC": "1"}, "granted", False),
        ("granted", {"HTTP_DNT": "1"}, "granted", False),
        (None, {}, "denied", False),
        ("granted", {}, "denied", True),
        (None, {}, "granted", True),
    ],
)
def test_consent_switch(
    posthog: Receiver,
    monkeypatch: pytest.MonkeyPatch,
    cookie: str | None,
    headers: dict[str, str],
    default: str,
    sent: bool,
) -> None:
    monkeypatch.setenv("POSTHOG_CONSENT_DEFAULT", default)
    get_env.cache_clear()
    resource = make_resource(make_reference_data(), "course", "8.01", "Physics")
    client = APIClient()
    if cookie:
        client.cookies[analytics.CONSENT_COOKIE] = cookie
    client.get(f"/api/v1/learning_resources/{resource.pk}/", **headers)
    assert len(_events(posthog)) == (1 if sent else 0)


@pytest.mark.django_db
def test_off_without_an_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POSTHOG_API_KEY", raising=False)
    get_env.cache_clear()
    analytics.reset_client()
    with receiver() as recv:
        monkeypatch.setenv("POSTHOG_HOST", recv.url)
        resource = make_resource(make_reference_data(), "course", "2.01", "Mechanics")
        assert APIClient().get(f"/api/v1/learning_resources/{resource.pk}/").status_code == 200
        assert analytics.client() is None
        analytics.reset_client()
        assert recv.requests == []
    get_env.cache_clear()
