"""Typed records of the news/events feeds: what each pure transform returns.

Upstream text is sanitized here for every feed (:mod:`learn.etl.sanitize`): titles plain text,
summaries and bodies safe HTML, URLs absolute http(s) (anything else is dropped).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from learn.etl.sanitize import plain_text, safe_html, safe_url


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _plain(value: Any) -> Any:
    return (plain_text(value) or "") if isinstance(value, str) else value


def _html(value: Any) -> Any:
    return safe_html(value) if isinstance(value, str) else value


def _url(value: Any) -> Any:
    return (safe_url(value) or "") if isinstance(value, str) else value


class NewsDetailRecord(_Record):
    authors: list[str] = []
    topics: list[str] = []
    publish_date: datetime | None = None


class EventDetailRecord(_Record):
    audience: list[str] = []
    location: list[str] = []
    event_type: list[str] = []
    event_datetime: datetime | None = None
    event_end_datetime: datetime | None = None
    time_range: str = ""


class FeedItemRecord(_Record):
    guid: str = Field(min_length=1)
    title: str = Field(min_length=1)
    url: str = Field(min_length=1)
    summary: str = ""
    content: str = ""
    image_url: str = ""
    image_alt: str = ""
    news: NewsDetailRecord | None = None
    event: EventDetailRecord | None = None

    _texts = field_validator("title", "image_alt", mode="before")(_plain)
    _bodies = field_validator("summary", "content", mode="before")(_html)
    _urls = field_validator("url", "image_url", mode="before")(_url)


class FeedRecord(_Record):
    url: str = Field(min_length=1)
    title: str = Field(min_length=1)
    feed_type: str  # news | events
    description: str = ""
    image_url: str = ""
    items: list[FeedItemRecord] = []

    _texts = field_validator("title", "description", mode="before")(_plain)
    _urls = field_validator("url", "image_url", mode="before")(_url)
    # raw items that could not become records: [{"record": id, "message": ...}]
    errors: list[dict[str, str]] = []
