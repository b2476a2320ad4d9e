"""CORS: a browser on an allowed origin may read API responses with credentials; others may not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client, override_settings

from learn.config.env import LearnEnv

ALLOWED = "https://learn.example.edu"
OTHER = "https://evil.example.com"
URL = "/api/v1/topics/"


@pytest.fixture
def cors() -> Iterator[None]:
    with override_settings(CORS_ALLOWED_ORIGINS=[ALLOWED], CSRF_TRUSTED_ORIGINS=[ALLOWED]):
        yield


@pytest.mark.django_db
def test_an_allowed_origin_can_read_with_credentials(cors: None) -> None:
    response = Client().get(URL, headers={"Origin": ALLOWED})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert response["Access-Control-Allow-Credentials"] == "true"


@pytest.mark.django_db
def test_an_allowed_origin_passes_the_preflight(cors: None) -> None:
    response = Client().options(
        URL,
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "content-type" in response["Access-Control-Allow-Headers"]


@pytest.mark.django_db
def test_another_origin_gets_no_cors_headers(cors: None) -> None:
    for method in ("get", "options"):
        response = getattr(Client(), method)(
            URL, headers={"Origin": OTHER, "Access-Control-Request-Method": "GET"}
        )
        assert "Access-Control-Allow-Origin" not in response
        assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.django_db
def test_csrf_trusts_the_allowed_origin_only(cors: None) -> None:
    """An unsafe request from the allowed origin passes Django's origin check; another fails."""
    client = Client(enforce_csrf_checks=True)
    client.get("/login/local/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    ok = client.post(
        "/login/local/",
        {"username": "x", "password": "y", "csrfmiddlewaretoken": token},
        headers={"Origin": ALLOWED},
        secure=True,
    )
    assert ok.status_code == 200  # the form comes back with a login error, not a CSRF 403
    refused = client.post(
        "/login/local/",
        {"username": "x", "password": "y", "csrfmiddlewaretoken": token},
        headers={"Origin": OTHER},
        secure=True,
    )
    assert refused.status_code == 403


def test_the_environment_lists_origins() -> None:
    env = LearnEnv(cors_allowed_origins=f" {ALLOWED}/ , http://localhost:3000 ,")
    assert env.cors_origins == [ALLOWED, "http://localhost:3000"]
    assert LearnEnv(cors_allowed_origins="").cors_origins == []
