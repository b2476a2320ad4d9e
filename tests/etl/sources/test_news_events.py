"""News and events feeds: pure transforms from recorded payloads, loads through a stand-in."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from learn.etl.replay import recipes
from learn.news_events import feeds
from learn.news_events.feeds import FeedError

MITPE = "https://professional.mit.edu/feeds/news/"
MITPE_EVENTS = "https://professional.mit.edu/feeds/events/"


def test_medium_rss(fixtures_dir: Path) -> None:
    xml = (fixtures_dir / "news_events" / "test_medium_mit_news.rss").read_text()
    record = feeds.transform_medium(xml, "https://medium.com/feed/open-learning")
    assert record.title == "MIT Open Learning - Medium" and record.feed_type == "news"
    assert len(record.items) == 3 and record.errors == []
    first = record.items[0]
    assert first.guid == "https://medium.com/p/a685e2b89c6a"
    assert (
        first.title
        == "Meet 8 MIT women faculty who teach MITx courses and lead cutting-edge research"
    )
    assert first.url == "https://medium.com/open-learning/meet-8-mit-women-faculty"
    assert first.news is not None
    assert first.news.authors == ["MIT Open Learning"]
    assert first.news.topics[:2] == ["womens-history-month", "mit"]
    assert first.news.publish_date == datetime(2024, 3, 15, 13, 42, 36, tzinfo=UTC)


def test_garbage_rss_is_refused() -> None:
    with pytest.raises(FeedError, match="not an RSS feed"):
        feeds.transform_medium("<html><body>down for maintenance", "https://medium.com/feed/x")


def test_mitpe_news_and_events(fixtures_dir: Path) -> None:
    news = json.loads((fixtures_dir / "mitpe" / "mitpe_news.json").read_text())
    record = feeds.transform_mitpe_news(news, MITPE)
    first = record.items[0]
    assert first.title == "Powering Product Innovation: Q&A with MIT's Erdin Beshimov"
    assert first.url == (
        "https://professional.mit.edu/news/articles/powering-product-innovation-qa-mits-erdin-beshimov"
    )
    assert first.image_url == "https://professional.mit.edu/sites/default/files/2023-04/171108.jpg"
    assert first.news is not None
    assert first.news.authors == ["Ms. Asha Rivers and Dr. Steven B. Goldman"]
    assert first.news.publish_date == datetime(2020, 12, 4, 5, tzinfo=UTC)
    events = json.loads((fixtures_dir / "mitpe" / "mitpe_events.json").read_text())
    record = feeds.transform_mitpe_events(events, MITPE_EVENTS)
    emtech = record.items[0]
    assert emtech.title == "EmTech" and emtech.url == "https://professional.mit.edu/events/emtech"
    assert emtech.summary == (
        "MIT Technology Review's flagship event on emerging technology and global trends."
    )
    assert emtech.event is not None and emtech.event.time_range == "9:00 AM - 5:00 PM"
    assert emtech.event.event_datetime == datetime(2023, 11, 14, 5, tzinfo=UTC)


def test_bad_item_is_reported_and_the_rest_kept(fixtures_dir: Path) -> None:
    events = json.loads((fixtures_dir / "mitpe" / "mitpe_events.json").read_text())
    events[1] = {k: v for k, v in events[1].items() if k != "id"}
    record = feeds.transform_mitpe_events(events, MITPE_EVENTS)
    assert len(record.items) == len(events) - 1
    assert record.errors[0]["record"] == "EmTech II"
    with pytest.raises(FeedError, match="expected a JSON list"):
        feeds.transform_mitpe_events({"detail": "error"}, MITPE_EVENTS)


def test_ol_events_without_related_data(fixtures_dir: Path) -> None:
    payload = json.loads((fixtures_dir / "news_events" / "ol_events.json").read_text())
    record = feeds.transform_ol_events(
        payload["data"], "https://openlearning.mit.edu/jsonapi/node/event"
    )
    (event,) = record.items
    assert event.guid == "81c5d37d-004b-4a55-91da-7dc467f3bf01"
    assert event.url == (
        "https://openlearning.mit.edu/events/"
        "inside-mitx-micromastersr-program-data-economics-and-design-policy-dedp"
    )
    assert event.event is not None
    assert event.event.event_datetime == datetime(2124, 4, 30, 15, tzinfo=UTC)
    assert event.event.audience == [] and event.image_url == ""


def test_ol_events_with_related_data_through_stand_in(stand_in: Any, fixtures_dir: Path) -> None:
    url = recipes.serve_ol_events(stand_in, fixtures_dir)
    entries = feeds.extract_jsonapi(url)
    (event,) = feeds.transform_ol_events(entries, url).items
    assert event.event is not None
    assert event.event.audience[:3] == ["Faculty", "MIT Community", "Public"]
    assert event.event.event_type == ["Webinar"]
    assert event.event.location == ["Online"]
    assert event.image_url == (
        f"{stand_in.base_url}/sites/default/files/event-images/DEDP-Banner-webinar-2024.jpg"
    )
    assert event.image_alt == "students raising their hands"


def test_sloan_exec_news(fixtures_dir: Path) -> None:
    payload = json.loads((fixtures_dir / "sloan" / "test_sloan_exec_news.json").read_text())
    record = feeds.transform_sloan_news(payload, "https://exec.mit.edu/s/sfsites/aura")
    assert len(record.items) == 20 and record.errors == []
    post = record.items[0]
    assert post.guid == "MCY3ABEG33IVB5XDQ4ST3KCAM7MM"
    assert post.title == "Cybersecurity Resiliency & Stuff is More Than Protection"
    assert post.url == (
        "https://exec.mit.edu/s/blog-post/cybersecurity-resiliency-is-more-than-protection-"
        "MCY3ABEG33IVB5XDQ4ST3KCAM7MM"
    )
    assert post.summary == (
        "Our recap of our webinar with MIT Sloan faculty and cybersecurity thought leader "
        "Keri Pearlson"
    )
    assert post.content.startswith("<p>During our recent webinar")
    assert post.image_url == "https://exec.mit.edu/cms/delivery/media/MCNEEYAPVHOBCWRODEE66DNPACF4"
    assert post.news is not None and post.news.topics == ["Faculty & Staff Insights"]
    assert post.news.publish_date == datetime(2024, 3, 25, tzinfo=UTC)
    with pytest.raises(FeedError, match="returnValue"):
        feeds.transform_sloan_news({"actions": []}, "https://exec.mit.edu/aura")


@pytest.mark.django_db
def test_run_feeds_through_stand_in(stand_in: Any, fixtures_dir: Path, source_env: Any) -> None:
    from learn.news_events.models import FeedItem, FeedSource
    from learn.news_events.run import run_feeds

    stand_in.serve_file("/feeds/news/", fixtures_dir / "mitpe" / "mitpe_news.json")
    stand_in.serve_file("/feeds/events/", fixtures_dir / "mitpe" / "mitpe_events.json")
    medium = stand_in.serve_file(
        "/feed/open-learning",
        fixtures_dir / "news_events" / "test_medium_mit_news.rss",
        "application/rss+xml",
    )
    source_env(MITPE_BASE_API_URL=stand_in.url("/"), NEWS_EVENTS_MEDIUM_URL=medium)
    runs = {r.name: r for r in run_feeds()}
    assert sorted(runs) == ["medium", "mitpe_events", "mitpe_news"]
    assert all(r.ok for r in runs.values())
    assert FeedSource.objects.count() == 3
    assert FeedItem.objects.filter(item_type="news").count() == 3 + 4
    emtech = FeedItem.objects.get(guid="69bbc887-54ee-493d-8cd5-3287565817de")
    assert emtech.event_details.time_range == "9:00 AM - 5:00 PM"
    post = FeedItem.objects.get(guid="https://medium.com/p/a685e2b89c6a")
    assert post.news_details.authors == ["MIT Open Learning"]

    # the events feed drops an item and the news feed breaks: the event goes, the news stays
    events = json.loads((fixtures_dir / "mitpe" / "mitpe_events.json").read_text())
    stand_in.serve("/feeds/events/", json.dumps(events[1:]))
    stand_in.serve("/feeds/news/", '[{"id": "x", "title": ')
    runs = {r.name: r for r in run_feeds()}
    assert runs["mitpe_news"].ok is False and "truncated JSON" in runs["mitpe_news"].error
    assert runs["mitpe_events"].result is not None and runs["mitpe_events"].result.deleted == 1
    assert not FeedItem.objects.filter(guid="69bbc887-54ee-493d-8cd5-3287565817de").exists()
    assert FeedItem.objects.filter(source__url=stand_in.url("/feeds/news/")).count() == 4
