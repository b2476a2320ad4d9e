"""The news and events feeds: per feed an ``extract`` (I/O) and a pure ``transform``.

- ``medium``: the Open Learning Medium RSS (``NEWS_EVENTS_MEDIUM_URL``) → news.
- ``mitpe_news`` / ``mitpe_events``: ``{MITPE_BASE_API_URL}/feeds/news/`` and ``/feeds/events/``.
- ``sloan_news``: Sloan Executive Education blog posts (``NEWS_EVENTS_SLOAN_NEWS_URL``).
- ``ol_events``: Open Learning events, JSON:API pages (``NEWS_EVENTS_OL_EVENTS_URL``).

A bad item is left out and reported in ``FeedRecord.errors``; the rest of the feed loads.
"""

from __future__ import annotations

import html
from calendar import timegm
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

import feedparser
from pydantic import ValidationError

from learn.config.env import LearnEnv, get_env
from learn.etl.sources import _common as c
from learn.etl.xmlsafe import UnsafeXml, check_xml
from learn.news_events.records import (
    EventDetailRecord,
    FeedItemRecord,
    FeedRecord,
    NewsDetailRecord,
)

EASTERN = ZoneInfo("US/Eastern")


class FeedError(ValueError):
    """A whole feed payload is unusable (nothing of that feed is changed)."""


@dataclass(frozen=True)
class Feed:
    name: str
    location: Callable[[LearnEnv], str | None]
    extract: Callable[[str], Any]
    transform: Callable[[Any, str], FeedRecord]


def _item(
    build: Callable[[], FeedItemRecord], ident: str, errors: list[dict[str, str]]
) -> FeedItemRecord | None:
    try:
        return build()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        errors.append({"record": ident, "message": problems})
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        errors.append({"record": ident, "message": f"{type(exc).__name__}: {exc}"})
    return None


# ---------------------------------------------------------------- Medium RSS


def extract_text(url: str) -> str:
    from learn.etl.sources import _fetch

    return _fetch.get_text(url)


def transform_medium(xml: str, url: str) -> FeedRecord:
    try:
        check_xml(xml, url)  # defusedxml refuses entity tricks before feedparser reads it
    except UnsafeXml as exc:
        raise FeedError(str(exc)) from None
    feed = feedparser.parse(xml)
    if feed.bozo and not feed.entries:
        raise FeedError(f"{url}: not an RSS feed ({feed.get('bozo_exception')})")
    info = feed.feed
    errors: list[dict[str, str]] = []
    items = []
    for entry in feed.entries:
        ident = str(entry.get("id") or entry.get("link") or entry.get("title") or "<item>")
        parsed = entry.get("published_parsed")
        content = (entry.get("content") or [{}])[0].get("value", "")

        def build(
            entry: Any = entry, parsed: Any = parsed, content: str = content
        ) -> FeedItemRecord:
            return FeedItemRecord(
                guid=c.text(entry.get("id")) or c.text(entry.get("link")) or "",
                title=c.strip_html(entry.get("title")) or "",
                url=c.text(entry.get("link")) or "",
                summary=c.strip_html(entry.get("summary")) or "",
                content=content,
                news=NewsDetailRecord(
                    authors=c.names(entry.get("authors")),
                    topics=[t.term for t in entry.get("tags") or [] if t.get("term")],
                    publish_date=datetime.fromtimestamp(timegm(parsed), tz=UTC) if parsed else None,
                ),
            )

        record = _item(build, ident, errors)
        if record:
            items.append(record)
    return FeedRecord(
        url=url,
        title=c.text(info.get("title")) or url,
        feed_type="news",
        description=c.text(info.get("subtitle") or info.get("description")) or "",
        image_url=c.text((info.get("image") or {}).get("href")) or "",
        items=items,
        errors=errors,
    )


# ---------------------------------------------------------------- MIT Professional Education


def extract_json(url: str) -> Any:
    from learn.etl.sources import _fetch

    return _fetch.get_json(url)


def _mitpe_base(url: str) -> str:
    return url.split("/feeds/", 1)[0] + "/"


def _require_list(payload: Any, url: str) -> list[Any]:
    if not isinstance(payload, list):
        raise FeedError(f"{url}: expected a JSON list, got {type(payload).__name__}")
    return payload


class _MitpeFields(TypedDict):
    guid: str
    title: str
    url: str
    summary: str
    image_url: str


def _mitpe_fields(raw: Any, base: str) -> _MitpeFields:
    """The fields MIT PE news and events items share."""
    return {
        "guid": str(raw["id"]),
        "title": c.strip_html(raw.get("title")) or "",
        "url": c.join_url(base, raw.get("url")) or "",
        "summary": c.strip_html(raw.get("summary")) or "",
        "image_url": c.join_url(base, raw.get("image")) or "",
    }


def transform_mitpe_news(payload: Any, url: str) -> FeedRecord:
    base = _mitpe_base(url)
    errors: list[dict[str, str]] = []
    items = []
    for raw in _require_list(payload, url):
        ident = c.item_id_of(raw, "id", "title")

        def build(raw: Any = raw) -> FeedItemRecord:
            return FeedItemRecord(
                **_mitpe_fields(raw, base),
                news=NewsDetailRecord(
                    authors=[a for a in [c.text(raw.get("author"))] if a],
                    publish_date=c.parse_datetime(raw.get("date"), tz=EASTERN),
                ),
            )

        record = _item(build, ident, errors)
        if record:
            items.append(record)
    return FeedRecord(
        url=url,
        title="MIT Professional Education News",
        feed_type="news",
        items=items,
        errors=errors,
    )


def transform_mitpe_events(payload: Any, url: str) -> FeedRecord:
    base = _mitpe_base(url)
    errors: list[dict[str, str]] = []
    items = []
    for raw in _require_list(payload, url):
        ident = c.item_id_of(raw, "id", "title")

        def build(raw: Any = raw) -> FeedItemRecord:
            return FeedItemRecord(
                **_mitpe_fields(raw, base),
                event=EventDetailRecord(
                    event_datetime=c.parse_datetime(raw.get("start_date"), tz=EASTERN),
                    event_end_datetime=c.parse_datetime(raw.get("end_date"), tz=EASTERN),
                    time_range=c.text(raw.get("time_range")) or "",
                ),
            )

        record = _item(build, ident, errors)
        if record:
            items.append(record)
    return FeedRecord(
        url=url,
        title="MIT Professional Education Events",
        feed_type="events",
        items=items,
        errors=errors,
    )


# ---------------------------------------------------------------- Open Learning events (JSON:API)


OL_RELATED = ("field_event_audience", "field_event_category", "field_location_tag")


def _related(entry: dict[str, Any], name: str, origin: str) -> Any:
    """The ``data`` of one relationship of a JSON:API entry (fetched on the listing's host)."""
    from learn.etl import http
    from learn.etl.sources import _fetch

    relation = (entry.get("relationships") or {}).get(name) or {}
    href = ((relation.get("links") or {}).get("related") or {}).get("href")
    if not relation.get("data") or not href:
        return None
    page = _fetch.get_json(http.check_next_link(origin, href))
    return page.get("data") if isinstance(page, dict) else None


def _image(entry: dict[str, Any], origin: str) -> dict[str, str] | None:
    media = _related(entry, "field_event_image", origin)
    if not isinstance(media, dict):
        return None
    meta = (
        ((media.get("relationships") or {}).get("field_media_image") or {}).get("data") or {}
    ).get("meta") or {}
    file = _related(media, "field_media_image", origin)
    uri = ((file or {}).get("attributes") or {}).get("uri") or {}
    if not uri.get("url"):
        return None
    return {
        "url": str(uri["url"]),
        "alt": str(meta.get("alt") or ""),
        "title": str(meta.get("title") or ""),
    }


def extract_jsonapi(url: str) -> list[dict[str, Any]]:
    """Every ``data`` entry of a JSON:API listing (``links.next`` followed on the same host),
    each with its audience, category, location tags and image fetched into ``_related``."""
    from learn.etl import http
    from learn.etl.sources import _fetch

    entries: list[dict[str, Any]] = []
    current: str | None = url
    for _ in range(100):
        if current is None:
            break
        page = _fetch.get_json(current)
        if not isinstance(page, dict) or not isinstance(page.get("data"), list):
            raise FeedError(f"{current}: not a JSON:API listing")
        entries += page["data"]
        following = ((page.get("links") or {}).get("next") or {}).get("href")
        current = http.check_next_link(url, following) if following and page["data"] else None
    for entry in entries:
        if isinstance(entry, dict):
            related: dict[str, Any] = {name: _related(entry, name, url) for name in OL_RELATED}
            related["image"] = _image(entry, url)
            entry["_related"] = related
    return entries


def _term_names(data: Any) -> list[str]:
    terms = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    return [
        name
        for term in terms
        if (name := c.text(((term or {}).get("attributes") or {}).get("name")))
    ]


def transform_ol_events(payload: Any, url: str) -> FeedRecord:
    site = c.join_url(url, "/") or url
    errors: list[dict[str, str]] = []
    items = []
    for raw in _require_list(payload, url):
        attrs = raw.get("attributes") or {} if isinstance(raw, dict) else {}
        ident = c.item_id_of(raw, "id")
        if attrs.get("status") is False:
            continue  # unpublished upstream

        def build(raw: Any = raw, attrs: dict[str, Any] = attrs) -> FeedItemRecord:
            when = attrs.get("field_event_date") or {}
            related = raw.get("_related") or {}
            image = related.get("image") or {}
            body = (attrs.get("body") or {}).get("value") or ""
            return FeedItemRecord(
                guid=str(raw["id"]),
                title=c.strip_html(attrs.get("title")) or "",
                url=c.join_url(site, (attrs.get("path") or {}).get("alias")) or "",
                summary=body,
                content=body,
                image_url=c.join_url(site, image.get("url")) or "",
                image_alt=image.get("alt") or "",
                event=EventDetailRecord(
                    audience=_term_names(related.get("field_event_audience")),
                    event_type=_term_names(related.get("field_event_category")),
                    location=_term_names(related.get("field_location_tag")),
                    event_datetime=c.parse_datetime(when.get("value")),
                    event_end_datetime=c.parse_datetime(when.get("end_value")),
                ),
            )

        record = _item(build, ident, errors)
        if record:
            items.append(record)
    return FeedRecord(
        url=url, title="MIT Open Learning Events", feed_type="events", items=items, errors=errors
    )


# ---------------------------------------------------------------- Sloan Executive Education news


def _node(nodes: dict[str, Any], name: str) -> str:
    value = (nodes.get(name) or {}).get("value")
    return html.unescape(str(value)) if value else ""


def transform_sloan_news(payload: Any, url: str) -> FeedRecord:
    """Blog posts of the Sloan Executive Education CMS (a Salesforce "actions" answer)."""
    try:
        answer = payload["actions"][0]["returnValue"]
        contents = answer["content"]
    except (KeyError, IndexError, TypeError):
        raise FeedError(f"{url}: no actions[0].returnValue.content in the answer") from None
    base = str(answer.get("baseURL") or "https://exec.mit.edu")
    errors: list[dict[str, str]] = []
    items = []
    for raw in contents:
        ident = c.item_id_of(raw, "contentKey", "title")

        def build(raw: Any = raw) -> FeedItemRecord:
            nodes = raw.get("contentNodes") or {}
            image = nodes.get("Featured_Image") or {}
            sections = [
                _node(nodes, "First_Section_Content"),
                _node(nodes, "Second_Section_Content"),
            ]
            return FeedItemRecord(
                guid=str(raw["contentKey"]),
                title=c.strip_html(_node(nodes, "Article_Title") or raw.get("title")) or "",
                url=f"{base}/s/blog-post/{raw['contentUrlName']}-{raw['contentKey']}",
                summary=c.strip_html(_node(nodes, "Summary")) or "",
                content="\n".join(s for s in sections if s),
                image_url=c.join_url(base, image.get("url")) or "",
                image_alt=c.text(image.get("altText")) or "",
                news=NewsDetailRecord(
                    topics=[t for t in [c.strip_html(_node(nodes, "Category"))] if t],
                    publish_date=c.parse_datetime(
                        _node(nodes, "Original_Date") or raw.get("publishedDate")
                    ),
                ),
            )

        record = _item(build, ident, errors)
        if record:
            items.append(record)
    return FeedRecord(
        url=url,
        title="MIT Sloan Executive Education News",
        feed_type="news",
        items=items,
        errors=errors,
    )


def _mitpe(path: str) -> Callable[[LearnEnv], str | None]:
    def location(env: LearnEnv) -> str | None:
        base = env.mitpe_base_api_url
        return f"{base.rstrip('/')}/feeds/{path}/" if base else None

    return location


FEEDS: dict[str, Feed] = {
    "medium": Feed(
        "medium", lambda env: env.news_events_medium_url, extract_text, transform_medium
    ),
    "mitpe_news": Feed("mitpe_news", _mitpe("news"), extract_json, transform_mitpe_news),
    "mitpe_events": Feed("mitpe_events", _mitpe("events"), extract_json, transform_mitpe_events),
    "sloan_news": Feed(
        "sloan_news", lambda env: env.news_events_sloan_news_url, extract_json, transform_sloan_news
    ),
    "ol_events": Feed(
        "ol_events", lambda env: env.news_events_ol_events_url, extract_jsonapi, transform_ol_events
    ),
}


def configured_feeds(env: LearnEnv | None = None) -> dict[str, str]:
    """Feed name → URL of every feed whose location is configured."""
    env = env or get_env()
    return {name: url for name, feed in FEEDS.items() if (url := feed.location(env))}
