"""Podcasts: a configuration of feeds (``PODCAST_CONFIG_URL``: a YAML file or folder of YAML files,
local or http(s)) → each RSS feed → a ``podcast`` and its ``podcast_episode`` resources.

A config entry: ``{rss_url, podcast_title, topics, offered_by, website, apple_podcasts_url,
google_podcasts_url}``. Each raw item is ``{"config": {...}, "rss": "<feed XML>"}``.
"""

from __future__ import annotations

from calendar import timegm
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
import yaml

from learn.config.env import LearnEnv, get_env
from learn.etl.records import ChildRef, ImageRecord, ResourceRecord, TransformError
from learn.etl.sources import _common as c
from learn.etl.sources import _fetch
from learn.etl.xmlsafe import Element, UnsafeXml, tostring, try_parse_xml

NAME = "podcast"
PLATFORM = "podcast"
OFFERORS = {
    "mitx": "mitx",
    "ocw": "ocw",
    "mit opencourseware": "ocw",
    "opencourseware": "ocw",
    "xpro": "xpro",
    "mit xpro": "xpro",
    "mitpe": "mitpe",
    "mit professional education": "mitpe",
    "see": "see",
    "mit sloan executive education": "see",
    "bootcamps": "bootcamps",
    "climate": "climate",
}


def configured(env: LearnEnv | None = None) -> bool:
    return bool((env or get_env()).podcast_config_url)


# ---------------------------------------------------------------- extract


def _read(location: str) -> str:
    if location.startswith(("http://", "https://")):
        return _fetch.get_text(location)
    return Path(location).read_text(encoding="utf-8")


def parse_config(text: str, origin: str) -> list[dict[str, Any]]:
    """Podcast configs from YAML text (a mapping, a list, or several documents)."""
    try:
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        raise ValueError(f"{origin}: invalid podcast config YAML: {exc}") from exc
    configs: list[dict[str, Any]] = []
    for doc in documents:
        for entry in doc if isinstance(doc, list) else [doc]:
            if entry is None:
                continue
            if not isinstance(entry, dict) or not entry.get("rss_url"):
                raise ValueError(f"{origin}: a podcast config entry lacks rss_url: {entry!r}")
            if not str(entry["rss_url"]).startswith(("http://", "https://")):
                # a feed is always fetched: a local path would publish that file's text
                raise ValueError(
                    f"{origin}: rss_url must be an http(s) URL, not {entry['rss_url']!r}"
                )
            configs.append(entry)
    return configs


def load_configs(location: str) -> list[dict[str, Any]]:
    path = Path(location)
    if not location.startswith(("http://", "https://")) and path.is_dir():
        configs: list[dict[str, Any]] = []
        for file in sorted([*path.glob("*.yaml"), *path.glob("*.yml")]):
            configs += parse_config(file.read_text(encoding="utf-8"), str(file))
        return configs
    return parse_config(_read(location), location)


def extract(config: Any = None, source: str | None = None) -> list[dict[str, Any]]:
    """Each configured feed's XML; a feed that cannot be fetched fails the run (nothing pruned)."""
    env = config if isinstance(config, LearnEnv) else get_env()
    location = source or env.podcast_config_url
    if not location:
        return []
    return [
        {"config": cfg, "rss": _fetch.get_text(str(cfg["rss_url"]))}
        for cfg in load_configs(location)
    ]


# ---------------------------------------------------------------- transform


def item_id(raw: dict[str, Any]) -> str:
    cfg = raw.get("config") or {}
    return str(cfg.get("podcast_title") or cfg.get("rss_url") or "<podcast>")


def offered_by(value: Any) -> str | None:
    return OFFERORS.get((c.text(value) or "").lower())


def topic_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [t for t in (c.text(v) for v in value) if t]
    return [t.strip() for t in (c.text(value) or "").split(",") if t.strip()]


def _when(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(timegm(parsed), tz=UTC) if parsed else None


def _channel(xml: str) -> Element | None:
    """The feed's ``<channel>`` (defusedxml: entity declarations raise :class:`UnsafeXml`)."""
    root = try_parse_xml(xml, "podcast feed")
    return root.find("channel") if root is not None else None


def _image(href: Any, base: str | None) -> ImageRecord | None:
    url = c.join_url(base, href) if c.text(href) else None
    return ImageRecord(url=url) if url else None


def transform(raw: dict[str, Any]) -> list[ResourceRecord]:
    ident = item_id(raw)
    cfg = raw.get("config")
    xml = raw.get("rss")
    if not isinstance(cfg, dict) or not xml:
        raise TransformError(ident, "raw item needs a config and the feed's XML")
    try:
        channel = _channel(xml)  # refuses entity tricks before feedparser sees the feed
    except UnsafeXml as exc:
        raise TransformError(ident, str(exc)) from None
    feed = feedparser.parse(xml)
    if feed.bozo and not feed.entries and not feed.feed.get("title"):
        raise TransformError(ident, f"not an RSS feed: {feed.get('bozo_exception')}")
    elements = channel.findall("item") if channel is not None else []

    def build() -> list[ResourceRecord]:
        info = feed.feed
        title = c.text(cfg.get("podcast_title")) or c.text(info.get("title"))
        if not title:
            raise TransformError(ident, "podcast has no title")
        website = c.text(cfg.get("website")) or c.text(info.get("link"))
        offeror = offered_by(cfg.get("offered_by"))
        topics = topic_list(cfg.get("topics"))
        podcast_image = _image((info.get("image") or {}).get("href"), website)
        podcast_id = c.slugify(title)
        channel_text = c.strip_html(
            channel.findtext("description") if channel is not None else None
        ) or c.strip_html(info.get("subtitle"))
        language = c.language_code(info.get("language"))
        episodes: list[ResourceRecord] = []
        for index, entry in enumerate(feed.entries):
            element = elements[index] if index < len(elements) else None
            guid = c.text(entry.get("id")) or c.text(entry.get("link"))
            episode_title = c.text(entry.get("title"))
            if not guid or not episode_title:
                continue  # an item without a guid or title cannot be keyed
            description = c.strip_html(
                element.findtext("description") if element is not None else None
            ) or c.strip_html(entry.get("summary"))
            audio = next(
                (e.get("href") for e in entry.get("enclosures") or [] if e.get("href")), None
            )
            link = c.text(entry.get("link"))
            image = _image((entry.get("image") or {}).get("href"), website) or podcast_image
            episodes.append(
                ResourceRecord(
                    readable_id=guid,
                    resource_type="podcast_episode",
                    platform=PLATFORM,
                    etl_source=NAME,
                    offered_by=offeror,
                    title=episode_title,
                    description=description,
                    full_description=description,
                    url=link or audio,
                    image=image,
                    last_modified=_when(entry),
                    languages=[language] if language else [],
                    topics=topics,
                    resource_category="Podcast Episode",
                    detail={
                        "audio_url": audio or "",
                        "episode_link": link,
                        "duration": c.iso_duration(entry.get("itunes_duration")),
                        "rss": tostring(element, encoding="unicode")
                        if element is not None
                        else None,
                    },
                )
            )
        podcast = ResourceRecord(
            readable_id=podcast_id,
            resource_type="podcast",
            platform=PLATFORM,
            etl_source=NAME,
            offered_by=offeror,
            title=title,
            description=channel_text,
            full_description=channel_text,
            url=website,
            image=podcast_image,
            last_modified=_when(info),
            languages=[language] if language else [],
            topics=topics,
            resource_category="Podcast",
            children=[
                ChildRef(
                    readable_id=episode.readable_id,
                    resource_type="podcast_episode",
                    platform=PLATFORM,
                    position=position,
                    relation_type="PODCAST_EPISODES",
                )
                for position, episode in enumerate(episodes)
            ],
            detail={
                "rss_url": c.text(cfg.get("rss_url")),
                "apple_podcasts_url": c.text(cfg.get("apple_podcasts_url")),
                "google_podcasts_url": c.text(cfg.get("google_podcasts_url")),
            },
        )
        return [podcast, *episodes]

    return c.guarded(ident, build)
