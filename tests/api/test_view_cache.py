"""Anonymous catalog pages come from the view cache until the catalog changes, in any process."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from factories import Catalog
from rest_framework.test import APIClient

from learn.api import view_cache as view_cache_module
from learn.api.view_cache import Page, ViewCache, view_cache
from learn.catalog import hooks
from learn.catalog import version as catalog_version
from learn.catalog.models import CatalogVersion, LearningResource, Topic
from learn.config.env import get_env

V1 = "/api/v1"


@pytest.fixture
def retitle(django_capture_on_commit_callbacks: Any) -> Callable[..., None]:
    """Rename a resource as a writer does: the write, then its announcement after the commit."""

    def apply(resource: LearningResource, title: str, announce: bool = True) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            LearningResource.objects.filter(pk=resource.pk).update(title=title)
            if announce:
                hooks.resources_changed([resource.pk])

    return apply


@pytest.fixture
def short_lived(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CATALOG_VIEW_CACHE_SECONDS", "30")
    get_env.cache_clear()
    yield
    monkeypatch.undo()
    get_env.cache_clear()


def _titles(api: APIClient, url: str) -> list[str]:
    response = api.get(url)
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    return [r["title"] for r in body["results"]] if "results" in body else [body["title"]]


def test_a_repeated_page_costs_one_query_and_is_the_same_bytes(
    catalog: Catalog, api: APIClient
) -> None:
    url = f"{V1}/learning_resources/?limit=5&offset=1"
    first = api.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = api.get(url)
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"] == "application/json"
    assert len(queries) == 1, [q["sql"] for q in queries]  # the catalog version


def test_an_announced_change_is_served_at_once(
    catalog: Catalog, api: APIClient, retitle: Callable[..., None]
) -> None:
    course = catalog["algorithms"]
    list_url = f"{V1}/courses/?limit=100"
    detail_url = f"{V1}/courses/{course.pk}/"
    assert course.title in _titles(api, list_url)
    assert _titles(api, detail_url) == [course.title]
    retitle(course, "Algorithms, renamed")
    assert "Algorithms, renamed" in _titles(api, list_url)
    assert _titles(api, detail_url) == ["Algorithms, renamed"]


def test_a_change_another_process_announced_is_served(catalog: Catalog, api: APIClient) -> None:
    course = catalog["algorithms"]
    url = f"{V1}/courses/{course.pk}/"
    assert _titles(api, url) == [course.title]
    # Another process writes and moves the shared counter on: nothing in this process is told.
    LearningResource.objects.filter(pk=course.pk).update(title="Renamed elsewhere")
    with connection.cursor() as cursor:
        table = CatalogVersion._meta.db_table
        cursor.execute(
            f"INSERT INTO {table} (id, counter, changed_on) VALUES (1, 7, %s)",
            ["2026-01-01 00:00:00"],
        )
    assert _titles(api, url) == ["Renamed elsewhere"]


def test_an_unannounced_change_is_stale_at_most_the_time_limit(
    catalog: Catalog,
    api: APIClient,
    retitle: Callable[..., None],
    short_lived: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    course = catalog["algorithms"]
    url = f"{V1}/courses/{course.pk}/"
    assert _titles(api, url) == [course.title]
    retitle(course, "Quietly renamed", announce=False)
    assert _titles(api, url) == [course.title]  # the limit has not passed
    later = view_cache_module.time.monotonic() + 31
    monkeypatch.setattr(view_cache_module.time, "monotonic", lambda: later)
    assert _titles(api, url) == ["Quietly renamed"]


def test_signed_in_requests_are_never_cached(
    catalog: Catalog, retitle: Callable[..., None], people: Any
) -> None:
    course = catalog["algorithms"]
    url = f"{V1}/courses/{course.pk}/"
    client = people.client("other")
    assert _titles(client, url) == [course.title]
    retitle(course, "Renamed for everyone", announce=False)
    assert _titles(client, url) == ["Renamed for everyone"]


def test_pages_are_kept_per_host_because_their_links_are_absolute(
    catalog: Catalog, api: APIClient, settings: Any
) -> None:
    settings.ALLOWED_HOSTS = ["testserver", "other.example.org"]
    url = f"{V1}/learning_resources/?limit=2"
    here = api.get(url).json()["next"]
    there = api.get(url, HTTP_HOST="other.example.org").json()["next"]
    assert here.startswith("http://testserver/")
    assert there.startswith("http://other.example.org/")


def test_refusals_misses_and_other_formats_are_not_kept(catalog: Catalog, api: APIClient) -> None:
    assert api.get(f"{V1}/learning_resources/?bogus=1").status_code == 400
    assert api.get(f"{V1}/learning_resources/999999/").status_code == 404
    html = api.get(f"{V1}/learning_resources/?limit=1", HTTP_ACCEPT="text/html")
    assert html.status_code == 200 and html["Content-Type"].startswith("text/html")
    indented = api.get(
        f"{V1}/learning_resources/?limit=1", HTTP_ACCEPT="application/json; indent=2"
    )
    assert b"\n  " in indented.content
    assert view_cache().size_bytes == 0
    assert api.get(f"{V1}/learning_resources/?bogus=1").status_code == 400


def test_the_cache_keeps_at_most_its_bytes_least_recently_used_first() -> None:
    cache = ViewCache(max_bytes=25, ttl=60)
    pages = {name: Page("v", 0.0, name.encode() * 10) for name in "abc"}
    now = view_cache_module.time.monotonic()
    for name, page in pages.items():
        cache.put(("http", "h", name), Page(page.version, now, page.body))
        if name == "b":
            assert cache.get(("http", "h", "a"), "v") is not None  # a is now the most recent
    assert cache.size_bytes == 20
    assert cache.get(("http", "h", "b"), "v") is None
    assert cache.get(("http", "h", "a"), "v") is not None
    assert cache.get(("http", "h", "c"), "v") is not None
    assert cache.get(("http", "h", "c"), "other version") is None
    assert cache.size_bytes == 10
    cache.put(("http", "h", "big"), Page("v", now, b"x" * 26))
    assert cache.get(("http", "h", "big"), "v") is None


def test_size_zero_turns_it_off(catalog: Catalog, api: APIClient, set_env: Any) -> None:
    set_env(catalog_view_cache_mb="0")
    api.get(f"{V1}/learning_resources/?limit=1")
    with CaptureQueriesContext(connection) as queries:
        api.get(f"{V1}/learning_resources/?limit=1")
    assert len(queries) > 1


def test_reference_rows_are_read_again_after_an_announced_change(
    catalog: Catalog, people: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """List pages reuse the builder's topics, departments and offerors while the catalog version
    holds; a renamed topic, once announced, is in the next page (signed in: no page cache)."""
    client = people.client("other")
    url = f"{V1}/learning_resources/?limit=100"
    resource = next(r for r in LearningResource.objects.filter(published=True) if r.topics.exists())
    topic = resource.topics.first()
    assert topic is not None

    def topic_names() -> set[str]:
        pages = client.get(url).json()["results"]
        return {t["name"] for r in pages if r["id"] == resource.pk for t in r["topics"]}

    assert topic.name in topic_names()
    with django_capture_on_commit_callbacks(execute=True):
        Topic.objects.filter(pk=topic.pk).update(name="Renamed topic")
        hooks.resources_changed([resource.pk])
    assert "Renamed topic" in topic_names()


def test_a_page_from_the_cache_still_carries_its_data(catalog: Catalog, api: APIClient) -> None:
    """The analytics middleware reads a response's data (a resource view's type and platform)."""
    course = catalog["algorithms"]
    url = f"{V1}/courses/{course.pk}/"
    first = api.get(url)
    again = api.get(url)
    assert view_cache().size_bytes > 0
    for response in (first, again):
        assert response.data["resource_type"] == "course"
        assert response.data["title"] == course.title


def test_a_bump_the_database_refuses_is_logged_and_the_write_stands(
    catalog: Catalog,
    api: APIClient,
    retitle: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The version moves on after the writer's commit: if the database refuses that (a busy
    SQLite), the write has committed and is kept, the writer is not failed, and the page it
    changed is stale at most until the time limit."""
    course = catalog["algorithms"]
    url = f"{V1}/courses/{course.pk}/"
    assert _titles(api, url) == [course.title]

    def busy(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("database is locked")

    monkeypatch.setattr(catalog_version.CatalogVersion.objects, "filter", busy)
    with caplog.at_level(logging.WARNING, logger="learn.catalog.version"):
        retitle(course, "Renamed while busy")
    monkeypatch.undo()
    assert "could not move the catalog version on" in caplog.text
    assert LearningResource.objects.get(pk=course.pk).title == "Renamed while busy"
    assert catalog_version.current() == "0"
