"""Query-parameter parsing for the vector endpoints: unknown or malformed parameters are errors."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from learn.catalog.constants import (
    CertificationType,
    Delivery,
    Level,
    ResourceType,
    ResourceTypeGroup,
)
from learn.retrieval.responses import ParamError

MAX_Q_CHARS = 2000
MAX_WINDOW = 1000  # offset + limit

RESOURCE_LIST_FILTERS = (
    "resource_type",
    "resource_type_group",
    "resource_category",
    "certification_type",
    "offered_by",
    "platform",
    "department",
    "level",
    "delivery",
    "topic",
    "ocw_topic",
    "course_feature",
)
RESOURCE_BOOL_FILTERS = ("free", "professional", "certification", "published")
ENUMS: dict[str, set[str]] = {
    "resource_type": set(ResourceType.values),
    "resource_type_group": set(ResourceTypeGroup.values),
    "certification_type": set(CertificationType.values),
    "delivery": set(Delivery.values),
    "level": set(Level.values),
}
RESOURCE_AGGREGATIONS = (
    "readable_id",
    "resource_type",
    "certification",
    "certification_type",
    "professional",
    "free",
    "course_feature",
    "topic",
    "ocw_topic",
    "level",
    "department",
    "platform",
    "offered_by",
    "delivery",
    "title",
    "url",
    "resource_type_group",
    "resource_category",
    "published",
    "next_start_date",
    "views",
    "created_on",
)
RESOURCE_SORTS = (
    "next_start_date",
    "views",
    "created_on",
    "-next_start_date",
    "-views",
    "-created_on",
)
CONTENT_FILE_LIST_FILTERS = (
    "key",
    "edx_module_id",
    "offered_by",
    "platform",
    "file_extension",
    "run_readable_id",
    "resource_readable_id",
)
CONTENT_FILE_AGGREGATIONS = (
    "key",
    "course_number",
    "platform",
    "offered_by",
    "file_extension",
    "content_feature_type",
    "run_readable_id",
    "resource_readable_id",
    "run_title",
    "edx_module_id",
    "content_type",
    "description",
    "title",
)
CONTENT_FILE_COLLECTIONS = ("content_files",)


@dataclass
class Parsed:
    values: dict[str, Any] = field(default_factory=dict)
    filters: dict[str, list[str]] = field(default_factory=dict)


def _bool(raw: str) -> bool | None:
    lowered = raw.strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    return None


class Reader:
    """Reads one QueryDict, collecting every problem before reporting them together."""

    def __init__(self, query: QueryDict) -> None:
        self.query = query
        self.errors: dict[str, str] = {}
        self.seen: set[str] = set()

    def _raw(self, name: str) -> list[str]:
        self.seen.update({name, f"{name}[]"})
        return [v for v in self.query.getlist(name) + self.query.getlist(f"{name}[]")]

    def text(self, name: str, max_chars: int | None = None) -> str | None:
        values = self._raw(name)
        if not values:
            return None
        value = values[-1]
        if max_chars is not None and len(value) > max_chars:
            self.errors[name] = f"at most {max_chars} characters allowed (got {len(value)})"
            return None
        return value

    def integer(self, name: str, default: int, lo: int, hi: int) -> int:
        raw = self.text(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            self.errors[name] = f"must be an integer, got {raw!r}"
            return default
        if not lo <= value <= hi:
            self.errors[name] = f"must be between {lo} and {hi}"
            return default
        return value

    def number(self, name: str, default: float, lo: float, hi: float) -> float:
        raw = self.text(name)
        if raw is None or raw == "":
            return default
        try:
            value = float(raw)
        except ValueError:
            self.errors[name] = f"must be a number, got {raw!r}"
            return default
        if not lo <= value <= hi:
            self.errors[name] = f"must be between {lo} and {hi}"
            return default
        return value

    def boolean(self, name: str) -> bool | None:
        raw = self.text(name)
        if raw is None or raw == "":
            return None
        value = _bool(raw)
        if value is None:
            self.errors[name] = f"must be true or false, got {raw!r}"
        return value

    def choices(self, name: str, allowed: Iterable[str] | None = None) -> list[str]:
        raws = self._raw(name)
        if any(not raw.strip() for raw in raws):
            # ``?topic=`` asks for nothing: refused as the lexical search refuses it
            self.errors[name] = "must not be empty"
            return []
        values = [v for raw in raws for v in raw.split(",") if v.strip()]
        if allowed is not None:
            allowed_set = set(allowed)
            bad = sorted({v for v in values if v not in allowed_set})
            if bad:
                self.errors[name] = f"invalid value(s) {', '.join(bad)}"
                return []
        return values

    def choice(self, name: str, allowed: Iterable[str]) -> str | None:
        raw = self.text(name)
        if raw is None or raw == "":
            return None
        if raw not in set(allowed):
            self.errors[name] = f"invalid value {raw!r}"
            return None
        return raw

    def finish(self) -> None:
        unknown = sorted(k for k in self.query if k not in self.seen)
        for name in unknown:
            self.errors[name] = "unknown parameter"
        if self.errors:
            raise ParamError.of(self.errors)


def _common(reader: Reader, parsed: Parsed) -> None:
    parsed.values["q"] = (reader.text("q", MAX_Q_CHARS) or "").strip()
    parsed.values["offset"] = reader.integer("offset", 0, 0, MAX_WINDOW)
    parsed.values["limit"] = reader.integer("limit", 10, 1, MAX_WINDOW)
    if parsed.values["offset"] + parsed.values["limit"] > MAX_WINDOW:
        reader.errors["limit"] = f"offset + limit must not exceed {MAX_WINDOW}"
    parsed.values["hybrid_search"] = bool(reader.boolean("hybrid_search"))
    parsed.values["dev_mode"] = bool(reader.boolean("dev_mode"))
    for name in ("url__isnull", "title__isnull"):
        value = reader.boolean(name)
        if value is not None:
            parsed.filters[name.replace("__", "_")] = ["true" if value else "false"]


def parse_resource_search(query: QueryDict) -> Parsed:
    reader = Reader(query)
    parsed = Parsed()
    _common(reader, parsed)
    for name in RESOURCE_LIST_FILTERS:
        values = reader.choices(name, ENUMS.get(name))
        if values:
            parsed.filters[name] = values
    for name in RESOURCE_BOOL_FILTERS:
        value = reader.boolean(name)
        if value is not None:
            parsed.filters[name] = ["true" if value else "false"]
    readable_id = reader.text("readable_id")
    if readable_id:
        parsed.filters["readable_id"] = [readable_id]
    parsed.values["aggregations"] = reader.choices("aggregations", RESOURCE_AGGREGATIONS)
    parsed.values["sortby"] = reader.choice("sortby", RESOURCE_SORTS)
    parsed.values["score_cutoff"] = reader.number("score_cutoff", 0.0, 0.0, 1.0)
    reader.finish()
    return parsed


def parse_content_file_search(query: QueryDict) -> Parsed:
    reader = Reader(query)
    parsed = Parsed()
    _common(reader, parsed)
    for name in CONTENT_FILE_LIST_FILTERS:
        values = reader.choices(name)
        if values:
            parsed.filters[name] = values
    parsed.values["aggregations"] = reader.choices("aggregations", CONTENT_FILE_AGGREGATIONS)
    parsed.values["collection_name"] = reader.choice("collection_name", CONTENT_FILE_COLLECTIONS)
    parsed.values["group_by"] = reader.choice("group_by", CONTENT_FILE_AGGREGATIONS)
    parsed.values["group_size"] = reader.integer("group_size", 1, 1, 100)
    reader.finish()
    return parsed


def parse_similar(query: QueryDict) -> Parsed:
    reader = Reader(query)
    parsed = Parsed()
    parsed.values["limit"] = reader.integer("limit", 12, 1, 100)
    for name in RESOURCE_LIST_FILTERS:
        values = reader.choices(name, ENUMS.get(name))
        if values:
            parsed.filters[name] = values
    for name in ("free", "professional", "certification"):
        value = reader.boolean(name)
        if value is not None:
            parsed.filters[name] = ["true" if value else "false"]
    reader.finish()
    return parsed
