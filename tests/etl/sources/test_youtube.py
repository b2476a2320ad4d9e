"""YouTube: Data API v3 pages served by a stand-in that answers like the API (ids, page tokens)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from learn.etl.records import TransformError
from learn.etl.replay import recipes
from learn.etl.sources import _fetch, youtube


@pytest.fixture
def api(stand_in: Any, fixtures_dir: Path, source_env: Any) -> Any:
    source_env(**{**recipes.youtube(stand_in, fixtures_dir), "YOUTUBE_DEVELOPER_KEY": "dev-key"})
    return stand_in


def test_extract_follows_config_and_page_tokens(api: Any) -> None:
    assert youtube.configured()
    raw = youtube.extract()
    assert [r["channel"]["id"] for r in raw] == [
        "UCTBMWu8yshnAmpzR3MoJFtw",
        "UCEBb1b_L6zDS3xTUrIALZOw",
        "UCBpxspUNl1Th33XbugiHJzw",
    ]
    assert all(
        r.query["key"] == "dev-key" for r in api.requests if r.path.startswith("/youtube/v3")
    )
    ocw = raw[1]["playlists"][0]
    assert ocw["playlist"]["id"] == "PL221E2BBF13BECF6C"
    assert len(ocw["video_ids"]) == 50 + 24  # two pages chained by nextPageToken
    csail = [p["playlist"]["id"] for p in raw[2]["playlists"]]
    assert csail == ["PLcwbNON2hqP4_mGgPvekcSndFezpDdWcY"]  # "Unwanted Playlist" ignored


def test_transform_playlists_and_videos(api: Any) -> None:
    raw = youtube.extract()
    records = [r for item in raw for r in youtube.transform(item)]
    playlists = {r.readable_id: r for r in records if r.resource_type == "video_playlist"}
    videos = {r.readable_id: r for r in records if r.resource_type == "video"}
    linear = playlists["PL221E2BBF13BECF6C"]
    assert linear.title == "MIT 18.06SC Linear Algebra, Fall 2011"
    assert linear.offered_by == "ocw" and linear.platform == "youtube"
    assert linear.url == "https://www.youtube.com/playlist?list=PL221E2BBF13BECF6C"
    assert linear.detail == {
        "channel": "UCEBb1b_L6zDS3xTUrIALZOw",
        "channel_title": "MIT OpenCourseWare",
    }
    assert linear.children[0].relation_type == "PLAYLIST_VIDEOS"
    assert [c.position for c in linear.children] == list(range(len(linear.children)))
    printing = playlists["PLcwbNON2hqP4_mGgPvekcSndFezpDdWcY"]
    assert printing.title == "3D Printing" and printing.offered_by is None
    assert [c.readable_id for c in printing.children] == [
        "yZ9ApVHx7Ow",
        "v759cZI4cqc",
        "novgMFIBcqg",
        "zvNUpQWft1I",
        "45YLK7vbL3M",
    ]
    video = videos["yZ9ApVHx7Ow"]
    assert video.title == "Reproducing Paintings with 3D Printing"
    assert video.url == "https://www.youtube.com/watch?v=yZ9ApVHx7Ow"
    assert video.last_modified == datetime(2018, 11, 29, 14, 59, 15, tzinfo=UTC)
    assert video.detail["duration"] == "PT1M1S"
    assert video.detail["cover_image_url"] == "https://i.ytimg.com/vi/yZ9ApVHx7Ow/hqdefault.jpg"
    assert video.languages == ["en"]
    assert len({r.key for r in records}) == len(records)  # each video once
    # the OCW license boilerplate is cut from descriptions
    strang = videos["lGGDIGizcQ0"]
    assert strang.description is not None
    assert strang.description.endswith("24. Markov Matrices; Fourier Series")


def test_video_without_title_is_a_transform_error() -> None:
    with pytest.raises(TransformError, match="no title"):
        youtube.transform_video({"id": "abc", "snippet": {}}, None)


def test_bad_config_is_refused() -> None:
    with pytest.raises(ValueError, match="lacks channel_id"):
        youtube.parse_config("- offered_by: OCW\n", "youtube.yaml")


def test_api_error_fails_the_extract(stand_in: Any, source_env: Any) -> None:
    stand_in.serve("/youtube/v3/channels", '{"error": {"code": 403}}', status=403)
    source_env(
        YOUTUBE_API_URL=stand_in.url("/youtube/v3"),
        YOUTUBE_DEVELOPER_KEY="bad-key",
        YOUTUBE_CONFIG_URL=stand_in.serve("/youtube.yaml", recipes.YOUTUBE_CONFIG),
    )
    with pytest.raises(_fetch.FetchError, match="403"):
        youtube.extract()


@pytest.mark.django_db
def test_end_to_end_load(api: Any) -> None:
    from learn.catalog.models import LearningResource, VideoChannel
    from learn.etl.pipeline import run_source

    run = run_source("youtube")
    assert run.status == "ok", run.message
    assert run.failed == 0 and run.skipped == 0
    playlist = LearningResource.objects.get(readable_id="PLcwbNON2hqP4_mGgPvekcSndFezpDdWcY")
    assert playlist.resource_type == "video_playlist"
    assert playlist.video_playlist.channel_id == "UCBpxspUNl1Th33XbugiHJzw"
    assert VideoChannel.objects.get(channel_id="UCBpxspUNl1Th33XbugiHJzw").title == "MITCSAIL"
    assert [rel.child.readable_id for rel in playlist.children.order_by("position")] == [
        "yZ9ApVHx7Ow",
        "v759cZI4cqc",
        "novgMFIBcqg",
        "zvNUpQWft1I",
        "45YLK7vbL3M",
    ]
    video = LearningResource.objects.get(readable_id="yZ9ApVHx7Ow", resource_type="video")
    assert video.video.duration == "PT1M1S"
    assert video.published is True
