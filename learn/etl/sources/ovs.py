"""ODL Video Service: public videos (``{OVS_API_BASE_URL}/api/v0/public/videos/``, paged) →
``video`` resources, their collections → ``video_playlist`` resources under channel ``ovs``.

Raw items: ``{"kind": "video", "video", "short", "api_base", "allowed_hosts"}`` per video and
``{"kind": "collection", "collection", "video_keys"}`` per collection. Only public, completely
processed videos with an HLS (.m3u8) stream on an allowed host (``OVS_ALLOWED_MEDIA_HOSTS`` or
the API's own host, https only) become records.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from learn.config.env import LearnEnv, get_env
from learn.etl.records import ChildRef, ImageRecord, ResourceRecord, TransformError
from learn.etl.sources import _common as c

NAME = "ovs"
PLATFORM = "ovs"
CHANNEL_ID = "ovs"
CHANNEL_TITLE = "ODL Video Service"
VIDEOS_PATH = "/api/v0/public/videos/"


def configured(env: LearnEnv | None = None) -> bool:
    return bool((env or get_env()).ovs_api_base_url)


def allowed_hosts(env: LearnEnv, api_base: str) -> list[str]:
    hosts = [h.strip().lower() for h in env.ovs_allowed_media_hosts.split(",") if h.strip()]
    api_host = urlsplit(api_base).hostname
    return c.unique([*hosts, *([api_host.lower()] if api_host else [])])


def extract(config: Any = None, source: str | None = None) -> list[dict[str, Any]]:
    from learn.etl.sources import _fetch

    env = config if isinstance(config, LearnEnv) else get_env()
    base = (source or env.ovs_api_base_url or "").rstrip("/")
    if not base:
        return []
    videos = _fetch.paged_results(f"{base}{VIDEOS_PATH}", params={"include_in_learn": "true"})
    return group_by_collection(videos, base, allowed_hosts(env, base))


def group_by_collection(
    videos: list[dict[str, Any]], api_base: str, hosts: list[str]
) -> list[dict[str, Any]]:
    """Raw items: one per listed video, then one per collection naming its videos in order."""
    items: list[dict[str, Any]] = []
    collections: dict[str, dict[str, Any]] = {}
    for video in videos:
        if not isinstance(video, dict) or not is_listed(video):
            continue
        collection = video.get("collection")
        short = bool(isinstance(collection, dict) and collection.get("for_shorts"))
        items.append(
            {
                "kind": "video",
                "video": video,
                "short": short,
                "api_base": api_base,
                "allowed_hosts": hosts,
            }
        )
        if isinstance(collection, dict) and collection.get("key"):
            group = collections.setdefault(
                str(collection["key"]),
                {"kind": "collection", "collection": collection, "video_keys": []},
            )
            if video.get("key"):
                group["video_keys"].append(str(video["key"]))
    return [*items, *collections.values()]


def item_id(raw: dict[str, Any]) -> str:
    inner = raw.get("video") or raw.get("collection") or {}
    return c.item_id_of(inner, "key", "title")


def _allowed(url: str | None, hosts: list[str]) -> bool:
    if not url:
        return False
    parts = urlsplit(url)
    return parts.scheme == "https" and (parts.hostname or "").lower() in hosts


def is_listed(video: dict[str, Any]) -> bool:
    return bool(video.get("is_public")) and video.get("status") == "Complete"


def transform_video(
    video: dict[str, Any], api_base: str, hosts: list[str], short: bool = False
) -> ResourceRecord:
    ident = c.item_id_of(video, "key", "title")
    c.require(video, ident, "key", "title")
    stream = next(
        (
            str(s["src"])
            for s in video.get("sources") or []
            if str(s.get("src", "")).split("?", 1)[0].endswith(".m3u8")
        ),
        None,
    )
    if stream is None:
        raise TransformError(ident, "no HLS (.m3u8) source")
    if not _allowed(stream, hosts):
        raise TransformError(ident, f"stream {stream!r} is not https on an allowed media host")

    def build() -> ResourceRecord:
        thumb = next(
            (
                str(t["cloudfront_url"])
                for t in video.get("videothumbnail_set") or []
                if _allowed(t.get("cloudfront_url"), hosts)
            ),
            None,
        )
        seconds = video.get("duration")
        captions = [
            {
                "language": sub.get("language"),
                "language_name": sub.get("language_name"),
                "url": f"{api_base}/{str(sub['s3_object_key']).lstrip('/')}",
            }
            for sub in video.get("videosubtitle_set") or []
            if sub.get("s3_object_key")
        ]
        title = str(video["title"]).strip()
        return ResourceRecord(
            readable_id=str(video["key"]),
            resource_type="video",
            platform=PLATFORM,
            etl_source=NAME,
            title=title,
            description=c.text(video.get("description")),
            url=c.text(video.get("cta_link")) or f"{api_base}/videos/{video['key']}/",
            image=ImageRecord(url=thumb, alt=title) if thumb else None,
            last_modified=c.parse_datetime(video.get("created_at")),
            resource_category="Video Short" if short else "Video",
            detail={
                "duration": c.iso_duration(seconds) if seconds else "",
                "streaming_url": stream,
                "cover_image_url": thumb,
                "caption_urls": captions,
            },
        )

    return c.guarded(ident, build)


def transform(raw: dict[str, Any]) -> list[ResourceRecord]:
    kind = raw.get("kind") if isinstance(raw, dict) else None
    if kind == "video":
        video = raw["video"]
        if not is_listed(video):
            return []
        return [
            transform_video(
                video,
                str(raw.get("api_base") or ""),
                list(raw.get("allowed_hosts") or []),
                bool(raw.get("short")),
            )
        ]
    if kind == "collection":
        return [transform_collection(raw["collection"], list(raw.get("video_keys") or []))]
    raise TransformError(
        item_id(raw) if isinstance(raw, dict) else "<item>", f"unknown kind {kind!r}"
    )


def transform_collection(collection: dict[str, Any], video_keys: list[str]) -> ResourceRecord:
    ident = c.item_id_of(collection, "key", "title")
    c.require(collection, ident, "key", "title")
    return c.guarded(
        ident,
        lambda: ResourceRecord(
            readable_id=str(collection["key"]),
            resource_type="video_playlist",
            platform=PLATFORM,
            etl_source=NAME,
            title=str(collection["title"]).strip(),
            description=c.text(collection.get("description")),
            resource_category="Video Playlist",
            children=[
                ChildRef(
                    readable_id=key,
                    resource_type="video",
                    platform=PLATFORM,
                    position=position,
                    relation_type="PLAYLIST_VIDEOS",
                )
                for position, key in enumerate(c.unique(video_keys))
            ],
            detail={"channel": CHANNEL_ID, "channel_title": CHANNEL_TITLE},
        ),
    )
