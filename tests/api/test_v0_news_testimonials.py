"""v0 news/events (loaded by the real feeds ETL from recorded payloads) and testimonials."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from factories import Catalog
from rest_framework.test import APIClient

from learn.catalog import models as catalog_models
from learn.catalog.models import Channel
from learn.news_events import feeds
from learn.news_events.loader import load_feed
from learn.news_events.models import FeedItem

V0 = "/api/v0"


@pytest.fixture
def loaded_feeds(shared_dir: Path, db: None) -> dict[str, int]:
    sources = shared_dir / "fixtures" / "sources"
    medium = (sources / "news_events" / "test_medium_mit_news.rss").read_text()
    load_feed(feeds.transform_medium(medium, "https://medium.com/feed/open-learning"))
    news = json.loads((sources / "mitpe" / "mitpe_news.json").read_text())
    load_feed(feeds.transform_mitpe_news(news, "https://professional.mit.edu/feeds/news/"))
    events = json.loads((sources / "mitpe" / "mitpe_events.json").read_text())  # all past
    load_feed(feeds.transform_mitpe_events(events, "https://professional.mit.edu/feeds/events/"))
    upcoming = json.loads((sources / "news_events" / "ol_events.json").read_text())  # in 2124
    url = "https://openlearning.mit.edu/jsonapi/node/event"
    load_feed(feeds.transform_ol_events(upcoming["data"], url))
    return {
        "news": FeedItem.objects.filter(item_type="news").count(),
        "events": FeedItem.objects.filter(item_type="events").count(),
    }


def test_news_and_upcoming_events_validate(loaded_feeds: dict[str, int], checked_v0: Any) -> None:
    assert loaded_feeds["news"] > 3 and loaded_feeds["events"] > 1
    news = checked_v0.get(f"{V0}/news_events/?feed_type=news&limit=100")
    assert news["count"] == loaded_feeds["news"]
    dates = [item["news_details"]["publish_date"] for item in news["results"]]
    assert dates == sorted(dates, reverse=True)  # newest first by default
    first = news["results"][0]
    assert first["feed_type"] == "news" and first["title"] and first["url"].startswith("http")
    events = checked_v0.get(f"{V0}/news_events/?feed_type=events")
    # as MIT Learn: only events that have not happened yet
    assert [e["guid"] for e in events["results"]] == ["81c5d37d-004b-4a55-91da-7dc467f3bf01"]
    assert events["results"][0]["event_details"]["event_datetime"].startswith("2124-04-30")
    both = checked_v0.get(f"{V0}/news_events/?feed_type=news&feed_type=events&limit=100")
    assert both["count"] == loaded_feeds["news"] + 1
    item = checked_v0.get(f"{V0}/news_events/{first['id']}/")
    assert item == first


@pytest.mark.parametrize("sortby", ["news_date", "-news_date", "event_date", "-event_date", "id"])
def test_sorting(loaded_feeds: dict[str, int], checked_v0: Any, sortby: str) -> None:
    page = checked_v0.get(f"{V0}/news_events/?feed_type=news&sortby={sortby}&limit=100")
    if sortby.endswith("news_date"):
        dates = [item["news_details"]["publish_date"] for item in page["results"]]
        assert dates == sorted(dates, reverse=sortby.startswith("-"))
    if sortby == "id":
        ids = [item["id"] for item in page["results"]]
        assert ids == sorted(ids)


def test_sources_validate(loaded_feeds: dict[str, int], checked_v0: Any) -> None:
    sources = checked_v0.get(f"{V0}/news_events_sources/")
    assert sources["count"] == 4
    news = checked_v0.get(f"{V0}/news_events_sources/?feed_type=news")
    assert {s["feed_type"] for s in news["results"]} == {"news"} and news["count"] == 2
    checked_v0.get(f"{V0}/news_events_sources/{news['results'][0]['id']}/")


def test_bad_news_input_is_a_clear_error(loaded_feeds: dict[str, int], api: APIClient) -> None:
    for query, name in (("feed_type=gossip", "feed_type"), ("sortby=date", "sortby")):
        response = api.get(f"{V0}/news_events/?{query}")
        assert response.status_code == 400
        assert name in response.json()["errors"]
    assert api.get(f"{V0}/news_events_sources/?feed_type=gossip").status_code == 400


# ---------------------------------------------------------------- testimonials


@pytest.fixture
def testimonials(catalog: Catalog) -> dict[str, catalog_models.Testimonial]:
    now = timezone.now()
    ocw_channel = Channel.objects.get(unit_id="ocw")
    made = {
        "home": catalog_models.Testimonial.objects.create(
            attestant_name="Ada", title="Learner", quote="It changed my career.", position=1
        ),
        "ocw": catalog_models.Testimonial.objects.create(
            attestant_name="Grace",
            title="Engineer",
            quote="OCW taught me compilers.",
            position=2,
            avatar_url="https://images.example.edu/grace.jpg",
            publish_date=now - timedelta(days=1),
        ),
        "future": catalog_models.Testimonial.objects.create(
            attestant_name="Future",
            title="Tomorrow",
            quote="Not yet.",
            position=1,
            publish_date=now + timedelta(days=1),
        ),
    }
    made["ocw"].channels.set([ocw_channel])
    made["ocw"].offerors.set([catalog.ref.offerors["ocw"]])
    made["future"].offerors.set([catalog.ref.offerors["ocw"]])
    return made


def test_testimonials_validate_and_filter(
    testimonials: dict[str, catalog_models.Testimonial], checked_v0: Any
) -> None:
    page = checked_v0.get(f"{V0}/testimonials/")
    assert [t["attestant_name"] for t in page["results"]] == ["Ada", "Grace"]  # future hidden
    grace = page["results"][1]
    assert grace["avatar"] == grace["avatar_small"] == "https://images.example.edu/grace.jpg"
    assert grace["offerors"] == ["ocw"] and page["results"][0]["avatar"] is None
    ocw_channel = Channel.objects.get(unit_id="ocw").pk
    assert grace["channels"] == [ocw_channel]
    by_offeror = checked_v0.get(f"{V0}/testimonials/?offerors=ocw")
    assert [t["attestant_name"] for t in by_offeror["results"]] == ["Grace"]
    by_channel = checked_v0.get(f"{V0}/testimonials/?channels={ocw_channel}")
    assert [t["attestant_name"] for t in by_channel["results"]] == ["Grace"]
    at_one = checked_v0.get(f"{V0}/testimonials/?position=1")
    assert [t["attestant_name"] for t in at_one["results"]] == ["Ada"]
    assert checked_v0.get(f"{V0}/testimonials/{grace['id']}/")["quote"] == grace["quote"]


def test_bad_testimonial_input_is_a_clear_error(
    testimonials: dict[str, catalog_models.Testimonial], api: APIClient
) -> None:
    for query, name in (
        ("offerors=nosuch", "offerors"),
        ("channels=999999", "channels"),
        ("position=first", "position"),
    ):
        response = api.get(f"{V0}/testimonials/?{query}")
        assert response.status_code == 400, query
        assert name in response.json()["errors"], query
    future = testimonials["future"].pk
    assert api.get(f"{V0}/testimonials/{future}/").status_code == 404
