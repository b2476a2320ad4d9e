"""Saved-query shapes: request parameters → the normalised ``query`` (MIT Learn's
``adjust_original_query_for_percolate``: paging, sorting and ranking knobs dropped, keys and
lists sorted) → the engine's ``SearchQuery``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlencode

from learn.retrieval.responses import ParamError
from learn.retrieval.search_params import (
    RESOURCE_BOOLS,
    RESOURCE_LISTS,
    Params,
    resource_search_query,
)
from learn.search.query import SearchQuery

ENDPOINT = "learning_resource"
# Parameters that change the order or the page of a search, not which resources it finds.
DROPPED = (
    "limit",
    "offset",
    "sortby",
    "yearly_decay_percent",
    "dev_mode",
    "max_incompleteness_penalty",
    "min_score",
    "search_mode",
    "slop",
    "show_ocw_files",
    "aggregations",
    "content_file_score_weight",
)
# Fields of a subscribe request that are not search parameters.
NOT_SEARCH = ("source_type", "endpoint", "frequency", "display_label")


class QueryNoLongerValid(ValueError):
    """A stored query the current search parameters refuse (e.g. after a schema change)."""


def search_params(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """The search parameters of a request (query string or body), every value a list of
    strings, without ``source_type``. Raises ``ParamError`` for what the search refuses."""
    params = Params(data)
    flat = {
        name: params.getlist(name)
        for name in params.names()
        if name not in NOT_SEARCH and params.getlist(name)
    }
    resource_search_query(flat, max_limit=10_000)  # validates exactly as the search does
    return flat


def _value(name: str, values: list[str]) -> Any:
    if name in RESOURCE_BOOLS:
        return values[-1].strip().lower() in ("true", "1", "yes")
    if name == "q":
        return values[-1]
    if name in RESOURCE_LISTS and RESOURCE_LISTS[name].integer:
        return sorted(int(v) for v in values)
    return sorted(v.strip() for v in values)


def original_query(params: Mapping[str, list[str]]) -> dict[str, Any]:
    """The request as made (plus MIT Learn's ``endpoint`` marker), keys sorted."""
    query = {name: _value(name, values) for name, values in params.items()}
    if "q" in query and not str(query["q"]).strip():
        del query["q"]
    return dict(sorted({**query, "endpoint": ENDPOINT}.items()))


def normalise(params: Mapping[str, list[str]]) -> dict[str, Any]:
    """What decides which resources match: filters and text; keys and lists sorted."""
    query = original_query(params)
    return {k: v for k, v in query.items() if k not in DROPPED}


def as_params(query: Mapping[str, Any]) -> dict[str, list[str]]:
    """A stored query back as request parameters (lists of strings), without ``endpoint``."""
    params: dict[str, list[str]] = {}
    for name, value in query.items():
        if name in NOT_SEARCH or value in (None, "", []):
            continue
        if isinstance(value, bool):
            params[name] = ["true" if value else "false"]
        elif isinstance(value, list | tuple):
            params[name] = [str(v) for v in value]
        else:
            params[name] = [str(value)]
    return params


def to_search_query(query: Mapping[str, Any]) -> SearchQuery:
    """The engine query of a stored query: every match, unranked. Raises
    ``QueryNoLongerValid`` when today's search parameters refuse it."""
    try:
        parsed = resource_search_query(as_params(query), max_limit=10_000)
    except ParamError as exc:
        raise QueryNoLongerValid(f"{exc.param}: {exc.message}") from exc
    except (TypeError, ValueError, AttributeError) as exc:
        raise QueryNoLongerValid(str(exc)) from exc
    return SearchQuery(index="resource", text=parsed.text, filters=parsed.filters)


def url_params(query: Mapping[str, Any]) -> str:
    """The query string of a stored query (MIT Learn's ``original_url_params``)."""
    return urlencode(as_params(query), doseq=True)


def from_search_filter(search_filter: str) -> dict[str, list[str]]:
    """A channel's ``search_filter`` ("topic=Physics") as request parameters."""
    return {k: v for k, v in parse_qs(search_filter, keep_blank_values=False).items()}
