"""HTTP query parameters → ``SearchQuery``, with a clear error naming the parameter.

Every parameter of MIT Learn's contract is accepted; anything else is refused (400).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from learn.catalog.constants import (
    CertificationType,
    Delivery,
    Level,
    OfferedBy,
    PlatformCode,
    ResourceType,
    ResourceTypeGroup,
)
from learn.retrieval.responses import ParamError
from learn.search.query import (
    CONTENT_FILE_SORTS,
    DEFAULT_TUNING,
    RESOURCE_SORTS,
    SEARCH_MODES,
    SearchQuery,
    Tuning,
)
from learn.search.text import MAX_QUERY_CHARS

MAX_OFFSET = 10_000
DEPARTMENTS = [
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "8",
    "9",
    "10",
    "11",
    "12",
    "14",
    "15",
    "16",
    "17",
    "18",
    "20",
    "21A",
    "21G",
    "21H",
    "21L",
    "21M",
    "22",
    "24",
    "CC",
    "CMS-W",
    "EC",
    "ES",
    "ESD",
    "HST",
    "IDS",
    "MAS",
    "PE",
    "SP",
    "STS",
    "WGS",
]
RESOURCE_AGGREGATIONS = (
    "resource_type",
    "certification",
    "certification_type",
    "offered_by",
    "platform",
    "topic",
    "department",
    "level",
    "course_feature",
    "instructor",
    "professional",
    "free",
    "delivery",
    "resource_type_group",
    "resource_category",
)
CONTENT_FILE_AGGREGATIONS = ("topic", "content_feature_type", "platform", "offered_by")


def default_search_mode() -> str:
    """The ``search_mode`` of a request that names none (setting ``SEARCH_DEFAULT_MODE``).

    ``DEFAULT_TUNING.search_mode`` stays the lexical engines' own default (phrase): internal
    callers that hand ``DEFAULT_TUNING`` to a backend never ask it for "hybrid".
    """
    from django.conf import settings

    return str(getattr(settings, "SEARCH_DEFAULT_MODE", DEFAULT_TUNING.search_mode))


def served_tuning() -> Tuning:
    """The tuning defaults the API applies (served by the admin-params endpoint)."""
    return replace(DEFAULT_TUNING, search_mode=default_search_mode())


@dataclass(frozen=True)
class ListParam:
    choices: tuple[str, ...] | None = None
    integer: bool = False


def _values(choices: Any) -> tuple[str, ...]:
    return tuple(str(c) for c in choices.values)


RESOURCE_LISTS: dict[str, ListParam] = {
    "id": ListParam(integer=True),
    "resource_type": ListParam(_values(ResourceType)),
    "resource_type_group": ListParam(_values(ResourceTypeGroup)),
    "resource_category": ListParam(),
    "certification_type": ListParam(_values(CertificationType)),
    "offered_by": ListParam(_values(OfferedBy)),
    "platform": ListParam(_values(PlatformCode)),
    "department": ListParam(tuple(DEPARTMENTS)),
    "level": ListParam(_values(Level)),
    "delivery": ListParam(_values(Delivery)),
    "topic": ListParam(),
    "ocw_topic": ListParam(),
    "course_feature": ListParam(),
    # Instructor names as the resource lists them ("Gilbert Strang"), matched case-insensitively.
    "instructor": ListParam(),
}
RESOURCE_BOOLS = ("free", "professional", "certification")
CONTENT_FILE_LISTS: dict[str, ListParam] = {
    "id": ListParam(integer=True),
    "topic": ListParam(),
    "ocw_topic": ListParam(),
    "offered_by": ListParam(_values(OfferedBy)),
    "platform": ListParam(_values(PlatformCode)),
    "content_feature_type": ListParam(),
    "run_id": ListParam(integer=True),
    "resource_id": ListParam(integer=True),
}
COMMON = ("q", "offset", "limit", "sortby", "aggregations", "dev_mode")
TUNING_RANGES: dict[str, tuple[float, float]] = {
    "yearly_decay_percent": (0, 10),
    "min_score": (0, 50),
    "max_incompleteness_penalty": (0, 100),
    "content_file_score_weight": (0, 1),
}
RESOURCE_PARAMS = frozenset(
    [
        *COMMON,
        *RESOURCE_LISTS,
        *RESOURCE_BOOLS,
        *TUNING_RANGES,
        "search_mode",
        "slop",
        "show_ocw_files",
    ]
)
CONTENT_FILE_PARAMS = frozenset([*COMMON, *CONTENT_FILE_LISTS])


class Params:
    """A read-only view of a multi-valued query string (Django's QueryDict or a plain dict)."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    def names(self) -> list[str]:
        return list(self._data.keys())

    def getlist(self, key: str) -> list[str]:
        getlist = getattr(self._data, "getlist", None)
        if getlist is not None:
            return [str(v) for v in getlist(key)]
        value = self._data.get(key)
        if value is None:
            return []
        return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]

    def get(self, key: str) -> str | None:
        values = self.getlist(key)
        return values[-1] if values else None


def _bool(params: Params, name: str) -> bool | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    lowered = raw.strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise ParamError(name, f"'{raw}' is not a boolean", ["true", "false"])


def _int(params: Params, name: str, low: int, high: int, default: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ParamError(name, f"'{raw[:50]}' is not an integer") from None
    if value < low or value > high:
        raise ParamError(name, f"must be between {low} and {high}, got {value}")
    return value


def _number(params: Params, name: str, low: float, high: float, default: float) -> float:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ParamError(name, f"'{raw[:50]}' is not a number") from None
    if not low <= value <= high:
        raise ParamError(name, f"must be between {low:g} and {high:g}, got {value:g}")
    return value


def _list(params: Params, name: str, spec: ListParam) -> tuple[str, ...]:
    values: list[str] = []
    for raw in params.getlist(name):
        value = raw.strip()
        if not value:
            raise ParamError(name, "must not be empty")
        if spec.integer:
            try:
                value = str(int(value))
            except ValueError:
                raise ParamError(name, f"'{value[:50]}' is not an integer") from None
        elif spec.choices is not None and value not in spec.choices:
            raise ParamError(name, f"'{value[:50]}' is not a valid choice", spec.choices)
        values.append(value)
    return tuple(values)


def _choice(params: Params, name: str, choices: Sequence[str]) -> str | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    if raw not in choices:
        raise ParamError(name, f"'{raw[:50]}' is not a valid choice", choices)
    return raw


def _check_unknown(params: Params, allowed: frozenset[str]) -> None:
    unknown = sorted(k for k in params.names() if k not in allowed)
    if unknown:
        raise ParamError(unknown[0], "unknown parameter", sorted(allowed))


def _common(params: Params, max_limit: int, sorts: Sequence[str]) -> dict[str, Any]:
    # Long text is cut to what the engine considers (text.MAX_QUERY_CHARS), never refused.
    q = (params.get("q") or "")[: MAX_QUERY_CHARS * 4]
    return {
        "text": q,
        "offset": _int(params, "offset", 0, MAX_OFFSET, 0),
        "limit": _int(params, "limit", 0, max_limit, 10),
        "sort": _choice(params, "sortby", sorts),
        "explain": bool(_bool(params, "dev_mode")),
    }


def resource_search_query(data: Mapping[str, Any], max_limit: int) -> SearchQuery:
    params = Params(data)
    _check_unknown(params, RESOURCE_PARAMS)
    common = _common(params, max_limit, RESOURCE_SORTS)
    filters = {name: _list(params, name, spec) for name, spec in RESOURCE_LISTS.items()}
    for name in RESOURCE_BOOLS:
        value = _bool(params, name)
        if value is not None:
            filters[name] = ("true" if value else "false",)
    aggregations = _list(params, "aggregations", ListParam(RESOURCE_AGGREGATIONS))
    tuning = replace(
        DEFAULT_TUNING,
        search_mode=_choice(params, "search_mode", SEARCH_MODES) or default_search_mode(),
        slop=_int(params, "slop", 0, 100, DEFAULT_TUNING.slop),
        **{
            name: _number(params, name, low, high, getattr(DEFAULT_TUNING, name))
            for name, (low, high) in TUNING_RANGES.items()
        },
    )
    return SearchQuery(
        index="resource",
        filters={k: v for k, v in filters.items() if v},
        aggregations=tuple(dict.fromkeys(aggregations)),
        tuning=tuning,
        show_ocw_files=bool(_bool(params, "show_ocw_files")),
        **common,
    )


def content_file_search_query(data: Mapping[str, Any], max_limit: int) -> SearchQuery:
    params = Params(data)
    _check_unknown(params, CONTENT_FILE_PARAMS)
    common = _common(params, max_limit, CONTENT_FILE_SORTS)
    filters = {name: _list(params, name, spec) for name, spec in CONTENT_FILE_LISTS.items()}
    aggregations = _list(params, "aggregations", ListParam(CONTENT_FILE_AGGREGATIONS))
    return SearchQuery(
        index="content_file",
        filters={k: v for k, v in filters.items() if v},
        aggregations=tuple(dict.fromkeys(aggregations)),
        tuning=Tuning(min_score=0.0),
        **common,
    )
