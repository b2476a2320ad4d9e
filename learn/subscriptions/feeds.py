"""Atom feeds of a saved search (``/feeds/search/?<search params>``) and of a channel
(``/feeds/channels/<type>/<name>/``): the newest matching resources, through the search port."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.feedgenerator import Atom1Feed

from learn.catalog.models import Channel
from learn.config.env import get_env
from learn.retrieval.responses import ParamError
from learn.search.backends import SearchUnavailable, get_backend
from learn.search.query import SearchQuery
from learn.subscriptions import queries

ITEMS = 20
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class FeedTarget:
    def __init__(self, title: str, link: str, params: dict[str, list[str]], feed_id: str) -> None:
        self.title = title
        self.link = link
        self.params = params
        self.feed_id = feed_id


def _site() -> str:
    return get_env().app_base_url.rstrip("/")


def _date(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class _ResourceFeed(Feed):  # type: ignore[type-arg]
    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().__call__(request, *args, **kwargs)
        except SearchUnavailable as exc:  # as the search API answers: a JSON 503
            return JsonResponse({"detail": str(exc)}, status=503)

    def title(self, obj: FeedTarget) -> str:
        return obj.title

    def link(self, obj: FeedTarget) -> str:
        return obj.link

    def subtitle(self, obj: FeedTarget) -> str:
        return f"New resources for {obj.title}"

    def feed_guid(self, obj: FeedTarget) -> str:
        return obj.feed_id

    def items(self, obj: FeedTarget) -> list[dict[str, Any]]:
        try:
            query = queries.to_search_query(queries.normalise(obj.params))
        except queries.QueryNoLongerValid:
            return []  # a channel whose filter the search no longer accepts has no feed items
        found = get_backend().search(
            SearchQuery(text=query.text, filters=query.filters, sort="new", limit=ITEMS)
        )
        return [hit.source for hit in found.hits]

    def item_title(self, item: dict[str, Any]) -> str:
        return str(item.get("title") or "")

    def item_description(self, item: dict[str, Any]) -> str:
        return str(item.get("description") or "")

    def item_link(self, item: dict[str, Any]) -> str:
        return str(item.get("url") or f"{_site()}/search?{urlencode({'resource': item['id']})}")

    def item_guid(self, item: dict[str, Any]) -> str:
        return f"{_site()}/search?{urlencode({'resource': item['id']})}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: dict[str, Any]) -> datetime | None:
        return _date(item.get("created_on")) or _date(item.get("last_modified"))

    def item_updateddate(self, item: dict[str, Any]) -> datetime:
        return _date(item.get("last_modified")) or _date(item.get("created_on")) or EPOCH


class SearchFeed(_ResourceFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FeedTarget:
        try:
            params = queries.search_params(request.GET)
        except ParamError as exc:
            raise Http404(f"{exc.param}: {exc.message}") from exc
        query = queries.url_params(queries.normalise(params))
        title = f"Learn search: {queries.url_params(params) or 'everything'}"
        link = f"{_site()}/search?{query}{'&' if query else ''}sortby=new"
        return FeedTarget(title, link, params, f"{_site()}/feeds/search/?{query}")


class ChannelFeed(_ResourceFeed):
    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FeedTarget:
        channel = Channel.objects.filter(
            channel_type=kwargs["channel_type"], name=kwargs["name"], published=True
        ).first()
        if channel is None:
            raise Http404("No such channel")
        link = f"{_site()}/c/{channel.channel_type}/{channel.name}/"
        params = queries.from_search_filter(channel.search_filter)
        return FeedTarget(f"Learn: {channel.title}", link, params, link)
