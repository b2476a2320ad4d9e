"""Reading and validating the taxonomy files, before anything touches the database.

A taxonomy is five files in one folder or under one http(s) base URL: ``topics.yaml`` (the topic
tree with per-offeror mappings) and four Django-fixture-shaped JSON lists (platforms, offerors,
schools, departments). Every problem found here is a ``TaxonomyError`` naming the file, the line
and, for a wrong entry, the entry and field; the loader then writes all or nothing.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml
from django.db import models

from learn.catalog.models import Department, Offeror, Platform, School, Topic, TopicMapping

TOPICS_FILE = "topics.yaml"
# JSON fixture file → the model its entries load into, in load order (departments need schools).
FIXTURE_FILES: dict[str, type[models.Model]] = {
    "platforms.json": Platform,
    "offered_by.json": Offeror,
    "schools.json": School,
    "departments.json": Department,
}
TAXONOMY_FILES = (*FIXTURE_FILES, TOPICS_FILE)
# Fixture timestamps describe the upstream database, not ours: never imported.
_SKIPPED_FIELDS = {"created_on", "updated_on"}
_JSON_SPACE = re.compile(r"[ \t\n\r]*")


class TaxonomyError(Exception):
    """A taxonomy source that cannot be read or loaded; the message says where and what to do."""


@dataclass(frozen=True)
class SourceFile:
    name: str  # e.g. "topics.yaml"
    label: str  # where it came from (path or URL), used in every message
    text: str


@dataclass(frozen=True)
class FixtureRecord:
    """One validated fixture entry: its primary key and the model fields the entry sets."""

    key: Any
    values: dict[str, Any]  # model attname → value
    origin: str  # "<file> line N: entry I (<key>)"


@dataclass(frozen=True)
class TopicRecord:
    topic_uuid: uuid.UUID
    name: str
    icon: str
    parent_uuid: uuid.UUID | None
    mappings: dict[str, list[str]]  # offeror code → source topic names
    origin: str


@dataclass
class TaxonomyData:
    fixtures: dict[type[models.Model], list[FixtureRecord]]
    topics: list[TopicRecord]  # parents before their children
    ignored_fields: dict[str, list[str]] = field(default_factory=dict)  # file → field names


# ---------------------------------------------------------------- reading


def is_url(source: str | Path) -> bool:
    return isinstance(source, str) and source.startswith(("http://", "https://"))


def read_source(source: str | Path) -> dict[str, SourceFile]:
    """Read every taxonomy file from a folder or an http(s) base URL."""
    if is_url(source):
        return _read_url(str(source))
    return _read_folder(Path(source))


def _read_folder(folder: Path) -> dict[str, SourceFile]:
    if not folder.is_dir():
        raise TaxonomyError(
            f"taxonomy folder {folder} does not exist: pass a folder (or http(s) base URL) "
            f"holding {', '.join(TAXONOMY_FILES)}"
        )
    files = {}
    for name in TAXONOMY_FILES:
        path = folder / name
        if not path.is_file():
            raise TaxonomyError(
                f"{path} is missing: a taxonomy folder must hold {', '.join(TAXONOMY_FILES)}"
            )
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise TaxonomyError(f"{path} is not UTF-8 text ({exc})") from exc
        files[name] = SourceFile(name, str(path), text)
    return files


def _read_url(base_url: str) -> dict[str, SourceFile]:
    files = {}
    with httpx.Client(timeout=30.0, follow_redirects=True) as client:
        for name in TAXONOMY_FILES:
            url = f"{base_url.rstrip('/')}/{name}"
            try:
                response = client.get(url)
            except httpx.HTTPError as exc:
                reason = str(exc) or type(exc).__name__
                raise TaxonomyError(
                    f"could not fetch {url}: {reason}; check that the server is reachable and "
                    "the base URL is right"
                ) from exc
            if response.status_code != 200:
                raise TaxonomyError(
                    f"GET {url} returned HTTP {response.status_code}: the base URL must serve "
                    f"{', '.join(TAXONOMY_FILES)}"
                )
            try:
                text = response.content.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise TaxonomyError(f"{url} is not UTF-8 text ({exc})") from exc
            files[name] = SourceFile(name, url, text)
    return files


# ---------------------------------------------------------------- parsing


def parse_taxonomy(files: dict[str, SourceFile]) -> TaxonomyData:
    data = TaxonomyData(fixtures={}, topics=parse_topics(files[TOPICS_FILE]))
    for name, model in FIXTURE_FILES.items():
        records, ignored = parse_fixture(files[name], model)
        data.fixtures[model] = records
        if ignored:
            data.ignored_fields[name] = ignored
    return data


def parse_fixture(
    source: SourceFile, model: type[models.Model]
) -> tuple[list[FixtureRecord], list[str]]:
    """Validate a Django-fixture-shaped JSON list against ``model``'s fields."""
    try:
        entries = json.loads(source.text)
    except json.JSONDecodeError as exc:
        raise TaxonomyError(
            f"{source.label} line {exc.lineno}, column {exc.colno}: invalid JSON: {exc.msg}"
        ) from exc
    if not isinstance(entries, list):
        raise TaxonomyError(f"{source.label} line 1: expected a JSON list of fixture entries")
    fields = _loadable_fields(model)
    pk = model._meta.pk
    assert pk is not None
    kind = model._meta.model_name or model.__name__.lower()
    records: list[FixtureRecord] = []
    seen: dict[Any, str] = {}
    ignored: set[str] = set()
    for index, (entry, line) in enumerate(zip(entries, _entry_lines(source.text), strict=True), 1):
        where = f"{source.label} line {line}: entry {index}"
        if not isinstance(entry, dict) or not isinstance(entry.get("fields"), dict):
            raise TaxonomyError(f'{where}: expected an object with a "fields" object')
        label = entry.get("model")
        if label is not None and not str(label).lower().endswith(kind):
            raise TaxonomyError(f"{where}: model {label!r} is not a {kind}")
        raw: dict[str, Any] = entry["fields"]
        if pk.name not in raw and "pk" in entry:
            raw = {**raw, pk.name: entry["pk"]}
        if pk.name not in raw:
            raise TaxonomyError(f"{where}: field {pk.name!r} is required")
        key = _checked_value(pk, raw[pk.name], f"{where}: field {pk.name!r}")
        origin = f"{where} ({pk.name} {key!r})"
        if key in seen:
            raise TaxonomyError(f"{origin}: duplicate {pk.name}, already at {seen[key]}")
        seen[key] = f"line {line}"
        values: dict[str, Any] = {}
        for model_field in fields:
            name = next((n for n in (model_field.attname, model_field.name) if n in raw), None)
            if name is None:
                if _required(model_field):
                    raise TaxonomyError(f"{origin}: field {model_field.name!r} is required")
                continue
            values[model_field.attname] = _checked_value(
                model_field, raw[name], f"{origin}: field {name!r}"
            )
        known = {n for f in fields for n in (f.name, f.attname)} | {pk.name} | _SKIPPED_FIELDS
        ignored.update(set(raw) - known)
        records.append(FixtureRecord(key, values, origin))
    return records, sorted(ignored)


def _loadable_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.Field) and not f.primary_key and f.name not in _SKIPPED_FIELDS
    ]


def _required(model_field: models.Field[Any, Any]) -> bool:
    return not (model_field.has_default() or model_field.null or model_field.blank)


def _checked_value(model_field: models.Field[Any, Any], value: Any, where: str) -> Any:
    """Check a JSON value's type against the model field; lengths and URLs are checked on save."""
    if value is None and model_field.null:
        return None
    if isinstance(model_field, models.ForeignKey):
        model_field = model_field.target_field
    if value is None:
        if isinstance(model_field, models.CharField | models.TextField) and model_field.blank:
            return ""
        raise TaxonomyError(f"{where} must not be null")
    if isinstance(model_field, models.BooleanField):
        expected, ok = "true or false", isinstance(value, bool)
    elif isinstance(model_field, models.IntegerField):  # includes the auto ids
        expected, ok = "an integer", isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(model_field, models.CharField | models.TextField):
        expected, ok = "a string", isinstance(value, str)
    elif isinstance(model_field, models.JSONField) and isinstance(model_field.get_default(), list):
        expected = "a list of strings"
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    else:
        expected, ok = "", True
    if not ok:
        raise TaxonomyError(f"{where} must be {expected}, got {json.dumps(value)[:80]}")
    return value


def _entry_lines(text: str) -> list[int]:
    """1-based line of each element of a (valid) top-level JSON list."""
    decoder = json.JSONDecoder()
    position = _JSON_SPACE.match(text, text.index("[") + 1)
    assert position is not None
    index, line, counted = position.end(), 1, 0
    lines: list[int] = []
    while index < len(text) and text[index] != "]":
        line += text.count("\n", counted, index)
        counted = index
        lines.append(line)
        _, index = decoder.raw_decode(text, index)
        match = _JSON_SPACE.match(text, index)
        assert match is not None
        index = match.end()
        if index < len(text) and text[index] == ",":
            match = _JSON_SPACE.match(text, index + 1)
            assert match is not None
            index = match.end()
    return lines


# ---------------------------------------------------------------- topics.yaml


class _LineDict(dict[Any, Any]):
    line = 0


class _LineLoader(yaml.SafeLoader):
    """A safe loader whose mappings remember the line they start on."""


def _construct_line_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    mapping = _LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_line_mapping)


def parse_topics(source: SourceFile) -> list[TopicRecord]:
    try:
        document = yaml.load(source.text, Loader=_LineLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise TaxonomyError(f"{source.label}{where}: invalid YAML: {problem}") from exc
    except yaml.YAMLError as exc:
        raise TaxonomyError(f"{source.label}: invalid YAML: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("topics"), list):
        raise TaxonomyError(f'{source.label} line 1: expected a mapping with a "topics" list')
    records: list[TopicRecord] = []
    _collect_topics(source.label, document["topics"], None, records)
    _check_unique_topics(records)
    return records


def _collect_topics(
    label: str, nodes: list[Any], parent: uuid.UUID | None, out: list[TopicRecord]
) -> None:
    name_length = Topic._meta.get_field("name").max_length or 128
    mapping_length = TopicMapping._meta.get_field("topic_name").max_length or 256
    for position, node in enumerate(nodes, 1):
        if not isinstance(node, _LineDict):
            within = "the top-level list" if parent is None else f"the children of topic {parent}"
            raise TaxonomyError(f"{label}: item {position} of {within} is not a topic mapping")
        where = f"{label} line {node.line}: topic"
        name = node.get("name")
        if not isinstance(name, str) or not name.strip():
            raise TaxonomyError(f'{where} {position}: field "name" must be a non-empty string')
        where = f"{where} {name!r}"
        if len(name) > name_length:
            raise TaxonomyError(f'{where}: field "name" is longer than {name_length} characters')
        try:
            topic_uuid = uuid.UUID(str(node.get("id")))
        except ValueError:
            got = node.get("id")
            raise TaxonomyError(f'{where}: field "id" must be a UUID, got {got!r}') from None
        icon = node.get("icon") or ""
        if not isinstance(icon, str):
            raise TaxonomyError(f'{where}: field "icon" must be a string')
        mappings = node.get("mappings") or {}
        if not isinstance(mappings, dict):
            raise TaxonomyError(f'{where}: field "mappings" must map offeror codes to name lists')
        checked: dict[str, list[str]] = {}
        for code, names in mappings.items():
            names = names or []
            if not isinstance(names, list) or not all(
                isinstance(n, str) and 0 < len(n) <= mapping_length for n in names
            ):
                raise TaxonomyError(
                    f'{where}: field "mappings.{code}" must be a list of topic names '
                    f"(non-empty strings of at most {mapping_length} characters)"
                )
            checked[str(code)] = list(dict.fromkeys(names))
        children = node.get("children") or []
        if not isinstance(children, list):
            raise TaxonomyError(f'{where}: field "children" must be a list of topics')
        out.append(TopicRecord(topic_uuid, name, icon, parent, checked, where))
        _collect_topics(label, children, topic_uuid, out)


def _check_unique_topics(records: list[TopicRecord]) -> None:
    """Names are unique case-insensitively (as in MIT Learn), ids are unique."""
    by_name: dict[str, TopicRecord] = {}
    by_uuid: dict[uuid.UUID, TopicRecord] = {}
    for record in records:
        first = by_name.setdefault(record.name.casefold(), record)
        if first is not record:
            raise TaxonomyError(f"{record.origin}: duplicate topic name, first at {first.origin}")
        first = by_uuid.setdefault(record.topic_uuid, record)
        if first is not record:
            raise TaxonomyError(f"{record.origin}: duplicate topic id, first at {first.origin}")
