"""Sign-in against a real OpenID provider (oidc-provider, started by ``oidc_provider``).

Covers the app's authorization-code + PKCE flow, bearer JWTs (valid, tampered, expired, from
another issuer, after a key rotation) and the gateway header built from the provider's userinfo.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import httpx
import pytest
from django.contrib.auth.models import User
from django.test import Client
from oidc_provider import API_AUDIENCE, WEB_CLIENT, RunningProvider, other_provider, provider
from rest_framework.test import APIClient

from learn.accounts.models import Profile
from learn.accounts.tokens import forget_keys

__all__ = ["other_provider", "provider"]  # fixtures

ME = "/api/v0/users/me/"
CLI_REDIRECT = "http://127.0.0.1:9169/cb"


def sign_in_at_provider(authorize_url: str, login: str, until: str) -> str:
    """Walk the provider's login and consent pages as a browser would; returns the final
    redirect (to ``until``) carrying the code."""
    with httpx.Client(follow_redirects=False, timeout=20) as browser:
        url = authorize_url
        for _ in range(20):
            if url.startswith(until):
                return url
            response = browser.get(url)
            if response.status_code in (302, 303):
                url = urljoin(url, response.headers["location"])
                continue
            assert response.status_code == 200, (url, response.text[:500])
            prompt = "login" if 'name="login"' in response.text else "consent"
            form = {"prompt": prompt, "login": login, "password": "any"}
            posted = browser.post(url, data=form)
            assert posted.status_code in (302, 303), posted.text[:500]
            url = urljoin(url, posted.headers["location"])
    raise AssertionError("the provider never redirected back")


def bearer_token(provider: RunningProvider, login: str = "alice", client: str = "learn-cli") -> str:
    """A JWT access token for ``login``, through the real authorization-code + PKCE flow."""
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    )
    params = {
        "client_id": client,
        "response_type": "code",
        "redirect_uri": CLI_REDIRECT,
        "scope": "openid profile email api",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": secrets.token_urlsafe(8),
        "resource": API_AUDIENCE,
    }
    back = sign_in_at_provider(f"{provider.issuer}/auth?{urlencode(params)}", login, CLI_REDIRECT)
    code = parse_qs(urlsplit(back).query)["code"][0]
    token = httpx.post(
        f"{provider.issuer}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CLI_REDIRECT,
            "client_id": client,
            "code_verifier": verifier,
            "resource": API_AUDIENCE,
        },
        timeout=20,
    )
    assert token.status_code == 200, token.text
    access = str(token.json()["access_token"])
    assert access.count(".") == 2, "expected a JWT access token"
    return access


@pytest.fixture
def configured(provider: RunningProvider, set_env: Callable[..., None], db: None) -> None:
    set_env(
        oidc_issuer=provider.issuer,
        oidc_client_id=WEB_CLIENT[0],
        oidc_client_secret=WEB_CLIENT[1],
        oidc_audience=API_AUDIENCE,
        oidc_clock_skew_seconds="0",
        oidc_jwks_refresh_cooldown_seconds="1",
        oidc_jwks_cache_seconds="2",
        app_base_url="http://testserver",
    )
    forget_keys()


def me_with(token: str) -> Any:
    return APIClient().get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_valid_bearer_token_signs_in_and_writes_without_csrf(
    provider: RunningProvider, configured: None
) -> None:
    token = bearer_token(provider)
    response = me_with(token)
    assert response.status_code == 200, response.content
    assert response.json()["is_authenticated"] is True
    assert Profile.objects.get(global_id="alice").is_sso_user
    client = APIClient(enforce_csrf_checks=True)
    created = client.post(
        "/api/v1/userlists/",
        {"title": "By token"},
        format="json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert created.status_code == 201, created.content


def tamper(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "mallory"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"{header}.{forged}.{signature}"


def test_tampered_expired_and_malformed_tokens_are_refused(
    provider: RunningProvider, configured: None
) -> None:
    token = bearer_token(provider)
    refused = me_with(tamper(token))
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert me_with("not-a-jwt").status_code == 401
    short = bearer_token(provider, client="learn-short")  # lives 2 s
    assert me_with(short).status_code == 200
    time.sleep(3)
    expired = me_with(short)
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]
    assert not User.objects.filter(username="mallory").exists()


def test_token_from_another_issuer_is_refused(
    provider: RunningProvider, other_provider: RunningProvider, configured: None
) -> None:
    foreign = bearer_token(other_provider)
    response = me_with(foreign)
    assert response.status_code == 401
    assert me_with(bearer_token(provider)).status_code == 200


def test_key_rotation_is_followed_by_kid(provider: RunningProvider, configured: None) -> None:
    before = bearer_token(provider)
    assert me_with(before).status_code == 200  # the key set is now cached
    old_kid = provider.kid
    provider.restart_with_new_keys()
    assert provider.kid != old_kid
    time.sleep(1.1)  # past the refresh cooldown, within the cached set's life
    after = bearer_token(provider)
    assert me_with(after).status_code == 200  # unknown kid → the key set is fetched again
    time.sleep(2.1)  # the cached key set expires
    assert me_with(before).status_code == 401  # the retired key signs nothing any more


def test_gateway_header_from_the_providers_userinfo(
    provider: RunningProvider, configured: None, set_env: Callable[..., None]
) -> None:
    """What APISIX does: userinfo of the provider, base64, as X-Userinfo, with the secret."""
    token = bearer_token(provider, login="bob")
    userinfo = httpx.get(
        f"{provider.issuer}/me", headers={"Authorization": f"Bearer {token}"}, timeout=20
    )
    if userinfo.status_code != 200:  # API-audience tokens are not for userinfo: use the web flow
        userinfo_claims = web_userinfo(provider, "bob")
    else:
        userinfo_claims = userinfo.json()
    set_env(learn_gateway_secret="s3cret")
    header = base64.b64encode(json.dumps(userinfo_claims).encode()).decode()
    client = APIClient()
    me = client.get(ME, HTTP_X_USERINFO=header, HTTP_X_LEARN_GATEWAY_AUTH="s3cret").json()
    assert (me["username"], me["global_id"], me["email"]) == ("bob", "bob", "bob@example.org")
    assert client.get(ME, HTTP_X_USERINFO=header).status_code == 403


def web_userinfo(provider: RunningProvider, login: str) -> dict[str, Any]:
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    )
    redirect = "http://testserver/login/callback/"
    params = {
        "client_id": WEB_CLIENT[0],
        "response_type": "code",
        "redirect_uri": redirect,
        "scope": "openid profile email",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": "s",
    }
    back = sign_in_at_provider(f"{provider.issuer}/auth?{urlencode(params)}", login, redirect)
    code = parse_qs(urlsplit(back).query)["code"][0]
    token = httpx.post(
        f"{provider.issuer}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect,
            "code_verifier": verifier,
        },
        auth=WEB_CLIENT,
        timeout=20,
    ).json()
    info = httpx.get(
        f"{provider.issuer}/me",
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=20,
    )
    assert info.status_code == 200, info.text
    return dict(info.json())


def test_authorization_code_flow_with_pkce_onboarding_and_logout(
    provider: RunningProvider, configured: None
) -> None:
    browser = Client()
    start = browser.get("/login?next=/search?q=physics")
    assert start.status_code == 302
    authorize = start["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(f"{provider.issuer}/auth")
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    back = sign_in_at_provider(authorize, "alice", "http://testserver/login/callback/")
    landed = browser.get(back.replace("http://testserver", ""))
    assert landed.status_code == 302, landed.content
    # First sign-in: onboarding, which then continues to the page asked for.
    assert landed["Location"] == "http://testserver/onboarding?" + urlencode(
        {"next": "http://testserver/search?q=physics"}
    )
    me = browser.get(ME).json()
    assert (me["username"], me["first_name"], me["is_sso_user"]) == ("alice", "Alice", True)
    assert me["profile"]["name"] == "Alice Liddell"
    # Signing out at the provider too: RP-initiated logout with the ID token as hint.
    out = browser.get("/logout/oidc")
    assert out.status_code == 302
    assert out["Location"].startswith(f"{provider.issuer}/session/end")
    assert "id_token_hint=" in out["Location"]
    assert browser.get(ME).json()["is_authenticated"] is False


def test_a_forged_callback_is_refused(provider: RunningProvider, configured: None) -> None:
    browser = Client()
    browser.get("/login")
    response = browser.get("/login/callback/?code=forged&state=forged")
    assert response.status_code == 400
    assert browser.get(ME).json()["is_authenticated"] is False


def test_local_sign_in_without_a_provider(db: None) -> None:
    User.objects.create_user("local", password="a-long-enough-password")
    browser = Client()
    assert browser.get("/login?next=/dashboard")["Location"].startswith("/login/local/")
    page = browser.get("/login/local/?next=/dashboard")
    assert page.status_code == 200 and b'name="password"' in page.content
    bad = browser.post(
        "/login/local/", {"username": "local", "password": "wrong", "next": "/dashboard"}
    )
    assert bad.status_code == 200 and b"didn't match" in bad.content
    good = browser.post(
        "/login/local/",
        {"username": "local", "password": "a-long-enough-password", "next": "/dashboard"},
    )
    assert good.status_code == 302
    assert good["Location"].endswith("/dashboard")
    assert browser.get(ME).json()["username"] == "local"
    assert browser.get("/logout?next=https://evil.example/")["Location"].startswith(
        "http://localhost:8062/"
    )
    assert browser.get(ME).json()["is_authenticated"] is False
