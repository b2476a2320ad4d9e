"""Security headers on every response, JSON for Django's own errors, in-app rate limits."""

from __future__ import annotations

import pytest
from django.test import Client
from django.test.utils import override_settings

V1 = "/api/v1"


@pytest.mark.django_db
def test_api_responses_carry_security_headers() -> None:
    client = Client()
    for path in (f"{V1}/topics/", "/health/liveness/", f"{V1}/nope/"):
        response = client.get(path)
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "default-src 'none'" in response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert "Strict-Transport-Security" not in response  # plain HTTP: browsers ignore it
    secure = client.get(f"{V1}/topics/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    admin = client.get("/admin/login/")
    assert "script-src 'self'" in admin["Content-Security-Policy"]


@pytest.mark.django_db
def test_unknown_paths_and_too_many_parameters_answer_json() -> None:
    client = Client()
    missing = client.get(f"{V1}/no_such_list/")
    assert missing.status_code == 404 and missing.json() == {"detail": "Not found."}
    many = "&".join(f"p{i}=1" for i in range(1200))
    response = client.get(f"{V1}/learning_resources_search/?{many}")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Too many parameters: at most 1000")


@pytest.mark.django_db
@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_oversized_body_is_a_json_413() -> None:
    response = Client().post(
        f"{V1}/webhooks/content_files/",
        data=b"{" + b" " * 5000 + b"}",
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "Request body too large: at most 1000 bytes are accepted."


@pytest.mark.django_db
@pytest.mark.rate_limits
@override_settings(RATE_LIMITS="search=3/m,webhooks=2/m,login=2/m")
def test_rate_limits_answer_json_429_with_retry_after() -> None:
    from django.core.cache import cache

    cache.clear()
    client = Client()
    codes = [client.get(f"{V1}/learning_resources_search/?q=x").status_code for _ in range(4)]
    assert codes[:3] != [429] * 3 and codes[3] == 429
    limited = client.get(f"{V1}/content_file_search/?q=x")
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
    assert limited.json()["detail"].startswith("Request was throttled")
    # another client has its own budget; other endpoints are not limited
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.get(f"{V1}/learning_resources_search/?q=x").status_code != 429
    assert all(client.get(f"{V1}/topics/").status_code == 200 for _ in range(5))

    hooks = [client.post(f"{V1}/webhooks/ovs_videos/", data={}).status_code for _ in range(3)]
    assert hooks[2] == 429 and 429 not in hooks[:2]

    logins = [
        client.post("/admin/login/", {"username": "x", "password": "y"}).status_code
        for _ in range(3)
    ]
    assert logins[2] == 429 and 429 not in logins[:2]


@pytest.mark.django_db
def test_rate_limits_are_off_in_other_tests() -> None:
    client = Client()
    codes = {client.get(f"{V1}/learning_resources_search/?q=x").status_code for _ in range(30)}
    assert 429 not in codes
