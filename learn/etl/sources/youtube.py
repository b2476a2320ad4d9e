"""YouTube: channels and playlists named by a YAML config (``YOUTUBE_CONFIG_URL``), read through
the YouTube Data API v3 (``YOUTUBE_API_URL``, key ``YOUTUBE_DEVELOPER_KEY``) → ``video_playlist``
and ``video`` resources.

Config: a list of ``{channel_id, offered_by, create_videos, playlists: [{id, create_videos,
ignore}]}``; a playlist id ``all`` means every playlist of the channel. Each raw item is one
channel: ``{"channel", "offered_by", "playlists": [{"playlist", "video_ids"}], "videos": {id: v}}``.
Playlists with ``create_videos: false`` (matched to OCW videos in the reference) are skipped.
Transcripts are a separate job.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from learn.config.env import LearnEnv, get_env
from learn.etl.records import ChildRef, ImageRecord, ResourceRecord, TransformError
from learn.etl.sources import _common as c
from learn.etl.sources.podcast import offered_by as offeror_code

NAME = "youtube"
PLATFORM = "youtube"
PAGE_SIZE = 50
MAX_PAGES = 200
WATCH_URL = "https://www.youtube.com/watch?v={}"
# Trailing license/promotion lines repeated under every OCW video.
BOILERPLATE = re.compile(
    r"\n*\s*License: Creative Commons[^\n]*"
    r"(\nMore information at [^\n]*)?(\nMore courses at [^\n]*)?\s*$",
    re.IGNORECASE,
)


def clean_description(value: Any) -> str | None:
    """A video description without the license boilerplate at its end."""
    raw = c.text(value)
    return c.text(BOILERPLATE.sub("", raw)) if raw else None


PLAYLIST_URL = "https://www.youtube.com/playlist?list={}"


def configured(env: LearnEnv | None = None) -> bool:
    env = env or get_env()
    return bool(env.youtube_developer_key and env.youtube_config_url)


# ---------------------------------------------------------------- extract


def parse_config(text: str, origin: str) -> list[dict[str, Any]]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"{origin}: invalid YouTube config YAML: {exc}") from exc
    entries = data if isinstance(data, list) else [data] if data else []
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("channel_id"):
            raise ValueError(f"{origin}: a YouTube config entry lacks channel_id: {entry!r}")
    return entries


class _Api:
    def __init__(self, base: str, key: str) -> None:
        self.base = base.rstrip("/")
        self.key = key

    def pages(self, resource: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        from learn.etl.sources import _fetch

        items: list[dict[str, Any]] = []
        token: str | None = None
        for _ in range(MAX_PAGES):
            query = {**params, "key": self.key, "maxResults": PAGE_SIZE}
            if token:
                query["pageToken"] = token
            page = _fetch.get_json(f"{self.base}/{resource}", params=query)
            if not isinstance(page, dict) or not isinstance(page.get("items"), list):
                raise _fetch.BadPayload(f"{self.base}/{resource}", "response has no items list")
            items += page["items"]
            token = page.get("nextPageToken")
            if not token or not page["items"]:
                break
        return items


def extract(config: Any = None, source: str | None = None) -> list[dict[str, Any]]:
    from learn.etl.sources import _fetch

    env = config if isinstance(config, LearnEnv) else get_env()
    location = source or env.youtube_config_url
    if not location or not env.youtube_developer_key:
        return []
    text = (
        _fetch.get_text(location)
        if location.startswith(("http://", "https://"))
        else Path(location).read_text(encoding="utf-8")
    )
    entries = parse_config(text, location)
    api = _Api(env.youtube_api_url, env.youtube_developer_key)
    channel_ids = [str(entry["channel_id"]) for entry in entries]
    channels = {
        ch["id"]: ch
        for ch in api.pages(
            "channels", {"part": "snippet,contentDetails", "id": ",".join(channel_ids)}
        )
    }
    raw: list[dict[str, Any]] = []
    for entry in entries:
        channel = channels.get(str(entry["channel_id"]))
        if channel is None:
            raise _fetch.BadPayload(location, f"channel {entry['channel_id']} not found by the API")
        raw.append(_channel_item(api, entry, channel))
    return raw


def _wanted_playlists(api: _Api, entry: dict[str, Any]) -> list[dict[str, Any]]:
    specs = [p for p in entry.get("playlists") or [] if isinstance(p, dict) and p.get("id")]
    ignored = {str(p["id"]) for p in specs if p.get("ignore")}
    skipped = {
        str(p["id"]) for p in specs if not p.get("create_videos", entry.get("create_videos", True))
    }
    named = [str(p["id"]) for p in specs if str(p["id"]) != "all" and not p.get("ignore")]
    found: list[dict[str, Any]] = []
    if any(str(p["id"]) == "all" for p in specs):
        found = api.pages("playlists", {"part": "snippet", "channelId": entry["channel_id"]})
    elif named:
        found = api.pages("playlists", {"part": "snippet", "id": ",".join(named)})
    return [p for p in found if p.get("id") not in ignored and p.get("id") not in skipped]


def _channel_item(api: _Api, entry: dict[str, Any], channel: dict[str, Any]) -> dict[str, Any]:
    playlists = []
    wanted_videos: list[str] = []
    for playlist in _wanted_playlists(api, entry):
        items = api.pages("playlistItems", {"part": "contentDetails", "playlistId": playlist["id"]})
        video_ids = c.unique(
            str(i["contentDetails"]["videoId"])
            for i in items
            if (i.get("contentDetails") or {}).get("videoId")
        )
        playlists.append({"playlist": playlist, "video_ids": video_ids})
        wanted_videos += video_ids
    videos: dict[str, Any] = {}
    ids = c.unique(wanted_videos)
    for start in range(0, len(ids), PAGE_SIZE):
        batch = ids[start : start + PAGE_SIZE]
        for video in api.pages("videos", {"part": "snippet,contentDetails", "id": ",".join(batch)}):
            videos[video["id"]] = video
    return {
        "channel": channel,
        "offered_by": entry.get("offered_by"),
        "playlists": playlists,
        "videos": videos,
    }


# ---------------------------------------------------------------- transform


def item_id(raw: dict[str, Any]) -> str:
    return str((raw.get("channel") or {}).get("id") or "<channel>")


def _snippet(item: dict[str, Any]) -> dict[str, Any]:
    snippet = item.get("snippet")
    return snippet if isinstance(snippet, dict) else {}


def _title(item: dict[str, Any]) -> str | None:
    snippet = _snippet(item)
    return c.text((snippet.get("localized") or {}).get("title")) or c.text(snippet.get("title"))


def _thumbnail(item: dict[str, Any]) -> str | None:
    thumbs = _snippet(item).get("thumbnails") or {}
    for size in ("high", "medium", "default"):
        url = (thumbs.get(size) or {}).get("url")
        if url:
            return str(url)
    return None


def transform_video(video: dict[str, Any], offered_by: str | None) -> ResourceRecord:
    ident = c.item_id_of(video, "id")
    c.require(video, ident, "id")

    def build() -> ResourceRecord:
        snippet = _snippet(video)
        title = _title(video)
        if not title:
            raise TransformError(ident, "video has no title")
        thumb = _thumbnail(video)
        language = c.language_code(
            snippet.get("defaultAudioLanguage") or snippet.get("defaultLanguage")
        )
        return ResourceRecord(
            readable_id=str(video["id"]),
            resource_type="video",
            platform=PLATFORM,
            etl_source=NAME,
            offered_by=offered_by,
            title=title,
            description=clean_description(snippet.get("description")),
            full_description=clean_description(snippet.get("description")),
            url=WATCH_URL.format(video["id"]),
            image=ImageRecord(url=thumb, alt=title) if thumb else None,
            last_modified=c.parse_datetime(snippet.get("publishedAt")),
            languages=[language] if language else [],
            resource_category="Video",
            detail={
                "duration": c.text((video.get("contentDetails") or {}).get("duration")) or "",
                "cover_image_url": thumb,
            },
        )

    return c.guarded(ident, build)


def transform(raw: dict[str, Any]) -> list[ResourceRecord]:
    ident = item_id(raw)
    channel = raw.get("channel")
    if not isinstance(channel, dict) or not channel.get("id"):
        raise TransformError(ident, "raw item has no channel")
    offered_by = offeror_code(raw.get("offered_by"))
    channel_title = _title(channel) or str(channel["id"])
    videos: dict[str, ResourceRecord] = {}
    records: list[ResourceRecord] = []
    for entry in raw.get("playlists") or []:
        playlist = entry["playlist"]
        pid = c.item_id_of(playlist, "id")
        c.require(playlist, pid, "id")
        children: list[ChildRef] = []
        for vid in entry.get("video_ids") or []:
            video = (raw.get("videos") or {}).get(vid)
            if video is None:
                continue  # deleted or private: the API no longer returns it
            if vid not in videos:
                videos[vid] = transform_video(video, offered_by)
            children.append(
                ChildRef(
                    readable_id=vid,
                    resource_type="video",
                    platform=PLATFORM,
                    position=len(children),
                    relation_type="PLAYLIST_VIDEOS",
                )
            )
        records.append(_playlist_record(playlist, children, offered_by, channel, channel_title))
    return [*records, *videos.values()]


def _playlist_record(
    playlist: dict[str, Any],
    children: list[ChildRef],
    offered_by: str | None,
    channel: dict[str, Any],
    channel_title: str,
) -> ResourceRecord:
    pid = c.item_id_of(playlist, "id")
    title = _title(playlist)
    if not title:
        raise TransformError(pid, "playlist has no title")
    thumb = _thumbnail(playlist)
    snippet = _snippet(playlist)
    return c.guarded(
        pid,
        lambda: ResourceRecord(
            readable_id=str(playlist["id"]),
            resource_type="video_playlist",
            platform=PLATFORM,
            etl_source=NAME,
            offered_by=offered_by,
            title=title,
            description=c.text(snippet.get("description")),
            url=PLAYLIST_URL.format(playlist["id"]),
            image=ImageRecord(url=thumb, alt=title) if thumb else None,
            last_modified=c.parse_datetime(snippet.get("publishedAt")),
            resource_category="Video Playlist",
            children=children,
            detail={"channel": str(channel["id"]), "channel_title": channel_title},
        ),
    )
