"""Run the news/events feeds: extract → transform → load each, one failing feed never stops
the others."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from learn.config.env import get_env
from learn.news_events.feeds import FEEDS, configured_feeds
from learn.news_events.loader import FeedLoadResult, load_feed

logger = logging.getLogger(__name__)


@dataclass
class FeedRun:
    name: str
    url: str
    result: FeedLoadResult | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.result is not None


def run_feed(name: str, url: str | None = None) -> FeedRun:
    feed = FEEDS[name]
    location = url or feed.location(get_env())
    if not location:
        return FeedRun(name=name, url="", error="not configured; skipped")
    try:
        payload = feed.extract(location)
        record = feed.transform(payload, location)
    except Exception as exc:  # noqa: BLE001 - the feed fails, nothing of it is changed
        logger.warning("news/events feed %s failed: %s", name, exc)
        return FeedRun(name=name, url=location, error=f"{type(exc).__name__}: {exc}")
    return FeedRun(name=name, url=location, result=load_feed(record))


def run_feeds(names: list[str] | None = None) -> list[FeedRun]:
    wanted = names or list(configured_feeds())
    unknown = [n for n in wanted if n not in FEEDS]
    if unknown:
        raise KeyError(f"unknown feeds {unknown}; known: {sorted(FEEDS)}")
    return [run_feed(name) for name in wanted]
