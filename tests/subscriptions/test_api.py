"""The subscription paths against MIT Learn's v1 contract, bad input, tokens and feeds."""

from __future__ import annotations

from typing import Any

import feedparser
import pytest
import yaml
from django.contrib.auth.models import User
from django.core import signing
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from rest_framework.test import APIClient
from subscription_helpers import NewResources

from learn.accounts.models import Profile
from learn.search.indexing import resource_documents
from learn.subscriptions import tokens
from learn.subscriptions.models import PercolateQuery, Subscription

BASE = "/api/v1/learning_resources_user_subscription/"


@pytest.fixture(scope="module")
def contract(shared_dir: Any) -> OpenAPI:
    spec = yaml.safe_load((shared_dir / "contracts/mitlearn-api-v1.yaml").read_text())
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))


def signed_in(name: str) -> tuple[APIClient, User]:
    user = User.objects.create_user(name, email=f"{name}@example.org")
    client = APIClient()
    client.force_login(user)
    return client, user


def valid(contract: OpenAPI, method: str, path: str, response: Any, template: str = "") -> Any:
    request = MockRequest("http://localhost", method, template or path.split("?")[0])
    body = MockResponse(
        response.content or b"", status_code=response.status_code,
        content_type=response.get("Content-Type", "application/json"),
    )  # fmt: skip
    contract.validate_response(request, body)
    return response.json() if response.content else None


def test_subscribe_list_check_unsubscribe_validate(contract: OpenAPI, db: None) -> None:
    client, _ = signed_in("learner")
    made = client.post(
        f"{BASE}subscribe/",
        {"topic": ["Physics"], "q": "mechanics", "limit": 5, "sortby": "-id"},
        format="json",
    )
    assert made.status_code == 200, made.content
    saved = valid(contract, "post", f"{BASE}subscribe/", made)
    assert saved["source_type"] == "search_subscription_type"
    assert saved["query"] == {
        "endpoint": "learning_resource",
        "q": "mechanics",
        "topic": ["Physics"],
    }
    assert saved["original_query"]["limit"] == ["5"] and saved["original_query"]["sortby"] == [
        "-id"
    ]
    assert valid(contract, "get", BASE, client.get(BASE))[0]["id"] == saved["id"]
    check = client.get(f"{BASE}check/?q=mechanics&topic=Physics&offset=20")
    assert [q["id"] for q in valid(contract, "get", f"{BASE}check/", check)] == [saved["id"]]
    assert valid(contract, "get", f"{BASE}check/", client.get(f"{BASE}check/?q=other")) == []
    everything = client.get(f"{BASE}check/").json()
    assert [q["id"] for q in everything] == [saved["id"]]
    assert client.get(f"{BASE}check/?source_type=channel_subscription_type").json() == []
    gone = client.delete(f"{BASE}{saved['id']}/unsubscribe/")
    assert gone.status_code == 204
    valid(contract, "delete", "", gone, template=BASE + "{id}/unsubscribe/")
    assert client.get(BASE).json() == []


def test_subscribing_twice_is_one_subscription(db: None) -> None:
    client, user = signed_in("learner")
    first = client.post(f"{BASE}subscribe/?topic=Physics&q=waves", format="json").json()
    again = client.post(
        f"{BASE}subscribe/", {"q": "waves", "topic": ["Physics"], "offset": 10}, format="json"
    ).json()
    assert first["id"] == again["id"]
    assert Subscription.objects.filter(user=user).count() == 1
    assert PercolateQuery.objects.count() == 1
    follow = client.post(
        f"{BASE}subscribe/",
        {"topic": ["Physics"], "q": "waves", "source_type": "channel_subscription_type"},
        format="json",
    ).json()
    assert follow["id"] != first["id"]  # a channel follow is its own subscription


def test_other_peoples_subscriptions_are_404_and_anonymous_is_refused(db: None) -> None:
    owner, _ = signed_in("owner")
    other, _ = signed_in("other")
    saved = owner.post(f"{BASE}subscribe/", {"topic": ["Physics"]}, format="json").json()
    assert other.delete(f"{BASE}{saved['id']}/unsubscribe/").status_code == 404
    assert other.delete(f"{BASE}999999/unsubscribe/").status_code == 404
    assert other.patch(f"{BASE}{saved['id']}/", {"frequency": "weekly"}).status_code == 404
    assert owner.get(BASE).json()[0]["id"] == saved["id"]
    assert APIClient().get(BASE).status_code in (401, 403)
    assert APIClient().post(f"{BASE}subscribe/", {"topic": ["Physics"]}).status_code in (401, 403)


def test_bad_search_parameters_are_400_and_save_nothing(db: None) -> None:
    client, _ = signed_in("learner")
    bad = client.post(f"{BASE}subscribe/", {"department": ["nope"]}, format="json")
    assert bad.status_code == 400 and bad.json()["param"] == "department"
    unknown = client.post(f"{BASE}subscribe/", {"colour": ["red"]}, format="json")
    assert unknown.status_code == 400
    wrong_type = client.post(f"{BASE}subscribe/", {"source_type": "x"}, format="json")
    assert wrong_type.status_code == 400
    assert PercolateQuery.objects.count() == 0


def test_frequency_is_the_users_choice(db: None) -> None:
    client, user = signed_in("learner")
    saved = client.post(
        f"{BASE}subscribe/", {"topic": ["Physics"], "frequency": "weekly"}, format="json"
    ).json()
    assert saved["frequency"] == "weekly"
    changed = client.patch(f"{BASE}{saved['id']}/", {"frequency": "daily"}, format="json")
    assert changed.status_code == 200 and changed.json()["frequency"] == "daily"
    assert client.patch(f"{BASE}{saved['id']}/", {"frequency": "hourly"}).status_code == 400


def test_one_click_unsubscribe_token(contract: OpenAPI, db: None, monkeypatch: Any) -> None:
    user = User.objects.create_user("reader", email="reader@example.org")
    Profile.objects.update_or_create(user=user, defaults={"email_optin": True})
    token = tokens.make_token(user.pk)
    path = f"/api/v1/unsubscribe/{token}/"
    template = "/api/v1/unsubscribe/{token}/"
    done = APIClient().post(path)
    assert done.status_code == 200
    valid(contract, "post", path, done, template)
    assert Profile.objects.get(user=user).email_optin is False

    Profile.objects.filter(user=user).update(email_optin=True)
    reused = APIClient().post(path)
    assert reused.status_code == 400 and "already been used" in reused.json()["error"]
    valid(contract, "post", path, reused, template)
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    assert APIClient().post(f"/api/v1/unsubscribe/{forged}/").status_code == 400
    other = signing.dumps({"u": user.pk, "n": "x" * 32}, salt="another.salt")
    assert APIClient().post(f"/api/v1/unsubscribe/{other}/").status_code == 400

    long_ago = signing.time.time() - 400 * 86_400
    monkeypatch.setattr(signing.time, "time", lambda: long_ago)
    old = tokens.make_token(user.pk)
    monkeypatch.undo()
    expired = APIClient().post(f"/api/v1/unsubscribe/{old}/")
    assert expired.status_code == 400 and "expired" in expired.json()["error"]
    page = APIClient().post(f"/api/v1/unsubscribe/{old}/", HTTP_ACCEPT="text/html")
    assert page.status_code == 400 and b"expired" in page.content
    assert Profile.objects.get(user=user).email_optin is True  # rejected tokens change nothing
    assert APIClient().get(f"/api/v1/unsubscribe/{old}/").status_code == 200  # a page, no change
    assert Profile.objects.get(user=user).email_optin is True


def test_atom_feeds_of_a_search_and_a_channel(
    new_resources: NewResources, search_backend: Any
) -> None:
    from learn.catalog.models import Channel

    search_backend.rebuild(list(resource_documents()))
    feed = feedparser.parse(APIClient().get("/feeds/search/?topic=Mathematics").content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert sorted(e.title for e in feed.entries) == sorted(r.title for r in new_resources.math)
    assert all(e.link.startswith("https://learn.example.edu/") for e in feed.entries)

    channel, _ = Channel.objects.get_or_create(
        channel_type="topic", name="physics",
        defaults={"title": "Physics", "search_filter": "topic=Physics"},
    )  # fmt: skip
    response = APIClient().get(f"/feeds/channels/topic/{channel.name}/")
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo and feed.feed.title == f"Learn: {channel.title}"
    assert sorted(e.title for e in feed.entries) == sorted(r.title for r in new_resources.physics)
    assert APIClient().get("/feeds/channels/topic/no-such-channel/").status_code == 404
    assert APIClient().get("/feeds/search/?department=nope").status_code == 404


def test_feeds_answer_503_when_the_index_is_missing(db: None, tmp_path: Any) -> None:
    from learn.search.backends import reset_backend
    from learn.search.backends.tantivy import TantivyBackend

    reset_backend(TantivyBackend(tmp_path / "never-built"))
    try:
        response = APIClient().get("/feeds/search/?q=physics")
    finally:
        reset_backend(None)
    assert response.status_code == 503 and "learn index rebuild" in response.json()["detail"]
