"""Podcasts: config of feeds → RSS → podcast and podcast_episode records."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from learn.etl.records import TransformError
from learn.etl.sources import podcast

CONFIG = {
    "rss_url": "http://feeds.example.org/rss",
    "podcast_title": "A Podcast",
    "offered_by": "OCW",
    "topics": "Science, Engineering",
    "website": "https://awebsite.mit.edu/",
    "apple_podcasts_url": "https://podcasts.apple.com/a-podcast",
    "google_podcasts_url": "https://podcasts.google.com/a-podcast",
}


@pytest.fixture
def rss(fixtures_dir: Path) -> str:
    return (fixtures_dir / "podcast" / "test_podcast.rss").read_text()


def test_podcast_and_episodes(rss: str) -> None:
    show, first, second = podcast.transform({"config": CONFIG, "rss": rss})
    assert show.resource_type == "podcast" and show.readable_id == "a-podcast"
    assert show.title == "A Podcast"
    assert show.description == "Lorem ipsum dolor sit amet, consectetur adipiscing elit."
    assert show.offered_by == "ocw" and show.platform == "podcast" and show.etl_source == "podcast"
    assert show.topics == ["Science", "Engineering"]
    assert show.url == "https://awebsite.mit.edu/"
    assert show.image is not None and show.image.url == "https://awebsite.mit.edu/apicture.jpg"
    assert show.detail["rss_url"] == "http://feeds.example.org/rss"
    assert show.detail["apple_podcasts_url"] == "https://podcasts.apple.com/a-podcast"
    assert [(ch.readable_id, ch.position, ch.relation_type) for ch in show.children] == [
        ("tag:soundcloud,2010:tracks/numbers1", 0, "PODCAST_EPISODES"),
        ("tag:soundcloud,2010:tracks/numbers2", 1, "PODCAST_EPISODES"),
    ]
    assert first.resource_type == "podcast_episode" and first.title == "Episode1"
    assert first.description == (
        "SMorbi id consequat nisl. Morbi leo elit, vulputate nec aliquam molestie, "
        "ullamcorper sit amet tortor"
    )
    assert first.url == "https://soundcloud.com/podcast/episode1"
    assert first.last_modified == datetime(2020, 4, 1, 18, 20, 31, tzinfo=UTC)
    assert first.detail["audio_url"] == "http://feeds.soundcloud.com/stream/episode1.mp3"
    assert first.detail["duration"] == "PT17M16S"
    assert "<guid" in str(first.detail["rss"])
    assert first.image is not None and first.image.url.endswith("/apicture.jpg")
    assert second.image is not None and second.image.url == "https://awebsite.mit.edu/image1.jpg"
    assert second.topics == ["Science", "Engineering"]


def test_garbage_feed_is_a_transform_error() -> None:
    with pytest.raises(TransformError) as err:
        podcast.transform({"config": dict(CONFIG, podcast_title=None), "rss": "this is not xml"})
    assert err.value.item_id == "http://feeds.example.org/rss"


def test_bad_config_is_refused() -> None:
    with pytest.raises(ValueError, match="lacks rss_url"):
        podcast.parse_config("- podcast_title: No feed\n", "config.yaml")
    with pytest.raises(ValueError, match="invalid podcast config YAML"):
        podcast.parse_config("key: [unclosed\n", "config.yaml")


def test_durations() -> None:
    from learn.etl.sources._common import iso_duration

    assert iso_duration("01:02:03") == "PT1H2M3S"
    assert iso_duration("17:16") == "PT17M16S"
    assert iso_duration("3600") == "PT1H"
    assert iso_duration("PT5M") == "PT5M"


def test_extract_through_stand_in(stand_in: Any, rss: str, source_env: Any, tmp_path: Path) -> None:
    feed_url = stand_in.serve("/feeds/a.rss", rss, ctype="application/rss+xml")
    config = tmp_path / "podcasts"
    config.mkdir()
    (config / "a.yaml").write_text(
        f"rss_url: {feed_url}\npodcast_title: A Podcast\noffered_by: OCW\ntopics: Science\n"
        "website: https://awebsite.mit.edu/\n"
    )
    source_env(PODCAST_CONFIG_URL=stand_in.serve("/config.yaml", (config / "a.yaml").read_text()))
    assert podcast.configured()
    raw = podcast.extract()
    assert len(raw) == 1 and raw[0]["rss"] == rss
    assert [r.resource_type for r in podcast.transform(raw[0])] == [
        "podcast",
        "podcast_episode",
        "podcast_episode",
    ]
    # a folder of configs works too
    assert len(podcast.extract(source=str(config))) == 1


def test_feed_error_fails_the_extract(stand_in: Any, source_env: Any) -> None:
    from learn.etl.sources import _fetch

    feed_url = stand_in.url("/feeds/missing.rss")
    source_env(PODCAST_CONFIG_URL=stand_in.serve("/config.yaml", f"rss_url: {feed_url}\n"))
    with pytest.raises(_fetch.FetchError, match="404"):
        podcast.extract()


@pytest.mark.django_db
def test_end_to_end_load(stand_in: Any, rss: str, source_env: Any) -> None:
    from learn.catalog.models import LearningResource
    from learn.etl.pipeline import run_source

    feed_url = stand_in.serve("/feeds/a.rss", rss, ctype="application/rss+xml")
    source_env(
        PODCAST_CONFIG_URL=stand_in.serve(
            "/config.yaml",
            f"rss_url: {feed_url}\npodcast_title: A Podcast\noffered_by: OCW\n"
            "apple_podcasts_url: https://podcasts.apple.com/a\n",
        )
    )
    run = run_source("podcast")
    assert run.status == "ok", run.message
    assert run.created == 3
    show = LearningResource.objects.get(resource_type="podcast", readable_id="a-podcast")
    assert show.podcast.rss_url == feed_url
    assert show.podcast.apple_podcasts_url == "https://podcasts.apple.com/a"
    episodes = [rel.child for rel in show.children.order_by("position")]
    assert [e.title for e in episodes] == ["Episode1", "Episode2"]
    assert (
        episodes[0].podcast_episode.audio_url == "http://feeds.soundcloud.com/stream/episode1.mp3"
    )
    assert episodes[1].podcast_episode.duration == "PT17M16S"
    assert {rel.relation_type for rel in show.children.all()} == {"PODCAST_EPISODES"}
