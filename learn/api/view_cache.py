"""Anonymous catalog pages kept per process as rendered JSON, keyed by the catalog version.

A resource list or detail page costs a dozen queries and the serializers' work; learners and
crawlers ask for the same pages again and again. MIT Learn keeps these pages in its view cache
for a day and clears it hourly and after reindexing; here a page is never served across an
announced catalog change: the key holds ``learn.catalog.version.current()``, which every change
announced through ``learn.catalog.hooks`` (ETL, webhooks, admin, learning-path edits, taxonomy)
moves on after its commit, in whichever process made it. ``CATALOG_VIEW_CACHE_SECONDS`` bounds
what an unannounced change could leave stale (a process killed between a commit and its bump).

Only anonymous GETs answered 200 in compact JSON are kept (the browsable API and indented JSON
are not), keyed by scheme, host and the whole path with its query string: pagination links are
absolute. ``CATALOG_VIEW_CACHE_MB`` bounds the bytes kept (least recently used go first; 0: off).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from rest_framework.request import Request
from rest_framework.response import Response

from learn.api.renderers import FastJSONRenderer
from learn.catalog import version as catalog_version
from learn.catalog.bulk_json import ResourceJsonBuilder
from learn.observability.metrics import CATALOG_VIEW_CACHE


class RenderedResponse(Response):
    """A DRF response whose JSON body is already rendered (from the cache, or just kept).

    ``data`` (read by the analytics middleware and by tests) is the body parsed on first access,
    or the data the page was rendered from."""

    def __init__(self, body: bytes, content_type: str, data: Any = None) -> None:
        super().__init__(content_type=content_type)
        self._body = body
        self._type = content_type
        self._parsed = data

    @property  # type: ignore[override]
    def data(self) -> Any:
        if self._parsed is None and getattr(self, "_body", None):
            self._parsed = orjson.loads(self._body)
        return self._parsed

    @data.setter
    def data(self, value: Any) -> None:
        self._parsed = value

    @property
    def rendered_content(self) -> bytes:  # type: ignore[override]  # DRF renders bytes
        self["Content-Type"] = self._type
        return self._body


@dataclass(frozen=True)
class Page:
    version: str
    stored_at: float
    body: bytes


class ViewCache:
    def __init__(self, max_bytes: int, ttl: float) -> None:
        self.max_bytes = max_bytes
        self.ttl = ttl
        self._pages: OrderedDict[tuple[str, str, str], Page] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str], version: str) -> Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if page.version != version or time.monotonic() - page.stored_at > self.ttl:
                self._drop(key)
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key: tuple[str, str, str], page: Page) -> None:
        if len(page.body) > self.max_bytes:
            return
        with self._lock:
            if key in self._pages:
                self._drop(key)
            self._pages[key] = page
            self._bytes += len(page.body)
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._pages)))

    def _drop(self, key: tuple[str, str, str]) -> None:
        self._bytes -= len(self._pages.pop(key).body)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0

    @property
    def size_bytes(self) -> int:
        return self._bytes


_cache: ViewCache | None = None


def view_cache() -> ViewCache:
    global _cache
    from learn.config.env import get_env

    env = get_env()
    max_bytes = env.catalog_view_cache_mb * 1024 * 1024
    if _cache is None or (_cache.max_bytes, _cache.ttl) != (
        max_bytes,
        env.catalog_view_cache_seconds,
    ):
        _cache = ViewCache(max_bytes, env.catalog_view_cache_seconds)
    return _cache


def clear_view_cache() -> None:
    """Forget every kept page (without reading the settings, unlike ``view_cache()``)."""
    if _cache is not None:
        _cache.clear()


def _cacheable(request: Request) -> FastJSONRenderer | None:
    """The compact JSON renderer of an anonymous GET, or None when its page is not kept."""
    if request.method != "GET" or request.user.is_authenticated:
        return None
    renderer = getattr(request, "accepted_renderer", None)
    if not isinstance(renderer, FastJSONRenderer):
        return None
    if renderer.get_indent(getattr(request, "accepted_media_type", "") or "", {}):
        return None
    return renderer


def cached_page(request: Request, compute: Callable[[], Response]) -> Response:
    """The page for ``request`` from the cache, or ``compute()``d (and kept when it is a 200)."""
    cache = view_cache()
    renderer = _cacheable(request)
    if cache.max_bytes <= 0 or renderer is None:
        return compute()
    key = (request.scheme or "http", request.get_host(), request.get_full_path())
    now_version = catalog_version.current()
    page = cache.get(key, now_version)
    if page is not None:
        CATALOG_VIEW_CACHE.labels("hit").inc()
        return RenderedResponse(page.body, renderer.media_type)
    CATALOG_VIEW_CACHE.labels("miss").inc()
    response = compute()
    data = getattr(response, "data", None)
    if response.status_code != 200 or data is None:
        return response
    body = renderer.render(data, request.accepted_media_type)
    cache.put(key, Page(now_version, time.monotonic(), body))
    return RenderedResponse(body, renderer.media_type, data)


# The bulk JSON builder caches reference rows (topics, departments, offerors, instructors...) and
# its serializer plans: building them is half the cost of a fresh page. Each thread keeps one
# builder while the catalog version stays the same, for at most CATALOG_VIEW_CACHE_SECONDS.
_builders = threading.local()


def page_builder() -> ResourceJsonBuilder:
    """A builder for this thread, made anew when the catalog changed or it is too old."""
    from learn.config.env import get_env

    version = catalog_version.current()
    now = time.monotonic()
    held: tuple[str, float, ResourceJsonBuilder] | None = getattr(_builders, "held", None)
    if held is None or held[0] != version or now - held[1] > get_env().catalog_view_cache_seconds:
        held = (version, now, ResourceJsonBuilder())
        _builders.held = held
    return held[2]


def forget_builders() -> None:
    """For tests: the calling thread's builder is made anew on next use."""
    _builders.held = None
