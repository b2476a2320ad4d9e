"""Typed records of the news/events feeds: what each pure transform returns."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


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


class FeedRecord(_Record):
    url: str = Field(min_length=1)
    title: str = Field(min_length=1)
    feed_type: str  # news | events
    description: str = ""
    image_url: str = ""
    items: list[FeedItemRecord] = []
    # raw items that could not become records: [{"record": id, "message": ...}]
    errors: list[dict[str, str]] = []
