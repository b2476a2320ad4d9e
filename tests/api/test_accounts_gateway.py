"""The gateway path: X-Userinfo is trusted only with the gateway's shared secret."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from learn.accounts.models import Profile, UserList

ME = "/api/v0/users/me/"
SECRET = "gateway-shared-secret-for-tests"
CLAIMS = {
    "sub": "5f6c1a2e-0000-4000-8000-000000000001",
    "email": "ada@example.org",
    "preferred_username": "ada",
    "given_name": "Ada",
    "family_name": "Lovelace",
    "name": "Ada Lovelace",
    "organization": "Analytical Engines",
    "email_optin": True,
}


def userinfo(claims: dict[str, Any], urlsafe: bool = False) -> str:
    raw = json.dumps(claims).encode()
    encoded = base64.urlsafe_b64encode(raw) if urlsafe else base64.b64encode(raw)
    return encoded.decode().rstrip("=") if urlsafe else encoded.decode()


def gateway_headers(claims: dict[str, Any], secret: str = SECRET) -> dict[str, str]:
    return {"HTTP_X_USERINFO": userinfo(claims), "HTTP_X_LEARN_GATEWAY_AUTH": secret}


@pytest.fixture
def gateway(set_env: Callable[..., None], db: None) -> None:
    set_env(learn_gateway_secret=SECRET)


@pytest.mark.parametrize("secret", [None, "", "wrong-secret"])
def test_userinfo_from_anywhere_else_is_refused_and_logged(
    secret: str | None, gateway: None, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {"HTTP_X_USERINFO": userinfo(CLAIMS)}
    if secret is not None:
        headers["HTTP_X_LEARN_GATEWAY_AUTH"] = secret
    with caplog.at_level(logging.WARNING, logger="learn.accounts.gateway"):
        response = APIClient().get(ME, **headers)
    assert response.status_code == 403
    assert "gateway" in response.json()["detail"]
    assert "refused X-Userinfo" in caplog.text
    assert not User.objects.filter(username="ada").exists()


def test_userinfo_is_refused_when_gateway_mode_is_off(db: None) -> None:
    response = APIClient().get(ME, **gateway_headers(CLAIMS))
    assert response.status_code == 403
    assert not User.objects.exists()


def test_gateway_user_is_created_with_mapped_claims(gateway: None) -> None:
    client = APIClient()
    me = client.get(ME, **gateway_headers(CLAIMS)).json()
    assert me["is_authenticated"] is True
    assert (me["username"], me["global_id"], me["email"]) == ("ada", CLAIMS["sub"], CLAIMS["email"])
    assert (me["first_name"], me["last_name"]) == ("Ada", "Lovelace")
    assert me["is_sso_user"] is True and me["profile"]["email_optin"] is True
    profile = Profile.objects.get(global_id=CLAIMS["sub"])
    assert (profile.name, profile.organization) == ("Ada Lovelace", "Analytical Engines")
    assert UserList.objects.filter(author=profile.user, title="Favorites").count() == 1
    # The same person again (URL-safe, unpadded base64 too) is the same user.
    again = client.get(
        ME,
        HTTP_X_USERINFO=userinfo(CLAIMS, urlsafe=True),
        HTTP_X_LEARN_GATEWAY_AUTH=SECRET,
    ).json()
    assert again["id"] == me["id"] and User.objects.count() == 1


def test_session_is_logged_out_when_the_header_is_absent(gateway: None) -> None:
    client = APIClient()
    assert client.get(ME, **gateway_headers(CLAIMS)).json()["is_authenticated"] is True
    assert client.get(ME).json()["is_authenticated"] is False
    # ... but a local session (not opened by the gateway) is left alone.
    local = User.objects.create_user("local")
    client.force_login(local)
    assert client.get(ME).json()["username"] == "local"


def test_existing_user_is_found_by_email_and_never_updated_by_default(gateway: None) -> None:
    user = User.objects.create_user("ada.l", email="ADA@example.org", first_name="Augusta")
    me = APIClient().get(ME, **gateway_headers(CLAIMS)).json()
    assert me["id"] == user.pk and me["first_name"] == "Augusta"
    assert Profile.objects.get(user=user).global_id == CLAIMS["sub"]
    # Found by global_id from now on, even after an email change at the provider.
    changed = {**CLAIMS, "email": "ada@new.example.org", "given_name": "A."}
    me = APIClient().get(ME, **gateway_headers(changed)).json()
    assert me["id"] == user.pk and me["first_name"] == "Augusta"


def test_claims_update_existing_users_when_configured(
    gateway: None, set_env: Callable[..., None]
) -> None:
    APIClient().get(ME, **gateway_headers(CLAIMS))
    set_env(learn_gateway_secret=SECRET, users_update_existing="true")
    me = APIClient().get(ME, **gateway_headers({**CLAIMS, "given_name": "Augusta"})).json()
    assert me["first_name"] == "Augusta"


def test_unknown_users_are_refused_when_creation_is_off(
    gateway: None, set_env: Callable[..., None]
) -> None:
    set_env(learn_gateway_secret=SECRET, users_create_unknown="false")
    response = APIClient().get(ME, **gateway_headers(CLAIMS))
    assert response.status_code == 403
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "header", ["not base64 at all!", base64.b64encode(b"[1, 2]").decode(), userinfo({"x": 1})]
)
def test_malformed_userinfo_is_refused(header: str, gateway: None) -> None:
    response = APIClient().get(ME, HTTP_X_USERINFO=header, HTTP_X_LEARN_GATEWAY_AUTH=SECRET)
    assert response.status_code == 403
    assert response.json()["detail"]
    assert not User.objects.exists()


def test_admin_is_for_staff_behind_the_same_sign_in(gateway: None) -> None:
    client = APIClient()
    response = client.get("/admin/", **gateway_headers(CLAIMS))
    assert response.status_code == 302  # a signed-in non-staff user is sent to sign in
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/login?next=%2Fadmin%2F"
    user = User.objects.get(username="ada")
    user.is_staff = user.is_superuser = True
    user.save()
    assert client.get("/admin/", **gateway_headers(CLAIMS)).status_code == 200
