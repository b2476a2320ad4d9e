"""The shared HTTP client against a local stand-in: paging, foreign links, retries, bad JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest

from learn.etl import http


def test_pages_are_followed_on_the_same_host(etl_routes: Any) -> None:
    second = etl_routes.add("/api/items/page2", 200, json.dumps({"results": [3], "next": None}))
    etl_routes.add("/api/items/", 200, json.dumps({"results": [1, 2], "next": second}))
    assert list(http.iter_pages(etl_routes.base_url + "api/items/")) == [1, 2, 3]


def test_next_link_to_another_host_is_refused(etl_routes: Any) -> None:
    etl_routes.add(
        "/api/items/", 200,
        json.dumps({"results": [1], "next": "http://attacker.invalid/api/items/?page=2"}),
    )  # fmt: skip
    pages = http.iter_pages(etl_routes.base_url + "api/items/")
    assert next(pages) == 1
    with pytest.raises(http.ForeignLinkError, match="attacker.invalid"):
        next(pages)
    assert "/api/items/?page=2" not in etl_routes.hits


def test_relative_next_link_is_resolved(etl_routes: Any) -> None:
    etl_routes.add("/p2", 200, json.dumps({"results": ["b"]}))
    etl_routes.add("/p1", 200, json.dumps({"results": ["a"], "next": "/p2"}))
    assert list(http.iter_pages(etl_routes.base_url + "p1")) == ["a", "b"]


def test_a_page_without_results_is_a_bad_payload(etl_routes: Any) -> None:
    etl_routes.add("/odd", 200, json.dumps({"items": []}))
    with pytest.raises(http.BadPayload, match="no 'results' list"):
        list(http.iter_pages(etl_routes.base_url + "odd"))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<!doctype html><p>maintenance</p>", "not valid JSON"),
        ('{"results": [{"id": 1}, {"id"', "truncated JSON"),
        ("", "empty response"),
    ],
)
def test_garbage_and_truncated_json(etl_routes: Any, body: str, message: str) -> None:
    url = etl_routes.add("/bad", 200, body)
    with pytest.raises(http.BadPayload, match=message) as caught:
        http.get_json(url)
    assert url in str(caught.value)


def test_server_errors_are_retried_then_reported(etl_routes: Any, etl_fast_http: None) -> None:
    url = etl_routes.add("/down", 503, "unavailable", "text/plain")
    with pytest.raises(http.FetchError, match="HTTP 503 after 3 attempts") as caught:
        http.get_json(url)
    assert caught.value.status == 503 and etl_routes.hits["/down"] == 3


def test_client_errors_are_not_retried(etl_routes: Any, etl_fast_http: None) -> None:
    url = etl_routes.add("/missing", 404, "nope", "text/plain")
    with pytest.raises(http.FetchError, match="HTTP 404"):
        http.get_text(url)
    assert etl_routes.hits["/missing"] == 1


def test_timeouts_are_retried(etl_routes: Any, etl_fast_http: None) -> None:
    url = etl_routes.add("/slow", 200, "{}", delay=1.5)
    with pytest.raises(http.FetchError, match="timed out after 2 attempts"):
        http.get_json(url, attempts=2)
    assert etl_routes.hits["/slow"] == 2


def test_refused_connection_is_a_network_error(etl_fast_http: None) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(http.FetchError, match="network error after 2 attempts"):
        http.get_json(f"http://127.0.0.1:{port}/", attempts=2)
