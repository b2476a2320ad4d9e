"""ODL Video Service: public videos and their collections."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from learn.etl.records import TransformError
from learn.etl.sources import ovs

API = "https://video.odl.mit.edu"
HOSTS = ["du3yhovcx8dht.cloudfront.net", "d1rlgptj9v7p9j.cloudfront.net", "video.odl.mit.edu"]


@pytest.fixture
def videos(fixtures_dir: Path) -> list[dict[str, Any]]:
    return list(json.loads((fixtures_dir / "ovs" / "ovs_videos.json").read_text())["results"])


def _records(videos: list[dict[str, Any]], hosts: list[str] = HOSTS) -> dict[str, Any]:
    items = ovs.group_by_collection(videos, API, hosts)
    return {r.readable_id: r for item in items for r in ovs.transform(item)}


def test_videos_and_collections(videos: list[dict[str, Any]]) -> None:
    records = _records(videos)
    video = records["96fb932aa5644d8e8f6a5fafe42caa87"]
    assert video.resource_type == "video" and video.platform == "ovs"
    assert video.title == "Introduction to Machine Learning"
    assert video.last_modified == datetime(2020, 3, 23, 15, 14, 38, 254631, tzinfo=UTC)
    assert video.detail["duration"] == "PT1H1M1S"
    assert video.detail["streaming_url"].endswith(
        "/96fb932aa5644d8e8f6a5fafe42caa87/video__index.m3u8"
    )
    assert video.detail["caption_urls"][0]["language"] == "en"
    assert video.image is not None
    assert video.image.url.endswith("video_thumbnail_00001.jpg")
    collection = records["ab12cd34ef5678901234567890abcdef"]
    assert collection.resource_type == "video_playlist" and collection.title == "Test Collection"
    assert [(ch.readable_id, ch.relation_type) for ch in collection.children] == [
        ("96fb932aa5644d8e8f6a5fafe42caa87", "PLAYLIST_VIDEOS")
    ]
    assert collection.detail["channel"] == "ovs"
    assert records["abcdef1234567890abcdef1234567890"].detail["duration"] == ""


def test_private_or_unfinished_videos_are_left_out(videos: list[dict[str, Any]]) -> None:
    records = _records([dict(videos[0], is_public=False), dict(videos[1], status="Transcoding")])
    assert records == {}


def test_shorts_collections(videos: list[dict[str, Any]]) -> None:
    short = dict(videos[0], collection=dict(videos[0]["collection"], for_shorts=True))
    assert _records([short])["96fb932aa5644d8e8f6a5fafe42caa87"].resource_category == "Video Short"


def test_media_on_a_foreign_host_is_refused(videos: list[dict[str, Any]]) -> None:
    items = ovs.group_by_collection(videos, API, ["video.odl.mit.edu"])
    with pytest.raises(TransformError, match="not https on an allowed media host"):
        ovs.transform(items[0])
    no_hls = dict(videos[0], sources=[{"src": "https://video.odl.mit.edu/a.mp4"}])
    with pytest.raises(TransformError, match="m3u8"):
        ovs.transform(ovs.group_by_collection([no_hls], API, HOSTS)[0])


@pytest.mark.django_db
def test_end_to_end_load_reports_a_bad_video(
    stand_in: Any, fixtures_dir: Path, source_env: Any, videos: list[dict[str, Any]]
) -> None:
    from learn.catalog.models import LearningResource
    from learn.etl.pipeline import run_source

    bad = dict(videos[1], sources=[])
    stand_in.serve(
        "/api/v0/public/videos/", json.dumps({"results": [videos[0], bad], "next": None})
    )
    source_env(
        OVS_API_BASE_URL=stand_in.url(""),
        OVS_ALLOWED_MEDIA_HOSTS="du3yhovcx8dht.cloudfront.net,d1rlgptj9v7p9j.cloudfront.net",
        ETL_FAILURE_RATIO="0.5",  # one bad video of four is above the default failure share
    )
    run = run_source("ovs")
    assert run.status == "partial", run.message
    assert stand_in.hits("/api/v0/public/videos/")[0].query == {"include_in_learn": "true"}
    assert (run.created, run.skipped) == (3, 1)
    assert any(e["record"] == "abcdef1234567890abcdef1234567890" for e in run.errors)
    video = LearningResource.objects.get(readable_id="96fb932aa5644d8e8f6a5fafe42caa87")
    assert video.video.streaming_url.endswith("video__index.m3u8")
    playlist = LearningResource.objects.get(readable_id="ab12cd34ef5678901234567890abcdef")
    assert playlist.video_playlist.channel_id == "ovs"
    assert [r.child_id for r in playlist.children.all()] == [video.id]
