"""The one HTTP client every source's ``extract`` uses.

Timeouts on every request, retries with exponential backoff on network errors and 5xx answers
(then a clear :class:`FetchError`), a ``next`` pagination link to another host refused, and
garbage or truncated JSON reported as :class:`BadPayload` naming the URL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from tenacity import (
    RetryError,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from learn.config.env import get_env

DEFAULT_ATTEMPTS = 3
DEFAULT_BACKOFF = 1.0  # seconds; doubled per attempt, capped at 30 s
USER_AGENT = "learn-etl/1.0"


class FetchError(Exception):
    """A request failed for good (after retries, or a 4xx answer)."""

    def __init__(self, url: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url
        self.status = status


class BadPayload(FetchError):
    """The answer arrived but is not what the source promised (garbage or truncated JSON)."""


class ForeignLinkError(FetchError):
    """A pagination ``next`` link points at another host than the one we asked."""


class _Retryable(Exception):
    """Internal: a 5xx answer worth another attempt."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def make_client(
    *,
    timeout: float | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Client:
    """An ``httpx.Client`` with the project's timeouts and user agent."""
    seconds = timeout if timeout is not None else get_env().etl_request_timeout
    merged = {"User-Agent": USER_AGENT, **(headers or {})}
    return httpx.Client(
        timeout=httpx.Timeout(seconds, connect=min(seconds, 10.0)),
        headers=merged,
        follow_redirects=True,
    )


def request(
    method: str,
    url: str,
    *,
    client: httpx.Client | None = None,
    attempts: int | None = None,
    backoff: float | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """Send one request with retries on network errors and 5xx; raise :class:`FetchError`."""
    attempts = DEFAULT_ATTEMPTS if attempts is None else attempts
    backoff = DEFAULT_BACKOFF if backoff is None else backoff
    own = client is None
    http = client or make_client()
    retrying = Retrying(
        stop=stop_after_attempt(max(1, attempts)),
        wait=wait_exponential(multiplier=backoff, max=30),
        retry=retry_if_exception_type((httpx.TransportError, _Retryable)),
        reraise=False,
    )
    try:
        for attempt in retrying:
            with attempt:
                response = http.request(method, url, **kwargs)
                if response.status_code >= 500:
                    raise _Retryable(response)
    except RetryError as exc:
        last = exc.last_attempt.exception()
        if isinstance(last, _Retryable):
            raise FetchError(
                url,
                f"server error HTTP {last.response.status_code} after {attempts} attempts",
                status=last.response.status_code,
            ) from None
        kind = "timed out" if isinstance(last, httpx.TimeoutException) else "network error"
        raise FetchError(url, f"{kind} after {attempts} attempts: {last!r}") from None
    finally:
        if own:
            http.close()
    if response.status_code >= 400:
        raise FetchError(url, f"HTTP {response.status_code}", status=response.status_code)
    return response


def parse_json(text: str, url: str) -> Any:
    """Decode JSON, telling truncated payloads from garbage."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if not text.strip():
            raise BadPayload(url, "empty response where JSON was expected") from None
        if exc.pos >= len(text.rstrip()):
            raise BadPayload(
                url, f"truncated JSON: the document ends early ({len(text)} characters)"
            ) from None
        snippet = text[max(0, exc.pos - 20) : exc.pos + 20].replace("\n", " ")
        raise BadPayload(
            url, f"not valid JSON: {exc.msg} at character {exc.pos} near {snippet!r}"
        ) from None


def get_json(url: str, *, client: httpx.Client | None = None, **kwargs: Any) -> Any:
    response = request("GET", url, client=client, **kwargs)
    return parse_json(response.text, str(response.url))


def get_text(url: str, *, client: httpx.Client | None = None, **kwargs: Any) -> str:
    return request("GET", url, client=client, **kwargs).text


def get_bytes(url: str, *, client: httpx.Client | None = None, **kwargs: Any) -> bytes:
    return request("GET", url, client=client, **kwargs).content


def same_host(first: str, second: str) -> bool:
    a, b = urlsplit(first), urlsplit(second)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)


def check_next_link(origin: str, next_url: str) -> str:
    """Resolve a ``next`` link against ``origin``; refuse one that leaves the origin's host."""
    resolved = urljoin(origin, next_url)
    if not same_host(origin, resolved):
        raise ForeignLinkError(origin, f"refusing pagination link to another host: {resolved}")
    return resolved


def iter_pages(
    url: str,
    *,
    client: httpx.Client | None = None,
    results_key: str = "results",
    next_key: str = "next",
    params: Mapping[str, Any] | None = None,
    max_pages: int = 10_000,
    **kwargs: Any,
) -> Iterator[Any]:
    """Yield the items of a paged JSON API (``{results: [...], next: url}``), same host only.

    A page that is a bare list is yielded item by item and ends the walk.
    """
    own = client is None
    http = client or make_client()
    try:
        current: str | None = url
        first = True
        pages = 0
        while current:
            pages += 1
            if pages > max_pages:
                raise FetchError(url, f"more than {max_pages} pages; stopping")
            page = get_json(current, client=http, params=params if first else None, **kwargs)
            first = False
            if isinstance(page, list):
                yield from page
                return
            if not isinstance(page, dict):
                raise BadPayload(current, f"expected a JSON object page, got {type(page).__name__}")
            results = page.get(results_key)
            if not isinstance(results, list):
                raise BadPayload(current, f"page has no {results_key!r} list")
            yield from results
            nxt = page.get(next_key)
            current = check_next_link(url, nxt) if nxt else None
    finally:
        if own:
            http.close()
