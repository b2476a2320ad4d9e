"""The one HTTP client every source's ``extract`` uses: upstream answers are untrusted.

Only ``http``/``https`` URLs are fetched. Redirects are followed by hand, at most
:data:`MAX_REDIRECTS`, and every hop is checked: its host must be one the caller allows (by
default only the first URL's host) and no hop may reach a loopback, link-local, private or
otherwise reserved address (``ETL_ALLOW_PRIVATE_NETWORKS=true`` lets the local stand-ins of
tests and development through). Bodies are streamed against a byte cap (``ETL_FETCH_MAX_BYTES``,
decompressed bytes counted) and the whole call, retries and redirects included, has one deadline
(``ETL_FETCH_DEADLINE``): a server trickling bytes cannot hold a worker past it.

Timeouts on every read, retries with exponential backoff on network errors and 5xx answers
(then a clear :class:`FetchError`), a ``next`` pagination link to another host refused, and
garbage or truncated JSON reported as :class:`BadPayload` naming the URL.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import time
from collections.abc import Collection, Iterator, Mapping
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

MAX_REDIRECTS = 10
SCHEMES = ("http", "https")
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


class UnsafeUrl(FetchError):
    """A URL (or a redirect hop) the fetcher refuses: scheme, host or address."""


class TooLarge(FetchError):
    """The answer is larger than the byte cap."""


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
        follow_redirects=False,  # request() follows them, checking every hop
    )


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(
    url: str, allowed_hosts: Collection[str] | None = None, *, allow_private: bool | None = None
) -> str:
    """``url`` if it may be fetched: http(s), an allowed host, a public address; else
    :class:`UnsafeUrl` naming the reason."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise UnsafeUrl(
            url, f"only http(s) URLs are fetched, not {parts.scheme or 'a bare path'!r}"
        )
    host = (parts.hostname or "").lower()
    if not host:
        raise UnsafeUrl(url, "the URL names no host")
    if allowed_hosts is not None and host not in {h.lower() for h in allowed_hosts}:
        raise UnsafeUrl(url, f"host {host!r} is not one this source may fetch from")
    private_ok = get_env().etl_allow_private_networks if allow_private is None else allow_private
    if private_ok:
        return url
    try:
        infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80))
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(url, f"cannot resolve {host!r}: {exc}") from None
    for info in infos:
        address = str(info[4][0])
        if not _public(address):
            raise UnsafeUrl(url, f"{host!r} resolves to the non-public address {address}")
    return url


def _read_capped(response: httpx.Response, url: str, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(url, f"answer of {declared} bytes is over the {max_bytes}-byte cap")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge(url, f"answer is over the {max_bytes}-byte cap")
        if time.monotonic() > deadline:
            raise FetchError(url, "deadline passed while the answer was still arriving")
        chunks.append(chunk)
    return b"".join(chunks)


def _fetch_once(
    http: httpx.Client, method: str, url: str, allowed: Collection[str], max_bytes: int,
    deadline: float, kwargs: dict[str, Any],
) -> httpx.Response:  # fmt: skip
    """One attempt: follow redirects hop by hop, checking each, and read the body capped."""
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        check_url(current, allowed)
        left = deadline - time.monotonic()
        if left <= 0:
            raise FetchError(url, "deadline passed before the answer arrived")
        timeout = http.timeout
        per_read = min(left, timeout.read or left)
        request = http.build_request(method, current, **kwargs)
        request.extensions["timeout"] = httpx.Timeout(
            per_read, connect=min(left, timeout.connect or left)
        ).as_dict()
        response = http.send(request, stream=True)
        try:
            if response.is_redirect and "location" in response.headers:
                current = urljoin(current, response.headers["location"])
                kwargs = {k: v for k, v in kwargs.items() if k != "params"}  # in the location
                if response.status_code in (301, 302, 303) and method != "HEAD":
                    method = "GET"
                    payload = ("content", "data", "files", "json")
                    kwargs = {k: v for k, v in kwargs.items() if k not in payload}
                continue
            body = _read_capped(response, current, max_bytes, deadline)
        finally:
            response.close()
        headers = [
            (k, v) for k, v in response.headers.multi_items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        ]  # fmt: skip
        return httpx.Response(
            response.status_code, headers=headers, content=body, request=response.request
        )
    raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")


def request(
    method: str,
    url: str,
    *,
    client: httpx.Client | None = None,
    attempts: int | None = None,
    backoff: float | None = None,
    allowed_hosts: Collection[str] | None = None,
    max_bytes: int | None = None,
    deadline: float | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """Send one request with retries on network errors and 5xx; raise :class:`FetchError`.

    ``allowed_hosts`` are the hosts a redirect may lead to (default: only ``url``'s host);
    ``max_bytes`` caps the body (default ``ETL_FETCH_MAX_BYTES``); ``deadline`` is the seconds
    the whole call may take, retries and redirects included (default ``ETL_FETCH_DEADLINE``).
    """
    env = get_env()
    attempts = DEFAULT_ATTEMPTS if attempts is None else attempts
    backoff = DEFAULT_BACKOFF if backoff is None else backoff
    check_url(url)  # scheme first, before anything is sent
    allowed = set(allowed_hosts) if allowed_hosts is not None else {urlsplit(url).hostname or ""}
    cap = env.etl_fetch_max_bytes if max_bytes is None else max_bytes
    ends = time.monotonic() + (env.etl_fetch_deadline if deadline is None else deadline)
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
                response = _fetch_once(http, method, url, allowed, cap, ends, kwargs)
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
