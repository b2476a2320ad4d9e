"""Small conveniences over :mod:`learn.etl.http` shared by the source extracts."""

from __future__ import annotations

from typing import Any

from learn.etl import http
from learn.etl.http import BadPayload, FetchError, ForeignLinkError

__all__ = [
    "BadPayload",
    "FetchError",
    "ForeignLinkError",
    "client_credentials_token",
    "get_json",
    "get_text",
    "paged_results",
    "post_json",
]


def get_json(
    url: str, headers: dict[str, str] | None = None, params: dict[str, Any] | None = None
) -> Any:
    return http.get_json(url, headers=headers or {}, params=params)


def get_text(url: str, headers: dict[str, str] | None = None) -> str:
    return http.get_text(url, headers=headers or {})


def get_bytes(url: str, headers: dict[str, str] | None = None) -> bytes:
    return http.get_bytes(url, headers=headers or {})


def post_json(url: str, body: Any, headers: dict[str, str] | None = None) -> Any:
    response = http.request("POST", url, json=body, headers=headers or {})
    return http.parse_json(response.text, url)


def paged_results(
    url: str,
    *,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    results_key: str = "results",
) -> list[dict[str, Any]]:
    """Every item of a paged API (``{"results": [...], "next": url}`` or a bare list)."""
    return list(http.iter_pages(url, params=params, headers=headers or {}, results_key=results_key))


def client_credentials_token(
    token_url: str, client_id: str, client_secret: str, extra: dict[str, str] | None = None
) -> str:
    """An access token from an OAuth2 client-credentials endpoint."""
    data = {
        "grant_type": "client_credentials",
        "client_id": client_id,
        "client_secret": client_secret,
        **(extra or {}),
    }
    response = http.request("POST", token_url, data=data)
    payload = http.parse_json(response.text, token_url)
    token = payload.get("access_token") if isinstance(payload, dict) else None
    if not token:
        raise BadPayload(token_url, "token endpoint returned no access_token")
    return str(token)
